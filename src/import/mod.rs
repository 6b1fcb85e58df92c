//! Normalise: a read [`Source`] becomes [`Imported`] control rows. Picks the sheet and header row, assigns column
//! roles, reads ids (several per cell, 2013 ids carried to 2022, numbers repaired), applicability and status, and
//! returns every finding as an [`Issue`] with its location instead of failing the run.

mod columns;
pub mod editions;
mod header_words;
mod headings;
pub mod layout;
mod matrix;
pub mod profile;
mod repair;
mod rollup;
mod rows;
mod sheet;
#[cfg(test)]
mod tests;
pub mod values;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::Catalogs;
use crate::ids::{ControlId, Framework};
use crate::issue::{Issue, Location};
pub use crate::matching::Candidate;
use crate::read::{RawRow, Source};
pub use layout::{ColumnRole, Role, RoleReason};
pub use values::Status;

/// How the user asked the input to be read (validated flags).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub sheet: Option<String>,
    /// 1-based header row.
    pub header_row: Option<usize>,
    /// `--column ROLE=HEADER` overrides.
    pub columns: Vec<(Role, String)>,
    /// `None` detects the framework.
    pub from: Option<Framework>,
    /// The saved profile these settings came from (`--profile FILE`): then only its columns are read.
    pub profile: Option<String>,
    /// Whether `sheet` came from the profile rather than `--sheet`.
    pub sheet_from_profile: bool,
}

/// How a row was placed on the reference catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedBy {
    Id,
    Title,
    Text,
    Transition,
    None,
    /// A reviewer's decision (`map --decisions`) placed the row.
    Decision,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Id => "id",
            MatchedBy::Title => "title",
            MatchedBy::Text => "text",
            MatchedBy::Transition => "transition",
            MatchedBy::None => "none",
            MatchedBy::Decision => "decision",
        }
    }
}

/// Whether a person should look at a row's match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Review {
    Auto,
    NeedsReview,
}

/// One control row as understood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedRow {
    /// Row number as the spreadsheet shows it.
    pub row: usize,
    /// The id cell as written.
    pub raw_id: Option<String>,
    /// Canonical ids (2013 ids replaced by their 2022 successors).
    pub ids: Vec<ControlId>,
    pub framework: Option<Framework>,
    pub matched_by: MatchedBy,
    pub score: f64,
    pub review: Review,
    pub applicable: Option<bool>,
    pub status: Option<Status>,
    /// The raw status text, kept for the workbook.
    pub status_text: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub evidence: Option<String>,
    pub frequency: Option<String>,
    /// How ambiguous ids were read, transitions, repairs.
    pub notes: Vec<String>,
    /// Runner-up candidates when matched by text.
    pub candidates: Vec<Candidate>,
    /// The client's own control number (`C-21`) beside the framework ids, when the sheet has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The row's ids are what its own cells say (a wrong id reported as an error, or a wide-matrix row with no
    /// marks): never guessed by title or text.
    #[serde(skip)]
    pub locked: bool,
    /// The id as written when it names no control (`A.7.78`): the row is placed by its title or text instead, for
    /// review.
    #[serde(skip)]
    pub unknown_id: Option<String>,
    /// The row's id was a point of focus (`CC1.1.1`) read as its criterion.
    #[serde(skip)]
    pub point_of_focus: bool,
}

impl ImportedRow {
    /// Spreadsheet row `row` with nothing read yet: no ids, not placed (so for review).
    pub fn new(row: usize) -> ImportedRow {
        ImportedRow {
            row,
            raw_id: None,
            ids: Vec::new(),
            framework: None,
            matched_by: MatchedBy::None,
            score: 0.0,
            review: Review::NeedsReview,
            applicable: None,
            status: None,
            status_text: None,
            title: None,
            text: None,
            justification: None,
            owner: None,
            evidence: None,
            frequency: None,
            notes: Vec::new(),
            candidates: Vec::new(),
            reference: None,
            locked: false,
            unknown_id: None,
            point_of_focus: false,
        }
    }

    /// Records how the row was placed: by id or through the 2013 transition it scores 1 and keeps `review`;
    /// otherwise it scores 0 and needs review.
    pub fn place(&mut self, matched_by: MatchedBy, review: Review) {
        self.matched_by = matched_by;
        (self.score, self.review) = match matched_by {
            MatchedBy::Id | MatchedBy::Transition => (1.0, review),
            _ => (0.0, Review::NeedsReview),
        };
    }

    /// Fills the texts of the row's cells by column role (title, text, status, justification, owner, evidence,
    /// frequency, the client's own number); the id cell is read by the caller.
    fn read_cells(&mut self, row: &RawRow, columns: &[ColumnRole]) {
        let text_of = |role: Role| rows::cell_text(row, columns, role);
        self.title = text_of(Role::Title);
        self.text = text_of(Role::Text);
        self.status_text = text_of(Role::Status);
        self.justification = text_of(Role::Justification);
        self.owner = text_of(Role::Owner);
        self.evidence = text_of(Role::Evidence);
        self.frequency = text_of(Role::Frequency);
        self.reference = text_of(Role::Reference);
    }

    /// Whether the row is still to be placed by title or text: it has no id, and nothing forbids a guess (a row whose
    /// id was wrong, or an unmarked wide-matrix row, stays as the client wrote it).
    pub fn to_place(&self) -> bool {
        self.ids.is_empty() && !self.locked
    }

    /// Title, else text: what the matcher reads.
    pub fn label(&self) -> String {
        match (&self.title, &self.text) {
            (Some(t), Some(x)) => format!("{t}. {x}"),
            (Some(t), None) => t.clone(),
            (None, Some(x)) => x.clone(),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
impl ImportedRow {
    /// A row of spreadsheet row `n` recognised by its id `id` (an ISO 27001:2022 id), with nothing else filled in.
    pub(crate) fn by_id(n: usize, id: &str) -> ImportedRow {
        let mut row = ImportedRow::new(n);
        row.raw_id = Some(id.into());
        row.ids = vec![ControlId::new(id)];
        row.framework = Some(Framework::Iso2022);
        row.place(MatchedBy::Id, Review::Auto);
        row
    }
}

#[cfg(test)]
impl Imported {
    /// An input named `file` of `framework` holding `rows` under a header on row 1, with nothing skipped.
    pub(crate) fn of_rows(file: &str, framework: Framework, rows: Vec<ImportedRow>) -> Imported {
        Imported {
            file: file.into(),
            sha256: String::new(),
            sheet: None,
            header_row: 1,
            framework,
            columns: vec![],
            rows,
            skipped: vec![],
            issues: vec![],
        }
    }
}

/// The understood input.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub file: String,
    pub sha256: String,
    pub sheet: Option<String>,
    /// 1-based header row; 0 when the sheet has no header.
    pub header_row: usize,
    pub framework: Framework,
    pub columns: Vec<ColumnRole>,
    pub rows: Vec<ImportedRow>,
    /// Every other non-blank row below the header, with why it is not a control row: rows below the header =
    /// `rows` + `skipped` (a point of focus folded into its criterion's row counts as skipped).
    pub skipped: Vec<Skipped>,
    pub issues: Vec<Issue>,
}

/// Why a non-blank row below the header is not a control row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// A theme, group or 2013 objective heading (`5 Organizational controls`, `A.9.1`, `P1.0`).
    Heading,
    /// A heading-like row after the last control row (`End of document`, a total).
    Footer,
    /// A row with neither id, title nor text (only a status or an owner, say).
    Blank,
    /// The header row again (a header repeated on every printed page).
    DuplicateHeader,
    /// A point of focus (`CC1.1.1`) folded into the row of its criterion.
    PointOfFocus,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Heading,
        SkipReason::Footer,
        SkipReason::Blank,
        SkipReason::DuplicateHeader,
        SkipReason::PointOfFocus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Heading => "heading",
            SkipReason::Footer => "footer",
            SkipReason::Blank => "blank id and text",
            SkipReason::DuplicateHeader => "duplicate header",
            SkipReason::PointOfFocus => "point of focus folded into its criterion",
        }
    }
}

/// A row that is not a control row, where it is and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub row: usize,
    pub reason: SkipReason,
    /// The row's first cells, for the reader to recognise it.
    pub text: String,
}

impl Skipped {
    fn new(row: &RawRow, reason: SkipReason) -> Skipped {
        let cells: Vec<String> =
            row.cells.iter().filter(|c| !c.is_empty()).take(3).map(|c| c.as_text().trim().to_string()).collect();
        let mut text = cells.join(" | ");
        if text.chars().count() > 80 {
            text = text.chars().take(79).collect::<String>() + "…";
        }
        Skipped { row: row.number, reason, text }
    }
}

/// `96 rows below the header: 93 control rows, 3 rows skipped (3 heading)`: where every row went.
pub fn rows_accounted(rows: usize, skipped: &[Skipped]) -> String {
    format!("{} rows below the header: {rows} control rows, {}", rows + skipped.len(), describe_skipped(skipped))
}

/// `12 rows skipped (9 heading, 3 footer)`, or `no rows skipped`.
pub fn describe_skipped(skipped: &[Skipped]) -> String {
    if skipped.is_empty() {
        return "no rows skipped".to_string();
    }
    let parts: Vec<String> = SkipReason::ALL
        .iter()
        .map(|r| (r, skipped.iter().filter(|s| s.reason == *r).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {}", r.as_str()))
        .collect();
    format!("{} rows skipped ({})", skipped.len(), parts.join(", "))
}

/// Why the input's controls could not be found.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: no sheet named '{wanted}'{by}; the sheets are {}{}", list(.available), nearest(.suggestion.as_deref()))]
    SheetNotFound { file: String, wanted: String, by: String, available: Vec<String>, suggestion: Option<String> },
    #[error("{at}: no column with header `{wanted}` for {by}; the headers are {}{}", list(.available), nearest(.suggestion.as_deref()))]
    ColumnNotFound { at: Location, by: String, wanted: String, available: Vec<String>, suggestion: Option<String> },
    #[error("{at}: --header-row {row} is past the last row ({last})")]
    HeaderRowOutOfRange { at: Location, row: usize, last: usize },
    #[error("{file}: no controls found: {why}")]
    NoControls { file: String, why: String },
    #[error("{at}: the header has no data rows below it")]
    NoDataRows { at: Location },
    #[error("{at}: {message}")]
    Layout { at: Location, message: String },
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
}

fn nearest(s: Option<&str>) -> String {
    s.map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default()
}

/// The closest name by Jaro-Winkler, if close enough to suggest.
pub fn closest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let w = wanted.to_lowercase();
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(&w, &n.to_lowercase()), n))
        .filter(|(s, _)| *s >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n.to_string())
}

/// Reads the control rows out of a source.
pub fn import(source: &Source, settings: &Settings, catalogs: &Catalogs) -> Result<Imported, ImportError> {
    let table = sheet::choose_sheet(source, settings)?;
    let at = || Location::file(&source.file).sheet(table.sheet.as_deref());
    let header_index = sheet::header_index(table, settings, &at)?;
    let empty_header = RawRow { number: 0, cells: Vec::new() };
    let header = header_index.map_or(&empty_header, |i| &table.rows[i]);
    let data: Vec<&RawRow> =
        table.rows.iter().skip(header_index.map_or(0, |i| i + 1)).filter(|r| !r.is_blank()).collect();
    if data.is_empty() {
        if header_index.is_some() {
            return Err(ImportError::NoDataRows { at: at().row(header.number) });
        }
        return Err(ImportError::NoControls { file: source.file.clone(), why: "the sheet is empty".into() });
    }
    let imported =
        |columns: Vec<ColumnRole>, rows: Vec<ImportedRow>, skipped: Vec<Skipped>, issues: Vec<Issue>| Imported {
            file: source.file.clone(),
            sha256: source.sha256.clone(),
            sheet: table.sheet.clone(),
            header_row: header.number,
            framework: settings.from.unwrap_or_else(|| detect_framework(&rows)),
            columns,
            rows,
            skipped,
            issues,
        };
    // A profile names every column it wants; guessing more would read the next file differently.
    let mut columns = if settings.profile.is_some() { Vec::new() } else { layout::roles_from_header(header) };
    columns::apply_overrides(&mut columns, header, settings, &at)?;
    let matrix = matrix::matrix_columns(header, catalogs);
    if matrix.len() >= 10 {
        columns.retain(|c| !matrix.iter().any(|m| m.index == c.index));
        let (rows, skipped, note) = matrix::read_matrix(header, &data, &columns, &matrix, &at)?;
        return Ok(imported(columns, rows, skipped, vec![note]));
    }
    if settings.profile.is_none() {
        columns::detect_by_content(&mut columns, header, &data);
    }
    if !columns.iter().any(|c| matches!(c.role, Role::Id | Role::Title | Role::Text)) {
        return Err(sheet::no_control_columns(&source.file, table, header, &data));
    }
    let mut issues: Vec<Issue> = sheet::other_sheets_note(source, table, settings).into_iter().collect();
    let (rows, skipped) = rows::read_rows(&data, header, &columns, catalogs, &at, &mut issues);
    if rows.is_empty() {
        return Err(ImportError::NoControls {
            file: source.file.clone(),
            why: format!(
                "sheet{} has {} rows but none holds a control id or a control text",
                table.sheet.as_ref().map(|s| format!(" '{s}'")).unwrap_or_default(),
                data.len()
            ),
        });
    }
    Ok(imported(columns, rows, skipped, issues))
}

/// The framework most rows' ids belong to; `custom` when rows carry no ids.
fn detect_framework(rows: &[ImportedRow]) -> Framework {
    let mut counts: BTreeMap<Framework, usize> = BTreeMap::new();
    for r in rows {
        if let Some(f) = r.framework {
            *counts.entry(f).or_default() += 1;
        }
    }
    let iso =
        counts.get(&Framework::Iso2022).copied().unwrap_or(0) + counts.get(&Framework::Iso2013).copied().unwrap_or(0);
    let tsc = counts.get(&Framework::Tsc2017).copied().unwrap_or(0);
    if iso == 0 && tsc == 0 {
        return Framework::Custom;
    }
    if tsc > iso {
        Framework::Tsc2017
    } else if counts.get(&Framework::Iso2013).copied().unwrap_or(0)
        > counts.get(&Framework::Iso2022).copied().unwrap_or(0)
    {
        Framework::Iso2013
    } else {
        Framework::Iso2022
    }
}

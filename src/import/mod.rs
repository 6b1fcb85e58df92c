//! Normalise: a read [`Source`] becomes [`Imported`] control rows. Picks the sheet and header row, assigns column
//! roles, reads ids (several per cell, 2013 ids carried to 2022, numbers repaired), applicability and status, and
//! returns every finding as an [`Issue`] with its location instead of failing the run.

pub mod editions;
pub mod layout;
pub mod profile;
pub mod values;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::Catalogs;
use crate::ids::{resolve, split_cell, BareHint, ControlId, Framework, RawId, SplitCell};
use crate::issue::{Issue, Location};
use crate::read::{Cell, RawRow, RawTable, Source};
pub use layout::{ColumnRole, Role};
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

/// A runner-up candidate from the text matcher, shown for review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: ControlId,
    pub score: f64,
    pub title: String,
    /// Terms and fields that made the match.
    pub why: Vec<String>,
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
}

impl ImportedRow {
    /// Title, else text: what the matcher reads.
    /// Whether the row is still to be placed by title or text: it has no id, and nothing forbids a guess (a row whose
    /// id was wrong, or an unmarked wide-matrix row, stays as the client wrote it).
    pub fn to_place(&self) -> bool {
        self.ids.is_empty() && !self.locked
    }

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
        ImportedRow {
            row: n,
            raw_id: Some(id.into()),
            ids: vec![ControlId::new(id)],
            framework: Some(Framework::Iso2022),
            matched_by: MatchedBy::Id,
            score: 1.0,
            review: Review::Auto,
            applicable: None,
            status: None,
            status_text: None,
            title: None,
            text: None,
            justification: None,
            owner: None,
            evidence: None,
            frequency: None,
            notes: vec![],
            candidates: vec![],
            reference: None,
            locked: false,
            unknown_id: None,
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
    #[error("{file}: no sheet named '{wanted}'{by}; the sheets are {}{}", list(.available), nearest(.suggestion))]
    SheetNotFound { file: String, wanted: String, by: String, available: Vec<String>, suggestion: Option<String> },
    #[error("{at}: no column with header `{wanted}` for {by}; the headers are {}{}", list(.available), nearest(.suggestion))]
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

fn nearest(s: &Option<String>) -> String {
    s.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default()
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
    let table = choose_sheet(source, settings)?;
    let at = || Location::file(&source.file).sheet(table.sheet.as_deref());
    let header_index = match settings.header_row {
        Some(n) => {
            let last = table.rows.last().map_or(0, |r| r.number);
            Some(
                table
                    .rows
                    .iter()
                    .position(|r| r.number >= n)
                    .filter(|&i| table.rows[i].number == n)
                    .ok_or(ImportError::HeaderRowOutOfRange { at: at(), row: n, last })?,
            )
        }
        None => layout::find_header_row(table),
    };
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
    // A profile names every column it wants; guessing more would read the next file differently.
    let mut columns = if settings.profile.is_some() { Vec::new() } else { layout::roles_from_header(header) };
    apply_overrides(&mut columns, header, settings, &at)?;
    let matrix = matrix_columns(header, catalogs);
    if matrix.len() >= 10 {
        columns.retain(|c| !matrix.iter().any(|m| m.0 == c.index));
        return import_matrix(source, table, header, &data, columns, &matrix, settings);
    }
    if settings.profile.is_none() {
        detect_by_content(&mut columns, header, &data);
    }
    if !columns.iter().any(|c| matches!(c.role, Role::Id | Role::Title | Role::Text)) {
        // Without a recognised header, show the first row: it is what the user will look at.
        let shown = if header.cells.is_empty() { data[0] } else { header };
        let found: Vec<String> = shown.cells.iter().map(Cell::text).filter(|t| !t.trim().is_empty()).collect();
        let sheet = table.sheet.as_ref().map(|s| format!("sheet '{s}': ")).unwrap_or_default();
        let what = if header.cells.is_empty() { format!("row {}", shown.number) } else { "headers".to_string() };
        let why = format!(
            "{sheet}no column holds control ids, titles or descriptions ({what}: {}); if this is the right sheet, name the columns with --column id=HEADER or --column title=HEADER",
            list(&found)
        );
        return Err(ImportError::NoControls { file: source.file.clone(), why });
    }
    let mut issues = Vec::new();
    if settings.sheet.is_none() {
        let others: Vec<String> = source
            .tables
            .iter()
            .filter(|t| t.sheet != table.sheet && !t.sheet.as_deref().is_some_and(layout::is_aside_sheet))
            .filter(|t| layout::id_rows(t) >= 3)
            .filter_map(|t| t.sheet.as_ref().map(|s| format!("'{s}'")))
            .collect();
        if !others.is_empty() {
            issues.push(Issue::info(
                Location::file(&source.file),
                format!(
                    "read sheet '{}'; {} also hold control ids (choose with --sheet NAME)",
                    table.sheet.as_deref().unwrap_or_default(),
                    others.join(", ")
                ),
            ));
        }
    }
    let mut skipped = Vec::new();
    let rows = read_rows(&data, header, &columns, catalogs, &at, &mut issues, &mut skipped);
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
    let framework = settings.from.unwrap_or_else(|| detect_framework(&rows));
    Ok(Imported {
        file: source.file.clone(),
        sha256: source.sha256.clone(),
        sheet: table.sheet.clone(),
        header_row: header_index.map_or(0, |i| table.rows[i].number),
        framework,
        columns,
        rows,
        skipped,
        issues,
    })
}

fn choose_sheet<'a>(source: &'a Source, settings: &Settings) -> Result<&'a RawTable, ImportError> {
    let names: Vec<String> = source.tables.iter().filter_map(|t| t.sheet.clone()).collect();
    if let Some(wanted) = &settings.sheet {
        if let Some(t) =
            source.tables.iter().find(|t| t.sheet.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(wanted.trim())))
        {
            return Ok(t);
        }
        if source.tables.len() == 1 && source.tables[0].sheet.is_none() {
            return Ok(&source.tables[0]);
        }
        return Err(ImportError::SheetNotFound {
            file: source.file.clone(),
            wanted: wanted.clone(),
            by: match (&settings.profile, settings.sheet_from_profile) {
                (Some(profile), true) => format!(" (the sheet of profile {profile})"),
                _ => String::new(),
            },
            suggestion: closest(wanted, names.iter().map(String::as_str)),
            available: names,
        });
    }
    let best = source
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let aside = t.sheet.as_deref().is_some_and(layout::is_aside_sheet);
            let score = layout::sheet_score(t);
            (if aside { score / 4 } else { score }, std::cmp::Reverse(i), t)
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    match best {
        Some((_, _, t)) => Ok(t),
        None => Err(ImportError::NoControls { file: source.file.clone(), why: "the workbook has no sheets".into() }),
    }
}

fn apply_overrides(
    columns: &mut Vec<ColumnRole>,
    header: &RawRow,
    settings: &Settings,
    at: &dyn Fn() -> Location,
) -> Result<(), ImportError> {
    for (role, wanted) in &settings.columns {
        let headers: Vec<String> = header.cells.iter().map(|c| c.text().trim().to_string()).collect();
        let index = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(wanted.trim()))
            .or_else(|| column_from_letter(wanted).filter(|&i| i < headers.len().max(1) + 26));
        let Some(index) = index else {
            let available: Vec<String> = headers.iter().filter(|h| !h.is_empty()).cloned().collect();
            return Err(ImportError::ColumnNotFound {
                at: at().row(header.number),
                by: match &settings.profile {
                    Some(file) => format!("role `{}` in profile {file}", role.key()),
                    None => format!("--column {}={wanted}", role.key()),
                },
                wanted: wanted.clone(),
                suggestion: closest(wanted, available.iter().map(String::as_str)),
                available,
            });
        };
        columns.retain(|c| c.role != *role && c.index != index);
        columns.push(ColumnRole {
            role: *role,
            index,
            header: headers.get(index).cloned().unwrap_or_default(),
            reason: match &settings.profile {
                Some(file) => format!("profile {file}"),
                None => format!("--column {}={wanted}", role.key()),
            },
        });
    }
    columns.sort_by_key(|c| c.index);
    Ok(())
}

/// `C` -> 2 for `--column id=C` when the sheet has no header.
fn column_from_letter(s: &str) -> Option<usize> {
    let s = s.trim();
    if s.is_empty() || s.len() > 3 || !s.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some(s.bytes().fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize) - 1)
}

/// Finds an id column and an applicability column from cell contents when the header did not name them.
fn detect_by_content(columns: &mut Vec<ColumnRole>, header: &RawRow, data: &[&RawRow]) {
    let width = data.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let sample: Vec<&&RawRow> = data.iter().take(500).collect();
    let taken = |columns: &Vec<ColumnRole>, i: usize| columns.iter().any(|c| c.index == i);
    // The id column named by a header may hold no ids (a `No.` column of 1, 2, 3): prefer a column that does.
    let id_count = |i: usize| sample.iter().filter(|r| layout::is_id_cell(&r.cell(i).text())).count();
    let existing = columns.iter().find(|c| c.role == Role::Id).cloned();
    let counts: Vec<(usize, usize)> = (0..width).map(|i| (i, id_count(i))).collect();
    let best = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
    if best * 2 >= sample.len().min(20) && best > 0 {
        // Several columns of ids (a mapping: source and target): an exact header wins, else the leftmost, which
        // is the source side. Columns holding ids are never titles or texts, whatever their header says.
        let near: Vec<usize> = counts.iter().filter(|&&(_, n)| n * 5 >= best * 4).map(|&(i, _)| i).collect();
        let exact = existing.as_ref().filter(|c| c.reason.starts_with("header \"") && near.contains(&c.index));
        let chosen = match exact {
            Some(c) => c.index,
            None => near[0],
        };
        if existing.as_ref().is_none_or(|c| c.index != chosen) {
            let count = id_count(chosen);
            columns.retain(|c| c.role != Role::Id && c.index != chosen);
            // The column a header named as the id, holding no framework ids, is the client's own control number.
            if let Some(named) = existing.as_ref().filter(|c| id_count(c.index) * 5 < sample.len()) {
                let filled = sample.iter().filter(|r| !r.cell(named.index).is_empty()).count();
                if filled * 2 >= sample.len() && !columns.iter().any(|c| c.index == named.index) {
                    columns.push(ColumnRole {
                        role: Role::Reference,
                        index: named.index,
                        header: named.header.clone(),
                        reason: format!(
                            "header \"{}\" holds the client's own numbers; the framework ids are in column {}",
                            named.header,
                            crate::issue::column_letter(chosen)
                        ),
                    });
                }
            }
            columns.push(ColumnRole {
                role: Role::Id,
                index: chosen,
                header: header.cell(chosen).text().trim().to_string(),
                reason: format!("cells: {count} of {} parse as ids", sample.len()),
            });
        }
        columns.retain(|c| !(matches!(c.role, Role::Title | Role::Text) && near.contains(&c.index)));
        // Roles the id columns had taken go to the next columns whose headers name them (`Control` was the id
        // column of `Control | Title`).
        let mut rest = header.clone();
        for c in columns.iter().map(|c| c.index).chain(near.iter().copied()) {
            if let Some(cell) = rest.cells.get_mut(c) {
                *cell = Cell::Empty;
            }
        }
        for found in layout::roles_from_header(&rest) {
            if !columns.iter().any(|c| c.role == found.role || c.index == found.index) {
                columns.push(found);
            }
        }
    }
    // A `Control #` column of codes (`C-01`) is the client's own reference, not a title.
    let code_like = |t: &str| {
        let t = t.trim();
        !t.is_empty() && !t.contains(char::is_whitespace) && t.chars().any(|c| c.is_ascii_digit())
    };
    let has_reference = columns.iter().any(|c| c.role == Role::Reference);
    for c in columns.iter_mut() {
        let filled: Vec<String> =
            sample.iter().map(|r| r.cell(c.index).text()).filter(|t| !t.trim().is_empty()).collect();
        if c.role == Role::Title
            && !filled.is_empty()
            && filled.iter().filter(|t| code_like(t)).count() * 5 >= filled.len() * 4
        {
            c.reason = format!(
                "header \"{}\" holds the client's own numbers (codes such as `{}`)",
                c.header,
                filled[0].trim()
            );
            c.role = Role::Reference;
        }
    }
    if has_reference {
        // One reference column: the one named first.
        let mut seen = false;
        columns.retain(|c| c.role != Role::Reference || !std::mem::replace(&mut seen, true));
    }
    if !columns.iter().any(|c| c.role == Role::Applicable) {
        for i in 0..width {
            if taken(columns, i) {
                continue;
            }
            let filled: Vec<String> =
                sample.iter().map(|r| r.cell(i).text()).filter(|t| !t.trim().is_empty()).collect();
            let yes_no = filled.iter().filter(|t| values::parse_applicable(t).is_some() && t.len() <= 16).count();
            // A TRUE/FALSE column under some other header (`bidirectional`, `assessable`) is not applicability.
            let booleans_only = filled.iter().all(|t| matches!(t.trim().to_lowercase().as_str(), "true" | "false"));
            let named = !header.cell(i).text().trim().is_empty();
            if filled.len() >= 3
                && !(booleans_only && named)
                && yes_no * 10 >= filled.len() * 9
                && values::parse_status(&filled[0]).is_none_or(|_| yes_no == filled.len())
            {
                columns.push(ColumnRole {
                    role: Role::Applicable,
                    index: i,
                    header: header.cell(i).text().trim().to_string(),
                    reason: format!("cells: {yes_no} of {} are yes/no values", filled.len()),
                });
                break;
            }
        }
    }
    // No title column, but an unnamed text column right of the id: use it as title.
    if !columns.iter().any(|c| matches!(c.role, Role::Title | Role::Text)) {
        if let Some(id) = columns.iter().find(|c| c.role == Role::Id).map(|c| c.index) {
            if let Some(i) = (0..width).find(|&i| {
                i != id
                    && !taken(columns, i)
                    && sample.iter().filter(|r| looks_like_words(&r.cell(i).text())).count() * 2 >= sample.len()
            }) {
                columns.push(ColumnRole {
                    role: Role::Title,
                    index: i,
                    header: header.cell(i).text().trim().to_string(),
                    reason: "cells: text next to the ids".into(),
                });
            }
        }
    }
    columns.sort_by_key(|c| c.index);
}

/// Prose rather than a code: several words (`Access control policy`, not `intersect` or `High`).
fn looks_like_words(text: &str) -> bool {
    let t = text.trim();
    t.len() > 8 && t.split_whitespace().count() >= 2
}

/// Header cells that are control ids, with the canonical ids they name (a 2013 id names its 2022 successors).
fn matrix_columns(header: &RawRow, catalogs: &Catalogs) -> Vec<(usize, Vec<ControlId>)> {
    let mut out = Vec::new();
    for (index, cell) in header.cells.iter().enumerate() {
        let split = split_cell(&cell.text());
        let [token] = split.tokens.as_slice() else { continue };
        if !split.rejected.is_empty() || !crate::ids::is_strong(token) {
            continue;
        }
        let Ok(r) = resolve(&token.raw, catalogs, BareHint::Annex) else { continue };
        let ids = if r.framework == Framework::Iso2013 {
            catalogs.successors(r.id.as_str()).iter().map(|t| t.to.clone()).collect()
        } else {
            vec![r.id]
        };
        out.push((index, ids));
    }
    out
}

/// A wide matrix: one column per control (headers `A.5.1` … `A.8.34`), one row per requirement, a mark (`P`, `x`)
/// where a control serves it. Each row's ids are the columns marked in it.
fn import_matrix(
    source: &Source,
    table: &RawTable,
    header: &RawRow,
    data: &[&RawRow],
    columns: Vec<ColumnRole>,
    matrix: &[(usize, Vec<ControlId>)],
    settings: &Settings,
) -> Result<Imported, ImportError> {
    let at = || Location::file(&source.file).sheet(table.sheet.as_deref());
    let text_of = |row: &RawRow, role: Role| cell_text(row, &columns, role);
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for row in data {
        let mut ids: Vec<ControlId> = Vec::new();
        let mut marks: Vec<String> = Vec::new();
        for (index, targets) in matrix {
            let mark = row.cell(*index).text();
            let mark = mark.trim();
            if mark.is_empty() || values::parse_applicable(mark) == Some(false) {
                continue;
            }
            for id in targets {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            marks.push(format!("`{mark}` under {}", header.cell(*index).text().trim()));
        }
        let (raw_id, title, text) = (text_of(row, Role::Id), text_of(row, Role::Title), text_of(row, Role::Text));
        if ids.is_empty() && raw_id.is_none() && title.is_none() && text.is_none() {
            skipped.push(Skipped::new(row, SkipReason::Blank));
            continue;
        }
        let matched_by = if ids.is_empty() { MatchedBy::None } else { MatchedBy::Id };
        let status_text = text_of(row, Role::Status);
        rows.push(ImportedRow {
            row: row.number,
            raw_id,
            framework: ids.first().map(|id| {
                if id.as_str().starts_with("A.") || id.as_str().starts_with(|c: char| c.is_ascii_digit()) {
                    Framework::Iso2022
                } else {
                    Framework::Tsc2017
                }
            }),
            ids,
            matched_by,
            score: if matched_by == MatchedBy::Id { 1.0 } else { 0.0 },
            review: if matched_by == MatchedBy::Id { Review::Auto } else { Review::NeedsReview },
            applicable: None,
            status: status_text.as_deref().and_then(values::parse_status),
            status_text,
            title,
            text,
            justification: text_of(row, Role::Justification),
            owner: text_of(row, Role::Owner),
            evidence: text_of(row, Role::Evidence),
            frequency: text_of(row, Role::Frequency),
            notes: if marks.is_empty() { Vec::new() } else { vec![format!("marked {}", marks.join(", "))] },
            candidates: Vec::new(),
            reference: None,
            locked: true,
            unknown_id: None,
        });
    }
    if rows.iter().all(|r| r.ids.is_empty()) {
        return Err(ImportError::Layout {
            at: at().row(header.number),
            message: format!(
                "this is a wide matrix ({} header cells are control ids, one column per control) but no cell under them is marked; mark the controls that apply to each row, or export a list with one control per row",
                matrix.len()
            ),
        });
    }
    let (first, last) = (matrix[0].0, matrix[matrix.len() - 1].0);
    let issues = vec![Issue::info(
        at().row(header.number),
        format!(
            "wide matrix: columns {}–{} are {} controls ({} … {}); each row's ids are the columns marked in it",
            crate::issue::column_letter(first),
            crate::issue::column_letter(last),
            matrix.len(),
            header.cell(first).text().trim(),
            header.cell(last).text().trim()
        ),
    )];
    let framework = settings.from.unwrap_or_else(|| detect_framework(&rows));
    Ok(Imported {
        file: source.file.clone(),
        sha256: source.sha256.clone(),
        sheet: table.sheet.clone(),
        header_row: header.number,
        framework,
        columns,
        rows,
        skipped,
        issues,
    })
}

fn column(columns: &[ColumnRole], role: Role) -> Option<&ColumnRole> {
    columns.iter().find(|c| c.role == role)
}

/// The text of `row` in the column playing `role`: spaces cleaned and trimmed; `None` when there is no such column
/// or the cell is empty.
fn cell_text(row: &RawRow, columns: &[ColumnRole], role: Role) -> Option<String> {
    let c = column(columns, role)?;
    let t = crate::ids::clean_spaces(&row.cell(c.index).as_text()).trim().to_string();
    (!t.is_empty()).then_some(t)
}

fn read_rows(
    data: &[&RawRow],
    header: &RawRow,
    columns: &[ColumnRole],
    catalogs: &Catalogs,
    at: &dyn Fn() -> Location,
    issues: &mut Vec<Issue>,
    skipped: &mut Vec<Skipped>,
) -> Vec<ImportedRow> {
    let id_col = column(columns, Role::Id);
    let words = editions::TitleWords::new(catalogs);
    let text_of = |row: &RawRow, role: Role| cell_text(row, columns, role);
    let cell_at = |row: &RawRow, c: &ColumnRole| {
        at().row(row.number).column(
            c.index,
            Some(&c.header)
                .filter(|h| !h.is_empty())
                .map(String::as_str)
                .or(Some(header.cell(c.index).text().as_str()).filter(|h| !h.is_empty())),
        )
    };
    // Each id cell split once, for the column-wide hints and for its own row.
    let id_splits: Vec<SplitCell> =
        id_col.map_or_else(Vec::new, |c| data.iter().map(|r| split_cell(&r.cell(c.index).as_text())).collect());
    let hint = if id_col.is_some() { column_hint(&id_splits) } else { BareHint::Annex };
    let has_2013 = column_has_2013(&id_splits);
    // Share of rows whose id cell holds an id (`layout::is_id_cell`, from the splits already made).
    let id_rows_share = if id_col.is_some() {
        let with_id =
            id_splits.iter().filter(|s| s.tokens.iter().any(crate::ids::is_strong) && s.rejected.is_empty()).count();
        with_id as f64 / data.len().max(1) as f64
    } else {
        0.0
    };
    let mut out: Vec<ImportedRow> = Vec::new();
    let mut previous: Option<ControlId> = None;
    // A status column repeats a handful of values; each is read once.
    let mut statuses: std::collections::HashMap<String, Option<Status>> = std::collections::HashMap::new();
    for (i, row) in data.iter().enumerate() {
        if is_header_repeat(row, header) {
            skipped.push(Skipped::new(row, SkipReason::DuplicateHeader));
            continue;
        }
        let raw_cell: &Cell = id_col.map_or(&Cell::Empty, |c| row.cell(c.index));
        let raw_id = (!raw_cell.is_empty()).then(|| raw_cell.as_text().trim().to_string());
        let mut title = text_of(row, Role::Title);
        let text = text_of(row, Role::Text);
        let mut ids: Vec<ControlId> = Vec::new();
        let mut frameworks: Vec<Framework> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut matched_by = MatchedBy::None;
        let mut row_error = false;
        let mut unknown_id = None;
        let mut review = Review::Auto;
        if let (Some(c), Some(raw)) = (id_col, &raw_id) {
            // Split from the untrimmed cell: the same as from `raw`, as each line is trimmed.
            let split = &id_splits[i];
            // `A.9.1` (a 2013 objective) or `A.7.1` (also a 2022 control): the row's title and values decide.
            let objective = match split.tokens.as_slice() {
                [t] if split.rejected.is_empty() && crate::ids::is_strong(t) => match t.raw {
                    RawId::Annex(theme, n) => {
                        let has_values =
                            text_of(row, Role::Status).is_some() || text_of(row, Role::Applicable).is_some();
                        let facts = editions::RowFacts {
                            title: title.as_deref().or(Some(split.rest.as_str()).filter(|r| !r.is_empty())),
                            text: text.as_deref(),
                            has_values,
                        };
                        editions::read_objective(theme, n, &facts, has_2013, catalogs, &words)
                    }
                    _ => None,
                },
                _ => None,
            };
            // `4` (a chapter), `A.5` (a theme), `P1.0` (a group): the row heads the controls below it.
            let all_headings = match &objective {
                Some(editions::Objective::Heading) => true,
                Some(_) => false,
                None => {
                    !split.tokens.is_empty()
                        && split.rejected.is_empty()
                        && split
                            .tokens
                            .iter()
                            .all(|t| !crate::ids::is_strong(t) || is_group_id(&t.raw, catalogs, has_2013))
                }
            };
            // `core | Clauses` in a list where (nearly) every row has an id: a label, not a control.
            // A custom id (`ORG-7`, `ACME-AC-01`) has a digit: such a row is a control, matched later by title or text.
            let label_row = split.tokens.is_empty()
                && text.is_none()
                && id_rows_share >= 0.7
                && !raw.chars().any(|c| c.is_ascii_digit());
            let carries_control = || carries_control_title(title.as_deref(), catalogs);
            let looks_like_heading =
                is_theme_heading(raw) || all_headings || label_row || is_group_row(row, &title, &text);
            if (looks_like_heading && objective.is_none() && !carries_control())
                || matches!(objective, Some(editions::Objective::Heading))
            {
                skipped.push(Skipped::new(row, SkipReason::Heading));
                continue;
            }
            if title.is_none() && !split.rest.is_empty() && !split.tokens.is_empty() {
                title = Some(split.rest.clone());
            }
            match objective {
                Some(editions::Objective::Through2013 { ids: to, note, .. }) => {
                    ids = to;
                    notes.push(note);
                    frameworks.push(Framework::Iso2013);
                    matched_by = MatchedBy::Transition;
                }
                Some(editions::Objective::As2022 { note }) => notes.push(note),
                _ => {}
            }
            let tokens = if matched_by == MatchedBy::Transition { &[][..] } else { &split.tokens[..] };
            for token in tokens {
                let raw_token = repair_number(raw_cell, &token.raw, title.as_deref(), previous.as_ref(), catalogs);
                if let Some((fixed, why)) = &raw_token {
                    issues.push(Issue::warning(cell_at(row, c), why.clone()));
                    notes.push(why.clone());
                    let _ = fixed;
                }
                let raw_token = raw_token.map(|(r, _)| r).unwrap_or_else(|| token.raw.clone());
                // A title decides a bare `5.1` only when it belongs to that one id.
                let row_hint = if split.tokens.len() == 1 {
                    bare_hint_for_row(&raw_token, title.as_deref(), catalogs).unwrap_or(hint)
                } else {
                    hint
                };
                match resolve(&raw_token, catalogs, row_hint) {
                    Ok(r) => {
                        if let Some(note) = &r.note {
                            notes.push(note.clone());
                            if note.contains("Processing Integrity") {
                                issues.push(Issue::warning(cell_at(row, c), note.clone()));
                            }
                        }
                        if r.framework == Framework::Iso2013 {
                            let successors = catalogs.successors(r.id.as_str());
                            for t in &successors {
                                if !ids.contains(&t.to) {
                                    ids.push(t.to.clone());
                                }
                            }
                            let to: Vec<String> = successors.iter().map(|t| format!("`{}`", t.to)).collect();
                            let merged = successors.iter().any(|t| t.change == "merged");
                            let mut note = format!("ISO 27001:2013 `{}` carried to 2022 {}", r.id, to.join(", "));
                            if merged {
                                let others: Vec<String> = successors
                                    .iter()
                                    .flat_map(|t| catalogs.predecessors(t.to.as_str()))
                                    .filter(|p| p.from != r.id)
                                    .map(|p| format!("`{}`", p.from))
                                    .collect();
                                if !others.is_empty() {
                                    note.push_str(&format!(" (merged there with {})", others.join(", ")));
                                }
                            }
                            notes.push(note);
                            frameworks.push(Framework::Iso2013);
                            matched_by = MatchedBy::Transition;
                        } else if let Some((children, note)) = editions::sub_clauses(&r.id, catalogs) {
                            for child in children {
                                if !ids.contains(&child) {
                                    ids.push(child);
                                }
                            }
                            notes.push(note);
                            frameworks.push(r.framework);
                            if matched_by != MatchedBy::Transition {
                                matched_by = MatchedBy::Id;
                            }
                        } else {
                            if !ids.contains(&r.id) {
                                ids.push(r.id.clone());
                            }
                            frameworks.push(r.framework);
                            if matched_by != MatchedBy::Transition {
                                matched_by = MatchedBy::Id;
                            }
                        }
                    }
                    Err(message) => {
                        let written = token_text(raw, &token.raw);
                        if title.is_some() || text.is_some() {
                            // Fall back to the row's title, then its text; the match is for review.
                            issues.push(Issue::warning(
                                cell_at(row, c),
                                format!("{message}; the row is placed by its title or text instead, for review"),
                            ));
                            unknown_id.get_or_insert(written);
                        } else {
                            issues.push(Issue::error(cell_at(row, c), message));
                            row_error = true;
                        }
                    }
                }
            }
            for rejected in &split.rejected {
                let message = format!("`{rejected}` looks like an id but is not one");
                if ids.is_empty() && (title.is_some() || text.is_some()) {
                    issues.push(Issue::warning(
                        cell_at(row, c),
                        format!("{message}; the row is placed by its title or text instead, for review"),
                    ));
                    unknown_id.get_or_insert(rejected.to_string());
                } else {
                    issues.push(Issue::error(cell_at(row, c), message));
                    row_error = true;
                }
            }
            if !ids.is_empty() {
                // Some of the cell's ids were read: those stand, and no guess is made.
                unknown_id = None;
            }
            if split.tokens.is_empty() && split.rejected.is_empty() && is_group_row(row, &title, &text) {
                skipped.push(Skipped::new(row, SkipReason::Heading));
                continue;
            }
            // `A.8.1 User access management`: the title names another control than the id.
            if let ([id], Some(t), MatchedBy::Id) = (ids.as_slice(), title.as_deref(), matched_by) {
                if let Some(other) = words.contradiction(id, t, catalogs) {
                    let own = catalogs.iso2022.get(id.as_str()).map_or("", |e| e.title.as_str());
                    let message = format!(
                        "`{id}` is {own}, but the title `{t}` reads like `{}` {}; kept `{id}`, check which was meant",
                        other.id, other.title
                    );
                    issues.push(Issue::warning(cell_at(row, c), message.clone()));
                    notes.push(message);
                    review = Review::NeedsReview;
                }
            }
        } else if title.is_none() && text.is_none() {
            skipped.push(Skipped::new(row, SkipReason::Blank));
            continue;
        }
        // In a list where most rows (70 %) have an id, a row without one and without a description is a heading
        // (`Control Environment`), and so is a lone category letter (`A`, `PI`); not when its title is a control's.
        if raw_id.is_none()
            && text.is_none()
            && id_rows_share >= 0.7
            && !carries_control_title(title.as_deref(), catalogs)
        {
            skipped.push(Skipped::new(row, SkipReason::Heading));
            continue;
        }
        if raw_id.as_deref().is_some_and(|r| matches!(r.trim(), "A" | "C" | "P" | "PI" | "CC")) && ids.is_empty() {
            skipped.push(Skipped::new(row, SkipReason::Heading));
            continue;
        }
        if is_group_row(row, &title, &text)
            && ids.is_empty()
            && !row_error
            && !carries_control_title(title.as_deref(), catalogs)
        {
            skipped.push(Skipped::new(row, SkipReason::Heading));
            continue;
        }
        if let Some(last) = ids.last() {
            previous = Some(last.clone());
        }
        let applicable = column(columns, Role::Applicable).and_then(|c| {
            let t = row.cell(c.index).text();
            if t.trim().is_empty() {
                return None;
            }
            let v = values::parse_applicable(&t);
            if v.is_none() {
                issues.push(Issue::warning(
                    cell_at(row, c),
                    format!("applicability `{}` is not a yes/no value; left blank", t.trim()),
                ));
            }
            v
        });
        let status_text = text_of(row, Role::Status);
        let status = status_text.as_ref().and_then(|t| match statuses.get(t) {
            Some(known) => *known,
            None => *statuses.entry(t.clone()).or_insert_with(|| values::parse_status(t)),
        });
        let framework = frameworks.first().copied();
        let (score, review) = match matched_by {
            MatchedBy::Id | MatchedBy::Transition => (1.0, review),
            _ => (0.0, Review::NeedsReview),
        };
        out.push(ImportedRow {
            row: row.number,
            raw_id,
            ids,
            framework,
            matched_by,
            score,
            review,
            applicable,
            status,
            status_text,
            title,
            text,
            justification: text_of(row, Role::Justification),
            owner: text_of(row, Role::Owner),
            evidence: text_of(row, Role::Evidence),
            frequency: text_of(row, Role::Frequency),
            notes,
            candidates: Vec::new(),
            reference: text_of(row, Role::Reference),
            locked: row_error,
            unknown_id,
        });
    }
    // Headings after the last control row are footers.
    let last = out.last().map_or(0, |r| r.row);
    for s in skipped.iter_mut().filter(|s| s.reason == SkipReason::Heading && s.row > last) {
        s.reason = SkipReason::Footer;
    }
    let not_controls: Vec<Skipped> = skipped.iter().filter(|s| s.reason != SkipReason::PointOfFocus).cloned().collect();
    if !not_controls.is_empty() {
        issues.push(Issue::info(at(), format!("{}: rows that are not controls", describe_skipped(&not_controls))));
    }
    roll_up_points_of_focus(&mut out, at, issues, skipped);
    warn_duplicates(&out, id_col, header, at, issues);
    out
}

fn is_point_of_focus(row: &ImportedRow) -> bool {
    !row.ids.is_empty() && row.notes.iter().any(|n| n.contains("point of focus"))
}

/// Points of focus (`CC1.1.1`) whose criterion has its own row are folded into it; otherwise they stay, each with
/// its criterion's id.
fn roll_up_points_of_focus(
    rows: &mut Vec<ImportedRow>,
    at: &dyn Fn() -> Location,
    issues: &mut Vec<Issue>,
    skipped: &mut Vec<Skipped>,
) {
    let criteria: std::collections::BTreeSet<ControlId> =
        rows.iter().filter(|r| !is_point_of_focus(r)).flat_map(|r| r.ids.iter().cloned()).collect();
    let before = rows.len();
    let total = rows.iter().filter(|r| is_point_of_focus(r)).count();
    let folded_into = |r: &ImportedRow| is_point_of_focus(r) && r.ids.iter().all(|id| criteria.contains(id));
    for r in rows.iter().filter(|r| folded_into(r)) {
        let text = [r.raw_id.as_deref(), r.title.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" | ");
        skipped.push(Skipped { row: r.row, reason: SkipReason::PointOfFocus, text });
    }
    rows.retain(|r| !folded_into(r));
    let folded = before - rows.len();
    if folded > 0 {
        issues.push(Issue::info(
            at(),
            format!("{folded} point-of-focus rows (such as `CC1.1.1`) folded into the rows of their criteria"),
        ));
    }
    if total > folded {
        issues.push(Issue::info(
            at(),
            format!("{} point-of-focus rows read as their criteria (`CC1.1.1` as `CC1.1`)", total - folded),
        ));
    }
}

/// Whether a row is the header again: at least two cells, each equal to the header cell above it.
fn is_header_repeat(row: &RawRow, header: &RawRow) -> bool {
    let mut same = 0;
    for (i, cell) in row.cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
        let h = header.cell(i).text();
        if h.trim().is_empty() || !h.trim().eq_ignore_ascii_case(cell.as_text().trim()) {
            return false;
        }
        same += 1;
    }
    same >= 2
}

/// Whether a title is a control's or criterion's title (so its row is no heading, whatever its id cell says).
fn carries_control_title(title: Option<&str>, catalogs: &Catalogs) -> bool {
    let Some(title) = title else { return false };
    [&catalogs.iso2022, &catalogs.tsc]
        .into_iter()
        .any(|c| crate::matching::match_title(c, title).is_some_and(|(_, s)| s >= crate::matching::TITLE_AUTO))
}

/// The id as the cell wrote it, for a note: `A.7.78` for an Annex A token.
fn token_text(raw: &str, token: &RawId) -> String {
    match token {
        RawId::Annex(t, n) => format!("A.{t}.{n}"),
        RawId::Annex2013(d, o, c) => format!("A.{d}.{o}.{c}"),
        RawId::Clause(p) | RawId::Bare(p) => p.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("."),
        RawId::Tsc { .. } => raw.trim().to_string(),
    }
}

/// A theme or group row: `5 Organizational controls` spread over merged cells, with nothing else.
fn is_group_row(row: &RawRow, title: &Option<String>, text: &Option<String>) -> bool {
    // The one distinct text the row's non-empty cells hold; a second distinct text ends the search (most rows).
    let mut only: Option<std::borrow::Cow<'_, str>> = None;
    for cell in row.cells.iter().filter(|c| !c.is_empty()) {
        let t = cell.as_text();
        match &only {
            None => only = Some(t),
            Some(o) if o.trim() == t.trim() => {}
            Some(_) => return false,
        }
    }
    (title.is_some() || text.is_some() || only.is_some()) && {
        let split = split_cell(only.as_deref().map_or("", str::trim));
        split.tokens.len() <= 1
            && split.tokens.first().is_none_or(|tok| matches!(tok.raw, RawId::Bare(ref p) if p.len() == 1))
    }
}

/// Bare ids in this column: Annex A when they include numbers no clause has (`5.15`), clauses when they include
/// numbers no Annex A control has (`4.1`, `9.2`, `10.1`, `6.1.2`), or when the column writes its Annex A ids with
/// the `A` (`A.5.9` beside `5.1`: the writer keeps the bare form for clauses).
fn column_hint(id_splits: &[SplitCell]) -> BareHint {
    let mut annex_only = 0;
    let mut clause_only = 0;
    let mut explicit_annex = 0;
    let mut bare_ambiguous = 0;
    for split in id_splits {
        for token in &split.tokens {
            match token.raw {
                RawId::Bare(ref p) if p.len() == 2 && (5..=8).contains(&p[0]) && p[1] > 5 => annex_only += 1,
                RawId::Bare(ref p) if p[0] == 4 || p[0] >= 9 || p.len() == 3 => clause_only += 1,
                RawId::Bare(ref p) if p.len() == 2 => bare_ambiguous += 1,
                RawId::Annex(..) => explicit_annex += 1,
                RawId::Clause(..) => clause_only += 1,
                _ => {}
            }
        }
    }
    if (clause_only > 0 && annex_only == 0) || (explicit_annex > 0 && annex_only == 0 && bare_ambiguous > 0) {
        BareHint::Clause
    } else {
        BareHint::Annex
    }
}

/// Whether a column writes ISO 27001:2013 ids (`A.9.2.3`): then `A.9.1` is a 2013 objective heading.
fn column_has_2013(id_splits: &[SplitCell]) -> bool {
    id_splits.iter().any(|split| split.tokens.iter().any(|t| matches!(t.raw, RawId::Annex2013(..))))
}

/// A heading in a catalogue's hierarchy rather than a control: `A.5` (a theme), `P1.0` (a TSC group), `A.9.1` in
/// a 2013 list (an objective whose controls follow).
fn is_group_id(token: &RawId, catalogs: &Catalogs, has_2013: bool) -> bool {
    match token {
        RawId::Tsc { number: 0, point: None, .. } => true,
        RawId::Annex(t, n) => {
            let children = format!("A.{t}.{n}.");
            let is_2013_heading = catalogs.iso2013.entries.iter().any(|e| e.id.as_str().starts_with(&children));
            is_2013_heading && (has_2013 || !catalogs.iso2022.contains(&format!("A.{t}.{n}")))
        }
        _ => false,
    }
}

/// `A.5`, `A 8`, `CC1`: a theme heading as written in an id cell.
fn is_theme_heading(text: &str) -> bool {
    let t = crate::ids::clean_spaces(text).trim().trim_end_matches('.').to_ascii_uppercase().replace(' ', "");
    let letters: String = t.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let rest = t[letters.len()..].trim_start_matches('.');
    matches!(letters.as_str(), "A" | "CC" | "PI" | "P" | "C")
        && !rest.is_empty()
        && rest.len() <= 2
        && rest.bytes().all(|b| b.is_ascii_digit())
}

/// For a bare `5.1` with a title beside it: the title decides between clause 5.1 and Annex A 5.1.
fn bare_hint_for_row(raw: &RawId, title: Option<&str>, catalogs: &Catalogs) -> Option<BareHint> {
    let RawId::Bare(parts) = raw else { return None };
    let title = title?.to_lowercase();
    let clause_id = parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".");
    let clause = catalogs.iso2022.get(&clause_id)?;
    let annex = catalogs.iso2022.get(&format!("A.{clause_id}"))?;
    let sim = |t: &str| strsim::normalized_levenshtein(&title, &t.to_lowercase());
    let (c, a) = (sim(&clause.title), sim(&annex.title));
    if (c - a).abs() < 0.1 {
        return None;
    }
    Some(if c > a { BareHint::Clause } else { BareHint::Annex })
}

/// Excel stores `5.10` as the number 5.1. For a numeric id cell that may have lost a trailing zero, decide from the
/// title, then from the previous row, whether `5.1` meant `5.10`.
fn repair_number(
    cell: &Cell,
    raw: &RawId,
    title: Option<&str>,
    previous: Option<&ControlId>,
    catalogs: &Catalogs,
) -> Option<(RawId, String)> {
    let Cell::Number(_) = cell else { return None };
    let (theme, n) = match raw {
        RawId::Bare(p) if p.len() == 2 => (p[0], p[1]),
        RawId::Annex(t, n) => (*t, *n),
        _ => return None,
    };
    if n >= 10 {
        return None;
    }
    let short = format!("A.{theme}.{n}");
    let long = format!("A.{theme}.{}", n * 10);
    let long_entry = catalogs.iso2022.get(&long)?;
    let short_entry = catalogs.iso2022.get(&short);
    let by_title = title.map(|t| {
        let t = t.to_lowercase();
        let s = |e: &crate::catalog::Entry| strsim::normalized_levenshtein(&t, &e.title.to_lowercase());
        (s(long_entry), short_entry.map_or(0.0, s))
    });
    let prefer_long = match by_title {
        Some((l, s)) if (l - s).abs() >= 0.15 => l > s,
        _ => previous.is_some_and(|p| {
            let k = p.sort_key().2;
            // After A.5.9 comes A.5.10; after A.5.19 comes A.5.20.
            k.len() == 2 && k[0] == theme && (k[1] == n * 10 - 1)
        }),
    };
    if !prefer_long {
        return None;
    }
    let how = if by_title.is_some_and(|(l, s)| (l - s).abs() >= 0.15) { "the title" } else { "the row before" };
    Some((
        RawId::Annex(theme, n * 10),
        format!("id typed as the number {theme}.{n} read as `{long}` (Excel drops the trailing zero of {theme}.{}); decided by {how}", n * 10),
    ))
}

fn warn_duplicates(
    rows: &[ImportedRow],
    id_col: Option<&ColumnRole>,
    header: &RawRow,
    at: &dyn Fn() -> Location,
    issues: &mut Vec<Issue>,
) {
    let mut seen: BTreeMap<&ControlId, Vec<usize>> = BTreeMap::new();
    for r in rows {
        if r.ids.len() != 1 || r.matched_by != MatchedBy::Id || is_point_of_focus(r) {
            continue;
        }
        seen.entry(&r.ids[0]).or_default().push(r.row);
    }
    // One warning per id, at its first repeat: a mapping table repeats ids on purpose, an SoA by mistake.
    let mut found: Vec<(usize, String)> = Vec::new();
    for (id, on) in seen.iter().filter(|(_, on)| on.len() > 1) {
        let mut shown: Vec<String> = on.iter().take(6).map(|n| n.to_string()).collect();
        if on.len() > 6 {
            shown.push("…".into());
        }
        let message = if on.len() == 2 {
            format!("`{id}` appears again (first on row {}); both rows are kept", on[0])
        } else {
            format!("`{id}` appears on {} rows ({}); all are kept", on.len(), shown.join(", "))
        };
        found.push((on[1], message));
    }
    found.sort();
    for (row, message) in found {
        let mut loc = at().row(row);
        if let Some(c) = id_col {
            loc = loc.column(c.index, Some(header.cell(c.index).text().as_str()));
        }
        issues.push(Issue::warning(loc, message));
    }
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

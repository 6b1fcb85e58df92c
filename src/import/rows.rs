//! Reading control rows: one reader turns each row below the header into an [`Outcome`] (a heading, a row skipped
//! for a reason, or a control row with its ids resolved, repaired or carried from 2013), returning every finding
//! as an [`Issue`].

use std::collections::HashMap;

use super::editions::{self, Objective, RowFacts, TitleWords};
use super::headings::{
    carries_control_title, is_category_letter, is_group_id, is_group_row, is_header_repeat, is_theme_heading,
};
use super::layout::{ColumnRole, Role};
use super::repair::{bare_hint_for_row, carried_note, column_has_2013, column_hint, repair_number};
use super::rollup::{roll_up_points_of_focus, warn_duplicates};
use super::values::{self, Status};
use super::{describe_skipped, ImportedRow, MatchedBy, Review, SkipReason, Skipped};
use crate::catalog::Catalogs;
use crate::ids::{is_strong, resolve, split_cell, BareHint, ControlId, Framework, RawId, Resolved, SplitCell, Token};
use crate::issue::{Issue, Location};
use crate::read::{Cell, RawRow};

/// What one row below the header is.
#[derive(Debug)]
pub(super) enum Outcome {
    /// A theme, group or objective heading (a footer when no control row follows it).
    Heading,
    /// Not a control row, for this reason.
    Skip(SkipReason),
    /// A control row.
    Row(Box<ImportedRow>),
}

/// Reads every data row with `read`, keeping control rows and recording why the others were skipped.
pub(super) fn collect(
    data: &[&RawRow],
    mut read: impl FnMut(usize, &RawRow) -> Outcome,
) -> (Vec<ImportedRow>, Vec<Skipped>) {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (i, row) in data.iter().enumerate() {
        match read(i, row) {
            Outcome::Heading => skipped.push(Skipped::new(row, SkipReason::Heading)),
            Outcome::Skip(reason) => skipped.push(Skipped::new(row, reason)),
            Outcome::Row(r) => rows.push(*r),
        }
    }
    (rows, skipped)
}

pub(super) fn column(columns: &[ColumnRole], role: Role) -> Option<&ColumnRole> {
    columns.iter().find(|c| c.role == role)
}

/// The text of `row` in the column playing `role`: spaces cleaned and trimmed; `None` when there is no such column
/// or the cell is empty.
pub(super) fn cell_text(row: &RawRow, columns: &[ColumnRole], role: Role) -> Option<String> {
    let c = column(columns, role)?;
    let t = crate::ids::clean_spaces(&row.cell(c.index).as_text()).trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// Reads the control rows of a list (one control per row), then settles footers, points of focus and repeated ids.
pub(super) fn read_rows(
    data: &[&RawRow],
    header: &RawRow,
    columns: &[ColumnRole],
    catalogs: &Catalogs,
    at: &dyn Fn() -> Location,
    issues: &mut Vec<Issue>,
) -> (Vec<ImportedRow>, Vec<Skipped>) {
    let id_col = column(columns, Role::Id);
    // Each id cell split once, for the column-wide hints and for its own row.
    let id_splits: Vec<SplitCell> =
        id_col.map_or_else(Vec::new, |c| data.iter().map(|r| split_cell(&r.cell(c.index).as_text())).collect());
    let mut reader = RowReader::new(header, columns, catalogs, at, &id_splits, data.len());
    let (mut rows, mut skipped) = collect(data, |i, row| {
        let empty = SplitCell::default();
        reader.read_row(row, id_splits.get(i).unwrap_or(&empty))
    });
    issues.append(&mut reader.issues);
    // Headings after the last control row are footers.
    let last = rows.last().map_or(0, |r| r.row);
    for s in skipped.iter_mut().filter(|s| s.reason == SkipReason::Heading && s.row > last) {
        s.reason = SkipReason::Footer;
    }
    let not_controls: Vec<Skipped> = skipped.iter().filter(|s| s.reason != SkipReason::PointOfFocus).cloned().collect();
    if !not_controls.is_empty() {
        issues.push(Issue::info(at(), format!("{}: rows that are not controls", describe_skipped(&not_controls))));
    }
    roll_up_points_of_focus(&mut rows, at, issues, &mut skipped);
    warn_duplicates(&rows, id_col, header, at, issues);
    (rows, skipped)
}

/// What the id cell of one row gave.
#[derive(Debug)]
struct IdReading {
    ids: Vec<ControlId>,
    frameworks: Vec<Framework>,
    notes: Vec<String>,
    matched_by: MatchedBy,
    review: Review,
    /// An id was wrong and nothing else could place the row: it stays as written.
    row_error: bool,
    /// The id as written when it names no control, for a placement by title or text.
    unknown_id: Option<String>,
    point_of_focus: bool,
}

impl Default for IdReading {
    fn default() -> IdReading {
        IdReading {
            ids: Vec::new(),
            frameworks: Vec::new(),
            notes: Vec::new(),
            matched_by: MatchedBy::None,
            review: Review::Auto,
            row_error: false,
            unknown_id: None,
            point_of_focus: false,
        }
    }
}

impl IdReading {
    fn add(&mut self, id: ControlId) {
        if !self.ids.contains(&id) {
            self.ids.push(id);
        }
    }

    /// Read by id, unless a 2013 transition already placed the row.
    fn by_id(&mut self) {
        if self.matched_by != MatchedBy::Transition {
            self.matched_by = MatchedBy::Id;
        }
    }
}

/// The row reader of a list: what it knows of the whole column, and what it learnt from the rows before.
struct RowReader<'a> {
    header: &'a RawRow,
    columns: &'a [ColumnRole],
    catalogs: &'a Catalogs,
    at: &'a dyn Fn() -> Location,
    id_col: Option<&'a ColumnRole>,
    words: TitleWords<'a>,
    /// How bare ids (`5.1`) read in this column.
    hint: BareHint,
    /// The column also holds 2013 control ids.
    has_2013: bool,
    /// Share of rows whose id cell holds an id.
    id_rows_share: f64,
    /// The last id of the last control row.
    previous: Option<ControlId>,
    /// A status column repeats a handful of values; each is read once.
    statuses: HashMap<String, Option<Status>>,
    issues: Vec<Issue>,
}

impl<'a> RowReader<'a> {
    fn new(
        header: &'a RawRow,
        columns: &'a [ColumnRole],
        catalogs: &'a Catalogs,
        at: &'a dyn Fn() -> Location,
        id_splits: &[SplitCell],
        rows: usize,
    ) -> RowReader<'a> {
        let id_col = column(columns, Role::Id);
        let id_rows_share = if id_col.is_some() {
            let with_id = id_splits.iter().filter(|s| s.tokens.iter().any(is_strong) && s.rejected.is_empty()).count();
            with_id as f64 / rows.max(1) as f64
        } else {
            0.0
        };
        RowReader {
            header,
            columns,
            catalogs,
            at,
            id_col,
            words: TitleWords::new(catalogs),
            hint: if id_col.is_some() { column_hint(id_splits) } else { BareHint::Annex },
            has_2013: column_has_2013(id_splits),
            id_rows_share,
            previous: None,
            statuses: HashMap::new(),
            issues: Vec::new(),
        }
    }

    fn text(&self, row: &RawRow, role: Role) -> Option<String> {
        cell_text(row, self.columns, role)
    }

    /// Where a cell of the row is, named by its column's header.
    fn cell_at(&self, row: &RawRow, c: &ColumnRole) -> Location {
        let header = self.header.cell(c.index).text();
        let name =
            Some(c.header.as_str()).filter(|h| !h.is_empty()).or(Some(header.as_str()).filter(|h| !h.is_empty()));
        (self.at)().row(row.number).column(c.index, name)
    }

    /// The one row reader: what the row is, from its id cell, title and text.
    fn read_row(&mut self, row: &RawRow, split: &SplitCell) -> Outcome {
        if is_header_repeat(row, self.header) {
            return Outcome::Skip(SkipReason::DuplicateHeader);
        }
        let raw_cell: &Cell = self.id_col.map_or(&Cell::Empty, |c| row.cell(c.index));
        let raw_id = (!raw_cell.is_empty()).then(|| raw_cell.as_text().trim().to_string());
        let mut title = self.text(row, Role::Title);
        let text = self.text(row, Role::Text);
        let mut found = IdReading::default();
        if let (Some(c), Some(raw)) = (self.id_col, &raw_id) {
            let cell = IdCell { row, column: c, raw, value: raw_cell, split };
            if let Some(outcome) = self.read_id_cell(&cell, &mut title, text.as_deref(), &mut found) {
                return outcome;
            }
        } else if title.is_none() && text.is_none() {
            return Outcome::Skip(SkipReason::Blank);
        }
        if self.is_heading(row, raw_id.as_deref(), title.as_deref(), text.as_deref(), &found) {
            return Outcome::Heading;
        }
        if let Some(last) = found.ids.last() {
            self.previous = Some(last.clone());
        }
        Outcome::Row(Box::new(self.control_row(row, raw_id, title, text, found)))
    }

    /// Headings told apart once the id cell is read: in a list where most rows (70 %) have an id, a row without one
    /// and without a description (`Control Environment`), a lone category letter (`A`, `PI`), a group row; never a
    /// row whose title is a control's.
    fn is_heading(
        &self,
        row: &RawRow,
        raw_id: Option<&str>,
        title: Option<&str>,
        text: Option<&str>,
        found: &IdReading,
    ) -> bool {
        let carries = || carries_control_title(title, self.catalogs);
        (raw_id.is_none() && text.is_none() && self.id_rows_share >= 0.7 && !carries())
            || (raw_id.is_some_and(is_category_letter) && found.ids.is_empty())
            || (is_group_row(row, title, text) && found.ids.is_empty() && !found.row_error && !carries())
    }

    /// The control row, with its values read.
    fn control_row(
        &mut self,
        row: &RawRow,
        raw_id: Option<String>,
        title: Option<String>,
        text: Option<String>,
        found: IdReading,
    ) -> ImportedRow {
        let mut out = ImportedRow::new(row.number);
        out.read_cells(row, self.columns);
        out.applicable = self.applicable(row);
        out.status = out.status_text.as_ref().and_then(|t| match self.statuses.get(t) {
            Some(known) => *known,
            None => *self.statuses.entry(t.clone()).or_insert_with(|| values::parse_status(t)),
        });
        out.raw_id = raw_id;
        out.title = title;
        out.text = text;
        out.framework = found.frameworks.first().copied();
        out.ids = found.ids;
        out.notes = found.notes;
        out.place(found.matched_by, found.review);
        out.locked = found.row_error;
        out.unknown_id = found.unknown_id;
        out.point_of_focus = found.point_of_focus;
        out
    }

    /// The applicability cell read as yes or no; a warning when it is neither.
    fn applicable(&mut self, row: &RawRow) -> Option<bool> {
        let c = column(self.columns, Role::Applicable)?;
        let t = row.cell(c.index).text();
        if t.trim().is_empty() {
            return None;
        }
        let v = values::parse_applicable(&t);
        if v.is_none() {
            let at = self.cell_at(row, c);
            self.issues
                .push(Issue::warning(at, format!("applicability `{}` is not a yes/no value; left blank", t.trim())));
        }
        v
    }
}

/// A row's id cell, as written and as split.
struct IdCell<'r> {
    row: &'r RawRow,
    column: &'r ColumnRole,
    /// The cell's text, trimmed.
    raw: &'r str,
    value: &'r Cell,
    split: &'r SplitCell,
}

impl RowReader<'_> {
    /// Reads the id cell into `found`; `Some` when the cell makes the row a heading.
    fn read_id_cell(
        &mut self,
        cell: &IdCell<'_>,
        title: &mut Option<String>,
        text: Option<&str>,
        found: &mut IdReading,
    ) -> Option<Outcome> {
        let split = cell.split;
        let objective = self.objective(cell, title.as_deref(), text);
        if self.heads_controls(cell, objective.as_ref(), title.as_deref(), text) {
            return Some(Outcome::Heading);
        }
        if title.is_none() && !split.rest.is_empty() && !split.tokens.is_empty() {
            *title = Some(split.rest.clone());
        }
        match objective {
            Some(Objective::Through2013 { ids, note, .. }) => {
                found.ids = ids;
                found.notes.push(note);
                found.frameworks.push(Framework::Iso2013);
                found.matched_by = MatchedBy::Transition;
            }
            Some(Objective::As2022 { note }) => found.notes.push(note),
            _ => {}
        }
        let tokens = if found.matched_by == MatchedBy::Transition { &[][..] } else { &split.tokens[..] };
        for token in tokens {
            self.read_token(cell, token, title.as_deref(), text.is_some(), found);
        }
        self.read_rejected(cell, title.is_some() || text.is_some(), found);
        if !found.ids.is_empty() {
            // Some of the cell's ids were read: those stand, and no guess is made.
            found.unknown_id = None;
        }
        if split.tokens.is_empty() && split.rejected.is_empty() && is_group_row(cell.row, title.as_deref(), text) {
            return Some(Outcome::Heading);
        }
        self.check_title(cell, title.as_deref(), found);
        None
    }

    /// `A.9.1` (a 2013 objective) or `A.7.1` (also a 2022 control): the row's title and values decide.
    fn objective(&self, cell: &IdCell<'_>, title: Option<&str>, text: Option<&str>) -> Option<Objective> {
        let split = cell.split;
        let [token] = split.tokens.as_slice() else { return None };
        if !split.rejected.is_empty() || !is_strong(token) {
            return None;
        }
        let RawId::Annex(theme, n) = token.raw else { return None };
        let has_values = self.text(cell.row, Role::Status).is_some() || self.text(cell.row, Role::Applicable).is_some();
        let facts = RowFacts { title: title.or(Some(split.rest.as_str()).filter(|r| !r.is_empty())), text, has_values };
        editions::read_objective(theme, n, &facts, self.has_2013, self.catalogs, &self.words)
    }

    /// `4` (a chapter), `A.5` (a theme), `P1.0` (a group), a label in a list of ids: the row heads the controls below
    /// it, unless its title is a control's.
    fn heads_controls(
        &self,
        cell: &IdCell<'_>,
        objective: Option<&Objective>,
        title: Option<&str>,
        text: Option<&str>,
    ) -> bool {
        let split = cell.split;
        let all_headings = match objective {
            Some(Objective::Heading) => return true,
            Some(_) => false,
            None => {
                !split.tokens.is_empty()
                    && split.rejected.is_empty()
                    && split.tokens.iter().all(|t| !is_strong(t) || is_group_id(&t.raw, self.catalogs, self.has_2013))
            }
        };
        // `core | Clauses` in a list where (nearly) every row has an id: a label, not a control.
        // A custom id (`ORG-7`, `ACME-AC-01`) has a digit: such a row is a control, matched later by title or text.
        let label_row = split.tokens.is_empty()
            && text.is_none()
            && self.id_rows_share >= 0.7
            && !cell.raw.chars().any(|c| c.is_ascii_digit());
        let looks_like_heading =
            is_theme_heading(cell.raw) || all_headings || label_row || is_group_row(cell.row, title, text);
        looks_like_heading && objective.is_none() && !carries_control_title(title, self.catalogs)
    }

    /// One id token: repaired when Excel dropped its trailing zero, resolved, or reported when it names nothing.
    fn read_token(
        &mut self,
        cell: &IdCell<'_>,
        token: &Token,
        title: Option<&str>,
        has_text: bool,
        found: &mut IdReading,
    ) {
        let repair = repair_number(cell.value, &token.raw, title, self.previous.as_ref(), self.catalogs);
        if let Some(r) = &repair {
            let why = r.note();
            self.issues.push(Issue::warning(self.cell_at(cell.row, cell.column), why.clone()));
            found.notes.push(why);
        }
        let raw_token = repair.map_or_else(|| token.raw.clone(), |r| r.raw);
        // A title decides a bare `5.1` only when it belongs to that one id.
        let row_hint = if cell.split.tokens.len() == 1 {
            bare_hint_for_row(&raw_token, title, self.catalogs).unwrap_or(self.hint)
        } else {
            self.hint
        };
        match resolve(&raw_token, self.catalogs, row_hint) {
            Ok(r) => self.take_resolved(cell, r, found),
            Err(error) => {
                let written = token_text(cell.raw, &token.raw);
                self.unknown_id(cell, error.to_string(), written, title.is_some() || has_text, found);
            }
        }
    }

    /// A resolved id: a 2013 id carried to its 2022 successors, a parent clause read through its sub-clauses, or the
    /// id itself.
    fn take_resolved(&mut self, cell: &IdCell<'_>, r: Resolved, found: &mut IdReading) {
        if let Some(note) = r.note() {
            if r.misspelt {
                self.issues.push(Issue::warning(self.cell_at(cell.row, cell.column), note.clone()));
            }
            found.notes.push(note);
        }
        found.point_of_focus |= r.is_point_of_focus();
        if r.framework == Framework::Iso2013 {
            let successors = self.catalogs.successors(r.id.as_str());
            for t in &successors {
                found.add(t.to.clone());
            }
            found.notes.push(carried_note(&r.id, &successors, self.catalogs));
            found.frameworks.push(Framework::Iso2013);
            found.matched_by = MatchedBy::Transition;
        } else if let Some((children, note)) = editions::sub_clauses(&r.id, self.catalogs) {
            for child in children {
                found.add(child);
            }
            found.notes.push(note);
            found.frameworks.push(r.framework);
            found.by_id();
        } else {
            found.add(r.id);
            found.frameworks.push(r.framework);
            found.by_id();
        }
    }

    /// An id that names nothing: the row is placed by its title or text for review when it has one, else the id is
    /// an error and the row stays as written.
    fn unknown_id(
        &mut self,
        cell: &IdCell<'_>,
        message: String,
        written: String,
        has_words: bool,
        found: &mut IdReading,
    ) {
        let at = self.cell_at(cell.row, cell.column);
        if has_words {
            self.issues.push(Issue::warning(
                at,
                format!("{message}; the row is placed by its title or text instead, for review"),
            ));
            found.unknown_id.get_or_insert(written);
        } else {
            self.issues.push(Issue::error(at, message));
            found.row_error = true;
        }
    }

    /// Pieces of the cell that looked like ids but did not parse.
    fn read_rejected(&mut self, cell: &IdCell<'_>, has_words: bool, found: &mut IdReading) {
        for rejected in &cell.split.rejected {
            let message = format!("`{rejected}` looks like an id but is not one");
            let has_words = found.ids.is_empty() && has_words;
            self.unknown_id(cell, message, rejected.clone(), has_words, found);
        }
    }

    /// `A.8.1 User access management`: the title names another control than the id.
    fn check_title(&mut self, cell: &IdCell<'_>, title: Option<&str>, found: &mut IdReading) {
        let ([id], Some(t), MatchedBy::Id) = (found.ids.as_slice(), title, found.matched_by) else { return };
        let Some(other) = self.words.contradiction(id, t, self.catalogs) else { return };
        let own = self.catalogs.iso2022.get(id.as_str()).map_or("", |e| e.title.as_str());
        let message = format!(
            "`{id}` is {own}, but the title `{t}` reads like `{}` {}; kept `{id}`, check which was meant",
            other.id, other.title
        );
        self.issues.push(Issue::warning(self.cell_at(cell.row, cell.column), message.clone()));
        found.notes.push(message);
        found.review = Review::NeedsReview;
    }
}

/// The id as the cell wrote it, for a note: `A.7.78` for an Annex A token.
fn token_text(raw: &str, token: &RawId) -> String {
    match token {
        RawId::Annex(t, n) => format!("A.{t}.{n}"),
        RawId::Annex2013(d, o, c) => format!("A.{d}.{o}.{c}"),
        RawId::Clause(p) | RawId::Bare(p) => {
            p.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(".")
        }
        RawId::Tsc { .. } => raw.trim().to_string(),
    }
}

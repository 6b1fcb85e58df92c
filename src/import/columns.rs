//! Column roles beyond the header words: `--column` and profile overrides, and roles read from the cells (the
//! column that really holds ids, the client's own numbers, a yes/no column, a title beside the ids).

use super::layout::{self, ColumnRole, Role, RoleReason};
use super::{closest, values, ImportError, Settings};
use crate::issue::Location;
use crate::read::{Cell, RawRow};

/// Applies `--column ROLE=HEADER` (or a profile's columns): each names a header, or a column letter when the sheet
/// has no header.
pub(super) fn apply_overrides(
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
                Some(file) => RoleReason::Profile { file: file.clone() },
                None => RoleReason::Flag { role: *role, wanted: wanted.clone() },
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

/// The first rows below the header (at most 500), and the widest of all data rows: what the cell-based roles read.
struct Sample<'a> {
    rows: Vec<&'a RawRow>,
    width: usize,
}

impl Sample<'_> {
    /// Sampled rows whose cell in column `i` parses as a control id.
    fn id_count(&self, i: usize) -> usize {
        self.rows.iter().filter(|r| layout::is_id_cell(&r.cell(i).text())).count()
    }

    /// The non-blank texts of column `i` in the sample.
    fn filled(&self, i: usize) -> Vec<String> {
        self.rows.iter().map(|r| r.cell(i).text()).filter(|t| !t.trim().is_empty()).collect()
    }
}

/// Finds an id column and an applicability column from cell contents when the header did not name them.
pub(super) fn detect_by_content(columns: &mut Vec<ColumnRole>, header: &RawRow, data: &[&RawRow]) {
    let sample = Sample {
        rows: data.iter().take(500).copied().collect(),
        width: data.iter().map(|r| r.cells.len()).max().unwrap_or(0),
    };
    choose_id_column(columns, header, &sample);
    mark_client_codes(columns, &sample);
    if !columns.iter().any(|c| c.role == Role::Applicable) {
        if let Some(found) = find_applicable(columns, header, &sample) {
            columns.push(found);
        }
    }
    // No title column, but an unnamed text column right of the id: use it as title.
    if !columns.iter().any(|c| matches!(c.role, Role::Title | Role::Text)) {
        if let Some(found) = find_title_beside_ids(columns, header, &sample) {
            columns.push(found);
        }
    }
    columns.sort_by_key(|c| c.index);
}

/// The id column named by a header may hold no ids (a `No.` column of 1, 2, 3): prefer a column that does.
fn choose_id_column(columns: &mut Vec<ColumnRole>, header: &RawRow, sample: &Sample<'_>) {
    let existing = columns.iter().find(|c| c.role == Role::Id).cloned();
    let counts: Vec<(usize, usize)> = (0..sample.width).map(|i| (i, sample.id_count(i))).collect();
    let best = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
    if best * 2 < sample.rows.len().min(20) || best == 0 {
        return;
    }
    // Several columns of ids (a mapping: source and target): an exact header wins, else the leftmost, which
    // is the source side. Columns holding ids are never titles or texts, whatever their header says.
    let near: Vec<usize> = counts.iter().filter(|&&(_, n)| n * 5 >= best * 4).map(|&(i, _)| i).collect();
    let exact = existing.as_ref().filter(|c| c.reason.is_exact_header() && near.contains(&c.index));
    let chosen = exact.map_or(near[0], |c| c.index);
    if existing.as_ref().is_none_or(|c| c.index != chosen) {
        columns.retain(|c| c.role != Role::Id && c.index != chosen);
        if let Some(reference) = existing.as_ref().and_then(|named| client_numbers(columns, named, chosen, sample)) {
            columns.push(reference);
        }
        columns.push(ColumnRole {
            role: Role::Id,
            index: chosen,
            header: header.cell(chosen).text().trim().to_string(),
            reason: RoleReason::IdCells { count: sample.id_count(chosen), of: sample.rows.len() },
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

/// The column a header named as the id, holding no framework ids but filled: the client's own control number.
fn client_numbers(
    columns: &[ColumnRole],
    named: &ColumnRole,
    ids_in: usize,
    sample: &Sample<'_>,
) -> Option<ColumnRole> {
    if sample.id_count(named.index) * 5 >= sample.rows.len() {
        return None;
    }
    let filled = sample.rows.iter().filter(|r| !r.cell(named.index).is_empty()).count();
    (filled * 2 >= sample.rows.len() && !columns.iter().any(|c| c.index == named.index)).then(|| ColumnRole {
        role: Role::Reference,
        index: named.index,
        header: named.header.clone(),
        reason: RoleReason::ClientNumbers { header: named.header.clone(), ids_in },
    })
}

/// A `Control #` title column of codes (`C-01`) is the client's own reference, not a title; of several reference
/// columns, the one named first stays.
fn mark_client_codes(columns: &mut Vec<ColumnRole>, sample: &Sample<'_>) {
    let code_like = |t: &str| {
        let t = t.trim();
        !t.is_empty() && !t.contains(char::is_whitespace) && t.chars().any(|c| c.is_ascii_digit())
    };
    let has_reference = columns.iter().any(|c| c.role == Role::Reference);
    for c in columns.iter_mut() {
        let filled = sample.filled(c.index);
        if c.role == Role::Title
            && !filled.is_empty()
            && filled.iter().filter(|t| code_like(t)).count() * 5 >= filled.len() * 4
        {
            c.reason = RoleReason::ClientCodes { header: c.header.clone(), example: filled[0].trim().to_string() };
            c.role = Role::Reference;
        }
    }
    if has_reference {
        let mut seen = false;
        columns.retain(|c| c.role != Role::Reference || !std::mem::replace(&mut seen, true));
    }
}

/// The first free column of yes/no values (not a TRUE/FALSE column under some other header).
fn find_applicable(columns: &[ColumnRole], header: &RawRow, sample: &Sample<'_>) -> Option<ColumnRole> {
    let i = (0..sample.width).filter(|&i| !columns.iter().any(|c| c.index == i)).find(|&i| {
        let filled = sample.filled(i);
        let yes_no = yes_no_count(&filled);
        // A TRUE/FALSE column under some other header (`bidirectional`, `assessable`) is not applicability.
        let booleans_only = filled.iter().all(|t| matches!(t.trim().to_lowercase().as_str(), "true" | "false"));
        let named = !header.cell(i).text().trim().is_empty();
        filled.len() >= 3
            && !(booleans_only && named)
            && yes_no * 10 >= filled.len() * 9
            && values::parse_status(&filled[0]).is_none_or(|_| yes_no == filled.len())
    })?;
    let filled = sample.filled(i);
    Some(ColumnRole {
        role: Role::Applicable,
        index: i,
        header: header.cell(i).text().trim().to_string(),
        reason: RoleReason::YesNoCells { count: yes_no_count(&filled), of: filled.len() },
    })
}

/// Short cells that read as yes or no.
fn yes_no_count(filled: &[String]) -> usize {
    filled.iter().filter(|t| values::parse_applicable(t).is_some() && t.len() <= 16).count()
}

/// The first free column other than the id column whose cells are mostly prose: the title.
fn find_title_beside_ids(columns: &[ColumnRole], header: &RawRow, sample: &Sample<'_>) -> Option<ColumnRole> {
    let id = columns.iter().find(|c| c.role == Role::Id)?.index;
    let i = (0..sample.width).find(|&i| {
        i != id
            && !columns.iter().any(|c| c.index == i)
            && sample.rows.iter().filter(|r| looks_like_words(&r.cell(i).text())).count() * 2 >= sample.rows.len()
    })?;
    Some(ColumnRole {
        role: Role::Title,
        index: i,
        header: header.cell(i).text().trim().to_string(),
        reason: RoleReason::TextBesideIds,
    })
}

/// Prose rather than a code: several words (`Access control policy`, not `intersect` or `High`).
fn looks_like_words(text: &str) -> bool {
    let t = text.trim();
    t.len() > 8 && t.split_whitespace().count() >= 2
}

//! Wide matrices: one column per control (headers `A.5.1` … `A.8.34`), one row per requirement, a mark (`P`, `x`)
//! where a control serves it. Each row's ids are the columns marked in it.

use super::layout::{ColumnRole, Role};
use super::rows::{cell_text, collect, Outcome};
use super::{values, ImportError, ImportedRow, MatchedBy, Review, SkipReason, Skipped};
use crate::catalog::Catalogs;
use crate::ids::{resolve, split_cell, BareHint, ControlId, Framework};
use crate::issue::{Issue, Location};
use crate::read::RawRow;

/// A header cell that is a control id, with the canonical ids it names (a 2013 id names its 2022 successors).
pub(super) struct MatrixColumn {
    pub index: usize,
    pub ids: Vec<ControlId>,
}

/// Header cells that are control ids; ten or more make the sheet a wide matrix.
pub(super) fn matrix_columns(header: &RawRow, catalogs: &Catalogs) -> Vec<MatrixColumn> {
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
        out.push(MatrixColumn { index, ids });
    }
    out
}

/// The rows of a wide matrix read (blank rows skipped), and the note that says how; an error when no cell under
/// the control columns is marked.
pub(super) fn read_matrix(
    header: &RawRow,
    data: &[&RawRow],
    columns: &[ColumnRole],
    matrix: &[MatrixColumn],
    at: &dyn Fn() -> Location,
) -> Result<(Vec<ImportedRow>, Vec<Skipped>, Issue), ImportError> {
    let (rows, skipped) = collect(data, |_, row| read_matrix_row(row, header, columns, matrix));
    if rows.iter().all(|r| r.ids.is_empty()) {
        return Err(ImportError::Layout {
            at: at().row(header.number),
            message: format!(
                "this is a wide matrix ({} header cells are control ids, one column per control) but no cell under them is marked; mark the controls that apply to each row, or export a list with one control per row",
                matrix.len()
            ),
        });
    }
    let (first, last) = (matrix[0].index, matrix[matrix.len() - 1].index);
    let note = Issue::info(
        at().row(header.number),
        format!(
            "wide matrix: columns {}–{} are {} controls ({} … {}); each row's ids are the columns marked in it",
            crate::issue::column_letter(first),
            crate::issue::column_letter(last),
            matrix.len(),
            header.cell(first).text().trim(),
            header.cell(last).text().trim()
        ),
    );
    Ok((rows, skipped, note))
}

/// One matrix row: its ids are the marked columns' (a `no` mark aside); never guessed from its title or text.
fn read_matrix_row(row: &RawRow, header: &RawRow, columns: &[ColumnRole], matrix: &[MatrixColumn]) -> Outcome {
    let mut ids: Vec<ControlId> = Vec::new();
    let mut marks: Vec<String> = Vec::new();
    for column in matrix {
        let mark = row.cell(column.index).text();
        let mark = mark.trim();
        if mark.is_empty() || values::parse_applicable(mark) == Some(false) {
            continue;
        }
        for id in &column.ids {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        marks.push(format!("`{mark}` under {}", header.cell(column.index).text().trim()));
    }
    let mut out = ImportedRow::new(row.number);
    out.read_cells(row, columns);
    out.raw_id = cell_text(row, columns, Role::Id);
    if ids.is_empty() && out.raw_id.is_none() && out.title.is_none() && out.text.is_none() {
        return Outcome::Skip(SkipReason::Blank);
    }
    // A matrix has no column of the client's own numbers.
    out.reference = None;
    out.status = out.status_text.as_deref().and_then(values::parse_status);
    out.framework = ids.first().map(|id| {
        if id.as_str().starts_with("A.") || id.as_str().starts_with(|c: char| c.is_ascii_digit()) {
            Framework::Iso2022
        } else {
            Framework::Tsc2017
        }
    });
    let matched_by = if ids.is_empty() { MatchedBy::None } else { MatchedBy::Id };
    out.ids = ids;
    out.place(matched_by, Review::Auto);
    if !marks.is_empty() {
        out.notes.push(format!("marked {}", marks.join(", ")));
    }
    out.locked = true;
    Outcome::Row(Box::new(out))
}

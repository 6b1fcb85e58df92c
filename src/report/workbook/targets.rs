//! The sheets of target elements: `By criterion` (or `By control`, with the columns where the reviewer adds pairs
//! for this client), `Reuse`, `Gaps` and `Partial`. Lists of input rows link to their lines on `Crosswalk`; ids
//! listed in one cell are in the order of the list beside them (strongest link first, ties by id), and the input
//! rows in the order of those ids.

use rust_xlsxwriter::{DataValidation, Worksheet, XlsxError};

use super::{colour_status, finish, fit, fit_row, header_row, rows_in_order, RowLinks, Styles};
use crate::crosswalk::{Contribution, Coverage, Effect};
use crate::ids::Framework;
use crate::mapping::Role;
use crate::report::context::{category_label, Criterion, Gap, ReportData};
use crate::report::Output;
use crate::review::pairs::{Added, ADDED_AS, ADD_ISO, ADD_TSC, WHY_ADDED};

/// Every target element with its coverage, how the input's controls map to it and why; then the reviewer's
/// columns for pairs to add (read back by `review apply --mapping-out`).
pub(super) fn by_target_sheet(
    ws: &mut Worksheet,
    out: &Output,
    report: &ReportData,
    st: &Styles,
    links: &RowLinks,
) -> Result<(), XlsxError> {
    let to_iso = out.crosswalk.to == Framework::Iso2022;
    ws.set_name(if to_iso { "By control" } else { "By criterion" })?;
    let source_word = if to_iso { "SOC 2 criteria from this input" } else { "ISO controls from this input" };
    let mut headers = vec![
        (if to_iso { "Control" } else { "Criterion" }, 11.0),
        (if to_iso { "Theme" } else { "Category" }, 18.0),
        ("Title", 36.0),
        ("Coverage", 12.0),
        (source_word, 22.0),
        ("How they map", 44.0),
        ("Not counted (planned, not implemented, excluded, unknown)", 24.0),
        ("Input rows", 12.0),
        ("Why", 50.0),
    ];
    if !to_iso {
        headers.push(("What the auditor will still sample", 50.0));
    }
    let add = headers.len() as u16;
    headers.extend([(if to_iso { ADD_TSC } else { ADD_ISO }, 16.0), (ADDED_AS, 10.0), (WHY_ADDED, 30.0)]);
    header_row(ws, st, &headers)?;
    let mut links = links.sheet(st);
    let mut r = 0u32;
    for (c, words) in out.crosswalk.coverage.iter().zip(&report.criteria) {
        r += 1;
        let cells = TargetCells::of(c, words, to_iso);
        let sizes = [
            (cells.category.as_str(), 18.0),
            (&c.title, 36.0),
            (&cells.by, 22.0),
            (&cells.how, 44.0),
            (&cells.excluded, 24.0),
            (&cells.rows, 12.0),
            (&cells.reason, 50.0),
            (&cells.beyond, 50.0),
        ];
        fit_row(ws, r, &sizes)?;
        ws.write_string(r, 0, c.id.as_str())?;
        ws.write_string(r, 1, &cells.category)?;
        ws.write_string(r, 2, &c.title)?;
        ws.write_string(r, 3, c.status.as_str())?;
        ws.write_string(r, 4, &cells.by)?;
        ws.write_string(r, 5, &cells.how)?;
        ws.write_string(r, 6, &cells.excluded)?;
        links.write(ws, r, 7, &cells.input_rows)?;
        ws.write_string(r, 8, &cells.reason)?;
        if !to_iso {
            ws.write_string(r, 9, &cells.beyond)?;
        }
    }
    colour_status(ws, 3, r)?;
    if r > 0 {
        added_pair_rules(ws, add, r, to_iso)?;
    }
    finish(ws, r, headers.len() as u16)
}

/// The text cells of one `By criterion` line.
struct TargetCells {
    category: String,
    /// Counted core ids, in the order of `how`.
    by: String,
    how: String,
    excluded: String,
    /// Rows of the ids of `how`, then of `excluded`, in that order.
    input_rows: Vec<usize>,
    rows: String,
    reason: String,
    beyond: String,
}

impl TargetCells {
    fn of(c: &Coverage, words: &Criterion, to_iso: bool) -> TargetCells {
        let (counted, nothing): (Vec<&Contribution>, Vec<&Contribution>) =
            c.contributions.iter().partition(|x| x.effect != Effect::Nothing);
        let how: Vec<String> = counted
            .iter()
            .map(|x| {
                let extent = if x.full { "full" } else { "partial" };
                format!("{}: {}, strength {} ({extent})", x.id, x.relationship, x.strength)
            })
            .collect();
        let by: Vec<&str> = c.contributions.iter().filter(|x| c.by.contains(&x.id)).map(|x| x.id.as_str()).collect();
        let excluded: Vec<&str> = nothing.iter().map(|x| x.id.as_str()).collect();
        let input_rows = rows_in_order(counted.iter().chain(&nothing).copied());
        let rows: Vec<String> = input_rows.iter().map(usize::to_string).collect();
        TargetCells {
            category: category_label(&c.category),
            by: fit(&by.join("\n")).into_owned(),
            how: fit(&how.join("\n")).into_owned(),
            excluded: fit(&excluded.join("\n")).into_owned(),
            rows: fit(&rows.join(", ")).into_owned(),
            input_rows,
            reason: fit(&words.reason).into_owned(),
            beyond: if to_iso { String::new() } else { fit(&words.beyond_iso).into_owned() },
        }
    }
}

/// What the reviewer's columns take: a prompt on the ids column and a dropdown for `Added as`.
fn added_pair_rules(ws: &mut Worksheet, col: u16, rows: u32, to_iso: bool) -> Result<(), XlsxError> {
    let what = if to_iso { "SOC 2 criteria (CC6.1)" } else { "ISO 27001:2022 controls or clauses (A.5.15, 9.2)" };
    let prompt = DataValidation::new().set_input_title("Pairs for this client")?.set_input_message(format!(
        "{what} to map to this line, separated by commas. `crosswalk review apply --mapping-out` writes them as a mapping overlay."
    ))?;
    ws.add_data_validation(1, col, rows, col, &prompt)?;
    let added = DataValidation::new()
        .allow_list_strings(&Added::ALL)?
        .set_input_title("Added as")?
        .set_input_message(
            "covers: alone meets it; part: one of the elements it needs (the default); context: shown, never counted",
        )?
        .set_error_title("Added as")?
        .set_error_message("Choose covers, part or context.")?;
    ws.add_data_validation(1, col + 1, rows, col + 1, &added)?;
    Ok(())
}

/// One line per target element and input control whose evidence can be reused, with the client's columns.
pub(super) fn reuse_sheet(
    ws: &mut Worksheet,
    report: &ReportData,
    st: &Styles,
    links: &RowLinks,
) -> Result<(), XlsxError> {
    ws.set_name("Reuse")?;
    let iso_in = report.direction == "iso-to-soc2";
    let headers = [
        (if iso_in { "Criterion" } else { "ISO element" }, 11.0),
        (if iso_in { "Category" } else { "Theme" }, 16.0),
        ("Coverage", 12.0),
        (if iso_in { "ISO control or clause" } else { "SOC 2 criterion" }, 14.0),
        ("Title as in the input", 36.0),
        ("Relationship", 12.0),
        ("Strength", 9.0),
        ("Extent", 9.0),
        ("Status", 14.0),
        ("Owner", 18.0),
        ("Evidence", 30.0),
        ("Frequency", 12.0),
        ("Input rows", 10.0),
        ("Role", 11.0),
    ];
    header_row(ws, st, &headers)?;
    let mut links = links.sheet(st);
    let mut r = 0u32;
    for c in report.criteria.iter().filter(|c| c.in_scope) {
        for x in &c.reuse {
            r += 1;
            let category = category_label(&c.category);
            fit_row(ws, r, &[(&x.title, 36.0), (&x.owner, 18.0), (&x.evidence, 30.0), (&category, 16.0)])?;
            ws.write_string(r, 0, &c.id)?;
            ws.write_string(r, 1, &category)?;
            ws.write_string(r, 2, &c.status)?;
            ws.write_string(r, 3, &x.label)?;
            ws.write_string(r, 4, fit(&x.title))?;
            ws.write_string(r, 5, &x.relationship)?;
            ws.write_number(r, 6, f64::from(x.strength))?;
            ws.write_string(r, 7, &x.extent)?;
            ws.write_string(r, 8, &x.status)?;
            ws.write_string(r, 9, fit(&x.owner))?;
            ws.write_string(r, 10, fit(&x.evidence))?;
            ws.write_string(r, 11, &x.frequency)?;
            links.write(ws, r, 12, &x.rows)?;
            ws.write_string(r, 13, x.role.as_str())?;
        }
    }
    colour_status(ws, 2, r)?;
    finish(ws, r, headers.len() as u16)
}

/// In-scope target elements of one status (`Gaps`, `Partial`), what is missing, and the input rows of the
/// controls listed (counted, then not counted, then context).
pub(super) fn gaps_sheet(
    ws: &mut Worksheet,
    out: &Output,
    report: &ReportData,
    (name, gaps): (&str, &[Gap]),
    st: &Styles,
    links: &RowLinks,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let iso_in = report.direction == "iso-to-soc2";
    let headers = [
        (if iso_in { "Criterion" } else { "ISO element" }, 11.0),
        (if iso_in { "Category" } else { "Theme" }, 16.0),
        ("Title", 30.0),
        ("Coverage", 10.0),
        (if iso_in { "What SOC 2 asks beyond ISO" } else { "What ISO asks" }, 60.0),
        ("Counted", 22.0),
        ("Not counted (planned, not implemented, excluded, unknown)", 22.0),
        ("Why", 50.0),
        ("Would cover once implemented", 24.0),
        ("Input rows", 12.0),
    ];
    header_row(ws, st, &headers)?;
    let mut links = links.sheet(st);
    let mut r = 0u32;
    for g in gaps {
        r += 1;
        let mut what = if iso_in { g.beyond_iso.clone() } else { g.description.clone() };
        if g.no_counterpart {
            what.push_str(" (no SOC 2 criterion maps to this control)");
        }
        let category = category_label(&g.category);
        let (partial_by, excluded_by, would) =
            (g.partial_by.join("\n"), g.excluded_by.join("\n"), g.would_cover.join("\n"));
        let (partial_by, excluded_by, reason, would) =
            (fit(&partial_by), fit(&excluded_by), fit(&g.reason), fit(&would));
        let cells = [&category, &g.title, what.trim(), &partial_by, &excluded_by, &reason, &would];
        let widths = [16.0, 30.0, 60.0, 22.0, 22.0, 50.0, 24.0];
        let sizes: Vec<(&str, f64)> = cells.iter().map(std::convert::AsRef::as_ref).zip(widths).collect();
        fit_row(ws, r, &sizes)?;
        ws.write_string(r, 0, &g.id)?;
        ws.write_string(r, 1, &category)?;
        ws.write_string(r, 2, &g.title)?;
        ws.write_string(r, 3, &g.status)?;
        ws.write_string(r, 4, what.trim())?;
        ws.write_string(r, 5, partial_by.as_ref())?;
        ws.write_string(r, 6, excluded_by.as_ref())?;
        ws.write_string(r, 7, reason.as_ref())?;
        ws.write_string(r, 8, would.as_ref())?;
        links.write(ws, r, 9, &gap_rows(out, &g.id))?;
    }
    colour_status(ws, 3, r)?;
    finish(ws, r, headers.len() as u16)
}

/// The input rows of a gap's `Counted` controls (core, counting), then of its `Not counted` ones, then of the
/// controls that are context only.
fn gap_rows(out: &Output, id: &str) -> Vec<usize> {
    let Some(c) = out.crosswalk.coverage.iter().find(|c| c.id.as_str() == id) else { return Vec::new() };
    let counts = |x: &&Contribution| x.effect != Effect::Nothing;
    let counted = c.contributions.iter().filter(|x| x.role == Role::Core && counts(x));
    let nothing = c.contributions.iter().filter(|x| !counts(x));
    let context = c.contributions.iter().filter(|x| x.role == Role::Supporting && counts(x));
    rows_in_order(counted.chain(nothing).chain(context))
}

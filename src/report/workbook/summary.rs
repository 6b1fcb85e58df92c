//! The key/value and count sheets: `Summary` (the first page), `Coverage` and `About`.

use rust_xlsxwriter::{Color, ConditionalFormatDataBar, ConditionalFormatType, Format, Url, Worksheet, XlsxError};

use super::{finish, fit_row, header_row, Styles, REVIEW_FILL};
use crate::crosswalk::counts_by_category;
use crate::import::Review;
use crate::report::context::{Gap, ReportData};
use crate::report::Output;

/// The first page: what was read, the coverage counts exactly as the other outputs give them, rows to review, the
/// top gaps, and links to every sheet.
pub(super) fn summary_sheet(ws: &mut Worksheet, report: &ReportData, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 14)?;
    for c in 2..=6 {
        ws.set_column_width(c, 11)?;
    }
    ws.set_column_width(7, 30)?;
    ws.write_string_with_format(0, 0, "Crosswalk summary", &st.title)?;
    ws.set_row_height(0, 20)?;
    let r = facts(ws, report, st)?;
    let r = category_table(ws, report, st, r + 1)?;
    let r = top_gaps(ws, report, st, r + 2)?;
    sheet_links(ws, report, st, r)?;
    ws.set_active(true);
    Ok(())
}

/// Input, scope, coverage line and counts, from row 2; returns the row after them.
fn facts(ws: &mut Worksheet, report: &ReportData, st: &Styles) -> Result<u32, XlsxError> {
    let s = &report.summary;
    let facts: [(&str, String); 7] = [
        ("Input", s.input.clone()),
        ("Sheet", s.sheet.clone().unwrap_or_else(|| "(csv)".into())),
        ("Mapped", format!("{} to {}", s.framework_label, s.target_label)),
        ("Scope", s.scope_label.clone()),
        ("Coverage", s.headline.clone()),
        ("Control rows", s.rows.to_string()),
        ("Rows needing review", s.needs_review.to_string()),
    ];
    let mut r = 2u32;
    for (k, v) in &facts {
        ws.write_string_with_format(r, 0, *k, &st.key)?;
        ws.merge_range(r, 1, r, 7, v, &st.base)?;
        fit_row(ws, r, &[(v, 90.0)])?;
        r += 1;
    }
    if s.needs_review > 0 {
        let fill = st.key.clone().set_background_color(Color::RGB(REVIEW_FILL));
        ws.write_string_with_format(r - 1, 0, "Rows needing review", &fill)?;
    }
    Ok(r)
}

/// Counts per category from row `first` (its header), the in-scope total, and a bar for the covered share;
/// returns the total's row.
fn category_table(ws: &mut Worksheet, report: &ReportData, st: &Styles, first: u32) -> Result<u32, XlsxError> {
    let mut r = first;
    let head = ["Category", "Covered %", "Covered", "Partial", "Gap", "In scope", "Out of scope"];
    for (i, h) in head.iter().enumerate() {
        ws.write_string_with_format(r, i as u16, *h, &st.header)?;
    }
    let pct = st.base.clone().set_num_format("0%");
    for c in &report.categories {
        r += 1;
        ws.write_string(r, 0, &c.label)?;
        let in_scope = c.covered + c.partial + c.gap;
        if c.in_scope && in_scope > 0 {
            ws.write_number_with_format(r, 1, f64::from(c.covered_pct) / 100.0, &pct)?;
        } else {
            ws.write_string(r, 1, "out of scope")?;
        }
        for (i, n) in [c.covered, c.partial, c.gap, in_scope, c.out_of_scope].iter().enumerate() {
            ws.write_number(r, 2 + i as u16, *n as f64)?;
        }
    }
    r += 1;
    let s = &report.summary;
    ws.write_string_with_format(r, 0, "Total", &st.key)?;
    ws.write_number_with_format(r, 1, f64::from(s.covered_pct) / 100.0, &pct)?;
    for (i, n) in [s.covered, s.partial, s.gap, s.in_scope, s.out_of_scope].iter().enumerate() {
        ws.write_number(r, 2 + i as u16, *n as f64)?;
    }
    let bar = ConditionalFormatDataBar::new()
        .set_fill_color(Color::RGB(0x63BE7B))
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_maximum(ConditionalFormatType::Number, 1);
    ws.add_conditional_format(first + 1, 1, r, 1, &bar)?;
    Ok(r)
}

/// The first ten gaps from row `r`, each a link to its line on `Gaps`; returns the row to go on from.
fn top_gaps(ws: &mut Worksheet, report: &ReportData, st: &Styles, mut r: u32) -> Result<u32, XlsxError> {
    let gaps: Vec<&Gap> = report.gaps.iter().take(10).collect();
    if gaps.is_empty() {
        return Ok(r);
    }
    let what = if report.direction == "iso-to-soc2" { "criteria" } else { "ISO elements" };
    let title =
        format!("Top gaps ({} of {} {what} with no coverage; all on the Gaps sheet)", gaps.len(), report.gaps.len());
    ws.merge_range(r, 0, r, 7, &title, &st.key)?;
    for (i, g) in gaps.iter().enumerate() {
        r += 1;
        ws.write_url(r, 0, Url::new(format!("internal:'Gaps'!A{}", i + 2)).set_text(&g.id))?;
        ws.merge_range(r, 1, r, 7, &g.title, &st.base)?;
    }
    Ok(r + 2)
}

/// A link to every sheet, from row `r`, with what it holds.
fn sheet_links(ws: &mut Worksheet, report: &ReportData, st: &Styles, mut r: u32) -> Result<(), XlsxError> {
    ws.write_string_with_format(r, 0, "Sheets", &st.key)?;
    let sheets: [(&str, &str); 9] = [
        ("Crosswalk", "every input row, its match and targets; decide on rows to review here (docs/review.md)"),
        ("Mapping", "one line per input row and target, with relationship, strength and rationale"),
        (
            if report.direction == "iso-to-soc2" { "By criterion" } else { "By control" },
            "every target element, its coverage and why; add pairs for this client here",
        ),
        ("Coverage", "counts per category"),
        ("Reuse", "evidence of the input that serves each covered element"),
        ("Gaps", "what has no coverage, and what SOC 2 asks beyond ISO"),
        ("Partial", "what is partly covered, and what is missing"),
        ("Issues", "what the input left unclear"),
        ("About", "tool, input digest, mapping version, method"),
    ];
    for (name, what) in sheets {
        r += 1;
        ws.write_url(r, 0, Url::new(format!("internal:'{name}'!A1")).set_text(name))?;
        ws.merge_range(r, 1, r, 7, what, &st.base)?;
    }
    Ok(())
}

/// Counts per category, then the in-scope total the other outputs print, the scope, and whether the status was
/// given.
pub(super) fn coverage_sheet(
    ws: &mut Worksheet,
    out: &Output,
    report: &ReportData,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Coverage")?;
    let headers = [
        ("Category", 22.0),
        ("In scope", 9.0),
        ("Total", 8.0),
        ("Covered", 9.0),
        ("Partial", 9.0),
        ("Gap", 8.0),
        ("Out of scope", 11.0),
        ("Covered %", 10.0),
        ("Covered or partial %", 12.0),
    ];
    header_row(ws, st, &headers)?;
    let pct = Format::new().set_font_size(10).set_num_format("0%");
    let mut r = 0u32;
    for (category, [covered, partial, gap, out_of_scope]) in counts_by_category(&out.crosswalk.coverage) {
        r += 1;
        let total = covered + partial + gap + out_of_scope;
        let in_scope = covered + partial + gap;
        ws.write_string(r, 0, crate::report::context::category_label(&category))?;
        ws.write_string(r, 1, if in_scope > 0 { "yes" } else { "no" })?;
        for (i, n) in [total, covered, partial, gap, out_of_scope].iter().enumerate() {
            ws.write_number(r, 2 + i as u16, *n as f64)?;
        }
        if in_scope > 0 {
            ws.write_number_with_format(r, 7, covered as f64 / in_scope as f64, &pct)?;
            ws.write_number_with_format(r, 8, (covered + partial) as f64 / in_scope as f64, &pct)?;
        }
    }
    let filtered = r;
    let t = out.crosswalk.tally();
    r += 1;
    ws.write_string_with_format(r, 0, "Total", &st.key)?;
    ws.write_string(r, 1, format!("{} of {}", t.in_scope(), t.in_scope() + t.out_of_scope))?;
    for (i, n) in [t.in_scope() + t.out_of_scope, t.covered, t.partial, t.gap, t.out_of_scope].iter().enumerate() {
        ws.write_number(r, 2 + i as u16, *n as f64)?;
    }
    if t.in_scope() > 0 {
        ws.write_number_with_format(r, 7, t.covered as f64 / t.in_scope() as f64, &pct)?;
        ws.write_number_with_format(r, 8, (t.covered + t.partial) as f64 / t.in_scope() as f64, &pct)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "Counted", &st.key)?;
    ws.merge_range(r, 1, r, 8, &report.summary.headline, &st.base)?;
    r += 1;
    ws.write_string_with_format(r, 0, "Status", &st.key)?;
    let status = if out.crosswalk.status_given {
        "from the input's status column: implemented counts, partly implemented gives partial, planned, not implemented, excluded and unknown count for nothing"
    } else {
        "status not given, assumed implemented: the input has no status column"
    };
    ws.merge_range(r, 1, r, 8, status, &st.base)?;
    fit_row(ws, r, &[(status, 100.0)])?;
    finish(ws, filtered, headers.len() as u16)
}

/// What was run on what: key and value lines, the keys bold (no header row: every line is data).
pub(super) fn about_sheet(ws: &mut Worksheet, out: &Output, st: &Styles) -> Result<(), XlsxError> {
    let i = &out.input;
    let counted = out.crosswalk.rows.len();
    let review = out.crosswalk.rows.iter().filter(|r| r.row.review == Review::NeedsReview).count();
    let lines: Vec<(&str, String)> = vec![
        ("Tool", format!("{} {}", out.run.tool.name, out.run.tool.version)),
        ("Input", i.path.clone()),
        ("SHA-256", i.sha256.clone()),
        ("Sheet", i.sheet.clone().unwrap_or_else(|| "(csv)".into())),
        ("Header row", i.header_row.to_string()),
        ("Input framework", i.framework.key().to_string()),
        ("Mapped to", out.crosswalk.to.key().to_string()),
        ("Mapping version", out.run.mapping_version.clone()),
        ("Scope", crate::report::words::scope(&out.run.scope, out.crosswalk.to)),
        ("Control rows", counted.to_string()),
        ("Rows needing review", review.to_string()),
        ("Issues", out.issues.len().to_string()),
        (
            "Note",
            "This crosswalk supports readiness work. It is not an audit opinion. Relationships follow NIST IR 8477 (equal, subset, superset, intersects). Each criterion has a curated set of core ISO elements: all of them implemented cover it (unless SOC 2 asks for something ISO 27001 never requires, which leaves it partial), some of them give partial, none a gap. Supporting links are context, never coverage. Planned, not implemented, excluded and unknown controls count for nothing.".into(),
        ),
    ];
    key_values(ws, &lines, 80.0, st)
}

/// A key/value `About` sheet: keys bold in column A, values in column B `width` wide, rows as tall as their text.
pub(crate) fn key_values(
    ws: &mut Worksheet,
    lines: &[(&str, String)],
    width: f64,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("About")?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, width)?;
    for (r, (k, v)) in lines.iter().enumerate() {
        ws.write_string_with_format(r as u32, 0, *k, &st.key)?;
        ws.write_string(r as u32, 1, v)?;
        fit_row(ws, r as u32, &[(v, width)])?;
    }
    Ok(())
}

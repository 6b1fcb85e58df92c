//! The crosswalk workbook a consultant hands over: `Crosswalk`, `By criterion`, `Coverage`, `Issues`, `About`.
//! Client text is always written as a string, never as a formula. The creation date is fixed so the same input
//! gives the same bytes.

use std::fmt::Write as _;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::context::{Gap, ReportData};
use super::Output;
use crate::catalog::Catalogs;
use crate::crosswalk::{counts_by_category, CoverageStatus, Effect};
use crate::ids::Framework;
use crate::import::Review;

/// Styles shared by all sheets (and by the `plan` workbooks).
pub(crate) struct Styles {
    pub(crate) header: Format,
    /// The workbook's default (every cell written without a format): Calibri 10, top-aligned, wrapped.
    pub(crate) base: Format,
    pub(crate) number: Format,
    status: [Format; 4],
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_font_name("Calibri").set_font_size(10).set_align(FormatAlign::Top).set_text_wrap();
        let fill = |c: u32| base.clone().set_background_color(Color::RGB(c));
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F3864))
                .set_border_bottom(FormatBorder::Thin),
            number: base.clone().set_num_format("0.00"),
            status: [fill(0xC6EFCE), fill(0xFFEB9C), fill(0xFFC7CE), fill(0xEDEDED)],
            base,
        }
    }

    pub(crate) fn status(&self, s: CoverageStatus) -> &Format {
        &self.status[s as usize]
    }
}

/// Builds the workbook in memory.
pub fn render(out: &Output, catalogs: &Catalogs, report: &ReportData) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, st) = start("crosswalk: ISO/IEC 27001 and SOC 2")?;
    crosswalk_sheet(wb.add_worksheet_with_constant_memory()?, out, catalogs, &st)?;
    // Sheets that grow with the input are written row by row in constant-memory mode (strings inline, no table).
    by_target_sheet(wb.add_worksheet_with_constant_memory()?, out, report, &st)?;
    coverage_sheet(wb.add_worksheet(), out, report, &st)?;
    reuse_sheet(wb.add_worksheet(), report, &st)?;
    gaps_sheet(wb.add_worksheet(), report, "Gaps", &report.gaps, &st)?;
    gaps_sheet(wb.add_worksheet(), report, "Partial", &report.partial, &st)?;
    issues_sheet(wb.add_worksheet_with_constant_memory()?, out, &st)?;
    about_sheet(wb.add_worksheet(), out, &st)?;
    wb.save_to_buffer()
}

/// A workbook in the house style: fixed creation date, Calibri 10 default, and the shared styles.
pub(crate) fn start(title: &str) -> Result<(Workbook, Styles), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(1);
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_title(title).set_author("crosswalk").set_creation_datetime(&created));
    let st = Styles::new();
    // Plain cells carry no format of their own (cheaper to write): the default is the house font. Calibri 10 rows
    // are 17 pixels high and its default columns 64 pixels wide.
    wb.set_default_format(&st.base, 17, 64)?;
    Ok((wb, st))
}

/// The header line of a sheet: bold white on dark blue, column widths, frozen below.
pub(crate) fn header_row(ws: &mut Worksheet, st: &Styles, headers: &[(&str, f64)]) -> Result<(), XlsxError> {
    for (i, (h, width)) in headers.iter().enumerate() {
        ws.set_column_width(i as u16, *width)?;
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// An autofilter over the written rows.
pub(crate) fn finish(ws: &mut Worksheet, rows: u32, cols: u16) -> Result<(), XlsxError> {
    if rows > 0 {
        ws.autofilter(0, 0, rows, cols - 1)?;
    }
    Ok(())
}

fn crosswalk_sheet(ws: &mut Worksheet, out: &Output, catalogs: &Catalogs, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Crosswalk")?;
    let to_word = if out.crosswalk.to == Framework::Iso2022 { "ISO 27001:2022 controls" } else { "SOC 2 criteria" };
    let headers = [
        ("Row", 6.0),
        ("Id as written", 14.0),
        ("Canonical id", 12.0),
        ("Title", 40.0),
        ("Applicable", 10.0),
        ("Status", 14.0),
        ("Matched by", 11.0),
        ("Score", 7.0),
        ("Review", 13.0),
        (to_word, 16.0),
        ("Relationship and strength", 34.0),
        ("Candidates for review", 34.0),
        ("Notes", 40.0),
        ("Client reference", 14.0),
        ("Client text", 50.0),
    ];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for row in &out.crosswalk.rows {
        r += 1;
        let x = &row.row;
        let catalog_title = x.ids.first().and_then(|id| catalogs.find(id.as_str())).map(|e| e.title.clone());
        let title = x.title.clone().or_else(|| x.text.clone()).or(catalog_title).unwrap_or_default();
        ws.write_number(r, 0, x.row as f64)?;
        ws.write_string(r, 1, x.raw_id.as_deref().unwrap_or(""))?;
        ws.write_string(r, 2, ids(&x.ids))?;
        ws.write_string(r, 3, fit(&title))?;
        let applicable = match x.applicable {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        ws.write_string(r, 4, applicable)?;
        let status = x.status.map(|s| s.as_str()).or(x.status_text.as_deref()).unwrap_or("");
        ws.write_string(r, 5, status)?;
        ws.write_string(r, 6, x.matched_by.as_str())?;
        ws.write_number_with_format(r, 7, x.score, &st.number)?;
        let review = if x.review == Review::Auto { "auto" } else { "needs-review" };
        ws.write_string(r, 8, review)?;
        let (mut targets, mut detail) = (String::new(), String::new());
        for (i, t) in row.targets.iter().enumerate() {
            let sep = if i == 0 { "" } else { "\n" };
            targets.push_str(sep);
            targets.push_str(t.id.as_str());
            let _ = write!(detail, "{sep}{}: {}, strength {}", t.id, t.relationship, t.strength);
        }
        ws.write_string(r, 9, targets)?;
        ws.write_string(r, 10, detail)?;
        let candidates: Vec<String> =
            x.candidates.iter().map(|c| format!("{} {} ({:.2})", c.id, c.title, c.score)).collect();
        ws.write_string(r, 11, candidates.join("\n"))?;
        let mut notes = x.notes.clone();
        if row.effect == Effect::Nothing && !row.targets.is_empty() {
            notes.push("planned, not implemented, excluded or status unknown: counts for no coverage".into());
        }
        ws.write_string(r, 12, fit(&notes.join("\n")))?;
        ws.write_string(r, 13, x.reference.as_deref().unwrap_or(""))?;
        ws.write_string(r, 14, fit(x.text.as_deref().unwrap_or("")))?;
    }
    finish(ws, r, headers.len() as u16)
}

fn by_target_sheet(ws: &mut Worksheet, out: &Output, report: &ReportData, st: &Styles) -> Result<(), XlsxError> {
    let to_iso = out.crosswalk.to == Framework::Iso2022;
    ws.set_name(if to_iso { "By control" } else { "By criterion" })?;
    let source_word = if to_iso { "SOC 2 criteria from this input" } else { "ISO controls from this input" };
    let headers = [
        (if to_iso { "Control" } else { "Criterion" }, 11.0),
        (if to_iso { "Theme" } else { "Category" }, 18.0),
        ("Title", 36.0),
        ("Coverage", 12.0),
        (source_word, 22.0),
        ("How they map", 44.0),
        ("Not counted (planned, not implemented, excluded, unknown)", 24.0),
        ("Input rows", 12.0),
        ("Why", 50.0),
        (if to_iso { "" } else { "What the auditor will still sample" }, 50.0),
    ];
    let headers = if to_iso { &headers[..headers.len() - 1] } else { &headers[..] };
    header_row(ws, st, headers)?;
    let mut r = 0u32;
    for (c, words) in out.crosswalk.coverage.iter().zip(&report.criteria) {
        r += 1;
        ws.write_string(r, 0, c.id.as_str())?;
        ws.write_string(r, 1, &c.category)?;
        ws.write_string(r, 2, &c.title)?;
        ws.write_string_with_format(r, 3, c.status.as_str(), st.status(c.status))?;
        ws.write_string(r, 4, fit(&ids(&c.by)))?;
        let how: Vec<String> = c
            .contributions
            .iter()
            .filter(|x| x.effect != Effect::Nothing)
            .map(|x| {
                let extent = if x.full { "full" } else { "partial" };
                format!("{}: {}, strength {} ({extent})", x.id, x.relationship, x.strength)
            })
            .collect();
        ws.write_string(r, 5, fit(&how.join("\n")))?;
        let excluded: Vec<String> =
            c.contributions.iter().filter(|x| x.effect == Effect::Nothing).map(|x| x.id.to_string()).collect();
        ws.write_string(r, 6, fit(&excluded.join("\n")))?;
        let mut rows: Vec<usize> = c.contributions.iter().flat_map(|x| x.rows.iter().copied()).collect();
        rows.sort_unstable();
        rows.dedup();
        let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
        ws.write_string(r, 7, fit(&rows.join(", ")))?;
        ws.write_string(r, 8, fit(&words.reason))?;
        if !to_iso {
            ws.write_string(r, 9, fit(&words.beyond_iso))?;
        }
    }
    finish(ws, r, headers.len() as u16)
}

/// Counts per category, then the in-scope total the other outputs print, the scope, and whether the status was
/// given.
fn coverage_sheet(ws: &mut Worksheet, out: &Output, report: &ReportData, st: &Styles) -> Result<(), XlsxError> {
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
        ws.write_string(r, 0, &category)?;
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
    ws.write_string_with_format(r, 0, "Total in scope", &st.header)?;
    ws.write_string(r, 1, "yes")?;
    for (i, n) in [t.in_scope() + t.out_of_scope, t.covered, t.partial, t.gap, t.out_of_scope].iter().enumerate() {
        ws.write_number(r, 2 + i as u16, *n as f64)?;
    }
    if t.in_scope() > 0 {
        ws.write_number_with_format(r, 7, t.covered as f64 / t.in_scope() as f64, &pct)?;
        ws.write_number_with_format(r, 8, (t.covered + t.partial) as f64 / t.in_scope() as f64, &pct)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "Counted", &st.header)?;
    ws.write_string(r, 1, &report.summary.headline)?;
    r += 1;
    ws.write_string_with_format(r, 0, "Status", &st.header)?;
    let status = if out.crosswalk.status_given {
        "from the input's status column: implemented counts, partly implemented gives partial, planned, not implemented, excluded and unknown count for nothing"
    } else {
        "status not given, assumed implemented: the input has no status column"
    };
    ws.write_string(r, 1, status)?;
    finish(ws, filtered, headers.len() as u16)
}

fn issues_sheet(ws: &mut Worksheet, out: &Output, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Issues")?;
    let headers = [("Severity", 10.0), ("Where", 48.0), ("Message", 80.0)];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for issue in out.issues {
        r += 1;
        ws.write_string(r, 0, issue.severity.to_string())?;
        ws.write_string(r, 1, issue.at.to_string())?;
        ws.write_string(r, 2, fit(&issue.message))?;
    }
    finish(ws, r, headers.len() as u16)
}

fn about_sheet(ws: &mut Worksheet, out: &Output, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("About")?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 80)?;
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
    for (r, (k, v)) in lines.iter().enumerate() {
        ws.write_string_with_format(r as u32, 0, *k, &st.header)?;
        ws.write_string(r as u32, 1, v)?;
    }
    Ok(())
}

/// Excel holds at most 32,767 characters in a cell: longer text is cut there, saying so.
pub(crate) fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 32_767;
    if s.len() <= MAX || s.chars().count() <= MAX {
        return std::borrow::Cow::Borrowed(s);
    }
    let note = " … (cut at Excel's cell limit; the JSON output has it all)";
    let kept: String = s.chars().take(MAX - note.chars().count()).collect();
    std::borrow::Cow::Owned(kept + note)
}

fn ids(ids: &[crate::ids::ControlId]) -> String {
    ids.iter().map(|i| i.as_str()).collect::<Vec<_>>().join("\n")
}

/// One line per target element and input control whose evidence can be reused, with the client's columns.
fn reuse_sheet(ws: &mut Worksheet, report: &ReportData, st: &Styles) -> Result<(), XlsxError> {
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
    let mut r = 0u32;
    for c in report.criteria.iter().filter(|c| c.in_scope) {
        for x in &c.reuse {
            r += 1;
            let status = match c.status.as_str() {
                "covered" => CoverageStatus::Covered,
                "partial" => CoverageStatus::Partial,
                _ => CoverageStatus::Gap,
            };
            ws.write_string(r, 0, &c.id)?;
            ws.write_string(r, 1, &c.category)?;
            ws.write_string_with_format(r, 2, &c.status, st.status(status))?;
            ws.write_string(r, 3, &x.label)?;
            ws.write_string(r, 4, fit(&x.title))?;
            ws.write_string(r, 5, &x.relationship)?;
            ws.write_number(r, 6, f64::from(x.strength))?;
            ws.write_string(r, 7, &x.extent)?;
            ws.write_string(r, 8, &x.status)?;
            ws.write_string(r, 9, fit(&x.owner))?;
            ws.write_string(r, 10, fit(&x.evidence))?;
            ws.write_string(r, 11, &x.frequency)?;
            let rows: Vec<String> = x.rows.iter().map(usize::to_string).collect();
            ws.write_string(r, 12, fit(&rows.join(", ")))?;
            ws.write_string(r, 13, x.role.as_str())?;
        }
    }
    finish(ws, r, headers.len() as u16)
}

/// In-scope target elements of one status (`Gaps`, `Partial`), and what is missing.
fn gaps_sheet(ws: &mut Worksheet, report: &ReportData, name: &str, gaps: &[Gap], st: &Styles) -> Result<(), XlsxError> {
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
    ];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for g in gaps {
        r += 1;
        let status = if g.status == "partial" { CoverageStatus::Partial } else { CoverageStatus::Gap };
        let mut what = if iso_in { g.beyond_iso.clone() } else { g.description.clone() };
        if g.no_counterpart {
            what.push_str(" (no SOC 2 criterion maps to this control)");
        }
        ws.write_string(r, 0, &g.id)?;
        ws.write_string(r, 1, &g.category)?;
        ws.write_string(r, 2, &g.title)?;
        ws.write_string_with_format(r, 3, &g.status, st.status(status))?;
        ws.write_string(r, 4, what.trim())?;
        ws.write_string(r, 5, fit(&g.partial_by.join("\n")))?;
        ws.write_string(r, 6, fit(&g.excluded_by.join("\n")))?;
        ws.write_string(r, 7, fit(&g.reason))?;
        ws.write_string(r, 8, fit(&g.would_cover.join("\n")))?;
    }
    finish(ws, r, headers.len() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_longer_than_a_cell_is_cut_with_a_note() {
        assert_eq!(fit("1, 2"), "1, 2");
        let long = "1, ".repeat(20_000);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), 32_767);
        assert!(cut.ends_with(" … (cut at Excel's cell limit; the JSON output has it all)"));
    }
}

//! The crosswalk workbook a consultant hands over and works in: `Summary`, `Crosswalk` (with the review decision
//! columns, docs/review.md), `By criterion`, `Coverage`, `Reuse`, `Gaps`, `Partial`, `Issues`, `About`, and a hidden
//! `Lists` sheet behind the dropdowns. Client text is always written as a string, never as a formula. The creation
//! date is fixed so the same input gives the same bytes. Every sheet prints landscape on A4, one page wide, its
//! header row repeated.

use std::fmt::Write as _;

use rust_xlsxwriter::{
    Color, ConditionalFormatDataBar, ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet, XlsxError,
};

use super::context::{Gap, ReportData};
use super::Output;
use crate::catalog::Catalogs;
use crate::crosswalk::{counts_by_category, CoverageStatus, Effect};
use crate::ids::Framework;
use crate::import::Review;
use crate::review::{Decision, RowKey, COMMENT, DECISION, REPLACE_WITH, ROW_KEY};

/// Fills of coverage status (covered, partial, gap, out of scope) and of rows to review.
const STATUS_FILLS: [(&str, u32); 4] =
    [("covered", 0xC6EFCE), ("partial", 0xFFEB9C), ("gap", 0xFFC7CE), ("out-of-scope", 0xEDEDED)];
const REVIEW_FILL: u32 = 0xFCE4D6;
/// A4 in Excel's paper sizes.
const A4: u8 = 9;
/// The hidden sheet holding the lists behind the dropdowns.
const LISTS: &str = "Lists";

/// Styles shared by all sheets (and by the `plan` workbooks).
pub(crate) struct Styles {
    pub(crate) header: Format,
    /// A key in a key/value sheet (`About`, `Summary`): bold, no fill.
    key: Format,
    /// A sheet's title on `Summary`.
    title: Format,
    /// The workbook's default (every cell written without a format): Calibri 10, top-aligned, wrapped.
    pub(crate) base: Format,
    pub(crate) number: Format,
    /// Static fills of coverage status, in the order of `STATUS_FILLS`, for sheets without conditional formats.
    status: [Format; 4],
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_font_name("Calibri").set_font_size(10).set_align(FormatAlign::Top).set_text_wrap();
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F3864))
                .set_border_bottom(FormatBorder::Thin),
            key: base.clone().set_bold(),
            title: base.clone().set_bold().set_font_size(14),
            number: base.clone().set_num_format("0.00"),
            status: STATUS_FILLS.map(|(_, c)| base.clone().set_background_color(Color::RGB(c))),
            base,
        }
    }

    /// The fill of a coverage status.
    pub(crate) fn status(&self, s: CoverageStatus) -> &Format {
        let i = match s {
            CoverageStatus::Covered => 0,
            CoverageStatus::Partial => 1,
            CoverageStatus::Gap => 2,
            CoverageStatus::OutOfScope => 3,
        };
        &self.status[i]
    }
}

/// Builds the workbook in memory.
pub fn render(out: &Output, catalogs: &Catalogs, report: &ReportData) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, st) = start("crosswalk: ISO/IEC 27001 and SOC 2")?;
    summary_sheet(wb.add_worksheet(), report, &st)?;
    let lists = catalog_ids(out, catalogs);
    crosswalk_sheet(wb.add_worksheet_with_constant_memory()?, out, catalogs, &st, lists.len())?;
    // Sheets that grow with the input are written row by row in constant-memory mode (strings inline, no table).
    by_target_sheet(wb.add_worksheet_with_constant_memory()?, out, report, &st)?;
    coverage_sheet(wb.add_worksheet(), out, report, &st)?;
    reuse_sheet(wb.add_worksheet(), report, &st)?;
    gaps_sheet(wb.add_worksheet(), report, "Gaps", &report.gaps, &st)?;
    gaps_sheet(wb.add_worksheet(), report, "Partial", &report.partial, &st)?;
    issues_sheet(wb.add_worksheet_with_constant_memory()?, out, &st)?;
    about_sheet(wb.add_worksheet(), out, &st)?;
    lists_sheet(wb.add_worksheet(), &lists)?;
    let file = out.input.path.rsplit(['/', '\\']).next().unwrap_or(&out.input.path).to_string();
    for ws in wb.worksheets_mut() {
        print_setup(ws, &file);
    }
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

/// Landscape A4, one page wide, the first row repeated on every page (sheets with a header row), and a footer with
/// the input's file name, the sheet and the page.
fn print_setup(ws: &mut Worksheet, file: &str) {
    ws.set_landscape().set_paper_size(A4).set_print_fit_to_pages(1, 0);
    if !matches!(ws.name().as_str(), "Summary" | "About") {
        // Cannot fail: row 0 is always in range.
        let _ = ws.set_repeat_rows(0, 0);
    }
    // `&` starts a field in a header or footer: a file name's own `&` is doubled.
    let file = file.replace('&', "&&");
    ws.set_footer(format!("&L{file}: &A&RPage &P of &N"));
}

/// Catalog ids a row of this input may be replaced with: ISO 27001:2022 controls and clauses, or TSC criteria.
fn catalog_ids(out: &Output, catalogs: &Catalogs) -> Vec<String> {
    let ids: Vec<&crate::ids::ControlId> = if out.input.framework == Framework::Tsc2017 {
        catalogs.tsc.entries.iter().map(|e| &e.id).collect()
    } else {
        catalogs.annex_controls().chain(catalogs.assessable_clauses()).map(|e| &e.id).collect()
    };
    let mut ids: Vec<&crate::ids::ControlId> = ids;
    ids.sort_by_key(|id| id.sort_key());
    ids.into_iter().map(|id| id.to_string()).collect()
}

/// The dropdown lists: decisions, and the catalog ids for `Replace with`. Hidden: it is not for reading.
fn lists_sheet(ws: &mut Worksheet, ids: &[String]) -> Result<(), XlsxError> {
    ws.set_name(LISTS)?;
    ws.write_string(0, 0, "Catalog ids")?;
    for (i, id) in ids.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, id)?;
    }
    ws.set_hidden(true);
    Ok(())
}

/// Lines a text takes in a wrapped cell `width` characters wide (Excel's width unit is about one Calibri 11 digit;
/// Calibri 10 fits a little more).
fn lines(text: &str, width: f64) -> usize {
    let per_line = (width * 1.1).max(1.0);
    text.split('\n').map(|l| ((l.chars().count() as f64) / per_line).ceil().max(1.0) as usize).sum()
}

/// Sets row `r`'s height so that every line of its tallest cell shows (Excel does not grow rows written by a
/// program, and LibreOffice keeps the default height of a row it is told the height of).
fn fit_row(ws: &mut Worksheet, r: u32, cells: &[(&str, f64)]) -> Result<(), XlsxError> {
    let n = cells.iter().map(|(t, w)| lines(t, *w)).max().unwrap_or(1);
    if n > 1 {
        // Calibri 10 lines are 13 points apart; Excel allows rows up to 409 points.
        ws.set_row_height(r, (13.0 * n as f64 + 2.0).min(409.0))?;
    }
    Ok(())
}

/// Colours a coverage status column by its value, so a status the reader edits takes its colour too.
fn colour_status(ws: &mut Worksheet, col: u16, rows: u32) -> Result<(), XlsxError> {
    if rows == 0 {
        return Ok(());
    }
    let letter = crate::issue::column_letter(col as usize);
    for (status, fill) in STATUS_FILLS {
        let cf = ConditionalFormatFormula::new()
            .set_rule(format!("=${letter}2=\"{status}\"").as_str())
            .set_format(Format::new().set_background_color(Color::RGB(fill)));
        ws.add_conditional_format(1, col, rows, col, &cf)?;
    }
    Ok(())
}

/// The first page: what was read, the coverage counts exactly as the other outputs give them, rows to review, the
/// top gaps, and links to every sheet.
fn summary_sheet(ws: &mut Worksheet, report: &ReportData, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 14)?;
    for c in 2..=6 {
        ws.set_column_width(c, 11)?;
    }
    ws.set_column_width(7, 30)?;
    let s = &report.summary;
    ws.write_string_with_format(0, 0, "Crosswalk summary", &st.title)?;
    ws.set_row_height(0, 20)?;
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
    r += 1;
    let first = r;
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
    ws.write_string_with_format(r, 0, "Total in scope", &st.key)?;
    ws.write_number_with_format(r, 1, f64::from(s.covered_pct) / 100.0, &pct)?;
    for (i, n) in [s.covered, s.partial, s.gap, s.in_scope, s.out_of_scope].iter().enumerate() {
        ws.write_number(r, 2 + i as u16, *n as f64)?;
    }
    let bar = ConditionalFormatDataBar::new()
        .set_fill_color(Color::RGB(0x63BE7B))
        .set_minimum(rust_xlsxwriter::ConditionalFormatType::Number, 0)
        .set_maximum(rust_xlsxwriter::ConditionalFormatType::Number, 1);
    ws.add_conditional_format(first + 1, 1, r, 1, &bar)?;
    r += 2;
    let gaps: Vec<&Gap> = report.gaps.iter().take(10).collect();
    if !gaps.is_empty() {
        let what = if report.direction == "iso-to-soc2" { "criteria" } else { "ISO elements" };
        let title = format!(
            "Top gaps ({} of {} {what} with no coverage; all on the Gaps sheet)",
            gaps.len(),
            report.gaps.len()
        );
        ws.merge_range(r, 0, r, 7, &title, &st.key)?;
        for g in gaps {
            r += 1;
            let url = Url::new(format!(
                "internal:'Gaps'!A{}",
                report.gaps.iter().position(|x| x.id == g.id).unwrap_or(0) + 2
            ))
            .set_text(&g.id);
            ws.write_url(r, 0, &url)?;
            ws.merge_range(r, 1, r, 7, &g.title, &st.base)?;
        }
        r += 2;
    }
    ws.write_string_with_format(r, 0, "Sheets", &st.key)?;
    let sheets: [(&str, &str); 8] = [
        ("Crosswalk", "every input row, its match and targets; decide on rows to review here (docs/review.md)"),
        (
            if report.direction == "iso-to-soc2" { "By criterion" } else { "By control" },
            "every target element, its coverage and why",
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
    ws.set_active(true);
    Ok(())
}

pub(crate) fn header_row(ws: &mut Worksheet, st: &Styles, headers: &[(&str, f64)]) -> Result<(), XlsxError> {
    // Bold headers are a little wider than plain text.
    let bold: Vec<(&str, f64)> = headers.iter().map(|(h, w)| (*h, w * 0.9)).collect();
    fit_row(ws, 0, &bold)?;
    for (i, (h, width)) in headers.iter().enumerate() {
        ws.set_column_width(i as u16, *width)?;
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub(crate) fn finish(ws: &mut Worksheet, rows: u32, cols: u16) -> Result<(), XlsxError> {
    if rows > 0 {
        ws.autofilter(0, 0, rows, cols - 1)?;
    }
    Ok(())
}

/// One row per input row; the last four columns are the reviewer's: `Decision` (a dropdown, `accept` prefilled on
/// rows matched with confidence), `Replace with` (a dropdown of catalog ids), `Comment`, and the hidden `Row key`
/// that `review apply` reads the decisions back by.
fn crosswalk_sheet(
    ws: &mut Worksheet,
    out: &Output,
    catalogs: &Catalogs,
    st: &Styles,
    list_len: usize,
) -> Result<(), XlsxError> {
    ws.set_name("Crosswalk")?;
    let to_word = if out.crosswalk.to == Framework::Iso2022 { "ISO 27001:2022 controls" } else { "SOC 2 criteria" };
    let headers = [
        ("Row", 6.0),
        ("Id as written", 14.0),
        ("Canonical id", 12.0),
        ("Title", 32.0),
        ("Applicable", 10.0),
        ("Status", 14.0),
        ("Matched by", 11.0),
        ("Score", 7.0),
        ("Review", 13.0),
        (to_word, 16.0),
        ("Relationship and strength", 28.0),
        ("Candidates for review", 28.0),
        ("Notes", 32.0),
        ("Client reference", 14.0),
        ("Client text", 40.0),
        (DECISION, 10.0),
        (REPLACE_WITH, 12.0),
        (COMMENT, 24.0),
        (ROW_KEY, 20.0),
    ];
    const C_DECISION: u16 = 15;
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for row in &out.crosswalk.rows {
        r += 1;
        let x = &row.row;
        let catalog_title = x.ids.first().and_then(|id| catalogs.find(id.as_str())).map(|e| e.title.clone());
        let title = x.title.clone().or_else(|| x.text.clone()).or(catalog_title).unwrap_or_default();
        let applicable = match x.applicable {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        let status = x.status.map(|s| s.as_str()).or(x.status_text.as_deref()).unwrap_or("");
        let review = if x.review == Review::Auto { "auto" } else { "needs-review" };
        let (mut targets, mut detail) = (String::new(), String::new());
        for (i, t) in row.targets.iter().enumerate() {
            let sep = if i == 0 { "" } else { "\n" };
            targets.push_str(sep);
            targets.push_str(t.id.as_str());
            let _ = write!(detail, "{sep}{}: {}, strength {}", t.id, t.relationship, t.strength);
        }
        let candidates: Vec<String> =
            x.candidates.iter().map(|c| format!("{} {} ({:.2})", c.id, c.title, c.score)).collect();
        let candidates = candidates.join("\n");
        let mut notes = x.notes.clone();
        if row.effect == Effect::Nothing && !row.targets.is_empty() {
            notes.push("planned, not implemented, excluded or status unknown: counts for no coverage".into());
        }
        let notes = notes.join("\n");
        let ids = ids(&x.ids);
        let text = x.text.as_deref().unwrap_or("");
        let (title, notes, text) = (fit(&title), fit(&notes), fit(text));
        // In constant-memory mode a row's height must be known before its cells are written.
        fit_row(
            ws,
            r,
            &[
                (&ids, headers[2].1),
                (&title, headers[3].1),
                (&targets, headers[9].1),
                (&detail, headers[10].1),
                (&candidates, headers[11].1),
                (&notes, headers[12].1),
                (&text, headers[14].1),
            ],
        )?;
        ws.write_number(r, 0, x.row as f64)?;
        ws.write_string(r, 1, x.raw_id.as_deref().unwrap_or(""))?;
        ws.write_string(r, 2, &ids)?;
        ws.write_string(r, 3, title.as_ref())?;
        ws.write_string(r, 4, applicable)?;
        ws.write_string(r, 5, status)?;
        ws.write_string(r, 6, x.matched_by.as_str())?;
        ws.write_number_with_format(r, 7, x.score, &st.number)?;
        ws.write_string(r, 8, review)?;
        ws.write_string(r, 9, targets)?;
        ws.write_string(r, 10, detail)?;
        ws.write_string(r, 11, candidates)?;
        ws.write_string(r, 12, notes.as_ref())?;
        ws.write_string(r, 13, x.reference.as_deref().unwrap_or(""))?;
        ws.write_string(r, 14, text.as_ref())?;
        if x.review == Review::Auto {
            ws.write_string(r, C_DECISION, Decision::Accept.as_str())?;
        }
        ws.write_string(r, 18, RowKey::of(x).to_cell())?;
    }
    ws.set_column_hidden(18)?;
    if r > 0 {
        review_rules(ws, r, list_len)?;
    }
    finish(ws, r, headers.len() as u16)
}

/// The dropdowns of the decision columns and the colours of rows to review and of decisions.
fn review_rules(ws: &mut Worksheet, rows: u32, list_len: usize) -> Result<(), XlsxError> {
    let decision = DataValidation::new()
        .allow_list_strings(&Decision::ALL)?
        .set_error_title("Decision")?
        .set_error_message("Choose accept, reject or replace.")?;
    ws.add_data_validation(1, 15, rows, 15, &decision)?;
    let ids = DataValidation::new()
        .allow_list_formula(Formula::new(format!("={LISTS}!$A$2:$A${}", list_len + 1)))
        .set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("Replace with")?
        .set_error_message("Choose an id from the list: a control, clause or criterion of the catalog.")?;
    ws.add_data_validation(1, 16, rows, 16, &ids)?;
    let fill = |c: u32| Format::new().set_background_color(Color::RGB(c));
    let review = ConditionalFormatFormula::new().set_rule("=$I2=\"needs-review\"").set_format(fill(REVIEW_FILL));
    ws.add_conditional_format(1, 0, rows, 17, &review)?;
    let rejected = ConditionalFormatFormula::new().set_rule("=$P2=\"reject\"").set_format(fill(0xFFC7CE));
    ws.add_conditional_format(1, 15, rows, 17, &rejected)?;
    let replaced = ConditionalFormatFormula::new().set_rule("=$P2=\"replace\"").set_format(fill(0xDDEBF7));
    ws.add_conditional_format(1, 15, rows, 17, &replaced)?;
    Ok(())
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
        let how: Vec<String> = c
            .contributions
            .iter()
            .filter(|x| x.effect != Effect::Nothing)
            .map(|x| {
                let extent = if x.full { "full" } else { "partial" };
                format!("{}: {}, strength {} ({extent})", x.id, x.relationship, x.strength)
            })
            .collect();
        let how = how.join("\n");
        let excluded: Vec<String> =
            c.contributions.iter().filter(|x| x.effect == Effect::Nothing).map(|x| x.id.to_string()).collect();
        let excluded = excluded.join("\n");
        let mut rows: Vec<usize> = c.contributions.iter().flat_map(|x| x.rows.iter().copied()).collect();
        rows.sort_unstable();
        rows.dedup();
        let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
        let rows = rows.join(", ");
        let by = ids(&c.by);
        let category = crate::report::context::category_label(&c.category);
        let (by, how, excluded, rows, reason) = (fit(&by), fit(&how), fit(&excluded), fit(&rows), fit(&words.reason));
        let beyond = if to_iso { fit("") } else { fit(&words.beyond_iso) };
        fit_row(
            ws,
            r,
            &[
                (&category, 18.0),
                (&c.title, 36.0),
                (&by, 22.0),
                (&how, 44.0),
                (&excluded, 24.0),
                (&rows, 12.0),
                (&reason, 50.0),
                (&beyond, 50.0),
            ],
        )?;
        ws.write_string(r, 0, c.id.as_str())?;
        ws.write_string(r, 1, &category)?;
        ws.write_string(r, 2, &c.title)?;
        ws.write_string(r, 3, c.status.as_str())?;
        ws.write_string(r, 4, by.as_ref())?;
        ws.write_string(r, 5, how.as_ref())?;
        ws.write_string(r, 6, excluded.as_ref())?;
        ws.write_string(r, 7, rows.as_ref())?;
        ws.write_string(r, 8, reason.as_ref())?;
        if !to_iso {
            ws.write_string(r, 9, beyond.as_ref())?;
        }
    }
    colour_status(ws, 3, r)?;
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
    ws.write_string_with_format(r, 0, "Total in scope", &st.key)?;
    ws.write_string(r, 1, "yes")?;
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
        ws.write_string_with_format(r as u32, 0, *k, &st.key)?;
        ws.write_string(r as u32, 1, v)?;
        fit_row(ws, r as u32, &[(v, 80.0)])?;
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
            let category = crate::report::context::category_label(&c.category);
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
            let rows: Vec<String> = x.rows.iter().map(usize::to_string).collect();
            ws.write_string(r, 12, fit(&rows.join(", ")))?;
            ws.write_string(r, 13, x.role.as_str())?;
        }
    }
    colour_status(ws, 2, r)?;
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
        let mut what = if iso_in { g.beyond_iso.clone() } else { g.description.clone() };
        if g.no_counterpart {
            what.push_str(" (no SOC 2 criterion maps to this control)");
        }
        let category = crate::report::context::category_label(&g.category);
        let (partial_by, excluded_by, would) =
            (g.partial_by.join("\n"), g.excluded_by.join("\n"), g.would_cover.join("\n"));
        let (partial_by, excluded_by, reason, would) =
            (fit(&partial_by), fit(&excluded_by), fit(&g.reason), fit(&would));
        fit_row(
            ws,
            r,
            &[
                (&category, 16.0),
                (&g.title, 30.0),
                (what.trim(), 60.0),
                (&partial_by, 22.0),
                (&excluded_by, 22.0),
                (&reason, 50.0),
                (&would, 24.0),
            ],
        )?;
        ws.write_string(r, 0, &g.id)?;
        ws.write_string(r, 1, &category)?;
        ws.write_string(r, 2, &g.title)?;
        ws.write_string(r, 3, &g.status)?;
        ws.write_string(r, 4, what.trim())?;
        ws.write_string(r, 5, partial_by.as_ref())?;
        ws.write_string(r, 6, excluded_by.as_ref())?;
        ws.write_string(r, 7, reason.as_ref())?;
        ws.write_string(r, 8, would.as_ref())?;
    }
    colour_status(ws, 3, r)?;
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

//! The crosswalk workbook a consultant hands over and works in: `Summary`, `Crosswalk` (with the review decision
//! columns, docs/review.md), `Mapping` (one line per row and target), `By criterion` (with the columns for pairs the
//! reviewer adds), `Coverage`, `Reuse`, `Gaps`, `Partial`, `Issues`, `About`, and a hidden `Lists` sheet behind the
//! dropdowns. Client text is always written as a string, never as a formula. The creation date is fixed so the same
//! input gives the same bytes. Every sheet prints landscape on A4, one page wide, its header row repeated; lists of
//! input rows link to their lines on `Crosswalk`.

// Colours are RGB hex, six digits as a designer writes them; separators would only hide the channels.
#![allow(clippy::unreadable_literal)]
mod crosswalk;
mod summary;
mod targets;

pub(crate) use summary::key_values;

use std::collections::HashMap;

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline,
    Url, Workbook, Worksheet, XlsxError,
};

use super::context::ReportData;
use super::Output;
use crate::catalog::Catalogs;
use crate::crosswalk::CoverageStatus;
use crate::ids::Framework;

/// Fills of coverage status (covered, partial, gap, out of scope) and of rows to review.
const STATUS_FILLS: [(&str, u32); 4] =
    [("covered", 0xC6EFCE), ("partial", 0xFFEB9C), ("gap", 0xFFC7CE), ("out-of-scope", 0xEDEDED)];
const REVIEW_FILL: u32 = 0xFCE4D6;
/// A4 in Excel's paper sizes.
const A4: u8 = 9;
/// The hidden sheet holding the lists behind the dropdowns.
const LISTS: &str = "Lists";
/// Excel keeps at most this many links on a sheet: later lists of input rows are plain text.
const MAX_LINKS: usize = 65_530;

/// Styles shared by all sheets (and by the `plan` workbooks).
pub(crate) struct Styles {
    pub(crate) header: Format,
    /// A key in a key/value sheet (`About`, `Summary`): bold, no fill.
    pub(crate) key: Format,
    /// A sheet's title on `Summary`.
    title: Format,
    /// The workbook's default (every cell written without a format): Calibri 10, top-aligned, wrapped.
    pub(crate) base: Format,
    pub(crate) number: Format,
    /// A link: the base style, blue and underlined (wrapped like any cell).
    link: Format,
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
            link: base.clone().set_font_color(Color::RGB(0x0563C1)).set_underline(FormatUnderline::Single),
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
    let links = RowLinks::new(out);
    summary::summary_sheet(wb.add_worksheet(), report, &st)?;
    let lists = catalog_ids(out, catalogs);
    crosswalk::crosswalk_sheet(wb.add_worksheet_with_constant_memory()?, out, catalogs, &st, lists.len())?;
    // Low-memory mode: streamed like the others, but the rationales, repeated on many lines, are stored once.
    crosswalk::mapping_sheet(wb.add_worksheet_with_low_memory()?, out, catalogs, &st)?;
    // Sheets that grow with the input are written row by row in constant-memory mode (strings inline, no table).
    targets::by_target_sheet(wb.add_worksheet_with_constant_memory()?, out, report, &st, &links)?;
    summary::coverage_sheet(wb.add_worksheet(), out, report, &st)?;
    targets::reuse_sheet(wb.add_worksheet(), report, &st, &links)?;
    targets::gaps_sheet(wb.add_worksheet(), out, report, ("Gaps", &report.gaps), &st, &links)?;
    targets::gaps_sheet(wb.add_worksheet(), out, report, ("Partial", &report.partial), &st, &links)?;
    crosswalk::issues_sheet(wb.add_worksheet_with_constant_memory()?, out, &st)?;
    summary::about_sheet(wb.add_worksheet(), out, &st)?;
    lists_sheet(wb.add_worksheet(), &lists)?;
    print_all(&mut wb, &out.input.path);
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

/// Print setup on every sheet of a workbook, its footer naming the input file `path`.
pub(crate) fn print_all(wb: &mut Workbook, path: &str) {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path).to_string();
    for ws in wb.worksheets_mut() {
        print_setup(ws, &file);
    }
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
    ids.into_iter().map(std::string::ToString::to_string).collect()
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
pub(crate) fn lines(text: &str, width: f64) -> usize {
    let per_line = (width * 1.1).max(1.0);
    text.split('\n').map(|l| ((l.chars().count() as f64) / per_line).ceil().max(1.0) as usize).sum()
}

/// Sets row `r`'s height so that every line of its tallest cell shows (Excel does not grow rows written by a
/// program, and LibreOffice keeps the default height of a row it is told the height of).
pub(crate) fn fit_row(ws: &mut Worksheet, r: u32, cells: &[(&str, f64)]) -> Result<(), XlsxError> {
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
    ids.iter().map(super::super::ids::ControlId::as_str).collect::<Vec<_>>().join("\n")
}

/// Where each input row is on the `Crosswalk` sheet, so that lists of input rows elsewhere link to it.
struct RowLinks {
    /// Input row number -> the sheet row (0-based) of its first line on `Crosswalk`.
    at: HashMap<usize, u32>,
}

impl RowLinks {
    fn new(out: &Output) -> RowLinks {
        let mut at = HashMap::with_capacity(out.crosswalk.rows.len());
        for (i, row) in out.crosswalk.rows.iter().enumerate() {
            at.entry(row.row.row).or_insert(i as u32 + 1);
        }
        RowLinks { at }
    }

    /// The links of one sheet (Excel keeps a limited number per sheet).
    fn sheet<'a>(&'a self, st: &'a Styles) -> SheetLinks<'a> {
        SheetLinks { at: &self.at, left: MAX_LINKS, format: &st.link }
    }
}

struct SheetLinks<'a> {
    at: &'a HashMap<usize, u32>,
    left: usize,
    format: &'a Format,
}

impl SheetLinks<'_> {
    /// Writes a list of input rows (`3, 7, 12`, in the order given) as a link to the first one's line on
    /// `Crosswalk`; plain text when there is no row or no link left.
    fn write(&mut self, ws: &mut Worksheet, r: u32, c: u16, rows: &[usize]) -> Result<(), XlsxError> {
        let text: Vec<String> = rows.iter().map(usize::to_string).collect();
        let text = text.join(", ");
        let text = fit(&text);
        match rows.first().and_then(|n| self.at.get(n)) {
            Some(line) if self.left > 0 => {
                self.left -= 1;
                let url = Url::new(format!("internal:'Crosswalk'!A{}", line + 1))
                    .set_text(text.as_ref())
                    .set_tip(format!("input row {} on the Crosswalk sheet", rows[0]));
                ws.write_url_with_format(r, c, &url, self.format)?;
            }
            _ => {
                ws.write_string(r, c, text.as_ref())?;
            }
        }
        Ok(())
    }
}

/// Rows of the given contributions, in their order (each row once, at its first place): the order of the ids
/// listed beside them.
fn rows_in_order<'a>(contributions: impl IntoIterator<Item = &'a crate::crosswalk::Contribution>) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for c in contributions {
        let mut own = c.rows.clone();
        own.sort_unstable();
        rows.extend(own.into_iter().filter(|r| seen.insert(*r)));
    }
    rows
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

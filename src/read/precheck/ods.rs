//! ods: content.xml read element by element, repeated rows and columns counted as calamine will write them out,
//! and a file cut short inside an element refused.

use quick_xml::events::{BytesStart, Event};

use super::{attr, declares};
use crate::read::ReadError;

/// calamine's own caps on an ods sheet.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;
/// Deepest nesting of XML elements accepted.
const MAX_DEPTH: usize = 10_000;

fn count(e: &BytesStart<'_>, name: &str) -> u64 {
    attr(e, name).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(1)
}

/// One sheet of content.xml as calamine will lay it out.
#[derive(Default)]
struct OdsTable {
    name: String,
    /// Rows so far, counting repeats (capped as calamine caps them).
    rows: u64,
    /// Cells calamine keeps before laying the sheet out (each row once, its repeated cells written out).
    kept: u64,
    /// Rows before the first row with a value, and up to the last one (counting repeats).
    first_row: Option<u64>,
    last_row: u64,
    first_col: u64,
    last_col: u64,
    /// Bytes of text once rows and cells are repeated.
    text: u64,
}

/// One row being read.
#[derive(Default)]
struct OdsRow {
    repeats: u64,
    /// Cells written so far, and empty ones waiting (calamine writes those only when a value follows).
    written: u64,
    waiting: u64,
    first: Option<u64>,
    last: u64,
    text: u64,
}

/// One cell being read.
struct OdsCell {
    repeats: u64,
    value: bool,
    text: u64,
}

/// Refuses an ods whose content.xml is cut short inside an element, or whose repeated rows and columns would
/// make calamine write out more cells or text than a workbook may hold.
pub fn ods(file: &str, content: &[u8], max_cells: usize, max_text: u64) -> Result<(), ReadError> {
    let mut reader = quick_xml::Reader::from_reader(content);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut scan = OdsScan::new(file, max_cells, max_text);
    loop {
        let event = reader.read_event().map_err(|e| scan.corrupt(format!("content.xml: {e}")))?;
        match event {
            Event::Start(e) => scan.start(&e, false)?,
            Event::Empty(e) => scan.start(&e, true)?,
            Event::End(e) => scan.end(e.name().as_ref())?,
            Event::Text(t) => {
                if let Some(c) = &mut scan.cell {
                    c.text = c.text.saturating_add(t.len() as u64);
                }
            }
            Event::Eof => return scan.finish(),
            _ => {}
        }
    }
}

/// What [`ods`] has read so far: the open elements, the table, row and cell being read, and the totals.
struct OdsScan<'f> {
    file: &'f str,
    max_cells: usize,
    max_text: u64,
    open: Vec<String>,
    table: Option<OdsTable>,
    row: Option<OdsRow>,
    cell: Option<OdsCell>,
    cells: u64,
    text: u64,
}

impl<'f> OdsScan<'f> {
    fn new(file: &'f str, max_cells: usize, max_text: u64) -> OdsScan<'f> {
        OdsScan { file, max_cells, max_text, open: Vec::new(), table: None, row: None, cell: None, cells: 0, text: 0 }
    }

    fn corrupt(&self, detail: String) -> ReadError {
        ReadError::Corrupt { file: self.file.to_string(), kind: "ods".into(), detail }
    }

    /// An element opens (or, `empty`, opens and closes at once).
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), ReadError> {
        let name = e.name().as_ref().to_string();
        match name.as_str() {
            "table:table" if !empty => {
                self.table = Some(OdsTable { name: attr(e, "table:name").unwrap_or_default(), ..Default::default() });
            }
            "table:table-row" => {
                if let Some(t) = &mut self.table {
                    let repeats = count(e, "table:number-rows-repeated").min(ODS_MAX_ROWS - t.rows.min(ODS_MAX_ROWS));
                    t.rows += repeats;
                    self.row = Some(OdsRow { repeats, ..Default::default() });
                    if empty {
                        end_row(&mut self.table, self.row.take());
                    }
                }
            }
            "table:table-cell" | "table:covered-table-cell" if self.row.is_some() => {
                let c = ods_cell(e, empty);
                if empty {
                    end_cell(&mut self.row, &c);
                } else {
                    self.cell = Some(c);
                }
            }
            "text:s" => self.spaces(e)?,
            _ => {}
        }
        if !empty {
            if self.open.len() >= MAX_DEPTH {
                return Err(self.corrupt(format!("content.xml nests elements more than {MAX_DEPTH} deep")));
            }
            self.open.push(name);
        }
        Ok(())
    }

    /// `<text:s text:c="N"/>`: N spaces in the cell's text, refused past the text budget on their own.
    fn spaces(&mut self, e: &BytesStart<'_>) -> Result<(), ReadError> {
        let Some(c) = &mut self.cell else { return Ok(()) };
        c.text = c.text.saturating_add(count(e, "text:c"));
        if c.text > self.max_text {
            return Err(declares(
                self.file,
                self.table.as_ref().map_or("", |t| &t.name),
                format!("holds a run of more than {} MiB of spaces", self.max_text / (1024 * 1024)),
            ));
        }
        Ok(())
    }

    /// An element closes: a cell, row or table is done.
    fn end(&mut self, name: &str) -> Result<(), ReadError> {
        self.open.pop();
        match name {
            "table:table-cell" | "table:covered-table-cell" => {
                if let Some(c) = self.cell.take() {
                    end_cell(&mut self.row, &c);
                }
            }
            "table:table-row" => end_row(&mut self.table, self.row.take()),
            "table:table" => {
                if let Some(t) = self.table.take() {
                    self.end_table(&t)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A table is done: its laid-out cells and text added to the workbook's, refused past the budget.
    fn end_table(&mut self, t: &OdsTable) -> Result<(), ReadError> {
        let (rows, cols) = match t.first_row {
            Some(first) => (t.last_row - first, t.last_col + 1 - t.first_col),
            None => (0, 0),
        };
        self.cells = self.cells.saturating_add(t.kept).saturating_add(rows.saturating_mul(cols));
        self.text = self.text.saturating_add(t.text);
        if self.cells > self.max_cells as u64 || self.text > self.max_text {
            return Err(declares(
                self.file,
                &t.name,
                format!(
                    "repeats its rows and cells into more than {} cells or {} MiB of text for the workbook",
                    self.max_cells,
                    self.max_text / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }

    /// The end of content.xml: refused when it comes inside an element.
    fn finish(&self) -> Result<(), ReadError> {
        match self.open.last() {
            Some(inner) => {
                Err(self.corrupt(format!("content.xml ends inside `<{inner}>`: the file is cut short or damaged")))
            }
            None => Ok(()),
        }
    }
}

/// A cell as it opens: its column repeats, whether it holds a value, and the bytes of its attributes.
fn ods_cell(e: &BytesStart<'_>, empty: bool) -> OdsCell {
    const VALUES: [&str; 6] = [
        "office:value",
        "office:string-value",
        "office:date-value",
        "office:time-value",
        "office:boolean-value",
        "table:formula",
    ];
    let value = VALUES.iter().any(|a| attr(e, a).is_some());
    let has_type = attr(e, "office:value-type").is_some();
    let text: u64 = e.attributes().with_checks(false).flatten().map(|a| a.value.len() as u64).sum();
    OdsCell { repeats: count(e, "table:number-columns-repeated"), value: value || (has_type && !empty), text }
}

/// A cell ends: calamine writes waiting empty cells before a value, then the value as often as it repeats.
fn end_cell(row: &mut Option<OdsRow>, c: &OdsCell) {
    let Some(r) = row else { return };
    if c.value {
        let room = ODS_MAX_COLUMNS.saturating_sub(r.written);
        r.written += r.waiting.min(room);
        r.waiting = 0;
        let repeats = c.repeats.min(ODS_MAX_COLUMNS.saturating_sub(r.written));
        if repeats > 0 {
            r.first.get_or_insert(r.written);
            r.written += repeats;
            r.last = r.written - 1;
            r.text = r.text.saturating_add(c.text.saturating_mul(repeats));
        }
    } else {
        r.waiting = c.repeats.min(ODS_MAX_COLUMNS);
    }
}

/// A row ends: its cells are kept once, and its repeats count towards the laid-out sheet when it holds a value.
fn end_row(table: &mut Option<OdsTable>, row: Option<OdsRow>) {
    let (Some(t), Some(r)) = (table, row) else { return };
    t.kept = t.kept.saturating_add(r.written);
    if let Some(first) = r.first {
        let start = t.rows - r.repeats;
        if t.first_row.is_none() {
            t.first_row = Some(start);
            t.first_col = first;
        }
        t.first_col = t.first_col.min(first);
        t.last_col = t.last_col.max(r.last);
        t.last_row = t.rows;
        t.text = t.text.saturating_add(r.text.saturating_mul(r.repeats));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> Vec<u8> {
        format!(r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#).into_bytes()
    }

    #[test]
    fn ods_counts_repeats_as_calamine_writes_them_out() {
        let cell = r#"<table:table-cell office:value-type="float" office:value="1"/>"#;
        let row = |repeats: u64, cells: &str| {
            format!(r#"<table:table-row table:number-rows-repeated="{repeats}">{cells}</table:table-row>"#)
        };
        // 3 rows of 2 cells, then 10 empty rows, then a value: 14 rows of 2 columns laid out.
        let rows = format!("{}{}{}", row(3, &cell.repeat(2)), row(10, ""), row(1, cell));
        assert!(ods("f", &content(&rows), 14 * 2 + 3, 1 << 20).is_ok());
        assert!(ods("f", &content(&rows), 14 * 2 + 2, 1 << 20).is_err());
        // Trailing empty rows and cells cost nothing.
        let trailing = row(1_000_000, r#"<table:table-cell table:number-columns-repeated="16384"/>"#);
        assert!(ods("f", &content(&format!("{}{trailing}", row(1, cell))), 2, 1 << 20).is_ok());
    }

    #[test]
    fn ods_cut_short_is_refused() {
        let cut = b"<office:document-content><table:table table:name=\"S\"><table:table-row>";
        let err = ods("f", cut, 100, 100).unwrap_err().to_string();
        assert_eq!(err, "f: not a readable ods workbook (content.xml ends inside `<table:table-row>`: the file is cut short or damaged)");
    }

    #[test]
    fn an_ods_cell_holds_a_value_by_its_attributes() {
        // (element, written empty, repeats, holds a value)
        let cases = [
            (r#"<table:table-cell office:value="1">"#, false, 1, true),
            (r#"<table:table-cell table:number-columns-repeated="4">"#, false, 4, false),
            (r#"<table:table-cell office:value-type="string">"#, false, 1, true),
            (r#"<table:table-cell office:value-type="string"/>"#, true, 1, false),
        ];
        for (xml, empty, repeats, value) in cases {
            let mut reader = quick_xml::Reader::from_str(xml);
            let e = match reader.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => e.into_owned(),
                other => panic!("{other:?}"),
            };
            let c = ods_cell(&e, empty);
            assert_eq!((c.repeats, c.value), (repeats, value), "{xml}");
        }
    }
}

//! Checks before allocation: what an xls or ods file declares (used ranges, cell positions, repeat counts) and how
//! an xlsx lays out its sheets, read from the raw bytes before calamine is asked to build anything. calamine lays
//! an xls sheet out as one dense grid from its first to its last cell, and an ods sheet with every repeated row and
//! column written out; these checks refuse a file whose grids would exceed the workbook's cell budget, and an ods
//! whose XML ends inside an element (calamine would wait forever for the end of the table).

use quick_xml::events::{BytesStart, Event};

use super::ReadError;

fn declares(file: &str, sheet: &str, detail: String) -> ReadError {
    ReadError::Declares { file: file.to_string(), sheet: sheet.to_string(), detail }
}

// ------------------------------------------------------------------------------------------------------------ xls

/// One BIFF record: its type and its data.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
}

/// BIFF records from a position in the workbook stream, ending quietly where the stream is cut short (calamine
/// reports that itself).
fn records(stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        if rest.len() < 4 {
            return None;
        }
        let typ = u16::from_le_bytes([rest[0], rest[1]]);
        let len = u16::from_le_bytes([rest[2], rest[3]]) as usize;
        if rest.len() < 4 + len {
            return None;
        }
        let data = &rest[4..4 + len];
        rest = &rest[4 + len..];
        Some(Record { typ, data })
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u32)
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The smallest rectangle holding some cells.
#[derive(Default)]
struct Extent {
    first: Option<(u32, u32)>,
    last: (u32, u32),
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        let first = self.first.get_or_insert((row, col));
        *first = (first.0.min(row), first.1.min(col));
        self.last = (self.last.0.max(row), self.last.1.max(col));
    }

    /// (rows, columns, cells) of the rectangle.
    fn size(&self) -> (u64, u64, u64) {
        match self.first {
            None => (0, 0, 0),
            Some((r0, c0)) => {
                let rows = (self.last.0 - r0) as u64 + 1;
                let cols = (self.last.1 - c0) as u64 + 1;
                (rows, cols, rows * cols)
            }
        }
    }
}

/// A sheet's name from its BoundSheet8 record (BIFF8: a short string, Latin-1 or UTF-16).
fn sheet_name(data: &[u8], index: usize) -> String {
    let fallback = || format!("#{}", index + 1);
    let (Some(&cch), Some(&flags)) = (data.get(6), data.get(7)) else { return fallback() };
    let chars = &data[8.min(data.len())..];
    let name = if flags & 1 == 1 {
        let units: Vec<u16> =
            chars.chunks_exact(2).take(cch as usize).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        chars.iter().take(cch as usize).map(|&b| b as char).collect()
    };
    if name.is_empty() {
        fallback()
    } else {
        name
    }
}

/// BIFF record types read here.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
/// The cached text of the formula before it.
const STRING: u16 = 0x0207;
/// Several RK numbers in one row.
const MUL_RK: u16 = 0x00BD;
/// BLANK, NUMBER, LABEL_SST, BOOLERR, RK and LABEL: one cell each.
const ONE_CELL: [u16; 6] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD];

/// Refuses an xls whose sheets declare (DIMENSIONS) or spread their cells over (first to last cell) more cells than
/// a workbook may hold: calamine reserves the declared range and lays the cells out densely.
pub fn xls(file: &str, bytes: &[u8], max_cells: usize) -> Result<(), ReadError> {
    let Some(stream) = workbook_stream(file, bytes)? else { return Ok(()) };
    let max = max_cells as u64;
    let mut total: u64 = 0;
    for (pos, name) in sheet_offsets(&stream) {
        let Some(sheet) = stream.get(pos..) else { continue };
        let too_many = |what: String| {
            declares(file, &name, format!("{what}, more than the {max_cells} cells a workbook may hold"))
        };
        let (declared, values, formulas) = sheet_extents(sheet);
        for range in declared {
            let Some((rows, cols)) = range else {
                return Err(declares(file, &name, "declares a used range that ends before it starts".to_string()));
            };
            let cells = rows.saturating_mul(cols);
            if cells > max {
                return Err(too_many(format!("declares a used range of {rows} rows by {cols} columns")));
            }
            total = total.saturating_add(cells);
        }
        for extent in [&values, &formulas] {
            let (rows, cols, cells) = extent.size();
            if cells > max {
                return Err(too_many(format!("has cells spread over {rows} rows by {cols} columns")));
            }
            total = total.saturating_add(cells);
        }
        if total > max {
            return Err(declares(
                file,
                &name,
                format!("brings the workbook's cells, laid out from each sheet's first to its last cell, past the {max_cells} a workbook may hold"),
            ));
        }
    }
    Ok(())
}

/// The workbook stream of an xls (`None` when it has none: calamine reports that), with the OLE container checked
/// first.
fn workbook_stream(file: &str, bytes: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
    let corrupt = |detail: String| ReadError::Corrupt { file: file.to_string(), kind: "xls".into(), detail };
    // calamine follows the container's sector chains without looking for loops (a chain that loops grows a buffer
    // until memory runs out); the cfb crate refuses such chains, and every stream must fit in the file.
    let mut cfb = cfb::CompoundFile::open(std::io::Cursor::new(bytes))
        .map_err(|e| corrupt(format!("the OLE container is damaged: {e}")))?;
    let declared = std::iter::once(cfb.root_entry().len()).chain(cfb.walk().map(|e| e.len())).max().unwrap_or(0);
    if declared > bytes.len() as u64 {
        return Err(corrupt(format!(
            "the OLE container declares a stream of {declared} bytes in a file of {}",
            bytes.len()
        )));
    }
    let mut stream = Vec::new();
    let opened = cfb.open_stream("Workbook").or_else(|_| cfb.open_stream("Book"));
    let Ok(mut s) = opened else { return Ok(None) };
    std::io::Read::read_to_end(&mut s, &mut stream)
        .map_err(|e| corrupt(format!("the OLE container is damaged: {e}")))?;
    Ok(Some(stream))
}

/// Where each sheet starts in the workbook stream, with its name (BoundSheet8 records before the first EOF).
fn sheet_offsets(stream: &[u8]) -> Vec<(usize, String)> {
    let mut sheets = Vec::new();
    for r in records(stream) {
        match r.typ {
            BOUND_SHEET => {
                if let Some(pos) = u32_at(r.data, 0) {
                    sheets.push((pos as usize, sheet_name(r.data, sheets.len())));
                }
            }
            EOF => break,
            _ => {}
        }
    }
    sheets
}

/// What one sheet's records declare and hold: its DIMENSIONS ranges (rows, columns) in order, the rectangle of its
/// cells and that of its formulas. A declared range that ends before it starts is `None`, and reading stops there.
fn sheet_extents(sheet: &[u8]) -> (Vec<Option<(u64, u64)>>, Extent, Extent) {
    let (mut values, mut formulas) = (Extent::default(), Extent::default());
    let mut declared = Vec::new();
    let mut formula_at = (0, 0);
    let (mut seen_bof, mut depth) = (false, 0usize);
    for r in records(sheet) {
        // Substreams (charts) nested in the sheet are skipped.
        if depth > 0 {
            match r.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let cell = || Some((u16_at(r.data, 0)?, u16_at(r.data, 2)?));
        match r.typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => {
                let range = declared_dimensions(r.data);
                declared.push(range);
                if range.is_none() {
                    break;
                }
            }
            t if ONE_CELL.contains(&t) => {
                if let Some((row, col)) = cell() {
                    values.add(row, col);
                }
            }
            FORMULA => {
                if let Some((row, col)) = cell() {
                    formula_at = (row, col);
                    values.add(row, col);
                    formulas.add(row, col);
                }
            }
            STRING => values.add(formula_at.0, formula_at.1),
            MUL_RK => {
                if let (Some((row, first)), Some(last)) = (cell(), r.data.len().checked_sub(2)) {
                    let last = u16_at(r.data, last).unwrap_or(first);
                    values.add(row, first);
                    values.add(row, last.max(first));
                }
            }
            _ => {}
        }
    }
    (declared, values, formulas)
}

/// Rows and columns of a DIMENSIONS record, as calamine reads it; `None` for a range ending before it starts.
fn declared_dimensions(r: &[u8]) -> Option<(u64, u64)> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(r, 0)?, u16_at(r, 2)?, u16_at(r, 4)?, u16_at(r, 6)?),
        14 | 16 => (u32_at(r, 0)?, u32_at(r, 4)?, u16_at(r, 8)?, u16_at(r, 10)?),
        // calamine refuses other lengths itself.
        _ => return Some((0, 0)),
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl >= 1 && cl >= 1 {
        let (last_row, last_col) = (rl - 1, cl - 1);
        if last_row < rf || last_col < cf {
            return None;
        }
        Some(((last_row - rf) as u64 + 1, (last_col - cf) as u64 + 1))
    } else {
        Some((1, 1))
    }
}

// ------------------------------------------------------------------------------------------------------------ ods

/// calamine's own caps on an ods sheet.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;
/// Deepest nesting of XML elements accepted.
const MAX_DEPTH: usize = 10_000;

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == name).map(|a| a.value.into_owned())
}

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
                self.table = Some(OdsTable { name: attr(e, "table:name").unwrap_or_default(), ..Default::default() })
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
                    end_cell(&mut self.row, c);
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
                    end_cell(&mut self.row, c);
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
fn end_cell(row: &mut Option<OdsRow>, c: OdsCell) {
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

// ----------------------------------------------------------------------------------------------------------- xlsx

/// Refuses an xlsx where two sheets point at one part: each sheet would be read again, multiplying the work.
pub fn xlsx_sheets(file: &str, workbook: &[u8], rels: &[u8]) -> Result<(), ReadError> {
    let mut targets = std::collections::HashMap::new();
    for e in elements(rels, "Relationship") {
        if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
            targets.insert(id, target.trim_start_matches('/').trim_start_matches("xl/").to_string());
        }
    }
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for e in elements(workbook, "sheet") {
        let name = attr(&e, "name").unwrap_or_default();
        let Some(target) = attr(&e, "r:id").and_then(|id| targets.get(&id)) else { continue };
        if let Some(first) = seen.get(target) {
            return Err(declares(file, &name, format!("points at part `xl/{target}` like sheet '{first}' before it")));
        }
        seen.insert(target.clone(), name);
    }
    Ok(())
}

/// The start tags of one name in an XML part (stops quietly at an XML error: calamine reports those).
fn elements(xml: &[u8], name: &str) -> Vec<BytesStart<'static>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == name || e.name().as_ref() == name => {
                out.push(e.into_owned())
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
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
    fn xls_dimensions_as_calamine_reads_them() {
        let dims = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut d = Vec::new();
            d.extend_from_slice(&rf.to_le_bytes());
            d.extend_from_slice(&rl.to_le_bytes());
            d.extend_from_slice(&cf.to_le_bytes());
            d.extend_from_slice(&cl.to_le_bytes());
            d.extend_from_slice(&[0, 0]);
            declared_dimensions(&d)
        };
        assert_eq!(dims(0, 10, 0, 3), Some((10, 3)));
        assert_eq!(dims(0, 0, 0, 0), Some((1, 1)));
        assert_eq!(dims(5, 3, 0, 3), None);
        assert_eq!(dims(0, 1_048_576, 0, 256), Some((1_048_576, 256)));
    }
    /// A BIFF record: type, length, data.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    /// A cell record's row and column.
    fn at(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0; 4]);
        d
    }

    #[test]
    fn a_sheet_spreads_its_cells_and_formulas() {
        // (records after BOF, cells rectangle (rows, cols), formulas rectangle, declared ranges)
        type Case = (Vec<Vec<u8>>, (u64, u64), (u64, u64), usize);
        let number = 0x0203;
        let cases: [Case; 4] = [
            (vec![record(number, &at(0, 0)), record(number, &at(9, 4))], (10, 5), (0, 0), 0),
            (vec![record(FORMULA, &at(2, 2)), record(number, &at(3, 3))], (2, 2), (1, 1), 0),
            // A chart substream inside the sheet: its cells are not the sheet's.
            (
                vec![record(BOF, &[]), record(number, &at(500, 200)), record(EOF, &[]), record(number, &at(1, 1))],
                (1, 1),
                (0, 0),
                0,
            ),
            // A range that ends before it starts stops the reading.
            (
                vec![record(DIMENSIONS, &[5, 0, 0, 0, 3, 0, 0, 0, 0, 0, 3, 0, 0, 0]), record(number, &at(1, 1))],
                (0, 0),
                (0, 0),
                1,
            ),
        ];
        for (i, (records, cells, formulas, declared)) in cases.into_iter().enumerate() {
            let mut sheet = record(BOF, &[]);
            records.iter().for_each(|r| sheet.extend_from_slice(r));
            sheet.extend_from_slice(&record(EOF, &[]));
            let (d, values, f) = sheet_extents(&sheet);
            assert_eq!((values.size().0, values.size().1), cells, "case {i}");
            assert_eq!((f.size().0, f.size().1), formulas, "case {i}");
            assert_eq!(d.len(), declared, "case {i}");
        }
    }

    #[test]
    fn sheets_are_found_by_their_bound_sheet_records() {
        let bound = |pos: u32, name: &str| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0, name.len() as u8, 0]);
            d.extend_from_slice(name.as_bytes());
            record(BOUND_SHEET, &d)
        };
        let mut stream = bound(100, "SoA");
        stream.extend_from_slice(&bound(200, ""));
        stream.extend_from_slice(&record(EOF, &[]));
        stream.extend_from_slice(&bound(300, "after the end"));
        assert_eq!(sheet_offsets(&stream), [(100, "SoA".to_string()), (200, "#2".to_string())]);
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

//! Workbooks through calamine (xlsx, xlsm, xlsb, xls, ods). Before calamine sees a byte, the zip parts are checked
//! against the inflation limits, and the declared sizes of xls and ods sheets against the cell budget
//! (`precheck.rs`); while cells are read, one budget of cells and text holds for the whole workbook.

use std::io::{Cursor, Read};

use calamine::{Data, Ods, OdsError, Reader, Sheets, Xls, XlsError, Xlsb, XlsbError, Xlsx, XlsxError};

use super::precheck;
use super::sniff::{self, Container, Kind};
use super::{Cell, Limits, RawRow, RawTable, ReadError};

/// Reads every sheet of a workbook. Merged ranges are filled with their top-left value.
pub fn read(
    file: &str,
    ext: &str,
    container: Container,
    bytes: Vec<u8>,
    limits: Limits,
) -> Result<Vec<RawTable>, ReadError> {
    let corrupt =
        |kind: &str, detail: String| ReadError::Corrupt { file: file.to_string(), kind: kind.to_string(), detail };
    // Whether a sheet may hold merged ranges: an xlsx sheet without the word `mergeCell` has none, and reading
    // them costs a second pass over the sheet's XML.
    let mut may_merge = true;
    let kind = match container {
        Container::Ole if is_encrypted_package(&bytes) => return Err(ReadError::Encrypted { file: file.to_string() }),
        Container::Ole => {
            precheck::xls(file, &bytes, MAX_CELLS)?;
            Kind::Xls
        }
        _ => {
            let package = check_zip(file, ext, &bytes, limits)?;
            may_merge = package.mentions_merge;
            let kind = sniff::zip_kind(&package.names, package.mimetype.as_deref()).ok_or_else(|| {
                corrupt(
                    if ext.is_empty() { "xlsx" } else { ext },
                    "a zip package that is no workbook: it holds no `xl/workbook.xml`, no `xl/workbook.bin` and no OpenDocument `mimetype`".to_string(),
                )
            })?;
            match kind {
                Kind::Ods => precheck::ods(file, &part(&bytes, "content.xml"), MAX_CELLS, limits.max_text())?,
                Kind::Xlsx => precheck::xlsx_sheets(
                    file,
                    &part(&bytes, "xl/workbook.xml"),
                    &part(&bytes, "xl/_rels/workbook.xml.rels"),
                )?,
                _ => {}
            }
            kind
        }
    };
    let opened = open(kind, bytes).map_err(|e| {
        if e.password {
            ReadError::Encrypted { file: file.to_string() }
        } else {
            corrupt(kind.name(), e.detail)
        }
    })?;
    read_sheets(file, kind, opened, may_merge, limits)
}

/// A calamine error that may say the workbook is password-protected or encrypted.
trait PasswordError: std::fmt::Display {
    /// Whether calamine refused the workbook because it is password-protected.
    fn is_password(&self) -> bool;
}

impl PasswordError for XlsxError {
    fn is_password(&self) -> bool {
        matches!(self, XlsxError::Password)
    }
}

impl PasswordError for XlsbError {
    fn is_password(&self) -> bool {
        matches!(self, XlsbError::Password)
    }
}

impl PasswordError for XlsError {
    fn is_password(&self) -> bool {
        matches!(self, XlsError::Password)
    }
}

impl PasswordError for OdsError {
    fn is_password(&self) -> bool {
        matches!(self, OdsError::Password)
    }
}

impl PasswordError for calamine::Error {
    fn is_password(&self) -> bool {
        match self {
            calamine::Error::Xlsx(e) => e.is_password(),
            calamine::Error::Xlsb(e) => e.is_password(),
            calamine::Error::Xls(e) => e.is_password(),
            calamine::Error::Ods(e) => e.is_password(),
            _ => false,
        }
    }
}

/// Why the reader of a format refused a workbook: its own error, in its own words.
struct OpenError {
    password: bool,
    detail: String,
}

impl OpenError {
    #[allow(clippy::needless_pass_by_value)] // passed to `map_err`, which hands the error over by value
    fn of(e: impl PasswordError) -> OpenError {
        OpenError { password: e.is_password(), detail: e.to_string() }
    }
}

/// Opens the workbook with the reader of its format, so that its error is the one reported.
fn open(kind: Kind, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>, OpenError> {
    let cursor = Cursor::new(bytes);
    Ok(match kind {
        Kind::Xlsx => Sheets::Xlsx(Xlsx::new(cursor).map_err(OpenError::of)?),
        Kind::Xlsb => Sheets::Xlsb(Xlsb::new(cursor).map_err(OpenError::of)?),
        Kind::Xls => Sheets::Xls(Xls::new(cursor).map_err(OpenError::of)?),
        Kind::Ods => Sheets::Ods(Ods::new(cursor).map_err(OpenError::of)?),
    })
}

/// One part of a zip package already checked by [`check_zip`] (empty when absent).
fn part(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) {
        if let Ok(mut entry) = archive.by_name(name) {
            let _ = entry.read_to_end(&mut out);
        }
    }
    out
}

fn read_sheets(
    file: &str,
    kind: Kind,
    mut workbook: Sheets<Cursor<Vec<u8>>>,
    may_merge: bool,
    limits: Limits,
) -> Result<Vec<RawTable>, ReadError> {
    let names = workbook.sheet_names().clone();
    let mut tables = Vec::with_capacity(names.len());
    let mut budget = Budget::new(limits);
    for name in names {
        let sheet_error = |e: &dyn PasswordError| {
            if e.is_password() {
                ReadError::Encrypted { file: file.to_string() }
            } else {
                ReadError::Corrupt {
                    file: file.to_string(),
                    kind: kind.name().to_string(),
                    detail: format!("sheet '{name}': {e}"),
                }
            }
        };
        let mut grid = Grid::new(file, &name, &mut budget);
        // xlsx and xlsb stream their cells, so a far-away cell (`XFD1048576`) cannot ask for a huge grid.
        match &mut workbook {
            Sheets::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| sheet_error(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(&e))? {
                    grid.put(cell.get_position(), to_cell_ref(cell.get_value()))?;
                }
            }
            Sheets::Xlsb(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| sheet_error(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(&e))? {
                    grid.put(cell.get_position(), to_cell_ref(cell.get_value()))?;
                }
            }
            // Sizes checked before opening (precheck::xls, precheck::ods).
            _ => {
                let range = workbook.worksheet_range(&name).map_err(|e| sheet_error(&e))?;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, c, value) in range.used_cells() {
                    grid.put((r0 + r as u32, c0 + c as u32), to_cell(value))?;
                }
            }
        }
        let merged = if may_merge { merged_ranges(&mut workbook, &name) } else { Vec::new() };
        tables.push(grid.into_table(merged)?);
    }
    Ok(tables)
}

/// Widest column read: controls live in the first few dozen columns, a wide matrix in about a hundred.
pub const MAX_COLUMNS: u32 = 1024;
/// Most cells one workbook may hold, counting in each row the empty cells before its last filled one (what the
/// rows take in memory); a control list has a few thousand, a 100,000-row catalog under a million.
pub const MAX_CELLS: usize = 2_000_000;
/// Most merged ranges read from one sheet.
pub const MAX_MERGED: usize = 100_000;

/// What one workbook may still take: cells (filled or not, up to the last filled one of a row) and bytes of text,
/// counted across all its sheets, so that many sheets over one part cannot multiply the limits.
struct Budget {
    cells: usize,
    text: u64,
    max_text: u64,
}

impl Budget {
    fn new(limits: Limits) -> Budget {
        Budget { cells: 0, text: 0, max_text: limits.max_text() }
    }
}

/// The cells of one sheet, kept sparse (only rows that hold something), within the workbook's budget.
struct Grid<'a> {
    file: &'a str,
    sheet: &'a str,
    rows: std::collections::BTreeMap<u32, Vec<Cell>>,
    budget: &'a mut Budget,
}

impl<'a> Grid<'a> {
    fn new(file: &'a str, sheet: &'a str, budget: &'a mut Budget) -> Grid<'a> {
        Grid { file, sheet, rows: std::collections::BTreeMap::default(), budget }
    }

    fn over_budget(&self) -> ReadError {
        ReadError::TooManyCells {
            file: self.file.to_string(),
            sheet: self.sheet.to_string(),
            cells: MAX_CELLS,
            text_mib: self.budget.max_text / (1024 * 1024),
        }
    }

    /// Takes `cells` more cells and `text` more bytes of text from the budget.
    fn spend(&mut self, cells: usize, text: u64) -> Result<(), ReadError> {
        self.budget.cells = self.budget.cells.saturating_add(cells);
        self.budget.text = self.budget.text.saturating_add(text);
        if self.budget.cells > MAX_CELLS || self.budget.text > self.budget.max_text {
            return Err(self.over_budget());
        }
        Ok(())
    }

    /// Adds a cell at a 0-based (row, column); columns past [`MAX_COLUMNS`] are ignored.
    fn put(&mut self, (row, col): (u32, u32), value: Cell) -> Result<(), ReadError> {
        if value.is_empty() || col >= MAX_COLUMNS {
            return Ok(());
        }
        let text = if let Cell::Text(t) = &value { t.len() as u64 } else { 0 };
        let col = col as usize;
        let have = self.rows.get(&row).map_or(0, Vec::len);
        self.spend((col + 1).saturating_sub(have), text)?;
        let cells = self.rows.entry(row).or_default();
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = value;
        Ok(())
    }

    /// Rows numbered as the spreadsheet shows them; merged ranges filled with their top-left value in the rows
    /// that exist. Filling counts against the budget like any cell.
    fn into_table(mut self, mut merged: Vec<(usize, usize, usize, usize)>) -> Result<RawTable, ReadError> {
        merged.sort_unstable();
        merged.dedup();
        if merged.len() > MAX_MERGED {
            return Err(ReadError::Declares {
                file: self.file.to_string(),
                sheet: self.sheet.to_string(),
                detail: format!("declares {} merged ranges, more than the {MAX_MERGED} read", merged.len()),
            });
        }
        // The work of filling: every existing row of every range, across its width.
        let mut work: usize = 0;
        for &(r0, c0, r1, c1) in &merged {
            if r0 == 0 || r1 < r0 || c1 < c0 || c0 >= MAX_COLUMNS as usize {
                continue;
            }
            let rows = self.rows.range((r0 as u32 - 1)..(r1.min(u32::MAX as usize) as u32)).count();
            let width = c1.min(MAX_COLUMNS as usize - 1) + 1 - c0;
            work = work.saturating_add(rows.saturating_mul(width));
        }
        if work > MAX_CELLS {
            return Err(ReadError::Declares {
                file: self.file.to_string(),
                sheet: self.sheet.to_string(),
                detail: format!("has merged ranges over more than {MAX_CELLS} cells"),
            });
        }
        for &(r0, c0, r1, c1) in &merged {
            if r0 == 0 || r1 < r0 || c1 < c0 || c0 >= MAX_COLUMNS as usize {
                continue;
            }
            let Some(value) = self.rows.get(&(r0 as u32 - 1)).and_then(|r| r.get(c0)).cloned() else { continue };
            if value.is_empty() {
                continue;
            }
            let c1 = c1.min(MAX_COLUMNS as usize - 1);
            let text = if let Cell::Text(t) = &value { t.len() as u64 } else { 0 };
            let last = r1.min(u32::MAX as usize) as u32 - 1;
            let rows: Vec<u32> = self.rows.range(r0 as u32 - 1..=last).map(|(r, _)| *r).collect();
            for r in rows {
                let have = self.rows.get(&r).map_or(0, Vec::len);
                let empty = self
                    .rows
                    .get(&r)
                    .map_or(0, |cells| (c0..=c1).filter(|&c| cells.get(c).is_none_or(Cell::is_empty)).count());
                self.spend((c1 + 1).saturating_sub(have), text.saturating_mul(empty as u64))?;
                let cells = self.rows.get_mut(&r).expect("a row listed above");
                if cells.len() <= c1 {
                    cells.resize(c1 + 1, Cell::Empty);
                }
                for cell in &mut cells[c0..=c1] {
                    if cell.is_empty() {
                        *cell = value.clone();
                    }
                }
            }
        }
        let rows = std::mem::take(&mut self.rows)
            .into_iter()
            .map(|(r, mut cells)| {
                while cells.last().is_some_and(Cell::is_empty) {
                    cells.pop();
                }
                RawRow { number: r as usize + 1, cells }
            })
            .collect();
        Ok(RawTable { sheet: Some(self.sheet.to_string()), rows, merged })
    }
}

fn merged_ranges<RS: Read + std::io::Seek>(workbook: &mut Sheets<RS>, name: &str) -> Vec<(usize, usize, usize, usize)> {
    let dims = match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    dims.iter().map(|d| (d.start.0 as usize + 1, d.start.1 as usize, d.end.0 as usize + 1, d.end.1 as usize)).collect()
}

fn to_cell_ref(d: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    match d {
        DataRef::SharedString(s) => text_cell(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text_cell(s),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => Cell::Text(dt.to_string()),
        DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
        DataRef::Empty => Cell::Empty,
    }
}

fn text_cell(s: &str) -> Cell {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

fn to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Text(dt.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// An OLE container holding `EncryptedPackage`: how Office stores a password-protected xlsx.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if !bytes.starts_with(&OLE) {
        return false;
    }
    let needle: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// What [`check_zip`] learnt of a package while checking it.
struct Package {
    names: Vec<String>,
    /// The first bytes of the `mimetype` part, when there is one.
    mimetype: Option<Vec<u8>>,
    /// Whether a worksheet part mentions `mergeCell` (found while inflating, so the sheets are not inflated again
    /// to look).
    mentions_merge: bool,
}

/// Refuses zip packages whose parts declare or actually inflate beyond the limits, or that hold two parts of one
/// name (readers would disagree on which one counts), before calamine reads them.
fn check_zip(file: &str, ext: &str, bytes: &[u8], limits: Limits) -> Result<Package, ReadError> {
    let kind = if ext.is_empty() { "xlsx" } else { ext };
    let corrupt = |detail: String| ReadError::Corrupt { file: file.to_string(), kind: kind.to_string(), detail };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("the zip package is cut short or damaged: {e}")))?;
    // The zip crate keeps one part per name, so a second part of the same name is found in the central directory.
    if let Some(part) = duplicate_part_name(bytes) {
        return Err(ReadError::DuplicatePart { file: file.to_string(), part });
    }
    let mut total: u64 = 0;
    let mut package = Package { names: Vec::with_capacity(archive.len()), mimetype: None, mentions_merge: false };
    let mut seen = std::collections::HashSet::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| corrupt(format!("damaged zip: {e}")))?;
        let part = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if !seen.insert(part.clone()) {
            return Err(ReadError::DuplicatePart { file: file.to_string(), part });
        }
        let declared = entry.size();
        if declared > limits.max_inflated {
            return Err(ReadError::TooLarge {
                file: file.to_string(),
                part,
                size: declared,
                limit: limits.max_inflated,
            });
        }
        // The declared size may lie: inflate into nothing, counting, and stop one byte past the limit.
        let lying = || ReadError::InflatesTooMuch { file: file.to_string(), part: part.clone(), declared };
        let mut sink = FindSink::new(b"mergeCell");
        if part == "mimetype" {
            sink.keep_head = sniff::ODS_MIMETYPE.len();
        }
        let actual = std::io::copy(&mut (&mut entry).take(limits.max_inflated + 1), &mut sink).map_err(|e| {
            if e.to_string().contains("declared uncompressed size") {
                lying()
            } else {
                corrupt(format!("damaged zip part `{part}`: {e}"))
            }
        })?;
        if actual > limits.max_inflated || actual > declared {
            return Err(lying());
        }
        // xlsx sheets are `xl/worksheets/sheetN.xml` (any other part, or a package laid out otherwise, counts).
        let is_other_part = part.starts_with("xl/") && !part.starts_with("xl/worksheets/");
        package.mentions_merge |= sink.found && !is_other_part;
        if part == "mimetype" {
            package.mimetype = Some(sink.head);
        }
        total += actual;
        if total > limits.max_inflated.saturating_mul(4) {
            return Err(ReadError::TotalTooLarge {
                file: file.to_string(),
                limit: limits.max_inflated.saturating_mul(4),
            });
        }
        package.names.push(part);
    }
    Ok(package)
}

/// The first part name that the central directory of a zip lists twice (`None` when every name is listed once, or
/// when the directory cannot be walked: the zip crate reports that).
fn duplicate_part_name(bytes: &[u8]) -> Option<String> {
    let u16_at = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u32_at = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    // The end record sits in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
    let from = bytes.len().saturating_sub(65_557);
    let end = memchr::memmem::rfind(&bytes[from..], b"PK\x05\x06")? + from;
    let (count, mut at) = (u16_at(end + 10)?, u32_at(end + 16)?);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..count {
        if bytes.get(at..at + 4)? != b"PK\x01\x02" {
            return None;
        }
        let (name_len, extra_len, comment_len) = (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// A sink that only notes whether the bytes written to it hold `needle`, also across two writes.
struct FindSink {
    needle: &'static [u8],
    /// How many of the first bytes to keep in `head`.
    keep_head: usize,
    head: Vec<u8>,
    /// The last bytes of the previous write (fewer than the needle), to find a needle split between writes.
    tail: Vec<u8>,
    found: bool,
}

impl FindSink {
    fn new(needle: &'static [u8]) -> FindSink {
        FindSink { needle, keep_head: 0, head: Vec::new(), tail: Vec::new(), found: false }
    }
}

impl std::io::Write for FindSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.head.len() < self.keep_head {
            let take = (self.keep_head - self.head.len()).min(buf.len());
            self.head.extend_from_slice(&buf[..take]);
        }
        if self.found || buf.is_empty() {
            return Ok(buf.len());
        }
        let keep = self.needle.len() - 1;
        self.tail.extend_from_slice(&buf[..buf.len().min(keep)]);
        self.found =
            memchr::memmem::find(&self.tail, self.needle).is_some() || memchr::memmem::find(buf, self.needle).is_some();
        let joined_tail = if buf.len() >= keep {
            buf[buf.len() - keep..].to_vec()
        } else {
            self.tail[self.tail.len().saturating_sub(keep)..].to_vec()
        };
        self.tail = joined_tail;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::FindSink;
    use super::{read, Container, Limits, ReadError};
    use std::io::Write;

    /// An OpenDocument spreadsheet whose manifest says its content is encrypted (as LibreOffice writes one saved
    /// with a password): calamine refuses it with its typed password error.
    fn encrypted_ods() -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let parts: [(&str, &str); 3] = [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            (
                "META-INF/manifest.xml",
                r#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>"#,
            ),
            ("content.xml", r#"<?xml version="1.0"?><office:document-content/>"#),
        ];
        for (name, text) in parts {
            zip.start_file(name, stored).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_password_protected_ods_is_reported_as_encrypted() {
        let err = read("locked.ods", "ods", Container::Zip, encrypted_ods(), Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::Encrypted { ref file } if file == "locked.ods"), "{err}");
    }

    #[test]
    fn find_sink_sees_a_needle_split_between_writes() {
        let mut sink = FindSink::new(b"mergeCell");
        for part in [&b"<sheetData/><mer"[..], b"g", b"eCel", b"ls count=\"1\">"] {
            sink.write_all(part).unwrap();
        }
        assert!(sink.found);
        let mut sink = FindSink::new(b"mergeCell");
        sink.write_all(b"<sheetData/><merge").unwrap();
        sink.write_all(b"Cel").unwrap();
        assert!(!sink.found);
    }
}

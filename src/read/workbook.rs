//! Workbooks through calamine (xlsx, xlsm, xlsb, xls, ods), with a size check on zip parts before anything inflates.

use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};

use super::{Cell, Limits, RawRow, RawTable, ReadError};

/// Reads every sheet of a workbook. Merged ranges are filled with their top-left value.
pub fn read(file: &str, ext: &str, bytes: Vec<u8>, limits: Limits) -> Result<Vec<RawTable>, ReadError> {
    let kind = ext.to_string();
    let corrupt = |detail: String| ReadError::Corrupt { file: file.to_string(), kind: kind.clone(), detail };
    if is_encrypted_package(&bytes) {
        return Err(ReadError::Encrypted { file: file.to_string() });
    }
    // Whether a sheet may hold merged ranges: an xlsx sheet without the word `mergeCell` has none, and reading
    // them costs a second pass over the sheet's XML.
    let mut may_merge = true;
    if bytes.starts_with(b"PK") {
        may_merge = check_zip(file, &kind, &bytes, limits)?;
    } else if ext != "xls" {
        return Err(corrupt("it is not a zip package, as a workbook of this type must be".to_string()));
    }
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        let detail = e.to_string();
        if detail.to_ascii_lowercase().contains("password") || detail.to_ascii_lowercase().contains("encrypt") {
            ReadError::Encrypted { file: file.to_string() }
        } else if detail == "Cannot detect file format" {
            corrupt(
                "the content is neither xlsx, xlsb, xls nor ods; a zip that is not a workbook, or a damaged file"
                    .to_string(),
            )
        } else {
            corrupt(detail)
        }
    })?;
    let names = workbook.sheet_names().to_vec();
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        let sheet_error = |detail: String| {
            if detail.to_ascii_lowercase().contains("password") {
                ReadError::Encrypted { file: file.to_string() }
            } else {
                corrupt(format!("sheet '{name}': {detail}"))
            }
        };
        // xlsx and xlsb stream their cells, so a far-away cell (`XFD1048576`) cannot ask for a huge grid.
        let grid = match &mut workbook {
            Sheets::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| sheet_error(e.to_string()))?;
                let mut grid = Grid::new(file, &name, limits);
                while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(e.to_string()))? {
                    grid.put(cell.get_position(), to_cell_ref(cell.get_value()))?;
                }
                Some(grid)
            }
            Sheets::Xlsb(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| sheet_error(e.to_string()))?;
                let mut grid = Grid::new(file, &name, limits);
                while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(e.to_string()))? {
                    grid.put(cell.get_position(), to_cell_ref(cell.get_value()))?;
                }
                Some(grid)
            }
            _ => None,
        };
        let grid = match grid {
            Some(g) => g,
            None => {
                let range = workbook.worksheet_range(&name).map_err(|e| sheet_error(e.to_string()))?;
                let mut grid = Grid::new(file, &name, limits);
                for (r, c, value) in range.used_cells() {
                    let (r0, c0) = range.start().unwrap_or((0, 0));
                    grid.put((r0 + r as u32, c0 + c as u32), to_cell(value))?;
                }
                grid
            }
        };
        let merged = if may_merge { merged_ranges(&mut workbook, &name) } else { Vec::new() };
        tables.push(grid.into_table(merged));
    }
    Ok(tables)
}

/// Widest column read: controls live in the first few dozen columns, a wide matrix in about a hundred.
pub const MAX_COLUMNS: u32 = 1024;
/// Most cells read from one sheet; a control list has a few thousand.
pub const MAX_CELLS: usize = 2_000_000;

/// The cells of one sheet, kept sparse (only rows that hold something), with the caps that bound memory.
struct Grid<'a> {
    file: &'a str,
    sheet: &'a str,
    rows: std::collections::BTreeMap<u32, Vec<Cell>>,
    cells: usize,
    text_bytes: u64,
    max_text: u64,
}

impl<'a> Grid<'a> {
    fn new(file: &'a str, sheet: &'a str, limits: Limits) -> Grid<'a> {
        Grid { file, sheet, rows: Default::default(), cells: 0, text_bytes: 0, max_text: limits.max_inflated }
    }

    /// Adds a cell at a 0-based (row, column); columns past [`MAX_COLUMNS`] are ignored.
    fn put(&mut self, (row, col): (u32, u32), value: Cell) -> Result<(), ReadError> {
        if value.is_empty() || col >= MAX_COLUMNS {
            return Ok(());
        }
        self.cells += 1;
        if let Cell::Text(t) = &value {
            self.text_bytes += t.len() as u64;
        }
        if self.cells > MAX_CELLS || self.text_bytes > self.max_text {
            return Err(ReadError::TooManyCells {
                file: self.file.to_string(),
                sheet: self.sheet.to_string(),
                cells: MAX_CELLS,
                text_mib: self.max_text / (1024 * 1024),
            });
        }
        let cells = self.rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = value;
        Ok(())
    }

    /// Rows numbered as the spreadsheet shows them; merged ranges filled with their top-left value in the rows
    /// that exist.
    fn into_table(mut self, merged: Vec<(usize, usize, usize, usize)>) -> RawTable {
        for &(r0, c0, r1, c1) in &merged {
            let Some(value) = self.rows.get(&(r0 as u32 - 1)).and_then(|r| r.get(c0)).cloned() else { continue };
            if value.is_empty() {
                continue;
            }
            let c1 = c1.min(MAX_COLUMNS as usize - 1);
            for (_, cells) in self.rows.range_mut(r0 as u32 - 1..=r1 as u32 - 1) {
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
        let rows = self
            .rows
            .into_iter()
            .map(|(r, mut cells)| {
                while cells.last().is_some_and(Cell::is_empty) {
                    cells.pop();
                }
                RawRow { number: r as usize + 1, cells }
            })
            .collect();
        RawTable { sheet: Some(self.sheet.to_string()), rows, merged }
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
    let needle: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Refuses zip packages whose parts declare or actually inflate beyond the limit, before calamine reads them.
/// Checks every part's inflated size against the limits; returns whether a worksheet part mentions `mergeCell`
/// (found while inflating, so the sheets are not inflated again to look).
fn check_zip(file: &str, kind: &str, bytes: &[u8], limits: Limits) -> Result<bool, ReadError> {
    let corrupt = |detail: String| ReadError::Corrupt { file: file.to_string(), kind: kind.to_string(), detail };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("the zip package is cut short or damaged: {e}")))?;
    let mut total: u64 = 0;
    let mut mentions_merge = false;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| corrupt(format!("damaged zip: {e}")))?;
        let part = entry.name().map(|n| n.to_string()).unwrap_or_default();
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
        mentions_merge |= sink.found && !is_other_part;
        total += actual;
        if total > limits.max_inflated.saturating_mul(4) {
            return Err(ReadError::TotalTooLarge {
                file: file.to_string(),
                limit: limits.max_inflated.saturating_mul(4),
            });
        }
    }
    Ok(mentions_merge)
}

/// A sink that only notes whether the bytes written to it hold `needle`, also across two writes.
struct FindSink {
    needle: &'static [u8],
    /// The last bytes of the previous write (fewer than the needle), to find a needle split between writes.
    tail: Vec<u8>,
    found: bool,
}

impl FindSink {
    fn new(needle: &'static [u8]) -> FindSink {
        FindSink { needle, tail: Vec::new(), found: false }
    }
}

impl std::io::Write for FindSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
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
    use std::io::Write;

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

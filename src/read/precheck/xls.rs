//! xls: the sheets of the BIFF workbook stream, their declared used ranges and the rectangle their cells and
//! formulas spread over, checked against the cell budget before calamine lays each sheet out densely.

use super::declares;
use crate::read::ReadError;

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
    data.get(at..at + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
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
                let rows = u64::from(self.last.0 - r0) + 1;
                let cols = u64::from(self.last.1 - c0) + 1;
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
        Some((u64::from(last_row - rf) + 1, u64::from(last_col - cf) + 1))
    } else {
        Some((1, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            for r in &records {
                sheet.extend_from_slice(r);
            }
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
}

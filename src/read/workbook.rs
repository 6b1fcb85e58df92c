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
    if bytes.starts_with(b"PK") {
        check_zip(file, &kind, &bytes, limits)?;
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
        let range = match workbook.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                let detail = e.to_string();
                if detail.to_ascii_lowercase().contains("password") {
                    return Err(ReadError::Encrypted { file: file.to_string() });
                }
                return Err(corrupt(format!("sheet '{name}': {detail}")));
            }
        };
        let merged = merged_ranges(&mut workbook, &name);
        tables.push(to_table(&name, &range, merged));
    }
    Ok(tables)
}

fn merged_ranges<RS: Read + std::io::Seek>(workbook: &mut Sheets<RS>, name: &str) -> Vec<(usize, usize, usize, usize)> {
    let dims = match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    dims.iter().map(|d| (d.start.0 as usize + 1, d.start.1 as usize, d.end.0 as usize + 1, d.end.1 as usize)).collect()
}

fn to_table(name: &str, range: &calamine::Range<Data>, merged: Vec<(usize, usize, usize, usize)>) -> RawTable {
    let (start_row, start_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows: Vec<RawRow> = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; start_col];
        cells.extend(row.iter().map(to_cell));
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        rows.push(RawRow { number: start_row + i + 1, cells });
    }
    let first = start_row + 1;
    for &(r0, c0, r1, c1) in &merged {
        let Some(value) = rows.get(r0.wrapping_sub(first)).map(|r| r.cell(c0).clone()) else { continue };
        if value.is_empty() {
            continue;
        }
        for r in r0..=r1.min(first + rows.len() - 1) {
            let row = &mut rows[r - first];
            if row.cells.len() <= c1 {
                row.cells.resize(c1 + 1, Cell::Empty);
            }
            for c in c0..=c1 {
                if row.cells[c].is_empty() {
                    row.cells[c] = value.clone();
                }
            }
        }
    }
    RawTable { sheet: Some(name.to_string()), rows, merged }
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
fn check_zip(file: &str, kind: &str, bytes: &[u8], limits: Limits) -> Result<(), ReadError> {
    let corrupt = |detail: String| ReadError::Corrupt { file: file.to_string(), kind: kind.to_string(), detail };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("the zip package is cut short or damaged: {e}")))?;
    let mut total: u64 = 0;
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
        let actual =
            std::io::copy(&mut (&mut entry).take(limits.max_inflated + 1), &mut std::io::sink()).map_err(|e| {
                if e.to_string().contains("declared uncompressed size") {
                    lying()
                } else {
                    corrupt(format!("damaged zip part `{part}`: {e}"))
                }
            })?;
        if actual > limits.max_inflated || actual > declared {
            return Err(lying());
        }
        total += actual;
        if total > limits.max_inflated.saturating_mul(4) {
            return Err(ReadError::TotalTooLarge {
                file: file.to_string(),
                limit: limits.max_inflated.saturating_mul(4),
            });
        }
    }
    Ok(())
}

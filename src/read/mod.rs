//! Reading input files into [`RawTable`]s: calamine for workbooks, the csv crate for delimited text. Rows keep the
//! numbers the spreadsheet shows (1-based, absolute), and every cell variant becomes a [`Cell`].
//!
//! Only this module and `write.rs` touch the file system.

pub mod delimited;
pub mod workbook;

use std::path::Path;

use sha2::{Digest, Sha256};

/// One cell as read: text, a number (Excel stores `5.10` as the number 5.1), a boolean, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Cell {
    /// The cell as text the way a user would read it (`5.1` for the number 5.1, `TRUE` for true).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }

    /// [`Cell::text`] without copying a text cell (the importer reads every cell several times).
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(s),
            other => std::borrow::Cow::Owned(other.text()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Shortest text for a number: `5.1`, `12`, `0.25`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One row with its spreadsheet row number.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based row number as the spreadsheet shows it.
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl RawRow {
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// One sheet (or the whole of a csv file).
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    /// Sheet name; `None` for csv.
    pub sheet: Option<String>,
    pub rows: Vec<RawRow>,
    /// Merged ranges as (first row, first column, last row, last column), 1-based rows, 0-based columns.
    pub merged: Vec<(usize, usize, usize, usize)>,
}

/// A read input file: its name as given, digest, and sheets in workbook order.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user wrote it.
    pub file: String,
    pub sha256: String,
    pub tables: Vec<RawTable>,
}

const MIB: u64 = 1024 * 1024;

/// Limits that keep hostile files in check.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest inflated size accepted for one workbook part, in bytes (`--max-inflated-mb`, default 256 MiB); all
    /// parts together may inflate to four times this.
    pub max_inflated: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_inflated: 256 * 1024 * 1024 }
    }
}

/// Why an input could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: no such file")]
    NotFound { file: String },
    #[error("{file}: is a directory, not a spreadsheet")]
    IsDirectory { file: String },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: cannot read it: {detail}")]
    Io { file: String, detail: String },
    #[error("{file}: unsupported file type `{ext}`: use xlsx, xlsm, xlsb, xls, ods, csv or tsv")]
    Unsupported { file: String, ext: String },
    #[error("{file}: the workbook is encrypted (password-protected): remove the password in Excel and save a copy, then run again")]
    Encrypted { file: String },
    #[error("{file}: not a readable {kind} workbook ({detail})")]
    Corrupt { file: String, kind: String, detail: String },
    #[error("{file}: part `{part}` declares {size} bytes when inflated, over the limit of {} MiB; refused as a possible decompression bomb (raise the limit with --max-inflated-mb if the file is trusted)", .limit / MIB)]
    TooLarge { file: String, part: String, size: u64, limit: u64 },
    #[error("{file}: part `{part}` inflates to more than the {declared} bytes it declares; refused as a decompression bomb or a damaged file")]
    InflatesTooMuch { file: String, part: String, declared: u64 },
    #[error("{file}: the workbook's parts together inflate to more than {} MiB (four times the per-part limit); refused as a decompression bomb (raise the limit with --max-inflated-mb if the file is trusted)", .limit / MIB)]
    TotalTooLarge { file: String, limit: u64 },
    #[error("{file}: {detail}")]
    Text { file: String, detail: String },
    #[error("{file}: sheet '{sheet}' holds more than {cells} cells or {text_mib} MiB of text; a control list never does, so it is refused (raise the text limit with --max-inflated-mb if the file is trusted)")]
    TooManyCells { file: String, sheet: String, cells: usize, text_mib: u64 },
}

/// Reads a file from disk. `name` is the path as the user wrote it (used in messages).
/// `-` reads standard input, named `stdin` in messages: a workbook when it starts like one, else delimited text.
pub fn read_path(path: &Path, limits: Limits) -> Result<Source, ReadError> {
    if path.as_os_str() == "-" {
        return read_stdin(limits);
    }
    let (file, bytes) = read_file(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    read_bytes(&file, &ext, bytes, limits)
}

/// A file's bytes, with its name as the user wrote it; a folder or a missing file is named as such.
pub fn read_file(path: &Path) -> Result<(String, Vec<u8>), ReadError> {
    let file = path.display().to_string();
    if path.is_dir() {
        return Err(ReadError::IsDirectory { file });
    }
    match std::fs::read(path) {
        Ok(bytes) => Ok((file, bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ReadError::NotFound { file }),
        Err(e) => Err(ReadError::Io { detail: e.to_string(), file }),
    }
}

fn read_stdin(limits: Limits) -> Result<Source, ReadError> {
    use std::io::Read;
    let file = "stdin";
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io { file: file.into(), detail: e.to_string() })?;
    let ext = if bytes.starts_with(b"PK") {
        "xlsx"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "xls"
    } else {
        "csv"
    };
    read_bytes(file, ext, bytes, limits)
}

/// Reads a file already in memory; `ext` chooses the reader (`csv`, `xlsx`, …).
pub fn read_bytes(file: &str, ext: &str, bytes: Vec<u8>, limits: Limits) -> Result<Source, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty { file: file.to_string() });
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    let tables = match ext {
        "csv" | "tsv" | "txt" => vec![delimited::read(file, &bytes)?],
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => workbook::read(file, ext, bytes, limits)?,
        other => return Err(ReadError::Unsupported { file: file.to_string(), ext: other.to_string() }),
    };
    Ok(Source { file: file.to_string(), sha256, tables })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Reads a small text file (a mapping, a profile, a template); errors name the file.
pub fn read_text(path: &Path) -> Result<crate::catalog::data::DataFile, ReadError> {
    let (file, bytes) = read_file(path)?;
    Ok(crate::catalog::data::DataFile { name: file, text: delimited::decode(&bytes) })
}

/// The data files present in a data directory, by name. Anything there by a data file's name that is not a file (a
/// folder, a link to nothing, a pipe) is an error rather than silently left out.
pub fn read_data_dir(dir: &Path) -> Result<Vec<(String, crate::catalog::data::DataFile)>, ReadError> {
    if !dir.is_dir() {
        return Err(ReadError::Io { file: dir.display().to_string(), detail: "not a folder".into() });
    }
    let mut out = Vec::new();
    for name in crate::catalog::data::NAMES {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        if !path.is_file() {
            let what = if path.is_dir() { "a folder" } else { "not a regular file" };
            return Err(ReadError::Io {
                file: path.display().to_string(),
                detail: format!("{what}, but --data-dir reads `{name}` as a data file"),
            });
        }
        out.push((name.to_string(), read_text(&path)?));
    }
    Ok(out)
}

/// Expands folders into the spreadsheets they hold (sorted by name); files are kept as given.
pub fn expand_inputs(inputs: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(input)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            found.retain(|p| {
                p.is_file()
                    && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        matches!(
                            e.to_ascii_lowercase().as_str(),
                            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" | "csv" | "tsv"
                        )
                    })
                    && !p
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.') || n.starts_with("~$") || n.contains(".crosswalk."))
            });
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    out
}

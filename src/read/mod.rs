//! Reading input files into [`RawTable`]s: calamine for workbooks, the csv crate for delimited text. Rows keep the
//! numbers the spreadsheet shows (1-based, absolute), and every cell variant becomes a [`Cell`].
//!
//! Only this module and `write.rs` touch the file system.

pub mod delimited;
pub mod isolate;
mod precheck;
pub mod sniff;
pub mod workbook;

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use sniff::Kind;

/// One cell as read: text, a number (Excel stores `5.10` as the number 5.1), a boolean, or nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawTable {
    /// Sheet name; `None` for csv.
    pub sheet: Option<String>,
    pub rows: Vec<RawRow>,
    /// Merged ranges as (first row, first column, last row, last column), 1-based rows, 0-based columns.
    pub merged: Vec<(usize, usize, usize, usize)>,
}

/// A read input file: its name as given, digest, and sheets in workbook order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    /// The path as the user wrote it.
    pub file: String,
    pub sha256: String,
    pub tables: Vec<RawTable>,
}

const MIB: u64 = 1024 * 1024;

/// Limits that keep hostile files in check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest inflated size accepted for one workbook part, in bytes (`--max-inflated-mb`, default 256 MiB); all
    /// parts together may inflate to four times this. A csv file may be this large, and a workbook may hold a
    /// quarter of it as cell text.
    pub max_inflated: u64,
    /// Memory a reader may use, in MiB (`--max-memory-mb`; 0: no limit). Enforced where each input is read in a
    /// child process (unix).
    pub max_memory_mib: u64,
    /// Seconds a reader may take (`--timeout-s`; 0: no limit). Enforced where each input is read in a child
    /// process (unix).
    pub timeout_s: u64,
}

/// Default of `--max-memory-mb`: far above what a control list needs (tens of MiB), far below what a crafted file
/// would take.
pub const DEFAULT_MAX_MEMORY_MIB: u64 = 2048;
/// Default of `--timeout-s`: a 100,000-row workbook reads in a few seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 120;

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_inflated: 256 * MIB, max_memory_mib: DEFAULT_MAX_MEMORY_MIB, timeout_s: DEFAULT_TIMEOUT_S }
    }
}

impl Limits {
    /// Most bytes of cell text one workbook may hold.
    pub fn max_text(&self) -> u64 {
        self.max_inflated / 4
    }
}

/// Why an input could not be read. Every variant names the file. (Serialisable: a reader in a child process
/// sends its error back as it is.)
#[derive(Debug, thiserror::Error, Serialize, Deserialize)]
pub enum ReadError {
    #[error("{file}: no such file")]
    NotFound { file: String },
    #[error("{file}: is a directory, not a spreadsheet")]
    IsDirectory { file: String },
    #[error("{file}: is not a regular file (a pipe, socket or device); save it to a file, or give `-` to read stdin")]
    NotRegular { file: String },
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
    #[error("{file}: the workbook holds more than {cells} cells (counting the empty ones up to the last filled cell of each row) or {text_mib} MiB of text, reached in sheet '{sheet}'; a control list never does, so it is refused (raise the text limit with --max-inflated-mb if the file is trusted)")]
    TooManyCells { file: String, sheet: String, cells: usize, text_mib: u64 },
    #[error("{file}: sheet '{sheet}' {detail}; refused before reading it, as a damaged or crafted file")]
    Declares { file: String, sheet: String, detail: String },
    #[error("{file}: the zip package holds two parts named `{part}`; refused as a damaged or crafted file")]
    DuplicatePart { file: String, part: String },
    #[error("{file}: is {size} bytes, over the limit of {} MiB for delimited text (raise it with --max-inflated-mb if the file is trusted)", .limit / MIB)]
    TextTooLarge { file: String, size: u64, limit: u64 },
    #[error("{file}: is more than {} MiB, over the limit for any input (four times --max-inflated-mb; raise that if the file is trusted)", .limit / MIB)]
    InputTooLarge { file: String, limit: u64 },
    #[error("{file}: line {line}: {detail}")]
    Line { file: String, line: usize, detail: String },
    #[error("{file}: line {line}: a quoted cell opens here and {end}, so lines {line}-{last} would be read into one cell; close the quote, or write a quote inside a cell as \"\"")]
    UnclosedQuote { file: String, line: usize, last: usize, end: String },
    #[error("{file}: the reader failed on this file ({detail}); it is probably damaged: open it in a spreadsheet program, save a copy and run again")]
    ReaderPanicked { file: String, detail: String },
    #[error("{file}: reading it needed more than {limit_mib} MiB of memory and was stopped; the file is probably damaged or crafted (raise the limit with --max-memory-mb if it is trusted)")]
    OutOfMemory { file: String, limit_mib: u64 },
    #[error("{file}: reading it took more than {seconds} s and was stopped; the file is probably damaged or crafted (raise the limit with --timeout-s if it is trusted)")]
    TimedOut { file: String, seconds: u64 },
    #[error("{file}: the reader stopped without an answer ({detail}); the file is probably damaged or crafted")]
    ReaderDied { file: String, detail: String },
}

/// Reads a file from disk. `name` is the path as the user wrote it (used in messages).
/// `-` reads standard input, named `stdin` in messages. The type is checked from the name before the file is read
/// and from its first bytes before it is parsed: a workbook when it starts like one, else delimited text.
pub fn read_path(path: &Path, limits: Limits) -> Result<Source, ReadError> {
    if path.as_os_str() == "-" {
        return read_stdin(limits);
    }
    let file = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !sniff::is_supported_extension(&ext) {
        if path.is_dir() {
            return Err(ReadError::IsDirectory { file });
        }
        if !path.exists() {
            return Err(ReadError::NotFound { file });
        }
        return Err(ReadError::Unsupported { file, ext });
    }
    let bytes = read_input_file(path, &file, limits)?;
    read_bytes(&file, &ext, bytes, limits)
}

/// An input's bytes, refused unread when larger than any input the limits allow.
fn read_input_file(path: &Path, file: &str, limits: Limits) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound { file: file.to_string() },
        _ => ReadError::Io { file: file.to_string(), detail: e.to_string() },
    };
    if path.is_dir() {
        return Err(ReadError::IsDirectory { file: file.to_string() });
    }
    // Opening a named pipe would wait for a writer: refuse anything but a regular file before opening it.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(ReadError::NotRegular { file: file.to_string() });
    }
    let mut f = std::fs::File::open(path).map_err(io)?;
    let largest = largest_input(limits);
    let size = f.metadata().map_err(io)?.len();
    if size > largest {
        return Err(ReadError::InputTooLarge { file: file.to_string(), limit: largest });
    }
    if size > limits.max_inflated {
        // Delimited text may not exceed the limit at all: tell it from its first bytes before reading it whole.
        let mut head = [0u8; 8];
        let n = (&mut f).take(8).read(&mut head).map_err(io)?;
        if sniff::container(&head[..n]) == sniff::Container::Text {
            return Err(ReadError::TextTooLarge { file: file.to_string(), size, limit: limits.max_inflated });
        }
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(0)).map_err(io)?;
    }
    let mut bytes = Vec::with_capacity(size as usize);
    (&mut f).take(largest + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > largest {
        return Err(ReadError::InputTooLarge { file: file.to_string(), limit: largest });
    }
    Ok(bytes)
}

/// The largest file read at all: a workbook's compressed parts never exceed what they may inflate to.
fn largest_input(limits: Limits) -> u64 {
    limits.max_inflated.saturating_mul(4)
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
    let largest = largest_input(limits);
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(largest + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io { file: file.into(), detail: e.to_string() })?;
    if bytes.len() as u64 > largest {
        return Err(ReadError::InputTooLarge { file: file.into(), limit: largest });
    }
    read_bytes(file, "", bytes, limits)
}

/// Reads a file already in memory. The reader is chosen by the first bytes (a zip package, an OLE container, else
/// delimited text); `ext` (`csv`, `xlsx`, …, or empty) only words the errors.
pub fn read_bytes(file: &str, ext: &str, bytes: Vec<u8>, limits: Limits) -> Result<Source, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty { file: file.to_string() });
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    let tables = match sniff::container(&bytes) {
        sniff::Container::Text if sniff::is_workbook_extension(ext) => {
            return Err(ReadError::Corrupt {
                file: file.to_string(),
                kind: ext.to_string(),
                detail: "it is neither a zip package nor an xls file, as a workbook must be".to_string(),
            })
        }
        sniff::Container::Text => {
            if bytes.len() as u64 > limits.max_inflated {
                return Err(ReadError::TextTooLarge {
                    file: file.to_string(),
                    size: bytes.len() as u64,
                    limit: limits.max_inflated,
                });
            }
            vec![delimited::read(file, &bytes)?]
        }
        container => workbook::read(file, ext, container, bytes, limits)?,
    };
    Ok(Source { file: file.to_string(), sha256, tables })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
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
            // Regular files and anything else with a spreadsheet's name (a pipe named `soa.csv` is reported as
            // that input's failure, never left out); folders are not entered.
            found.retain(|p| {
                !p.is_dir()
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

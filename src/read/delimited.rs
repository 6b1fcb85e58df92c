//! Delimited text (csv, tsv): encoding, delimiter sniffing, comment lines, ragged rows. Before the csv crate
//! parses a byte, [`scan`] checks the text against the caps (cell, row and file sizes) and refuses a quote that
//! never closes, which would otherwise swallow every following row into one cell.

use super::{Cell, RawRow, RawTable, ReadError};

/// Longest cell: a spreadsheet cell holds at most 32,767 characters, at most 4 bytes each in UTF-8.
pub const MAX_CELL_BYTES: usize = 128 * 1024;
/// Most cells in one row: the widest spreadsheet has 16,384 columns.
pub const MAX_ROW_CELLS: usize = 16_384;
/// Longest row, in bytes.
pub const MAX_ROW_BYTES: usize = 16 * 1024 * 1024;
/// Most cells in one file (filled or not), as for a workbook.
pub const MAX_CELLS: usize = super::workbook::MAX_CELLS;

/// Reads delimited text into one table. Rows keep their line numbers (the first line is row 1).
pub fn read(file: &str, bytes: &[u8]) -> Result<RawTable, ReadError> {
    let mut text = decode(bytes);
    if text.contains('\0') {
        text = text.replace('\0', "");
    }
    let delimiter = sniff_delimiter(&text);
    scan(&text, delimiter).map_err(|e| e.into_error(file))?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // Row numbers as a spreadsheet shows them: count the line breaks before each record's first byte, going
    // forward from the previous record (the reader's position may sit on blank lines it skipped).
    let bytes_of_text = text.as_bytes();
    let (mut at, mut line) = (0usize, 1usize);
    let mut line_of = |byte: u64| {
        let mut to = (byte as usize).min(bytes_of_text.len());
        while to < bytes_of_text.len() && matches!(bytes_of_text[to], b'\n' | b'\r') {
            to += 1;
        }
        if to >= at {
            line += line_breaks(bytes_of_text, at, to);
            at = to;
        }
        line
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => ReadError::Line { file: file.to_string(), line: line_of(p.byte()), detail: e.to_string() },
            None => ReadError::Text { file: file.to_string(), detail: e.to_string() },
        })?;
        let number = record.position().map_or(rows.len() + 1, |p| line_of(p.byte()));
        let cells =
            record.iter().map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect();
        rows.push(RawRow { number, cells });
    }
    Ok(RawTable { sheet: None, rows, merged: Vec::new() })
}

/// The line breaks in `bytes[from..to]`: `\n`, `\r\n`, and a `\r` alone (old Mac files; the csv crate ends a
/// record there too).
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    let lone_cr =
        memchr::memchr_iter(b'\r', &bytes[from..to]).filter(|&i| bytes.get(from + i + 1) != Some(&b'\n')).count();
    memchr::memchr_iter(b'\n', &bytes[from..to]).count() + lone_cr
}

/// What [`scan`] found wrong, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    CellTooLong {
        line: usize,
    },
    RowTooWide {
        line: usize,
    },
    RowTooLong {
        line: usize,
    },
    TooManyCells {
        line: usize,
    },
    /// A quoted cell opening on `line` never closes (`closed: None`), or closes only in the middle of a cell on a
    /// later line.
    UnclosedQuote {
        line: usize,
        last: usize,
        closed: Option<usize>,
    },
}

impl ScanError {
    fn into_error(self, file: &str) -> ReadError {
        let file = file.to_string();
        let line_error = |line, detail: String| ReadError::Line { file: file.clone(), line, detail };
        match self {
            ScanError::CellTooLong { line } => line_error(line, format!("a cell holds more than {} KiB of text (a spreadsheet cell holds at most 32,767 characters); a damaged file?", MAX_CELL_BYTES / 1024)),
            ScanError::RowTooWide { line } => line_error(line, format!("a row holds more than {MAX_ROW_CELLS} cells (the widest spreadsheet has 16,384 columns); a damaged file?")),
            ScanError::RowTooLong { line } => line_error(line, format!("a row is longer than {} MiB; a damaged file?", MAX_ROW_BYTES / (1024 * 1024))),
            ScanError::TooManyCells { line } => line_error(line, format!("the file holds more than {MAX_CELLS} cells by here; a control list never does, so it is refused")),
            ScanError::UnclosedQuote { line, last, closed } => ReadError::UnclosedQuote {
                file,
                line,
                last,
                end: match closed {
                    None => "never closes".to_string(),
                    Some(at) => format!("closes only inside a cell on line {at}"),
                },
            },
        }
    }
}

/// Where [`scan`] is inside a cell.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Start,
    Field,
    Quoted,
    QuoteInQuoted,
}

/// [`scan`]'s place in the text: the line, the row and cell it is in, and what it has counted.
struct Scanner {
    delimiter: u8,
    state: State,
    line: usize,
    row_open: bool,
    row_start: usize,
    row_line: usize,
    cells_in_row: usize,
    cells: usize,
    cell_start: usize,
    quote_line: usize,
}

impl Scanner {
    fn new(delimiter: u8) -> Scanner {
        Scanner {
            delimiter,
            state: State::Start,
            line: 1,
            row_open: false,
            row_start: 0,
            row_line: 1,
            cells_in_row: 0,
            cells: 0,
            cell_start: 0,
            quote_line: 1,
        }
    }

    /// A row starts at byte `i`.
    fn open_row(&mut self, i: usize) {
        self.row_open = true;
        self.row_start = i;
        self.row_line = self.line;
        self.cells_in_row = 0;
        self.cell_start = i;
    }

    /// A delimiter at byte `i` ends a cell.
    fn end_cell(&mut self, i: usize) {
        self.cells_in_row += 1;
        self.cells += 1;
        self.cell_start = i + 1;
    }

    /// A line break ends the row (and its last cell).
    fn end_row(&mut self) {
        self.cells_in_row += 1;
        self.cells += 1;
        self.row_open = false;
    }

    /// Reads byte `b` at `i`: the quoting state machine.
    fn read(&mut self, i: usize, b: u8) -> Result<(), ScanError> {
        let line_break = b == b'\n' || b == b'\r';
        match self.state {
            State::Start | State::Field => {
                if line_break {
                    if self.row_open {
                        self.end_row();
                    }
                    self.state = State::Start;
                } else if b == self.delimiter {
                    self.end_cell(i);
                    self.state = State::Start;
                } else if b == b'"' && self.state == State::Start {
                    self.quote_line = self.line;
                    self.state = State::Quoted;
                } else {
                    self.state = State::Field;
                }
            }
            State::Quoted => {
                if b == b'"' {
                    self.state = State::QuoteInQuoted;
                }
            }
            State::QuoteInQuoted => {
                if b == b'"' {
                    self.state = State::Quoted;
                } else if b == self.delimiter {
                    self.state = State::Start;
                    self.end_cell(i);
                } else if line_break {
                    self.state = State::Start;
                    self.end_row();
                } else {
                    // Text after the closing quote: the quote did not close the cell where the writer meant it
                    // to. Harmless within one line; across lines, rows were swallowed.
                    if self.line > self.quote_line && !matches!(b, b' ' | b'\t') {
                        let (line, last) = (self.quote_line, self.line);
                        return Err(ScanError::UnclosedQuote { line, last, closed: Some(last) });
                    }
                    self.state = State::Field;
                }
            }
        }
        Ok(())
    }

    /// The caps, checked after byte `i`: cell and row length, cells in the row and in the file.
    fn check(&self, i: usize) -> Result<(), ScanError> {
        let line = self.line;
        if self.row_open || self.state == State::Quoted {
            if i + 1 - self.cell_start > MAX_CELL_BYTES {
                return Err(if self.state == State::Quoted && line > self.quote_line {
                    ScanError::UnclosedQuote { line: self.quote_line, last: line, closed: None }
                } else {
                    ScanError::CellTooLong { line }
                });
            }
            if i + 1 - self.row_start > MAX_ROW_BYTES {
                return Err(ScanError::RowTooLong { line: self.row_line });
            }
        }
        if self.cells_in_row > MAX_ROW_CELLS {
            return Err(ScanError::RowTooWide { line: self.row_line });
        }
        if self.cells > MAX_CELLS {
            return Err(ScanError::TooManyCells { line });
        }
        Ok(())
    }
}

/// Checks delimited text the way the csv crate will split it (RFC 4180 quoting, `""` for a quote inside a
/// quoted cell, blank lines skipped): every cell, row and the whole file within the caps, and every quoted cell
/// that runs over a line break closed properly. Costs one pass and no allocation.
pub fn scan(text: &str, delimiter: u8) -> Result<(), ScanError> {
    let bytes = text.as_bytes();
    let mut scanner = Scanner::new(delimiter);
    for (i, &b) in bytes.iter().enumerate() {
        if !scanner.row_open && !matches!(b, b'\n' | b'\r') {
            scanner.open_row(i);
        }
        scanner.read(i, b)?;
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            scanner.line += 1;
        }
        scanner.check(i)?;
    }
    if scanner.state == State::Quoted {
        let last = scanner.line - usize::from(matches!(bytes.last(), Some(b'\n' | b'\r')));
        return Err(ScanError::UnclosedQuote { line: scanner.quote_line, last, closed: None });
    }
    Ok(())
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else piece by piece: every run of valid UTF-8 stays UTF-8 and each
/// byte that is not is read as Windows-1252 (what Excel writes on a French or German PC). A 1252 file so reads as
/// 1252, and one pasted 1252 byte in a UTF-8 file changes only itself, not the accents around it, even on its line.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => decode_mixed(bytes),
    }
}

/// Valid UTF-8 as it is, every other byte as Windows-1252.
fn decode_mixed(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
        }
    }
    out
}

/// The delimiter that splits the first non-comment lines most consistently: `,` `;` tab or `|`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> =
        text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty()).take(20).collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(&first) = counts.first() else { continue };
        if first == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        let score = consistent * 100 + first;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_and_tabs() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter("# note, with comma\na|b|c\n1|2|3\n"), b'|');
        assert_eq!(sniff_delimiter("a,b\n\"x;y\",2\n"), b',');
    }

    #[test]
    fn decodes_windows_1252_and_utf16() {
        assert_eq!(decode(b"Ma\xdfnahme"), "Maßnahme");
        assert_eq!(decode(b"\xef\xbb\xbfRef"), "Ref");
        assert_eq!(decode(&[0xff, 0xfe, b'R', 0, b'e', 0, b'f', 0]), "Ref");
    }

    #[test]
    fn a_stray_1252_byte_changes_only_itself() {
        let mixed = decode(b"A.5.1;S\xc3\xa9curit\xc3\xa9\nA.5.2;Ma\xdfnahme\r\nA.5.3;\xc3\xa9\n\xe9");
        assert_eq!(mixed, "A.5.1;Sécurité\nA.5.2;Maßnahme\r\nA.5.3;é\né");
        // UTF-8 accents and a 1252 byte on one line: each read as what it is.
        assert_eq!(
            decode(b"A.5.1;S\xc3\xa9curit\xc3\xa9 \x96 Ma\xdfnahme f\xfcr \xc3\xa9quipes"),
            "A.5.1;Sécurité – Maßnahme für équipes"
        );
        // A whole 1252 line, and bytes 0x80-0x9F (Windows-1252 punctuation).
        assert_eq!(decode(b"Contr\xf4le d\x92acc\xe8s \x93privil\xe9gi\xe9\x94"), "Contrôle d’accès “privilégié”");
    }

    #[test]
    fn utf16_files_and_stray_nul_bytes() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Ref;Control\nA.5.1;Policies\n".encode_utf16().flat_map(u16::to_le_bytes));
        let t = read("x.csv", &utf16).unwrap();
        assert_eq!(t.rows[1].cells, [Cell::Text("A.5.1".into()), Cell::Text("Policies".into())]);
        let t = read("x.csv", b"Ref,Control\nA.5.\x001,Pol\x00icies\n").unwrap();
        assert_eq!(t.rows[1].cells, [Cell::Text("A.5.1".into()), Cell::Text("Policies".into())]);
    }

    #[test]
    fn scan_finds_quotes_that_never_close_and_leaves_good_ones() {
        let unclosed = "id,title\nA.5.1,\"Roles and \"\"duties,Yes\nA.5.2,Other,Yes\n";
        assert_eq!(scan(unclosed, b','), Err(ScanError::UnclosedQuote { line: 2, last: 3, closed: None }));
        let late = "id,title\nA.5.1,\"Roles,Yes\nA.5.2,\"Other\",Yes\n";
        assert_eq!(scan(late, b','), Err(ScanError::UnclosedQuote { line: 2, last: 3, closed: Some(3) }));
        assert_eq!(scan("id,title\r\nA.5.1,\"two\r\nlines, \"\"quoted\"\"\"\r\nA.5.2,x\r\n", b','), Ok(()));
        assert_eq!(scan("a,\"b\"c,d\n", b','), Ok(()), "text after a quote on the same line is harmless");
        assert_eq!(scan("a;\"b;c\"\n", b';'), Ok(()));
    }

    #[test]
    fn scan_caps_rows_cells_and_files() {
        assert_eq!(scan(&format!("a\n{}\n", ",".repeat(MAX_ROW_CELLS)), b','), Err(ScanError::RowTooWide { line: 2 }));
        assert_eq!(scan(&",".repeat(MAX_ROW_CELLS - 1), b','), Ok(()));
        assert_eq!(
            scan(&format!("a\nb,{}\n", "x".repeat(MAX_CELL_BYTES + 1)), b','),
            Err(ScanError::CellTooLong { line: 2 })
        );
        assert_eq!(scan(&"\n".repeat(100_000), b','), Ok(()), "blank lines are no cells");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // Found by fuzzing: the csv crate ends a record at a lone `\r`, so the next row is on the next line.
        let t = read("x.csv", b"id;title\r\nA.5.1;Policies\r\x06A.5.2;Roles\r\nA.5.3;Duties\n").unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        let t = read("x.csv", b"id,title\rA.5.1,Policies\rA.5.2,Roles\r").unwrap();
        assert_eq!(t.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn keeps_line_numbers_and_ragged_rows() {
        let t = read("x.csv", b"id,title\nA.5.1,Policies\n\nA.5.2\n").unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4]);
        assert_eq!(t.rows[2].cells.len(), 1);
    }
}

//! Delimited text (csv, tsv): encoding, delimiter sniffing, comment lines, ragged rows.

use super::{Cell, RawRow, RawTable, ReadError};

/// Reads delimited text into one table. Rows keep their line numbers (the first line is row 1).
pub fn read(file: &str, bytes: &[u8]) -> Result<RawTable, ReadError> {
    let text = decode(bytes);
    let text = text.replace('\0', "");
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // Row numbers as a spreadsheet shows them: count the line breaks before each record's first byte.
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let bytes_of_text = text.as_bytes();
    let line_of = |byte: u64| {
        // The reader's position may sit on blank lines it skipped before the record.
        let mut at = byte as usize;
        while at < bytes_of_text.len() && matches!(bytes_of_text[at], b'\n' | b'\r') {
            at += 1;
        }
        line_starts.partition_point(|&s| s <= at)
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Text {
            file: file.to_string(),
            detail: match e.position() {
                Some(p) => format!("row {}: {e}", line_of(p.byte())),
                None => e.to_string(),
            },
        })?;
        let number = record.position().map_or(rows.len() + 1, |p| line_of(p.byte()));
        let cells =
            record.iter().map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect();
        rows.push(RawRow { number, cells });
    }
    Ok(RawTable { sheet: None, rows, merged: Vec::new() })
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else line by line: each line that is valid UTF-8 stays UTF-8 and
/// any other line is Windows-1252 (what Excel writes on a French or German PC). One pasted 1252 byte in a UTF-8 file
/// so changes only its own line, not every accent of the file.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => decode_lines(bytes),
    }
}

/// Each line as UTF-8 when it is valid UTF-8, else as Windows-1252 (a line break is never inside a UTF-8 sequence).
fn decode_lines(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(line).0),
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
    fn a_stray_1252_byte_changes_only_its_line() {
        let mixed = decode(b"A.5.1;S\xc3\xa9curit\xc3\xa9\nA.5.2;Ma\xdfnahme\r\nA.5.3;\xc3\xa9\n\xe9");
        assert_eq!(mixed, "A.5.1;Sécurité\nA.5.2;Maßnahme\r\nA.5.3;é\né");
    }

    #[test]
    fn utf16_files_and_stray_nul_bytes() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Ref;Control\nA.5.1;Policies\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let t = read("x.csv", &utf16).unwrap();
        assert_eq!(t.rows[1].cells, [Cell::Text("A.5.1".into()), Cell::Text("Policies".into())]);
        let t = read("x.csv", b"Ref,Control\nA.5.\x001,Pol\x00icies\n").unwrap();
        assert_eq!(t.rows[1].cells, [Cell::Text("A.5.1".into()), Cell::Text("Policies".into())]);
    }

    #[test]
    fn keeps_line_numbers_and_ragged_rows() {
        let t = read("x.csv", b"id,title\nA.5.1,Policies\n\nA.5.2\n").unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4]);
        assert_eq!(t.rows[2].cells.len(), 1);
    }
}

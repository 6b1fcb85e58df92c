//! Write-back into the client's own xlsx: our columns appended to the right of the sheet we read, every other byte of
//! the package kept. The sheet part is spliced, not re-serialised: the XML is scanned for `<row>` elements and new
//! inline-string cells are inserted before each `</row>`; every other zip entry is copied raw (compressed bytes as
//! they were), so cells, styles, merged ranges, formulas, widths, validations, defined names and macros stay as the
//! client saved them. Pure: bytes in, bytes out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Why a workbook cannot be annotated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AnnotateError {
    #[error("not an xlsx package: {0}")]
    Package(String),
    #[error("the workbook has no sheet named '{0}'")]
    NoSheet(String),
    #[error("the workbook holds macros (xl/vbaProject.bin): name the output .xlsm so Excel keeps them")]
    Macros,
    #[error("sheet part `{part}` does not read as XML: {detail}")]
    Xml { part: String, detail: String },
}

/// What to append: header cells on `header_row`, and one list of values per row number (as the sheet shows it).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub header_row: u32,
    pub headers: Vec<String>,
    pub rows: BTreeMap<u32, Vec<String>>,
}

/// The annotated package and how many rows received values.
#[derive(Debug)]
pub struct Annotated {
    pub bytes: Vec<u8>,
    pub rows_written: usize,
    /// The first appended column, as Excel names it (`I`).
    pub first_column: String,
}

/// Appends `columns` to sheet `sheet` of the xlsx package `bytes`. `macros_ok`: the output keeps a macro-enabled
/// name, so a `vbaProject.bin` may stay.
pub fn annotate(bytes: &[u8], sheet: &str, columns: &Columns, macros_ok: bool) -> Result<Annotated, AnnotateError> {
    let pkg = |e: zip::result::ZipError| AnnotateError::Package(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(pkg)?;
    if zip.by_name("xl/vbaProject.bin").is_ok() && !macros_ok {
        return Err(AnnotateError::Macros);
    }
    let part = sheet_part(&mut zip, sheet)?;
    let xml = read_part(&mut zip, &part)?;
    let (spliced, rows_written, first_column) =
        splice(&xml, columns).map_err(|detail| AnnotateError::Xml { part: part.clone(), detail })?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(pkg)?;
        if entry.name().is_ok_and(|n| n == part) {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(entry.last_modified().unwrap_or_default());
            drop(entry);
            out.start_file(part.as_str(), options).map_err(pkg)?;
            out.write_all(&spliced).map_err(|e| AnnotateError::Package(e.to_string()))?;
        } else {
            out.raw_copy_file(entry).map_err(pkg)?;
        }
    }
    let bytes = out.finish().map_err(pkg)?.into_inner();
    Ok(Annotated { bytes, rows_written, first_column })
}

fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, AnnotateError> {
    let mut f = zip.by_name(name).map_err(|e| AnnotateError::Package(format!("`{name}`: {e}")))?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).map_err(|e| AnnotateError::Package(format!("`{name}`: {e}")))?;
    Ok(buf)
}

/// The zip path of a sheet's part, through `xl/workbook.xml` and its relationships.
fn sheet_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, sheet: &str) -> Result<String, AnnotateError> {
    let workbook = read_part(zip, "xl/workbook.xml")?;
    let xml_err = |part: &str, e: String| AnnotateError::Xml { part: part.into(), detail: e };
    let mut rid = None;
    let mut reader = Reader::from_reader(workbook.as_slice());
    loop {
        match reader.read_event().map_err(|e| xml_err("xl/workbook.xml", e.to_string()))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let name = attr(&e, |k| k == "name");
                if name.as_deref() == Some(sheet) {
                    rid = attr(&e, |k| k.ends_with(":id"));
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let rid = rid.ok_or_else(|| AnnotateError::NoSheet(sheet.to_string()))?;
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let mut reader = Reader::from_reader(rels.as_slice());
    loop {
        match reader.read_event().map_err(|e| xml_err("xl/_rels/workbook.xml.rels", e.to_string()))? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, |k| k == "Id").as_deref() == Some(rid.as_str()) =>
            {
                let target = attr(&e, |k| k == "Target").unwrap_or_default();
                return Ok(match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Err(AnnotateError::NoSheet(sheet.to_string()))
}

/// An attribute's unescaped value, the first whose key matches.
fn attr(e: &BytesStart, key: impl Fn(&str) -> bool) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| key(a.key.as_ref()))
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(std::borrow::Cow::into_owned))
}

/// The sheet XML with the new cells inserted, the rows that got values, and the first new column.
fn splice(xml: &[u8], columns: &Columns) -> Result<(Vec<u8>, usize, String), String> {
    // First pass: the widest column in use, so ours go to its right.
    let first = widest_column(xml)? + 1;
    let last = first + columns.headers.len().max(1) as u32 - 1;
    // Second pass: copy the bytes, inserting before each `</row>` (or expanding `<row/>`) that has values.
    let mut out = Vec::with_capacity(xml.len() + columns.rows.len() * 200);
    let mut copied = 0usize;
    let mut reader = Reader::from_reader(xml);
    let mut current: Option<(u32, String)> = None;
    let mut written = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                current = row_of(&e);
                if current.as_ref().is_some_and(|(n, _)| *n == columns.header_row || columns.rows.contains_key(n)) {
                    widen_spans(xml, before, after, &e, last, &mut out, &mut copied);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                if let Some((n, prefix)) = current.take() {
                    if let Some(cells) = cells_for(columns, n, first, &prefix) {
                        out.extend_from_slice(&xml[copied..before]);
                        out.extend_from_slice(cells.as_bytes());
                        copied = before;
                        written += usize::from(n != columns.header_row);
                    }
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "row" => {
                if let Some((n, prefix)) = row_of(&e) {
                    if let Some(cells) = cells_for(columns, n, first, &prefix) {
                        widen_spans(xml, before, after, &e, last, &mut out, &mut copied);
                        let open = xml[copied.max(before)..after]
                            .strip_suffix(b"/>")
                            .ok_or("a `<row/>` element without `/>`")?;
                        if copied <= before {
                            out.extend_from_slice(&xml[copied..before]);
                        }
                        open_empty_row(open, &cells, &prefix, &mut out);
                        copied = after;
                        written += usize::from(n != columns.header_row);
                    }
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "dimension" => {
                widen_dimension(xml, before, after, &e, last, &mut out, &mut copied);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.extend_from_slice(&xml[copied..]);
    Ok((out, written, column_name(first)))
}

/// The widest column any cell of the sheet names (0 when none).
fn widest_column(xml: &[u8]) -> Result<u32, String> {
    let mut max_col = 0u32;
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "c" => {
                if let Some((col, _)) = attr(&e, |k| k == "r").as_deref().and_then(split_ref) {
                    max_col = max_col.max(col);
                }
            }
            Event::Eof => return Ok(max_col),
            _ => {}
        }
    }
}

/// `<row r="5" …/>` written as `<row r="5" …>cells</row>`: `open` is the element without its `/>`.
fn open_empty_row(open: &[u8], cells: &str, prefix: &str, out: &mut Vec<u8>) {
    let open = open.strip_suffix(b" ").unwrap_or(open);
    out.extend_from_slice(open);
    out.push(b'>');
    out.extend_from_slice(cells.as_bytes());
    out.extend_from_slice(format!("</{prefix}row>").as_bytes());
}

/// `A1:H40` -> `A1:K40`: the used range takes in the new columns, copying up to it.
fn widen_dimension(
    xml: &[u8],
    before: usize,
    after: usize,
    e: &BytesStart,
    last: u32,
    out: &mut Vec<u8>,
    copied: &mut usize,
) {
    let Some(range) = attr(e, |k| k == "ref") else { return };
    let (start, end) = range.split_once(':').unwrap_or((range.as_str(), range.as_str()));
    let Some((col, row)) = split_ref(end) else { return };
    let widened = format!("{start}:{}{row}", column_name(col.max(last)));
    replace_in(xml, before..after, &format!("\"{range}\""), &format!("\"{widened}\""), out, copied);
}

/// A row's `spans="1:6"` hint widened to take in the new columns (`1:9`), copying up to it.
fn widen_spans(
    xml: &[u8],
    before: usize,
    after: usize,
    e: &BytesStart,
    last: u32,
    out: &mut Vec<u8>,
    copied: &mut usize,
) {
    let Some(spans) = attr(e, |k| k == "spans") else { return };
    let Some((a, b)) = spans.split_once(':') else { return };
    let Ok(b) = b.parse::<u32>() else { return };
    if b >= last {
        return;
    }
    replace_in(xml, before..after, &format!("spans=\"{spans}\""), &format!("spans=\"{a}:{last}\""), out, copied);
}

/// The first `old` within `xml[within]` written as `new`: copies `xml` up to it (from `copied`) and moves `copied`
/// past it; nothing when `old` is not there.
fn replace_in(xml: &[u8], within: std::ops::Range<usize>, old: &str, new: &str, out: &mut Vec<u8>, copied: &mut usize) {
    if let Some(at) = find(&xml[within.clone()], old.as_bytes()) {
        out.extend_from_slice(&xml[*copied..within.start + at]);
        out.extend_from_slice(new.as_bytes());
        *copied = within.start + at + old.len();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A row element's number and the namespace prefix its cells need (`x:` or empty).
fn row_of(e: &BytesStart) -> Option<(u32, String)> {
    let n = attr(e, |k| k == "r")?.parse().ok()?;
    let name = e.name();
    let prefix = name.prefix().map(|p| format!("{}:", p.as_ref())).unwrap_or_default();
    Some((n, prefix))
}

/// Inline-string cells for row `n`, or `None` when the row gets nothing.
fn cells_for(columns: &Columns, n: u32, first: u32, prefix: &str) -> Option<String> {
    let values: &[String] = if n == columns.header_row { &columns.headers } else { columns.rows.get(&n)? };
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_empty() {
            continue;
        }
        let r = format!("{}{n}", column_name(first + i as u32));
        let _ = write!(s,
            "<{prefix}c r=\"{r}\" t=\"inlineStr\"><{prefix}is><{prefix}t xml:space=\"preserve\">{}</{prefix}t></{prefix}is></{prefix}c>",
            escape(v)
        );
    }
    Some(s)
}

/// Text for XML: markup escaped, characters XML 1.0 forbids dropped.
fn escape(v: &str) -> String {
    let kept: String = v.chars().filter(|c| matches!(c, '\t' | '\n' | '\r') || *c >= ' ').collect();
    quick_xml::escape::escape(kept.as_str()).into_owned()
}

/// `AB12` -> (28, 12).
fn split_ref(r: &str) -> Option<(u32, u32)> {
    let letters: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return None;
    }
    let col = letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1));
    let row = r[letters.len()..].trim_start_matches('$').parse().ok()?;
    Some((col, row))
}

/// 1 -> `A`, 28 -> `AB`.
pub fn column_name(mut n: u32) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_go_before_the_end_of_each_row_and_the_dimension_widens() {
        let xml = br#"<?xml version="1.0"?><worksheet><dimension ref="A1:B3"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row><row r="2" spans="1:1"><c r="A2"><f>1+1</f><v>2</v></c></row><row r="3" spans="1:2"/></sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
        let columns = Columns {
            header_row: 1,
            headers: vec!["id".into(), "criteria".into()],
            rows: BTreeMap::from([
                (2, vec!["A.5.15".into(), "CC6.1 <&>".into()]),
                (3, vec![String::new(), "x".into()]),
            ]),
        };
        let (out, written, first) = splice(xml, &columns).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!((written, first.as_str()), (2, "C"));
        assert!(out.contains(r#"<dimension ref="A1:D3"/>"#), "{out}");
        assert!(
            out.contains(
                r#"<c r="B1"><v>2</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve">id</t></is></c>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<row r="2" spans="1:4"><c r="A2">"#), "{out}");
        assert!(out.contains(r#"<f>1+1</f><v>2</v></c><c r="C2" t="inlineStr"><is><t xml:space="preserve">A.5.15</t></is></c><c r="D2" t="inlineStr"><is><t xml:space="preserve">CC6.1 &lt;&amp;&gt;</t></is></c></row>"#), "{out}");
        assert!(
            out.contains(
                r#"<row r="3" spans="1:4"><c r="D3" t="inlineStr"><is><t xml:space="preserve">x</t></is></c></row>"#
            ),
            "{out}"
        );
        assert!(out.ends_with(r#"</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#));
        assert_eq!((column_name(1), column_name(26), column_name(28)), ("A".into(), "Z".into(), "AB".into()));
    }

    #[test]
    fn a_workbook_with_macros_needs_an_xlsm_output_and_a_missing_sheet_is_named() {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        for (name, text) in [
            ("xl/workbook.xml", r#"<workbook><sheets><sheet name="SoA" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#,
            ),
            ("xl/vbaProject.bin", "macro"),
        ] {
            z.start_file(name, o).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        let bytes = z.finish().unwrap().into_inner();
        let cols = Columns { header_row: 1, headers: vec!["x".into()], rows: BTreeMap::new() };
        assert_eq!(annotate(&bytes, "SoA", &cols, false).unwrap_err(), AnnotateError::Macros);
        let done = annotate(&bytes, "SoA", &cols, true).unwrap();
        assert_eq!(done.first_column, "B");
        let mut back = zip::ZipArchive::new(Cursor::new(done.bytes.as_slice())).unwrap();
        let mut macro_part = String::new();
        back.by_name("xl/vbaProject.bin").unwrap().read_to_string(&mut macro_part).unwrap();
        assert_eq!(macro_part, "macro");
        assert_eq!(annotate(&bytes, "Other", &cols, true).unwrap_err(), AnnotateError::NoSheet("Other".into()));
    }
    #[test]
    fn the_widest_column_and_the_used_range() {
        // (sheet XML, widest column, the dimension after widening to column 6)
        let cases = [
            (r#"<worksheet><dimension ref="A1:C4"/><c r="C4"/></worksheet>"#, 3, r#"<dimension ref="A1:F4"/>"#),
            (r#"<worksheet><dimension ref="A1"/><c r="A1"/></worksheet>"#, 1, r#"<dimension ref="A1:F1"/>"#),
            (r#"<worksheet><dimension ref="A1:Z9"/><c r="Z9"/></worksheet>"#, 26, r#"<dimension ref="A1:Z9"/>"#),
        ];
        for (xml, widest, dimension) in cases {
            assert_eq!(widest_column(xml.as_bytes()), Ok(widest), "{xml}");
            let (before, after) = (xml.find("<dimension").unwrap(), xml.find("<c ").unwrap());
            let mut reader = Reader::from_str(&xml[before..after]);
            let Ok(Event::Empty(e)) = reader.read_event() else { panic!("{xml}") };
            let (mut out, mut copied) = (Vec::new(), before);
            widen_dimension(xml.as_bytes(), before, after, &e, 6, &mut out, &mut copied);
            out.extend_from_slice(&xml.as_bytes()[copied..after]);
            assert_eq!(String::from_utf8(out).unwrap(), dimension, "{xml}");
        }
    }

    #[test]
    fn an_empty_row_opens_to_hold_its_cells() {
        let cases = [
            (&b"<row r=\"5\" "[..], "", "<row r=\"5\"><c/></row>"),
            (b"<x:row r=\"2\"", "x:", "<x:row r=\"2\"><c/></x:row>"),
        ];
        for (open, prefix, want) in cases {
            let mut out = Vec::new();
            open_empty_row(open, "<c/>", prefix, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}

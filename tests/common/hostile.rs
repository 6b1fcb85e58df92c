//! Builders of small hostile workbooks, made in memory so that no crafted file needs to be committed: xls (BIFF8
//! in an OLE container), ods and xlsx from raw XML parts, zips with any parts.

// Fixtures are built once per test: `map(format!).collect()` reads better than a fold, and speed is no concern.
#![allow(clippy::format_collect)]

use std::fmt::Write as _;
use std::io::{Cursor, Write};

/// A zip holding `parts` in order (`mimetype` stored, as OpenDocument wants it; the rest deflated).
pub fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        let method =
            if *name == "mimetype" { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        zip.start_file(*name, SimpleFileOptions::default().compression_method(method)).expect("start part");
        zip.write_all(bytes).expect("write part");
    }
    zip.finish().expect("finish zip").into_inner()
}

/// An ods with this `content.xml`.
pub fn ods(content: &str) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    zip_parts(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// The content.xml of an ods with one sheet whose rows are `rows` (raw `<table:table-row>` elements).
pub fn ods_content(sheet: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{sheet}">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
}

/// One ods row of string cells.
pub fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#))
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

/// A small SoA as ods rows: a header and three controls.
pub fn ods_soa_rows() -> String {
    [
        ods_row(&["Ref", "Control", "Applicable"]),
        ods_row(&["A.5.1", "Policies for information security", "Yes"]),
        ods_row(&["A.5.2", "Information security roles and responsibilities", "Yes"]),
        ods_row(&["A.8.13", "Information backup", "Yes"]),
    ]
    .concat()
}

/// An xlsx whose sheets (name, worksheet XML) are given raw; `targets` may point several sheets at one part
/// (`None`: each sheet its own part `sheetN.xml`).
pub fn xlsx(sheets: &[(&str, String)], targets: Option<&[usize]>) -> Vec<u8> {
    let mut workbook = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let parts: Vec<usize> = (0..sheets.len()).collect();
    let targets = targets.unwrap_or(&parts);
    for (i, (name, _)) in sheets.iter().enumerate() {
        let part = targets[i] + 1;
        let _ = write!(workbook, r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#, i + 1, i + 1);
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{part}.xml"/>"#,
            i + 1
        );
    }
    let mut part_names: Vec<String> = Vec::new();
    for i in 0..sheets.len() {
        if !targets.contains(&i) {
            continue;
        }
        let _ = write!(
            types,
            r#"<Override PartName="/xl/worksheets/sheet{}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
            i + 1
        );
        part_names.push(format!("xl/worksheets/sheet{}.xml", i + 1));
    }
    workbook.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    types.push_str("</Types>");
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
    ];
    let mut n = 0;
    for (i, (_, xml)) in sheets.iter().enumerate() {
        if targets.contains(&i) {
            parts.push((part_names[n].as_str(), xml.as_bytes()));
            n += 1;
        }
    }
    zip_parts(&parts)
}

/// Worksheet XML from rows of (cell reference, inline string) and extra XML after `sheetData` (merges).
pub fn sheet_xml(rows: &[Vec<(String, String)>], after: &str) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (i, row) in rows.iter().enumerate() {
        let _ = write!(xml, r#"<row r="{}">"#, i + 1);
        for (at, text) in row {
            let _ = write!(xml, r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#);
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData>");
    xml.push_str(after);
    xml.push_str("</worksheet>");
    xml
}

/// Rows of a small SoA for [`sheet_xml`].
pub fn soa_rows() -> Vec<Vec<(String, String)>> {
    [("Ref", "Control"), ("A.5.1", "Policies for information security"), ("A.8.13", "Information backup")]
        .iter()
        .enumerate()
        .map(|(i, (a, b))| vec![(format!("A{}", i + 1), a.to_string()), (format!("B{}", i + 1), b.to_string())])
        .collect()
}

/// A value of an xls cell.
pub enum XlsValue {
    Text(&'static str),
    Number(f64),
}

/// One xls sheet: its name, an optional DIMENSIONS record (first row, last row + 1, first column, last column
/// + 1), its cells (row, column, value), and merged ranges (first row, last row, first column, last column).
pub struct XlsSheet {
    pub name: &'static str,
    pub dimensions: Option<(u32, u32, u16, u16)>,
    pub cells: Vec<(u16, u16, XlsValue)>,
    pub merged: Vec<(u16, u16, u16, u16)>,
}

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(kind: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&0x0600u16.to_le_bytes());
    d.extend_from_slice(&kind.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    d
}

/// An xls (BIFF8) workbook. `sheet_offset` replaces the stream position of the first sheet (to point it nowhere).
pub fn xls(sheets: &[XlsSheet], sheet_offset: Option<u32>) -> Vec<u8> {
    let mut bodies = Vec::new();
    for s in sheets {
        let mut body = Vec::new();
        record(&mut body, 0x0809, &bof(0x0010));
        if let Some((rf, rl, cf, cl)) = s.dimensions {
            let mut d = Vec::new();
            d.extend_from_slice(&rf.to_le_bytes());
            d.extend_from_slice(&rl.to_le_bytes());
            d.extend_from_slice(&cf.to_le_bytes());
            d.extend_from_slice(&cl.to_le_bytes());
            d.extend_from_slice(&0u16.to_le_bytes());
            record(&mut body, 0x0200, &d);
        }
        for (row, col, value) in &s.cells {
            let mut d = Vec::new();
            d.extend_from_slice(&row.to_le_bytes());
            d.extend_from_slice(&col.to_le_bytes());
            d.extend_from_slice(&0u16.to_le_bytes());
            match value {
                XlsValue::Text(t) => {
                    d.extend_from_slice(&(t.len() as u16).to_le_bytes());
                    d.push(0);
                    d.extend_from_slice(t.as_bytes());
                    record(&mut body, 0x0204, &d);
                }
                XlsValue::Number(n) => {
                    d.extend_from_slice(&n.to_le_bytes());
                    record(&mut body, 0x0203, &d);
                }
            }
        }
        if !s.merged.is_empty() {
            let mut d = Vec::new();
            d.extend_from_slice(&(s.merged.len() as u16).to_le_bytes());
            for (r0, r1, c0, c1) in &s.merged {
                for v in [r0, r1, c0, c1] {
                    d.extend_from_slice(&v.to_le_bytes());
                }
            }
            record(&mut body, 0x00E5, &d);
        }
        record(&mut body, 0x000A, &[]);
        bodies.push(body);
    }
    let globals_len: usize = 4 + 16 + sheets.iter().map(|s| 4 + 8 + s.name.len()).sum::<usize>() + 4;
    let mut stream = Vec::new();
    record(&mut stream, 0x0809, &bof(0x0005));
    let mut at = globals_len;
    for (i, s) in sheets.iter().enumerate() {
        let mut d = Vec::new();
        let pos = match (i, sheet_offset) {
            (0, Some(p)) => p,
            _ => at as u32,
        };
        d.extend_from_slice(&pos.to_le_bytes());
        d.extend_from_slice(&[0, 0, s.name.len() as u8, 0]);
        d.extend_from_slice(s.name.as_bytes());
        record(&mut stream, 0x0085, &d);
        at += bodies[i].len();
    }
    record(&mut stream, 0x000A, &[]);
    assert_eq!(stream.len(), globals_len);
    for body in bodies {
        stream.extend_from_slice(&body);
    }
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create cfb");
    {
        let mut s = cfb.create_stream("/Workbook").expect("create stream");
        s.write_all(&stream).expect("write stream");
    }
    cfb.flush().expect("flush cfb");
    cfb.into_inner().into_inner()
}

/// A small SoA as an xls sheet.
pub fn xls_soa(name: &'static str) -> XlsSheet {
    XlsSheet {
        name,
        dimensions: Some((0, 3, 0, 2)),
        cells: vec![
            (0, 0, XlsValue::Text("Ref")),
            (0, 1, XlsValue::Text("Control")),
            (1, 0, XlsValue::Text("A.5.1")),
            (1, 1, XlsValue::Text("Policies for information security")),
            (2, 0, XlsValue::Number(5.15)),
            (2, 1, XlsValue::Text("Access control")),
        ],
        merged: Vec::new(),
    }
}

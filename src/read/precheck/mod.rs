//! Checks before allocation: what an xls or ods file declares (used ranges, cell positions, repeat counts) and how
//! an xlsx lays out its sheets, read from the raw bytes before calamine is asked to build anything. calamine lays
//! an xls sheet out as one dense grid from its first to its last cell, and an ods sheet with every repeated row and
//! column written out; these checks refuse a file whose grids would exceed the workbook's cell budget, and an ods
//! whose XML ends inside an element (calamine would wait forever for the end of the table).

mod ods;
mod xls;

use quick_xml::events::{BytesStart, Event};

use super::ReadError;
pub use ods::ods;
pub use xls::xls;

/// An attribute's raw value, the first whose key is `name`.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == name).map(|a| a.value.into_owned())
}

fn declares(file: &str, sheet: &str, detail: String) -> ReadError {
    ReadError::Declares { file: file.to_string(), sheet: sheet.to_string(), detail }
}

/// Refuses an xlsx where two sheets point at one part: each sheet would be read again, multiplying the work.
pub fn xlsx_sheets(file: &str, workbook: &[u8], rels: &[u8]) -> Result<(), ReadError> {
    let mut targets = std::collections::HashMap::new();
    for e in elements(rels, "Relationship") {
        if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
            targets.insert(id, target.trim_start_matches('/').trim_start_matches("xl/").to_string());
        }
    }
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for e in elements(workbook, "sheet") {
        let name = attr(&e, "name").unwrap_or_default();
        let Some(target) = attr(&e, "r:id").and_then(|id| targets.get(&id)) else { continue };
        if let Some(first) = seen.get(target) {
            return Err(declares(file, &name, format!("points at part `xl/{target}` like sheet '{first}' before it")));
        }
        seen.insert(target.clone(), name);
    }
    Ok(())
}

/// The start tags of one name in an XML part (stops quietly at an XML error: calamine reports those).
fn elements(xml: &[u8], name: &str) -> Vec<BytesStart<'static>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == name || e.name().as_ref() == name => {
                out.push(e.into_owned());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

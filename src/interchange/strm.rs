//! NIST IR 8477 set-theory relationship mapping (STRM) as csv or tsv, in the columns the OLIR programme and the Secure
//! Controls Framework publish: the focal document element (an ISO/IEC 27001:2022 id) and its description, the STRM
//! rationale (`semantic`), the relationship (`subset of`, `intersects with`, `equal`, `superset of`,
//! `no relationship`: the focal element against the reference element), the reference document element (a TSC 2017
//! criterion) and its description, strength of relationship, our rationale sentence, notes, and our `Role` column
//! (core or supporting).

use super::{relationship_word, Collector, Entry};
use crate::catalog::Catalogs;
use crate::mapping::{Mapping, Relationship, Role};
use crate::report::csv_safe;

/// The header written (and the names read back, compared without case).
pub const COLUMNS: [&str; 10] = [
    "Focal Document Element",
    "Focal Document Element Description",
    "STRM Rationale",
    "STRM Relationship",
    "Reference Document Element",
    "Reference Document Element Description",
    "Strength of Relationship",
    "Rationale",
    "Notes",
    "Role",
];

/// NIST IR 8477's words for a relationship read from the focal element's side.
pub fn word(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equal",
        Relationship::Subset => "subset of",
        Relationship::Superset => "superset of",
        Relationship::Intersects => "intersects with",
        Relationship::None => "no relationship",
    }
}

/// The mapping as STRM rows: comma-separated, or tab-separated with `tsv`.
pub fn export(m: &Mapping, catalogs: &Catalogs, tsv: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().delimiter(if tsv { b'\t' } else { b',' }).from_writer(Vec::new());
    let describe = |id: Option<&crate::ids::ControlId>| {
        id.and_then(|i| catalogs.find(i.as_str())).map_or(String::new(), |e| format!("{}: {}", e.title, e.description))
    };
    let mut rows = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    for p in &m.pairs {
        let notes = if p.agreeing_sources.is_empty() {
            String::new()
        } else {
            format!("also listed by: {}", p.agreeing_sources.join("; "))
        };
        rows.push(vec![
            p.source.as_ref().map_or(String::new(), |s| s.to_string()),
            csv_safe(&describe(p.source.as_ref())),
            "semantic".into(),
            word(p.relationship).into(),
            p.target.as_ref().map_or(String::new(), |t| t.to_string()),
            csv_safe(&describe(p.target.as_ref())),
            p.strength.to_string(),
            csv_safe(&p.rationale),
            notes,
            p.role.as_str().into(),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        w.write_record(&row).expect("a csv row is written to memory");
    }
    w.into_inner().expect("the csv is flushed to memory")
}

/// A value as it was before `csv_safe` put a `'` before a leading `=`, `+`, `-`, `@`, tab or carriage return.
fn unguard(value: &str) -> String {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => value.to_string(),
    }
}

/// Finds a column by the first of its names that a header has (headers normalised by [`normalise_header`]).
fn column(headers: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| headers.iter().position(|h| h == n))
}

/// Lower case, single spaces, without `(optional)` and `(FDE)`.
fn normalise_header(h: &str) -> String {
    let lower = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
    let lower = lower.replace("(optional)", "").replace("(fde)", "");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads STRM rows (csv or tsv, told by the header line). The focal element is the entry's source side.
pub fn read(text: &str, c: &mut Collector) {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = crate::read::delimited::sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(normalise_header).collect(),
        Err(e) => return c.fail(format!("row 1: {e}")),
    };
    // The Secure Controls Framework's files put the id in `FDE #` and the element's text in `Focal Document Element
    // (FDE)`; OLIR's put the id in `Focal Document Element`.
    let focal = column(&headers, &["fde #", "fde#", "focal document element"]);
    let relationship = column(&headers, &["strm relationship", "set theory relationship", "relationship"]);
    let reference = column(&headers, &["reference document element", "scf #", "scf control #", "reference element"]);
    let (Some(focal), Some(rel_col), Some(reference)) = (focal, relationship, reference) else {
        return c.fail(format!(
            "row 1: a STRM file needs the columns `Focal Document Element`, `STRM Relationship` and `Reference Document Element`; found `{}`",
            headers.join("`, `")
        ));
    };
    let strength_col = column(&headers, &["strength of relationship", "strength"]);
    let rationale_col = column(&headers, &["rationale", "relationship rationale", "explanation"]);
    let notes_col = column(&headers, &["notes", "comments"]);
    // Our extension: core or supporting; without it the role follows the strength.
    let role_col = column(&headers, &["role"]);
    for record in reader.records() {
        if c.too_many() {
            return;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                c.error_at(Some((None, line)), e.to_string());
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim().to_string();
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let at = Some((None, line));
        let word = cell(Some(rel_col));
        let Some(relationship) = relationship_word(&word) else {
            c.error_at(at, format!("STRM relationship `{word}` is not one of equal, subset of, superset of, intersects with, no relationship"));
            continue;
        };
        let strength_text = cell(strength_col);
        let strength = if strength_text.is_empty() {
            None
        } else {
            match strength_text.parse::<u8>() {
                Ok(s) => Some(s),
                Err(_) => {
                    c.error_at(
                        at,
                        format!("strength of relationship `{strength_text}` is not a whole number from 1 to 10"),
                    );
                    continue;
                }
            }
        };
        let role_text = cell(role_col);
        let role = if role_text.is_empty() {
            None
        } else {
            match Role::parse(&role_text) {
                Some(r) => Some(r),
                None => {
                    c.error_at(at, format!("role `{role_text}` is not one of core, supporting"));
                    continue;
                }
            }
        };
        // Our rationale column (the `'` that kept a spreadsheet from running it as a formula taken off); a file
        // without one (OLIR, SCF) gives its notes instead.
        let rationale = Some(unguard(&cell(rationale_col))).filter(|s| !s.is_empty()).or_else(|| Some(cell(notes_col)));
        let notes = cell(notes_col);
        let agreeing = notes
            .strip_prefix("also listed by:")
            .map(|list| list.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        c.add(Entry {
            label: String::new(),
            row: at,
            a: cell(Some(focal)),
            b: cell(Some(reference)),
            relationship,
            strength,
            role,
            rationale,
            agreeing,
            mirror: false,
        });
    }
}

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

/// How the `Notes` column names the other published mappings that list a pair (`also listed by: A; B`): written by
/// [`export`] and read back by [`read`].
const ALSO_LISTED: &str = "also listed by:";

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
    let mut rows = vec![COLUMNS.iter().map(std::string::ToString::to_string).collect::<Vec<_>>()];
    for p in &m.pairs {
        let notes = if p.agreeing_sources.is_empty() {
            String::new()
        } else {
            format!("{ALSO_LISTED} {}", p.agreeing_sources.join("; "))
        };
        rows.push(vec![
            p.source.as_ref().map_or(String::new(), std::string::ToString::to_string),
            csv_safe(&describe(p.source.as_ref())),
            "semantic".into(),
            word(p.relationship).into(),
            p.target.as_ref().map_or(String::new(), std::string::ToString::to_string),
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

/// Where the columns of a STRM file are (indexes into the header).
struct Columns {
    focal: usize,
    relationship: usize,
    reference: usize,
    strength: Option<usize>,
    rationale: Option<usize>,
    notes: Option<usize>,
    /// Our extension: core or supporting; without it the role follows the strength.
    role: Option<usize>,
}

impl Columns {
    /// Finds the columns in a normalised header, or says which required ones are missing.
    fn find(headers: &[String]) -> Result<Columns, String> {
        // The Secure Controls Framework's files put the id in `FDE #` and the element's text in `Focal Document
        // Element (FDE)`; OLIR's put the id in `Focal Document Element`.
        let focal = column(headers, &["fde #", "fde#", "focal document element"]);
        let relationship = column(headers, &["strm relationship", "set theory relationship", "relationship"]);
        let reference = column(headers, &["reference document element", "scf #", "scf control #", "reference element"]);
        let (Some(focal), Some(relationship), Some(reference)) = (focal, relationship, reference) else {
            return Err(format!(
                "row 1: a STRM file needs the columns `Focal Document Element`, `STRM Relationship` and `Reference Document Element`; found `{}`",
                headers.join("`, `")
            ));
        };
        Ok(Columns {
            focal,
            relationship,
            reference,
            strength: column(headers, &["strength of relationship", "strength"]),
            rationale: column(headers, &["rationale", "relationship rationale", "explanation"]),
            notes: column(headers, &["notes", "comments"]),
            role: column(headers, &["role"]),
        })
    }
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
    let columns = match Columns::find(&headers) {
        Ok(columns) => columns,
        Err(message) => return c.fail(message),
    };
    for record in reader.records() {
        if c.too_many() {
            return;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                c.error_at(Some(&(None, line)), e.to_string());
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim().to_string();
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let at = Some((None, line));
        match entry(&columns, &cell) {
            Ok(e) => c.add(Entry { row: at, ..e }),
            Err(message) => c.error_at(at.as_ref(), message),
        }
    }
}

/// One STRM row as an [`Entry`] (its row set by the caller), or the message that says why it cannot be used.
fn entry(columns: &Columns, cell: &dyn Fn(Option<usize>) -> String) -> Result<Entry, String> {
    let word = cell(Some(columns.relationship));
    let Some(relationship) = relationship_word(&word) else {
        return Err(format!(
            "STRM relationship `{word}` is not one of equal, subset of, superset of, intersects with, no relationship"
        ));
    };
    let strength_text = cell(columns.strength);
    let strength = if strength_text.is_empty() {
        None
    } else {
        match strength_text.parse::<u8>() {
            Ok(s) => Some(s),
            Err(_) => {
                return Err(format!("strength of relationship `{strength_text}` is not a whole number from 1 to 10"))
            }
        }
    };
    let role_text = cell(columns.role);
    let role = if role_text.is_empty() {
        None
    } else {
        match Role::parse(&role_text) {
            Some(r) => Some(r),
            None => return Err(format!("role `{role_text}` is not one of core, supporting")),
        }
    };
    // Our rationale column (the `'` that kept a spreadsheet from running it as a formula taken off); a file
    // without one (OLIR, SCF) gives its notes instead.
    let rationale =
        Some(unguard(&cell(columns.rationale))).filter(|s| !s.is_empty()).or_else(|| Some(cell(columns.notes)));
    let notes = cell(columns.notes);
    let agreeing = notes
        .strip_prefix(ALSO_LISTED)
        .map(|list| list.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    Ok(Entry {
        label: String::new(),
        row: None,
        a: cell(Some(columns.focal)),
        b: cell(Some(columns.reference)),
        relationship,
        strength,
        role,
        rationale,
        agreeing,
        mirror: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_found_by_the_names_of_olir_scf_and_ours() {
        let find = |header: &str| {
            let headers: Vec<String> = header.split(',').map(normalise_header).collect();
            Columns::find(&headers).map(|c| (c.focal, c.relationship, c.reference, c.strength, c.role))
        };
        assert_eq!(find(&COLUMNS.join(",")), Ok((0, 3, 4, Some(6), Some(9))));
        assert_eq!(find("FDE #,Focal Document Element (FDE),STRM Relationship,SCF #"), Ok((0, 2, 3, None, None)));
        assert_eq!(find("Reference Element (optional),Relationship,Focal Document Element"), Ok((2, 1, 0, None, None)));
        assert!(find("source,target,relationship").unwrap_err().starts_with("row 1: a STRM file needs the columns"));
    }

    #[test]
    fn a_row_gives_its_entry_or_why_not() {
        let columns = Columns::find(&COLUMNS.iter().map(|c| normalise_header(c)).collect::<Vec<_>>()).unwrap();
        // (relationship, strength, role, notes) -> what the entry holds, or the message
        let cases = [
            (["subset of", "6", "core", ""], Ok((Relationship::Subset, Some(6), Some(Role::Core), 0))),
            (["no relationship", "", "", "also listed by: SCF; OLIR"], Ok((Relationship::None, None, None, 2))),
            (["kind of", "", "", ""], Err("STRM relationship `kind of` is not one of equal, subset of, superset of, intersects with, no relationship")),
            (["equal", "high", "", ""], Err("strength of relationship `high` is not a whole number from 1 to 10")),
            (["equal", "9", "main", ""], Err("role `main` is not one of core, supporting")),
        ];
        for ([relationship, strength, role, notes], want) in cases {
            let cell = |i: Option<usize>| match i {
                Some(3) => relationship.to_string(),
                Some(6) => strength.to_string(),
                Some(9) => role.to_string(),
                Some(8) => notes.to_string(),
                Some(0) => "A.5.15".to_string(),
                Some(4) => "CC6.1".to_string(),
                _ => String::new(),
            };
            let got = entry(&columns, &cell).map(|e| (e.relationship, e.strength, e.role, e.agreeing.len()));
            assert_eq!(got, want.map_err(String::from), "{relationship} {strength} {role}");
        }
    }
}

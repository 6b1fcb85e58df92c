//! The effective mapping in our own formats (`mapping export --format csv|json`); the formats of other tools are
//! written by `interchange`.

use serde::Serialize;

use super::csv_safe;
use crate::mapping::{self, Mapping};

#[derive(Serialize)]
struct Row<'a> {
    source: &'a str,
    target: &'a str,
    relationship: &'a str,
    strength: u8,
    rationale: &'a str,
    agreeing_sources: String,
    role: &'a str,
}

fn rows(m: &Mapping) -> Vec<Row<'_>> {
    m.pairs
        .iter()
        .map(|p| Row {
            source: p.source.as_ref().map_or("", |s| s.as_str()),
            target: p.target.as_ref().map_or("", |t| t.as_str()),
            relationship: p.relationship.as_str(),
            strength: p.strength,
            rationale: &p.rationale,
            agreeing_sources: p.agreeing_sources.join(";"),
            role: if p.relationship == mapping::Relationship::None { "" } else { p.role.as_str() },
        })
        .collect()
}

/// `mapping export --format json`: the version and every pair.
pub fn json(m: &Mapping) -> Vec<u8> {
    // Strings and numbers only: serialisation cannot fail.
    let mut b = serde_json::to_vec_pretty(&serde_json::json!({"version": m.version, "pairs": rows(m)}))
        .expect("the mapping serialises");
    b.push(b'\n');
    b
}

/// `mapping export --format csv`: every pair, in the columns of the built-in mapping file.
pub fn csv(m: &Mapping) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut records = vec![["source", "target", "relationship", "strength", "rationale", "role"].map(String::from)];
    for r in rows(m) {
        records.push([
            r.source.to_string(),
            r.target.to_string(),
            r.relationship.to_string(),
            r.strength.to_string(),
            csv_safe(r.rationale),
            r.role.to_string(),
        ]);
    }
    for record in &records {
        // Writing to memory cannot fail.
        w.write_record(record).expect("a csv row is written to memory");
    }
    w.into_inner().expect("the csv is flushed to memory")
}

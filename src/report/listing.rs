//! The outputs of the listing commands, as bytes: `suggest` (table, csv, json), `catalog` (table, csv, json),
//! `explain` (text, json), and the aligned plain-text table they and the batch summary print.

use std::fmt::Write as _;

use serde::Serialize;

use super::{csv_safe, RenderError};
use crate::catalog::{Catalog, Catalogs, Entry, EntryKind};
use crate::ids::{ControlId, Framework};
use crate::import::Candidate;
use crate::mapping::Pair;

/// Pretty JSON and a final newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, RenderError> {
    let mut b = serde_json::to_vec_pretty(value)?;
    b.push(b'\n');
    Ok(b)
}

/// The bytes of a csv written to memory.
fn csv_bytes(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, RenderError> {
    w.into_inner().map_err(|e| RenderError::CsvFlush(e.into_error()))
}

/// Plain text table with aligned columns (for `table` formats on a terminal). Each cell is made safe for the
/// terminal and kept on one line ([`crate::sanitise::one_line`]).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<std::borrow::Cow<'_, str>>> =
        rows.iter().map(|r| r.iter().map(|c| crate::sanitise::one_line(c)).collect()).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0).max(headers[i].len())
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = if i + 1 == cells.len() { 0 } else { widths[i] }))
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(std::convert::AsRef::as_ref).collect()));
    }
    out
}

/// One statement with its row number as the spreadsheet shows it (1 for a TEXT argument).
pub struct Statement {
    pub row: usize,
    pub text: String,
    /// The language it was read in (set when matched).
    pub lang: crate::matching::Lang,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    tool: crate::report::Tool,
    to: &'a str,
    statements: Vec<JsonStatement<'a>>,
}

#[derive(Serialize)]
struct JsonStatement<'a> {
    row: usize,
    text: &'a str,
    /// The language the statement was read in (`en`, `de`, `fr`, `es`), detected or forced by `--lang`.
    lang: &'static str,
    candidates: Vec<JsonCandidate<'a>>,
}

#[derive(Serialize)]
struct JsonCandidate<'a> {
    rank: usize,
    id: &'a str,
    score: f64,
    title: &'a str,
    /// Terms of the statement and the profile fields they were found in (`access review (keywords, title)`).
    why: &'a [String],
}

/// `suggest --format json`: the statements and their ranked candidates from the catalog of `to`.
pub fn suggestions_json(to: Framework, found: &[(Statement, Vec<Candidate>)]) -> Result<Vec<u8>, RenderError> {
    let out = JsonOut {
        tool: crate::report::Tool::current(),
        to: to.key(),
        statements: found
            .iter()
            .map(|(s, cands)| JsonStatement {
                row: s.row,
                text: &s.text,
                lang: s.lang.code(),
                candidates: cands
                    .iter()
                    .enumerate()
                    .map(|(i, c)| JsonCandidate {
                        rank: i + 1,
                        id: c.id.as_str(),
                        score: round(c.score),
                        title: &c.title,
                        why: &c.why,
                    })
                    .collect(),
            })
            .collect(),
    };
    json(&out)
}

/// `suggest --format csv`: one line per statement and candidate.
pub fn suggestions_csv(found: &[(Statement, Vec<Candidate>)]) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["row", "rank", "id", "score", "title"])?;
    for (s, cands) in found {
        for (i, c) in cands.iter().enumerate() {
            w.write_record([
                s.row.to_string(),
                (i + 1).to_string(),
                c.id.to_string(),
                format!("{:.3}", c.score),
                csv_safe(&c.title).clone(),
            ])?;
        }
    }
    csv_bytes(w)
}

/// `suggest --format table`: one line per statement and candidate, with why.
pub fn suggestions_table(found: &[(Statement, Vec<Candidate>)]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = found
        .iter()
        .flat_map(|(s, cands)| {
            cands.iter().enumerate().map(move |(i, c)| {
                vec![
                    s.row.to_string(),
                    (i + 1).to_string(),
                    c.id.to_string(),
                    format!("{:.2}", c.score),
                    c.title.clone(),
                    c.why.join("; "),
                ]
            })
        })
        .collect();
    table(&["ROW", "RANK", "ID", "SCORE", "TITLE", "WHY"], &rows).into_bytes()
}

/// Three decimals, so JSON stays readable and stable.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The columns `catalog` shows for an entry: id, kind, group, title.
fn catalog_row(e: &Entry) -> Result<Vec<String>, RenderError> {
    let kind = serde_json::to_value(e.kind)?.as_str().map(String::from).unwrap_or_default();
    Ok(vec![e.id.to_string(), kind, e.group.clone(), e.title.clone()])
}

/// `catalog --format json`: every entry as the catalog holds it.
pub fn catalog_json(catalog: &Catalog) -> Result<Vec<u8>, RenderError> {
    json(&catalog.entries)
}

/// `catalog --format csv`: id, kind, group, title and description.
pub fn catalog_csv(catalog: &Catalog) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "kind", "group", "title", "description"])?;
    for e in &catalog.entries {
        let row = catalog_row(e)?;
        w.write_record(row.iter().chain(std::iter::once(&e.description)).map(|v| csv_safe(v)))?;
    }
    csv_bytes(w)
}

/// `catalog --format table`: id, kind, group and title.
pub fn catalog_table(catalog: &Catalog) -> Result<Vec<u8>, RenderError> {
    let rows = catalog.entries.iter().map(catalog_row).collect::<Result<Vec<_>, _>>()?;
    Ok(table(&["ID", "KIND", "GROUP", "TITLE"], &rows).into_bytes())
}

/// One entry as `explain` shows it.
#[derive(Serialize)]
pub struct Explained<'a> {
    #[serde(flatten)]
    pub entry: &'a Entry,
    pub mappings: Vec<&'a Pair>,
    pub predecessors_2013: Vec<&'a ControlId>,
    pub successors_2022: Vec<&'a ControlId>,
}

/// `explain` as text: the entry, its mappings with relationship, strength and rationale, its 2013 history.
pub fn explained_text(catalogs: &Catalogs, x: &Explained, note: Option<&str>) -> Result<String, std::fmt::Error> {
    let e = x.entry;
    let mut s = String::new();
    let kind = match e.kind {
        EntryKind::Annex => "ISO/IEC 27001:2022 Annex A control",
        EntryKind::Clause => "ISO/IEC 27001:2022 clause",
        EntryKind::Annex2013 => "ISO/IEC 27001:2013 Annex A control",
        EntryKind::Criterion => "SOC 2 Trust Services Criterion (2017)",
    };
    writeln!(s, "{} {}\n{kind}, {}{}", e.id, e.title, e.group, if e.new_in_2022 { ", new in 2022" } else { "" })?;
    if let Some(note) = note {
        writeln!(s, "({note})")?;
    }
    if !e.description.is_empty() {
        writeln!(s, "\n{}", e.description)?;
    }
    if !x.mappings.is_empty() {
        let other = if e.kind == EntryKind::Criterion { "ISO 27001:2022" } else { "SOC 2" };
        writeln!(s, "\nMaps to {other}:")?;
        for p in &x.mappings {
            let (id, rel) = if e.kind == EntryKind::Criterion {
                (p.source.as_ref(), p.relationship.inverse())
            } else {
                (p.target.as_ref(), p.relationship)
            };
            let title = id.and_then(|i| catalogs.find(i.as_str())).map_or("", |t| t.title.as_str());
            let id = id.map_or("(none)".to_string(), std::string::ToString::to_string);
            let sources = if p.agreeing_sources.is_empty() {
                "no public source".to_string()
            } else {
                p.agreeing_sources.join(", ")
            };
            let role = if p.relationship == crate::mapping::Relationship::None { "" } else { p.role.as_str() };
            let role = if role.is_empty() { String::new() } else { format!(", {role}") };
            writeln!(
                s,
                "  {id:<7} {title}\n          {rel}, strength {}{role}; agrees: {sources}\n          {}",
                p.strength, p.rationale
            )?;
        }
    }
    if let Some(limit) = e.limit {
        writeln!(s, "\nStays partial whatever ISO 27001 programme runs: {}.", crate::report::words::limit(limit))?;
    }
    if !e.beyond_iso.is_empty() {
        writeln!(s, "\nBeyond ISO 27001: {}", e.beyond_iso)?;
    }
    let list = |ids: &[&ControlId]| {
        ids.iter()
            .map(|i| format!("{} {}", i, catalogs.find(i.as_str()).map_or("", |e| e.title.as_str())))
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    if !x.predecessors_2013.is_empty() {
        writeln!(s, "\nISO 27001:2013 predecessors:\n  {}", list(&x.predecessors_2013))?;
    } else if e.new_in_2022 {
        writeln!(s, "\nNew in ISO 27001:2022: no 2013 predecessor.")?;
    }
    if !x.successors_2022.is_empty() {
        writeln!(s, "\nISO 27001:2022 successors:\n  {}", list(&x.successors_2022))?;
    }
    Ok(s)
}

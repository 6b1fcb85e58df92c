//! `crosswalk explain ID`: one control, clause or criterion with its mappings and its 2013 history.

use std::fmt::Write as _;

use serde::Serialize;

use crate::catalog::{Entry, EntryKind};
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::ids::{parse_token, resolve, BareHint, ControlId};
use crate::mapping::{Mapping, Pair};
use crate::write::{write_output, Destination};

#[derive(Serialize)]
struct Explained<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    mappings: Vec<&'a Pair>,
    predecessors_2013: Vec<&'a ControlId>,
    successors_2022: Vec<&'a ControlId>,
}

pub fn run(engine: &Engine, args: ExplainArgs) -> Result<Exit, Error> {
    let mapping = super::mapping(engine, &args.mappings.mappings)?;
    let raw = parse_token(&args.id).ok_or_else(|| {
        Error::Usage(format!(
            "`{}` is not a control, clause or criterion id (examples: A.5.15, 6.1.2, CC6.1, A.9.2.3)",
            args.id
        ))
    })?;
    let resolved = resolve(&raw, engine.catalogs(), BareHint::Annex).map_err(Error::Usage)?;
    let entry = engine
        .catalogs()
        .find(resolved.id.as_str())
        .ok_or_else(|| Error::Usage(format!("`{}` is not in the catalogs", resolved.id)))?;
    let explained = Explained {
        entry,
        mappings: pairs(&mapping, entry),
        predecessors_2013: engine.catalogs().predecessors(entry.id.as_str()).into_iter().map(|t| &t.from).collect(),
        successors_2022: engine.catalogs().successors(entry.id.as_str()).into_iter().map(|t| &t.to).collect(),
    };
    let bytes = if args.format == ExplainFormat::Json {
        let mut b = serde_json::to_vec_pretty(&explained).unwrap_or_default();
        b.push(b'\n');
        b
    } else {
        crate::sanitise::for_terminal(&text(engine, &explained, resolved.note.as_deref())).into_owned().into_bytes()
    };
    write_output(&Destination::Stdout, &bytes)?;
    Ok(Exit::Success)
}

fn pairs<'a>(mapping: &'a Mapping, entry: &Entry) -> Vec<&'a Pair> {
    match entry.kind {
        EntryKind::Criterion => mapping.to_target(&entry.id),
        EntryKind::Annex | EntryKind::Clause => mapping.from_source(&entry.id),
        EntryKind::Annex2013 => Vec::new(),
    }
}

fn text(engine: &Engine, x: &Explained, note: Option<&str>) -> String {
    let e = x.entry;
    let mut s = String::new();
    let kind = match e.kind {
        EntryKind::Annex => "ISO/IEC 27001:2022 Annex A control",
        EntryKind::Clause => "ISO/IEC 27001:2022 clause",
        EntryKind::Annex2013 => "ISO/IEC 27001:2013 Annex A control",
        EntryKind::Criterion => "SOC 2 Trust Services Criterion (2017)",
    };
    let _ =
        writeln!(s, "{} {}\n{kind}, {}{}", e.id, e.title, e.group, if e.new_in_2022 { ", new in 2022" } else { "" });
    if let Some(note) = note {
        let _ = writeln!(s, "({note})");
    }
    if !e.description.is_empty() {
        let _ = writeln!(s, "\n{}", e.description);
    }
    if !x.mappings.is_empty() {
        let other = if e.kind == EntryKind::Criterion { "ISO 27001:2022" } else { "SOC 2" };
        let _ = writeln!(s, "\nMaps to {other}:");
        for p in &x.mappings {
            let (id, rel) = if e.kind == EntryKind::Criterion {
                (p.source.as_ref(), p.relationship.inverse())
            } else {
                (p.target.as_ref(), p.relationship)
            };
            let title = id.and_then(|i| engine.catalogs().find(i.as_str())).map(|t| t.title.as_str()).unwrap_or("");
            let id = id.map_or("(none)".to_string(), |i| i.to_string());
            let sources = if p.agreeing_sources.is_empty() {
                "no public source".to_string()
            } else {
                p.agreeing_sources.join(", ")
            };
            let role = if p.relationship == crate::mapping::Relationship::None { "" } else { p.role.as_str() };
            let role = if role.is_empty() { String::new() } else { format!(", {role}") };
            let _ = writeln!(
                s,
                "  {id:<7} {title}\n          {rel}, strength {}{role}; agrees: {sources}\n          {}",
                p.strength, p.rationale
            );
        }
    }
    if let Some(limit) = e.limit {
        let _ =
            writeln!(s, "\nStays partial whatever ISO 27001 programme runs: {}.", crate::report::words::limit(limit));
    }
    if !e.beyond_iso.is_empty() {
        let _ = writeln!(s, "\nBeyond ISO 27001: {}", e.beyond_iso);
    }
    let list = |ids: &[&ControlId]| {
        ids.iter()
            .map(|i| format!("{} {}", i, engine.catalogs().find(i.as_str()).map(|e| e.title.as_str()).unwrap_or("")))
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    if !x.predecessors_2013.is_empty() {
        let _ = writeln!(s, "\nISO 27001:2013 predecessors:\n  {}", list(&x.predecessors_2013));
    } else if e.new_in_2022 {
        let _ = writeln!(s, "\nNew in ISO 27001:2022: no 2013 predecessor.");
    }
    if !x.successors_2022.is_empty() {
        let _ = writeln!(s, "\nISO 27001:2022 successors:\n  {}", list(&x.successors_2022));
    }
    s
}

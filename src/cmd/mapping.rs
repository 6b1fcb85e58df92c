//! `crosswalk mapping validate|export`: check a mapping file, or print the effective mapping.

use serde::Serialize;

use super::Context;
use crate::cli::MappingCommand;
use crate::error::{Error, Exit};
use crate::mapping::{self, Mapping};
use crate::read;
use crate::report::csv_safe;
use crate::sanitise::eprint_line;
use crate::write::{write_output, Destination};

pub fn run(ctx: &Context, cmd: MappingCommand) -> Result<Exit, Error> {
    match cmd {
        MappingCommand::Validate { file } => validate(ctx, file.as_deref()),
        MappingCommand::Export { format, mappings } => export(&ctx.mapping(&mappings)?, &format),
    }
}

/// Every problem on stderr with file and row; exit 1 when there is any.
fn validate(ctx: &Context, file: Option<&std::path::Path>) -> Result<Exit, Error> {
    let data = match file {
        Some(p) => read::read_text(p)?,
        None => ctx.files.mapping.clone(),
    };
    let (pairs, mut problems) = mapping::parse(&data, &ctx.catalogs);
    let mut consistency = None;
    if problems.is_empty() {
        let m = Mapping::load(&data, &[], &ctx.catalogs)?;
        problems.extend(m.check_complete(&ctx.catalogs, &data.name));
        let (found, stats) = m.check_consistency(&ctx.catalogs, &data.name);
        problems.extend(found);
        consistency = Some(stats);
    }
    for p in &problems {
        eprint_line(&format!("{}: {}", p.at, p.message));
    }
    if problems.is_empty() {
        let sources = pairs.iter().filter_map(|p| p.source.as_ref()).collect::<std::collections::BTreeSet<_>>().len();
        let targets = pairs.iter().filter_map(|p| p.target.as_ref()).collect::<std::collections::BTreeSet<_>>().len();
        eprint_line(&format!(
            "{}: ok: {} pairs, {sources} ISO ids, {targets} criteria, every Annex A control and criterion has a row",
            data.name,
            pairs.len()
        ));
        if let Some(c) = consistency {
            eprint_line(&format!(
                "{}: consistent: {} containing (equal/superset) pairs agree with `beyond_iso` and are their criterion's only core element; {} criteria have a core set ({} core links), {} have none; {} state a limit ISO 27001 never meets",
                data.name, c.containing, c.with_core, c.core_links, c.without_core, c.limited
            ));
        }
        Ok(Exit::Success)
    } else {
        eprint_line(&format!("{}: {} problem(s)", data.name, problems.len()));
        Ok(Exit::DataProblems)
    }
}

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

fn export(m: &Mapping, format: &str) -> Result<Exit, Error> {
    let rows: Vec<Row> = m
        .pairs
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
        .collect();
    let bytes = if format == "json" {
        let mut b =
            serde_json::to_vec_pretty(&serde_json::json!({"version": m.version, "pairs": rows})).unwrap_or_default();
        b.push(b'\n');
        b
    } else {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["source", "target", "relationship", "strength", "rationale", "role"]);
        for r in &rows {
            let strength = r.strength.to_string();
            let _ = w.write_record([r.source, r.target, r.relationship, &strength, &csv_safe(r.rationale), r.role]);
        }
        w.into_inner().unwrap_or_default()
    };
    write_output(&Destination::Stdout, &bytes)?;
    Ok(Exit::Success)
}

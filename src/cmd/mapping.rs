//! `crosswalk mapping validate|export`: check a mapping file, or print the effective mapping.

use serde::Serialize;

use crate::cli::{ExportFormat, MappingCommand};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::interchange;
use crate::mapping::{self, Mapping};
use crate::read;
use crate::report::csv_safe;
use crate::sanitise::eprint_line;
use crate::write::{write_output, Destination};

pub fn run(engine: &Engine, cmd: MappingCommand) -> Result<Exit, Error> {
    match cmd {
        MappingCommand::Validate { file } => validate(engine, file.as_deref()),
        MappingCommand::Export { format, output, mappings } => {
            let dest = match output {
                Some(path) => {
                    if let Some(input) = mappings.mappings.iter().find(|m| crate::write::same_file(m, &path)) {
                        return Err(crate::write::WriteError::WouldOverwriteInput {
                            path: input.display().to_string(),
                        }
                        .into());
                    }
                    Destination::File(path)
                }
                None => Destination::Stdout,
            };
            let mapping = super::mapping(engine, &mappings.mappings)?;
            write_output(&dest, &export(engine, &mapping, format))?;
            Ok(Exit::Success)
        }
    }
}

/// Every problem on stderr with file and row; exit 1 when there is any.
fn validate(engine: &Engine, file: Option<&std::path::Path>) -> Result<Exit, Error> {
    let data = match file {
        Some(p) => {
            let overlay = interchange::read_overlay(p)?;
            if interchange::detect(&overlay.bytes).is_ok_and(|k| k != interchange::Kind::Csv) {
                return validate_other(engine, &overlay);
            }
            read::read_text(p)?
        }
        None => engine.files().mapping.clone(),
    };
    let (pairs, mut problems) = mapping::parse(&data, engine.catalogs());
    let mut consistency = None;
    if problems.is_empty() {
        let m = Mapping::load(&data, &engine.files().mapping_version, &[], engine.catalogs())?;
        problems.extend(m.check_complete(engine.catalogs(), &data.name));
        let (found, stats) = m.check_consistency(engine.catalogs(), &data.name);
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

/// A mapping in another tool's format (docs/interchange.md): every problem, as when it is used as an overlay.
fn validate_other(engine: &Engine, overlay: &interchange::Overlay) -> Result<Exit, Error> {
    let (pairs, problems) = interchange::parse_overlay(overlay, engine.catalogs());
    for p in &problems {
        eprint_line(&p.to_string());
    }
    let errors = problems.iter().filter(|p| p.severity == crate::issue::Severity::Error).count();
    if errors > 0 {
        eprint_line(&format!("{}: {errors} problem(s)", overlay.name));
        return Ok(Exit::DataProblems);
    }
    eprint_line(&format!("{}: ok: {} pairs, usable as an overlay with --mapping", overlay.name, pairs.len()));
    Ok(Exit::Success)
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

/// The mapping in one of the export formats (`mapping export --format`).
fn export(engine: &Engine, m: &Mapping, format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Oscal => interchange::oscal::export(m),
        ExportFormat::CisoAssistant => interchange::ciso::export(m),
        ExportFormat::Strm => interchange::strm::export(m, engine.catalogs(), false),
        ExportFormat::StrmTsv => interchange::strm::export(m, engine.catalogs(), true),
        ExportFormat::Json => own_json(m),
        ExportFormat::Csv => own_csv(m),
    }
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

fn own_json(m: &Mapping) -> Vec<u8> {
    // Strings and numbers only: serialisation cannot fail.
    let mut b = serde_json::to_vec_pretty(&serde_json::json!({"version": m.version, "pairs": rows(m)}))
        .expect("the mapping serialises");
    b.push(b'\n');
    b
}

fn own_csv(m: &Mapping) -> Vec<u8> {
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

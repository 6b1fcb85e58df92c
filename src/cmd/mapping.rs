//! `crosswalk mapping validate|export`: check a mapping file, or print the effective mapping.

use crate::cli::{ExportFormat, MappingCommand};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::interchange;
use crate::mapping::{self, Mapping};
use crate::read;
use crate::report::mapping_out;
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
                return Ok(validate_other(engine, &overlay));
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
fn validate_other(engine: &Engine, overlay: &interchange::Overlay) -> Exit {
    let (pairs, problems) = interchange::parse_overlay(overlay, engine.catalogs());
    for p in &problems {
        eprint_line(&p.to_string());
    }
    let errors = problems.iter().filter(|p| p.severity == crate::issue::Severity::Error).count();
    if errors > 0 {
        eprint_line(&format!("{}: {errors} problem(s)", overlay.name));
        return Exit::DataProblems;
    }
    eprint_line(&format!("{}: ok: {} pairs, usable as an overlay with --mapping", overlay.name, pairs.len()));
    Exit::Success
}

/// The mapping in one of the export formats (`mapping export --format`).
fn export(engine: &Engine, m: &Mapping, format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Oscal => interchange::oscal::export(m),
        ExportFormat::CisoAssistant => interchange::ciso::export(m),
        ExportFormat::Strm => interchange::strm::export(m, engine.catalogs(), false),
        ExportFormat::StrmTsv => interchange::strm::export(m, engine.catalogs(), true),
        ExportFormat::Json => mapping_out::json(m),
        ExportFormat::Csv => mapping_out::csv(m),
    }
}

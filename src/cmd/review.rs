//! `crosswalk review apply WORKBOOK`: the decisions of a reviewed crosswalk workbook, as a decisions csv.

use crate::cli::ReviewCommand;
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::read::{self, Limits};
use crate::write::{self, Destination};

pub fn run(engine: &Engine, cmd: ReviewCommand) -> Result<Exit, Error> {
    match cmd {
        ReviewCommand::Apply { workbook, output, mapping_out } => {
            let dest = output.map_or(Destination::Stdout, Destination::File);
            write::ensure_not_input(&dest, std::slice::from_ref(&workbook))?;
            let source = read::read_path(&workbook, Limits::default())?;
            let (records, pairs) = match &mapping_out {
                None => (crate::review::read_decisions(&source.file, &source.tables, engine.catalogs())?, None),
                Some(path) => {
                    write::ensure_not_input(&Destination::File(path.clone()), std::slice::from_ref(&workbook))?;
                    if matches!(&dest, Destination::File(d) if write::same_file(d, path)) {
                        return Err(Error::Usage("-o and --mapping-out name the same file: give two".into()));
                    }
                    let (records, pairs) = crate::review::read_all(&source.file, &source.tables, engine.catalogs())?;
                    (records, Some((path, pairs)))
                }
            };
            let bytes = crate::review::write_csv(&records)
                .map_err(|e| Error::Usage(format!("cannot write the decisions: {e}")))?;
            write::write_output(&dest, &bytes)?;
            if !matches!(dest, Destination::Stdout) {
                let mut counts = std::collections::BTreeMap::new();
                for r in &records {
                    *counts.entry(r.decision.as_str()).or_insert(0usize) += 1;
                }
                let counts: Vec<String> = counts.iter().map(|(d, n)| format!("{n} {d}")).collect();
                let counts = if counts.is_empty() { "none".to_string() } else { counts.join(", ") };
                crate::sanitise::eprint_line(&format!("{}: {} decision(s) ({counts})", source.file, records.len()));
            }
            if let Some((path, pairs)) = pairs {
                let bytes = crate::review::pairs::write_overlay(&pairs)
                    .map_err(|e| Error::Usage(format!("cannot write the added pairs: {e}")))?;
                write::write_output(&Destination::File(path.clone()), &bytes)?;
                crate::sanitise::eprint_line(&format!(
                    "{}: {} pair(s) added, written to {}",
                    source.file,
                    pairs.len(),
                    path.display()
                ));
            }
            Ok(Exit::Success)
        }
    }
}

/// Reads a decisions csv (`--decisions`): its name as given, and its decisions.
pub fn load(path: &std::path::Path) -> Result<(String, Vec<crate::review::DecisionRecord>), Error> {
    let file = read::read_text(path)?;
    let records = crate::review::read_csv(&file.name, &file.text)?;
    Ok((file.name, records))
}

/// Applies decisions to an input's rows as understood, before its crosswalk is built.
pub fn apply(
    decisions: &(String, Vec<crate::review::DecisionRecord>),
    imported: &mut crate::import::Imported,
) -> crate::review::Applied {
    let (file, records) = decisions;
    let at = crate::issue::Location::file(imported.file.clone()).sheet(imported.sheet.as_deref());
    crate::review::apply(records, &mut imported.rows, file, &at, &mut imported.issues)
}

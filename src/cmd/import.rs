//! `crosswalk import INPUT`: how the spreadsheet was understood, one record per control row.

use super::{read_settings, Ui};
use crate::cli::{ImportArgs, ImportFormat};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::import::Imported;
use crate::issue::Severity;
use crate::read;
use crate::report::import_out;
use crate::write::{self, Destination};

pub fn run(engine: &Engine, ui: &Ui, args: &ImportArgs) -> Result<Exit, Error> {
    let (settings, limits) = read_settings(&args.read)?;
    let dest = match args.output.as_deref() {
        None | Some("-") => Destination::Stdout,
        Some(p) => Destination::File(p.into()),
    };
    write::ensure_not_input(&dest, std::slice::from_ref(&args.input))?;
    if let Some(path) = &args.profile_out {
        write::ensure_not_input(&Destination::File(path.clone()), std::slice::from_ref(&args.input))?;
    }
    let source = read::isolate::read_input(&args.input, limits)?;
    let imported = engine.understand(source, &settings, None)?;
    let bytes = match args.format {
        ImportFormat::Json => import_out::json(&imported),
        ImportFormat::Csv => import_out::csv(&imported),
    }
    .map_err(|source| Error::Render { file: imported.file.clone(), source })?;
    write::write_output(&dest, &bytes)?;
    if let Some(path) = &args.profile_out {
        let profile = crate::import::profile::Profile::from_imported(&imported);
        write::write_output(&Destination::File(path.clone()), &profile.to_json())?;
    }
    if !ui.quiet {
        describe(&imported);
    }
    let errors = imported.issues.iter().any(|i| i.severity == Severity::Error);
    Ok(if errors { Exit::DataProblems } else { Exit::Success })
}

/// The layout on stderr: sheet, header row, and each column's role with the reason, one line each.
fn describe(i: &Imported) {
    use crate::sanitise::eprint_line;
    let sheet = i.sheet.as_ref().map(|s| format!("sheet '{s}', ")).unwrap_or_default();
    eprint_line(&format!(
        "{}: {sheet}header row {}, framework {}, {} control rows",
        i.file,
        i.header_row,
        i.framework,
        i.rows.len()
    ));
    eprint_line(&format!("  {}", crate::import::rows_accounted(i.rows.len(), &i.skipped)));
    for c in &i.columns {
        eprint_line(&format!("  column {} -> {} ({})", crate::issue::column_letter(c.index), c.role, c.reason));
    }
    for issue in &i.issues {
        eprint_line(&format!("  {issue}"));
    }
}

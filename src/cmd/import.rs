//! `crosswalk import INPUT`: how the spreadsheet was understood, one record per control row.

use serde::Serialize;

use super::{read_settings, Ui};
use crate::cli::{ImportArgs, ImportFormat};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::import::Imported;
use crate::issue::Severity;
use crate::read;
use crate::report::csv_safe;
use crate::write::{self, Destination};

pub fn run(engine: &Engine, ui: &Ui, args: ImportArgs) -> Result<Exit, Error> {
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
        ImportFormat::Json => json(&imported),
        ImportFormat::Csv => csv(&imported),
    };
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

#[derive(Serialize)]
struct Document<'a> {
    file: &'a str,
    sha256: &'a str,
    sheet: Option<&'a str>,
    header_row: usize,
    framework: crate::ids::Framework,
    columns: &'a [crate::import::ColumnRole],
    rows: &'a [crate::import::ImportedRow],
    skipped: &'a [crate::import::Skipped],
    issues: &'a [crate::issue::Issue],
}

fn json(i: &Imported) -> Vec<u8> {
    let doc = Document {
        file: &i.file,
        sha256: &i.sha256,
        sheet: i.sheet.as_deref(),
        header_row: i.header_row,
        framework: i.framework,
        columns: &i.columns,
        rows: &i.rows,
        skipped: &i.skipped,
        issues: &i.issues,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn csv(i: &Imported) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "row",
        "raw_id",
        "ids",
        "matched_by",
        "score",
        "review",
        "title",
        "applicable",
        "status",
        "owner",
        "evidence",
        "frequency",
        "notes",
    ]);
    for r in &i.rows {
        let record = [
            r.row.to_string(),
            r.raw_id.clone().unwrap_or_default(),
            r.ids.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(";"),
            r.matched_by.as_str().to_string(),
            format!("{:.3}", r.score),
            if r.review == crate::import::Review::Auto { "auto" } else { "needs-review" }.to_string(),
            r.title.clone().or_else(|| r.text.clone()).unwrap_or_default(),
            r.applicable.map(|a| a.to_string()).unwrap_or_default(),
            r.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            r.owner.clone().unwrap_or_default(),
            r.evidence.clone().unwrap_or_default(),
            r.frequency.clone().unwrap_or_default(),
            r.notes.join("; "),
        ];
        let _ = w.write_record(record.iter().map(|v| csv_safe(v)));
    }
    w.into_inner().unwrap_or_default()
}

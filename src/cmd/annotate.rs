//! `crosswalk map soa.xlsx --annotate`: the client's own workbook returned with our columns appended to the right of
//! the sheet read (canonical id, mapped ids, relationship, coverage, review flag) and everything else kept.
//!
//! ```text
//! crosswalk map soa.xlsx --annotate                          writes soa.annotated.xlsx here
//! crosswalk map soa.xlsm --annotate -o soa.annotated.xlsm    macros kept
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{read_settings, Ui};
use crate::cli::MapArgs;
use crate::crosswalk::{CoverageStatus, Effect};
use crate::engine::{Crosswalked, Engine};
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::Review;
use crate::read;
use crate::report::annotate::{annotate, Columns};
use crate::write::{self, Destination};

pub fn run(engine: &Engine, ui: &Ui, args: &MapArgs) -> Result<Exit, Error> {
    let input = one_workbook(args)?;
    let ext = extension(&input);
    let dest = match args.output.as_deref() {
        None => {
            let stem = input.file_stem().and_then(|s| s.to_str()).unwrap_or("output");
            Destination::File(PathBuf::from(format!("{stem}.annotated.{ext}")))
        }
        Some("-") => Destination::Stdout,
        Some(o) => Destination::File(PathBuf::from(o)),
    };
    let mut inputs = vec![input.clone()];
    inputs.extend(args.mappings.mappings.iter().cloned());
    write::ensure_not_input(&dest, &inputs)?;
    let macros_ok = match &dest {
        Destination::File(p) => extension(p) == "xlsm",
        Destination::Stdout => ext == "xlsm",
    };
    let (settings, limits) = read_settings(&args.read)?;
    let scope = args.scope.scope()?;
    let mapping = super::mapping(engine, &args.mappings.mappings)?;
    // Parsed behind the reader's boundary like every input; the bytes spliced are the bytes that were parsed.
    let source = read::isolate::read_input(&input, limits)?;
    let (file, bytes) = read::read_file(&input)?;
    if read::sha256_hex(&bytes) != source.sha256 {
        return Err(Error::Usage(format!("{file}: the file changed while it was being read; run again")));
    }
    let imported = engine.understand(source, &settings, args.min_score)?;
    let to = args.to.map(Framework::from);
    let Crosswalked { imported, crosswalk: cw } = engine.crosswalk(imported, &mapping, &scope, to);
    let sheet = imported.sheet.clone().unwrap_or_default();
    let columns = columns(&cw, imported.header_row as u32);
    let done = annotate(&bytes, &sheet, &columns, macros_ok)
        .map_err(|e| Error::Workbook { file: file.clone(), source: e.into() })?;
    write::write_output(&dest, &done.bytes)?;
    if !ui.quiet {
        let to_name = match &dest {
            Destination::Stdout => "stdout".to_string(),
            Destination::File(p) => p.display().to_string(),
        };
        crate::sanitise::eprint_line(&format!(
            "{file}: {} rows annotated in sheet '{sheet}', columns {} onwards; wrote {to_name}",
            done.rows_written, done.first_column
        ));
    }
    let errors = imported.issues.iter().any(|i| i.severity == crate::issue::Severity::Error);
    Ok(if errors { Exit::DataProblems } else { Exit::Success })
}

/// `--annotate` rewrites one xlsx or xlsm file; anything else is a usage error saying what to do instead.
fn one_workbook(args: &MapArgs) -> Result<PathBuf, Error> {
    let [input] = args.inputs.as_slice() else {
        return Err(Error::Usage("--annotate writes back into one workbook: give one input file".into()));
    };
    if args.out_dir.is_some() || args.summary.is_some() || args.format.is_some() {
        return Err(Error::Usage(
            "--annotate writes the client's own workbook: --format, --out-dir and --summary do not apply".into(),
        ));
    }
    if input.as_os_str() == "-" || input.is_dir() {
        return Err(Error::Usage("--annotate writes back into a workbook file, not stdin or a folder".into()));
    }
    match extension(input).as_str() {
        "xlsx" | "xlsm" => Ok(input.clone()),
        other => Err(Error::Usage(format!(
            "{}: --annotate writes back into xlsx and xlsm workbooks only, and this is {}: save it as xlsx, or use `--format csv` for our columns beside each row",
            input.display(),
            if other.is_empty() { "a file without an extension".to_string() } else { format!("`{other}`") }
        ))),
    }
}

fn extension(p: &Path) -> String {
    p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Our columns: one list of values per control row.
fn columns(cw: &crate::crosswalk::Crosswalk, header_row: u32) -> Columns {
    let to_iso = cw.to == Framework::Iso2022;
    let status: BTreeMap<&str, CoverageStatus> = cw.coverage.iter().map(|c| (c.id.as_str(), c.status)).collect();
    let headers = [
        "crosswalk: canonical id",
        if to_iso { "crosswalk: ISO 27001:2022 controls" } else { "crosswalk: SOC 2 criteria" },
        "crosswalk: relationship and strength",
        "crosswalk: coverage",
        "crosswalk: review",
    ];
    let rows = cw
        .rows
        .iter()
        .map(|r| {
            let ids: Vec<&str> = r.row.ids.iter().map(super::super::ids::ControlId::as_str).collect();
            let targets: Vec<&str> = r.targets.iter().map(|t| t.id.as_str()).collect();
            let links: Vec<String> =
                r.targets.iter().map(|t| format!("{}: {}, {}", t.id, t.relationship, t.strength)).collect();
            let mut coverage: Vec<String> = r
                .targets
                .iter()
                .filter_map(|t| status.get(t.id.as_str()).map(|s| format!("{} {}", t.id, s.as_str())))
                .collect();
            if r.effect == Effect::Nothing && !r.targets.is_empty() {
                coverage.push("(this row counts for nothing: planned, not implemented, excluded or unknown)".into());
            }
            let review = if r.row.review == Review::Auto { "auto" } else { "needs-review" };
            let values = vec![ids.join("; "), targets.join("; "), links.join("; "), coverage.join("; "), review.into()];
            (r.row.row as u32, values)
        })
        .collect();
    Columns { header_row, headers: headers.iter().map(std::string::ToString::to_string).collect(), rows }
}

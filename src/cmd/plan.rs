//! `crosswalk plan`: the documents the next audit asks for, built from what the client already has.
//!
//! ```text
//! crosswalk plan soc2 soa.xlsx -o matrix.xlsx                    SOC 2 control matrix draft (+ evidence sheets)
//! crosswalk plan evidence soa.xlsx --window-months 12 --period-start 2026-01-01 -o evidence.csv
//! crosswalk plan iso27001 matrix.xlsx -o soa.xlsx                draft Statement of Applicability
//! ```

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{read_settings, Ui};
use crate::cli::ReadArgs;
use crate::crosswalk::{Crosswalk, Scope};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::{Imported, Settings};
use crate::plan::matrix::{self, Window};
use crate::plan::samples::SampleSizes;
use crate::plan::{soa, Date};
use crate::read::{self, Limits};
use crate::report::plan_out::{self, Meta};
use crate::report::{Output, RunInfo};
use crate::write::{self, Destination};

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// SOC 2 control matrix draft from an ISO 27001 SoA: one line per criterion and client control, a "to do" line
    /// for what SOC 2 asks beyond ISO, gaps listed; the xlsx adds the Type II evidence requests.
    #[command(after_help = "Examples:
  crosswalk plan soc2 soa.xlsx -o matrix.xlsx
  crosswalk plan soc2 soa.xlsx -o matrix.csv --scope security,availability
  crosswalk plan soc2 soa.xlsx --window-months 12 --period-start 2026-01-01")]
    Soc2(PlanArgs),
    /// Evidence request list for a SOC 2 Type II window from an ISO 27001 SoA: per criterion and control, the
    /// evidence, how often it runs, occurrences in the window and the typical sample; what to settle first.
    #[command(after_help = "Examples:
  crosswalk plan evidence soa.xlsx --window-months 6 -o evidence.xlsx
  crosswalk plan evidence soa.xlsx --window-months 12 --period-start 2026-01-01 -o evidence.csv")]
    Evidence(PlanArgs),
    /// Draft ISO 27001:2022 Statement of Applicability from a SOC 2 control matrix: all 93 Annex A controls,
    /// applicability suggested, justification pre-filled, and the ISMS clauses certification still needs.
    #[command(after_help = "Examples:
  crosswalk plan iso27001 matrix.xlsx -o soa.xlsx
  crosswalk plan iso27001 matrix.csv -o soa.csv")]
    Iso27001(PlanArgs),
}

#[derive(Debug, Args)]
#[command(mut_arg("scope", |a| a.help(
    "TSC categories in the SOC 2 examination, comma-separated, or `all` (default: security)"
)))]
pub struct PlanArgs {
    /// The client's spreadsheet: an ISO 27001 SoA for `soc2` and `evidence`, a SOC 2 control matrix for `iso27001`.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,

    /// Output file, `.xlsx` or `.csv`, or `-` for csv on stdout (default: `<input stem>.<deliverable>.xlsx` here).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<String>,

    #[command(flatten)]
    pub scope: crate::cli::ScopeArgs,

    /// Observation window of the SOC 2 Type II examination, in months (1 to 36).
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub window_months: u32,

    /// First day of the observation window, YYYY-MM-DD (names the window's dates in the outputs).
    #[arg(long, value_name = "DATE")]
    pub period_start: Option<String>,

    #[command(flatten)]
    pub mappings: crate::cli::MappingArgs,

    #[command(flatten)]
    pub read: ReadArgs,
}

/// Which document to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deliverable {
    Matrix,
    Evidence,
    Soa,
}

impl Deliverable {
    fn stem(self) -> &'static str {
        match self {
            Deliverable::Matrix => "soc2-matrix",
            Deliverable::Evidence => "evidence",
            Deliverable::Soa => "soa-draft",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Deliverable::Matrix => "plan soc2",
            Deliverable::Evidence => "plan evidence",
            Deliverable::Soa => "plan iso27001",
        }
    }
}

/// The validated flags of a `plan` command.
#[derive(Debug, Clone)]
struct PlanSettings {
    what: Deliverable,
    input: PathBuf,
    dest: Destination,
    csv: bool,
    scope: Scope,
    window: Window,
    mappings: Vec<PathBuf>,
    read: Settings,
    limits: Limits,
}

impl PlanSettings {
    fn from_args(what: Deliverable, args: &PlanArgs) -> Result<PlanSettings, Error> {
        let (read, limits) = read_settings(&args.read)?;
        let (dest, csv) = match args.output.as_deref() {
            None => {
                let stem = args.input.file_stem().and_then(|s| s.to_str()).unwrap_or("output");
                (Destination::File(PathBuf::from(format!("{stem}.{}.xlsx", what.stem()))), false)
            }
            Some("-") => (Destination::Stdout, true),
            Some(o) => {
                let ext = Path::new(o).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                let csv = match ext.as_deref() {
                    Some("xlsx") => false,
                    Some("csv") => true,
                    _ => return Err(Error::Usage(format!("cannot tell the format from `{o}`: name it .xlsx or .csv"))),
                };
                (Destination::File(PathBuf::from(o)), csv)
            }
        };
        let scope = args.scope.scope()?;
        super::ensure_window(args.window_months)?;
        let start = args
            .period_start
            .as_deref()
            .map(Date::parse)
            .transpose()
            .map_err(|e| Error::Usage(format!("--period-start {e}")))?;
        Ok(PlanSettings {
            what,
            input: args.input.clone(),
            dest,
            csv,
            scope,
            window: Window { months: args.window_months, start },
            mappings: args.mappings.mappings.clone(),
            read,
            limits,
        })
    }
}

pub fn run(engine: &Engine, ui: &Ui, cmd: PlanCommand) -> Result<Exit, Error> {
    let (what, args) = match cmd {
        PlanCommand::Soc2(a) => (Deliverable::Matrix, a),
        PlanCommand::Evidence(a) => (Deliverable::Evidence, a),
        PlanCommand::Iso27001(a) => (Deliverable::Soa, a),
    };
    let settings = PlanSettings::from_args(what, &args)?;
    let mut inputs = vec![settings.input.clone()];
    inputs.extend(settings.mappings.iter().cloned());
    write::ensure_not_input(&settings.dest, &inputs)?;
    let samples = SampleSizes::load(&engine.files().samples)?;
    let mapping = super::mapping(engine, &settings.mappings)?;
    let source = read::isolate::read_input(&settings.input, settings.limits)?;
    let imported = engine.understand(source, &settings.read, None)?;
    ensure_direction(what, &imported)?;
    let done = engine.crosswalk(imported, &mapping, &settings.scope, None);
    let run_info = RunInfo::new(&mapping.version, &settings.scope);
    let (bytes, summary) = build(&settings, engine, &done.output(&run_info), &done.crosswalk, &samples)?;
    write::write_output(&settings.dest, &bytes)?;
    if !ui.quiet {
        let dest = match &settings.dest {
            Destination::Stdout => "stdout".to_string(),
            Destination::File(p) => p.display().to_string(),
        };
        crate::sanitise::eprint_line(&format!("{}: {summary}; wrote {dest}", done.imported.file));
    }
    let errors = done.imported.issues.iter().any(|i| i.severity == crate::issue::Severity::Error);
    Ok(if errors { Exit::DataProblems } else { Exit::Success })
}

/// `plan soc2` and `plan evidence` read an ISO SoA (or free-text controls); `plan iso27001` a SOC 2 matrix.
fn ensure_direction(what: Deliverable, imported: &Imported) -> Result<(), Error> {
    let soc2_in = imported.framework == Framework::Tsc2017;
    let (wrong, other) = match what {
        Deliverable::Matrix | Deliverable::Evidence if soc2_in => {
            ("holds SOC 2 criteria, not ISO 27001 controls", "crosswalk plan iso27001")
        }
        Deliverable::Soa if !soc2_in => ("holds ISO 27001 controls, not SOC 2 criteria", "crosswalk plan soc2"),
        _ => return Ok(()),
    };
    Err(Error::Usage(format!(
        "{}: `crosswalk {}` reads {}, but this file {wrong}; use `{other}`, or --from to say what the file holds",
        imported.file,
        what.command(),
        if what == Deliverable::Soa { "a SOC 2 control matrix" } else { "an ISO 27001 Statement of Applicability" },
    )))
}

/// The deliverable's bytes and a one-line summary.
fn build(
    s: &PlanSettings,
    engine: &Engine,
    output: &Output,
    crosswalk: &Crosswalk,
    samples: &SampleSizes,
) -> Result<(Vec<u8>, String), Error> {
    let file = || output.input.path.clone();
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| Error::Workbook { file: file(), source: e.into() };
    let csv_err = |e: csv::Error| Error::Workbook { file: file(), source: e.into() };
    let meta = Meta { out: output, window: (s.what != Deliverable::Soa).then_some(s.window) };
    match s.what {
        Deliverable::Matrix | Deliverable::Evidence => {
            let rows = matrix::build(crosswalk, engine.catalogs());
            let requests = matrix::requests(&rows, samples, s.window);
            let criteria = crosswalk.coverage.iter().filter(|c| c.status.as_str() != "out-of-scope").count();
            let gaps = rows.iter().filter(|r| r.line == matrix::Line::Gap).count();
            let settle = requests
                .iter()
                .filter(|r| r.settle.is_some())
                .map(|r| r.client.row)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let summary = format!(
                "{criteria} criteria in scope, {} control lines, {gaps} gaps; {} evidence requests over {}, controls to settle: {settle}",
                rows.iter().filter(|r| r.line == matrix::Line::Control).count(),
                requests.len(),
                s.window.describe()
            );
            let bytes = match (s.what, s.csv) {
                (Deliverable::Matrix, false) => {
                    plan_out::matrix_xlsx(&meta, &rows, &requests, samples).map_err(xlsx_err)?
                }
                (Deliverable::Matrix, true) => plan_out::matrix_csv(&rows).map_err(csv_err)?,
                (_, false) => plan_out::evidence_xlsx(&meta, &requests, samples).map_err(xlsx_err)?,
                (_, true) => plan_out::evidence_csv(&requests).map_err(csv_err)?,
            };
            Ok((bytes, summary))
        }
        Deliverable::Soa => {
            let draft = soa::build(crosswalk, engine.catalogs());
            let applicable =
                draft.controls.iter().filter(|c| c.applicability == soa::Applicability::Applicable).count();
            let summary = format!(
                "{} Annex A controls, {applicable} suggested applicable, {} to decide or review; {} ISMS clauses",
                draft.controls.len(),
                draft.controls.len() - applicable,
                draft.clauses.len()
            );
            let bytes = if s.csv {
                plan_out::soa_csv(&draft).map_err(csv_err)?
            } else {
                plan_out::soa_xlsx(&meta, &draft).map_err(xlsx_err)?
            };
            Ok((bytes, summary))
        }
    }
}

//! `crosswalk map INPUT...`: read, understand, match, crosswalk, write — one output per input.

use std::path::{Path, PathBuf};

use super::{read_settings, Context, Ui};
use crate::cli::MapArgs;
use crate::crosswalk::{counts_by_category, Crosswalk, Scope};
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::{Imported, Settings};
use crate::issue::Severity;
use crate::mapping::Mapping;
use crate::read::{self, Limits};
use crate::report::context::{ReportData, DEFAULT_WINDOW_MONTHS};
use crate::report::template::{self, Kind};
use crate::report::{self, Output, RunInfo};
use crate::write::{self, Destination};

/// Output formats of `map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Json,
    Csv,
    Md,
    Html,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "xlsx" => Format::Xlsx,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Html => "html",
        }
    }
}

/// One input and where its output goes.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: PathBuf,
    pub dest: Destination,
}

/// The validated flags of `map`.
#[derive(Debug, Clone)]
pub struct MapSettings {
    pub jobs: Vec<Job>,
    pub format: Format,
    pub to: Option<Framework>,
    pub read: Settings,
    pub limits: Limits,
    pub scope: Scope,
    pub mappings: Vec<PathBuf>,
    pub min_score: Option<f64>,
}

impl MapSettings {
    pub fn from_args(args: &MapArgs) -> Result<MapSettings, Error> {
        let (read, limits) = read_settings(&args.read)?;
        let inputs = read::expand_inputs(&args.inputs);
        if inputs.is_empty() {
            return Err(Error::Usage(format!(
                "no spreadsheets found in {}",
                args.inputs.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ")
            )));
        }
        let stdout = args.output.as_deref() == Some("-");
        let format = match (&args.format, &args.output) {
            (Some(f), _) => Format::parse(f).ok_or_else(|| Error::Usage(format!("unknown format `{f}`")))?,
            (None, Some(o)) if o != "-" => {
                Path::new(o).extension().and_then(|e| e.to_str()).and_then(Format::parse).ok_or_else(|| {
                    Error::Usage(format!(
                        "cannot tell the format from `{o}`: name it .xlsx, .json, .csv, .md or .html, or pass --format"
                    ))
                })?
            }
            (None, Some(_)) => Format::Json,
            (None, None) => Format::Xlsx,
        };
        if args.output.is_some() && args.out_dir.is_some() {
            return Err(Error::Usage("use either -o or --out-dir, not both".into()));
        }
        if args.output.is_some() && inputs.len() > 1 {
            return Err(Error::Usage(format!(
                "-o names one output but there are {} inputs: use --out-dir DIR to write one output per input",
                inputs.len()
            )));
        }
        if let Some(dir) = &args.out_dir {
            if !dir.is_dir() {
                return Err(Error::Usage(format!("--out-dir `{}` is not a folder", dir.display())));
            }
        }
        let jobs = inputs
            .iter()
            .map(|input| {
                let dest = match (&args.output, &args.out_dir) {
                    (Some(o), _) if stdout || o == "-" => Destination::Stdout,
                    (Some(o), _) => Destination::File(PathBuf::from(o)),
                    (None, dir) => {
                        let stem = input.file_stem().and_then(|s| s.to_str()).unwrap_or("output");
                        let name = format!("{stem}.crosswalk.{}", format.extension());
                        Destination::File(dir.as_ref().map_or_else(|| PathBuf::from(&name), |d| d.join(&name)))
                    }
                };
                Job { input: input.clone(), dest }
            })
            .collect::<Vec<_>>();
        let mut seen = std::collections::BTreeSet::new();
        for job in &jobs {
            if let Destination::File(p) = &job.dest {
                if !seen.insert(p.clone()) {
                    return Err(Error::Usage(format!(
                        "two inputs would both write `{}`: inputs with the same name in different folders need separate runs",
                        p.display()
                    )));
                }
            }
        }
        let scope = match &args.scope {
            Some(s) => Scope::parse(s).map_err(|e| Error::Usage(format!("--scope: {e}")))?,
            None => Scope::default(),
        };
        if let Some(m) = args.min_score {
            if !(0.0..=1.0).contains(&m) {
                return Err(Error::Usage(format!("--min-score {m}: expected a number from 0 to 1")));
            }
        }
        Ok(MapSettings {
            jobs,
            format,
            to: args.to.as_deref().and_then(Framework::from_key),
            read,
            limits,
            scope,
            mappings: args.mappings.clone(),
            min_score: args.min_score,
        })
    }
}

/// What one input gave.
pub struct Mapped {
    pub imported: Imported,
    pub crosswalk: Crosswalk,
}

pub fn run(ctx: &Context, ui: &Ui, args: MapArgs) -> Result<Exit, Error> {
    let settings = MapSettings::from_args(&args)?;
    let mapping = ctx.mapping(&settings.mappings)?;
    let run_info = RunInfo::new(&mapping.version, &settings.scope);
    let inputs: Vec<PathBuf> = settings.jobs.iter().map(|j| j.input.clone()).collect();
    for job in &settings.jobs {
        write::ensure_not_input(&job.dest, &inputs)?;
    }
    let single = settings.jobs.len() == 1;
    let mut exit = Exit::Success;
    for job in &settings.jobs {
        match map_job(ctx, &mapping, &run_info, &settings, job) {
            Ok(mapped) => {
                let errors = mapped.imported.issues.iter().filter(|i| i.severity == Severity::Error).count();
                if errors > 0 {
                    exit = exit.max(Exit::DataProblems);
                }
                if !ui.quiet {
                    print_outcome(ui, job, &mapped);
                }
            }
            Err(e) if single => return Err(e),
            Err(e) => {
                eprintln!("crosswalk: error: {e}");
                exit = exit.max(Exit::DataProblems);
            }
        }
    }
    Ok(exit)
}

/// One input through the whole pipeline, written to its destination.
pub fn map_job(
    ctx: &Context,
    mapping: &Mapping,
    run: &RunInfo,
    settings: &MapSettings,
    job: &Job,
) -> Result<Mapped, Error> {
    let source = read::read_path(&job.input, settings.limits)?;
    let matcher = crate::matching::Matcher::new(&ctx.files, &ctx.catalogs)?;
    let min_score = settings.min_score.unwrap_or(crate::matching::TEXT_AUTO);
    let text = crate::matching::TextMatch { matcher: &matcher, min_score };
    let imported = crate::understand_with(&source, &settings.read, &ctx.catalogs, Some(&text))?;
    let to = settings.to.unwrap_or_else(|| crate::default_target(imported.framework));
    let crosswalk = crate::crosswalk::build(&imported, mapping, &ctx.catalogs, &settings.scope, to);
    let output = Output::new(run, &imported, &crosswalk);
    let report = ReportData::build(&output, &ctx.catalogs, mapping, DEFAULT_WINDOW_MONTHS);
    let bytes = render(settings.format, &output, ctx, &report)?;
    write::write_output(&job.dest, &bytes)?;
    Ok(Mapped { imported, crosswalk })
}

/// The bytes of one output in the chosen format.
pub fn render(format: Format, output: &Output, ctx: &Context, report: &ReportData) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::Json => report::json::render(output),
        Format::Csv => report::csv_out::render(output, &ctx.catalogs),
        Format::Xlsx => report::workbook::render(output, &ctx.catalogs, report)
            .map_err(|e| Error::Workbook { file: output.input.path.clone(), detail: e.to_string() })?,
        Format::Md | Format::Html => {
            let kind = if format == Format::Md { Kind::Markdown } else { Kind::Html };
            template::render(kind, report, None).map_err(|e| Error::Template(e.to_string()))?.into_bytes()
        }
    })
}

fn print_outcome(ui: &Ui, job: &Job, m: &Mapped) {
    let i = &m.imported;
    let by = |how: crate::import::MatchedBy| i.rows.iter().filter(|r| r.matched_by == how).count();
    let review = i.rows.iter().filter(|r| r.review == crate::import::Review::NeedsReview).count();
    let sheet = i.sheet.as_ref().map(|s| format!(", sheet '{s}'")).unwrap_or_default();
    let dest = match &job.dest {
        Destination::Stdout => "stdout".to_string(),
        Destination::File(p) => p.display().to_string(),
    };
    let security = counts_by_category(&m.crosswalk.coverage)
        .into_iter()
        .find(|(c, _)| c == "security")
        .map(|(_, [covered, partial, gap, _])| {
            format!("; security criteria: {covered} covered, {partial} partial, {gap} gap")
        })
        .unwrap_or_default();
    eprintln!(
        "{}{sheet}, header row {}: {} rows ({} by id, {} via 2013, {} by title, {} by text, {review} to review), {} -> {}{security}; wrote {dest}",
        i.file,
        i.header_row,
        i.rows.len(),
        by(crate::import::MatchedBy::Id),
        by(crate::import::MatchedBy::Transition),
        by(crate::import::MatchedBy::Title),
        by(crate::import::MatchedBy::Text),
        i.framework,
        m.crosswalk.to,
    );
    let errors = i.issues.iter().filter(|x| x.severity == Severity::Error).count();
    let warnings = i.issues.iter().filter(|x| x.severity == Severity::Warning).count();
    for issue in &i.issues {
        if issue.severity == Severity::Error || ui.verbose > 0 {
            eprintln!("  {issue}");
        }
    }
    if warnings > 0 && ui.verbose == 0 {
        eprintln!("  {warnings} warning(s), {errors} error(s): see the Issues sheet, or run with -v");
    }
}

//! `crosswalk map INPUT...`: read, understand, match, crosswalk, write — one output per input.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{read_settings, Context, Ui};
use crate::cli::MapArgs;
use crate::crosswalk::{Crosswalk, Scope};
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::{Imported, Settings};
use crate::issue::Severity;
use crate::mapping::Mapping;
use crate::read::{self, Limits};
use crate::report::context::{ReportData, DEFAULT_WINDOW_MONTHS};
use crate::report::template::{self, Kind};
use crate::report::{self, words, Output, RunInfo};
use crate::sanitise::{eprint_line, eprint_lines};
use crate::summary::{InputSummary, Summary};
use crate::write::{self, Destination};

/// Output formats of `map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Json,
    Csv,
    Md,
    Html,
    /// OSCAL 1.2 mapping-collection (JSON).
    Oscal,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "xlsx" => Format::Xlsx,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            "oscal" => Format::Oscal,
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
            Format::Oscal => "oscal.json",
        }
    }
}

/// The most worker threads `--jobs` may ask for; more would exhaust the system's threads, not speed anything up.
pub const MAX_JOBS: usize = 1024;

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
    /// Worker threads: `--jobs`, else rayon's default (`RAYON_NUM_THREADS`, else one per core).
    pub threads: Option<usize>,
    /// Where `--summary` goes.
    pub summary: Option<Destination>,
    /// `--decisions`: the file as named, and its decisions.
    pub decisions: Option<(String, Vec<crate::review::DecisionRecord>)>,
    pub fail_under: Option<f64>,
}

/// Whether an input names standard input (`-`).
pub fn is_stdin(input: &Path) -> bool {
    input.as_os_str() == "-"
}

/// An input as messages name it: the path as given, `stdin` for `-`.
pub fn input_name(input: &Path) -> String {
    if is_stdin(input) {
        "stdin".to_string()
    } else {
        input.display().to_string()
    }
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
        if inputs.iter().filter(|p| is_stdin(p)).count() > 1 {
            return Err(Error::Usage("`-` (stdin) can be given only once".into()));
        }
        if args.output.is_some() && args.out_dir.is_some() {
            return Err(Error::Usage("use either -o or --out-dir, not both".into()));
        }
        // A lone `-` without -o or --out-dir reads stdin and writes stdout, as a filter does.
        let stdout = args.output.as_deref() == Some("-")
            || (args.output.is_none() && args.out_dir.is_none() && inputs.len() == 1 && is_stdin(&inputs[0]));
        let format = match (&args.format, &args.output) {
            (Some(f), _) => Format::parse(f).ok_or_else(|| Error::Usage(format!("unknown format `{f}`")))?,
            (None, Some(o)) if o != "-" => {
                Path::new(o).extension().and_then(|e| e.to_str()).and_then(Format::parse).ok_or_else(|| {
                    Error::Usage(format!(
                        "cannot tell the format from `{o}`: name it .xlsx, .json, .csv, .md or .html, or pass --format"
                    ))
                })?
            }
            _ if stdout => Format::Json,
            _ => Format::Xlsx,
        };
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
                    _ if stdout => Destination::Stdout,
                    (Some(o), _) => Destination::File(PathBuf::from(o)),
                    (None, dir) => {
                        let stem = if is_stdin(input) {
                            "stdin"
                        } else {
                            input.file_stem().and_then(|s| s.to_str()).unwrap_or("output")
                        };
                        let name = format!("{stem}.crosswalk.{}", format.extension());
                        Destination::File(dir.as_ref().map_or_else(|| PathBuf::from(&name), |d| d.join(&name)))
                    }
                };
                Job { input: input.clone(), dest }
            })
            .collect::<Vec<_>>();
        let mut seen: std::collections::BTreeMap<PathBuf, &PathBuf> = std::collections::BTreeMap::new();
        for job in &jobs {
            if let Destination::File(p) = &job.dest {
                if let Some(first) = seen.insert(p.clone(), &job.input) {
                    return Err(Error::Usage(format!(
                        "`{}` and `{}` would both write `{}`: rename one, or map them in separate runs",
                        first.display(),
                        job.input.display(),
                        p.display()
                    )));
                }
            }
        }
        let scope = super::scope(args.scope.as_deref())?;
        if let Some(m) = args.min_score {
            if !(0.0..=1.0).contains(&m) {
                return Err(Error::Usage(format!("--min-score {m}: expected a number from 0 to 1")));
            }
        }
        match args.jobs {
            Some(0) => return Err(Error::Usage("--jobs 0: expected 1 or more worker threads".into())),
            Some(n) if n > MAX_JOBS => {
                return Err(Error::Usage(format!("--jobs {n}: expected at most {MAX_JOBS} worker threads")))
            }
            _ => {}
        }
        if let Some(pct) = args.fail_under {
            if !(0.0..=100.0).contains(&pct) {
                return Err(Error::Usage(format!("--fail-under {pct}: expected a percentage from 0 to 100")));
            }
        }
        let summary = match args.summary.as_deref() {
            None => None,
            Some(p) if is_stdin(p) => {
                if stdout {
                    return Err(Error::Usage(
                        "--summary - and the output both go to stdout: send one of them to a file".into(),
                    ));
                }
                Some(Destination::Stdout)
            }
            Some(p) => {
                if seen.keys().any(|o| write::same_file(o, p)) {
                    return Err(Error::Usage(format!(
                        "--summary `{}` is also an output of this run: name another file",
                        p.display()
                    )));
                }
                let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                if !dir.is_dir() {
                    return Err(Error::Usage(format!(
                        "--summary `{}`: folder `{}` does not exist",
                        p.display(),
                        dir.display()
                    )));
                }
                Some(Destination::File(p.to_path_buf()))
            }
        };
        let decisions = match &args.decisions {
            None => None,
            Some(path) => Some(super::review::load(path)?),
        };
        Ok(MapSettings {
            decisions,
            jobs,
            format,
            to: args.to.as_deref().and_then(Framework::from_key),
            read,
            limits,
            scope,
            mappings: args.mappings.clone(),
            min_score: args.min_score,
            threads: args.jobs,
            summary,
            fail_under: args.fail_under,
        })
    }
}

/// What one input gave.
pub struct Mapped {
    pub imported: Imported,
    pub crosswalk: Crosswalk,
    /// What `--decisions` did to this input.
    pub decisions: Option<crate::review::Applied>,
}

/// What one input left for the end of the run: its summary entry, the lines to print, and its error.
struct Outcome {
    summary: InputSummary,
    lines: Vec<String>,
    error: Option<Error>,
}

pub fn run(ctx: &Context, ui: &Ui, args: MapArgs) -> Result<Exit, Error> {
    if args.annotate {
        return super::annotate::run(ctx, ui, &args);
    }
    let settings = MapSettings::from_args(&args)?;
    let mapping = ctx.mapping(&settings.mappings)?;
    let run_info = RunInfo::new(&mapping.version, &settings.scope);
    ensure_no_input_overwritten(&settings)?;
    // No more workers than inputs: idle ones would only spin.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.map_or(0, |t| t.min(settings.jobs.len())))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the worker threads: {e}")))?;
    let outcomes = map_all(ctx, ui, &mapping, &run_info, &settings, &pool);
    finish(ui, &settings, outcomes)
}

/// Refuses, before any work, a run that would write over one of its inputs. Each path is resolved once (also
/// through `./`, `..` and links), so a folder of many inputs costs no more than a list.
fn ensure_no_input_overwritten(settings: &MapSettings) -> Result<(), Error> {
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let decisions = settings.decisions.as_ref().map(|(file, _)| PathBuf::from(file));
    let inputs: std::collections::HashSet<PathBuf> = settings
        .jobs
        .iter()
        .filter(|j| !is_stdin(&j.input))
        .map(|j| resolve(&j.input))
        .chain(decisions.as_deref().map(resolve))
        .collect();
    let reads_stdin = settings.jobs.iter().any(|j| is_stdin(&j.input));
    for dest in settings.jobs.iter().map(|j| &j.dest).chain(settings.summary.as_ref()) {
        if let Destination::File(path) = dest {
            if inputs.contains(&resolve(path)) || (reads_stdin && write::is_stdin_file(path)) {
                return Err(write::WriteError::WouldOverwriteInput { path: path.display().to_string() }.into());
            }
        }
    }
    Ok(())
}

/// Maps every input on the pool; messages are printed in input order as soon as the inputs before are done.
fn map_all(
    ctx: &Context,
    ui: &Ui,
    mapping: &Mapping,
    run: &RunInfo,
    settings: &MapSettings,
    pool: &rayon::ThreadPool,
) -> Vec<Outcome> {
    let n = settings.jobs.len();
    let progress = progress_bar(ui, &settings.jobs);
    let mut done: Vec<Option<Outcome>> = (0..n).map(|_| None).collect();
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Outcome)>();
    std::thread::scope(|s| {
        s.spawn(move || {
            pool.install(|| {
                settings.jobs.par_iter().enumerate().for_each_with(tx, |tx, (i, job)| {
                    // The receiver lives until every sender is gone.
                    let _ = tx.send((i, map_one(ctx, ui, mapping, run, settings, job)));
                })
            })
        });
        let mut next = 0;
        for (i, outcome) in rx {
            done[i] = Some(outcome);
            while let Some(Some(o)) = done.get(next) {
                let print = || o.lines.iter().for_each(|l| eprint_line(l));
                match &progress {
                    Some(bar) => {
                        bar.suspend(print);
                        bar.inc(1);
                    }
                    None => print(),
                }
                next += 1;
            }
        }
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    done.into_iter().flatten().collect()
}

/// A progress bar on stderr when it is a terminal and there are several inputs (or one large one); else none.
fn progress_bar(ui: &Ui, jobs: &[Job]) -> Option<indicatif::ProgressBar> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    const LARGE: u64 = 4 * 1024 * 1024;
    if ui.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    // No colours in either template, so NO_COLOR has nothing to turn off.
    if jobs.len() > 1 {
        let style = ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} inputs, {eta} left")
            .ok()?
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(jobs.len() as u64), ProgressDrawTarget::stderr());
        return Some(bar.with_style(style));
    }
    let job = jobs.first()?;
    let size = std::fs::metadata(&job.input).map_or(0, |m| m.len());
    if size < LARGE {
        return None;
    }
    let style = ProgressStyle::with_template("{spinner} mapping {msg} ({elapsed})").ok()?;
    let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr())
        .with_style(style)
        .with_message(crate::sanitise::one_line(&input_name(&job.input)).into_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

fn map_one(ctx: &Context, ui: &Ui, mapping: &Mapping, run: &RunInfo, settings: &MapSettings, job: &Job) -> Outcome {
    match map_job(ctx, mapping, run, settings, job) {
        Ok(mapped) => Outcome {
            summary: InputSummary::ok(
                &mapped.imported,
                &mapped.crosswalk,
                &settings.scope,
                dest_name(&job.dest),
                settings.fail_under,
            ),
            lines: if ui.quiet { Vec::new() } else { describe(ui, job, &mapped, &settings.scope) },
            error: None,
        },
        Err(e) => Outcome {
            summary: InputSummary::failed(input_name(&job.input), e.to_string()),
            lines: if settings.jobs.len() > 1 { vec![format!("crosswalk: error: {e}")] } else { Vec::new() },
            error: Some(e),
        },
    }
}

/// The summary (table and file) and the exit code: 1 when an input failed, had errors, or is under --fail-under.
fn finish(ui: &Ui, settings: &MapSettings, outcomes: Vec<Outcome>) -> Result<Exit, Error> {
    let mut exit = Exit::Success;
    let mut entries = Vec::with_capacity(outcomes.len());
    let mut single_error = None;
    for o in outcomes {
        if o.error.is_some() || o.summary.issues.error > 0 || o.summary.below_threshold {
            exit = Exit::DataProblems;
        }
        if let Some(min) = settings.fail_under.filter(|_| o.summary.below_threshold) {
            let pct = o.summary.covered_pct.map_or("not measurable".to_string(), |p| format!("{p:.1}%"));
            let what = match o.summary.scope.as_slice() {
                [] => "coverage".to_string(),
                scope => format!("coverage ({})", scope.join(", ")),
            };
            eprint_line(&format!("crosswalk: {}: {what} {pct} is under --fail-under {min}", o.summary.input));
        }
        single_error = o.error;
        entries.push(o.summary);
    }
    let summary = Summary::new(entries, settings.fail_under);
    if settings.jobs.len() > 1 && !ui.quiet {
        eprint_lines(summary.table().trim_end());
    }
    if let Some(dest) = &settings.summary {
        write::write_output(dest, &summary.to_json())?;
    }
    // One input that could not be mapped: the run could not be done (exit 2), as for any single file.
    match single_error {
        Some(e) if settings.jobs.len() == 1 => Err(e),
        _ => Ok(exit),
    }
}

/// One input through the whole pipeline, written to its destination.
pub fn map_job(
    ctx: &Context,
    mapping: &Mapping,
    run: &RunInfo,
    settings: &MapSettings,
    job: &Job,
) -> Result<Mapped, Error> {
    let source = read::isolate::read_input(&job.input, settings.limits)?;
    let mut imported = ctx.understand(&source, &settings.read, settings.min_score)?;
    // The raw cells are not needed past this point: free them before the outputs are built.
    drop(source);
    let decisions = settings.decisions.as_ref().map(|d| super::review::apply(d, &mut imported));
    let to = settings.to.unwrap_or_else(|| crate::default_target(imported.framework));
    let crosswalk = crate::crosswalk::build(&mut imported, mapping, &ctx.catalogs, &settings.scope, to);
    let output = Output::new(run, &imported, &crosswalk);
    let report = ReportData::build(&output, &ctx.catalogs, mapping, DEFAULT_WINDOW_MONTHS);
    let bytes = render(settings.format, &output, ctx, &report)?;
    write::write_output(&job.dest, &bytes)?;
    Ok(Mapped { imported, crosswalk, decisions })
}

/// The bytes of one output in the chosen format.
pub fn render(format: Format, output: &Output, ctx: &Context, report: &ReportData) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::Json => report::json::render(output, report)
            .map_err(|source| Error::Render { file: output.input.path.clone(), source })?,
        Format::Csv => report::csv_out::render(output, &ctx.catalogs)
            .map_err(|source| Error::Render { file: output.input.path.clone(), source })?,
        // The writer keeps constant-memory sheets in temporary files and panics where some of their writes fail (a
        // full disk): that becomes this output's error.
        Format::Xlsx => crate::read::isolate::catch(|| report::workbook::render(output, &ctx.catalogs, report))
            .map_err(|detail| Error::Workbook { file: output.input.path.clone(), detail })?
            .map_err(|e| Error::Workbook { file: output.input.path.clone(), detail: e.to_string() })?,
        Format::Oscal => crate::interchange::oscal::export_crosswalk(output).ok_or_else(|| {
            Error::Usage(format!(
                "{}: no row maps to a target, so there is no OSCAL mapping to write",
                output.input.path
            ))
        })?,
        Format::Md | Format::Html => {
            let kind = if format == Format::Md { Kind::Markdown } else { Kind::Html };
            template::render(kind, report, None).map_err(|e| Error::Template(e.to_string()))?.into_bytes()
        }
    })
}

fn dest_name(dest: &Destination) -> String {
    match dest {
        Destination::Stdout => "stdout".to_string(),
        Destination::File(p) => p.display().to_string(),
    }
}

/// What `map` says about one input on stderr.
fn describe(ui: &Ui, job: &Job, m: &Mapped, scope: &Scope) -> Vec<String> {
    let i = &m.imported;
    let rows = || m.crosswalk.rows.iter().map(|r| &r.row);
    let by = |how: crate::import::MatchedBy| rows().filter(|r| r.matched_by == how).count();
    let review = rows().filter(|r| r.review == crate::import::Review::NeedsReview).count();
    let sheet = i.sheet.as_ref().map(|s| format!(", sheet '{s}'")).unwrap_or_default();
    let dest = dest_name(&job.dest);
    let cw = &m.crosswalk;
    let counts = words::headline(&cw.tally(), &words::scope(&scope.categories(), cw.to), cw.to, cw.status_given);
    let mut lines = vec![format!(
        "{}{sheet}, header row {}: {} rows ({} by id, {} via 2013, {} by title, {} by text, {review} to review), {} -> {}; {counts}; wrote {dest}",
        i.file,
        i.header_row,
        m.crosswalk.rows.len(),
        by(crate::import::MatchedBy::Id),
        by(crate::import::MatchedBy::Transition),
        by(crate::import::MatchedBy::Title),
        by(crate::import::MatchedBy::Text),
        i.framework,
        m.crosswalk.to,
    )];
    if let Some(d) = &m.decisions {
        let mut line = format!("  decisions: {} applied, {} stale", d.matched, d.stale());
        if !d.changed.is_empty() {
            let rows: Vec<String> = d.changed.iter().map(usize::to_string).collect();
            line.push_str(&format!(" (text changed on row {}, flagged for review", rows.join(", ")));
            line.push(if d.missing.is_empty() { ')' } else { ';' });
        }
        if !d.missing.is_empty() {
            let what: Vec<String> = d
                .missing
                .iter()
                .map(
                    |(reference, row)| {
                        if reference.is_empty() {
                            format!("row {row}")
                        } else {
                            format!("`{reference}`")
                        }
                    },
                )
                .collect();
            let open = if d.changed.is_empty() { " (" } else { " " };
            line.push_str(&format!("{open}no row any more for {})", what.join(", ")));
        }
        lines.push(line);
    }
    if !i.skipped.is_empty() {
        lines.push(format!("  {}", crate::import::rows_accounted(m.crosswalk.rows.len(), &i.skipped)));
    }
    if ui.verbose > 0 {
        for s in &i.skipped {
            lines.push(format!("  row {}: skipped ({}): {}", s.row, s.reason.as_str(), s.text));
        }
    }
    let errors = i.issues.iter().filter(|x| x.severity == Severity::Error).count();
    let warnings = i.issues.iter().filter(|x| x.severity == Severity::Warning).count();
    for issue in &i.issues {
        if issue.severity == Severity::Error || ui.verbose > 0 {
            lines.push(format!("  {issue}"));
        }
    }
    if warnings > 0 && ui.verbose == 0 {
        lines.push(format!("  {warnings} warning(s), {errors} error(s): see the Issues sheet, or run with -v"));
    }
    lines
}

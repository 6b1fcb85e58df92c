//! `crosswalk map INPUT...`: read, understand, match, crosswalk, write — one output per input, on a pool of
//! workers; the flags validated in `settings.rs`, the summary of a batch in `summary.rs`.

pub mod settings;
pub mod summary;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Ui;
use crate::cli::MapArgs;
use crate::crosswalk::{Crosswalk, Scope};
use crate::engine::{Crosswalked, Engine};
use crate::error::{Error, Exit};
use crate::import::Imported;
use crate::issue::Severity;
use crate::mapping::Mapping;
use crate::read;
use crate::report::{words, RunInfo};
use crate::sanitise::{eprint_line, eprint_lines};
use crate::write::{self, Destination};
pub use settings::{input_name, is_stdin, Job, MapSettings, MAX_JOBS};
use summary::{InputSummary, Summary};

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

pub fn run(engine: &Engine, ui: &Ui, args: &MapArgs) -> Result<Exit, Error> {
    if args.annotate {
        return super::annotate::run(engine, ui, args);
    }
    let settings = MapSettings::from_args(args)?;
    let mapping = super::mapping(engine, &settings.mappings)?;
    let run_info = RunInfo::new(&mapping.version, &settings.scope);
    ensure_no_input_overwritten(&settings)?;
    // No more workers than inputs: idle ones would only spin.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.map_or(0, |t| t.min(settings.jobs.len())))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the worker threads: {e}")))?;
    let outcomes = map_all(engine, *ui, &mapping, &run_info, &settings, &pool);
    finish(*ui, &settings, outcomes)
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
    engine: &Engine,
    ui: Ui,
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
                    tx.send((i, map_one(engine, ui, mapping, run, settings, job)))
                        .expect("the receiver lives until every sender is gone");
                });
            });
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
fn progress_bar(ui: Ui, jobs: &[Job]) -> Option<indicatif::ProgressBar> {
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

fn map_one(engine: &Engine, ui: Ui, mapping: &Mapping, run: &RunInfo, settings: &MapSettings, job: &Job) -> Outcome {
    match map_job(engine, mapping, run, settings, job) {
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
fn finish(ui: Ui, settings: &MapSettings, outcomes: Vec<Outcome>) -> Result<Exit, Error> {
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
    engine: &Engine,
    mapping: &Mapping,
    run: &RunInfo,
    settings: &MapSettings,
    job: &Job,
) -> Result<Mapped, Error> {
    let source = read::isolate::read_input(&job.input, settings.limits)?;
    // The raw cells are freed once understood, before the outputs are built.
    let mut imported = engine.understand(source, &settings.read, settings.min_score)?;
    let decisions = settings.decisions.as_ref().map(|d| super::review::apply(d, &mut imported));
    let done = engine.crosswalk(imported, mapping, &settings.scope, settings.to);
    let bytes = engine.render(settings.format, &done, run, mapping)?;
    write::write_output(&job.dest, &bytes)?;
    let Crosswalked { imported, crosswalk } = done;
    Ok(Mapped { imported, crosswalk, decisions })
}

fn dest_name(dest: &Destination) -> String {
    match dest {
        Destination::Stdout => "stdout".to_string(),
        Destination::File(p) => p.display().to_string(),
    }
}

/// What `map` says about one input on stderr.
fn describe(ui: Ui, job: &Job, m: &Mapped, scope: &Scope) -> Vec<String> {
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
            let _ = write!(line, " (text changed on row {}, flagged for review", rows.join(", "));
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
            let _ = write!(line, "{open}no row any more for {})", what.join(", "));
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

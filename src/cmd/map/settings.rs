//! The flags of `map` validated into [`MapSettings`]: inputs and where each output goes, the format, the numbers,
//! the summary file. The flags are checked on their own first ([`ensure_flags`]); the checks that need the file
//! system (a saved layout, folders expanded and existing, outputs distinct) come after.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::cli::MapArgs;
use crate::crosswalk::Scope;
use crate::engine::Format;
use crate::error::Error;
use crate::ids::Framework;
use crate::import::Settings;
use crate::read::{self, Limits};
use crate::write::{self, Destination};

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
        let scope = ensure_flags(args)?;
        let (read, limits) = super::super::read_settings(&args.read)?;
        let inputs = inputs(args)?;
        // A lone `-` without -o or --out-dir reads stdin and writes stdout, as a filter does.
        let stdout = args.output.as_deref() == Some("-")
            || (args.output.is_none() && args.out_dir.is_none() && inputs.len() == 1 && is_stdin(&inputs[0]));
        let format = format(args, stdout)?;
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
        let jobs = jobs(args, &inputs, stdout, format)?;
        let summary = summary(args, &jobs, stdout)?;
        let decisions = match &args.decisions {
            None => None,
            Some(path) => Some(super::super::review::load(path)?),
        };
        Ok(MapSettings {
            decisions,
            jobs,
            format,
            to: args.to.map(Framework::from),
            read,
            limits,
            scope,
            mappings: args.mappings.mappings.clone(),
            min_score: args.min_score,
            threads: args.jobs,
            summary,
            fail_under: args.fail_under,
        })
    }
}

/// The inputs, folders expanded; `-` at most once.
fn inputs(args: &MapArgs) -> Result<Vec<PathBuf>, Error> {
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
    Ok(inputs)
}

/// `--format`, else the output's extension, else json for stdout and xlsx for files.
fn format(args: &MapArgs, stdout: bool) -> Result<Format, Error> {
    Ok(match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(o)) if o != "-" => {
            Path::new(o).extension().and_then(|e| e.to_str()).and_then(Format::from_extension).ok_or_else(|| {
                Error::Usage(format!(
                    "cannot tell the format from `{o}`: name it .xlsx, .json, .csv, .md or .html, or pass --format"
                ))
            })?
        }
        _ if stdout => Format::Json,
        _ => Format::Xlsx,
    })
}

/// Each input with its destination: stdout, `-o`, or `<stem>.crosswalk.<ext>` (in `--out-dir`); no two alike.
fn jobs(args: &MapArgs, inputs: &[PathBuf], stdout: bool, format: Format) -> Result<Vec<Job>, Error> {
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
    let mut seen: BTreeMap<&PathBuf, &PathBuf> = BTreeMap::new();
    for job in &jobs {
        if let Destination::File(p) = &job.dest {
            if let Some(first) = seen.insert(p, &job.input) {
                return Err(Error::Usage(format!(
                    "`{}` and `{}` would both write `{}`: rename one, or map them in separate runs",
                    first.display(),
                    job.input.display(),
                    p.display()
                )));
            }
        }
    }
    Ok(jobs)
}

/// What the flags say on their own, before any file is looked at: `-o` or `--out-dir`, the scope, and `--min-score`,
/// `--jobs` and `--fail-under` within their ranges.
fn ensure_flags(args: &MapArgs) -> Result<Scope, Error> {
    if args.output.is_some() && args.out_dir.is_some() {
        return Err(Error::Usage("use either -o or --out-dir, not both".into()));
    }
    let scope = args.scope.scope()?;
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
    Ok(scope)
}

/// Where `--summary` goes: stdout (unless the output does), or a file in an existing folder that no output names.
fn summary(args: &MapArgs, jobs: &[Job], stdout: bool) -> Result<Option<Destination>, Error> {
    Ok(match args.summary.as_deref() {
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
            let outputs = jobs.iter().filter_map(|j| match &j.dest {
                Destination::File(o) => Some(o),
                Destination::Stdout => None,
            });
            if outputs.into_iter().any(|o| write::same_file(o, p)) {
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
    })
}

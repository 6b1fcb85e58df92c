//! One module per subcommand, each with a `run()` that reads like a table of contents, and the shared set-up:
//! data files, catalogs, the mapping, and the validated settings for reading an input.

pub mod annotate;
pub mod catalog;
pub mod completions;
pub mod explain;
pub mod import;
pub mod init;
pub mod map;
pub mod mapping;
pub mod plan;
pub mod report;
pub mod review;
pub mod suggest;

use std::path::{Path, PathBuf};

use crate::catalog::{Catalogs, DataFiles};
use crate::cli::{Cli, Command, ReadArgs};
use crate::crosswalk::Scope;
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::{ImportedRow, Role, Settings};
use crate::mapping::Mapping;
use crate::read::{self, Limits};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Exit, Error> {
    let command = match cli.command {
        Command::ReadInput(args) => return read_input_child(&args),
        command => command,
    };
    // Every input is read in a child process of this binary, limited in memory and time (unix).
    if let Ok(exe) = std::env::current_exe() {
        read::isolate::enable_child_processes(exe);
    }
    let mut ctx = Context::load(cli.data_dir.as_deref())?;
    ctx.lang = cli.lang;
    let ui = Ui { quiet: cli.quiet, verbose: cli.verbose };
    match command {
        Command::Map(args) => map::run(&ctx, &ui, args),
        Command::Import(args) => import::run(&ctx, &ui, args),
        Command::Suggest(args) => suggest::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, &ui, args),
        Command::Catalog(args) => catalog::run(&ctx, args),
        Command::Explain(args) => explain::run(&ctx, args),
        Command::Mapping(cmd) => mapping::run(&ctx, cmd),
        Command::Plan(cmd) => plan::run(&ctx, &ui, cmd),
        Command::Review(cmd) => review::run(&ctx, cmd),
        Command::Init(args) => init::run(args),
        Command::Completions(args) => completions::run(args),
        Command::ReadInput(args) => read_input_child(&args),
    }
}

/// The child process's side of `read::isolate`: read one input, answer on stdout.
fn read_input_child(args: &crate::cli::ReadInputArgs) -> Result<Exit, Error> {
    let limits = Limits {
        max_inflated: args.max_inflated_mb.saturating_mul(1024 * 1024),
        max_memory_mib: args.max_memory_mb,
        timeout_s: args.timeout_s,
    };
    read::isolate::serve(&args.input, limits)
        .map_err(|e| Error::Write(crate::write::WriteError::Io { path: "-".into(), detail: e.to_string() }))?;
    Ok(Exit::Success)
}

/// How chatty to be on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub quiet: bool,
    pub verbose: u8,
}

/// Data files and catalogs for this run.
pub struct Context {
    pub files: DataFiles,
    pub catalogs: Catalogs,
    /// Built on first use and shared by every input of a batch.
    matcher: std::sync::OnceLock<crate::matching::Matcher>,
    /// The pairs of the effective mapping when `--mapping` overlays change it (set by [`Context::mapping`]): the
    /// matcher's bridge is built from them instead of the built-in mapping.
    overlaid: std::sync::OnceLock<Vec<crate::mapping::Pair>>,
    /// `--lang`: the language statements are read in, or detected per statement.
    pub lang: crate::matching::LangChoice,
}

impl Context {
    pub fn load(data_dir: Option<&Path>) -> Result<Context, Error> {
        let mut files = DataFiles::builtin();
        if let Some(dir) = data_dir {
            for (name, file) in read::read_data_dir(dir)? {
                files.replace(&name, file);
            }
        }
        let catalogs = Catalogs::load(&files)?;
        Ok(Context {
            files,
            catalogs,
            matcher: std::sync::OnceLock::new(),
            overlaid: std::sync::OnceLock::new(),
            lang: crate::matching::LangChoice::Auto,
        })
    }

    /// The text matcher over this run's profiles, synonyms and catalogs, its bridge built from the mapping with
    /// this run's overlays (call [`Context::mapping`] first).
    pub fn matcher(&self) -> Result<&crate::matching::Matcher, Error> {
        if let Some(m) = self.matcher.get() {
            return Ok(m);
        }
        let built = match self.overlaid.get() {
            Some(pairs) => crate::matching::Matcher::with_pairs(&self.files, &self.catalogs, pairs)?,
            None => crate::matching::Matcher::new(&self.files, &self.catalogs)?,
        };
        Ok(self.matcher.get_or_init(|| built.reading_as(self.lang)))
    }

    /// Understands a read input, placing rows without ids by title and then by text (`min_score`: the
    /// needs-review threshold, default the calibrated one).
    pub fn understand(
        &self,
        source: &crate::read::Source,
        settings: &Settings,
        min_score: Option<f64>,
    ) -> Result<crate::import::Imported, Error> {
        let mut imported = crate::import::import(source, settings, &self.catalogs)?;
        // The matcher costs tens of milliseconds to build: only an input with rows to place by text pays for it.
        let text = if imported.rows.iter().any(ImportedRow::to_place) {
            Some(crate::matching::TextMatch {
                matcher: self.matcher()?,
                min_score: min_score.unwrap_or(crate::matching::TEXT_AUTO),
            })
        } else {
            None
        };
        crate::place(&mut imported, &self.catalogs, text.as_ref());
        Ok(imported)
    }

    /// The built-in mapping with `--mapping` overlays applied.
    pub fn mapping(&self, overlays: &[PathBuf]) -> Result<Mapping, Error> {
        let overlays = overlays.iter().map(|p| crate::interchange::read_overlay(p)).collect::<Result<Vec<_>, _>>()?;
        let mapping = Mapping::load(&self.files.mapping, &overlays, &self.catalogs)?;
        for w in &mapping.warnings {
            crate::sanitise::eprint_line(&format!("crosswalk: {w}"));
        }
        if !overlays.is_empty() {
            // A run has one mapping; the matcher is built after it, so it sees the overlays too.
            let _ = self.overlaid.set(mapping.pairs.clone());
        }
        Ok(mapping)
    }
}

/// `--scope` as given, or security alone.
pub fn scope(arg: Option<&str>) -> Result<Scope, Error> {
    arg.map_or_else(|| Ok(Scope::default()), |s| Scope::parse(s).map_err(|e| Error::Usage(format!("--scope: {e}"))))
}

/// `--window-months` within what a Type II observation window can be.
pub fn ensure_window(months: u32) -> Result<(), Error> {
    if months == 0 || months > 36 {
        return Err(Error::Usage(format!(
            "--window-months {months}: expected a number of months from 1 to 36 (Type II windows are typically 3 to 12)"
        )));
    }
    Ok(())
}

/// Validates the flags that say how to read an input.
pub fn read_settings(args: &ReadArgs) -> Result<(Settings, Limits), Error> {
    let from = match args.from.as_str() {
        "auto" => None,
        key => Some(Framework::from_key(key).ok_or_else(|| Error::Usage(format!("unknown framework `{key}`")))?),
    };
    let mut columns = Vec::new();
    for spec in &args.columns {
        let Some((role, header)) = spec.split_once('=') else {
            return Err(Error::Usage(format!("--column `{spec}`: expected ROLE=HEADER, for example --column id=Ref")));
        };
        let role = Role::from_key(role).ok_or_else(|| {
            Error::Usage(format!(
                "--column `{spec}`: unknown role `{role}`; roles are id, title, text, applicable, justification, status, owner, evidence, frequency, reference"
            ))
        })?;
        if header.trim().is_empty() {
            return Err(Error::Usage(format!("--column `{spec}`: the header after `=` is empty")));
        }
        columns.push((role, header.trim().to_string()));
    }
    if args.header_row == Some(0) {
        return Err(Error::Usage("--header-row counts from 1, as the spreadsheet shows rows".into()));
    }
    let mut settings =
        Settings { sheet: args.sheet.clone(), header_row: args.header_row, columns, from, ..Settings::default() };
    if let Some(path) = &args.profile {
        apply_profile(&mut settings, path)?;
    }
    let limits = Limits {
        max_inflated: args.max_inflated_mb.saturating_mul(1024 * 1024),
        max_memory_mib: args.max_memory_mb,
        timeout_s: args.timeout_s,
    };
    Ok((settings, limits))
}

/// A saved layout fills what the flags left open; `--sheet`, `--header-row` and `--column` still win.
fn apply_profile(settings: &mut Settings, path: &Path) -> Result<(), Error> {
    let file = read::read_text(path)?;
    let profile =
        crate::import::profile::Profile::parse(&file.text).map_err(|e| Error::Usage(format!("{}: {e}", file.name)))?;
    settings.sheet_from_profile = settings.sheet.is_none() && profile.sheet.is_some();
    settings.sheet = settings.sheet.take().or(profile.sheet.clone());
    settings.header_row = settings.header_row.or(profile.header_row);
    let mut columns = profile.columns();
    columns.retain(|(role, _)| !settings.columns.iter().any(|(r, _)| r == role));
    columns.append(&mut settings.columns);
    settings.columns = columns;
    settings.profile = Some(file.name);
    Ok(())
}

/// Plain text table with aligned columns (for `table` formats on a terminal). Each cell is made safe for the
/// terminal and kept on one line ([`crate::sanitise::one_line`]).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<std::borrow::Cow<'_, str>>> =
        rows.iter().map(|r| r.iter().map(|c| crate::sanitise::one_line(c)).collect()).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0).max(headers[i].len())
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = if i + 1 == cells.len() { 0 } else { widths[i] }))
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(|c| c.as_ref()).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(csv: &str) -> crate::read::Source {
        crate::read::read_bytes("controls.csv", "csv", csv.as_bytes().to_vec(), Limits::default()).unwrap()
    }

    #[test]
    fn the_matcher_is_built_only_for_rows_to_place_by_text() {
        let ctx = Context::load(None).unwrap();
        let by_id = ctx.understand(&source("id,title\nA.5.1,Policies\nA.8.13,Backup\n"), &Settings::default(), None);
        assert_eq!(by_id.unwrap().rows.len(), 2);
        assert!(ctx.matcher.get().is_none(), "every row had an id: no matcher needed");
        let custom =
            "id,title,description\nACME-1,Backups,Nightly backups of production databases are restored monthly\n";
        let placed = ctx.understand(&source(custom), &Settings::default(), None).unwrap();
        assert_eq!(placed.rows[0].matched_by, crate::import::MatchedBy::Text);
        assert!(ctx.matcher.get().is_some());
    }
}

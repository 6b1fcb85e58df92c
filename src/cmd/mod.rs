//! One module per subcommand, each with a `run()` that reads like a table of contents, and the shared set-up:
//! the engine over this run's data files, the mapping, and the validated settings for reading an input.

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

use crate::catalog::DataFiles;
use crate::cli::{Cli, Command, ReadArgs};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::import::{Role, Settings};
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
    let engine = load_engine(cli.data_dir.as_deref())?.reading_as(cli.lang);
    let ui = Ui { quiet: cli.quiet, verbose: cli.verbose };
    match command {
        Command::Map(args) => map::run(&engine, &ui, &args),
        Command::Import(args) => import::run(&engine, &ui, &args),
        Command::Suggest(args) => suggest::run(&engine, args),
        Command::Report(args) => report::run(&engine, &ui, &args),
        Command::Catalog(args) => catalog::run(&engine, &args),
        Command::Explain(args) => explain::run(&engine, &args),
        Command::Mapping(cmd) => mapping::run(&engine, cmd),
        Command::Plan(cmd) => plan::run(&engine, &ui, cmd),
        Command::Review(cmd) => review::run(&engine, cmd),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
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
        .map_err(|source| Error::Write(crate::write::WriteError::Io { path: "-".into(), source }))?;
    Ok(Exit::Success)
}

/// How chatty to be on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub quiet: bool,
    pub verbose: u8,
}

/// The engine over the built-in data files, some replaced from `--data-dir`.
pub fn load_engine(data_dir: Option<&Path>) -> Result<Engine, Error> {
    let mut files = DataFiles::builtin();
    if let Some(dir) = data_dir {
        for (name, file) in read::read_data_dir(dir)? {
            files.replace(&name, file);
        }
    }
    Engine::new(files)
}

/// The built-in mapping with the `--mapping` overlays read and applied; its warnings printed.
pub fn mapping(engine: &Engine, overlays: &[PathBuf]) -> Result<Mapping, Error> {
    let overlays = overlays.iter().map(|p| crate::interchange::read_overlay(p)).collect::<Result<Vec<_>, _>>()?;
    let mapping = engine.mapping(&overlays)?;
    for w in &mapping.warnings {
        crate::sanitise::eprint_line(&format!("crosswalk: {w}"));
    }
    Ok(mapping)
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
    let from = args.from.framework();
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

//! The `crosswalk` binary: parse the command line, run it, print an error once, return the exit code.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc keeps large runs fast and their peak memory low (the opt-in `jemalloc` feature, see Cargo.toml).
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = match crosswalk::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; usage errors exit 2, printed safely (they quote
            // the arguments as given).
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            crosswalk::sanitise::eprint_lines(e.render().to_string().trim_end());
            return ExitCode::from(2);
        }
    };
    match crosswalk::cmd::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            crosswalk::sanitise::eprint_lines(&format!("crosswalk: error: {e}"));
            ExitCode::from(e.exit() as u8)
        }
    }
}

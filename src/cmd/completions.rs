//! `crosswalk completions SHELL`: a completion script on stdout.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, Exit};

pub fn run(args: &CompletionsArgs) -> Result<Exit, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "crosswalk", &mut std::io::stdout());
    Ok(Exit::Success)
}

//! `crosswalk suggest`: candidates for free-text control statements.

use super::Context;
use crate::cli::SuggestArgs;
use crate::error::{Error, Exit};

pub fn run(_ctx: &Context, _args: SuggestArgs) -> Result<Exit, Error> {
    Err(Error::NotYet("suggest"))
}

//! `crosswalk report`: the reuse and gap report.

use super::{Context, Ui};
use crate::cli::ReportArgs;
use crate::error::{Error, Exit};

pub fn run(_ctx: &Context, _ui: &Ui, _args: ReportArgs) -> Result<Exit, Error> {
    Err(Error::NotYet("report"))
}

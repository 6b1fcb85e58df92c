//! `crosswalk review apply WORKBOOK`: the decisions of a reviewed crosswalk workbook, as a decisions csv.

use super::Context;
use crate::cli::ReviewCommand;
use crate::error::{Error, Exit};
use crate::read::{self, Limits};
use crate::write::{self, Destination};

pub fn run(ctx: &Context, cmd: ReviewCommand) -> Result<Exit, Error> {
    match cmd {
        ReviewCommand::Apply { workbook, output } => {
            let dest = output.map_or(Destination::Stdout, Destination::File);
            write::ensure_not_input(&dest, std::slice::from_ref(&workbook))?;
            let source = read::read_path(&workbook, Limits::default())?;
            let records = crate::review::read_decisions(&source.file, &source.tables, &ctx.catalogs)?;
            let bytes = crate::review::write_csv(&records)
                .map_err(|e| Error::Usage(format!("cannot write the decisions: {e}")))?;
            write::write_output(&dest, &bytes)?;
            if !matches!(dest, Destination::Stdout) {
                let mut counts = std::collections::BTreeMap::new();
                for r in &records {
                    *counts.entry(r.decision.as_str()).or_insert(0usize) += 1;
                }
                let counts: Vec<String> = counts.iter().map(|(d, n)| format!("{n} {d}")).collect();
                let counts = if counts.is_empty() { "none".to_string() } else { counts.join(", ") };
                crate::sanitise::eprint_line(&format!("{}: {} decision(s) ({counts})", source.file, records.len()));
            }
            Ok(Exit::Success)
        }
    }
}

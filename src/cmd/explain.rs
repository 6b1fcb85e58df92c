//! `crosswalk explain ID`: one control, clause or criterion with its mappings and its 2013 history.

use crate::catalog::{Entry, EntryKind};
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::ids::{parse_token, resolve, BareHint};
use crate::mapping::{Mapping, Pair};
use crate::report::listing::{self, Explained};
use crate::report::RenderError;
use crate::write::{write_output, Destination};

pub fn run(engine: &Engine, args: &ExplainArgs) -> Result<Exit, Error> {
    let mapping = super::mapping(engine, &args.mappings.mappings)?;
    let raw = parse_token(&args.id).ok_or_else(|| {
        Error::Usage(format!(
            "`{}` is not a control, clause or criterion id (examples: A.5.15, 6.1.2, CC6.1, A.9.2.3)",
            args.id
        ))
    })?;
    let resolved = resolve(&raw, engine.catalogs(), BareHint::Annex).map_err(|e| Error::Usage(e.to_string()))?;
    let entry = engine
        .catalogs()
        .find(resolved.id.as_str())
        .ok_or_else(|| Error::Usage(format!("`{}` is not in the catalogs", resolved.id)))?;
    let explained = Explained {
        entry,
        mappings: pairs(&mapping, entry),
        predecessors_2013: engine.catalogs().predecessors(entry.id.as_str()).into_iter().map(|t| &t.from).collect(),
        successors_2022: engine.catalogs().successors(entry.id.as_str()).into_iter().map(|t| &t.to).collect(),
    };
    let bytes = match args.format {
        ExplainFormat::Json => listing::json(&explained),
        ExplainFormat::Text => listing::explained_text(engine.catalogs(), &explained, resolved.note().as_deref())
            .map(|text| crate::sanitise::for_terminal(&text).into_owned().into_bytes())
            .map_err(RenderError::from),
    }
    .map_err(|source| Error::Render { file: "stdout".into(), source })?;
    write_output(&Destination::Stdout, &bytes)?;
    Ok(Exit::Success)
}

fn pairs<'a>(mapping: &'a Mapping, entry: &Entry) -> Vec<&'a Pair> {
    match entry.kind {
        EntryKind::Criterion => mapping.to_target(&entry.id),
        EntryKind::Annex | EntryKind::Clause => mapping.from_source(&entry.id),
        EntryKind::Annex2013 => Vec::new(),
    }
}

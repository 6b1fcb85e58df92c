//! `crosswalk catalog FRAMEWORK`: the reference catalog as a table, CSV or JSON.

use super::table;
use crate::cli::{CatalogArgs, ListFormat};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::report::csv_safe;
use crate::write::{write_output, Destination};

pub fn run(engine: &Engine, args: CatalogArgs) -> Result<Exit, Error> {
    let framework = Framework::from(args.framework);
    let catalog = engine
        .catalogs()
        .catalog(framework)
        .ok_or_else(|| Error::Usage("the custom framework has no catalog".into()))?;
    let rows: Vec<Vec<String>> = catalog
        .entries
        .iter()
        .map(|e| {
            let kind = serde_json::to_value(e.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            vec![e.id.to_string(), kind, e.group.clone(), e.title.clone()]
        })
        .collect();
    let bytes = match args.format {
        ListFormat::Json => {
            let mut b = serde_json::to_vec_pretty(&catalog.entries).unwrap_or_default();
            b.push(b'\n');
            b
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(["id", "kind", "group", "title", "description"]);
            for (r, e) in rows.iter().zip(&catalog.entries) {
                let _ = w.write_record(r.iter().chain(std::iter::once(&e.description)).map(|v| csv_safe(v)));
            }
            w.into_inner().unwrap_or_default()
        }
        ListFormat::Table => table(&["ID", "KIND", "GROUP", "TITLE"], &rows).into_bytes(),
    };
    write_output(&Destination::Stdout, &bytes)?;
    Ok(Exit::Success)
}

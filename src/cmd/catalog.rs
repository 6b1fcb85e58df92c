//! `crosswalk catalog FRAMEWORK`: the reference catalog as a table, CSV or JSON.

use crate::cli::{CatalogArgs, ListFormat};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::report::listing;
use crate::write::{write_output, Destination};

pub fn run(engine: &Engine, args: &CatalogArgs) -> Result<Exit, Error> {
    let framework = Framework::from(args.framework);
    let catalog = engine
        .catalogs()
        .catalog(framework)
        .ok_or_else(|| Error::Usage("the custom framework has no catalog".into()))?;
    let bytes = match args.format {
        ListFormat::Json => listing::catalog_json(catalog),
        ListFormat::Csv => listing::catalog_csv(catalog),
        ListFormat::Table => listing::catalog_table(catalog),
    }
    .map_err(|source| Error::Render { file: "stdout".into(), source })?;
    write_output(&Destination::Stdout, &bytes)?;
    Ok(Exit::Success)
}

//! The pipeline as a library: one [`Engine`] holds the data files, the catalogs and the text matcher (built on
//! first use), and takes an input through `understand` and `crosswalk` to the bytes of an output. The commands in
//! `cmd/` validate their flags, read, call these, and write; another program can do the same:
//!
//! ```
//! use crosswalk::crosswalk::Scope;
//! use crosswalk::engine::{Engine, Format};
//! use crosswalk::report::RunInfo;
//!
//! let engine = Engine::builtin()?;
//! let csv = b"id,title,implemented\nA.5.15,Access control,yes\nA.8.13,Information backup,no\n".to_vec();
//! let source = crosswalk::read::read_bytes("controls.csv", "csv", csv, Default::default())?;
//! let imported = engine.understand(source, &Default::default(), None)?;
//! let mapping = engine.mapping(&[])?;
//! let scope = Scope::default();
//! let done = engine.crosswalk(imported, &mapping, &scope, None);
//! assert_eq!(done.crosswalk.rows.len(), 2);
//! let run = RunInfo::new(&mapping.version, &scope);
//! let json = engine.render(Format::Json, &done, &run, &mapping)?;
//! assert!(String::from_utf8(json)?.contains("\"CC6.1\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::OnceLock;

use crate::catalog::{Catalogs, DataFiles};
use crate::crosswalk::{Crosswalk, Scope};
use crate::error::Error;
use crate::ids::Framework;
use crate::import::{Imported, ImportedRow, Settings};
use crate::interchange::Overlay;
use crate::mapping::{Mapping, Pair};
use crate::matching::{LangChoice, Matcher, TextMatch};
use crate::read::Source;
use crate::report::context::{ReportData, DEFAULT_WINDOW_MONTHS};
use crate::report::template::{self, Kind};
use crate::report::{self, Output, RunInfo};

/// Output formats of `map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Xlsx,
    Json,
    Csv,
    Md,
    Html,
    // OSCAL 1.2 mapping-collection (JSON). (No doc comment: it would add a help line to `--format`'s values.)
    Oscal,
}

impl Format {
    /// The format an output's extension names (`md` and `markdown`, `html` and `htm`).
    pub fn from_extension(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "xlsx" => Format::Xlsx,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            "oscal" => Format::Oscal,
            _ => return None,
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Html => "html",
            Format::Oscal => "oscal.json",
        }
    }
}

/// Data files, catalogs and the text matcher of a run.
pub struct Engine {
    files: DataFiles,
    catalogs: Catalogs,
    /// Built on first use and shared by every input of a batch.
    matcher: OnceLock<Matcher>,
    /// The pairs of the effective mapping when overlays change it (set by [`Engine::mapping`]): the matcher's
    /// bridge is built from them instead of the built-in mapping.
    overlaid: OnceLock<Vec<Pair>>,
    /// The language statements are read in, or detected per statement (`--lang`).
    lang: LangChoice,
}

/// One input crosswalked: the input as understood (its rows moved into the crosswalk) and the crosswalk.
pub struct Crosswalked {
    pub imported: Imported,
    pub crosswalk: Crosswalk,
}

impl Crosswalked {
    /// What every output is made from.
    pub fn output<'a>(&'a self, run: &'a RunInfo) -> Output<'a> {
        Output::new(run, &self.imported, &self.crosswalk)
    }
}

impl Engine {
    /// An engine over these data files (the built-in ones, some replaced from a data directory).
    pub fn new(files: DataFiles) -> Result<Engine, Error> {
        let catalogs = Catalogs::load(&files)?;
        Ok(Engine { files, catalogs, matcher: OnceLock::new(), overlaid: OnceLock::new(), lang: LangChoice::Auto })
    }

    /// An engine over the data files built into the binary.
    pub fn builtin() -> Result<Engine, Error> {
        Engine::new(DataFiles::builtin())
    }

    /// Reads every statement in this language instead of detecting it per statement (`--lang`).
    pub fn reading_as(mut self, lang: LangChoice) -> Engine {
        self.lang = lang;
        self
    }

    pub fn files(&self) -> &DataFiles {
        &self.files
    }

    pub fn catalogs(&self) -> &Catalogs {
        &self.catalogs
    }

    /// The built-in mapping with overlays applied (ours, OSCAL, CISO Assistant or STRM, told by content). Its
    /// `warnings` are for the caller to show. The matcher, when built after this, bridges through these pairs.
    pub fn mapping(&self, overlays: &[Overlay]) -> Result<Mapping, Error> {
        let mapping = Mapping::load(&self.files.mapping, &self.files.mapping_version, overlays, &self.catalogs)?;
        if !overlays.is_empty() {
            // A run has one mapping: the first one set wins.
            self.overlaid.get_or_init(|| mapping.pairs.clone());
        }
        Ok(mapping)
    }

    /// The text matcher over this engine's profiles, synonyms and catalogs, its bridge built from the mapping with
    /// overlays (call [`Engine::mapping`] first).
    pub fn matcher(&self) -> Result<&Matcher, Error> {
        if let Some(m) = self.matcher.get() {
            return Ok(m);
        }
        let built = match self.overlaid.get() {
            Some(pairs) => Matcher::with_pairs(&self.files, &self.catalogs, pairs)?,
            None => Matcher::new(&self.files, &self.catalogs)?,
        };
        Ok(self.matcher.get_or_init(|| built.reading_as(self.lang)))
    }

    /// Understands a read input: sheet, header row, column roles, ids; rows without ids placed by title and then
    /// by text (`min_score`: the needs-review threshold, default the calibrated one). The raw cells are freed here.
    pub fn understand(&self, source: Source, settings: &Settings, min_score: Option<f64>) -> Result<Imported, Error> {
        let mut imported = crate::import::import(&source, settings, &self.catalogs)?;
        drop(source);
        // The matcher costs tens of milliseconds to build: only an input with rows to place by text pays for it.
        let text = if imported.rows.iter().any(ImportedRow::to_place) {
            Some(TextMatch { matcher: self.matcher()?, min_score: min_score.unwrap_or(crate::matching::TEXT_AUTO) })
        } else {
            None
        };
        crate::place(&mut imported, &self.catalogs, text.as_ref());
        Ok(imported)
    }

    /// Maps the rows through the mapping to `to` (default: the other framework, [`crate::default_target`]) and
    /// judges coverage within `scope`.
    pub fn crosswalk(
        &self,
        mut imported: Imported,
        mapping: &Mapping,
        scope: &Scope,
        to: Option<Framework>,
    ) -> Crosswalked {
        let to = to.unwrap_or_else(|| crate::default_target(imported.framework));
        let crosswalk = crate::crosswalk::build(&mut imported, mapping, &self.catalogs, scope, to);
        Crosswalked { imported, crosswalk }
    }

    /// What the reports say about a crosswalk (`window_months`: the Type II observation window).
    pub fn report_data(&self, output: &Output, mapping: &Mapping, window_months: u32) -> ReportData {
        ReportData::build(output, &self.catalogs, mapping, window_months)
    }

    /// The bytes of one `map` output in the chosen format.
    pub fn render(
        &self,
        format: Format,
        done: &Crosswalked,
        run: &RunInfo,
        mapping: &Mapping,
    ) -> Result<Vec<u8>, Error> {
        let output = done.output(run);
        let data = self.report_data(&output, mapping, DEFAULT_WINDOW_MONTHS);
        self.render_output(format, &output, &data)
    }

    fn render_output(&self, format: Format, output: &Output, data: &ReportData) -> Result<Vec<u8>, Error> {
        let file = || output.input.path.clone();
        Ok(match format {
            Format::Json => {
                report::json::render(output, data).map_err(|source| Error::Render { file: file(), source })?
            }
            Format::Csv => report::csv_out::render(output, &self.catalogs)
                .map_err(|source| Error::Render { file: file(), source })?,
            // The writer keeps constant-memory sheets in temporary files and panics where some of their writes fail
            // (a full disk): that becomes this output's error.
            Format::Xlsx => crate::read::isolate::catch(|| report::workbook::render(output, &self.catalogs, data))
                .map_err(|detail| Error::Workbook { file: file(), source: detail.into() })?
                .map_err(|e| Error::Workbook { file: file(), source: e.into() })?,
            Format::Oscal => crate::interchange::oscal::export_crosswalk(output).ok_or_else(|| {
                Error::Usage(format!("{}: no row maps to a target, so there is no OSCAL mapping to write", file()))
            })?,
            Format::Md | Format::Html => {
                let kind = if format == Format::Md { Kind::Markdown } else { Kind::Html };
                template::render(kind, data, None)?.into_bytes()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(csv: &str) -> Source {
        crate::read::read_bytes("controls.csv", "csv", csv.as_bytes().to_vec(), crate::read::Limits::default()).unwrap()
    }

    #[test]
    fn the_matcher_is_built_only_for_rows_to_place_by_text() {
        let engine = Engine::builtin().unwrap();
        let by_id = engine.understand(source("id,title\nA.5.1,Policies\nA.8.13,Backup\n"), &Settings::default(), None);
        assert_eq!(by_id.unwrap().rows.len(), 2);
        assert!(engine.matcher.get().is_none(), "every row had an id: no matcher needed");
        let custom =
            "id,title,description\nACME-1,Backups,Nightly backups of production databases are restored monthly\n";
        let placed = engine.understand(source(custom), &Settings::default(), None).unwrap();
        assert_eq!(placed.rows[0].matched_by, crate::import::MatchedBy::Text);
        assert!(engine.matcher.get().is_some());
    }
}

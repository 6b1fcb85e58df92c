//! crosswalk: ISO/IEC 27001 control spreadsheets to SOC 2 crosswalks, and back.
//!
//! The pipeline, one stage per module, data flowing one way:
//!
//! ```text
//! read::read_path          file            -> Source (RawTables with spreadsheet row numbers)
//! import::import           Source          -> Imported rows (sheet, header, column roles, canonical ids)
//! matching::match_rows     rows without id -> ids by title, then by text
//! crosswalk::build         rows + mapping  -> Crosswalk (targets per row, coverage per criterion)
//! report::*                Crosswalk       -> workbook, JSON, CSV, report bytes
//! write::write_output      bytes           -> file (atomic) or stdout
//! interchange::*          Mapping         <-> OSCAL, CISO Assistant and NIST IR 8477 STRM files (export, overlays)
//! ```
//!
//! Only `read` and `write` touch the file system; every stage between takes values and returns values, and
//! returns its row-level findings as [`issue::Issue`]s beside its result. [`engine::Engine`] runs the stages
//! between for a program that uses this crate; `cmd` does the same for the command line.

pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod crosswalk;
pub mod engine;
pub mod error;
pub mod ids;
pub mod import;
pub mod interchange;
pub mod issue;
pub mod mapping;
pub mod matching;
pub mod plan;
pub mod read;
pub mod report;
pub mod review;
pub mod sanitise;
pub mod write;

use catalog::Catalogs;
use ids::Framework;
use import::Imported;

/// Places the rows of `imported` that have no id: by title, then (with a matcher) by text.
pub fn place(imported: &mut Imported, catalogs: &Catalogs, text: Option<&matching::TextMatch>) {
    let catalog = match imported.framework {
        Framework::Tsc2017 => Framework::Tsc2017,
        _ => Framework::Iso2022,
    };
    matching::match_rows(&mut imported.rows, catalogs, catalog, text);
}

/// ISO input maps to SOC 2, SOC 2 input maps to ISO, free-text controls (placed on ISO) map to SOC 2.
pub fn default_target(from: Framework) -> Framework {
    match from {
        Framework::Tsc2017 => Framework::Iso2022,
        _ => Framework::Tsc2017,
    }
}

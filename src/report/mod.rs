//! Crosswalk -> outputs: the JSON of docs/output.md, CSV for pipelines, the crosswalk workbook, and rendered templates.
//! Everything here returns bytes; `write.rs` puts them on disk.

pub mod annotate;
pub mod context;
pub mod csv_out;
pub mod frequency;
pub mod frequency_words;
pub mod import_out;
pub mod json;
pub mod listing;
pub mod mapping_out;
pub mod plan_out;
pub mod template;
pub mod words;
pub mod workbook;

use serde::Serialize;

use crate::crosswalk::{Crosswalk, Scope};
use crate::ids::Framework;
use crate::import::{ColumnRole, Imported};
use crate::issue::Issue;

/// Why an output's bytes could not be built: serialisation failed. Never an empty file with exit 0.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot write the csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the csv: {0}")]
    CsvFlush(#[source] std::io::Error),
    #[error("cannot write the json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the text: {0}")]
    Text(#[from] std::fmt::Error),
}

/// Facts about the run that every output names.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub tool: Tool,
    pub mapping_version: String,
    pub scope: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn current() -> Tool {
        Tool { name: "crosswalk", version: env!("CARGO_PKG_VERSION") }
    }
}

/// One input as the outputs describe it.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub path: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub header_row: usize,
    pub framework: Framework,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnRole>,
}

/// Everything an output is made from.
#[derive(Debug, Clone)]
pub struct Output<'a> {
    pub run: &'a RunInfo,
    pub input: InputInfo,
    pub crosswalk: &'a Crosswalk,
    pub issues: &'a [Issue],
    /// Rows below the header that are not control rows, with why.
    pub skipped: &'a [crate::import::Skipped],
}

impl<'a> Output<'a> {
    pub fn new(run: &'a RunInfo, imported: &'a Imported, crosswalk: &'a Crosswalk) -> Output<'a> {
        Output {
            run,
            input: InputInfo {
                path: imported.file.clone(),
                sha256: imported.sha256.clone(),
                sheet: imported.sheet.clone(),
                header_row: imported.header_row,
                framework: imported.framework,
                columns: imported.columns.clone(),
            },
            crosswalk,
            issues: &imported.issues,
            skipped: &imported.skipped,
        }
    }
}

impl RunInfo {
    pub fn new(mapping_version: &str, scope: &Scope) -> RunInfo {
        RunInfo { tool: Tool::current(), mapping_version: mapping_version.to_string(), scope: scope.keys_sorted() }
    }
}

/// Neutralises a value for CSV so a spreadsheet does not run it as a formula: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets a `'` in front.
pub fn csv_safe(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("-cmd"), "'-cmd");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("\tx"), "'\tx");
        assert_eq!(csv_safe("A.5.1"), "A.5.1");
    }
}

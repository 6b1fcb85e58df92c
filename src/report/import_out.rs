//! The output of `import`: how an input was understood, as JSON or as csv.

use serde::Serialize;

use super::{csv_safe, RenderError};
use crate::import::Imported;

#[derive(Serialize)]
struct Document<'a> {
    file: &'a str,
    sha256: &'a str,
    sheet: Option<&'a str>,
    header_row: usize,
    framework: crate::ids::Framework,
    columns: &'a [crate::import::ColumnRole],
    rows: &'a [crate::import::ImportedRow],
    skipped: &'a [crate::import::Skipped],
    issues: &'a [crate::issue::Issue],
}

/// `import --format json`: the layout, the rows as understood, skipped rows and issues.
pub fn json(i: &Imported) -> Result<Vec<u8>, RenderError> {
    let doc = Document {
        file: &i.file,
        sha256: &i.sha256,
        sheet: i.sheet.as_deref(),
        header_row: i.header_row,
        framework: i.framework,
        columns: &i.columns,
        rows: &i.rows,
        skipped: &i.skipped,
        issues: &i.issues,
    };
    super::listing::json(&doc)
}

/// `import --format csv`: one line per control row as understood.
pub fn csv(i: &Imported) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "row",
        "raw_id",
        "ids",
        "matched_by",
        "score",
        "review",
        "title",
        "applicable",
        "status",
        "owner",
        "evidence",
        "frequency",
        "notes",
    ])?;
    for r in &i.rows {
        let record = [
            r.row.to_string(),
            r.raw_id.clone().unwrap_or_default(),
            r.ids.iter().map(super::super::ids::ControlId::as_str).collect::<Vec<_>>().join(";"),
            r.matched_by.as_str().to_string(),
            format!("{:.3}", r.score),
            if r.review == crate::import::Review::Auto { "auto" } else { "needs-review" }.to_string(),
            r.title.clone().or_else(|| r.text.clone()).unwrap_or_default(),
            r.applicable.map(|a| a.to_string()).unwrap_or_default(),
            r.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            r.owner.clone().unwrap_or_default(),
            r.evidence.clone().unwrap_or_default(),
            r.frequency.clone().unwrap_or_default(),
            r.notes.join("; "),
        ];
        w.write_record(record.iter().map(|v| csv_safe(v)))?;
    }
    w.into_inner().map_err(|e| RenderError::CsvFlush(e.into_error()))
}

//! CSV for pipelines: one line per (row, target); a row without targets still gets one line.

use super::{csv_safe, Output, RenderError};

pub const HEADER: [&str; 15] = [
    "row",
    "raw_id",
    "id",
    "title",
    "matched_by",
    "score",
    "review",
    "applicable",
    "status",
    "target",
    "relationship",
    "strength",
    "target_title",
    "reference",
    "text",
];

pub fn render(out: &Output, catalogs: &crate::catalog::Catalogs) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(HEADER)?;
    for r in &out.crosswalk.rows {
        let row = &r.row;
        let base = [
            row.row.to_string(),
            row.raw_id.clone().unwrap_or_default(),
            row.ids.iter().map(super::super::ids::ControlId::as_str).collect::<Vec<_>>().join(";"),
            row.title.clone().unwrap_or_default(),
            row.matched_by.as_str().to_string(),
            format!("{:.3}", row.score),
            if row.review == crate::import::Review::Auto { "auto" } else { "needs-review" }.to_string(),
            row.applicable.map(|a| a.to_string()).unwrap_or_default(),
            row.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ];
        let mut lines: Vec<[String; 4]> = r
            .targets
            .iter()
            .map(|t| {
                let title = catalogs.find(t.id.as_str()).map(|e| e.title.clone()).unwrap_or_default();
                [t.id.to_string(), t.relationship.to_string(), t.strength.to_string(), title]
            })
            .collect();
        if lines.is_empty() {
            lines.push(Default::default());
        }
        let client = [row.reference.clone().unwrap_or_default(), row.text.clone().unwrap_or_default()];
        for line in lines {
            let record: Vec<String> =
                base.iter().chain(line.iter()).chain(client.iter()).map(|v| csv_safe(v)).collect();
            w.write_record(&record)?;
        }
    }
    w.into_inner().map_err(|e| RenderError::CsvFlush(e.into_error()))
}

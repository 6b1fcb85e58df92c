//! The JSON document of docs/output.md (fields may be added, none removed or renamed).

use serde::Serialize;

use super::{InputInfo, Output, Tool};
use crate::crosswalk::{CoverageStatus, Effect, Target};
use crate::ids::ControlId;
use crate::import::{Candidate, MatchedBy, Review, Status};
use crate::issue::Issue;

#[derive(Serialize)]
struct Document<'a> {
    tool: &'a Tool,
    mapping: MappingInfo<'a>,
    inputs: Vec<&'a InputInfo>,
    rows: Vec<Row<'a>>,
    coverage: Vec<Coverage<'a>>,
    issues: &'a [Issue],
}

#[derive(Serialize)]
struct MappingInfo<'a> {
    version: &'a str,
    from: &'a str,
    to: &'a str,
    scope: &'a [String],
}

#[derive(Serialize)]
struct Row<'a> {
    row: usize,
    raw_id: Option<&'a str>,
    ids: &'a [ControlId],
    matched_by: MatchedBy,
    score: f64,
    review: Review,
    applicable: Option<bool>,
    targets: &'a [Target],
    title: Option<&'a str>,
    status: Option<Status>,
    effect: Effect,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    candidates: &'a [Candidate],
}

#[derive(Serialize)]
struct Coverage<'a> {
    id: &'a ControlId,
    status: CoverageStatus,
    by: &'a [ControlId],
    category: &'a str,
    title: &'a str,
}

/// Pretty JSON with a trailing newline.
pub fn render(out: &Output) -> Vec<u8> {
    let cw = out.crosswalk;
    let doc = Document {
        tool: &out.run.tool,
        mapping: MappingInfo {
            version: &out.run.mapping_version,
            from: cw.from.key(),
            to: cw.to.key(),
            scope: &out.run.scope,
        },
        inputs: vec![&out.input],
        rows: cw
            .rows
            .iter()
            .map(|r| Row {
                row: r.row.row,
                raw_id: r.row.raw_id.as_deref(),
                ids: &r.row.ids,
                matched_by: r.row.matched_by,
                score: (r.row.score * 1000.0).round() / 1000.0,
                review: r.row.review,
                applicable: r.row.applicable,
                targets: &r.targets,
                title: r.row.title.as_deref(),
                status: r.row.status,
                effect: r.effect,
                notes: &r.row.notes,
                candidates: &r.row.candidates,
            })
            .collect(),
        coverage: cw
            .coverage
            .iter()
            .map(|c| Coverage { id: &c.id, status: c.status, by: &c.by, category: &c.category, title: &c.title })
            .collect(),
        issues: out.issues,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

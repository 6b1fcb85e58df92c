//! The JSON document of docs/output.md (fields may be added, none removed or renamed).

use serde::Serialize;

use super::context::ReportData;
use super::{InputInfo, Output, Tool};
use crate::crosswalk::{CoverageStatus, Effect, Tally, Target, Verdict};
use crate::ids::ControlId;
use crate::import::{Candidate, MatchedBy, Review, Status};
use crate::issue::Issue;

#[derive(Serialize)]
struct Document<'a> {
    tool: &'a Tool,
    mapping: MappingInfo<'a>,
    inputs: Vec<&'a InputInfo>,
    rows: Vec<Row<'a>>,
    /// The counts every output shows, over the in-scope target elements.
    totals: Totals<'a>,
    /// Rows below the header that are not control rows: rows below the header = `rows` + `skipped`.
    skipped: &'a [crate::import::Skipped],
    coverage: Vec<Coverage<'a>>,
    issues: &'a [Issue],
}

#[derive(Serialize)]
struct Totals<'a> {
    /// TSC categories counted (the ISO elements are all counted when mapping to ISO).
    scope: &'a [String],
    #[serde(flatten)]
    tally: Tally,
    in_scope: usize,
    covered_pct: f64,
    /// False when the input has no status column: every applicable control was taken as implemented.
    status_given: bool,
    /// The counts as one line, as `map` prints them.
    headline: &'a str,
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
    /// The framework the row's id was read in (`iso27001-2013` for a 2013 id carried to 2022).
    edition: Option<crate::ids::Framework>,
    /// The client's own control number (`C-01`), and the client's control text.
    reference: Option<&'a str>,
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct Coverage<'a> {
    id: &'a ControlId,
    status: CoverageStatus,
    by: &'a [ControlId],
    category: &'a str,
    title: &'a str,
    /// Why, in one line: `covered: A.5.15, A.8.3 and A.8.5 implemented`.
    reason: &'a str,
    /// The facts behind `reason`: core elements counted, pending (would cover once implemented), missing from the
    /// input, supporting context, and the limit ISO 27001 never meets.
    verdict: &'a Verdict,
    /// What a SOC 2 auditor still samples for the criterion, covered or not (criteria only).
    #[serde(skip_serializing_if = "str::is_empty")]
    beyond_iso: &'a str,
}

/// Pretty JSON with a trailing newline. `report` supplies the words of each verdict (in coverage order).
pub fn render(out: &Output, report: &ReportData) -> Result<Vec<u8>, super::RenderError> {
    let cw = out.crosswalk;
    let tally = cw.tally();
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
                edition: r.row.framework,
                reference: r.row.reference.as_deref(),
                text: r.row.text.as_deref(),
            })
            .collect(),
        totals: Totals {
            scope: &report.scope,
            tally,
            in_scope: tally.in_scope(),
            covered_pct: tally.covered_pct_precise().unwrap_or(0.0),
            status_given: cw.status_given,
            headline: &report.summary.headline,
        },
        skipped: out.skipped,
        coverage: cw
            .coverage
            .iter()
            .zip(&report.criteria)
            .map(|(c, words)| Coverage {
                id: &c.id,
                status: c.status,
                by: &c.by,
                category: &c.category,
                title: &c.title,
                reason: &words.reason,
                verdict: &c.verdict,
                beyond_iso: &words.beyond_iso,
            })
            .collect(),
        issues: out.issues,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}

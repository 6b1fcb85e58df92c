//! The summary of a `map` run: one entry per input (status, rows and how they were recognised, coverage per
//! category, issues, output, error), as a table for stderr and as the JSON of `--summary FILE.json`.
//!
//! Entries keep the order of the inputs, whatever order the threads finished in, so the same run gives the same
//! bytes.

use serde::Serialize;
use std::fmt::Write as _;

use crate::crosswalk::{counts_by_category, Category, CoverageStatus, Crosswalk, Scope};
use crate::ids::Framework;
use crate::import::{Imported, MatchedBy, Review};
use crate::issue::Severity;
use crate::report::{words, Tool};

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub tool: Tool,
    /// `--fail-under` as given, or null.
    pub fail_under: Option<f64>,
    pub totals: Totals,
    pub inputs: Vec<InputSummary>,
}

/// Counts over all inputs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub inputs: usize,
    pub ok: usize,
    pub failed: usize,
    /// Inputs whose coverage is under `--fail-under`.
    pub below_threshold: usize,
    pub rows: usize,
}

/// Whether an input went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
}

/// One input.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    /// The path as given (`stdin` for `-`).
    pub input: String,
    pub status: Status,
    /// Where the output went: a path, `stdout`, or null when nothing was written.
    pub output: Option<String>,
    /// The detected (or given) framework of the input, and the one it was mapped to.
    pub from: Option<Framework>,
    pub to: Option<Framework>,
    /// Control rows read.
    pub rows: usize,
    pub matched: Matched,
    /// Rows flagged `needs-review`.
    pub needs_review: usize,
    /// Coverage of the target's elements per category (TSC category, or Annex A theme and `isms`).
    pub coverage: Vec<CategoryCoverage>,
    /// TSC categories counted below (`--scope`, security only by default); empty when mapping to ISO.
    pub scope: Vec<String>,
    /// In-scope target elements by status: the same counts as the `map` line, the JSON `totals`, the workbook's
    /// Coverage sheet and the reports.
    pub covered: usize,
    pub partial: usize,
    pub gap: usize,
    pub in_scope: usize,
    /// Covered / in scope × 100, rounded to one decimal; null when nothing is in scope.
    pub covered_pct: Option<f64>,
    /// False when the input has no status column: every applicable control was taken as implemented.
    pub status_given: Option<bool>,
    /// The counts as one line, as `map` prints them.
    pub headline: Option<String>,
    /// Covered elements / in-scope elements × 100: the `security` criteria when mapping to tsc-2017, every Annex A
    /// control and ISMS clause when mapping to iso27001-2022. Rounded to one decimal; null when nothing is in scope.
    pub security_coverage_pct: Option<f64>,
    /// Whether `covered_pct` is under `--fail-under`.
    pub below_threshold: bool,
    pub issues: IssueCounts,
    /// Why the input failed, as printed.
    pub error: Option<String>,
}

/// How rows were placed on the catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Matched {
    pub id: usize,
    pub title: usize,
    pub text: usize,
    pub transition: usize,
    pub none: usize,
    /// Rows placed by a review decision (`--decisions`); left out when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub decision: usize,
}

/// One category's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCoverage {
    pub category: String,
    pub covered: usize,
    pub partial: usize,
    pub gap: usize,
    pub out_of_scope: usize,
}

/// Issues by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IssueCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl InputSummary {
    /// The entry of an input that went through.
    pub fn ok(
        imported: &Imported,
        crosswalk: &Crosswalk,
        scope: &Scope,
        output: String,
        fail_under: Option<f64>,
    ) -> InputSummary {
        let mut matched = Matched::default();
        let rows = || crosswalk.rows.iter().map(|r| &r.row);
        for row in rows() {
            match row.matched_by {
                MatchedBy::Id => matched.id += 1,
                MatchedBy::Title => matched.title += 1,
                MatchedBy::Text => matched.text += 1,
                MatchedBy::Transition => matched.transition += 1,
                MatchedBy::None => matched.none += 1,
                MatchedBy::Decision => matched.decision += 1,
            }
        }
        let mut issues = IssueCounts::default();
        for issue in &imported.issues {
            match issue.severity {
                Severity::Error => issues.error += 1,
                Severity::Warning => issues.warning += 1,
                Severity::Info => issues.info += 1,
            }
        }
        let coverage = counts_by_category(&crosswalk.coverage)
            .into_iter()
            .map(|(category, [covered, partial, gap, out_of_scope])| CategoryCoverage {
                category,
                covered,
                partial,
                gap,
                out_of_scope,
            })
            .collect();
        let security_coverage_pct = security_coverage(crosswalk);
        let tally = crosswalk.tally();
        let covered_pct = tally.covered_pct_precise();
        let to_iso = crosswalk.to == Framework::Iso2022;
        let scope = if to_iso { Vec::new() } else { scope.categories() };
        let scope_words = words::scope(&scope, crosswalk.to);
        InputSummary {
            input: imported.file.clone(),
            status: Status::Ok,
            output: Some(output),
            from: Some(imported.framework),
            to: Some(crosswalk.to),
            rows: crosswalk.rows.len(),
            matched,
            needs_review: rows().filter(|r| r.review == Review::NeedsReview).count(),
            coverage,
            headline: Some(words::headline(&tally, &scope_words, crosswalk.to, crosswalk.status_given)),
            scope,
            covered: tally.covered,
            partial: tally.partial,
            gap: tally.gap,
            in_scope: tally.in_scope(),
            covered_pct,
            status_given: Some(crosswalk.status_given),
            security_coverage_pct,
            below_threshold: below(covered_pct, fail_under),
            issues,
            error: None,
        }
    }

    /// The entry of an input that could not be mapped.
    pub fn failed(input: String, error: String) -> InputSummary {
        InputSummary {
            input,
            status: Status::Failed,
            output: None,
            from: None,
            to: None,
            rows: 0,
            matched: Matched::default(),
            needs_review: 0,
            coverage: Vec::new(),
            scope: Vec::new(),
            covered: 0,
            partial: 0,
            gap: 0,
            in_scope: 0,
            covered_pct: None,
            status_given: None,
            headline: None,
            security_coverage_pct: None,
            below_threshold: false,
            issues: IssueCounts::default(),
            error: Some(error),
        }
    }
}

/// Covered / in scope × 100 over the security criteria (to TSC) or every ISO element (to ISO), one decimal.
pub fn security_coverage(crosswalk: &Crosswalk) -> Option<f64> {
    let counted = |category: &str| {
        crosswalk.to == Framework::Iso2022 || crate::crosswalk::Category::from_key(category) == Some(Category::Security)
    };
    let (mut covered, mut in_scope) = (0usize, 0usize);
    for c in crosswalk.coverage.iter().filter(|c| counted(&c.category)) {
        match c.status {
            CoverageStatus::Covered => {
                covered += 1;
                in_scope += 1;
            }
            CoverageStatus::Partial | CoverageStatus::Gap => in_scope += 1,
            CoverageStatus::OutOfScope => {}
        }
    }
    (in_scope > 0).then(|| (covered as f64 * 1000.0 / in_scope as f64).round() / 10.0)
}

fn below(pct: Option<f64>, fail_under: Option<f64>) -> bool {
    match (pct, fail_under) {
        (Some(p), Some(min)) => p < min,
        // Nothing in scope to measure: no coverage at all.
        (None, Some(min)) => min > 0.0,
        _ => false,
    }
}

impl Summary {
    pub fn new(inputs: Vec<InputSummary>, fail_under: Option<f64>) -> Summary {
        let totals = Totals {
            inputs: inputs.len(),
            ok: inputs.iter().filter(|i| i.status == Status::Ok).count(),
            failed: inputs.iter().filter(|i| i.status == Status::Failed).count(),
            below_threshold: inputs.iter().filter(|i| i.below_threshold).count(),
            rows: inputs.iter().map(|i| i.rows).sum(),
        };
        Summary { tool: Tool::current(), fail_under, totals, inputs }
    }

    /// The JSON document, with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("the summary serialises");
        bytes.push(b'\n');
        bytes
    }

    /// The table printed on stderr at the end of a run over several inputs.
    pub fn table(&self) -> String {
        let headers =
            ["input", "status", "rows", "id", "2013", "title", "text", "review", "covered", "issues", "output"];
        let rows: Vec<Vec<String>> = self
            .inputs
            .iter()
            .map(|i| {
                let ok = i.status == Status::Ok;
                let n = |v: usize| if ok { v.to_string() } else { "-".to_string() };
                let assumed = if i.status_given == Some(false) { ", status assumed" } else { "" };
                let security = match i.covered_pct {
                    Some(p) if i.below_threshold => format!("{p:.1}% of {}{assumed} (under)", i.in_scope),
                    Some(p) => format!("{p:.1}% of {}{assumed}", i.in_scope),
                    None => "-".to_string(),
                };
                let issues = if ok { format!("{}E {}W", i.issues.error, i.issues.warning) } else { "-".to_string() };
                let last = match (&i.output, &i.error) {
                    (_, Some(e)) => format!("error: {e}"),
                    (Some(o), None) => o.clone(),
                    (None, None) => String::new(),
                };
                vec![
                    i.input.clone(),
                    if ok { "ok" } else { "failed" }.to_string(),
                    n(i.rows),
                    n(i.matched.id),
                    n(i.matched.transition),
                    n(i.matched.title),
                    n(i.matched.text),
                    n(i.needs_review),
                    security,
                    issues,
                    last,
                ]
            })
            .collect();
        let mut out = crate::report::listing::table(&headers, &rows);
        let t = &self.totals;
        let _ = write!(out, "{} inputs: {} ok, {} failed", t.inputs, t.ok, t.failed);
        if let Some(min) = self.fail_under {
            let _ = write!(out, ", {} under --fail-under {min}", t.below_threshold);
        }
        let _ = writeln!(out, "; {} rows", t.rows);
        out
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` hands the field by reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_threshold_only_when_measured_under() {
        assert!(below(Some(49.9), Some(50.0)));
        assert!(!below(Some(50.0), Some(50.0)));
        assert!(!below(Some(10.0), None));
        assert!(below(None, Some(1.0)));
        assert!(!below(None, Some(0.0)));
    }

    #[test]
    fn totals_count_failed_inputs() {
        let s = Summary::new(vec![InputSummary::failed("b.csv".into(), "b.csv: the file is empty".into())], None);
        assert_eq!((s.totals.inputs, s.totals.ok, s.totals.failed), (1, 0, 1));
        assert!(s.table().ends_with("1 inputs: 0 ok, 1 failed; 0 rows\n"), "{}", s.table());
    }
}

//! Crosswalk -> [`ReportData`]: the one context every report template receives (the built-in HTML and Markdown
//! templates, and a user's own with `--template`). Pure: values in, values out. Everything is sorted by stable keys
//! and carries no timestamp, so the same input renders the same bytes.
//!
//! The doc comments of the structs below are the reference of the context; `templates/README.md` lists them. The
//! parts are built apart: [`coverage`] (criteria, gaps, categories, the summary), [`reuse`] (what the input's rows
//! say of a control, and the risks), [`clauses`] (the ISMS clauses and what remains for certification) and
//! [`type_two`] (the observation window).

mod clauses;
mod coverage;
mod reuse;
#[cfg(test)]
mod tests;
mod type_two;

use std::collections::BTreeMap;

use serde::Serialize;

use super::Output;
use crate::catalog::Catalogs;
pub use crate::crosswalk::percent;
use crate::crosswalk::{CoverageStatus, CrosswalkRow};
use crate::ids::Framework;
use crate::issue::Severity;
use crate::mapping::{Mapping, Role as LinkRole};
pub(crate) use clauses::{clause_note, CERTIFICATION_STEPS};
pub use coverage::Theme;

/// What the report says about itself, in every rendering.
pub const NOTICE: &str = "This report supports readiness work: it shows where existing controls and evidence can be \
reused and what is missing. It is not an audit opinion, an attestation or a certification, and it does not replace \
the judgement of the auditor.";

/// The Type II observation window when none is given (`map` and `report` without `--window-months`).
pub const DEFAULT_WINDOW_MONTHS: u32 = 6;

/// The context of a report template.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    /// `{name, version}` of the tool.
    pub tool: ToolInfo,
    /// Version of the mapping used (built-in or with `--mapping` overlays).
    pub mapping_version: String,
    /// `iso-to-soc2` (an ISO SoA read against SOC 2) or `soc2-to-iso` (a SOC 2 control matrix read against ISO).
    pub direction: String,
    /// Readiness notice: the report is not an audit opinion.
    pub notice: String,
    /// Facts about the input and its control rows.
    pub summary: Summary,
    /// TSC categories in scope (security always), in the order of the TSC.
    pub scope: Vec<String>,
    /// One line per category: TSC category for `iso-to-soc2`, Annex A theme and `isms` for `soc2-to-iso`.
    pub categories: Vec<Category>,
    /// Every target element (61 criteria, or the 93 Annex A controls and 30 clauses), in id order, with the input's
    /// controls that support it.
    pub criteria: Vec<Criterion>,
    /// In-scope target elements with no coverage (status `gap`), in id order.
    pub gaps: Vec<Gap>,
    /// In-scope target elements covered only in part (status `partial`), in id order.
    pub partial: Vec<Gap>,
    /// Input controls that count for nothing (excluded, not implemented, planned, status unknown) and leave in-scope
    /// target elements short of covered.
    pub risks: Vec<Risk>,
    /// ISMS clauses 4–10, shown apart from Annex A.
    pub clauses: Vec<Clause>,
    /// `soc2-to-iso` only: what remains for ISO certification (empty lists otherwise).
    pub remaining: Remaining,
    /// SOC 2 Type II readiness: what an observation window samples, by control frequency.
    pub type2: TypeTwo,
    /// Findings from reading the input (severity, where, message), in input order.
    pub issues: Vec<IssueLine>,
}

/// Name and version of the tool.
#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    /// `crosswalk`.
    pub name: String,
    /// Version, e.g. `0.1.0`.
    pub version: String,
}

/// Facts about the input.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The input file as given on the command line.
    pub input: String,
    /// SHA-256 of the input file.
    pub sha256: String,
    /// Sheet the controls were read from; none for CSV.
    pub sheet: Option<String>,
    /// 1-based header row.
    pub header_row: usize,
    /// Detected (or `--from`) framework key of the input: `iso27001-2022`, `iso27001-2013`, `tsc-2017`, `custom`.
    pub framework: String,
    /// Readable name of the input framework.
    pub framework_label: String,
    /// Framework key the input was mapped to.
    pub target: String,
    /// Readable name of the target framework.
    pub target_label: String,
    /// Control rows read.
    pub rows: usize,
    /// Rows placed on a catalog id (by id, 2013 transition, title or text).
    pub recognised: usize,
    /// Of the recognised rows, those that are ISMS clauses (4–10) rather than Annex A controls or criteria.
    pub clauses_recognised: usize,
    /// Recognised rows whose applicability is not `no`.
    pub applicable: usize,
    /// Recognised rows marked not applicable (excluded).
    pub excluded: usize,
    /// Applicable rows implemented (or taken as implemented when the input has no status column).
    pub implemented: usize,
    /// Applicable rows planned or partly implemented.
    pub in_progress: usize,
    /// Applicable rows marked not implemented, or whose status cell is empty or not understood.
    pub not_implemented: usize,
    /// False when the input has no status column: every applicable control was taken as implemented.
    pub status_given: bool,
    /// What the counts cover: `scope security`, `scope security, availability`, or the ISO elements.
    pub scope_label: String,
    /// The counts in one line, exactly as `map` prints them: `scope security: 12 covered, 15 partial, 6 gap of 33
    /// criteria (36% covered)`, with `status not given, assumed implemented` when so.
    pub headline: String,
    /// Rows whose match should be checked by a person.
    pub needs_review: usize,
    /// Whether the input has an owner column.
    pub has_owner: bool,
    /// Whether the input has an evidence column.
    pub has_evidence: bool,
    /// Whether the input has a frequency column.
    pub has_frequency: bool,
    /// In-scope target elements: covered, partial, gap, and their total.
    pub covered: usize,
    /// See `covered`.
    pub partial: usize,
    /// See `covered`.
    pub gap: usize,
    /// Target elements counted (out-of-scope ones left out).
    pub in_scope: usize,
    /// Target elements out of scope.
    pub out_of_scope: usize,
    /// `covered` as a whole percentage of `in_scope` (0 when nothing is in scope).
    pub covered_pct: u32,
    /// `covered + partial` as a whole percentage of `in_scope`.
    pub covered_or_partial_pct: u32,
}

/// Counts of one category.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    /// `security`, `availability`, … or `organizational`, `people`, `physical`, `technological`, `isms`.
    pub key: String,
    /// Readable name, e.g. `Security (common criteria)`.
    pub label: String,
    /// False when `--scope` leaves the category out.
    pub in_scope: bool,
    /// Elements in the category.
    pub total: usize,
    /// In-scope elements covered.
    pub covered: usize,
    /// In-scope elements partly covered.
    pub partial: usize,
    /// In-scope elements with no coverage.
    pub gap: usize,
    /// Elements left out by `--scope` (criteria only).
    pub out_of_scope: usize,
    /// Whole percentages of the in-scope elements (all 0 when out of scope); they may not add up to 100 by rounding.
    pub covered_pct: u32,
    /// `partial` as a whole percentage of the in-scope elements.
    pub partial_pct: u32,
    /// `gap` as a whole percentage of the in-scope elements.
    pub gap_pct: u32,
}

/// One target element and what supports it.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    /// Criterion id (`CC6.1`) or ISO id (`A.5.15`, `9.2.1`).
    pub id: String,
    /// Short title (our words).
    pub title: String,
    /// Category key, as in `categories`.
    pub category: String,
    /// TSC series (`CC6`) and its title; empty for ISO.
    pub series: String,
    /// Title of the TSC series (`Logical and Physical Access Controls`); empty for ISO.
    pub series_title: String,
    /// `covered`, `partial`, `gap` or `out-of-scope`.
    pub status: String,
    /// The same, typed, for decisions.
    #[serde(skip)]
    pub coverage: CoverageStatus,
    /// The Annex A theme (or `isms`), typed; none for criteria.
    #[serde(skip)]
    pub theme: Option<Theme>,
    /// Why, in one line: `covered: A.5.15, A.8.3 and A.8.5 implemented`, `partial: A.8.2 planned; …`.
    pub reason: String,
    /// Core input controls that would count once implemented, with their state: `A.8.2 (planned)`.
    pub would_cover: Vec<String>,
    /// False when out of scope.
    pub in_scope: bool,
    /// Input controls whose evidence can be reused (applicable, implemented or in progress), strongest first.
    pub reuse: Vec<Reuse>,
    /// Input controls that map here but count for nothing (excluded or not implemented).
    pub not_counted: Vec<Reuse>,
    /// What SOC 2 asks beyond ISO for this criterion (our words); empty for ISO targets.
    pub beyond_iso: String,
    /// What the element asks (our words).
    pub description: String,
}

/// One input control supporting a target element, with the client's own columns carried over.
#[derive(Debug, Clone, Serialize)]
pub struct Reuse {
    /// Canonical id of the input control (`A.5.15`, `CC6.1`, clause `9.2.1`).
    pub id: String,
    /// `annex`, `clause` or `criterion`.
    pub kind: String,
    /// The id as a reader should see it: `A.5.15`, `clause 9.2.1`, `CC6.1`.
    pub label: String,
    /// The client's title for the row, else the catalog title.
    pub title: String,
    /// NIST IR 8477 relationship read from the input's side: `equal`, `subset`, `superset`, `intersects`.
    pub relationship: String,
    /// 1–10.
    pub strength: u8,
    /// `core` (part of the set that meets the target's intent) or `supporting` (context, never coverage).
    pub role: LinkRole,
    /// `full` when this control alone covers the target, else `partial`.
    pub extent: String,
    /// `full` (implemented), `partial` (partly implemented) or `nothing` (planned, not implemented, excluded,
    /// status unknown).
    pub effect: String,
    /// Normalised implementation status (`implemented`, `planned` …), else the cell as written, else empty.
    pub status: String,
    /// Owner, evidence and frequency cells of the input rows, distinct values joined with `; ` (empty when none).
    pub owner: String,
    /// See `owner`.
    pub evidence: String,
    /// See `owner`.
    pub frequency: String,
    /// Input rows (as the spreadsheet numbers them) that carry this control.
    pub rows: Vec<usize>,
    /// Why the control maps here (one sentence).
    pub rationale: String,
}

/// A target element short of covered.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// Target element id.
    pub id: String,
    /// Short title (our words).
    pub title: String,
    /// Category key, as in `categories`.
    pub category: String,
    /// `gap` or `partial`.
    pub status: String,
    /// The Annex A theme (or `isms`), typed; none for criteria.
    #[serde(skip)]
    pub theme: Option<Theme>,
    /// Why, in one line (as `criteria[].reason`).
    pub reason: String,
    /// Input controls that count towards it (labels: `A.5.15`, `clause 9.2.1`), strongest first.
    pub partial_by: Vec<String>,
    /// Input controls that map here but count for nothing (excluded, not implemented, planned, status unknown).
    pub excluded_by: Vec<String>,
    /// Core input controls that would count once implemented, with their state: `A.8.2 (planned)`.
    pub would_cover: Vec<String>,
    /// What SOC 2 asks beyond ISO (criteria); empty for ISO targets.
    pub beyond_iso: String,
    /// What the element asks (our words).
    pub description: String,
    /// ISO targets only: true when no SOC 2 criterion maps to this control at all.
    pub no_counterpart: bool,
}

/// An excluded or unimplemented control that leaves target elements short.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    /// Input control id.
    pub id: String,
    /// The client's title, else the catalog title.
    pub title: String,
    /// `excluded`, `not implemented`, `planned` or `status unknown`.
    pub reason: String,
    /// The SoA's justification as written (empty when none).
    pub justification: String,
    /// Input rows that carry the control.
    pub rows: Vec<usize>,
    /// In-scope target elements it maps to that are not covered, with their status.
    pub leaves: Vec<Left>,
}

/// A target element and its status.
#[derive(Debug, Clone, Serialize)]
pub struct Left {
    /// Target element id.
    pub id: String,
    /// Short title (our words).
    pub title: String,
    /// `partial` or `gap`.
    pub status: String,
}

/// An ISMS clause (4–10).
#[derive(Debug, Clone, Serialize)]
pub struct Clause {
    /// Clause id (`6.1.3`).
    pub id: String,
    /// Short title (our words).
    pub title: String,
    /// `iso-to-soc2`: the clause's state in the input (`implemented`, `in progress`, `excluded`,
    /// `not implemented`, `not in input`). `soc2-to-iso`: its coverage (`covered`, `partial`, `gap`).
    pub status: String,
    /// Whether the clause is covered (`soc2-to-iso`), for decisions.
    #[serde(skip)]
    pub covered: bool,
    /// `iso-to-soc2`: criteria the clause supports. `soc2-to-iso`: input criteria that support the clause.
    pub supports: Vec<String>,
    /// What certification asks of the clause beyond a SOC 2 programme (`soc2-to-iso`; empty otherwise).
    pub note: String,
}

/// What remains for ISO certification after a SOC 2 programme.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Remaining {
    /// Annex A controls no SOC 2 criterion maps to: they need their own implementation and evidence.
    pub no_counterpart: Vec<Ref>,
    /// Annex A controls with a SOC 2 counterpart that the input's controls do not reach (gap).
    pub uncovered: Vec<Ref>,
    /// Annex A controls only partly supported.
    pub partial: Vec<Ref>,
    /// ISMS clauses short of covered, with what certification asks.
    pub isms: Vec<Clause>,
    /// Fixed steps towards certification that no SOC 2 report gives (SoA, risk treatment plan, internal audit …).
    pub steps: Vec<String>,
}

/// An id with its title.
#[derive(Debug, Clone, Serialize)]
pub struct Ref {
    /// Control id.
    pub id: String,
    /// Short title (our words).
    pub title: String,
    /// Annex A theme or TSC category.
    pub category: String,
}

/// SOC 2 Type II readiness.
#[derive(Debug, Clone, Serialize)]
pub struct TypeTwo {
    /// `--window-months` (default 6).
    pub window_months: u32,
    /// Whether the input has a frequency column; when false the lists below are empty.
    pub has_frequency: bool,
    /// Per in-scope criterion, the controls the window samples.
    pub criteria: Vec<SampleCriterion>,
    /// Controls that may fall outside the window: they run less often than once in it (an annual control in a
    /// 6-month window), in id order.
    pub not_operating: Vec<Sample>,
    /// Controls whose frequency cell was not understood (cadence `unknown`), in id order.
    pub unknown: Vec<Sample>,
    /// Controls with an empty frequency cell (counted, not listed).
    pub no_frequency: usize,
}

/// A criterion and the evidence the window samples.
#[derive(Debug, Clone, Serialize)]
pub struct SampleCriterion {
    /// Criterion id.
    pub id: String,
    /// Short title (our words).
    pub title: String,
    /// Controls in the window, in id order.
    pub samples: Vec<Sample>,
}

/// One control in the observation window.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// Input control id (ISO input), or the control's number or criteria cell as written (SOC 2 input).
    pub id: String,
    /// The client's title (ISO input) or control text (SOC 2 input).
    pub title: String,
    /// Owner cell as written.
    pub owner: String,
    /// Evidence cell as written.
    pub evidence: String,
    /// The frequency cell as written.
    pub frequency: String,
    /// Understood cadence: `annual`, `semi-annual`, `quarterly`, `monthly`, `weekly`, `daily`, `continuous`,
    /// `ad hoc`, `every N months` …, `unknown` (a cell not understood) or `not given` (an empty cell).
    pub cadence: String,
    /// Whether the frequency cell was understood, not understood, or empty (what `cadence` says in words).
    #[serde(skip)]
    pub reading: FrequencyReading,
    /// Times it operates in the window (weeks and days rounded down); none for continuous, ad hoc and unknown.
    pub occurrences: Option<u32>,
    /// False when it runs less often than once in the window, so its one run may fall outside it.
    pub operates: bool,
    /// `2 in the window`, `may fall outside the window`, or empty for continuous, ad hoc and unknown cadences.
    pub in_window: String,
    /// What the auditor will ask for, in one phrase.
    pub expect: String,
    /// Criteria this control supports (in scope).
    pub criteria: Vec<String>,
    /// Input rows that carry the control.
    pub rows: Vec<usize>,
}

/// How a control's frequency cell was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrequencyReading {
    Understood,
    NotUnderstood,
    NotGiven,
}

/// A finding from reading the input.
#[derive(Debug, Clone, Serialize)]
pub struct IssueLine {
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The same, typed, for decisions.
    #[serde(skip)]
    pub level: Severity,
    /// File, sheet, row and column as the spreadsheet shows them.
    pub at: String,
    /// What was found.
    pub message: String,
}

/// Readable name of a framework.
fn framework_label(f: Framework) -> &'static str {
    match f {
        Framework::Iso2022 => "ISO/IEC 27001:2022",
        Framework::Iso2013 => "ISO/IEC 27001:2013",
        Framework::Tsc2017 => "SOC 2 (Trust Services Criteria 2017)",
        Framework::Custom => "custom controls",
    }
}

/// Readable name of a category key.
pub fn category_label(key: &str) -> String {
    if let Some(c) = crate::crosswalk::Category::from_key(key) {
        return c.label().to_string();
    }
    match Theme::from_key(key) {
        Some(theme) => theme.label().to_string(),
        None => key.to_string(),
    }
}

impl ReportData {
    /// Builds the context from one mapped input. `window_months` is the Type II observation window.
    pub fn build(out: &Output, catalogs: &Catalogs, mapping: &Mapping, window_months: u32) -> ReportData {
        let to_iso = out.crosswalk.to == Framework::Iso2022;
        let rows: BTreeMap<usize, &CrosswalkRow> = out.crosswalk.rows.iter().map(|r| (r.row.row, r)).collect();
        let criteria = coverage::criteria(out, &rows, catalogs);
        let partial = coverage::gaps(&criteria, mapping, to_iso, CoverageStatus::Partial);
        let gaps = coverage::gaps(&criteria, mapping, to_iso, CoverageStatus::Gap);
        let risks = reuse::risks(&criteria, &rows);
        let clauses = clauses::clauses(out, &criteria, catalogs);
        let remaining = if to_iso { clauses::remaining(&gaps, &partial, &clauses) } else { Remaining::default() };
        let summary = coverage::summary(out, catalogs);
        let type2 = type_two::type_two(out, &criteria, catalogs, window_months, summary.has_frequency);
        ReportData {
            tool: ToolInfo { name: out.run.tool.name.to_string(), version: out.run.tool.version.to_string() },
            mapping_version: out.run.mapping_version.clone(),
            direction: if to_iso { "soc2-to-iso" } else { "iso-to-soc2" }.to_string(),
            notice: NOTICE.to_string(),
            summary,
            scope: crate::crosswalk::Category::ALL
                .iter()
                .filter(|c| out.run.scope.iter().any(|s| s == c.key()))
                .map(|c| c.key().to_string())
                .collect(),
            categories: coverage::categories(out),
            criteria,
            gaps,
            partial,
            risks,
            clauses,
            remaining,
            type2,
            issues: out
                .issues
                .iter()
                .map(|i| IssueLine {
                    severity: i.severity.to_string(),
                    level: i.severity,
                    at: i.at.to_string(),
                    message: i.message.clone(),
                })
                .collect(),
        }
    }
}

/// Whether the run found data problems of severity error.
pub fn has_errors(data: &ReportData) -> bool {
    data.issues.iter().any(|i| i.level == Severity::Error)
}

//! Crosswalk -> [`ReportData`]: the one context every report template receives (the built-in HTML and Markdown
//! templates, and a user's own with `--template`). Pure: values in, values out. Everything is sorted by stable keys
//! and carries no timestamp, so the same input renders the same bytes.
//!
//! The doc comments of the fields below are the reference of the context; `templates/README.md` lists them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::frequency::{self, Cadence};
use super::Output;
use crate::catalog::{Catalogs, EntryKind};
pub use crate::crosswalk::percent;
use crate::crosswalk::{counts_by_category, Contribution, CoverageStatus, CrosswalkRow, Effect, State};
use crate::ids::{ControlId, Framework};
use crate::import::Review;
use crate::issue::Severity;
use crate::mapping::{Mapping, Relationship, Role as LinkRole};

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

/// Certification steps a SOC 2 programme does not give (our words).
pub(crate) const CERTIFICATION_STEPS: [&str; 6] = [
    "Define the ISMS scope and context (clauses 4.1–4.3) in ISO terms: interested parties and their requirements.",
    "Run an ISO-style risk assessment and risk treatment (6.1.2, 6.1.3, 8.2, 8.3) with a risk treatment plan approved by risk owners.",
    "Write a Statement of Applicability covering all 93 Annex A controls, with a justification for each inclusion and exclusion (6.1.3 d).",
    "Set measurable security objectives and monitor them (6.2, 9.1).",
    "Run an internal audit of the whole ISMS (9.2) and a management review with the required inputs and outputs (9.3).",
    "Handle nonconformities with corrective actions (10.2), then pass the stage 1 and stage 2 certification audits.",
];

/// What ISO certification asks of a clause that a SOC 2 programme seldom gives (our words).
pub(crate) fn clause_note(id: &str) -> &'static str {
    match id {
        "4.1" | "4.2" => "ISO expects the context and interested parties to be documented and to drive the ISMS scope.",
        "4.3" => "A documented ISMS scope with boundaries and interfaces; a SOC 2 system description is close but not the same.",
        "4.4" => "The ISMS itself: processes established, kept and improved as a management system.",
        "5.1" | "5.2" | "5.3" => "Top-management commitment, an approved security policy and assigned ISMS roles, shown in records.",
        "6.1.1" => "Planning actions for risks and opportunities of the ISMS itself.",
        "6.1.2" => "A repeatable risk assessment method with acceptance criteria and risk owners.",
        "6.1.3" => "Risk treatment with a Statement of Applicability for all 93 Annex A controls and a treatment plan approved by risk owners.",
        "6.2" => "Measurable security objectives with plans, owners and deadlines.",
        "6.3" => "Changes to the ISMS carried out in a planned way.",
        "7.1" | "7.2" | "7.3" | "7.4" => "Resources, competence records, awareness and a communication plan for the ISMS.",
        "7.5.1" | "7.5.2" | "7.5.3" => "Documented information under document control (versions, approval, retention).",
        "8.1" => "Operational planning and control of the ISMS processes, including outsourced ones.",
        "8.2" => "Risk assessments repeated at planned intervals and on significant change, with results kept.",
        "8.3" => "The risk treatment plan carried out, with results kept.",
        "9.1" => "Monitoring and measurement of ISMS performance: what, how, when, by whom, and the results.",
        "9.2.1" | "9.2.2" => "An internal audit programme covering the whole ISMS, by objective auditors, with results reported.",
        "9.3.1" | "9.3.2" | "9.3.3" => "Management reviews at planned intervals with the inputs the standard lists, and recorded decisions.",
        "10.1" => "Continual improvement of the ISMS.",
        "10.2" => "Nonconformities handled with root cause analysis and corrective actions, kept as records.",
        _ => "",
    }
}

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
    match key {
        "organizational" => "Organizational controls (A.5)".into(),
        "people" => "People controls (A.6)".into(),
        "physical" => "Physical controls (A.7)".into(),
        "technological" => "Technological controls (A.8)".into(),
        "isms" => "ISMS clauses 4–10".into(),
        other => other.to_string(),
    }
}

impl ReportData {
    /// Builds the context from one mapped input. `window_months` is the Type II observation window.
    pub fn build(out: &Output, catalogs: &Catalogs, mapping: &Mapping, window_months: u32) -> ReportData {
        let to_iso = out.crosswalk.to == Framework::Iso2022;
        let rows: BTreeMap<usize, &CrosswalkRow> = out.crosswalk.rows.iter().map(|r| (r.row.row, r)).collect();
        let criteria = criteria(out, &rows, catalogs);
        let partial = gaps(&criteria, mapping, to_iso, "partial");
        let gaps = gaps(&criteria, mapping, to_iso, "gap");
        let risks = risks(&criteria, &rows);
        let clauses = clauses(out, &criteria, catalogs);
        let remaining = if to_iso { remaining(&gaps, &partial, &clauses) } else { Remaining::default() };
        let summary = summary(out, &criteria, catalogs);
        let type2 = type_two(out, &criteria, catalogs, window_months, summary.has_frequency);
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
            categories: categories(out),
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

/// Every target element with the input's controls that support it (or would, but count for nothing).
fn criteria(out: &Output, rows: &BTreeMap<usize, &CrosswalkRow>, catalogs: &Catalogs) -> Vec<Criterion> {
    // A control mapped to several criteria gathers the same rows for each: read their cells once.
    let mut seen: HashMap<(ControlId, Vec<usize>), Reuse> = HashMap::new();
    let mut reuse_of = |c: &Contribution| {
        let mut numbers = c.rows.clone();
        numbers.sort_unstable();
        numbers.dedup();
        let common = seen.entry((c.id.clone(), numbers)).or_insert_with_key(|(_, n)| reuse(c, n, rows, catalogs));
        Reuse {
            relationship: c.relationship.to_string(),
            strength: c.strength,
            role: c.role,
            extent: if c.full { "full" } else { "partial" }.to_string(),
            effect: effect_word(c.effect).to_string(),
            rationale: c.rationale.to_string(),
            ..common.clone()
        }
    };
    let to = out.crosswalk.to;
    out.crosswalk
        .coverage
        .iter()
        .map(|c| {
            let entry = catalogs.find(c.id.as_str());
            Criterion {
                id: c.id.to_string(),
                title: c.title.clone(),
                category: c.category.clone(),
                series: entry.map(|e| e.series.clone()).unwrap_or_default(),
                series_title: entry.map(|e| e.series_title.clone()).unwrap_or_default(),
                status: c.status.as_str().to_string(),
                reason: super::words::reason(c, catalogs, to),
                would_cover: super::words::pending(c, catalogs),
                in_scope: c.status != CoverageStatus::OutOfScope,
                reuse: c.contributions.iter().filter(|x| x.effect != Effect::Nothing).map(&mut reuse_of).collect(),
                not_counted: c
                    .contributions
                    .iter()
                    .filter(|x| x.effect == Effect::Nothing)
                    .map(&mut reuse_of)
                    .collect(),
                beyond_iso: entry.map(|e| e.beyond_iso.clone()).unwrap_or_default(),
                description: entry.map(|e| e.description.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// In-scope elements of one status (`gap` or `partial`). For ISO targets, whether any SOC 2 criterion maps to the
/// control at all.
fn gaps(criteria: &[Criterion], mapping: &Mapping, to_iso: bool, status: &str) -> Vec<Gap> {
    let has_counterpart = |id: &str| {
        let id = crate::ids::ControlId::new(id);
        mapping.from_source(&id).iter().any(|p| p.relationship != Relationship::None && p.target.is_some())
    };
    criteria
        .iter()
        .filter(|c| c.status == status)
        .map(|c| Gap {
            id: c.id.clone(),
            title: c.title.clone(),
            category: c.category.clone(),
            status: c.status.clone(),
            reason: c.reason.clone(),
            partial_by: c.reuse.iter().filter(|r| r.role == LinkRole::Core).map(|r| r.label.clone()).collect(),
            excluded_by: c.not_counted.iter().map(|r| r.label.clone()).collect(),
            would_cover: c.would_cover.clone(),
            beyond_iso: c.beyond_iso.clone(),
            description: c.description.clone(),
            no_counterpart: to_iso && !has_counterpart(&c.id),
        })
        .collect()
}

/// Counts per category: TSC categories in TSC order; for ISO targets Annex A themes, then the ISMS clauses apart.
fn categories(out: &Output) -> Vec<Category> {
    const THEMES: [&str; 5] = ["organizational", "people", "physical", "technological", "isms"];
    let mut counts = counts_by_category(&out.crosswalk.coverage);
    counts.sort_by_key(|(k, _)| THEMES.iter().position(|t| t == k).unwrap_or(0));
    counts
        .into_iter()
        .map(|(key, [covered, partial, gap, out_of_scope])| {
            let in_scope = covered + partial + gap;
            Category {
                label: category_label(&key),
                key,
                in_scope: in_scope > 0,
                total: in_scope + out_of_scope,
                covered,
                partial,
                gap,
                out_of_scope,
                covered_pct: percent(covered, in_scope),
                partial_pct: percent(partial, in_scope),
                gap_pct: percent(gap, in_scope),
            }
        })
        .collect()
}

/// Distinct non-empty values joined with `; `, in first-seen order.
fn distinct<'a>(values: impl Iterator<Item = Option<&'a str>>) -> String {
    // In first-seen order; the set keeps this linear when one control gathers thousands of rows.
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::<&str>::new();
    for v in values.flatten().map(str::trim).filter(|v| !v.is_empty()) {
        if seen.insert(v) {
            kept.push(v);
        }
    }
    kept.join("; ")
}

fn kind_of(id: &str, catalogs: &Catalogs) -> &'static str {
    match catalogs.find(id).map(|e| e.kind) {
        Some(EntryKind::Clause) => "clause",
        Some(EntryKind::Criterion) => "criterion",
        _ => "annex",
    }
}

fn status_str(row: &CrosswalkRow) -> &str {
    row.row.status.map(|s| s.as_str()).or(row.row.status_text.as_deref()).unwrap_or_default()
}

/// What the input rows `numbers` (sorted, distinct) say of control `c`.
fn reuse(c: &Contribution, numbers: &[usize], rows: &BTreeMap<usize, &CrosswalkRow>, catalogs: &Catalogs) -> Reuse {
    let found: Vec<&CrosswalkRow> = numbers.iter().filter_map(|n| rows.get(n).copied()).collect();
    let catalog_title = catalogs.find(c.id.as_str()).map(|e| e.title.clone()).unwrap_or_default();
    // A SOC 2 matrix row reads best as its number and text (`C-12: Access to production requires MFA`).
    let criterion = kind_of(c.id.as_str(), catalogs) == "criterion";
    let labels: Vec<Option<std::borrow::Cow<str>>> = found
        .iter()
        .map(|r| match (&r.row.title, &r.row.text) {
            (Some(t), Some(x)) if criterion => Some(format!("{t}: {x}").into()),
            (t, x) => t.as_deref().or(x.as_deref()).map(Into::into),
        })
        .collect();
    let client_title = distinct(labels.iter().map(|l| l.as_deref()));
    Reuse {
        id: c.id.to_string(),
        kind: kind_of(c.id.as_str(), catalogs).to_string(),
        label: super::words::label(c.id.as_str(), catalogs),
        title: if client_title.is_empty() { catalog_title } else { client_title },
        relationship: c.relationship.to_string(),
        strength: c.strength,
        role: c.role,
        extent: if c.full { "full" } else { "partial" }.to_string(),
        effect: effect_word(c.effect).to_string(),
        status: distinct(found.iter().map(|r| Some(status_str(r)))),
        owner: distinct(found.iter().map(|r| r.row.owner.as_deref())),
        evidence: distinct(found.iter().map(|r| r.row.evidence.as_deref())),
        frequency: distinct(found.iter().map(|r| r.row.frequency.as_deref())),
        rows: numbers.to_vec(),
        rationale: c.rationale.to_string(),
    }
}

fn effect_word(e: Effect) -> &'static str {
    match e {
        Effect::Full => "full",
        Effect::Partial => "partial",
        Effect::Nothing => "nothing",
    }
}

fn summary(out: &Output, criteria: &[Criterion], catalogs: &Catalogs) -> Summary {
    let cw = out.crosswalk;
    let recognised: Vec<&CrosswalkRow> = cw.rows.iter().filter(|r| !r.row.ids.is_empty()).collect();
    let applicable: Vec<&&CrosswalkRow> = recognised.iter().filter(|r| r.row.applicable != Some(false)).collect();
    let tally = cw.tally();
    let has_role = |role: crate::import::Role| out.input.columns.iter().any(|c| c.role == role);
    let (covered, partial, gap) = (tally.covered, tally.partial, tally.gap);
    let in_scope = tally.in_scope();
    let scope_label = super::words::scope(&out.run.scope, cw.to);
    let _ = criteria;
    Summary {
        input: out.input.path.clone(),
        sha256: out.input.sha256.clone(),
        sheet: out.input.sheet.clone(),
        header_row: out.input.header_row,
        framework: out.input.framework.key().to_string(),
        framework_label: framework_label(out.input.framework).to_string(),
        target: cw.to.key().to_string(),
        target_label: framework_label(cw.to).to_string(),
        rows: cw.rows.len(),
        recognised: recognised.len(),
        clauses_recognised: recognised
            .iter()
            .filter(|r| {
                r.row
                    .ids
                    .iter()
                    .all(|id| catalogs.iso2022.get(id.as_str()).is_some_and(|e| e.kind == EntryKind::Clause))
            })
            .count(),
        applicable: applicable.len(),
        excluded: recognised.len() - applicable.len(),
        implemented: applicable.iter().filter(|r| r.effect == Effect::Full).count(),
        in_progress: applicable.iter().filter(|r| matches!(r.state, State::Partly | State::Planned)).count(),
        not_implemented: applicable
            .iter()
            .filter(|r| matches!(r.state, State::NotImplemented | State::Unknown))
            .count(),
        status_given: cw.status_given,
        headline: super::words::headline(&tally, &scope_label, cw.to, cw.status_given),
        scope_label,
        needs_review: cw.rows.iter().filter(|r| r.row.review == Review::NeedsReview).count(),
        has_owner: has_role(crate::import::Role::Owner) || cw.rows.iter().any(|r| r.row.owner.is_some()),
        has_evidence: has_role(crate::import::Role::Evidence) || cw.rows.iter().any(|r| r.row.evidence.is_some()),
        has_frequency: has_role(crate::import::Role::Frequency) || cw.rows.iter().any(|r| r.row.frequency.is_some()),
        covered,
        partial,
        gap,
        in_scope,
        out_of_scope: tally.out_of_scope,
        covered_pct: percent(covered, in_scope),
        covered_or_partial_pct: percent(covered + partial, in_scope),
    }
}

fn risks(criteria: &[Criterion], rows: &BTreeMap<usize, &CrosswalkRow>) -> Vec<Risk> {
    let mut by_control: BTreeMap<crate::ids::ControlId, Risk> = BTreeMap::new();
    for c in criteria.iter().filter(|c| c.in_scope && c.status != "covered") {
        for x in &c.not_counted {
            let id = crate::ids::ControlId::new(x.id.clone());
            let risk = by_control.entry(id).or_insert_with(|| {
                let found: Vec<&CrosswalkRow> = x.rows.iter().filter_map(|n| rows.get(n).copied()).collect();
                let best = found.iter().map(|r| r.state).min().unwrap_or(State::NotImplemented);
                Risk {
                    id: x.id.clone(),
                    title: x.title.clone(),
                    reason: super::words::state(best).to_string(),
                    justification: distinct(found.iter().map(|r| r.row.justification.as_deref())),
                    rows: x.rows.clone(),
                    leaves: Vec::new(),
                }
            });
            risk.leaves.push(Left { id: c.id.clone(), title: c.title.clone(), status: c.status.clone() });
        }
    }
    by_control.into_values().collect()
}

fn clauses(out: &Output, criteria: &[Criterion], catalogs: &Catalogs) -> Vec<Clause> {
    let cw = out.crosswalk;
    if cw.to == Framework::Iso2022 {
        return criteria
            .iter()
            .filter(|c| c.category == "isms")
            .map(|c| Clause {
                id: c.id.clone(),
                title: c.title.clone(),
                status: c.status.clone(),
                supports: c.reuse.iter().map(|r| r.label.clone()).collect(),
                note: clause_note(&c.id).to_string(),
            })
            .collect();
    }
    catalogs
        .assessable_clauses()
        .map(|e| {
            let rows: Vec<&CrosswalkRow> = cw.rows.iter().filter(|r| r.row.ids.contains(&e.id)).collect();
            let best = rows.iter().map(|r| r.state).min();
            let status = match best {
                None => "not in input",
                Some(State::Implemented | State::Assumed) => "implemented",
                Some(State::Partly | State::Planned) => "in progress",
                Some(State::Excluded) => "excluded",
                Some(State::NotImplemented) => "not implemented",
                Some(State::Unknown) => "status unknown",
            };
            let supports: BTreeSet<crate::ids::ControlId> =
                rows.iter().flat_map(|r| r.targets.iter().map(|t| t.id.clone())).collect();
            Clause {
                id: e.id.to_string(),
                title: e.title.clone(),
                status: status.to_string(),
                supports: supports.into_iter().map(|i| i.to_string()).collect(),
                note: String::new(),
            }
        })
        .collect()
}

fn remaining(gaps: &[Gap], partial: &[Gap], clauses: &[Clause]) -> Remaining {
    let as_ref = |g: &Gap| Ref { id: g.id.clone(), title: g.title.clone(), category: g.category.clone() };
    let annex = |g: &&Gap| g.category != "isms";
    Remaining {
        no_counterpart: gaps.iter().filter(annex).filter(|g| g.no_counterpart).map(as_ref).collect(),
        uncovered: gaps.iter().filter(annex).filter(|g| !g.no_counterpart).map(as_ref).collect(),
        partial: partial.iter().filter(annex).map(as_ref).collect(),
        isms: clauses.iter().filter(|c| c.status != "covered").cloned().collect(),
        steps: CERTIFICATION_STEPS.iter().map(|s| s.to_string()).collect(),
    }
}

/// What a Type II auditor asks for a control of this cadence.
fn expectation(cadence: Option<Cadence>, occurrences: Option<u32>) -> String {
    match (cadence, occurrences) {
        (None, _) => "frequency not understood: state how often the control runs".into(),
        (Some(Cadence::Continuous), _) => {
            "configuration and system evidence at points across the window, plus exceptions raised".into()
        }
        (Some(Cadence::AdHoc), _) => "a sample of the events in the window (hires, changes, incidents…)".into(),
        (Some(Cadence::SeveralDaily), _) => "a sample of the runs, spread across days in the window".into(),
        (Some(_), Some(0)) => {
            "may fall outside the window: schedule its next run inside the window, or lengthen the window".into()
        }
        (Some(_), Some(1)) => "the one occurrence in the window".into(),
        (Some(Cadence::Months(_)), Some(n)) => format!("all {n} occurrences in the window"),
        (Some(_), Some(n)) => format!("a sample of the {n} occurrences in the window"),
        (Some(_), None) => String::new(),
    }
}

fn type_two(out: &Output, criteria: &[Criterion], catalogs: &Catalogs, window: u32, has_frequency: bool) -> TypeTwo {
    let cw = out.crosswalk;
    let mut per_criterion: BTreeMap<crate::ids::ControlId, Vec<Sample>> = BTreeMap::new();
    let mut by_control: BTreeMap<(crate::ids::ControlId, String), Sample> = BTreeMap::new();
    if has_frequency {
        // Pairs (criterion, input row): for ISO input the criteria each reused control supports; for SOC 2 input
        // the criteria each control row names itself.
        let in_scope: BTreeMap<&str, &Criterion> =
            criteria.iter().filter(|c| c.in_scope).map(|c| (c.id.as_str(), c)).collect();
        let mut pairs: Vec<(String, String, &CrosswalkRow)> = Vec::new();
        if cw.to == Framework::Iso2022 {
            for r in cw.rows.iter().filter(|r| r.effect != Effect::Nothing) {
                // A matrix names its controls (`C-01`) in the title column, or by their criteria cell.
                let label = r
                    .row
                    .reference
                    .clone()
                    .or_else(|| r.row.title.clone())
                    .or_else(|| r.row.raw_id.clone())
                    .unwrap_or_else(|| ids_text(&r.row.ids));
                for id in &r.row.ids {
                    pairs.push((id.to_string(), label.clone(), r));
                }
            }
        } else {
            let rows: BTreeMap<usize, &CrosswalkRow> = cw.rows.iter().map(|r| (r.row.row, r)).collect();
            for c in in_scope.values() {
                // Supporting links are context: the auditor samples the controls the criterion rests on.
                for x in c.reuse.iter().filter(|x| x.role == LinkRole::Core) {
                    for n in &x.rows {
                        if let Some(r) = rows.get(n) {
                            pairs.push((c.id.clone(), x.label.clone(), r));
                        }
                    }
                }
            }
        }
        for (criterion, control, row) in pairs {
            let freq = row.row.frequency.clone().unwrap_or_default();
            let cadence = frequency::parse(&freq);
            let occurrences = cadence.and_then(|c| c.occurrences(window));
            let reading = match cadence {
                Some(_) => FrequencyReading::Understood,
                None if freq.trim().is_empty() => FrequencyReading::NotGiven,
                None => FrequencyReading::NotUnderstood,
            };
            let sample = Sample {
                id: control.clone(),
                title: if cw.to == Framework::Iso2022 {
                    row.row.text.clone().or_else(|| row.row.title.clone()).unwrap_or_default()
                } else {
                    row.row.title.clone().or_else(|| row.row.text.clone()).unwrap_or_default()
                },
                owner: row.row.owner.clone().unwrap_or_default(),
                evidence: row.row.evidence.clone().unwrap_or_default(),
                frequency: freq.clone(),
                cadence: match reading {
                    FrequencyReading::Understood => cadence.map(|c| c.label()).unwrap_or_default(),
                    FrequencyReading::NotGiven => "not given".to_string(),
                    FrequencyReading::NotUnderstood => "unknown".to_string(),
                },
                reading,
                occurrences,
                operates: occurrences != Some(0),
                in_window: match occurrences {
                    Some(0) => "may fall outside the window".to_string(),
                    Some(n) => format!("{n} in the window"),
                    None => String::new(),
                },
                expect: if reading == FrequencyReading::NotGiven {
                    "no frequency given: state how often the control runs".to_string()
                } else {
                    expectation(cadence, occurrences)
                },
                criteria: Vec::new(),
                rows: vec![row.row.row],
            };
            let key = crate::ids::ControlId::new(criterion.clone());
            if cw.to == Framework::Iso2022 || in_scope.contains_key(criterion.as_str()) {
                let list = per_criterion.entry(key).or_default();
                if !list.iter().any(|s| s.id == sample.id && s.rows == sample.rows) {
                    list.push(sample.clone());
                }
            }
            let key = (crate::ids::ControlId::new(control.clone()), sample.title.clone());
            let entry = by_control.entry(key).or_insert_with(|| sample.clone());
            if !entry.criteria.contains(&criterion) {
                entry.criteria.push(criterion);
            }
            if !entry.rows.contains(&row.row.row) {
                entry.rows.push(row.row.row);
            }
        }
    }
    let catalog_title = |id: &str| catalogs.find(id).map(|e| e.title.clone());
    let criteria_out = per_criterion
        .into_iter()
        .map(|(id, mut samples)| {
            samples.sort_by(|a, b| {
                crate::ids::natural_key(&a.id).cmp(&crate::ids::natural_key(&b.id)).then(a.rows.cmp(&b.rows))
            });
            SampleCriterion {
                title: catalog_title(id.as_str()).or_else(|| Some(samples.first()?.title.clone())).unwrap_or_default(),
                id: id.to_string(),
                samples,
            }
        })
        .collect();
    let mut all: Vec<Sample> = by_control.into_values().collect();
    for s in &mut all {
        s.criteria.sort_by_key(|c| crate::ids::natural_key(c));
        s.rows.sort_unstable();
    }
    TypeTwo {
        window_months: window,
        has_frequency,
        criteria: criteria_out,
        not_operating: all.iter().filter(|s| !s.operates).cloned().collect(),
        unknown: all.iter().filter(|s| s.reading == FrequencyReading::NotUnderstood).cloned().collect(),
        no_frequency: all.iter().filter(|s| s.reading == FrequencyReading::NotGiven).count(),
    }
}

fn ids_text(ids: &[crate::ids::ControlId]) -> String {
    ids.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
}

/// Whether the run found data problems of severity error.
pub fn has_errors(data: &ReportData) -> bool {
    data.issues.iter().any(|i| i.level == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosswalk::Scope;
    use crate::import::{Imported, ImportedRow, Status};
    use crate::report::RunInfo;

    fn row(n: usize, id: &str, applicable: bool, status: Status, frequency: &str) -> ImportedRow {
        ImportedRow {
            applicable: Some(applicable),
            status: Some(status),
            title: Some(format!("title of {id}")),
            owner: Some("Owner".into()),
            evidence: Some("Evidence".into()),
            frequency: Some(frequency.into()),
            ..ImportedRow::by_id(n, id)
        }
    }

    fn data() -> ReportData {
        let catalogs = Catalogs::builtin();
        let mapping = Mapping::builtin(&catalogs);
        let mut imported = Imported {
            file: "t.csv".into(),
            sha256: String::new(),
            sheet: None,
            header_row: 1,
            framework: Framework::Iso2022,
            columns: vec![],
            rows: vec![
                row(2, "A.8.6", true, Status::Implemented, "monthly"),
                row(3, "A.8.13", false, Status::NotApplicable, ""),
                row(4, "A.7.14", true, Status::Implemented, "annual"),
                row(5, "9.2.1", true, Status::Planned, "yearly"),
            ],
            skipped: vec![],
            issues: vec![],
        };
        let scope = Scope::default();
        let cw = crate::crosswalk::build(&mut imported, &mapping, &catalogs, &scope, Framework::Tsc2017);
        let run = RunInfo::new(&mapping.version, &scope);
        let out = Output::new(&run, &imported, &cw);
        ReportData::build(&out, &catalogs, &mapping, 6)
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(3, 61), 5);
    }

    #[test]
    fn clauses_are_labelled_apart_from_annex_a() {
        let d = data();
        let cc41 = d.criteria.iter().find(|c| c.id == "CC4.1").unwrap();
        // A planned clause counts for nothing: it would cover once implemented.
        assert!(cc41.reuse.is_empty());
        assert_eq!(cc41.not_counted[0].label, "clause 9.2.1");
        assert_eq!(cc41.not_counted[0].kind, "clause");
        assert_eq!(cc41.status, "gap");
        assert_eq!(cc41.would_cover, ["clause 9.2.1 (planned)"]);
        assert_eq!(cc41.reason, "gap: clause 9.2.1 planned; clauses 9.2.2 and 9.1 not in the input");
        let clause = d.clauses.iter().find(|c| c.id == "9.2.1").unwrap();
        assert_eq!(clause.status, "in progress");
        let risks: Vec<(&str, &str)> = d.risks.iter().map(|r| (r.id.as_str(), r.reason.as_str())).collect();
        assert_eq!(risks, [("A.8.13", "excluded"), ("9.2.1", "planned")]);
        // Only the implemented annual control is flagged, in words a reader can act on.
        let flagged: Vec<(&str, &str)> =
            d.type2.not_operating.iter().map(|s| (s.id.as_str(), s.in_window.as_str())).collect();
        assert_eq!(flagged, [("A.7.14", "may fall outside the window")]);
    }

    /// Every key of the context appears in templates/README.md as `key`.
    #[test]
    fn the_template_readme_lists_every_field() {
        fn keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        out.insert(k.clone());
                        keys(v, out);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let mut found = BTreeSet::new();
        let mut d = data();
        // Lists that are empty in this input get one element so their fields are seen too.
        d.remaining.no_counterpart.push(Ref { id: "A.5.32".into(), title: String::new(), category: String::new() });
        d.issues.push(IssueLine {
            severity: "info".into(),
            level: Severity::Info,
            at: "t.csv".into(),
            message: String::new(),
        });
        keys(&serde_json::to_value(&d).unwrap(), &mut found);
        let readme = include_str!("../../templates/README.md");
        let missing: Vec<&String> = found.iter().filter(|k| !readme.contains(&format!("| `{k}` |"))).collect();
        assert!(missing.is_empty(), "templates/README.md does not list {missing:?}");
    }

    const START: &str = "<!-- context:start -->\n";
    const END: &str = "<!-- context:end -->";

    /// Where each struct sits in the context, in the order the reference lists them.
    const PLACES: [(&str, &str); 16] = [
        ("ReportData", "(top level)"),
        ("ToolInfo", "tool"),
        ("Summary", "summary"),
        ("Category", "categories[]"),
        ("Criterion", "criteria[]"),
        ("Reuse", "criteria[].reuse[], criteria[].not_counted[]"),
        ("Gap", "gaps[], partial[]"),
        ("Risk", "risks[]"),
        ("Left", "risks[].leaves[]"),
        ("Clause", "clauses[], remaining.isms[]"),
        ("Remaining", "remaining"),
        ("Ref", "remaining.no_counterpart[], .uncovered[], .partial[]"),
        ("TypeTwo", "type2"),
        ("SampleCriterion", "type2.criteria[]"),
        ("Sample", "type2.criteria[].samples[], type2.not_operating[], type2.unknown[]"),
        ("IssueLine", "issues[]"),
    ];

    fn type_words(t: &str) -> String {
        if let Some(inner) = t.strip_prefix("Vec<").and_then(|x| x.strip_suffix('>')) {
            return format!("list of {}", type_words(inner));
        }
        if let Some(inner) = t.strip_prefix("Option<").and_then(|x| x.strip_suffix('>')) {
            return format!("{} or none", type_words(inner));
        }
        match t {
            "String" => "text".into(),
            "usize" | "u32" | "u8" => "number".into(),
            "bool" => "true/false".into(),
            "LinkRole" => "text".into(),
            other => other.into(),
        }
    }

    /// A field: name, type in words, doc.
    type Field = (String, String, String);
    /// A struct: name, doc, fields.
    type Documented = (String, String, Vec<Field>);

    /// The field reference, generated from the doc comments of this file's context structs.
    fn reference(source: &str) -> String {
        let mut structs: BTreeMap<String, (String, Vec<Field>)> = BTreeMap::new();
        let mut docs: Vec<String> = Vec::new();
        let mut current: Option<Documented> = None;
        // A field under `#[serde(skip)]` is not in the context.
        let mut skipped = false;
        for line in source.lines() {
            let t = line.trim();
            if t == "#[serde(skip)]" {
                skipped = true;
            } else if let Some(d) = t.strip_prefix("///") {
                docs.push(d.trim().to_string());
            } else if let Some(name) = t.strip_prefix("pub struct ").and_then(|x| x.strip_suffix(" {")) {
                current = Some((name.to_string(), docs.join(" "), Vec::new()));
                docs.clear();
            } else if let (Some((_, _, fields)), Some(field)) = (current.as_mut(), t.strip_prefix("pub ")) {
                if let Some((name, ty)) = field.trim_end_matches(',').split_once(": ") {
                    if !skipped {
                        fields.push((name.to_string(), type_words(ty), docs.join(" ")));
                    }
                }
                skipped = false;
                docs.clear();
            } else if t == "}" {
                if let Some((name, doc, fields)) = current.take() {
                    structs.insert(name, (doc, fields));
                }
                docs.clear();
            } else if !t.starts_with("#[") {
                docs.clear();
            }
        }
        let mut out = String::new();
        for (name, place) in PLACES {
            let (doc, fields) = &structs[name];
            out.push_str(&format!("### `{place}` ({name})\n\n{doc}\n\n| field | type | meaning |\n|---|---|---|\n"));
            for (field, ty, doc) in fields {
                assert!(!doc.is_empty(), "{name}.{field} has no doc comment");
                out.push_str(&format!("| `{field}` | {ty} | {} |\n", doc.replace('|', "\\|")));
            }
            out.push('\n');
        }
        out
    }

    /// templates/README.md lists the context between its markers as the doc comments above say it; rewrite it with
    /// `CROSSWALK_BLESS=1 cargo test the_template_readme`.
    #[test]
    fn the_template_readme_follows_the_doc_comments() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let start = readme.find(START).expect("start marker") + START.len();
        let end = readme.find(END).expect("end marker");
        let want = reference(include_str!("context.rs"));
        if readme[start..end] != want {
            if std::env::var_os("CROSSWALK_BLESS").is_some() {
                std::fs::write(path, format!("{}{want}{}", &readme[..start], &readme[end..])).unwrap();
            } else {
                panic!("templates/README.md is out of date: run CROSSWALK_BLESS=1 cargo test the_template_readme");
            }
        }
    }
}

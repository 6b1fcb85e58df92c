//! Rows + mapping -> [`Crosswalk`]: each row's target ids with relationship and strength, and the coverage of every
//! target element with the reason for its verdict. Pure: no I/O.
//!
//! Coverage model (`mappings/README.md`, `docs/coverage.md`): each criterion has a curated set of core ISO elements
//! that together meet its intent. All of them implemented cover it, unless the criterion asks for something ISO
//! 27001 never requires (its `limit`), which leaves it partial; some of them implemented or partly implemented give
//! partial; none gives a gap. Supporting links are context, never coverage. Planned, not implemented, excluded and
//! unknown controls count for nothing and are listed as "would cover once implemented". A file without a status
//! column is taken as implemented, and every output says so.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Catalogs, Limit};
use crate::ids::{ControlId, Framework};
use crate::import::{Imported, ImportedRow, Role as ColumnRole, Status};
use crate::mapping::{self, Mapping, Relationship};

mod judge;
mod scope;

use judge::coverage;
pub use scope::{Category, Scope};

/// One mapped target of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub id: ControlId,
    /// Read from the row's side: `subset` means the row's control is narrower than the target.
    pub relationship: Relationship,
    pub strength: u8,
    #[serde(skip)]
    pub role: mapping::Role,
    #[serde(skip)]
    pub via: ControlId,
    #[serde(skip)]
    pub rationale: std::sync::Arc<str>,
}

/// How a row contributes to coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Applicable and implemented (or no status column): counts in full.
    Full,
    /// Partly implemented: partial at most.
    Partial,
    /// Planned, not implemented, excluded, or a status the file leaves empty or unreadable.
    Nothing,
}

/// What the input says of a control, from its applicability and status cells. Ordered best first: of several rows
/// for one control, the best one decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Implemented,
    /// The file has no status column: taken as implemented, and the outputs say so.
    Assumed,
    Partly,
    Planned,
    NotImplemented,
    /// The file has a status column, but this row's cell is empty or not understood.
    Unknown,
    /// Not applicable in the SoA.
    Excluded,
}

impl State {
    /// How much a control in this state counts.
    pub fn effect(self) -> Effect {
        match self {
            State::Implemented | State::Assumed => Effect::Full,
            State::Partly => Effect::Partial,
            State::Planned | State::NotImplemented | State::Unknown | State::Excluded => Effect::Nothing,
        }
    }
}

/// Coverage state of one target element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageStatus {
    Covered,
    Partial,
    Gap,
    OutOfScope,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Covered => "covered",
            CoverageStatus::Partial => "partial",
            CoverageStatus::Gap => "gap",
            CoverageStatus::OutOfScope => "out-of-scope",
        }
    }
}

/// One source control's contribution to a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub id: ControlId,
    pub relationship: Relationship,
    pub strength: u8,
    /// Core (counts towards coverage) or supporting (context).
    pub role: mapping::Role,
    pub state: State,
    pub effect: Effect,
    /// Whether this contribution alone covers the target.
    pub full: bool,
    /// Input rows that carry this control.
    pub rows: Vec<usize>,
    pub rationale: std::sync::Arc<str>,
}

/// A core element of a target and its state in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    pub id: ControlId,
    pub state: State,
}

/// Why a target element got its status: the facts, turned into words only by the outputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Core elements that count (implemented, assumed implemented, partly implemented), strongest first.
    pub counted: Vec<Element>,
    /// Core elements the input has that count for nothing yet (planned, not implemented, excluded, unknown): they
    /// would cover once implemented.
    pub pending: Vec<Element>,
    /// Core elements the input does not have.
    pub missing: Vec<ControlId>,
    /// Supporting links the input implements: context, never coverage.
    pub context: Vec<ControlId>,
    /// What ISO 27001 never holds of the criterion, when that is what keeps it partial.
    pub limit: Option<Limit>,
    /// No element of the other framework holds a core part of this one.
    pub no_core: bool,
}

/// Coverage of one target element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub id: ControlId,
    pub status: CoverageStatus,
    /// Core source controls that count (implemented or partly), in id order.
    pub by: Vec<ControlId>,
    /// TSC category, Annex A theme or `isms`.
    pub category: String,
    pub title: String,
    pub verdict: Verdict,
    /// Every contribution, strongest first (including those that count for nothing).
    pub contributions: Vec<Contribution>,
}

/// A row with its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosswalkRow {
    #[serde(flatten)]
    pub row: ImportedRow,
    pub effect: Effect,
    #[serde(skip)]
    pub state: State,
    /// One per target element: the strongest link of the row's ids.
    pub targets: Vec<Target>,
    /// Every (target, source id) link of the row: a row naming `A.5.15, A.8.5` counts both towards CC6.1.
    #[serde(skip)]
    pub links: Vec<Target>,
}

/// The crosswalk of one input.
#[derive(Debug, Clone, Serialize)]
pub struct Crosswalk {
    pub from: Framework,
    pub to: Framework,
    /// False when the input has no status column: every applicable control was taken as implemented.
    pub status_given: bool,
    pub rows: Vec<CrosswalkRow>,
    pub coverage: Vec<Coverage>,
}

/// Counts of target elements by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub covered: usize,
    pub partial: usize,
    pub gap: usize,
    pub out_of_scope: usize,
}

impl Tally {
    pub fn of<'a>(coverage: impl IntoIterator<Item = &'a Coverage>) -> Tally {
        let mut t = Tally::default();
        for c in coverage {
            match c.status {
                CoverageStatus::Covered => t.covered += 1,
                CoverageStatus::Partial => t.partial += 1,
                CoverageStatus::Gap => t.gap += 1,
                CoverageStatus::OutOfScope => t.out_of_scope += 1,
            }
        }
        t
    }

    /// Elements counted: covered, partial and gap.
    pub fn in_scope(&self) -> usize {
        self.covered + self.partial + self.gap
    }

    /// `covered` as a whole percentage of `in_scope`, rounded half up; 0 when nothing is in scope.
    pub fn covered_pct(&self) -> u32 {
        percent(self.covered, self.in_scope())
    }

    /// Covered / in scope × 100 to one decimal, as `--summary`, `--fail-under` and the JSON totals give it; `None`
    /// when nothing is in scope.
    pub fn covered_pct_precise(&self) -> Option<f64> {
        let in_scope = self.in_scope();
        (in_scope > 0).then(|| (self.covered as f64 * 1000.0 / in_scope as f64).round() / 10.0)
    }
}

/// Whole percentage, rounded half up; 0 of 0 is 0.
pub fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    ((part * 200 + whole) / (whole * 2)) as u32
}

impl Crosswalk {
    /// The counts every output shows: the in-scope target elements.
    pub fn tally(&self) -> Tally {
        Tally::of(&self.coverage)
    }
}

/// What the input says of a row's control. `status_given`: whether the file has a status column.
pub fn state(row: &ImportedRow, status_given: bool) -> State {
    if row.applicable == Some(false) {
        return State::Excluded;
    }
    match row.status {
        Some(Status::NotApplicable) => State::Excluded,
        Some(Status::NotImplemented) => State::NotImplemented,
        Some(Status::Planned) => State::Planned,
        Some(Status::Partial) => State::Partly,
        Some(Status::Implemented) => State::Implemented,
        None if status_given => State::Unknown,
        None => State::Assumed,
    }
}

/// How a row counts towards coverage.
pub fn effect(row: &ImportedRow, status_given: bool) -> Effect {
    state(row, status_given).effect()
}

/// Builds the crosswalk. ISO (2022, 2013 carried over, custom matched to ISO) maps to TSC; TSC maps to ISO.
/// The rows of `imported` move into the crosswalk (they are large; nothing is copied): read them there afterwards.
pub fn build(
    imported: &mut Imported,
    mapping: &Mapping,
    catalogs: &Catalogs,
    scope: &Scope,
    to: Framework,
) -> Crosswalk {
    let to_iso = to == Framework::Iso2022;
    let status_given = imported.columns.iter().any(|c| c.role == ColumnRole::Status)
        || imported.rows.iter().any(|r| r.status.is_some() || r.status_text.is_some());
    let rows: Vec<CrosswalkRow> = std::mem::take(&mut imported.rows)
        .into_iter()
        .map(|row| {
            // A row reaches a handful of targets: a short list beats an ordered map keyed by natural-order ids.
            let mut targets: Vec<Target> = Vec::new();
            let mut links: Vec<Target> = Vec::new();
            for id in &row.ids {
                let is_tsc = catalogs.tsc.contains(id.as_str());
                let pairs = if is_tsc { mapping.to_target(id) } else { mapping.from_source(id) };
                for p in pairs {
                    if p.relationship == Relationship::None {
                        continue;
                    }
                    let (other, rel) = if is_tsc {
                        (p.source.clone(), p.relationship.inverse())
                    } else {
                        (p.target.clone(), p.relationship)
                    };
                    let Some(other) = other else { continue };
                    // Only targets of the requested framework (TSC rows mapped to ISO, ISO rows to TSC).
                    if catalogs.tsc.contains(other.as_str()) == to_iso {
                        continue;
                    }
                    let t = Target {
                        id: other,
                        relationship: rel,
                        strength: p.strength,
                        role: p.role,
                        via: id.clone(),
                        rationale: p.rationale.clone(),
                    };
                    match links.iter_mut().find(|x| x.id == t.id && x.via == t.via) {
                        Some(existing) if existing.strength >= t.strength => {}
                        Some(existing) => *existing = t.clone(),
                        None => links.push(t.clone()),
                    }
                    match targets.iter_mut().find(|x| x.id == t.id) {
                        Some(existing) if existing.strength >= t.strength => {}
                        Some(existing) => *existing = t,
                        None => targets.push(t),
                    }
                }
            }
            targets.sort_by(|a, b| b.strength.cmp(&a.strength).then_with(|| a.id.cmp(&b.id)));
            let state = state(&row, status_given);
            CrosswalkRow { effect: state.effect(), state, row, targets, links }
        })
        .collect();
    let coverage = coverage(&rows, mapping, catalogs, scope, to);
    Crosswalk { from: imported.framework, to, status_given, rows, coverage }
}

/// Counts per category: (category, covered, partial, gap, out of scope).
pub fn counts_by_category(coverage: &[Coverage]) -> Vec<(String, [usize; 4])> {
    let mut out: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for c in coverage {
        let slot = out.entry(c.category.clone()).or_default();
        let i = match c.status {
            CoverageStatus::Covered => 0,
            CoverageStatus::Partial => 1,
            CoverageStatus::Gap => 2,
            CoverageStatus::OutOfScope => 3,
        };
        slot[i] += 1;
    }
    // TSC categories in TSC order, then the others (Annex A themes, clauses) by name.
    let order = |k: &str| Category::from_key(k).map_or(Category::ALL.len(), |c| c as usize);
    let mut v: Vec<(String, [usize; 4])> = out.into_iter().collect();
    v.sort_by_key(|(k, _)| (order(k), k.clone()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, id: &str, applicable: Option<bool>, status: Option<Status>) -> ImportedRow {
        ImportedRow { applicable, status, ..ImportedRow::by_id(n, id) }
    }

    fn imported(rows: Vec<ImportedRow>) -> Imported {
        Imported::of_rows("t.csv", Framework::Iso2022, rows)
    }

    fn status_of<'a>(cw: &'a Crosswalk, id: &str) -> &'a Coverage {
        cw.coverage.iter().find(|c| c.id.as_str() == id).unwrap()
    }

    /// Every Annex A control and every assessable clause, each on its own row in `status`.
    fn programme(status: Status) -> Imported {
        let c = Catalogs::builtin();
        let ids: Vec<ControlId> = c.annex_controls().chain(c.assessable_clauses()).map(|e| e.id.clone()).collect();
        let rows = ids.iter().enumerate().map(|(i, id)| row(i + 2, id.as_str(), Some(true), Some(status))).collect();
        imported(rows)
    }

    fn ids_with(cw: &Crosswalk, category: &str, status: CoverageStatus) -> Vec<String> {
        cw.coverage.iter().filter(|c| c.category == category && c.status == status).map(|c| c.id.to_string()).collect()
    }

    /// The expected table of a complete ISO 27001 programme, all implemented, every category in scope:
    ///
    /// | category | criteria | covered | partial | gap | what keeps the partial ones partial |
    /// |---|---|---|---|---|---|
    /// | security | 33 | 27 | 6 | 0 | a board (CC1.2, CC1.3, CC4.2), report data (CC2.1), external commitments (CC2.3), fraud risk (CC3.3) |
    /// | availability | 3 | 3 | 0 | 0 | |
    /// | confidentiality | 2 | 2 | 0 | 0 | |
    /// | processing integrity | 5 | 0 | 5 | 0 | processing specifications and accuracy checks |
    /// | privacy | 18 | 0 | 5 | 13 | privacy practices; A.5.34 alone is context |
    #[test]
    fn a_complete_programme_covers_all_but_what_iso_never_asks() {
        use Limit::*;
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let cw = build(&mut programme(Status::Implemented), &m, &c, &Scope::all(), Framework::Tsc2017);
        let partial = ids_with(&cw, "security", CoverageStatus::Partial);
        assert_eq!(partial, ["CC1.2", "CC1.3", "CC2.1", "CC2.3", "CC3.3", "CC4.2"]);
        let limits: Vec<Option<Limit>> =
            cw.coverage.iter().filter(|x| partial.contains(&x.id.to_string())).map(|x| x.verdict.limit).collect();
        assert_eq!(
            limits,
            [Some(Board), Some(Board), Some(ReportData), Some(ExternalCommitments), Some(FraudRisk), Some(Board)]
        );
        assert_eq!(ids_with(&cw, "security", CoverageStatus::Covered).len(), 27);
        assert_eq!(ids_with(&cw, "security", CoverageStatus::Gap), Vec::<String>::new());
        assert_eq!(ids_with(&cw, "availability", CoverageStatus::Covered), ["A1.1", "A1.2", "A1.3"]);
        assert_eq!(ids_with(&cw, "confidentiality", CoverageStatus::Covered), ["C1.1", "C1.2"]);
        assert_eq!(ids_with(&cw, "processing-integrity", CoverageStatus::Partial).len(), 5);
        assert_eq!(ids_with(&cw, "privacy", CoverageStatus::Partial), ["P4.2", "P4.3", "P6.4", "P6.5", "P6.6"]);
        assert_eq!(ids_with(&cw, "privacy", CoverageStatus::Gap).len(), 13);
        let cc61 = status_of(&cw, "CC6.1");
        assert_eq!(cc61.by.len(), 7, "{:?}", cc61.by);
        assert!(cc61.verdict.pending.is_empty() && cc61.verdict.missing.is_empty());
    }

    #[test]
    fn a_planned_programme_covers_nothing() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let cw = build(&mut programme(Status::Planned), &m, &c, &Scope::all(), Framework::Tsc2017);
        assert_eq!(cw.tally(), Tally { covered: 0, partial: 0, gap: 61, out_of_scope: 0 });
        let cc61 = status_of(&cw, "CC6.1");
        assert_eq!(cc61.verdict.pending.len(), 7);
        assert!(cc61.verdict.pending.iter().all(|e| e.state == State::Planned));
    }

    #[test]
    fn the_core_set_decides() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let core = ["A.5.9", "A.5.15", "A.5.17", "A.8.2", "A.8.3", "A.8.5", "A.8.24"];
        let rows = |planned: &str| -> Imported {
            imported(
                core.iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let s = if *id == planned { Status::Planned } else { Status::Implemented };
                        row(i + 2, id, Some(true), Some(s))
                    })
                    .collect(),
            )
        };
        let cw = build(&mut rows("none"), &m, &c, &Scope::default(), Framework::Tsc2017);
        assert_eq!(status_of(&cw, "CC6.1").status, CoverageStatus::Covered);
        let cw = build(&mut rows("A.8.2"), &m, &c, &Scope::default(), Framework::Tsc2017);
        let cc61 = status_of(&cw, "CC6.1");
        assert_eq!(cc61.status, CoverageStatus::Partial);
        assert_eq!(cc61.verdict.pending, [Element { id: ControlId::new("A.8.2"), state: State::Planned }]);
        // One row naming several controls counts each of them.
        let mut one_row = row(2, "A.5.9", Some(true), Some(Status::Implemented));
        one_row.ids = core.iter().map(|id| ControlId::new(*id)).collect();
        let cw = build(&mut imported(vec![one_row]), &m, &c, &Scope::default(), Framework::Tsc2017);
        assert_eq!(status_of(&cw, "CC6.1").status, CoverageStatus::Covered);
        // A supporting link alone is context, never coverage.
        let cw = build(
            &mut imported(vec![row(2, "A.7.7", Some(true), None)]),
            &m,
            &c,
            &Scope::default(),
            Framework::Tsc2017,
        );
        let cc61 = status_of(&cw, "CC6.1");
        assert_eq!((cc61.status, cc61.verdict.context.clone()), (CoverageStatus::Gap, vec![ControlId::new("A.7.7")]));
    }

    #[test]
    fn excluded_and_planned_controls() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let all = Scope::all();
        let cw = build(&mut imported(vec![row(2, "A.5.15", Some(true), None)]), &m, &c, &all, Framework::Tsc2017);
        assert_eq!(cw.coverage.len(), 61);
        assert!(!cw.status_given);
        let cc61 = status_of(&cw, "CC6.1");
        assert_eq!(cc61.status, CoverageStatus::Partial);
        assert_eq!(cc61.by, [ControlId::new("A.5.15")]);
        assert_eq!(cc61.verdict.counted, [Element { id: ControlId::new("A.5.15"), state: State::Assumed }]);
        let cw = build(&mut imported(vec![row(2, "A.5.15", Some(false), None)]), &m, &c, &all, Framework::Tsc2017);
        assert_eq!(status_of(&cw, "CC6.1").status, CoverageStatus::Gap);
        assert_eq!(status_of(&cw, "CC6.1").verdict.pending[0].state, State::Excluded);
        for (status, want) in [
            (Status::Planned, CoverageStatus::Gap),
            (Status::NotImplemented, CoverageStatus::Gap),
            (Status::Partial, CoverageStatus::Partial),
        ] {
            let cw = build(
                &mut imported(vec![row(2, "A.5.15", Some(true), Some(status))]),
                &m,
                &c,
                &all,
                Framework::Tsc2017,
            );
            assert!(cw.status_given);
            assert_eq!(status_of(&cw, "CC6.1").status, want, "{status:?}");
        }
    }

    #[test]
    fn scope_marks_out_of_scope() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        assert_eq!(Scope::default().categories(), ["security"]);
        assert_eq!(Scope::parse("all").unwrap(), Scope::all());
        let scope = Scope::parse("availability").unwrap();
        let cw = build(&mut imported(vec![]), &m, &c, &scope, Framework::Tsc2017);
        assert_eq!(status_of(&cw, "P1.1").status, CoverageStatus::OutOfScope);
        assert_eq!(status_of(&cw, "A1.2").status, CoverageStatus::Gap);
        assert_eq!(
            Scope::parse("security,privcy").unwrap_err(),
            "unknown scope `privcy`: expected security, availability, confidentiality, processing-integrity, privacy or all"
        );
    }
}

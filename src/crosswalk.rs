//! Rows + mapping -> [`Crosswalk`]: each row's target ids with relationship and strength, and the coverage of every
//! target element. Pure: no I/O.
//!
//! Coverage rule (docs/coverage.md): an applicable, implemented source control covers a target fully through a relationship
//! that contains the target (`equal`/`superset` read from the source's side), partially otherwise. A planned or
//! partially implemented control counts as partial; an excluded or not implemented one counts for nothing. Several
//! partial sources are reported, never promoted to covered.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::catalog::{Catalogs, EntryKind};
use crate::ids::{ControlId, Framework};
use crate::import::{Imported, ImportedRow, Status};
use crate::mapping::{Mapping, Relationship};

/// TSC categories a SOC 2 examination can include; security is always in.
pub const CATEGORIES: [&str; 5] = ["security", "availability", "confidentiality", "processing-integrity", "privacy"];

/// Which TSC categories are in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(pub BTreeSet<String>);

impl Default for Scope {
    /// All five categories.
    fn default() -> Scope {
        Scope(CATEGORIES.iter().map(|c| c.to_string()).collect())
    }
}

impl Scope {
    /// Parses `security,availability`; security is added when missing. `Err` names the unknown category.
    pub fn parse(list: &str) -> Result<Scope, String> {
        let mut set = BTreeSet::from(["security".to_string()]);
        for part in list.split(',').map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()) {
            let part = if part == "pi" { "processing-integrity".to_string() } else { part };
            if !CATEGORIES.contains(&part.as_str()) {
                return Err(format!("unknown scope `{part}`: expected {}", CATEGORIES.join(", ")));
            }
            set.insert(part);
        }
        Ok(Scope(set))
    }

    pub fn contains(&self, category: &str) -> bool {
        self.0.contains(category)
    }
}

/// One mapped target of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub id: ControlId,
    /// Read from the row's side: `subset` means the row's control is narrower than the target.
    pub relationship: Relationship,
    pub strength: u8,
    #[serde(skip)]
    pub via: ControlId,
    #[serde(skip)]
    pub rationale: std::sync::Arc<str>,
}

/// How a row contributes to coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Applicable and implemented (or no status column): covers through containing relationships.
    Full,
    /// Planned or partly implemented: partial at most.
    Partial,
    /// Excluded or not implemented.
    Nothing,
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
    pub effect: Effect,
    /// Whether this contribution alone covers the target.
    pub full: bool,
    /// Input rows that carry this control.
    pub rows: Vec<usize>,
    pub rationale: std::sync::Arc<str>,
}

/// Coverage of one target element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub id: ControlId,
    pub status: CoverageStatus,
    /// Source controls that contribute (fully or partly), in id order.
    pub by: Vec<ControlId>,
    /// TSC category, Annex A theme or `isms`.
    pub category: String,
    pub title: String,
    /// Every contribution, strongest first (including excluded controls, with effect `nothing`).
    pub contributions: Vec<Contribution>,
}

/// A row with its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosswalkRow {
    #[serde(flatten)]
    pub row: ImportedRow,
    pub effect: Effect,
    pub targets: Vec<Target>,
}

/// The crosswalk of one input.
#[derive(Debug, Clone, Serialize)]
pub struct Crosswalk {
    pub from: Framework,
    pub to: Framework,
    pub rows: Vec<CrosswalkRow>,
    pub coverage: Vec<Coverage>,
}

/// How a row counts towards coverage.
pub fn effect(row: &ImportedRow) -> Effect {
    if row.applicable == Some(false) {
        return Effect::Nothing;
    }
    match row.status {
        Some(Status::NotImplemented | Status::NotApplicable) => Effect::Nothing,
        Some(Status::Partial | Status::Planned) => Effect::Partial,
        Some(Status::Implemented) | None => Effect::Full,
    }
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
    let rows: Vec<CrosswalkRow> = std::mem::take(&mut imported.rows)
        .into_iter()
        .map(|row| {
            // A row reaches a handful of targets: a short list beats an ordered map keyed by natural-order ids.
            let mut targets: Vec<Target> = Vec::new();
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
                        via: id.clone(),
                        rationale: p.rationale.clone(),
                    };
                    match targets.iter_mut().find(|x| x.id == t.id) {
                        Some(existing) if existing.strength >= t.strength => {}
                        Some(existing) => *existing = t,
                        None => targets.push(t),
                    }
                }
            }
            targets.sort_by(|a, b| b.strength.cmp(&a.strength).then_with(|| a.id.cmp(&b.id)));
            CrosswalkRow { effect: effect(&row), row, targets }
        })
        .collect();
    let coverage = coverage(&rows, catalogs, scope, to);
    Crosswalk { from: imported.framework, to, rows, coverage }
}

fn coverage(rows: &[CrosswalkRow], catalogs: &Catalogs, scope: &Scope, to: Framework) -> Vec<Coverage> {
    let elements: Vec<&crate::catalog::Entry> = if to == Framework::Iso2022 {
        catalogs.annex_controls().chain(catalogs.assessable_clauses()).collect()
    } else {
        catalogs.tsc.entries.iter().collect()
    };
    // target -> source id -> contribution
    // Hashed, not ordered: each target's contributions are sorted below, by strength and then id.
    let mut found: HashMap<ControlId, HashMap<ControlId, Contribution>> = HashMap::new();
    for row in rows {
        for t in &row.targets {
            let slot = found.entry(t.id.clone()).or_default();
            let full = row.effect == Effect::Full && t.relationship.covers_fully();
            let c = slot.entry(t.via.clone()).or_insert_with(|| Contribution {
                id: t.via.clone(),
                relationship: t.relationship,
                strength: t.strength,
                effect: row.effect,
                full,
                rows: Vec::new(),
                rationale: t.rationale.clone(),
            });
            // The best row for this control decides (an implemented duplicate beats a planned one).
            if row.effect < c.effect {
                c.effect = row.effect;
                c.full = full;
            }
            c.rows.push(row.row.row);
        }
    }
    elements
        .into_iter()
        .map(|e| {
            let mut contributions: Vec<Contribution> =
                found.remove(&e.id).map(|m| m.into_values().collect()).unwrap_or_default();
            contributions.sort_by(|a, b| b.strength.cmp(&a.strength).then_with(|| a.id.cmp(&b.id)));
            let counting: Vec<&Contribution> = contributions.iter().filter(|c| c.effect != Effect::Nothing).collect();
            let in_scope = e.kind != EntryKind::Criterion || scope.contains(&e.group);
            let status = if !in_scope {
                CoverageStatus::OutOfScope
            } else if counting.iter().any(|c| c.full) {
                CoverageStatus::Covered
            } else if !counting.is_empty() {
                CoverageStatus::Partial
            } else {
                CoverageStatus::Gap
            };
            let by: BTreeSet<ControlId> = counting.iter().map(|c| c.id.clone()).collect();
            Coverage {
                id: e.id.clone(),
                status,
                by: by.into_iter().collect(),
                category: e.group.clone(),
                title: e.title.clone(),
                contributions,
            }
        })
        .collect()
}

/// Counts per category: (category, covered, partial, gap, out of scope).
pub fn counts_by_category(coverage: &[Coverage]) -> Vec<(String, [usize; 4])> {
    let mut out: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for c in coverage {
        let slot = out.entry(c.category.clone()).or_default();
        slot[c.status as usize] += 1;
    }
    let order = |k: &str| CATEGORIES.iter().position(|c| *c == k).unwrap_or(CATEGORIES.len());
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
        Imported {
            file: "t.csv".into(),
            sha256: String::new(),
            sheet: None,
            header_row: 1,
            framework: Framework::Iso2022,
            columns: vec![],
            rows,
            issues: vec![],
        }
    }

    fn status_of<'a>(cw: &'a Crosswalk, id: &str) -> &'a Coverage {
        cw.coverage.iter().find(|c| c.id.as_str() == id).unwrap()
    }

    #[test]
    fn excluded_and_planned_controls() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let all = Scope::default();
        let cw = build(&mut imported(vec![row(2, "A.5.15", Some(true), None)]), &m, &c, &all, Framework::Tsc2017);
        assert_eq!(cw.coverage.len(), 61);
        let cc61 = status_of(&cw, "CC6.1");
        assert_ne!(cc61.status, CoverageStatus::Gap);
        assert_eq!(cc61.by, [ControlId::new("A.5.15")]);
        let cw = build(&mut imported(vec![row(2, "A.5.15", Some(false), None)]), &m, &c, &all, Framework::Tsc2017);
        assert_eq!(status_of(&cw, "CC6.1").status, CoverageStatus::Gap);
        let cw = build(
            &mut imported(vec![row(2, "A.5.15", Some(true), Some(Status::Planned))]),
            &m,
            &c,
            &all,
            Framework::Tsc2017,
        );
        assert_eq!(status_of(&cw, "CC6.1").status, CoverageStatus::Partial);
    }

    #[test]
    fn scope_marks_out_of_scope() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let scope = Scope::parse("availability").unwrap();
        let cw = build(&mut imported(vec![]), &m, &c, &scope, Framework::Tsc2017);
        assert_eq!(status_of(&cw, "P1.1").status, CoverageStatus::OutOfScope);
        assert_eq!(status_of(&cw, "A1.2").status, CoverageStatus::Gap);
        assert_eq!(
            Scope::parse("security,privcy").unwrap_err(),
            "unknown scope `privcy`: expected security, availability, confidentiality, processing-integrity, privacy"
        );
    }
}

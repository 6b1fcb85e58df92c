//! The verdict on every target element: covered, partial, gap or out of scope, with the contributions and the
//! reason (the coverage model of `docs/coverage.md`).

use std::collections::{BTreeSet, HashMap};

use super::{Contribution, Coverage, CoverageStatus, CrosswalkRow, Effect, Element, Scope, Verdict};
use crate::catalog::{Catalogs, EntryKind, Limit};
use crate::ids::{ControlId, Framework};
use crate::mapping::{self, Mapping, Relationship};

pub(super) fn coverage(
    rows: &[CrosswalkRow],
    mapping: &Mapping,
    catalogs: &Catalogs,
    scope: &Scope,
    to: Framework,
) -> Vec<Coverage> {
    let to_iso = to == Framework::Iso2022;
    let elements: Vec<&crate::catalog::Entry> = if to_iso {
        catalogs.annex_controls().chain(catalogs.assessable_clauses()).collect()
    } else {
        catalogs.tsc.entries.iter().collect()
    };
    // target -> source id -> contribution
    // Hashed, not ordered: each target's contributions are sorted below, by strength and then id.
    let mut found: HashMap<ControlId, HashMap<ControlId, Contribution>> = HashMap::new();
    for row in rows {
        for t in &row.links {
            let slot = found.entry(t.id.clone()).or_default();
            let c = slot.entry(t.via.clone()).or_insert_with(|| Contribution {
                id: t.via.clone(),
                relationship: t.relationship,
                strength: t.strength,
                role: t.role,
                state: row.state,
                effect: row.effect,
                full: false,
                rows: Vec::new(),
                rationale: t.rationale.clone(),
            });
            // The best row for this control decides (an implemented duplicate beats a planned one).
            if row.state < c.state {
                c.state = row.state;
                c.effect = row.effect;
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
            let in_scope = e.kind != EntryKind::Criterion || scope.contains(&e.group);
            let (status, verdict) = if to_iso {
                judge_iso(&e.id, &mut contributions, mapping)
            } else {
                judge_criterion(&e.id, e.limit, &mut contributions, mapping)
            };
            let status = if in_scope { status } else { CoverageStatus::OutOfScope };
            let by: BTreeSet<ControlId> = verdict.counted.iter().map(|c| c.id.clone()).collect();
            Coverage {
                id: e.id.clone(),
                status,
                by: by.into_iter().collect(),
                category: e.group.clone(),
                title: e.title.clone(),
                verdict,
                contributions,
            }
        })
        .collect()
}

/// A criterion against its core set: all core elements in full cover it (unless a limit keeps it partial), some
/// give partial, none a gap.
fn judge_criterion(
    id: &ControlId,
    limit: Option<Limit>,
    contributions: &mut [Contribution],
    mapping: &Mapping,
) -> (CoverageStatus, Verdict) {
    let mut core = mapping.core_of(id);
    // An element said to contain the criterion (`equal`/`superset`, e.g. from an overlay) holds it alone: any one
    // such element in full covers it, whatever the rest of the core set and the limit.
    let containing: Vec<&mapping::Pair> = core.iter().copied().filter(|p| p.relationship.covers_fully()).collect();
    let any_one = !containing.is_empty();
    if any_one {
        core = containing;
    }
    let limit = if any_one { None } else { limit };
    let mut verdict = Verdict { no_core: core.is_empty(), ..Verdict::default() };
    for pair in &core {
        let Some(source) = &pair.source else { continue };
        match contributions.iter().find(|c| &c.id == source) {
            Some(c) if c.effect != Effect::Nothing => {
                verdict.counted.push(Element { id: c.id.clone(), state: c.state });
            }
            Some(c) => verdict.pending.push(Element { id: c.id.clone(), state: c.state }),
            None => verdict.missing.push(source.clone()),
        }
    }
    verdict.context = contributions
        .iter()
        .filter(|c| c.role == mapping::Role::Supporting && c.effect != Effect::Nothing)
        .map(|c| c.id.clone())
        .collect();
    let all_in_full = if any_one {
        verdict.counted.iter().any(|c| c.state.effect() == Effect::Full)
    } else {
        !core.is_empty()
            && verdict.pending.is_empty()
            && verdict.missing.is_empty()
            && verdict.counted.iter().all(|c| c.state.effect() == Effect::Full)
    };
    let status = if all_in_full && limit.is_none() {
        CoverageStatus::Covered
    } else if !verdict.counted.is_empty() {
        CoverageStatus::Partial
    } else {
        CoverageStatus::Gap
    };
    if status == CoverageStatus::Partial && all_in_full {
        verdict.limit = limit;
    }
    if status == CoverageStatus::Covered && (core.len() == 1 || any_one) {
        for c in contributions.iter_mut() {
            c.full = c.effect == Effect::Full && core.iter().any(|p| p.source.as_ref() == Some(&c.id));
        }
    }
    (status, verdict)
}

/// An ISO element against the SOC 2 criteria of the input: covered through an implemented criterion that contains
/// it, partial through any other core link that counts, else a gap.
fn judge_iso(id: &ControlId, contributions: &mut [Contribution], mapping: &Mapping) -> (CoverageStatus, Verdict) {
    let no_core = !mapping
        .from_source(id)
        .iter()
        .any(|p| p.role == mapping::Role::Core && p.relationship != Relationship::None && p.target.is_some());
    let mut verdict = Verdict { no_core, ..Verdict::default() };
    for c in contributions.iter_mut() {
        c.full = c.role == mapping::Role::Core && c.effect == Effect::Full && c.relationship.covers_fully();
        let element = Element { id: c.id.clone(), state: c.state };
        match (c.role, c.effect) {
            (mapping::Role::Supporting, Effect::Nothing) => {}
            (mapping::Role::Supporting, _) => verdict.context.push(c.id.clone()),
            (mapping::Role::Core, Effect::Nothing) => verdict.pending.push(element),
            (mapping::Role::Core, _) => verdict.counted.push(element),
        }
    }
    let status = if contributions.iter().any(|c| c.full) {
        CoverageStatus::Covered
    } else if !verdict.counted.is_empty() {
        CoverageStatus::Partial
    } else {
        CoverageStatus::Gap
    };
    (status, verdict)
}

//! Whether the mapping is complete (every Annex A control and criterion has a row) and agrees with the catalogs
//! (containing pairs, core sets, limits and `beyond_iso` texts): the checks of `mapping validate`.

use std::collections::BTreeSet;

use super::{iso_ids_in, Mapping, Pair, Relationship, Role};
use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::issue::{Issue, Location};

impl Mapping {
    /// Completeness problems: an Annex A control or a criterion without any row.
    pub fn check_complete(&self, catalogs: &Catalogs, file: &str) -> Vec<Issue> {
        let mut problems = Vec::new();
        for e in catalogs.annex_controls() {
            if !self.by_source.contains_key(&e.id) {
                problems.push(Issue::error(
                    Location::file(file),
                    format!("Annex A control `{}` has no row: map it or add a `none` row saying why", e.id),
                ));
            }
        }
        for e in &catalogs.tsc.entries {
            if !self.by_target.contains_key(&e.id) {
                problems.push(Issue::error(
                    Location::file(file),
                    format!("criterion `{}` has no row: map it or add a `none` row saying why", e.id),
                ));
            }
        }
        problems
    }

    /// The core ISO elements of a criterion, strongest first: all of them implemented meet its intent.
    pub fn core_of(&self, criterion: &ControlId) -> Vec<&Pair> {
        self.to_target(criterion)
            .into_iter()
            .filter(|p| p.role == Role::Core && p.relationship != Relationship::None && p.source.is_some())
            .collect()
    }

    /// Whether the data agree with themselves: a containing (`equal`/`superset`) pair is its criterion's only core
    /// element, leaves no `limit`, and the criterion's `beyond_iso` text names no other ISO element; every ISO id a
    /// `beyond_iso` text names is linked to that criterion; a criterion without a core element states a `limit`.
    pub fn check_consistency(&self, catalogs: &Catalogs, file: &str) -> (Vec<Issue>, Consistency) {
        let mut problems = Vec::new();
        let mut stats = Consistency::default();
        let at = || Location::file(file);
        for criterion in &catalogs.tsc.entries {
            let pairs = self.to_target(&criterion.id);
            let linked: BTreeSet<&ControlId> = pairs
                .iter()
                .filter(|p| p.relationship != Relationship::None)
                .filter_map(|p| p.source.as_ref())
                .collect();
            let named = iso_ids_in(&criterion.beyond_iso, catalogs);
            for id in named.iter().filter(|id| !linked.contains(id)) {
                problems.push(Issue::error(
                    at(),
                    format!(
                        "the `beyond_iso` text of `{}` names `{id}`, which the mapping does not link to `{}`",
                        criterion.id, criterion.id
                    ),
                ));
            }
            let core = self.core_of(&criterion.id);
            if core.is_empty() {
                stats.without_core += 1;
                if criterion.limit.is_none() {
                    problems.push(Issue::error(
                        at(),
                        format!("criterion `{}` has no core ISO element and no `limit` saying why", criterion.id),
                    ));
                }
            } else {
                stats.with_core += 1;
                stats.core_links += core.len();
            }
            if criterion.limit.is_some() {
                stats.limited += 1;
            }
            for p in pairs.iter().filter(|p| p.relationship.covers_fully()) {
                let Some(source) = &p.source else { continue };
                stats.containing += 1;
                if let Some(limit) = criterion.limit {
                    problems.push(Issue::error(
                        p.at.clone(),
                        format!(
                            "`{source}` is said to contain `{}`, but the criterion's limit `{}` says ISO does not hold all of it",
                            criterion.id,
                            limit_key(limit)
                        ),
                    ));
                }
                for other in core.iter().filter_map(|c| c.source.as_ref()).filter(|c| *c != source) {
                    problems.push(Issue::error(
                        p.at.clone(),
                        format!(
                            "`{source}` is said to contain `{}`, so it is the only core element, but `{other}` is core too",
                            criterion.id
                        ),
                    ));
                }
                for other in named.iter().filter(|n| *n != source) {
                    problems.push(Issue::error(
                        p.at.clone(),
                        format!(
                            "`{source}` is said to contain `{}`, but its `beyond_iso` text names `{other}` as well",
                            criterion.id
                        ),
                    ));
                }
            }
        }
        (problems, stats)
    }
}

/// Figures of the consistency check, for `mapping validate`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Consistency {
    /// `equal`/`superset` pairs checked against their criterion.
    pub containing: usize,
    /// Criteria with at least one core element, and the core links they have.
    pub with_core: usize,
    pub core_links: usize,
    /// Criteria with no core element (each states a limit).
    pub without_core: usize,
    /// Criteria with a `limit`.
    pub limited: usize,
}

fn limit_key(limit: crate::catalog::Limit) -> String {
    match serde_json::to_value(limit) {
        Ok(serde_json::Value::String(key)) => key,
        _ => unreachable!("a limit serialises as its key"),
    }
}

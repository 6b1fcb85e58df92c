//! The target elements with what supports them, the gaps, the counts per category and the facts about the input.

use std::collections::{BTreeMap, HashMap};

use super::reuse::{effect_word, reuse};
use super::{category_label, framework_label, Category, Criterion, Gap, Reuse, Summary};
use crate::catalog::{Catalogs, EntryKind};
use crate::crosswalk::{counts_by_category, percent, Contribution, CoverageStatus, CrosswalkRow, Effect, State};
use crate::ids::ControlId;
use crate::import::Review;
use crate::mapping::{Mapping, Relationship, Role as LinkRole};
use crate::report::words;
use crate::report::Output;

/// How ISO elements are grouped in the counts: the four Annex A themes, then the ISMS clauses apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Theme {
    Organizational,
    People,
    Physical,
    Technological,
    Isms,
}

impl Theme {
    pub const ALL: [Theme; 5] =
        [Theme::Organizational, Theme::People, Theme::Physical, Theme::Technological, Theme::Isms];

    /// The category key the catalogs give ISO elements.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Organizational => "organizational",
            Theme::People => "people",
            Theme::Physical => "physical",
            Theme::Technological => "technological",
            Theme::Isms => "isms",
        }
    }

    /// The theme of a category key; none for TSC categories.
    pub fn from_key(key: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.key() == key)
    }

    /// Readable name.
    pub fn label(self) -> &'static str {
        match self {
            Theme::Organizational => "Organizational controls (A.5)",
            Theme::People => "People controls (A.6)",
            Theme::Physical => "Physical controls (A.7)",
            Theme::Technological => "Technological controls (A.8)",
            Theme::Isms => "ISMS clauses 4–10",
        }
    }
}

/// Every target element with the input's controls that support it (or would, but count for nothing).
pub(super) fn criteria(out: &Output, rows: &BTreeMap<usize, &CrosswalkRow>, catalogs: &Catalogs) -> Vec<Criterion> {
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
                coverage: c.status,
                theme: Theme::from_key(&c.category),
                reason: words::reason(c, catalogs, to),
                would_cover: words::pending(c, catalogs),
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
pub(super) fn gaps(criteria: &[Criterion], mapping: &Mapping, to_iso: bool, status: CoverageStatus) -> Vec<Gap> {
    let has_counterpart = |id: &str| {
        let id = ControlId::new(id);
        mapping.from_source(&id).iter().any(|p| p.relationship != Relationship::None && p.target.is_some())
    };
    criteria
        .iter()
        .filter(|c| c.coverage == status)
        .map(|c| Gap {
            id: c.id.clone(),
            title: c.title.clone(),
            category: c.category.clone(),
            status: c.status.clone(),
            theme: c.theme,
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
pub(super) fn categories(out: &Output) -> Vec<Category> {
    let mut counts = counts_by_category(&out.crosswalk.coverage);
    // Stable: TSC categories (no theme) keep their order.
    counts.sort_by_key(|(k, _)| Theme::from_key(k).map_or(0, |t| t as usize));
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

pub(super) fn summary(out: &Output, catalogs: &Catalogs) -> Summary {
    let cw = out.crosswalk;
    let recognised: Vec<&CrosswalkRow> = cw.rows.iter().filter(|r| !r.row.ids.is_empty()).collect();
    let applicable: Vec<&&CrosswalkRow> = recognised.iter().filter(|r| r.row.applicable != Some(false)).collect();
    let tally = cw.tally();
    let has_role = |role: crate::import::Role| out.input.columns.iter().any(|c| c.role == role);
    let (covered, partial, gap) = (tally.covered, tally.partial, tally.gap);
    let in_scope = tally.in_scope();
    let scope_label = words::scope(&out.run.scope, cw.to);
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
        headline: words::headline(&tally, &scope_label, cw.to, cw.status_given),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_told_by_their_keys_in_annex_order() {
        let cases = [
            ("organizational", Some(Theme::Organizational), "Organizational controls (A.5)"),
            ("technological", Some(Theme::Technological), "Technological controls (A.8)"),
            ("isms", Some(Theme::Isms), "ISMS clauses 4–10"),
            ("security", None, "Security (common criteria)"),
            ("something else", None, "something else"),
        ];
        for (key, theme, label) in cases {
            assert_eq!(Theme::from_key(key), theme, "{key}");
            assert_eq!(super::super::category_label(key), label, "{key}");
        }
        assert!(Theme::ALL.windows(2).all(|w| w[0] < w[1]), "themes in Annex A order, clauses last");
    }
}

//! What the input's rows say of one control (titles, status, owner, evidence, frequency), and the controls that
//! count for nothing while they leave target elements short.

use std::collections::BTreeMap;

use super::{Criterion, Left, Reuse, Risk};
use crate::catalog::{Catalogs, EntryKind};
use crate::crosswalk::{Contribution, CoverageStatus, CrosswalkRow, Effect, State};
use crate::ids::ControlId;
use crate::report::words;

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

/// What an input control is: an Annex A control, an ISMS clause or a TSC criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ElementKind {
    Annex,
    Clause,
    Criterion,
}

impl ElementKind {
    fn of(id: &str, catalogs: &Catalogs) -> ElementKind {
        match catalogs.find(id).map(|e| e.kind) {
            Some(EntryKind::Clause) => ElementKind::Clause,
            Some(EntryKind::Criterion) => ElementKind::Criterion,
            _ => ElementKind::Annex,
        }
    }

    /// The word the context gives it (`criteria[].reuse[].kind`).
    pub(super) fn word(self) -> &'static str {
        match self {
            ElementKind::Annex => "annex",
            ElementKind::Clause => "clause",
            ElementKind::Criterion => "criterion",
        }
    }
}

fn status_str(row: &CrosswalkRow) -> &str {
    row.row.status.map(crate::import::values::Status::as_str).or(row.row.status_text.as_deref()).unwrap_or_default()
}

/// What the input rows `numbers` (sorted, distinct) say of control `c`.
pub(super) fn reuse(
    c: &Contribution,
    numbers: &[usize],
    rows: &BTreeMap<usize, &CrosswalkRow>,
    catalogs: &Catalogs,
) -> Reuse {
    let found: Vec<&CrosswalkRow> = numbers.iter().filter_map(|n| rows.get(n).copied()).collect();
    let catalog_title = catalogs.find(c.id.as_str()).map(|e| e.title.clone()).unwrap_or_default();
    // A SOC 2 matrix row reads best as its number and text (`C-12: Access to production requires MFA`).
    let kind = ElementKind::of(c.id.as_str(), catalogs);
    let criterion = kind == ElementKind::Criterion;
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
        kind: kind.word().to_string(),
        label: words::label(c.id.as_str(), catalogs),
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

/// What a control in its state adds to the target (`criteria[].reuse[].effect`).
pub(super) fn effect_word(e: Effect) -> &'static str {
    match e {
        Effect::Full => "full",
        Effect::Partial => "partial",
        Effect::Nothing => "nothing",
    }
}

/// Input controls that count for nothing and leave in-scope target elements short, in id order.
pub(super) fn risks(criteria: &[Criterion], rows: &BTreeMap<usize, &CrosswalkRow>) -> Vec<Risk> {
    let mut by_control: BTreeMap<ControlId, Risk> = BTreeMap::new();
    for c in criteria.iter().filter(|c| c.in_scope && c.coverage != CoverageStatus::Covered) {
        for x in &c.not_counted {
            let id = ControlId::new(x.id.clone());
            let risk = by_control.entry(id).or_insert_with(|| {
                let found: Vec<&CrosswalkRow> = x.rows.iter().filter_map(|n| rows.get(n).copied()).collect();
                let best = found.iter().map(|r| r.state).min().unwrap_or(State::NotImplemented);
                Risk {
                    id: x.id.clone(),
                    title: x.title.clone(),
                    reason: words::state(best).to_string(),
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

//! A SOC 2 control matrix's crosswalk -> a draft Statement of Applicability: all 93 Annex A controls with a
//! suggested applicability, a justification naming the client's controls and criteria, the status carried over or
//! "to assess"; and the ISMS clauses certification still needs.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalogs, EntryKind};
use crate::crosswalk::{CoverageStatus, Crosswalk, Effect, State};
use crate::mapping::Role;

/// What the matrix suggests of a control's applicability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// A client control that counts maps to it through a core link.
    Applicable,
    /// Only supporting links or controls that do not count yet: the reviewer decides.
    Review,
    /// Nothing in the matrix maps to it: applicable unless a risk-based reason excludes it.
    ToDecide,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Applicable => "applicable (suggested)",
            Applicability::Review => "to review",
            Applicability::ToDecide => "to decide",
        }
    }
}

/// One Annex A control of the draft SoA.
#[derive(Debug, Clone, PartialEq)]
pub struct SoaRow {
    pub id: String,
    pub theme: String,
    pub title: String,
    pub applicability: Applicability,
    /// `covered by C-12 for CC6.1, CC6.2; C-14 for CC6.3`.
    pub justification: String,
    /// Carried over from the matrix, or `to assess`.
    pub status: String,
    /// How far the matrix covers the control (covered, partial, gap).
    pub coverage: CoverageStatus,
    /// The client's references that map here.
    pub references: Vec<String>,
}

/// One ISMS clause: what certification still needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseRow {
    pub id: String,
    pub title: String,
    pub coverage: CoverageStatus,
    /// The client's controls that touch it, as in a justification.
    pub from_matrix: String,
    /// What certification asks that a SOC 2 programme seldom gives.
    pub needs: String,
}

/// The draft SoA: Annex A controls in catalog order, then the clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct Soa {
    pub controls: Vec<SoaRow>,
    pub clauses: Vec<ClauseRow>,
    /// The certification steps a SOC 2 programme does not give.
    pub steps: Vec<String>,
}

pub fn build(cw: &Crosswalk, catalogs: &Catalogs) -> Soa {
    let by_row = super::rows_by_number(cw);
    let mut controls = Vec::new();
    let mut clauses = Vec::new();
    for c in &cw.coverage {
        let Some(entry) = catalogs.find(c.id.as_str()) else { continue };
        // reference -> criteria it is cited for, for the links that count and for those that do not.
        let mut counting: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut pending: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut core_counts = false;
        let mut best: Option<State> = None;
        for x in &c.contributions {
            for n in &x.rows {
                let Some(row) = by_row.get(n) else { continue };
                // A matrix without its own control numbers: the row, since its id cell holds the criteria.
                let reference = match row.row.reference.as_deref().map(str::trim) {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ => format!("row {}", row.row.row),
                };
                let slot = if row.effect == Effect::Nothing { &mut pending } else { &mut counting };
                slot.entry(reference).or_default().insert(x.id.to_string());
                core_counts |= x.role == Role::Core && row.effect != Effect::Nothing;
                best = Some(best.map_or(row.state, |b| b.min(row.state)));
            }
        }
        let justification = justify(c.status, &counting, &pending);
        let references: BTreeSet<String> = counting.keys().chain(pending.keys()).cloned().collect();
        match entry.kind {
            EntryKind::Annex => {
                let applicability = if core_counts {
                    Applicability::Applicable
                } else if references.is_empty() {
                    Applicability::ToDecide
                } else {
                    Applicability::Review
                };
                controls.push(SoaRow {
                    id: c.id.to_string(),
                    theme: c.category.clone(),
                    title: c.title.clone(),
                    applicability,
                    justification,
                    status: status_word(best.filter(|_| cw.status_given)),
                    coverage: c.status,
                    references: references.into_iter().collect(),
                });
            }
            EntryKind::Clause => clauses.push(ClauseRow {
                id: c.id.to_string(),
                title: c.title.clone(),
                coverage: c.status,
                from_matrix: justification,
                needs: crate::report::context::clause_note(c.id.as_str()).to_string(),
            }),
            _ => {}
        }
    }
    let steps = crate::report::context::CERTIFICATION_STEPS.iter().map(std::string::ToString::to_string).collect();
    Soa { controls, clauses, steps }
}

/// `covered by C-12 for CC6.1, CC6.2; C-14 for CC6.3`, with the matrix's controls that do not count yet after.
fn justify(
    status: CoverageStatus,
    counting: &BTreeMap<String, BTreeSet<String>>,
    pending: &BTreeMap<String, BTreeSet<String>>,
) -> String {
    let list = |m: &BTreeMap<String, BTreeSet<String>>| -> String {
        m.iter()
            .map(|(r, ids)| format!("{r} for {}", ids.iter().cloned().collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut parts = Vec::new();
    if !counting.is_empty() {
        let verb = match status {
            CoverageStatus::Covered => "covered by",
            CoverageStatus::Partial => "partly covered by",
            _ => "related controls:",
        };
        parts.push(format!("{verb} {}", list(counting)));
    }
    if !pending.is_empty() {
        parts.push(format!("once implemented: {}", list(pending)));
    }
    if parts.is_empty() {
        return "no control in the SOC 2 matrix maps here".into();
    }
    parts.join("; ")
}

/// The status of the best row that maps to a control, in words, or `to assess` when the matrix says none.
fn status_word(state: Option<State>) -> String {
    match state {
        Some(State::Implemented) => "implemented",
        Some(State::Partly) => "partly implemented",
        Some(State::Planned) => "planned",
        Some(State::NotImplemented) => "not implemented",
        Some(State::Excluded) => "excluded in the matrix",
        Some(State::Assumed | State::Unknown) | None => "to assess",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosswalk::{build as crosswalk, Scope};
    use crate::ids::{ControlId, Framework};
    use crate::import::{Imported, ImportedRow, Status};
    use crate::mapping::Mapping;

    fn criterion(n: usize, ids: &[&str], reference: &str, status: Option<Status>) -> ImportedRow {
        ImportedRow {
            raw_id: Some(ids.join(", ")),
            ids: ids.iter().map(|i| ControlId::new(*i)).collect(),
            framework: Some(Framework::Tsc2017),
            reference: Some(reference.into()),
            status,
            ..ImportedRow::by_id(n, "A.5.1")
        }
    }

    fn soa(rows: Vec<ImportedRow>) -> Soa {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let mut imported = Imported::of_rows("matrix.csv", Framework::Tsc2017, rows);
        let cw = crosswalk(&mut imported, &m, &c, &Scope::all(), Framework::Iso2022);
        build(&cw, &c)
    }

    #[test]
    fn all_93_controls_with_justifications_naming_the_client_references() {
        let s = soa(vec![criterion(2, &["CC6.1", "CC6.2"], "C-12", None), criterion(3, &["CC6.1"], "C-14", None)]);
        assert_eq!(s.controls.len(), 93);
        let a515 = s.controls.iter().find(|r| r.id == "A.5.15").unwrap();
        assert_eq!(a515.applicability, Applicability::Applicable);
        assert!(a515.justification.contains("C-12 for CC6.1"), "{}", a515.justification);
        assert!(a515.justification.contains("C-14 for CC6.1"), "{}", a515.justification);
        assert_eq!(a515.status, "to assess", "the matrix has no status column");
        let untouched = s.controls.iter().find(|r| r.id == "A.7.5").unwrap();
        assert_eq!(untouched.applicability, Applicability::ToDecide);
        assert_eq!(untouched.justification, "no control in the SOC 2 matrix maps here");
        assert!(s.clauses.iter().any(|c| c.id == "6.1.3" && c.needs.contains("Statement of Applicability")));
    }

    #[test]
    fn a_matrix_without_control_numbers_is_cited_by_row() {
        let mut row = criterion(7, &["CC6.1"], "", None);
        row.reference = None;
        let s = soa(vec![row]);
        let a515 = s.controls.iter().find(|r| r.id == "A.5.15").unwrap();
        assert_eq!(a515.justification, "partly covered by row 7 for CC6.1");
    }

    #[test]
    fn status_is_carried_over() {
        let s = soa(vec![criterion(2, &["CC6.1"], "C-12", Some(Status::Planned))]);
        let a515 = s.controls.iter().find(|r| r.id == "A.5.15").unwrap();
        assert_eq!(a515.status, "planned");
        assert!(a515.justification.starts_with("once implemented: C-12 for CC6.1"), "{}", a515.justification);
    }
}

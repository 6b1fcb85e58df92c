//! The ISMS clauses (4–10), shown apart from Annex A, and what remains for ISO certification after a SOC 2
//! programme.

use std::collections::BTreeSet;

use super::{Clause, Criterion, Gap, Ref, Remaining, Theme};
use crate::catalog::Catalogs;
use crate::crosswalk::{CoverageStatus, CrosswalkRow};
use crate::ids::ControlId;
use crate::ids::Framework;
use crate::report::words;
use crate::report::Output;

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

/// The ISMS clauses: for ISO targets their coverage; for ISO input the state the input gives each.
pub(super) fn clauses(out: &Output, criteria: &[Criterion], catalogs: &Catalogs) -> Vec<Clause> {
    let cw = out.crosswalk;
    if cw.to == Framework::Iso2022 {
        return criteria
            .iter()
            .filter(|c| c.theme == Some(Theme::Isms))
            .map(|c| Clause {
                id: c.id.clone(),
                title: c.title.clone(),
                status: c.status.clone(),
                covered: c.coverage == CoverageStatus::Covered,
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
            let supports: BTreeSet<ControlId> =
                rows.iter().flat_map(|r| r.targets.iter().map(|t| t.id.clone())).collect();
            Clause {
                id: e.id.to_string(),
                title: e.title.clone(),
                status: words::clause_state(best).to_string(),
                covered: false,
                supports: supports.into_iter().map(|i| i.to_string()).collect(),
                note: String::new(),
            }
        })
        .collect()
}

/// What remains for certification: Annex A gaps (with or without a SOC 2 counterpart), partial controls, short
/// clauses and the fixed steps.
pub(super) fn remaining(gaps: &[Gap], partial: &[Gap], clauses: &[Clause]) -> Remaining {
    let as_ref = |g: &Gap| Ref { id: g.id.clone(), title: g.title.clone(), category: g.category.clone() };
    let annex = |g: &&Gap| g.theme != Some(Theme::Isms);
    Remaining {
        no_counterpart: gaps.iter().filter(annex).filter(|g| g.no_counterpart).map(as_ref).collect(),
        uncovered: gaps.iter().filter(annex).filter(|g| !g.no_counterpart).map(as_ref).collect(),
        partial: partial.iter().filter(annex).map(as_ref).collect(),
        isms: clauses.iter().filter(|c| !c.covered).cloned().collect(),
        steps: CERTIFICATION_STEPS.iter().map(std::string::ToString::to_string).collect(),
    }
}

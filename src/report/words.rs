//! The one place where coverage facts become words: verdict reasons, states, limits and the headline counts that
//! every output (the `map` line, `--summary`, JSON, workbook and reports) prints the same way.

use crate::catalog::{Catalogs, Limit};
use crate::crosswalk::{Coverage, CoverageStatus, Element, State, Tally};
use crate::ids::{ControlId, Framework};
use crate::report::context::FrequencyReading;
use crate::report::frequency::Cadence;

/// What a state says after a control's id: `A.8.2 planned`.
pub fn state(s: State) -> &'static str {
    match s {
        State::Implemented => "implemented",
        State::Assumed => "assumed implemented (status not given)",
        State::Partly => "partly implemented",
        State::Planned => "planned",
        State::NotImplemented => "not implemented",
        State::Unknown => "status unknown",
        State::Excluded => "excluded",
    }
}

/// The state of an ISMS clause in the input, from the best state of its rows (none: not in the input).
pub fn clause_state(best: Option<State>) -> &'static str {
    match best {
        None => "not in input",
        Some(State::Implemented | State::Assumed) => "implemented",
        Some(State::Partly | State::Planned) => "in progress",
        Some(State::Excluded) => "excluded",
        Some(State::NotImplemented) => "not implemented",
        Some(State::Unknown) => "status unknown",
    }
}

/// A control's cadence as the Type II lists show it: `monthly`, `unknown` (a cell not understood) or `not given`.
pub fn cadence(reading: FrequencyReading, cadence: Option<Cadence>) -> String {
    match reading {
        FrequencyReading::Understood => cadence.map(Cadence::label).unwrap_or_default(),
        FrequencyReading::NotGiven => "not given".to_string(),
        FrequencyReading::NotUnderstood => "unknown".to_string(),
    }
}

/// How often a control runs in the window: `2 in the window`, `may fall outside the window`, or empty.
pub fn in_window(occurrences: Option<u32>) -> String {
    match occurrences {
        Some(0) => "may fall outside the window".to_string(),
        Some(n) => format!("{n} in the window"),
        None => String::new(),
    }
}

/// What a Type II auditor asks for a control of this cadence.
pub fn expectation(reading: FrequencyReading, cadence: Option<Cadence>, occurrences: Option<u32>) -> String {
    if reading == FrequencyReading::NotGiven {
        return "no frequency given: state how often the control runs".to_string();
    }
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

/// What ISO 27001 never asks for, as a clause of a sentence.
pub fn limit(l: Limit) -> &'static str {
    match l {
        Limit::Board => "ISO 27001 does not ask for oversight by a board independent of management",
        Limit::FraudRisk => "ISO 27001 does not ask for a fraud risk assessment",
        Limit::ExternalCommitments => {
            "ISO 27001 does not ask for a system description or service commitments communicated to customers"
        }
        Limit::ReportData => {
            "ISO 27001 does not ask that the completeness and accuracy of reports used as evidence be checked"
        }
        Limit::ProcessingIntegrity => {
            "ISO 27001 does not ask for processing specifications or completeness and accuracy checks on processing"
        }
        Limit::Privacy => {
            "ISO 27001 alone does not ask for the privacy practices themselves (notice, choice, data-subject rights)"
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether `id` is an ISMS clause (not an Annex A control or a criterion).
fn is_clause(id: &str, catalogs: &Catalogs) -> bool {
    catalogs.iso2022.get(id).is_some_and(|e| e.kind == crate::catalog::EntryKind::Clause)
}

/// `clause 9.2.1` for ISMS clauses (so they do not read as Annex A ids), the id itself otherwise.
pub fn label(id: &str, catalogs: &Catalogs) -> String {
    if is_clause(id, catalogs) {
        format!("clause {id}")
    } else {
        id.to_string()
    }
}

/// `A.5.15, A.8.3 and clauses 9.2.1 and 9.2.2`: Annex A ids (and criteria) as given, ISMS clauses gathered after them.
fn list(ids: &[&ControlId], catalogs: &Catalogs) -> String {
    let is_clause = |id: &ControlId| is_clause(id.as_str(), catalogs);
    let mut parts: Vec<String> = ids.iter().filter(|i| !is_clause(i)).map(std::string::ToString::to_string).collect();
    let clauses: Vec<String> = ids.iter().filter(|i| is_clause(i)).map(std::string::ToString::to_string).collect();
    match clauses.len() {
        0 => {}
        1 => parts.push(format!("clause {}", clauses[0])),
        _ => parts.push(format!("clauses {}", join_and(&clauses))),
    }
    join_and(&parts)
}

/// Elements grouped by state in state order: `A.5.15 and A.8.3 implemented; A.8.2 planned`.
fn grouped(elements: &[Element], catalogs: &Catalogs) -> Vec<String> {
    let mut states: Vec<State> = elements.iter().map(|e| e.state).collect();
    states.sort_unstable();
    states.dedup();
    states
        .into_iter()
        .map(|s| {
            let ids: Vec<&ControlId> = elements.iter().filter(|e| e.state == s).map(|e| &e.id).collect();
            format!("{} {}", list(&ids, catalogs), state(s))
        })
        .collect()
}

fn labels(ids: &[ControlId], catalogs: &Catalogs) -> String {
    list(&ids.iter().collect::<Vec<_>>(), catalogs)
}

/// Why a target element has its status, in one line: `covered: A.5.15, A.8.3, A.8.5 and A.5.17 implemented`,
/// `partial: A.5.15 implemented; A.8.2 planned; A.8.24 not in the input`.
pub fn reason(c: &Coverage, catalogs: &Catalogs, to: Framework) -> String {
    let v = &c.verdict;
    let mut parts: Vec<String> = Vec::new();
    match c.status {
        CoverageStatus::OutOfScope => return "out of scope".to_string(),
        CoverageStatus::Gap if v.no_core => {
            let other = if to == Framework::Iso2022 { "SOC 2 criterion" } else { "ISO 27001 element" };
            parts.push(format!("no {other} holds a core part of it"));
        }
        _ => {}
    }
    parts.extend(grouped(&v.counted, catalogs));
    parts.extend(grouped(&v.pending, catalogs));
    if !v.missing.is_empty() {
        parts.push(format!("{} not in the input", labels(&v.missing, catalogs)));
    }
    if let Some(l) = v.limit {
        parts.push(limit(l).to_string());
    }
    // What there is, when nothing counts; beside partial verdicts the reuse lists show it.
    if c.status == CoverageStatus::Gap && !v.context.is_empty() {
        parts.push(format!("context only: {}", labels(&v.context, catalogs)));
    }
    format!("{}: {}", c.status.as_str(), parts.join("; "))
}

/// Core elements that would cover once implemented: `A.8.2 (planned)`.
pub fn pending(c: &Coverage, catalogs: &Catalogs) -> Vec<String> {
    c.verdict.pending.iter().map(|e| format!("{} ({})", label(e.id.as_str(), catalogs), state(e.state))).collect()
}

/// What is counted, in words: `scope security` or `ISO 27001 controls and clauses`.
pub fn scope(scope: &[String], to: Framework) -> String {
    if to == Framework::Iso2022 {
        "ISO 27001 Annex A controls and ISMS clauses".to_string()
    } else {
        let ordered: Vec<&str> =
            crate::crosswalk::Category::ALL.iter().map(|c| c.key()).filter(|c| scope.iter().any(|s| s == c)).collect();
        if ordered.len() == crate::crosswalk::Category::ALL.len() {
            "scope all TSC categories".to_string()
        } else {
            format!("scope {}", ordered.join(", "))
        }
    }
}

/// The counts every output prints: `scope security: 12 covered, 15 partial, 6 gap of 33 criteria (36% covered;
/// status not given, assumed implemented)`.
pub fn headline(t: &Tally, scope_words: &str, to: Framework, status_given: bool) -> String {
    let what = if to == Framework::Iso2022 { "elements" } else { "criteria" };
    let assumed = if status_given { "" } else { "; status not given, assumed implemented" };
    format!(
        "{scope_words}: {} covered, {} partial, {} gap of {} {what} ({}% covered{assumed})",
        t.covered,
        t.partial,
        t.gap,
        t.in_scope(),
        t.covered_pct()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_sentences() {
        let s = |v: &[&str]| v.iter().map(std::string::ToString::to_string).collect::<Vec<_>>();
        assert_eq!(join_and(&s(&["A.5.15"])), "A.5.15");
        assert_eq!(join_and(&s(&["A.5.15", "A.8.3", "A.8.5"])), "A.5.15, A.8.3 and A.8.5");
        let t = Tally { covered: 12, partial: 15, gap: 6, out_of_scope: 28 };
        assert_eq!(
            headline(&t, &scope(&["security".into()], Framework::Tsc2017), Framework::Tsc2017, false),
            "scope security: 12 covered, 15 partial, 6 gap of 33 criteria (36% covered; status not given, assumed implemented)"
        );
    }
    #[test]
    fn a_window_reads_as_what_the_auditor_asks() {
        use FrequencyReading::{NotGiven, NotUnderstood, Understood};
        // (reading, cadence, occurrences in the window, cadence word, window words, what the auditor asks)
        type Case = (FrequencyReading, Option<Cadence>, Option<u32>, &'static str, &'static str, &'static str);
        let cases: [Case; 6] = [
            (
                Understood,
                Some(Cadence::Months(1)),
                Some(6),
                "monthly",
                "6 in the window",
                "all 6 occurrences in the window",
            ),
            (
                Understood,
                Some(Cadence::Months(12)),
                Some(0),
                "annual",
                "may fall outside the window",
                "may fall outside the window: schedule its next run inside the window, or lengthen the window",
            ),
            (
                Understood,
                Some(Cadence::Weeks(1)),
                Some(26),
                "weekly",
                "26 in the window",
                "a sample of the 26 occurrences in the window",
            ),
            (
                Understood,
                Some(Cadence::Months(6)),
                Some(1),
                "semi-annual",
                "1 in the window",
                "the one occurrence in the window",
            ),
            (NotUnderstood, None, None, "unknown", "", "frequency not understood: state how often the control runs"),
            (NotGiven, None, None, "not given", "", "no frequency given: state how often the control runs"),
        ];
        for (reading, c, occurrences, word, window, expect) in cases {
            assert_eq!(cadence(reading, c), word);
            assert_eq!(in_window(occurrences), window);
            assert_eq!(expectation(reading, c, occurrences), expect, "{c:?}");
        }
    }

    #[test]
    fn a_clause_reads_as_its_best_state() {
        let cases = [
            (None, "not in input"),
            (Some(State::Assumed), "implemented"),
            (Some(State::Planned), "in progress"),
            (Some(State::Excluded), "excluded"),
            (Some(State::Unknown), "status unknown"),
        ];
        for (best, want) in cases {
            assert_eq!(clause_state(best), want);
        }
    }
}

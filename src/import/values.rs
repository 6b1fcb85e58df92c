//! Cell values with meaning: applicability (yes/no in four languages and many symbols) and implementation status.

use serde::Serialize;

/// Applicability cells that say yes.
const YES: [&str; 24] = [
    "yes",
    "y",
    "true",
    "1",
    "x",
    "✓",
    "✔",
    "☑",
    "ja",
    "j",
    "oui",
    "o",
    "si",
    "sí",
    "applicable",
    "anwendbar",
    "aplicable",
    "included",
    "include",
    "in scope",
    "selected",
    "required",
    "wahr",
    "vrai",
];
/// Applicability cells that say no.
const NO: [&str; 27] = [
    "no",
    "n",
    "false",
    "0",
    "✗",
    "✘",
    "☐",
    "nein",
    "non",
    "not applicable",
    "n/a",
    "na",
    "n.a.",
    "excluded",
    "exclude",
    "out of scope",
    "not selected",
    "nicht anwendbar",
    "non applicable",
    "no aplicable",
    "falsch",
    "faux",
    "-",
    "—",
    "not required",
    "exclu",
    "excluido",
];

/// Reads an applicability cell. `None` when the cell says nothing recognisable.
pub fn parse_applicable(text: &str) -> Option<bool> {
    let t = normalise(text);
    if t.is_empty() {
        return None;
    }
    if YES.contains(&t.as_str()) {
        return Some(true);
    }
    if NO.contains(&t.as_str()) {
        return Some(false);
    }
    // "Yes - required by contract", "No (not relevant)".
    let first = t.split(|c: char| !c.is_alphanumeric() && c != '/').next().unwrap_or("");
    match first {
        "yes" | "ja" | "oui" | "si" | "sí" | "applicable" | "included" => Some(true),
        "no" | "nein" | "non" | "excluded" | "n/a" => Some(false),
        _ if t.starts_with("not applicable") || t.starts_with("nicht anwendbar") || t.starts_with("non applicable") => {
            Some(false)
        }
        _ => None,
    }
}

/// Implementation status, normalised to a small set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Implemented,
    Partial,
    Planned,
    NotImplemented,
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Implemented => "implemented",
            Status::Partial => "partial",
            Status::Planned => "planned",
            Status::NotImplemented => "not-implemented",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// Reads a status cell (`Implemented`, `In progress`, `umgesetzt`, `mis en œuvre`, `100%` …).
pub fn parse_status(text: &str) -> Option<Status> {
    let t = normalise(text);
    if t.is_empty() {
        return None;
    }
    if let Some(pct) = t.strip_suffix('%').and_then(|p| p.trim().parse::<f64>().ok()) {
        return Some(status_of_percent(pct));
    }
    if let Some((status, _)) = STATUS_WORDS.iter().find(|(_, words)| words.iter().any(|w| t.contains(w))) {
        return Some(*status);
    }
    match t.as_str() {
        "y" | "x" | "✓" | "✔" | "true" => Some(Status::Implemented),
        "n" | "no" | "false" | "nein" | "non" => Some(Status::NotImplemented),
        _ => None,
    }
}

/// `100%` is implemented, `0%` not implemented, anything between partial.
fn status_of_percent(pct: f64) -> Status {
    if pct >= 100.0 {
        Status::Implemented
    } else if pct > 0.0 {
        Status::Partial
    } else {
        Status::NotImplemented
    }
}

/// Words that give a status when a status cell contains them, tried in this order (`not implemented` before
/// `implemented`, `partially implemented` before `implemented`).
const STATUS_WORDS: [(Status, &[&str]); 5] = [
    (Status::NotApplicable, &["not applicable", "n/a", "nicht anwendbar", "non applicable", "no aplica"]),
    (
        Status::NotImplemented,
        &[
            "not implemented",
            "not started",
            "nicht umgesetzt",
            "non mis en",
            "non implement",
            "no implementado",
            "missing",
            "none",
            "offen",
            "not in place",
        ],
    ),
    (
        Status::Partial,
        &[
            "partial",
            "teilweise",
            "partiel",
            "parcial",
            "in progress",
            "in_progress",
            "ongoing",
            "in bearbeitung",
            "en cours",
            "en curso",
            "wip",
            "under review",
            "draft",
        ],
    ),
    (
        Status::Planned,
        &[
            "planned",
            "geplant",
            "prévu",
            "prevu",
            "planifié",
            "planifie",
            "planificado",
            "to do",
            "todo",
            "future",
            "backlog",
            "scheduled",
        ],
    ),
    (
        Status::Implemented,
        &[
            "implemented",
            "in place",
            "done",
            "complete",
            "active",
            "operational",
            "operating",
            "effective",
            "umgesetzt",
            "implementiert",
            "mis en œuvre",
            "mis en oeuvre",
            "en place",
            "implementado",
            "yes",
            "ja",
            "oui",
            "sí",
            "deployed",
            "live",
        ],
    ),
];

fn normalise(text: &str) -> String {
    // `not_applicable`, `partially_implemented`: tools export values with underscores.
    crate::ids::clean_spaces(text).replace('_', " ").trim().trim_end_matches('.').trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicability_in_four_languages() {
        for yes in ["Yes", "Y", "TRUE", "✓", "x", "ja", "Oui", "Sí", "Applicable", "Yes - contract", "included"] {
            assert_eq!(parse_applicable(yes), Some(true), "{yes}");
        }
        for no in ["No", "N", "FALSE", "nein", "non", "no", "Not applicable", "N/A", "Excluded", "No (not relevant)"] {
            assert_eq!(parse_applicable(no), Some(false), "{no}");
        }
        assert_eq!(parse_applicable(""), None);
        assert_eq!(parse_applicable("maybe later"), None);
        assert_eq!(parse_applicable("not_applicable"), Some(false));
    }

    #[test]
    fn status_values() {
        assert_eq!(parse_status("Implemented"), Some(Status::Implemented));
        assert_eq!(parse_status("umgesetzt"), Some(Status::Implemented));
        assert_eq!(parse_status("In progress"), Some(Status::Partial));
        assert_eq!(parse_status("Partially implemented"), Some(Status::Partial));
        assert_eq!(parse_status("Planned Q3"), Some(Status::Planned));
        assert_eq!(parse_status("Not implemented"), Some(Status::NotImplemented));
        assert_eq!(parse_status("50%"), Some(Status::Partial));
        assert_eq!(parse_status("100 %"), Some(Status::Implemented));
        assert_eq!(parse_status("in_progress"), Some(Status::Partial));
        assert_eq!(parse_status("active"), Some(Status::Implemented));
        assert_eq!(parse_status("???"), None);
    }
}

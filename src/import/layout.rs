//! Finding the data: which sheet holds the controls, which row is the header, and which column plays which role
//! (from header words in English, German, French and Spanish, and from the cells themselves).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::ids::{is_strong, parse_token, split_cell};
use crate::read::{RawRow, RawTable};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Id,
    Title,
    Text,
    Applicable,
    Justification,
    Status,
    Owner,
    Evidence,
    Frequency,
    /// The client's own control number (`C-21`) when the id column holds framework ids (a SOC 2 matrix).
    Reference,
}

pub const ROLES: [Role; 10] = [
    Role::Id,
    Role::Title,
    Role::Text,
    Role::Applicable,
    Role::Justification,
    Role::Status,
    Role::Owner,
    Role::Evidence,
    Role::Frequency,
    Role::Reference,
];

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Id => "id",
            Role::Title => "title",
            Role::Text => "text",
            Role::Applicable => "applicable",
            Role::Justification => "justification",
            Role::Status => "status",
            Role::Owner => "owner",
            Role::Evidence => "evidence",
            Role::Frequency => "frequency",
            Role::Reference => "reference",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        ROLES.iter().copied().find(|r| r.key() == key.trim().to_ascii_lowercase())
    }

    /// Header words for this role, lower case without accents. Exact matches win over word matches.
    fn words(self) -> &'static [&'static str] {
        match self {
            Role::Id => &[
                "id",
                "ref",
                "ref.",
                "reference",
                "control id",
                "control ref",
                "control reference",
                "control no",
                "control no.",
                "control number",
                "annex a ref",
                "annex a reference",
                "annex a control",
                "annex a",
                "annex",
                "no",
                "no.",
                "nr",
                "nr.",
                "nummer",
                "number",
                "#",
                "clause",
                "identifier",
                "ref id",
                "ref_id",
                "kennung",
                "referenz",
                "numero",
                "n°",
                "n",
                "referencia",
                "iso ref",
                "iso id",
                "iso 27001 ref",
                "iso control",
                "iso 27001 control",
                "iso 27001:2022",
                "iso 27001:2022 control",
                "iso 27001:2013",
                "control_id",
                "criteria",
                "criterion",
                "criteria id",
                "tsc",
                "tsc ref",
                "tsc id",
                "soc 2 criteria",
                "soc2 criteria",
                "trust services criteria",
                "tsc criteria",
                "soc 2 ref",
                "mapped criteria",
                "code",
                "ctrl id",
                "anhang a",
                "identifiant",
                "id control",
                "id del control",
                "codigo",
            ],
            Role::Title => &[
                "title",
                "control title",
                "control name",
                "name",
                "control",
                "titel",
                "massnahme",
                "massnahmen",
                "kontrolle",
                "bezeichnung",
                "controle",
                "intitule",
                "titre",
                "nom",
                "mesure",
                "nombre",
                "control del",
                "titulo",
                "short name",
                "heading",
                "control heading",
                "name of control",
                "measure",
            ],
            Role::Text => &[
                "description",
                "control description",
                "text",
                "control text",
                "statement",
                "control statement",
                "beschreibung",
                "description du controle",
                "descripcion",
                "implementation description",
                "implementation details",
                "implementation notes",
                "how implemented",
                "how we meet it",
                "umsetzung",
                "umsetzungsbeschreibung",
                "mise en oeuvre",
                "control activity",
                "activity",
                "requirement",
                "anforderung",
                "exigence",
                "requisito",
                "details",
                "notes",
                "comment",
                "comments",
                "observation",
                "control objective",
                "objective",
                "guidance",
            ],
            Role::Applicable => &[
                "applicable",
                "applicability",
                "anwendbar",
                "anwendbarkeit",
                "applicable?",
                "applicable (y/n)",
                "in scope",
                "in scope?",
                "included",
                "selected",
                "aplicable",
                "aplicabilidad",
                "applicabilite",
                "selectionne",
                "inclusion",
                "included?",
                "applies",
                "relevant",
                "relevanz",
                "soa applicable",
            ],
            Role::Justification => &[
                "justification",
                "reason",
                "rationale",
                "begrundung",
                "begruendung",
                "justificacion",
                "reason for exclusion",
                "reason for inclusion",
                "justification for inclusion",
                "justification for exclusion",
                "exclusion reason",
                "grund",
                "motif",
                "motivo",
                "raison",
                "inclusion/exclusion justification",
            ],
            Role::Status => &[
                "status",
                "implementation status",
                "umsetzungsstatus",
                "statut",
                "estado",
                "implemented",
                "implemented?",
                "state",
                "implementation state",
                "maturity",
                "reifegrad",
                "etat",
                "stand",
                "status der umsetzung",
                "estado de implementacion",
                "statut de mise en oeuvre",
                "progress",
            ],
            Role::Owner => &[
                "owner",
                "control owner",
                "responsible",
                "responsibility",
                "verantwortlich",
                "verantwortlicher",
                "responsable",
                "propietario",
                "eigentumer",
                "accountable",
                "assigned to",
                "proprietaire",
                "responsable du controle",
                "process owner",
            ],
            Role::Evidence => &[
                "evidence",
                "nachweis",
                "nachweise",
                "preuve",
                "preuves",
                "evidencia",
                "evidencias",
                "artifacts",
                "artefacts",
                "evidence location",
                "documentation",
                "documents",
                "reference documents",
                "link",
                "dokumentation",
                "evidence reference",
                "supporting documents",
            ],
            Role::Frequency => &[
                "frequency",
                "haufigkeit",
                "frequence",
                "frecuencia",
                "periodicity",
                "cadence",
                "review frequency",
                "control frequency",
                "intervall",
                "periodicite",
                "periodicidad",
                "how often",
                "turnus",
            ],
            // Also assigned when a header-named id column turns out to hold the client's own numbers.
            Role::Reference => &[
                "regle",
                "rule",
                "source node id",
                "source_node_id",
                "internal id",
                "internal ref",
                "internal reference",
                "client ref",
                "client reference",
                "our ref",
                "local id",
            ],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// Lower case, accents folded, spaces collapsed, `*` and `:` trimmed: `Begründung:` -> `begrundung`.
pub fn normalise_header(text: &str) -> String {
    let folded: String = crate::ids::clean_spaces(text).to_lowercase().chars().map(fold_accent).collect();
    let folded = folded.replace("œ", "oe").replace("ss", "s");
    folded
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| c == '*' || c == ':' || c == ' ')
        .to_string()
}

/// A lower-case letter without its accent or umlaut (`é` -> `e`, `ß` -> `s`), for matching words in four languages.
pub fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ß' => 's',
        other => other,
    }
}

/// How well a header names a role: 3 exact, 2 all words of a keyword present, 0 none.
pub fn header_score(role: Role, header: &str) -> u8 {
    let h = normalise_header(header);
    score_normalised(role, &h, &header_words(&h))
}

fn header_words(h: &str) -> Vec<&str> {
    h.split(|c: char| !c.is_alphanumeric() && c != '#' && c != '°').filter(|w| !w.is_empty()).collect()
}

/// A header keyword, normalised, and its words.
type Keyword = (String, Vec<String>);

/// Each role's keywords, normalised once.
fn keywords(role: Role) -> &'static [Keyword] {
    static KEYWORDS: std::sync::OnceLock<Vec<Vec<Keyword>>> = std::sync::OnceLock::new();
    let all = KEYWORDS.get_or_init(|| {
        ROLES
            .iter()
            .map(|r| {
                r.words()
                    .iter()
                    .map(|k| {
                        let k = normalise_header(k);
                        let words = header_words(&k).into_iter().map(str::to_string).collect();
                        (k, words)
                    })
                    .collect()
            })
            .collect()
    });
    &all[ROLES.iter().position(|r| *r == role).unwrap_or(0)]
}

/// [`header_score`] of a header already normalised and split into words.
fn score_normalised(role: Role, h: &str, words: &[&str]) -> u8 {
    if h.is_empty() {
        return 0;
    }
    let mut best = 0;
    for (k, kw) in keywords(role) {
        if h == k {
            return 3;
        }
        // Single short words ("no", "n", "id") only count as exact matches or as the header's first word.
        // `ref_id`, `control_id`: a short word last also names the column.
        let ok = if kw.len() == 1 && kw[0].len() <= 3 {
            (words.first() == Some(&kw[0].as_str())
                || (words.last() == Some(&kw[0].as_str()) && (kw[0].len() >= 2 || kw[0] == "#")))
                && words.len() <= 3
        } else {
            !kw.is_empty() && kw.iter().all(|w| words.contains(&w.as_str()))
        };
        if ok {
            best = 2;
        }
    }
    best
}

/// One column's role and why it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnRole {
    pub role: Role,
    /// 0-based column index.
    pub index: usize,
    pub header: String,
    /// `header "Ref"`, `cells: 91 of 93 parse as ids`, `--column id=Ref`.
    pub reason: String,
}

/// Sheet names that never hold the controls.
pub fn is_aside_sheet(name: &str) -> bool {
    let n = name.to_lowercase();
    [
        "cover",
        "meta",
        "dashboard",
        "sign-off",
        "signoff",
        "sign off",
        "instructions",
        "readme",
        "read me",
        "about",
        "changelog",
        "change log",
        "version",
        "history",
        "legend",
        "lists",
        "lookup",
        "deckblatt",
        "anleitung",
        "couverture",
        "portada",
        "summary",
        "overview",
        "approval",
        "glossary",
        "config",
        "settings",
        "titre",
        "reference",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// How likely a cell is a control id.
pub fn is_id_cell(text: &str) -> bool {
    let split = split_cell(text);
    split.tokens.iter().any(is_strong) && split.rejected.is_empty()
}

/// Score for a sheet: rows whose first few cells hold an id, plus header words found.
pub fn sheet_score(table: &RawTable) -> usize {
    let id_rows = id_rows(table);
    let header = table.rows.iter().take(40).map(row_header_score).max().unwrap_or(0);
    // A wide matrix: a header row of ten or more control ids.
    let matrix = table
        .rows
        .iter()
        .take(40)
        .map(|r| r.cells.iter().filter(|c| is_id_cell(&c.as_text())).count())
        .filter(|&n| n >= 10)
        .max()
        .unwrap_or(0);
    id_rows * 2 + header * 3 + matrix
}

/// Rows (of the first 2000) whose first few cells hold a control id.
pub fn id_rows(table: &RawTable) -> usize {
    table
        .rows
        .iter()
        .take(2000)
        .filter(|r| {
            r.cells.iter().take(6).any(|c| is_id_cell(&c.as_text()) && parse_token(c.as_text().trim()).is_some())
        })
        .count()
}

/// Distinct roles a row's cells name, weighted (exact 3, words 2); a header row scores high.
pub fn row_header_score(row: &RawRow) -> usize {
    let cells: Vec<String> =
        row.cells.iter().filter(|c| !c.is_empty()).map(|c| normalise_header(&c.as_text())).collect();
    let words: Vec<Vec<&str>> = cells.iter().map(|c| header_words(c)).collect();
    let mut found = 0;
    for role in ROLES {
        let best = cells.iter().zip(&words).map(|(c, w)| score_normalised(role, c, w)).max().unwrap_or(0);
        found += best as usize;
    }
    // Headers are short labels, not sentences or numbers.
    let long = row.cells.iter().filter(|c| c.as_text().len() > 60).count();
    found.saturating_sub(long * 2)
}

/// The header row: the best-scoring row among the first 40, else the row above the first id row.
pub fn find_header_row(table: &RawTable) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in table.rows.iter().take(40).enumerate() {
        if row.cells.iter().filter(|c| !c.is_empty()).count() < 2 {
            continue;
        }
        let score = row_header_score(row);
        if score >= 3 && best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    if let Some((i, _)) = best {
        return Some(i);
    }
    let first_id = table.rows.iter().position(|r| r.cells.iter().take(6).any(|c| is_id_cell(&c.as_text())))?;
    (first_id > 0).then_some(first_id - 1)
}

/// Assigns roles to columns from header words, leftmost best match first; each column gets at most one role.
pub fn roles_from_header(header: &RawRow) -> Vec<ColumnRole> {
    let mut candidates: Vec<(u8, Role, usize)> = Vec::new();
    for (index, cell) in header.cells.iter().enumerate() {
        for role in ROLES {
            let score = header_score(role, &cell.text());
            if score > 0 {
                candidates.push((score, role, index));
            }
        }
    }
    // Exact matches first, then by role priority, then leftmost.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut out: Vec<ColumnRole> = Vec::new();
    for (score, role, index) in candidates {
        if out.iter().any(|c| c.role == role || c.index == index) {
            continue;
        }
        let header_text = header.cell(index).text().trim().to_string();
        let how = if score == 3 { "header" } else { "header words" };
        out.push(ColumnRole { role, index, header: header_text.clone(), reason: format!("{how} \"{header_text}\"") });
    }
    out.sort_by_key(|c| c.index);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Cell;

    fn row(cells: &[&str]) -> RawRow {
        RawRow { number: 1, cells: cells.iter().map(|c| Cell::Text(c.to_string())).collect() }
    }

    fn roles(cells: &[&str]) -> Vec<(String, String)> {
        roles_from_header(&row(cells)).into_iter().map(|c| (c.role.key().to_string(), c.header)).collect()
    }

    #[test]
    fn english_headers() {
        let got = roles(&["Ref", "Control", "Applicable (Y/N)", "Justification", "Status", "Owner", "Evidence"]);
        let keys: Vec<&str> = got.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(keys, ["id", "title", "applicable", "justification", "status", "owner", "evidence"]);
    }

    #[test]
    fn german_french_spanish_headers() {
        let keys = |cells: &[&str]| roles(cells).into_iter().map(|(r, _)| r).collect::<Vec<_>>();
        assert_eq!(
            keys(&["Nr.", "Maßnahme", "Anwendbar", "Begründung"]),
            ["id", "title", "applicable", "justification"]
        );
        assert_eq!(
            keys(&["Référence", "Intitulé", "Applicable", "Justification"]),
            ["id", "title", "applicable", "justification"]
        );
        assert_eq!(
            keys(&["Código", "Control", "Aplicable", "Justificación"]),
            ["id", "title", "applicable", "justification"]
        );
    }

    #[test]
    fn annex_a_ref_is_an_id() {
        let keys: Vec<String> =
            roles(&["Annex A ref", "Control title", "Description"]).into_iter().map(|(r, _)| r).collect();
        assert_eq!(keys, ["id", "title", "text"]);
    }

    #[test]
    fn aside_sheets() {
        assert!(is_aside_sheet("Cover"));
        assert!(is_aside_sheet("library_meta"));
        assert!(is_aside_sheet("Sign-Off"));
        assert!(!is_aside_sheet("SoA"));
    }
}

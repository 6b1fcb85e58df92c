//! Finding the data: which sheet holds the controls, which row is the header, and which column plays which role
//! (from header words in English, German, French and Spanish, and from the cells themselves).

use std::fmt;

use serde::{Serialize, Serializer};

use super::header_words;
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

    /// Header words for this role ([`super::header_words`]). Exact matches win over word matches.
    fn words(self) -> &'static [&'static str] {
        match self {
            Role::Id => header_words::ID,
            Role::Title => header_words::TITLE,
            Role::Text => header_words::TEXT,
            Role::Applicable => header_words::APPLICABLE,
            Role::Justification => header_words::JUSTIFICATION,
            Role::Status => header_words::STATUS,
            Role::Owner => header_words::OWNER,
            Role::Evidence => header_words::EVIDENCE,
            Role::Frequency => header_words::FREQUENCY,
            Role::Reference => header_words::REFERENCE,
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
    /// Written `header "Ref"`, `cells: 91 of 93 parse as ids`, `--column id=Ref`.
    pub reason: RoleReason,
}

/// Why a column got its role; written out only where shown (`import` prints it, JSON carries it as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleReason {
    /// The header is one of the role's words (`Ref`).
    Header { header: String },
    /// The header holds all words of one of the role's words (`Annex A ref no.`).
    HeaderWords { header: String },
    /// A saved profile names the column.
    Profile { file: String },
    /// `--column ROLE=HEADER` names the column.
    Flag { role: Role, wanted: String },
    /// Most sampled cells parse as control ids.
    IdCells { count: usize, of: usize },
    /// A header named the column as the id, but it holds the client's own numbers; the ids are in column `ids_in`.
    ClientNumbers { header: String, ids_in: usize },
    /// A title column of codes such as `C-01`: the client's own numbers.
    ClientCodes { header: String, example: String },
    /// Most filled cells are yes/no values.
    YesNoCells { count: usize, of: usize },
    /// An unnamed text column beside the ids, used as the title.
    TextBesideIds,
}

impl RoleReason {
    /// Whether the header is exactly one of the role's words (rather than containing its words, or anything else).
    pub fn is_exact_header(&self) -> bool {
        matches!(self, RoleReason::Header { .. })
    }
}

impl fmt::Display for RoleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoleReason::Header { header } => write!(f, "header \"{header}\""),
            RoleReason::HeaderWords { header } => write!(f, "header words \"{header}\""),
            RoleReason::Profile { file } => write!(f, "profile {file}"),
            RoleReason::Flag { role, wanted } => write!(f, "--column {}={wanted}", role.key()),
            RoleReason::IdCells { count, of } => write!(f, "cells: {count} of {of} parse as ids"),
            RoleReason::ClientNumbers { header, ids_in } => write!(
                f,
                "header \"{header}\" holds the client's own numbers; the framework ids are in column {}",
                crate::issue::column_letter(*ids_in)
            ),
            RoleReason::ClientCodes { header, example } => {
                write!(f, "header \"{header}\" holds the client's own numbers (codes such as `{example}`)")
            }
            RoleReason::YesNoCells { count, of } => write!(f, "cells: {count} of {of} are yes/no values"),
            RoleReason::TextBesideIds => f.write_str("cells: text next to the ids"),
        }
    }
}

impl Serialize for RoleReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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
    // `then_some(first_id - 1)` would compute the difference even for the first row.
    first_id.checked_sub(1)
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
        let reason = if score == 3 {
            RoleReason::Header { header: header_text.clone() }
        } else {
            RoleReason::HeaderWords { header: header_text.clone() }
        };
        out.push(ColumnRole { role, index, header: header_text, reason });
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

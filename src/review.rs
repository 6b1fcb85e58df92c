//! Review decisions: the stable identity of an input row, the decisions read back from a reviewed crosswalk
//! workbook, the decisions csv (docs/review.md), and applying decisions to the rows of a later run. Pure: the
//! workbook and the csv come in as values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::import::{ImportedRow, MatchedBy, Review};
use crate::issue::{Issue, Location};
use crate::read::RawTable;

/// The sheet of the crosswalk workbook that holds the decisions.
pub const SHEET: &str = "Crosswalk";
/// Headers of the decision columns and of the row identity, as the workbook writes them.
pub const DECISION: &str = "Decision";
pub const REPLACE_WITH: &str = "Replace with";
pub const COMMENT: &str = "Comment";
pub const ROW_KEY: &str = "Row key";

/// What a reviewer decided for a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The match stands.
    Accept,
    /// The match is wrong and the row maps to nothing.
    Reject,
    /// The row is the control or criterion in `replace_with`.
    Replace,
}

impl Decision {
    pub const ALL: [&'static str; 3] = ["accept", "reject", "replace"];

    pub fn parse(s: &str) -> Option<Decision> {
        match s.trim().to_ascii_lowercase().as_str() {
            "accept" => Some(Decision::Accept),
            "reject" => Some(Decision::Reject),
            "replace" => Some(Decision::Replace),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
            Decision::Replace => "replace",
        }
    }
}

/// A row's identity across runs: its client reference (else its id as written) and a hash of its normalised text.
/// Rows may move, be added or be removed between two versions of a spreadsheet; a row whose text changed gets a new
/// hash, so an old decision no longer applies to it silently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowKey {
    pub reference: String,
    pub text_hash: String,
}

impl RowKey {
    pub fn of(row: &ImportedRow) -> RowKey {
        let reference = row.reference.as_deref().or(row.raw_id.as_deref()).unwrap_or("");
        let text = format!("{}\n{}", row.title.as_deref().unwrap_or(""), row.text.as_deref().unwrap_or(""));
        let normalised: Vec<String> = text.split_whitespace().map(|w| w.to_lowercase()).collect();
        let digest = Sha256::digest(normalised.join(" ").as_bytes());
        RowKey {
            reference: reference.split_whitespace().collect::<Vec<_>>().join(" "),
            text_hash: crate::read::hex(&digest[..8]),
        }
    }

    /// `reference#hash`, as the workbook's `Row key` column holds it.
    pub fn to_cell(&self) -> String {
        format!("{}#{}", self.reference, self.text_hash)
    }

    /// Reads a `Row key` cell back; the reference may itself hold `#`, the hash never does.
    pub fn from_cell(s: &str) -> Option<RowKey> {
        let (reference, hash) = s.trim().rsplit_once('#')?;
        let ok = hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| RowKey { reference: reference.to_string(), text_hash: hash.to_ascii_lowercase() })
    }
}

/// One line of the decisions csv.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// The row's client reference, else its id as written (may be empty).
    pub reference: String,
    /// 16 hex digits of SHA-256 over the row's title and text, lower-cased with runs of white space as one space.
    pub text_hash: String,
    pub decision: Decision,
    /// The canonical id a `replace` puts in place of the match; empty otherwise.
    pub replace_with: String,
    pub comment: String,
    /// The row's number in the input that was reviewed (for people; matching never uses it).
    pub reviewed_row: String,
    /// The row's canonical ids when it was reviewed, space-separated (for people).
    pub reviewed_ids: String,
}

impl DecisionRecord {
    pub fn key(&self) -> RowKey {
        RowKey { reference: self.reference.clone(), text_hash: self.text_hash.clone() }
    }
}

/// Why decisions could not be read: every problem, each naming its file, sheet, row and column.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{file}: no sheet '{SHEET}': is this a workbook `crosswalk map` wrote?")]
    NoSheet { file: String },
    #[error("{file}, sheet '{SHEET}': no `{header}` column in row 1: map the input again with this version to get the decision columns")]
    NoColumn { file: String, header: &'static str },
    #[error("{} problem(s) with the decisions; nothing was written:\n{}", .0.len(), .0.join("\n"))]
    Invalid(Vec<String>),
    #[error("{file}: {detail}")]
    Csv { file: String, detail: String },
}

/// Reads the decisions of a reviewed crosswalk workbook. Rows left at their default (an `auto` row accepted without
/// a comment) and rows without a decision are not decisions and are left out.
pub fn read_decisions(
    file: &str,
    tables: &[RawTable],
    catalogs: &Catalogs,
) -> Result<Vec<DecisionRecord>, ReviewError> {
    let table =
        tables.iter().find(|t| t.sheet.as_deref() == Some(SHEET)).ok_or(ReviewError::NoSheet { file: file.into() })?;
    let Some(header) = table.rows.first().filter(|r| r.number == 1) else {
        return Err(ReviewError::NoColumn { file: file.into(), header: DECISION });
    };
    let column = |name: &'static str| {
        header
            .cells
            .iter()
            .position(|c| c.as_text().trim() == name)
            .ok_or(ReviewError::NoColumn { file: file.into(), header: name })
    };
    let (c_row, c_review, c_ids) = (column("Row")?, column("Review")?, column("Canonical id")?);
    let (c_decision, c_replace, c_comment, c_key) =
        (column(DECISION)?, column(REPLACE_WITH)?, column(COMMENT)?, column(ROW_KEY)?);
    let at = |row: usize, col: usize, name: &str| {
        Location::file(file).sheet(Some(SHEET)).row(row).column(col, Some(name)).to_string()
    };
    let mut problems = Vec::new();
    let mut records: Vec<DecisionRecord> = Vec::new();
    let mut first_at: BTreeMap<RowKey, (usize, Decision, String)> = BTreeMap::new();
    for raw in &table.rows[1..] {
        let text = |c: usize| raw.cell(c).as_text().trim().to_string();
        let (decision_text, replace, comment) = (text(c_decision), text(c_replace), text(c_comment));
        if decision_text.is_empty() && replace.is_empty() && comment.is_empty() {
            continue;
        }
        let n = raw.number;
        let Some(key) = RowKey::from_cell(&text(c_key)) else {
            problems.push(format!(
                "{}: a decision on a row crosswalk did not write (no row key): it is not a row of the input; decide on the rows of the input only",
                at(n, c_decision, DECISION)
            ));
            continue;
        };
        let decision = match Decision::parse(&decision_text) {
            Some(d) => d,
            None if decision_text.is_empty() && replace.is_empty() => continue,
            None if decision_text.is_empty() => {
                problems.push(format!(
                    "{}: `Replace with` is filled but no decision is made: choose `replace`",
                    at(n, c_decision, DECISION)
                ));
                continue;
            }
            None => {
                problems.push(format!(
                    "{}: `{decision_text}` is not a decision: expected accept, reject or replace",
                    at(n, c_decision, DECISION)
                ));
                continue;
            }
        };
        let replace_with = match decision {
            Decision::Replace if replace.is_empty() => {
                problems.push(format!(
                    "{}: `replace` needs the id to replace the match with in `Replace with`",
                    at(n, c_replace, REPLACE_WITH)
                ));
                continue;
            }
            Decision::Replace => match known_id(catalogs, &replace) {
                Some(id) => id.to_string(),
                None => {
                    problems.push(format!(
                        "{}: `{replace}` is not a control, clause or criterion id of the catalogs (examples: A.5.15, 6.1.2, CC6.1)",
                        at(n, c_replace, REPLACE_WITH)
                    ));
                    continue;
                }
            },
            _ if !replace.is_empty() => {
                problems.push(format!(
                    "{}: `Replace with` is filled but the decision is `{}`: choose `replace`, or clear the id",
                    at(n, c_replace, REPLACE_WITH),
                    decision.as_str()
                ));
                continue;
            }
            _ => String::new(),
        };
        if decision == Decision::Accept && comment.is_empty() && text(c_review) == "auto" {
            continue;
        }
        if let Some((first, d, r)) = first_at.get(&key) {
            if (*d, r.as_str()) != (decision, replace_with.as_str()) {
                problems.push(format!(
                    "{}: this row has the same reference and text as row {first}, but another decision: make them agree",
                    at(n, c_decision, DECISION)
                ));
            }
            continue;
        }
        first_at.insert(key.clone(), (n, decision, replace_with.clone()));
        records.push(DecisionRecord {
            reference: key.reference,
            text_hash: key.text_hash,
            decision,
            replace_with,
            comment,
            reviewed_row: text(c_row),
            reviewed_ids: text(c_ids).split_whitespace().collect::<Vec<_>>().join(" "),
        });
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(ReviewError::Invalid(problems))
    }
}

/// A canonical id of the 2022 or TSC catalog, as the `Replace with` list offers them (also `a.5.15`, `cc6.1`).
fn known_id(catalogs: &Catalogs, text: &str) -> Option<ControlId> {
    let raw = crate::ids::parse_token(text)?;
    let resolved = crate::ids::resolve(&raw, catalogs, crate::ids::BareHint::Annex).ok()?;
    let id = resolved.id;
    (catalogs.iso2022.contains(id.as_str()) || catalogs.tsc.contains(id.as_str())).then_some(id)
}

/// The decisions csv: a header, then one line per decision, in the order of the reviewed sheet.
pub fn write_csv(records: &[DecisionRecord]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    if records.is_empty() {
        w.write_record([
            "reference",
            "text_hash",
            "decision",
            "replace_with",
            "comment",
            "reviewed_row",
            "reviewed_ids",
        ])?;
    }
    for r in records {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Reads a decisions csv; errors name the file and line.
pub fn read_csv(file: &str, text: &str) -> Result<Vec<DecisionRecord>, ReviewError> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.deserialize::<DecisionRecord>().enumerate() {
        let rec = rec.map_err(|e| ReviewError::Csv {
            file: file.into(),
            detail: format!("line {}: {}", i + 2, e.to_string().to_lowercase()),
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// What applying decisions to one input did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Decisions that found their row (unchanged), by row number of this input.
    pub matched: usize,
    /// Rows whose reference has a decision but whose text changed since: flagged for review again.
    pub changed: Vec<usize>,
    /// Decisions whose row is no longer in the input: (reference, row at review).
    pub missing: Vec<(String, String)>,
}

impl Applied {
    pub fn stale(&self) -> usize {
        self.changed.len() + self.missing.len()
    }
}

/// Applies decisions to rows as understood (before the crosswalk is built). A decided row is marked
/// `matched_by: decision`, `auto`; a row whose reference has a decision but whose text changed is flagged
/// `needs-review`; a decision whose row is gone is reported. Findings go to `issues`.
pub fn apply(
    records: &[DecisionRecord],
    rows: &mut [ImportedRow],
    decisions_file: &str,
    at: &Location,
    issues: &mut Vec<Issue>,
) -> Applied {
    let mut applied = Applied::default();
    let by_key: BTreeMap<RowKey, &DecisionRecord> = records.iter().map(|r| (r.key(), r)).collect();
    let mut used: std::collections::BTreeSet<RowKey> = std::collections::BTreeSet::new();
    let mut references: BTreeMap<&str, Vec<&DecisionRecord>> = BTreeMap::new();
    for r in records.iter().filter(|r| !r.reference.is_empty()) {
        references.entry(r.reference.as_str()).or_default().push(r);
    }
    for row in rows.iter_mut() {
        let key = RowKey::of(row);
        if let Some(d) = by_key.get(&key) {
            used.insert(key);
            applied.matched += 1;
            decide(row, d);
            continue;
        }
        if let Some(old) = references.get(key.reference.as_str()).filter(|_| !key.reference.is_empty()) {
            for d in old {
                used.insert(d.key());
            }
            applied.changed.push(row.row);
            row.review = Review::NeedsReview;
            let what = old.iter().map(|d| describe(d)).collect::<Vec<_>>().join("; ");
            let note =
                format!("the decision made in review ({what}) is stale: the row's text changed since, so decide again");
            issues.push(Issue::warning(at.clone().row(row.row), format!("`{}`: {note}", key.reference)));
            row.notes.push(note);
        }
    }
    for d in records.iter().filter(|d| !used.contains(&d.key())) {
        let name =
            if d.reference.is_empty() { "a row without reference".to_string() } else { format!("`{}`", d.reference) };
        issues.push(Issue::warning(
            Location::file(decisions_file),
            format!(
                "the decision for {name} (row {} when reviewed: {}) matches no row of {}: it is stale",
                d.reviewed_row,
                describe(d),
                at.file
            ),
        ));
        applied.missing.push((d.reference.clone(), d.reviewed_row.clone()));
    }
    applied
}

fn describe(d: &DecisionRecord) -> String {
    match d.decision {
        Decision::Replace => format!("replace with {}", d.replace_with),
        other => other.as_str().to_string(),
    }
}

fn decide(row: &mut ImportedRow, d: &DecisionRecord) {
    match d.decision {
        Decision::Accept => row.notes.push("accepted in review".into()),
        Decision::Reject => {
            row.ids.clear();
            row.candidates.clear();
            row.notes.push("rejected in review: maps to nothing".into());
        }
        Decision::Replace => {
            row.ids = vec![ControlId::new(d.replace_with.clone())];
            row.notes.push(format!("replaced in review with {}", d.replace_with));
        }
    }
    if !d.comment.is_empty() {
        row.notes.push(format!("review comment: {}", d.comment));
    }
    row.matched_by = MatchedBy::Decision;
    row.review = Review::Auto;
    row.score = 1.0;
}

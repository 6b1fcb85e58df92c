//! Review decisions: the stable identity of an input row, the decisions read back from a reviewed crosswalk
//! workbook, the decisions csv (docs/review.md), and applying decisions to the rows of a later run. Pure: the
//! workbook and the csv come in as values. The pairs a reviewer adds on `By criterion` are read in [`pairs`].

pub mod pairs;

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
        let normalised: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
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
    #[error("{file}, sheet '{sheet}': no `{header}` column in row 1: map the input again with this version to get the {what}")]
    NoColumn { file: String, sheet: String, header: &'static str, what: &'static str },
    #[error("{file}: no sheet 'By criterion' or 'By control', where pairs are added: is this a workbook `crosswalk map` wrote?")]
    NoPairSheet { file: String },
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
    let names = ["Row", "Review", "Canonical id", DECISION, REPLACE_WITH, COMMENT, ROW_KEY];
    let [row, review, ids, decision, replace, comment, key] = columns(file, SHEET, table, names, 3)?;
    let cols = Columns { row, review, ids, decision, replace, comment, key };
    let mut problems = Vec::new();
    let mut records: Vec<DecisionRecord> = Vec::new();
    let mut first_at: BTreeMap<RowKey, (usize, Decision, String)> = BTreeMap::new();
    for raw in &table.rows[1..] {
        let at = |col: usize, name: &str| cell_at(file, SHEET, raw.number, col, name);
        let record = match read_line(raw, &cols, catalogs, &at) {
            Ok(Some(record)) => record,
            Ok(None) => continue,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let key = record.key();
        if let Some((first, d, r)) = first_at.get(&key) {
            if (*d, r.as_str()) != (record.decision, record.replace_with.as_str()) {
                problems.push(format!(
                    "{}: this row has the same reference and text as row {first}, but another decision: make them agree",
                    at(cols.decision, DECISION)
                ));
            }
            continue;
        }
        first_at.insert(key, (raw.number, record.decision, record.replace_with.clone()));
        records.push(record);
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(ReviewError::Invalid(problems))
    }
}

/// The decisions and the added pairs of a reviewed workbook, every problem of both reported together.
pub fn read_all(
    file: &str,
    tables: &[RawTable],
    catalogs: &Catalogs,
) -> Result<(Vec<DecisionRecord>, Vec<pairs::AddedPair>), ReviewError> {
    match (read_decisions(file, tables, catalogs), pairs::read_pairs(file, tables, catalogs)) {
        (Ok(records), Ok(pairs)) => Ok((records, pairs)),
        (Err(ReviewError::Invalid(mut a)), Err(ReviewError::Invalid(b))) => {
            a.extend(b);
            Err(ReviewError::Invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Where the columns `review apply` reads are on the `Crosswalk` sheet.
struct Columns {
    row: usize,
    review: usize,
    ids: usize,
    decision: usize,
    replace: usize,
    comment: usize,
    key: usize,
}

/// The columns headed `names` in row 1 of a sheet, in that order; without a row 1 the error names
/// `names[main]`.
pub(crate) fn columns<const N: usize>(
    file: &str,
    sheet: &str,
    table: &RawTable,
    names: [&'static str; N],
    main: usize,
) -> Result<[usize; N], ReviewError> {
    let what = if sheet == SHEET { "decision columns" } else { "columns for added pairs" };
    let missing = |header| ReviewError::NoColumn { file: file.into(), sheet: sheet.to_string(), header, what };
    let Some(header) = table.rows.first().filter(|r| r.number == 1) else {
        return Err(missing(names[main]));
    };
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = header.cells.iter().position(|c| c.as_text().trim() == name).ok_or_else(|| missing(name))?;
    }
    Ok(out)
}

/// A cell of a reviewed sheet, as errors name it.
pub(crate) fn cell_at(file: &str, sheet: &str, row: usize, col: usize, name: &str) -> String {
    Location::file(file).sheet(Some(sheet)).row(row).column(col, Some(name)).to_string()
}

/// The decision on one line of `Crosswalk`: `None` when there is none (or only the prefilled `accept`), `Err`
/// with the problem and its cell.
fn read_line(
    raw: &crate::read::RawRow,
    cols: &Columns,
    catalogs: &Catalogs,
    at: &dyn Fn(usize, &str) -> String,
) -> Result<Option<DecisionRecord>, String> {
    let text = |c: usize| raw.cell(c).as_text().trim().to_string();
    let (decision_text, replace, comment) = (text(cols.decision), text(cols.replace), text(cols.comment));
    if decision_text.is_empty() && replace.is_empty() && comment.is_empty() {
        return Ok(None);
    }
    let Some(key) = RowKey::from_cell(&text(cols.key)) else {
        return Err(format!(
            "{}: a decision on a row crosswalk did not write (no row key): it is not a row of the input; decide on the rows of the input only",
            at(cols.decision, DECISION)
        ));
    };
    let decision = match Decision::parse(&decision_text) {
        Some(d) => d,
        None if decision_text.is_empty() && replace.is_empty() => return Ok(None),
        None if decision_text.is_empty() => {
            return Err(format!(
                "{}: `Replace with` is filled but no decision is made: choose `replace`",
                at(cols.decision, DECISION)
            ))
        }
        None => {
            return Err(format!(
                "{}: `{decision_text}` is not a decision: expected accept, reject or replace",
                at(cols.decision, DECISION)
            ))
        }
    };
    let at_replace = || at(cols.replace, REPLACE_WITH);
    let replace_with = match decision {
        Decision::Replace if replace.is_empty() => {
            return Err(format!("{}: `replace` needs the id to replace the match with in `Replace with`", at_replace()))
        }
        Decision::Replace => match known_id(catalogs, &replace) {
            Some(id) => id.to_string(),
            None => {
                return Err(format!(
                    "{}: `{replace}` is not a control, clause or criterion id of the catalogs (examples: A.5.15, 6.1.2, CC6.1)",
                    at_replace()
                ))
            }
        },
        _ if !replace.is_empty() => {
            return Err(format!(
                "{}: `Replace with` is filled but the decision is `{}`: choose `replace`, or clear the id",
                at_replace(),
                decision.as_str()
            ))
        }
        _ => String::new(),
    };
    if decision == Decision::Accept && comment.is_empty() && text(cols.review) == "auto" {
        return Ok(None);
    }
    Ok(Some(DecisionRecord {
        reference: key.reference,
        text_hash: key.text_hash,
        decision,
        replace_with,
        comment,
        reviewed_row: text(cols.row),
        reviewed_ids: text(cols.ids).split_whitespace().collect::<Vec<_>>().join(" "),
    }))
}

/// A canonical id of the 2022 or TSC catalog, as the `Replace with` list offers them (also `a.5.15`, `cc6.1`).
pub(crate) fn known_id(catalogs: &Catalogs, text: &str) -> Option<ControlId> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reference: Option<&str>, raw_id: Option<&str>, title: &str, text: &str) -> ImportedRow {
        let mut r = ImportedRow::by_id(2, "A.5.15");
        r.reference = reference.map(str::to_string);
        r.raw_id = raw_id.map(str::to_string);
        r.title = Some(title.to_string());
        r.text = Some(text.to_string());
        r
    }

    #[test]
    fn a_row_key_ignores_case_and_spacing_but_not_words() {
        let a = RowKey::of(&row(Some("C-21"), Some("A.5.15"), "Access control", "Rules  for access.\n"));
        let b = RowKey::of(&row(Some("C-21"), Some("5.15"), "access CONTROL", " rules for access."));
        assert_eq!(a, b, "same reference and text, whatever the id spelling, case and spaces");
        assert_eq!(a.reference, "C-21");
        assert_eq!(a.text_hash.len(), 16);
        let changed = RowKey::of(&row(Some("C-21"), None, "Access control", "Rules for remote access."));
        assert_ne!(a.text_hash, changed.text_hash);
        // Without a client reference the id as written identifies the row.
        assert_eq!(RowKey::of(&row(None, Some("A.05.15"), "t", "x")).reference, "A.05.15");
        assert_eq!(RowKey::from_cell(&a.to_cell()), Some(a));
        assert_eq!(RowKey::from_cell("C#21#0123456789ABCDEF").unwrap().reference, "C#21");
        assert_eq!(RowKey::from_cell("C-21"), None);
    }

    #[test]
    fn the_decisions_csv_reads_back() {
        let records = vec![DecisionRecord {
            reference: "C-21".into(),
            text_hash: "0123456789abcdef".into(),
            decision: Decision::Replace,
            replace_with: "A.5.18".into(),
            comment: "access rights, \"not\" control".into(),
            reviewed_row: "7".into(),
            reviewed_ids: "A.5.15".into(),
        }];
        let bytes = write_csv(&records).unwrap();
        assert_eq!(read_csv("d.csv", std::str::from_utf8(&bytes).unwrap()).unwrap(), records);
        let empty = write_csv(&[]).unwrap();
        assert!(read_csv("d.csv", std::str::from_utf8(&empty).unwrap()).unwrap().is_empty());
        let err = read_csv(
            "d.csv",
            "reference,text_hash,decision,replace_with,comment,reviewed_row,reviewed_ids\nC,0,maybe,,,,\n",
        );
        assert!(err.unwrap_err().to_string().starts_with("d.csv: line 2: "));
    }
}

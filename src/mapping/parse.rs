//! Reading one mapping file in our csv format: every row problem collected with its line (unknown ids, bad values,
//! missing rationale, duplicates), never only the first.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Pair, Relationship, Role, SUPPORTING_MAX};
use crate::catalog::data::DataFile;
use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::issue::{Issue, Location};

#[derive(Deserialize)]
struct Row {
    source: String,
    target: String,
    relationship: String,
    strength: String,
    /// Absent in files written before the column existed: then the strength decides.
    #[serde(default)]
    role: Option<String>,
    rationale: String,
    #[serde(default)]
    agreeing_sources: String,
}

/// The values of a row, each `None` when it could not be read (a problem says why).
struct Values {
    relationship: Option<Relationship>,
    strength: Option<u8>,
    role: Option<Role>,
}

/// Reads one mapping file, collecting every row problem (unknown ids, bad values, missing rationale, duplicates).
pub fn parse(file: &DataFile, catalogs: &Catalogs) -> (Vec<Pair>, Vec<Issue>) {
    let mut pairs = Vec::new();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(file.text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (pairs, vec![Issue::error(Location::file(&file.name).row(1), e.to_string())]),
    };
    let mut problems = missing_columns(&file.name, &headers);
    if !problems.is_empty() {
        return (pairs, problems);
    }
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for record in reader.records() {
        let (row, line, at) = match read_row(record, &headers, &file.name) {
            Ok(r) => r,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let before = problems.len();
        let values = check_values(&row, &at, &mut problems);
        check_ids(&row, &at, values.relationship, catalogs, &mut problems);
        let key = (row.source.clone(), row.target.clone());
        if let Some(first) = seen.get(&key) {
            problems.push(Issue::error(
                at.clone(),
                format!("duplicate pair `{}` -> `{}` (first on row {first})", row.source, row.target),
            ));
        } else {
            seen.insert(key, line);
        }
        if problems.len() == before {
            pairs.push(pair(row, &values, at));
        }
    }
    (pairs, problems)
}

/// The columns every mapping file must have.
fn missing_columns(file: &str, headers: &csv::StringRecord) -> Vec<Issue> {
    let mut problems = Vec::new();
    for required in ["source", "target", "relationship", "strength", "rationale"] {
        if !headers.iter().any(|h| h == required) {
            let found = headers.iter().collect::<Vec<_>>().join(",");
            problems.push(Issue::error(
                Location::file(file).row(1),
                format!("missing column `{required}`: the header must be `source,target,relationship,strength,role,rationale,agreeing_sources`, found `{found}`"),
            ));
        }
    }
    problems
}

/// One record as a row, with its line and location; a record that cannot be read is a problem.
fn read_row(
    record: csv::Result<csv::StringRecord>,
    headers: &csv::StringRecord,
    file: &str,
) -> Result<(Row, usize, Location), Issue> {
    let record = record.map_err(|e| {
        let line = e.position().map_or(0, |p| p.line() as usize);
        Issue::error(Location::file(file).row(line), e.to_string())
    })?;
    let line = record.position().map_or(0, |p| p.line() as usize);
    let at = Location::file(file).row(line);
    match record.deserialize(Some(headers)) {
        Ok(row) => Ok((row, line, at)),
        Err(e) => Err(Issue::error(at, e.to_string())),
    }
}

/// Relationship, strength and role, and whether they agree with each other.
fn check_values(row: &Row, at: &Location, problems: &mut Vec<Issue>) -> Values {
    let relationship = Relationship::parse(&row.relationship);
    if relationship.is_none() {
        problems.push(Issue::error(
            at.clone(),
            format!("relationship `{}` is not one of equal, subset, superset, intersects, none", row.relationship),
        ));
    }
    let strength = row.strength.parse::<u8>().ok().filter(|s| (1..=10).contains(s));
    if strength.is_none() {
        problems
            .push(Issue::error(at.clone(), format!("strength `{}` is not a whole number from 1 to 10", row.strength)));
    }
    let role = match row.role.as_deref().map(str::trim) {
        None => Some(Role::from_strength(strength.unwrap_or(1))),
        Some("") if relationship == Some(Relationship::None) => Some(Role::Supporting),
        Some(text) => {
            let role = Role::parse(text);
            if role.is_none() {
                problems.push(Issue::error(at.clone(), format!("role `{text}` is not one of core, supporting")));
            }
            role
        }
    };
    if role == Some(Role::Core) && relationship == Some(Relationship::None) {
        problems.push(Issue::error(at.clone(), "a `none` row cannot be `core`: leave `role` empty"));
    }
    if let (Some(Role::Core), Some(s)) = (role, strength.filter(|s| *s <= SUPPORTING_MAX)) {
        problems.push(Issue::error(
            at.clone(),
            format!(
                "a link of strength {s} is context, not coverage: set `role` to `supporting` or raise the strength above {SUPPORTING_MAX}"
            ),
        ));
    }
    Values { relationship, strength, role }
}

/// The rationale, and the ids: known, not both empty, and a row without one of them is a `none` row.
fn check_ids(
    row: &Row,
    at: &Location,
    relationship: Option<Relationship>,
    catalogs: &Catalogs,
    problems: &mut Vec<Issue>,
) {
    if row.rationale.is_empty() {
        problems.push(Issue::error(at.clone(), "the rationale is empty: every pair needs one sentence saying why"));
    }
    if !row.source.is_empty() && !catalogs.iso2022.contains(&row.source) {
        problems.push(Issue::error(at.clone(), format!("source `{}` is not an ISO 27001:2022 id", row.source)));
    }
    if !row.target.is_empty() && !catalogs.tsc.contains(&row.target) {
        problems.push(Issue::error(at.clone(), format!("target `{}` is not a TSC 2017 criterion", row.target)));
    }
    if row.source.is_empty() && row.target.is_empty() {
        problems.push(Issue::error(at.clone(), "both `source` and `target` are empty"));
    }
    if (row.source.is_empty() || row.target.is_empty()) && relationship.is_some_and(|r| r != Relationship::None) {
        problems.push(Issue::error(at.clone(), "a row without a source or a target must have relationship `none`"));
    }
}

/// The pair of a row without problems.
fn pair(row: Row, values: &Values, at: Location) -> Pair {
    Pair {
        source: (!row.source.is_empty()).then(|| ControlId::new(row.source)),
        target: (!row.target.is_empty()).then(|| ControlId::new(row.target)),
        relationship: values.relationship.unwrap_or(Relationship::None),
        strength: values.strength.unwrap_or(1),
        role: values.role.unwrap_or(Role::Supporting),
        rationale: row.rationale.into(),
        agreeing_sources: row
            .agreeing_sources
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        at,
    }
}

//! Pairs a reviewer adds for one client on the workbook's `By criterion` sheet (`By control` for SOC 2 input):
//! ids typed in the `Add ISO controls` (`Add SOC 2 criteria`) column of a line, how they count in `Added as`, and
//! why in `Why added`. Read back as a mapping overlay in the csv `--mapping` reads, with the columns of
//! `mapping export --format csv` (docs/review.md).

use std::collections::BTreeMap;

use super::{cell_at, columns, known_id, ReviewError};
use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::mapping::{Relationship, Role};
use crate::read::{RawRow, RawTable};

/// Headers of the reviewer's columns on `By criterion` (ISO ids to add) and `By control` (criteria to add).
pub const ADD_ISO: &str = "Add ISO controls";
pub const ADD_TSC: &str = "Add SOC 2 criteria";
pub const ADDED_AS: &str = "Added as";
pub const WHY_ADDED: &str = "Why added";

/// The sheets pairs are added on: lines of criteria, lines of ISO elements.
const BY_CRITERION: &str = "By criterion";
const BY_CONTROL: &str = "By control";

/// How an added pair counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// The ISO element alone meets the criterion (or the criterion alone holds the ISO control): `superset`
    /// (`subset` on `By control`), strength 8, core.
    Covers,
    /// One of the elements the line needs: `intersects`, strength 6, core. The default.
    Part,
    /// Context, shown but never counted: `intersects`, strength 3, supporting.
    Context,
}

impl Added {
    pub const ALL: [&'static str; 3] = ["covers", "part", "context"];

    pub fn parse(s: &str) -> Option<Added> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "part" => Some(Added::Part),
            "covers" => Some(Added::Covers),
            "context" => Some(Added::Context),
            _ => None,
        }
    }

    /// Relationship (read from the ISO element's side, as the mapping holds it), strength and role. `iso_line`:
    /// the line is an ISO element and the added id a criterion.
    fn link(self, iso_line: bool) -> (Relationship, u8, Role) {
        match self {
            Added::Covers if iso_line => (Relationship::Subset, 8, Role::Core),
            Added::Covers => (Relationship::Superset, 8, Role::Core),
            Added::Part => (Relationship::Intersects, 6, Role::Core),
            Added::Context => (Relationship::Intersects, 3, Role::Supporting),
        }
    }
}

/// One pair added in review, as a line of the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedPair {
    /// ISO 27001:2022 control or clause.
    pub source: ControlId,
    /// TSC 2017 criterion.
    pub target: ControlId,
    pub relationship: Relationship,
    pub strength: u8,
    pub role: Role,
    pub rationale: String,
}

/// The pairs added on a reviewed workbook's `By criterion` (or `By control`) sheet, in sheet order. Every problem
/// is reported with its cell: an id that is not in the catalogs, an id of the wrong framework, a line that is not
/// a criterion (control), an `Added as` that is not a choice, a pair added twice.
pub fn read_pairs(file: &str, tables: &[RawTable], catalogs: &Catalogs) -> Result<Vec<AddedPair>, ReviewError> {
    let sheet_of = |name: &str| tables.iter().find(|t| t.sheet.as_deref() == Some(name));
    let (table, sheet, iso_line) = match (sheet_of(BY_CRITERION), sheet_of(BY_CONTROL)) {
        (Some(t), _) => (t, BY_CRITERION, false),
        (None, Some(t)) => (t, BY_CONTROL, true),
        (None, None) => return Err(ReviewError::NoPairSheet { file: file.into() }),
    };
    let add = if iso_line { ADD_TSC } else { ADD_ISO };
    let [add_col, as_col, why_col] = columns(file, sheet, table, [add, ADDED_AS, WHY_ADDED], 0)?;
    let mut problems = Vec::new();
    let mut pairs: Vec<AddedPair> = Vec::new();
    let mut first: BTreeMap<(ControlId, ControlId), usize> = BTreeMap::new();
    for raw in &table.rows[1..] {
        let at = |col: usize, name: &str| cell_at(file, sheet, raw.number, col, name);
        let line = Line { raw, add: add_col, added_as: as_col, why: why_col, sheet, iso_line };
        match line.read(catalogs, &at) {
            Ok(found) => {
                for pair in found {
                    let key = (pair.source.clone(), pair.target.clone());
                    if let Some(row) = first.get(&key) {
                        problems.push(format!(
                            "{}: {} and {} are already paired on row {row}: add a pair once",
                            at(add_col, add),
                            pair.source,
                            pair.target
                        ));
                        continue;
                    }
                    first.insert(key, raw.number);
                    pairs.push(pair);
                }
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(ReviewError::Invalid(problems))
    }
}

/// One line of the sheet and where its columns are.
struct Line<'a> {
    raw: &'a RawRow,
    add: usize,
    added_as: usize,
    why: usize,
    sheet: &'a str,
    /// The sheet's lines are ISO elements (`By control`), the ids added criteria.
    iso_line: bool,
}

impl Line<'_> {
    /// The pairs of this line, or every problem with it.
    fn read(&self, catalogs: &Catalogs, at: &dyn Fn(usize, &str) -> String) -> Result<Vec<AddedPair>, Vec<String>> {
        let text = |c: usize| self.raw.cell(c).as_text().trim().to_string();
        let (ids, added_as, why) = (text(self.add), text(self.added_as), text(self.why));
        let add = if self.iso_line { ADD_TSC } else { ADD_ISO };
        if ids.is_empty() {
            if added_as.is_empty() && why.is_empty() {
                return Ok(Vec::new());
            }
            return Err(vec![format!(
                "{}: `{ADDED_AS}` or `{WHY_ADDED}` is filled but no id is given: type the ids to add here, or clear the line's other cells",
                at(self.add, add)
            )]);
        }
        let mut problems = Vec::new();
        let (line_word, added_word) = if self.iso_line {
            ("an ISO 27001:2022 control or clause", "SOC 2 criteria (CC6.1)")
        } else {
            ("a SOC 2 criterion", "ISO 27001:2022 controls or clauses (A.5.15, 9.2)")
        };
        let first = text(0);
        let line_id = known_id(catalogs, &first).filter(|id| catalogs.tsc.contains(id.as_str()) != self.iso_line);
        if line_id.is_none() {
            problems.push(format!(
                "{}: `{first}` is not {line_word}: add pairs on the lines of the sheet (or type the id of a line added by hand here)",
                at(0, if self.iso_line { "Control" } else { "Criterion" })
            ));
        }
        let how = Added::parse(&added_as);
        if how.is_none() {
            problems.push(format!("{}: `{added_as}` is not covers, part or context", at(self.added_as, ADDED_AS)));
        }
        let mut added = Vec::new();
        for token in ids.split([',', ';', ' ', '\n', '\t']).map(str::trim).filter(|t| !t.is_empty()) {
            match known_id(catalogs, token) {
                Some(id) if catalogs.tsc.contains(id.as_str()) == self.iso_line => added.push(id),
                Some(id) => problems.push(format!(
                    "{}: `{id}` is {}: this column takes {added_word}",
                    at(self.add, add),
                    if self.iso_line { "an ISO 27001 id" } else { "a SOC 2 criterion" }
                )),
                None => problems.push(format!(
                    "{}: `{token}` is not an id of the catalogs: this column takes {added_word}",
                    at(self.add, add)
                )),
            }
        }
        let (Some(line_id), Some(how), true) = (line_id, how, problems.is_empty()) else {
            return Err(problems);
        };
        let (relationship, strength, role) = how.link(self.iso_line);
        let rationale = if why.is_empty() {
            format!("added in review ({}, row {}); no reason given", self.sheet, self.raw.number)
        } else {
            why
        };
        Ok(added
            .into_iter()
            .map(|id| {
                let (source, target) = if self.iso_line { (line_id.clone(), id) } else { (id, line_id.clone()) };
                AddedPair { source, target, relationship, strength, role, rationale: rationale.clone() }
            })
            .collect())
    }
}

/// The overlay: `mapping export --format csv`'s columns, one line per added pair (a header alone when none).
pub fn write_overlay(pairs: &[AddedPair]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["source", "target", "relationship", "strength", "rationale", "role"])?;
    for p in pairs {
        w.write_record([
            p.source.as_str(),
            p.target.as_str(),
            p.relationship.as_str(),
            &p.strength.to_string(),
            &crate::report::csv_safe(&p.rationale),
            p.role.as_str(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

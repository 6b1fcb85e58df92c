//! Reference catalogs: ISO 27001:2022 (Annex A and clauses), ISO 27001:2013 Annex A, SOC 2 TSC 2017, and the
//! 2013 -> 2022 transition. The data ships as CSV files in `mappings/`, built into the binary; a data directory
//! can replace any of them one file at a time.

pub mod data;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ids::{ControlId, Framework, KnownIds};
use crate::issue::Location;

pub use data::DataFiles;

/// What a catalog entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// ISO 27001:2022 Annex A control.
    Annex,
    /// ISO 27001:2022 ISMS clause (4–10).
    Clause,
    /// ISO 27001:2013 Annex A control.
    Annex2013,
    /// SOC 2 Trust Services Criterion.
    Criterion,
}

/// One control, clause or criterion.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: ControlId,
    pub kind: EntryKind,
    /// Annex A theme (`organizational` …), `isms` for clauses, 2013 domain, or TSC category key (`security` …).
    pub group: String,
    /// TSC series (`CC6`) and its title; empty elsewhere.
    pub series: String,
    pub series_title: String,
    pub title: String,
    pub description: String,
    /// Clauses with sub-clauses (`6.1`) are not assessed themselves.
    pub assessable: bool,
    pub new_in_2022: bool,
    /// TSC only: what SOC 2 asks beyond a typical ISO programme.
    pub beyond_iso: String,
    /// TSC only: what ISO 27001 does not hold of the criterion, so that even every core ISO element in place
    /// leaves it partial.
    pub limit: Option<Limit>,
}

/// Part of a criterion that ISO/IEC 27001 does not require, whatever the programme implements (the `limit` column
/// of `tsc-2017.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// Oversight by a board or audit committee independent of management.
    Board,
    /// An assessment of fraud risk.
    FraudRisk,
    /// A system description and service commitments communicated to customers and other outside parties.
    ExternalCommitments,
    /// Completeness and accuracy checks on the information and reports used to run and evidence controls.
    ReportData,
    /// Processing specifications and completeness and accuracy of inputs, processing and outputs.
    ProcessingIntegrity,
    /// Privacy practices (notice, choice, consent, data-subject rights, disclosure records) of the entity itself.
    Privacy,
}

/// The entries of one framework, in natural id order.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub framework: Framework,
    pub entries: Vec<Entry>,
    index: HashMap<String, usize>,
}

impl Catalog {
    fn new(framework: Framework, mut entries: Vec<Entry>) -> Catalog {
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let index = entries.iter().enumerate().map(|(i, e)| (e.id.as_str().to_string(), i)).collect();
        Catalog { framework, entries, index }
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.index.get(id).map(|&i| &self.entries[i])
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }
}

/// One line of ISO/IEC 27002:2022 Annex B: a 2013 control and the 2022 control it became.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub from: ControlId,
    pub to: ControlId,
    /// `one-to-one`, `merged` or `split`.
    pub change: String,
}

/// All reference catalogs.
#[derive(Debug, Clone)]
pub struct Catalogs {
    pub iso2022: Catalog,
    pub iso2013: Catalog,
    pub tsc: Catalog,
    pub transitions: Vec<Transition>,
}

/// A catalog file that does not read.
#[derive(Debug, thiserror::Error)]
#[error("{at}: {message}")]
pub struct CatalogError {
    pub at: Location,
    pub message: String,
}

impl Catalogs {
    /// Loads the catalogs from the data files (built in or overridden).
    pub fn load(files: &DataFiles) -> Result<Catalogs, CatalogError> {
        let iso2022 = read_rows::<Iso2022Row>(&files.iso2022)?
            .into_iter()
            .map(|(_, r)| Entry {
                kind: if r.kind == "clause" { EntryKind::Clause } else { EntryKind::Annex },
                id: ControlId::new(r.id),
                group: r.theme,
                series: String::new(),
                series_title: String::new(),
                title: r.title,
                description: r.description,
                assessable: r.assessable != "no",
                new_in_2022: r.new_in_2022 == "yes",
                beyond_iso: String::new(),
                limit: None,
            })
            .collect();
        let iso2013 = read_rows::<Iso2013Row>(&files.iso2013)?
            .into_iter()
            .map(|(_, r)| Entry {
                id: ControlId::new(r.id),
                kind: EntryKind::Annex2013,
                group: r.domain,
                series: String::new(),
                series_title: String::new(),
                title: r.title,
                description: String::new(),
                assessable: true,
                new_in_2022: false,
                beyond_iso: String::new(),
                limit: None,
            })
            .collect();
        let tsc = read_rows::<TscRow>(&files.tsc)?
            .into_iter()
            .map(|(_, r)| Entry {
                id: ControlId::new(r.id),
                kind: EntryKind::Criterion,
                group: r.category,
                series: r.series,
                series_title: r.series_title,
                title: r.title,
                description: r.description,
                assessable: true,
                new_in_2022: false,
                beyond_iso: r.beyond_iso,
                limit: r.limit,
            })
            .collect();
        let catalogs = Catalogs {
            iso2022: Catalog::new(Framework::Iso2022, iso2022),
            iso2013: Catalog::new(Framework::Iso2013, iso2013),
            tsc: Catalog::new(Framework::Tsc2017, tsc),
            transitions: Vec::new(),
        };
        let mut transitions = Vec::new();
        for (line, r) in read_rows::<TransitionRow>(&files.transition)? {
            let at = Location::file(&files.transition.name).row(line);
            if !catalogs.iso2013.contains(&r.iso2013_id) {
                return Err(CatalogError { at, message: format!("`{}` is not an ISO 27001:2013 id", r.iso2013_id) });
            }
            if !catalogs.iso2022.contains(&r.iso2022_id) {
                return Err(CatalogError { at, message: format!("`{}` is not an ISO 27001:2022 id", r.iso2022_id) });
            }
            transitions.push(Transition {
                from: ControlId::new(r.iso2013_id),
                to: ControlId::new(r.iso2022_id),
                change: r.change_type,
            });
        }
        Ok(Catalogs { transitions, ..catalogs })
    }

    /// The built-in catalogs. They are tested, so loading them cannot fail at run time.
    pub fn builtin() -> Catalogs {
        Catalogs::load(&DataFiles::builtin()).unwrap_or_else(|e| panic!("built-in catalog is broken: {e}"))
    }

    pub fn catalog(&self, framework: Framework) -> Option<&Catalog> {
        match framework {
            Framework::Iso2022 => Some(&self.iso2022),
            Framework::Iso2013 => Some(&self.iso2013),
            Framework::Tsc2017 => Some(&self.tsc),
            Framework::Custom => None,
        }
    }

    /// Looks an id up in whichever catalog holds it.
    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.iso2022.get(id).or_else(|| self.iso2013.get(id)).or_else(|| self.tsc.get(id))
    }

    /// The 2022 controls a 2013 control became.
    pub fn successors(&self, id_2013: &str) -> Vec<&Transition> {
        self.transitions.iter().filter(|t| t.from.as_str() == id_2013).collect()
    }

    /// The 2013 controls a 2022 control came from.
    pub fn predecessors(&self, id_2022: &str) -> Vec<&Transition> {
        self.transitions.iter().filter(|t| t.to.as_str() == id_2022).collect()
    }

    /// Annex A controls of 2022 (without clauses).
    pub fn annex_controls(&self) -> impl Iterator<Item = &Entry> {
        self.iso2022.entries.iter().filter(|e| e.kind == EntryKind::Annex)
    }

    /// Clauses that are assessed (leaves such as `6.1.2`, not `6.1`).
    pub fn assessable_clauses(&self) -> impl Iterator<Item = &Entry> {
        self.iso2022.entries.iter().filter(|e| e.kind == EntryKind::Clause && e.assessable)
    }
}

impl KnownIds for Catalogs {
    fn knows(&self, framework: Framework, id: &str) -> bool {
        self.catalog(framework).is_some_and(|c| c.contains(id))
    }
}

#[derive(Deserialize)]
struct Iso2022Row {
    id: String,
    kind: String,
    theme: String,
    title: String,
    assessable: String,
    new_in_2022: String,
    description: String,
}

#[derive(Deserialize)]
struct Iso2013Row {
    id: String,
    domain: String,
    title: String,
}

#[derive(Deserialize)]
struct TscRow {
    id: String,
    category: String,
    series: String,
    series_title: String,
    title: String,
    description: String,
    beyond_iso: String,
    #[serde(default)]
    limit: Option<Limit>,
}

#[derive(Deserialize)]
struct TransitionRow {
    iso2013_id: String,
    iso2022_id: String,
    change_type: String,
}

/// Reads a data CSV into typed rows with their 1-based line numbers; errors name the file and line.
pub fn read_rows<T: serde::de::DeserializeOwned>(file: &data::DataFile) -> Result<Vec<(usize, T)>, CatalogError> {
    let fail = |line: usize, message: String| CatalogError { at: Location::file(&file.name).row(line), message };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(file.text.as_bytes());
    let headers = reader.headers().map_err(|e| fail(1, e.to_string()))?.clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| fail(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let row = record.deserialize(Some(&headers)).map_err(|e| {
            let message = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => match err.field() {
                    Some(i) => format!("column `{}`: {}", headers.get(i as usize).unwrap_or("?"), err.kind()),
                    None => err.to_string(),
                },
                _ => e.to_string(),
            };
            fail(line, message)
        })?;
        out.push((line, row));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogs_are_complete() {
        let c = Catalogs::builtin();
        assert_eq!(c.annex_controls().count(), 93);
        assert_eq!(c.iso2013.entries.len(), 114);
        assert_eq!(c.tsc.entries.len(), 61);
        assert_eq!(c.assessable_clauses().count(), 30);
        assert_eq!(c.annex_controls().filter(|e| e.new_in_2022).count(), 11);
        for e in c.iso2022.entries.iter().chain(&c.tsc.entries) {
            assert!(!e.title.is_empty() && !e.description.is_empty(), "{} lacks title or description", e.id);
        }
    }

    #[test]
    fn every_2013_control_has_a_successor() {
        let c = Catalogs::builtin();
        for e in &c.iso2013.entries {
            assert!(!c.successors(e.id.as_str()).is_empty(), "{} has no 2022 successor", e.id);
        }
        let to: Vec<&str> = c.successors("A.9.2.3").iter().map(|t| t.to.as_str()).collect();
        assert_eq!(to, ["A.8.2"]);
    }

    #[test]
    fn a_bad_catalog_line_is_named() {
        let mut files = DataFiles::builtin();
        files.transition.text =
            "iso2013_id,iso2022_id,change_type\nA.9.2.3,A.8.2,one-to-one\nA.9.9.9,A.8.2,merged\n".into();
        let err = Catalogs::load(&files).unwrap_err();
        assert_eq!(err.to_string(), "mappings/iso27001-2013-to-2022.csv, row 3: `A.9.9.9` is not an ISO 27001:2013 id");
    }
}

//! Which canonical id a raw id names, with the catalogs: [`resolve`] returns the id and what it did to get there
//! ([`Resolved`]), or why the id names nothing ([`ResolveError`]). Both become words only when written out.

use std::fmt;

use super::{ControlId, Framework, RawId, TscPrefix};

/// Which canonical id a raw id names, and how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub id: ControlId,
    pub framework: Framework,
    /// How a bare `5.1`, both a clause and an Annex A control, was read.
    pub bare: Option<BareReading>,
    /// `PP1.1` read as `PI1.1` (Processing Integrity).
    pub misspelt: bool,
    /// The point of focus (`CC1.1.1` gives 1) rolled up to its criterion.
    pub point: Option<u32>,
}

/// How a bare number that is both a clause and an Annex A control was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareReading {
    /// `5.1` read as Annex A `A.5.1`.
    AsAnnex,
    /// `5.1` read as clause 5.1.
    AsClause,
}

impl Resolved {
    fn plain(id: String, framework: Framework) -> Resolved {
        Resolved { id: ControlId(id), framework, bare: None, misspelt: false, point: None }
    }

    /// Whether the id was read from a point of focus (`CC1.1.1` as `CC1.1`).
    pub fn is_point_of_focus(&self) -> bool {
        self.point.is_some()
    }

    /// Why an ambiguous or altered id was read this way, for the reader (bare `5.1`, `PP1.1`, point of focus).
    pub fn note(&self) -> Option<String> {
        let id = &self.id;
        let mut notes = Vec::new();
        match self.bare {
            Some(BareReading::AsAnnex) => {
                let clause = id.as_str().trim_start_matches("A.");
                notes.push(format!("bare `{clause}` read as Annex A `{id}`, not clause {clause}"));
            }
            Some(BareReading::AsClause) => notes.push(format!("bare `{id}` read as clause {id}, not Annex A `A.{id}`")),
            None => {}
        }
        if self.misspelt {
            notes.push(format!("`PP{}` read as `{id}` (Processing Integrity)", id.as_str().trim_start_matches("PI")));
        }
        if let Some(p) = self.point {
            notes.push(format!("point of focus `{id}.{p}` rolled up to criterion `{id}`"));
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    }
}

/// Why a raw id names no canonical id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The id has the form of the framework's ids but the catalog has no such id.
    Unknown { id: String, framework: Framework },
    /// A bare number that is neither a clause nor an Annex A control.
    NeitherClauseNorAnnex { number: String },
    /// `C6.5` where the catalog has `CC6.5`: a dropped letter.
    DroppedLetter { id: String, meant: String },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Unknown { id, framework } => {
                let article = if *framework == Framework::Tsc2017 { "a" } else { "an" };
                write!(f, "`{id}` is not {article} {} id", describe(*framework))
            }
            ResolveError::NeitherClauseNorAnnex { number } => {
                write!(f, "`{number}` is neither an ISO 27001 clause nor an Annex A control")
            }
            ResolveError::DroppedLetter { id, meant } => {
                write!(f, "`{id}` is not a SOC 2 (TSC 2017) id (did you mean `{meant}`?)")
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// How to read a bare `5.1` when nothing else decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BareHint {
    /// Prefer Annex A (the column holds Annex A ids).
    #[default]
    Annex,
    /// Prefer a clause (the column holds clause ids, or the title says so).
    Clause,
}

/// The catalog knowledge [`resolve`] needs: which canonical ids exist.
pub trait KnownIds {
    fn knows(&self, framework: Framework, id: &str) -> bool;
}

/// Resolves a raw id to a canonical id that exists.
pub fn resolve(raw: &RawId, known: &dyn KnownIds, hint: BareHint) -> Result<Resolved, ResolveError> {
    match raw {
        RawId::Annex(t, n) => known_id(known, Framework::Iso2022, format!("A.{t}.{n}")),
        RawId::Annex2013(d, o, c) => known_id(known, Framework::Iso2013, format!("A.{d}.{o}.{c}")),
        RawId::Clause(parts) => known_id(known, Framework::Iso2022, join(parts)),
        RawId::Bare(parts) => resolve_bare(parts, known, hint),
        RawId::Tsc { prefix, series, number, point, misspelt } => {
            let id = format!("{}{series}.{number}", prefix.as_str());
            // `C6.5` for `CC6.5`: a dropped letter is a common typo.
            let typo = format!("CC{series}.{number}");
            if *prefix == TscPrefix::C
                && !known.knows(Framework::Tsc2017, &id)
                && known.knows(Framework::Tsc2017, &typo)
            {
                return Err(ResolveError::DroppedLetter { id, meant: typo });
            }
            let resolved = known_id(known, Framework::Tsc2017, id)?;
            Ok(Resolved { misspelt: *misspelt, point: *point, ..resolved })
        }
    }
}

/// The id, when the catalog of `framework` has it.
fn known_id(known: &dyn KnownIds, framework: Framework, id: String) -> Result<Resolved, ResolveError> {
    if known.knows(framework, &id) {
        Ok(Resolved::plain(id, framework))
    } else {
        Err(ResolveError::Unknown { id, framework })
    }
}

/// A bare `5.1`: a clause, an Annex A control (2022, or 2013 for three numbers), or both, when the hint decides.
fn resolve_bare(parts: &[u32], known: &dyn KnownIds, hint: BareHint) -> Result<Resolved, ResolveError> {
    let clause = join(parts);
    let annex = format!("A.{clause}");
    let is_clause = known.knows(Framework::Iso2022, &clause);
    let is_annex = parts.len() == 2 && known.knows(Framework::Iso2022, &annex);
    let is_2013 = parts.len() == 3 && known.knows(Framework::Iso2013, &annex);
    let annex_framework = if is_annex { Framework::Iso2022 } else { Framework::Iso2013 };
    match (is_clause, is_annex || is_2013) {
        (true, true) => Ok(match hint {
            BareHint::Annex => Resolved { bare: Some(BareReading::AsAnnex), ..Resolved::plain(annex, annex_framework) },
            BareHint::Clause => {
                Resolved { bare: Some(BareReading::AsClause), ..Resolved::plain(clause, Framework::Iso2022) }
            }
        }),
        (true, false) => Ok(Resolved::plain(clause, Framework::Iso2022)),
        (false, true) => Ok(Resolved::plain(annex, annex_framework)),
        (false, false) => Err(ResolveError::NeitherClauseNorAnnex { number: clause }),
    }
}

fn describe(fw: Framework) -> &'static str {
    match fw {
        Framework::Iso2022 => "ISO 27001:2022",
        Framework::Iso2013 => "ISO 27001:2013",
        Framework::Tsc2017 => "SOC 2 (TSC 2017)",
        Framework::Custom => "custom",
    }
}

fn join(parts: &[u32]) -> String {
    parts.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{decimal_comma, parse_token, split_cell, RawId};

    struct Known;
    impl KnownIds for Known {
        fn knows(&self, fw: Framework, id: &str) -> bool {
            match fw {
                Framework::Iso2022 => {
                    ["A.5.1", "A.5.15", "A.5.10", "A.8.2", "5.1", "6.1.2", "9.2.1", "4.1"].contains(&id)
                }
                Framework::Iso2013 => ["A.9.2.3", "A.5.1.1"].contains(&id),
                Framework::Tsc2017 => {
                    ["CC6.1", "CC6.2", "CC1.1", "PI1.1", "A1.2", "C1.1", "P1.1", "P2.1"].contains(&id)
                }
                Framework::Custom => false,
            }
        }
    }

    fn one(s: &str) -> String {
        let raw = parse_token(s).unwrap_or_else(|| panic!("{s} did not parse"));
        resolve(&raw, &Known, BareHint::Annex).unwrap().id.to_string()
    }

    #[test]
    fn annex_a_spellings() {
        for s in ["A.5.15", "A5.15", "A 5.15", "A.05.15", "Annex A 5.15", "annex a.5.15", "a.5.15", "A.5.15.", "A-5.15"]
        {
            assert_eq!(one(s), "A.5.15", "{s}");
        }
        assert_eq!(one("\u{a0}A.5.15\u{a0}"), "A.5.15");
    }

    #[test]
    fn bare_annex_id_uses_hint() {
        assert_eq!(one("5.15"), "A.5.15");
        let raw = parse_token("5.1").unwrap();
        let annex = resolve(&raw, &Known, BareHint::Annex).unwrap();
        assert_eq!(annex.id.as_str(), "A.5.1");
        assert!(annex.note().unwrap().contains("not clause 5.1"));
        let clause = resolve(&raw, &Known, BareHint::Clause).unwrap();
        assert_eq!(clause.id.as_str(), "5.1");
    }

    #[test]
    fn clauses() {
        assert_eq!(one("Clause 6.1.2"), "6.1.2");
        assert_eq!(one("6.1.2"), "6.1.2");
        assert_eq!(one("clause 5.1"), "5.1");
        assert_eq!(one("9.2.1"), "9.2.1");
    }

    #[test]
    fn iso_2013_ids() {
        let raw = parse_token("A.9.2.3").unwrap();
        assert_eq!(raw, RawId::Annex2013(9, 2, 3));
        let r = resolve(&raw, &Known, BareHint::Annex).unwrap();
        assert_eq!((r.id.as_str(), r.framework), ("A.9.2.3", Framework::Iso2013));
    }

    #[test]
    fn tsc_spellings() {
        for s in ["CC6.1", "cc6.1", "CC 6.1", "CC6.1.", "CC-6.1", " cc 6.1 "] {
            assert_eq!(one(s), "CC6.1", "{s}");
        }
        assert_eq!(one("A1.2"), "A1.2");
        assert_eq!(one("PI1.1"), "PI1.1");
        assert_eq!(one("p1.1"), "P1.1");
        assert_eq!(one("C1.1"), "C1.1");
    }

    #[test]
    fn points_of_focus_and_misspelt_pi() {
        let r = resolve(&parse_token("CC1.1.1").unwrap(), &Known, BareHint::Annex).unwrap();
        assert_eq!(r.id.as_str(), "CC1.1");
        assert!(r.note().unwrap().contains("point of focus"));
        let r = resolve(&parse_token("PP1.1").unwrap(), &Known, BareHint::Annex).unwrap();
        assert_eq!(r.id.as_str(), "PI1.1");
        assert!(r.note().unwrap().contains("Processing Integrity"));
        assert!(r.misspelt);
        let r = resolve(&parse_token("PP1.1.2").unwrap(), &Known, BareHint::Annex).unwrap();
        assert_eq!(
            r.note().unwrap(),
            "`PP1.1` read as `PI1.1` (Processing Integrity); point of focus `PI1.1.2` rolled up to criterion `PI1.1`"
        );
    }

    #[test]
    fn unknown_ids_are_errors() {
        let err = resolve(&parse_token("CC6.18").unwrap(), &Known, BareHint::Annex).unwrap_err();
        assert_eq!(err.to_string(), "`CC6.18` is not a SOC 2 (TSC 2017) id");
        let err = resolve(&parse_token("c6.1.1").unwrap(), &Known, BareHint::Annex).unwrap_err();
        assert_eq!(err.to_string(), "`C6.1` is not a SOC 2 (TSC 2017) id (did you mean `CC6.1`?)");
        let err = resolve(&parse_token("A.5.40").unwrap(), &Known, BareHint::Annex).unwrap_err();
        assert_eq!(err.to_string(), "`A.5.40` is not an ISO 27001:2022 id");
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(one("5,15"), "A.5.15");
        assert_eq!(one("A.5,15"), "A.5.15");
        assert_eq!(one("a 5,15"), "A.5.15");
        assert_eq!(parse_token("5,10"), Some(RawId::Bare(vec![5, 10])));
        assert_eq!(parse_token("9,2"), Some(RawId::Bare(vec![9, 2])));
        let c = split_cell("5,15");
        assert_eq!((c.tokens[0].text.as_str(), &c.tokens[0].raw), ("5,15", &RawId::Bare(vec![5, 15])));
        assert!(c.rest.is_empty() && c.rejected.is_empty());
        assert_eq!(split_cell(" A.8,2 ").tokens[0].raw, RawId::Annex(8, 2));
        // Not decimal numbers: amounts, lists, ids with more parts, anything after the number.
        for s in ["0,5", "1,5", "3,25", "11,2", "5,1234", "5,", ",5", "5,15,2", "5, 15", "A.5.1,15", "5,15 Titel"] {
            assert_eq!(decimal_comma(s), None, "{s}");
        }
        assert_eq!(parse_token("0,5"), None);
    }
}

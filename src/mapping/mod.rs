//! The curated ISO 27001:2022 -> SOC 2 mapping: load, validate, look up in both directions.
//!
//! The built-in mapping is `mappings/iso27001-2022-to-tsc-2017.csv`. Files given with `--mapping` are overlays: a
//! row replaces the built-in row for the same (source, target) pair or adds a new one; a `none` row with both ids
//! set takes a pair out of coverage.

mod checks;
mod parse;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use checks::Consistency;
pub use parse::parse;

use crate::catalog::data::DataFile;
use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::interchange::Overlay;
use crate::issue::{Issue, Location};

/// NIST IR 8477 set-theory relationship, read from the ISO element's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relationship {
    Equal,
    Subset,
    Superset,
    Intersects,
    None,
}

impl Relationship {
    pub fn parse(s: &str) -> Option<Relationship> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "equal" => Relationship::Equal,
            "subset" => Relationship::Subset,
            "superset" => Relationship::Superset,
            "intersects" => Relationship::Intersects,
            "none" => Relationship::None,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersects => "intersects",
            Relationship::None => "none",
        }
    }

    /// The same relationship read from the criterion's side (`subset` becomes `superset`).
    pub fn inverse(self) -> Relationship {
        match self {
            Relationship::Subset => Relationship::Superset,
            Relationship::Superset => Relationship::Subset,
            other => other,
        }
    }

    /// Whether the source side, fully in place, satisfies the target side (`equal`, `superset`).
    pub fn covers_fully(self) -> bool {
        matches!(self, Relationship::Equal | Relationship::Superset)
    }
}

/// What a pair does for its criterion's coverage (the `role` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Part of the set of ISO elements that together meet the criterion's intent: all of them implemented cover
    /// it, some of them cover it partly.
    Core,
    /// Context: worth showing beside the criterion, never counted as coverage.
    Supporting,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "core" => Some(Role::Core),
            "supporting" => Some(Role::Supporting),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Core => "core",
            Role::Supporting => "supporting",
        }
    }

    /// The role of a pair in a file without a `role` column: core from strength 4 up.
    pub fn from_strength(strength: u8) -> Role {
        if strength > SUPPORTING_MAX {
            Role::Core
        } else {
            Role::Supporting
        }
    }
}

/// Links this weak or weaker are context only (`supporting`), never coverage.
pub const SUPPORTING_MAX: u8 = 3;

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the mapping.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// ISO 27001:2022 id; `None` for a criterion's explicit "no ISO counterpart" row.
    pub source: Option<ControlId>,
    /// Criterion id; `None` for an ISO control's explicit "no SOC 2 counterpart" row.
    pub target: Option<ControlId>,
    pub relationship: Relationship,
    pub strength: u8,
    /// Core or supporting; supporting for `none` rows.
    pub role: Role,
    /// Shared by every row and coverage entry that cites the pair.
    pub rationale: std::sync::Arc<str>,
    /// Public source families that list the same pair.
    pub agreeing_sources: Vec<String>,
    #[serde(skip)]
    pub at: Location,
}

/// The effective mapping: built-in rows with overlays applied, indexed both ways.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub pairs: Vec<Pair>,
    /// The version in `iso27001-2022-to-tsc-2017.version` (`2026.12.0`), with `+` and a digest when overlays change it.
    pub version: String,
    by_source: BTreeMap<ControlId, Vec<usize>>,
    by_target: BTreeMap<ControlId, Vec<usize>>,
    /// Overlay entries that were skipped (unknown ids in another tool's file), to show the user.
    pub warnings: Vec<Issue>,
}

/// A mapping that cannot be used; every problem is listed with file and line.
#[derive(Debug, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct MappingError {
    pub problems: Vec<Issue>,
}

fn render(problems: &[Issue]) -> String {
    let mut lines: Vec<String> = problems.iter().take(20).map(|p| format!("{}: {}", p.at, p.message)).collect();
    if problems.len() > 20 {
        lines.push(format!("… and {} more problems", problems.len() - 20));
    }
    lines.join("\n")
}

impl Mapping {
    /// The built-in mapping with overlays applied. Fails with every problem found.
    pub fn load(
        base: &DataFile,
        version: &DataFile,
        overlays: &[Overlay],
        catalogs: &Catalogs,
    ) -> Result<Mapping, MappingError> {
        let base_version = version.text.trim();
        let (mut pairs, mut problems) = parse(base, catalogs);
        let mut digest = Sha256::new();
        for overlay in overlays {
            // Any format: ours, OSCAL, CISO Assistant, STRM (src/interchange).
            let (extra, extra_problems) = crate::interchange::parse_overlay(overlay, catalogs);
            problems.extend(extra_problems);
            digest.update(&overlay.bytes);
            for pair in extra {
                match pairs.iter_mut().find(|p| p.source == pair.source && p.target == pair.target) {
                    Some(existing) => *existing = pair,
                    None => pairs.push(pair),
                }
            }
        }
        let (warnings, problems): (Vec<Issue>, Vec<Issue>) =
            problems.into_iter().partition(|p| p.severity != crate::issue::Severity::Error);
        if !problems.is_empty() {
            return Err(MappingError { problems });
        }
        let version = if overlays.is_empty() {
            base_version.to_string()
        } else {
            let hex = crate::read::hex(&digest.finalize()[..4]);
            format!("{base_version}+{hex}")
        };
        let mut mapping = Mapping::index(pairs, version);
        mapping.warnings = warnings;
        Ok(mapping)
    }

    /// A mapping of these pairs alone (an overlay read on its own, for instance).
    pub fn from_pairs(pairs: Vec<Pair>, version: String) -> Mapping {
        Mapping::index(pairs, version)
    }

    /// The built-in mapping. It is tested, so it cannot fail at run time.
    pub fn builtin(catalogs: &Catalogs) -> Mapping {
        let files = crate::catalog::DataFiles::builtin();
        Mapping::load(&files.mapping, &files.mapping_version, &[], catalogs)
            .unwrap_or_else(|e| panic!("built-in mapping is broken: {e}"))
    }

    fn index(mut pairs: Vec<Pair>, version: String) -> Mapping {
        pairs.sort_by(|a, b| {
            let key = |p: &Pair| (p.source.is_none(), p.source.clone(), p.target.is_some(), p.target.clone());
            key(a).cmp(&key(b))
        });
        let mut by_source: BTreeMap<ControlId, Vec<usize>> = BTreeMap::new();
        let mut by_target: BTreeMap<ControlId, Vec<usize>> = BTreeMap::new();
        for (i, p) in pairs.iter().enumerate() {
            if let Some(s) = &p.source {
                by_source.entry(s.clone()).or_default().push(i);
            }
            if let Some(t) = &p.target {
                by_target.entry(t.clone()).or_default().push(i);
            }
        }
        Mapping { pairs, version, by_source, by_target, warnings: Vec::new() }
    }

    /// Rows whose source is this ISO id (including its `none` row), strongest first, ties by target id.
    pub fn from_source(&self, id: &ControlId) -> Vec<&Pair> {
        self.lookup(&self.by_source, id, |p| p.target.clone())
    }

    /// Rows whose target is this criterion (including its `none` row), strongest first, ties by source id.
    pub fn to_target(&self, id: &ControlId) -> Vec<&Pair> {
        self.lookup(&self.by_target, id, |p| p.source.clone())
    }

    fn lookup(
        &self,
        index: &BTreeMap<ControlId, Vec<usize>>,
        id: &ControlId,
        other: impl Fn(&Pair) -> Option<ControlId>,
    ) -> Vec<&Pair> {
        let mut out: Vec<&Pair> =
            index.get(id).map(|v| v.iter().map(|&i| &self.pairs[i]).collect()).unwrap_or_default();
        out.sort_by(|a, b| b.strength.cmp(&a.strength).then_with(|| other(a).cmp(&other(b))));
        out
    }

    /// Ids that appear as sources (for statistics).
    pub fn sources(&self) -> BTreeSet<&ControlId> {
        self.by_source.keys().collect()
    }

    /// Ids that appear as targets.
    pub fn targets(&self) -> BTreeSet<&ControlId> {
        self.by_target.keys().collect()
    }
}

/// ISO 27001:2022 ids a free text names (`A.5.26`, `clause 7.4`, `(6.2)`), in text order, each once.
pub fn iso_ids_in(text: &str, catalogs: &Catalogs) -> Vec<ControlId> {
    let mut out: Vec<ControlId> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '/')) {
        let word = word.trim_end_matches(['.', ':']);
        if word.contains('.') && word.chars().next().is_some_and(|c| c.is_ascii_digit() || c == 'A') {
            if let Some(e) = catalogs.iso2022.get(word) {
                if e.assessable && !out.contains(&e.id) {
                    out.push(e.id.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> DataFile {
        DataFile { name: "my-mapping.csv".into(), text: text.into() }
    }

    const HEADER: &str = "source,target,relationship,strength,rationale,agreeing_sources\n";

    #[test]
    fn builtin_mapping_is_complete_and_direct() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        assert!(m.check_complete(&c, "builtin").is_empty());
        // Coverage claims stay direct: no Annex A control is core to more than 8 criteria (supporting context, such
        // as A.5.34 pointing at the privacy duties of law, may reach further).
        let core: Vec<usize> = c
            .annex_controls()
            .map(|e| m.from_source(&e.id).iter().filter(|p| p.target.is_some() && p.role == Role::Core).count())
            .collect();
        let max = core.iter().max().copied().unwrap_or(0);
        assert!(max <= 8, "an Annex A control is core to {max} criteria: pivot noise?");
        let a515 = m.from_source(&ControlId::new("A.5.15"));
        assert!(a515.iter().any(|p| p.target.as_ref().is_some_and(|t| t.as_str() == "CC6.1")));
    }

    #[test]
    fn builtin_mapping_agrees_with_beyond_iso() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let (problems, stats) = m.check_consistency(&c, "builtin");
        let got: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(got, Vec::<&str>::new());
        assert!(stats.containing > 0 && stats.with_core > 0 && stats.limited > 0, "{stats:?}");
        // Every strength-3-or-less link is supporting.
        assert!(m.pairs.iter().all(|p| p.strength > SUPPORTING_MAX || p.role == Role::Supporting));
    }

    #[test]
    fn inconsistent_containing_rows_are_reported() {
        let c = Catalogs::builtin();
        let files = crate::catalog::DataFiles::builtin();
        // A.5.26 said to contain CC7.5 while A.5.27 and A.8.13 stay core, and CC7.5's text names A.5.27.
        let overlay = file("source,target,relationship,strength,role,rationale\nA.5.26,CC7.5,superset,8,core,Claimed to hold recovery.\nA.5.9,CC1.2,superset,4,core,Claimed to hold board oversight.\n");
        let m = Mapping::load(&files.mapping, &files.mapping_version, &[overlay.into()], &c).unwrap();
        let (problems, _) = m.check_consistency(&c, "builtin");
        let got: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.at, p.message)).collect();
        assert_eq!(
            got,
            [
                "my-mapping.csv, row 3: `A.5.9` is said to contain `CC1.2`, but the criterion's limit `board` says ISO does not hold all of it",
                "my-mapping.csv, row 3: `A.5.9` is said to contain `CC1.2`, so it is the only core element, but `5.1` is core too",
                "my-mapping.csv, row 3: `A.5.9` is said to contain `CC1.2`, so it is the only core element, but `9.3.1` is core too",
                "my-mapping.csv, row 2: `A.5.26` is said to contain `CC7.5`, so it is the only core element, but `A.5.27` is core too",
                "my-mapping.csv, row 2: `A.5.26` is said to contain `CC7.5`, so it is the only core element, but `A.8.13` is core too",
                "my-mapping.csv, row 2: `A.5.26` is said to contain `CC7.5`, but its `beyond_iso` text names `A.5.27` as well",
            ]
        );
        // A weak link cannot be core.
        let (_, problems) = parse(
            &file("source,target,relationship,strength,role,rationale\nA.7.7,CC6.1,intersects,3,core,Clear desk.\n"),
            &c,
        );
        assert_eq!(
            problems[0].message,
            "a link of strength 3 is context, not coverage: set `role` to `supporting` or raise the strength above 3"
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let c = Catalogs::builtin();
        let text = format!(
            "{HEADER}A.5.15,CC6.1,intersects,8,Access rules restrict logical access.,\nA.5.99,CC6.1,equal,5,x,\nA.5.15,CC6.1,intersects,8,dup,\nA.5.16,CC9.9,kind-of,11,,\n"
        );
        let (_, problems) = parse(&file(&text), &c);
        let got: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.at, p.message)).collect();
        assert_eq!(
            got,
            [
                "my-mapping.csv, row 3: source `A.5.99` is not an ISO 27001:2022 id",
                "my-mapping.csv, row 4: duplicate pair `A.5.15` -> `CC6.1` (first on row 2)",
                "my-mapping.csv, row 5: relationship `kind-of` is not one of equal, subset, superset, intersects, none",
                "my-mapping.csv, row 5: strength `11` is not a whole number from 1 to 10",
                "my-mapping.csv, row 5: the rationale is empty: every pair needs one sentence saying why",
                "my-mapping.csv, row 5: target `CC9.9` is not a TSC 2017 criterion",
            ]
        );
    }

    #[test]
    fn overlays_replace_pairs() {
        let c = Catalogs::builtin();
        let files = crate::catalog::DataFiles::builtin();
        let overlay =
            file(&format!("{HEADER}A.5.15,CC6.1,equal,10,Our client's access policy is enforced by design.,\n"));
        let m = Mapping::load(&files.mapping, &files.mapping_version, &[overlay.into()], &c).unwrap();
        let p = m.from_source(&ControlId::new("A.5.15"));
        let p = p.iter().find(|p| p.target.as_ref().is_some_and(|t| t.as_str() == "CC6.1")).unwrap();
        assert_eq!((p.relationship, p.strength), (Relationship::Equal, 10));
        assert!(m.version.starts_with("2026.12.0+"));
    }

    #[test]
    fn inverse_relationships() {
        assert_eq!(Relationship::Subset.inverse(), Relationship::Superset);
        assert_eq!(Relationship::Intersects.inverse(), Relationship::Intersects);
        assert!(Relationship::Superset.covers_fully() && !Relationship::Subset.covers_fully());
    }
}

//! The one place every overlay reader hands its entries to: ids resolved against the catalogs, the file's direction
//! set and kept, points of focus rolled up into their criterion, duplicates and mirrored sets checked, and
//! everything turned into [`Pair`]s with the problems found.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{default_strength, MAX_ENTRIES};
use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::issue::{Issue, Location, Severity};
use crate::mapping::{self, Pair, Relationship, Role};

/// Which way a file's entries read: ISO -> SOC 2 (as our mapping does), or SOC 2 -> ISO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Reverse,
}

/// One entry as a reader found it: `a` is the entry's source side, `b` its target side, ids as the file spells them
/// (either may be empty for a one-sided `none`), the relationship read from `a`'s side.
#[derive(Debug, Clone)]
pub struct Entry {
    /// How messages name the entry: `maps[3]`, `requirement_mappings[12]`.
    pub label: String,
    /// The entry's row (csv and workbook formats).
    pub row: Option<(Option<String>, usize)>,
    pub a: String,
    pub b: String,
    pub relationship: Relationship,
    pub strength: Option<u8>,
    /// Core or supporting where the format says; else from the strength, as for a csv without a `role` column.
    pub role: Option<Role>,
    pub rationale: Option<String>,
    pub agreeing: Vec<String>,
    /// The entry restates a pair of another set of the same file the other way round (CISO Assistant's reverse
    /// set): the same pair again is fine, a different one is an error.
    pub mirror: bool,
}

/// One side of an entry, resolved against the catalogs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Side {
    Empty,
    Iso(String),
    Tsc(String),
    /// A point of focus (`CC6.1.3`): rolled up into its criterion.
    PointOfFocus(String),
    Unknown(String),
}

/// Several points of focus of one criterion mapped to the same ISO id, rolled up into one pair.
#[derive(Debug)]
struct RollUp {
    count: usize,
    /// Some point of focus lies inside the ISO element's side, so the ISO element is narrower than the criterion.
    subset: bool,
    strength: Option<u8>,
    rationale: Option<String>,
    at: Location,
}

/// Collects the entries of one overlay: resolves ids, sets the direction, rolls up points of focus, reports
/// duplicates, and turns everything into [`Pair`]s.
pub struct Collector<'a> {
    pub file: &'a str,
    catalogs: &'a Catalogs,
    /// Fixed by the format (a CISO Assistant set names its frameworks) or by the first entry that names both sides.
    pub direction: Option<Direction>,
    pairs: BTreeMap<(Option<ControlId>, Option<ControlId>), (Pair, String)>,
    rolled: BTreeMap<(ControlId, ControlId), RollUp>,
    problems: Vec<Issue>,
    entries: usize,
    /// Over [`MAX_ENTRIES`]: reported once, and every further entry ignored.
    refused: bool,
    defaulted_strength: usize,
}

impl<'a> Collector<'a> {
    pub fn new(file: &'a str, catalogs: &'a Catalogs) -> Collector<'a> {
        Collector {
            file,
            catalogs,
            direction: None,
            pairs: BTreeMap::new(),
            rolled: BTreeMap::new(),
            problems: Vec::new(),
            entries: 0,
            refused: false,
            defaulted_strength: 0,
        }
    }

    /// The whole file cannot be used.
    pub fn fail(&mut self, message: impl Into<String>) {
        self.problems.push(Issue::error(Location::file(self.file), message));
    }

    fn location(&self, row: Option<&(Option<String>, usize)>) -> Location {
        match row {
            Some((sheet, n)) => Location::file(self.file).sheet(sheet.as_deref()).row(*n),
            None => Location::file(self.file),
        }
    }

    /// An entry that cannot be used.
    pub fn error_at(&mut self, row: Option<&(Option<String>, usize)>, message: impl Into<String>) {
        let at = self.location(row);
        self.problems.push(Issue::error(at, message));
    }

    fn warn_at(&mut self, row: Option<&(Option<String>, usize)>, message: impl Into<String>) {
        let at = self.location(row);
        self.problems.push(Issue::warning(at, message));
    }

    /// Whether the file has already failed as a whole (readers stop early).
    pub fn too_many(&mut self) -> bool {
        if self.entries >= MAX_ENTRIES && !self.refused {
            self.refused = true;
            self.fail(format!(
                "more than {MAX_ENTRIES} entries: a mapping of these two catalogs has a few hundred, so the file is refused"
            ));
        }
        self.refused
    }

    fn side(&self, raw: &str) -> Side {
        let id = raw.trim();
        if id.is_empty() {
            return Side::Empty;
        }
        let upper = id.to_ascii_uppercase();
        if self.catalogs.iso2022.contains(&upper) {
            return Side::Iso(upper);
        }
        if self.catalogs.tsc.contains(&upper) {
            return Side::Tsc(upper);
        }
        // A point of focus: a criterion id with one more number (`CC6.1.3`).
        if let Some((criterion, last)) = upper.rsplit_once('.') {
            if !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()) && self.catalogs.tsc.contains(criterion) {
                return Side::PointOfFocus(criterion.to_string());
            }
        }
        Side::Unknown(id.to_string())
    }

    /// Adds one entry, or reports why it cannot be used.
    pub fn add(&mut self, e: Entry) {
        if self.too_many() {
            return;
        }
        self.entries += 1;
        let (place, what) = describe(&e);
        let (a, b) = (self.side(&e.a), self.side(&e.b));
        for side in [&a, &b] {
            if let Side::Unknown(id) = side {
                self.warn_at(
                    e.row.as_ref(),
                    format!("{what}: `{id}` is neither an ISO 27001:2022 id nor a TSC 2017 criterion or point of focus: skipped"),
                );
                return;
            }
        }
        let (iso, tsc, relationship) = match self.orient(a, b, e.relationship, &what) {
            Ok(oriented) => oriented,
            Err(message) => return self.error_at(e.row.as_ref(), message),
        };
        if e.strength.is_some_and(|s| !(1..=10).contains(&s)) {
            let message = format!("{what}: strength `{}` is not a whole number from 1 to 10", e.strength.unwrap_or(0));
            return self.error_at(e.row.as_ref(), message);
        }
        let at = self.location(e.row.as_ref());
        let source = match iso {
            Side::Iso(id) => Some(ControlId::new(id)),
            _ => None,
        };
        if let Side::PointOfFocus(criterion) = &tsc {
            let Some(source) = source else {
                return self
                    .error_at(e.row.as_ref(), format!("{what}: a point of focus needs an ISO id on the other side"));
            };
            if relationship != Relationship::None {
                self.roll_up(source, criterion, relationship, e, at);
            }
            return;
        }
        let target = match tsc {
            Side::Tsc(id) => Some(ControlId::new(id)),
            _ => None,
        };
        if (source.is_none() || target.is_none()) && relationship != Relationship::None {
            return self.error_at(
                e.row.as_ref(),
                format!("{what}: an entry with one side empty must say there is no relationship"),
            );
        }
        let strength = e.strength.unwrap_or_else(|| {
            self.defaulted_strength += 1;
            default_strength(relationship)
        });
        let role = match role(e.role, relationship, strength) {
            Ok(role) => role,
            Err(why) => return self.error_at(e.row.as_ref(), format!("{what}: {why}")),
        };
        let rationale = match e.rationale.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
            Some(r) => r,
            None => format!("Taken from `{}` ({place}), which gives no rationale.", self.file),
        };
        let pair = Pair {
            source,
            target,
            relationship,
            strength,
            role,
            rationale: Arc::from(rationale),
            agreeing_sources: e.agreeing,
            at,
        };
        if let Err(message) = self.insert(pair, place, e.mirror, &what) {
            self.error_at(e.row.as_ref(), message);
        }
    }

    /// The entry's sides as (ISO side, TSC side, relationship read from the ISO side), with the file's direction
    /// set by the first entry that tells it; `Err` when the entry cannot be placed.
    fn orient(
        &mut self,
        a: Side,
        b: Side,
        relationship: Relationship,
        what: &str,
    ) -> Result<(Side, Side, Relationship), String> {
        if a == Side::Empty && b == Side::Empty {
            return Err(format!("{what}: both sides are empty"));
        }
        let is_iso = |s: &Side| matches!(s, Side::Iso(_));
        let is_tsc = |s: &Side| matches!(s, Side::Tsc(_) | Side::PointOfFocus(_));
        if (is_iso(&a) && is_iso(&b)) || (is_tsc(&a) && is_tsc(&b)) {
            return Err(format!("{what}: both sides are of the same framework; an entry maps an ISO 27001:2022 id to a TSC 2017 criterion"));
        }
        // The direction this entry reads in, where its sides tell it.
        let here = if is_iso(&a) || is_tsc(&b) {
            Some(Direction::Forward)
        } else if is_tsc(&a) || is_iso(&b) {
            Some(Direction::Reverse)
        } else {
            None
        };
        let direction = match (self.direction, here) {
            (None, Some(d)) => {
                self.direction = Some(d);
                d
            }
            (Some(d), Some(h)) if d != h => {
                let expected = match d {
                    Direction::Forward => "ISO 27001:2022 -> TSC 2017",
                    Direction::Reverse => "TSC 2017 -> ISO 27001:2022",
                };
                return Err(format!(
                    "{what}: wrong direction: the file's entries read {expected}, this one the other way round"
                ));
            }
            (Some(d), _) => d,
            (None, None) => Direction::Forward,
        };
        Ok(match direction {
            Direction::Forward => (a, b, relationship),
            Direction::Reverse => (b, a, relationship.inverse()),
        })
    }

    /// A point of focus mapped to an ISO id: gathered into its criterion's roll-up.
    fn roll_up(&mut self, source: ControlId, criterion: &str, relationship: Relationship, e: Entry, at: Location) {
        let r = self.rolled.entry((source, ControlId::new(criterion))).or_insert(RollUp {
            count: 0,
            subset: false,
            strength: None,
            rationale: None,
            at,
        });
        r.count += 1;
        r.subset |= matches!(relationship, Relationship::Equal | Relationship::Subset);
        r.strength = r.strength.max(e.strength);
        if r.rationale.is_none() {
            r.rationale = e.rationale.filter(|s| !s.trim().is_empty());
        }
    }

    /// Keeps a pair, unless the same pair came before: a mirrored entry that agrees is fine, anything else is an
    /// error naming the first.
    fn insert(&mut self, pair: Pair, place: String, mirror: bool, what: &str) -> Result<(), String> {
        let key = (pair.source.clone(), pair.target.clone());
        let Some((first, first_label)) = self.pairs.get(&key) else {
            self.pairs.insert(key, (pair, place));
            return Ok(());
        };
        // A mirrored entry may word its rationale differently; relationship, strength and role must agree.
        let same =
            first.relationship == pair.relationship && first.strength == pair.strength && first.role == pair.role;
        if mirror && same {
            return Ok(());
        }
        let show = |id: &Option<ControlId>| id.as_ref().map_or("(none)".to_string(), |i| format!("`{i}`"));
        Err(if mirror {
            format!(
                "{what}: says {} {} for {} -> {}, but {first_label} says {} {}",
                pair.relationship,
                pair.strength,
                show(&key.0),
                show(&key.1),
                first.relationship,
                first.strength
            )
        } else {
            format!("{what}: duplicate pair {} -> {} (first at {first_label})", show(&key.0), show(&key.1))
        })
    }

    /// The pairs and problems: rolled-up points of focus added where no criterion-level entry names the same pair;
    /// an error when nothing usable was found.
    pub fn finish(mut self) -> (Vec<Pair>, Vec<Issue>) {
        for ((source, criterion), r) in std::mem::take(&mut self.rolled) {
            let key = (Some(source.clone()), Some(criterion.clone()));
            if self.pairs.contains_key(&key) {
                continue;
            }
            let relationship = if r.subset { Relationship::Subset } else { Relationship::Intersects };
            let strength = r.strength.unwrap_or_else(|| {
                self.defaulted_strength += 1;
                default_strength(relationship)
            });
            let rationale = r.rationale.unwrap_or_else(|| {
                format!(
                    "Rolled up from {} point{} of focus of {criterion} mapped to {source} in `{}`, which gives no rationale.",
                    r.count,
                    if r.count == 1 { "" } else { "s" },
                    self.file
                )
            });
            let pair = Pair {
                source: Some(source),
                target: Some(criterion),
                relationship,
                strength,
                role: Role::from_strength(strength),
                rationale: Arc::from(rationale),
                agreeing_sources: Vec::new(),
                at: r.at,
            };
            self.pairs.insert(key, (pair, String::new()));
        }
        let errors = self.problems.iter().any(|p| p.severity == Severity::Error);
        if !errors && self.pairs.is_empty() {
            let message = if self.entries == 0 {
                "holds no mapping entries".to_string()
            } else {
                format!("none of its {} entries names a known ISO 27001:2022 id and TSC 2017 criterion: is it a mapping of other catalogs?", self.entries)
            };
            self.fail(message);
        }
        if self.defaulted_strength > 0 && !errors {
            self.problems.push(Issue::warning(
                Location::file(self.file),
                format!(
                    "{} pair{} without a strength: given {} (docs/interchange.md)",
                    self.defaulted_strength,
                    if self.defaulted_strength == 1 { "" } else { "s" },
                    "the default of their relationship"
                ),
            ));
        }
        (self.pairs.into_values().map(|(p, _)| p).collect(), self.problems)
    }
}

/// How messages name an entry: where it is (its label, or the row its location already names), and the entry
/// itself with its two sides.
fn describe(e: &Entry) -> (String, String) {
    let name = |s: &str| if s.trim().is_empty() { "(none)".to_string() } else { format!("`{}`", s.trim()) };
    let place = match (&e.row, e.label.is_empty()) {
        (Some((_, n)), true) => format!("row {n}"),
        _ => format!("`{}`", e.label),
    };
    let what = if e.label.is_empty() {
        format!("entry ({} -> {})", name(&e.a), name(&e.b))
    } else {
        format!("entry `{}` ({} -> {})", e.label, name(&e.a), name(&e.b))
    };
    (place, what)
}

/// The pair's role: as the entry says, else from its strength; a pair with no relationship is supporting. `Err`
/// says why the entry's role cannot be.
fn role(given: Option<Role>, relationship: Relationship, strength: u8) -> Result<Role, String> {
    match (given, relationship) {
        (Some(Role::Core), Relationship::None) => Err("a pair with no relationship cannot be `core`".into()),
        (Some(Role::Core), _) if strength <= mapping::SUPPORTING_MAX => {
            Err(format!("a link of strength {strength} is context, not coverage: its role must be `supporting`"))
        }
        (_, Relationship::None) => Ok(Role::Supporting),
        (Some(role), _) => Ok(role),
        (None, _) => Ok(Role::from_strength(strength)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str, a: &str, b: &str, rel: Relationship) -> Entry {
        Entry {
            label: label.into(),
            row: None,
            a: a.into(),
            b: b.into(),
            relationship: rel,
            strength: None,
            role: None,
            rationale: None,
            agreeing: Vec::new(),
            mirror: false,
        }
    }

    #[test]
    fn points_of_focus_roll_up_and_direction_is_kept() {
        let c = Catalogs::builtin();
        let mut col = Collector::new("m.yaml", &c);
        col.add(entry("1", "cc6.1.1", "a.5.15", Relationship::Intersects));
        col.add(entry("2", "cc6.1.2", "a.5.15", Relationship::Superset));
        col.add(entry("3", "cc6.2", "a.5.16", Relationship::Superset));
        col.add(entry("4", "a.5.17", "cc6.1", Relationship::Equal));
        col.add(entry("5", "c6.5.1", "a.5.10", Relationship::Intersects));
        let (pairs, problems) = col.finish();
        let got: Vec<String> = pairs
            .iter()
            .map(|p| {
                format!(
                    "{} {} {} {}",
                    p.source.as_ref().unwrap(),
                    p.target.as_ref().unwrap(),
                    p.relationship,
                    p.strength
                )
            })
            .collect();
        // CC6.1.2 superset of A.5.15: the criterion holds the control, so A.5.15 is a subset of CC6.1.
        assert_eq!(got, ["A.5.15 CC6.1 subset 6", "A.5.16 CC6.2 subset 6"]);
        let messages: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.at, p.message)).collect();
        assert_eq!(
            messages,
            [
                "m.yaml: entry `4` (`a.5.17` -> `cc6.1`): wrong direction: the file's entries read TSC 2017 -> ISO 27001:2022, this one the other way round",
                "m.yaml: entry `5` (`c6.5.1` -> `a.5.10`): `c6.5.1` is neither an ISO 27001:2022 id nor a TSC 2017 criterion or point of focus: skipped",
            ]
        );
    }

    #[test]
    fn duplicates_and_mirrors() {
        let c = Catalogs::builtin();
        let mut col = Collector::new("m.yaml", &c);
        col.add(entry("a", "A.5.15", "CC6.1", Relationship::Intersects));
        col.add(entry("b", "A.5.15", "CC6.1", Relationship::Equal));
        col.direction = Some(Direction::Reverse);
        let mut mirror = entry("c", "CC6.1", "A.5.15", Relationship::Intersects);
        mirror.mirror = true;
        col.add(mirror.clone());
        mirror.relationship = Relationship::Subset;
        mirror.label = "d".into();
        col.add(mirror);
        let (_, problems) = col.finish();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "entry `b` (`A.5.15` -> `CC6.1`): duplicate pair `A.5.15` -> `CC6.1` (first at `a`)",
                "entry `d` (`CC6.1` -> `A.5.15`): says superset 8 for `A.5.15` -> `CC6.1`, but `a` says intersects 5",
            ]
        );
    }

    #[test]
    fn a_role_follows_the_entry_else_its_strength() {
        let cases = [
            (None, Relationship::Intersects, 8, Ok(Role::Core)),
            (None, Relationship::Intersects, 2, Ok(Role::Supporting)),
            (Some(Role::Supporting), Relationship::Equal, 10, Ok(Role::Supporting)),
            (Some(Role::Core), Relationship::Subset, 6, Ok(Role::Core)),
            (None, Relationship::None, 1, Ok(Role::Supporting)),
            (Some(Role::Core), Relationship::None, 1, Err("a pair with no relationship cannot be `core`".to_string())),
            (
                Some(Role::Core),
                Relationship::Intersects,
                2,
                Err("a link of strength 2 is context, not coverage: its role must be `supporting`".to_string()),
            ),
        ];
        for (given, relationship, strength, want) in cases {
            assert_eq!(role(given, relationship, strength), want, "{given:?} {relationship} {strength}");
        }
    }

    #[test]
    fn an_entry_is_named_by_its_label_or_its_row() {
        let mut e = entry("maps[3]", "A.5.15", "", Relationship::None);
        assert_eq!(describe(&e), ("`maps[3]`".to_string(), "entry `maps[3]` (`A.5.15` -> (none))".to_string()));
        e.label = String::new();
        e.row = Some((None, 7));
        assert_eq!(describe(&e), ("row 7".to_string(), "entry (`A.5.15` -> (none))".to_string()));
    }
}

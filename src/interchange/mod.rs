//! The mapping in the formats other GRC tools load, and back: an OSCAL 1.2 `mapping-collection`, a CISO Assistant
//! mapping library (YAML, or its mapping workbook), and a NIST IR 8477 set-theory relationship mapping (STRM, csv or
//! tsv). An overlay's format is told by its content; every reader collects its entries through one [`Collector`],
//! so ids, relationship words, duplicates and direction are checked the same way for all of them.
//!
//! See docs/interchange.md for the commands and how each format writes our pairs.

pub mod ciso;
pub mod oscal;
pub mod strm;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::catalog::data::DataFile;
use crate::catalog::Catalogs;
use crate::ids::ControlId;
use crate::issue::{Issue, Location, Severity};
use crate::mapping::{self, Pair, Relationship, Role};
use crate::read::ReadError;

/// Largest overlay file read: a mapping of these two catalogs is a few hundred kilobytes in any format.
pub const MAX_OVERLAY_BYTES: u64 = 16 * 1024 * 1024;

/// Most entries one overlay may hold (OSCAL `sources` × `targets` counted out).
pub const MAX_ENTRIES: usize = 200_000;

/// An overlay file as read: its name as the user wrote it, and its bytes.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl From<DataFile> for Overlay {
    fn from(file: DataFile) -> Overlay {
        Overlay { name: file.name, bytes: file.text.into_bytes() }
    }
}

/// Reads an overlay, refusing a file over [`MAX_OVERLAY_BYTES`] before reading it.
pub fn read_overlay(path: &Path) -> Result<Overlay, ReadError> {
    use std::io::Read;
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(ReadError::IsDirectory { file: name });
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound { file: name.clone() },
        _ => ReadError::Io { file: name.clone(), detail: e.to_string() },
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_OVERLAY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io { file: name.clone(), detail: e.to_string() })?;
    if bytes.len() as u64 > MAX_OVERLAY_BYTES {
        return Err(ReadError::Text {
            file: name,
            detail: format!(
                "larger than {} MiB; a mapping of ISO 27001 and SOC 2 is far smaller, so it is refused",
                MAX_OVERLAY_BYTES / (1024 * 1024)
            ),
        });
    }
    if bytes.is_empty() {
        return Err(ReadError::Empty { file: name });
    }
    Ok(Overlay { name, bytes })
}

/// The formats an overlay can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Our own csv: `source,target,relationship,strength,rationale[,agreeing_sources]`.
    Csv,
    /// Our own JSON export: `{"version": …, "pairs": […]}`.
    Json,
    Oscal,
    CisoYaml,
    CisoWorkbook,
    /// NIST IR 8477 STRM, comma- or tab-separated.
    Strm,
}

/// What every accepted format looks like, for the error when none fits.
const EXPECTED: &str = "expected a crosswalk mapping csv (`source,target,relationship,strength,rationale`), a NIST IR 8477 STRM csv or tsv (`Focal Document Element`, …, `STRM Relationship`, `Reference Document Element`), an OSCAL `mapping-collection` (JSON), or a CISO Assistant mapping library (YAML) or mapping workbook (xlsx)";

/// OSCAL root objects other than the mapping model.
const OTHER_OSCAL_MODELS: [&str; 7] = [
    "catalog",
    "profile",
    "component-definition",
    "system-security-plan",
    "assessment-plan",
    "assessment-results",
    "plan-of-action-and-milestones",
];

/// Tells an overlay's format from its first bytes and header; `Err` says what was found instead.
pub fn detect(bytes: &[u8]) -> Result<Kind, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Kind::CisoWorkbook);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err("an old-style Excel (xls) or encrypted workbook; save it as xlsx".into());
    }
    let head = crate::read::delimited::decode(&bytes[..bytes.len().min(64 * 1024)]);
    let head = head.trim_start_matches('\u{feff}');
    let first = head.trim_start();
    if first.starts_with('{') || first.starts_with('[') {
        // The root key decides; the document itself is parsed (with its depth limit) by the reader.
        let key = first
            .trim_start_matches(['{', '['])
            .trim_start()
            .strip_prefix('"')
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        return match key {
            "mapping-collection" | "$schema" => Ok(Kind::Oscal),
            "version" | "pairs" => Ok(Kind::Json),
            k if OTHER_OSCAL_MODELS.contains(&k) => {
                Err(format!("an OSCAL `{k}`, not a `mapping-collection`: only the OSCAL mapping model holds pairs"))
            }
            "" => Err("JSON without a root object key".into()),
            k => Err(format!("JSON whose root key is `{k}`")),
        };
    }
    let line = first.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#') && l != &"---").unwrap_or("");
    let lower = line.to_ascii_lowercase();
    if lower.contains("focal document element") {
        return Ok(Kind::Strm);
    }
    let cells: Vec<String> =
        lower.split([',', '\t', ';']).map(|c| c.trim().trim_matches('"').trim().to_string()).collect();
    if ["source", "target", "relationship"].iter().all(|c| cells.iter().any(|h| h == c)) {
        return Ok(Kind::Csv);
    }
    let yaml_key = line
        .split_once(':')
        .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    if yaml_key {
        // The whole file (at most MAX_OVERLAY_BYTES): a library's translations can fill its first pages.
        let all = crate::read::delimited::decode(bytes);
        return if all.contains("requirement_mapping_set") {
            Ok(Kind::CisoYaml)
        } else if all.contains("requirement_nodes") {
            Err("a CISO Assistant framework library, not a mapping library".into())
        } else {
            Err("YAML without `objects.requirement_mapping_sets`".into())
        };
    }
    Err(format!("a file whose first line is `{}`", shorten(line, 80)))
}

/// Reads one overlay in whichever format it is: its pairs and every problem (errors make it unusable; warnings
/// name entries that were skipped).
pub fn parse_overlay(file: &Overlay, catalogs: &Catalogs) -> (Vec<Pair>, Vec<Issue>) {
    let kind = match detect(&file.bytes) {
        Ok(kind) => kind,
        Err(found) => {
            return (Vec::new(), vec![Issue::error(Location::file(&file.name), format!("{found}: {EXPECTED}"))])
        }
    };
    let text = || crate::read::delimited::decode(&file.bytes);
    let mut c = Collector::new(&file.name, catalogs);
    match kind {
        Kind::Csv => return mapping::parse(&DataFile { name: file.name.clone(), text: text() }, catalogs),
        Kind::Json => read_own_json(&text(), &mut c),
        Kind::Oscal => oscal::read(&text(), &mut c),
        Kind::CisoYaml => ciso::read_yaml(&text(), &mut c),
        Kind::CisoWorkbook => ciso::read_workbook(&file.bytes, &mut c),
        Kind::Strm => strm::read(&text(), &mut c),
    }
    c.finish()
}

/// Our own JSON export (`mapping export --format json`) read back.
fn read_own_json(text: &str, c: &mut Collector) {
    #[derive(serde::Deserialize)]
    struct Doc {
        pairs: Vec<JsonPair>,
    }
    #[derive(serde::Deserialize)]
    struct JsonPair {
        #[serde(default)]
        source: String,
        #[serde(default)]
        target: String,
        relationship: String,
        strength: u8,
        rationale: String,
        #[serde(default)]
        agreeing_sources: String,
        #[serde(default)]
        role: String,
    }
    let doc: Doc = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => return c.fail(format!("not a crosswalk mapping JSON export: {e}")),
    };
    c.direction = Some(Direction::Forward);
    for (i, p) in doc.pairs.into_iter().enumerate() {
        let Some(relationship) = Relationship::parse(&p.relationship) else {
            c.error_at(
                None,
                format!(
                    "entry `pairs[{i}]`: relationship `{}` is not one of equal, subset, superset, intersects, none",
                    p.relationship
                ),
            );
            continue;
        };
        let agreeing = p.agreeing_sources.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let role = match p.role.trim() {
            "" => None,
            text => match Role::parse(text) {
                Some(r) => Some(r),
                None => {
                    c.error_at(None, format!("entry `pairs[{i}]`: role `{text}` is not one of core, supporting"));
                    continue;
                }
            },
        };
        c.add(Entry {
            label: format!("pairs[{i}]"),
            row: None,
            a: p.source,
            b: p.target,
            relationship,
            strength: Some(p.strength),
            role,
            rationale: Some(p.rationale),
            agreeing: agreeing.collect(),
            mirror: false,
        });
    }
}

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

    fn location(&self, row: &Option<(Option<String>, usize)>) -> Location {
        match row {
            Some((sheet, n)) => Location::file(self.file).sheet(sheet.as_deref()).row(*n),
            None => Location::file(self.file),
        }
    }

    /// An entry that cannot be used.
    pub fn error_at(&mut self, row: Option<(Option<String>, usize)>, message: impl Into<String>) {
        let at = self.location(&row);
        self.problems.push(Issue::error(at, message));
    }

    fn warn_at(&mut self, row: &Option<(Option<String>, usize)>, message: impl Into<String>) {
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
        let (a, b) = (self.side(&e.a), self.side(&e.b));
        let name = |s: &str| if s.trim().is_empty() { "(none)".to_string() } else { format!("`{}`", s.trim()) };
        // Where the entry is: its label, or (csv and workbooks) the row its location already names.
        let place = match (&e.row, e.label.is_empty()) {
            (Some((_, n)), true) => format!("row {n}"),
            _ => format!("`{}`", e.label),
        };
        let what = if e.label.is_empty() {
            format!("entry ({} -> {})", name(&e.a), name(&e.b))
        } else {
            format!("entry `{}` ({} -> {})", e.label, name(&e.a), name(&e.b))
        };
        for side in [&a, &b] {
            if let Side::Unknown(id) = side {
                self.warn_at(
                    &e.row,
                    format!("{what}: `{id}` is neither an ISO 27001:2022 id nor a TSC 2017 criterion or point of focus: skipped"),
                );
                return;
            }
        }
        if a == Side::Empty && b == Side::Empty {
            self.error_at(e.row, format!("{what}: both sides are empty"));
            return;
        }
        let is_iso = |s: &Side| matches!(s, Side::Iso(_));
        let is_tsc = |s: &Side| matches!(s, Side::Tsc(_) | Side::PointOfFocus(_));
        if (is_iso(&a) && is_iso(&b)) || (is_tsc(&a) && is_tsc(&b)) {
            self.error_at(e.row, format!("{what}: both sides are of the same framework; an entry maps an ISO 27001:2022 id to a TSC 2017 criterion"));
            return;
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
                self.error_at(
                    e.row,
                    format!(
                        "{what}: wrong direction: the file's entries read {expected}, this one the other way round"
                    ),
                );
                return;
            }
            (Some(d), _) => d,
            (None, None) => Direction::Forward,
        };
        let (iso, tsc, relationship) = match direction {
            Direction::Forward => (a, b, e.relationship),
            Direction::Reverse => (b, a, e.relationship.inverse()),
        };
        if e.strength.is_some_and(|s| !(1..=10).contains(&s)) {
            self.error_at(
                e.row,
                format!("{what}: strength `{}` is not a whole number from 1 to 10", e.strength.unwrap_or(0)),
            );
            return;
        }
        let at = self.location(&e.row);
        let source = match iso {
            Side::Iso(id) => Some(ControlId::new(id)),
            _ => None,
        };
        if let Side::PointOfFocus(criterion) = &tsc {
            let Some(source) = source else {
                self.error_at(e.row, format!("{what}: a point of focus needs an ISO id on the other side"));
                return;
            };
            if relationship == Relationship::None {
                return;
            }
            let r = self.rolled.entry((source, ControlId::new(criterion.clone()))).or_insert(RollUp {
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
            return;
        }
        let target = match tsc {
            Side::Tsc(id) => Some(ControlId::new(id)),
            _ => None,
        };
        if (source.is_none() || target.is_none()) && relationship != Relationship::None {
            self.error_at(e.row, format!("{what}: an entry with one side empty must say there is no relationship"));
            return;
        }
        let strength = e.strength.unwrap_or_else(|| {
            self.defaulted_strength += 1;
            default_strength(relationship)
        });
        let role = match (e.role, relationship) {
            (Some(Role::Core), Relationship::None) => {
                self.error_at(e.row, format!("{what}: a pair with no relationship cannot be `core`"));
                return;
            }
            (Some(Role::Core), _) if strength <= mapping::SUPPORTING_MAX => {
                self.error_at(
                    e.row,
                    format!(
                        "{what}: a link of strength {strength} is context, not coverage: its role must be `supporting`"
                    ),
                );
                return;
            }
            (_, Relationship::None) => Role::Supporting,
            (Some(role), _) => role,
            (None, _) => Role::from_strength(strength),
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
        let key = (pair.source.clone(), pair.target.clone());
        if let Some((first, first_label)) = self.pairs.get(&key) {
            // A mirrored entry may word its rationale differently; relationship, strength and role must agree.
            let same =
                first.relationship == pair.relationship && first.strength == pair.strength && first.role == pair.role;
            if e.mirror && same {
                return;
            }
            let show = |id: &Option<ControlId>| id.as_ref().map_or("(none)".to_string(), |i| format!("`{i}`"));
            let message = if e.mirror {
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
            };
            self.error_at(e.row, message);
            return;
        }
        self.pairs.insert(key, (pair, place));
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

/// Strength given to a pair whose file gives none: how much of one side the relationship says the other holds.
pub fn default_strength(relationship: Relationship) -> u8 {
    match relationship {
        Relationship::Equal => 10,
        Relationship::Superset => 8,
        Relationship::Subset => 6,
        Relationship::Intersects => 5,
        Relationship::None => 1,
    }
}

/// Reads a relationship in any of the vocabularies the formats use: ours (`intersects`), OSCAL (`intersects-with`),
/// NIST IR 8477 (`intersects with`, `no relationship`), SCF (`intersects_with`), CISO Assistant (`intersect`,
/// `not_related`).
pub fn relationship_word(word: &str) -> Option<Relationship> {
    let w: String = word
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let w = w.strip_prefix("is ").unwrap_or(&w);
    let w = w.strip_prefix("a ").unwrap_or(w);
    Some(match w {
        "equal" | "equal to" | "equals" | "equivalent" | "equivalent to" => Relationship::Equal,
        "subset" | "subset of" => Relationship::Subset,
        "superset" | "superset of" => Relationship::Superset,
        "intersect" | "intersects" | "intersects with" | "intersect with" => Relationship::Intersects,
        "none" | "no relationship" | "not related" | "not related to" | "no relation" => Relationship::None,
        _ => return None,
    })
}

/// A long value cut for a message.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// `2026.11.0` -> (2026, 11); a version that does not start so gives (2026, 1).
pub fn version_date(version: &str) -> (u32, u32) {
    let mut parts = version.split(['.', '+']).map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(y), Some(m)) if (1900..3000).contains(&y) && (1..=12).contains(&m) => (y, m),
        _ => (2026, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_words_of_every_vocabulary() {
        for (word, rel) in [
            ("intersects-with", Relationship::Intersects),
            ("Intersects With", Relationship::Intersects),
            ("intersect", Relationship::Intersects),
            ("subset_of", Relationship::Subset),
            ("superset of", Relationship::Superset),
            ("equal-to", Relationship::Equal),
            ("no-relationship", Relationship::None),
            ("not_related", Relationship::None),
            ("none", Relationship::None),
        ] {
            assert_eq!(relationship_word(word), Some(rel), "{word}");
        }
        assert_eq!(relationship_word("kind of"), None);
    }

    #[test]
    fn formats_are_told_by_content() {
        assert_eq!(detect(b"source,target,relationship,strength,rationale\n"), Ok(Kind::Csv));
        assert_eq!(detect(b"\xef\xbb\xbfFocal Document Element\tSTRM Relationship\n"), Ok(Kind::Strm));
        assert_eq!(detect(b"{\n  \"mapping-collection\": {}}"), Ok(Kind::Oscal));
        assert_eq!(detect(b"urn: x\nobjects:\n  requirement_mapping_sets: []\n"), Ok(Kind::CisoYaml));
        assert_eq!(detect(b"PK\x03\x04rest"), Ok(Kind::CisoWorkbook));
        assert_eq!(
            detect(b"{\"catalog\": {}}"),
            Err("an OSCAL `catalog`, not a `mapping-collection`: only the OSCAL mapping model holds pairs".into())
        );
        assert!(detect(b"urn: x\nobjects:\n  framework:\n    requirement_nodes: []\n")
            .unwrap_err()
            .contains("framework library"));
        assert!(detect(b"id,title\nA.5.1,x\n").unwrap_err().contains("`id,title`"));
    }

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
}

#[cfg(test)]
mod round_trip {
    use super::*;
    use crate::mapping::Mapping;

    type Key = (Option<String>, Option<String>, Relationship, u8, String, Option<Role>);

    /// What a format keeps of each pair; CISO Assistant keeps neither one-sided rows nor the role.
    fn keys(pairs: &[Pair], complete: bool) -> Vec<Key> {
        let mut k: Vec<Key> = pairs
            .iter()
            .filter(|p| complete || (p.source.is_some() && p.target.is_some()))
            .map(|p| {
                let id = |i: &Option<ControlId>| i.as_ref().map(|i| i.to_string());
                let role = complete.then_some(p.role);
                (id(&p.source), id(&p.target), p.relationship, p.strength, p.rationale.to_string(), role)
            })
            .collect();
        k.sort();
        k
    }

    /// Export, read back, export again: the same pairs, and the same bytes.
    fn check(name: &str, export: impl Fn(&Mapping) -> Vec<u8>, one_sided: bool) {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let bytes = export(&m);
        let (pairs, problems) = parse_overlay(&Overlay { name: name.into(), bytes: bytes.clone() }, &c);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        assert_eq!(keys(&pairs, one_sided), keys(&m.pairs, one_sided), "{name}");
        assert!(pairs.len() > 250, "{name}: {} pairs", pairs.len());
        let again = export(&Mapping::from_pairs(pairs, m.version.clone()));
        if one_sided {
            assert!(again == bytes, "{name}: the second export differs from the first");
        }
    }

    #[test]
    fn oscal_round_trips() {
        check("m.json", oscal::export, true);
    }

    #[test]
    fn strm_round_trips_as_csv_and_tsv() {
        let c = Catalogs::builtin();
        check("m.csv", |m| strm::export(m, &c, false), true);
        check("m.tsv", |m| strm::export(m, &c, true), true);
    }

    #[test]
    fn ciso_assistant_round_trips_except_one_sided_none_rows() {
        check("m.yaml", ciso::export, false);
        // The second export of what was read back is the first one without the one-sided rows it cannot hold.
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let bytes = ciso::export(&m);
        let (pairs, _) = parse_overlay(&Overlay { name: "m.yaml".into(), bytes: bytes.clone() }, &c);
        let again = ciso::export(&Mapping::from_pairs(pairs, m.version.clone()));
        let text = String::from_utf8(again).unwrap();
        let first = String::from_utf8(bytes).unwrap();
        let strip = |s: &str| s.lines().filter(|l| !l.starts_with("description:")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(&text), strip(&first));
        assert!(first.contains("No counterpart at all (not written as requirement mappings): A.5.32"));
    }
}

#[cfg(test)]
mod damaged {
    use super::*;
    use crate::mapping::Mapping;

    /// Every export cut short anywhere is read without a panic: pairs, or problems naming the file.
    #[test]
    fn truncated_exports_never_panic() {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let exports: [(&str, Vec<u8>); 3] =
            [("m.json", oscal::export(&m)), ("m.yaml", ciso::export(&m)), ("m.csv", strm::export(&m, &c, false))];
        for (name, bytes) in exports {
            for cut in (1..40).map(|i| bytes.len() * i / 40) {
                let file = Overlay { name: name.into(), bytes: bytes[..cut].to_vec() };
                let (pairs, problems) = parse_overlay(&file, &c);
                assert!(!pairs.is_empty() || !problems.is_empty(), "{name} cut at {cut}");
                assert!(problems.iter().all(|p| p.at.file == name), "{name} cut at {cut}");
            }
        }
    }
}

//! The mapping in the formats other GRC tools load, and back: an OSCAL 1.2 `mapping-collection`, a CISO Assistant
//! mapping library (YAML, or its mapping workbook), and a NIST IR 8477 set-theory relationship mapping (STRM, csv or
//! tsv). An overlay's format is told by its content; every reader collects its entries through one [`Collector`],
//! so ids, relationship words, duplicates and direction are checked the same way for all of them.
//!
//! See docs/interchange.md for the commands and how each format writes our pairs.

pub mod ciso;
mod collector;
pub mod oscal;
pub mod strm;

pub use collector::{Collector, Direction, Entry};

use std::path::Path;

use crate::catalog::data::DataFile;
use crate::catalog::Catalogs;
use crate::issue::{Issue, Location};
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

/// What a JSON document opens with.
const JSON_OPENERS: [char; 2] = ['{', '['];

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
    if first.starts_with(JSON_OPENERS) {
        return json_kind(first);
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
        return yaml_kind(bytes);
    }
    Err(format!("a file whose first line is `{}`", shorten(line, 80)))
}

/// A JSON document's format, told by its root key; the document itself is parsed (with its depth limit) by the
/// reader.
fn json_kind(first: &str) -> Result<Kind, String> {
    let key = first
        .trim_start_matches(JSON_OPENERS)
        .trim_start()
        .strip_prefix('"')
        .and_then(|s| s.split('"').next())
        .unwrap_or("");
    match key {
        "mapping-collection" | "$schema" => Ok(Kind::Oscal),
        "version" | "pairs" => Ok(Kind::Json),
        k if OTHER_OSCAL_MODELS.contains(&k) => {
            Err(format!("an OSCAL `{k}`, not a `mapping-collection`: only the OSCAL mapping model holds pairs"))
        }
        "" => Err("JSON without a root object key".into()),
        k => Err(format!("JSON whose root key is `{k}`")),
    }
}

/// A YAML document's format: a CISO Assistant mapping library, told by its keys anywhere in the file (at most
/// [`MAX_OVERLAY_BYTES`]): a library's translations can fill its first pages.
fn yaml_kind(bytes: &[u8]) -> Result<Kind, String> {
    let all = crate::read::delimited::decode(bytes);
    if all.contains("requirement_mapping_set") {
        Ok(Kind::CisoYaml)
    } else if all.contains("requirement_nodes") {
        Err("a CISO Assistant framework library, not a mapping library".into())
    } else {
        Err("YAML without `objects.requirement_mapping_sets`".into())
    }
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
            text => {
                if let Some(r) = Role::parse(text) {
                    Some(r)
                } else {
                    c.error_at(None, format!("entry `pairs[{i}]`: role `{text}` is not one of core, supporting"));
                    continue;
                }
            }
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
}

#[cfg(test)]
mod round_trip {
    use super::*;
    use crate::ids::ControlId;
    use crate::mapping::Mapping;

    type Key = (Option<String>, Option<String>, Relationship, u8, String, Option<Role>);

    /// What a format keeps of each pair; CISO Assistant keeps neither one-sided rows nor the role.
    fn keys(pairs: &[Pair], complete: bool) -> Vec<Key> {
        let mut k: Vec<Key> = pairs
            .iter()
            .filter(|p| complete || (p.source.is_some() && p.target.is_some()))
            .map(|p| {
                let id = |i: &Option<ControlId>| i.as_ref().map(std::string::ToString::to_string);
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

//! CISO Assistant mapping library (YAML) written for CISO Assistant to load, with a set each way (ISO/IEC
//! 27001:2022 -> SOC 2 and back); a library or one of CISO Assistant's mapping workbooks (xlsx, `mappings_meta` and
//! `mappings_content` sheets) read back as an overlay, points of focus (`cc6.1.3`) rolled up into their criterion.
//!
//! CISO Assistant's `rationale` is a word (`syntactic`, `semantic`, `functional`); our rationale sentence goes in
//! `annotation`, its free-text field. A `none` row with one side empty cannot be written (a requirement mapping needs
//! both requirements); the library's description names them.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

use super::{relationship_word, version_date, Collector, Direction, Entry};
use crate::mapping::{Mapping, Relationship};

/// The frameworks of CISO Assistant's published libraries that our catalogs are.
pub const ISO_FRAMEWORK: &str = "urn:intuitem:risk:framework:iso27001-2022";
pub const SOC2_FRAMEWORK: &str = "urn:intuitem:risk:framework:soc2-2017";
/// The same criteria with the 2022 points of focus (CISO Assistant's mapping workbooks use it).
pub const SOC2_REV_FRAMEWORK: &str = "urn:intuitem:risk:framework:soc2-2017-rev-2022";
const NODE: &str = "urn:intuitem:risk:req_node:";

/// CISO Assistant's word for a relationship read from the source side.
pub fn word(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equal",
        Relationship::Subset => "subset",
        Relationship::Superset => "superset",
        Relationship::Intersects => "intersect",
        Relationship::None => "not_related",
    }
}

/// The requirement node URN of a catalog id: `A.5.15` -> `urn:intuitem:risk:req_node:iso27001-2022:a.5.15`.
pub fn node_urn(framework_key: &str, id: &str) -> String {
    format!("{NODE}{framework_key}:{}", id.to_ascii_lowercase())
}

#[derive(Serialize)]
struct LibraryOut {
    urn: &'static str,
    locale: &'static str,
    ref_id: &'static str,
    name: &'static str,
    description: String,
    copyright: &'static str,
    version: u32,
    publication_date: String,
    provider: &'static str,
    packager: &'static str,
    dependencies: [&'static str; 2],
    objects: ObjectsOut,
}

#[derive(Serialize)]
struct ObjectsOut {
    requirement_mapping_sets: Vec<SetOut>,
}

#[derive(Serialize)]
struct SetOut {
    urn: &'static str,
    ref_id: &'static str,
    name: &'static str,
    description: &'static str,
    source_framework_urn: &'static str,
    target_framework_urn: &'static str,
    requirement_mappings: Vec<MappingOut>,
}

#[derive(Serialize)]
struct MappingOut {
    source_requirement_urn: String,
    target_requirement_urn: String,
    relationship: &'static str,
    rationale: &'static str,
    strength_of_relationship: u8,
    annotation: String,
}

/// The pairs as the two requirement mapping sets (ISO -> SOC 2, and the reverse in source order), and the ids of
/// one-sided pairs (no counterpart), which a set cannot hold.
fn requirement_mappings(m: &Mapping) -> (Vec<MappingOut>, Vec<MappingOut>, Vec<String>) {
    let mut forward = Vec::new();
    let mut reverse = Vec::new();
    let mut one_sided = Vec::new();
    for p in &m.pairs {
        let (Some(s), Some(t)) = (&p.source, &p.target) else {
            one_sided.extend(p.source.iter().chain(&p.target).map(std::string::ToString::to_string));
            continue;
        };
        let (iso, soc2) = (node_urn("iso27001-2022", s.as_str()), node_urn("soc2-2017", t.as_str()));
        forward.push(MappingOut {
            source_requirement_urn: iso.clone(),
            target_requirement_urn: soc2.clone(),
            relationship: word(p.relationship),
            rationale: "semantic",
            strength_of_relationship: p.strength,
            annotation: p.rationale.to_string(),
        });
        reverse.push(MappingOut {
            source_requirement_urn: soc2,
            target_requirement_urn: iso,
            relationship: word(p.relationship.inverse()),
            rationale: "semantic",
            strength_of_relationship: p.strength,
            annotation: p.rationale.to_string(),
        });
    }
    // Reverse set in source order, as CISO Assistant lists a set.
    reverse.sort_by(|a, b| {
        let key = |x: &MappingOut| {
            let id =
                |u: &str| crate::ids::natural_key(u.rsplit(':').next().unwrap_or("").to_ascii_uppercase().as_str());
            (id(&x.source_requirement_urn), id(&x.target_requirement_urn))
        };
        key(a).cmp(&key(b))
    });
    (forward, reverse, one_sided)
}

/// The library's description: what it maps, the mapping version, and the ids with no counterpart.
fn library_description(m: &Mapping, one_sided: &[String]) -> String {
    let mut description = format!(
        "ISO/IEC 27001:2022 Annex A controls and ISMS clauses mapped to the AICPA Trust Services Criteria 2017, and back, pair by pair with the NIST IR 8477 relationship, a strength from 1 to 10 and a one-sentence rationale (annotation). Mapping version {}.",
        m.version
    );
    if !one_sided.is_empty() {
        let _ = write!(
            description,
            " No counterpart at all (not written as requirement mappings): {}.",
            one_sided.join(", ")
        );
    }
    description
}

/// The mapping as a CISO Assistant library with both sets; the same mapping gives the same bytes.
pub fn export(m: &Mapping) -> Vec<u8> {
    let (forward, reverse, one_sided) = requirement_mappings(m);
    let description = library_description(m, &one_sided);
    let (y, mo) = version_date(&m.version);
    let patch: u32 = m.version.split(['.', '+']).nth(2).and_then(|p| p.parse().ok()).unwrap_or(0).min(99);
    let library = LibraryOut {
        urn: "urn:crosswalk:risk:library:mapping-iso27001-2022-and-soc2-2017",
        locale: "en",
        ref_id: "mapping-iso27001-2022-and-soc2-2017",
        name: "ISO/IEC 27001:2022 <-> SOC 2 (TSC 2017)",
        description,
        copyright: "Mapping, relationships and rationales by the crosswalk project (MIT OR Apache-2.0); ids only, no ISO or AICPA text",
        version: y * 10_000 + mo * 100 + patch,
        publication_date: format!("{y:04}-{mo:02}-01"),
        provider: "crosswalk",
        packager: "crosswalk",
        dependencies: ["urn:intuitem:risk:library:iso27001-2022", "urn:intuitem:risk:library:soc2-2017"],
        objects: ObjectsOut {
            requirement_mapping_sets: vec![
                SetOut {
                    urn: "urn:crosswalk:risk:req_mapping_set:mapping-iso27001-2022-to-soc2-2017",
                    ref_id: "mapping-iso27001-2022-to-soc2-2017",
                    name: "ISO/IEC 27001:2022 -> SOC 2 (TSC 2017)",
                    description: "Each ISO/IEC 27001:2022 requirement against the criteria it meets, relationship read from the ISO side.",
                    source_framework_urn: ISO_FRAMEWORK,
                    target_framework_urn: SOC2_FRAMEWORK,
                    requirement_mappings: forward,
                },
                SetOut {
                    urn: "urn:crosswalk:risk:req_mapping_set:mapping-soc2-2017-to-iso27001-2022",
                    ref_id: "mapping-soc2-2017-to-iso27001-2022",
                    name: "SOC 2 (TSC 2017) -> ISO/IEC 27001:2022",
                    description: "The same pairs read from the criterion's side.",
                    source_framework_urn: SOC2_FRAMEWORK,
                    target_framework_urn: ISO_FRAMEWORK,
                    requirement_mappings: reverse,
                },
            ],
        },
    };
    // Plain structs of strings and numbers: serialisation cannot fail.
    serde_norway::to_string(&library).expect("a CISO Assistant library serialises").into_bytes()
}

#[derive(Deserialize)]
struct LibraryIn {
    #[serde(default)]
    objects: Option<ObjectsIn>,
}

#[derive(Deserialize)]
struct ObjectsIn {
    #[serde(default)]
    requirement_mapping_sets: Option<serde_norway::Value>,
    /// The older name, one set or a list.
    #[serde(default)]
    requirement_mapping_set: Option<serde_norway::Value>,
}

#[derive(Deserialize)]
struct SetIn {
    #[serde(default)]
    urn: String,
    source_framework_urn: String,
    target_framework_urn: String,
    #[serde(default)]
    requirement_mappings: Vec<MappingIn>,
}

#[derive(Deserialize)]
struct MappingIn {
    source_requirement_urn: String,
    target_requirement_urn: String,
    relationship: String,
    #[serde(default)]
    strength_of_relationship: Option<serde_norway::Value>,
    #[serde(default)]
    rationale: Option<String>,
    #[serde(default)]
    annotation: Option<String>,
}

/// A framework CISO Assistant names by URN that this tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Iso2022,
    Soc2,
    /// SOC 2 with the 2022 points of focus: the same criteria.
    Soc2Rev,
}

impl Known {
    /// The framework of a URN this tool knows; `None` for another framework.
    fn of(urn: &str) -> Option<Known> {
        match urn.trim().to_ascii_lowercase().as_str() {
            ISO_FRAMEWORK => Some(Known::Iso2022),
            SOC2_FRAMEWORK => Some(Known::Soc2),
            SOC2_REV_FRAMEWORK => Some(Known::Soc2Rev),
            _ => None,
        }
    }

    /// The framework's part of its requirement node URNs.
    fn node_key(self) -> &'static str {
        match self {
            Known::Iso2022 => "iso27001-2022",
            Known::Soc2 => "soc2-2017",
            Known::Soc2Rev => "soc2-2017-rev-2022",
        }
    }
}

/// The set's direction from its framework URNs, or why it cannot be used.
fn set_direction(source: &str, target: &str) -> Result<Direction, String> {
    match (Known::of(source), Known::of(target)) {
        (Some(Known::Iso2022), Some(Known::Soc2 | Known::Soc2Rev)) => Ok(Direction::Forward),
        (Some(Known::Soc2 | Known::Soc2Rev), Some(Known::Iso2022)) => Ok(Direction::Reverse),
        _ => Err(format!(
            "maps `{source}` to `{target}`; expected `{ISO_FRAMEWORK}` and `{SOC2_FRAMEWORK}` (or `{SOC2_REV_FRAMEWORK}`), one each way"
        )),
    }
}

/// The node id after a framework's base URN (`urn:intuitem:risk:req_node:iso27001-2022:a.5.15` -> `a.5.15`).
fn node_id<'u>(urn: &'u str, framework: &str) -> Option<&'u str> {
    let base = format!("{NODE}{}:", Known::of(framework)?.node_key());
    let lower = urn.trim();
    lower.get(..base.len()).filter(|b| b.eq_ignore_ascii_case(&base)).map(|_| &lower[base.len()..])
}

/// Our rationale sentence: the annotation, else a `rationale` that is a sentence rather than CISO Assistant's word.
fn rationale_text(rationale: Option<&str>, annotation: Option<&str>) -> Option<String> {
    let words = ["syntactic", "semantic", "functional"];
    annotation
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .or_else(|| {
            rationale.map(str::trim).filter(|r| !r.is_empty() && !words.contains(&r.to_ascii_lowercase().as_str()))
        })
        .map(String::from)
}

/// A strength cell or value: a whole number, or nothing; `Err` says what was found.
fn strength_of(text: &str) -> Result<Option<u8>, String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    let n = t.strip_suffix(".0").unwrap_or(t);
    n.parse::<u8>().map(Some).map_err(|_| format!("strength_of_relationship `{t}` is not a whole number from 1 to 10"))
}

/// Reads a CISO Assistant mapping library.
pub fn read_yaml(text: &str, c: &mut Collector) {
    let sets = match mapping_sets(text) {
        Ok(sets) => sets,
        Err(message) => return c.fail(message),
    };
    let mut first: Option<Direction> = None;
    for (i, value) in sets.into_iter().enumerate() {
        let set: SetIn = match serde_norway::from_value(value) {
            Ok(s) => s,
            Err(e) => {
                c.fail(format!("requirement_mapping_sets[{i}]: {e}"));
                continue;
            }
        };
        let name = if set.urn.is_empty() { format!("requirement_mapping_sets[{i}]") } else { set.urn.clone() };
        let direction = match set_direction(&set.source_framework_urn, &set.target_framework_urn) {
            Ok(d) => d,
            Err(e) => {
                c.fail(format!("set `{name}` {e}"));
                continue;
            }
        };
        // A second set the other way round restates the first set's pairs.
        let mirror = *first.get_or_insert(direction) != direction;
        c.direction = Some(direction);
        if !read_set(&set, &name, mirror, c) {
            return;
        }
    }
}

/// The library's requirement mapping sets (one set or a list, under either name), or why the file cannot be used.
fn mapping_sets(text: &str) -> Result<Vec<serde_norway::Value>, String> {
    // The YAML parser slows to a crawl on thousands of nested brackets or braces (a minute for 100,000) before
    // serde's own depth limit is reached: such a file is refused before it is parsed.
    if let Some(line) = flow_too_deep(text, MAX_FLOW_DEPTH) {
        return Err(format!(
            "line {line}: brackets nested more than {MAX_FLOW_DEPTH} levels deep; a mapping library is a few levels deep, so the file is refused"
        ));
    }
    // serde_norway stops at 128 levels of nesting and at alias expansion that outgrows the document
    // ("repetition limit exceeded"), so a hostile document cannot exhaust the stack or memory.
    let library: LibraryIn =
        serde_norway::from_str(text).map_err(|e| format!("not a readable CISO Assistant library (YAML): {e}"))?;
    let Some(objects) = library.objects else {
        return Err(
            "no `objects`: expected a CISO Assistant mapping library with `objects.requirement_mapping_sets`".into()
        );
    };
    let sets = match (objects.requirement_mapping_sets, objects.requirement_mapping_set) {
        (Some(v), None) | (None, Some(v)) => v,
        (Some(_), Some(_)) => {
            return Err("both `requirement_mapping_sets` and `requirement_mapping_set`: use one".into())
        }
        (None, None) => {
            return Err("no `objects.requirement_mapping_sets`: expected a CISO Assistant mapping library".into())
        }
    };
    Ok(match sets {
        serde_norway::Value::Sequence(items) => items,
        one => vec![one],
    })
}

/// Adds the entries of one set; false when the file holds too many entries and reading stops.
fn read_set(set: &SetIn, name: &str, mirror: bool, c: &mut Collector) -> bool {
    for (j, m) in set.requirement_mappings.iter().enumerate() {
        if c.too_many() {
            return false;
        }
        let label = format!("{name}: requirement_mappings[{j}]");
        match entry(set, m, label, mirror) {
            Ok(e) => c.add(e),
            Err(message) => c.error_at(None, message),
        }
    }
    true
}

/// One requirement mapping as an [`Entry`], or the message that says why it cannot be used.
fn entry(set: &SetIn, m: &MappingIn, label: String, mirror: bool) -> Result<Entry, String> {
    let (Some(a), Some(b)) = (
        node_id(&m.source_requirement_urn, &set.source_framework_urn),
        node_id(&m.target_requirement_urn, &set.target_framework_urn),
    ) else {
        return Err(format!("entry `{label}`: `{}` -> `{}` are not requirements of the set's frameworks (`{}` -> `{}`): wrong direction or another framework", m.source_requirement_urn, m.target_requirement_urn, set.source_framework_urn, set.target_framework_urn));
    };
    let Some(relationship) = relationship_word(&m.relationship) else {
        return Err(format!(
            "entry `{label}`: relationship `{}` is not one of equal, subset, superset, intersect, not_related",
            m.relationship
        ));
    };
    let strength_text = match &m.strength_of_relationship {
        None | Some(serde_norway::Value::Null) => String::new(),
        Some(serde_norway::Value::Number(n)) => n.to_string(),
        Some(serde_norway::Value::String(s)) => s.clone(),
        Some(_) => "(not a number)".to_string(),
    };
    let strength = strength_of(&strength_text).map_err(|e| format!("entry `{label}`: {e}"))?;
    Ok(Entry {
        label,
        row: None,
        a: a.to_string(),
        b: b.to_string(),
        relationship,
        strength,
        // CISO Assistant has no role: it comes from the strength.
        role: None,
        rationale: rationale_text(m.rationale.as_deref(), m.annotation.as_deref()),
        agreeing: Vec::new(),
        mirror,
    })
}

/// Deepest nesting of flow collections (`[`, `{`) read.
const MAX_FLOW_DEPTH: usize = 64;

/// The line where `[` and `{` outside quotes and comments first nest deeper than `max`.
fn flow_too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        for ch in line.chars() {
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (None, '\'' | '"') => quote = Some(ch),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > max {
                        return Some(n + 1);
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                // Any other character, and everything inside quotes.
                _ => {}
            }
        }
    }
    None
}

/// Largest inflated size of one part of a mapping workbook: CISO Assistant's are well under a megabyte.
const WORKBOOK_LIMIT: u64 = 32 * 1024 * 1024;

/// Reads a CISO Assistant mapping workbook: the frameworks from `mappings_meta`, the rows of `mappings_content`.
pub fn read_workbook(bytes: &[u8], c: &mut Collector) {
    let limits = crate::read::Limits { max_inflated: WORKBOOK_LIMIT, ..Default::default() };
    let read = || crate::read::read_bytes(c.file, "xlsx", bytes.to_vec(), limits);
    let source = match crate::read::isolate::guard(c.file, read) {
        Ok(s) => s,
        Err(e) => return c.fail(format!("not a readable workbook: {e}")),
    };
    let sheet =
        |name: &str| source.tables.iter().find(|t| t.sheet.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name)));
    let Some(content) = sheet("mappings_content") else {
        let names: Vec<String> = source.tables.iter().filter_map(|t| t.sheet.clone()).collect();
        return c.fail(format!(
            "a workbook without a `mappings_content` sheet (found `{}`): expected a CISO Assistant mapping workbook",
            names.join("`, `")
        ));
    };
    let meta = |key: &str| {
        sheet("mappings_meta").and_then(|t| {
            t.rows.iter().find(|r| r.cell(0).text().trim() == key).map(|r| r.cell(1).text().trim().to_string())
        })
    };
    let frameworks = (meta("source_framework_urn"), meta("target_framework_urn"));
    if let (Some(s), Some(t)) = &frameworks {
        match set_direction(s, t) {
            Ok(d) => c.direction = Some(d),
            Err(e) => return c.fail(format!("sheet 'mappings_meta' {e}")),
        }
    }
    let mut rows = content.rows.iter().filter(|r| !r.is_blank());
    let Some(header) = rows.next() else {
        return c.fail("sheet 'mappings_content' is empty");
    };
    let headers: Vec<String> = header.cells.iter().map(|h| h.text().trim().to_ascii_lowercase()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(src), Some(tgt), Some(rel)) = (col("source_node_id"), col("target_node_id"), col("relationship")) else {
        return c.fail(format!(
            "sheet 'mappings_content', row {}: expected the columns `source_node_id`, `target_node_id`, `relationship`; found `{}`",
            header.number,
            headers.join("`, `")
        ));
    };
    let (strength_col, rationale_col, annotation_col) =
        (col("strength_of_relationship"), col("rationale"), col("annotation"));
    let sheet_name = content.sheet.clone();
    for row in rows {
        if c.too_many() {
            return;
        }
        let at = Some((sheet_name.clone(), row.number));
        let cell = |i: Option<usize>| i.map(|i| row.cell(i).text().trim().to_string()).unwrap_or_default();
        let word = cell(Some(rel));
        let Some(relationship) = relationship_word(&word) else {
            c.error_at(
                at.as_ref(),
                format!("relationship `{word}` is not one of equal, subset, superset, intersect, not_related"),
            );
            continue;
        };
        let strength = match strength_of(&cell(strength_col)) {
            Ok(s) => s,
            Err(e) => {
                c.error_at(at.as_ref(), e);
                continue;
            }
        };
        let rationale = rationale_text(Some(&cell(rationale_col)), Some(&cell(annotation_col)));
        c.add(Entry {
            label: String::new(),
            row: at,
            a: cell(Some(src)),
            b: cell(Some(tgt)),
            relationship,
            strength,
            role: None,
            rationale,
            agreeing: Vec::new(),
            mirror: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_reads_one_way_or_the_other_by_its_frameworks() {
        let cases = [
            (ISO_FRAMEWORK, SOC2_FRAMEWORK, Some(Direction::Forward)),
            (ISO_FRAMEWORK, SOC2_REV_FRAMEWORK, Some(Direction::Forward)),
            (SOC2_FRAMEWORK, ISO_FRAMEWORK, Some(Direction::Reverse)),
            (SOC2_FRAMEWORK, SOC2_REV_FRAMEWORK, None),
            (ISO_FRAMEWORK, "urn:intuitem:risk:framework:nist-csf-2.0", None),
        ];
        for (source, target, want) in cases {
            assert_eq!(set_direction(source, target).ok(), want, "{source} -> {target}");
        }
        assert_eq!(node_id("urn:intuitem:risk:req_node:iso27001-2022:a.5.15", ISO_FRAMEWORK), Some("a.5.15"));
        assert_eq!(node_id("urn:intuitem:risk:req_node:soc2-2017:cc6.1", ISO_FRAMEWORK), None);
    }

    #[test]
    fn the_sets_are_found_under_either_name() {
        let cases = [
            ("objects:\n  requirement_mapping_sets:\n    - urn: a\n    - urn: b\n", Ok(2)),
            ("objects:\n  requirement_mapping_set:\n    urn: a\n", Ok(1)),
            (
                "urn: x\n",
                Err("no `objects`: expected a CISO Assistant mapping library with `objects.requirement_mapping_sets`"),
            ),
            (
                "objects:\n  framework: {}\n",
                Err("no `objects.requirement_mapping_sets`: expected a CISO Assistant mapping library"),
            ),
            (
                "objects:\n  requirement_mapping_sets: []\n  requirement_mapping_set: []\n",
                Err("both `requirement_mapping_sets` and `requirement_mapping_set`: use one"),
            ),
        ];
        for (yaml, want) in cases {
            let got = mapping_sets(yaml).map(|sets| sets.len());
            assert_eq!(got, want.map_err(String::from), "{yaml}");
        }
    }
}

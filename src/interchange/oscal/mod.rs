//! OSCAL 1.2.1 `mapping-collection` (JSON): the mapping, or one input's crosswalk, written for OSCAL tools; and a
//! mapping-collection read back as an overlay.
//!
//! Each pair is a `map` whose relationship is the model's own word (`equal-to`, `subset-of`, `superset-of`,
//! `intersects-with`, `no-relationship`), read from the ISO side; strength and agreeing sources are props in our
//! namespace, the rationale is the remarks. A `none` row with one side empty has no `map` (a map needs both sides):
//! its id is in the mapping's gap summary and, with its rationale and strength, in a `no-counterpart` prop.

mod reader;

use serde::Serialize;

use super::version_date;
use crate::ids::Framework;
use crate::mapping::{Mapping, Relationship};
use crate::report::Output;
pub use reader::read;

/// The OSCAL version written.
pub const OSCAL_VERSION: &str = "1.2.1";

/// Namespace of our props (`strength`, `role`, `agreeing-source`, `no-counterpart`, `row`).
pub const NS: &str = "urn:crosswalk:oscal";

const METHOD_NOTE: &str = "Pairs are read from the ISO/IEC 27001:2022 side with the set-theory relationships of NIST IR 8477; strength (1-10) is the `strength` prop; every pair has a one-sentence rationale in its remarks. A requirement with no counterpart at all is listed in the gap summary and in a `no-counterpart` prop with its rationale.";

/// A name-based (v5) uuid: the same name gives the same uuid in every run.
fn uuid(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("urn:crosswalk:{name}").as_bytes()).to_string()
}

/// OSCAL's word for a relationship read from the source side.
pub fn word(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equal-to",
        Relationship::Subset => "subset-of",
        Relationship::Superset => "superset-of",
        Relationship::Intersects => "intersects-with",
        Relationship::None => "no-relationship",
    }
}

#[derive(Serialize)]
struct Document {
    #[serde(rename = "mapping-collection")]
    collection: Collection,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Collection {
    uuid: String,
    metadata: Metadata,
    provenance: Provenance,
    mappings: Vec<MappingOut>,
    back_matter: BackMatter,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    title: String,
    last_modified: String,
    version: String,
    oscal_version: &'static str,
    remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Provenance {
    method: &'static str,
    matching_rationale: &'static str,
    status: &'static str,
    mapping_description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct MappingOut {
    uuid: String,
    method: &'static str,
    matching_rationale: &'static str,
    status: &'static str,
    source_resource: ResourceRef,
    target_resource: ResourceRef,
    maps: Vec<Map>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_gap_summary: Option<Gap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_gap_summary: Option<Gap>,
}

#[derive(Serialize)]
struct ResourceRef {
    #[serde(rename = "type")]
    kind: &'static str,
    href: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Map {
    uuid: String,
    matching_rationale: &'static str,
    relationship: &'static str,
    sources: Vec<Item>,
    targets: Vec<Item>,
    props: Vec<Prop>,
    remarks: String,
}

#[derive(Serialize)]
struct Item {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "id-ref")]
    id_ref: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
}

#[derive(Serialize)]
struct Prop {
    name: &'static str,
    ns: &'static str,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

impl Prop {
    fn new(name: &'static str, value: impl Into<String>) -> Prop {
        Prop { name, ns: NS, value: value.into(), class: None, group: None, remarks: None }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Gap {
    uuid: String,
    unmapped_controls: Vec<Select>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Select {
    with_ids: Vec<String>,
}

#[derive(Serialize)]
struct BackMatter {
    resources: Vec<Resource>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Resource {
    uuid: String,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
}

/// Client text as OSCAL's one-line string types want it: no line breaks, no leading or trailing space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// OSCAL's token type (`with-ids`, `group`): a letter or `_` first, then letters, digits, `.`, `-`, `_`.
fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn catalog_resource(framework: Framework) -> Resource {
    let (title, description) = match framework {
        Framework::Tsc2017 => (
            "AICPA Trust Services Criteria 2017 (points of focus revised 2022)",
            "The 61 criteria of a SOC 2 examination, named by their ids (`CC6.1`, `A1.2`, `P6.1`).",
        ),
        _ => (
            "ISO/IEC 27001:2022",
            "Annex A controls (`A.5.15`) and the ISMS clauses 4.1-10.2 (`6.1.2`), named by their ids.",
        ),
    };
    Resource {
        uuid: uuid(&format!("catalog:{}", framework.key())),
        title: title.into(),
        description: description.into(),
        props: Vec::new(),
    }
}

fn last_modified(version: &str) -> String {
    let (y, m) = version_date(version);
    format!("{y:04}-{m:02}-01T00:00:00Z")
}

fn to_bytes(doc: &Document) -> Vec<u8> {
    // Plain structs of strings and numbers: serialisation cannot fail.
    let mut bytes = serde_json::to_vec_pretty(doc).expect("an OSCAL document serialises");
    bytes.push(b'\n');
    bytes
}

/// The pairs as OSCAL maps, one-sided pairs as `no-counterpart` props, and the ids of each side's gap summary.
struct Written {
    maps: Vec<Map>,
    props: Vec<Prop>,
    source_gaps: Vec<String>,
    target_gaps: Vec<String>,
}

fn written(m: &Mapping) -> Written {
    let mut maps = Vec::new();
    let mut props = Vec::new();
    let (mut source_gaps, mut target_gaps) = (Vec::new(), Vec::new());
    for p in &m.pairs {
        match (&p.source, &p.target) {
            (Some(s), Some(t)) => {
                let mut map_props =
                    vec![Prop::new("strength", p.strength.to_string()), Prop::new("role", p.role.as_str())];
                map_props.extend(p.agreeing_sources.iter().map(|a| Prop::new("agreeing-source", a.clone())));
                maps.push(Map {
                    uuid: uuid(&format!("map:{s}:{t}")),
                    matching_rationale: "semantic",
                    relationship: word(p.relationship),
                    sources: vec![Item { kind: "control", id_ref: s.to_string(), props: Vec::new() }],
                    targets: vec![Item { kind: "control", id_ref: t.to_string(), props: Vec::new() }],
                    props: map_props,
                    remarks: p.rationale.to_string(),
                });
            }
            (one, other) => {
                let (id, class, gaps) = match (one, other) {
                    (Some(s), None) => (s, "source", &mut source_gaps),
                    (None, Some(t)) => (t, "target", &mut target_gaps),
                    _ => continue,
                };
                let group = format!("{class}-{id}");
                if is_token(id.as_str()) {
                    gaps.push(id.to_string());
                }
                props.push(Prop {
                    class: Some(class),
                    group: Some(group.clone()),
                    remarks: Some(p.rationale.to_string()),
                    ..Prop::new("no-counterpart", id.to_string())
                });
                props.push(Prop { group: Some(group), ..Prop::new("strength", p.strength.to_string()) });
            }
        }
    }
    Written { maps, props, source_gaps, target_gaps }
}

/// The mapping as a `mapping-collection`; the same mapping gives the same bytes.
pub fn export(m: &Mapping) -> Vec<u8> {
    let iso = catalog_resource(Framework::Iso2022);
    let tsc = catalog_resource(Framework::Tsc2017);
    let Written { maps, props, source_gaps, target_gaps } = written(m);
    let gap = |side: &str, ids: Vec<String>| {
        (!ids.is_empty()).then(|| Gap {
            uuid: uuid(&format!("gap:{side}:{}", m.version)),
            unmapped_controls: vec![Select { with_ids: ids }],
        })
    };
    let doc = Document {

        collection: Collection {
            uuid: uuid(&format!("mapping-collection:{}", m.version)),
            metadata: Metadata {
                title: "ISO/IEC 27001:2022 to SOC 2 (TSC 2017) mapping".into(),
                last_modified: last_modified(&m.version),
                version: m.version.clone(),
                oscal_version: OSCAL_VERSION,
                remarks: METHOD_NOTE.into(),
            },
            provenance: Provenance {
                method: "human",
                matching_rationale: "semantic",
                status: "complete",
                mapping_description: "Every ISO/IEC 27001:2022 Annex A control and ISMS clause against the AICPA Trust Services Criteria 2017, reviewed pair by pair, for reusing an ISO programme in a SOC 2 examination and back.".into(),
            },
            mappings: vec![MappingOut {
                uuid: uuid("mapping:iso27001-2022:tsc-2017"),
                method: "human",
                matching_rationale: "semantic",
                status: "complete",
                source_resource: ResourceRef { kind: "catalog", href: format!("#{}", iso.uuid) },
                target_resource: ResourceRef { kind: "catalog", href: format!("#{}", tsc.uuid) },
                maps,
                props,
                source_gap_summary: gap("source", source_gaps),
                target_gap_summary: gap("target", target_gaps),
            }],
            back_matter: BackMatter { resources: vec![iso, tsc] },
        },
    };
    to_bytes(&doc)
}

/// One input's crosswalk as a `mapping-collection`: the client's controls (the input file) to the target catalog,
/// one `map` per row and target. `None` when no row reaches a target (OSCAL needs at least one map).
pub fn export_crosswalk(output: &Output) -> Option<Vec<u8>> {
    let cw = output.crosswalk;
    let input = &output.input;
    let version = &output.run.mapping_version;
    let file = Resource {
        uuid: uuid(&format!("input:{}", input.sha256)),
        title: one_line(&input.path),
        description: format!("The control list read from `{}` ({}).", input.path, input.framework),
        props: vec![Prop::new("sha256", input.sha256.clone())],
    };
    let target = catalog_resource(cw.to);
    let mut maps = Vec::new();
    let mut unmapped = Vec::new();
    for row in &cw.rows {
        let r = &row.row;
        if row.targets.is_empty() {
            unmapped.extend(r.ids.iter().map(std::string::ToString::to_string).filter(|i| is_token(i)));
        }
        for t in &row.targets {
            let mut item_props = vec![Prop::new("row", r.row.to_string())];
            if let Some(raw) = r.raw_id.as_deref().map(one_line).filter(|s| !s.is_empty()) {
                item_props.push(Prop::new("raw-id", raw));
            }
            maps.push(Map {
                uuid: uuid(&format!("crosswalk-map:{}:{}:{}:{}", input.sha256, r.row, t.via, t.id)),
                matching_rationale: "semantic",
                relationship: word(t.relationship),
                sources: vec![Item { kind: "control", id_ref: t.via.to_string(), props: item_props }],
                targets: vec![Item { kind: "control", id_ref: t.id.to_string(), props: Vec::new() }],
                props: vec![
                    Prop::new("strength", t.strength.to_string()),
                    Prop::new("matched-by", r.matched_by.as_str().to_string()),
                ],
                remarks: t.rationale.to_string(),
            });
        }
    }
    if maps.is_empty() {
        return None;
    }
    unmapped.sort();
    unmapped.dedup();
    let doc = Document {
        collection: Collection {
            uuid: uuid(&format!("crosswalk:{}:{}:{}", input.sha256, version, cw.to.key())),
            metadata: Metadata {
                title: format!("Crosswalk of {} to {}", one_line(&input.path), cw.to),
                last_modified: last_modified(version),
                version: version.clone(),
                oscal_version: OSCAL_VERSION,
                remarks: format!(
                    "Each row of the input that names (or was matched to) a control is mapped through the curated mapping {version}; the `row` prop of a source is the spreadsheet row. {METHOD_NOTE}"
                ),
            },
            provenance: Provenance {
                method: "hybrid",
                matching_rationale: "semantic",
                status: "complete",
                mapping_description: format!("The controls of `{}` mapped to {}.", input.path, cw.to),
            },
            mappings: vec![MappingOut {
                uuid: uuid(&format!("crosswalk-mapping:{}:{}", input.sha256, cw.to.key())),
                method: "hybrid",
                matching_rationale: "semantic",
                status: "complete",
                source_resource: ResourceRef { kind: "catalog", href: format!("#{}", file.uuid) },
                target_resource: ResourceRef { kind: "catalog", href: format!("#{}", target.uuid) },
                maps,
                props: Vec::new(),
                source_gap_summary: (!unmapped.is_empty()).then(|| Gap {
                    uuid: uuid(&format!("crosswalk-gap:{}:{version}", input.sha256)),
                    unmapped_controls: vec![Select { with_ids: unmapped }],
                }),
                target_gap_summary: None,
            }],
            back_matter: BackMatter { resources: vec![file, target] },
        },
    };
    Some(to_bytes(&doc))
}

//! A `mapping-collection` read back as an overlay: each map's sources and targets paired, its relationship, strength,
//! role and agreeing sources read from the model's words and our props, and `no-counterpart` props as one-sided
//! `none` entries.

use serde::Deserialize;

use super::NS;
use crate::interchange::{relationship_word, Collector, Entry};
use crate::mapping::{Relationship, Role};

#[derive(Deserialize)]
struct InCollection {
    #[serde(default)]
    mappings: serde_json::Value,
}

#[derive(Deserialize)]
struct InMapping {
    #[serde(default)]
    maps: Vec<InMap>,
    #[serde(default)]
    props: Vec<InProp>,
}

#[derive(Deserialize)]
struct InMap {
    relationship: String,
    #[serde(default)]
    sources: Vec<InItem>,
    #[serde(default)]
    targets: Vec<InItem>,
    #[serde(default)]
    props: Vec<InProp>,
    #[serde(default, rename = "confidence-score")]
    confidence: Option<InConfidence>,
    #[serde(default)]
    remarks: Option<String>,
}

#[derive(Deserialize)]
struct InItem {
    #[serde(rename = "id-ref")]
    id_ref: String,
}

#[derive(Deserialize)]
struct InProp {
    name: String,
    #[serde(default)]
    ns: Option<String>,
    value: String,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    remarks: Option<String>,
}

impl InProp {
    /// Ours, or a prop without a namespace.
    fn is(&self, name: &str) -> bool {
        self.name == name && self.ns.as_deref().is_none_or(|ns| ns == NS)
    }
}

#[derive(Deserialize)]
struct InConfidence {
    #[serde(default)]
    percentage: Option<f64>,
    #[serde(default)]
    category: Option<String>,
}

/// A strength from our prop, else from the confidence score; `Err` names a prop that is not a number.
fn strength(props: &[InProp], confidence: Option<&InConfidence>) -> Result<Option<u8>, String> {
    if let Some(p) = props.iter().find(|p| p.is("strength")) {
        return p
            .value
            .trim()
            .parse::<u8>()
            .map(Some)
            .map_err(|_| format!("strength `{}` is not a whole number from 1 to 10", p.value));
    }
    Ok(confidence.and_then(|c| match (c.percentage, c.category.as_deref()) {
        (Some(p), _) if (0.0..=1.0).contains(&p) => Some(((p * 10.0).round() as u8).max(1)),
        (_, Some("high")) => Some(8),
        (_, Some("medium")) => Some(5),
        (_, Some("low")) => Some(2),
        _ => None,
    }))
}

/// Reads a `mapping-collection`; every map (each source with each target) is one entry.
pub fn read(text: &str, c: &mut Collector) {
    // serde_json refuses nesting deeper than 128 levels, so a hostile document cannot exhaust the stack.
    let root: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return c.fail(format!("not valid JSON (expected an OSCAL mapping-collection): {e}")),
    };
    let Some(collection) = root.get("mapping-collection") else {
        return c.fail("JSON without a `mapping-collection` root: expected an OSCAL mapping-collection");
    };
    let collection: InCollection = match serde_json::from_value(collection.clone()) {
        Ok(v) => v,
        Err(e) => return c.fail(format!("`mapping-collection`: {e}")),
    };
    let mappings = match collection.mappings {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => Vec::new(),
        one => vec![one],
    };
    for (i, value) in mappings.into_iter().enumerate() {
        let mapping: InMapping = match serde_json::from_value(value) {
            Ok(m) => m,
            Err(e) => {
                c.fail(format!("`mappings[{i}]`: {e}"));
                continue;
            }
        };
        // Each mapping reads in its own direction, set by its first map that names both catalogs.
        c.direction = None;
        read_mapping(i, &mapping, c);
    }
}

fn read_mapping(i: usize, mapping: &InMapping, c: &mut Collector) {
    if read_maps(i, mapping, c) {
        read_no_counterparts(i, mapping, c);
    }
}

/// What one map says of all its pairs: relationship, strength, role and agreeing sources.
struct MapFacts {
    relationship: Relationship,
    strength: Option<u8>,
    role: Option<Role>,
    agreeing: Vec<String>,
}

/// Reads a map's relationship, strength and role, or the message that says why it cannot be used.
fn map_facts(label: &str, map: &InMap) -> Result<MapFacts, String> {
    let Some(relationship) = relationship_word(&map.relationship) else {
        return Err(format!("entry `{label}`: relationship `{}` is not one of equal-to, equivalent-to, subset-of, superset-of, intersects-with, no-relationship", map.relationship));
    };
    let strength = strength(&map.props, map.confidence.as_ref()).map_err(|e| format!("entry `{label}`: {e}"))?;
    if map.sources.is_empty() || map.targets.is_empty() {
        return Err(format!("entry `{label}`: a map needs at least one source and one target"));
    }
    let agreeing: Vec<String> =
        map.props.iter().filter(|p| p.is("agreeing-source")).map(|p| p.value.trim().to_string()).collect();
    let role = match map.props.iter().find(|p| p.is("role")) {
        None => None,
        Some(p) => match Role::parse(&p.value) {
            Some(r) => Some(r),
            None => return Err(format!("entry `{label}`: role `{}` is not one of core, supporting", p.value)),
        },
    };
    Ok(MapFacts { relationship, strength, role, agreeing })
}

/// Adds every source × target pair of the mapping's maps; false when the file holds too many entries.
fn read_maps(i: usize, mapping: &InMapping, c: &mut Collector) -> bool {
    for (j, map) in mapping.maps.iter().enumerate() {
        let label = format!("mappings[{i}].maps[{j}]");
        let MapFacts { relationship, strength, role, agreeing } = match map_facts(&label, map) {
            Ok(facts) => facts,
            Err(message) => {
                c.error_at(None, message);
                continue;
            }
        };
        for s in &map.sources {
            for t in &map.targets {
                if c.too_many() {
                    return false;
                }
                c.add(Entry {
                    label: label.clone(),
                    row: None,
                    a: s.id_ref.clone(),
                    b: t.id_ref.clone(),
                    relationship,
                    strength,
                    role,
                    rationale: map.remarks.clone(),
                    agreeing: agreeing.clone(),
                    mirror: false,
                });
            }
        }
    }
    true
}

/// Requirements with no counterpart at all, with their rationale and strength (grouped).
fn read_no_counterparts(i: usize, mapping: &InMapping, c: &mut Collector) {
    for (k, p) in mapping.props.iter().enumerate().filter(|(_, p)| p.is("no-counterpart")) {
        let label = format!("mappings[{i}].props[{k}]");
        let strength = match mapping.props.iter().find(|s| s.is("strength") && s.group.is_some() && s.group == p.group)
        {
            Some(s) => {
                if let Ok(n) = s.value.trim().parse::<u8>() {
                    Some(n)
                } else {
                    c.error_at(
                        None,
                        format!("entry `{label}`: strength `{}` is not a whole number from 1 to 10", s.value),
                    );
                    continue;
                }
            }
            None => None,
        };
        let (a, b) = match p.class.as_deref() {
            Some("source") => (p.value.clone(), String::new()),
            Some("target") => (String::new(), p.value.clone()),
            other => {
                c.error_at(
                    None,
                    format!(
                        "entry `{label}`: a `no-counterpart` prop needs class `source` or `target`, found `{}`",
                        other.unwrap_or("")
                    ),
                );
                continue;
            }
        };
        c.add(Entry {
            label,
            row: None,
            a,
            b,
            relationship: Relationship::None,
            strength,
            role: None,
            rationale: p.remarks.clone(),
            agreeing: Vec::new(),
            mirror: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_says_its_relationship_strength_and_role_or_why_not() {
        let ends = r#""sources": [{"type": "control", "id-ref": "A.5.15"}], "targets": [{"type": "control", "id-ref": "CC6.1"}]"#;
        let prop = |name: &str, value: &str| format!(r#"{{"name": "{name}", "ns": "{NS}", "value": "{value}"}}"#);
        // (relationship, props, sources and targets) -> (relationship, strength, role, agreeing) or the message
        let cases = [
            ("intersects-with", vec![prop("strength", "7"), prop("role", "core")], ends, Ok((Relationship::Intersects, Some(7), Some(Role::Core), 0))),
            ("subset-of", vec![prop("agreeing-source", "SCF"), prop("agreeing-source", "OLIR")], ends, Ok((Relationship::Subset, None, None, 2))),
            ("kind-of", vec![], ends, Err("entry `m`: relationship `kind-of` is not one of equal-to, equivalent-to, subset-of, superset-of, intersects-with, no-relationship")),
            ("equal-to", vec![prop("role", "main")], ends, Err("entry `m`: role `main` is not one of core, supporting")),
            ("equal-to", vec![], r#""sources": []"#, Err("entry `m`: a map needs at least one source and one target")),
        ];
        for (relationship, props, sides, want) in cases {
            let json = format!(r#"{{"relationship": "{relationship}", "props": [{}], {sides}}}"#, props.join(", "));
            let map: InMap = serde_json::from_str(&json).unwrap();
            let got = map_facts("m", &map).map(|f| (f.relationship, f.strength, f.role, f.agreeing.len()));
            assert_eq!(got, want.map_err(String::from), "{json}");
        }
    }
}

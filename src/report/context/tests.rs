//! The context built from a small input, and the reference in `templates/README.md` kept in step with the doc
//! comments of the context structs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::*;
use crate::crosswalk::Scope;
use crate::import::{Imported, ImportedRow, Status};
use crate::report::RunInfo;

fn row(n: usize, id: &str, applicable: bool, status: Status, frequency: &str) -> ImportedRow {
    ImportedRow {
        applicable: Some(applicable),
        status: Some(status),
        title: Some(format!("title of {id}")),
        owner: Some("Owner".into()),
        evidence: Some("Evidence".into()),
        frequency: Some(frequency.into()),
        ..ImportedRow::by_id(n, id)
    }
}

fn data() -> ReportData {
    let catalogs = Catalogs::builtin();
    let mapping = Mapping::builtin(&catalogs);
    let rows = vec![
        row(2, "A.8.6", true, Status::Implemented, "monthly"),
        row(3, "A.8.13", false, Status::NotApplicable, ""),
        row(4, "A.7.14", true, Status::Implemented, "annual"),
        row(5, "9.2.1", true, Status::Planned, "yearly"),
    ];
    let mut imported = Imported::of_rows("t.csv", Framework::Iso2022, rows);
    let scope = Scope::default();
    let cw = crate::crosswalk::build(&mut imported, &mapping, &catalogs, &scope, Framework::Tsc2017);
    let run = RunInfo::new(&mapping.version, &scope);
    let out = Output::new(&run, &imported, &cw);
    ReportData::build(&out, &catalogs, &mapping, 6)
}

#[test]
fn percentages_round_half_up() {
    assert_eq!(percent(0, 0), 0);
    assert_eq!(percent(1, 3), 33);
    assert_eq!(percent(2, 3), 67);
    assert_eq!(percent(1, 8), 13);
    assert_eq!(percent(3, 61), 5);
}

#[test]
fn clauses_are_labelled_apart_from_annex_a() {
    let d = data();
    let cc41 = d.criteria.iter().find(|c| c.id == "CC4.1").unwrap();
    // A planned clause counts for nothing: it would cover once implemented.
    assert!(cc41.reuse.is_empty());
    assert_eq!(cc41.not_counted[0].label, "clause 9.2.1");
    assert_eq!(cc41.not_counted[0].kind, "clause");
    assert_eq!(cc41.status, "gap");
    assert_eq!(cc41.would_cover, ["clause 9.2.1 (planned)"]);
    assert_eq!(cc41.reason, "gap: clause 9.2.1 planned; clauses 9.2.2 and 9.1 not in the input");
    let clause = d.clauses.iter().find(|c| c.id == "9.2.1").unwrap();
    assert_eq!(clause.status, "in progress");
    let risks: Vec<(&str, &str)> = d.risks.iter().map(|r| (r.id.as_str(), r.reason.as_str())).collect();
    assert_eq!(risks, [("A.8.13", "excluded"), ("9.2.1", "planned")]);
    // Only the implemented annual control is flagged, in words a reader can act on.
    let flagged: Vec<(&str, &str)> =
        d.type2.not_operating.iter().map(|s| (s.id.as_str(), s.in_window.as_str())).collect();
    assert_eq!(flagged, [("A.7.14", "may fall outside the window")]);
}

/// Every key of the context appears in templates/README.md as `key`.
#[test]
fn the_template_readme_lists_every_field() {
    fn keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    keys(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let mut found = BTreeSet::new();
    let mut d = data();
    // Lists that are empty in this input get one element so their fields are seen too.
    d.remaining.no_counterpart.push(Ref { id: "A.5.32".into(), title: String::new(), category: String::new() });
    d.issues.push(IssueLine {
        severity: "info".into(),
        level: Severity::Info,
        at: "t.csv".into(),
        message: String::new(),
    });
    keys(&serde_json::to_value(&d).unwrap(), &mut found);
    let readme = include_str!("../../../templates/README.md");
    let missing: Vec<&String> = found.iter().filter(|k| !readme.contains(&format!("| `{k}` |"))).collect();
    assert!(missing.is_empty(), "templates/README.md does not list {missing:?}");
}

const START: &str = "<!-- context:start -->\n";
const END: &str = "<!-- context:end -->";

/// Where each struct sits in the context, in the order the reference lists them.
const PLACES: [(&str, &str); 16] = [
    ("ReportData", "(top level)"),
    ("ToolInfo", "tool"),
    ("Summary", "summary"),
    ("Category", "categories[]"),
    ("Criterion", "criteria[]"),
    ("Reuse", "criteria[].reuse[], criteria[].not_counted[]"),
    ("Gap", "gaps[], partial[]"),
    ("Risk", "risks[]"),
    ("Left", "risks[].leaves[]"),
    ("Clause", "clauses[], remaining.isms[]"),
    ("Remaining", "remaining"),
    ("Ref", "remaining.no_counterpart[], .uncovered[], .partial[]"),
    ("TypeTwo", "type2"),
    ("SampleCriterion", "type2.criteria[]"),
    ("Sample", "type2.criteria[].samples[], type2.not_operating[], type2.unknown[]"),
    ("IssueLine", "issues[]"),
];

fn type_words(t: &str) -> String {
    if let Some(inner) = t.strip_prefix("Vec<").and_then(|x| x.strip_suffix('>')) {
        return format!("list of {}", type_words(inner));
    }
    if let Some(inner) = t.strip_prefix("Option<").and_then(|x| x.strip_suffix('>')) {
        return format!("{} or none", type_words(inner));
    }
    match t {
        "String" | "LinkRole" => "text".into(),
        "usize" | "u32" | "u8" => "number".into(),
        "bool" => "true/false".into(),
        other => other.into(),
    }
}

/// A field: name, type in words, doc.
type Field = (String, String, String);
/// A struct: name, doc, fields.
type Documented = (String, String, Vec<Field>);

/// The field reference, generated from the doc comments of this file's context structs.
fn reference(source: &str) -> String {
    let mut structs: BTreeMap<String, (String, Vec<Field>)> = BTreeMap::new();
    let mut docs: Vec<String> = Vec::new();
    let mut current: Option<Documented> = None;
    // A field under `#[serde(skip)]` is not in the context.
    let mut skipped = false;
    for line in source.lines() {
        let t = line.trim();
        if t == "#[serde(skip)]" {
            skipped = true;
        } else if let Some(d) = t.strip_prefix("///") {
            docs.push(d.trim().to_string());
        } else if let Some(name) = t.strip_prefix("pub struct ").and_then(|x| x.strip_suffix(" {")) {
            current = Some((name.to_string(), docs.join(" "), Vec::new()));
            docs.clear();
        } else if let (Some((_, _, fields)), Some(field)) = (current.as_mut(), t.strip_prefix("pub ")) {
            if let Some((name, ty)) = field.trim_end_matches(',').split_once(": ") {
                if !skipped {
                    fields.push((name.to_string(), type_words(ty), docs.join(" ")));
                }
            }
            skipped = false;
            docs.clear();
        } else if t == "}" {
            if let Some((name, doc, fields)) = current.take() {
                structs.insert(name, (doc, fields));
            }
            docs.clear();
        } else if !t.starts_with("#[") {
            docs.clear();
        }
    }
    let mut out = String::new();
    for (name, place) in PLACES {
        let (doc, fields) = &structs[name];
        let _ = write!(out, "### `{place}` ({name})\n\n{doc}\n\n| field | type | meaning |\n|---|---|---|\n");
        for (field, ty, doc) in fields {
            assert!(!doc.is_empty(), "{name}.{field} has no doc comment");
            let _ = writeln!(out, "| `{field}` | {ty} | {} |", doc.replace('|', "\\|"));
        }
        out.push('\n');
    }
    out
}

/// templates/README.md lists the context between its markers as the doc comments above say it; rewrite it with
/// `CROSSWALK_BLESS=1 cargo test the_template_readme`.
#[test]
fn the_template_readme_follows_the_doc_comments() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme.find(START).expect("start marker") + START.len();
    let end = readme.find(END).expect("end marker");
    let want = reference(include_str!("mod.rs"));
    if readme[start..end] != want {
        if std::env::var_os("CROSSWALK_BLESS").is_some() {
            std::fs::write(path, format!("{}{want}{}", &readme[..start], &readme[end..])).unwrap();
        } else {
            panic!("templates/README.md is out of date: run CROSSWALK_BLESS=1 cargo test the_template_readme");
        }
    }
}

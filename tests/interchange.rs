//! The mapping in other tools' formats: OSCAL validated against the NIST schema, CISO Assistant URNs checked against
//! the published frameworks, every format read back as an overlay, and hostile overlays refused.

mod common;

use common::{fixture, Dir};
use serde_json::Value;
use std::fmt::Write as _;

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(fixture("oscal/oscal_mapping_schema.json")).expect("schema fixture");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("the NIST schema compiles")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).take(5).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

fn run_ok(dir: &Dir, args: &[&str]) -> String {
    let r = dir.run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

#[test]
fn oscal_exports_validate_against_the_nist_schema() {
    let dir = Dir::with(&[]);
    let v = schema();
    let first = run_ok(&dir, &["mapping", "export", "--format", "oscal"]);
    let doc: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(schema_errors(&v, &doc), Vec::<String>::new());
    let maps = doc["mapping-collection"]["mappings"][0]["maps"].as_array().unwrap();
    assert!(maps.len() > 250, "{} maps", maps.len());
    let a515 = maps
        .iter()
        .find(|m| m["sources"][0]["id-ref"] == "A.5.15" && m["targets"][0]["id-ref"] == "CC6.1")
        .expect("A.5.15 -> CC6.1");
    assert_eq!(a515["relationship"], "intersects-with");
    assert!(a515["remarks"].as_str().is_some_and(|r| r.len() > 20));
    // The same mapping gives the same bytes; an overlay gives another version and so another document uuid.
    assert_eq!(run_ok(&dir, &["mapping", "export", "--format", "oscal"]), first);
    dir.write(
        "ours.csv",
        b"source,target,relationship,strength,rationale\nA.5.15,CC6.1,equal,10,Our access policy is the criterion.\n",
    );
    let other: Value =
        serde_json::from_str(&run_ok(&dir, &["mapping", "export", "--format", "oscal", "--mapping", "ours.csv"]))
            .unwrap();
    assert_eq!(schema_errors(&v, &other), Vec::<String>::new());
    assert_ne!(other["mapping-collection"]["uuid"], doc["mapping-collection"]["uuid"]);

    // The validator can fail: a map without its uuid is refused.
    let mut broken = doc.clone();
    broken["mapping-collection"]["mappings"][0]["maps"][0].as_object_mut().unwrap().remove("uuid");
    assert!(!schema_errors(&v, &broken).is_empty());
}

#[test]
fn oscal_crosswalk_of_a_client_file_validates() {
    let dir = Dir::with(&[]);
    std::fs::copy(fixture("tidy-soa.csv"), dir.path("tidy-soa.csv")).unwrap();
    let out = run_ok(&dir, &["map", "tidy-soa.csv", "--format", "oscal", "-o", "-"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(schema_errors(&schema(), &doc), Vec::<String>::new());
    let maps = doc["mapping-collection"]["mappings"][0]["maps"].as_array().unwrap();
    assert!(!maps.is_empty());
    let rows: Vec<&Value> = maps.iter().map(|m| &m["sources"][0]["props"][0]).collect();
    assert!(rows.iter().all(|p| p["name"] == "row" && p["value"].as_str().is_some_and(|v| v.parse::<usize>().is_ok())));
    assert_eq!(doc["mapping-collection"]["back-matter"]["resources"][0]["title"], "tidy-soa.csv");

    // Client text with line breaks and stray spaces still gives valid one-line OSCAL strings.
    dir.write("messy name.csv", b"id,title\n\"A.5.1\nPolicies  \",Policies\n\" A.8.13 \",Backup\n");
    let doc: Value =
        serde_json::from_str(&run_ok(&dir, &["map", "messy name.csv", "--format", "oscal", "-o", "-"])).unwrap();
    assert_eq!(schema_errors(&schema(), &doc), Vec::<String>::new());
    assert!(doc.to_string().contains(r#""value":"A.5.1 Policies""#));

    // SOC 2 input maps to ISO: criteria are the sources, relationships read from the criterion's side.
    std::fs::copy(fixture("report/soc2-matrix.csv"), dir.path("soc2-matrix.csv")).unwrap();
    let out = run_ok(&dir, &["map", "soc2-matrix.csv", "--format", "oscal", "-o", "-"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(schema_errors(&schema(), &doc), Vec::<String>::new());
    let first = &doc["mapping-collection"]["mappings"][0]["maps"][0];
    assert!(first["sources"][0]["id-ref"].as_str().is_some_and(|id| id.starts_with("CC")), "{first}");
    assert!(first["targets"][0]["id-ref"].as_str().is_some_and(|id| !id.starts_with("CC")), "{first}");
}

#[test]
fn strm_files_in_the_secure_controls_framework_layout_are_read() {
    let dir = Dir::with(&[]);
    // SCF's layout: the id in `FDE #`, the element's text in `Focal Document Element (FDE)`.
    dir.write(
        "scf-style.csv",
        b"FDE #,FDE Name,Focal Document Element (FDE),STRM Rationale,STRM Relationship,Reference Document Element,Strength of Relationship (optional),Notes (optional)\n\
A.5.15,Access control,Rules to control access are set.,Semantic,Equal,CC6.1,10,Our access rules are the criterion.\n",
    );
    let out = run_ok(&dir, &["mapping", "export", "--mapping", "scf-style.csv"]);
    let row = out.lines().find(|l| l.starts_with("A.5.15,CC6.1,")).unwrap();
    assert_eq!(row, "A.5.15,CC6.1,equal,10,Our access rules are the criterion.,core");
}

#[test]
fn ciso_assistant_export_uses_only_published_urns() {
    let dir = Dir::with(&[]);
    let text = run_ok(&dir, &["mapping", "export", "--format", "ciso-assistant"]);
    let known = std::fs::read_to_string(fixture("interchange/ciso-assistant-urns.txt")).unwrap();
    let known: std::collections::BTreeSet<&str> =
        known.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let mut used = std::collections::BTreeSet::new();
    collect_urns(&doc, &mut used);
    let foreign: Vec<&String> = used.iter().filter(|u| u.starts_with("urn:intuitem:")).collect();
    assert!(foreign.len() > 150, "{} intuitem URNs", foreign.len());
    let missing: Vec<&&String> = foreign.iter().filter(|u| !known.contains(u.as_str())).collect();
    assert!(missing.is_empty(), "URNs not in CISO Assistant's frameworks: {missing:?}");
    let sets = doc["objects"]["requirement_mapping_sets"].as_sequence().unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0]["source_framework_urn"].as_str(), Some("urn:intuitem:risk:framework:iso27001-2022"));
    assert_eq!(sets[1]["source_framework_urn"].as_str(), Some("urn:intuitem:risk:framework:soc2-2017"));
    let n = |i: usize| sets[i]["requirement_mappings"].as_sequence().unwrap().len();
    assert_eq!(n(0), n(1));
    let words = ["equal", "subset", "superset", "intersect", "not_related"];
    for set in sets {
        for m in set["requirement_mappings"].as_sequence().unwrap() {
            assert!(words.contains(&m["relationship"].as_str().unwrap()));
            assert_eq!(m["rationale"].as_str(), Some("semantic"));
            assert!((1..=10).contains(&m["strength_of_relationship"].as_u64().unwrap()));
        }
    }
}

fn collect_urns(v: &serde_norway::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_norway::Value::String(s) if s.starts_with("urn:") => {
            out.insert(s.clone());
        }
        serde_norway::Value::Sequence(items) => items.iter().for_each(|i| collect_urns(i, out)),
        serde_norway::Value::Mapping(m) => m.values().for_each(|i| collect_urns(i, out)),
        _ => {}
    }
}

/// Edits the pair A.5.15 -> CC6.1 to `equal`, strength 10, in one format's own syntax.
fn edit(format: &str, text: &str) -> String {
    match format {
        "oscal" => {
            let mut doc: Value = serde_json::from_str(text).unwrap();
            let maps = doc["mapping-collection"]["mappings"][0]["maps"].as_array_mut().unwrap();
            let m = maps
                .iter_mut()
                .find(|m| m["sources"][0]["id-ref"] == "A.5.15" && m["targets"][0]["id-ref"] == "CC6.1")
                .unwrap();
            m["relationship"] = "equal-to".into();
            m["props"][0]["value"] = "10".into();
            serde_json::to_string_pretty(&doc).unwrap()
        }
        "ciso-assistant" => {
            let mut doc: serde_norway::Value = serde_norway::from_str(text).unwrap();
            for set in doc["objects"]["requirement_mapping_sets"].as_sequence_mut().unwrap() {
                for m in set["requirement_mappings"].as_sequence_mut().unwrap() {
                    let urns =
                        [m["source_requirement_urn"].as_str().unwrap(), m["target_requirement_urn"].as_str().unwrap()];
                    if urns.iter().any(|u| u.ends_with(":a.5.15")) && urns.iter().any(|u| u.ends_with(":cc6.1")) {
                        m["relationship"] = "equal".into();
                        m["strength_of_relationship"] = 10.into();
                    }
                }
            }
            serde_norway::to_string(&doc).unwrap()
        }
        _ => {
            let tsv = format == "strm-tsv";
            let d = if tsv { b'\t' } else { b',' };
            let mut r = csv::ReaderBuilder::new().delimiter(d).has_headers(false).from_reader(text.as_bytes());
            let mut w = csv::WriterBuilder::new().delimiter(d).from_writer(Vec::new());
            for rec in r.records() {
                let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
                if rec[0] == "A.5.15" && rec[4] == "CC6.1" {
                    rec[3] = "equal".into();
                    rec[6] = "10".into();
                }
                w.write_record(&rec).unwrap();
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        }
    }
}

#[test]
fn every_format_read_back_as_an_overlay_changes_only_what_was_edited() {
    let dir = Dir::with(&[]);
    let builtin = run_ok(&dir, &["mapping", "export", "--format", "csv"]);
    for format in ["oscal", "ciso-assistant", "strm", "strm-tsv"] {
        let file = format!("export.{format}");
        run_ok(&dir, &["mapping", "export", "--format", format, "-o", &file]);
        // Read back unchanged: the effective mapping is the built-in one (CISO Assistant has no role: it follows
        // the strength there).
        let back = run_ok(&dir, &["mapping", "export", "--format", "csv", "--mapping", &file]);
        let without_role = |csv: &str| -> Vec<String> {
            csv.lines().map(|l| l.rsplit_once(',').map_or(l, |(rest, _)| rest).to_string()).collect()
        };
        if format == "ciso-assistant" {
            assert_eq!(without_role(&back), without_role(&builtin), "{format}");
        } else {
            assert_eq!(back, builtin, "{format}");
        }
        let edited = format!("edited.{format}");
        dir.write(&edited, edit(format, &std::fs::read_to_string(dir.path(&file)).unwrap()).as_bytes());
        let out = run_ok(&dir, &["mapping", "export", "--format", "csv", "--mapping", &edited]);
        let changed: Vec<(&str, &str)> = back.lines().zip(out.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(changed.len(), 1, "{format}: {changed:?}");
        assert!(changed[0].1.starts_with("A.5.15,CC6.1,equal,10,"), "{format}: {}", changed[0].1);
    }
}

/// A small CISO Assistant mapping workbook: meta sheet, content sheet at point-of-focus level, lower-case ids.
fn ciso_workbook(rows: &[[&str; 4]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let meta = wb.add_worksheet().set_name("mappings_meta").unwrap();
    for (i, (k, v)) in [
        ("type", "requirement_mapping_set"),
        ("source_framework_urn", "urn:intuitem:risk:framework:soc2-2017-rev-2022"),
        ("target_framework_urn", "urn:intuitem:risk:framework:iso27001-2022"),
    ]
    .iter()
    .enumerate()
    {
        meta.write_string(i as u32, 0, *k).unwrap();
        meta.write_string(i as u32, 1, *v).unwrap();
    }
    let content = wb.add_worksheet().set_name("mappings_content").unwrap();
    for (c, h) in
        ["source_node_id", "target_node_id", "relationship", "rationale", "strength_of_relationship"].iter().enumerate()
    {
        content.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let c = if c == 3 { 4 } else { c as u16 };
            if !v.is_empty() {
                content.write_string(r as u32 + 1, c, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn ciso_assistant_workbook_overlay_rolls_up_points_of_focus() {
    let dir = Dir::with(&[]);
    dir.write(
        "soc2-to-iso.xlsx",
        &ciso_workbook(&[
            ["cc6.1.1", "a.5.15", "intersect", ""],
            ["cc6.1.2", "a.5.15", "equal", ""],
            ["cc7.2", "a.8.16", "superset", "9"],
            ["c6.5.1", "a.5.12", "intersect", ""],
            ["cc6.8.1", "a.8.7", "not_related", ""],
        ]),
    );
    let r = dir.run(&["mapping", "export", "--format", "csv", "--mapping", "soc2-to-iso.xlsx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |prefix: &str| r.stdout.lines().find(|l| l.starts_with(prefix)).unwrap_or("").to_string();
    // A point of focus equal to A.5.15 lies inside CC6.1, so A.5.15 is a subset of CC6.1.
    assert!(
        line("A.5.15,CC6.1,").starts_with("A.5.15,CC6.1,subset,6,\"Rolled up from 2 points of focus of CC6.1"),
        "{}",
        line("A.5.15,CC6.1,")
    );
    // CC7.2 superset of A.8.16 is A.8.16 subset of CC7.2, read from the ISO side.
    assert!(line("A.8.16,CC7.2,").starts_with("A.8.16,CC7.2,subset,9,"));
    assert_eq!(
        r.stderr,
        "crosswalk: warning: soc2-to-iso.xlsx, sheet 'mappings_content', row 5: entry (`c6.5.1` -> `a.5.12`): `c6.5.1` is neither an ISO 27001:2022 id nor a TSC 2017 criterion or point of focus: skipped\n\
         crosswalk: warning: soc2-to-iso.xlsx: 1 pair without a strength: given the default of their relationship (docs/interchange.md)\n"
    );
}

#[test]
fn hostile_and_wrong_overlays_are_refused_naming_file_and_entry() {
    let dir = Dir::with(&[]);
    let strm =
        "Focal Document Element,STRM Relationship,Reference Document Element,Strength of Relationship,Rationale\n";
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
        let _ = writeln!(bomb, "{name}: &{name} [{}]", vec![format!("*{prev}"); 10].join(", "));
    }
    bomb.push_str("objects:\n  requirement_mapping_sets: *i\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "catalog.json",
            br#"{"catalog": {"uuid": "x"}}"#.to_vec(),
            "catalog.json: an OSCAL `catalog`, not a `mapping-collection`: only the OSCAL mapping model holds pairs: expected a crosswalk mapping csv",
        ),
        (
            "deep.json",
            format!("{{\"mapping-collection\": {}", "[".repeat(100_000)).into_bytes(),
            "deep.json: not valid JSON (expected an OSCAL mapping-collection): recursion limit exceeded",
        ),
        (
            "deep.yaml",
            format!("objects:\n  requirement_mapping_sets: {}", "[".repeat(100_000)).into_bytes(),
            "deep.yaml: line 2: brackets nested more than 64 levels deep; a mapping library is a few levels deep, so the file is refused",
        ),
        ("bomb.yaml", bomb.into_bytes(), "bomb.yaml: not a readable CISO Assistant library (YAML): repetition limit exceeded"),
        (
            "words.csv",
            format!("{strm}A.5.15,kind of,CC6.1,8,x\n").into_bytes(),
            "words.csv, row 2: STRM relationship `kind of` is not one of equal, subset of, superset of, intersects with, no relationship",
        ),
        (
            "turned.csv",
            format!("{strm}A.5.15,intersects with,CC6.1,8,x\nCC6.2,subset of,A.5.16,5,y\n").into_bytes(),
            "turned.csv, row 3: entry (`CC6.2` -> `A.5.16`): wrong direction: the file's entries read ISO 27001:2022 -> TSC 2017, this one the other way round",
        ),
        (
            "twice.csv",
            format!("{strm}A.5.15,intersects with,CC6.1,8,x\nA.5.15,equal,CC6.1,9,y\n").into_bytes(),
            "twice.csv, row 3: entry (`A.5.15` -> `CC6.1`): duplicate pair `A.5.15` -> `CC6.1` (first at row 2)",
        ),
        (
            "nist.json",
            br#"{"mapping-collection": {"mappings": [{"maps": [{"relationship": "equal-to", "sources": [{"type": "control", "id-ref": "ac-2"}], "targets": [{"type": "control", "id-ref": "pr.aa-01"}]}]}]}}"#.to_vec(),
            "nist.json: none of its 1 entries names a known ISO 27001:2022 id and TSC 2017 criterion: is it a mapping of other catalogs?",
        ),
        (
            "ids.csv",
            b"id,title\nA.5.1,Policies\n".to_vec(),
            "ids.csv: a file whose first line is `id,title`: expected a crosswalk mapping csv",
        ),
        ("huge.csv", vec![b'x'; 17 * 1024 * 1024], "huge.csv: larger than 16 MiB; a mapping of ISO 27001 and SOC 2 is far smaller, so it is refused"),
    ];
    for (name, bytes, expected) in cases {
        dir.write(name, &bytes);
        let r = dir.run(&["mapping", "export", "--mapping", name]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{name}: expected `{expected}` in:\n{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}");
    }
}

#[test]
fn export_never_writes_over_an_overlay() {
    let dir = Dir::with(&[]);
    run_ok(&dir, &["mapping", "export", "--format", "strm", "-o", "m.csv"]);
    let before = std::fs::read(dir.path("m.csv")).unwrap();
    let r = dir.run(&["mapping", "export", "--format", "oscal", "--mapping", "m.csv", "-o", "m.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path("m.csv")).unwrap(), before);
}

#[test]
fn validate_checks_a_mapping_in_another_format() {
    let dir = Dir::with(&[]);
    run_ok(&dir, &["mapping", "export", "--format", "ciso-assistant", "-o", "m.yaml"]);
    let r = dir.run(&["mapping", "validate", "m.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("m.yaml: ok: "), "{}", r.stderr);
    dir.write(
        "bad.csv",
        b"Focal Document Element,STRM Relationship,Reference Document Element\nA.5.15,sort of,CC6.1\n",
    );
    let r = dir.run(&["mapping", "validate", "bad.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: bad.csv, row 2: STRM relationship `sort of` is not one of equal, subset of, superset of, intersects with, no relationship\nbad.csv: 1 problem(s)\n"
    );
}

//! The binary run the way a user runs it: a temp dir, fixtures copied in, status, stdout, stderr and files checked.

mod common;
use common::{crosswalk, files, fixture, sheet, stderr, stdout};

use std::path::Path;

use calamine::{open_workbook_auto, Reader};
use serde_json::Value;

/// A temp dir with the named fixtures copied in.
fn sandbox(fixtures: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in fixtures {
        std::fs::copy(fixture(f), dir.path().join(Path::new(f).file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn map_tidy_xlsx_writes_the_crosswalk_workbook() {
    let dir = sandbox(&["tidy-soa.xlsx"]);
    let o = crosswalk(dir.path(), &["map", "tidy-soa.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files(dir.path()), ["tidy-soa.crosswalk.xlsx", "tidy-soa.xlsx"]);
    let out = dir.path().join("tidy-soa.crosswalk.xlsx");
    let names = open_workbook_auto(&out).unwrap().sheet_names().clone();
    assert_eq!(names, common::WORKBOOK_SHEETS);

    let crosswalk = sheet(&out, "Crosswalk");
    assert_eq!(crosswalk.len(), 94, "header + 93 controls");
    assert_eq!(&crosswalk[0][..4], ["Row", "Id as written", "Canonical id", "Title"]);
    let a515 = crosswalk.iter().find(|r| r[2] == "A.5.15").unwrap();
    assert_eq!(a515[0], "16");
    assert_eq!(a515[4], "yes");
    assert!(a515[9].split('\n').any(|t| t == "CC6.1"), "A.5.15 maps to CC6.1: {:?}", a515[9]);
    let excluded = crosswalk.iter().find(|r| r[2] == "A.7.5").unwrap();
    assert_eq!(excluded[4], "no");

    let by = sheet(&out, "By criterion");
    assert_eq!(by.len(), 62, "header + 61 criteria");
    let statuses: Vec<&str> = by[1..].iter().map(|r| r[3].as_str()).collect();
    assert!(statuses.iter().all(|s| ["covered", "partial", "gap", "out-of-scope"].contains(s)));
    // Each criterion says why, and a covered one keeps what the auditor will still sample.
    assert_eq!(by[0][8..10], ["Why", "What the auditor will still sample"]);
    let cc53 = by.iter().find(|r| r[0] == "CC5.3").unwrap();
    assert_eq!((cc53[3].as_str(), cc53[8].as_str()), ("covered", "covered: A.5.1 implemented"));
    assert!(cc53[9].starts_with("Policies reviewed and approved within the period"), "{cc53:?}");

    let coverage = sheet(&out, "Coverage");
    let categories: Vec<&str> = coverage[1..7].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        categories,
        ["Security (common criteria)", "Availability", "Confidentiality", "Processing integrity", "Privacy", "Total"]
    );
    let totals: Vec<&str> = coverage[1..7].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(totals, ["33", "3", "2", "5", "18", "61"]);
    let in_scope: Vec<&str> = coverage[1..7].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(in_scope, ["yes", "no", "no", "no", "no", "33 of 61"], "security only by default");
    let counted = coverage.iter().find(|r| r[0] == "Counted").unwrap();
    assert!(counted[1].starts_with("scope security: "), "{counted:?}");

    let about = sheet(&out, "About");
    let value = |k: &str| about.iter().find(|r| r[0] == k).map(|r| r[1].clone()).unwrap();
    assert_eq!(value("Input"), "tidy-soa.xlsx");
    assert_eq!(value("SHA-256").len(), 64);
    assert_eq!(value("Mapping version"), "2026.12.0");
    assert_eq!(value("Control rows"), "93");
}

#[test]
fn map_json_follows_the_spec_shape() {
    let dir = sandbox(&["tidy-soa.csv"]);
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "--format", "json", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["tool"]["name"], "crosswalk");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let input = &doc["inputs"][0];
    assert_eq!(input["path"], "tidy-soa.csv");
    assert_eq!(input["header_row"], 1);
    assert_eq!(input["framework"], "iso27001-2022");
    assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 93);
    assert!(rows.iter().all(|r| r["matched_by"] == "id" && r["review"] == "auto" && r["score"] == 1.0));
    let first = &rows[0];
    assert_eq!(first["row"], 2);
    assert_eq!(first["raw_id"], "A.5.1");
    assert_eq!(first["ids"], serde_json::json!(["A.5.1"]));
    assert_eq!(first["applicable"], true);
    for t in first["targets"].as_array().unwrap() {
        assert!(t["id"].is_string() && t["relationship"].is_string() && t["strength"].is_u64());
    }
    let coverage = doc["coverage"].as_array().unwrap();
    assert_eq!(coverage.len(), 61);
    let ids: Vec<&str> = coverage.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids[0], "CC1.1");
    assert_eq!(ids[60], "P8.1");
    assert!(coverage
        .iter()
        .all(|c| ["covered", "partial", "gap", "out-of-scope"].contains(&c["status"].as_str().unwrap())));
    assert_eq!(doc["issues"], serde_json::json!([]));
    // Excluded controls count for nothing: A.7.5 is excluded in the fixture.
    let a75 = rows.iter().find(|r| r["raw_id"] == "A.7.5").unwrap();
    assert_eq!(a75["applicable"], false);
    assert_eq!(a75["effect"], "nothing");
}

#[test]
fn map_csv_and_scope() {
    let dir = sandbox(&["tidy-soa.csv"]);
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "-o", "out.csv", "--scope", "availability"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "row,raw_id,id,title,matched_by,score,review,applicable,status,target,relationship,strength,target_title,reference,text"
    );
    assert!(text
        .lines()
        .any(|l| l.starts_with("16,A.5.15,A.5.15,Access control,id,1.000,auto,true,implemented,CC6.1,")));
    let json =
        crosswalk(dir.path(), &["map", "tidy-soa.csv", "--scope", "availability", "--format", "json", "-o", "-"]);
    let doc: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let status =
        |id: &str| doc["coverage"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("P1.1"), "out-of-scope");
    assert_eq!(status("C1.1"), "out-of-scope");
    assert_ne!(status("A1.2"), "out-of-scope");
}

#[test]
fn unknown_ids_without_title_or_text_are_errors_on_their_row_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("soa.csv"),
        "Ref,Control,Applicable\nA.5.15,Access control,Yes\nA.5.40,,Yes\nA.9.2.3,Privileged access,Yes\n",
    )
    .unwrap();
    let o = crosswalk(dir.path(), &["map", "soa.csv", "--format", "json", "-o", "out.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error: soa.csv, row 3, column A (Ref): `A.5.40` is not an ISO 27001:2022 id"),
        "{}",
        stderr(&o)
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    let issue = &doc["issues"][0];
    assert_eq!(issue["severity"], "error");
    assert_eq!(issue["at"], "soa.csv, row 3, column A (Ref)");
    let transition = &doc["rows"][2];
    assert_eq!(transition["matched_by"], "transition");
    assert_eq!(transition["ids"], serde_json::json!(["A.8.2"]));
}

#[test]
fn input_errors_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["map", "missing.xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "crosswalk: error: missing.xlsx: no such file\n");
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    let o = crosswalk(dir.path(), &["map", "empty.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "crosswalk: error: empty.csv: the file is empty\n");
    std::fs::write(dir.path().join("notes.txt.pdf"), "x").unwrap();
    let o = crosswalk(dir.path(), &["map", "notes.txt.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: notes.txt.pdf: unsupported file type `pdf`: use xlsx, xlsm, xlsb, xls, ods, csv or tsv\n"
    );
    assert_eq!(files(dir.path()), ["empty.csv", "notes.txt.pdf"]);
}

#[test]
fn never_writes_over_an_input() {
    let dir = sandbox(&["tidy-soa.csv"]);
    let before = std::fs::read(dir.path().join("tidy-soa.csv")).unwrap();
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "--format", "csv", "-o", "tidy-soa.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: tidy-soa.csv: refusing to write over an input file; choose another output with -o\n"
    );
    assert_eq!(std::fs::read(dir.path().join("tidy-soa.csv")).unwrap(), before);
}

#[test]
fn usage_errors_exit_2() {
    let dir = sandbox(&["tidy-soa.csv"]);
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "--column", "colour=Ref"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: --column `colour=Ref`: unknown role `colour`; roles are id, title, text, applicable, justification, status, owner, evidence, frequency, reference\n"
    );
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "--scope", "security,privcy"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--scope: unknown scope `privcy`"));
    let o = crosswalk(dir.path(), &["map"]);
    assert_eq!(o.status.code(), Some(2));
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "-o", "out.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(files(dir.path()), ["tidy-soa.csv"]);
}

#[test]
fn catalog_lists_each_framework() {
    let dir = tempfile::tempdir().unwrap();
    for (fw, n) in [("iso27001-2022", 93 + 41), ("iso27001-2013", 114), ("tsc-2017", 61)] {
        let o = crosswalk(dir.path(), &["catalog", fw, "--format", "csv"]);
        assert_eq!(o.status.code(), Some(0));
        let text = stdout(&o);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.records().count(), n, "{fw}");
    }
    let o = crosswalk(dir.path(), &["catalog", "tsc-2017"]);
    let text = stdout(&o);
    assert!(text.starts_with("ID"));
    assert!(text.lines().any(|l| l.starts_with("CC6.1 ") && l.contains("security")));
}

#[test]
fn explain_shows_mappings_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["explain", "a 5.15"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("A.5.15 Access control\nISO/IEC 27001:2022 Annex A control, organizational\n"), "{text}");
    assert!(text.contains("  CC6.1"), "{text}");
    assert!(text.contains("ISO 27001:2013 predecessors:\n  A.9.1.1"), "{text}");

    let o = crosswalk(dir.path(), &["explain", "cc6.1", "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["id"], "CC6.1");
    let sources: Vec<&str> = doc["mappings"].as_array().unwrap().iter().filter_map(|p| p["source"].as_str()).collect();
    assert!(sources.contains(&"A.5.15"), "{sources:?}");
    assert!(doc["mappings"].as_array().unwrap().iter().all(|p| !p["rationale"].as_str().unwrap().is_empty()));

    let o = crosswalk(dir.path(), &["explain", "A.9.2.3"]);
    let text = stdout(&o);
    assert!(text.contains("ISO 27001:2022 successors:\n  A.8.2 Privileged access rights"), "{text}");

    let o = crosswalk(dir.path(), &["explain", "A.8.11"]);
    assert!(stdout(&o).contains("New in ISO 27001:2022: no 2013 predecessor."));

    let o = crosswalk(dir.path(), &["explain", "CC6.18"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "crosswalk: error: `CC6.18` is not a SOC 2 (TSC 2017) id\n");
}

#[test]
fn mapping_export_covers_every_control_and_criterion() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["mapping", "export", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["source", "target", "relationship", "strength", "rationale", "role"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let annex: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.get(0).unwrap()).filter(|s| s.starts_with("A.")).collect();
    let criteria: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.get(1).unwrap()).filter(|s| !s.is_empty()).collect();
    assert_eq!(annex.len(), 93);
    assert_eq!(criteria.len(), 61);
    for row in &rows {
        assert!(["equal", "subset", "superset", "intersects", "none"].contains(&row.get(2).unwrap()));
        let strength: u8 = row.get(3).unwrap().parse().unwrap();
        assert!((1..=10).contains(&strength));
        assert!(!row.get(4).unwrap().is_empty());
    }
}

#[test]
fn mapping_validate_passes_builtin_and_fails_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["mapping", "validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("ok:"));
    // The consistency check runs and says what it checked.
    assert!(
        stderr(&o).contains(": consistent: 7 containing (equal/superset) pairs agree with `beyond_iso` and are their criterion's only core element; 48 criteria have a core set (107 core links), 13 have none; 29 state a limit ISO 27001 never meets\n"),
        "{}",
        stderr(&o)
    );
    // A containing pair that contradicts the criterion's core set and its beyond_iso text fails it.
    let builtin = crosswalk(dir.path(), &["mapping", "export", "--format", "csv"]);
    let text = stdout(&builtin).replace("A.5.26,CC7.5,intersects,6,", "A.5.26,CC7.5,superset,6,");
    std::fs::write(dir.path().join("overclaim.csv"), text).unwrap();
    let o = crosswalk(dir.path(), &["mapping", "validate", "overclaim.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`A.5.26` is said to contain `CC7.5`, but its `beyond_iso` text names `A.5.27` as well"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.path().join("broken.csv"),
        "source,target,relationship,strength,rationale,agreeing_sources\nA.5.15,CC6.1,intersects,8,Access rules.,\nA.5.15,CC6.1,equal,8,Twice.,\nA.5.99,CC6.1,sort-of,0,,\n",
    )
    .unwrap();
    let o = crosswalk(dir.path(), &["mapping", "validate", "broken.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "broken.csv, row 3: duplicate pair `A.5.15` -> `CC6.1` (first on row 2)\n\
         broken.csv, row 4: relationship `sort-of` is not one of equal, subset, superset, intersects, none\n\
         broken.csv, row 4: strength `0` is not a whole number from 1 to 10\n\
         broken.csv, row 4: the rationale is empty: every pair needs one sentence saying why\n\
         broken.csv, row 4: source `A.5.99` is not an ISO 27001:2022 id\n\
         broken.csv: 5 problem(s)\n"
    );
    // A valid overlay that covers only a few pairs is still incomplete as a whole mapping.
    std::fs::write(
        dir.path().join("small.csv"),
        "source,target,relationship,strength,rationale,agreeing_sources\nA.5.15,CC6.1,intersects,8,Access rules.,\n",
    )
    .unwrap();
    let o = crosswalk(dir.path(), &["mapping", "validate", "small.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("small.csv: Annex A control `A.5.1` has no row: map it or add a `none` row saying why"));
}

#[test]
fn a_broken_overlay_stops_map_with_exit_2() {
    let dir = sandbox(&["tidy-soa.csv"]);
    std::fs::write(
        dir.path().join("ours.csv"),
        "source,target,relationship,strength,rationale\nA.5.15,CC6.1,equal,12,Ours.\n",
    )
    .unwrap();
    let o = crosswalk(dir.path(), &["map", "tidy-soa.csv", "--mapping", "ours.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: the mapping cannot be used:\nours.csv, row 2: strength `12` is not a whole number from 1 to 10\n"
    );
    assert_eq!(files(dir.path()), ["ours.csv", "tidy-soa.csv"]);
}

#[test]
fn an_overlay_changes_coverage() {
    let dir = sandbox(&["tidy-soa.csv"]);
    std::fs::write(
        dir.path().join("ours.csv"),
        "source,target,relationship,strength,rationale\nA.5.34,P4.3,superset,9,Our privacy programme handles disposal of personal data end to end.\n",
    )
    .unwrap();
    let args = ["map", "tidy-soa.csv", "--scope", "privacy", "--format", "json", "-o", "-"];
    let p43 = |o: &std::process::Output| {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
        let doc: Value = serde_json::from_str(&stdout(o)).unwrap();
        doc["coverage"].as_array().unwrap().iter().find(|c| c["id"] == "P4.3").unwrap().clone()
    };
    // Built in, the privacy practice is beyond ISO 27001: partial at best.
    assert_eq!(p43(&crosswalk(dir.path(), &args))["status"], "partial");
    // An overlay row saying one element contains the criterion lets that element cover it alone.
    let o = crosswalk(dir.path(), &[&args[..], &["--mapping", "ours.csv"]].concat());
    let p43 = p43(&o);
    assert_eq!(p43["status"], "covered");
    assert_eq!(p43["reason"], "covered: A.5.34 implemented");
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(doc["mapping"]["version"].as_str().unwrap().starts_with("2026.12.0+"));
}

/// `init` writes the built-in templates and data files; the written template renders a report and the data folder
/// is accepted by `--data-dir`; a second `init` refuses to replace them.
#[test]
fn init_writes_templates_and_data_that_the_tool_accepts() {
    let dir = sandbox(&["tidy-soa.csv"]);
    let o = crosswalk(dir.path(), &["init", "custom"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files(&dir.path().join("custom/templates")), ["README.md", "report.html.j2", "report.md.j2"]);
    let data = files(&dir.path().join("custom/data"));
    assert_eq!(data.len(), 16, "{data:?}");
    assert!(data.contains(&"bridge-prior.csv".to_string()), "{data:?}");
    assert!(data.contains(&"iso27001-2022-to-tsc-2017.version".to_string()), "{data:?}");
    assert!(data.contains(&"sample-sizes.csv".to_string()), "{data:?}");
    assert!(data.contains(&"iso27001-2022-to-tsc-2017.csv".to_string()), "{data:?}");

    let o = crosswalk(
        dir.path(),
        &[
            "report",
            "tidy-soa.csv",
            "--data-dir",
            "custom/data",
            "--template",
            "custom/templates/report.md.j2",
            "-o",
            "r.md",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ours = std::fs::read_to_string(dir.path().join("r.md")).unwrap();
    let o = crosswalk(dir.path(), &["report", "tidy-soa.csv", "-o", "builtin.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(ours, std::fs::read_to_string(dir.path().join("builtin.md")).unwrap());

    std::fs::write(dir.path().join("custom/templates/report.md.j2"), "mine").unwrap();
    let o = crosswalk(dir.path(), &["init", "custom"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exist; nothing was written (use --force to replace them)"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("custom/templates/report.md.j2")).unwrap(), "mine");
}

/// The bridge prior and the mapping version are data files like the others: a `--data-dir` holding an empty prior
/// changes which criterion a statement is placed on, and one holding a version file changes the version reported.
#[test]
fn data_dir_replaces_the_bridge_prior_and_the_mapping_version() {
    let dir = sandbox(&[]);
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let best = |args: &[&str]| -> String {
        let mut all = vec!["suggest", "Segregation of duties is enforced", "--to", "tsc-2017", "--top", "1"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let o = crosswalk(dir.path(), &all);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
        doc["statements"][0]["candidates"][0]["id"].as_str().unwrap().to_string()
    };
    assert_eq!(best(&[]), "CC5.1");
    std::fs::write(dir.path().join("data/bridge-prior.csv"), "iso,tsc,count\n").unwrap();
    assert_eq!(best(&["--data-dir", "data"]), "CC6.3");

    std::fs::write(dir.path().join("data/iso27001-2022-to-tsc-2017.version"), "2027.1.0\n").unwrap();
    let o = crosswalk(dir.path(), &["mapping", "export", "--format", "json", "--data-dir", "data"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["version"], "2027.1.0");
}

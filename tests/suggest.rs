//! `crosswalk suggest` and text matching in `map`, run as a user runs them.

mod common;
use common::{crosswalk, fixture, stderr, stdout};

/// The top-1 id for a statement, from the csv output.
fn top1(statement: &str, to: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["suggest", statement, "--to", to, "--top", "1", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let line = out.lines().nth(1).unwrap_or_else(|| panic!("no candidate for {statement:?}: {out}"));
    line.split(',').nth(2).unwrap().to_string()
}

#[test]
fn unambiguous_statements_land_on_their_iso_control() {
    let cases = [
        ("EDR on all laptops", "A.8.7"),
        ("Quarterly user access reviews by system owners", "A.5.18"),
        ("Annual penetration test by an external firm", "A.8.8"),
        ("Nightly backups are encrypted and restores are tested every quarter", "A.8.13"),
        ("Security awareness training for all new hires", "A.6.3"),
        ("Background checks are performed on new employees before their start date", "A.6.1"),
        ("Pull requests need one approving review before merging to main", "A.8.32"),
        ("NTP: all servers sync to an internal time source", "A.8.17"),
    ];
    for (statement, want) in cases {
        assert_eq!(top1(statement, "iso27001-2022"), want, "{statement}");
    }
}

#[test]
fn unambiguous_statements_land_on_their_soc2_criterion() {
    let cases = [
        ("EDR on all laptops", "CC6.8"),
        ("Annual penetration test by an external firm", "CC7.1"),
        ("Privacy notice published on the website and reviewed yearly", "P1.1"),
    ];
    for (statement, want) in cases {
        assert_eq!(top1(statement, "tsc-2017"), want, "{statement}");
    }
}

#[test]
fn typos_acronyms_and_british_spellings_are_understood() {
    assert_eq!(top1("anual pentest by CREST firm", "iso27001-2022"), "A.8.8");
    assert_eq!(top1("MFA for all admin logins", "iso27001-2022"), "A.8.5");
    assert_eq!(top1("unauthorised software is blocked by an allowlist on endpoints", "iso27001-2022"), "A.8.19");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["suggest", "Quarterly user access reviews by system owners", "--format", "json", "--top", "5"];
    let a = crosswalk(dir.path(), &args);
    let b = crosswalk(dir.path(), &args);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn json_explains_each_candidate_with_terms_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["suggest", "EDR on all laptops", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["to"], "iso27001-2022");
    let s = &v["statements"][0];
    assert_eq!(s["row"], 1);
    assert_eq!(s["text"], "EDR on all laptops");
    let c = &s["candidates"][0];
    assert_eq!(c["rank"], 1);
    assert_eq!(c["id"], "A.8.7");
    assert_eq!(c["title"], "Protection against malware");
    let score = c["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score));
    let why: Vec<&str> = c["why"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(why.contains(&"endpoint detection (description, keywords)"), "{why:?}");
    assert_eq!(s["candidates"].as_array().unwrap().len(), 3);
}

#[test]
fn csv_has_the_spec_header_and_one_line_per_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["suggest", "EDR on all laptops", "--top", "2", "--format", "csv"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "row,rank,id,score,title");
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("1,1,A.8.7,"), "{}", lines[1]);
    assert!(lines[1].ends_with(",Protection against malware"), "{}", lines[1]);
    assert!(lines[2].starts_with("1,2,"), "{}", lines[2]);
}

#[test]
fn a_column_of_a_spreadsheet_keeps_the_row_numbers_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("controls.csv"),
        "Ref,Statement\nC-1,EDR on all laptops\nC-2,\nC-3,Annual penetration test by an external firm\n",
    )
    .unwrap();
    let o = crosswalk(
        dir.path(),
        &["suggest", "--input", "controls.csv", "--text-column", "statement", "--top", "1", "--format", "csv"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<String> =
        stdout(&o).lines().skip(1).map(|l| l.split(',').take(3).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(rows, ["2,1,A.8.7", "4,1,A.8.8"]);
}

#[test]
fn a_missing_column_is_named_with_the_nearest_header() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("controls.csv"), "Ref,Statement\nC-1,EDR on all laptops\n").unwrap();
    let o = crosswalk(dir.path(), &["suggest", "--input", "controls.csv", "--text-column", "Statment"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: controls.csv: no column headed `Statment` in the first 50 rows of any sheet; did you mean `Statement`?\n"
    );
}

#[test]
fn nothing_to_match_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["suggest"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: nothing to match: give a TEXT argument or --input FILE --text-column HEADER\n"
    );
}

#[test]
fn map_places_custom_rows_by_title_then_text_with_candidates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("custom-controls.csv"), dir.path().join("custom-controls.csv")).unwrap();
    let o = crosswalk(dir.path(), &["map", "custom-controls.csv", "--format", "json", "-o", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let summary: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["row"],
                r["raw_id"].as_str().unwrap(),
                r["ids"][0].as_str().unwrap_or("-"),
                r["matched_by"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "2 ACME-AC-01 A.5.18 text",
            "3 ACME-EP-02 A.8.7 text",
            "4 ACME-PT-03 A.8.8 text",
            "5 ACME-BK-04 A.8.13 title",
            "6 ACME-XX-05 A.6.7 text",
        ]
    );
    let first = &rows[0];
    assert!(first["score"].as_f64().unwrap() > 0.0);
    assert!(!first["candidates"].as_array().unwrap().is_empty());
    assert!(!first["targets"].as_array().unwrap().is_empty());
    // A statement about nothing the profiles know well is kept for review.
    assert_eq!(rows[4]["review"], "needs-review");
    // --min-score 0 accepts every text match.
    let o = crosswalk(dir.path(), &["map", "custom-controls.csv", "--format", "json", "-o", "-", "--min-score", "0"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["rows"].as_array().unwrap().iter().all(|r| r["review"] == "auto"));
}

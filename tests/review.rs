//! The review loop: map, decide in the workbook, `review apply`, and map next quarter's spreadsheet with
//! `--decisions`.

mod common;
use common::{crosswalk, fixture, sheet, stderr, stdout};

use std::path::Path;

use serde_json::Value;

/// Writes a copy of a crosswalk workbook's `Crosswalk` sheet with some cells changed, as a reviewer saving the
/// workbook would: `edits` are (row key prefix, column header, value).
fn review(workbook: &Path, out: &Path, edits: &[(&str, &str, &str)]) {
    let mut rows = sheet(workbook, "Crosswalk");
    let header = rows[0].clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    for (reference, column, value) in edits {
        let key = col("Row key");
        let row = rows
            .iter_mut()
            .find(|r| r[key].starts_with(&format!("{reference}#")))
            .unwrap_or_else(|| panic!("no row {reference}"));
        row[col(column)] = value.to_string();
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Crosswalk").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(out).unwrap();
}

fn map_json(dir: &Path, args: &[&str]) -> (Value, String) {
    let o = crosswalk(dir, &[&["map", "--format", "json", "-o", "-"], args].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (serde_json::from_str(&stdout(&o)).unwrap(), stderr(&o))
}

fn row<'a>(doc: &'a Value, raw_id: &str) -> &'a Value {
    doc["rows"].as_array().unwrap().iter().find(|r| r["raw_id"] == raw_id).unwrap()
}

fn coverage<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["coverage"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[test]
fn decisions_made_in_the_workbook_apply_to_next_quarters_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let o = crosswalk(d, &["map", "q2.csv", "-o", "q2.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // The workbook offers the decision columns, `accept` on confident rows and nothing on rows to review.
    let rows = sheet(&d.join("q2.xlsx"), "Crosswalk");
    assert_eq!(&rows[0][15..], ["Decision", "Replace with", "Comment", "Row key"]);
    let r05 = rows.iter().find(|r| r[1] == "R-05").unwrap();
    assert_eq!((r05[8].as_str(), r05[15].as_str()), ("needs-review", ""));
    let r01 = rows.iter().find(|r| r[1] == "R-01").unwrap();
    assert_eq!((r01[8].as_str(), r01[15].as_str()), ("auto", "accept"));

    // Three decisions: a wrong match rejected, one replaced, one rejected on a row that will change.
    review(
        &d.join("q2.xlsx"),
        &d.join("reviewed.xlsx"),
        &[
            ("R-05", "Decision", "reject"),
            ("R-05", "Comment", "not a security control"),
            ("R-03", "Decision", "replace"),
            ("R-03", "Replace with", "A.5.15"),
            ("R-04", "Decision", "reject"),
        ],
    );
    let o = crosswalk(d, &["review", "apply", "reviewed.xlsx", "-o", "decisions.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "reviewed.xlsx: 3 decision(s) (2 reject, 1 replace)\n");
    let csv = std::fs::read_to_string(d.join("decisions.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "reference,text_hash,decision,replace_with,comment,reviewed_row,reviewed_ids");
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[1].starts_with("R-03,") && lines[1].ends_with(",replace,A.5.15,,4,A.8.8"), "{}", lines[1]);
    assert!(lines[3].starts_with("R-05,") && lines[3].ends_with(",reject,,not a security control,6,A.6.7"));

    // Next quarter: rows in reverse order, R-04's text reworded.
    let q2 = std::fs::read_to_string(d.join("q2.csv")).unwrap();
    let mut q3: Vec<String> = q2.lines().map(str::to_string).collect();
    q3[1..].reverse();
    let r04 = q3.iter_mut().find(|l| l.starts_with("R-04,")).unwrap();
    *r04 = r04.replace("every quarter", "every month");
    std::fs::write(d.join("q3.csv"), q3.join("\n") + "\n").unwrap();

    let (before, _) = map_json(d, &["q3.csv"]);
    assert_eq!(coverage(&before, "CC7.1")["status"], "partial");
    let (doc, err) = map_json(d, &["q3.csv", "--decisions", "decisions.csv"]);
    assert!(err.contains("  decisions: 2 applied, 1 stale (text changed on row 4, flagged for review)\n"), "{err}");

    let r05 = row(&doc, "R-05");
    assert_eq!((r05["matched_by"].as_str(), r05["review"].as_str()), (Some("decision"), Some("auto")));
    assert_eq!(r05["ids"], serde_json::json!([]));
    assert!(r05["targets"].as_array().unwrap().is_empty());
    let r03 = row(&doc, "R-03");
    assert_eq!(r03["matched_by"], "decision");
    assert_eq!(strings(&r03["ids"]), ["A.5.15"]);
    let r04 = row(&doc, "R-04");
    assert_eq!((r04["matched_by"].as_str(), r04["review"].as_str()), (Some("title"), Some("needs-review")));
    assert_eq!(r04["row"], 4);
    let stale = doc["issues"].as_array().unwrap().iter().find(|i| i["message"].as_str().unwrap().contains("stale"));
    assert_eq!(
        stale.unwrap()["message"],
        "`R-04`: the decision made in review (reject) is stale: the row's text changed since, so decide again"
    );
    // Coverage follows: A.8.8 is gone (CC7.1 a gap), A.5.15 now counts for CC6.1, R-04 still counts (undecided).
    assert_eq!(coverage(&doc, "CC7.1")["status"], "gap");
    assert!(strings(&coverage(&doc, "CC6.1")["by"]).contains(&"A.5.15".to_string()));
    assert_eq!(coverage(&doc, "CC7.5")["status"], "partial");
}

#[test]
fn review_apply_names_the_cell_of_each_bad_decision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let o = crosswalk(d, &["map", "q2.csv", "-o", "q2.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    review(
        &d.join("q2.xlsx"),
        &d.join("bad.xlsx"),
        &[
            ("R-01", "Decision", "replace"),
            ("R-02", "Decision", "replace"),
            ("R-02", "Replace with", "A.5.99"),
            ("R-03", "Decision", "maybe"),
            ("R-04", "Replace with", "A.8.13"),
            ("R-06", "Decision", "reject"),
            ("R-06", "Row key", ""),
        ],
    );
    let o = crosswalk(d, &["review", "apply", "bad.xlsx", "-o", "decisions.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: 5 problem(s) with the decisions; nothing was written:
bad.xlsx, sheet 'Crosswalk', row 2, column Q (Replace with): `replace` needs the id to replace the match with in `Replace with`
bad.xlsx, sheet 'Crosswalk', row 3, column Q (Replace with): `A.5.99` is not a control, clause or criterion id of the catalogs (examples: A.5.15, 6.1.2, CC6.1)
bad.xlsx, sheet 'Crosswalk', row 4, column P (Decision): `maybe` is not a decision: expected accept, reject or replace
bad.xlsx, sheet 'Crosswalk', row 5, column Q (Replace with): `Replace with` is filled but the decision is `accept`: choose `replace`, or clear the id
bad.xlsx, sheet 'Crosswalk', row 7, column P (Decision): a decision on a row crosswalk did not write (no row key): it is not a row of the input; decide on the rows of the input only
"
    );
    assert!(!d.join("decisions.csv").exists());
}

#[test]
fn a_decision_whose_row_is_gone_is_reported_stale() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let decisions = "reference,text_hash,decision,replace_with,comment,reviewed_row,reviewed_ids\n\
                     R-09,0123456789abcdef,reject,,,9,A.5.1\n";
    std::fs::write(d.join("decisions.csv"), decisions).unwrap();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let (doc, err) = map_json(d, &["q2.csv", "--decisions", "decisions.csv"]);
    assert!(err.contains("  decisions: 0 applied, 1 stale (no row any more for `R-09`)\n"), "{err}");
    let issue = doc["issues"].as_array().unwrap().iter().find(|i| i["at"] == "decisions.csv").unwrap();
    assert_eq!(
        issue["message"],
        "the decision for `R-09` (row 9 when reviewed: reject) matches no row of q2.csv: it is stale"
    );
    assert!(doc["rows"].as_array().unwrap().iter().all(|r| r["matched_by"] != "decision"));
}

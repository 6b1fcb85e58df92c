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
    // The report applies the same decisions and counts the same.
    let o = crosswalk(d, &["report", "q3.csv", "--decisions", "decisions.csv", "-o", "q3.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = std::fs::read_to_string(d.join("q3.md")).unwrap();
    let headline = doc["totals"]["headline"].as_str().unwrap();
    assert_ne!(headline, before["totals"]["headline"].as_str().unwrap(), "the decisions change the counts");
    assert!(report.contains(headline), "report does not say `{headline}`");
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

/// The parts of the workbook a reviewer and a printer rely on, read from the file's XML (calamine reads values,
/// not validations or page setup).
#[test]
fn the_workbook_has_dropdowns_colours_and_print_setup_on_every_sheet() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let o = crosswalk(d, &["map", "q2.csv", "-o", "q2.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(d.join("q2.xlsx")).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut s).unwrap();
        s
    };
    let workbook = part("xl/workbook.xml");
    assert!(workbook.contains(r#"<sheet name="Lists" sheetId="11" state="hidden""#), "{workbook}");
    // The header row repeats on every printed page.
    assert!(
        workbook.contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="1">Crosswalk!$1:$1</definedName>"#)
    );
    // Sheet 2 is Crosswalk: its decision dropdown, the catalog list behind `Replace with`, rows to review shaded.
    let crosswalk_xml = part("xl/worksheets/sheet2.xml");
    assert!(crosswalk_xml.contains(r#"sqref="P2:P7"><formula1>"accept,reject,replace"</formula1>"#), "{crosswalk_xml}");
    assert!(crosswalk_xml.contains(r#"sqref="Q2:Q7"><formula1>Lists!$A$2:$A$"#));
    assert!(crosswalk_xml.contains(r#"<formula>$I2="needs-review"</formula>"#));
    let by_criterion = part("xl/worksheets/sheet4.xml");
    assert!(by_criterion.contains(r#"<formula>$D2="gap"</formula>"#));
    for n in 1..=10 {
        let xml = part(&format!("xl/worksheets/sheet{n}.xml"));
        let setup = r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#;
        assert!(xml.contains(setup), "sheet{n}: no print setup");
        assert!(xml.contains("<oddFooter>&amp;Lq2.csv: &amp;A&amp;RPage &amp;P of &amp;N</oddFooter>"), "sheet{n}");
    }
    // The Summary's counts are the run's, and the About sheet's keys are plain bold, not header-styled.
    let summary = sheet(&d.join("q2.xlsx"), "Summary");
    let value = |k: &str| summary.iter().find(|r| r[0] == k).map(|r| r[1].clone()).unwrap();
    assert_eq!(value("Rows needing review"), "1");
    assert_eq!(value("Control rows"), "6");
    // The long-form Mapping sheet holds the same targets as the Crosswalk sheet, one line each, with a rationale.
    let crosswalk_rows = sheet(&d.join("q2.xlsx"), "Crosswalk");
    let mapping = sheet(&d.join("q2.xlsx"), "Mapping");
    assert_eq!(mapping[0][..5], ["Row", "Client reference", "Source id", "Source title", "Target id"]);
    for row in &crosswalk_rows[1..] {
        let mut want: Vec<&str> = row[9].split('\n').filter(|t| !t.is_empty()).collect();
        let mut got: Vec<&str> = mapping.iter().filter(|m| m[0] == row[0]).map(|m| m[4].as_str()).collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "row {}", row[0]);
    }
    assert!(mapping[1..]
        .iter()
        .all(|m| !m[10].is_empty() && ["yes", "partly", "no", "context"].contains(&m[9].as_str())));
    let about = sheet(&d.join("q2.xlsx"), "About");
    assert_eq!(about[0][..2], ["Tool".to_string(), format!("crosswalk {}", env!("CARGO_PKG_VERSION"))]);
}

/// Writes a copy of a crosswalk workbook's `Crosswalk` and `by` (`By criterion`, `By control`) sheets, as a
/// reviewer saving it would, after `edit` changed the cells of `by` (rows of cells, row 0 the header).
fn add_pairs(workbook: &Path, out: &Path, by: &str, edit: impl Fn(&mut Vec<Vec<String>>, &dyn Fn(&str) -> usize)) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for name in ["Crosswalk", by] {
        let mut rows = sheet(workbook, name);
        if name == by {
            let header = rows[0].clone();
            let col = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("no column {h}"));
            edit(&mut rows, &col);
        }
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(out).unwrap();
}

/// The line of a criterion on `By criterion`.
fn line_of(rows: &[Vec<String>], id: &str) -> usize {
    rows.iter().position(|r| r[0] == id).unwrap_or_else(|| panic!("no line {id}"))
}

#[test]
fn pairs_added_on_by_criterion_become_a_mapping_overlay_that_map_applies() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let o = crosswalk(d, &["map", "q2.csv", "-o", "q2.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let header = &sheet(&d.join("q2.xlsx"), "By criterion")[0];
    assert_eq!(header[header.len() - 3..], ["Add ISO controls", "Added as", "Why added"]);

    // The backups (R-04, A.8.13) meet CC9.1 for this client; the scans (A.8.8, typed in lower case) are part of
    // CC4.1's monitoring.
    let rows = sheet(&d.join("q2.xlsx"), "By criterion");
    let (cc41, cc91) = (line_of(&rows, "CC4.1") + 1, line_of(&rows, "CC9.1") + 1);
    add_pairs(&d.join("q2.xlsx"), &d.join("reviewed.xlsx"), "By criterion", |rows, col| {
        let i = line_of(rows, "CC9.1");
        rows[i][col("Add ISO controls")] = "A.8.13".into();
        rows[i][col("Added as")] = "covers".into();
        rows[i][col("Why added")] =
            "nightly backups with tested restores carry the business through a disruption".into();
        let i = line_of(rows, "CC4.1");
        rows[i][col("Add ISO controls")] = "a.8.8".into();
    });
    let o = crosswalk(d, &["review", "apply", "reviewed.xlsx", "-o", "decisions.csv", "--mapping-out", "overlay.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "reviewed.xlsx: 0 decision(s) (none)\nreviewed.xlsx: 2 pair(s) added, written to overlay.csv\n"
    );
    let overlay = std::fs::read_to_string(d.join("overlay.csv")).unwrap();
    assert_eq!(
        overlay,
        format!(
            "source,target,relationship,strength,rationale,role\n\
             A.8.8,CC4.1,intersects,6,\"added in review (By criterion, row {cc41}); no reason given\",core\n\
             A.8.13,CC9.1,superset,8,nightly backups with tested restores carry the business through a disruption,core\n"
        )
    );
    // The same columns as `mapping export --format csv`.
    let export = crosswalk(d, &["mapping", "export", "--format", "csv"]);
    assert_eq!(stdout(&export).lines().next(), overlay.lines().next());
    assert!(cc91 > cc41);

    let (before, _) = map_json(d, &["q2.csv"]);
    assert_eq!(coverage(&before, "CC9.1")["status"], "gap");
    assert_eq!(coverage(&before, "CC4.1")["status"], "gap");
    let (doc, _) = map_json(d, &["q2.csv", "--mapping", "overlay.csv"]);
    assert_eq!(coverage(&doc, "CC9.1")["status"], "covered");
    assert_eq!(strings(&coverage(&doc, "CC9.1")["by"]), ["A.8.13"]);
    assert_eq!(coverage(&doc, "CC4.1")["status"], "partial");
    assert_eq!(strings(&coverage(&doc, "CC4.1")["by"]), ["A.8.8"]);
    assert_ne!(doc["totals"]["headline"], before["totals"]["headline"]);
}

#[test]
fn criteria_added_on_by_control_pair_with_the_iso_line_the_other_way_round() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("report/soc2-matrix.csv"), d.join("matrix.csv")).unwrap();
    let o = crosswalk(d, &["map", "matrix.csv", "-o", "cw.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The client's monitoring criterion (CC7.2, in the input) holds its threat intelligence work (A.5.7).
    add_pairs(&d.join("cw.xlsx"), &d.join("reviewed.xlsx"), "By control", |rows, col| {
        let i = line_of(rows, "A.5.7");
        rows[i][col("Add SOC 2 criteria")] = "CC7.2".into();
        rows[i][col("Added as")] = "covers".into();
        rows[i][col("Why added")] = "threat feeds are part of the monitoring the client runs".into();
    });
    let o = crosswalk(d, &["review", "apply", "reviewed.xlsx", "-o", "decisions.csv", "--mapping-out", "pairs.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(d.join("pairs.csv")).unwrap(),
        "source,target,relationship,strength,rationale,role\n\
         A.5.7,CC7.2,subset,8,threat feeds are part of the monitoring the client runs,core\n"
    );
    let (before, _) = map_json(d, &["matrix.csv"]);
    assert_eq!(coverage(&before, "A.5.7")["status"], "gap");
    let (doc, _) = map_json(d, &["matrix.csv", "--mapping", "pairs.csv"]);
    assert_eq!(coverage(&doc, "A.5.7")["status"], "covered");
    assert_eq!(strings(&coverage(&doc, "A.5.7")["by"]), ["CC7.2"]);
}

#[test]
fn review_apply_names_the_cell_of_each_bad_added_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let o = crosswalk(d, &["map", "q2.csv", "-o", "q2.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = sheet(&d.join("q2.xlsx"), "By criterion");
    let n = |id: &str| line_of(&rows, id) + 1;
    let last = rows.len() + 1;
    let width = rows[0].len();
    add_pairs(&d.join("q2.xlsx"), &d.join("bad.xlsx"), "By criterion", |rows, col| {
        let (add, how, why) = (col("Add ISO controls"), col("Added as"), col("Why added"));
        let i = line_of(rows, "CC6.1");
        rows[i][add] = "A.5.99, CC6.2".into();
        let i = line_of(rows, "CC6.2");
        rows[i][add] = "A.5.15".into();
        rows[i][how] = "maybe".into();
        let i = line_of(rows, "CC6.3");
        rows[i][why] = "a reason without an id".into();
        // A line added by hand, for an id that is not a criterion.
        let mut added = vec![String::new(); width];
        added[0] = "A.5.15".into();
        added[add] = "A.5.16".into();
        rows.push(added);
    });
    let o = crosswalk(d, &["review", "apply", "bad.xlsx", "-o", "decisions.csv", "--mapping-out", "overlay.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let letter = |i: usize| ((b'A' + i as u8) as char).to_string();
    let (add, how) = (letter(width - 3), letter(width - 2));
    assert_eq!(
        stderr(&o),
        format!(
            "crosswalk: error: 5 problem(s) with the decisions; nothing was written:
bad.xlsx, sheet 'By criterion', row {cc61}, column {add} (Add ISO controls): `A.5.99` is not an id of the catalogs: this column takes ISO 27001:2022 controls or clauses (A.5.15, 9.2)
bad.xlsx, sheet 'By criterion', row {cc61}, column {add} (Add ISO controls): `CC6.2` is a SOC 2 criterion: this column takes ISO 27001:2022 controls or clauses (A.5.15, 9.2)
bad.xlsx, sheet 'By criterion', row {cc62}, column {how} (Added as): `maybe` is not covers, part or context
bad.xlsx, sheet 'By criterion', row {cc63}, column {add} (Add ISO controls): `Added as` or `Why added` is filled but no id is given: type the ids to add here, or clear the line's other cells
bad.xlsx, sheet 'By criterion', row {last}, column A (Criterion): `A.5.15` is not a SOC 2 criterion: add pairs on the lines of the sheet (or type the id of a line added by hand here)
",
            cc61 = n("CC6.1"),
            cc62 = n("CC6.2"),
            cc63 = n("CC6.3"),
        )
    );
    assert!(!d.join("decisions.csv").exists() && !d.join("overlay.csv").exists());
    let o = crosswalk(d, &["review", "apply", "q2.xlsx", "-o", "both.csv", "--mapping-out", "both.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-o and --mapping-out name the same file"), "{}", stderr(&o));
    assert!(!d.join("both.csv").exists());
}

/// `(cell reference, location, text)` of every link on a sheet of an xlsx, read from its XML.
fn links(xlsx: &Path, sheet_number: usize) -> Vec<(String, String, String)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{sheet_number}.xml")).unwrap().read_to_string(&mut xml).unwrap();
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3)?;
        Some(tag[start..start + tag[start..].find('"')?].replace("&apos;", "'"))
    };
    xml.split("<hyperlink ")
        .skip(1)
        .map(|t| format!(" {t}"))
        .map(|t| (attr(&t, "ref").unwrap(), attr(&t, "location").unwrap(), attr(&t, "display").unwrap_or_default()))
        .collect()
}

/// The 0-based row and column of a cell reference like `H12`.
fn cell(reference: &str) -> (usize, usize) {
    let letters: String = reference.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters.bytes().fold(0, |n, b| n * 26 + (b - b'A' + 1) as usize) - 1;
    (reference[letters.len()..].parse::<usize>().unwrap() - 1, col)
}

#[test]
fn input_rows_link_to_their_line_on_crosswalk_and_lists_side_by_side_share_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("tidy-soa.xlsx"), d.join("soa.xlsx")).unwrap();
    let o = crosswalk(d, &["map", "soa.xlsx", "-o", "cw.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let wb = d.join("cw.xlsx");
    let crosswalk_rows = sheet(&wb, "Crosswalk");
    // Sheets 4, 6, 7 and 8: By criterion, Reuse, Gaps, Partial.
    let mut counts = Vec::new();
    for (number, name) in [(4, "By criterion"), (6, "Reuse"), (7, "Gaps"), (8, "Partial")] {
        let rows = sheet(&wb, name);
        let col = rows[0].iter().position(|h| h == "Input rows").unwrap();
        let found = links(&wb, number);
        let with_rows = rows[1..].iter().filter(|r| !r[col].is_empty()).count();
        assert_eq!(found.len(), with_rows, "{name}: every list of input rows is a link");
        for (reference, location, display) in &found {
            let (r, c) = cell(reference);
            assert_eq!((c, display), (col, &rows[r][col]), "{name} {reference}");
            let line: usize = location.strip_prefix("'Crosswalk'!A").unwrap().parse().unwrap();
            let first = rows[r][col].split(", ").next().unwrap();
            assert_eq!(crosswalk_rows[line - 1][0], first, "{name} {reference} links to input row {first}");
        }
        counts.push(found.len());
    }
    assert!(counts[0] > 40 && counts[1] > 100, "{counts:?}");

    // By criterion: the ids counted are in the order of `How they map`, and the input rows in the order of the ids
    // they carry (`How they map`, then `Not counted`).
    let ids_of: std::collections::HashMap<&str, Vec<&str>> =
        crosswalk_rows[1..].iter().map(|r| (r[0].as_str(), r[2].split('\n').collect())).collect();
    let by = sheet(&wb, "By criterion");
    let mut checked = 0;
    for r in &by[1..] {
        let listed: Vec<&str> = r[5].lines().chain(r[6].lines()).map(|l| l.split(':').next().unwrap()).collect();
        let position = |id: &str| listed.iter().position(|x| *x == id);
        let counted: Vec<usize> = r[4].lines().map(|id| position(id).unwrap()).collect();
        assert!(counted.windows(2).all(|w| w[0] < w[1]), "{}: `{}` vs `{}`", r[0], r[4], r[5]);
        let rows: Vec<usize> = r[7]
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(|n| ids_of[n].iter().filter_map(|id| position(id)).min().unwrap())
            .collect();
        assert!(rows.windows(2).all(|w| w[0] <= w[1]), "{}: rows `{}` vs `{:?}`", r[0], r[7], listed);
        checked += usize::from(rows.len() > 1);
    }
    assert!(checked > 10);
}

/// The style index (`s`) of a cell in a sheet's XML.
fn style_of(xml: &str, reference: &str) -> String {
    let tag = &xml[xml.find(&format!("<c r=\"{reference}\"")).unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    tag.split(" s=\"").nth(1).map(|s| s[..s.find('"').unwrap()].to_string()).unwrap_or_default()
}

#[test]
fn plan_workbooks_print_like_the_crosswalk_workbook_and_their_about_has_no_header_row() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("plan/soa.csv"), d.join("soa.csv")).unwrap();
    std::fs::copy(fixture("plan/matrix.csv"), d.join("matrix.csv")).unwrap();
    std::fs::copy(fixture("review/controls-q2.csv"), d.join("q2.csv")).unwrap();
    let runs: [(&[&str], &str, usize); 4] = [
        (&["plan", "soc2", "soa.csv", "-o", "m.xlsx"], "soa.csv", 5),
        (&["plan", "evidence", "soa.csv", "-o", "e.xlsx"], "soa.csv", 4),
        (&["plan", "iso27001", "matrix.csv", "-o", "s.xlsx"], "matrix.csv", 3),
        (&["map", "q2.csv", "-o", "c.xlsx"], "q2.csv", 10),
    ];
    for (args, input, about) in runs {
        let o = crosswalk(d, args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let file = d.join(args[args.len() - 1]);
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
        let mut part = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut s).unwrap();
            s
        };
        let workbook = part("xl/workbook.xml");
        let first = if args[0] == "map" { 2 } else { 1 };
        let header_style = style_of(&part(&format!("xl/worksheets/sheet{first}.xml")), "A1");
        for n in 1..=about {
            let xml = part(&format!("xl/worksheets/sheet{n}.xml"));
            let at = format!("{} sheet{n}", args[1]);
            assert!(xml.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#), "{at}");
            let footer = format!("<oddFooter>&amp;L{input}: &amp;A&amp;RPage &amp;P of &amp;N</oddFooter>");
            assert!(xml.contains(&footer), "{at}");
            let summary = args[0] == "map" && n == 1;
            if n < about && !summary {
                let titles = format!(r#"<definedName name="_xlnm.Print_Titles" localSheetId="{}">"#, n - 1);
                assert!(workbook.contains(&titles), "{at}: the header row repeats");
            }
        }
        // About is key/value lines: its first line is data, styled like the keys below it, not like a header.
        let about_xml = part(&format!("xl/worksheets/sheet{about}.xml"));
        assert_ne!(style_of(&about_xml, "A1"), header_style, "{}", args[1]);
        assert_eq!(style_of(&about_xml, "A1"), style_of(&about_xml, "A2"), "{}", args[1]);
        assert!(!workbook.contains(&format!(r#"localSheetId="{}">"#, about - 1)), "About repeats no row");
    }
    // Multi-line cells get their height, on the sheets that had none before too (`Evidence requests`).
    let requests = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(d.join("m.xlsx")).unwrap()).unwrap();
        let mut s = String::new();
        zip.by_name("xl/worksheets/sheet2.xml").unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(requests.contains(r#"customHeight="1""#), "evidence request lines are as tall as their text");
}

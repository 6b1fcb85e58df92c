//! `crosswalk plan soc2|evidence|iso27001` run as a user runs them on the fixtures in `fixtures/plan/`; workbooks are
//! read back with calamine and checked by content.

// Fixtures are built once per test: `map(format!).collect()` reads better than a fold, and speed is no concern.
#![allow(clippy::format_collect)]

mod common;
use common::{crosswalk, fixture, sheet, stderr};

use std::path::Path;

/// A temp folder holding copies of the plan fixtures.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["soa.csv", "matrix.csv"] {
        std::fs::copy(fixture("plan").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

fn run_ok(dir: &Path, args: &[&str]) {
    let o = crosswalk(dir, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
}

/// Rows of a sheet below its header, as maps from header to cell.
fn records(path: &Path, name: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = sheet(path, name);
    let header = rows[0].clone();
    rows[1..].iter().map(|r| header.iter().cloned().zip(r.iter().cloned()).collect()).collect()
}

fn csv_records(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| header.iter().map(str::to_string).zip(rec.unwrap().iter().map(str::to_string)).collect())
        .collect()
}

#[test]
fn the_control_matrix_has_every_criterion_its_controls_a_to_do_line_and_the_gaps() {
    let dir = sandbox();
    run_ok(dir.path(), &["plan", "soc2", "soa.csv", "-o", "matrix.xlsx"]);
    let rows = records(&dir.path().join("matrix.xlsx"), "Control matrix");
    let criteria: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["Criterion"].as_str()).collect();
    assert_eq!(criteria.len(), 33, "every security criterion, none dropped: {criteria:?}");

    let cc61: Vec<_> = rows.iter().filter(|r| r["Criterion"] == "CC6.1").collect();
    let controls: Vec<&str> =
        cc61.iter().filter(|r| r["Line"] == "control").map(|r| r["Client reference"].as_str()).collect();
    assert_eq!(controls.len(), 5, "{controls:?}");
    for c in ["C-02", "C-03", "C-04", "C-09", "C-10"] {
        assert!(controls.contains(&c), "{c} in {controls:?}");
    }
    let c02 = cc61.iter().find(|r| r["Client reference"] == "C-02").unwrap();
    assert_eq!(
        [&c02["ISO control"], &c02["Owner"], &c02["Evidence"], &c02["Frequency"], &c02["Role"], &c02["Counts"]],
        ["A.5.15", "IT Lead", "IdP group export", "Quarterly", "core", "yes"]
    );
    assert!(["intersects", "subset", "equal", "superset"].contains(&c02["Relationship"].as_str()));
    assert!(c02["Strength"].parse::<u8>().unwrap() >= 1);
    let todo: Vec<_> = cc61.iter().filter(|r| r["Line"] == "to do").collect();
    assert_eq!(todo.len(), 1);
    assert!(!todo[0]["What to do"].is_empty());
    assert_eq!(todo[0]["Owner"], "", "the owner of a to-do line is left for the client");

    // One gap line for each criterion nothing covers, and only for those.
    for c in &criteria {
        let lines: Vec<_> = rows.iter().filter(|r| r["Criterion"] == *c).collect();
        let gaps = lines.iter().filter(|r| r["Line"] == "gap").count();
        let want = usize::from(lines[0]["Coverage"] == "gap");
        assert_eq!(gaps, want, "{c}");
    }
    let cc92: Vec<&str> = rows.iter().filter(|r| r["Criterion"] == "CC9.2").map(|r| r["Line"].as_str()).collect();
    assert_eq!(cc92, ["to do", "gap"], "no vendor control in the SoA");

    // The planned control is carried, and marked as not counting.
    let c10 = rows.iter().find(|r| r["Client reference"] == "C-10").unwrap();
    assert_eq!((c10["Status"].as_str(), c10["Counts"].as_str()), ("planned", "no"));

    // The csv holds the same lines.
    run_ok(dir.path(), &["plan", "soc2", "soa.csv", "-o", "matrix.csv"]);
    let csv = csv_records(&dir.path().join("matrix.csv"));
    assert_eq!(csv.len(), rows.len());
    assert_eq!(csv.iter().filter(|r| r["line"] == "gap").count(), rows.iter().filter(|r| r["Line"] == "gap").count());
}

/// Occurrences and samples of each frequency in a 12-month window (the matrix workbook's sheet) and a 6-month one
/// (`plan evidence` as csv).
#[test]
fn evidence_requests_count_occurrences_and_samples_for_6_and_12_months() {
    let dir = sandbox();
    run_ok(dir.path(), &["plan", "soc2", "soa.csv", "-o", "matrix.xlsx"]);
    let book = dir.path().join("matrix.xlsx");
    let twelve = records(&book, "Evidence requests");
    let by_ref = |rows: &[std::collections::BTreeMap<String, String>], r: &str, occ: &str, sample: &str| {
        let x = rows.iter().find(|x| x.get("Client reference").or(x.get("reference")).unwrap() == r).unwrap();
        let o = x.get("Occurrences in 12 months").or(x.get("Occurrences in 6 months")).or(x.get("occurrences"));
        let s = x.get("Typical sample").or(x.get("sample"));
        assert_eq!((o.unwrap().as_str(), s.unwrap().as_str()), (occ, sample), "{r}");
    };
    by_ref(&twelve, "C-01", "1", "1"); // annual
    by_ref(&twelve, "C-02", "4", "2"); // quarterly
    by_ref(&twelve, "C-04", "12", "2"); // monthly
    by_ref(&twelve, "C-05", "52", "5"); // weekly
    by_ref(&twelve, "C-06", "365", "25"); // daily
    by_ref(&twelve, "C-07", "several a day", "25");
    by_ref(&twelve, "C-08", "each event", "25");
    by_ref(&twelve, "C-03", "continuous", "1"); // automated
    assert!(twelve.iter().all(|r| r["Client reference"] != "C-10"), "a planned control has no evidence yet");
    let settle = records(&book, "To settle");
    let refs: Vec<&str> = settle.iter().map(|r| r["Client reference"].as_str()).collect();
    assert_eq!(refs, ["C-09"], "only the control without a frequency");
    assert!(settle[0]["What to settle"].starts_with("no frequency"));
    let sizes = records(&book, "Sample sizes");
    assert_eq!(sizes.len(), 9);

    run_ok(
        dir.path(),
        &["plan", "evidence", "soa.csv", "--window-months", "6", "--period-start", "2026-01-01", "-o", "e.csv"],
    );
    let six = csv_records(&dir.path().join("e.csv"));
    by_ref(&six, "C-01", "0", "0");
    by_ref(&six, "C-02", "2", "2");
    by_ref(&six, "C-04", "6", "2");
    by_ref(&six, "C-05", "26", "5");
    by_ref(&six, "C-06", "182", "25");
    let outside: std::collections::BTreeSet<&str> = six
        .iter()
        .filter(|r| r["to_settle"].starts_with("does not run in the window"))
        .map(|r| r["reference"].as_str())
        .collect();
    assert_eq!(outside.into_iter().collect::<Vec<_>>(), ["C-01"]);

    run_ok(
        dir.path(),
        &["plan", "evidence", "soa.csv", "--window-months", "6", "--period-start", "2026-01-01", "-o", "e.xlsx"],
    );
    let about = sheet(&dir.path().join("e.xlsx"), "About");
    let window = about.iter().find(|r| r[0] == "Type II window").unwrap();
    assert_eq!(window[1], "6 months, 2026-01-01 to 2026-06-30");
}

#[test]
fn the_draft_soa_lists_all_93_controls_with_justifications_and_the_isms_clauses() {
    let dir = sandbox();
    run_ok(dir.path(), &["plan", "iso27001", "matrix.csv", "-o", "soa.xlsx"]);
    let book = dir.path().join("soa.xlsx");
    let all = sheet(&book, "Statement of Applicability");
    assert!(all[0][3].contains("suggestion"), "{:?}", all[0]);
    assert!(all[0].iter().any(|h| h == "Reviewer"));
    let rows = records(&book, "Statement of Applicability");
    assert_eq!(rows.len(), 93);
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["Control"].as_str()).collect();
    assert_eq!(ids.len(), 93);
    let get = |id: &str| rows.iter().find(|r| r["Control"] == id).unwrap();
    let a515 = get("A.5.15");
    assert!(a515["Justification"].contains("C-11 for CC6.1"), "{}", a515["Justification"]);
    assert!(a515["Applicability (a suggestion: the reviewer decides)"].starts_with("applicable"));
    assert_eq!(a515["Status"], "implemented");
    assert_eq!(get("A.8.32")["Status"], "partly implemented");
    assert!(get("A.7.5")["Justification"].starts_with("once implemented: C-15 for A1.2"), "planned, so not yet");
    let untouched = get("A.5.5");
    assert_eq!(untouched["Status"], "to assess");
    assert_eq!(untouched["Applicability (a suggestion: the reviewer decides)"], "to decide");
    assert_eq!(untouched["Reviewer"], "");

    let clauses = sheet(&book, "ISMS clauses");
    let ids: Vec<&str> = clauses.iter().map(|r| r[0].as_str()).collect();
    for c in ["6.1.2", "6.1.3", "9.2.1", "9.3.1"] {
        assert!(ids.contains(&c), "{c} in {ids:?}");
    }
    let risk = clauses.iter().find(|r| r[0] == "6.1.3").unwrap();
    assert!(risk[4].contains("Statement of Applicability"), "{risk:?}");

    run_ok(dir.path(), &["plan", "iso27001", "matrix.csv", "-o", "soa.csv"]);
    assert_eq!(csv_records(&dir.path().join("soa.csv")).len(), 93);
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let dir = sandbox();
    std::fs::write(
        dir.path().join("hostile.csv"),
        "Annex A,Control,Applicable,Owner,Evidence,Frequency\nA.5.15,Access control,Yes,=HYPERLINK(\"x\"),@SUM(A1),Quarterly\n",
    )
    .unwrap();
    run_ok(dir.path(), &["plan", "soc2", "hostile.csv", "-o", "m.csv"]);
    let text = std::fs::read_to_string(dir.path().join("m.csv")).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'@SUM(A1)"), "{text}");
    run_ok(dir.path(), &["plan", "soc2", "hostile.csv", "-o", "m.xlsx"]);
    let rows = records(&dir.path().join("m.xlsx"), "Control matrix");
    assert!(rows.iter().any(|r| r["Owner"] == "=HYPERLINK(\"x\")"), "written as text, not a formula");
}

#[test]
fn wrong_input_and_bad_flags_are_usage_errors_that_write_nothing() {
    let dir = sandbox();
    let cases: [(&[&str], &str); 5] = [
        (
            &["plan", "iso27001", "soa.csv", "-o", "x.xlsx"],
            "crosswalk: error: soa.csv: `crosswalk plan iso27001` reads a SOC 2 control matrix, but this file holds ISO 27001 controls, not SOC 2 criteria; use `crosswalk plan soc2`, or --from to say what the file holds\n",
        ),
        (
            &["plan", "soc2", "matrix.csv", "-o", "x.xlsx"],
            "crosswalk: error: matrix.csv: `crosswalk plan soc2` reads an ISO 27001 Statement of Applicability, but this file holds SOC 2 criteria, not ISO 27001 controls; use `crosswalk plan iso27001`, or --from to say what the file holds\n",
        ),
        (
            &["plan", "evidence", "soa.csv", "--period-start", "2026-02-30", "-o", "x.csv"],
            "crosswalk: error: --period-start `2026-02-30`: no such day in the calendar\n",
        ),
        (
            &["plan", "soc2", "soa.csv", "-o", "x.pdf"],
            "crosswalk: error: cannot tell the format from `x.pdf`: name it .xlsx or .csv\n",
        ),
        (
            &["plan", "soc2", "soa.csv", "--window-months", "0", "-o", "x.csv"],
            "crosswalk: error: --window-months 0: expected a number of months from 1 to 36 (Type II windows are typically 3 to 12)\n",
        ),
    ];
    for (args, want) in cases {
        let o = crosswalk(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), want, "{args:?}");
    }
    let o = crosswalk(dir.path(), &["plan", "soc2", "soa.csv", "-o", "soa.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("refusing to write over an input file"), "{}", stderr(&o));
    assert_eq!(common::files(dir.path()), ["matrix.csv", "soa.csv"]);
}

/// `--data-dir` replaces the sample-size table; a table missing a frequency is refused, naming the file.
#[test]
fn the_sample_size_table_can_be_replaced_and_is_checked() {
    let dir = sandbox();
    let table =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings/sample-sizes.csv")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/sample-sizes.csv"), table.replace("quarterly,2,", "quarterly,3,")).unwrap();
    run_ok(dir.path(), &["plan", "evidence", "soa.csv", "--data-dir", "data", "-o", "e.csv"]);
    let rows = csv_records(&dir.path().join("e.csv"));
    let c02 = rows.iter().find(|r| r["reference"] == "C-02").unwrap();
    assert_eq!((c02["occurrences"].as_str(), c02["sample"].as_str()), ("4", "3"));

    let short: String = table.lines().filter(|l| !l.starts_with("weekly,")).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("data/sample-sizes.csv"), short).unwrap();
    let o = crosswalk(dir.path(), &["plan", "evidence", "soa.csv", "--data-dir", "data", "-o", "x.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sample-sizes.csv") && stderr(&o).contains("no line for `weekly`"), "{}", stderr(&o));
    assert!(!dir.path().join("x.csv").exists());
}

/// A client workbook with a cover sheet, a merged title, a formula, a data validation, column widths and a defined
/// name.
fn client_workbook(path: &Path) {
    use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Cover").unwrap();
    cover.merge_range(0, 0, 0, 3, "Acme SoA", &Format::new().set_bold()).unwrap();
    cover.write_string(2, 0, "Version 3").unwrap();
    let ws = wb.add_worksheet().set_name("SoA").unwrap();
    ws.merge_range(0, 0, 0, 4, "Statement of Applicability", &Format::new().set_bold()).unwrap();
    for (i, h) in ["Ref", "Control", "Applicable", "Status", "Owner", "Length"].iter().enumerate() {
        ws.write_string(2, i as u16, *h).unwrap();
    }
    let rows =
        [("A.5.15", "Access control", "Yes", "Implemented", "IT"), ("A.8.13", "Information backup", "No", "", "")];
    for (r, (id, title, app, status, owner)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, v) in [id, title, app, status, owner].iter().enumerate() {
            ws.write_string(r, c as u16, **v).unwrap();
        }
        ws.write_formula(r, 5, Formula::new(format!("=LEN(B{})", r + 1)).set_result("5")).unwrap();
    }
    ws.set_column_width(1, 40).unwrap();
    ws.add_data_validation(3, 2, 10, 2, &DataValidation::new().allow_list_strings(&["Yes", "No"]).unwrap()).unwrap();
    wb.define_name("Controls", "=SoA!$A$4:$A$5").unwrap();
    wb.save(path).unwrap();
}

/// The parts of a sheet's XML outside its cells (columns, merges, validations): must come back unchanged.
fn sheet_frame(path: &Path, part: &str) -> (String, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut xml).unwrap();
    let (head, rest) = xml.split_once("<sheetData").unwrap();
    let tail = rest.split_once("</sheetData>").map_or("", |(_, t)| t).to_string();
    let head = head.split("<dimension").next().unwrap().to_string() + head.split_once("/>").map_or("", |(_, h)| h);
    (head, tail)
}

#[test]
fn annotate_writes_our_columns_into_the_clients_workbook_and_keeps_everything_else() {
    use calamine::{open_workbook_auto, Reader};
    let dir = sandbox();
    let original = dir.path().join("client.xlsx");
    client_workbook(&original);
    let before = std::fs::read(&original).unwrap();
    run_ok(dir.path(), &["map", "client.xlsx", "--annotate", "-o", "client.annotated.xlsx"]);
    assert_eq!(std::fs::read(&original).unwrap(), before, "the input is never modified");
    let annotated = dir.path().join("client.annotated.xlsx");

    let mut a = open_workbook_auto(&original).unwrap();
    let mut b = open_workbook_auto(&annotated).unwrap();
    assert_eq!(a.sheet_names(), b.sheet_names());
    assert_eq!(a.defined_names(), b.defined_names());
    for name in a.sheet_names() {
        let (ra, rb) = (a.worksheet_range(&name).unwrap(), b.worksheet_range(&name).unwrap());
        for (row, col, v) in ra.used_cells() {
            let at = (ra.start().unwrap().0 + row as u32, ra.start().unwrap().1 + col as u32);
            assert_eq!(rb.get_value(at), Some(v), "{name} {at:?}");
        }
        let (fa, fb) = (a.worksheet_formula(&name).unwrap(), b.worksheet_formula(&name).unwrap());
        assert_eq!(fa.cells().collect::<Vec<_>>(), fb.cells().collect::<Vec<_>>(), "{name}");
    }
    let (calamine::Sheets::Xlsx(x), calamine::Sheets::Xlsx(y)) = (&mut a, &mut b) else { panic!("xlsx expected") };
    let mut merges = 0;
    for name in ["Cover", "SoA"] {
        let (mx, my) = (x.merge_cells_by_sheet_name(name).unwrap(), y.merge_cells_by_sheet_name(name).unwrap());
        assert_eq!(mx, my, "{name}");
        merges += mx.len();
    }
    assert_eq!(merges, 2);
    assert_eq!(sheet_frame(&original, "xl/worksheets/sheet2.xml"), sheet_frame(&annotated, "xl/worksheets/sheet2.xml"));

    let soa = sheet(&annotated, "SoA");
    let header = &soa[2];
    assert_eq!(&header[..6], ["Ref", "Control", "Applicable", "Status", "Owner", "Length"]);
    assert_eq!(header[6], "crosswalk: canonical id");
    assert_eq!(header[7], "crosswalk: SOC 2 criteria");
    let a515 = &soa[3];
    assert_eq!(a515[6], "A.5.15");
    assert!(a515[7].contains("CC6.1"), "{a515:?}");
    assert!(a515[8].contains("CC6.1: "), "{a515:?}");
    assert!(a515[9].contains("CC6.1 partial"), "{a515:?}");
    assert_eq!(a515[10], "auto");
    assert!(soa[4][9].contains("counts for nothing"), "an excluded control: {:?}", soa[4]);
}

#[test]
fn annotate_refuses_what_it_cannot_write_back() {
    let dir = sandbox();
    let o = crosswalk(dir.path(), &["map", "soa.csv", "--annotate"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: soa.csv: --annotate writes back into xlsx and xlsm workbooks only, and this is `csv`: save it as xlsx, or use `--format csv` for our columns beside each row\n"
    );
    client_workbook(&dir.path().join("c.xlsx"));
    let o = crosswalk(dir.path(), &["map", "c.xlsx", "--annotate", "-o", "c.xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("refusing to write over an input file"), "{}", stderr(&o));
    assert_eq!(common::files(dir.path()), ["c.xlsx", "matrix.csv", "soa.csv"]);
}

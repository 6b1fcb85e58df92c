//! `crosswalk import` on the spreadsheets clients send (fixtures/import/, written by
//! `cargo run --example make_import_fixtures`) and on bad input: exit codes, exact messages, no stray files.

mod common;

use common::{crc32_zeros, deflate_zeros, zip_one_part, Dir};
use serde_json::Value;

const MIB: u64 = 1024 * 1024;

/// `import FILE --format json -o -`: the document, with exit code and stderr.
fn import_json(dir: &Dir, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-o", "-"]);
    let run = dir.run(&all);
    let doc = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run.code, doc, run.stderr)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v["rows"].as_array().unwrap().iter().map(|r| render(&r[key])).collect()
}

fn render(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(render).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn roles(doc: &Value) -> Vec<String> {
    doc["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c["role"].as_str().unwrap(), c["header"].as_str().unwrap()))
        .collect()
}

fn messages(doc: &Value) -> Vec<String> {
    doc["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}: {}: {}",
                i["severity"].as_str().unwrap(),
                i["at"].as_str().unwrap(),
                i["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Runs an import that must fail: exit 2, the exact message, and no output file left behind.
fn refused(dir: &Dir, args: &[&str]) -> String {
    let before = dir.files();
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "out.csv"]);
    let run = dir.run(&all);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(dir.files(), before, "no output file may be written");
    run.stderr
}

fn bomb(dir: &Dir, name: &str, inflated: u64, declared: u64) {
    let data = deflate_zeros(inflated);
    let crc = if inflated <= 64 * MIB { crc32_zeros(inflated) } else { 0 };
    dir.write(name, &zip_one_part("xl/worksheets/sheet1.xml", &data, declared, crc));
}

// ---------------------------------------------------------------- layouts clients send

#[test]
fn title_rows_merged_cells_and_theme_rows() {
    let dir = Dir::with(&["title-rows.xlsx"]);
    let (code, doc, stderr) = import_json(&dir, &["title-rows.xlsx"]);
    assert_eq!(code, 0, "A.5.40 is placed by its title, for review: {stderr}");
    assert_eq!(doc["sheet"], "SoA");
    assert_eq!(doc["header_row"], 5);
    assert_eq!(
        roles(&doc),
        [
            "id=Annex A ref",
            "title=Control",
            "applicable=Applicable (Y/N)",
            "justification=Justification",
            "status=Implementation status",
            "owner=Owner"
        ]
    );
    assert_eq!(strings(&doc, "row"), ["7", "8", "9", "11", "12", "13"]);
    assert_eq!(strings(&doc, "ids"), ["A.5.1", "A.5.2", "A.5.15", "A.8.5", "A.8.2", ""]);
    assert_eq!(strings(&doc, "applicable"), ["true", "true", "true", "true", "false", "true"]);
    assert_eq!(strings(&doc, "status"), ["implemented", "partial", "planned", "implemented", "not-applicable", "-"]);
    assert_eq!(
        messages(&doc),
        [
            "warning: title-rows.xlsx, sheet 'SoA', row 13, column A (Annex A ref): `A.5.40` is not an ISO 27001:2022 id; the row is placed by its title or text instead, for review",
            "info: title-rows.xlsx, sheet 'SoA': 3 rows skipped (2 heading, 1 footer): rows that are not controls",
        ]
    );
    assert!(stderr.starts_with("title-rows.xlsx: sheet 'SoA', header row 5, framework iso27001-2022, 6 control rows\n"));
}

#[test]
fn cover_sheet_skipped_and_numeric_ids_repaired() {
    let dir = Dir::with(&["cover-numeric-ids.xlsx"]);
    let (code, doc, _) = import_json(&dir, &["cover-numeric-ids.xlsx"]);
    assert_eq!(code, 0);
    assert_eq!(doc["sheet"], "Controls");
    assert_eq!(strings(&doc, "raw_id"), ["5.1", "5.9", "5.1", "5.11", "8.19", "8.2", "8.1"]);
    assert_eq!(strings(&doc, "ids"), ["A.5.1", "A.5.9", "A.5.10", "A.5.11", "A.8.19", "A.8.20", "A.8.10"]);
    assert_eq!(strings(&doc, "applicable"), ["true", "true", "true", "false", "true", "true", "true"]);
    assert_eq!(
        strings(&doc, "status"),
        ["implemented", "implemented", "partial", "not-applicable", "planned", "implemented", "implemented"]
    );
    assert_eq!(
        messages(&doc),
        [
            "warning: cover-numeric-ids.xlsx, sheet 'Controls', row 4, column A (Control ID): id typed as the number 5.1 read as `A.5.10` (Excel drops the trailing zero of 5.10); decided by the title",
            "warning: cover-numeric-ids.xlsx, sheet 'Controls', row 7, column A (Control ID): id typed as the number 8.2 read as `A.8.20` (Excel drops the trailing zero of 8.20); decided by the row before",
            "warning: cover-numeric-ids.xlsx, sheet 'Controls', row 8, column A (Control ID): id typed as the number 8.1 read as `A.8.10` (Excel drops the trailing zero of 8.10); decided by the title",
        ]
    );
}

#[test]
fn german_headers_and_values() {
    let dir = Dir::with(&["german.xlsx"]);
    let (code, doc, _) = import_json(&dir, &["german.xlsx"]);
    assert_eq!(code, 0);
    assert_eq!(
        roles(&doc),
        [
            "id=Nr.",
            "title=Maßnahme",
            "applicable=Anwendbar",
            "justification=Begründung",
            "status=Umsetzungsstatus",
            "owner=Verantwortlich"
        ]
    );
    assert_eq!(strings(&doc, "ids"), ["A.5.1", "A.5.7", "A.7.4", "A.8.24"]);
    assert_eq!(strings(&doc, "applicable"), ["true", "true", "false", "true"]);
    assert_eq!(strings(&doc, "status"), ["implemented", "partial", "not-applicable", "planned"]);
    assert_eq!(strings(&doc, "owner"), ["ISB", "SOC", "-", "IT"]);
}

#[test]
fn french_semicolon_windows_1252_csv_with_comment_lines() {
    let dir = Dir::with(&["french-1252.csv"]);
    let (code, doc, _) = import_json(&dir, &["french-1252.csv"]);
    assert_eq!(code, 0);
    assert_eq!(doc["sheet"], Value::Null);
    assert_eq!(doc["header_row"], 3);
    assert_eq!(
        roles(&doc),
        ["id=Référence", "title=Intitulé", "applicable=Applicable", "justification=Justification", "status=Statut"]
    );
    assert_eq!(strings(&doc, "row"), ["4", "5", "6"]);
    assert_eq!(strings(&doc, "title")[0], "Politiques de sécurité de l'information");
    assert_eq!(strings(&doc, "applicable"), ["true", "true", "false"]);
    assert_eq!(strings(&doc, "status"), ["implemented", "partial", "not-applicable"]);
}

#[test]
fn spanish_headers_with_utf8_bom() {
    let dir = Dir::with(&["spanish-bom.csv"]);
    let (code, doc, _) = import_json(&dir, &["spanish-bom.csv"]);
    assert_eq!(code, 0);
    assert_eq!(roles(&doc), ["id=Código", "title=Control", "applicable=Aplicable", "justification=Justificación"]);
    assert_eq!(strings(&doc, "ids"), ["A.5.1", "A.6.3", "A.7.1"]);
    assert_eq!(strings(&doc, "title")[1], "Concienciación, educación y formación");
    assert_eq!(strings(&doc, "applicable"), ["true", "true", "false"]);
}

#[test]
fn iso_2013_ids_carried_to_2022() {
    let dir = Dir::with(&["iso2013.csv"]);
    let (code, doc, _) = import_json(&dir, &["iso2013.csv"]);
    assert_eq!(code, 0);
    assert_eq!(doc["framework"], "iso27001-2013");
    assert_eq!(strings(&doc, "ids"), ["A.8.2", "A.8.15", "A.5.1"]);
    assert_eq!(strings(&doc, "matched_by"), ["transition", "transition", "transition"]);
    assert_eq!(
        strings(&doc, "notes"),
        [
            "ISO 27001:2013 `A.9.2.3` carried to 2022 `A.8.2`",
            "ISO 27001:2013 `A.12.4.1` carried to 2022 `A.8.15` (merged there with `A.12.4.2`, `A.12.4.3`)",
            "ISO 27001:2013 `A.5.1.1` carried to 2022 `A.5.1` (merged there with `A.5.1.2`)",
        ]
    );
}

#[test]
fn soc2_matrix_with_several_criteria_per_cell() {
    let dir = Dir::with(&["soc2-matrix.csv"]);
    let (code, doc, _) = import_json(&dir, &["soc2-matrix.csv"]);
    assert_eq!(code, 0, "CC6.18 does not exist: placed by its text, for review");
    assert_eq!(doc["framework"], "tsc-2017");
    assert_eq!(
        roles(&doc),
        [
            "reference=Control #",
            "text=Control Activity",
            "id=Mapped Criteria",
            "owner=Control Owner",
            "frequency=Frequency"
        ]
    );
    assert_eq!(strings(&doc, "ids"), ["CC6.1;CC6.2", "CC7.2;CC7.3", "CC8.1;CC6.8", "A1.2;A1.3", "PI1.2", "CC9.2"]);
    assert_eq!(doc["rows"][5]["review"], "needs-review");
    assert_eq!(strings(&doc, "owner"), ["IT Ops", "Security", "Engineering", "IT Ops", "Engineering", "Procurement"]);
    assert_eq!(strings(&doc, "text")[0], "Access to production is approved by the system owner");
    assert_eq!(
        messages(&doc),
        [
            "warning: soc2-matrix.csv, row 7, column C (Mapped Criteria): `PP1.2` read as `PI1.2` (Processing Integrity)",
            "warning: soc2-matrix.csv, row 8, column C (Mapped Criteria): `CC6.18` is not a SOC 2 (TSC 2017) id; the row is placed by its title or text instead, for review",
        ]
    );
}

#[test]
fn id_and_title_in_one_cell() {
    let dir = Dir::with(&["id-and-title.tsv"]);
    let (code, doc, _) = import_json(&dir, &["id-and-title.tsv"]);
    assert_eq!(code, 0);
    assert_eq!(strings(&doc, "ids"), ["A.5.15", "A.8.15", "A.8.24"]);
    assert_eq!(strings(&doc, "title"), ["Access control", "Logging", "Use of cryptography"]);
    assert_eq!(strings(&doc, "applicable"), ["true", "true", "false"]);
}

#[test]
fn custom_controls_keep_their_text() {
    let dir = Dir::with(&["custom-controls.csv"]);
    let (code, doc, _) = import_json(&dir, &["custom-controls.csv", "--from", "custom"]);
    assert_eq!(code, 0);
    assert_eq!(doc["framework"], "custom");
    assert_eq!(strings(&doc, "title"), ["Firewall", "DR plan", "Security awareness"]);
    assert_eq!(strings(&doc, "text")[1], "Disaster recovery plan tested twice a year with documented results");
    assert_eq!(strings(&doc, "raw_id"), ["-", "-", "-"]);
}

#[test]
fn wide_matrix_rows_take_the_marked_columns() {
    let dir = Dir::with(&["wide-matrix.xlsx"]);
    let (code, doc, _) = import_json(&dir, &["wide-matrix.xlsx"]);
    assert_eq!(code, 0);
    assert_eq!(doc["header_row"], 2);
    assert_eq!(strings(&doc, "raw_id"), ["REQ-1", "REQ-2", "REQ-3"]);
    assert_eq!(strings(&doc, "ids"), ["A.5.1;A.5.2", "A.5.9;A.5.11", ""]);
    assert_eq!(strings(&doc, "notes")[1], "marked `P` under A.5.9, `S` under A.5.11");
    assert_eq!(
        messages(&doc),
        ["info: wide-matrix.xlsx, sheet 'Matrix', row 2: wide matrix: columns C–M are 11 controls (A.5.1 … A.5.11); each row's ids are the columns marked in it"]
    );
}

#[test]
fn mapping_sheet_reads_the_leftmost_id_column() {
    let dir = Dir::with(&["mapping-two-id-columns.csv"]);
    let (code, doc, _) = import_json(&dir, &["mapping-two-id-columns.csv"]);
    assert_eq!(code, 0);
    assert_eq!(roles(&doc), ["id=SOC2_Control", "text=SOC2_Description"]);
    assert_eq!(doc["columns"][0]["reason"], "cells: 3 of 3 parse as ids");
    assert_eq!(strings(&doc, "ids"), ["CC6.1", "CC3.2", "CC7.2"]);
    assert_eq!(doc["framework"], "tsc-2017");
}

#[test]
fn labelled_cells_with_clauses_and_several_id_title_lines() {
    let dir = Dir::with(&["labelled-id-cells.csv"]);
    let (code, doc, _) = import_json(&dir, &["labelled-id-cells.csv"]);
    assert_eq!(code, 0);
    assert_eq!(roles(&doc), ["reference=Règle", "text=Description", "id=Mesures ISO"]);
    assert_eq!(strings(&doc, "reference"), ["POL-RISQUE", "ACTIF-INV", "RES-FILTRE"]);
    assert_eq!(strings(&doc, "ids"), ["6.1.1;6.1.2", "A.5.9", "A.8.23;A.8.22"]);
    assert_eq!(strings(&doc, "title"), ["-", "Inventaire des informations", "Filtrage web; Cloisonnement des réseaux"]);
}

#[test]
fn soc2_catalogue_headings_points_of_focus_and_pp() {
    let dir = Dir::with(&["soc2-catalogue.csv"]);
    let (code, doc, _) = import_json(&dir, &["soc2-catalogue.csv"]);
    assert_eq!(code, 0);
    assert_eq!(strings(&doc, "row"), ["3", "6", "8", "10"]);
    assert_eq!(strings(&doc, "ids"), ["CC1.1", "CC1.2", "PI1.1", "P1.1"]);
    assert_eq!(
        messages(&doc),
        [
            "warning: soc2-catalogue.csv, row 8, column B (ref_id): `PP1.1` read as `PI1.1` (Processing Integrity)",
            "info: soc2-catalogue.csv: 3 rows skipped (3 heading): rows that are not controls",
            "info: soc2-catalogue.csv: 2 point-of-focus rows (such as `CC1.1.1`) folded into the rows of their criteria",
        ]
    );
}

#[test]
fn sheet_choice_and_a_wrong_sheet_name() {
    let dir = Dir::with(&["two-sheets.xlsx"]);
    let (_, doc, _) = import_json(&dir, &["two-sheets.xlsx", "--sheet", "iso controls"]);
    assert_eq!(doc["sheet"], "ISO controls");
    assert_eq!(strings(&doc, "ids"), ["A.5.1", "A.5.15", "A.8.5"]);
    let stderr = refused(&dir, &["two-sheets.xlsx", "--sheet", "ISO control"]);
    assert_eq!(
        stderr,
        "crosswalk: error: two-sheets.xlsx: no sheet named 'ISO control'; the sheets are 'ISO controls', 'SOC 2 criteria' (did you mean 'ISO controls'?)\n"
    );
}

#[test]
fn a_wrong_column_name_lists_the_headers() {
    let dir = Dir::with(&["german.xlsx"]);
    let stderr = refused(&dir, &["german.xlsx", "--column", "owner=Verantwortung"]);
    assert_eq!(
        stderr,
        "crosswalk: error: german.xlsx, sheet 'Erklärung zur Anwendbarkeit', row 1: no column with header `Verantwortung` for --column owner=Verantwortung; the headers are 'Nr.', 'Maßnahme', 'Anwendbar', 'Begründung', 'Umsetzungsstatus', 'Verantwortlich' (did you mean 'Verantwortlich'?)\n"
    );
}

#[test]
fn profile_saves_the_layout_and_reads_the_next_file_the_same_way() {
    let dir = Dir::with(&["title-rows.xlsx"]);
    let first =
        dir.run(&["import", "title-rows.xlsx", "--format", "json", "-o", "first.json", "--profile-out", "acme.json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let profile: Value = serde_json::from_slice(&std::fs::read(dir.path("acme.json")).unwrap()).unwrap();
    assert_eq!(profile["format"], "crosswalk-profile/1");
    assert_eq!(profile["sheet"], "SoA");
    assert_eq!(profile["header_row"], 5);
    assert_eq!(profile["columns"][0], serde_json::json!({"role": "id", "header": "Annex A ref", "column": "A"}));
    std::fs::copy(dir.path("title-rows.xlsx"), dir.path("next.xlsx")).unwrap();
    let (code, doc, _) = import_json(&dir, &["next.xlsx", "--profile", "acme.json"]);
    assert_eq!(code, 0);
    let first: Value = serde_json::from_slice(&std::fs::read(dir.path("first.json")).unwrap()).unwrap();
    assert_eq!(doc["rows"], first["rows"]);
    assert_eq!(doc["header_row"], 5);
    assert_eq!(doc["columns"][0]["reason"], "profile acme.json");
    // A file of another template: the profile's header is not there.
    std::fs::write(
        dir.path("other.json"),
        r#"{"format":"crosswalk-profile/1","sheet":null,"header_row":null,"columns":[{"role":"id","header":"Ref No","column":"A"}]}"#,
    )
    .unwrap();
    let dir2 = Dir::with(&["german.xlsx"]);
    std::fs::copy(dir.path("other.json"), dir2.path("other.json")).unwrap();
    let stderr = refused(&dir2, &["german.xlsx", "--profile", "other.json"]);
    assert_eq!(
        stderr,
        "crosswalk: error: german.xlsx, sheet 'Erklärung zur Anwendbarkeit', row 1: no column with header `Ref No` for role `id` in profile other.json; the headers are 'Nr.', 'Maßnahme', 'Anwendbar', 'Begründung', 'Umsetzungsstatus', 'Verantwortlich'\n"
    );
    // The profile's sheet is not in this file either.
    std::fs::copy(dir.path("acme.json"), dir2.path("acme.json")).unwrap();
    let stderr = refused(&dir2, &["german.xlsx", "--profile", "acme.json"]);
    assert_eq!(
        stderr,
        "crosswalk: error: german.xlsx: no sheet named 'SoA' (the sheet of profile acme.json); the sheets are 'Erklärung zur Anwendbarkeit'\n"
    );
    std::fs::write(dir2.path("broken.json"), "{}").unwrap();
    let stderr = refused(&dir2, &["german.xlsx", "--profile", "broken.json"]);
    assert_eq!(
        stderr,
        "crosswalk: error: broken.json: not a crosswalk profile: missing field `format` at line 1 column 2\n"
    );
}

#[test]
fn csv_output_neutralises_formulas() {
    let dir = Dir::with(&["hostile.csv"]);
    let run = dir.run(&["import", "hostile.csv", "--format", "csv", "-o", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert_eq!(rows[0][6], "'=HYPERLINK(\"http://example.invalid\",\"click\")");
    assert_eq!(rows[0][9], "'+cmd");
    assert_eq!(rows[1][6], "'@SUM(1+1)");
    assert_eq!(rows[1][9], "'-2+3");
}

// ---------------------------------------------------------------- bad input: exit 2, exact message, no file

#[test]
fn missing_file() {
    let dir = Dir::with(&[]);
    assert_eq!(refused(&dir, &["nowhere.xlsx"]), "crosswalk: error: nowhere.xlsx: no such file\n");
}

#[test]
fn directory() {
    let dir = Dir::with(&[]);
    std::fs::create_dir(dir.path("folder.xlsx")).unwrap();
    assert_eq!(refused(&dir, &["folder.xlsx"]), "crosswalk: error: folder.xlsx: is a directory, not a spreadsheet\n");
}

#[test]
fn empty_file() {
    let dir = Dir::with(&["empty.xlsx"]);
    assert_eq!(refused(&dir, &["empty.xlsx"]), "crosswalk: error: empty.xlsx: the file is empty\n");
}

#[test]
fn truncated_workbook() {
    let dir = Dir::with(&["truncated.xlsx"]);
    assert_eq!(
        refused(&dir, &["truncated.xlsx"]),
        "crosswalk: error: truncated.xlsx: not a readable xlsx workbook (the zip package is cut short or damaged: invalid Zip archive: Could not find EOCD)\n"
    );
}

#[test]
fn random_bytes_with_a_workbook_extension() {
    let dir = Dir::with(&["random-bytes.xlsx"]);
    assert_eq!(
        refused(&dir, &["random-bytes.xlsx"]),
        "crosswalk: error: random-bytes.xlsx: not a readable xlsx workbook (it is neither a zip package nor an xls file, as a workbook must be)\n"
    );
}

#[test]
fn zip_that_is_not_a_workbook() {
    let dir = Dir::with(&["not-a-workbook.xlsx"]);
    assert_eq!(
        refused(&dir, &["not-a-workbook.xlsx"]),
        "crosswalk: error: not-a-workbook.xlsx: not a readable xlsx workbook (a zip package that is no workbook: it holds no `xl/workbook.xml`, no `xl/workbook.bin` and no OpenDocument `mimetype`)\n"
    );
}

#[test]
fn password_protected_workbook() {
    let dir = Dir::with(&["encrypted.xlsx"]);
    assert_eq!(
        refused(&dir, &["encrypted.xlsx"]),
        "crosswalk: error: encrypted.xlsx: the workbook is encrypted (password-protected): remove the password in Excel and save a copy, then run again\n"
    );
}

#[test]
fn sheet_without_controls() {
    let dir = Dir::with(&["budget.xlsx"]);
    assert_eq!(
        refused(&dir, &["budget.xlsx"]),
        "crosswalk: error: budget.xlsx: no controls found: sheet 'Budget 2026': no column holds control ids, titles or descriptions (row 1: 'Item', 'Q1', 'Q2', 'Q3', 'Q4'); if this is the right sheet, name the columns with --column id=HEADER or --column title=HEADER\n"
    );
}

#[test]
fn header_without_data_rows() {
    let dir = Dir::with(&["header-only.xlsx"]);
    assert_eq!(
        refused(&dir, &["header-only.xlsx"]),
        "crosswalk: error: header-only.xlsx, sheet 'SoA', row 1: the header has no data rows below it\n"
    );
}

#[test]
fn unsupported_extension() {
    let dir = Dir::with(&[]);
    dir.write("notes.docx", b"PK\x03\x04");
    assert_eq!(
        refused(&dir, &["notes.docx"]),
        "crosswalk: error: notes.docx: unsupported file type `docx`: use xlsx, xlsm, xlsb, xls, ods, csv or tsv\n"
    );
}

// ---------------------------------------------------------------- decompression bombs

#[test]
fn decompression_bomb_is_refused_quickly_by_its_declared_size() {
    let dir = Dir::with(&[]);
    bomb(&dir, "bomb.xlsx", 300 * MIB, 300 * MIB);
    assert!(std::fs::metadata(dir.path("bomb.xlsx")).unwrap().len() < 3 * MIB, "small on disk");
    let started = std::time::Instant::now();
    let stderr = refused(&dir, &["bomb.xlsx"]);
    assert!(started.elapsed().as_secs() < 10, "refused quickly");
    assert_eq!(
        stderr,
        "crosswalk: error: bomb.xlsx: part `xl/worksheets/sheet1.xml` declares 314572800 bytes when inflated, over the limit of 256 MiB; refused as a possible decompression bomb (raise the limit with --max-inflated-mb if the file is trusted)\n"
    );
}

#[test]
fn decompression_bomb_that_lies_about_its_size_is_caught_while_inflating() {
    let dir = Dir::with(&[]);
    bomb(&dir, "liar.xlsx", 300 * MIB, 1000);
    let stderr = refused(&dir, &["liar.xlsx", "--max-inflated-mb", "8"]);
    assert_eq!(
        stderr,
        "crosswalk: error: liar.xlsx: part `xl/worksheets/sheet1.xml` inflates to more than the 1000 bytes it declares; refused as a decompression bomb or a damaged file\n"
    );
}

#[test]
fn max_inflated_mb_raises_the_limit() {
    let dir = Dir::with(&[]);
    bomb(&dir, "big.xlsx", 20 * MIB, 20 * MIB);
    let stderr = refused(&dir, &["big.xlsx", "--max-inflated-mb", "16"]);
    assert_eq!(
        stderr,
        "crosswalk: error: big.xlsx: part `xl/worksheets/sheet1.xml` declares 20971520 bytes when inflated, over the limit of 16 MiB; refused as a possible decompression bomb (raise the limit with --max-inflated-mb if the file is trusted)\n"
    );
    // Past the size check, the part is read and found not to be a workbook.
    let stderr = refused(&dir, &["big.xlsx", "--max-inflated-mb", "32"]);
    assert_eq!(
        stderr,
        "crosswalk: error: big.xlsx: not a readable xlsx workbook (a zip package that is no workbook: it holds no `xl/workbook.xml`, no `xl/workbook.bin` and no OpenDocument `mimetype`)\n"
    );
}

/// Writes the 300 MiB bombs to `$CROSSWALK_BOMB_DIR` for measuring time and memory with a release build:
/// `CROSSWALK_BOMB_DIR=/tmp cargo test --test import write_bombs -- --ignored`, then
/// `/usr/bin/time -v crosswalk import /tmp/bomb.xlsx` (and `liar.xlsx`, and `bomb.xlsx --max-inflated-mb 1024`).
#[test]
#[ignore = "writes files for a manual measurement"]
fn write_bombs() {
    let dir = std::path::PathBuf::from(std::env::var("CROSSWALK_BOMB_DIR").expect("set CROSSWALK_BOMB_DIR"));
    let n = 300 * MIB;
    let data = deflate_zeros(n);
    let crc = crc32_zeros(n);
    std::fs::write(dir.join("bomb.xlsx"), zip_one_part("xl/worksheets/sheet1.xml", &data, n, crc)).unwrap();
    std::fs::write(dir.join("liar.xlsx"), zip_one_part("xl/worksheets/sheet1.xml", &data, 1000, crc)).unwrap();
}

#[test]
fn a_far_away_cell_does_not_ask_for_a_huge_grid() {
    let dir = Dir::with(&[]);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("SoA").unwrap();
    ws.write_string(0, 0, "Ref").unwrap();
    ws.write_string(0, 1, "Control").unwrap();
    ws.write_string(1, 0, "A.5.1").unwrap();
    ws.write_string(1, 1, "Policies for information security").unwrap();
    ws.write_string(1_048_575, 16_383, "far away").unwrap();
    dir.write("far.xlsx", &wb.save_to_buffer().unwrap());
    let (code, doc, stderr) = import_json(&dir, &["far.xlsx"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(strings(&doc, "ids"), ["A.5.1"]);
}

#[test]
fn shared_strings_repeated_into_too_much_text_are_refused() {
    let dir = Dir::with(&[]);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("SoA").unwrap();
    let long = "x".repeat(30_000);
    for r in 0..400 {
        ws.write_string(r, 0, &long).unwrap();
    }
    dir.write("amplified.xlsx", &wb.save_to_buffer().unwrap());
    assert_eq!(
        refused(&dir, &["amplified.xlsx", "--max-inflated-mb", "8"]),
        "crosswalk: error: amplified.xlsx: the workbook holds more than 2000000 cells (counting the empty ones up to the last filled cell of each row) or 2 MiB of text, reached in sheet 'SoA'; a control list never does, so it is refused (raise the text limit with --max-inflated-mb if the file is trusted)\n"
    );
}

#[test]
fn header_row_past_the_end() {
    let dir = Dir::with(&["german.xlsx"]);
    assert_eq!(
        refused(&dir, &["german.xlsx", "--header-row", "99"]),
        "crosswalk: error: german.xlsx, sheet 'Erklärung zur Anwendbarkeit': --header-row 99 is past the last row (5)\n"
    );
}

#[test]
fn column_by_letter_and_header_row_override() {
    let dir = Dir::with(&["title-rows.xlsx"]);
    let (_, doc, _) =
        import_json(&dir, &["title-rows.xlsx", "--header-row", "5", "--column", "owner=F", "--column", "status=G"]);
    assert_eq!(doc["header_row"], 5);
    assert_eq!(strings(&doc, "owner")[0], "Implemented");
    assert_eq!(strings(&doc, "status")[0], "-");
    assert_eq!(doc["columns"][4]["reason"], "--column owner=F");
}

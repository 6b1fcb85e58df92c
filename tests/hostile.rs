//! Hostile and broken input: every file here is made in the test and is small. Each one ends in a clear error
//! (exit 2) or a correct result, never a crash, a hang or a blow-up, and never loses rows without a word.

// Fixtures are built once per test: `map(format!).collect()` reads better than a fold, and speed is no concern.
#![allow(clippy::format_collect)]

mod common;

use common::hostile::*;
use common::Dir;
use std::fmt::Write as _;

/// Runs `crosswalk import FILE --format json` and returns (exit code, stderr).
fn import(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = dir.run(&all);
    (run.code, run.stdout, run.stderr)
}

/// The ids an import found, in order.
fn ids(stdout: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(stdout).expect("json");
    doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|r| r["ids"].as_array().cloned().unwrap_or_default())
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Asserts a refusal: exit 2 and exactly this message.
fn refused(dir: &Dir, args: &[&str], message: &str) {
    let (code, _, stderr) = import(dir, args);
    assert_eq!((code, stderr.as_str()), (2, format!("crosswalk: error: {message}\n").as_str()));
}

// ------------------------------------------------------------------------------------------------------ generators

#[test]
fn the_generated_workbooks_read() {
    let dir = Dir::with(&[]);
    dir.write("soa.xls", &xls(&[xls_soa("SoA")], None));
    dir.write("soa.ods", &ods(&ods_content("SoA", &ods_soa_rows())));
    dir.write("soa.xlsx", &xlsx(&[("SoA", sheet_xml(&soa_rows(), ""))], None));
    let (code, out, err) = import(&dir, &["soa.xls"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&out), ["A.5.1", "A.5.15"]);
    let (code, out, err) = import(&dir, &["soa.ods"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&out), ["A.5.1", "A.5.2", "A.8.13"]);
    let (code, out, err) = import(&dir, &["soa.xlsx"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&out), ["A.5.1", "A.8.13"]);
}

// ------------------------------------------------------------------------------------------------------------- xls

#[test]
fn an_xls_declaring_a_huge_sheet_is_refused_before_reading() {
    let dir = Dir::with(&[]);
    let mut sheet = xls_soa("SoA");
    sheet.dimensions = Some((0, 1_048_576, 0, 256));
    dir.write("huge.xls", &xls(&[sheet], None));
    refused(
        &dir,
        &["huge.xls"],
        "huge.xls: sheet 'SoA' declares a used range of 1048576 rows by 256 columns, more than the 2000000 cells a workbook may hold; refused before reading it, as a damaged or crafted file",
    );
}

#[test]
fn an_xls_dimensions_record_ending_before_it_starts_is_refused() {
    let dir = Dir::with(&[]);
    let mut sheet = xls_soa("SoA");
    sheet.dimensions = Some((9, 3, 0, 2));
    dir.write("backwards.xls", &xls(&[sheet], None));
    refused(
        &dir,
        &["backwards.xls"],
        "backwards.xls: sheet 'SoA' declares a used range that ends before it starts; refused before reading it, as a damaged or crafted file",
    );
}

#[test]
fn an_xls_cell_in_the_far_corner_is_refused_before_reading() {
    let dir = Dir::with(&[]);
    let mut sheet = xls_soa("SoA");
    sheet.dimensions = None;
    sheet.cells.push((0xFFFF, 0xFF, XlsValue::Text("far away")));
    dir.write("corner.xls", &xls(&[sheet], None));
    refused(
        &dir,
        &["corner.xls"],
        "corner.xls: sheet 'SoA' has cells spread over 65536 rows by 256 columns, more than the 2000000 cells a workbook may hold; refused before reading it, as a damaged or crafted file",
    );
}

#[test]
fn an_xls_that_makes_the_reader_panic_is_that_files_error() {
    let dir = Dir::with(&[]);
    dir.write("flipped.xls", &xls(&[xls_soa("SoA")], Some(0x00FF_FFFF)));
    let (code, _, stderr) = import(&dir, &["flipped.xls"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("crosswalk: error: flipped.xls: the reader failed on this file ("), "{stderr}");
    assert!(
        stderr.ends_with("); it is probably damaged: open it in a spreadsheet program, save a copy and run again\n"),
        "{stderr}"
    );
}

/// A little-endian u32 of `bytes` at `at`.
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused_before_calamine_follows_it() {
    let dir = Dir::with(&[]);
    let mut bytes = xls(&[xls_soa("SoA")], None);
    // Point the directory's first sector at itself in the FAT (found by fuzzing: calamine follows the chain
    // until memory runs out).
    let sector = 1usize << u16::from_le_bytes([bytes[0x1E], bytes[0x1F]]);
    let (dir_start, fat) = (u32_at(&bytes, 0x30) as usize, u32_at(&bytes, 0x4C) as usize);
    let entry = (fat + 1) * sector + 4 * dir_start;
    bytes[entry..entry + 4].copy_from_slice(&(dir_start as u32).to_le_bytes());
    dir.write("loop.xls", &bytes);
    let (code, _, stderr) = import(&dir, &["loop.xls", "--max-memory-mb", "512"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("crosswalk: error: loop.xls: not a readable xls workbook (the OLE container is damaged: "),
        "{stderr}"
    );
}

#[test]
fn a_damaged_xls_gets_its_own_error() {
    let dir = Dir::with(&[]);
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    std::io::Write::write_all(&mut cfb.create_stream("/Other").unwrap(), b"nothing").unwrap();
    cfb.flush().unwrap();
    dir.write("damaged.xls", &cfb.into_inner().into_inner());
    let (code, _, stderr) = import(&dir, &["damaged.xls"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("crosswalk: error: damaged.xls: not a readable xls workbook ("), "{stderr}");
    assert_eq!(
        stderr,
        "crosswalk: error: damaged.xls: not a readable xls workbook (Cfb error: Cannot find Workbook stream)\n"
    );
}

// ------------------------------------------------------------------------------------------------------------- ods

#[test]
fn an_ods_repeating_rows_and_columns_into_millions_of_cells_is_refused() {
    let dir = Dir::with(&[]);
    let bomb = r#"<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/></table:table-row>"#;
    let rows = format!("{}{bomb}{}", ods_soa_rows(), ods_row(&["A.8.1", "User endpoint devices"]));
    dir.write("repeats.ods", &ods(&ods_content("SoA", &rows)));
    assert!(std::fs::metadata(dir.path("repeats.ods")).unwrap().len() < 2048);
    refused(
        &dir,
        &["repeats.ods"],
        "repeats.ods: sheet 'SoA' repeats its rows and cells into more than 2000000 cells or 64 MiB of text for the workbook; refused before reading it, as a damaged or crafted file",
    );
}

#[test]
fn an_ods_with_the_usual_trailing_empty_repeats_reads() {
    let dir = Dir::with(&[]);
    let trailing = r#"<table:table-row table:number-rows-repeated="1048572"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let rows = format!(
        "{}{trailing}",
        ods_soa_rows().replace(
            "<text:p>Yes</text:p></table:table-cell>",
            "<text:p>Yes</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"16381\"/>"
        )
    );
    dir.write("libreoffice.ods", &ods(&ods_content("SoA", &rows)));
    let (code, out, err) = import(&dir, &["libreoffice.ods"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&out), ["A.5.1", "A.5.2", "A.8.13"]);
}

#[test]
fn an_ods_cut_short_inside_a_table_is_refused_not_read_forever() {
    let dir = Dir::with(&[]);
    let content = ods_content("SoA", &ods_soa_rows());
    let cut = &content[..content.find("</table:table>").unwrap()];
    dir.write("cut.ods", &ods(cut));
    refused(
        &dir,
        &["cut.ods", "--timeout-s", "20"],
        "cut.ods: not a readable ods workbook (content.xml ends inside `<table:table>`: the file is cut short or damaged)",
    );
}

#[test]
fn an_ods_cut_short_inside_a_note_is_refused() {
    let dir = Dir::with(&[]);
    let content = ods_content("SoA", &ods_soa_rows());
    let at = content.find("<text:p>A.5.2").unwrap();
    let cut = format!("{}<office:annotation><text:p>note", &content[..at]);
    dir.write("note.ods", &ods(&cut));
    let (code, _, stderr) = import(&dir, &["note.ods", "--timeout-s", "20"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("content.xml ends inside `<"), "{stderr}");
}

#[test]
fn an_ods_with_a_run_of_a_billion_spaces_is_refused() {
    let dir = Dir::with(&[]);
    let rows = ods_soa_rows().replace("<text:p>Yes</text:p>", r#"<text:p>Yes<text:s text:c="1000000000"/></text:p>"#);
    dir.write("spaces.ods", &ods(&ods_content("SoA", &rows)));
    refused(
        &dir,
        &["spaces.ods"],
        "spaces.ods: sheet 'SoA' holds a run of more than 64 MiB of spaces; refused before reading it, as a damaged or crafted file",
    );
}

#[test]
fn a_damaged_ods_gets_its_own_error() {
    let dir = Dir::with(&[]);
    let bytes = zip_parts(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("styles.xml", b"<x/>")]);
    dir.write("damaged.ods", &bytes);
    let (code, _, stderr) = import(&dir, &["damaged.ods"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("crosswalk: error: damaged.ods: not a readable ods workbook ("), "{stderr}");
    assert_eq!(
        stderr,
        "crosswalk: error: damaged.ods: not a readable ods workbook ('META-INF/manifest.xml' file not found in archive)\n"
    );
}

// ------------------------------------------------------------------------------------------------------------ xlsx

#[test]
fn one_cell_per_row_in_the_last_column_read_counts_the_whole_row() {
    let dir = Dir::with(&[]);
    let mut rows = soa_rows();
    for r in 4..=3000 {
        rows.push(vec![(format!("AMJ{r}"), "x".to_string())]);
    }
    dir.write("wide.xlsx", &xlsx(&[("SoA", sheet_xml(&rows, ""))], None));
    refused(
        &dir,
        &["wide.xlsx"],
        "wide.xlsx: the workbook holds more than 2000000 cells (counting the empty ones up to the last filled cell of each row) or 64 MiB of text, reached in sheet 'SoA'; a control list never does, so it is refused (raise the text limit with --max-inflated-mb if the file is trusted)",
    );
}

#[test]
fn many_sheets_pointing_at_one_part_are_refused() {
    let dir = Dir::with(&[]);
    let xml = sheet_xml(&soa_rows(), "");
    let names: Vec<String> = (1..=100).map(|i| format!("S{i}")).collect();
    let sheets: Vec<(&str, String)> = names.iter().map(|n| (n.as_str(), xml.clone())).collect();
    let targets = vec![0usize; 100];
    dir.write("same.xlsx", &xlsx(&sheets, Some(&targets)));
    refused(
        &dir,
        &["same.xlsx"],
        "same.xlsx: sheet 'S2' points at part `xl/worksheets/sheet1.xml` like sheet 'S1' before it; refused before reading it, as a damaged or crafted file",
    );
}

#[test]
fn a_merged_range_over_the_whole_sheet_repeated_is_filled_once() {
    let dir = Dir::with(&[]);
    let merges: String = "<mergeCell ref=\"C1:AMJ1048576\"/>".repeat(2000);
    let after = format!("<mergeCells count=\"2000\">{merges}</mergeCells>");
    dir.write("merged.xlsx", &xlsx(&[("SoA", sheet_xml(&soa_rows(), &after))], None));
    let started = std::time::Instant::now();
    let (code, out, err) = import(&dir, &["merged.xlsx"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&out), ["A.5.1", "A.8.13"]);
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn distinct_merged_ranges_over_too_many_cells_are_refused() {
    let dir = Dir::with(&[]);
    let mut rows = soa_rows();
    for r in 4..=1000 {
        rows.push(vec![(format!("A{r}"), "x".to_string())]);
    }
    let merges: String = (1..=2000).map(|c| format!("<mergeCell ref=\"A{c}:AMJ1048576\"/>")).collect();
    let after = format!("<mergeCells count=\"2000\">{merges}</mergeCells>");
    dir.write("merged.xlsx", &xlsx(&[("SoA", sheet_xml(&rows, &after))], None));
    refused(
        &dir,
        &["merged.xlsx"],
        "merged.xlsx: sheet 'SoA' has merged ranges over more than 2000000 cells; refused before reading it, as a damaged or crafted file",
    );
}

/// The parts of a zip, in order.
fn unzip(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut b).unwrap();
        parts.push((f.name().unwrap().to_string(), b));
    }
    parts
}

#[test]
fn a_zip_with_two_parts_of_one_name_is_refused() {
    let dir = Dir::with(&[]);
    let mut parts = unzip(xlsx(&[("SoA", sheet_xml(&soa_rows(), ""))], None));
    let other = sheet_xml(&[vec![("A1".into(), "Ref".into())], vec![("A2".into(), "A.8.8".into())]], "");
    parts.push(("xl/worksheets/sheetX.xml".into(), other.into_bytes()));
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let mut bytes = zip_parts(&refs);
    // Rename `sheetX.xml` to `sheet1.xml` in the local header and the central directory: two parts of one name.
    let mut renamed = 0;
    for i in 0..bytes.len().saturating_sub(10) {
        if &bytes[i..i + 10] == b"sheetX.xml" {
            bytes[i + 5] = b'1';
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2);
    dir.write("twice.xlsx", &bytes);
    refused(
        &dir,
        &["twice.xlsx"],
        "twice.xlsx: the zip package holds two parts named `xl/worksheets/sheet1.xml`; refused as a damaged or crafted file",
    );
}

#[test]
fn shared_strings_with_an_entity_bomb_get_their_own_error() {
    let dir = Dir::with(&[]);
    let mut lol = String::from("<!DOCTYPE sst [<!ENTITY a \"lollollollollollollollollollol\">");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let this = (b'a' + i) as char;
        let _ = write!(lol, "<!ENTITY {this} \"{}\">", format!("&{prev};").repeat(10));
    }
    lol.push_str("]>");
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{lol}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&j;</t></si></sst>"#
    );
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
    let mut parts = unzip(xlsx(&[("SoA", sheet.to_string())], None));
    parts.push(("xl/sharedStrings.xml".to_string(), sst.into_bytes()));
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    dir.write("lol.xlsx", &zip_parts(&refs));
    let (code, _, stderr) = import(&dir, &["lol.xlsx"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("crosswalk: error: lol.xlsx: "), "{stderr}");
    assert_eq!(
        stderr,
        "crosswalk: error: lol.xlsx: not a readable xlsx workbook (Xml error: at 0..0: unrecognized entity `&j;`)\n"
    );
}

// ------------------------------------------------------------------------------------------------------------- csv

const SOA_CSV: &str = "Ref,Control,Applicable\nA.5.1,Policies for information security,Yes\nA.5.2,\"Roles and \"\"responsibilities,Yes\nA.5.3,Segregation of duties,Yes\nA.5.4,Management responsibilities,Yes\nA.5.5,Contact with authorities,Yes\n";

#[test]
fn a_quote_that_never_closes_is_an_error_naming_the_line() {
    let dir = Dir::with(&[]);
    dir.write("soa.csv", SOA_CSV.as_bytes());
    refused(
        &dir,
        &["soa.csv"],
        "soa.csv: line 3: a quoted cell opens here and never closes, so lines 3-6 would be read into one cell; close the quote, or write a quote inside a cell as \"\"",
    );
}

#[test]
fn a_quote_that_closes_only_rows_later_is_an_error_naming_both_lines() {
    let dir = Dir::with(&[]);
    let text = SOA_CSV.replace("Contact with authorities", "\"Contact\" with authorities");
    dir.write("soa.csv", text.as_bytes());
    refused(
        &dir,
        &["soa.csv"],
        "soa.csv: line 3: a quoted cell opens here and closes only inside a cell on line 6, so lines 3-6 would be read into one cell; close the quote, or write a quote inside a cell as \"\"",
    );
}

#[test]
fn quoted_cells_over_several_lines_still_read() {
    let dir = Dir::with(&[]);
    let text = "Ref,Control,Justification\nA.5.1,Policies,\"Line one,\nline \"\"two\"\"\"\nA.5.2,Roles,Yes\n";
    dir.write("soa.csv", text.as_bytes());
    let (code, out, err) = import(&dir, &["soa.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&out), ["A.5.1", "A.5.2"]);
}

#[test]
fn a_row_of_too_many_cells_is_refused() {
    let dir = Dir::with(&[]);
    let text = format!("Ref,Control\nA.5.1,Policies\n{}\n", ",".repeat(20_000));
    dir.write("commas.csv", text.as_bytes());
    refused(
        &dir,
        &["commas.csv"],
        "commas.csv: line 3: a row holds more than 16384 cells (the widest spreadsheet has 16,384 columns); a damaged file?",
    );
}

#[test]
fn a_cell_too_long_is_refused() {
    let dir = Dir::with(&[]);
    let text = format!("Ref,Control\nA.5.1,{}\n", "x".repeat(200_000));
    dir.write("long.csv", text.as_bytes());
    refused(
        &dir,
        &["long.csv"],
        "long.csv: line 2: a cell holds more than 128 KiB of text (a spreadsheet cell holds at most 32,767 characters); a damaged file?",
    );
}

#[test]
fn a_file_of_blank_lines_is_no_control_list_and_costs_nothing() {
    let dir = Dir::with(&[]);
    dir.write("blank.csv", &vec![b'\n'; 1_000_000]);
    let (code, _, stderr) = import(&dir, &["blank.csv"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("crosswalk: error: blank.csv: "), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_file_of_an_unsupported_type_is_refused_unread() {
    let dir = Dir::with(&[]);
    // A named pipe with no writer: reading it would wait for ever.
    let made = std::process::Command::new("mkfifo").arg(dir.path("notes.pdf")).status().expect("mkfifo");
    assert!(made.success());
    refused(
        &dir,
        &["notes.pdf", "--timeout-s", "20"],
        "notes.pdf: unsupported file type `pdf`: use xlsx, xlsm, xlsb, xls, ods, csv or tsv",
    );
}

// --------------------------------------------------------------------------------------------- stdin and outputs

/// Runs crosswalk in `dir` with stdin read from the file `input` there.
fn with_stdin_file(dir: &Dir, input: &str, args: &[&str]) -> common::Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(dir.tmp.path())
        .stdin(std::fs::File::open(dir.path(input)).unwrap())
        .output()
        .expect("run crosswalk");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn an_output_that_is_the_file_on_stdin_is_refused() {
    let dir = Dir::with(&[]);
    let soa = "Ref,Control\nA.5.1,Policies for information security\nA.8.13,Information backup\n";
    dir.write("soa.csv", soa.as_bytes());
    dir.write("soa.md", soa.as_bytes());
    dir.write("soa.xlsx", &xlsx(&[("SoA", sheet_xml(&soa_rows(), ""))], None));
    let xlsx_before = std::fs::read(dir.path("soa.xlsx")).unwrap();
    for (input, args) in [
        ("soa.csv", vec!["map", "-", "-o", "soa.csv"]),
        ("soa.csv", vec!["map", "-", "-o", "./soa.csv", "--format", "csv"]),
        ("soa.xlsx", vec!["map", "-", "-o", "soa.xlsx"]),
        ("soa.csv", vec!["import", "-", "-o", "soa.csv"]),
        ("soa.md", vec!["report", "-", "-o", "soa.md"]),
        ("soa.csv", vec!["map", "-", "-o", "out.json", "--summary", "soa.csv"]),
    ] {
        let run = with_stdin_file(&dir, input, &args);
        let target = args[args.len() - 1];
        let shown = if args.contains(&"--format") { "./soa.csv" } else { target };
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (
                2,
                format!(
                    "crosswalk: error: {shown}: refusing to write over an input file; choose another output with -o\n"
                )
                .as_str()
            ),
            "{args:?}"
        );
    }
    assert_eq!(std::fs::read_to_string(dir.path("soa.csv")).unwrap(), soa);
    assert_eq!(std::fs::read_to_string(dir.path("soa.md")).unwrap(), soa);
    assert_eq!(std::fs::read(dir.path("soa.xlsx")).unwrap(), xlsx_before);
    // Another file is fine.
    let run = with_stdin_file(&dir, "soa.csv", &["map", "-", "-o", "out.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// ------------------------------------------------------------------------------------------ crashes, hangs, memory

#[test]
fn a_reader_that_panics_fails_its_input_with_exit_2() {
    let dir = Dir::with(&[]);
    dir.write("soa.csv", b"Ref,Control\nA.5.1,Policies\n");
    // In a child process, and in this process (no limits: no child).
    for limits in [&[][..], &["--max-memory-mb", "0", "--timeout-s", "0"][..]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(["import", "soa.csv"])
            .args(limits)
            .current_dir(dir.tmp.path())
            .env("CROSSWALK_FAILPOINT", "panic:soa.csv")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let prefix = "crosswalk: error: soa.csv: the reader failed on this file (failpoint at src/read/isolate.rs:";
        assert!(stderr.starts_with(prefix), "{stderr}");
        let suffix = "); it is probably damaged: open it in a spreadsheet program, save a copy and run again\n";
        assert!(stderr.ends_with(suffix), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_reader_that_hangs_or_exhausts_memory_fails_its_input_with_exit_2() {
    let dir = Dir::with(&[]);
    dir.write("soa.csv", b"Ref,Control\nA.5.1,Policies\n");
    let run = |failpoint: &str, args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(args)
            .current_dir(dir.tmp.path())
            .env("CROSSWALK_FAILPOINT", failpoint)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let started = std::time::Instant::now();
    assert_eq!(
        run("hang:soa.csv", &["import", "soa.csv", "--timeout-s", "1"]),
        (Some(2), "crosswalk: error: soa.csv: reading it took more than 1 s and was stopped; the file is probably damaged or crafted (raise the limit with --timeout-s if it is trusted)\n".to_string())
    );
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(
        run("exhaust:soa.csv", &["map", "soa.csv", "--max-memory-mb", "256", "-o", "out.json"]),
        (Some(2), "crosswalk: error: soa.csv: reading it needed more than 256 MiB of memory and was stopped; the file is probably damaged or crafted (raise the limit with --max-memory-mb if it is trusted)\n".to_string())
    );
    assert!(!dir.path("out.json").exists());
}

#[cfg(unix)]
#[test]
fn a_batch_with_crashing_hanging_and_exploding_files_finishes_and_reports_each() {
    let dir = Dir::with(&[]);
    std::fs::create_dir(dir.path("in")).unwrap();
    std::fs::create_dir(dir.path("out")).unwrap();
    let good_csv = "Ref,Control\nA.5.1,Policies for information security\nA.8.13,Information backup\n";
    let good = ["a-good.csv", "m-good.csv", "z-good.csv"];
    for name in good {
        dir.write(&format!("in/{name}"), good_csv.as_bytes());
    }
    dir.write("in/b-good.xls", &xls(&[xls_soa("SoA")], None));
    dir.write("in/c-good.ods", &ods(&ods_content("SoA", &ods_soa_rows())));
    // Caught by the reader's own checks.
    let mut huge = xls_soa("SoA");
    huge.dimensions = Some((0, 1_048_576, 0, 256));
    dir.write("in/d-huge.xls", &xls(&[huge], None));
    let content = ods_content("SoA", &ods_soa_rows());
    dir.write("in/e-cut.ods", &ods(&content[..content.find("</table:table>").unwrap()]));
    dir.write("in/f-flipped.xls", &xls(&[xls_soa("SoA")], Some(0x00FF_FFFF)));
    dir.write("in/g-quote.csv", SOA_CSV.as_bytes());
    // Caught only by the child process: a panic, a loop without end, an allocation without end.
    for name in ["p-crash.csv", "q-hang.csv", "r-explode.csv"] {
        dir.write(&format!("in/{name}"), good_csv.as_bytes());
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(["map", "in", "--out-dir", "out", "--format", "json", "--summary", "summary.json"])
        .args(["--timeout-s", "5", "--max-memory-mb", "256", "--jobs", "2"])
        .current_dir(dir.tmp.path())
        .env("CROSSWALK_FAILPOINT", "panic:p-crash.csv,hang:q-hang.csv,exhaust:r-explode.csv")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(dir.files().into_iter().filter(|f| f != "in" && f != "out").collect::<Vec<_>>(), ["summary.json"]);
    let mut outputs = common::files(&dir.path("out"));
    outputs.sort();
    assert_eq!(
        outputs,
        [
            "a-good.crosswalk.json",
            "b-good.crosswalk.json",
            "c-good.crosswalk.json",
            "m-good.crosswalk.json",
            "z-good.crosswalk.json"
        ]
    );
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["totals"]["inputs"], 12);
    assert_eq!(summary["totals"]["ok"], 5);
    assert_eq!(summary["totals"]["failed"], 7);
    let errors: Vec<(String, String)> = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "failed")
        .map(|i| (i["input"].as_str().unwrap().to_string(), i["error"].as_str().unwrap().to_string()))
        .collect();
    let expect = [
        ("in/d-huge.xls", "declares a used range of 1048576 rows by 256 columns"),
        ("in/e-cut.ods", "content.xml ends inside `<table:table>`"),
        ("in/f-flipped.xls", "the reader failed on this file"),
        ("in/g-quote.csv", "line 3: a quoted cell opens here and never closes"),
        ("in/p-crash.csv", "the reader failed on this file (failpoint"),
        ("in/q-hang.csv", "reading it took more than 5 s and was stopped"),
        ("in/r-explode.csv", "reading it needed more than 256 MiB of memory and was stopped"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:?}");
    for ((input, error), (want_input, want)) in errors.iter().zip(expect) {
        assert_eq!(input, want_input);
        assert!(error.contains(want), "{input}: {error}");
    }
    assert!(stderr.ends_with("12 inputs: 5 ok, 7 failed; 11 rows\n"), "{stderr}");
}

/// Writes small xls and ods seeds for the workbook fuzz target into `$CROSSWALK_SEED_DIR` (fuzz/run.sh runs it).
#[test]
#[ignore = "writes fuzzing seeds"]
fn write_fuzz_seeds() {
    let dir = std::path::PathBuf::from(std::env::var("CROSSWALK_SEED_DIR").expect("set CROSSWALK_SEED_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut merged = xls_soa("SoA");
    merged.merged = vec![(0, 0, 0, 1)];
    std::fs::write(dir.join("soa.xls"), xls(&[xls_soa("SoA"), merged], None)).unwrap();
    std::fs::write(dir.join("soa.ods"), ods(&ods_content("SoA", &ods_soa_rows()))).unwrap();
    let repeats = r#"<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="5"/></table:table-row>"#;
    std::fs::write(dir.join("repeats.ods"), ods(&ods_content("SoA", &format!("{}{repeats}", ods_soa_rows())))).unwrap();
    let after = "<mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>";
    std::fs::write(dir.join("inline.xlsx"), xlsx(&[("SoA", sheet_xml(&soa_rows(), after))], None)).unwrap();
}

/// Writes the hostile files of this suite, at the sizes the measurements in docs/hostile-input.md use, into
/// `$CROSSWALK_HOSTILE_DIR`, to check peak memory with a release build:
/// `CROSSWALK_HOSTILE_DIR=/tmp/h cargo test --test hostile write_hostile_files -- --ignored`, then
/// `/usr/bin/time -v crosswalk import /tmp/h/FILE`.
#[test]
#[ignore = "writes files for a manual measurement"]
fn write_hostile_files() {
    let dir = std::path::PathBuf::from(std::env::var("CROSSWALK_HOSTILE_DIR").expect("set CROSSWALK_HOSTILE_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    let mut huge = xls_soa("SoA");
    huge.dimensions = Some((0, 1_048_576, 0, 256));
    write("huge.xls", &xls(&[huge], None));
    let mut corner = xls_soa("SoA");
    corner.dimensions = None;
    corner.cells.push((0xFFFF, 0xFF, XlsValue::Text("far away")));
    write("corner.xls", &xls(&[corner], None));
    write("flipped.xls", &xls(&[xls_soa("SoA")], Some(0x00FF_FFFF)));
    let bomb = r#"<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/></table:table-row>"#;
    write("repeats.ods", &ods(&ods_content("SoA", &format!("{}{bomb}{}", ods_soa_rows(), ods_row(&["A.8.1", "x"])))));
    let content = ods_content("SoA", &ods_soa_rows());
    write("cut.ods", &ods(&content[..content.find("</table:table>").unwrap()]));
    let spaces = ods_soa_rows().replace("<text:p>Yes</text:p>", r#"<text:p>Yes<text:s text:c="1000000000"/></text:p>"#);
    write("spaces.ods", &ods(&ods_content("SoA", &spaces)));
    let mut rows = soa_rows();
    for r in 4..=60_000 {
        rows.push(vec![(format!("AMJ{r}"), "x".to_string())]);
    }
    write("wide.xlsx", &xlsx(&[("SoA", sheet_xml(&rows, ""))], None));
    let mut rows = soa_rows();
    for r in 4..=200 {
        rows.push(vec![(format!("AMJ{r}"), "x".to_string())]);
    }
    let xml = sheet_xml(&rows, "");
    let names: Vec<String> = (1..=100).map(|i| format!("S{i}")).collect();
    let sheets: Vec<(&str, String)> = names.iter().map(|n| (n.as_str(), xml.clone())).collect();
    write("same.xlsx", &xlsx(&sheets, Some(&[0usize; 100])));
    let mut rows = soa_rows();
    for r in 4..=1000 {
        rows.push(vec![(format!("A{r}"), "x".to_string())]);
    }
    let merges: String = (1..=2000).map(|c| format!("<mergeCell ref=\"A{c}:AMJ1048576\"/>")).collect();
    write("merged.xlsx", &xlsx(&[("SoA", sheet_xml(&rows, &format!("<mergeCells>{merges}</mergeCells>")))], None));
    let same: String = "<mergeCell ref=\"A1:AMJ1048576\"/>".repeat(2000);
    write("merged-same.xlsx", &xlsx(&[("SoA", sheet_xml(&rows, &format!("<mergeCells>{same}</mergeCells>")))], None));
    write("commas.csv", &vec![b','; 1_900_000]);
    write("newlines.csv", &vec![b'\n'; 1_900_000]);
    write("quote.csv", SOA_CSV.as_bytes());
    write("commas-50mb.csv", &vec![b','; 50_000_000]);
    write("newlines-100mb.csv", &vec![b'\n'; 100_000_000]);
}

#[test]
fn files_larger_than_the_limits_are_refused_before_parsing() {
    let dir = Dir::with(&[]);
    let mut text = String::from("Ref,Control\n");
    while text.len() <= 1024 * 1024 {
        text.push_str("A.5.1,Policies for information security\n");
    }
    dir.write("big.csv", text.as_bytes());
    refused(
        &dir,
        &["big.csv", "--max-inflated-mb", "1"],
        &format!("big.csv: is {} bytes, over the limit of 1 MiB for delimited text (raise it with --max-inflated-mb if the file is trusted)", text.len()),
    );
    dir.write("big.xlsx", &vec![b'P'; 4 * 1024 * 1024 + 1]);
    refused(
        &dir,
        &["big.xlsx", "--max-inflated-mb", "1"],
        "big.xlsx: is more than 4 MiB, over the limit for any input (four times --max-inflated-mb; raise that if the file is trusted)",
    );
}

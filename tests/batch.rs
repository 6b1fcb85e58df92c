//! Batch runs of `crosswalk map`: many inputs, the summary, exit codes, `--fail-under`, byte-identical outputs
//! whatever the thread count or input order, refusal to write over an input, stdin and shell integration.

mod common;
use common::{crosswalk, fixture, stderr};

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A temp dir holding `in/` with a tidy SoA as `good.csv`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::copy(fixture("tidy-soa.csv"), dir.path().join("in/good.csv")).unwrap();
    dir
}

/// A 2013 SoA as a workbook: a title row above the header, ids in several spellings, one custom row by title.
fn write_2013_workbook(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("SoA").unwrap();
    ws.write_string(0, 0, "Statement of Applicability").unwrap();
    for (c, h) in ["Ref", "Control", "Applicable"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows = [
        ("A.9.2.3", "Management of privileged access rights", "Yes"),
        ("A 12.3.1", "Information backup", "Yes"),
        ("a.5.1.1", "Policies for information security", "No"),
        ("ORG-7", "Information backup", "Yes"),
    ];
    for (r, (id, title, applicable)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *title).unwrap();
        ws.write_string(r, 2, *applicable).unwrap();
    }
    wb.save(path).unwrap();
}

fn summary_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_folder_with_good_and_bad_files_maps_the_good_ones_and_reports_the_bad() {
    let dir = workspace();
    let d = dir.path();
    write_2013_workbook(&d.join("in/legacy.xlsx"));
    std::fs::write(d.join("in/bad.csv"), "x,y\n1,2\n").unwrap();
    std::fs::write(d.join("in/empty.csv"), "").unwrap();
    std::fs::create_dir(d.join("out")).unwrap();
    let o = crosswalk(d, &["map", "in", "--out-dir", "out", "--format", "json", "--summary", "summary.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    // Messages in input order (folder sorted by name), then the table.
    assert_eq!(
        lines[0],
        "crosswalk: error: in/bad.csv: no controls found: no column holds control ids, titles or descriptions (row 1: 'x', 'y'); if this is the right sheet, name the columns with --column id=HEADER or --column title=HEADER"
    );
    assert_eq!(lines[1], "crosswalk: error: in/empty.csv: the file is empty");
    assert!(lines[2].starts_with("in/good.csv, header row 1: 93 rows (93 by id,"), "{err}");
    assert!(lines[3].starts_with("in/legacy.xlsx, sheet 'SoA', header row 3: 4 rows"), "{err}");
    assert!(err.contains("\nin/bad.csv      failed  -     -   -"), "{err}");
    assert!(err.ends_with("4 inputs: 2 ok, 2 failed; 97 rows\n"), "{err}");

    let mut outputs: Vec<String> =
        std::fs::read_dir(d.join("out")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    outputs.sort();
    assert_eq!(outputs, ["good.crosswalk.json", "legacy.crosswalk.json"]);

    let s = summary_json(&d.join("summary.json"));
    assert_eq!(s["totals"], serde_json::json!({"inputs": 4, "ok": 2, "failed": 2, "below_threshold": 0, "rows": 97}));
    let inputs = s["inputs"].as_array().unwrap();
    let names: Vec<&str> = inputs.iter().map(|i| i["input"].as_str().unwrap()).collect();
    assert_eq!(names, ["in/bad.csv", "in/empty.csv", "in/good.csv", "in/legacy.xlsx"]);
    assert_eq!(inputs[0]["status"], "failed");
    assert_eq!(inputs[0]["output"], serde_json::Value::Null);
    assert_eq!(
        inputs[0]["error"],
        "in/bad.csv: no controls found: no column holds control ids, titles or descriptions (row 1: 'x', 'y'); if this is the right sheet, name the columns with --column id=HEADER or --column title=HEADER"
    );
    let good = &inputs[2];
    assert_eq!(good["status"], "ok");
    assert_eq!(good["output"], "out/good.crosswalk.json");
    assert_eq!(good["from"], "iso27001-2022");
    assert_eq!(good["to"], "tsc-2017");
    assert_eq!(good["rows"], 93);
    assert_eq!(good["matched"], serde_json::json!({"id": 93, "title": 0, "text": 0, "transition": 0, "none": 0}));
    assert_eq!(good["needs_review"], 0);
    assert_eq!(
        good["coverage"][0],
        serde_json::json!({"category": "security", "covered": 16, "partial": 8, "gap": 9, "out_of_scope": 0})
    );
    assert_eq!(good["security_coverage_pct"], 48.5);
    assert_eq!(
        (&good["covered"], &good["partial"], &good["gap"], &good["in_scope"]),
        (&16.into(), &8.into(), &9.into(), &33.into())
    );
    assert_eq!(good["scope"], serde_json::json!(["security"]));
    assert_eq!(good["issues"], serde_json::json!({"error": 0, "warning": 0, "info": 0}));
    assert_eq!(good["error"], serde_json::Value::Null);
    let legacy = &inputs[3];
    assert_eq!(legacy["from"], "iso27001-2013");
    assert_eq!(legacy["rows"], 4);
    assert_eq!(legacy["matched"]["transition"].as_u64().unwrap() + legacy["matched"]["title"].as_u64().unwrap(), 4);
    assert_eq!(legacy["matched"]["title"], 1);
}

#[test]
fn all_good_inputs_exit_zero_and_quiet_prints_nothing() {
    let dir = workspace();
    let d = dir.path();
    std::fs::copy(fixture("tidy-soa.csv"), d.join("in/second.csv")).unwrap();
    let o = crosswalk(d, &["map", "in", "--format", "csv", "-q", "--summary", "s.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert!(d.join("good.crosswalk.csv").is_file() && d.join("second.crosswalk.csv").is_file());
    assert_eq!(summary_json(&d.join("s.json"))["totals"]["ok"], 2);
}

#[test]
fn fail_under_passes_at_or_below_the_coverage_and_fails_above() {
    let dir = workspace();
    let d = dir.path();
    // The tidy SoA (Annex A only, no ISMS clauses) covers 16 of 33 security criteria: 48.5%.
    let o = crosswalk(d, &["map", "in/good.csv", "-o", "a.json", "--fail-under", "48", "--summary", "s.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(summary_json(&d.join("s.json"))["inputs"][0]["below_threshold"], false);

    let o = crosswalk(d, &["map", "in/good.csv", "-o", "b.json", "--fail-under", "50", "--summary", "s.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("crosswalk: in/good.csv: coverage (security) 48.5% is under --fail-under 50\n"),
        "{}",
        stderr(&o)
    );
    let s = summary_json(&d.join("s.json"));
    assert_eq!(s["fail_under"], 50.0);
    assert_eq!(s["inputs"][0]["below_threshold"], true);
    assert_eq!(s["totals"]["below_threshold"], 1);
    // The output is still written: the threshold judges it, it does not withhold it.
    assert!(d.join("b.json").is_file());

    let o = crosswalk(d, &["map", "in/good.csv", "--fail-under", "101"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "crosswalk: error: --fail-under 101: expected a percentage from 0 to 100\n");
}

/// Every output of a run, by file name.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn outputs_are_byte_identical_whatever_the_thread_count_or_input_order() {
    use calamine::Reader;
    let dir = workspace();
    let d = dir.path();
    write_2013_workbook(&d.join("in/legacy.xlsx"));
    std::fs::write(
        d.join("in/mixed.csv"),
        "Ref;Title;Status\nA5.15;Access control;Implemented\nCC6.1;x;\n5.1;Policies;Planned\nX-1;Information backup;\nA.5.15;Again;\n",
    )
    .unwrap();
    let forward = ["in/good.csv", "in/legacy.xlsx", "in/mixed.csv"];
    for format in ["xlsx", "json", "csv"] {
        let mut runs = Vec::new();
        for (jobs, reversed) in [("1", false), ("2", false), ("2", true), ("1", true)] {
            let out = format!("out-{format}-{jobs}-{reversed}");
            std::fs::create_dir(d.join(&out)).unwrap();
            let mut args = vec!["map", "--jobs", jobs, "--format", format, "--out-dir", &out, "-q"];
            let mut inputs = forward.to_vec();
            if reversed {
                inputs.reverse();
            }
            args.extend(inputs);
            let o = crosswalk(d, &args);
            assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
            runs.push(outputs(&d.join(&out)));
        }
        assert_eq!(runs[0].len(), 3, "{format}");
        for run in &runs[1..] {
            assert!(run == &runs[0], "{format}: outputs differ between runs");
        }
    }
    // The workbook reads back: every sheet there, the constant-memory ones included.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(d.join("out-xlsx-2-true/mixed.crosswalk.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), common::WORKBOOK_SHEETS);
    let text = |r: &calamine::Range<calamine::Data>, row: usize, col: usize| {
        r.get((row, col)).map(std::string::ToString::to_string).unwrap_or_default()
    };
    let main = wb.worksheet_range("Crosswalk").unwrap();
    assert_eq!(main.height(), 6);
    assert_eq!((text(&main, 1, 1), text(&main, 1, 2)), ("A5.15".to_string(), "A.5.15".to_string()));
    let by = wb.worksheet_range("By criterion").unwrap();
    assert_eq!(by.height(), 62);
    assert_eq!(text(&by, 0, 0), "Criterion");
    let issues = wb.worksheet_range("Issues").unwrap();
    assert_eq!(text(&issues, 0, 2), "Message");
    assert_eq!(issues.height(), 2);
    assert_eq!(text(&issues, 1, 1), "in/mixed.csv, row 6, column A (Ref)");
    assert_eq!(text(&issues, 1, 2), "`A.5.15` appears again (first on row 2); both rows are kept");

    // The summary follows the input order, and does not depend on the thread count.
    for jobs in ["1", "2"] {
        let s = format!("s{jobs}.json");
        let o = crosswalk(
            d,
            &["map", "--jobs", jobs, "--out-dir", "out-json-1-false", "--format", "json", "-q"]
                .into_iter()
                .chain(forward)
                .chain(["--summary", &s])
                .collect::<Vec<_>>(),
        );
        assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(d.join("s1.json")).unwrap(), std::fs::read(d.join("s2.json")).unwrap());
}

#[test]
fn a_run_that_would_write_over_an_input_is_refused_before_any_work() {
    let dir = workspace();
    let d = dir.path();
    let original = std::fs::read(d.join("in/good.csv")).unwrap();

    let o = crosswalk(d, &["map", "in/good.csv", "-o", "./in/good.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: ./in/good.csv: refusing to write over an input file; choose another output with -o\n"
    );

    // --out-dir pointing at the input folder, where one input's output is named like another input.
    std::fs::copy(fixture("tidy-soa.csv"), d.join("in/good.crosswalk.csv")).unwrap();
    std::fs::copy(fixture("tidy-soa.csv"), d.join("in/another.csv")).unwrap();
    let o = crosswalk(
        d,
        &["map", "in/another.csv", "in/good.csv", "in/good.crosswalk.csv", "--out-dir", "in", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: in/good.crosswalk.csv: refusing to write over an input file; choose another output with -o\n"
    );
    // Nothing was done: the earlier input's output was not written either.
    assert!(!d.join("in/another.crosswalk.csv").exists());

    // The summary may not replace an input either.
    let o = crosswalk(d, &["map", "in/good.csv", "-o", "x.json", "--summary", "in/good.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: in/good.csv: refusing to write over an input file; choose another output with -o\n"
    );
    assert!(!d.join("x.json").exists());
    assert_eq!(std::fs::read(d.join("in/good.csv")).unwrap(), original);
    assert_eq!(std::fs::read(d.join("in/good.crosswalk.csv")).unwrap(), original);
}

#[test]
fn usage_errors_of_batch_flags() {
    let dir = workspace();
    let d = dir.path();
    let cases: [(&[&str], &str); 4] = [
        (&["map", "in/good.csv", "--jobs", "0"], "--jobs 0: expected 1 or more worker threads"),
        (&["map", "-", "--summary", "-"], "--summary - and the output both go to stdout: send one of them to a file"),
        (&["map", "-", "-"], "`-` (stdin) can be given only once"),
        (
            &["map", "in/good.csv", "--summary", "nowhere/s.json"],
            "--summary `nowhere/s.json`: folder `nowhere` does not exist",
        ),
    ];
    for (args, message) in cases {
        let o = crosswalk(d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), format!("crosswalk: error: {message}\n"), "{args:?}");
    }
}

fn with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// The README's pipeline: a folder to JSON with a summary on stdout, and a filter from stdin to stdout.
#[test]
fn pipeline_examples_of_the_readme() {
    let dir = workspace();
    let d = dir.path();
    std::fs::create_dir(d.join("out")).unwrap();
    let o = crosswalk(d, &["map", "in", "--out-dir", "out", "--format", "json", "--summary", "-", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["inputs"][0]["security_coverage_pct"], 48.5);

    let csv = std::fs::read(fixture("tidy-soa.csv")).unwrap();
    let o = with_stdin(d, &["map", "-", "--format", "csv"], &csv);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(out.lines().count() > 93, "{out}");
    assert!(stderr(&o).starts_with("stdin, header row 1: 93 rows (93 by id,"), "{}", stderr(&o));

    let o = with_stdin(d, &["map", "-"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "crosswalk: error: stdin: the file is empty\n");

    // A workbook on stdin is recognised by its bytes.
    write_2013_workbook(&d.join("legacy.xlsx"));
    let o = with_stdin(d, &["map", "-", "-o", "legacy.json"], &std::fs::read(d.join("legacy.xlsx")).unwrap());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("legacy.json")).unwrap()).unwrap();
    assert_eq!(doc["inputs"][0]["path"], "stdin");
    assert_eq!(doc["inputs"][0]["framework"], "iso27001-2013");
}

#[test]
fn every_subcommand_has_help_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    for sub in [
        &["map"][..],
        &["import"],
        &["suggest"],
        &["report"],
        &["catalog"],
        &["explain"],
        &["mapping"],
        &["mapping", "validate"],
        &["mapping", "export"],
        &["completions"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let o = crosswalk(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{sub:?}");
        let help = String::from_utf8(o.stdout).unwrap();
        assert!(help.contains("Example"), "{sub:?} has no examples:\n{help}");
    }
}

#[test]
fn bash_completions_name_the_subcommands_and_batch_flags() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    let script = String::from_utf8(o.stdout).unwrap();
    assert!(script.starts_with("_crosswalk() {"), "{}", &script[..80]);
    for word in ["map", "import", "completions", "--out-dir", "--jobs", "--summary", "--fail-under"] {
        assert!(script.contains(word), "{word}");
    }
    assert!(
        script.trim_end().ends_with("complete -F _crosswalk -o bashdefault -o default crosswalk")
            || script.contains("complete -F _crosswalk")
    );
}

//! Small inputs and flags at the edges: mixed encodings, decimal-comma ids, out-of-range counts, data folders
//! holding a folder where a file belongs.

mod common;

use common::Dir;

/// The titles `import --format csv` read, one per control row.
fn titles(csv: &str) -> Vec<String> {
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap_or_default().split(',').collect();
    let at = header.iter().position(|h| *h == "title").expect("a title column");
    rows.map(|r| r.split(',').nth(at).unwrap_or_default().to_string()).collect()
}

#[test]
fn one_windows_1252_line_leaves_the_utf8_lines_alone() {
    let dir = Dir::with(&[]);
    dir.write(
        "mixed.csv",
        b"Ref;Titel\nA.5.1;Richtlinien f\xc3\xbcr Sicherheit\nA.5.2;Rollen \x96 Ma\xdfnahme\nA.5.3;Aufgabentrennung \xc3\xa4\n",
    );
    let run = dir.run(&["import", "mixed.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        titles(&run.stdout),
        ["Richtlinien für Sicherheit", "Rollen – Maßnahme", "Aufgabentrennung ä"],
        "{}",
        run.stdout
    );
}

#[test]
fn decimal_comma_ids_from_a_german_csv() {
    let dir = Dir::with(&[]);
    dir.write(
        "soa.csv",
        "Nr.;Maßnahme;Anwendbar\n5,15;Zugangssteuerung;Ja\nA.5,10;Zulässiger Gebrauch;Ja\n8,2;Privilegierte Zugangsrechte;Ja\n"
            .as_bytes(),
    );
    let run = dir.run(&["import", "soa.csv", "--format", "json", "-o", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let got: Vec<(String, String)> = doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["raw_id"].as_str().unwrap_or("-").to_string(), r["ids"].to_string()))
        .collect();
    let want = [("5,15", r#"["A.5.15"]"#), ("A.5,10", r#"["A.5.10"]"#), ("8,2", r#"["A.8.2"]"#)];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())), "{}", run.stderr);
}

#[test]
fn counts_past_their_bounds_are_usage_errors() {
    let dir = Dir::with(&[]);
    dir.write("controls.csv", b"Ref,Title\nA.5.1,Policies\n");
    let cases: [(&[&str], &str); 3] = [
        (
            &["suggest", "Nightly backups", "--top", "1000000000"],
            "--top 1000000000: expected at most 200 candidates per statement (no catalog holds more)",
        ),
        (&["map", "controls.csv", "--jobs", "99999999"], "--jobs 99999999: expected at most 1024 worker threads"),
        (
            &["map", "controls.csv", "--jobs", "1025", "-o", "x.json"],
            "--jobs 1025: expected at most 1024 worker threads",
        ),
    ];
    for (args, message) in cases {
        let run = dir.run(args);
        assert_eq!((run.code, run.stderr.as_str()), (2, format!("crosswalk: error: {message}\n").as_str()), "{args:?}");
    }
    assert_eq!(dir.files(), ["controls.csv"]);
    let run = dir.run(&["suggest", "Nightly backups", "--top", "200", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = dir.run(&["map", "controls.csv", "--jobs", "1024", "-o", "x.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_folder_by_a_data_file_name_in_the_data_dir_is_an_error() {
    let dir = Dir::with(&[]);
    std::fs::create_dir_all(dir.path("data/profiles.csv")).expect("mkdir");
    let run = dir.run(&["catalog", "tsc-2017", "--data-dir", "data"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "crosswalk: error: data/profiles.csv: cannot read it: a folder, but --data-dir reads `profiles.csv` as a data file\n"
    );
    #[cfg(unix)]
    {
        std::fs::remove_dir(dir.path("data/profiles.csv")).expect("rmdir");
        std::os::unix::fs::symlink("nowhere.csv", dir.path("data/tsc-2017.csv")).expect("symlink");
        let run = dir.run(&["catalog", "tsc-2017", "--data-dir", "data"]);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            "crosswalk: error: data/tsc-2017.csv: cannot read it: not a regular file, but --data-dir reads `tsc-2017.csv` as a data file\n"
        );
    }
}

/// A delimited file over the text limit is refused from its size and first bytes, before it is read whole: under a
/// 64 MiB memory limit a 300 MiB (sparse) csv gets the size message, not an out-of-memory failure.
#[cfg(unix)]
#[test]
fn an_oversized_csv_is_refused_before_it_is_read() {
    let dir = Dir::with(&[]);
    let file = std::fs::File::create(dir.path("big.csv")).expect("create");
    file.set_len(300 * 1024 * 1024).expect("sparse file");
    drop(file);
    let run = dir.run(&["import", "big.csv", "--max-memory-mb", "64"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "crosswalk: error: big.csv: is 314572800 bytes, over the limit of 256 MiB for delimited text (raise it with --max-inflated-mb if the file is trusted)\n"
    );
}

/// Two inputs of one stem in one folder would write one output: the message names both and the way out.
#[test]
fn two_inputs_that_would_write_one_output_are_named() {
    let dir = Dir::with(&[]);
    std::fs::create_dir(dir.path("in")).expect("mkdir");
    dir.write("in/soa.csv", b"Ref,Title\nA.5.1,Policies\n");
    dir.write("in/soa.tsv", b"Ref\tTitle\nA.5.2\tRoles\n");
    let run = dir.run(&["map", "in"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "crosswalk: error: `in/soa.csv` and `in/soa.tsv` would both write `soa.crosswalk.xlsx`: rename one, or map them in separate runs\n"
    );
    assert_eq!(dir.files(), ["in"], "nothing written");
}

/// A named pipe with a spreadsheet's name in a batch folder is that input's failure, reported at once: neither left
/// out of the run nor waited on.
#[cfg(unix)]
#[test]
fn a_pipe_in_a_batch_folder_is_reported_not_left_out() {
    let dir = Dir::with(&[]);
    std::fs::create_dir(dir.path("in")).expect("mkdir");
    std::fs::create_dir(dir.path("out")).expect("mkdir");
    dir.write("in/good.csv", b"Ref,Title\nA.5.1,Policies\n");
    let made = std::process::Command::new("mkfifo").arg(dir.path("in/pipe.csv")).status().expect("mkfifo");
    assert!(made.success());
    let run = dir.run(&["map", "in", "--out-dir", "out", "--format", "json", "--summary", "s.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("in/pipe.csv: is not a regular file (a pipe, socket or device); save it to a file, or give `-` to read stdin"),
        "{}",
        run.stderr
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path("s.json")).expect("summary")).unwrap();
    let inputs: Vec<(&str, &str)> = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["input"].as_str().unwrap(), i["status"].as_str().unwrap()))
        .collect();
    assert_eq!(inputs, [("in/good.csv", "ok"), ("in/pipe.csv", "failed")]);
    assert!(dir.path("out/good.crosswalk.json").is_file());
}

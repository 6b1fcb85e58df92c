//! One set of numbers: on every fixture the `map` line, `--summary`, the JSON `totals`, the workbook's Coverage
//! and Summary sheets (read back with calamine) and both reports show the same covered / partial / gap / in-scope counts, with
//! the scope and the "status not given" note wherever the counts appear.

mod common;
use common::{crosswalk, sheet, stderr};

use std::path::{Path, PathBuf};

/// `12 covered, 15 partial, 6 gap of 33` anywhere in `text`, as [covered, partial, gap, in scope].
fn counts(text: &str) -> Option<[usize; 4]> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(8).find_map(|w| {
        if w[1] != "covered," || w[3] != "partial," || w[5] != "gap" || w[6] != "of" {
            return None;
        }
        let n = |s: &str| s.trim_start_matches('*').parse::<usize>().ok();
        Some([n(w[0])?, n(w[2])?, n(w[4])?, n(w[7])?])
    })
}

/// Every spreadsheet fixture a user could map (the matcher's statement lists left aside).
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("report"), root.join("import")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn from_json(v: &serde_json::Value) -> [usize; 4] {
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("`{k}` in {v}")) as usize;
    [n("covered"), n("partial"), n("gap"), n("in_scope")]
}

fn check(fixture: &Path, scope: &[&str]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = fixture.file_name().unwrap().to_str().unwrap();
    std::fs::copy(fixture, d.join(name)).unwrap();
    let run = |out: &str, extra: &[&str]| {
        let args: Vec<&str> = [&["map", name, "-o", out], scope, extra].concat();
        crosswalk(d, &args)
    };
    let o = run("out.json", &["--summary", "s.json"]);
    if o.status.code() == Some(2) {
        return false;
    }
    let line = stderr(&o);
    let want = counts(&line).unwrap_or_else(|| panic!("{name}: no counts in the map line: {line}"));
    let doc = json(&d.join("out.json"));
    let summary = &json(&d.join("s.json"))["inputs"][0];
    let assumed = !doc["totals"]["status_given"].as_bool().unwrap();
    assert_eq!(from_json(&doc["totals"]), want, "{name}: json totals vs map line {line}");
    assert_eq!(from_json(summary), want, "{name}: --summary vs map line");
    assert_eq!(summary["headline"], doc["totals"]["headline"], "{name}");
    // The same number (none counts as 0), so equal to the last bit.
    let pct = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0).to_bits();
    assert_eq!(
        pct(&summary["covered_pct"]),
        pct(&doc["totals"]["covered_pct"]),
        "{name}: covered % in --summary and json"
    );
    let statuses = doc["coverage"].as_array().unwrap();
    let count = |s: &str| statuses.iter().filter(|c| c["status"] == s).count();
    assert_eq!([count("covered"), count("partial"), count("gap")], want[..3], "{name}: json coverage entries");
    assert_eq!(line.contains("status not given, assumed implemented"), assumed, "{name}: {line}");

    run("out.xlsx", &[]);
    let coverage = sheet(&d.join("out.xlsx"), "Coverage");
    let total = coverage.iter().find(|r| r[0] == "Total").unwrap();
    let n = |i: usize| total[i].parse::<usize>().unwrap();
    assert_eq!([n(3), n(4), n(5), n(3) + n(4) + n(5)], want, "{name}: workbook Coverage");
    let counted = coverage.iter().find(|r| r[0] == "Counted").unwrap();
    assert_eq!(counts(&counted[1]), Some(want), "{name}: workbook Counted line");
    let summary_sheet = sheet(&d.join("out.xlsx"), "Summary");
    let line = summary_sheet.iter().find(|r| r[0] == "Coverage").unwrap();
    assert_eq!(line[1], doc["totals"]["headline"].as_str().unwrap(), "{name}: workbook Summary");
    let total = summary_sheet.iter().find(|r| r[0] == "Total").unwrap();
    let n = |i: usize| total[i].parse::<usize>().unwrap();
    assert_eq!([n(2), n(3), n(4), n(5)], want, "{name}: workbook Summary counts");
    let status = coverage.iter().find(|r| r[0] == "Status").unwrap();
    assert_eq!(status[1].contains("status not given, assumed implemented"), assumed, "{name}");

    for (out, gaps, partial) in
        [("out.md", "## Gaps (", "## Partly covered ("), ("out.html", "<h2>Gaps (", "<h2>Partly covered (")]
    {
        run(out, &[]);
        let text = std::fs::read_to_string(d.join(out)).unwrap();
        assert_eq!(counts(&text), Some(want), "{name}: {out} headline");
        let listed = |heading: &str| -> usize {
            let at = text.find(heading).unwrap_or_else(|| panic!("{name}: {out} has no `{heading}`")) + heading.len();
            text[at..].split(')').next().unwrap().parse().unwrap()
        };
        assert_eq!(listed(gaps), want[2], "{name}: {out}: `Gaps (N)` lists gaps only");
        assert_eq!(listed(partial), want[1], "{name}: {out}");
        assert_eq!(text.contains("status not given, assumed implemented"), assumed, "{name}: {out}");
        let scope_words = doc["totals"]["headline"].as_str().unwrap().split(':').next().unwrap().to_string();
        assert!(text.contains(&scope_words), "{name}: {out} does not say `{scope_words}`");
    }
    true
}

#[test]
fn every_output_shows_the_same_counts_on_every_fixture() {
    let mut compared = Vec::new();
    for f in fixtures() {
        if check(&f, &[]) {
            compared.push(f.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(compared.len() >= 15, "only {} fixtures compared: {compared:?}", compared.len());
    for f in ["tidy-soa.csv", "small-soa.csv", "soc2-matrix.csv", "acme-soa.csv", "custom-controls.csv"] {
        assert!(compared.iter().any(|c| c == f), "{f} was not compared");
    }
}

#[test]
fn a_wider_scope_is_counted_the_same_everywhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for f in ["report/small-soa.csv", "report/acme-soa.csv", "tidy-soa.xlsx"] {
        assert!(check(&root.join(f), &["--scope", "all"]), "{f}");
        assert!(check(&root.join(f), &["--scope", "availability,privacy"]), "{f}");
    }
}

//! A client overlay that removes a pair (relationship `none`) changes every command the same way: `map`, `report`,
//! `explain` and the text matcher behind `suggest --to tsc-2017`.

mod common;
use common::{crosswalk, stderr, stdout};

use std::path::Path;

use serde_json::Value;

const OVERLAY: &str = "source,target,relationship,strength,role,rationale\n\
A.8.8,CC7.1,none,1,,\"For this client, vulnerability management is not relied on for CC7.1.\"\n";

const INPUT: &str = "Ref,Control\nA.8.8,Management of technical vulnerabilities\nA.5.15,Access control\n";

fn run_json(dir: &Path, args: &[&str]) -> Value {
    let o = crosswalk(dir, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn with(args: &[&str], overlay: bool) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(std::string::ToString::to_string).collect();
    if overlay {
        v.extend(["--mapping".to_string(), "overlay.csv".to_string()]);
    }
    v
}

#[test]
fn an_overlay_removing_a_pair_changes_map_report_explain_and_suggest_alike() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("overlay.csv"), OVERLAY).unwrap();
    std::fs::write(d.join("soa.csv"), INPUT).unwrap();
    let mut gaps = Vec::new();
    let mut cc71_scores = Vec::new();
    for overlay in [false, true] {
        let args = with(&["map", "soa.csv", "--format", "json", "-o", "-"], overlay);
        let doc = run_json(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let a88 = doc["rows"].as_array().unwrap().iter().find(|r| r["raw_id"] == "A.8.8").unwrap();
        let targets: Vec<&str> = a88["targets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert_eq!(targets.contains(&"CC7.1"), !overlay, "map targets {targets:?}");
        let cc71 = doc["coverage"].as_array().unwrap().iter().find(|c| c["id"] == "CC7.1").unwrap();
        assert_eq!(cc71["status"] == "gap", overlay, "map coverage {cc71}");
        let headline = doc["totals"]["headline"].as_str().unwrap().to_string();
        gaps.push(doc["totals"]["gap"].as_u64().unwrap());

        // The report counts what map counts.
        let args = with(&["report", "soa.csv", "-o", "report.md"], overlay);
        let o = crosswalk(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let report = std::fs::read_to_string(d.join("report.md")).unwrap();
        assert!(report.contains(&headline), "report does not say `{headline}`");

        // explain shows the pair as the overlay has it.
        let args = with(&["explain", "A.8.8", "--format", "json"], overlay);
        let explained = run_json(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let pair = explained["mappings"].as_array().unwrap().iter().find(|p| p["target"] == "CC7.1").unwrap();
        assert_eq!(pair["relationship"], if overlay { "none" } else { "intersects" });

        // suggest: the bridge from ISO controls to criteria no longer carries A.8.8 -> CC7.1.
        let statement = "Technical vulnerabilities are scanned weekly and patched within 14 days";
        let args = with(&["suggest", statement, "--to", "tsc-2017", "--format", "json", "--top", "5"], overlay);
        let suggested = run_json(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let candidates = suggested["statements"][0]["candidates"].as_array().unwrap().clone();
        let score = candidates.iter().find(|c| c["id"] == "CC7.1").map_or(0.0, |c| c["score"].as_f64().unwrap());
        cc71_scores.push(score);
    }
    assert_eq!(gaps[1], gaps[0] + 1, "one more gap with the pair removed");
    assert!(cc71_scores[1] < cc71_scores[0], "CC7.1 scores {cc71_scores:?}");
}

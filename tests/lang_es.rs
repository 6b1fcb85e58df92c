//! A Spanish control library (Spanish headers, the client's own ids) maps end to end by its Spanish text.

mod common;

use common::map_json;

/// Each row of `fixtures/lang/es-controls.csv` with the ISO 27001:2022 id its text is about.
const EXPECTED: [(&str, &str); 38] = [
    ("CTL-01", "A.5.1"),
    ("CTL-02", "A.5.2"),
    ("CTL-03", "A.5.3"),
    ("CTL-04", "A.5.9"),
    ("CTL-05", "A.5.12"),
    ("CTL-06", "A.5.18"),
    ("CTL-07", "A.5.18"),
    ("CTL-08", "A.5.17"),
    ("CTL-09", "A.8.5"),
    ("CTL-10", "A.8.2"),
    ("CTL-11", "A.5.19"),
    ("CTL-12", "A.5.22"),
    ("CTL-13", "A.5.24"),
    ("CTL-14", "A.5.26"),
    ("CTL-15", "A.5.30"),
    ("CTL-16", "A.5.34"),
    ("CTL-17", "A.5.31"),
    ("CTL-18", "A.6.1"),
    ("CTL-19", "A.6.3"),
    ("CTL-20", "A.6.6"),
    ("CTL-21", "A.6.7"),
    ("CTL-22", "A.7.2"),
    ("CTL-23", "A.7.5"),
    ("CTL-24", "A.7.7"),
    ("CTL-25", "A.7.14"),
    ("CTL-26", "A.8.7"),
    ("CTL-27", "A.8.8"),
    ("CTL-28", "A.8.9"),
    ("CTL-29", "A.8.13"),
    ("CTL-30", "A.8.15"),
    ("CTL-31", "A.8.20"),
    ("CTL-32", "A.8.24"),
    ("CTL-33", "A.8.32"),
    ("CTL-34", "A.8.28"),
    ("CTL-35", "6.1.2"),
    ("CTL-36", "9.2.1"),
    ("CTL-37", "9.3.1"),
    ("CTL-38", "10.2"),
];

/// Rows whose first id must be the expected one (36 of 38 measured; the two others went to A.5.20 and 9.2.2).
const MIN_RIGHT: usize = 34;

#[test]
fn spanish_control_library_maps_every_row_by_its_text() {
    let v = map_json("lang/es-controls.csv");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), EXPECTED.len());
    let mut right = Vec::new();
    let mut wrong = Vec::new();
    for (row, (raw, want)) in rows.iter().zip(EXPECTED) {
        assert_eq!(row["raw_id"], raw);
        // The client's ids are unknown to the catalogs: every row is placed by its text, and placed somewhere.
        assert_eq!(row["matched_by"], "text", "{raw}");
        let got = row["ids"][0].as_str().unwrap_or("-");
        assert_ne!(got, "-", "{raw} is not mapped");
        assert!(!row["targets"].as_array().unwrap().is_empty(), "{raw} has no SOC 2 target");
        if got == want {
            right.push(raw);
        } else {
            wrong.push(format!("{raw}: {got} (expected {want})"));
        }
    }
    assert!(right.len() >= MIN_RIGHT, "{} of {} right; wrong: {wrong:?}", right.len(), rows.len());
}

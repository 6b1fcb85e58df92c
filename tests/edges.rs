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

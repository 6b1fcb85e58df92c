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

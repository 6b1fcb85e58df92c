//! Catalogs written differently: every row accounted for, each edition read by its title, unknown ids placed by
//! title for review, parent clauses read through their sub-clauses, titles that contradict ids flagged, and the
//! client's own reference kept in every output. Each test uses a small fixture written here.

mod common;
use common::{crosswalk, stderr, stdout};

use serde_json::Value;

/// Runs `map` on `csv` (written as `in.csv`) to JSON and returns the document and stderr.
fn map_json(csv: &str, extra: &[&str]) -> (Value, String, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    let mut args = vec!["map", "in.csv", "--format", "json", "-o", "-"];
    args.extend_from_slice(extra);
    let o = crosswalk(dir.path(), &args);
    let doc = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (doc, stderr(&o), o.status.code())
}

fn row(doc: &Value, n: u64) -> &Value {
    doc["rows"].as_array().unwrap().iter().find(|r| r["row"] == n).unwrap_or_else(|| panic!("no row {n}"))
}

fn ids(doc: &Value, n: u64) -> Vec<String> {
    row(doc, n)["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

const MIXED: &str = "Control Ref,Control Title,Implementation Status\n\
A.9.2.3,Management of privileged access rights,Implemented\n\
A.7.1,Physical security perimeters,Implemented\n\
A.8.3,Information access restriction,Planned\n\
A.12.1,Operational procedures and responsibilities,\n\
A.12.1.1,Documented operating procedures,Implemented\n\
A.9.1,Business requirements of access control,Implemented\n";

#[test]
fn in_a_column_mixing_editions_the_title_decides() {
    let (doc, _, _) = map_json(MIXED, &[]);
    // `A.7.1` with its 2022 title is the 2022 control, not the 2013 objective `A.7.1 Prior to employment`.
    assert_eq!(ids(&doc, 3), ["A.7.1"]);
    assert_eq!(row(&doc, 3)["edition"], "iso27001-2022");
    assert!(row(&doc, 3)["notes"][0].as_str().unwrap().contains("not the 2013 objective `A.7.1`"));
    assert_eq!(ids(&doc, 4), ["A.8.3"]);
    assert_eq!(ids(&doc, 2), ["A.8.2"]);
    assert_eq!(row(&doc, 2)["edition"], "iso27001-2013");
}

#[test]
fn a_2013_objective_with_a_status_reads_through_its_controls_and_a_bare_heading_is_listed() {
    let (doc, err, _) = map_json(MIXED, &[]);
    let objective = ids(&doc, 7);
    assert!(objective.contains(&"A.5.15".to_string()), "{objective:?}");
    assert_eq!(row(&doc, 7)["matched_by"], "transition");
    // `A.12.1` without a status heads its controls: skipped, and said so.
    assert!(doc["rows"].as_array().unwrap().iter().all(|r| r["row"] != 5));
    assert_eq!(doc["skipped"][0]["row"], 5);
    assert_eq!(doc["skipped"][0]["reason"], "heading");
    assert!(err.contains("6 rows below the header: 5 control rows, 1 rows skipped (1 heading)"), "{err}");
}

#[test]
fn an_id_that_does_not_exist_falls_back_to_the_title_for_review() {
    let csv = "Control Ref,Control Title,Control Description\n\
A.7.78,Equipment maintenance,\n\
A.5.99,Equipmnet maintenance,\n\
A.6.77,Backups,Nightly backups of the production databases are restored monthly\n\
A.5.40,,\n";
    let (doc, err, code) = map_json(csv, &[]);
    assert_eq!(ids(&doc, 2), ["A.7.13"]);
    assert_eq!(row(&doc, 2)["review"], "needs-review");
    assert_eq!(row(&doc, 2)["notes"][0], "`A.7.78` does not exist; title matches `A.7.13` Equipment maintenance");
    assert_eq!(ids(&doc, 3), ["A.7.13"]);
    assert_eq!(ids(&doc, 4), ["A.8.13"]);
    assert!(row(&doc, 4)["notes"][0].as_str().unwrap().starts_with("`A.6.77` does not exist; text matches `A.8.13`"));
    // With nothing to fall back on, an unknown id stays an error on its row.
    assert!(ids(&doc, 5).is_empty());
    assert!(err.contains("row 5, column A (Control Ref): `A.5.40` is not an ISO 27001:2022 id"), "{err}");
    assert_eq!(code, Some(1));
}

#[test]
fn a_title_contradicting_its_id_is_a_warning_naming_both() {
    let csv = "Ref,Title,Applicable\nA.8.1,User access management,Yes\nA.8.13,Information backup,Yes\n";
    let (doc, _, _) = map_json(csv, &[]);
    assert_eq!(ids(&doc, 2), ["A.8.1"]);
    assert_eq!(row(&doc, 2)["review"], "needs-review");
    let warning = doc["issues"].as_array().unwrap().iter().find(|i| i["severity"] == "warning").unwrap();
    assert_eq!(
        warning["message"],
        "`A.8.1` is User end point devices, but the title `User access management` reads like `A.5.18` Access rights; kept `A.8.1`, check which was meant"
    );
    assert_eq!(row(&doc, 3)["review"], "auto");
}

#[test]
fn parent_clauses_map_through_their_sub_clauses() {
    let csv = "Clause,Title,Status\n6.1,Actions to address risks and opportunities,Implemented\n\
7.5,Documented information,Implemented\n9.2,Internal audit,Implemented\n9.3,Management review,Implemented\n";
    let (doc, _, _) = map_json(csv, &[]);
    assert_eq!(ids(&doc, 2), ["6.1.1", "6.1.2", "6.1.3"]);
    assert_eq!(ids(&doc, 4), ["9.2.1", "9.2.2"]);
    assert_eq!(ids(&doc, 5), ["9.3.1", "9.3.2", "9.3.3"]);
    assert_eq!(row(&doc, 4)["notes"][0], "clause `9.2` Internal audit read through its sub-clauses `9.2.1`, `9.2.2`");
    assert!(!row(&doc, 4)["targets"].as_array().unwrap().is_empty(), "internal audit maps to criteria");
}

#[test]
fn paraphrases_go_by_their_subject_not_their_process_words() {
    let csv = "Control Ref,Control Title,Control Description\n\
CTL-1,Usage of crypto,The business defines cryptography usage rules\n\
CTL-2,Network infrastructure segregation,Implementing controls that are defined and reviewed\n\
CTL-3,Data maskng,Rules for hiding personal fields in non-production copies\n";
    let (doc, _, _) = map_json(csv, &[]);
    assert_eq!(ids(&doc, 2), ["A.8.24"]);
    assert_eq!(ids(&doc, 3), ["A.8.22"]);
    // A typo-corrected title is a title match.
    assert_eq!(ids(&doc, 4), ["A.8.11"]);
    assert_eq!(row(&doc, 4)["matched_by"], "title");
}

#[test]
fn rows_about_no_security_topic_are_never_accepted_without_review() {
    let csv = "Control Ref,Control Title,Control Description\n\
ORG-1,Office catering arrangements,The facilities team manages office catering arrangements and reviews them yearly\n\
ORG-2,Brand guidelines,Rules for brand guidelines are published on the intranet\n\
ORG-3,Parking permit allocation,Parking permit allocation is defined by HR and communicated to all staff\n\
ORG-4,Information backup,Nightly backups\n\
ORG-5,Hot desk booking etiquette,Desks are booked in the app and left tidy\n";
    let (doc, _, _) = map_json(csv, &[]);
    for n in [2, 3, 4, 6] {
        assert_eq!(row(&doc, n)["review"], "needs-review", "row {n}: {}", row(&doc, n));
    }
    assert!(ids(&doc, 3).is_empty(), "process words alone make no match: {}", row(&doc, 3));
    assert_eq!(row(&doc, 5)["review"], "auto");
}

#[test]
fn the_client_reference_and_text_survive_into_json_and_csv() {
    let csv = "Control #,Control Activity,Mapped Criteria\n\
C-01,Access to production is approved by the system owner,\"CC6.1, CC6.2\"\n\
C-02,Security events are triaged by the on-call engineer,CC7.2\n";
    let (doc, _, _) = map_json(csv, &[]);
    assert_eq!(row(&doc, 2)["reference"], "C-01");
    assert_eq!(row(&doc, 2)["text"], "Access to production is approved by the system owner");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.csv"), csv).unwrap();
    let o = crosswalk(dir.path(), &["map", "m.csv", "-o", "-", "--format", "csv"]);
    let out = stdout(&o);
    let header = out.lines().next().unwrap();
    assert!(header.ends_with(",reference,text"), "{header}");
    assert!(out.lines().nth(1).unwrap().ends_with(",C-01,Access to production is approved by the system owner"));
}

#[test]
fn column_reference_names_the_clients_own_number() {
    let csv = "Règle,Référence ISO,Intitulé\nR-1.2,A.5.15,Contrôle d'accès\nR-1.3,A.8.13,Sauvegarde\n";
    let (doc, _, _) = map_json(csv, &["--column", "reference=Règle", "--column", "id=Référence ISO"]);
    assert_eq!(row(&doc, 2)["reference"], "R-1.2");
    assert_eq!(ids(&doc, 3), ["A.8.13"]);
}

#[test]
fn every_row_is_counted_once_in_import() {
    let csv = "ACME control list\n\nRef,Title,Status\nA.5,Organizational controls,\nA.5.1,Policies for information security,Implemented\n\
Ref,Title,Status\n,,Implemented\nA.5.2,Information security roles and responsibilities,Planned\nEnd of list,,\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    let o = crosswalk(dir.path(), &["import", "in.csv", "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let reasons: Vec<(u64, String)> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["row"].as_u64().unwrap(), s["reason"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        reasons,
        [(4, "heading".into()), (6, "duplicate-header".into()), (7, "blank".into()), (9, "footer".into())]
    );
    assert_eq!(doc["rows"].as_array().unwrap().len(), 2);
    assert!(stderr(&o).contains("6 rows below the header: 2 control rows, 4 rows skipped (1 heading, 1 footer, 1 blank id and text, 1 duplicate header)"), "{}", stderr(&o));
}

#[test]
fn on_every_fixture_rows_in_equal_rows_out_plus_rows_skipped() {
    use crosswalk::catalog::Catalogs;
    use crosswalk::import::{import, Settings};
    let catalogs = Catalogs::builtin();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths = Vec::new();
    for dir in [root.clone(), root.join("import"), root.join("report")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let mut checked = 0;
    for path in paths {
        let Ok(source) = crosswalk::read::read_path(&path, crosswalk::read::Limits::default()) else { continue };
        let Ok(imported) = import(&source, &Settings::default(), &catalogs) else { continue };
        let table = source.tables.iter().find(|t| t.sheet == imported.sheet).unwrap();
        let rows_in = table.rows.iter().filter(|r| r.number > imported.header_row && !r.is_blank()).count();
        assert_eq!(
            rows_in,
            imported.rows.len() + imported.skipped.len(),
            "{}: {} rows in, {} out, {} skipped",
            path.display(),
            rows_in,
            imported.rows.len(),
            imported.skipped.len()
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures were read");
}

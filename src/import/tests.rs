//! Table-driven tests of each import heuristic on in-memory tables: header row, column roles, status, id repair,
//! wide matrices, headings and skipped rows.

use super::repair::{repair_number, RepairedBy};
use super::*;
use crate::ids::RawId;
use crate::read::{Cell, RawTable};

/// A cell as written in a test table: `#5.1` is the number 5.1, `` empty, anything else text.
fn cell(s: &str) -> Cell {
    match s.strip_prefix('#') {
        Some(n) => Cell::Number(n.parse().unwrap()),
        None if s.is_empty() => Cell::Empty,
        None => Cell::Text(s.to_string()),
    }
}

/// A sheet named `Sheet1` whose rows are numbered from 1.
fn table(rows: &[&[&str]]) -> RawTable {
    RawTable {
        sheet: Some("Sheet1".into()),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| RawRow { number: i + 1, cells: r.iter().map(|c| cell(c)).collect() })
            .collect(),
        merged: Vec::new(),
    }
}

fn run(rows: &[&[&str]]) -> Result<Imported, ImportError> {
    let source = Source { file: "t.xlsx".into(), sha256: String::new(), tables: vec![table(rows)] };
    import(&source, &Settings::default(), &Catalogs::builtin())
}

fn ids(row: &ImportedRow) -> Vec<&str> {
    row.ids.iter().map(ControlId::as_str).collect()
}

#[test]
fn header_row_is_found() {
    let cases: [(&[&[&str]], Option<usize>); 4] = [
        // The row of header words, below a title.
        (&[&["Statement of Applicability"], &["Ref", "Control", "Applicable"], &["A.5.1", "Policies", "Yes"]], Some(1)),
        // No header words: the row above the first id.
        (&[&["x", "y"], &["A.5.1", "Policies"], &["A.5.2", "Roles"]], Some(0)),
        // Ids from the first row: no header.
        (&[&["A.5.1", "Policies"], &["A.5.2", "Roles"]], None),
        // A one-cell row never is the header.
        (&[&["Ref"], &["A.5.1", "Policies"], &["A.5.2", "Roles"]], Some(0)),
    ];
    for (rows, want) in cases {
        assert_eq!(layout::find_header_row(&table(rows)), want, "{rows:?}");
    }
}

/// A table, and the columns it should get: role, 0-based index, why.
type RolesCase<'a> = (&'a [&'a [&'a str]], &'a [(&'a str, usize, &'a str)]);

#[test]
fn column_roles_and_why() {
    let cases: [RolesCase<'_>; 3] = [
        (
            &[&["Ref", "Control", "Applicable (Y/N)"], &["A.5.1", "Policies", "Y"], &["A.5.2", "Roles", "N"]],
            &[
                ("id", 0, "header \"Ref\""),
                ("title", 1, "header \"Control\""),
                ("applicable", 2, "header \"Applicable (Y/N)\""),
            ],
        ),
        // A `No.` column of the client's numbers: the ids are found in the cells of the next column.
        (
            &[
                &["No.", "Control", "Description"],
                &["1", "A.5.1", "Policies are approved"],
                &["2", "A.5.2", "Roles are set"],
            ],
            &[
                ("reference", 0, "header \"No.\" holds the client's own numbers; the framework ids are in column B"),
                ("id", 1, "cells: 2 of 2 parse as ids"),
                ("text", 2, "header \"Description\""),
            ],
        ),
        // Unnamed columns: ids, a title beside them and a column of yes/no values.
        (
            &[
                &["", "", ""],
                &["A.5.1", "Policies for information security", "ja"],
                &["A.5.2", "Roles and responsibilities", "nein"],
                &["A.5.3", "Segregation of duties", "ja"],
            ],
            &[
                ("id", 0, "cells: 3 of 3 parse as ids"),
                ("title", 1, "cells: text next to the ids"),
                ("applicable", 2, "cells: 3 of 3 are yes/no values"),
            ],
        ),
    ];
    for (rows, want) in cases {
        let imported = run(rows).unwrap();
        let got: Vec<(&str, usize, String)> =
            imported.columns.iter().map(|c| (c.role.key(), c.index, c.reason.to_string())).collect();
        let want: Vec<(&str, usize, String)> = want.iter().map(|(r, i, w)| (*r, *i, w.to_string())).collect();
        assert_eq!(got, want, "{rows:?}");
    }
}

#[test]
fn status_words() {
    let cases = [
        ("Implemented", Some(Status::Implemented)),
        ("umgesetzt", Some(Status::Implemented)),
        ("Not implemented", Some(Status::NotImplemented)),
        ("non mis en œuvre", Some(Status::NotImplemented)),
        ("N/A", Some(Status::NotApplicable)),
        ("partially_implemented", Some(Status::Partial)),
        ("en cours", Some(Status::Partial)),
        ("Planned for Q3", Some(Status::Planned)),
        ("0 %", Some(Status::NotImplemented)),
        ("40%", Some(Status::Partial)),
        ("100%", Some(Status::Implemented)),
        ("x", Some(Status::Implemented)),
        ("nein", Some(Status::NotImplemented)),
        ("see policy", None),
        ("", None),
    ];
    for (text, want) in cases {
        assert_eq!(values::parse_status(text), want, "{text}");
    }
}

/// The id cell, its token, the row's title, the previous row's id, and the repair expected.
type RepairCase<'a> = (Cell, RawId, Option<&'a str>, Option<&'a ControlId>, Option<(RawId, RepairedBy)>);

#[test]
fn numbers_that_lost_their_trailing_zero() {
    let catalogs = Catalogs::builtin();
    let a59 = ControlId::new("A.5.9");
    let cases: [RepairCase<'_>; 6] = [
        // The title names A.5.10.
        (
            Cell::Number(5.1),
            RawId::Bare(vec![5, 1]),
            Some("Acceptable use of information"),
            None,
            Some((RawId::Annex(5, 10), RepairedBy::Title)),
        ),
        // The title names A.5.1: kept.
        (Cell::Number(5.1), RawId::Bare(vec![5, 1]), Some("Policies for information security"), None, None),
        // No title: after A.5.9 comes A.5.10.
        (
            Cell::Number(5.1),
            RawId::Bare(vec![5, 1]),
            None,
            Some(&a59),
            Some((RawId::Annex(5, 10), RepairedBy::RowBefore)),
        ),
        (Cell::Number(5.1), RawId::Bare(vec![5, 1]), None, None, None),
        // Typed as text: never repaired.
        (Cell::Text("5.1".into()), RawId::Bare(vec![5, 1]), None, Some(&a59), None),
        // No A.5.40 exists to mean.
        (Cell::Number(5.4), RawId::Bare(vec![5, 4]), None, None, None),
    ];
    for (cell, raw, title, previous, want) in cases {
        let got = repair_number(&cell, &raw, title, previous, &catalogs).map(|r| (r.raw, r.by));
        assert_eq!(got, want, "{cell:?} {title:?}");
    }
}

#[test]
fn repair_note_says_what_decided() {
    let catalogs = Catalogs::builtin();
    let r = repair_number(&Cell::Number(8.1), &RawId::Bare(vec![8, 1]), Some("Information deletion"), None, &catalogs);
    assert_eq!(
        r.unwrap().note(),
        "id typed as the number 8.1 read as `A.8.10` (Excel drops the trailing zero of 8.10); decided by the title"
    );
}

/// A wide matrix: a requirement column, then ten control columns.
fn matrix(marks: &[&[&str]]) -> Vec<Vec<String>> {
    let mut rows = vec![["Requirement"]
        .iter()
        .map(std::string::ToString::to_string)
        .chain((1..=10).map(|n| format!("A.5.{n}")))
        .collect()];
    for (i, m) in marks.iter().enumerate() {
        let mut row = vec![format!("Requirement {i}")];
        row.extend(m.iter().map(std::string::ToString::to_string));
        rows.push(row);
    }
    rows
}

fn run_owned(rows: &[Vec<String>]) -> Result<Imported, ImportError> {
    let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    run(&slices)
}

#[test]
fn wide_matrix_rows_take_the_marked_columns() {
    let rows = matrix(&[&["x", "", "P"], &["", "", "", "-", "", "", "", "", "", "x"], &["", ""]]);
    let imported = run_owned(&rows).unwrap();
    let got: Vec<(usize, Vec<&str>, bool)> = imported.rows.iter().map(|r| (r.row, ids(r), r.locked)).collect();
    assert_eq!(got, [(2, vec!["A.5.1", "A.5.3"], true), (3, vec!["A.5.10"], true), (4, vec![], true)]);
    assert_eq!(imported.rows[0].notes, ["marked `x` under A.5.1, `P` under A.5.3"]);
    assert_eq!(imported.rows[2].matched_by, MatchedBy::None);
    assert!(imported.issues[0].message.starts_with("wide matrix: columns B–K are 10 controls"));
}

#[test]
fn wide_matrix_without_marks_is_an_error() {
    let rows = matrix(&[&["", ""], &["-"]]);
    let err = run_owned(&rows).unwrap_err();
    assert!(matches!(err, ImportError::Layout { .. }), "{err}");
}

#[test]
fn headings_and_skipped_rows() {
    let rows: &[&[&str]] = &[
        &["Ref", "Control", "Status"],
        &["A.5", "Organizational controls", ""],
        &["A.5.1", "Policies for information security", "Implemented"],
        &["Ref", "Control", "Status"],
        &["", "", "Planned"],
        &["A.5.2", "Information security roles and responsibilities", "Partial"],
        &["End of document", "End of document", ""],
    ];
    let imported = run(rows).unwrap();
    let got: Vec<(usize, SkipReason)> = imported.skipped.iter().map(|s| (s.row, s.reason)).collect();
    assert_eq!(
        got,
        [(2, SkipReason::Heading), (4, SkipReason::DuplicateHeader), (5, SkipReason::Blank), (7, SkipReason::Footer)]
    );
    let read: Vec<(usize, Vec<&str>, Option<Status>)> =
        imported.rows.iter().map(|r| (r.row, ids(r), r.status)).collect();
    assert_eq!(read, [(3, vec!["A.5.1"], Some(Status::Implemented)), (6, vec!["A.5.2"], Some(Status::Partial))]);
}

#[test]
fn points_of_focus_fold_into_their_criteria() {
    let rows: &[&[&str]] = &[
        &["Criteria", "Description"],
        &["CC1.1", "The entity demonstrates a commitment to integrity"],
        &["CC1.1.1", "Sets the tone at the top"],
        &["CC1.2.1", "Establishes oversight responsibilities"],
    ];
    let imported = run(rows).unwrap();
    let got: Vec<(usize, Vec<&str>)> = imported.rows.iter().map(|r| (r.row, ids(r))).collect();
    assert_eq!(got, [(2, vec!["CC1.1"]), (4, vec!["CC1.2"])]);
    assert_eq!(imported.skipped.iter().map(|s| (s.row, s.reason)).collect::<Vec<_>>(), [(3, SkipReason::PointOfFocus)]);
    assert!(imported.rows[1].point_of_focus);
}

#[test]
fn unknown_ids_are_placed_by_title_or_reported() {
    let rows: &[&[&str]] = &[
        &["Ref", "Control"],
        &["A.5.1", "Policies for information security"],
        &["A.7.78", "Physical security perimeters"],
        &["A.7.79", ""],
    ];
    let imported = run(rows).unwrap();
    let placed = &imported.rows[1];
    assert_eq!((placed.unknown_id.as_deref(), placed.locked), (Some("A.7.78"), false));
    let wrong = &imported.rows[2];
    assert_eq!((wrong.unknown_id.as_deref(), wrong.locked), (None, true));
    let messages: Vec<&str> = imported.issues.iter().map(|i| i.message.as_str()).collect();
    assert!(messages
        .contains(&"`A.7.78` is not an ISO 27001:2022 id; the row is placed by its title or text instead, for review"));
    assert!(messages.contains(&"`A.7.79` is not an ISO 27001:2022 id"));
}

#[test]
fn iso_2013_ids_are_carried_to_2022() {
    let rows: &[&[&str]] =
        &[&["Ref", "Control"], &["A.9.2.3", "Management of privileged access rights"], &["A.5.1.1", "Policies"]];
    let imported = run(rows).unwrap();
    let first = &imported.rows[0];
    assert_eq!((ids(first), first.matched_by), (vec!["A.8.2"], MatchedBy::Transition));
    assert_eq!(first.notes, ["ISO 27001:2013 `A.9.2.3` carried to 2022 `A.8.2`"]);
    assert_eq!(imported.framework, Framework::Iso2013);
}

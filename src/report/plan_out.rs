//! The `plan` deliverables as bytes: the SOC 2 control matrix workbook (with the evidence request sheets), the
//! evidence request list alone, and the draft Statement of Applicability, each as xlsx in the crosswalk workbook's
//! style or as csv (values a spreadsheet would run as formulas neutralised).

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::workbook::{finish, fit, fit_row, header_row, key_values, print_all, start, Styles};
use super::{csv_safe, Output};
use crate::plan::matrix::{Line, MatrixRow, Request, Window};
use crate::plan::samples::{Class, SampleSizes};
use crate::plan::soa::Soa;

/// What the sheets say about the run.
pub struct Meta<'a> {
    pub out: &'a Output<'a>,
    /// The Type II window, for the matrix and the evidence list.
    pub window: Option<Window>,
}

const NOT_AN_OPINION: &str = "A draft built from the client's spreadsheet for readiness work. It is not an audit opinion; the auditor decides what is tested and how many items are sampled.";

/// The control matrix workbook: `Control matrix`, `Evidence requests`, `To settle`, `Sample sizes`, `About`.
pub fn matrix_xlsx(
    meta: &Meta,
    matrix: &[MatrixRow],
    requests: &[Request],
    samples: &SampleSizes,
) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, st) = start("crosswalk: SOC 2 control matrix draft")?;
    matrix_sheet(wb.add_worksheet(), matrix, &st)?;
    requests_sheet(wb.add_worksheet(), meta, requests, &st)?;
    settle_sheet(wb.add_worksheet(), requests, &st)?;
    samples_sheet(wb.add_worksheet(), samples, &st)?;
    about_sheet(
        wb.add_worksheet(),
        meta,
        "SOC 2 control matrix draft from an ISO/IEC 27001 Statement of Applicability",
        &st,
    )?;
    print_all(&mut wb, &meta.out.input.path);
    wb.save_to_buffer()
}

/// The evidence request list alone: `Evidence requests`, `To settle`, `Sample sizes`, `About`.
pub fn evidence_xlsx(meta: &Meta, requests: &[Request], samples: &SampleSizes) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, st) = start("crosswalk: SOC 2 Type II evidence requests")?;
    requests_sheet(wb.add_worksheet(), meta, requests, &st)?;
    settle_sheet(wb.add_worksheet(), requests, &st)?;
    samples_sheet(wb.add_worksheet(), samples, &st)?;
    about_sheet(wb.add_worksheet(), meta, "SOC 2 Type II evidence request list", &st)?;
    print_all(&mut wb, &meta.out.input.path);
    wb.save_to_buffer()
}

/// The draft SoA: `Statement of Applicability`, `ISMS clauses`, `About`.
pub fn soa_xlsx(meta: &Meta, soa: &Soa) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, st) = start("crosswalk: draft Statement of Applicability")?;
    soa_sheet(wb.add_worksheet(), soa, &st)?;
    clauses_sheet(wb.add_worksheet(), soa, &st)?;
    about_sheet(
        wb.add_worksheet(),
        meta,
        "Draft ISO/IEC 27001:2022 Statement of Applicability from a SOC 2 control matrix",
        &st,
    )?;
    print_all(&mut wb, &meta.out.input.path);
    wb.save_to_buffer()
}

pub const MATRIX_CSV: [&str; 19] = [
    "criterion",
    "category",
    "criterion_title",
    "coverage",
    "line",
    "reference",
    "iso",
    "control",
    "control_text",
    "owner",
    "evidence",
    "frequency",
    "status",
    "relationship",
    "strength",
    "role",
    "counts",
    "to_do",
    "row",
];

/// The fields of a matrix line, in [`MATRIX_CSV`] order.
fn matrix_fields(m: &MatrixRow) -> [String; 19] {
    let c = m.client.clone().unwrap_or_default();
    let (relationship, strength, role, counts) = match &m.link {
        Some(l) => (
            l.relationship.to_string(),
            l.strength.to_string(),
            l.role.as_str().to_string(),
            if l.counts { "yes" } else { "no" }.to_string(),
        ),
        None => Default::default(),
    };
    [
        m.criterion.clone(),
        m.category.clone(),
        m.criterion_title.clone(),
        m.coverage.as_str().to_string(),
        m.line.as_str().to_string(),
        c.reference,
        c.iso.join("; "),
        c.title,
        c.text,
        c.owner,
        c.evidence,
        c.frequency,
        c.status,
        relationship,
        strength,
        role,
        counts,
        m.note.clone(),
        if m.line == Line::Control { c.row.to_string() } else { String::new() },
    ]
}

pub fn matrix_csv(matrix: &[MatrixRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(MATRIX_CSV)?;
    for m in matrix {
        w.write_record(matrix_fields(m).iter().map(|v| csv_safe(v)))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

pub const EVIDENCE_CSV: [&str; 14] = [
    "criterion",
    "reference",
    "iso",
    "control",
    "role",
    "owner",
    "evidence",
    "frequency",
    "frequency_class",
    "occurrences",
    "sample",
    "sample_basis",
    "to_settle",
    "row",
];

fn evidence_fields(r: &Request) -> [String; 14] {
    let c = &r.client;
    [
        r.criterion.clone(),
        c.reference.clone(),
        c.iso.join("; "),
        if c.title.is_empty() { c.text.clone() } else { c.title.clone() },
        r.role.as_str().to_string(),
        c.owner.clone(),
        r.evidence.clone(),
        c.frequency.clone(),
        r.class.map(Class::key).unwrap_or_default().to_string(),
        occurrences(r),
        r.sample.map(|n| n.to_string()).unwrap_or_default(),
        r.basis.clone(),
        r.settle.map(super::super::plan::matrix::Settle::as_str).unwrap_or_default().to_string(),
        c.row.to_string(),
    ]
}

/// Occurrences in the window as a word where there is no count.
fn occurrences(r: &Request) -> String {
    match (r.occurrences, r.class) {
        (Some(n), _) => n.to_string(),
        (None, Some(Class::OnEvent)) => "each event".into(),
        (None, Some(Class::Automated)) => "continuous".into(),
        (None, Some(Class::SeveralDaily)) => "several a day".into(),
        _ => String::new(),
    }
}

pub fn evidence_csv(requests: &[Request]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(EVIDENCE_CSV)?;
    for r in requests {
        w.write_record(evidence_fields(r).iter().map(|v| csv_safe(v)))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

pub const SOA_CSV: [&str; 9] =
    ["control", "theme", "title", "applicability", "justification", "status", "coverage", "reviewer", "decision"];

pub fn soa_csv(soa: &Soa) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(SOA_CSV)?;
    for c in &soa.controls {
        let fields = [
            c.id.as_str(),
            &c.theme,
            &c.title,
            c.applicability.as_str(),
            &c.justification,
            &c.status,
            c.coverage.as_str(),
            "",
            "",
        ];
        w.write_record(fields.iter().map(|v| csv_safe(v)))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

fn matrix_sheet(ws: &mut Worksheet, matrix: &[MatrixRow], st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Control matrix")?;
    let headers = [
        ("Criterion", 10.0),
        ("Category", 12.0),
        ("Criterion title", 30.0),
        ("Coverage", 10.0),
        ("Line", 8.0),
        ("Client reference", 12.0),
        ("ISO control", 10.0),
        ("Control", 28.0),
        ("Control text", 44.0),
        ("Owner", 16.0),
        ("Evidence", 28.0),
        ("Frequency", 12.0),
        ("Status", 12.0),
        ("Relationship", 11.0),
        ("Strength", 8.0),
        ("Role", 10.0),
        ("Counts", 7.0),
        ("What to do", 50.0),
        ("Input row", 8.0),
    ];
    header_row(ws, st, &headers)?;
    ws.set_row_height(0, 27)?;
    // A SoA without a text column leaves `Control text` empty on every line: hidden, not dropped.
    if matrix.iter().all(|m| m.client.as_ref().is_none_or(|c| c.text.is_empty())) {
        ws.set_column_hidden(8)?;
    }
    let mut r = 0u32;
    for m in matrix {
        r += 1;
        let fields = matrix_fields(m);
        fit_row(ws, r, &sizes(&fields, &headers))?;
        for (i, v) in fields.iter().enumerate() {
            match i {
                3 => ws.write_string_with_format(r, 3, v, st.status(m.coverage))?,
                14 | 18 if !v.is_empty() => ws.write_number(r, i as u16, v.parse::<f64>().unwrap_or_default())?,
                _ => ws.write_string(r, i as u16, fit(v))?,
            };
        }
    }
    finish(ws, r, headers.len() as u16)
}

/// Each cell of a line with the width of its column, to size the line's height by.
fn sizes<'a>(cells: &'a [String], headers: &[(&str, f64)]) -> Vec<(&'a str, f64)> {
    cells.iter().zip(headers).map(|(c, (_, width))| (c.as_str(), *width)).collect()
}

/// One line per evidence request: what to ask for, how often the control runs, the typical sample.
fn requests_sheet(ws: &mut Worksheet, meta: &Meta, requests: &[Request], st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Evidence requests")?;
    let occurrences = format!("Occurrences in {} months", meta.window.map_or(0, |w| w.months));
    let headers = [
        ("Criterion", 10.0),
        ("Client reference", 12.0),
        ("ISO control", 10.0),
        ("Control", 28.0),
        ("Role", 10.0),
        ("Owner", 16.0),
        ("Evidence to request", 36.0),
        ("Frequency as written", 14.0),
        ("Sampled as", 12.0),
        (occurrences.as_str(), 12.0),
        ("Typical sample", 9.0),
        ("How the sample is picked", 44.0),
        ("To settle", 40.0),
        ("Input row", 8.0),
    ];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for q in requests {
        r += 1;
        let fields = evidence_fields(q);
        fit_row(ws, r, &sizes(&fields, &headers))?;
        for (i, v) in fields.iter().enumerate() {
            let numeric = matches!(i, 9 | 10 | 13) && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            if numeric {
                ws.write_number(r, i as u16, v.parse::<f64>().unwrap_or_default())?;
            } else {
                ws.write_string(r, i as u16, fit(v))?;
            }
        }
    }
    finish(ws, r, headers.len() as u16)
}

/// One line per control to settle, with every criterion it serves.
fn settle_sheet(ws: &mut Worksheet, requests: &[Request], st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("To settle")?;
    let headers = [
        ("Client reference", 12.0),
        ("ISO control", 10.0),
        ("Control", 30.0),
        ("Owner", 16.0),
        ("Frequency as written", 14.0),
        ("Criteria", 18.0),
        ("What to settle", 60.0),
        ("Input row", 8.0),
    ];
    header_row(ws, st, &headers)?;
    let mut settle: BTreeMap<usize, (&Request, Vec<&str>)> = BTreeMap::new();
    for q in requests.iter().filter(|q| q.settle.is_some()) {
        settle.entry(q.client.row).or_insert((q, Vec::new())).1.push(&q.criterion);
    }
    let mut r = 0u32;
    for (row, (q, criteria)) in &settle {
        r += 1;
        let c = &q.client;
        let fields = [
            c.reference.clone(),
            c.iso.join("; "),
            fit(if c.title.is_empty() { &c.text } else { &c.title }).into_owned(),
            fit(&c.owner).into_owned(),
            fit(&c.frequency).into_owned(),
            criteria.join(", "),
            q.settle.map(super::super::plan::matrix::Settle::as_str).unwrap_or_default().to_string(),
        ];
        fit_row(ws, r, &sizes(&fields, &headers))?;
        for (i, v) in fields.iter().enumerate() {
            ws.write_string(r, i as u16, v)?;
        }
        ws.write_number(r, 7, *row as f64)?;
    }
    finish(ws, r, headers.len() as u16)
}

/// The typical sample per frequency, and how it is picked.
fn samples_sheet(ws: &mut Worksheet, samples: &SampleSizes, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Sample sizes")?;
    let headers = [("Frequency", 20.0), ("Typical sample", 10.0), ("How the sample is picked", 90.0)];
    header_row(ws, st, &headers)?;
    for (i, class) in Class::ALL.iter().enumerate() {
        let rule = samples.rule(*class);
        let r = i as u32 + 1;
        fit_row(ws, r, &[(&rule.basis, 90.0)])?;
        ws.write_string(r, 0, class.key())?;
        ws.write_number(r, 1, f64::from(rule.sample))?;
        ws.write_string(r, 2, &rule.basis)?;
    }
    Ok(())
}

fn soa_sheet(ws: &mut Worksheet, soa: &Soa, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Statement of Applicability")?;
    let headers = [
        ("Control", 9.0),
        ("Theme", 13.0),
        ("Title", 32.0),
        ("Applicability (a suggestion: the reviewer decides)", 18.0),
        ("Justification", 60.0),
        ("Status", 16.0),
        ("SOC 2 coverage", 11.0),
        ("Reviewer", 14.0),
        ("Reviewer decision", 18.0),
    ];
    header_row(ws, st, &headers)?;
    ws.set_row_height(0, 40)?;
    let mut r = 0u32;
    for c in &soa.controls {
        r += 1;
        fit_row(ws, r, &[(&c.title, headers[2].1), (&c.justification, headers[4].1)])?;
        ws.write_string(r, 0, &c.id)?;
        ws.write_string(r, 1, &c.theme)?;
        ws.write_string(r, 2, &c.title)?;
        ws.write_string(r, 3, c.applicability.as_str())?;
        ws.write_string(r, 4, fit(&c.justification))?;
        ws.write_string(r, 5, &c.status)?;
        ws.write_string_with_format(r, 6, c.coverage.as_str(), st.status(c.coverage))?;
        ws.write_string(r, 7, "")?;
        ws.write_string(r, 8, "")?;
    }
    finish(ws, r, headers.len() as u16)
}

fn clauses_sheet(ws: &mut Worksheet, soa: &Soa, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("ISMS clauses")?;
    let headers = [
        ("Clause", 8.0),
        ("Title", 30.0),
        ("From the SOC 2 matrix", 11.0),
        ("Client controls that touch it", 40.0),
        ("What certification still needs", 70.0),
        ("Owner", 14.0),
    ];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for c in &soa.clauses {
        r += 1;
        fit_row(ws, r, &[(&c.title, 30.0), (&c.from_matrix, 40.0), (&c.needs, 70.0)])?;
        ws.write_string(r, 0, &c.id)?;
        ws.write_string(r, 1, &c.title)?;
        ws.write_string_with_format(r, 2, c.coverage.as_str(), st.status(c.coverage))?;
        ws.write_string(r, 3, fit(&c.from_matrix))?;
        ws.write_string(r, 4, &c.needs)?;
        ws.write_string(r, 5, "")?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "Steps", &st.header)?;
    ws.write_string_with_format(r, 1, "Certification steps a SOC 2 programme does not give", &st.header)?;
    for (i, s) in soa.steps.iter().enumerate() {
        r += 1;
        fit_row(ws, r, &[(s, 30.0)])?;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, s)?;
    }
    Ok(())
}

/// What was run on what, as key and value lines (no header row: every line is data).
fn about_sheet(ws: &mut Worksheet, meta: &Meta, what: &str, st: &Styles) -> Result<(), XlsxError> {
    let out = meta.out;
    let i = &out.input;
    let lines: Vec<(&str, String)> = vec![
        ("Document", what.to_string()),
        ("Tool", format!("{} {}", out.run.tool.name, out.run.tool.version)),
        ("Input", i.path.clone()),
        ("SHA-256", i.sha256.clone()),
        ("Sheet", i.sheet.clone().unwrap_or_else(|| "(csv)".into())),
        ("Input framework", i.framework.key().to_string()),
        ("Mapping version", out.run.mapping_version.clone()),
        ("Scope", crate::report::words::scope(&out.run.scope, out.crosswalk.to)),
        ("Type II window", meta.window.map_or_else(|| "(not used)".into(), |w| w.describe())),
        (
            "Status",
            if out.crosswalk.status_given {
                "from the input's status column".into()
            } else {
                "the input has no status column: every control was taken as implemented".into()
            },
        ),
        ("Note", NOT_AN_OPINION.into()),
    ];
    key_values(ws, &lines, 90.0, st)
}

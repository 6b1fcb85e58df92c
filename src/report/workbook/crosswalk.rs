//! The sheets of input rows: `Crosswalk` (one line per row, with the reviewer's decision columns), `Mapping` (one
//! line per row and target) and `Issues`.

use std::fmt::Write as _;

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, Format, Formula, Worksheet, XlsxError,
};

use super::{finish, fit, fit_row, header_row, ids, Styles, LISTS, REVIEW_FILL};
use crate::catalog::Catalogs;
use crate::crosswalk::{CrosswalkRow, Effect};
use crate::ids::Framework;
use crate::import::Review;
use crate::report::Output;
use crate::review::{Decision, RowKey, COMMENT, DECISION, REPLACE_WITH, ROW_KEY};

/// Inputs with more rows get no long-form `Mapping` sheet (a note says so).
const MAPPING_SHEET_MAX_ROWS: usize = 10_000;
/// Excel's last row (0-based): it holds the note on the `Mapping` sheet when the lines do not fit.
const LAST: u32 = 1_048_575;

/// One row per input row; the last four columns are the reviewer's: `Decision` (a dropdown, `accept` prefilled on
/// rows matched with confidence), `Replace with` (a dropdown of catalog ids), `Comment`, and the hidden `Row key`
/// that `review apply` reads the decisions back by.
pub(super) fn crosswalk_sheet(
    ws: &mut Worksheet,
    out: &Output,
    catalogs: &Catalogs,
    st: &Styles,
    list_len: usize,
) -> Result<(), XlsxError> {
    ws.set_name("Crosswalk")?;
    let to_word = if out.crosswalk.to == Framework::Iso2022 { "ISO 27001:2022 controls" } else { "SOC 2 criteria" };
    let headers = [
        ("Row", 6.0),
        ("Id as written", 14.0),
        ("Canonical id", 12.0),
        ("Title", 32.0),
        ("Applicable", 10.0),
        ("Status", 14.0),
        ("Matched by", 11.0),
        ("Score", 7.0),
        ("Review", 13.0),
        (to_word, 16.0),
        ("Relationship and strength", 28.0),
        ("Candidates for review", 28.0),
        ("Notes", 32.0),
        ("Client reference", 14.0),
        ("Client text", 40.0),
        (DECISION, 10.0),
        (REPLACE_WITH, 12.0),
        (COMMENT, 24.0),
        (ROW_KEY, 20.0),
    ];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for row in &out.crosswalk.rows {
        r += 1;
        let c = Cells::of(row, catalogs);
        // In constant-memory mode a row's height must be known before its cells are written.
        let tall = [(2, &c.ids), (3, &c.title), (9, &c.targets), (10, &c.detail), (11, &c.candidates), (12, &c.notes)];
        let mut sizes: Vec<(&str, f64)> = tall.iter().map(|(i, t)| (t.as_str(), headers[*i].1)).collect();
        sizes.push((&c.text, headers[14].1));
        fit_row(ws, r, &sizes)?;
        write_row(ws, r, row, &c, st)?;
    }
    ws.set_column_hidden(C_KEY)?;
    if r > 0 {
        review_rules(ws, r, list_len)?;
    }
    finish(ws, r, headers.len() as u16)
}

/// Columns of the decision and of the row key on `Crosswalk`.
const C_DECISION: u16 = 15;
const C_KEY: u16 = 18;

/// The text cells of one `Crosswalk` line.
struct Cells {
    ids: String,
    title: String,
    targets: String,
    detail: String,
    candidates: String,
    notes: String,
    text: String,
}

impl Cells {
    fn of(row: &CrosswalkRow, catalogs: &Catalogs) -> Cells {
        let x = &row.row;
        let catalog_title = x.ids.first().and_then(|id| catalogs.find(id.as_str())).map(|e| e.title.clone());
        let title = x.title.clone().or_else(|| x.text.clone()).or(catalog_title).unwrap_or_default();
        let (mut targets, mut detail) = (String::new(), String::new());
        for (i, t) in row.targets.iter().enumerate() {
            let sep = if i == 0 { "" } else { "\n" };
            targets.push_str(sep);
            targets.push_str(t.id.as_str());
            let _ = write!(detail, "{sep}{}: {}, strength {}", t.id, t.relationship, t.strength);
        }
        let candidates: Vec<String> =
            x.candidates.iter().map(|c| format!("{} {} ({:.2})", c.id, c.title, c.score)).collect();
        let mut notes = x.notes.clone();
        if row.effect == Effect::Nothing && !row.targets.is_empty() {
            notes.push("planned, not implemented, excluded or status unknown: counts for no coverage".into());
        }
        Cells {
            ids: ids(&x.ids),
            title: fit(&title).into_owned(),
            targets,
            detail,
            candidates: candidates.join("\n"),
            notes: fit(&notes.join("\n")).into_owned(),
            text: fit(x.text.as_deref().unwrap_or("")).into_owned(),
        }
    }
}

fn write_row(ws: &mut Worksheet, r: u32, row: &CrosswalkRow, c: &Cells, st: &Styles) -> Result<(), XlsxError> {
    let x = &row.row;
    let applicable = match x.applicable {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let status = x.status.map(crate::import::values::Status::as_str).or(x.status_text.as_deref()).unwrap_or("");
    let review = if x.review == Review::Auto { "auto" } else { "needs-review" };
    ws.write_number(r, 0, x.row as f64)?;
    ws.write_string(r, 1, x.raw_id.as_deref().unwrap_or(""))?;
    ws.write_string(r, 2, &c.ids)?;
    ws.write_string(r, 3, &c.title)?;
    ws.write_string(r, 4, applicable)?;
    ws.write_string(r, 5, status)?;
    ws.write_string(r, 6, x.matched_by.as_str())?;
    ws.write_number_with_format(r, 7, x.score, &st.number)?;
    ws.write_string(r, 8, review)?;
    ws.write_string(r, 9, &c.targets)?;
    ws.write_string(r, 10, &c.detail)?;
    ws.write_string(r, 11, &c.candidates)?;
    ws.write_string(r, 12, &c.notes)?;
    ws.write_string(r, 13, x.reference.as_deref().unwrap_or(""))?;
    ws.write_string(r, 14, &c.text)?;
    if x.review == Review::Auto {
        ws.write_string(r, C_DECISION, Decision::Accept.as_str())?;
    }
    ws.write_string(r, C_KEY, RowKey::of(x).to_cell())?;
    Ok(())
}

/// The dropdowns of the decision columns and the colours of rows to review and of decisions.
fn review_rules(ws: &mut Worksheet, rows: u32, list_len: usize) -> Result<(), XlsxError> {
    let decision = DataValidation::new()
        .allow_list_strings(&Decision::ALL)?
        .set_error_title("Decision")?
        .set_error_message("Choose accept, reject or replace.")?;
    ws.add_data_validation(1, C_DECISION, rows, C_DECISION, &decision)?;
    let ids = DataValidation::new()
        .allow_list_formula(Formula::new(format!("={LISTS}!$A$2:$A${}", list_len + 1)))
        .set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("Replace with")?
        .set_error_message("Choose an id from the list: a control, clause or criterion of the catalog.")?;
    ws.add_data_validation(1, 16, rows, 16, &ids)?;
    let fill = |c: u32| Format::new().set_background_color(Color::RGB(c));
    let review = ConditionalFormatFormula::new().set_rule("=$I2=\"needs-review\"").set_format(fill(REVIEW_FILL));
    ws.add_conditional_format(1, 0, rows, 17, &review)?;
    let rejected = ConditionalFormatFormula::new().set_rule("=$P2=\"reject\"").set_format(fill(0xFFC7CE));
    ws.add_conditional_format(1, 15, rows, 17, &rejected)?;
    let replaced = ConditionalFormatFormula::new().set_rule("=$P2=\"replace\"").set_format(fill(0xDDEBF7));
    ws.add_conditional_format(1, 15, rows, 17, &replaced)?;
    Ok(())
}

/// The crosswalk in long form, as published crosswalks are: one line per input row and target element it maps to
/// (every source id of the row), with relationship, strength, role, whether it counts, and the mapping's rationale.
pub(super) fn mapping_sheet(
    ws: &mut Worksheet,
    out: &Output,
    catalogs: &Catalogs,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Mapping")?;
    let headers = [
        ("Row", 6.0),
        ("Client reference", 14.0),
        ("Source id", 10.0),
        ("Source title", 30.0),
        ("Target id", 10.0),
        ("Target title", 30.0),
        ("Relationship", 12.0),
        ("Strength", 9.0),
        ("Role", 11.0),
        ("Counts", 10.0),
        ("Rationale", 70.0),
    ];
    header_row(ws, st, &headers)?;
    let title = |id: &crate::ids::ControlId| catalogs.find(id.as_str()).map_or("", |e| e.title.as_str());
    let mut r = 0u32;
    if out.crosswalk.rows.len() > MAPPING_SHEET_MAX_ROWS {
        // A catalog of many thousand rows: the long form would double the workbook's size and time.
        let note = format!(
            "left out: the input has {} rows, over the {MAPPING_SHEET_MAX_ROWS} this sheet is written for; the Crosswalk sheet and the JSON output hold every row's targets",
            out.crosswalk.rows.len()
        );
        ws.write_string(1, 0, note)?;
        return Ok(());
    }
    'rows: for row in &out.crosswalk.rows {
        for t in &row.links {
            r += 1;
            if r == LAST {
                ws.write_string(
                    r,
                    0,
                    "… more lines than a sheet holds: the Crosswalk sheet and the JSON output have them all",
                )?;
                break 'rows;
            }
            let counts = match (t.role, row.effect) {
                (crate::mapping::Role::Supporting, _) => "context",
                (_, Effect::Full) => "yes",
                (_, Effect::Partial) => "partly",
                (_, Effect::Nothing) => "no",
            };
            fit_row(ws, r, &[(title(&t.via), 30.0), (title(&t.id), 30.0), (&t.rationale, 70.0)])?;
            ws.write_number(r, 0, row.row.row as f64)?;
            ws.write_string(r, 1, row.row.reference.as_deref().unwrap_or(""))?;
            ws.write_string(r, 2, t.via.as_str())?;
            ws.write_string(r, 3, title(&t.via))?;
            ws.write_string(r, 4, t.id.as_str())?;
            ws.write_string(r, 5, title(&t.id))?;
            ws.write_string(r, 6, t.relationship.as_str())?;
            ws.write_number(r, 7, f64::from(t.strength))?;
            ws.write_string(r, 8, t.role.as_str())?;
            ws.write_string(r, 9, counts)?;
            ws.write_string(r, 10, fit(&t.rationale).as_ref())?;
        }
    }
    finish(ws, r, headers.len() as u16)
}

pub(super) fn issues_sheet(ws: &mut Worksheet, out: &Output, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Issues")?;
    let headers = [("Severity", 10.0), ("Where", 48.0), ("Message", 80.0)];
    header_row(ws, st, &headers)?;
    let mut r = 0u32;
    for issue in out.issues {
        r += 1;
        ws.write_string(r, 0, issue.severity.to_string())?;
        ws.write_string(r, 1, issue.at.to_string())?;
        ws.write_string(r, 2, fit(&issue.message))?;
    }
    finish(ws, r, headers.len() as u16)
}

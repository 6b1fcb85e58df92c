//! Finding the data: the sheet that holds the controls, its header row and the rows below it.

use super::{closest, layout, list, ImportError, Settings};
use crate::issue::{Issue, Location};
use crate::read::{Cell, RawRow, RawTable, Source};

/// The sheet the user named, else the one that looks most like a control list (aside sheets such as `Cover`
/// count a quarter).
pub(super) fn choose_sheet<'a>(source: &'a Source, settings: &Settings) -> Result<&'a RawTable, ImportError> {
    if let Some(wanted) = &settings.sheet {
        return named_sheet(source, settings, wanted);
    }
    let best = source
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let aside = t.sheet.as_deref().is_some_and(layout::is_aside_sheet);
            let score = layout::sheet_score(t);
            (if aside { score / 4 } else { score }, std::cmp::Reverse(i), t)
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    match best {
        Some((_, _, t)) => Ok(t),
        None => Err(ImportError::NoControls { file: source.file.clone(), why: "the workbook has no sheets".into() }),
    }
}

/// The sheet named by `--sheet` or the profile (case aside); a file without sheets (CSV) is its one table.
fn named_sheet<'a>(source: &'a Source, settings: &Settings, wanted: &str) -> Result<&'a RawTable, ImportError> {
    let names: Vec<String> = source.tables.iter().filter_map(|t| t.sheet.clone()).collect();
    if let Some(t) =
        source.tables.iter().find(|t| t.sheet.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(wanted.trim())))
    {
        return Ok(t);
    }
    if source.tables.len() == 1 && source.tables[0].sheet.is_none() {
        return Ok(&source.tables[0]);
    }
    Err(ImportError::SheetNotFound {
        file: source.file.clone(),
        wanted: wanted.to_string(),
        by: match (&settings.profile, settings.sheet_from_profile) {
            (Some(profile), true) => format!(" (the sheet of profile {profile})"),
            _ => String::new(),
        },
        suggestion: closest(wanted, names.iter().map(String::as_str)),
        available: names,
    })
}

/// The index in `table.rows` of the header row: the one `--header-row` names, else the one found.
pub(super) fn header_index(
    table: &RawTable,
    settings: &Settings,
    at: &dyn Fn() -> Location,
) -> Result<Option<usize>, ImportError> {
    let Some(n) = settings.header_row else { return Ok(layout::find_header_row(table)) };
    let last = table.rows.last().map_or(0, |r| r.number);
    let index = table
        .rows
        .iter()
        .position(|r| r.number >= n)
        .filter(|&i| table.rows[i].number == n)
        .ok_or(ImportError::HeaderRowOutOfRange { at: at(), row: n, last })?;
    Ok(Some(index))
}

/// Why a sheet whose columns name no id, title or text holds no controls, showing what it does hold.
pub(super) fn no_control_columns(file: &str, table: &RawTable, header: &RawRow, data: &[&RawRow]) -> ImportError {
    // Without a recognised header, show the first row: it is what the user will look at.
    let shown = if header.cells.is_empty() { data[0] } else { header };
    let found: Vec<String> = shown.cells.iter().map(Cell::text).filter(|t| !t.trim().is_empty()).collect();
    let sheet = table.sheet.as_ref().map(|s| format!("sheet '{s}': ")).unwrap_or_default();
    let what = if header.cells.is_empty() { format!("row {}", shown.number) } else { "headers".to_string() };
    let why = format!(
        "{sheet}no column holds control ids, titles or descriptions ({what}: {}); if this is the right sheet, name the columns with --column id=HEADER or --column title=HEADER",
        list(&found)
    );
    ImportError::NoControls { file: file.to_string(), why }
}

/// When the sheet was chosen, not named: a note naming the other sheets that also hold control ids.
pub(super) fn other_sheets_note(source: &Source, table: &RawTable, settings: &Settings) -> Option<Issue> {
    if settings.sheet.is_some() {
        return None;
    }
    let others: Vec<String> = source
        .tables
        .iter()
        .filter(|t| t.sheet != table.sheet && !t.sheet.as_deref().is_some_and(layout::is_aside_sheet))
        .filter(|t| layout::id_rows(t) >= 3)
        .filter_map(|t| t.sheet.as_ref().map(|s| format!("'{s}'")))
        .collect();
    (!others.is_empty()).then(|| {
        Issue::info(
            Location::file(&source.file),
            format!(
                "read sheet '{}'; {} also hold control ids (choose with --sheet NAME)",
                table.sheet.as_deref().unwrap_or_default(),
                others.join(", ")
            ),
        )
    })
}

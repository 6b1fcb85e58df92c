//! Rows that are not controls: theme and group headings, a header repeated on each printed page, and titles that
//! show a row is a control after all.

use crate::catalog::Catalogs;
use crate::ids::{split_cell, RawId};
use crate::read::RawRow;

/// Whether a row is the header again: at least two cells, each equal to the header cell above it.
pub(super) fn is_header_repeat(row: &RawRow, header: &RawRow) -> bool {
    let mut same = 0;
    for (i, cell) in row.cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
        let h = header.cell(i).text();
        if h.trim().is_empty() || !h.trim().eq_ignore_ascii_case(cell.as_text().trim()) {
            return false;
        }
        same += 1;
    }
    same >= 2
}

/// Whether a title is a control's or criterion's title (so its row is no heading, whatever its id cell says).
pub(super) fn carries_control_title(title: Option<&str>, catalogs: &Catalogs) -> bool {
    let Some(title) = title else { return false };
    [&catalogs.iso2022, &catalogs.tsc]
        .into_iter()
        .any(|c| crate::matching::match_title(c, title).is_some_and(|(_, s)| s >= crate::matching::TITLE_AUTO))
}

/// A theme or group row: `5 Organizational controls` spread over merged cells, with nothing else.
pub(super) fn is_group_row(row: &RawRow, title: Option<&str>, text: Option<&str>) -> bool {
    // The one distinct text the row's non-empty cells hold; a second distinct text ends the search (most rows).
    let mut only: Option<std::borrow::Cow<'_, str>> = None;
    for cell in row.cells.iter().filter(|c| !c.is_empty()) {
        let t = cell.as_text();
        match &only {
            None => only = Some(t),
            Some(o) if o.trim() == t.trim() => {}
            Some(_) => return false,
        }
    }
    (title.is_some() || text.is_some() || only.is_some()) && {
        let split = split_cell(only.as_deref().map_or("", str::trim));
        split.tokens.len() <= 1
            && split.tokens.first().is_none_or(|tok| matches!(tok.raw, RawId::Bare(ref p) if p.len() == 1))
    }
}

/// A heading in a catalogue's hierarchy rather than a control: `A.5` (a theme), `P1.0` (a TSC group), `A.9.1` in
/// a 2013 list (an objective whose controls follow).
pub(super) fn is_group_id(token: &RawId, catalogs: &Catalogs, has_2013: bool) -> bool {
    match token {
        RawId::Tsc { number: 0, point: None, .. } => true,
        RawId::Annex(t, n) => {
            let children = format!("A.{t}.{n}.");
            let is_2013_heading = catalogs.iso2013.entries.iter().any(|e| e.id.as_str().starts_with(&children));
            is_2013_heading && (has_2013 || !catalogs.iso2022.contains(&format!("A.{t}.{n}")))
        }
        _ => false,
    }
}

/// `A.5`, `A 8`, `CC1`: a theme heading as written in an id cell.
pub(super) fn is_theme_heading(text: &str) -> bool {
    let t = crate::ids::clean_spaces(text).trim().trim_end_matches('.').to_ascii_uppercase().replace(' ', "");
    let letters: String = t.chars().take_while(char::is_ascii_alphabetic).collect();
    let rest = t[letters.len()..].trim_start_matches('.');
    matches!(letters.as_str(), "A" | "CC" | "PI" | "P" | "C")
        && !rest.is_empty()
        && rest.len() <= 2
        && rest.bytes().all(|b| b.is_ascii_digit())
}

/// A lone TSC category letter in the id cell (`A`, `PI`): the heading of that category.
pub(super) fn is_category_letter(raw: &str) -> bool {
    matches!(raw.trim(), "A" | "C" | "P" | "PI" | "CC")
}

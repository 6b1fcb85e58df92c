//! What is settled once every row is read: points of focus folded into their criteria, and ids repeated by mistake.

use std::collections::{BTreeMap, BTreeSet};

use super::layout::ColumnRole;
use super::{ImportedRow, MatchedBy, SkipReason, Skipped};
use crate::ids::ControlId;
use crate::issue::{Issue, Location};
use crate::read::RawRow;

/// A row read from a point of focus (`CC1.1.1`) as its criterion.
pub(super) fn is_point_of_focus(row: &ImportedRow) -> bool {
    !row.ids.is_empty() && row.point_of_focus
}

/// Points of focus (`CC1.1.1`) whose criterion has its own row are folded into it; otherwise they stay, each with
/// its criterion's id.
pub(super) fn roll_up_points_of_focus(
    rows: &mut Vec<ImportedRow>,
    at: &dyn Fn() -> Location,
    issues: &mut Vec<Issue>,
    skipped: &mut Vec<Skipped>,
) {
    let criteria: BTreeSet<ControlId> =
        rows.iter().filter(|r| !is_point_of_focus(r)).flat_map(|r| r.ids.iter().cloned()).collect();
    let before = rows.len();
    let total = rows.iter().filter(|r| is_point_of_focus(r)).count();
    let folded_into = |r: &ImportedRow| is_point_of_focus(r) && r.ids.iter().all(|id| criteria.contains(id));
    for r in rows.iter().filter(|r| folded_into(r)) {
        let text = [r.raw_id.as_deref(), r.title.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" | ");
        skipped.push(Skipped { row: r.row, reason: SkipReason::PointOfFocus, text });
    }
    rows.retain(|r| !folded_into(r));
    let folded = before - rows.len();
    if folded > 0 {
        issues.push(Issue::info(
            at(),
            format!("{folded} point-of-focus rows (such as `CC1.1.1`) folded into the rows of their criteria"),
        ));
    }
    if total > folded {
        issues.push(Issue::info(
            at(),
            format!("{} point-of-focus rows read as their criteria (`CC1.1.1` as `CC1.1`)", total - folded),
        ));
    }
}

/// One warning per id read by id on more than one row, at its first repeat: a mapping table repeats ids on purpose,
/// an SoA by mistake.
pub(super) fn warn_duplicates(
    rows: &[ImportedRow],
    id_col: Option<&ColumnRole>,
    header: &RawRow,
    at: &dyn Fn() -> Location,
    issues: &mut Vec<Issue>,
) {
    let mut seen: BTreeMap<&ControlId, Vec<usize>> = BTreeMap::new();
    for r in rows {
        if r.ids.len() != 1 || r.matched_by != MatchedBy::Id || is_point_of_focus(r) {
            continue;
        }
        seen.entry(&r.ids[0]).or_default().push(r.row);
    }
    let mut found: Vec<(usize, String)> = Vec::new();
    for (id, on) in seen.iter().filter(|(_, on)| on.len() > 1) {
        let mut shown: Vec<String> = on.iter().take(6).map(std::string::ToString::to_string).collect();
        if on.len() > 6 {
            shown.push("…".into());
        }
        let message = if on.len() == 2 {
            format!("`{id}` appears again (first on row {}); both rows are kept", on[0])
        } else {
            format!("`{id}` appears on {} rows ({}); all are kept", on.len(), shown.join(", "))
        };
        found.push((on[1], message));
    }
    found.sort();
    for (row, message) in found {
        let mut loc = at().row(row);
        if let Some(c) = id_col {
            loc = loc.column(c.index, Some(header.cell(c.index).text().as_str()));
        }
        issues.push(Issue::warning(loc, message));
    }
}

//! Id repair and resolution hints for an id cell: which reading a bare `5.1` gets (the column's other ids, the row's
//! title), `5.1` typed as a number meaning `5.10`, and 2013 ids carried to their 2022 successors.

use crate::catalog::{Catalogs, Transition};
use crate::ids::{BareHint, ControlId, RawId, SplitCell};
use crate::read::Cell;
use std::fmt::Write as _;

/// Bare ids in this column: Annex A when they include numbers no clause has (`5.15`), clauses when they include
/// numbers no Annex A control has (`4.1`, `9.2`, `10.1`, `6.1.2`), or when the column writes its Annex A ids with
/// the `A` (`A.5.9` beside `5.1`: the writer keeps the bare form for clauses).
pub(super) fn column_hint(id_splits: &[SplitCell]) -> BareHint {
    let mut annex_only = 0;
    let mut clause_only = 0;
    let mut explicit_annex = 0;
    let mut bare_ambiguous = 0;
    for split in id_splits {
        for token in &split.tokens {
            match token.raw {
                RawId::Bare(ref p) if p.len() == 2 && (5..=8).contains(&p[0]) && p[1] > 5 => annex_only += 1,
                RawId::Bare(ref p) if p[0] == 4 || p[0] >= 9 || p.len() == 3 => clause_only += 1,
                RawId::Bare(ref p) if p.len() == 2 => bare_ambiguous += 1,
                RawId::Annex(..) => explicit_annex += 1,
                RawId::Clause(..) => clause_only += 1,
                _ => {}
            }
        }
    }
    if (clause_only > 0 && annex_only == 0) || (explicit_annex > 0 && annex_only == 0 && bare_ambiguous > 0) {
        BareHint::Clause
    } else {
        BareHint::Annex
    }
}

/// Whether a column writes ISO 27001:2013 ids (`A.9.2.3`): then `A.9.1` is a 2013 objective heading.
pub(super) fn column_has_2013(id_splits: &[SplitCell]) -> bool {
    id_splits.iter().any(|split| split.tokens.iter().any(|t| matches!(t.raw, RawId::Annex2013(..))))
}

/// For a bare `5.1` with a title beside it: the title decides between clause 5.1 and Annex A 5.1.
pub(super) fn bare_hint_for_row(raw: &RawId, title: Option<&str>, catalogs: &Catalogs) -> Option<BareHint> {
    let RawId::Bare(parts) = raw else { return None };
    let title = title?.to_lowercase();
    let clause_id = parts.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(".");
    let clause = catalogs.iso2022.get(&clause_id)?;
    let annex = catalogs.iso2022.get(&format!("A.{clause_id}"))?;
    let sim = |t: &str| strsim::normalized_levenshtein(&title, &t.to_lowercase());
    let (c, a) = (sim(&clause.title), sim(&annex.title));
    if (c - a).abs() < 0.1 {
        return None;
    }
    Some(if c > a { BareHint::Clause } else { BareHint::Annex })
}

/// What decided that a number `5.1` meant `5.10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RepairedBy {
    Title,
    RowBefore,
}

/// An id cell typed as a number that lost its trailing zero, read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Repair {
    pub raw: RawId,
    pub theme: u32,
    /// The number as typed (`1` of `5.1`).
    pub typed: u32,
    pub by: RepairedBy,
}

impl Repair {
    /// `id typed as the number 5.1 read as `A.5.10` (…); decided by the title`.
    pub fn note(&self) -> String {
        let (theme, n) = (self.theme, self.typed);
        let how = match self.by {
            RepairedBy::Title => "the title",
            RepairedBy::RowBefore => "the row before",
        };
        format!(
            "id typed as the number {theme}.{n} read as `A.{theme}.{}` (Excel drops the trailing zero of {theme}.{}); decided by {how}",
            n * 10,
            n * 10
        )
    }
}

/// Excel stores `5.10` as the number 5.1. For a numeric id cell that may have lost a trailing zero, decide from the
/// title, then from the previous row, whether `5.1` meant `5.10`.
pub(super) fn repair_number(
    cell: &Cell,
    raw: &RawId,
    title: Option<&str>,
    previous: Option<&ControlId>,
    catalogs: &Catalogs,
) -> Option<Repair> {
    let Cell::Number(_) = cell else { return None };
    let (theme, n) = match raw {
        RawId::Bare(p) if p.len() == 2 => (p[0], p[1]),
        RawId::Annex(t, n) => (*t, *n),
        _ => return None,
    };
    if n >= 10 {
        return None;
    }
    let long_entry = catalogs.iso2022.get(&format!("A.{theme}.{}", n * 10))?;
    let short_entry = catalogs.iso2022.get(&format!("A.{theme}.{n}"));
    let by_title = title.map(|t| {
        let t = t.to_lowercase();
        let s = |e: &crate::catalog::Entry| strsim::normalized_levenshtein(&t, &e.title.to_lowercase());
        (s(long_entry), short_entry.map_or(0.0, s))
    });
    let by = match by_title {
        Some((l, s)) if (l - s).abs() >= 0.15 => (l > s).then_some(RepairedBy::Title),
        // After A.5.9 comes A.5.10; after A.5.19 comes A.5.20.
        _ => previous
            .is_some_and(|p| {
                let k = p.sort_key().2;
                k.len() == 2 && k[0] == theme && (k[1] == n * 10 - 1)
            })
            .then_some(RepairedBy::RowBefore),
    }?;
    Some(Repair { raw: RawId::Annex(theme, n * 10), theme, typed: n, by })
}

/// How a 2013 control changed on its way to 2022: the transition table's `change_type` column, read as a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Several 2013 controls became one 2022 control.
    Merged,
    /// `one-to-one`, `split` or anything else the table says.
    Other,
}

impl Change {
    fn of(t: &Transition) -> Change {
        match t.change.as_str() {
            "merged" => Change::Merged,
            _ => Change::Other,
        }
    }
}

/// The note for a 2013 id carried to its 2022 successors, naming the other 2013 ids merged with it.
pub(super) fn carried_note(id: &ControlId, successors: &[&Transition], catalogs: &Catalogs) -> String {
    let to: Vec<String> = successors.iter().map(|t| format!("`{}`", t.to)).collect();
    let mut note = format!("ISO 27001:2013 `{id}` carried to 2022 {}", to.join(", "));
    if successors.iter().any(|t| Change::of(t) == Change::Merged) {
        let others: Vec<String> = successors
            .iter()
            .flat_map(|t| catalogs.predecessors(t.to.as_str()))
            .filter(|p| p.from != *id)
            .map(|p| format!("`{}`", p.from))
            .collect();
        if !others.is_empty() {
            let _ = write!(note, " (merged there with {})", others.join(", "));
        }
    }
    note
}

//! Placing rows that have no usable id: by title first (a row whose title is a catalog title), then by text.

use crate::catalog::{Catalog, Catalogs, EntryKind};
use crate::ids::Framework;
use crate::import::{ImportedRow, MatchedBy, Review};

/// Title similarity at or above which a title match is trusted without review.
pub const TITLE_AUTO: f64 = 0.92;

/// Normalises a title for comparison: lower case, letters and digits, single spaces.
pub fn normalise_title(s: &str) -> String {
    let lower = s.to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The catalog entry whose title best equals `title`, with a 0..1 similarity.
pub fn match_title<'a>(catalog: &'a Catalog, title: &str) -> Option<(&'a crate::catalog::Entry, f64)> {
    let wanted = normalise_title(title);
    if wanted.len() < 4 {
        return None;
    }
    catalog
        .entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Annex | EntryKind::Criterion))
        .map(|e| (e, strsim::normalized_levenshtein(&wanted, &normalise_title(&e.title))))
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.id.cmp(&a.0.id)))
}

/// Fills ids for rows that have none: title match against the catalog of `framework`.
pub fn match_rows(rows: &mut [ImportedRow], catalogs: &Catalogs, framework: Framework) {
    let catalog = match framework {
        Framework::Tsc2017 => &catalogs.tsc,
        _ => &catalogs.iso2022,
    };
    for row in rows.iter_mut().filter(|r| r.ids.is_empty()) {
        let Some(title) = row.title.clone() else { continue };
        if let Some((entry, score)) = match_title(catalog, &title) {
            if score >= TITLE_AUTO {
                row.ids = vec![entry.id.clone()];
                row.framework = Some(catalog.framework);
                row.matched_by = MatchedBy::Title;
                row.score = score;
                row.review = Review::Auto;
                row.notes.push(format!("matched by title to `{}` {}", entry.id, entry.title));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_match_despite_case_and_punctuation() {
        let c = Catalogs::builtin();
        let (e, s) = match_title(&c.iso2022, "ACCESS CONTROL.").unwrap();
        assert_eq!(e.id.as_str(), "A.5.15");
        assert!(s > 0.99);
        let (e, _) = match_title(&c.iso2022, "Information backup").unwrap();
        assert_eq!(e.id.as_str(), "A.8.13");
    }
}

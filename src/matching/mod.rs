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

/// Catalog titles normalised once, for placing many rows: exact titles by lookup, others by edit distance.
struct TitleIndex<'a> {
    /// Entry, normalised title, its length in characters, its letter counts.
    entries: Vec<(&'a crate::catalog::Entry, String, usize, Letters)>,
    exact: std::collections::HashMap<String, usize>,
}

impl<'a> TitleIndex<'a> {
    fn new(catalog: &'a Catalog) -> TitleIndex<'a> {
        let entries: Vec<_> = catalog
            .entries
            .iter()
            .filter(|e| matches!(e.kind, EntryKind::Annex | EntryKind::Criterion))
            .map(|e| {
                let t = normalise_title(&e.title);
                let n = t.chars().count();
                let letters = letters(&t);
                (e, t, n, letters)
            })
            .collect();
        let mut exact = std::collections::HashMap::new();
        for (i, (_, t, _, _)) in entries.iter().enumerate() {
            // Entries are in id order: the first of equal titles wins, as in `match_title`.
            exact.entry(t.clone()).or_insert(i);
        }
        TitleIndex { entries, exact }
    }

    /// What `match_title` finds, when its score is at least `min`; skips titles whose length alone rules that out.
    fn best(&self, title: &str, min: f64) -> Option<(&'a crate::catalog::Entry, f64)> {
        let wanted = normalise_title(title);
        if wanted.len() < 4 {
            return None;
        }
        if let Some(&i) = self.exact.get(&wanted) {
            return Some((self.entries[i].0, 1.0));
        }
        let n = wanted.chars().count();
        let counts = letters(&wanted);
        let mut best: Option<(&crate::catalog::Entry, f64)> = None;
        for (e, t, len, their) in &self.entries {
            // Edit distance is at least the length difference, and at least the letters one has more of.
            let longest = n.max(*len) as f64;
            if 1.0 - n.abs_diff(*len) as f64 / longest < min {
                continue;
            }
            let (mut more, mut fewer) = (0usize, 0usize);
            for (a, b) in counts.iter().zip(their) {
                if a > b {
                    more += (a - b) as usize;
                } else {
                    fewer += (b - a) as usize;
                }
            }
            if 1.0 - more.max(fewer) as f64 / longest < min {
                continue;
            }
            let score = strsim::normalized_levenshtein(&wanted, t);
            if score >= min && best.is_none_or(|(_, b)| score > b) {
                best = Some((e, score));
            }
        }
        best
    }
}

/// How often each of a-z, 0-9 and anything else occurs in a normalised title.
type Letters = [u16; 37];

fn letters(t: &str) -> Letters {
    let mut counts = [0u16; 37];
    for c in t.chars() {
        let i = match c {
            'a'..='z' => c as usize - 'a' as usize,
            '0'..='9' => 26 + c as usize - '0' as usize,
            _ => 36,
        };
        counts[i] = counts[i].saturating_add(1);
    }
    counts
}

/// Fills ids for rows that have none: title match against the catalog of `framework`.
pub fn match_rows(rows: &mut [ImportedRow], catalogs: &Catalogs, framework: Framework) {
    let catalog = match framework {
        Framework::Tsc2017 => &catalogs.tsc,
        _ => &catalogs.iso2022,
    };
    let index = TitleIndex::new(catalog);
    for row in rows.iter_mut().filter(|r| r.ids.is_empty()) {
        let Some(title) = row.title.as_deref() else { continue };
        if let Some((entry, score)) = index.best(title, TITLE_AUTO) {
            row.ids = vec![entry.id.clone()];
            row.framework = Some(catalog.framework);
            row.matched_by = MatchedBy::Title;
            row.score = score;
            row.review = Review::Auto;
            row.notes.push(format!("matched by title to `{}` {}", entry.id, entry.title));
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

    #[test]
    fn the_index_finds_what_match_title_finds_above_the_threshold() {
        let c = Catalogs::builtin();
        let index = TitleIndex::new(&c.iso2022);
        for title in ["ACCESS CONTROL.", "Information backups", "Acces control", "Our approach to access control", "x"]
        {
            let slow = match_title(&c.iso2022, title).filter(|(_, s)| *s >= TITLE_AUTO).map(|(e, s)| (e.id.clone(), s));
            let fast = index.best(title, TITLE_AUTO).map(|(e, s)| (e.id.clone(), s));
            assert_eq!(fast, slow, "{title}");
        }
    }
}

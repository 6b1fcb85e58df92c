//! Placing rows that have no usable id: by title first (a row whose title is a catalog title), then by text.
//!
//! The text matcher ([`Matcher`]) ranks the controls of a catalog for a free-text statement: the statement's
//! language is told ([`lang`]: English, German, French or Spanish), it is normalised in that language
//! ([`normalise`]), looked up in a BM25F index over per-control profiles ([`index`]: title, description and the
//! keywords of `mappings/profiles.csv`, and of `profiles-<lang>.csv` for the other languages, [`lang_index`]), and
//! every candidate carries the terms and fields that made it. Same input, same output: ties break by id.

pub mod calibration;
mod candidate;
pub mod index;
pub mod lang;
pub mod lang_index;
pub mod lang_words;
mod matcher;
pub mod normalise;

pub use calibration::confidence;
pub use candidate::Candidate;
pub use lang::{Lang, LangChoice, Reading};
pub use matcher::{Matcher, Ranked};

use rustc_hash::FxHashMap as HashMap;

use crate::catalog::{Catalog, Catalogs, EntryKind};
use crate::ids::Framework;
use crate::import::{ImportedRow, MatchedBy, Review};

/// Title similarity at or above which a title match is trusted without review.
pub const TITLE_AUTO: f64 = 0.92;

/// Text-match score below which a match needs review (calibrated on the held-out split, see docs/matching.md).
pub const TEXT_AUTO: f64 = 0.94;

/// Score at most of a row whose title is mostly words no profile knows (below every sensible `--min-score`).
pub const UNFAMILIAR_SCORE: f64 = 0.5;

/// Runner-up candidates kept on a row matched by text.
pub const RUNNERS_UP: usize = 3;

/// Terms shown per candidate.
pub(crate) const WHY_TERMS: usize = 6;

/// Process words: how a control is run, not what it is about (`Usage of crypto. The business defines cryptography
/// usage rules`: the subject is cryptography). They weigh [`index::Params::generic_weight`] of a subject word, and a
/// text whose best match rests on them alone is about no security topic.
pub(crate) const PROCESS_WORDS: &[&str] = &[
    "usage",
    "use",
    "used",
    "using",
    "rule",
    "rules",
    "implement",
    "implementing",
    "implemented",
    "implementation",
    "control",
    "controls",
    "define",
    "defined",
    "defines",
    "review",
    "reviewed",
    "reviews",
    "document",
    "documented",
    "process",
    "processes",
    "procedure",
    "procedures",
    "manage",
    "managed",
    "manages",
    "managing",
    "owner",
    "owned",
    "owns",
    "team",
    "report",
    "reports",
    "communicate",
    "communicated",
    "staff",
    "publish",
    "published",
    "intranet",
    "annual",
    "annually",
    "yearly",
    "quarterly",
    "periodic",
    "periodically",
    "business",
    "company",
    "approach",
    "evidence",
    "tool",
    "place",
    "across",
    "approve",
    "approved",
    "approval",
    "cover",
    "covers",
    "kept",
    "keep",
    "plan",
    "planning",
    "arrangement",
    "arrangements",
    "allocation",
    "organisation",
    "organization",
    "day",
    "rota",
    "scheme",
    "programme",
    "program",
    "event",
    "design",
    "guideline",
    "guidelines",
    "hr",
];

/// What the text matcher made of a row: candidates best first, how many subject words (not process words) the
/// best one holds (none means the row is about no topic the profiles know), and the language it was read in.
pub struct RowMatch {
    pub candidates: Vec<Candidate>,
    pub subject_hits: usize,
    pub reading: Reading,
}

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

/// Settings for placing rows by text in `map`.
pub struct TextMatch<'a> {
    pub matcher: &'a Matcher,
    /// Score below which a text match needs review.
    pub min_score: f64,
}

/// Catalog titles normalised once, for placing many rows: exact titles by lookup, others by edit distance.
struct TitleIndex<'a> {
    /// Entry, normalised title, its length in characters, its letter counts.
    entries: Vec<(&'a crate::catalog::Entry, String, usize, Letters)>,
    exact: HashMap<String, usize>,
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
        let mut exact = HashMap::default();
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

/// The row note naming the language a row's text was read in; none for English, the language of the catalogs.
pub fn language_note(reading: Reading) -> Option<String> {
    let how = if reading.detected { "detected" } else { "--lang" };
    (reading.lang != Lang::En).then(|| format!("text read as {} ({}, {how})", reading.lang.name(), reading.lang.code()))
}

/// Fills ids for rows that have none: title match against the catalog of `framework`, then text match.
pub fn match_rows(rows: &mut [ImportedRow], catalogs: &Catalogs, framework: Framework, text: Option<&TextMatch>) {
    let catalog = match framework {
        Framework::Tsc2017 => &catalogs.tsc,
        _ => &catalogs.iso2022,
    };
    let index = TitleIndex::new(catalog);
    for row in rows.iter_mut().filter(|r| r.to_place()) {
        // The title as written, else with its typos corrected against the profiles' words (`Data maskitg`).
        let by_title = row.title.as_deref().and_then(|t| {
            index.best(t, TITLE_AUTO).map(|(e, s)| (e, s, None)).or_else(|| {
                let (fixed, fixes) = text?.matcher.correct_typos(t, catalog.framework)?;
                index.best(&fixed, TITLE_AUTO).map(|(e, s)| (e, s, Some(fixes)))
            })
        });
        if let Some((entry, score, fixes)) = by_title {
            row.ids = vec![entry.id.clone()];
            row.framework = Some(catalog.framework);
            row.matched_by = MatchedBy::Title;
            row.score = score;
            row.review = Review::Auto;
            let how = fixes.map(|f| format!(" (typos corrected: {f})")).unwrap_or_default();
            row.notes.push(match &row.unknown_id {
                Some(wrong) => {
                    row.review = Review::NeedsReview;
                    format!("`{wrong}` does not exist; title matches `{}` {}{how}", entry.id, entry.title)
                }
                None => format!("matched by title to `{}` {}{how}", entry.id, entry.title),
            });
            continue;
        }
        let Some(text) = text else { continue };
        let (title, body) = (row.title.as_deref().unwrap_or(""), row.text.as_deref().unwrap_or(""));
        if title.trim().is_empty() && body.trim().is_empty() {
            continue;
        }
        let RowMatch { candidates: mut found, subject_hits, reading } =
            text.matcher.suggest_row(title, body, catalog.framework, RUNNERS_UP + 1);
        if let Some(note) = language_note(reading) {
            row.notes.push(note);
        }
        if subject_hits == 0 && !found.is_empty() {
            // Only process words matched: the row is about no security topic the profiles know.
            row.review = Review::NeedsReview;
            row.notes.push(format!(
                "no match: no security topic recognised (only process words matched; nearest `{}` {})",
                found[0].id, found[0].title
            ));
            row.candidates = found;
            continue;
        }
        if found.is_empty() {
            if let Some(wrong) = &row.unknown_id {
                row.notes.push(format!("`{wrong}` does not exist; neither the title nor the text matches a control"));
            }
            continue;
        }
        let best = found.remove(0);
        row.ids = vec![best.id.clone()];
        row.framework = Some(catalog.framework);
        row.matched_by = MatchedBy::Text;
        row.score = best.score;
        row.review = if best.score >= text.min_score { Review::Auto } else { Review::NeedsReview };
        if let Some(wrong) = &row.unknown_id {
            row.review = Review::NeedsReview;
            row.notes.push(format!("`{wrong}` does not exist; text matches `{}` {}", best.id, best.title));
        }
        row.notes.push(format!(
            "matched by text to `{}` {} (score {:.2}: {})",
            best.id,
            best.title,
            best.score,
            best.why.join("; ")
        ));
        row.candidates = found;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::DataFiles;
    use index::Params;

    /// The best SOC 2 criterion for `text` under `params` over the built-in data.
    fn best_criterion(text: &str, params: Params) -> Candidate {
        let m = Matcher::with_params(&DataFiles::builtin(), &Catalogs::builtin(), params).unwrap();
        m.suggest(text, Framework::Tsc2017, 1).remove(0)
    }

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
    fn text_candidates_are_ranked_scored_and_explained() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let found = m.suggest("Quarterly user access reviews by system owners", Framework::Iso2022, 3);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].id.as_str(), "A.5.18");
        assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(found.iter().all(|f| (0.0..=1.0).contains(&f.score) && !f.why.is_empty()));
        assert!(found[0].why.iter().any(|w| w.starts_with("access review")), "{:?}", found[0].why);
    }

    #[test]
    fn a_title_is_matched_by_the_fast_path() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let found = m.suggest("Information backup", Framework::Iso2022, 2);
        assert_eq!(found[0].id.as_str(), "A.8.13");
        assert_eq!(found[0].why, ["title match (1.00)"]);
        assert_ne!(found[1].id.as_str(), "A.8.13");
    }

    #[test]
    fn a_profile_for_an_unknown_id_is_named() {
        let c = Catalogs::builtin();
        let mut files = DataFiles::builtin();
        files.profiles.text = "id,keywords\nA.5.1,policy\nA.9.9,nothing\n".into();
        let err = Matcher::new(&files, &c).err().unwrap();
        assert_eq!(
            err.to_string(),
            "mappings/profiles.csv, row 3: `A.9.9` is neither an ISO 27001:2022 id nor a SOC 2 criterion"
        );
    }

    #[test]
    fn the_prior_picks_among_mapped_criteria_and_says_via_which_control() {
        // A.5.3 maps most strongly to CC6.3; statements about segregation of duties are most often labelled CC5.1.
        let text = "Segregation of duties is enforced";
        let without = best_criterion(text, Params { prior_mix: 0.0, ..Params::default() });
        let with = best_criterion(text, Params::default());
        assert_eq!((without.id.as_str(), with.id.as_str()), ("CC6.3", "CC5.1"));
        assert!(with.why.iter().any(|w| w.starts_with("via A.5.3 ")), "{:?}", with.why);
    }

    #[test]
    fn a_weak_soc2_text_match_leans_on_the_iso_ranking() {
        // The statement describes a screen lock (A.7.7, which maps to CC6.1); its words reach the criteria profiles
        // only weakly, and the best of them by text alone is CC6.7 (for "MDM", mobile device management).
        let text = "Workstations lock automatically after ten minutes idle, enforced through MDM";
        let without = best_criterion(text, Params { text_floor: 0.0, ..Params::default() });
        let with = best_criterion(text, Params::default());
        assert_eq!((without.id.as_str(), with.id.as_str()), ("CC6.7", "CC6.1"));
        assert!(with.why.iter().any(|w| w.starts_with("via A.7.7 ")), "{:?}", with.why);
    }

    #[test]
    fn every_devset_label_is_a_catalog_id() {
        // A misspelt label would count as a miss in the benchmark without anyone noticing.
        let c = Catalogs::builtin();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/devset");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        assert_eq!(files.len(), 14, "{files:?}");
        for path in files {
            let mut reader = csv::Reader::from_path(&path).unwrap();
            assert_eq!(reader.headers().unwrap(), vec!["id", "split", "style", "text", "iso", "tsc"]);
            let mut rows = 0;
            for record in reader.records() {
                let r = record.unwrap();
                rows += 1;
                assert!(!r[3].trim().is_empty(), "{}: {} has no text", path.display(), &r[0]);
                // A row about no security topic has no label; every other row has one.
                let off_topic = &r[2] == "off-topic";
                assert_eq!(
                    r[4].trim().is_empty() && r[5].trim().is_empty(),
                    off_topic,
                    "{}: {} has a label exactly when it is on topic",
                    path.display(),
                    &r[0]
                );
                if &r[2] == "row" || off_topic {
                    assert_eq!(
                        r[3].matches(" | ").count(),
                        1,
                        "{}: {} is not `title | description`",
                        path.display(),
                        &r[0]
                    );
                }
                for id in r[4].split(';').filter(|x| !x.is_empty()) {
                    assert!(c.iso2022.contains(id), "{}: {} names ISO `{id}`", path.display(), &r[0]);
                }
                for id in r[5].split(';').filter(|x| !x.is_empty()) {
                    assert!(c.tsc.contains(id), "{}: {} names SOC 2 `{id}`", path.display(), &r[0]);
                }
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let least = if name.starts_with("rows-") {
                40
            } else if ["de", "fr", "es"].iter().any(|l| name.ends_with(&format!("-{l}-holdout.csv"))) {
                75
            } else if ["de", "fr", "es"].iter().any(|l| name.ends_with(&format!("-{l}.csv"))) {
                150
            } else {
                200
            };
            assert!(rows >= least, "{}: {rows} rows", path.display());
        }
    }

    #[test]
    fn a_one_word_match_is_not_trusted() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let found = m.suggest("Coffee machine is cleaned on Fridays.", Framework::Iso2022, 1);
        assert_eq!(found[0].why, ["coffee (keywords)"]);
        assert!(found[0].score < TEXT_AUTO, "{}", found[0].score);
    }

    #[test]
    fn nothing_known_gives_no_candidates() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        assert!(m.suggest("zzz qqq", Framework::Tsc2017, 3).is_empty());
        assert!(m.suggest("", Framework::Iso2022, 3).is_empty());
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

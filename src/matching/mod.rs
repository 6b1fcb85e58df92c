//! Placing rows that have no usable id: by title first (a row whose title is a catalog title), then by text.
//!
//! The text matcher ([`Matcher`]) ranks the controls of a catalog for a free-text statement: the statement is
//! normalised ([`normalise`]), looked up in a BM25F index over per-control profiles ([`index`]: title,
//! description and the keywords of `mappings/profiles.csv`), and every candidate carries the terms and fields
//! that made it. Same input, same output: ties break by id.

mod candidate;
pub mod index;
pub mod normalise;

pub use candidate::Candidate;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Deserialize;

use crate::catalog::{read_rows, Catalog, CatalogError, Catalogs, DataFiles, EntryKind};
use crate::ids::{ControlId, Framework};
use crate::import::{ImportedRow, MatchedBy, Review};
use crate::issue::Location;
use index::{Index, Params, Profile, QueryTerm};
use normalise::Normaliser;

/// Title similarity at or above which a title match is trusted without review.
pub const TITLE_AUTO: f64 = 0.92;

/// Text-match score below which a match needs review (calibrated on the held-out split, see docs/matching.md).
pub const TEXT_AUTO: f64 = 0.94;

/// Score at most of a row whose title is mostly words no profile knows (below every sensible `--min-score`).
pub const UNFAMILIAR_SCORE: f64 = 0.5;

/// Runner-up candidates kept on a row matched by text.
pub const RUNNERS_UP: usize = 3;

/// Terms shown per candidate.
const WHY_TERMS: usize = 6;

/// Process words: how a control is run, not what it is about (`Usage of crypto. The business defines cryptography
/// usage rules`: the subject is cryptography). They weigh [`index::Params::generic_weight`] of a subject word, and a
/// text whose best match rests on them alone is about no security topic.
const PROCESS_WORDS: &[&str] = &[
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

/// What the text matcher made of a row: candidates best first, and how many subject words (not process words) the
/// best one holds; none means the row is about no topic the profiles know.
pub struct RowMatch {
    pub candidates: Vec<Candidate>,
    pub subject_hits: usize,
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
        let RowMatch { candidates: mut found, subject_hits } =
            text.matcher.suggest_row(title, body, catalog.framework, RUNNERS_UP + 1);
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

/// The per-control profiles of one catalog, ranked for free text.
struct Target {
    ids: Vec<ControlId>,
    titles: Vec<String>,
    normalised_titles: Vec<String>,
    /// Letter counts of each normalised title.
    title_counts: Vec<index::LetterCounts>,
    index: Index,
}

/// The text matcher over both target catalogs (ISO 27001:2022 Annex A and assessable clauses; SOC 2 criteria).
pub struct Matcher {
    norm: Normaliser,
    iso: Target,
    tsc: Target,
    /// Per ISO document: the SOC 2 documents it maps to, with strength / 10.
    bridge: Vec<Vec<(usize, f32)>>,
    params: Params,
    /// Stems of the process words.
    generic: HashSet<String>,
}

/// The counts of a prior in the form of `mappings/bridge-prior.csv` (`iso,tsc,count`: how often the dev statements
/// that name an ISO control name each SOC 2 criterion, written by `cargo run --example bench_matcher --
/// --write-prior` from the dev splits only) by (ISO document, SOC 2 document); rows naming unknown
/// ids are skipped.
fn prior_counts(prior: &str, iso: &Target, tsc: &Target) -> HashMap<(usize, usize), u32> {
    let mut out = HashMap::default();
    for line in prior.lines().skip(1) {
        let mut cells = line.split(',');
        let (Some(a), Some(b), Some(n)) = (cells.next(), cells.next(), cells.next()) else { continue };
        let (Some(i), Some(t), Ok(n)) = (
            iso.ids.iter().position(|x| x.as_str() == a),
            tsc.ids.iter().position(|x| x.as_str() == b),
            n.trim().parse::<u32>(),
        ) else {
            continue;
        };
        out.insert((i, t), n);
    }
    out
}

/// A text's queries and raw scores against the catalogs (SOC 2 left empty when no ranking needs it).
struct Prepared {
    iso_query: Vec<QueryTerm>,
    iso_scores: Vec<f32>,
    tsc_query: Vec<QueryTerm>,
    tsc_scores: Vec<f32>,
}

#[derive(Deserialize)]
struct ProfileRow {
    id: String,
    keywords: String,
}

impl Matcher {
    /// Builds the matcher from `profiles.csv`, `synonyms.csv` and the catalogs.
    pub fn new(files: &DataFiles, catalogs: &Catalogs) -> Result<Matcher, CatalogError> {
        Matcher::with_params(files, catalogs, Params::default())
    }

    /// As [`Matcher::new`] with explicit ranking parameters (for tuning).
    pub fn with_params(files: &DataFiles, catalogs: &Catalogs, params: Params) -> Result<Matcher, CatalogError> {
        Matcher::with_prior(files, catalogs, params, &files.bridge_prior.text)
    }

    /// As [`Matcher::with_params`] with another bridge prior than the data files' (`iso,tsc,count`): the benchmark
    /// scores each dev split with a prior counted from the other, so that its figures do not include the prior
    /// having seen their labels.
    pub fn with_prior(
        files: &DataFiles,
        catalogs: &Catalogs,
        params: Params,
        prior: &str,
    ) -> Result<Matcher, CatalogError> {
        let (pairs, _) = crate::mapping::parse(&files.mapping, catalogs);
        Matcher::build(files, catalogs, params, prior, &pairs)
    }

    /// As [`Matcher::new`] with the bridge from SOC 2 to ISO built from `pairs`: the effective mapping, `--mapping`
    /// overlays applied, so that a pair an overlay adds or removes also counts, or stops counting, in text matches.
    pub fn with_pairs(
        files: &DataFiles,
        catalogs: &Catalogs,
        pairs: &[crate::mapping::Pair],
    ) -> Result<Matcher, CatalogError> {
        Matcher::build(files, catalogs, Params::default(), &files.bridge_prior.text, pairs)
    }

    fn build(
        files: &DataFiles,
        catalogs: &Catalogs,
        params: Params,
        prior: &str,
        pairs: &[crate::mapping::Pair],
    ) -> Result<Matcher, CatalogError> {
        let mut norm = Normaliser::new(&files.synonyms)?;
        let mut keywords: HashMap<String, Vec<String>> = HashMap::default();
        for (line, row) in read_rows::<ProfileRow>(&files.profiles)? {
            if !catalogs.iso2022.contains(&row.id) && !catalogs.tsc.contains(&row.id) {
                return Err(CatalogError {
                    at: Location::file(&files.profiles.name).row(line),
                    message: format!("`{}` is neither an ISO 27001:2022 id nor a SOC 2 criterion", row.id),
                });
            }
            let words = row.keywords.split(';').map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
            keywords.entry(row.id).or_default().extend(words);
        }
        // Stem every distinct word once: the profiles repeat their words many times over.
        let mut distinct: HashSet<String> = HashSet::default();
        let texts = keywords.values().flatten().map(String::as_str).chain(
            catalogs
                .iso2022
                .entries
                .iter()
                .chain(&catalogs.tsc.entries)
                .flat_map(|e| [e.title.as_str(), e.description.as_str(), e.series_title.as_str()]),
        );
        for text in texts {
            distinct.extend(norm.words(text).into_iter().map(|(w, _, _)| w));
        }
        norm.remember_stems(&distinct);
        let iso = catalogs
            .iso2022
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Annex || (e.kind == EntryKind::Clause && e.assessable));
        let generic: HashSet<String> = PROCESS_WORDS.iter().map(|w| norm.stem(w)).collect();
        let mut iso = Target::build(iso, &keywords, &norm, params);
        let mut tsc = Target::build(catalogs.tsc.entries.iter(), &keywords, &norm, params);
        iso.index.mark_generic(&generic);
        tsc.index.mark_generic(&generic);
        let mut bridge = vec![Vec::new(); iso.ids.len()];
        for pair in pairs {
            let (Some(source), Some(target)) = (&pair.source, &pair.target) else { continue };
            if pair.relationship == crate::mapping::Relationship::None {
                continue;
            }
            let (Some(i), Some(t)) = (iso.position(source), tsc.position(target)) else { continue };
            bridge[i].push((t, f32::from(pair.strength) / 10.0));
        }
        if params.prior_mix > 0.0 {
            let counts = prior_counts(prior, &iso, &tsc);
            for (i, links) in bridge.iter_mut().enumerate() {
                let total: u32 = links.iter().map(|&(t, _)| counts.get(&(i, t)).copied().unwrap_or(0)).sum();
                if total == 0 {
                    continue;
                }
                for (t, strength) in links.iter_mut() {
                    let share = counts.get(&(i, *t)).copied().unwrap_or(0) as f32 / total as f32;
                    *strength = (1.0 - params.prior_mix) * *strength + params.prior_mix * share;
                }
            }
        }
        Ok(Matcher { norm, iso, tsc, bridge, params, generic })
    }

    /// The built-in profiles over the given catalogs.
    pub fn builtin(catalogs: &Catalogs) -> Result<Matcher, CatalogError> {
        Matcher::new(&DataFiles::builtin(), catalogs)
    }

    fn target(&self, framework: Framework) -> &Target {
        match framework {
            Framework::Tsc2017 => &self.tsc,
            _ => &self.iso,
        }
    }

    /// The queries and raw scores of `text` for the catalogs a ranking of `to` needs.
    fn prepare(&self, text: &str, to: Framework) -> Prepared {
        let tokens = self.norm.tokens(text);
        let iso_query = self.iso.index.prepare_tokens(&tokens, &self.norm);
        let iso_scores = self.iso.index.scores(&iso_query);
        let (tsc_query, tsc_scores) = if to == Framework::Tsc2017 {
            let q = self.tsc.index.prepare_tokens(&tokens, &self.norm);
            let s = self.tsc.index.scores(&q);
            (q, s)
        } else {
            (Vec::new(), Vec::new())
        };
        Prepared { iso_query, iso_scores, tsc_query, tsc_scores }
    }

    /// As [`Matcher::prepare`] for a row's title and description: the title's words weigh more.
    fn prepare_row(&self, title: &str, text: &str, to: Framework) -> Prepared {
        let (title, text) = (self.norm.tokens(title), self.norm.tokens(text));
        let query = |index: &Index| {
            index.merge(index.prepare_tokens(&title, &self.norm), index.prepare_tokens(&text, &self.norm))
        };
        let iso_query = query(&self.iso.index);
        let iso_scores = self.iso.index.scores(&iso_query);
        let (tsc_query, tsc_scores) = if to == Framework::Tsc2017 {
            let q = query(&self.tsc.index);
            let s = self.tsc.index.scores(&q);
            (q, s)
        } else {
            (Vec::new(), Vec::new())
        };
        Prepared { iso_query, iso_scores, tsc_query, tsc_scores }
    }

    /// The `top` best controls of `to` for a row with a title and a description (either may be empty), and how many
    /// subject words the best one holds.
    pub fn suggest_row(&self, title: &str, text: &str, to: Framework, top: usize) -> RowMatch {
        let p = self.prepare_row(title, text, to);
        let shown = if title.trim().is_empty() { text } else { title };
        let mut candidates = self.suggest_prepared(shown, &p, to, top);
        let target = self.target(to);
        // A title made mostly of words no profile knows (`Meeting room booking etiquette`) is about something else,
        // whatever one shared word says: its match is never certain.
        let unknown = self.unknown_title_words(title, to);
        if !unknown.is_empty() && candidates.first().is_some_and(|c| !c.why[0].starts_with("title match")) {
            for c in &mut candidates {
                c.score = c.score.min(UNFAMILIAR_SCORE);
                c.why.push(format!("title words no control profile knows: {}", unknown.join(", ")));
            }
        }
        let query = if to == Framework::Tsc2017 { &p.tsc_query } else { &p.iso_query };
        let subject_hits = match candidates.first() {
            Some(c) if c.why.first().is_some_and(|w| w.starts_with("title match")) => usize::MAX,
            Some(c) => target.position(&c.id).map_or(0, |d| target.index.subject_hits(query, d)),
            None => 0,
        };
        RowMatch { candidates, subject_hits }
    }

    /// The subject words of a title that neither catalog's profiles know nor correct as a typo, when they are at
    /// least half of its subject words (two or more); else none.
    fn unknown_title_words(&self, title: &str, to: Framework) -> Vec<String> {
        let index = &self.target(to).index;
        let other = &self.target(if to == Framework::Tsc2017 { Framework::Iso2022 } else { Framework::Tsc2017 }).index;
        let mut subject = 0;
        let mut unknown = Vec::new();
        for t in self.norm.tokens(title) {
            if t.share < 1.0 || t.word.chars().count() < 3 || !t.word.chars().all(char::is_alphabetic) {
                continue;
            }
            if self.generic.contains(&t.stem) {
                continue;
            }
            subject += 1;
            let known = index.knows_word(&t.word)
                || other.knows_word(&t.word)
                || self.norm.knows(&t.word)
                || index.has_stem(&t.stem)
                || index.correct(&t.word).is_some();
            if !known {
                unknown.push(t.word.clone());
            }
        }
        if subject >= 2 && unknown.len() * 2 >= subject {
            unknown
        } else {
            Vec::new()
        }
    }

    /// Every control of `to` with a positive score for `text`, best first (ties by id), with the rank value and
    /// the ISO control whose mapping carried a SOC 2 criterion, if any.
    pub fn rank(&self, text: &str, to: Framework) -> Vec<Ranked> {
        self.rank_prepared(&self.prepare(text, to), to)
    }

    /// The ranking of `to`: text scores relative to the best; for SOC 2, plus what the best ISO controls carry over
    /// the curated mapping (the finer ISO profiles sharpen the broad criteria).
    fn rank_prepared(&self, p: &Prepared, to: Framework) -> Vec<Ranked> {
        let mut values = match to {
            Framework::Tsc2017 => p.tsc_scores.clone(),
            _ => p.iso_scores.clone(),
        };
        let mut via: Vec<Option<(usize, f32)>> = vec![None; values.len()];
        let top = values.iter().copied().fold(0.0f32, f32::max);
        let iso = &p.iso_scores;
        let iso_top = iso.iter().copied().fold(0.0f32, f32::max);
        let norm = if to == Framework::Tsc2017 { top.max(self.params.text_floor * iso_top) } else { top };
        if norm > 0.0 {
            for v in &mut values {
                *v /= norm;
            }
        }
        if to == Framework::Tsc2017 && self.params.bridge_weight > 0.0 && iso_top > 0.0 {
            let mut order: Vec<usize> = (0..iso.len()).filter(|&d| iso[d] > 0.0).collect();
            order.sort_by(|&a, &b| iso[b].total_cmp(&iso[a]).then(a.cmp(&b)));
            for &i in order.iter().take(self.params.bridge_depth) {
                let w = iso[i] / iso_top;
                for &(t, strength) in &self.bridge[i] {
                    let add = self.params.bridge_weight * w * strength;
                    values[t] += add;
                    if via[t].is_none_or(|(_, a)| add > a) {
                        via[t] = Some((i, add));
                    }
                }
            }
        }
        let mut order: Vec<usize> = (0..values.len()).filter(|&d| values[d] > 0.0).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
        order
            .into_iter()
            .map(|d| Ranked { doc: d, value: values[d], via: via[d].map(|(i, _)| i), evidence: top })
            .collect()
    }

    /// The `top` best controls of `to` for `text`, best first, each with a 0..1 score and the reason.
    pub fn suggest(&self, text: &str, to: Framework, top: usize) -> Vec<Candidate> {
        self.suggest_prepared(text, &self.prepare(text, to), to, top)
    }

    /// [`Matcher::suggest`] for both catalogs at once (ISO 27001:2022, SOC 2), normalising the text once.
    pub fn suggest_both(&self, text: &str, top: usize) -> [Vec<Candidate>; 2] {
        let p = self.prepare(text, Framework::Tsc2017);
        [
            self.suggest_prepared(text, &p, Framework::Iso2022, top),
            self.suggest_prepared(text, &p, Framework::Tsc2017, top),
        ]
    }

    fn suggest_prepared(&self, text: &str, p: &Prepared, to: Framework, top: usize) -> Vec<Candidate> {
        let target = self.target(to);
        let mut out: Vec<Candidate> = Vec::with_capacity(top);
        if top == 0 {
            return out;
        }
        if let Some((doc, similarity)) = target.title_match(text) {
            out.push(Candidate {
                id: target.ids[doc].clone(),
                score: similarity,
                title: target.titles[doc].clone(),
                why: vec![format!("title match ({similarity:.2})")],
            });
        }
        let query = match to {
            Framework::Tsc2017 => &p.tsc_query,
            _ => &p.iso_query,
        };
        let ranked = self.rank_prepared(p, to);
        let best = ranked.first().map_or(0.0, |r| r.value);
        let second = ranked.get(1).map_or(0.0, |r| r.value);
        // Only subject words make a lead trustworthy: `published on the intranet` fits many policies.
        let hits = ranked.first().map_or(0, |r| target.index.subject_hits(query, r.doc));
        for r in ranked.iter().take(top + 1) {
            if out.len() >= top {
                break;
            }
            if out.iter().any(|c| c.id == target.ids[r.doc]) {
                continue;
            }
            let rival = if r.doc == ranked[0].doc { second } else { best };
            let mut why = target.index.explain(query, r.doc, WHY_TERMS);
            if let Some(i) = r.via {
                why.push(format!("via {} {} (mapping)", self.iso.ids[i], self.iso.titles[i]));
            }
            out.push(Candidate {
                id: target.ids[r.doc].clone(),
                score: confidence(r.value, rival, r.evidence, hits, to),
                title: target.titles[r.doc].clone(),
                why,
            });
        }
        out
    }

    /// How many distinct terms of `text` the best control of `to` holds (for calibration).
    pub fn hits(&self, text: &str, to: Framework) -> usize {
        let target = self.target(to);
        let query = target.index.prepare(text, &self.norm);
        self.rank(text, to).first().map_or(0, |r| target.index.subject_hits(&query, r.doc))
    }

    /// `text` with each word the profiles of `to` do not know replaced by the profile word it is a typo of, and the
    /// corrections made (`maskitg -> masking`); `None` when nothing was corrected.
    pub fn correct_typos(&self, text: &str, to: Framework) -> Option<(String, String)> {
        let index = &self.target(to).index;
        let mut fixes = Vec::new();
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| {
                let lower = w.to_lowercase();
                if index.knows_word(&lower) || self.norm.knows(&lower) {
                    return w.to_string();
                }
                match index.correct(&lower) {
                    Some(fixed) => {
                        fixes.push(format!("{lower} -> {fixed}"));
                        fixed.to_string()
                    }
                    None => w.to_string(),
                }
            })
            .collect();
        (!fixes.is_empty()).then(|| (words.join(" "), fixes.join(", ")))
    }

    /// The id of a ranked document of `to`.
    pub fn id(&self, to: Framework, doc: usize) -> &ControlId {
        &self.target(to).ids[doc]
    }
}

/// One control in a ranking.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Position in the catalog (ties break on it).
    pub doc: usize,
    /// Rank value: text score relative to the best (1.0), plus what the mapping carried over for SOC 2.
    pub value: f32,
    /// SOC 2 only: the ISO control (its document number) that carried most over the mapping.
    pub via: Option<usize>,
    /// Raw text score of the best control: how much the statement said that the profiles know.
    pub evidence: f32,
}

/// A 0..1 score from the rank value of a candidate, its strongest rival and the evidence behind the ranking: a
/// logistic curve fitted on the dev statements (both files), so that the score reads roughly as the chance the
/// candidate is right.
pub fn confidence(value: f32, rival: f32, evidence: f32, hits: usize, to: Framework) -> f64 {
    if value <= 0.0 {
        return 0.0;
    }
    if hits == 0 {
        // Process words alone (`rules published on the intranet`): no topic to be confident about.
        return 0.25;
    }
    // A lead over the rivals counts fully only when it rests on three or more terms: one rare word alone makes a
    // clear but unreliable winner.
    let margin = f64::from((value - rival) / value) * hits.min(3) as f64 / 3.0;
    let evidence = f64::from(evidence.max(1e-3)).ln();
    let hits = (1.0 + hits as f64).ln();
    let (a, b, c, d) = match to {
        Framework::Tsc2017 => CURVE_TSC,
        _ => CURVE_ISO,
    };
    1.0 / (1.0 + (-(a + b * margin + c * evidence + d * hits)).exp())
}

/// Logistic curves (intercept, margin × min(terms matched by the best, 3) / 3, ln evidence, ln(1 + terms matched by
/// the best)), fitted on the dev statements.
const CURVE_ISO: (f64, f64, f64, f64) = (-4.610, 6.633, 1.560, -0.628);
const CURVE_TSC: (f64, f64, f64, f64) = (0.036, 5.496, 0.200, -0.111);

impl Target {
    fn build<'a>(
        entries: impl Iterator<Item = &'a crate::catalog::Entry>,
        keywords: &HashMap<String, Vec<String>>,
        norm: &Normaliser,
        params: Params,
    ) -> Target {
        let entries: Vec<&crate::catalog::Entry> = entries.collect();
        let profiles: Vec<Profile> = entries
            .iter()
            .map(|e| Profile {
                title: e.title.clone(),
                description: if e.series_title.is_empty() {
                    e.description.clone()
                } else {
                    format!("{}. {}", e.series_title, e.description)
                },
                keywords: keywords.get(e.id.as_str()).cloned().unwrap_or_default(),
            })
            .collect();
        Target {
            ids: entries.iter().map(|e| e.id.clone()).collect(),
            titles: entries.iter().map(|e| e.title.clone()).collect(),
            normalised_titles: entries.iter().map(|e| normalise_title(&e.title)).collect(),
            title_counts: entries.iter().map(|e| index::letter_counts(&normalise_title(&e.title))).collect(),
            index: Index::build(&profiles, norm, params),
        }
    }

    fn position(&self, id: &ControlId) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    /// The control whose title the (short) text is, if any.
    fn title_match(&self, text: &str) -> Option<(usize, f64)> {
        if text.len() > 100 {
            return None;
        }
        let wanted = normalise_title(text);
        if wanted.len() < 4 {
            return None;
        }
        // A similarity of TITLE_AUTO needs lengths within (1 - TITLE_AUTO) of each other: skip the rest unmeasured.
        let len = wanted.chars().count() as f64;
        let counts = index::letter_counts(&wanted);
        self.normalised_titles
            .iter()
            .enumerate()
            .filter(|(d, t)| {
                let tl = t.chars().count() as f64;
                let slack = (1.0 - TITLE_AUTO) * tl.max(len) + 1e-9;
                (tl - len).abs() <= slack && index::distance_bound(&counts, &self.title_counts[*d]) as f64 <= slack
            })
            .map(|(d, t)| (d, strsim::normalized_levenshtein(&wanted, t)))
            .filter(|&(_, s)| s >= TITLE_AUTO)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
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
    fn every_bridge_prior_row_names_a_mapped_pair() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let prior = DataFiles::builtin().bridge_prior.text;
        let counts = prior_counts(&prior, &m.iso, &m.tsc);
        let rows = prior.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        assert_eq!(counts.len(), rows, "a row names an unknown id or a bad count");
        assert!(counts.values().all(|&n| n > 0));
    }

    /// The best SOC 2 criterion for `text` under `params` over the built-in data.
    fn best_criterion(text: &str, params: Params) -> Candidate {
        let m = Matcher::with_params(&DataFiles::builtin(), &Catalogs::builtin(), params).unwrap();
        m.suggest(text, Framework::Tsc2017, 1).remove(0)
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
            } else if ["-de", "-fr", "-es"].iter().any(|l| name.contains(l)) {
                0
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
    fn typos_are_corrected_but_other_words_are_left_alone() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let labels = |text: &str| -> Vec<String> {
            m.tsc.index.prepare(text, &m.norm).into_iter().map(|q| q.label).filter(|l| l.contains("->")).collect()
        };
        // `criminal` is an ISO profile word: not a typo of the SOC 2 profiles' `critical`.
        assert_eq!(labels("criminal record checks; launch shown"), Vec::<String>::new());
        assert_eq!(labels("vendr reviw"), ["vendr -> vendor", "reviw -> review", "vendr -> vendor reviw -> review"]);
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

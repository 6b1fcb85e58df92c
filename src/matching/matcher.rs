//! The text matcher: per-control profiles of both catalogs indexed once per language, statements ranked against
//! them, SOC 2 criteria sharpened through the ISO ranking and the curated mapping, scores calibrated to read as the
//! chance a candidate is right. English is built at once; German, French and Spanish on first use.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::index::{self, Index, Params, Profile, QueryTerm};
use super::lang::{Lang, LangChoice, Reading};
use super::lang_index::{Parts, Sources, PARTS};
use super::normalise::Normaliser;
use super::{normalise_title, RowMatch, PROCESS_WORDS, TITLE_AUTO, UNFAMILIAR_SCORE, WHY_TERMS};
use crate::catalog::{CatalogError, Catalogs, DataFiles, EntryKind};
use crate::ids::{ControlId, Framework};
use crate::import::Candidate;
/// The per-control profiles of one catalog, ranked for free text.
pub(super) struct Target {
    pub(super) ids: Vec<ControlId>,
    pub(super) titles: Vec<String>,
    normalised_titles: Vec<String>,
    /// Letter counts of each normalised title.
    title_counts: Vec<index::LetterCounts>,
    pub(super) index: Index,
}

/// One language's reading of both catalogs: its normaliser, an index per catalog, the stems of its process words.
pub(super) struct Analysis {
    pub(super) norm: Normaliser,
    pub(super) iso: Target,
    pub(super) tsc: Target,
    /// Stems of the process words.
    pub(super) generic: HashSet<String>,
}

impl Analysis {
    fn target(&self, framework: Framework) -> &Target {
        match framework {
            Framework::Tsc2017 => &self.tsc,
            _ => &self.iso,
        }
    }
}

/// The text matcher over both target catalogs (ISO 27001:2022 Annex A and assessable clauses; SOC 2 criteria).
pub struct Matcher {
    en: Analysis,
    /// German, French and Spanish, in the order of [`Lang::ALL`] after English: built on first use (`None` only
    /// if their data could not be read, which [`Matcher::new`] has already ruled out).
    others: [OnceLock<Option<Analysis>>; 3],
    sources: Sources,
    /// Per ISO document: the SOC 2 documents it maps to, with strength / 10.
    bridge: Vec<Vec<(usize, f32)>>,
    params: Params,
    choice: LangChoice,
    /// What the other languages' profiles hold besides their own keywords.
    parts: Parts,
}

/// The counts of a prior in the form of `mappings/bridge-prior.csv` (`iso,tsc,count`: how often the dev statements
/// that name an ISO control name each SOC 2 criterion, written by `cargo run --example bench_matcher --
/// --write-prior` from the dev splits only) by (ISO document, SOC 2 document); rows naming unknown ids are skipped.
pub(super) fn prior_counts(prior: &str, iso: &Target, tsc: &Target) -> HashMap<(usize, usize), u32> {
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

impl Matcher {
    /// Builds the matcher from `profiles.csv`, `synonyms.csv` and the catalogs.
    pub fn new(files: &DataFiles, catalogs: &Catalogs) -> Result<Matcher, CatalogError> {
        Matcher::with_params(files, catalogs, Params::default())
    }

    /// As [`Matcher::new`] with explicit ranking parameters (for tuning).
    pub fn with_params(files: &DataFiles, catalogs: &Catalogs, params: Params) -> Result<Matcher, CatalogError> {
        Matcher::with_prior(files, catalogs, params, &files.bridge_prior.text)
    }

    /// As [`Matcher::with_params`] with another bridge prior (`iso,tsc,count`, as `mappings/bridge-prior.csv`): the benchmark
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

    /// The same matcher reading statements as `choice` says (`--lang`): detected per statement, or all one language.
    pub fn reading_as(mut self, choice: LangChoice) -> Matcher {
        self.choice = choice;
        self
    }

    /// The same matcher with other parts in the German, French and Spanish profiles (for measuring them).
    pub fn with_lang_parts(mut self, parts: Parts) -> Matcher {
        self.parts = parts;
        self.others = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        self
    }

    fn build(
        files: &DataFiles,
        catalogs: &Catalogs,
        params: Params,
        prior: &str,
        pairs: &[crate::mapping::Pair],
    ) -> Result<Matcher, CatalogError> {
        let mut norm = Normaliser::new(&files.synonyms)?;
        let keywords = super::lang_index::read_keywords(&files.profiles, catalogs)?;
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
        let iso_entries: Vec<&crate::catalog::Entry> = catalogs
            .iso2022
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Annex || (e.kind == EntryKind::Clause && e.assessable))
            .collect();
        let tsc_entries: Vec<&crate::catalog::Entry> = catalogs.tsc.entries.iter().collect();
        let sources = Sources::read(files, catalogs, &iso_entries, &tsc_entries, &keywords, &distinct)?;
        let generic: HashSet<String> = PROCESS_WORDS.iter().map(|w| norm.stem(w)).collect();
        let mut iso = Target::build(&iso_entries, &sources.iso.profiles, &norm, params);
        let mut tsc = Target::build(&tsc_entries, &sources.tsc.profiles, &norm, params);
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
        let en = Analysis { norm, iso, tsc, generic };
        let others = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        Ok(Matcher { en, others, sources, bridge, params, choice: LangChoice::Auto, parts: PARTS })
    }

    /// The language `text` is read in: forced by `--lang`, else detected.
    pub fn reading(&self, text: &str) -> Reading {
        match self.choice.forced() {
            Some(lang) => Reading { lang, detected: false },
            None => Reading { lang: super::lang::detect_with(text, &self.sources.lexicons), detected: true },
        }
    }

    /// The analysis of `lang`, built on first use.
    fn analysis(&self, lang: Lang) -> &Analysis {
        if lang == Lang::En {
            return &self.en;
        }
        let slot = &self.others[lang.index() - 1];
        slot.get_or_init(|| super::lang_index::build(lang, &self.sources, self.params, self.parts))
            .as_ref()
            .unwrap_or(&self.en)
    }

    /// The built-in profiles over the given catalogs.
    pub fn builtin(catalogs: &Catalogs) -> Result<Matcher, CatalogError> {
        Matcher::new(&DataFiles::builtin(), catalogs)
    }

    /// The queries and raw scores of `text` for the catalogs a ranking of `to` needs.
    fn prepare(a: &Analysis, text: &str, to: Framework) -> Prepared {
        let tokens = a.norm.tokens(text);
        let iso_query = a.iso.index.prepare_tokens(&tokens, &a.norm);
        let iso_scores = a.iso.index.scores(&iso_query);
        let (tsc_query, tsc_scores) = if to == Framework::Tsc2017 {
            let q = a.tsc.index.prepare_tokens(&tokens, &a.norm);
            let s = a.tsc.index.scores(&q);
            (q, s)
        } else {
            (Vec::new(), Vec::new())
        };
        Prepared { iso_query, iso_scores, tsc_query, tsc_scores }
    }

    /// As [`Matcher::prepare`] for a row's title and description: the title's words weigh more.
    fn prepare_row(a: &Analysis, title: &str, text: &str, to: Framework) -> Prepared {
        let (title, text) = (a.norm.tokens(title), a.norm.tokens(text));
        let query =
            |index: &Index| index.merge(index.prepare_tokens(&title, &a.norm), index.prepare_tokens(&text, &a.norm));
        let iso_query = query(&a.iso.index);
        let iso_scores = a.iso.index.scores(&iso_query);
        let (tsc_query, tsc_scores) = if to == Framework::Tsc2017 {
            let q = query(&a.tsc.index);
            let s = a.tsc.index.scores(&q);
            (q, s)
        } else {
            (Vec::new(), Vec::new())
        };
        Prepared { iso_query, iso_scores, tsc_query, tsc_scores }
    }

    /// The `top` best controls of `to` for a row with a title and a description (either may be empty), how many
    /// subject words the best one holds, and the language the row was read in.
    pub fn suggest_row(&self, title: &str, text: &str, to: Framework, top: usize) -> RowMatch {
        let reading = self.reading(&format!("{title}\n{text}"));
        let a = self.analysis(reading.lang);
        let p = Self::prepare_row(a, title, text, to);
        let shown = if title.trim().is_empty() { text } else { title };
        let mut candidates = self.suggest_prepared(a, shown, &p, to, top);
        let target = a.target(to);
        // A title made mostly of words no profile knows (`Meeting room booking etiquette`) is about something else,
        // whatever one shared word says: its match is never certain.
        let unknown = unknown_title_words(a, title, to);
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
        RowMatch { candidates, subject_hits, reading }
    }

    /// Every control of `to` with a positive score for `text`, best first (ties by id), with the rank value and
    /// the ISO control whose mapping carried a SOC 2 criterion, if any.
    pub fn rank(&self, text: &str, to: Framework) -> Vec<Ranked> {
        let a = self.analysis(self.reading(text).lang);
        self.rank_prepared(&Self::prepare(a, text, to), to)
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
        self.suggest_in(self.reading(text).lang, text, to, top)
    }

    /// [`Matcher::suggest`] with `text` read in `lang` (from [`Matcher::reading`], when the caller needs it too).
    pub fn suggest_in(&self, lang: Lang, text: &str, to: Framework, top: usize) -> Vec<Candidate> {
        let a = self.analysis(lang);
        self.suggest_prepared(a, text, &Self::prepare(a, text, to), to, top)
    }

    /// [`Matcher::suggest`] for both catalogs at once (ISO 27001:2022, SOC 2), normalising the text once.
    pub fn suggest_both(&self, text: &str, top: usize) -> [Vec<Candidate>; 2] {
        let a = self.analysis(self.reading(text).lang);
        let p = Self::prepare(a, text, Framework::Tsc2017);
        [
            self.suggest_prepared(a, text, &p, Framework::Iso2022, top),
            self.suggest_prepared(a, text, &p, Framework::Tsc2017, top),
        ]
    }

    fn suggest_prepared(&self, a: &Analysis, text: &str, p: &Prepared, to: Framework, top: usize) -> Vec<Candidate> {
        let target = a.target(to);
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
        let curve = super::calibration::curve(to);
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
                why.push(format!("via {} {} (mapping)", a.iso.ids[i], a.iso.titles[i]));
            }
            out.push(Candidate {
                id: target.ids[r.doc].clone(),
                score: super::calibration::confidence_on(curve, r.value, rival, r.evidence, hits),
                title: target.titles[r.doc].clone(),
                why,
            });
        }
        out
    }

    /// How many distinct terms of `text` the best control of `to` holds (for calibration).
    pub fn hits(&self, text: &str, to: Framework) -> usize {
        let a = self.analysis(self.reading(text).lang);
        let target = a.target(to);
        let query = target.index.prepare(text, &a.norm);
        self.rank(text, to).first().map_or(0, |r| target.index.subject_hits(&query, r.doc))
    }

    /// `text` with each word the profiles of `to` do not know replaced by the profile word it is a typo of, and the
    /// corrections made (`maskitg -> masking`); `None` when nothing was corrected. Titles are corrected against the
    /// English profiles (catalog titles are English).
    pub fn correct_typos(&self, text: &str, to: Framework) -> Option<(String, String)> {
        let index = &self.en.target(to).index;
        let mut fixes = Vec::new();
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| {
                let lower = w.to_lowercase();
                if index.knows_word(&lower) || self.en.norm.knows(&lower) {
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
        &self.en.target(to).ids[doc]
    }
}

/// The subject words of a title that neither catalog's profiles know nor correct as a typo, when they are at least
/// half of its subject words (two or more); else none.
fn unknown_title_words(a: &Analysis, title: &str, to: Framework) -> Vec<String> {
    let index = &a.target(to).index;
    let other = &a.target(if to == Framework::Tsc2017 { Framework::Iso2022 } else { Framework::Tsc2017 }).index;
    let mut subject = 0;
    let mut unknown = Vec::new();
    for t in a.norm.tokens(title) {
        if t.share < 1.0 || t.word.chars().count() < 3 || !t.word.chars().all(char::is_alphabetic) {
            continue;
        }
        if a.generic.contains(&t.stem) {
            continue;
        }
        subject += 1;
        let known = index.knows_word(&t.word)
            || other.knows_word(&t.word)
            || a.norm.knows(&t.word)
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

impl Target {
    /// The target over `entries` (catalog order, which breaks ties) with their `profiles`, in the same order.
    pub(super) fn build(
        entries: &[&crate::catalog::Entry],
        profiles: &[Profile],
        norm: &Normaliser,
        params: Params,
    ) -> Target {
        Target {
            ids: entries.iter().map(|e| e.id.clone()).collect(),
            titles: entries.iter().map(|e| e.title.clone()).collect(),
            normalised_titles: entries.iter().map(|e| normalise_title(&e.title)).collect(),
            title_counts: entries.iter().map(|e| index::letter_counts(&normalise_title(&e.title))).collect(),
            index: Index::build(profiles, norm, params),
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
    fn every_bridge_prior_row_names_a_mapped_pair() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let prior = crate::catalog::DataFiles::builtin().bridge_prior.text;
        let counts = prior_counts(&prior, &m.en.iso, &m.en.tsc);
        let rows = prior.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        assert_eq!(counts.len(), rows, "a row names an unknown id or a bad count");
        assert!(counts.values().all(|&n| n > 0));
    }

    #[test]
    fn typos_are_corrected_but_other_words_are_left_alone() {
        let c = Catalogs::builtin();
        let m = Matcher::builtin(&c).unwrap();
        let labels = |text: &str| -> Vec<String> {
            m.en.tsc.index.prepare(text, &m.en.norm).into_iter().map(|q| q.label).filter(|l| l.contains("->")).collect()
        };
        // `criminal` is an ISO profile word: not a typo of the SOC 2 profiles' `critical`.
        assert_eq!(labels("criminal record checks; launch shown"), Vec::<String>::new());
        assert_eq!(labels("vendr reviw"), ["vendr -> vendor", "reviw -> review", "vendr -> vendor reviw -> review"]);
    }
}

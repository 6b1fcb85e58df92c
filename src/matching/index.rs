//! The ranked-retrieval index over per-control profiles: BM25F over weighted fields (title, description, keywords),
//! with word pairs as extra terms, typo correction against the index vocabulary, and explanations.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::normalise::{Normaliser, Token};

/// A profile field: where a term was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title = 0,
    Description = 1,
    Keywords = 2,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::Title, Field::Description, Field::Keywords];

    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Description => "description",
            Field::Keywords => "keywords",
        }
    }
}

/// Ranking parameters. The defaults were tuned on the dev splits of `fixtures/devset/` (never the held-out ones).
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// BM25 term-frequency saturation.
    pub k1: f32,
    /// BM25 length normalisation.
    pub b: f32,
    /// Weight of a term found in each field, in the order of [`Field::ALL`].
    pub weights: [f32; 3],
    /// Weight of a word pair relative to a single word.
    pub pair_weight: f32,
    /// Exponent on the inverse document frequency: above 1 quietens words most profiles share.
    pub idf_power: f32,
    /// SOC 2 only: weight of what the best ISO controls carry over through the curated mapping.
    pub bridge_weight: f32,
    /// SOC 2 only: how many of the best ISO controls carry over.
    pub bridge_depth: usize,
    /// SOC 2 only: share of a bridge link's strength taken from how often the dev statements that name the ISO
    /// control name the criterion (`mappings/bridge-prior.csv`); the rest from the curated mapping's strength.
    pub prior_mix: f32,
    /// Exponent on a query word's share (1/n for the n words of an expanded acronym): 0 counts every word fully.
    pub share_power: f32,
    /// SOC 2 only: the SOC 2 text scores are taken relative to the larger of their own best and this share of the
    /// best ISO text score, so that a statement the criteria profiles barely know leans on the ISO ranking.
    pub text_floor: f32,
    /// Weight of a process word (`usage`, `rules`, `reviewed`, `defined`) or a pair of them relative to a subject
    /// word (`cryptography`, `segregation`): the subject decides the control.
    pub generic_weight: f32,
    /// Weight of the words of a row's title relative to those of its description, in [`Index::merge`].
    pub title_boost: f32,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            k1: 1.2,
            b: 0.7,
            weights: [3.0, 1.0, 2.5],
            pair_weight: 1.0,
            idf_power: 1.5,
            bridge_weight: 0.9,
            bridge_depth: 1,
            share_power: 0.5,
            prior_mix: 0.5,
            text_floor: 0.85,
            generic_weight: 0.35,
            title_boost: 2.0,
        }
    }
}

/// The text of one profile, field by field.
#[derive(Debug, Clone)]
pub struct Profile {
    pub title: String,
    pub description: String,
    /// Keyword phrases (each its own phrase: pairs never cross two keywords).
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    /// idf × saturated, length-normalised, field-weighted term frequency.
    impact: f32,
    /// Bit per [`Field`] in which the term occurs.
    fields: u8,
}

/// One term of a prepared query.
#[derive(Debug, Clone)]
pub struct QueryTerm {
    term: u32,
    /// What the user wrote, as shown in an explanation (`access review`, `reviwed -> reviewed`).
    pub label: String,
    weight: f32,
}

/// A profile word kept for typo correction, with what makes most candidates cheap to rule out.
struct VocabularyWord {
    word: String,
    chars: usize,
    /// Bit per letter `a`..`z` present.
    letters: u32,
    /// Count of each letter `a`..`z` and of other characters.
    counts: LetterCounts,
}

/// Counts of `a`..`z` and of every other character in a text.
pub type LetterCounts = [u16; 27];

/// The [`LetterCounts`] of `text`: cheap to compare, and their difference bounds the edit distance from below.
pub fn letter_counts(text: &str) -> LetterCounts {
    let mut counts = [0u16; 27];
    for c in text.chars() {
        let i = if c.is_ascii_lowercase() { usize::from(c as u8 - b'a') } else { 26 };
        counts[i] = counts[i].saturating_add(1);
    }
    counts
}

/// A lower bound of the edit distance between texts with letter counts `a` and `b` (each edit fixes at most one
/// surplus and one shortfall): rules most candidates out before the distance is measured.
pub fn distance_bound(a: &LetterCounts, b: &LetterCounts) -> usize {
    let (mut more, mut less) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if x > y {
            more += usize::from(x - y);
        } else {
            less += usize::from(y - x);
        }
    }
    more.max(less)
}

/// Bit per letter `a`..`z` present in `word`.
fn letter_mask(word: &str) -> u32 {
    word.bytes().filter(u8::is_ascii_lowercase).fold(0, |m, b| m | 1 << (b - b'a'))
}

/// An index over the profiles of one catalog. Documents keep the order given (catalog id order), which breaks ties.
pub struct Index {
    docs: usize,
    terms: HashMap<String, u32>,
    postings: Vec<Vec<Posting>>,
    /// Words of the profiles (before stemming), grouped by first letter, for typo correction.
    vocabulary: HashMap<char, Vec<VocabularyWord>>,
    known_words: HashSet<String>,
    /// Per term: a process word, or a pair of two (see [`Params::generic_weight`]).
    generic: Vec<bool>,
    params: Params,
}

/// How many leading characters `a` and `b` share.
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Whether `a` and `b` differ by two swapped neighbouring letters.
fn is_transposition(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let diff: Vec<usize> = (0..a.len().min(b.len())).filter(|&i| a[i] != b[i]).collect();
    diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]]
}

/// The pair term of two stems, order-free so `access review` meets `review of access`.
fn pair_key(a: &str, b: &str) -> String {
    let mut key = String::with_capacity(a.len() + b.len() + 1);
    write_pair_key(&mut key, a, b);
    key
}

/// [`pair_key`] into a reused buffer.
fn write_pair_key(key: &mut String, a: &str, b: &str) {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    key.clear();
    key.push_str(first);
    key.push(' ');
    key.push_str(second);
}

/// Single stems and adjacent pairs within a phrase, each with its phrase-local position kept implicit.
fn terms_of(tokens: &[Token]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = tokens.iter().map(|t| (t.stem.clone(), false)).collect();
    for w in tokens.windows(2) {
        if w[0].phrase == w[1].phrase && w[0].stem != w[1].stem {
            out.push((pair_key(&w[0].stem, &w[1].stem), true));
        }
    }
    out
}

impl Index {
    /// Builds the index; `profiles` in the order that breaks ties.
    pub fn build(profiles: &[Profile], norm: &Normaliser, params: Params) -> Index {
        let n = profiles.len();
        // Per document: term -> (weighted tf, field bits); and the weighted length.
        let mut doc_terms: Vec<HashMap<String, (f32, u8)>> = Vec::with_capacity(n);
        let mut lengths = Vec::with_capacity(n);
        let mut known_words = HashSet::default();
        for p in profiles {
            let mut terms: HashMap<String, (f32, u8)> = HashMap::default();
            let mut length = 0.0f32;
            let texts: [Vec<&str>; 3] =
                [vec![p.title.as_str()], vec![p.description.as_str()], p.keywords.iter().map(String::as_str).collect()];
            for field in Field::ALL {
                let weight = params.weights[field as usize];
                for text in &texts[field as usize] {
                    let tokens = norm.tokens(text);
                    known_words.extend(tokens.iter().map(|t| t.word.clone()));
                    length += weight * tokens.len() as f32;
                    for (term, is_pair) in terms_of(&tokens) {
                        let w = if is_pair { weight * params.pair_weight } else { weight };
                        let e = terms.entry(term).or_insert((0.0, 0));
                        e.0 += w;
                        e.1 |= 1 << field as u8;
                    }
                }
            }
            doc_terms.push(terms);
            lengths.push(length);
        }
        let average = (lengths.iter().sum::<f32>() / n.max(1) as f32).max(1.0);
        let mut df: HashMap<&str, usize> = HashMap::default();
        for terms in &doc_terms {
            for t in terms.keys() {
                *df.entry(t.as_str()).or_default() += 1;
            }
        }
        let mut names: Vec<&str> = df.keys().copied().collect();
        names.sort_unstable();
        let terms: HashMap<String, u32> = names.iter().enumerate().map(|(i, t)| (t.to_string(), i as u32)).collect();
        let mut postings = vec![Vec::new(); names.len()];
        for (doc, dt) in doc_terms.iter().enumerate() {
            let norm_len = 1.0 - params.b + params.b * lengths[doc] / average;
            // Each term's postings come out in document order whatever order a document's terms are visited in.
            for (term, &(tf, fields)) in dt {
                let d = df[term.as_str()] as f32;
                let idf = (1.0 + (n as f32 - d + 0.5) / (d + 0.5)).ln().powf(params.idf_power);
                let impact = idf * tf * (params.k1 + 1.0) / (tf + params.k1 * norm_len);
                postings[terms[term] as usize].push(Posting { doc: doc as u32, impact, fields });
            }
        }
        let mut vocabulary: HashMap<char, Vec<VocabularyWord>> = HashMap::default();
        let sorted: BTreeSet<&String> = known_words.iter().collect();
        for w in sorted {
            if w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) {
                if let Some(c) = w.chars().next() {
                    vocabulary.entry(c).or_default().push(VocabularyWord {
                        word: w.clone(),
                        chars: w.chars().count(),
                        letters: letter_mask(w),
                        counts: letter_counts(w),
                    });
                }
            }
        }
        let generic = vec![false; postings.len()];
        Index { docs: n, terms, postings, vocabulary, known_words, generic, params }
    }

    /// Marks the terms made of process words (stems), single or paired, so that they weigh less.
    pub fn mark_generic(&mut self, stems: &HashSet<String>) {
        for (term, &id) in &self.terms {
            let generic = match term.split_once(' ') {
                Some((a, b)) => stems.contains(a) && stems.contains(b),
                None => stems.contains(term),
            };
            self.generic[id as usize] = generic;
        }
    }

    /// Whether a stem is a term of the index.
    pub fn has_stem(&self, stem: &str) -> bool {
        self.terms.contains_key(stem)
    }

    /// Whether a query term is a process word (or a pair of them).
    pub fn is_generic(&self, q: &QueryTerm) -> bool {
        self.generic[q.term as usize]
    }

    /// One query from a row's title and its description: the title's terms weigh [`Params::title_boost`] times
    /// more, process words [`Params::generic_weight`] of a subject word; a term in both keeps the larger weight.
    pub fn merge(&self, title: Vec<QueryTerm>, text: Vec<QueryTerm>) -> Vec<QueryTerm> {
        let generic = |q: &QueryTerm| if self.generic[q.term as usize] { self.params.generic_weight } else { 1.0 };
        let mut out: Vec<QueryTerm> = title
            .into_iter()
            .map(|mut q| {
                q.weight *= self.params.title_boost * generic(&q);
                q
            })
            .collect();
        for mut q in text {
            q.weight *= generic(&q);
            match out.iter_mut().find(|o| o.term == q.term) {
                Some(o) => o.weight = o.weight.max(q.weight),
                None => out.push(q),
            }
        }
        out
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs
    }

    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// Whether a word (lower case, before stemming) is one the profiles use.
    pub fn knows_word(&self, word: &str) -> bool {
        self.known_words.contains(word)
    }

    /// The nearest profile word to an unknown word (a typo), if one is close enough.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        if len < 5 || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        let limit = if len >= 8 { 2 } else { 1 };
        let first = word.chars().next()?;
        let letters = letter_mask(word);
        let counts = letter_counts(word);
        let mut best: Option<(usize, &str)> = None;
        for cand in self.vocabulary.get(&first)? {
            // Each edit changes at most two letters of the set, so a larger difference rules the word out.
            if cand.chars.abs_diff(len) > limit
                || (cand.letters ^ letters).count_ones() as usize > 2 * limit
                || distance_bound(&cand.counts, &counts) > limit
            {
                continue;
            }
            let d = strsim::osa_distance(word, &cand.word);
            // A one-letter substitution in a short word is as often another word (`consent`, `content`).
            if d == 1 && cand.chars == len && len < 8 && !is_transposition(word, &cand.word) {
                continue;
            }
            // So is a short word with one letter more than a profile word (`shown`, `show`; `launch`, `lunch`).
            if d == 1 && len > cand.chars && len < 8 {
                continue;
            }
            // Two edits apart is another word more often than a typo, unless both share a long stem-like start
            // (`disclose`, `disclosure`).
            if d == 2 && common_prefix(word, &cand.word) < 6 {
                continue;
            }
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, &cand.word));
            }
        }
        best.map(|(_, w)| w)
    }

    /// `tokens` with unknown words corrected to the nearest profile word; each with its display label.
    fn corrected(&self, tokens: &[Token], norm: &Normaliser) -> Vec<(Token, String)> {
        tokens
            .iter()
            .map(|t| {
                // A word either catalog's profiles use is a word, not a typo of another.
                if self.known_words.contains(&t.word) || self.terms.contains_key(&t.stem) || norm.knows(&t.word) {
                    return (t.clone(), t.word.clone());
                }
                match self.correct(&t.word) {
                    Some(fixed) => {
                        let label = format!("{} -> {fixed}", t.word);
                        let stem = norm.stem(fixed);
                        (Token { stem, word: fixed.to_string(), phrase: t.phrase, share: t.share }, label)
                    }
                    None => (t.clone(), t.word.clone()),
                }
            })
            .collect()
    }

    /// The query terms of `text` that the index knows (single words and word pairs, each once).
    pub fn prepare(&self, text: &str, norm: &Normaliser) -> Vec<QueryTerm> {
        self.prepare_tokens(&norm.tokens(text), norm)
    }

    /// As [`Index::prepare`] for text already split into tokens.
    pub fn prepare_tokens(&self, tokens: &[Token], norm: &Normaliser) -> Vec<QueryTerm> {
        let tokens = self.corrected(tokens, norm);
        let mut out: Vec<QueryTerm> = Vec::new();
        // Query position of each term: a term met twice keeps its first label and its largest weight.
        let mut seen: HashMap<u32, usize> = HashMap::default();
        let mut add = |term: u32, label: String, weight: f32, out: &mut Vec<QueryTerm>| {
            if let Some(&i) = seen.get(&term) {
                out[i].weight = out[i].weight.max(weight);
            } else {
                seen.insert(term, out.len());
                out.push(QueryTerm { term, label, weight });
            }
        };
        let power = self.params.share_power;
        let mut key = String::new();
        for (t, label) in &tokens {
            if let Some(&term) = self.terms.get(&t.stem) {
                add(term, label.clone(), t.share.powf(power), &mut out);
            }
        }
        for w in tokens.windows(2) {
            let ((a, la), (b, lb)) = (&w[0], &w[1]);
            if a.phrase != b.phrase || a.stem == b.stem {
                continue;
            }
            write_pair_key(&mut key, &a.stem, &b.stem);
            if let Some(&term) = self.terms.get(key.as_str()) {
                add(term, format!("{la} {lb}"), a.share.min(b.share).powf(power), &mut out);
            }
        }
        out
    }

    /// The words the indexed documents use.
    pub fn known_words(&self) -> impl Iterator<Item = &String> {
        self.known_words.iter()
    }

    /// Raw BM25F score of every document for the query.
    pub fn scores(&self, query: &[QueryTerm]) -> Vec<f32> {
        let mut acc = vec![0.0f32; self.docs];
        for q in query {
            for p in &self.postings[q.term as usize] {
                acc[p.doc as usize] += q.weight * p.impact;
            }
        }
        acc
    }

    /// How many distinct query terms `doc` holds.
    pub fn hits(&self, query: &[QueryTerm], doc: usize) -> usize {
        query.iter().filter(|q| self.postings[q.term as usize].iter().any(|p| p.doc as usize == doc)).count()
    }

    /// How many distinct subject terms (not process words) of the query `doc` holds.
    pub fn subject_hits(&self, query: &[QueryTerm], doc: usize) -> usize {
        query
            .iter()
            .filter(|q| !self.generic[q.term as usize])
            .filter(|q| self.postings[q.term as usize].iter().any(|p| p.doc as usize == doc))
            .count()
    }

    /// Why `doc` matched: the query terms it holds with their fields, strongest first (at most `limit`).
    pub fn explain(&self, query: &[QueryTerm], doc: usize, limit: usize) -> Vec<String> {
        let mut hits: Vec<(f32, String)> = Vec::new();
        for q in query {
            if let Some(p) = self.postings[q.term as usize].iter().find(|p| p.doc as usize == doc) {
                let fields: Vec<&str> =
                    Field::ALL.iter().filter(|f| p.fields & (1 << **f as u8) != 0).map(|f| f.name()).collect();
                hits.push((q.weight * p.impact, format!("{} ({})", q.label, fields.join(", "))));
            }
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        hits.into_iter().take(limit).map(|(_, s)| s).collect()
    }
}

//! Text normalisation for the matcher: lower case, words of letters and digits, acronyms and British spellings
//! expanded through `mappings/synonyms.csv`, stop words dropped, English Snowball stems. German, French and Spanish
//! text is read the same way with that language's stop words, synonyms and Snowball stemmer, accents folded, French
//! elisions (`l'accès`) split off and German compounds (`Zugriffsberechtigung`) split into the words they join.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Deserialize;

use super::lang::{fold, Lang};
use super::lang_words;
use crate::catalog::data::DataFile;
use crate::catalog::{read_rows, CatalogError};

/// Words that carry no meaning for placing a control: English function words and the verbs of policy prose.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "e",
    "each",
    "eg",
    "either",
    "else",
    "etc",
    "ever",
    "every",
    "for",
    "from",
    "further",
    "g",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "ie",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "s",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "would",
    "you",
    "your",
    "yours",
    "company",
    "companys",
    "organization",
    "organizations",
    "ensure",
    "ensures",
    "ensured",
    "ensuring",
    "appropriate",
    "appropriately",
    "relevant",
    "including",
    "includes",
    "include",
    "included",
    "using",
    "use",
    "used",
    "uses",
    "based",
    "like",
    "new",
    "make",
    "makes",
    "made",
    "need",
    "needs",
    "needed",
    "yet",
    "still",
    "s",
    "t",
    "x",
    "re",
    "ve",
    "ll",
    "d",
    "m",
];

/// The fewest letters of a part of a German compound.
const MIN_PART: usize = 4;

/// The share of each part of a split German compound (the compound itself counts fully).
const PART_SHARE: f32 = 0.5;

/// One word of a text after normalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The Snowball stem that is looked up in the index.
    pub stem: String,
    /// The word as it reads after expansion (`multi` for `MFA`), shown in explanations.
    pub word: String,
    /// Phrase number: words of different phrases (split at `;`, `.`, `,` …) never form a pair.
    pub phrase: u32,
    /// 1 for a word as written; 1/n for each of the n words an acronym expands to (one acronym, one word's say).
    pub share: f32,
}

/// Turns text into index terms.
pub struct Normaliser {
    lang: Lang,
    synonyms: HashMap<String, Vec<String>>,
    stop: HashSet<&'static str>,
    stemmer: Stemmer,
    /// German: stems of the words a compound may be split into (see [`Normaliser::set_compound_parts`]).
    parts: HashSet<String>,
    /// Not English: accents are folded before stemming (`true`) or from the stems (`false`).
    fold_first: bool,
    /// Stems of the words the profiles and catalogs use, worked out once: queries repeat them, and stemming a
    /// word costs far more than looking it up.
    known_stems: HashMap<String, String>,
}

#[derive(Deserialize)]
struct SynonymRow {
    term: String,
    expansion: String,
}

impl Normaliser {
    /// Reads `synonyms.csv` (`term,expansion`): every word `term` is replaced by the words of `expansion`.
    pub fn new(synonyms: &DataFile) -> Result<Normaliser, CatalogError> {
        Normaliser::for_language(Lang::En, &[synonyms])
    }

    /// A normaliser for text in `lang`: its stop words (and the English ones: the profiles' English words are read
    /// with it too), the synonyms of `files` (the first file's entry wins), its Snowball stemmer; accents folded.
    pub fn for_language(lang: Lang, files: &[&DataFile]) -> Result<Normaliser, CatalogError> {
        let mut stop: HashSet<&'static str> = STOP_WORDS.iter().copied().collect();
        stop.extend(match lang {
            Lang::En => &[][..],
            Lang::De => lang_words::STOP_DE,
            Lang::Fr => lang_words::STOP_FR,
            Lang::Es => lang_words::STOP_ES,
        });
        let mut map = HashMap::default();
        for file in files {
            for (_, row) in read_rows::<SynonymRow>(file)? {
                let mut term = row.term.trim().to_lowercase();
                if lang != Lang::En {
                    term = fold(&term);
                    // An English short form that is a function word here (Spanish `ha`) stays a function word.
                    if stop.contains(term.as_str()) {
                        continue;
                    }
                }
                let expansion =
                    if lang == Lang::En { row.expansion.to_lowercase() } else { fold(&row.expansion.to_lowercase()) };
                let words = split_words(&expansion, lang == Lang::Fr).into_iter().map(|(w, _)| w).collect();
                map.entry(term).or_insert(words);
            }
        }
        let algorithm = match lang {
            Lang::En => Algorithm::English,
            Lang::De => Algorithm::German,
            Lang::Fr => Algorithm::French,
            Lang::Es => Algorithm::Spanish,
        };
        Ok(Normaliser {
            lang,
            synonyms: map,
            stop,
            stemmer: Stemmer::create(algorithm),
            parts: HashSet::default(),
            fold_first: true,
            known_stems: HashMap::default(),
        })
    }

    /// Folds accents from the stems instead of from the words before stemming (for measuring the two).
    pub fn fold_after_stemming(&mut self) {
        self.fold_first = false;
    }

    /// The stem the stemmer gives, accents folded from it when they are not folded before.
    fn stem_now(&self, word: &str) -> String {
        let stem = self.stemmer.stem(word);
        if self.lang == Lang::En || self.fold_first {
            stem.into_owned()
        } else {
            fold(&stem)
        }
    }

    /// The language this normaliser reads.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// German: the words (lower case, folded) a compound may be split into; each at least [`MIN_PART`] letters.
    pub fn set_compound_parts<'a>(&mut self, words: impl IntoIterator<Item = &'a String>) {
        if self.lang != Lang::De {
            return;
        }
        let parts: HashSet<String> = words
            .into_iter()
            .filter(|w| w.chars().count() >= MIN_PART && !self.stop.contains(w.as_str()))
            .filter(|w| w.chars().all(char::is_alphabetic))
            .map(|w| self.stem_now(w))
            .filter(|s| s.chars().count() >= MIN_PART - 1)
            .collect();
        self.parts = parts;
    }

    /// The parts of a German compound (`zugriffsberechtigung` -> `zugriff`, `berechtigung`), when it splits into
    /// two or three known words, a linking `s` allowed after each but the last.
    pub fn split_compound(&self, word: &str) -> Option<Vec<String>> {
        let chars: Vec<char> = word.chars().collect();
        if self.parts.is_empty() || chars.len() < 2 * MIN_PART || !chars.iter().all(|c| c.is_alphabetic()) {
            return None;
        }
        self.split_from(&chars, 2)
    }

    fn split_from(&self, chars: &[char], depth: usize) -> Option<Vec<String>> {
        for i in MIN_PART..=chars.len().saturating_sub(MIN_PART) {
            let head: String = chars[..i].iter().collect();
            let tail: String = chars[i..].iter().collect();
            let head = if self.is_part(&head) {
                head
            } else if head.ends_with('s') && i > MIN_PART && self.is_part(&head[..head.len() - 1]) {
                head[..head.len() - 1].to_string()
            } else {
                continue;
            };
            if self.is_part(&tail) {
                return Some(vec![head, tail]);
            }
            if depth > 1 {
                if let Some(mut rest) = self.split_from(&chars[i..], depth - 1) {
                    rest.insert(0, head);
                    return Some(rest);
                }
            }
        }
        None
    }

    fn is_part(&self, word: &str) -> bool {
        self.parts.contains(&self.stem_now(word))
    }

    /// The words of `text`, lower case, acronyms expanded, stop words and bare numbers dropped, not yet stemmed;
    /// each with its phrase number and its share (see [`Token::share`]).
    pub fn words(&self, text: &str) -> Vec<(String, u32, f32)> {
        let mut out = Vec::new();
        for (word, phrase) in split_words(&text.to_lowercase(), self.lang == Lang::Fr) {
            // Other languages: stop words and synonyms are looked up folded; the word goes on folded or not.
            let (word, folded) = if self.lang == Lang::En {
                (word, None)
            } else {
                let folded = fold(&word);
                if self.stop.contains(folded.as_str()) {
                    continue;
                }
                if self.fold_first {
                    (folded, None)
                } else {
                    (word, Some(folded))
                }
            };
            match self.synonyms.get(folded.as_ref().unwrap_or(&word)) {
                Some(expansion) => {
                    let share = 1.0 / expansion.len().max(1) as f32;
                    for w in expansion {
                        self.push_word(&mut out, w.clone(), phrase, share);
                    }
                }
                None => match self.split_compound(&word) {
                    Some(parts) => {
                        self.push_word(&mut out, word, phrase, 1.0);
                        for part in parts {
                            self.push_word(&mut out, part, phrase, PART_SHARE);
                        }
                    }
                    None => self.push_word(&mut out, word, phrase, 1.0),
                },
            }
        }
        out
    }

    fn push_word(&self, out: &mut Vec<(String, u32, f32)>, word: String, phrase: u32, share: f32) {
        if word.len() < 2 || self.stop.contains(word.as_str()) || word.chars().all(|c| c.is_ascii_digit()) {
            return;
        }
        out.push((word, phrase, share));
    }

    /// The stem of one word.
    pub fn stem(&self, word: &str) -> String {
        match self.known_stems.get(word) {
            Some(stem) => stem.clone(),
            None => self.stem_now(word),
        }
    }

    /// Remembers the stems of these words (the same stems [`Normaliser::stem`] would give, only sooner).
    pub fn remember_stems<'a>(&mut self, words: impl IntoIterator<Item = &'a String>) {
        for word in words {
            if !self.known_stems.contains_key(word) {
                let stem = self.stem_now(word);
                self.known_stems.insert(word.clone(), stem);
            }
        }
    }

    /// Whether `word` is one the profiles or catalogs use (see [`Normaliser::remember_stems`]).
    pub fn knows(&self, word: &str) -> bool {
        self.known_stems.contains_key(word)
    }

    /// `words` with stems.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        self.words(text)
            .into_iter()
            .map(|(word, phrase, share)| Token { stem: self.stem(&word), word, phrase, share })
            .collect()
    }

    /// Whether `word` (lower case) is a stop word.
    pub fn is_stop(&self, word: &str) -> bool {
        self.stop.contains(word)
    }
}

/// Splits lower-cased text into words of letters and digits, numbering phrases (a new phrase after `;`, `.`, `,`,
/// `:`, `(`, `)`, `!`, `?`, or a line break). `&` reads as `and`; apostrophes are dropped (`user's` -> `users`).
fn split_words(text: &str, elide: bool) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut phrase = 0u32;
    let flush = |word: &mut String, phrase: u32, out: &mut Vec<(String, u32)>| {
        if !word.is_empty() {
            out.push((std::mem::take(word), phrase));
        }
    };
    let mut after_space = true;
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else if c == '\'' || c == '\u{2019}' {
            // French: `l'accès` reads as `accès`; elsewhere `user's` reads as `users`.
            if elide && lang_words::ELISIONS_FR.contains(&word.as_str()) {
                word.clear();
            }
            continue;
        } else {
            flush(&mut word, phrase, &mut out);
            // Notes run clauses together with `+`, `->`, `=` or a spaced dash; a hyphen inside a word joins.
            let dash = matches!(c, '-' | '\u{2013}' | '\u{2014}') && after_space;
            if dash
                || matches!(
                    c,
                    ';' | '.'
                        | ','
                        | ':'
                        | '('
                        | ')'
                        | '!'
                        | '?'
                        | '\n'
                        | '|'
                        | '['
                        | ']'
                        | '+'
                        | '='
                        | '>'
                        | '<'
                        | '*'
                        | '"'
                )
            {
                phrase += 1;
            }
        }
        after_space = c.is_whitespace();
    }
    flush(&mut word, phrase, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::DataFiles;

    fn stems(text: &str) -> Vec<String> {
        Normaliser::new(&DataFiles::builtin().synonyms).unwrap().tokens(text).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn remembered_stems_are_the_stemmer_s() {
        let mut norm = Normaliser::new(&DataFiles::builtin().synonyms).unwrap();
        let words: Vec<String> =
            ["reviewing", "authentication", "policies"].iter().map(std::string::ToString::to_string).collect();
        let before: Vec<String> = words.iter().map(|w| norm.stem(w)).collect();
        norm.remember_stems(&words);
        assert_eq!(norm.known_stems.len(), 3);
        assert_eq!(words.iter().map(|w| norm.stem(w)).collect::<Vec<_>>(), before);
        assert_eq!(before, ["review", "authent", "polici"]);
    }

    #[test]
    fn acronyms_and_british_spellings_become_the_same_stems() {
        assert_eq!(stems("MFA"), ["multi", "factor", "authent"]);
        assert_eq!(stems("multi-factor authentication"), ["multi", "factor", "authent"]);
        assert_eq!(stems("Authorised"), stems("authorized"));
        assert_eq!(stems("The user's access shall be reviewed, in 2024."), ["user", "access", "review"]);
    }

    #[test]
    fn an_acronym_s_words_share_one_word_s_weight() {
        let n = Normaliser::new(&DataFiles::builtin().synonyms).unwrap();
        let shares: Vec<f32> = n.tokens("MFA everywhere").iter().map(|t| t.share).collect();
        assert_eq!(shares, [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 1.0]);
    }

    #[test]
    fn phrases_split_at_punctuation() {
        let n = Normaliser::new(&DataFiles::builtin().synonyms).unwrap();
        let phrases: Vec<u32> = n.tokens("access review; backup").iter().map(|t| t.phrase).collect();
        assert_eq!(phrases, [0, 0, 1]);
        let phrases: Vec<u32> =
            n.tokens("multi-factor login + backup - restore -> weekly").iter().map(|t| t.phrase).collect();
        assert_eq!(phrases, [0, 0, 0, 1, 2, 4]);
    }
}

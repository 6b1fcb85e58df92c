//! The language of a statement: English, German, French or Spanish, told apart by the function words it uses,
//! its accented letters and a few word endings. English is the answer whenever the evidence is thin.

use std::fmt;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A language the matcher reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::De, Lang::Fr, Lang::Es];

    /// The ISO 639-1 code (`de`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    /// The language's English name (`German`).
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "German",
            Lang::Fr => "French",
            Lang::Es => "Spanish",
        }
    }

    /// Position in [`Lang::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `--lang`: detect the language of each statement, or read every statement as one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LangChoice {
    #[default]
    Auto,
    En,
    De,
    Fr,
    Es,
}

impl LangChoice {
    /// The forced language, if any.
    pub fn forced(self) -> Option<Lang> {
        match self {
            LangChoice::Auto => None,
            LangChoice::En => Some(Lang::En),
            LangChoice::De => Some(Lang::De),
            LangChoice::Fr => Some(Lang::Fr),
            LangChoice::Es => Some(Lang::Es),
        }
    }
}

/// How a statement's language was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub lang: Lang,
    /// `false` when `--lang` forced it.
    pub detected: bool,
}

/// Function words that mark a language (lower case, as written). A word listed for two languages counts for both.
const MARKERS: [&[&str]; 4] = [
    &[
        "the", "and", "of", "to", "is", "are", "for", "with", "by", "be", "this", "that", "from", "at", "or", "its",
        "have", "has", "each", "every", "must", "should", "shall", "after", "before", "who", "which", "when", "not",
        "all", "our", "we", "they", "their", "been", "were", "was", "any", "least", "within", "per", "on",
    ],
    &[
        "der", "die", "das", "den", "dem", "des", "und", "ist", "sind", "wird", "werden", "wurde", "wurden", "von",
        "vom", "mit", "für", "auf", "bei", "beim", "nach", "zur", "zum", "im", "über", "nicht", "durch", "oder",
        "auch", "alle", "jede", "jeder", "jedes", "ein", "eine", "einer", "eines", "einem", "einen", "sowie", "gemäß",
        "vor", "aus", "wie", "als", "sich", "wir", "unsere", "zu", "bzw", "ohne", "dass", "keine", "nur",
    ],
    &[
        "le", "la", "les", "des", "du", "de", "et", "est", "sont", "un", "une", "pour", "par", "dans", "sur", "avec",
        "au", "aux", "ce", "cette", "ces", "qui", "que", "en", "ou", "être", "tous", "toutes", "chaque", "leur",
        "leurs", "pas", "ne", "selon", "afin", "lors", "sans", "nous", "nos", "notre", "été", "à",
    ],
    &[
        "el", "la", "los", "las", "del", "de", "y", "es", "son", "un", "una", "para", "por", "con", "en", "se", "que",
        "cada", "al", "lo", "su", "sus", "según", "mediante", "sobre", "entre", "están", "está", "sin", "desde",
        "como", "ha", "han", "hay", "todos", "todas", "nuestro", "nuestra", "o",
    ],
];

/// Word endings that mark a language (each worth half a function word).
const ENDINGS: [&[&str]; 4] = [
    &[],
    &["ung", "ungen", "keit", "heit", "lich", "liche", "lichen", "isch", "schaft", "ieren", "iert", "igt", "chen"],
    &["eux", "euse", "aux", "ique", "iques", "ées", "és", "eur", "eurs", "elle", "elles", "ement"],
    &["ción", "cion", "ciones", "dad", "dades", "mente", "ado", "ada", "ados", "adas", "ido", "ida", "idos"],
];

/// Accented letters that mark a language (each word holding one is worth one and a half function words).
const LETTERS: [&str; 4] = ["", "äöüß", "èêàçœùîôëïûâ", "ñáíóú¿¡"];

/// How much more a language must score than English (and every other language) to be chosen.
const MARGIN: f32 = 1.0;

/// The least score a language must reach to be chosen: one function word alone (`nos`, `die`) is not enough.
const LEAST: f32 = 1.5;

/// What a word of a language's own profile vocabulary counts (see [`Lexicons`]).
const LEXICON_WORD: f32 = 1.0;

/// The words of each language's profiles (lower case, accents folded, four letters or more) that neither the English
/// profiles and catalogs nor another language's profiles use (`berechtigungskonzept`, `habilitations`,
/// `contrasenas`): terse notes often hold no function word, but hold these.
#[derive(Debug, Default)]
pub struct Lexicons {
    own: [HashSet<String>; 3],
}

impl Lexicons {
    /// From the keywords of German, French and Spanish (by id, in that order) and the English vocabulary.
    pub fn new(keywords: [&HashMap<String, Vec<String>>; 3], english: &HashSet<String>) -> Lexicons {
        let words = |k: &HashMap<String, Vec<String>>| -> HashSet<String> {
            k.values()
                .flatten()
                .flat_map(|phrase| {
                    phrase.split(|c: char| !c.is_alphanumeric()).map(|w| fold(&w.to_lowercase())).collect::<Vec<_>>()
                })
                .filter(|w| w.chars().count() >= 4 && !w.chars().all(|c| c.is_ascii_digit()))
                .filter(|w| !english.contains(w))
                .collect()
        };
        let all = keywords.map(words);
        let own = std::array::from_fn(|i| {
            all[i].iter().filter(|w| (0..3).all(|j| j == i || !all[j].contains(*w))).cloned().collect()
        });
        Lexicons { own }
    }
}

/// The score of each language (in the order of [`Lang::ALL`]) for `text`, from function words alone.
pub fn scores(text: &str) -> [f32; 4] {
    scores_with(text, &Lexicons::default())
}

/// As [`scores`], words of each language's own vocabulary counting too.
pub fn scores_with(text: &str, lexicons: &Lexicons) -> [f32; 4] {
    let mut score = [0.0f32; 4];
    let lower = text.to_lowercase();
    let markers = markers();
    let has_lexicons = lexicons.own.iter().any(|o| !o.is_empty());
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}')) {
        // French elision: `l'accès` counts `l'` for French and reads on as `accès`.
        let word = match raw.split_once(['\'', '\u{2019}']) {
            Some((head, tail)) if ["l", "d", "qu", "j", "n", "s", "c"].contains(&head) && !tail.is_empty() => {
                score[Lang::Fr.index()] += 1.0;
                tail
            }
            _ => raw.trim_matches(['\'', '\u{2019}']),
        };
        if word.is_empty() {
            continue;
        }
        let marks = markers.get(word).copied().unwrap_or(0);
        let long = word.len() > 5 && word.chars().count() > 5;
        for lang in Lang::ALL {
            let i = lang.index();
            if marks & (1 << i) != 0 {
                score[i] += 1.0;
            }
            if long && ENDINGS[i].iter().any(|e| word.ends_with(e)) {
                score[i] += 0.5;
            }
            if !word.is_ascii() && word.chars().any(|c| LETTERS[i].contains(c)) {
                score[i] += 1.5;
            }
        }
        // `é` is French more often than Spanish.
        if word.contains('é') {
            score[Lang::Fr.index()] += 1.0;
            score[Lang::Es.index()] += 0.5;
        }
        if has_lexicons && word.len() >= 4 {
            let folded =
                if word.is_ascii() { std::borrow::Cow::Borrowed(word) } else { std::borrow::Cow::Owned(fold(word)) };
            for (i, own) in lexicons.own.iter().enumerate() {
                if own.contains(folded.as_ref()) {
                    score[i + 1] += LEXICON_WORD;
                }
            }
        }
    }
    score
}

/// Each function word of [`MARKERS`] with a bit per language it marks, looked up once per word.
fn markers() -> &'static HashMap<&'static str, u8> {
    static MAP: std::sync::OnceLock<HashMap<&'static str, u8>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<&'static str, u8> = HashMap::default();
        for (i, words) in MARKERS.iter().enumerate() {
            for w in *words {
                *map.entry(w).or_default() |= 1 << i;
            }
        }
        map
    })
}

/// The language of `text` from function words, accents and endings alone: see [`detect_with`].
pub fn detect(text: &str) -> Lang {
    detect_with(text, &Lexicons::default())
}

/// The language of `text`: the best-scoring one when it scores at least [`LEAST`] and leads English and every other
/// language by [`MARGIN`], else English.
pub fn detect_with(text: &str, lexicons: &Lexicons) -> Lang {
    let score = scores_with(text, lexicons);
    let (best, top) = Lang::ALL[1..].iter().map(|&l| (l, score[l.index()])).fold((Lang::En, 0.0f32), |acc, x| {
        if x.1 > acc.1 {
            x
        } else {
            acc
        }
    });
    if best == Lang::En {
        return Lang::En;
    }
    let rival = Lang::ALL.iter().filter(|&&l| l != best).map(|l| score[l.index()]).fold(0.0f32, f32::max);
    if top >= LEAST && top >= rival + MARGIN {
        best
    } else {
        Lang::En
    }
}

/// Folds accents: `é` -> `e`, `ü` -> `u`, `ß` -> `ss`, `ñ` -> `n`, `œ` -> `oe` (other characters kept).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ÿ' | 'ý' => out.push('y'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `word` holds a letter [`fold`] changes.
pub fn has_accents(word: &str) -> bool {
    !word.is_ascii() && fold(word) != word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_is_told_apart_in_a_full_sentence() {
        assert_eq!(detect("Berechtigungen werden quartalsweise von den Fachbereichen rezertifiziert"), Lang::De);
        assert_eq!(detect("Les droits d'accès sont revus chaque trimestre par les responsables métier"), Lang::Fr);
        assert_eq!(detect("Los accesos se revisan trimestralmente por los responsables de cada sistema"), Lang::Es);
        assert_eq!(detect("Access rights are reviewed quarterly by the system owners"), Lang::En);
    }

    #[test]
    fn thin_evidence_reads_as_english() {
        assert_eq!(detect("MFA everywhere"), Lang::En);
        assert_eq!(detect("Backup"), Lang::En);
        assert_eq!(detect(""), Lang::En);
        // One Spanish-looking word in an English sentence does not make it Spanish.
        assert_eq!(detect("The data is backed up to the Madrid data centre"), Lang::En);
    }

    #[test]
    fn accents_fold_to_plain_letters() {
        assert_eq!(fold("zugriffsbeschränkung"), "zugriffsbeschrankung");
        assert_eq!(fold("sécurité"), "securite");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(fold("contraseña"), "contrasena");
        assert!(has_accents("accès") && !has_accents("access"));
    }
}

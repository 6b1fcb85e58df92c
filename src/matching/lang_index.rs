//! The German, French and Spanish indexes: for each language, the same controls profiled with the keywords of
//! `mappings/profiles-<lang>.csv` beside the English titles, descriptions and keywords (practitioners write English
//! loan words: Backup, Patch, Firewall), read with that language's normaliser. Built on first use, so that runs
//! that read English only never pay for them.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;

use super::index::{Params, Profile};
use super::lang::{fold, Lang, Lexicons};
use super::lang_words;
use super::matcher::{Analysis, Target};
use super::normalise::Normaliser;
use super::PROCESS_WORDS;
use crate::catalog::data::DataFile;
use crate::catalog::{read_rows, CatalogError, Catalogs, DataFiles, Entry};
use crate::issue::Location;

/// What each language's profile holds besides its own keywords (measured on the dev statements, docs/matching.md).
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    /// The English keywords of `profiles.csv`, in the keywords field.
    pub english_keywords: bool,
    /// The English title and description, in their fields.
    pub english_catalog: bool,
    /// German compounds split into the profile words they join.
    pub compounds: bool,
    /// Accents folded before stemming (else from the stems).
    pub fold_first: bool,
}

/// The parts the matcher uses.
pub const PARTS: Parts = Parts { english_keywords: true, english_catalog: true, compounds: true, fold_first: true };

#[derive(Deserialize)]
struct SynonymRow {
    term: String,
    expansion: String,
}

#[derive(Deserialize)]
struct ProfileRow {
    id: String,
    keywords: String,
}

/// The keywords of a profiles file (`id,keywords`, keywords separated by `;`) by id; an id neither catalog has is
/// an error naming its row.
pub fn read_keywords(file: &DataFile, catalogs: &Catalogs) -> Result<HashMap<String, Vec<String>>, CatalogError> {
    let mut keywords: HashMap<String, Vec<String>> = HashMap::default();
    for (line, row) in read_rows::<ProfileRow>(file)? {
        if !catalogs.iso2022.contains(&row.id) && !catalogs.tsc.contains(&row.id) {
            return Err(CatalogError {
                at: Location::file(&file.name).row(line),
                message: format!("`{}` is neither an ISO 27001:2022 id nor a SOC 2 criterion", row.id),
            });
        }
        let words = row.keywords.split(';').map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
        keywords.entry(row.id).or_default().extend(words);
    }
    Ok(keywords)
}

/// One catalog's documents as every language indexes them: ids and titles, and the English profiles.
pub(super) struct Layout {
    pub(super) entries: Vec<Entry>,
    pub(super) profiles: Vec<Profile>,
}

impl Layout {
    fn new(entries: &[&Entry], keywords: &HashMap<String, Vec<String>>) -> Layout {
        let profiles = entries
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
        Layout { entries: entries.iter().map(|e| (*e).clone()).collect(), profiles }
    }
}

/// Everything the other languages' indexes are built from, read (and checked) when the matcher is built.
pub(super) struct Sources {
    pub(super) iso: Layout,
    pub(super) tsc: Layout,
    /// Keywords by id of German, French and Spanish (the order of [`Lang::ALL`] after English).
    keywords: [HashMap<String, Vec<String>>; 3],
    synonyms: [DataFile; 3],
    english_synonyms: DataFile,
    /// Each language's own words, for telling the language of a statement.
    pub(super) lexicons: Lexicons,
}

impl Sources {
    pub(super) fn read(
        files: &DataFiles,
        catalogs: &Catalogs,
        iso: &[&Entry],
        tsc: &[&Entry],
        english: &HashMap<String, Vec<String>>,
        english_words: &HashSet<String>,
    ) -> Result<Sources, CatalogError> {
        let keywords = [
            read_keywords(&files.profiles_de, catalogs)?,
            read_keywords(&files.profiles_fr, catalogs)?,
            read_keywords(&files.profiles_es, catalogs)?,
        ];
        let synonyms = [files.synonyms_de.clone(), files.synonyms_fr.clone(), files.synonyms_es.clone()];
        // Read each language's synonyms now, so that a broken file is an error here rather than a language
        // silently read as English later.
        for file in &synonyms {
            read_rows::<SynonymRow>(file)?;
        }
        let english_words = english_vocabulary(files, iso.iter().chain(tsc), english, english_words)?;
        let lexicons = Lexicons::new([&keywords[0], &keywords[1], &keywords[2]], &english_words);
        Ok(Sources {
            lexicons,
            iso: Layout::new(iso, english),
            tsc: Layout::new(tsc, english),
            keywords,
            synonyms,
            english_synonyms: files.synonyms.clone(),
        })
    }

    /// The profiles of `layout` as `lang` indexes them.
    fn profiles(&self, lang: Lang, layout: &Layout, parts: Parts) -> Vec<Profile> {
        let own = &self.keywords[lang.index() - 1];
        layout
            .entries
            .iter()
            .zip(&layout.profiles)
            .map(|(e, english)| {
                let mut keywords = own.get(e.id.as_str()).cloned().unwrap_or_default();
                if parts.english_keywords {
                    keywords.extend(english.keywords.iter().cloned());
                }
                let (title, description) = if parts.english_catalog {
                    (english.title.clone(), english.description.clone())
                } else {
                    (String::new(), String::new())
                };
                Profile { title, description, keywords }
            })
            .collect()
    }
}

/// Every word English text in the profiles, catalogs and synonyms holds, as written and as normalised (lower case,
/// accents folded): a word of another language's profiles that is also English (`licences`, `wifi`, `sector`) says
/// nothing about a statement's language.
fn english_vocabulary<'a>(
    files: &DataFiles,
    entries: impl Iterator<Item = &'a &'a Entry>,
    keywords: &HashMap<String, Vec<String>>,
    normalised: &HashSet<String>,
) -> Result<HashSet<String>, CatalogError> {
    let mut texts: Vec<String> = keywords.values().flatten().cloned().collect();
    for e in entries {
        texts.extend([e.title.clone(), e.description.clone(), e.series_title.clone()]);
    }
    for (_, row) in read_rows::<SynonymRow>(&files.synonyms)? {
        texts.extend([row.term, row.expansion]);
    }
    let mut words: HashSet<String> = normalised.iter().map(|w| fold(w)).collect();
    for text in &texts {
        words.extend(text.split(|c: char| !c.is_alphanumeric()).map(|w| fold(&w.to_lowercase())));
    }
    Ok(words)
}

/// The process words of `lang` (English ones too: English words are indexed with it).
fn process_words(lang: Lang) -> impl Iterator<Item = &'static str> {
    let own = match lang {
        Lang::En => &[][..],
        Lang::De => lang_words::PROCESS_DE,
        Lang::Fr => lang_words::PROCESS_FR,
        Lang::Es => lang_words::PROCESS_ES,
    };
    PROCESS_WORDS.iter().chain(own).copied()
}

/// The analysis of `lang` (not English) with its profiles made of `parts`: `None` only when its synonyms cannot be
/// read, which [`Sources::read`] has already ruled out.
pub(super) fn build(lang: Lang, sources: &Sources, params: Params, parts: Parts) -> Option<Analysis> {
    let i = lang.index().checked_sub(1)?;
    let mut norm = Normaliser::for_language(lang, &[&sources.synonyms[i], &sources.english_synonyms]).ok()?;
    if !parts.fold_first {
        norm.fold_after_stemming();
    }
    let iso = sources.profiles(lang, &sources.iso, parts);
    let tsc = sources.profiles(lang, &sources.tsc, parts);
    let texts = || {
        iso.iter().chain(&tsc).flat_map(|p| {
            [p.title.as_str(), p.description.as_str()].into_iter().chain(p.keywords.iter().map(String::as_str))
        })
    };
    let mut distinct: HashSet<String> = HashSet::default();
    for text in texts() {
        distinct.extend(norm.words(text).into_iter().map(|(w, _, _)| w));
    }
    // German compounds split into the words the profiles use; then every word (parts too) is stemmed once.
    if parts.compounds {
        norm.set_compound_parts(&distinct);
    }
    for text in texts() {
        distinct.extend(norm.words(text).into_iter().map(|(w, _, _)| w));
    }
    norm.remember_stems(&distinct);
    let generic: HashSet<String> = process_words(lang).map(|w| norm.stem(&fold(w))).collect();
    let iso_entries: Vec<&Entry> = sources.iso.entries.iter().collect();
    let tsc_entries: Vec<&Entry> = sources.tsc.entries.iter().collect();
    let mut iso = Target::build(&iso_entries, &iso, &norm, params);
    let mut tsc = Target::build(&tsc_entries, &tsc, &norm, params);
    iso.index.mark_generic(&generic);
    tsc.index.mark_generic(&generic);
    Some(Analysis { norm, iso, tsc, generic })
}

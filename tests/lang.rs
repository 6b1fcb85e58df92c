//! Statements in German, French and Spanish: the language told per statement, `--lang` forcing it, each language
//! read with its own stop words and profiles, and the language named in `suggest`'s JSON and in `map`'s row notes.

mod common;
use common::{crosswalk, stderr};
use crosswalk::matching::lang::{detect, Lang};

/// Small profiles of our own, so that these tests do not depend on the shipped keyword files.
const PROFILES_ES: &str = "id,keywords\n\
A.5.18,revisión de accesos; recertificación de permisos; accesos revisados\n\
A.8.11,enmascaramiento de datos; seudonimización\n\
A.8.13,copias de seguridad; restauración\n";
const PROFILES_DE: &str = "id,keywords\n\
A.5.18,Rezertifizierung; Berechtigungen; Zugriffsrechte überprüfen\n\
A.5.30,Notfallhandbuch; Notfallplan\n\
A.8.13,Datensicherung; Wiederherstellung\n";
const PROFILES_FR: &str = "id,keywords\n\
A.5.18,revue des habilitations; droits d'accès; recertification\n\
A.8.13,sauvegardes; restauration\n";

/// A temp dir holding `data/` with our small profiles.
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for (name, text) in
        [("profiles-es.csv", PROFILES_ES), ("profiles-de.csv", PROFILES_DE), ("profiles-fr.csv", PROFILES_FR)]
    {
        std::fs::write(data.join(name), text).unwrap();
    }
    dir
}

/// `suggest TEXT --format json` with extra flags, parsed.
fn suggest(dir: &std::path::Path, text: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["suggest", text, "--format", "json", "--top", "3"];
    args.extend_from_slice(extra);
    let o = crosswalk(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn each_language_is_detected_in_full_sentences_and_terse_notes() {
    let cases = [
        ("Berechtigungen werden quartalsweise von den Fachbereichen rezertifiziert", Lang::De),
        ("Backups täglich, Restore-Test quartalsweise", Lang::De),
        ("MFA für alle Admin-Zugänge", Lang::De),
        ("Les droits d'accès sont revus chaque trimestre par les responsables métier", Lang::Fr),
        ("Sauvegarde chiffrée des données, test de restauration annuel", Lang::Fr),
        ("Los accesos se revisan trimestralmente por los responsables de cada sistema", Lang::Es),
        ("Copias de seguridad diarias cifradas", Lang::Es),
        ("Quarterly user access reviews by system owners", Lang::En),
        ("EDR on all laptops", Lang::En),
        ("Nightly backups are encrypted and restores are tested every quarter", Lang::En),
    ];
    for (text, want) in cases {
        assert_eq!(detect(text), want, "{text}");
    }
}

#[test]
fn suggest_json_carries_the_language_and_lang_forces_it() {
    let dir = tempfile::tempdir().unwrap();
    let v = suggest(dir.path(), "Les droits d'accès sont revus chaque trimestre par les responsables métier", &[]);
    assert_eq!(v["statements"][0]["lang"], "fr");
    let v = suggest(dir.path(), "Quarterly user access reviews by system owners", &[]);
    assert_eq!(v["statements"][0]["lang"], "en");
    // Forced: an English-looking note read as German, and a German sentence read as English.
    let v = suggest(dir.path(), "Backup", &["--lang", "de"]);
    assert_eq!(v["statements"][0]["lang"], "de");
    let v = suggest(
        dir.path(),
        "Berechtigungen werden quartalsweise von den Fachbereichen rezertifiziert",
        &["--lang", "en"],
    );
    assert_eq!(v["statements"][0]["lang"], "en");
}

#[test]
fn a_terse_note_is_told_by_the_words_only_its_language_s_profiles_use() {
    let dir = data_dir();
    let text = "Rezertifizierung Zugriffsrechte";
    // No function word, no accent: on those alone it reads as English.
    assert_eq!(detect(text), Lang::En);
    // Both words are in our German profiles only.
    let v = suggest(dir.path(), text, &["--data-dir", "data"]);
    assert_eq!(v["statements"][0]["lang"], "de", "{v}");
    assert_eq!(v["statements"][0]["candidates"][0]["id"], "A.5.18", "{v}");
}

#[test]
fn an_unknown_lang_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = crosswalk(dir.path(), &["suggest", "Backup", "--lang", "it"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid value 'it' for '--lang <LANG>'"), "{}", stderr(&o));
}

#[test]
fn a_spanish_function_word_never_matches_a_keyword() {
    let text = "Los accesos se revisan trimestralmente por los responsables de cada sistema";
    // With the shipped data, whatever it holds: `de`, `los`, `por` are Spanish stop words, never terms.
    let dir = tempfile::tempdir().unwrap();
    let v = suggest(dir.path(), text, &[]);
    let candidates = v["statements"][0]["candidates"].as_array().unwrap();
    assert_ne!(candidates.first().map(|c| c["id"].as_str().unwrap()), Some("A.8.11"), "{v}");
    for c in candidates {
        for why in c["why"].as_array().unwrap() {
            let term = why.as_str().unwrap().split(" (").next().unwrap();
            assert!(!term.split(' ').any(|w| ["de", "los", "por", "se", "cada"].contains(&w)), "{why}");
        }
    }
    // With our profiles, the access review is found, on Spanish words.
    let dir = data_dir();
    let v = suggest(dir.path(), text, &["--data-dir", "data"]);
    let first = &v["statements"][0]["candidates"][0];
    assert_eq!(first["id"], "A.5.18", "{v}");
    assert!(first["why"].to_string().contains("accesos"), "{first}");
}

#[test]
fn accents_elisions_and_compounds_are_read_in_each_language() {
    let dir = data_dir();
    let top = |text: &str| {
        suggest(dir.path(), text, &["--data-dir", "data"])["statements"][0]["candidates"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Written without accents, the Spanish keyword `restauración` still matches.
    assert_eq!(top("Se prueba la restauracion de las copias cada mes"), "A.8.13");
    // `l'habilitation` reads as `habilitation`, plural or not.
    assert_eq!(top("La revue des habilitations est faite chaque trimestre"), "A.5.18");
    // `Notfallhandbuchs` (genitive), and a compound of two profile words with a linking `s`.
    assert_eq!(top("Die Pflege des Notfallhandbuchs ist geregelt"), "A.5.30");
    assert_eq!(top("Die Berechtigungsrezertifizierung erfolgt halbjährlich"), "A.5.18");
}

#[test]
fn map_names_the_language_in_the_row_notes() {
    let dir = data_dir();
    std::fs::write(
        dir.path().join("kontrollen.csv"),
        "Ref,Control,Description\n\
         K-01,Zugriffsrechte,Die Berechtigungen werden quartalsweise von den Fachbereichen rezertifiziert.\n\
         K-02,Backups,Nightly backups are encrypted and restore tests are run every quarter.\n",
    )
    .unwrap();
    let o = crosswalk(dir.path(), &["map", "kontrollen.csv", "--data-dir", "data", "--format", "json", "-o", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let notes = |i: usize| rows[i]["notes"].to_string();
    assert!(notes(0).contains("text read as German (de, detected)"), "{}", notes(0));
    assert_eq!(rows[0]["ids"][0], "A.5.18", "{}", rows[0]);
    // English, the catalogs' language, is not mentioned.
    assert!(!notes(1).contains("text read as"), "{}", notes(1));
    // Forced: every row read as German, and said so.
    let o = crosswalk(
        dir.path(),
        &["map", "kontrollen.csv", "--data-dir", "data", "--lang", "de", "--format", "json", "-o", "-"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["rows"][1]["notes"].to_string().contains("text read as German (de, --lang)"), "{v}");
}

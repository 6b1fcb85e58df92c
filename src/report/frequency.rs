//! Control frequency cells (`Annual`, `quarterly`, `monatlich`, `trimestriel`, `diario`, `every 6 months` …) read
//! into a [`Cadence`], and how often a control with that cadence operates within a SOC 2 Type II observation window.

use serde::Serialize;

use super::frequency_words::{CADENCE_WORDS, MONTH_UNITS, WEEK_UNITS, YEAR_UNITS};

/// How often a control operates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cadence {
    /// Every N months (12 annual, 6 semi-annual, 3 quarterly, 1 monthly, 24 every two years …).
    Months(u32),
    /// Every N weeks (1 weekly, 2 fortnightly).
    Weeks(u32),
    Daily,
    /// Several times a day (hourly, per shift): a population too large to count, sampled like a daily one or more.
    SeveralDaily,
    /// Automated or always on: a Type II test samples its operation or its configuration.
    Continuous,
    /// Runs when an event happens (a hire, a change, an incident): the auditor samples the events.
    AdHoc,
}

impl Cadence {
    /// A short name for reports: `annual`, `quarterly`, `every 2 years`, `weekly`, `daily`, `continuous`, `ad hoc`.
    pub fn label(self) -> String {
        match self {
            Cadence::Months(12) => "annual".into(),
            Cadence::Months(6) => "semi-annual".into(),
            Cadence::Months(3) => "quarterly".into(),
            Cadence::Months(1) => "monthly".into(),
            Cadence::Months(n) => format!("every {n} months"),
            Cadence::Weeks(1) => "weekly".into(),
            Cadence::Weeks(2) => "every 2 weeks".into(),
            Cadence::Weeks(n) => format!("every {n} weeks"),
            Cadence::Daily => "daily".into(),
            Cadence::SeveralDaily => "several times a day".into(),
            Cadence::Continuous => "continuous".into(),
            Cadence::AdHoc => "ad hoc".into(),
        }
    }

    /// Times the control operates in a window of `months`; `None` for continuous and event-driven controls.
    /// Weeks and days are counted at 52 weeks and 365 days a year, rounded down.
    pub fn occurrences(self, months: u32) -> Option<u32> {
        match self {
            Cadence::Months(n) => Some(months / n.max(1)),
            Cadence::Weeks(n) => Some(months * 52 / 12 / n.max(1)),
            Cadence::Daily => Some(months * 365 / 12),
            Cadence::SeveralDaily | Cadence::Continuous | Cadence::AdHoc => None,
        }
    }
}

/// Reads a frequency cell in English, German, French or Spanish (the words are in [`super::frequency_words`]).
/// `None` when nothing is recognisable.
pub fn parse(text: &str) -> Option<Cadence> {
    let t = fold(text);
    if t.is_empty() {
        return None;
    }
    if let Some(c) = every_n(&t) {
        return Some(c);
    }
    let has = |words: &[&str]| words.iter().any(|w| contains_word(&t, w));
    CADENCE_WORDS.iter().find(|(_, words)| has(words)).map(|(cadence, _)| *cadence)
}

/// `every 6 months`, `alle 3 Monate`, `tous les 2 mois`, `cada 3 meses`, `every 2 weeks`, `12 months`.
fn every_n(t: &str) -> Option<Cadence> {
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(n) = w.parse::<u32>() else { continue };
        if n == 0 {
            continue;
        }
        let Some(unit) = words.get(i + 1) else { continue };
        let unit = *unit;
        if MONTH_UNITS.contains(&unit) {
            return Some(Cadence::Months(n));
        }
        if YEAR_UNITS.contains(&unit) {
            return Some(Cadence::Months(n.saturating_mul(12)));
        }
        if WEEK_UNITS.contains(&unit) {
            return Some(Cadence::Weeks(n));
        }
    }
    None
}

fn contains_word(haystack: &str, word: &str) -> bool {
    let bytes = haystack.as_bytes();
    let mut start = 0;
    while let Some(pos) = haystack[start..].find(word) {
        let at = start + pos;
        let end = at + word.len();
        let before = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before && after {
            return true;
        }
        start = at + 1;
        while !haystack.is_char_boundary(start) {
            start += 1;
        }
    }
    false
}

/// Lower case, accents and umlauts folded to plain letters, spaces squeezed.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().to_lowercase().chars() {
        let c = if c == '_' { ' ' } else { crate::import::layout::fold_accent(c) };
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_frequencies_in_four_languages() {
        let cases = [
            ("Annual", Some(Cadence::Months(12))),
            ("jährlich", Some(Cadence::Months(12))),
            ("Annuelle", Some(Cadence::Months(12))),
            ("anual", Some(Cadence::Months(12))),
            ("Semi-annually", Some(Cadence::Months(6))),
            ("halbjährlich", Some(Cadence::Months(6))),
            ("Quarterly", Some(Cadence::Months(3))),
            ("quartalsweise", Some(Cadence::Months(3))),
            ("trimestriel", Some(Cadence::Months(3))),
            ("Monthly", Some(Cadence::Months(1))),
            ("mensual", Some(Cadence::Months(1))),
            ("wöchentlich", Some(Cadence::Weeks(1))),
            ("Bi-weekly", Some(Cadence::Weeks(2))),
            ("Daily", Some(Cadence::Daily)),
            ("Several times a day", Some(Cadence::SeveralDaily)),
            ("hourly", Some(Cadence::SeveralDaily)),
            ("mehrmals täglich", Some(Cadence::SeveralDaily)),
            ("quotidienne", Some(Cadence::Daily)),
            ("Continuous (automated)", Some(Cadence::Continuous)),
            ("en continu", Some(Cadence::Continuous)),
            ("Ad hoc", Some(Cadence::AdHoc)),
            ("bei Bedarf", Some(Cadence::AdHoc)),
            ("Upon hire", Some(Cadence::AdHoc)),
            ("Upon termination", Some(Cadence::AdHoc)),
            ("every 6 months", Some(Cadence::Months(6))),
            ("alle 2 Jahre", Some(Cadence::Months(24))),
            ("tous les 3 mois", Some(Cadence::Months(3))),
            ("", None),
            ("see policy", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), want, "{text}");
        }
    }

    #[test]
    fn occurrences_in_a_window() {
        assert_eq!(Cadence::Months(12).occurrences(6), Some(0));
        assert_eq!(Cadence::Months(12).occurrences(12), Some(1));
        assert_eq!(Cadence::Months(3).occurrences(6), Some(2));
        assert_eq!(Cadence::Months(1).occurrences(6), Some(6));
        assert_eq!(Cadence::Weeks(1).occurrences(6), Some(26));
        assert_eq!(Cadence::Daily.occurrences(6), Some(182));
        assert_eq!(Cadence::Continuous.occurrences(6), None);
    }
    /// Every word of the data module reads as its own cadence: none is shadowed by a list tried before it.
    #[test]
    fn every_listed_word_names_its_cadence() {
        for (cadence, words) in CADENCE_WORDS {
            for word in words {
                assert_eq!(parse(word), Some(cadence), "{word}");
            }
        }
        let units = [
            (&MONTH_UNITS[..], Cadence::Months(2)),
            (&YEAR_UNITS[..], Cadence::Months(24)),
            (&WEEK_UNITS[..], Cadence::Weeks(2)),
        ];
        for (list, want) in units {
            for unit in list {
                assert_eq!(parse(&format!("2 {unit}")), Some(want), "2 {unit}");
            }
        }
    }
}

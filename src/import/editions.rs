//! Reading an id the row's other cells help decide: a 2022 id that is also a 2013 objective number (`A.7.1`), a 2013
//! objective used as a control row (`A.9.1`), a parent clause (`9.2`) mapped through its sub-clauses, and a title that
//! names another control than the id beside it.

use rustc_hash::FxHashSet as HashSet;

use crate::catalog::{Catalogs, Entry, EntryKind};
use crate::ids::ControlId;
use crate::matching::normalise_title;

/// How a row whose id cell holds a 2013 objective number (`A.9.1`, or `A.7.1`, which 2022 also has) is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    /// The 2022 control of that number: the row's title is its title.
    As2022 { note: String },
    /// The 2013 objective, standing for its controls: the row carries a status, applicability or description.
    Through2013 { controls: Vec<ControlId>, ids: Vec<ControlId>, note: String },
    /// A heading over the 2013 controls that follow.
    Heading,
}

/// What decides an objective row: its title, text, and whether it carries values of its own.
pub struct RowFacts<'a> {
    pub title: Option<&'a str>,
    pub text: Option<&'a str>,
    /// A status or applicability cell is filled.
    pub has_values: bool,
}

/// Whether `A.{theme}.{n}` is a 2013 objective number, and if so how this row reads it. `None` for any other id.
/// `column_has_2013`: the id column also holds 2013 control ids (`A.9.2.3`).
pub fn read_objective(
    theme: u32,
    n: u32,
    row: &RowFacts<'_>,
    column_has_2013: bool,
    catalogs: &Catalogs,
    words: &TitleWords,
) -> Option<Objective> {
    // 2013 objectives run from `A.5.1` to `A.18.2`, none numbered above 7.
    if !(5..=18).contains(&theme) || n > 7 {
        return None;
    }
    let id = format!("A.{theme}.{n}");
    let prefix = format!("{id}.");
    let controls: Vec<ControlId> =
        catalogs.iso2013.entries.iter().filter(|e| e.id.as_str().starts_with(&prefix)).map(|e| e.id.clone()).collect();
    if controls.is_empty() {
        return None;
    }
    let in_2022 = catalogs.iso2022.get(&id);
    if let Some(entry) = in_2022 {
        if !column_has_2013 {
            return None;
        }
        if let Some(title) = row.title.filter(|t| words.supports(entry, t)) {
            return Some(Objective::As2022 {
                note: format!(
                    "`{id}` read as ISO 27001:2022 `{id}` {} (the row's title `{title}`), not the 2013 objective `{id}`",
                    entry.title
                ),
            });
        }
    }
    if !row.has_values && row.text.is_none() {
        return Some(Objective::Heading);
    }
    let mut ids: Vec<ControlId> = Vec::new();
    for c in &controls {
        for t in catalogs.successors(c.as_str()) {
            if !ids.contains(&t.to) {
                ids.push(t.to.clone());
            }
        }
    }
    ids.sort();
    let list = |v: &[ControlId]| v.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
    let note =
        format!("ISO 27001:2013 objective `{id}` read through its controls {} (2022 {})", list(&controls), list(&ids));
    Some(Objective::Through2013 { controls, ids, note })
}

/// A parent clause (`6.1`, `7.5`, `9.2`, `9.3`), not assessed itself: its sub-clauses, and a note saying so.
pub fn sub_clauses(id: &ControlId, catalogs: &Catalogs) -> Option<(Vec<ControlId>, String)> {
    let entry = catalogs.iso2022.get(id.as_str())?;
    if entry.kind != EntryKind::Clause || entry.assessable {
        return None;
    }
    let prefix = format!("{id}.");
    let children: Vec<ControlId> = catalogs
        .iso2022
        .entries
        .iter()
        .filter(|e| e.assessable && e.id.as_str().starts_with(&prefix))
        .map(|e| e.id.clone())
        .collect();
    if children.is_empty() {
        return None;
    }
    let list = children.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    Some((children.clone(), format!("clause `{id}` {} read through its sub-clauses {list}", entry.title)))
}

/// Words too common in control titles to tell controls apart.
const GENERIC: &[&str] = &[
    "manag", "contr", "infor", "secur", "proce", "polic", "syste", "organ", "requi", "gener", "relat", "other",
    "assoc", "proced", "with", "from", "their", "using", "usage", "rules",
];

/// The content words (first five letters of each word of four or more) of every 2022 control and clause's title and
/// description, to tell whether a row's title names its id's control or another one.
pub struct TitleWords<'c> {
    catalogs: &'c Catalogs,
    /// Built on first use: most rows' titles are their control's, and never need it.
    entries: std::cell::OnceCell<Vec<(ControlId, HashSet<String>)>>,
}

fn stems(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
        if w.chars().count() < 4 || !w.chars().all(char::is_alphabetic) {
            continue;
        }
        let s: String = w.chars().take(5).collect();
        if !GENERIC.contains(&s.as_str()) && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

impl<'c> TitleWords<'c> {
    pub fn new(catalogs: &'c Catalogs) -> TitleWords<'c> {
        TitleWords { catalogs, entries: std::cell::OnceCell::new() }
    }

    fn entries(&self) -> &[(ControlId, HashSet<String>)] {
        self.entries.get_or_init(|| {
            self.catalogs
                .iso2022
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::Annex || e.assessable)
                .map(|e| (e.id.clone(), stems(&format!("{} {}", e.title, e.description)).into_iter().collect()))
                .collect()
        })
    }

    fn cover(&self, id: &ControlId, words: &[String]) -> f64 {
        let Some((_, set)) = self.entries().iter().find(|(i, _)| i == id) else { return 0.0 };
        words.iter().filter(|w| set.contains(*w)).count() as f64 / words.len().max(1) as f64
    }

    /// Whether `title` is a fair title for `entry`: close to its title, or made of its words.
    pub fn supports(&self, entry: &Entry, title: &str) -> bool {
        if title.trim().trim_end_matches('.').eq_ignore_ascii_case(&entry.title) {
            return true;
        }
        let t = normalise_title(title);
        if strsim::normalized_levenshtein(&t, &normalise_title(&entry.title)) >= 0.75 {
            return true;
        }
        let words = stems(title);
        !words.is_empty() && self.cover(&entry.id, &words) >= 0.5
    }

    /// The control a title names instead of `id`'s: the title shares at most half its words with `id`'s control and
    /// all of them with another's (`A.8.1 User access management`: the words are `A.5.18`'s).
    pub fn contradiction(&self, id: &ControlId, title: &str, catalogs: &'c Catalogs) -> Option<&'c Entry> {
        let own = catalogs.iso2022.get(id.as_str())?;
        // Most rows carry their control's own title: settled without allocating.
        if title.trim().trim_end_matches('.').eq_ignore_ascii_case(&own.title) {
            return None;
        }
        let t = normalise_title(title);
        if t.is_empty() || strsim::normalized_levenshtein(&t, &normalise_title(&own.title)) >= 0.6 {
            return None;
        }
        let words = stems(title);
        if words.len() < 2 || self.cover(id, &words) > 0.5 {
            return None;
        }
        // The other control whose title is closest among those holding every word.
        self.entries()
            .iter()
            .filter(|(other, set)| other != id && words.iter().all(|w| set.contains(w)))
            .filter_map(|(other, _)| catalogs.iso2022.get(other.as_str()))
            .map(|e| (e, strsim::normalized_levenshtein(&t, &normalise_title(&e.title))))
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.id.cmp(&a.0.id)))
            .map(|(e, _)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(title: Option<&str>, has_values: bool) -> RowFacts<'_> {
        RowFacts { title, text: None, has_values }
    }

    #[test]
    fn a_2022_title_makes_a_2022_control_in_a_mixed_column() {
        let c = Catalogs::builtin();
        let w = TitleWords::new(&c);
        let got = read_objective(7, 1, &facts(Some("Physical security perimeters"), true), true, &c, &w);
        assert!(matches!(got, Some(Objective::As2022 { .. })), "{got:?}");
        // The 2013 objective's own heading, with nothing else, stays a heading.
        let got = read_objective(7, 1, &facts(Some("Prior to employment"), false), true, &c, &w);
        assert_eq!(got, Some(Objective::Heading));
        // Without 2013 ids in the column, `A.7.1` is simply the 2022 control.
        assert_eq!(read_objective(7, 1, &facts(None, true), false, &c, &w), None);
    }

    #[test]
    fn a_2013_objective_with_a_status_reads_through_its_controls() {
        let c = Catalogs::builtin();
        let w = TitleWords::new(&c);
        let Some(Objective::Through2013 { controls, ids, note }) =
            read_objective(9, 1, &facts(Some("Business requirements of access control"), true), true, &c, &w)
        else {
            panic!("not read through its controls");
        };
        assert_eq!(controls, [ControlId::new("A.9.1.1"), ControlId::new("A.9.1.2")]);
        assert!(ids.contains(&ControlId::new("A.5.15")), "{ids:?}");
        assert!(note.starts_with("ISO 27001:2013 objective `A.9.1` read through its controls `A.9.1.1`, `A.9.1.2`"));
    }

    #[test]
    fn parent_clauses_read_through_their_sub_clauses() {
        let c = Catalogs::builtin();
        let (ids, note) = sub_clauses(&ControlId::new("9.2"), &c).unwrap();
        assert_eq!(ids, [ControlId::new("9.2.1"), ControlId::new("9.2.2")]);
        assert_eq!(note, "clause `9.2` Internal audit read through its sub-clauses `9.2.1`, `9.2.2`");
        assert_eq!(sub_clauses(&ControlId::new("6.1"), &c).unwrap().0.len(), 3);
        assert!(sub_clauses(&ControlId::new("9.1"), &c).is_none());
        assert!(sub_clauses(&ControlId::new("A.5.1"), &c).is_none());
    }

    #[test]
    fn a_title_naming_another_control_is_found() {
        let c = Catalogs::builtin();
        let w = TitleWords::new(&c);
        let other = w.contradiction(&ControlId::new("A.8.1"), "User access management", &c).unwrap();
        assert_eq!(other.id.as_str(), "A.5.18");
        assert!(w.contradiction(&ControlId::new("A.8.1"), "User endpoint devices", &c).is_none());
        assert!(w.contradiction(&ControlId::new("A.8.13"), "Backups", &c).is_none());
        assert!(w.contradiction(&ControlId::new("A.8.24"), "Encryption of data at rest", &c).is_none());
    }
}

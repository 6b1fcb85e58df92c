//! SOC 2 Type II readiness: which controls an observation window samples, per criterion, by the frequency the
//! input gives them.

use std::collections::BTreeMap;

use super::{Criterion, FrequencyReading, Sample, SampleCriterion, TypeTwo};
use crate::catalog::Catalogs;
use crate::crosswalk::{Crosswalk, CrosswalkRow, Effect};
use crate::ids::{natural_key, ControlId, Framework};
use crate::mapping::Role as LinkRole;
use crate::report::frequency;
use crate::report::words;
use crate::report::Output;

/// One control sampled for one criterion: the criterion id, the control as the reader knows it, and its row.
struct Pairing<'a> {
    criterion: String,
    control: String,
    row: &'a CrosswalkRow,
}

/// The window's samples as they are gathered: per criterion, and per control (with every criterion it supports).
#[derive(Default)]
struct Gathered {
    per_criterion: BTreeMap<ControlId, Vec<Sample>>,
    by_control: BTreeMap<(ControlId, String), Sample>,
}

/// The Type II part of the context; its lists are empty when the input has no frequency column.
pub(super) fn type_two(
    out: &Output,
    criteria: &[Criterion],
    catalogs: &Catalogs,
    window: u32,
    has_frequency: bool,
) -> TypeTwo {
    let cw = out.crosswalk;
    let mut gathered = Gathered::default();
    if has_frequency {
        let in_scope: BTreeMap<&str, &Criterion> =
            criteria.iter().filter(|c| c.in_scope).map(|c| (c.id.as_str(), c)).collect();
        let pairings = if cw.to == Framework::Iso2022 { named_by_rows(cw) } else { resting_on(cw, &in_scope) };
        for p in pairings {
            let sample = sample(&p.control, p.row, cw.to, window);
            let listed = cw.to == Framework::Iso2022 || in_scope.contains_key(p.criterion.as_str());
            gathered.add(p.criterion, p.control, p.row.row.row, sample, listed);
        }
    }
    let criteria = sample_criteria(gathered.per_criterion, catalogs);
    let mut all: Vec<Sample> = gathered.by_control.into_values().collect();
    for s in &mut all {
        s.criteria.sort_by_key(|c| natural_key(c));
        s.rows.sort_unstable();
    }
    TypeTwo {
        window_months: window,
        has_frequency,
        criteria,
        not_operating: all.iter().filter(|s| !s.operates).cloned().collect(),
        unknown: all.iter().filter(|s| s.reading == FrequencyReading::NotUnderstood).cloned().collect(),
        no_frequency: all.iter().filter(|s| s.reading == FrequencyReading::NotGiven).count(),
    }
}

/// SOC 2 input: the criteria each control row names itself, the control named by its reference, title, id cell or
/// criteria (a matrix names its controls `C-01` in the title column, or by their criteria cell).
fn named_by_rows(cw: &Crosswalk) -> Vec<Pairing<'_>> {
    let mut pairings = Vec::new();
    for r in cw.rows.iter().filter(|r| r.effect != Effect::Nothing) {
        let label = r
            .row
            .reference
            .clone()
            .or_else(|| r.row.title.clone())
            .or_else(|| r.row.raw_id.clone())
            .unwrap_or_else(|| ids_text(&r.row.ids));
        for id in &r.row.ids {
            pairings.push(Pairing { criterion: id.to_string(), control: label.clone(), row: r });
        }
    }
    pairings
}

/// ISO input: for each in-scope criterion, the rows of the core controls it rests on (supporting links are
/// context: the auditor samples the controls the criterion rests on).
fn resting_on<'a>(cw: &'a Crosswalk, in_scope: &BTreeMap<&str, &Criterion>) -> Vec<Pairing<'a>> {
    let rows: BTreeMap<usize, &CrosswalkRow> = cw.rows.iter().map(|r| (r.row.row, r)).collect();
    let mut pairings = Vec::new();
    for c in in_scope.values() {
        for x in c.reuse.iter().filter(|x| x.role == LinkRole::Core) {
            for n in &x.rows {
                if let Some(r) = rows.get(n) {
                    pairings.push(Pairing { criterion: c.id.clone(), control: x.label.clone(), row: r });
                }
            }
        }
    }
    pairings
}

/// How a frequency cell was read: understood when it gives a cadence, else empty or not understood.
fn reading(cell: &str, understood: bool) -> FrequencyReading {
    match (understood, cell.trim().is_empty()) {
        (true, _) => FrequencyReading::Understood,
        (false, true) => FrequencyReading::NotGiven,
        (false, false) => FrequencyReading::NotUnderstood,
    }
}

/// One control row in the window: its frequency read, its occurrences counted and what the auditor will ask.
fn sample(control: &str, row: &CrosswalkRow, to: Framework, window: u32) -> Sample {
    let freq = row.row.frequency.clone().unwrap_or_default();
    let cadence = frequency::parse(&freq);
    let occurrences = cadence.and_then(|c| c.occurrences(window));
    let reading = reading(&freq, cadence.is_some());
    let (first, second) =
        if to == Framework::Iso2022 { (&row.row.text, &row.row.title) } else { (&row.row.title, &row.row.text) };
    Sample {
        id: control.to_string(),
        title: first.clone().or_else(|| second.clone()).unwrap_or_default(),
        owner: row.row.owner.clone().unwrap_or_default(),
        evidence: row.row.evidence.clone().unwrap_or_default(),
        frequency: freq,
        cadence: words::cadence(reading, cadence),
        reading,
        occurrences,
        operates: occurrences != Some(0),
        in_window: words::in_window(occurrences),
        expect: words::expectation(reading, cadence, occurrences),
        criteria: Vec::new(),
        rows: vec![row.row.row],
    }
}

impl Gathered {
    /// Adds a sample: to its criterion's list when `listed` (once per control and row), and to its control's entry.
    fn add(&mut self, criterion: String, control: String, row: usize, sample: Sample, listed: bool) {
        if listed {
            let list = self.per_criterion.entry(ControlId::new(criterion.clone())).or_default();
            if !list.iter().any(|s| s.id == sample.id && s.rows == sample.rows) {
                list.push(sample.clone());
            }
        }
        let key = (ControlId::new(control), sample.title.clone());
        let entry = self.by_control.entry(key).or_insert(sample);
        if !entry.criteria.contains(&criterion) {
            entry.criteria.push(criterion);
        }
        if !entry.rows.contains(&row) {
            entry.rows.push(row);
        }
    }
}

/// The criteria with their samples in id order, titled from the catalog (else from their first sample).
fn sample_criteria(per_criterion: BTreeMap<ControlId, Vec<Sample>>, catalogs: &Catalogs) -> Vec<SampleCriterion> {
    let catalog_title = |id: &str| catalogs.find(id).map(|e| e.title.clone());
    per_criterion
        .into_iter()
        .map(|(id, mut samples)| {
            samples.sort_by(|a, b| natural_key(&a.id).cmp(&natural_key(&b.id)).then(a.rows.cmp(&b.rows)));
            SampleCriterion {
                title: catalog_title(id.as_str()).or_else(|| Some(samples.first()?.title.clone())).unwrap_or_default(),
                id: id.to_string(),
                samples,
            }
        })
        .collect()
}

fn ids_text(ids: &[ControlId]) -> String {
    ids.iter().map(ControlId::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frequency_cell_is_understood_empty_or_not_understood() {
        let cases = [
            ("monthly", true, FrequencyReading::Understood),
            ("", false, FrequencyReading::NotGiven),
            ("  ", false, FrequencyReading::NotGiven),
            ("when needed?", false, FrequencyReading::NotUnderstood),
        ];
        for (cell, understood, want) in cases {
            assert_eq!(reading(cell, understood), want, "{cell:?}");
        }
    }

    fn sample_of(id: &str, rows: Vec<usize>) -> Sample {
        Sample {
            id: id.into(),
            title: format!("title of {id}"),
            owner: String::new(),
            evidence: String::new(),
            frequency: String::new(),
            cadence: String::new(),
            reading: FrequencyReading::NotGiven,
            occurrences: None,
            operates: true,
            in_window: String::new(),
            expect: String::new(),
            criteria: Vec::new(),
            rows,
        }
    }

    #[test]
    fn a_control_gathers_its_criteria_and_rows_once() {
        let mut g = Gathered::default();
        // (criterion, control, row, listed)
        let adds = [
            ("CC6.1", "A.5.15", 2, true),
            ("CC6.1", "A.5.15", 2, true),
            ("CC6.2", "A.5.15", 3, true),
            ("CC9.9", "A.5.15", 2, false),
        ];
        for (criterion, control, row, listed) in adds {
            g.add(criterion.into(), control.into(), row, sample_of(control, vec![row]), listed);
        }
        let per: Vec<(String, usize)> = g.per_criterion.iter().map(|(k, v)| (k.to_string(), v.len())).collect();
        assert_eq!(per, [("CC6.1".to_string(), 1), ("CC6.2".to_string(), 1)]);
        let control = g.by_control.values().next().unwrap();
        assert_eq!(control.criteria, ["CC6.1", "CC6.2", "CC9.9"]);
        assert_eq!(control.rows, [2, 3]);
    }
}

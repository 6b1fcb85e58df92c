//! Typical Type II sample sizes by control frequency, read from `mappings/sample-sizes.csv`, and what a control of a
//! given cadence asks of an observation window: occurrences in it and the sample an auditor typically takes.

use std::collections::BTreeMap;

use crate::catalog::data::DataFile;
use crate::catalog::{read_rows, CatalogError};
use crate::report::frequency::Cadence;

/// The frequency classes of the sample-size table, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Annual,
    SemiAnnual,
    Quarterly,
    Monthly,
    Weekly,
    Daily,
    SeveralDaily,
    OnEvent,
    Automated,
}

impl Class {
    pub const ALL: [Class; 9] = [
        Class::Annual,
        Class::SemiAnnual,
        Class::Quarterly,
        Class::Monthly,
        Class::Weekly,
        Class::Daily,
        Class::SeveralDaily,
        Class::OnEvent,
        Class::Automated,
    ];

    /// The key in `sample-sizes.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Class::Annual => "annual",
            Class::SemiAnnual => "semi-annual",
            Class::Quarterly => "quarterly",
            Class::Monthly => "monthly",
            Class::Weekly => "weekly",
            Class::Daily => "daily",
            Class::SeveralDaily => "several-times-a-day",
            Class::OnEvent => "on-event",
            Class::Automated => "automated",
        }
    }

    /// The class whose sample size applies to a cadence: a control running every 2 months is sampled like a
    /// monthly one, every 2 years like an annual one.
    pub fn of(cadence: Cadence) -> Class {
        match cadence {
            Cadence::Months(n) if n >= 12 => Class::Annual,
            Cadence::Months(n) if n >= 6 => Class::SemiAnnual,
            Cadence::Months(n) if n >= 3 => Class::Quarterly,
            Cadence::Months(_) => Class::Monthly,
            Cadence::Weeks(_) => Class::Weekly,
            Cadence::Daily => Class::Daily,
            Cadence::SeveralDaily => Class::SeveralDaily,
            Cadence::AdHoc => Class::OnEvent,
            Cadence::Continuous => Class::Automated,
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The typical sample: at most the occurrences in the window for a periodic control.
    pub sample: u32,
    /// How auditors usually pick it (our words).
    pub basis: String,
}

/// The sample-size table.
#[derive(Debug, Clone)]
pub struct SampleSizes {
    rules: BTreeMap<Class, Rule>,
}

#[derive(serde::Deserialize)]
struct Line {
    frequency: String,
    sample: u32,
    basis: String,
}

impl SampleSizes {
    /// Reads the table; every class must be there once, with a sample of at least 1.
    pub fn load(file: &DataFile) -> Result<SampleSizes, CatalogError> {
        let bad = |line: usize, message: String| {
            let at = crate::issue::Location::file(&file.name);
            CatalogError { at: if line > 0 { at.row(line) } else { at }, message }
        };
        let mut rules = BTreeMap::new();
        for (line, l) in read_rows::<Line>(file)? {
            let key = l.frequency.trim();
            let Some(class) = Class::ALL.iter().copied().find(|c| c.key() == key) else {
                let keys: Vec<&str> = Class::ALL.iter().map(|c| c.key()).collect();
                return Err(bad(line, format!("unknown frequency `{key}`: expected one of {}", keys.join(", "))));
            };
            if l.sample == 0 {
                return Err(bad(line, format!("`{key}`: the sample must be at least 1")));
            }
            if rules.insert(class, Rule { sample: l.sample, basis: l.basis.trim().to_string() }).is_some() {
                return Err(bad(line, format!("`{key}` is listed twice")));
            }
        }
        if let Some(missing) = Class::ALL.iter().find(|c| !rules.contains_key(c)) {
            return Err(bad(0, format!("no line for `{}`", missing.key())));
        }
        Ok(SampleSizes { rules })
    }

    pub fn rule(&self, class: Class) -> &Rule {
        &self.rules[&class]
    }

    /// What a window of `months` asks of a control of this cadence.
    pub fn plan(&self, cadence: Cadence, months: u32) -> Plan {
        let class = Class::of(cadence);
        let rule = self.rule(class);
        let occurrences = cadence.occurrences(months);
        let sample = match occurrences {
            Some(n) => rule.sample.min(n),
            None => rule.sample,
        };
        Plan { class, occurrences, sample, basis: rule.basis.clone() }
    }
}

/// A control's cadence against the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub class: Class,
    /// Runs in the window; `None` for event-driven, automated and several-times-a-day controls.
    pub occurrences: Option<u32>,
    /// The typical sample (0 when the control does not run in the window).
    pub sample: u32,
    pub basis: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> SampleSizes {
        SampleSizes::load(&crate::catalog::data::DataFiles::builtin().samples).unwrap()
    }

    #[test]
    fn samples_for_a_six_and_a_twelve_month_window() {
        let t = table();
        let cases = [
            (Cadence::Months(12), [(0, 0), (1, 1)]),
            (Cadence::Months(6), [(1, 1), (2, 1)]),
            (Cadence::Months(3), [(2, 2), (4, 2)]),
            (Cadence::Months(1), [(6, 2), (12, 2)]),
            (Cadence::Weeks(1), [(26, 5), (52, 5)]),
            (Cadence::Daily, [(182, 25), (365, 25)]),
        ];
        for (cadence, want) in cases {
            for (months, (occ, sample)) in [6, 12].into_iter().zip(want) {
                let p = t.plan(cadence, months);
                assert_eq!((p.occurrences, p.sample), (Some(occ), sample), "{cadence:?} in {months} months");
            }
        }
        let event = t.plan(Cadence::AdHoc, 6);
        assert_eq!((event.class, event.occurrences, event.sample), (Class::OnEvent, None, 25));
        assert_eq!(t.plan(Cadence::Continuous, 12).sample, 1);
        assert_eq!(t.plan(Cadence::SeveralDaily, 12).class, Class::SeveralDaily);
    }

    #[test]
    fn a_table_missing_a_class_or_naming_an_unknown_one_is_refused() {
        let file = |text: &str| DataFile { name: "sample-sizes.csv".into(), text: text.into() };
        let err = SampleSizes::load(&file("frequency,sample,basis\nannual,1,x\n")).unwrap_err();
        assert!(err.to_string().contains("no line for `semi-annual`"), "{err}");
        let err = SampleSizes::load(&file("frequency,sample,basis\nyearly,1,x\n")).unwrap_err();
        assert!(err.to_string().contains("unknown frequency `yearly`"), "{err}");
    }
}

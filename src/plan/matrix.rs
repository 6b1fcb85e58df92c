//! An ISO 27001 SoA's crosswalk -> a SOC 2 control matrix draft (one line per in-scope criterion and client control,
//! a "to do" line for what SOC 2 asks beyond ISO, a gap line for a criterion nothing covers) and the evidence to
//! request for a Type II window.

use crate::catalog::Catalogs;
use crate::crosswalk::{Contribution, CoverageStatus, Crosswalk, CrosswalkRow, Effect};
use crate::mapping::{Relationship, Role};
use crate::report::frequency::{self, Cadence};

use super::samples::{Class, SampleSizes};
use super::Date;

/// What a matrix line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Line {
    /// A client control that maps to the criterion.
    Control,
    /// What SOC 2 asks beyond ISO for this criterion: work for the client, owner to fill in.
    ToDo,
    /// No client control covers the criterion.
    Gap,
}

impl Line {
    pub fn as_str(self) -> &'static str {
        match self {
            Line::Control => "control",
            Line::ToDo => "to do",
            Line::Gap => "gap",
        }
    }
}

/// The client's control as the matrix carries it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Client {
    /// Input row number.
    pub row: usize,
    /// The client's reference (`C-12`), else the id as written.
    pub reference: String,
    /// Canonical ISO ids of the row.
    pub iso: Vec<String>,
    pub title: String,
    pub text: String,
    pub owner: String,
    pub evidence: String,
    pub frequency: String,
    /// The status as the client wrote it, or empty.
    pub status: String,
}

impl Client {
    fn of(row: &CrosswalkRow) -> Client {
        let x = &row.row;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Client {
            row: x.row,
            reference: super::reference(row),
            iso: x.ids.iter().map(std::string::ToString::to_string).collect(),
            title: text(&x.title),
            text: text(&x.text),
            owner: text(&x.owner),
            evidence: text(&x.evidence),
            frequency: text(&x.frequency),
            status: x.status.map(|s| s.as_str().to_string()).or_else(|| x.status_text.clone()).unwrap_or_default(),
        }
    }
}

/// How a client control meets a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub relationship: Relationship,
    pub strength: u8,
    pub role: Role,
    /// Whether the control's status lets it count (implemented, partly, or no status column).
    pub counts: bool,
}

/// One line of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    pub criterion: String,
    pub category: String,
    pub criterion_title: String,
    pub coverage: CoverageStatus,
    pub line: Line,
    /// The client's control, on control lines.
    pub client: Option<Client>,
    pub link: Option<Link>,
    /// On to-do lines what SOC 2 asks beyond ISO; on gap lines what would cover the criterion.
    pub note: String,
}

/// Every in-scope criterion in catalog order: its control lines (core before supporting, strongest first), then its
/// to-do line, then a gap line when nothing covers it.
pub fn build(cw: &Crosswalk, catalogs: &Catalogs) -> Vec<MatrixRow> {
    let by_row = super::rows_by_number(cw);
    let mut out = Vec::new();
    for c in cw.coverage.iter().filter(|c| c.status != CoverageStatus::OutOfScope) {
        let entry = catalogs.find(c.id.as_str());
        let line = |line: Line, client: Option<Client>, link: Option<Link>, note: String| MatrixRow {
            criterion: c.id.to_string(),
            category: c.category.clone(),
            criterion_title: c.title.clone(),
            coverage: c.status,
            line,
            client,
            link,
            note,
        };
        let mut contributions: Vec<&Contribution> = c.contributions.iter().collect();
        contributions.sort_by_key(|x| (x.role != Role::Core, std::cmp::Reverse(x.strength), x.id.clone()));
        for x in contributions {
            for n in &x.rows {
                let Some(row) = by_row.get(n) else { continue };
                let link = Link {
                    relationship: x.relationship,
                    strength: x.strength,
                    role: x.role,
                    counts: row.effect != Effect::Nothing,
                };
                out.push(line(Line::Control, Some(Client::of(row)), Some(link), String::new()));
            }
        }
        let beyond = entry.map(|e| e.beyond_iso.trim().to_string()).unwrap_or_default();
        if !beyond.is_empty() {
            out.push(line(Line::ToDo, None, None, beyond));
        }
        if c.status == CoverageStatus::Gap {
            out.push(line(Line::Gap, None, None, gap_note(c)));
        }
    }
    out
}

/// What would cover a criterion nothing covers yet.
fn gap_note(c: &crate::crosswalk::Coverage) -> String {
    let v = &c.verdict;
    let ids = |ids: Vec<String>| ids.join(", ");
    let mut parts = vec!["no control in the SoA covers this criterion".to_string()];
    if !v.pending.is_empty() {
        parts.push(format!(
            "would be covered once implemented: {}",
            ids(v.pending.iter().map(|e| e.id.to_string()).collect())
        ));
    }
    if !v.missing.is_empty() {
        parts.push(format!(
            "ISO controls that cover it, not in the SoA: {}",
            ids(v.missing.iter().map(std::string::ToString::to_string).collect())
        ));
    }
    if v.no_core {
        parts.push("no ISO 27001 control holds it: design a SOC 2 control".into());
    }
    parts.join("; ")
}

/// Why a control is listed for the client to settle before the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// No frequency cell, or one that says nothing recognisable.
    NoFrequency,
    /// It runs less often than once in the window, so its one run may fall outside it.
    OutsideWindow,
}

impl Settle {
    pub fn as_str(self) -> &'static str {
        match self {
            Settle::NoFrequency => "no frequency: say how often the control runs",
            Settle::OutsideWindow => {
                "does not run in the window: schedule a run inside it, agree the date of the last run with the auditor, or lengthen the window"
            }
        }
    }
}

/// The observation window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub months: u32,
    pub start: Option<Date>,
}

impl Window {
    /// `6 months`, or `6 months, 2026-01-01 to 2026-06-30`.
    pub fn describe(&self) -> String {
        match self.start {
            Some(s) => format!("{} months, {s} to {}", self.months, s.window_end(self.months)),
            None => format!("{} months", self.months),
        }
    }
}

/// One control to request evidence for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub criterion: String,
    pub client: Client,
    pub role: Role,
    /// What to ask the client for.
    pub evidence: String,
    pub cadence: Option<Cadence>,
    pub class: Option<Class>,
    /// Runs in the window; `None` for event-driven, automated, several-times-a-day and unknown.
    pub occurrences: Option<u32>,
    /// The typical sample; `None` when the frequency is unknown.
    pub sample: Option<u32>,
    /// How the sample is usually picked (from the table).
    pub basis: String,
    pub settle: Option<Settle>,
}

/// The evidence request list: one line per (criterion, client control that counts), in matrix order.
pub fn requests(matrix: &[MatrixRow], samples: &SampleSizes, window: Window) -> Vec<Request> {
    let mut out = Vec::new();
    for m in matrix {
        let (Some(client), Some(link)) = (&m.client, &m.link) else { continue };
        if !link.counts {
            continue;
        }
        let cadence = frequency::parse(&client.frequency);
        let plan = cadence.map(|c| samples.plan(c, window.months));
        let settle = match &plan {
            None => Some(Settle::NoFrequency),
            Some(p) if p.occurrences == Some(0) => Some(Settle::OutsideWindow),
            Some(_) => None,
        };
        let evidence = if client.evidence.trim().is_empty() {
            format!("records showing {} operated as described", client.reference)
        } else {
            client.evidence.clone()
        };
        out.push(Request {
            criterion: m.criterion.clone(),
            client: client.clone(),
            role: link.role,
            evidence,
            cadence,
            class: plan.as_ref().map(|p| p.class),
            occurrences: plan.as_ref().and_then(|p| p.occurrences),
            sample: plan.as_ref().map(|p| p.sample),
            basis: plan.map(|p| p.basis).unwrap_or_default(),
            settle,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosswalk::{build as crosswalk, Scope};
    use crate::ids::Framework;
    use crate::import::{Imported, ImportedRow, Status};
    use crate::mapping::Mapping;

    fn soa(rows: Vec<ImportedRow>) -> Imported {
        Imported::of_rows("soa.csv", Framework::Iso2022, rows)
    }

    fn control(n: usize, id: &str, reference: &str, frequency: &str) -> ImportedRow {
        ImportedRow {
            reference: Some(reference.into()),
            frequency: Some(frequency.into()),
            owner: Some("IT".into()),
            status: Some(Status::Implemented),
            applicable: Some(true),
            ..ImportedRow::by_id(n, id)
        }
    }

    fn matrix(rows: Vec<ImportedRow>) -> Vec<MatrixRow> {
        let c = Catalogs::builtin();
        let m = Mapping::builtin(&c);
        let cw = crosswalk(&mut soa(rows), &m, &c, &Scope::default(), Framework::Tsc2017);
        build(&cw, &c)
    }

    #[test]
    fn every_in_scope_criterion_appears_and_gaps_are_listed() {
        let rows = matrix(vec![control(2, "A.5.15", "C-12", "Quarterly"), control(3, "A.8.5", "C-14", "")]);
        let criteria: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.criterion.as_str()).collect();
        assert_eq!(criteria.len(), 33, "every security criterion, none dropped");
        let cc61: Vec<&MatrixRow> = rows.iter().filter(|r| r.criterion == "CC6.1").collect();
        let refs: Vec<&str> = cc61.iter().filter_map(|r| r.client.as_ref()).map(|c| c.reference.as_str()).collect();
        assert_eq!(refs, ["C-12", "C-14"]);
        assert_eq!(cc61.iter().filter(|r| r.line == Line::ToDo).count(), 1);
        assert!(cc61.iter().all(|r| r.line != Line::Gap), "CC6.1 is partly covered");
        let cc11: Vec<Line> = rows.iter().filter(|r| r.criterion == "CC1.1").map(|r| r.line).collect();
        assert_eq!(cc11, [Line::ToDo, Line::Gap]);
        let gap = rows.iter().find(|r| r.criterion == "CC1.1" && r.line == Line::Gap).unwrap();
        assert!(gap.note.starts_with("no control in the SoA covers this criterion; ISO controls"), "{}", gap.note);
    }

    #[test]
    fn requests_count_samples_and_list_what_to_settle() {
        let samples = SampleSizes::load(&crate::catalog::data::DataFiles::builtin().samples).unwrap();
        let rows = matrix(vec![control(2, "A.5.15", "C-12", "Quarterly"), control(3, "A.8.5", "C-14", "")]);
        let window = Window { months: 12, start: None };
        let reqs = requests(&rows, &samples, window);
        let c12 = reqs.iter().find(|r| r.criterion == "CC6.1" && r.client.reference == "C-12").unwrap();
        assert_eq!((c12.occurrences, c12.sample, c12.settle), (Some(4), Some(2), None));
        let c14 = reqs.iter().find(|r| r.client.reference == "C-14").unwrap();
        assert_eq!((c14.sample, c14.settle), (None, Some(Settle::NoFrequency)));
        assert_eq!(c14.evidence, "records showing C-14 operated as described");
    }
}

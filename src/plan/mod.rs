//! The documents the next audit asks for, built from a crosswalk: a SOC 2 control matrix draft and a Type II
//! evidence request list from an ISO 27001 SoA ([`matrix`]), and a draft Statement of Applicability from a SOC 2
//! control matrix ([`soa`]). Pure: crosswalk rows in, deliverable rows out; the writers are in
//! `report::plan_out`.

pub mod matrix;
pub mod samples;
pub mod soa;

use crate::crosswalk::{Crosswalk, CrosswalkRow};

/// The client's own name for a control row: its reference (`C-12`), else the id cell as written, else `row N`.
pub fn reference(row: &CrosswalkRow) -> String {
    let x = &row.row;
    x.reference
        .clone()
        .filter(|r| !r.trim().is_empty())
        .or_else(|| x.raw_id.clone().filter(|r| !r.trim().is_empty()))
        .unwrap_or_else(|| format!("row {}", x.row))
}

/// The crosswalk's rows by input row number.
pub fn rows_by_number(cw: &Crosswalk) -> std::collections::HashMap<usize, &CrosswalkRow> {
    cw.rows.iter().map(|r| (r.row.row, r)).collect()
}

/// A calendar date (`--period-start`), enough to name the first and last day of an observation window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM-DD`. `Err` says what was expected.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}`: expected a date as YYYY-MM-DD, for example 2026-01-01");
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else { return Err(bad()) };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (year, month, day) = (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
            d.parse::<u32>().map_err(|_| bad())?,
        );
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("`{text}`: no such day in the calendar"));
        }
        Ok(Date { year, month, day })
    }

    /// The last day of a window of `months` starting on this day: `2026-01-01` + 6 months is `2026-06-30`.
    pub fn window_end(self, months: u32) -> Date {
        let total = self.year * 12 + (self.month as i32 - 1) + months as i32;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }.previous_day()
    }

    fn previous_day(self) -> Date {
        if self.day > 1 {
            return Date { day: self.day - 1, ..self };
        }
        let (year, month) = if self.month == 1 { (self.year - 1, 12) } else { (self.year, self.month - 1) };
        Date { year, month, day: days_in_month(year, month) }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_the_day_before_the_same_day_n_months_later() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2026-01-01").window_end(6).to_string(), "2026-06-30");
        assert_eq!(d("2026-01-01").window_end(12).to_string(), "2026-12-31");
        assert_eq!(d("2025-07-15").window_end(6).to_string(), "2026-01-14");
        assert_eq!(d("2023-08-31").window_end(6).to_string(), "2024-02-28");
        assert_eq!(d("2024-03-01").window_end(12).to_string(), "2025-02-28");
        assert_eq!(Date::parse("2026-02-30").unwrap_err(), "`2026-02-30`: no such day in the calendar");
        assert_eq!(
            Date::parse("1/1/2026").unwrap_err(),
            "`1/1/2026`: expected a date as YYYY-MM-DD, for example 2026-01-01"
        );
    }
}

//! The one place where an id spelling becomes a canonical [`ControlId`].
//!
//! Parsing happens in two steps. [`split_cell`] cuts a cell into id-looking tokens and a trailing title
//! (`"A.5.1 Policies"`, `"CC6.1, CC6.2"`, `"6.1.1/6.1.2"`), and [`parse_token`] reads one token into a
//! [`RawId`]: what was written, without knowing the catalogs (`parse.rs`). [`resolve()`] then decides, with the
//! catalogs, which canonical id a raw id names — a bare `5.1` is both clause 5.1 and Annex A 5.1, and the caller's
//! hint decides — and returns what it did as flags ([`Resolved`]) or why it failed ([`ResolveError`]) (`resolve.rs`).
//! This module holds the frameworks and the canonical id with its reading order.

mod parse;
mod resolve;

use std::fmt;

use serde::{Serialize, Serializer};

pub use parse::{clean_spaces, decimal_comma, is_strong, parse_token, split_cell, RawId, SplitCell, Token, TscPrefix};
pub use resolve::{resolve, BareHint, BareReading, KnownIds, ResolveError, Resolved};

/// A framework the tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Iso2022,
    Iso2013,
    Tsc2017,
    Custom,
}

impl Framework {
    /// The key used on the command line and in JSON (`iso27001-2022`, …).
    pub fn key(self) -> &'static str {
        match self {
            Framework::Iso2022 => "iso27001-2022",
            Framework::Iso2013 => "iso27001-2013",
            Framework::Tsc2017 => "tsc-2017",
            Framework::Custom => "custom",
        }
    }

    /// Reads a framework key as written on the command line.
    pub fn from_key(key: &str) -> Option<Framework> {
        match key.trim().to_ascii_lowercase().as_str() {
            "iso27001-2022" | "iso-2022" | "iso2022" | "iso" => Some(Framework::Iso2022),
            "iso27001-2013" | "iso-2013" | "iso2013" => Some(Framework::Iso2013),
            "tsc-2017" | "tsc" | "soc2" | "soc-2" => Some(Framework::Tsc2017),
            "custom" => Some(Framework::Custom),
            _ => None,
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Framework {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// A canonical control, clause or criterion id: `A.5.15`, `6.1.2`, `A.9.2.3`, `CC6.1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ControlId(String);

impl ControlId {
    /// Wraps a string that is already canonical (catalog files, tests).
    pub fn new(canonical: impl Into<String>) -> ControlId {
        ControlId(canonical.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Key that sorts ids the way people read them: `A.5.2` before `A.5.10`, `CC` before `A1` … `P8`, clauses last.
    pub fn sort_key(&self) -> (u8, String, Vec<u32>) {
        natural_key(&self.0)
    }
}

impl PartialOrd for ControlId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ControlId {
    /// The order of [`ControlId::sort_key`], compared without allocating (ids are compared often: maps, sorts).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        let (a, b) = (&self.0, &other.0);
        natural_group(a)
            .cmp(&natural_group(b))
            .then_with(|| natural_letters(a).cmp(natural_letters(b)))
            .then_with(|| natural_numbers(a).cmp(natural_numbers(b)))
    }
}

/// The runs of digits in an id as numbers (`A.5.15`: 5, 15); a run too large for a `u32` is skipped.
fn natural_numbers(id: &str) -> impl Iterator<Item = u32> + '_ {
    // Byte by byte rather than `split` and `parse`: ids are compared very often (maps, sorts), and an ASCII digit
    // byte is never part of a longer UTF-8 character.
    let mut bytes = id.bytes().peekable();
    std::iter::from_fn(move || loop {
        while bytes.next_if(|b| !b.is_ascii_digit()).is_some() {}
        bytes.peek()?;
        let mut value: Option<u32> = Some(0);
        while let Some(d) = bytes.next_if(u8::is_ascii_digit) {
            value = value.and_then(|v| v.checked_mul(10)).and_then(|v| v.checked_add(u32::from(d - b'0')));
        }
        if value.is_some() {
            return value;
        }
    })
}

fn natural_letters(id: &str) -> &str {
    &id[..id.bytes().take_while(u8::is_ascii_alphabetic).count()]
}

fn natural_group(id: &str) -> u8 {
    match natural_letters(id) {
        "A" if id.starts_with("A.") => u8::from(natural_numbers(id).count() >= 3),
        "" => 2,
        "CC" => 3,
        "A" => 4,
        "C" => 5,
        "PI" => 6,
        "P" => 7,
        _ => 8,
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ControlId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Sort key: group (Annex A, 2013, clauses, CC, A, C, PI, P), then the numbers.
pub fn natural_key(id: &str) -> (u8, String, Vec<u32>) {
    (natural_group(id), natural_letters(id).to_string(), natural_numbers(id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_numbers_are_the_digit_runs() {
        let runs = |id: &str| natural_numbers(id).collect::<Vec<_>>();
        assert_eq!(runs("A.5.15"), [5, 15]);
        assert_eq!(runs("CC6.1"), [6, 1]);
        assert_eq!(runs("5..01x"), [5, 1]);
        assert_eq!(runs("A.99999999999.3"), [3]);
        assert_eq!(runs("Ä7"), [7]);
        assert!(runs("").is_empty() && runs("CC").is_empty());
    }

    #[test]
    fn id_order_matches_the_sort_key() {
        let ids = [
            "A.5.2", "A.5.10", "A.9.2.3", "6.1.2", "CC6.1", "CC10.1", "A1.2", "C1.1", "PI1.3", "P6.1", "P6.10", "X.1",
            "A.8.1", "4.1", "A.5.1", "CC1.1",
        ];
        for a in ids {
            for b in ids {
                let (x, y) = (ControlId::new(a), ControlId::new(b));
                assert_eq!(x.cmp(&y), x.sort_key().cmp(&y.sort_key()), "{a} {b}");
            }
        }
    }

    #[test]
    fn natural_order() {
        let mut ids: Vec<ControlId> =
            ["CC6.10", "A.5.10", "P1.1", "A1.2", "CC6.2", "A.5.2", "6.1.2", "PI1.1", "C1.1", "A.8.1"]
                .iter()
                .map(|s| ControlId::new(*s))
                .collect();
        ids.sort();
        let got: Vec<&str> = ids.iter().map(super::ControlId::as_str).collect();
        assert_eq!(got, ["A.5.2", "A.5.10", "A.8.1", "6.1.2", "CC6.2", "CC6.10", "A1.2", "C1.1", "PI1.1", "P1.1"]);
    }
}

//! Row-level findings that every stage returns beside its result, and the [`Location`] they point at.

use std::fmt;

use serde::{Serialize, Serializer};

/// Where something is, as the spreadsheet shows it: file, sheet, 1-based row, column letter and header.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based row as Excel shows it (for csv: the record's line number).
    pub row: Option<usize>,
    /// 0-based column index; shown as a letter.
    pub column: Option<usize>,
    pub header: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Location {
        Location { file: file.into(), ..Location::default() }
    }

    pub fn sheet(mut self, sheet: Option<&str>) -> Location {
        self.sheet = sheet.map(str::to_string);
        self
    }

    pub fn row(mut self, row: usize) -> Location {
        self.row = Some(row);
        self
    }

    pub fn column(mut self, column: usize, header: Option<&str>) -> Location {
        self.column = Some(column);
        self.header = header.filter(|h| !h.trim().is_empty()).map(|h| h.trim().to_string());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", sheet '{sheet}'")?;
        }
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = self.column {
            write!(f, ", column {}", column_letter(column))?;
            if let Some(header) = &self.header {
                write!(f, " ({header})")?;
            }
        }
        Ok(())
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `0` -> `A`, `25` -> `Z`, `26` -> `AA`.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding about the input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Issue {
    pub severity: Severity,
    pub at: Location,
    pub message: String,
}

impl Issue {
    pub fn warning(at: Location, message: impl Into<String>) -> Issue {
        Issue { severity: Severity::Warning, at, message: message.into() }
    }

    pub fn error(at: Location, message: impl Into<String>) -> Issue {
        Issue { severity: Severity::Error, at, message: message.into() }
    }

    pub fn info(at: Location, message: impl Into<String>) -> Issue {
        Issue { severity: Severity::Info, at, message: message.into() }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity, self.at, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn location_reads_like_excel() {
        let at = Location::file("soa.xlsx").sheet(Some("SoA")).row(12).column(0, Some("Ref"));
        assert_eq!(at.to_string(), "soa.xlsx, sheet 'SoA', row 12, column A (Ref)");
        assert_eq!(Location::file("x.csv").row(3).to_string(), "x.csv, row 3");
    }
}

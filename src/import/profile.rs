//! Saved layouts: `import --profile-out FILE` writes how a spreadsheet was read (sheet, header row, which header
//! plays which role) and `--profile FILE` reads the next file of the same template the same way.

use serde::{Deserialize, Serialize};

use super::{Imported, Role};

/// The layout of one client's template, as saved to JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Always `crosswalk-profile/1`.
    pub format: String,
    pub sheet: Option<String>,
    /// 1-based header row as the spreadsheet shows it; `null` when the file has no header row.
    pub header_row: Option<usize>,
    pub columns: Vec<ProfileColumn>,
}

/// One column's role, found again by its header text (or, when the header is blank, by its letter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileColumn {
    pub role: String,
    pub header: String,
    pub column: String,
}

pub const FORMAT: &str = "crosswalk-profile/1";

impl Profile {
    /// The layout an import found.
    pub fn from_imported(i: &Imported) -> Profile {
        Profile {
            format: FORMAT.to_string(),
            sheet: i.sheet.clone(),
            header_row: (i.header_row > 0).then_some(i.header_row),
            columns: i
                .columns
                .iter()
                .map(|c| ProfileColumn {
                    role: c.role.key().to_string(),
                    header: c.header.clone(),
                    column: crate::issue::column_letter(c.index),
                })
                .collect(),
        }
    }

    /// Reads a saved profile; the error says what is wrong in words a user can act on.
    pub fn parse(text: &str) -> Result<Profile, String> {
        let p: Profile = serde_json::from_str(text).map_err(|e| format!("not a crosswalk profile: {e}"))?;
        if p.format != FORMAT {
            return Err(format!("profile format `{}` is not supported; expected `{FORMAT}`", p.format));
        }
        if p.header_row == Some(0) {
            return Err("`header_row` counts from 1, as the spreadsheet shows rows".into());
        }
        for c in &p.columns {
            if Role::from_key(&c.role).is_none() {
                return Err(format!("unknown role `{}` in `columns`", c.role));
            }
        }
        Ok(p)
    }

    /// The `--column ROLE=HEADER` overrides this profile stands for (the letter where the header is blank).
    pub fn columns(&self) -> Vec<(Role, String)> {
        self.columns
            .iter()
            .filter_map(|c| {
                let role = Role::from_key(&c.role)?;
                let key = if c.header.trim().is_empty() { c.column.clone() } else { c.header.trim().to_string() };
                Some((role, key))
            })
            .collect()
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let text = r#"{"format":"crosswalk-profile/1","sheet":"SoA","header_row":5,
            "columns":[{"role":"id","header":"Ref","column":"A"},{"role":"title","header":"","column":"C"}]}"#;
        let p = Profile::parse(text).unwrap();
        assert_eq!(p.columns(), [(Role::Id, "Ref".to_string()), (Role::Title, "C".to_string())]);
        assert_eq!(Profile::parse(&String::from_utf8(p.to_json()).unwrap()).unwrap(), p);
        let bad = text.replace("\"id\"", "\"identity\"");
        assert_eq!(Profile::parse(&bad).unwrap_err(), "unknown role `identity` in `columns`");
        assert!(Profile::parse("[]").unwrap_err().starts_with("not a crosswalk profile: "));
    }
}

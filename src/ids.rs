//! The one place where an id spelling becomes a canonical [`ControlId`].
//!
//! Parsing happens in two steps. [`split_cell`] cuts a cell into id-looking tokens and a trailing title
//! (`"A.5.1 Policies"`, `"CC6.1, CC6.2"`, `"6.1.1/6.1.2"`), and [`parse_token`] reads one token into a
//! [`RawId`]: what was written, without knowing the catalogs. [`resolve`] then decides, with the catalogs, which
//! canonical id a raw id names — a bare `5.1` is both clause 5.1 and Annex A 5.1, and the caller's hint decides.

use std::fmt;

use serde::{Serialize, Serializer};

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
        "A" if id.starts_with("A.") => {
            if natural_numbers(id).count() >= 3 {
                1
            } else {
                0
            }
        }
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

/// The TSC category prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TscPrefix {
    CC,
    A,
    C,
    PI,
    P,
}

impl TscPrefix {
    fn as_str(self) -> &'static str {
        match self {
            TscPrefix::CC => "CC",
            TscPrefix::A => "A",
            TscPrefix::C => "C",
            TscPrefix::PI => "PI",
            TscPrefix::P => "P",
        }
    }
}

/// What an id token says, before the catalogs are consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawId {
    /// `A.5.15`, `A5.15`, `A 05.15`, `Annex A 5.15`: an Annex A id with two numbers.
    Annex(u32, u32),
    /// `A.9.2.3`: three numbers after `A` (ISO 27001:2013 Annex A).
    Annex2013(u32, u32, u32),
    /// `Clause 6.1.2`, `§ 9.2`: explicitly a clause.
    Clause(Vec<u32>),
    /// `5.1`, `6.1.2`: numbers only; clause, Annex A or 2013 id, the context decides.
    Bare(Vec<u32>),
    /// `CC6.1`, `PI1.3`, `CC1.1.1` (a point of focus carries its third number), `PP1.1` (`misspelt` = true).
    Tsc { prefix: TscPrefix, series: u32, number: u32, point: Option<u32>, misspelt: bool },
}

/// One id-looking token found in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token as written (trimmed).
    pub text: String,
    pub raw: RawId,
}

/// A cell cut into id tokens and the text that followed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitCell {
    pub tokens: Vec<Token>,
    /// Text after the ids (`"5.1 Information security policies"` gives the title), trimmed; empty if none.
    pub rest: String,
    /// Pieces that looked like ids but did not parse (`"CC6"` or `"A.5"`), as written.
    pub rejected: Vec<String>,
}

/// Replaces the many Unicode spaces clients paste with a plain space.
pub fn clean_spaces(s: &str) -> std::borrow::Cow<'_, str> {
    // Most cells are plain ASCII with ordinary spaces: nothing to replace, nothing to copy.
    if s.bytes().all(|b| b == b' ' || (b.is_ascii() && !b.is_ascii_whitespace())) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| if c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}' { ' ' } else { c })
        .filter(|c| *c != '\u{200b}')
        .collect::<String>()
        .into()
}

/// Reads one token such as `A.05.15`, `cc 6.1.`, `Clause 6.1.2`, `5.1` or the decimal comma `5,15`. Returns `None`
/// when it is not an id.
pub fn parse_token(token: &str) -> Option<RawId> {
    if let Some(dotted) = decimal_comma(token) {
        return parse_token(&dotted);
    }
    let cleaned = clean_spaces(token);
    let mut s = cleaned.trim().trim_end_matches(['.', ':', ')', ',', ';']).trim().to_ascii_lowercase();
    s = s.trim_start_matches(['(', '[', '#']).to_string();
    let mut explicit_clause = false;
    for prefix in [
        "annex a control",
        "annex a",
        "annexe a",
        "anhang a",
        "anexo a",
        "annex",
        "annexe",
        "anhang",
        "anexo",
        "control",
        "contrôle",
        "kontrolle",
        "iso 27001:2022",
        "iso27001:2022",
        "iso 27001",
        "iso27001",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            let rest = rest.trim_start_matches([' ', ':', '-', '.']);
            if prefix.starts_with("annex") || prefix.starts_with("anhang") || prefix.starts_with("anexo") {
                // "Annex A 5.15" is an Annex A id, whether or not the A is repeated.
                if !rest.starts_with('a') {
                    s = format!("a.{rest}");
                } else {
                    s = rest.to_string();
                }
            } else {
                s = rest.to_string();
            }
            break;
        }
    }
    for prefix in ["clause", "klausel", "kapitel", "chapitre", "cláusula", "clausula", "§", "kap."] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start_matches([' ', ':', '.']).to_string();
            explicit_clause = true;
            break;
        }
    }
    let s = s.replace(' ', "");
    if s.is_empty() {
        return None;
    }
    let letters: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let rest = &s[letters.len()..];
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let numbers = parse_numbers(rest)?;
    if explicit_clause {
        return letters.is_empty().then_some(RawId::Clause(numbers));
    }
    match letters.as_str() {
        "" => (numbers.len() >= 2 || (numbers.len() == 1 && (4..=10).contains(&numbers[0])))
            .then_some(RawId::Bare(numbers)),
        "a" => match numbers.as_slice() {
            // TSC availability criteria are A1.x; Annex A themes start at 5.
            [1, n] if !s.starts_with("a.") => Some(tsc(TscPrefix::A, 1, *n, None, false)),
            [1, n, p] if !s.starts_with("a.") => Some(tsc(TscPrefix::A, 1, *n, Some(*p), false)),
            [t, n] if *t >= 5 => Some(RawId::Annex(*t, *n)),
            [d, o, c] if *d >= 5 => Some(RawId::Annex2013(*d, *o, *c)),
            _ => None,
        },
        "cc" => tsc_numbers(TscPrefix::CC, &numbers, false),
        "c" => tsc_numbers(TscPrefix::C, &numbers, false),
        "pi" => tsc_numbers(TscPrefix::PI, &numbers, false),
        "pp" => tsc_numbers(TscPrefix::PI, &numbers, true),
        "p" => tsc_numbers(TscPrefix::P, &numbers, false),
        _ => None,
    }
}

fn tsc(prefix: TscPrefix, series: u32, number: u32, point: Option<u32>, misspelt: bool) -> RawId {
    RawId::Tsc { prefix, series, number, point, misspelt }
}

fn tsc_numbers(prefix: TscPrefix, numbers: &[u32], misspelt: bool) -> Option<RawId> {
    match *numbers {
        [series, number] => Some(tsc(prefix, series, number, None, misspelt)),
        [series, number, point] => Some(tsc(prefix, series, number, Some(point), misspelt)),
        _ => None,
    }
}

/// `05.15` -> [5, 15]; refuses empty parts, letters and more than four numbers.
fn parse_numbers(s: &str) -> Option<Vec<u32>> {
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    parts
        .iter()
        .map(
            |p| {
                if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) {
                    p.parse().ok()
                } else {
                    None
                }
            },
        )
        .collect()
}

/// `5,15`, `A.5,15` or `A 5,15` (a number as a German or French spreadsheet writes it) with the comma as a dot;
/// `None` for anything else. The first number must be an Annex A theme or a clause chapter (4 to 10) and nothing
/// may follow, so lists such as `CC6.1, CC6.2` or `5,6,7` and amounts such as `0,5` are not read this way.
pub fn decimal_comma(token: &str) -> Option<String> {
    let t = token.trim();
    let body = match t.as_bytes().first() {
        Some(b'A' | b'a') => t[1..].strip_prefix(['.', ' ']).unwrap_or(&t[1..]),
        _ => t,
    };
    let (whole, fraction) = body.split_once(',')?;
    let digits = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || !(4..=10).contains(&whole.parse::<u32>().ok()?) {
        return None;
    }
    Some(format!("{}{whole}.{fraction}", &t[..t.len() - body.len()]))
}

/// Cuts a cell into id tokens and trailing text. Separators between ids: comma, semicolon, slash, pipe, newline,
/// `and`/`&`/`+`. Each line is read on its own: ids first (after an optional label such as `Exigences 27001 :`),
/// then a title; the titles of all lines, joined, are the `rest`.
pub fn split_cell(cell: &str) -> SplitCell {
    let mut out = SplitCell::default();
    let mut rest = String::new();
    for line in cell.split(['\n', '\r']) {
        let line = clean_spaces(line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(raw) = decimal_comma(line).and_then(|dotted| parse_token(&dotted)) {
            out.tokens.push(Token { text: line.to_string(), raw });
            continue;
        }
        let mut part = split_line(line);
        if part.tokens.is_empty() && part.rejected.is_empty() {
            // `Exigences 27001 : 6.1.1/6.1.2`: a short label, a colon, then the ids.
            if let Some((label, after)) = line.split_once(':') {
                let mut after = split_line(after);
                if label.chars().count() <= 40 && !after.tokens.is_empty() {
                    if label_names_clauses(label) {
                        for t in &mut after.tokens {
                            if let RawId::Bare(p) = &t.raw {
                                t.raw = RawId::Clause(p.clone());
                            }
                        }
                    }
                    part = after;
                }
            }
        }
        if !part.rest.is_empty() {
            if !rest.is_empty() {
                rest.push_str(if part.tokens.is_empty() { " " } else { "; " });
            }
            rest.push_str(&part.rest);
        }
        out.tokens.extend(part.tokens);
        out.rejected.extend(part.rejected);
    }
    out.rest = rest;
    out
}

/// `Exigences 27001`, `ISMS clauses`, `Requirements`: a label that says the bare numbers after it are clauses.
fn label_names_clauses(label: &str) -> bool {
    let l = label.to_lowercase();
    let annex = ["annex", "anhang", "anexo", "27002", "control", "mesure", "maßnahme"].iter().any(|w| l.contains(w));
    let clause = ["27001", "clause", "exigence", "requirement", "anforderung", "requisito", "kapitel", "chapitre"]
        .iter()
        .any(|w| l.contains(w));
    clause && !annex
}

/// Whether a token is a real id rather than a chapter number such as the `4` of `4. Asset management`.
pub fn is_strong(token: &Token) -> bool {
    !matches!(&token.raw, RawId::Bare(p) if p.len() == 1)
}

/// One line of a cell: ids, then the title that follows them.
fn split_line(line: &str) -> SplitCell {
    let mut out = SplitCell::default();
    let text = line.trim();
    // Walk the string piece by piece, so a title after the ids is kept intact.
    let mut pos = 0;
    let bytes = text.as_bytes();
    while pos < text.len() {
        // Skip separators.
        while pos < text.len() && is_separator(bytes[pos]) {
            pos += 1;
        }
        if pos >= text.len() {
            break;
        }
        let remaining = &text[pos..];
        match take_id(remaining) {
            Some((len, raw)) => {
                out.tokens.push(Token { text: remaining[..len].trim().to_string(), raw });
                pos += len;
            }
            None => {
                let lower = remaining.to_ascii_lowercase();
                if let Some(skip) = ["and ", "& ", "+ ", "et ", "und ", "y "].iter().find(|w| lower.starts_with(**w)) {
                    if !out.tokens.is_empty() {
                        pos += skip.len();
                        continue;
                    }
                }
                if looks_like_id(remaining) {
                    let end =
                        remaining.find(|c: char| c.is_whitespace() || c == ',' || c == ';').unwrap_or(remaining.len());
                    out.rejected.push(remaining[..end].to_string());
                    pos += end;
                    continue;
                }
                out.rest = remaining.trim_start_matches(['-', '–', '—', ':', ' ']).trim().to_string();
                break;
            }
        }
    }
    out
}

fn is_separator(b: u8) -> bool {
    matches!(b, b',' | b';' | b'/' | b'|' | b'\n' | b'\r' | b'\t' | b' ')
}

/// Something that starts like an id but did not parse: a letter prefix and a digit, or digits and a dot.
fn looks_like_id(s: &str) -> bool {
    let word: String = s.chars().take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';').collect();
    let letters = word.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters <= 2 && word.chars().any(|c| c.is_ascii_digit()) && word.contains('.') && word.len() <= 12
}

/// Longest prefix of `s` that parses as one id, with the prefixes people write before it.
fn take_id(s: &str) -> Option<(usize, RawId)> {
    // Candidate ends: after a run of id characters, allowing the spaced forms `A 5.15`, `CC 6.1`, `Annex A 5.15`,
    // `Clause 6.1.2`.
    let lower = s.to_ascii_lowercase();
    let mut lead = 0;
    for prefix in [
        "annex a control ",
        "annex a ",
        "annexe a ",
        "anhang a ",
        "anexo a ",
        "clause ",
        "klausel ",
        "kapitel ",
        "chapitre ",
        "cláusula ",
        "§ ",
        "§",
        "control ",
        "contrôle ",
    ] {
        if lower.starts_with(prefix) {
            lead = prefix.len();
            break;
        }
    }
    let body = &s[lead..];
    let letters = body.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    if letters > 2 {
        return None;
    }
    let mut end = letters;
    let b = body.as_bytes();
    // Optional dot or space between letters and digits ("A.5", "A 5", "CC 6").
    if end < b.len() && letters > 0 && (b[end] == b'.' || b[end] == b' ' || b[end] == b'-') {
        end += 1;
    }
    let digits_start = end;
    while end < b.len()
        && (b[end].is_ascii_digit() || (b[end] == b'.' && end + 1 < b.len() && b[end + 1].is_ascii_digit()))
    {
        end += 1;
    }
    if end == digits_start {
        return None;
    }
    // A trailing dot ("CC6.1.") belongs to the id.
    let mut consumed = end;
    if consumed < b.len() && b[consumed] == b'.' {
        consumed += 1;
    }
    // The id must end at a boundary, not inside a word ("5.1x").
    if consumed < b.len() && (b[consumed].is_ascii_alphanumeric()) {
        return None;
    }
    let raw = parse_token(&s[..lead + end])?;
    Some((lead + consumed, raw))
}

/// Which canonical id a raw id names, and how sure that is.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub id: ControlId,
    pub framework: Framework,
    /// Why an ambiguous or altered id was read this way (bare `5.1`, `PP1.1`, point of focus).
    pub note: Option<String>,
}

/// How to read a bare `5.1` when nothing else decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BareHint {
    /// Prefer Annex A (the column holds Annex A ids).
    #[default]
    Annex,
    /// Prefer a clause (the column holds clause ids, or the title says so).
    Clause,
}

/// The catalog knowledge [`resolve`] needs: which canonical ids exist.
pub trait KnownIds {
    fn knows(&self, framework: Framework, id: &str) -> bool;
}

/// Resolves a raw id to a canonical id that exists. `Err` carries a message for the user.
pub fn resolve(raw: &RawId, known: &dyn KnownIds, hint: BareHint) -> Result<Resolved, String> {
    let ok = |fw: Framework, id: String, note: Option<String>| -> Result<Resolved, String> {
        if known.knows(fw, &id) {
            Ok(Resolved { id: ControlId(id), framework: fw, note })
        } else {
            let article = if fw == Framework::Tsc2017 { "a" } else { "an" };
            Err(format!("`{id}` is not {article} {} id", describe(fw)))
        }
    };
    match raw {
        RawId::Annex(t, n) => ok(Framework::Iso2022, format!("A.{t}.{n}"), None),
        RawId::Annex2013(d, o, c) => ok(Framework::Iso2013, format!("A.{d}.{o}.{c}"), None),
        RawId::Clause(parts) => ok(Framework::Iso2022, join(parts), None),
        RawId::Bare(parts) => {
            let clause = join(parts);
            let annex = format!("A.{clause}");
            let is_clause = known.knows(Framework::Iso2022, &clause);
            let is_annex = parts.len() == 2 && known.knows(Framework::Iso2022, &annex);
            let is_2013 = parts.len() == 3 && known.knows(Framework::Iso2013, &annex);
            match (is_clause, is_annex || is_2013) {
                (true, true) => match hint {
                    BareHint::Annex => {
                        let fw = if is_annex { Framework::Iso2022 } else { Framework::Iso2013 };
                        Ok(Resolved {
                            id: ControlId(annex.clone()),
                            framework: fw,
                            note: Some(format!("bare `{clause}` read as Annex A `{annex}`, not clause {clause}")),
                        })
                    }
                    BareHint::Clause => Ok(Resolved {
                        id: ControlId(clause.clone()),
                        framework: Framework::Iso2022,
                        note: Some(format!("bare `{clause}` read as clause {clause}, not Annex A `{annex}`")),
                    }),
                },
                (true, false) => Ok(Resolved { id: ControlId(clause), framework: Framework::Iso2022, note: None }),
                (false, true) if is_annex => {
                    Ok(Resolved { id: ControlId(annex), framework: Framework::Iso2022, note: None })
                }
                (false, true) => Ok(Resolved { id: ControlId(annex), framework: Framework::Iso2013, note: None }),
                (false, false) => Err(format!("`{clause}` is neither an ISO 27001 clause nor an Annex A control")),
            }
        }
        RawId::Tsc { prefix, series, number, point, misspelt } => {
            let id = format!("{}{series}.{number}", prefix.as_str());
            let mut notes = Vec::new();
            if *misspelt {
                notes.push(format!("`PP{series}.{number}` read as `{id}` (Processing Integrity)"));
            }
            if let Some(p) = point {
                notes.push(format!("point of focus `{id}.{p}` rolled up to criterion `{id}`"));
            }
            let note = (!notes.is_empty()).then(|| notes.join("; "));
            // `C6.5` for `CC6.5`: a dropped letter is a common typo.
            let typo = format!("CC{series}.{number}");
            if *prefix == TscPrefix::C
                && !known.knows(Framework::Tsc2017, &id)
                && known.knows(Framework::Tsc2017, &typo)
            {
                return Err(format!("`{id}` is not a SOC 2 (TSC 2017) id (did you mean `{typo}`?)"));
            }
            ok(Framework::Tsc2017, id, note)
        }
    }
}

fn describe(fw: Framework) -> &'static str {
    match fw {
        Framework::Iso2022 => "ISO 27001:2022",
        Framework::Iso2013 => "ISO 27001:2013",
        Framework::Tsc2017 => "SOC 2 (TSC 2017)",
        Framework::Custom => "custom",
    }
}

fn join(parts: &[u32]) -> String {
    parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".")
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

    struct Known;
    impl KnownIds for Known {
        fn knows(&self, fw: Framework, id: &str) -> bool {
            match fw {
                Framework::Iso2022 => {
                    ["A.5.1", "A.5.15", "A.5.10", "A.8.2", "5.1", "6.1.2", "9.2.1", "4.1"].contains(&id)
                }
                Framework::Iso2013 => ["A.9.2.3", "A.5.1.1"].contains(&id),
                Framework::Tsc2017 => {
                    ["CC6.1", "CC6.2", "CC1.1", "PI1.1", "A1.2", "C1.1", "P1.1", "P2.1"].contains(&id)
                }
                Framework::Custom => false,
            }
        }
    }

    fn one(s: &str) -> String {
        let raw = parse_token(s).unwrap_or_else(|| panic!("{s} did not parse"));
        resolve(&raw, &Known, BareHint::Annex).unwrap().id.to_string()
    }

    #[test]
    fn annex_a_spellings() {
        for s in ["A.5.15", "A5.15", "A 5.15", "A.05.15", "Annex A 5.15", "annex a.5.15", "a.5.15", "A.5.15.", "A-5.15"]
        {
            assert_eq!(one(s), "A.5.15", "{s}");
        }
        assert_eq!(one("\u{a0}A.5.15\u{a0}"), "A.5.15");
    }

    #[test]
    fn bare_annex_id_uses_hint() {
        assert_eq!(one("5.15"), "A.5.15");
        let raw = parse_token("5.1").unwrap();
        let annex = resolve(&raw, &Known, BareHint::Annex).unwrap();
        assert_eq!(annex.id.as_str(), "A.5.1");
        assert!(annex.note.unwrap().contains("not clause 5.1"));
        let clause = resolve(&raw, &Known, BareHint::Clause).unwrap();
        assert_eq!(clause.id.as_str(), "5.1");
    }

    #[test]
    fn clauses() {
        assert_eq!(one("Clause 6.1.2"), "6.1.2");
        assert_eq!(one("6.1.2"), "6.1.2");
        assert_eq!(one("clause 5.1"), "5.1");
        assert_eq!(one("9.2.1"), "9.2.1");
    }

    #[test]
    fn iso_2013_ids() {
        let raw = parse_token("A.9.2.3").unwrap();
        assert_eq!(raw, RawId::Annex2013(9, 2, 3));
        let r = resolve(&raw, &Known, BareHint::Annex).unwrap();
        assert_eq!((r.id.as_str(), r.framework), ("A.9.2.3", Framework::Iso2013));
    }

    #[test]
    fn tsc_spellings() {
        for s in ["CC6.1", "cc6.1", "CC 6.1", "CC6.1.", "CC-6.1", " cc 6.1 "] {
            assert_eq!(one(s), "CC6.1", "{s}");
        }
        assert_eq!(one("A1.2"), "A1.2");
        assert_eq!(one("PI1.1"), "PI1.1");
        assert_eq!(one("p1.1"), "P1.1");
        assert_eq!(one("C1.1"), "C1.1");
    }

    #[test]
    fn points_of_focus_and_misspelt_pi() {
        let r = resolve(&parse_token("CC1.1.1").unwrap(), &Known, BareHint::Annex).unwrap();
        assert_eq!(r.id.as_str(), "CC1.1");
        assert!(r.note.unwrap().contains("point of focus"));
        let r = resolve(&parse_token("PP1.1").unwrap(), &Known, BareHint::Annex).unwrap();
        assert_eq!(r.id.as_str(), "PI1.1");
        assert!(r.note.unwrap().contains("Processing Integrity"));
    }

    #[test]
    fn unknown_ids_are_errors() {
        let err = resolve(&parse_token("CC6.18").unwrap(), &Known, BareHint::Annex).unwrap_err();
        assert_eq!(err, "`CC6.18` is not a SOC 2 (TSC 2017) id");
        let err = resolve(&parse_token("c6.1.1").unwrap(), &Known, BareHint::Annex).unwrap_err();
        assert_eq!(err, "`C6.1` is not a SOC 2 (TSC 2017) id (did you mean `CC6.1`?)");
        let err = resolve(&parse_token("A.5.40").unwrap(), &Known, BareHint::Annex).unwrap_err();
        assert_eq!(err, "`A.5.40` is not an ISO 27001:2022 id");
    }

    #[test]
    fn not_ids() {
        for s in ["", "Access control", "2024", "v1", "x", "A.B.C", "1.2.3.4.5"] {
            assert_eq!(parse_token(s), None, "{s}");
        }
    }

    #[test]
    fn split_cells() {
        let c = split_cell("A.5.1 Information security policies");
        assert_eq!(c.tokens.len(), 1);
        assert_eq!(c.rest, "Information security policies");
        let c = split_cell("CC6.1, CC6.2");
        assert_eq!(c.tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["CC6.1", "CC6.2"]);
        let c = split_cell("P1.1, P2.1; CC1.1\nA1.2");
        assert_eq!(c.tokens.len(), 4);
        let c = split_cell("\n6.1.1/6.1.2/6.1.3");
        assert_eq!(c.tokens.len(), 3);
        let c = split_cell("A 5.1 Politiques de sécurité de l'information");
        assert_eq!(c.tokens[0].raw, RawId::Annex(5, 1));
        assert_eq!(c.rest, "Politiques de sécurité de l'information");
        let c = split_cell("Clause 6.1.1");
        assert_eq!(c.tokens[0].raw, RawId::Clause(vec![6, 1, 1]));
        let c = split_cell("5.1 Information security policies");
        assert_eq!(c.tokens[0].raw, RawId::Bare(vec![5, 1]));
        let c = split_cell("CC6.1 and CC6.2");
        assert_eq!(c.tokens.len(), 2);
        let c = split_cell("Exigences 27001 : 6.1.1/6.1.2\nA 5.1 Politiques\nA 8.23 Filtrage web");
        let got: Vec<&str> = c.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(got, ["6.1.1", "6.1.2", "A 5.1", "A 8.23"]);
        assert_eq!(c.tokens[0].raw, RawId::Clause(vec![6, 1, 1]));
        assert_eq!(c.rest, "Politiques; Filtrage web");
        let c = split_cell("4. GESTION DES ACTIFS");
        assert!(!is_strong(&c.tokens[0]));
        let c = split_cell("Quarterly access review");
        assert!(c.tokens.is_empty());
        assert_eq!(c.rest, "Quarterly access review");
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(one("5,15"), "A.5.15");
        assert_eq!(one("A.5,15"), "A.5.15");
        assert_eq!(one("a 5,15"), "A.5.15");
        assert_eq!(parse_token("5,10"), Some(RawId::Bare(vec![5, 10])));
        assert_eq!(parse_token("9,2"), Some(RawId::Bare(vec![9, 2])));
        let c = split_cell("5,15");
        assert_eq!((c.tokens[0].text.as_str(), &c.tokens[0].raw), ("5,15", &RawId::Bare(vec![5, 15])));
        assert!(c.rest.is_empty() && c.rejected.is_empty());
        assert_eq!(split_cell(" A.8,2 ").tokens[0].raw, RawId::Annex(8, 2));
        // Not decimal numbers: amounts, lists, ids with more parts, anything after the number.
        for s in ["0,5", "1,5", "3,25", "11,2", "5,1234", "5,", ",5", "5,15,2", "5, 15", "A.5.1,15", "5,15 Titel"] {
            assert_eq!(decimal_comma(s), None, "{s}");
        }
        assert_eq!(parse_token("0,5"), None);
    }

    #[test]
    fn comma_lists_still_split() {
        let texts = |cell: &str| split_cell(cell).tokens.into_iter().map(|t| t.text).collect::<Vec<_>>();
        assert_eq!(texts("CC6.1, CC6.2"), ["CC6.1", "CC6.2"]);
        assert_eq!(texts("CC6.1,CC6.2"), ["CC6.1", "CC6.2"]);
        assert_eq!(texts("A.5.1,A.5.2"), ["A.5.1", "A.5.2"]);
        assert_eq!(texts("5.1,5.2"), ["5.1", "5.2"]);
        assert_eq!(texts("6.1.2, 6.1.3"), ["6.1.2", "6.1.3"]);
    }

    #[test]
    fn natural_order() {
        let mut ids: Vec<ControlId> =
            ["CC6.10", "A.5.10", "P1.1", "A1.2", "CC6.2", "A.5.2", "6.1.2", "PI1.1", "C1.1", "A.8.1"]
                .iter()
                .map(|s| ControlId::new(*s))
                .collect();
        ids.sort();
        let got: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
        assert_eq!(got, ["A.5.2", "A.5.10", "A.8.1", "6.1.2", "CC6.2", "CC6.10", "A1.2", "C1.1", "PI1.1", "P1.1"]);
    }
}

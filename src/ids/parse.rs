//! Reading what a cell wrote: [`split_cell`] cuts a cell into id tokens and a trailing title, [`parse_token`] reads
//! one token into a [`RawId`] without consulting the catalogs.

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
    pub(crate) fn as_str(self) -> &'static str {
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
                if rest.starts_with('a') {
                    s = rest.to_string();
                } else {
                    s = format!("a.{rest}");
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
    let letters: String = s.chars().take_while(char::is_ascii_alphabetic).collect();
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
        if let Some((len, raw)) = take_id(remaining) {
            out.tokens.push(Token { text: remaining[..len].trim().to_string(), raw });
            pos += len;
        } else {
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
    out
}

fn is_separator(b: u8) -> bool {
    matches!(b, b',' | b';' | b'/' | b'|' | b'\n' | b'\r' | b'\t' | b' ')
}

/// Something that starts like an id but did not parse: a letter prefix and a digit, or digits and a dot.
fn looks_like_id(s: &str) -> bool {
    let word: String = s.chars().take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';').collect();
    let letters = word.chars().take_while(char::is_ascii_alphabetic).count();
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
    let letters = body.chars().take_while(char::is_ascii_alphabetic).count();
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn comma_lists_still_split() {
        let texts = |cell: &str| split_cell(cell).tokens.into_iter().map(|t| t.text).collect::<Vec<_>>();
        assert_eq!(texts("CC6.1, CC6.2"), ["CC6.1", "CC6.2"]);
        assert_eq!(texts("CC6.1,CC6.2"), ["CC6.1", "CC6.2"]);
        assert_eq!(texts("A.5.1,A.5.2"), ["A.5.1", "A.5.2"]);
        assert_eq!(texts("5.1,5.2"), ["5.1", "5.2"]);
        assert_eq!(texts("6.1.2, 6.1.3"), ["6.1.2", "6.1.3"]);
    }
}

//! Text from inputs (cells, file and sheet names) made safe to show. On a terminal, control characters (ESC, BEL,
//! the C1 controls) and bidi overrides would be obeyed rather than shown, so they become visible escapes; in reports
//! they become U+FFFD. Everything printed to stderr goes through [`eprint_lines`] or [`eprint_line`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a terminal or a viewer would act on `c` instead of showing it: C0 controls, DEL, C1 controls, the bidi
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), and the line and paragraph separators.
pub fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// For a terminal: every control character written as an escape (`\x1b`, `\u{202e}`, `\t`), line breaks kept, so
/// a file name or cell can neither move the cursor, retitle the window, ring the bell nor reorder the line.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// As [`for_terminal`], and line breaks escaped as well: one value stays on one line (a table cell, a name).
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_control(c) && !(keep_newlines && c == '\n')) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Output bytes as [`for_terminal`] shows them, for stdout when it is a terminal: text (csv, json, tables) with its
/// control characters escaped; bytes that are not UTF-8 (a workbook) unchanged.
pub fn for_terminal_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    match std::str::from_utf8(bytes).map(for_terminal) {
        Ok(Cow::Owned(text)) => Cow::Owned(text.into_bytes()),
        _ => Cow::Borrowed(bytes),
    }
}

/// For a report (HTML, Markdown, a user's template): each control character but tab, line feed and carriage
/// return replaced by U+FFFD, so nothing hidden reaches the reader and a tampered value shows that it was.
pub fn for_report(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| is_control(c) && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if hostile(c) { '\u{fffd}' } else { c }).collect())
}

/// Prints `text` and a line break on stderr, made safe with [`for_terminal`]. A closed stderr is no error.
pub fn eprint_lines(text: &str) {
    eprint_safe(&for_terminal(text));
}

/// Prints `line` and a line break on stderr, made safe with [`one_line`]: whatever it quotes, it stays one line.
pub fn eprint_line(line: &str) {
    eprint_safe(&one_line(line));
}

fn eprint_safe(text: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes() {
        assert_eq!(for_terminal("plain, ünïcode\nnext"), "plain, ünïcode\nnext");
        assert!(matches!(for_terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(for_terminal("\x1b]0;owned\x07x"), "\\x1b]0;owned\\x07x");
        assert_eq!(for_terminal("a\u{9b}31mb\u{202e}cba\u{2066}"), "a\\u{9b}31mb\\u{202e}cba\\u{2066}");
        assert_eq!(for_terminal("a\r\tb\x7f"), "a\\r\\tb\\x7f");
        assert_eq!(one_line("a\nb.csv"), "a\\nb.csv");
        assert_eq!(for_terminal_bytes(b"id,title\nA.5.1,\x1b[2J\n").as_ref(), b"id,title\nA.5.1,\\x1b[2J\n");
        assert_eq!(for_terminal_bytes(b"PK\x03\x04\x1b\xff").as_ref(), b"PK\x03\x04\x1b\xff");
    }

    #[test]
    fn report_replacements() {
        assert_eq!(for_report("ok\ttab\nline"), "ok\ttab\nline");
        assert_eq!(for_report("\x1b[31mred\u{202e}x\u{85}"), "\u{fffd}[31mred\u{fffd}x\u{fffd}");
    }

    #[test]
    fn nothing_else_prints_to_stderr() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("src/").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("sanitise.rs") {
                    let text = std::fs::read_to_string(&path).expect("source");
                    for (i, line) in text.lines().enumerate() {
                        if ["eprintln!(", "eprint!(", "println!(", "print!("].iter().any(|m| line.contains(m)) {
                            found.push(format!("{}:{}", path.display(), i + 1));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.is_empty(), "print through sanitise::eprint_line(s) or write::write_output: {found:?}");
    }

    #[test]
    fn nothing_escaped_is_left_behind() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!one_line(&all).chars().any(is_control));
        assert!(!for_terminal(&all).chars().any(|c| is_control(c) && c != '\n'));
        assert!(!for_report(&all).chars().any(|c| is_control(c) && !matches!(c, '\t' | '\n' | '\r')));
    }
}

//! A guard: no logic decides by reading back the words of a message, note or reason. Decisions travel as enums and
//! flags and become words only where they are written out; this scans `src/` (test modules aside) for the obvious
//! ways of reading them back: `note.contains("…")`, `reason.starts_with("…")`, `message == "…"`,
//! `e.to_string().contains("…")`, a `notes` list searched for a phrase, and errors told apart by `"password"`.

use std::path::{Path, PathBuf};

/// String tests that read text back.
const CALLS: [&str; 3] = [".contains(\"", ".starts_with(\"", ".ends_with(\""];
const COMPARISONS: [&str; 2] = ["== \"", "!= \""];
/// Names of values that hold prose for the reader, and the conversion that turns an error into its words.
const PROSE: [&str; 8] = ["note", "message", "reason", "detail", "msg", "why", "change", "to_string()"];

/// Read-backs with no typed alternative, each with why: (file, code).
const ALLOWED: [(&str, &str); 1] = [
    // zip reports a part that inflates past its declared size only as an `InvalidData` io::Error, the same kind as
    // a bad checksum; its words are the one way to tell the two apart.
    ("src/read/workbook.rs", "e.to_string().contains(\"declared uncompressed size\")"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && path.file_name().is_some_and(|n| n != "tests.rs") {
            out.push(path);
        }
    }
}

/// The expression a method is called on or compared, read backwards from `end`: identifiers, paths, field and
/// method chains with their (balanced) arguments.
fn receiver(code: &str, end: usize) -> &str {
    let bytes = code.as_bytes();
    let mut i = end;
    while i > 0 {
        let c = bytes[i - 1];
        if c == b')' {
            let mut depth = 0;
            while i > 0 {
                match bytes[i - 1] {
                    b')' => depth += 1,
                    b'(' => depth -= 1,
                    _ => {}
                }
                i -= 1;
                if depth == 0 {
                    break;
                }
            }
        } else if c.is_ascii_alphanumeric() || b"_.:?".contains(&c) {
            i -= 1;
        } else {
            break;
        }
    }
    &code[i..end]
}

fn mentions_prose(expr: &str) -> bool {
    let lower = expr.to_ascii_lowercase();
    PROSE.iter().any(|w| lower.contains(w))
}

/// The read-backs on one line of code.
fn read_backs(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for call in CALLS {
        for (at, _) in code.match_indices(call) {
            let on = receiver(code, at);
            if mentions_prose(on) || code.contains("notes") || code.contains("message") {
                found.push(format!("{on}{call}"));
            }
        }
    }
    for op in COMPARISONS {
        for (at, _) in code.match_indices(op) {
            let on = receiver(code, code[..at].trim_end().len());
            if mentions_prose(on) {
                found.push(format!("{on} {op}"));
            }
        }
    }
    let lower = code.to_ascii_lowercase();
    if lower.contains("(\"password\")") || lower.contains("(\"encrypt") {
        found.push("an error told apart by its words".to_string());
    }
    found
}

/// The lines of a file before its test module, without comments.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(n, l)| (n + 1, *l))
        .collect()
}

fn scan(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut out = Vec::new();
    for file in files {
        let name = file.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in code_lines(&text) {
            if ALLOWED.iter().any(|(f, code)| *f == name && line.contains(code)) {
                continue;
            }
            for what in read_backs(line) {
                out.push(format!("{name}:{n}: {what}   {}", line.trim()));
            }
        }
    }
    out
}

#[test]
fn no_logic_reads_back_message_or_note_text() {
    let found = scan(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        found.is_empty(),
        "decide with an enum or a flag, and turn it into words only where it is written out:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_guard_sees_the_obvious_read_backs() {
    let flagged = [
        r#"        if note.contains("Processing Integrity") {"#,
        r#"    !row.ids.is_empty() && row.notes.iter().any(|n| n.contains("point of focus"))"#,
        r#"        let exact = existing.as_ref().filter(|c| c.reason.starts_with("header \"") && near.contains(&c.index));"#,
        r#"    let merged = successors.iter().any(|t| t.change == "merged");"#,
        r#"            if detail.to_ascii_lowercase().contains("password") {"#,
        r#"        if lower.contains("password") || lower.contains("encrypt") {"#,
        r#"        .map_err(|e| if e.to_string().starts_with("Invalid") { a } else { b })"#,
        r#"    if r.note().unwrap().ends_with("for review") {"#,
    ];
    for line in flagged {
        assert!(!read_backs(line).is_empty(), "not flagged: {line}");
    }
    let fine = [
        r"        if r.misspelt {",
        r#"    let label_names = ["annex", "anhang"].iter().any(|w| l.contains(w));"#,
        r#"        if t.starts_with("A.") || id.as_str().starts_with(|c: char| c.is_ascii_digit()) {"#,
        r"    matches!(self, RoleReason::Header { .. })",
        r#"        "merged" => Change::Merged,"#,
        r#"    if part == "mimetype" {"#,
    ];
    for line in fine {
        assert_eq!(read_backs(line), Vec::<String>::new(), "flagged: {line}");
    }
}

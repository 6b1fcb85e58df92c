//! Hostile text in cells and file names: nothing a terminal would obey (ESC, BEL, OSC, C1 controls, bidi
//! overrides) reaches stderr raw, reports replace it, a line break in a file name keeps the summary table one row
//! per input, and user templates are escaped for the output's format and stopped when they run away.

mod common;

use common::Dir;

/// A csv whose cells carry escape sequences: a colour, a window title, a hyperlink, a bell, a bidi override.
const HOSTILE: &str = "Ref,Title,Applicable\n\
    A.5.1,\x1b[31mPolicies\x1b[0m \u{202e}gnp.exe,Yes\n\
    A.5.99\x1b[2J,Roles\x07,Yes\n\
    A.5.3,Segregation,\x1b]8;;http://example.test\x1b\\maybe\u{9b}\n";

const RAW: [char; 6] = ['\x1b', '\x07', '\u{9b}', '\u{202e}', '\u{2066}', '\r'];

fn assert_no_raw_controls(what: &str, text: &str) {
    for c in RAW {
        assert!(!text.contains(c), "{what} holds {c:?} raw:\n{text}");
    }
}

#[test]
fn stderr_shows_control_characters_as_escapes() {
    let dir = Dir::with(&[]);
    dir.write("controls.csv", HOSTILE.as_bytes());
    let run = dir.run(&["import", "controls.csv", "-o", "out.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_raw_controls("stderr", &run.stderr);
    let lines: Vec<&str> =
        run.stderr.lines().filter(|l| l.starts_with("  error") || l.starts_with("  warning")).collect();
    assert_eq!(
        lines,
        [
            "  warning: controls.csv, row 3, column A (Ref): `A.5.99` is not an ISO 27001:2022 id; the row is placed by its title or text instead, for review",
            "  warning: controls.csv, row 4, column C (Applicable): applicability `\\x1b]8;;http://example.test\\x1b\\maybe\\u{9b}` is not a yes/no value; left blank",
        ],
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn hostile_file_names_stay_on_their_line_of_the_summary_table() {
    let dir = Dir::with(&[]);
    std::fs::create_dir(dir.path("in")).expect("mkdir");
    std::fs::create_dir(dir.path("out")).expect("mkdir");
    dir.write("in/a\nb.csv", b"Ref,Title\nA.5.1,Policies\n");
    dir.write("in/evil\x1b]0;owned\x07\u{202e}.csv", HOSTILE.as_bytes());
    dir.write("in/plain.csv", b"Ref,Title\nA.5.2,Roles\n");
    let run = dir.run(&["map", "in", "--out-dir", "out", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_raw_controls("stderr", &run.stderr);
    let table: Vec<&str> = run.stderr.lines().skip_while(|l| !l.starts_with("input ")).collect();
    assert_eq!(table.len(), 5, "header, three inputs, totals:\n{}", run.stderr);
    assert!(table[1].starts_with("in/a\\nb.csv  "), "{}", table[1]);
    assert!(table[2].starts_with("in/evil\\x1b]0;owned\\x07\\u{202e}.csv  "), "{}", table[2]);
    assert!(table[3].starts_with("in/plain.csv  "), "{}", table[3]);
    assert_eq!(table[4], "3 inputs: 3 ok, 0 failed; 5 rows");
    // The columns line up: every row has its status at the same place.
    let at = table[0].find("status").expect("status column");
    assert!(table[1..4].iter().all(|l| l[at..].starts_with("ok ")), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_hostile_file_name_in_an_error_is_escaped() {
    let dir = Dir::with(&[]);
    let run = dir.run(&["import", "missing\x1b[2J\u{202e}.csv"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "crosswalk: error: missing\\x1b[2J\\u{202e}.csv: no such file\n");
    // Usage errors quote the argument: clap drops the escape sequence, the bidi override is shown escaped.
    let run = dir.run(&["import", "x.csv", "--format", "x\u{202e}\x1b[2Jy"]);
    assert_eq!(run.code, 2);
    assert_no_raw_controls("a usage error", &run.stderr);
    assert!(run.stderr.starts_with("error: invalid value 'x\\u{202e}y' for '--format <FORMAT>'"), "{}", run.stderr);
}

#[test]
fn reports_replace_control_characters() {
    let dir = Dir::with(&[]);
    dir.write("controls.csv", HOSTILE.as_bytes());
    for (out, policies) in [
        ("r.html", "\u{fffd}[31mPolicies\u{fffd}[0m \u{fffd}gnp.exe"),
        ("r.md", "\u{fffd}\\[31mPolicies\u{fffd}\\[0m \u{fffd}gnp.exe"),
    ] {
        let run = dir.run(&["report", "controls.csv", "-o", out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let text = std::fs::read_to_string(dir.path(out)).expect("report");
        assert_no_raw_controls(out, &text);
        assert!(text.contains(policies), "{out}:\n{text}");
    }
    let run = dir.run(&["map", "controls.csv", "--format", "md", "-o", "-"]);
    assert_no_raw_controls("map --format md", &run.stdout);
}

/// A control list whose applicability cell holds markup, quoted back in the issue list.
const MARKUP: &str = "Ref,Title,Applicable\nA.5.1,Policies,Yes\nA.5.2,Roles,<script>alert(1)</script>*x*\n";

#[test]
fn user_templates_are_escaped_for_the_output_not_by_their_name() {
    let dir = Dir::with(&[]);
    dir.write("controls.csv", MARKUP.as_bytes());
    dir.write("mine.tpl", b"{% for i in issues %}{{ i.message }}\n{% endfor %}");
    let message = |out: &str| {
        let run = dir.run(&["report", "controls.csv", "--template", "mine.tpl", "-o", out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read_to_string(dir.path(out)).expect("output")
    };
    assert_eq!(
        message("r.html"),
        "applicability `&lt;script&gt;alert(1)&lt;&#x2f;script&gt;*x*` is not a yes&#x2f;no value; left blank\n"
    );
    assert_eq!(
        message("r.md"),
        "applicability \\`&lt;script&gt;alert(1)&lt;/script&gt;\\*x\\*\\` is not a yes/no value; left blank\n"
    );
    // Another extension is the template's own format: no escaping (control characters are still replaced).
    assert_eq!(message("r.txt"), "applicability `<script>alert(1)</script>*x*` is not a yes/no value; left blank\n");
    // Without an extension on the output, the template's inner extension decides, else HTML.
    dir.write("mine.md.j2", b"{% for i in issues %}{{ i.message }}\n{% endfor %}");
    let run = dir.run(&["report", "controls.csv", "--template", "mine.md.j2", "-o", "-"]);
    assert!(run.stdout.starts_with("applicability \\`&lt;script&gt;"), "{}", run.stdout);
    let run = dir.run(&["report", "controls.csv", "--template", "mine.tpl", "-o", "-"]);
    assert!(run.stdout.starts_with("applicability `&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{}", run.stdout);
}

#[test]
fn a_runaway_template_stops_with_an_error_and_writes_nothing() {
    let dir = Dir::with(&[]);
    dir.write("controls.csv", b"Ref,Title\nA.5.1,Policies\n");
    dir.write("loop.j2", b"{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n");
    let run = dir.run(&["report", "controls.csv", "--template", "loop.j2", "-o", "r.html"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "crosswalk: error: loop.j2, line 1: the template ran out of fuel (it loops without end, or does far more work \
         than a report of this input needs) in `{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}`\n"
    );
    assert_eq!(dir.files(), ["controls.csv", "loop.j2"]);
}

/// Runs `crosswalk ARGS` in `dir` with stdout on a new pseudo-terminal (stderr piped): what the terminal got.
#[cfg(unix)]
fn on_a_terminal(dir: &std::path::Path, args: &[&str]) -> (i32, Vec<u8>) {
    use std::io::Read;
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(pty.slave))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run crosswalk");
    // Read while the child writes (a full terminal buffer would block it), until the terminal reports the end of
    // input once the child has closed its end (EIO on Linux).
    let mut master = std::fs::File::from(pty.master);
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = master.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    let status = child.wait().expect("wait");
    (status.code().unwrap_or(-1), got)
}

#[cfg(unix)]
#[test]
fn text_on_a_terminal_stdout_is_escaped_and_piped_text_is_not() {
    let dir = Dir::with(&[]);
    dir.write("controls.csv", HOSTILE.as_bytes());
    let (code, shown) = on_a_terminal(dir.tmp.path(), &["import", "controls.csv"]);
    assert_eq!(code, 0, "an unknown id is a warning: the row is placed by its title");
    let shown = String::from_utf8(shown).expect("utf-8");
    assert_no_raw_controls("the terminal", &shown.replace("\r\n", "\n"));
    assert!(shown.contains(",\\x1b[31mPolicies\\x1b[0m \\u{202e}gnp.exe,"), "{shown}");
    let piped = dir.run(&["import", "controls.csv"]);
    assert!(piped.stdout.contains(",\x1b[31mPolicies\x1b[0m \u{202e}gnp.exe,"), "{}", piped.stdout);
}

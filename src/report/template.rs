//! [`ReportData`] -> HTML or Markdown through minijinja templates. The built-in templates live in `templates/` and are
//! compiled into the binary; `--template FILE` renders a user's own template with the same context. Undefined values
//! are errors (strict), so a misspelt field names the template file and line instead of rendering as blank.
//!
//! Escaping follows the output's format, whatever the template is called: HTML output escapes HTML, Markdown output
//! escapes the characters Markdown would read as markup (and `<`, `>`, `&`, so no client text becomes raw HTML on
//! GitHub), any other output (a user's template writing text) is not escaped. In every format, control characters
//! and bidi overrides in values are replaced ([`crate::sanitise::for_report`]).

use std::borrow::Cow;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::context::ReportData;
use crate::sanitise;

/// The built-in HTML report.
pub const HTML_NAME: &str = "report.html.j2";
/// The built-in Markdown report.
pub const MD_NAME: &str = "report.md.j2";
pub const HTML: &str = include_str!("../../templates/report.html.j2");
pub const MD: &str = include_str!("../../templates/report.md.j2");

/// The format of a report's output: one of the two built-in renderings, or (for a user's template only) other text.
/// It chooses the built-in template and how every value is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Markdown,
    /// Any other text format a user's template writes (`.txt`, `.tex`, `.csv`): values are not escaped.
    Text,
}

impl Kind {
    /// From an output name's extension: `.html`, `.htm`, `.md`, `.markdown`.
    pub fn from_extension(ext: &str) -> Option<Kind> {
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(Kind::Html),
            "md" | "markdown" => Some(Kind::Markdown),
            _ => None,
        }
    }

    /// The format a user's template writes, from the output's extension: HTML for `.html`, `.htm`, `.xhtml`, `.xml`
    /// and `.svg`, Markdown for `.md` and `.markdown`, plain text for any other extension.
    pub fn of_output(ext: &str) -> Kind {
        match ext.to_ascii_lowercase().as_str() {
            "xhtml" | "xml" | "svg" => Kind::Html,
            other => Kind::from_extension(other).unwrap_or(Kind::Text),
        }
    }

    fn name(self) -> Option<&'static str> {
        match self {
            Kind::Html => Some(HTML_NAME),
            Kind::Markdown => Some(MD_NAME),
            Kind::Text => None,
        }
    }

    fn auto_escape(self) -> AutoEscape {
        match self {
            Kind::Html => AutoEscape::Html,
            Kind::Markdown => markdown(),
            Kind::Text => AutoEscape::None,
        }
    }
}

/// Fuel every render may use (minijinja counts one per instruction and one per 64 bytes it produces), whatever
/// the input's size: the built-in reports of a small input use about 12,000.
pub const FUEL_BASE: u64 = 5_000_000;

/// Fuel added per control row and per issue of the input: the built-in HTML report of a 100,000-row input with an
/// issue on every row uses about 1.9 million, 19 per row and issue, so 100 leaves five times that.
pub const FUEL_PER_ITEM: u64 = 100;

/// The fuel one render of `data` may use: a template that loops without end (nested `range(100000)`) or builds
/// gigabytes stops with an error instead of running for hours.
pub fn fuel(data: &ReportData) -> u64 {
    let items = (data.summary.rows + data.issues.len()) as u64;
    FUEL_BASE.saturating_add(FUEL_PER_ITEM.saturating_mul(items))
}

/// A user's template: the name to report in errors (its path) and its text.
#[derive(Debug, Clone)]
pub struct UserTemplate {
    pub name: String,
    pub text: String,
}

/// Why a template did not render. The message names the template and line.
#[derive(Debug, thiserror::Error)]
#[error("{name}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub name: String,
    pub line: Option<usize>,
    pub message: String,
}

fn markdown() -> AutoEscape {
    AutoEscape::Custom("markdown".into())
}

fn environment<'a>(kind: Kind) -> Environment<'a> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Debug mode names the undefined expression in errors; it is on only in debug builds unless set, and the
    // release build users run must give the same message.
    env.set_debug(true);
    // Block tags on their own lines leave no blank lines behind; the default delimiters cannot fail to build.
    if let Ok(syntax) =
        SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true).build()
    {
        env.set_syntax(syntax);
    }
    // The output's format, not a template's name: `mine.tpl` rendered to `report.html` is still escaped as HTML.
    env.set_auto_escape_callback(move |_| kind.auto_escape());
    env.set_formatter(|out, state, value| {
        if value.is_safe() {
            return minijinja::escape_formatter(out, state, value);
        }
        if *state.auto_escape() == markdown() {
            let text = if value.is_none() { String::new() } else { value.to_string() };
            return out.write_str(&escape_markdown(&text)).map_err(minijinja::Error::from);
        }
        // Client text: control characters and bidi overrides are replaced before the format's own escaping.
        let text = match value.as_str() {
            Some(s) => Cow::Borrowed(s),
            None if matches!(value.kind(), ValueKind::Seq | ValueKind::Map) => Cow::Owned(value.to_string()),
            None => return minijinja::escape_formatter(out, state, value),
        };
        match sanitise::for_report(&text) {
            Cow::Borrowed(_) => minijinja::escape_formatter(out, state, value),
            Cow::Owned(clean) => minijinja::escape_formatter(out, state, &Value::from(clean)),
        }
    });
    env.add_filter("md", |s: String| escape_markdown(&s));
    env
}

/// Escapes text for a Markdown table cell or paragraph: markup characters get a backslash, `<`, `>` and `&` become
/// entities, line breaks become spaces, and other control characters and bidi overrides become U+FFFD.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            c if sanitise::is_control(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Renders the built-in template of `kind`, or `user` when given, escaping values for `kind`, with [`fuel`].
pub fn render(kind: Kind, data: &ReportData, user: Option<&UserTemplate>) -> Result<String, TemplateError> {
    render_with_fuel(kind, data, user, fuel(data))
}

fn render_with_fuel(
    kind: Kind,
    data: &ReportData,
    user: Option<&UserTemplate>,
    fuel: u64,
) -> Result<String, TemplateError> {
    let mut env = environment(kind);
    env.set_fuel(Some(fuel));
    let fail = |name: &str, source: &str, e: minijinja::Error| describe(name, source, &e);
    env.add_template(HTML_NAME, HTML).map_err(|e| fail(HTML_NAME, HTML, e))?;
    env.add_template(MD_NAME, MD).map_err(|e| fail(MD_NAME, MD, e))?;
    let name = match user {
        Some(u) => {
            env.add_template_owned(u.name.clone(), u.text.clone()).map_err(|e| fail(&u.name, &u.text, e))?;
            u.name.as_str()
        }
        None => kind.name().ok_or_else(|| TemplateError {
            name: "report".to_string(),
            line: None,
            message: "the built-in report is HTML or Markdown: name the output .html, .htm or .md".to_string(),
        })?,
    };
    let template = env.get_template(name).map_err(|e| describe(name, "", &e))?;
    template.render(minijinja::value::Serde(data)).map_err(|e| {
        let source = match e.name() {
            Some(n) if user.is_some_and(|u| u.name == n) => user.map_or("", |u| u.text.as_str()),
            Some(HTML_NAME) => HTML,
            Some(MD_NAME) => MD,
            _ => "",
        };
        describe(e.name().unwrap_or(name), source, &e)
    })
}

/// A message that names the template, the line, what went wrong and the line's text.
fn describe(name: &str, source: &str, e: &minijinja::Error) -> TemplateError {
    let (what, detail) = match (e.kind(), e.detail()) {
        (minijinja::ErrorKind::UndefinedError, Some(d)) => {
            (d.to_string(), " (a misspelt field? templates/README.md lists them)".to_string())
        }
        (minijinja::ErrorKind::UndefinedError, None) => {
            ("undefined value".to_string(), " (a misspelt field? templates/README.md lists them)".to_string())
        }
        (minijinja::ErrorKind::OutOfFuel, _) => (
            "the template ran out of fuel".to_string(),
            " (it loops without end, or does far more work than a report of this input needs)".to_string(),
        ),
        (minijinja::ErrorKind::SyntaxError, d) => {
            ("syntax error".to_string(), d.map(|d| format!(": {d}")).unwrap_or_default())
        }
        (kind, d) => (kind.to_string(), d.map(|d| format!(": {d}")).unwrap_or_default()),
    };
    let text = e
        .line()
        .and_then(|l| source.lines().nth(l.saturating_sub(1)))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let t: String = t.chars().take(120).collect();
            format!(" in `{t}`")
        })
        .unwrap_or_default();
    TemplateError { name: name.to_string(), line: e.line(), message: format!("{what}{detail}{text}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn markdown_escaping() {
        assert_eq!(escape_markdown("a|b <script>x</script> *c*"), "a\\|b &lt;script&gt;x&lt;/script&gt; \\*c\\*");
        assert_eq!(escape_markdown("line\nbreak"), "line break");
        assert_eq!(escape_markdown("\x1b[2Jx\u{202e}y\u{7}"), "\u{fffd}\\[2Jx\u{fffd}y\u{fffd}");
    }

    #[test]
    fn markdown_escaping_leaves_no_markup_or_control_characters() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let out = escape_markdown(&format!("{all}|<a>|\\|{all}"));
        assert!(!out.contains(['<', '>', '\n', '\r']));
        assert!(!out.chars().any(sanitise::is_control));
        // Every markup character is escaped: dropping the escaped pairs leaves none.
        let mut bare = String::new();
        let mut chars = out.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                chars.next();
            } else {
                bare.push(c);
            }
        }
        assert!(!bare.contains(['|', '`', '*', '_', '[', ']', '#', '~', '!']), "{bare}");
    }

    /// The report of `rows` control rows, each with an applicability that is not yes/no (an issue per row).
    fn report_of(rows: usize) -> ReportData {
        use crate::report::RunInfo;
        let engine = crate::engine::Engine::builtin().expect("built-in data");
        let mut csv = String::from("Ref,Title,Applicable\n");
        for i in 0..rows {
            let _ = writeln!(csv, "A.5.{},Control {i},maybe", 1 + i % 37);
        }
        let source =
            crate::read::read_bytes("c.csv", "csv", csv.into_bytes(), crate::read::Limits::default()).expect("csv");
        let imported = engine.understand(source, &crate::import::Settings::default(), None).expect("import");
        let mapping = engine.mapping(&[]).expect("mapping");
        let scope = crate::crosswalk::Scope::default();
        let done = engine.crosswalk(imported, &mapping, &scope, Some(crate::ids::Framework::Tsc2017));
        let run = RunInfo::new(&mapping.version, &scope);
        engine.report_data(&done.output(&run), &mapping, 6)
    }

    #[test]
    fn built_in_reports_use_a_fraction_of_their_fuel() {
        let data = report_of(2_000);
        let items = (data.summary.rows + data.issues.len()) as u64;
        assert!(data.summary.rows == 2_000 && items >= 4_000, "{items}");
        // A quarter of the per-item budget and a small base are enough: the real budget leaves four times that.
        let tight = 20_000 + FUEL_PER_ITEM / 4 * items;
        for kind in [Kind::Html, Kind::Markdown] {
            render_with_fuel(kind, &data, None, tight).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
        assert!(fuel(&data) > 4 * tight);
    }

    #[test]
    fn a_runaway_template_runs_out_of_fuel() {
        let data = report_of(3);
        let user = UserTemplate {
            name: "loop.j2".into(),
            text: "<p>\n{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}\n"
                .into(),
        };
        let err = render(Kind::Html, &data, Some(&user)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "loop.j2, line 2: the template ran out of fuel (it loops without end, or does far more work than a report \
             of this input needs) in `{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}`"
        );
    }
}

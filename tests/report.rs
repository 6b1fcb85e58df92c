//! `crosswalk report` and `map --format md|html` run as a user runs them: a temp folder with fixtures copied in,
//! then status, stderr and the files written are checked.

mod common;
use common::{crosswalk, files, sheet, stderr};

use std::path::{Path, PathBuf};
use std::process::Output;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/report");

struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    /// A temp folder holding copies of the named fixtures.
    fn with(fixtures: &[&str]) -> Dir {
        let tmp = tempfile::tempdir().unwrap();
        for f in fixtures {
            std::fs::copy(Path::new(FIXTURES).join(f), tmp.path().join(f)).unwrap();
        }
        Dir { tmp }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn run(&self, args: &[&str]) -> Output {
        crosswalk(self.tmp.path(), args)
    }

    fn files(&self) -> Vec<String> {
        files(self.tmp.path())
    }
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
}

/// The Markdown coverage table as (category, covered, partial, gap, out of scope, covered %) lines.
fn coverage_lines(md: &str) -> Vec<String> {
    let start = md.find("| Category | Total |").expect("coverage table");
    md[start..].lines().skip(2).take_while(|l| l.starts_with('|')).map(str::to_string).collect()
}

// The numbers of small-soa.csv, worked out by hand from the core sets (`role`) of
// mappings/iso27001-2022-to-tsc-2017.csv and the limits of mappings/tsc-2017.csv:
// A.8.6 implemented is the whole core of A1.1 -> covered; A.7.14 implemented is one of three core elements of CC6.5
// and one of two of C1.2 -> partial (P4.3 only supporting); A.8.16 implemented is one of two core elements of CC7.2
// -> partial (CC7.3 only supporting); A.5.18 planned counts for nothing: CC6.2 and CC6.3 stay gaps and list it as
// "would cover once implemented"; A.5.34 implemented is only context for privacy; A.8.13 excluded leaves CC7.5, A1.2,
// A1.3 and PI1.5 as gaps. Security 33 criteria: 0 covered, 2 partial, 31 gap.
#[test]
fn numbers_per_category_match_the_hand_count() {
    let d = Dir::with(&["small-soa.csv"]);
    // Security is the default scope: the line, the report and the workbook count it alone.
    let o = d.run(&["report", "small-soa.csv", "-o", "security.md"]);
    ok(&o);
    assert_eq!(
        stderr(&o),
        "small-soa.csv: 6 controls recognised, 5 applicable, 4 implemented; iso27001-2022 -> tsc-2017; scope security: 0 covered, 2 partial, 31 gap of 33 criteria (0% covered); wrote security.md\n"
    );
    let md = d.read("security.md");
    assert!(md.contains("## Gaps (31)") && md.contains("## Partly covered (2)"), "{md}");
    assert!(md.contains("**scope security: 0 covered, 2 partial, 31 gap of 33 criteria (0% covered).** 28 out of scope and left out of the counts."), "{md}");
    assert!(
        md.contains("| gap: A.5.18 planned; A.8.2, A.5.3 and A.5.15 not in the input | A.5.18 (planned) |"),
        "{md}"
    );
    assert!(md.contains("| partial: A.8.16 implemented; A.8.15 not in the input |"), "{md}");

    let o = d.run(&["report", "small-soa.csv", "-o", "r.md", "--scope", "all"]);
    ok(&o);
    assert_eq!(
        stderr(&o),
        "small-soa.csv: 6 controls recognised, 5 applicable, 4 implemented; iso27001-2022 -> tsc-2017; scope all TSC categories: 1 covered, 3 partial, 57 gap of 61 criteria (2% covered); wrote r.md\n"
    );
    let md = d.read("r.md");
    assert_eq!(
        coverage_lines(&md),
        [
            "| Security (common criteria) | 33 | 0 | 2 | 31 | 0 | 0% |",
            "| Availability | 3 | 1 | 0 | 2 | 0 | 33% |",
            "| Confidentiality | 2 | 0 | 1 | 1 | 0 | 0% |",
            "| Processing integrity | 5 | 0 | 0 | 5 | 0 | 0% |",
            "| Privacy | 18 | 0 | 0 | 18 | 0 | 0% |",
        ]
    );
    assert!(md.contains("| 6 of 6 rows | 5 (1 excluded) | 4 (1 in progress, 0 not implemented) | 2% of 61 in scope (7% at least partly) |"), "{md}");
    // The excluded backup control is a risk: it leaves four criteria without coverage.
    assert!(md.contains("| **A.8.13** | excluded: Information backup — justification: Backups are run by the customer | CC7.5 (gap), A1.2 (gap), A1.3 (gap), PI1.5 (gap) | 5 |"), "{md}");
    // Reuse carries the client's owner and evidence; a covered criterion keeps what the auditor will still sample.
    assert!(md.contains("| **A1.1** Capacity Planning | covered<br>covered: A.8.6 implemented<br>The auditor will still sample: Capacity dashboards"), "{md}");
    assert!(md.contains("| A.8.6 Capacity management (equal 10, full) | Ops Lead | Grafana capacity board |"), "{md}");
    assert!(md.contains("not an audit opinion"));
}

#[test]
fn out_of_scope_criteria_leave_the_percentages_alone() {
    let d = Dir::with(&["small-soa.csv"]);
    let o = d.run(&["report", "small-soa.csv", "-o", "r.md", "--scope", "availability"]);
    ok(&o);
    assert!(
        stderr(&o).contains(
            "; scope security, availability: 1 covered, 2 partial, 33 gap of 36 criteria (3% covered); wrote r.md"
        ),
        "{}",
        stderr(&o)
    );
    let md = d.read("r.md");
    assert_eq!(
        coverage_lines(&md),
        [
            "| Security (common criteria) | 33 | 0 | 2 | 31 | 0 | 0% |",
            "| Availability | 3 | 1 | 0 | 2 | 0 | 33% |",
            "| Confidentiality | 2 | 0 | 0 | 0 | 2 | – |",
            "| Processing integrity | 5 | 0 | 0 | 0 | 5 | – |",
            "| Privacy | 18 | 0 | 0 | 0 | 18 | – |",
        ]
    );
    assert!(md.contains("**scope security, availability: 1 covered, 2 partial, 33 gap of 36 criteria (3% covered).** 25 out of scope and left out of the counts."), "{md}");
    assert!(md.contains("### Privacy (out of scope)"));
    // PI1.5 is out of scope now, so the excluded backup control no longer leaves it short.
    assert!(md.contains("| CC7.5 (gap), A1.2 (gap), A1.3 (gap) | 5 |"), "{md}");
    assert!(!md.contains("| **P2.1** |"), "out-of-scope criteria are not gaps");
}

#[test]
fn type_two_window_flags_controls_that_do_not_operate() {
    let d = Dir::with(&["small-soa.csv"]);
    ok(&d.run(&["report", "small-soa.csv", "-o", "six.md", "--scope", "all"]));
    let md = d.read("six.md");
    // Only what needs attention: the annual disposal control (A.5.34 is context only, A.5.18 is planned).
    assert!(md.contains("### Controls that may fall outside the window (1)"), "{md}");
    assert!(
        md.contains(
            "| **A.7.14** Secure disposal or re-use of equipment | annual (Annual) | CC6.5, C1.2 | Facilities |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| A.7.14 | annual | may fall outside | may fall outside the window: schedule its next run inside the window, or lengthen the window | Disposal certificates |"),
        "{md}"
    );
    assert!(md.contains("| A.8.6 | monthly | 6 | all 6 occurrences in the window | Grafana capacity board |"), "{md}");
    assert!(!md.contains("not in window") && !md.contains("⚠"), "{md}");
    ok(&d.run(&["report", "small-soa.csv", "-o", "twelve.md", "--window-months", "12"]));
    let md = d.read("twelve.md");
    assert!(md.contains("Every control with a known frequency operates at least once in the window."), "{md}");
    let o = d.run(&["report", "small-soa.csv", "-o", "zero.md", "--window-months", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: --window-months 0: expected a number of months from 1 to 36 (Type II windows are typically 3 to 12)\n"
    );
}

#[test]
fn hostile_text_is_escaped_in_html_and_markdown() {
    let d = Dir::with(&["hostile-soa.csv"]);
    ok(&d.run(&["report", "hostile-soa.csv", "-o", "r.html"]));
    ok(&d.run(&["report", "hostile-soa.csv", "-o", "r.md"]));
    let html = d.read("r.html");
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an img tag got through");
    assert!(!html.contains("<b>not needed"), "markup in a justification got through");
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;&#x2f;script&gt; Access control"),
        "title not escaped as expected"
    );
    assert!(
        html.contains("owner: &quot;&gt;&lt;img src=x onerror=alert(&#x27;owner&#x27;)&gt;"),
        "owner not escaped as expected"
    );
    let md = d.read("r.md");
    assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
    assert!(md.contains("&lt;script&gt;alert('title')&lt;/script&gt; Access control"), "{md}");
    assert!(
        md.contains("| **A.8.13** | excluded: Backup &amp; restore — justification: &lt;b&gt;not needed&lt;/b&gt; |"),
        "{md}"
    );
    assert!(md.contains("\\| pipe \\*bold\\* \\[link\\](javascript:alert(1))"), "{md}");
}

#[test]
fn html_is_one_self_contained_file() {
    let d = Dir::with(&["small-soa.csv"]);
    let o = d.run(&["report", "small-soa.csv"]);
    ok(&o);
    assert_eq!(d.files(), ["small-soa.csv", "small-soa.report.html"]);
    let html = d.read("small-soa.report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("<svg class=\"chart\""));
    assert_eq!(
        html.matches("<rect x=\"190\" y=\"").count(),
        2 + 4 + 1,
        "security in scope (a bar and its gap background), four categories out of scope, one legend key"
    );
    for banned in ["<script", "src=\"http", "href=\"http", "@import", "url(", "<link"] {
        assert!(!html.contains(banned), "found `{banned}`");
    }
    assert!(html.contains("It is not an audit opinion"));
}

#[test]
fn a_user_template_gets_the_same_context() {
    let d = Dir::with(&["small-soa.csv"]);
    d.write(
        "mine.md.j2",
        "{{ summary.input }}: {{ summary.covered }}/{{ summary.in_scope }}\n{% for c in categories %}{{ c.key }} {{ c.covered }} {{ c.partial }} {{ c.gap }}\n{% endfor %}{{ gaps | length }} gaps, {{ risks[0].id }} {{ type2.window_months }}\n",
    );
    ok(&d.run(&["report", "small-soa.csv", "--template", "mine.md.j2", "-o", "mine.txt"]));
    ok(&d.run(&["report", "small-soa.csv", "--template", "mine.md.j2"]));
    assert_eq!(d.read("mine.txt"), d.read("small-soa.report.md"));
    assert_eq!(
        d.read("mine.txt"),
        "small-soa.csv: 0/33\nsecurity 0 2 31\navailability 0 0 0\nconfidentiality 0 0 0\nprocessing-integrity 0 0 0\nprivacy 0 0 0\n31 gaps, A.5.18 6\n"
    );
}

#[test]
fn a_misspelt_field_names_the_template_and_line_and_writes_nothing() {
    let d = Dir::with(&["small-soa.csv"]);
    d.write("bad.html.j2", "<h1>{{ summary.input }}</h1>\n<p>{{ summary.inptu }}</p>\n");
    let o = d.run(&["report", "small-soa.csv", "--template", "bad.html.j2", "-o", "out.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: bad.html.j2, line 2: `summary.inptu` is undefined (a misspelt field? templates/README.md lists them) in `<p>{{ summary.inptu }}</p>`\n"
    );
    d.write("syntax.md.j2", "ok\n{% for c in %}\n");
    let o = d.run(&["report", "small-soa.csv", "--template", "syntax.md.j2", "-o", "out.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: syntax.md.j2, line 2: syntax error: unexpected end of block in `{% for c in %}`\n"
    );
    assert_eq!(d.files(), ["bad.html.j2", "small-soa.csv", "syntax.md.j2"]);
}

#[test]
fn refuses_bad_outputs_and_never_writes_over_an_input() {
    let d = Dir::with(&["small-soa.csv"]);
    let o = d.run(&["report", "small-soa.csv", "-o", "report.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: cannot tell the report format from `report.pdf`: name it .html, .htm or .md\n"
    );
    d.write("mine.html", "{{ summary.input }}");
    let o = d.run(&["report", "small-soa.csv", "--template", "mine.html", "-o", "mine.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "crosswalk: error: mine.html: refusing to write over an input file; choose another output with -o\n"
    );
    assert_eq!(d.read("mine.html"), "{{ summary.input }}");
    assert_eq!(d.files(), ["mine.html", "small-soa.csv"]);
}

#[test]
fn soc2_matrix_reads_against_iso() {
    let d = Dir::with(&["soc2-matrix.csv"]);
    let o = d.run(&["report", "soc2-matrix.csv", "-o", "iso.md"]);
    ok(&o);
    // The matrix has no status column: every number says it took the controls as implemented.
    assert!(stderr(&o).starts_with("soc2-matrix.csv: 30 controls recognised, 30 applicable, 30 assumed implemented (status not given); tsc-2017 -> iso27001-2022; ISO 27001 Annex A controls and ISMS clauses: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("% covered; status not given, assumed implemented); wrote iso.md"), "{}", stderr(&o));
    let md = d.read("iso.md");
    assert!(md.contains("| 30 (status not given, assumed implemented) |"), "{md}");
    assert!(md.starts_with("# ISO/IEC 27001 readiness from a SOC 2 programme\n"), "{md}");
    assert!(md.contains("### Annex A controls with no SOC 2 counterpart (1)\n\n| Control | Title | Theme |\n|---|---|---|\n| A.5.32 | Intellectual property rights | organizational |\n"), "{md}");
    assert!(md.contains("Write a Statement of Applicability covering all 93 Annex A controls"));
    for clause in ["| 6.1.3 |", "| 9.2.1 |", "| 9.3.1 |", "| 8.3 |"] {
        assert!(md.contains(clause), "missing {clause}");
    }
    // Annual controls in a 6-month window are flagged; the control number names them.
    assert!(md.contains("| **C-21** An annual penetration test is performed by an independent firm. | annual (Annual) | CC4.1, CC7.1 | Security |"), "{md}");
}

#[test]
fn map_writes_the_same_report_as_markdown_and_html() {
    let d = Dir::with(&["small-soa.csv"]);
    ok(&d.run(&["report", "small-soa.csv", "-o", "report.md"]));
    ok(&d.run(&["map", "small-soa.csv", "--format", "md", "-o", "map.md"]));
    assert_eq!(d.read("report.md"), d.read("map.md"));
    ok(&d.run(&["map", "small-soa.csv", "-o", "map.html"]));
    ok(&d.run(&["report", "small-soa.csv", "-o", "report.html"]));
    assert_eq!(d.read("report.html"), d.read("map.html"));
}

#[test]
fn the_workbook_has_reuse_and_gaps_sheets() {
    let d = Dir::with(&["small-soa.csv"]);
    ok(&d.run(&["map", "small-soa.csv", "--scope", "all"]));
    let path = d.path("small-soa.crosswalk.xlsx");
    let reuse = sheet(&path, "Reuse");
    assert_eq!(reuse[0][..5], ["Criterion", "Category", "Coverage", "ISO control or clause", "Title as in the input"]);
    let a11 = reuse.iter().find(|r| r[0] == "A1.1").unwrap();
    assert_eq!(
        a11,
        &[
            "A1.1",
            "Availability",
            "covered",
            "A.8.6",
            "Capacity management",
            "equal",
            "10",
            "full",
            "implemented",
            "Ops Lead",
            "Grafana capacity board",
            "Monthly",
            "2",
            "core"
        ]
    );
    // A.8.6 once, A.7.14 three times, A.8.16 twice, A.5.34 as context for twelve privacy criteria.
    assert_eq!(reuse.len(), 1 + 18, "one line per criterion and reusable control, context included");
    let gaps = sheet(&path, "Gaps");
    assert_eq!(gaps.len(), 1 + 57);
    let a12 = gaps.iter().find(|r| r[0] == "A1.2").unwrap();
    assert_eq!(a12[3], "gap");
    assert_eq!(a12[6], "A.8.13");
    assert_eq!(a12[7], "gap: A.8.13 excluded; A.7.5, A.7.11 and A.8.14 not in the input");
    assert_eq!(a12[8], "A.8.13 (excluded)");
    assert!(a12[4].starts_with("Backup job logs"), "{}", a12[4]);
    let partial = sheet(&path, "Partial");
    let ids: Vec<&str> = partial[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["CC6.5", "CC7.2", "C1.2"]);
}

#[test]
fn same_input_gives_the_same_bytes() {
    let d = Dir::with(&["acme-soa.csv"]);
    ok(&d.run(&["report", "acme-soa.csv", "-o", "a.html"]));
    ok(&d.run(&["report", "acme-soa.csv", "-o", "b.html"]));
    assert!(d.read("a.html") == d.read("b.html"), "two runs differ");
}

#[test]
fn a_missing_template_is_named() {
    let d = Dir::with(&["small-soa.csv"]);
    let o = d.run(&["report", "small-soa.csv", "--template", "nope.md.j2", "-o", "r.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "crosswalk: error: nope.md.j2: no such file\n");
    assert_eq!(d.files(), ["small-soa.csv"]);
}

/// A German SoA workbook with a cover sheet and a title row: the report reads it like the CSV fixtures.
#[test]
fn a_german_workbook_soa() {
    use rust_xlsxwriter::Workbook;
    let d = Dir::with(&[]);
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("Deckblatt").unwrap().write_string(0, 0, "Erklärung zur Anwendbarkeit").unwrap();
    let ws = wb.add_worksheet().set_name("SoA").unwrap();
    ws.write_string(0, 0, "Erklärung zur Anwendbarkeit – Muster GmbH").unwrap();
    let header =
        ["Nr.", "Maßnahme", "Anwendbar", "Begründung", "Umsetzungsstatus", "Verantwortlich", "Nachweis", "Häufigkeit"];
    let rows = [
        ["A.8.6", "Kapazitätssteuerung", "Ja", "Verfügbarkeit", "umgesetzt", "Betrieb", "Grafana", "monatlich"],
        [
            "A.7.14",
            "Sichere Entsorgung",
            "Ja",
            "Datenträger",
            "umgesetzt",
            "Facility",
            "Entsorgungsnachweise",
            "jährlich",
        ],
        ["A.8.13", "Datensicherung", "Nein", "beim Kunden", "", "", "", ""],
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(3 + r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(d.path("soa.xlsx")).unwrap();
    let o = d.run(&["report", "soa.xlsx", "-o", "r.md", "--scope", "availability"]);
    ok(&o);
    let md = d.read("r.md");
    assert!(md.contains("sheet “SoA”"), "{md}");
    assert!(md.contains("| Availability | 3 | 1 | 0 | 2 | 0 | 33% |"), "{md}");
    assert!(md.contains("| **A.7.14** Sichere Entsorgung | annual (jährlich) | CC6.5 | Facility |"), "{md}");
    assert!(md.contains("| A.8.6 Kapazitätssteuerung (equal 10, full) | Betrieb | Grafana |"), "{md}");
}

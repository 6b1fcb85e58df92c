//! `crosswalk suggest`: candidates for free-text control statements, from one TEXT or a column of a spreadsheet.

use std::path::PathBuf;

use serde::Serialize;

use super::{table, Context};
use crate::cli::SuggestArgs;
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::Candidate;
use crate::read::{self, Limits};
use crate::report::csv_safe;
use crate::write::{write_output, Destination};

/// The most candidates `--top` may ask for: more than any catalog holds (134 ISO controls and clauses, 61 criteria).
pub const MAX_TOP: usize = 200;

/// Where the statements come from.
enum Statements {
    Text(String),
    Column { file: PathBuf, header: String },
}

/// The validated flags of `suggest`.
struct SuggestSettings {
    statements: Statements,
    to: Framework,
    top: usize,
    format: String,
}

/// One statement with its row number as the spreadsheet shows it (1 for a TEXT argument).
struct Statement {
    row: usize,
    text: String,
    /// The language it was read in (set when matched).
    lang: crate::matching::Lang,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    tool: crate::report::Tool,
    to: &'a str,
    statements: Vec<JsonStatement<'a>>,
}

#[derive(Serialize)]
struct JsonStatement<'a> {
    row: usize,
    text: &'a str,
    /// The language the statement was read in (`en`, `de`, `fr`, `es`), detected or forced by `--lang`.
    lang: &'static str,
    candidates: Vec<JsonCandidate<'a>>,
}

#[derive(Serialize)]
struct JsonCandidate<'a> {
    rank: usize,
    id: &'a str,
    score: f64,
    title: &'a str,
    /// Terms of the statement and the profile fields they were found in (`access review (keywords, title)`).
    why: &'a [String],
}

pub fn run(ctx: &Context, args: SuggestArgs) -> Result<Exit, Error> {
    // The mapping (with overlays) is loaded first: the matcher's bridge is built from it.
    ctx.mapping(&args.mappings)?;
    let settings = validate(args)?;
    let statements = read_statements(&settings.statements)?;
    let matcher = ctx.matcher()?;
    let found: Vec<(Statement, Vec<Candidate>)> = statements
        .into_iter()
        .map(|mut s| {
            s.lang = matcher.reading(&s.text).lang;
            let c = matcher.suggest(&s.text, settings.to, settings.top);
            (s, c)
        })
        .collect();
    let bytes = render(&settings, &found);
    write_output(&Destination::Stdout, &bytes)?;
    Ok(Exit::Success)
}

fn validate(args: SuggestArgs) -> Result<SuggestSettings, Error> {
    let statements = match (args.text, args.input, args.text_column) {
        (Some(_), Some(_), _) => {
            return Err(Error::Usage(
                "give either a TEXT argument or --input FILE --text-column HEADER, not both".into(),
            ))
        }
        (Some(text), None, _) if text.trim().is_empty() => {
            return Err(Error::Usage("the TEXT argument is empty: give a control statement to place".into()))
        }
        (Some(text), None, _) => Statements::Text(text),
        (None, Some(file), Some(header)) => Statements::Column { file, header },
        (None, Some(_), None) => return Err(Error::Usage("--input needs --text-column HEADER".into())),
        (None, None, _) => {
            return Err(Error::Usage(
                "nothing to match: give a TEXT argument or --input FILE --text-column HEADER".into(),
            ))
        }
    };
    if args.top == 0 {
        return Err(Error::Usage("--top 0: expected at least 1 candidate per statement".into()));
    }
    if args.top > MAX_TOP {
        return Err(Error::Usage(format!(
            "--top {}: expected at most {MAX_TOP} candidates per statement (no catalog holds more)",
            args.top
        )));
    }
    let to = Framework::from_key(&args.to).ok_or_else(|| Error::Usage(format!("unknown framework `{}`", args.to)))?;
    Ok(SuggestSettings { statements, to, top: args.top, format: args.format })
}

/// The statements to match: the TEXT, or the non-empty cells under HEADER in the first sheet that has it.
fn read_statements(source: &Statements) -> Result<Vec<Statement>, Error> {
    let (file, header) = match source {
        Statements::Text(text) => {
            return Ok(vec![Statement { row: 1, text: text.clone(), lang: crate::matching::Lang::En }])
        }
        Statements::Column { file, header } => (file, header),
    };
    let src = read::isolate::read_input(file, Limits::default())?;
    let wanted = header.trim().to_lowercase();
    let mut seen: Vec<String> = Vec::new();
    for table in &src.tables {
        for (i, row) in table.rows.iter().enumerate().take(50) {
            let texts: Vec<String> = row.cells.iter().map(|c| c.text().trim().to_string()).collect();
            let Some(column) = texts.iter().position(|t| t.to_lowercase() == wanted) else {
                seen.extend(texts.into_iter().filter(|t| !t.is_empty()));
                continue;
            };
            return Ok(table.rows[i + 1..]
                .iter()
                .map(|r| Statement {
                    row: r.number,
                    text: r.cell(column).text().trim().to_string(),
                    lang: crate::matching::Lang::En,
                })
                .filter(|s| !s.text.is_empty())
                .collect());
        }
    }
    let nearest = seen
        .iter()
        .map(|h| (strsim::normalized_levenshtein(&h.to_lowercase(), &wanted), h))
        .filter(|(s, _)| *s >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
    let hint = nearest.map(|(_, h)| format!("; did you mean `{h}`?")).unwrap_or_default();
    Err(Error::Usage(format!("{}: no column headed `{header}` in the first 50 rows of any sheet{hint}", src.file)))
}

fn render(settings: &SuggestSettings, found: &[(Statement, Vec<Candidate>)]) -> Vec<u8> {
    match settings.format.as_str() {
        "json" => {
            let out = JsonOut {
                tool: crate::report::Tool::current(),
                to: settings.to.key(),
                statements: found
                    .iter()
                    .map(|(s, cands)| JsonStatement {
                        row: s.row,
                        text: &s.text,
                        lang: s.lang.code(),
                        candidates: cands
                            .iter()
                            .enumerate()
                            .map(|(i, c)| JsonCandidate {
                                rank: i + 1,
                                id: c.id.as_str(),
                                score: round(c.score),
                                title: &c.title,
                                why: &c.why,
                            })
                            .collect(),
                    })
                    .collect(),
            };
            let mut b = serde_json::to_vec_pretty(&out).unwrap_or_default();
            b.push(b'\n');
            b
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(["row", "rank", "id", "score", "title"]);
            for (s, cands) in found {
                for (i, c) in cands.iter().enumerate() {
                    let _ = w.write_record([
                        s.row.to_string(),
                        (i + 1).to_string(),
                        c.id.to_string(),
                        format!("{:.3}", c.score),
                        csv_safe(&c.title).to_string(),
                    ]);
                }
            }
            w.into_inner().unwrap_or_default()
        }
        _ => {
            let rows: Vec<Vec<String>> = found
                .iter()
                .flat_map(|(s, cands)| {
                    cands.iter().enumerate().map(move |(i, c)| {
                        vec![
                            s.row.to_string(),
                            (i + 1).to_string(),
                            c.id.to_string(),
                            format!("{:.2}", c.score),
                            c.title.clone(),
                            c.why.join("; "),
                        ]
                    })
                })
                .collect();
            table(&["ROW", "RANK", "ID", "SCORE", "TITLE", "WHY"], &rows).into_bytes()
        }
    }
}

/// Three decimals, so JSON stays readable and stable.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

//! `crosswalk suggest`: candidates for free-text control statements, from one TEXT or a column of a spreadsheet.

use std::path::PathBuf;

use crate::cli::{ListFormat, SuggestArgs};
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::ids::Framework;
use crate::import::Candidate;
use crate::read::{self, Limits};
use crate::report::listing::{self, Statement};
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
    format: ListFormat,
}

pub fn run(engine: &Engine, args: SuggestArgs) -> Result<Exit, Error> {
    // The mapping (with overlays) is loaded first: the matcher's bridge is built from it.
    super::mapping(engine, &args.mappings.mappings)?;
    let settings = validate(args)?;
    let statements = read_statements(&settings.statements)?;
    let matcher = engine.matcher()?;
    let found: Vec<(Statement, Vec<Candidate>)> = statements
        .into_iter()
        .map(|mut s| {
            s.lang = matcher.reading(&s.text).lang;
            let c = matcher.suggest_in(s.lang, &s.text, settings.to, settings.top);
            (s, c)
        })
        .collect();
    let bytes = match settings.format {
        ListFormat::Json => listing::suggestions_json(settings.to, &found),
        ListFormat::Csv => listing::suggestions_csv(&found),
        ListFormat::Table => Ok(listing::suggestions_table(&found)),
    }
    .map_err(|source| Error::Render { file: "stdout".into(), source })?;
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
    let to = Framework::from(args.to);
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

//! Accuracy and speed of the text matcher on the labelled statements in `fixtures/devset/`.
//!
//! ```text
//! cargo run --release --example bench_matcher              # accuracy on every split, calibration, throughput
//! cargo run --release --example bench_matcher -- --misses   # also list the tuned-on statements it misses
//! cargo run --release --example bench_matcher -- --no-test  # leave out every held-out figure (while tuning)
//! cargo run --release --example bench_matcher -- --write-prior # rewrite mappings/bridge-prior.csv from dev labels
//! cargo run --release --example bench_matcher -- --langs --no-test # German, French, Spanish dev figures only
//! ```
//!
//! A correct answer is any of the statement's labelled ids. Profiles, synonyms, parameters and the bridge prior are
//! tuned on the `dev`, `extra`, `dev2` and `dev3` splits only (each dev split's SOC 2 figures use a prior counted
//! from the others). The `test`, `holdout` and `fresh` splits are held out, and are the figures to quote: `holdout` and
//! `fresh` were written by people who never saw the profiles or the matcher, and nothing is ever tuned on them.

use std::fmt::Write as _;
use std::time::Instant;

use crosswalk::catalog::data::DataFile;
use crosswalk::catalog::{Catalogs, DataFiles};
use crosswalk::ids::Framework;
use crosswalk::matching::index::Params;
use crosswalk::matching::lang::Lang;
use crosswalk::matching::lang_index::Parts;
use crosswalk::matching::{Matcher, TEXT_AUTO};

/// The statement files and the split their rows get (`None`: the file's own `split` column, `dev` or `test`).
const FILES: [(&str, Option<&str>); 6] = [
    ("statements.csv", None),
    ("statements-extra.csv", Some("extra")),
    ("statements-dev2.csv", Some("dev2")),
    ("statements-dev3.csv", Some("dev3")),
    ("statements-holdout.csv", Some("holdout")),
    ("statements-fresh.csv", Some("fresh")),
];

/// The splits the profiles, synonyms, parameters and bridge prior are tuned on.
const TUNED: [&str; 4] = ["dev", "extra", "dev2", "dev3"];

/// The splits nothing is tuned on: the figures to quote.
const HELD_OUT: [&str; 3] = ["test", "holdout", "fresh"];

struct Statement {
    id: String,
    split: String,
    style: String,
    text: String,
    iso: Vec<String>,
    tsc: Vec<String>,
}

/// One statement's answer for one target: rank of the first correct candidate (1-based) and the top-1 score.
struct Outcome {
    rank: Option<usize>,
    score: f64,
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The two targets every split is scored on, with their names in the tables.
const TARGETS: [(Framework, &str); 2] = [(Framework::Iso2022, "ISO 27001:2022"), (Framework::Tsc2017, "SOC 2 TSC")];

/// Every split's outcomes by target: (split, target name, outcomes).
type Scored<'a> = Vec<(&'a str, &'a str, Vec<Outcome>)>;

fn main() -> Res<()> {
    let misses = std::env::args().any(|a| a == "--misses");
    let quick = std::env::args().any(|a| a == "--quick");
    // `--no-test` leaves out every figure of the held-out splits (for tuning without looking at them).
    let no_test = std::env::args().any(|a| a == "--no-test");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/devset");
    let mut statements = Vec::new();
    for (file, split) in FILES {
        statements.extend(read_statements(&format!("{dir}/{file}"), split)?);
    }
    if std::env::args().any(|a| a == "--write-prior") {
        return write_prior(&statements);
    }
    let catalogs = Catalogs::builtin();
    let params = params()?;
    let files = current_files()?;
    if std::env::args().any(|a| a == "--langs") {
        return languages(&files, &catalogs, params, dir, misses, no_test, &statements);
    }
    let started = Instant::now();
    let prior_path = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings/bridge-prior.csv");
    let matcher = Matcher::with_prior(&files, &catalogs, params, &std::fs::read_to_string(prior_path)?)?;
    let startup = started.elapsed();
    // Each dev split is scored with a bridge prior counted from the other dev splits only, so that its SOC 2 figures
    // do not include the prior having seen their own labels; the held-out splits get the shipped prior.
    let mut cross_fitted = Vec::new();
    for split in TUNED {
        let others: Vec<&str> = TUNED.iter().copied().filter(|s| *s != split).collect();
        cross_fitted.push(Matcher::with_prior(&files, &catalogs, params, &prior_text(&statements, &others))?);
    }
    let matcher_for = |split: &str| TUNED.iter().position(|s| *s == split).map_or(&matcher, |i| &cross_fitted[i]);

    println!("Text matcher on the statements in {dir}\n");
    let splits: Vec<&str> = TUNED.iter().chain(if no_test { &[][..] } else { &HELD_OUT[..] }).copied().collect();
    let calibration = split_table(&splits, &statements, &matcher_for, misses, no_test)?;
    reference_sets(&matcher, misses)?;
    by_style(&splits, &statements, &matcher_for);
    calibration_tables(&splits, &calibration, no_test);
    rows_figures(&matcher, dir, no_test)?;
    languages(&files, &catalogs, params, dir, misses, no_test, &statements)?;

    println!("Startup: matcher built in {:.1} ms", startup.as_secs_f64() * 1000.0);
    if !quick {
        throughput(&matcher, &statements);
    }
    Ok(())
}

/// The ranking parameters: the defaults, or `BENCH_PARAMS=k1,b,title,description,keywords,pair,idf_power,
/// bridge_weight,bridge_depth,share_power,prior_mix,text_floor` to try others, and `BENCH_GENERIC=W` for the weight
/// of process words (`Params::generic_weight`).
fn params() -> Res<Params> {
    let mut params = Params::default();
    if let Ok(p) = std::env::var("BENCH_PARAMS") {
        let v: Vec<f32> = p.split(',').map(|x| x.trim().parse()).collect::<Result<_, _>>()?;
        let [k1, b, title, description, keywords, pair, idf_power, bridge_weight, bridge_depth, share_power, prior_mix, text_floor] =
            v[..]
        else {
            return Err("BENCH_PARAMS needs 12 numbers".into());
        };
        params = Params {
            k1,
            b,
            weights: [title, description, keywords],
            pair_weight: pair,
            idf_power,
            bridge_weight,
            bridge_depth: bridge_depth as usize,
            share_power,
            prior_mix,
            text_floor,
            ..Params::default()
        };
    }
    if let Ok(w) = std::env::var("BENCH_GENERIC") {
        params.generic_weight = w.trim().parse()?;
    }
    Ok(params)
}

/// The built-in data files with the profiles and synonyms as they are in `mappings/` now (no rebuild needed while
/// editing them).
fn current_files() -> Res<DataFiles> {
    let mut files = DataFiles::builtin();
    for name in [
        "profiles.csv",
        "synonyms.csv",
        "profiles-de.csv",
        "profiles-fr.csv",
        "profiles-es.csv",
        "synonyms-de.csv",
        "synonyms-fr.csv",
        "synonyms-es.csv",
    ] {
        let path = format!("{}/mappings/{name}", env!("CARGO_MANIFEST_DIR"));
        files.replace(name, DataFile { name: path.clone(), text: std::fs::read_to_string(&path)? });
    }
    Ok(files)
}

/// The top-1 / top-3 table of every split and target (and, unless `no_test`, all held-out splits pooled); returns
/// the outcomes for the calibration tables.
fn split_table<'a, 'm>(
    splits: &[&'a str],
    statements: &[Statement],
    matcher_for: &dyn Fn(&str) -> &'m Matcher,
    misses: bool,
    no_test: bool,
) -> Res<Scored<'a>> {
    println!("| split | target | statements | top-1 | top-3 |");
    println!("|---|---|---|---|---|");
    let mut calibration: Scored<'a> = Vec::new();
    for &split in splits {
        let matcher = matcher_for(split);
        for (framework, name) in TARGETS {
            let mut outcomes = Vec::new();
            for s in statements.iter().filter(|s| s.split == split) {
                let labels = if framework == Framework::Iso2022 { &s.iso } else { &s.tsc };
                if labels.is_empty() {
                    continue;
                }
                outcomes.push(score(matcher, s, labels, framework, name, misses && !HELD_OUT.contains(&split))?);
            }
            let (top1, top3) = rates(outcomes.iter());
            let label = match split {
                "dev" => "dev (tuned on)",
                "extra" => "extra (tuned on)",
                "dev2" => "dev2 (tuned on)",
                "dev3" => "dev3 (tuned on, terse notes)",
                "test" => "test (held out)",
                "holdout" => "holdout (held out)",
                _ => "fresh (held out)",
            };
            println!("| {label} | {name} | {} | {:.1}% | {:.1}% |", outcomes.len(), top1 * 100.0, top3 * 100.0);
            calibration.push((split, name, outcomes));
        }
    }
    if !no_test {
        for (_, name) in TARGETS {
            let pooled =
                || calibration.iter().filter(|(s, n, _)| *n == name && HELD_OUT.contains(s)).flat_map(|(_, _, o)| o);
            let (top1, top3) = rates(pooled());
            println!(
                "| **all held out** | {name} | {} | {:.1}% | {:.1}% |",
                pooled().count(),
                top1 * 100.0,
                top3 * 100.0
            );
        }
    }
    Ok(calibration)
}

/// One statement scored for one target; a miss is listed on stderr when `list_miss`, and `BENCH_DUMP=FILE` appends
/// the ranking's raw figures to FILE.
fn score(
    matcher: &Matcher,
    s: &Statement,
    labels: &[String],
    framework: Framework,
    name: &str,
    list_miss: bool,
) -> Res<Outcome> {
    let split = &s.split;
    let found = matcher.suggest(&s.text, framework, 3);
    let rank = found.iter().position(|c| labels.iter().any(|l| l == c.id.as_str())).map(|p| p + 1);
    if list_miss && rank != Some(1) {
        let got: Vec<String> =
            found.iter().map(|c| format!("{} {:.2} [{}]", c.id, c.score, c.why.join("; "))).collect();
        eprintln!(
            "MISS {} {} {} want {} rank {:?}\n  {}\n  {}",
            name,
            s.id,
            s.style,
            labels.join(";"),
            rank,
            s.text,
            got.join("\n  ")
        );
    }
    if let Ok(dump) = std::env::var("BENCH_DUMP") {
        use std::io::Write;
        let ranked = matcher.rank(&s.text, framework);
        let v = |i: usize| ranked.get(i).map_or(0.0, |r| r.value);
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(dump)?;
        writeln!(
            f,
            "{split},{name},{},{:?},{},{},{},{}",
            s.id,
            rank,
            v(0),
            v(1),
            ranked.first().map_or(0.0, |r| r.evidence),
            matcher.hits(&s.text, framework)
        )?;
    }
    Ok(Outcome { rank, score: found.first().map_or(0.0, |c| c.score) })
}

/// `BENCH_REFERENCE=DIR` also scores DIR/devset-*.csv (control_id,domain,name,description,iso2022_ids,
/// soc2_criteria): third-party control sets with noisy labels, a second opinion while tuning. Not shipped.
fn reference_sets(matcher: &Matcher, misses: bool) -> Res<()> {
    if let Ok(dir) = std::env::var("BENCH_REFERENCE") {
        for name in ["devset-adobe-ccf-labeled.csv", "devset-cisco-ccf-labeled.csv"] {
            let mut reader = csv::Reader::from_path(format!("{dir}/{name}"))?;
            let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
            for (framework, target) in TARGETS {
                let column = if framework == Framework::Iso2022 { 4 } else { 5 };
                let (mut n, mut top1, mut top3) = (0, 0, 0);
                for r in &records {
                    let labels: Vec<&str> = r[column].split(';').map(str::trim).filter(|x| !x.is_empty()).collect();
                    if labels.is_empty() || r[3].trim().is_empty() {
                        continue;
                    }
                    n += 1;
                    let found = matcher.suggest(&format!("{}. {}", &r[2], &r[3]), framework, 3);
                    let rank = found.iter().position(|c| labels.contains(&c.id.as_str()));
                    if misses && rank != Some(0) {
                        let got: Vec<&str> = found.iter().map(|c| c.id.as_str()).collect();
                        eprintln!(
                            "REF {target} want {} got {} | {}. {}",
                            labels.join(";"),
                            got.join(","),
                            &r[2],
                            &r[3]
                        );
                    }
                    top1 += usize::from(rank == Some(0));
                    top3 += usize::from(rank.is_some());
                }
                println!(
                    "| reference {name} (noisy) | {target} | {n} | {:.1}% | {:.1}% |",
                    100.0 * top1 as f64 / f64::from(n.max(1)),
                    100.0 * top3 as f64 / f64::from(n.max(1))
                );
            }
        }
    }
    Ok(())
}

/// Top-1 per writing style of every split.
fn by_style<'m>(splits: &[&str], statements: &[Statement], matcher_for: &dyn Fn(&str) -> &'m Matcher) {
    for &split in splits {
        println!("\nBy style ({split} split, top-1 ISO / SOC 2):\n");
        let matcher = matcher_for(split);
        for style in ["policy", "soa", "matrix", "sloppy"] {
            let mut cells = Vec::new();
            for (framework, _) in TARGETS {
                let picked: Vec<&Statement> =
                    statements.iter().filter(|s| s.split == split && s.style == style).collect();
                let mut hit = 0;
                let mut n = 0;
                for s in &picked {
                    let labels = if framework == Framework::Iso2022 { &s.iso } else { &s.tsc };
                    if labels.is_empty() {
                        continue;
                    }
                    n += 1;
                    let found = matcher.suggest(&s.text, framework, 1);
                    if found.first().is_some_and(|c| labels.iter().any(|l| l == c.id.as_str())) {
                        hit += 1;
                    }
                }
                cells.push(format!("{:.1}% of {n}", 100.0 * f64::from(hit) / f64::from(n.max(1))));
            }
            println!("- {style}: {}", cells.join(" / "));
        }
    }
}

/// Precision and recall of the top candidate by score threshold, per split and (unless `no_test`) over all
/// held-out splits.
fn calibration_tables(splits: &[&str], calibration: &Scored<'_>, no_test: bool) {
    println!("\nCalibration: top-1 precision and recall at each score threshold (ISO and SOC 2 pooled)\n");
    // Each split alone, then (unless --no-test) all held-out splits together.
    let groups: Vec<(String, Vec<&str>)> = splits
        .iter()
        .map(|&s| (format!("{s} split"), vec![s]))
        .chain((!no_test).then(|| ("all held-out splits".to_string(), HELD_OUT.to_vec())))
        .collect();
    for (split, members) in &groups {
        let pooled: Vec<&Outcome> =
            calibration.iter().filter(|(s, _, _)| members.contains(s)).flat_map(|(_, _, o)| o.iter()).collect();
        let total = pooled.len() as f64;
        println!("{split} ({} answers):\n", pooled.len());
        println!("| threshold | auto-accepted | precision | recall (right and auto / all) |");
        println!("|---|---|---|---|");
        let thresholds: Vec<f64> =
            (0..18).map(|i| f64::from(i) * 0.05).chain((90..=99).map(|i| f64::from(i) * 0.01)).collect();
        let mut lowest = None;
        for t in thresholds {
            let kept: Vec<&&Outcome> = pooled.iter().filter(|o| o.score >= t - 1e-9).collect();
            let right = kept.iter().filter(|o| o.rank == Some(1)).count() as f64;
            let precision = if kept.is_empty() { 1.0 } else { right / kept.len() as f64 };
            if precision >= 0.95 && lowest.is_none() {
                lowest = Some(t);
            }
            let mark = if (t - TEXT_AUTO).abs() < 1e-9 { " (default)" } else { "" };
            println!(
                "| {t:.2}{mark} | {:.1}% | {:.1}% | {:.1}% |",
                100.0 * kept.len() as f64 / total,
                100.0 * precision,
                100.0 * right / total
            );
        }
        match lowest {
            Some(t) => println!("\nLowest threshold with precision >= 95% on {split}: {t:.2}"),
            None => println!("\nNo threshold reaches precision >= 95% on {split}"),
        }
        println!();
    }
}

/// 10,000 statements matched against both catalogs, timed.
fn throughput(matcher: &Matcher, statements: &[Statement]) {
    let texts: Vec<&str> =
        statements.iter().filter(|s| s.split != "extra").map(|s| s.text.as_str()).cycle().take(10_000).collect();
    let start = Instant::now();
    let mut checksum = 0usize;
    for t in &texts {
        checksum += matcher.suggest_both(t, 3).iter().map(Vec::len).sum::<usize>();
    }
    let elapsed = start.elapsed();
    println!(
        "Throughput: {} statements matched against both catalogs in {:.3} s on one core ({:.0} statements/s; {checksum} candidates)",
        texts.len(),
        elapsed.as_secs_f64(),
        texts.len() as f64 / elapsed.as_secs_f64()
    );
}

/// Catalog rows (`title | description`) as `map` matches them, beside the statement figures: paraphrased rows
/// (`rows-paraphrase.csv`: top-1, top-3, and how many are accepted without review and wrong) and rows about no
/// security topic (`rows-off-topic.csv`: how many get no match, and how many are accepted without review). Split
/// `dev` is tuned on; split `test` is held out.
fn rows_figures(matcher: &Matcher, dir: &str, no_test: bool) -> Result<(), Box<dyn std::error::Error>> {
    let splits: &[&str] = if no_test { &["dev"] } else { &["dev", "test"] };
    println!("\nCatalog rows (title | description), ISO 27001:2022, as `map` places them:\n");
    println!("| set | split | rows | top-1 | top-3 | no match | auto-accepted | auto-accepted and wrong |");
    println!("|---|---|---|---|---|---|---|---|");
    for (file, name) in [("rows-paraphrase.csv", "paraphrase"), ("rows-off-topic.csv", "off-topic")] {
        let rows = read_statements(&format!("{dir}/{file}"), None)?;
        for &split in splits {
            let (mut n, mut top1, mut top3, mut none, mut auto, mut wrong) = (0, 0, 0, 0, 0, 0);
            for s in rows.iter().filter(|s| s.split == split) {
                let (title, text) = s.text.split_once(" | ").unwrap_or((s.text.as_str(), ""));
                let found = matcher.suggest_row(title, text, Framework::Iso2022, 3);
                n += 1;
                let rank = found.candidates.iter().position(|c| s.iso.iter().any(|l| l == c.id.as_str()));
                let no_match = found.subject_hits == 0 || found.candidates.is_empty();
                let accepted = !no_match && found.candidates[0].score >= TEXT_AUTO;
                top1 += usize::from(!no_match && rank == Some(0));
                top3 += usize::from(!no_match && rank.is_some());
                none += usize::from(no_match);
                auto += usize::from(accepted);
                wrong += usize::from(accepted && rank != Some(0));
            }
            let pct = |k: usize| format!("{:.1}%", 100.0 * k as f64 / f64::from(n.max(1)));
            let held = if split == "test" { " (held out)" } else { "" };
            println!(
                "| {name} | {split}{held} | {n} | {} | {} | {} | {} | {} |",
                pct(top1),
                pct(top3),
                pct(none),
                pct(auto),
                pct(wrong)
            );
        }
    }
    println!();
    Ok(())
}

/// The German, French and Spanish statements (`statements-<lang>.csv` tuned on, `statements-<lang>-holdout.csv` held
/// out): how often the language is detected, top-1 and top-3 for both catalogs, and the auto-accepted matches (score
/// at least the default threshold) with how many of them are right; then how often English statements are read as
/// English. `BENCH_LANG_PARTS=keywords,catalog,compounds,fold_first` (0 or 1 each: English keywords, English
/// titles and descriptions, German compound splitting, accents folded before stemming) tries other parts.
fn languages(
    files: &DataFiles,
    catalogs: &Catalogs,
    params: Params,
    dir: &str,
    misses: bool,
    no_test: bool,
    english: &[Statement],
) -> Result<(), Box<dyn std::error::Error>> {
    let mut matcher = Matcher::with_params(files, catalogs, params)?;
    if let Ok(p) = std::env::var("BENCH_LANG_PARTS") {
        let v: Vec<bool> = p.split(',').map(|x| x.trim() == "1").collect();
        matcher = matcher.with_lang_parts(Parts {
            english_keywords: v[0],
            english_catalog: v[1],
            compounds: v[2],
            fold_first: v[3],
        });
    }
    println!("\nStatements in German, French and Spanish (`--lang auto`: each statement's language detected)\n");
    println!("| language | split | statements | detected | ISO top-1 | ISO top-3 | SOC 2 top-1 | SOC 2 top-3 | auto-accepted | auto-accepted right |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for lang in [Lang::De, Lang::Fr, Lang::Es] {
        let mut sets = vec![("dev (tuned on)", format!("{dir}/statements-{}.csv", lang.code()))];
        if !no_test {
            sets.push(("holdout (held out)", format!("{dir}/statements-{}-holdout.csv", lang.code())));
        }
        for (split, path) in sets {
            let statements = read_statements(&path, None)?;
            let started = Instant::now();
            let row = language_row(&matcher, lang, &statements, misses && split.starts_with("dev"));
            let took = started.elapsed();
            println!("| {} | {split} | {row} |", lang.name());
            if split.starts_with("dev") && misses {
                eprintln!("{} dev matched in {:.1} ms", lang.name(), took.as_secs_f64() * 1000.0);
            }
        }
    }
    let read_as_english = english.iter().filter(|s| matcher.reading(&s.text).lang == Lang::En).count();
    println!(
        "\nEnglish statements (every English file) read as English: {read_as_english} of {} ({:.1}%)\n",
        english.len(),
        100.0 * read_as_english as f64 / english.len().max(1) as f64
    );
    Ok(())
}

/// One row of the language table: detection, top-1/top-3 per catalog, auto-accepted and right.
fn language_row(matcher: &Matcher, lang: Lang, statements: &[Statement], misses: bool) -> String {
    let n = statements.len();
    let detected = statements.iter().filter(|s| matcher.reading(&s.text).lang == lang).count();
    let mut cells = vec![n.to_string(), pct(detected, n)];
    let (mut auto, mut auto_right) = (0, 0);
    for framework in [Framework::Iso2022, Framework::Tsc2017] {
        let (mut m, mut top1, mut top3) = (0, 0, 0);
        for s in statements {
            let labels = if framework == Framework::Iso2022 { &s.iso } else { &s.tsc };
            if labels.is_empty() {
                continue;
            }
            m += 1;
            let found = matcher.suggest(&s.text, framework, 3);
            let rank = found.iter().position(|c| labels.iter().any(|l| l == c.id.as_str()));
            top1 += usize::from(rank == Some(0));
            top3 += usize::from(rank.is_some());
            if found.first().is_some_and(|c| c.score >= TEXT_AUTO) {
                auto += 1;
                auto_right += usize::from(rank == Some(0));
            }
            if misses && rank != Some(0) {
                let got: Vec<String> =
                    found.iter().map(|c| format!("{} {:.2} [{}]", c.id, c.score, c.why.join("; "))).collect();
                eprintln!(
                    "MISS {} {} {} want {} rank {:?} (read as {})\n  {}\n  {}",
                    framework.key(),
                    s.id,
                    s.style,
                    labels.join(";"),
                    rank.map(|r| r + 1),
                    matcher.reading(&s.text).lang,
                    s.text,
                    got.join("\n  ")
                );
            }
        }
        cells.push(pct(top1, m));
        cells.push(pct(top3, m));
    }
    cells.push(format!("{auto}"));
    cells.push(pct(auto_right, auto));
    cells.join(" | ")
}

/// `k` of `n` as a percentage with one decimal.
fn pct(k: usize, n: usize) -> String {
    format!("{:.1}%", 100.0 * k as f64 / n.max(1) as f64)
}

/// Top-1 and top-3 accuracy (0..1) of some outcomes.
fn rates<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> (f64, f64) {
    let (mut n, mut top1, mut top3) = (0usize, 0usize, 0usize);
    for o in outcomes {
        n += 1;
        top1 += usize::from(o.rank == Some(1));
        top3 += usize::from(o.rank.is_some());
    }
    let n = n.max(1) as f64;
    (top1 as f64 / n, top3 as f64 / n)
}

/// The statements of one devset file (`id,split,style,text,iso,tsc`), with `split` replaced when given.
fn read_statements(path: &str, split: Option<&str>) -> Result<Vec<Statement>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    let mut statements = Vec::new();
    for record in reader.records() {
        let r = record?;
        let ids = |s: &str| s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect();
        statements.push(Statement {
            id: r[0].to_string(),
            split: split.map_or_else(|| r[1].to_string(), String::from),
            style: r[2].to_string(),
            text: r[3].to_string(),
            iso: ids(&r[4]),
            tsc: ids(&r[5]),
        });
    }
    Ok(statements)
}

/// Writes `mappings/bridge-prior.csv`: for every dev statement (never a held-out one), its first ISO id paired with
/// each of its SOC 2 ids, counted. The matcher uses it to choose among the criteria an ISO control maps to.
fn write_prior(statements: &[Statement]) -> Result<(), Box<dyn std::error::Error>> {
    let text = prior_text(statements, &TUNED);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings/bridge-prior.csv");
    std::fs::write(path, &text)?;
    println!("wrote {} pairs to {path}", text.lines().count() - 1);
    Ok(())
}

/// The bridge prior (`iso,tsc,count`) counted from the statements of the given splits: each statement's first ISO
/// id paired with each of its SOC 2 ids.
fn prior_text(statements: &[Statement], splits: &[&str]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), u32> = std::collections::BTreeMap::new();
    for s in statements.iter().filter(|s| splits.contains(&s.split.as_str())) {
        let Some(iso) = s.iso.first() else { continue };
        for tsc in &s.tsc {
            *counts.entry((iso.as_str(), tsc.as_str())).or_default() += 1;
        }
    }
    let mut text = String::from("iso,tsc,count\n");
    for ((iso, tsc), n) in &counts {
        let _ = writeln!(text, "{iso},{tsc},{n}");
    }
    text
}

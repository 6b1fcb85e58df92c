//! The command line: global flags and one subcommand per job (clap derive; `///` docs become `--help`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::crosswalk::Scope;
use crate::error::Error;
use crate::ids::Framework;

/// Turn ISO/IEC 27001 control spreadsheets into SOC 2 crosswalks, and back.
#[derive(Debug, Parser)]
#[command(name = "crosswalk", version, about, long_about = None, max_term_width = 110)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Folder whose files replace the built-in data files one at a time (iso27001-2022.csv, tsc-2017.csv,
    /// iso27001-2022-to-tsc-2017.csv, profiles.csv, …).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Language of the statements matched by text: detected per statement, or all read as en, de, fr or es.
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "LANG")]
    pub lang: crate::matching::LangChoice,

    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print more about what was understood (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Map control spreadsheets to the other framework and write a crosswalk (xlsx, json, csv, md, html).
    #[command(after_help = "Examples:
  crosswalk map soa.xlsx                         writes soa.crosswalk.xlsx here
  crosswalk map soa.xlsx --format json -o -      the JSON document on stdout
  crosswalk map soc2-matrix.csv --to iso27001-2022 -o matrix.xlsx
  crosswalk map clients/ --out-dir out --format json --summary summary.json
  crosswalk map clients/ --out-dir out --fail-under 60   exit 1 under 60% coverage (security)
  crosswalk map - --format csv < soa.csv > out.csv       stdin (csv or workbook) to stdout")]
    Map(MapArgs),
    /// Show how a spreadsheet was understood: sheet, header row, column roles, and each control row.
    #[command(after_help = "Examples:
  crosswalk import soa.xlsx
  crosswalk import soa.xlsx --format json -o understood.json
  crosswalk import soa.xlsx --profile-out acme.profile.json   then: crosswalk map next.xlsx --profile acme.profile.json")]
    Import(ImportArgs),
    /// Suggest ISO 27001 controls or SOC 2 criteria for free-text control statements.
    #[command(after_help = "Examples:
  crosswalk suggest \"Quarterly user access reviews are performed by system owners\"
  crosswalk suggest --input controls.csv --text-column Description --to tsc-2017 --format csv")]
    Suggest(SuggestArgs),
    /// Write a reuse and gap report (HTML or Markdown, chosen by the output's extension).
    #[command(after_help = "Examples:
  crosswalk report soa.xlsx -o readiness.html
  crosswalk report soa.xlsx -o readiness.md --scope security,availability")]
    Report(ReportArgs),
    /// List a reference catalog.
    #[command(after_help = "Examples:
  crosswalk catalog iso27001-2022
  crosswalk catalog tsc-2017 --format csv")]
    Catalog(CatalogArgs),
    /// Explain one control or criterion: title, mappings with relationship and rationale, 2013 predecessors.
    #[command(after_help = "Examples:
  crosswalk explain A.5.15
  crosswalk explain CC6.1
  crosswalk explain A.9.2.3")]
    Explain(ExplainArgs),
    /// Check or export the curated mapping.
    #[command(
        subcommand,
        after_help = "Examples:
  crosswalk mapping validate my-overrides.csv
  crosswalk mapping export --format csv > mapping.csv"
    )]
    Mapping(MappingCommand),
    /// Build the documents the next audit asks for: a SOC 2 control matrix draft, a Type II evidence request list,
    /// a draft Statement of Applicability (docs/plan.md).
    #[command(
        subcommand,
        after_help = "Examples:
  crosswalk plan soc2 soa.xlsx -o matrix.xlsx
  crosswalk plan evidence soa.xlsx --window-months 6 -o evidence.csv
  crosswalk plan iso27001 matrix.xlsx -o soa.xlsx"
    )]
    Plan(crate::cmd::plan::PlanCommand),
    /// Read the decisions made in a reviewed crosswalk workbook, to apply them with `map --decisions`.
    #[command(
        subcommand,
        after_help = "Examples:
  crosswalk review apply soa.crosswalk.xlsx -o decisions.csv
  crosswalk map soa-q3.xlsx --decisions decisions.csv"
    )]
    Review(ReviewCommand),
    /// Write the built-in report templates and data files to a folder, to start a custom report or data set from.
    #[command(after_help = "Examples:
  crosswalk init my-report                 then edit my-report/templates/report.html.j2
  crosswalk report soa.xlsx --template my-report/templates/report.html.j2 -o client.html
  crosswalk map soa.xlsx --data-dir my-report/data")]
    Init(InitArgs),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  crosswalk completions bash > /etc/bash_completion.d/crosswalk")]
    Completions(CompletionsArgs),
    /// Internal: read one input and answer on stdout (the child process of every other command).
    #[command(name = "__read-input", hide = true)]
    ReadInput(ReadInputArgs),
}

/// How the input spreadsheet is read (shared by map, import and report).
#[derive(Debug, Args, Clone, Default)]
pub struct ReadArgs {
    /// The framework of the input's ids; `auto` detects it from ids and headers.
    #[arg(long, value_enum, default_value_t = InputFramework::Auto, value_name = "FRAMEWORK")]
    pub from: InputFramework,

    /// The sheet that holds the controls (default: detected).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The 1-based row that holds the headers (default: detected).
    #[arg(long, value_name = "N")]
    pub header_row: Option<usize>,

    /// Which column plays a role, by header text or column letter; ROLE is one of id, title, text, applicable,
    /// justification, status, owner, evidence, frequency, reference (the client's own control number).
    #[arg(long = "column", value_name = "ROLE=HEADER")]
    pub columns: Vec<String>,

    /// A saved layout (from `import --profile-out`) to read the input the same way.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    /// Largest size in MiB that one workbook part may inflate to.
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    pub max_inflated_mb: u64,

    /// Memory in MiB that reading one input may use (0: no limit); past it that input fails. Each input is read
    /// in a child process under this limit and --timeout-s (unix); with both 0 it is read in this process.
    #[arg(long, default_value_t = crate::read::DEFAULT_MAX_MEMORY_MIB, value_name = "MIB")]
    pub max_memory_mb: u64,

    /// Seconds that reading one input may take (0: no limit); past it that input fails.
    #[arg(long, default_value_t = crate::read::DEFAULT_TIMEOUT_S, value_name = "SECONDS")]
    pub timeout_s: u64,
}

/// The hidden subcommand that reads one input in a child process and answers on stdout (see `read::isolate`).
#[derive(Debug, Args)]
pub struct ReadInputArgs {
    #[arg(long)]
    pub max_inflated_mb: u64,
    #[arg(long)]
    pub max_memory_mb: u64,
    #[arg(long)]
    pub timeout_s: u64,
    /// The input (`-` for stdin).
    pub input: PathBuf,
}

#[derive(Debug, Args)]
pub struct MapArgs {
    /// Spreadsheets (xlsx, xlsm, xlsb, xls, ods, csv, tsv) or folders of them; `-` reads stdin (csv, or a workbook).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output file, or `-` for stdout (default: `<input stem>.crosswalk.<format>` in the current folder).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<String>,

    /// Output format (default: from the output's extension, else xlsx; json for stdout).
    #[arg(long, value_enum)]
    pub format: Option<crate::engine::Format>,

    /// Target framework (default: tsc-2017 for ISO and custom input, iso27001-2022 for SOC 2 input).
    #[arg(long, value_enum)]
    pub to: Option<MapTarget>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub mappings: MappingArgs,

    /// Text matches scoring below this are flagged needs-review (0..1; default: the calibrated threshold).
    #[arg(long, value_name = "F")]
    pub min_score: Option<f64>,

    /// Decisions from `review apply` (csv): decided rows are placed as decided (`matched_by: decision`), rows
    /// whose text changed since are flagged for review again.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,

    /// Write one output per input into this folder (same stem, chosen format).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Inputs processed in parallel, 1 to 1024 (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Write a JSON summary of the run, one entry per input in input order (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Write the input workbook back with our columns (canonical id, mapped ids, relationship, coverage, review)
    /// appended to the right of the sheet read, everything else kept (xlsx and xlsm; docs/plan.md).
    #[arg(long)]
    pub annotate: bool,

    /// Exit 1 when coverage is below PCT for any input: covered / in-scope criteria × 100, the number every output
    /// shows (security only unless --scope widens it; mapping to iso27001-2022: all Annex A controls and clauses).
    #[arg(long, value_name = "PCT")]
    pub fail_under: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet to read.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,

    /// Output file, or `-` for stdout (default: stdout).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ImportFormat::Csv)]
    pub format: ImportFormat,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Save the detected layout (sheet, header row, column roles) to reuse with --profile.
    #[arg(long, value_name = "FILE")]
    pub profile_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(mut_arg("mappings", |a| a.help(
    "Mapping files that add to or replace pairs of the built-in mapping (they steer suggestions of SOC 2 \
     criteria through the ISO controls a statement names)"
)))]
pub struct SuggestArgs {
    /// A control statement to place.
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,

    /// A spreadsheet of statements instead of TEXT.
    #[arg(long, value_name = "FILE", requires = "text_column")]
    pub input: Option<PathBuf>,

    /// The header of the column that holds the statements.
    #[arg(long, value_name = "HEADER")]
    pub text_column: Option<String>,

    /// Which catalog to suggest from.
    #[arg(long, value_enum, default_value_t = SuggestTarget::Iso2022)]
    pub to: SuggestTarget,

    /// Candidates per statement, 1 to 200.
    #[arg(long, default_value_t = 3, value_name = "K")]
    pub top: usize,

    #[command(flatten)]
    pub mappings: MappingArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The spreadsheet to report on.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,

    /// Output file: `.html` or `.md` (default: `<input stem>.report.html`, or the extension of --template).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<String>,

    /// A template of your own (minijinja), rendered with the same context.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Observation window of a SOC 2 Type II examination, in months.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub window_months: u32,

    #[command(flatten)]
    pub mappings: MappingArgs,

    /// Decisions from `review apply` (csv), applied as `map --decisions` applies them.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,

    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// iso27001-2022, iso27001-2013 or tsc-2017.
    #[arg(value_name = "FRAMEWORK", value_enum)]
    pub framework: CatalogFramework,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A control, clause or criterion id in any spelling: A.5.15, 5.15, CC6.1, A.9.2.3, clause 6.1.2.
    #[arg(value_name = "ID")]
    pub id: String,

    #[command(flatten)]
    pub mappings: MappingArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Check a mapping file (default: the built-in one): ids, values, duplicates, rationale, completeness.
    #[command(after_help = "Examples:
  crosswalk mapping validate
  crosswalk mapping validate my-overrides.csv")]
    Validate {
        /// The mapping file to check.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Write the effective mapping, one entry per pair, in our csv or json or for other tools (docs/interchange.md).
    #[command(after_help = "Examples:
  crosswalk mapping export --format csv > mapping.csv
  crosswalk mapping export --format json --mapping ours.csv
  crosswalk mapping export --format oscal -o iso-soc2.oscal.json         OSCAL 1.2 mapping-collection
  crosswalk mapping export --format ciso-assistant -o iso-soc2.yaml      CISO Assistant mapping library
  crosswalk mapping export --format strm-tsv -o iso-soc2.strm.tsv        NIST IR 8477 STRM")]
    Export {
        /// Output format: csv or json (ours), oscal, ciso-assistant, strm (csv) or strm-tsv.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,

        /// Output file (default: stdout).
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,

        #[command(flatten)]
        mappings: MappingArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Read the `Decision`, `Replace with` and `Comment` columns of a reviewed crosswalk workbook and write them as a
    /// decisions csv; with `--mapping-out`, also the pairs added on its `By criterion` sheet, as a mapping overlay
    /// (docs/review.md).
    #[command(
        after_help = "Example:\n  crosswalk review apply soa.crosswalk.xlsx -o decisions.csv --mapping-out client-pairs.csv"
    )]
    Apply {
        /// The crosswalk workbook `map` wrote, with decisions made in its `Crosswalk` sheet.
        #[arg(value_name = "WORKBOOK")]
        workbook: PathBuf,

        /// The decisions csv to write (default: stdout).
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,

        /// Also write the pairs added in the `Add ISO controls` (`Add SOC 2 criteria`) column of `By criterion`
        /// (`By control`) as a mapping overlay csv, for `map --mapping`.
        #[arg(long, value_name = "PATH")]
        mapping_out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write into (created if missing); existing files are never replaced without --force.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// `--mapping FILE...`, for every command that reads the mapping.
#[derive(Debug, Args, Clone, Default)]
pub struct MappingArgs {
    /// Mapping files that add to or replace pairs of the built-in mapping.
    #[arg(long = "mapping", value_name = "FILE")]
    pub mappings: Vec<PathBuf>,
}

/// `--scope LIST`, for every command that counts coverage.
#[derive(Debug, Args, Clone, Default)]
pub struct ScopeArgs {
    /// TSC categories counted, comma-separated, or `all` (default: security; security is always in).
    #[arg(long, value_name = "LIST")]
    pub scope: Option<String>,
}

impl ScopeArgs {
    /// The categories as given, or security alone. (A list with spaces and any case is accepted, so this is
    /// parsed here rather than by clap, and the message names every category.)
    pub fn scope(&self) -> Result<Scope, Error> {
        self.scope.as_deref().map_or_else(
            || Ok(Scope::default()),
            |s| Scope::parse(s).map_err(|e| Error::Usage(format!("--scope: {e}"))),
        )
    }
}

// The value enums below carry no doc comments on their variants: clap would list them as help lines.

/// `--from`: the framework of the input's ids, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum InputFramework {
    #[default]
    Auto,
    #[value(name = "iso27001-2022")]
    Iso2022,
    #[value(name = "iso27001-2013")]
    Iso2013,
    #[value(name = "tsc-2017")]
    Tsc2017,
    Custom,
}

impl InputFramework {
    /// The framework named, `None` for `auto`.
    pub fn framework(self) -> Option<Framework> {
        match self {
            InputFramework::Auto => None,
            InputFramework::Iso2022 => Some(Framework::Iso2022),
            InputFramework::Iso2013 => Some(Framework::Iso2013),
            InputFramework::Tsc2017 => Some(Framework::Tsc2017),
            InputFramework::Custom => Some(Framework::Custom),
        }
    }
}

/// `map --to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapTarget {
    #[value(name = "tsc-2017")]
    Tsc2017,
    #[value(name = "iso27001-2022")]
    Iso2022,
}

/// `suggest --to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuggestTarget {
    #[value(name = "iso27001-2022")]
    Iso2022,
    #[value(name = "tsc-2017")]
    Tsc2017,
}

/// `catalog FRAMEWORK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFramework {
    #[value(name = "iso27001-2022")]
    Iso2022,
    #[value(name = "iso27001-2013")]
    Iso2013,
    #[value(name = "tsc-2017")]
    Tsc2017,
}

impl From<MapTarget> for Framework {
    fn from(t: MapTarget) -> Framework {
        match t {
            MapTarget::Tsc2017 => Framework::Tsc2017,
            MapTarget::Iso2022 => Framework::Iso2022,
        }
    }
}

impl From<SuggestTarget> for Framework {
    fn from(t: SuggestTarget) -> Framework {
        match t {
            SuggestTarget::Iso2022 => Framework::Iso2022,
            SuggestTarget::Tsc2017 => Framework::Tsc2017,
        }
    }
}

impl From<CatalogFramework> for Framework {
    fn from(t: CatalogFramework) -> Framework {
        match t {
            CatalogFramework::Iso2022 => Framework::Iso2022,
            CatalogFramework::Iso2013 => Framework::Iso2013,
            CatalogFramework::Tsc2017 => Framework::Tsc2017,
        }
    }
}

/// `import --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Csv,
    Json,
}

/// `--format` of `suggest` and `catalog`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

/// `explain --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// `mapping export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Oscal,
    CisoAssistant,
    Strm,
    StrmTsv,
}

//! `crosswalk report INPUT`: the reuse and gap report, as HTML or Markdown (by the output's extension), or through
//! a template of the user's own.
//!
//! ```text
//! crosswalk report soa.xlsx                              writes soa.report.html here
//! crosswalk report soa.xlsx -o readiness.md --scope security,availability
//! crosswalk report matrix.csv -o iso-readiness.html      SOC 2 control matrix read against ISO 27001
//! crosswalk report soa.xlsx --template mine.html.j2 -o mine.html
//! ```

use std::path::{Path, PathBuf};

use super::{read_settings, Ui};
use crate::cli::ReportArgs;
use crate::crosswalk::Scope;
use crate::engine::Engine;
use crate::error::{Error, Exit};
use crate::import::Settings;
use crate::read::{self, Limits};
use crate::report::context::{has_errors, ReportData};
use crate::report::template::{self, Kind, UserTemplate};
use crate::report::RunInfo;
use crate::write::{self, Destination};

/// The validated flags of `report`.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub input: PathBuf,
    pub dest: Destination,
    pub kind: Kind,
    pub template: Option<PathBuf>,
    pub scope: Scope,
    pub window_months: u32,
    pub mappings: Vec<PathBuf>,
    pub read: Settings,
    pub limits: Limits,
}

impl ReportSettings {
    pub fn from_args(args: &ReportArgs) -> Result<ReportSettings, Error> {
        let (read, limits) = read_settings(&args.read)?;
        let extension = |p: &str| Path::new(p).extension().and_then(|e| e.to_str()).map(str::to_string);
        // The inner extension of a user's template (`mine.md.j2` -> `md`; `mine.tpl` has none): the output's when
        // the output has none.
        let template_ext = args.template.as_deref().and_then(|t| t.file_name()?.to_str()).and_then(|n| {
            let inner = [".j2", ".jinja", ".jinja2", ".tpl", ".tmpl", ".template"]
                .iter()
                .find_map(|s| n.strip_suffix(s))
                .unwrap_or(n);
            extension(inner)
        });
        // The output's format decides the escaping; HTML when nothing names one.
        let unnamed = || template_ext.as_deref().map_or(Kind::Html, Kind::of_output);
        let (dest, kind) = match args.output.as_deref() {
            None => {
                // `<stem>.report.html`, or the inner extension of a user's template (`mine.md.j2` -> `.md`).
                let stem = args.input.file_stem().and_then(|s| s.to_str()).unwrap_or("output");
                let ext = template_ext.clone().unwrap_or_else(|| "html".to_string());
                (Destination::File(PathBuf::from(format!("{stem}.report.{ext}"))), Kind::of_output(&ext))
            }
            Some("-") => (Destination::Stdout, unnamed()),
            Some(o) => {
                let kind = match (extension(o), &args.template) {
                    (Some(ext), Some(_)) => Kind::of_output(&ext),
                    (None, Some(_)) => unnamed(),
                    (ext, None) => ext.as_deref().and_then(Kind::from_extension).ok_or_else(|| {
                        Error::Usage(format!("cannot tell the report format from `{o}`: name it .html, .htm or .md"))
                    })?,
                };
                (Destination::File(PathBuf::from(o)), kind)
            }
        };
        let scope = args.scope.scope()?;
        super::ensure_window(args.window_months)?;
        Ok(ReportSettings {
            input: args.input.clone(),
            dest,
            kind,
            template: args.template.clone(),
            scope,
            window_months: args.window_months,
            mappings: args.mappings.mappings.clone(),
            read,
            limits,
        })
    }
}

pub fn run(engine: &Engine, ui: &Ui, args: &ReportArgs) -> Result<Exit, Error> {
    let settings = ReportSettings::from_args(args)?;
    let mut inputs = vec![settings.input.clone()];
    inputs.extend(settings.template.clone());
    inputs.extend(settings.mappings.iter().cloned());
    inputs.extend(args.decisions.iter().cloned());
    write::ensure_not_input(&settings.dest, &inputs)?;
    let user = settings.template.as_deref().map(read_template).transpose()?;
    let mapping = super::mapping(engine, &settings.mappings)?;
    let source = read::isolate::read_input(&settings.input, settings.limits)?;
    let mut imported = engine.understand(source, &settings.read, None)?;
    if let Some(path) = &args.decisions {
        let decisions = super::review::load(path)?;
        super::review::apply(&decisions, &mut imported);
    }
    let done = engine.crosswalk(imported, &mapping, &settings.scope, None);
    let run_info = RunInfo::new(&mapping.version, &settings.scope);
    let data = engine.report_data(&done.output(&run_info), &mapping, settings.window_months);
    let text = template::render(settings.kind, &data, user.as_ref())?;
    write::write_output(&settings.dest, text.as_bytes())?;
    if !ui.quiet {
        print_outcome(&settings, &data);
    }
    Ok(if has_errors(&data) { Exit::DataProblems } else { Exit::Success })
}

fn read_template(path: &Path) -> Result<UserTemplate, Error> {
    let file = read::read_text(path)?;
    Ok(UserTemplate { name: file.name, text: file.text })
}

fn print_outcome(settings: &ReportSettings, data: &ReportData) {
    let dest = match &settings.dest {
        Destination::Stdout => "stdout".to_string(),
        Destination::File(p) => p.display().to_string(),
    };
    let s = &data.summary;
    crate::sanitise::eprint_line(&format!(
        "{}: {} controls recognised, {} applicable, {} {}; {} -> {}; {}; wrote {dest}",
        s.input,
        s.recognised,
        s.applicable,
        s.implemented,
        if s.status_given { "implemented" } else { "assumed implemented (status not given)" },
        s.framework,
        s.target,
        s.headline
    ));
}

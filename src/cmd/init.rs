//! `crosswalk init DIR`: the built-in report templates and data files written out, as a starting point for
//! `--template` and `--data-dir`.

use std::path::{Path, PathBuf};

use crate::catalog::DataFiles;
use crate::cli::InitArgs;
use crate::error::{Error, Exit};
use crate::report::template;
use crate::write::{write_output, Destination};

/// The template context reference, beside the templates it describes.
const TEMPLATE_README: &str = include_str!("../../templates/README.md");

pub fn run(args: &InitArgs) -> Result<Exit, Error> {
    let files = files(&args.dir);
    if !args.force {
        let existing: Vec<String> =
            files.iter().filter(|(p, _)| p.exists()).map(|(p, _)| format!("`{}`", p.display())).collect();
        if !existing.is_empty() {
            return Err(Error::Usage(format!(
                "{} already exist; nothing was written (use --force to replace them)",
                existing.join(", ")
            )));
        }
    }
    for dir in [args.dir.join("templates"), args.dir.join("data")] {
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::Usage(format!("{}: cannot create the folder: {e}", dir.display())))?;
    }
    for (path, text) in &files {
        write_output(&Destination::File(path.clone()), text.as_bytes())?;
    }
    crate::sanitise::eprint_line(&format!(
        "wrote {} files to {}: use --template {} or --data-dir {}",
        files.len(),
        args.dir.display(),
        args.dir.join("templates").join(template::HTML_NAME).display(),
        args.dir.join("data").display()
    ));
    Ok(Exit::Success)
}

/// Every file `init` writes, with its text.
fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let templates = dir.join("templates");
    let mut out = vec![
        (templates.join(template::HTML_NAME), template::HTML.to_string()),
        (templates.join(template::MD_NAME), template::MD.to_string()),
        (templates.join("README.md"), TEMPLATE_README.to_string()),
    ];
    let data = DataFiles::builtin();
    for file in data.all() {
        let name = file.name.rsplit('/').next().unwrap_or(&file.name);
        out.push((dir.join("data").join(name), file.text.clone()));
    }
    out
}

//! The error of a run that could not be done, and the exit codes the README lists.

use crate::catalog::CatalogError;
use crate::import::ImportError;
use crate::mapping::MappingError;
use crate::read::ReadError;
use crate::write::WriteError;

/// Exit codes: 0 success (warnings allowed), 1 data problems or threshold not met, 2 could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Success = 0,
    DataProblems = 1,
    CouldNotRun = 2,
}

/// Why a command could not run. Every variant's message names the file (and sheet, row, column where it applies).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("the mapping cannot be used:\n{0}")]
    Mapping(#[from] MappingError),
    #[error("a data file cannot be used: {0}")]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("{file}: cannot build the workbook: {source}")]
    Workbook {
        file: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(transparent)]
    Template(#[from] crate::report::template::TemplateError),
    #[error(transparent)]
    Review(#[from] crate::review::ReviewError),
    #[error("{file}: {source}")]
    Render {
        file: String,
        #[source]
        source: crate::report::RenderError,
    },
}

impl Error {
    pub fn exit(&self) -> Exit {
        Exit::CouldNotRun
    }
}

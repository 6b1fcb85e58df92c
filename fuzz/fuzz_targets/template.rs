//! Template rendering of hostile cell text: a control list whose titles and justifications are the fuzz input goes
//! through import, crosswalk and both built-in report templates; rendering never fails or panics, and markup in a
//! cell never reaches the HTML report raw.
#![no_main]

use std::sync::OnceLock;

use crosswalk::catalog::data::DataFiles;
use crosswalk::catalog::Catalogs;
use crosswalk::crosswalk::Scope;
use crosswalk::ids::Framework;
use crosswalk::import::Settings;
use crosswalk::mapping::Mapping;
use crosswalk::read::{Cell, RawRow, RawTable, Source};
use crosswalk::report::context::ReportData;
use crosswalk::report::template::{self, Kind};
use crosswalk::report::{Output, RunInfo};
use libfuzzer_sys::fuzz_target;

fn setup() -> &'static (Catalogs, Mapping) {
    static SETUP: OnceLock<(Catalogs, Mapping)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let catalogs = Catalogs::load(&DataFiles::builtin()).expect("built-in catalogs load");
        let mapping = Mapping::builtin(&catalogs);
        (catalogs, mapping)
    })
}

const MARKER: &str = "<script>fuzz()</script>";

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fuzz_target!(|data: &[u8]| {
    let (catalogs, mapping) = setup();
    let input = String::from_utf8_lossy(data);
    let mut rows = vec![RawRow {
        number: 1,
        cells: vec![text("Ref"), text("Control"), text("Applicable"), text("Justification")],
    }];
    for (i, piece) in input.split('\n').take(40).enumerate() {
        rows.push(RawRow {
            number: i + 2,
            cells: vec![
                text(&format!("A.5.{}", i + 1)),
                text(piece),
                text(if i % 2 == 0 { "Yes" } else { piece }),
                text(&format!("{piece}{MARKER}")),
            ],
        });
    }
    let source = Source {
        file: "hostile.csv".into(),
        sha256: String::new(),
        tables: vec![RawTable { sheet: None, rows, merged: Vec::new() }],
    };
    let Ok(mut imported) = crosswalk::import::import(&source, &Settings::default(), catalogs) else { return };
    crosswalk::place(&mut imported, catalogs, None);
    let scope = Scope::default();
    let crosswalk = crosswalk::crosswalk::build(&mut imported, mapping, catalogs, &scope, Framework::Tsc2017);
    let run = RunInfo::new(&mapping.version, &scope);
    let output = Output::new(&run, &imported, &crosswalk);
    let report = ReportData::build(&output, catalogs, mapping, 6);
    let html = template::render(Kind::Html, &report, None).expect("the built-in HTML template renders");
    assert!(!html.contains(MARKER), "cell markup reached the HTML report raw");
    template::render(Kind::Markdown, &report, None).expect("the built-in Markdown template renders");
});

//! The mapping overlay parsers (`--mapping FILE`: csv, or another tool's JSON, YAML or workbook, told from the
//! bytes): any bytes give pairs and issues, or a mapping error, never a panic.
#![no_main]

use std::sync::OnceLock;

use crosswalk::catalog::data::{DataFile, DataFiles};
use crosswalk::catalog::Catalogs;
use crosswalk::interchange::Overlay;
use libfuzzer_sys::fuzz_target;

fn setup() -> &'static (DataFiles, Catalogs) {
    static SETUP: OnceLock<(DataFiles, Catalogs)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let files = DataFiles::builtin();
        let catalogs = Catalogs::load(&files).expect("built-in catalogs load");
        (files, catalogs)
    })
}

fuzz_target!(|data: &[u8]| {
    let (files, catalogs) = setup();
    let csv = DataFile { name: "overlay.csv".into(), text: crosswalk::read::delimited::decode(data) };
    let _ = crosswalk::mapping::parse(&csv, catalogs);
    let overlay = Overlay { name: "overlay".into(), bytes: data.to_vec() };
    let _ = crosswalk::interchange::parse_overlay(&overlay, catalogs);
    let _ = crosswalk::mapping::Mapping::load(&files.mapping, &files.mapping_version, std::slice::from_ref(&overlay), catalogs);
});

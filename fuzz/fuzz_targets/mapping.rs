//! The mapping overlay parser (`--mapping FILE`): any text gives pairs and issues, or a mapping error, never a
//! panic.
#![no_main]

use std::sync::OnceLock;

use crosswalk::catalog::data::{DataFile, DataFiles};
use crosswalk::catalog::Catalogs;
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
    let overlay = DataFile { name: "overlay.csv".into(), text: crosswalk::read::delimited::decode(data) };
    let _ = crosswalk::mapping::parse(&overlay, catalogs);
    let _ = crosswalk::mapping::Mapping::load(&files.mapping, std::slice::from_ref(&overlay), catalogs);
});

//! The saved-layout (`--profile`) parser: any text is a profile or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(profile) = crosswalk::import::profile::Profile::parse(&text) {
        let _ = profile.columns();
        let again = crosswalk::import::profile::Profile::parse(&String::from_utf8_lossy(&profile.to_json()));
        assert_eq!(again.as_ref().ok(), Some(&profile), "a written profile reads back the same");
    }
});

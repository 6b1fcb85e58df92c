//! The delimited reader: any bytes read as csv give a table whose row numbers rise, or an error naming the file,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = crosswalk::read::delimited::read("fuzz.csv", data) {
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "row numbers rise: {numbers:?}");
        assert!(numbers.first().is_none_or(|&n| n >= 1));
    }
});

//! The workbook readers on xlsx, xls and ods bytes, through the path the tool takes: the container told from the
//! first bytes, the checks before allocation, calamine, the cell budget, all behind the reader boundary. A panic
//! inside calamine is caught there and becomes the file's error, as in the tool; any other panic, an abort, a
//! hang (-timeout) or a blow-up (-rss_limit_mb) is a finding.
#![no_main]

use crosswalk::read::{isolate, sniff, Limits, ReadError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if sniff::container(data) == sniff::Container::Text {
        return;
    }
    let read = || crosswalk::read::read_bytes("fuzz", "", data.to_vec(), Limits::default());
    if let Err(ReadError::ReaderPanicked { detail, .. }) = isolate::guard("fuzz", read) {
        assert!(detail.contains("calamine-"), "a panic outside calamine: {detail}");
    }
});

//! Any bytes through the whole compiler: reader detection, xlsx/xls/CSV/markdown
//! parsing, the model and the writer must answer with a result, never a panic.
//!
//! Panics inside calamine are contained by `convert` itself (catch_unwind around
//! the spreadsheet library). libFuzzer's panic hook would abort on them before
//! they unwind, so a quiet hook is installed; a panic anywhere else still
//! escapes the target and is reported as a crash.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = xlsform::convert(data, &xlsform::Options::default());
});

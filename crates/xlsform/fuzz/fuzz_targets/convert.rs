//! Any bytes through the whole compiler: reader detection, xlsx/xls/CSV/markdown
//! parsing, the model and the writer must answer with a result, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = xlsform::convert(data, &xlsform::Options::default());
});

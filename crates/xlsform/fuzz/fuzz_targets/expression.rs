//! Any text through the expression parser and checker.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = xlsform::xpath::check(text);
        let _ = xlsform::xpath::is_dynamic_default(text, "date");
        let _ = xlsform::xpath::refs::occurrences(text);
    }
});

//! The two committed lists of cases that are allowed to differ: cases the compiler
//! does not meet yet, and deliberate deviations from pyxform.

use std::collections::BTreeMap;
use std::path::Path;

/// `case: reason` lines; `#` starts a comment line. Every entry needs a reason.
pub fn load(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut entries = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (case, reason) = line.split_once(':').unwrap_or((line, ""));
        if reason.trim().is_empty() {
            return Err(format!(
                "{}:{}: `{case}` needs a reason after a colon",
                path.display(),
                index + 1
            ));
        }
        entries.insert(case.trim().to_string(), reason.trim().to_string());
    }
    Ok(entries)
}

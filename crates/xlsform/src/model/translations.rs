//! The check that every language used on a sheet has every translatable column,
//! so nobody sees `-` where a translation was forgotten.

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::table::Table;

/// Warns once per language that lacks a translatable column another language has.
pub fn check(table: &Table, survey: bool, warnings: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for header in &table.headers {
        let key = &header.key;
        let (name, lang) = match (key[0].as_str(), key.len()) {
            ("media" | "bind", n) if n >= 2 => (column_name(&key[1], survey), key.get(2)),
            (first, _) => (column_name(first, survey), key.get(1)),
        };
        let Some(name) = name else {
            continue;
        };
        let lang = lang.cloned().unwrap_or_else(|| "default".to_string());
        match seen.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, cols)) => cols.push(name.to_string()),
            None => seen.push((lang, vec![name.to_string()])),
        }
        if !all.iter().any(|c| c == name) {
            all.push(name.to_string());
        }
    }
    if seen.is_empty() || (seen.len() == 1 && seen[0].0 == "default") {
        return;
    }
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    for (lang, cols) in seen {
        let mut missing: Vec<String> = all.iter().filter(|c| !cols.contains(c)).cloned().collect();
        if missing.is_empty() {
            continue;
        }
        missing.sort();
        warnings.push(Diagnostic::warning(
            Problem::MissingTranslations {
                language: lang,
                columns: missing,
            },
            Some(Location::sheet(&table.sheet)),
        ));
    }
}

fn column_name(key: &str, survey: bool) -> Option<&'static str> {
    Some(match key {
        "label" => "label",
        "image" => "image",
        "big-image" => "big-image",
        "audio" => "audio",
        "video" => "video",
        "hint" if survey => "hint",
        "guidance_hint" if survey => "guidance_hint",
        "jr:constraintMsg" if survey => "constraint_message",
        "jr:requiredMsg" if survey => "required_message",
        _ => return None,
    })
}

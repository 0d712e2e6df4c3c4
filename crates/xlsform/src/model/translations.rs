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

/// Warns once about languages without a code in brackets, such as `English`
/// rather than `English (en)`: devices choose the language by that code.
pub fn check_codes(tables: &[&Table], warnings: &mut Vec<Diagnostic>) {
    let mut bad: Vec<String> = Vec::new();
    for table in tables {
        for header in &table.headers {
            let key = &header.key;
            let lang = match (key[0].as_str(), key.len()) {
                ("media" | "bind", n) if n >= 3 => &key[2],
                ("label" | "hint" | "guidance_hint", 2) => &key[1],
                _ => continue,
            };
            if lang == "default" || lang.chars().count() < 3 || has_code(lang) {
                continue;
            }
            if !bad.contains(lang) {
                bad.push(lang.clone());
            }
        }
    }
    if !bad.is_empty() {
        warnings.push(Diagnostic::warning(
            Problem::LanguagesWithoutCode { languages: bad },
            None,
        ));
    }
}

/// `Name (code)` with a code shaped like a language tag (`uk`, `en-GB`, `fil`).
fn has_code(lang: &str) -> bool {
    let Some(inner) = lang
        .strip_suffix(')')
        .and_then(|l| l.rfind('(').map(|i| &l[i + 1..]))
    else {
        return false;
    };
    let mut parts = inner.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
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

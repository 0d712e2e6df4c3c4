//! A sheet as a table of records: the header row parsed into column keys (with
//! pyxform's aliases and translation suffixes), each data row into its non-empty cells.
//!
//! `label::Ukrainian (uk)` becomes the key `["label", "Ukrainian (uk)"]`, the legacy
//! `label:English` becomes `["label", "English"]`, `relevance` becomes
//! `["bind", "relevant"]` and `body::accuracyThreshold` `["control", "accuracyThreshold"]`.

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::reader::Sheet;

/// Which sheet a table comes from decides its aliases and known columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Survey,
    Choices,
    Settings,
    Entities,
}

#[derive(Debug, Clone)]
pub struct Header {
    /// The header as written, for messages.
    pub original: String,
    pub key: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub row: u32,
    /// `(header index, value)` of the non-empty cells, left to right.
    pub cells: Vec<(usize, String)>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub headers: Vec<Header>,
    pub records: Vec<Record>,
}

/// Options for reading cell values.
#[derive(Debug, Clone, Copy)]
pub struct Cleaning {
    /// Collapse runs of spaces to one and trim (`clean_text_values`, survey sheet).
    pub collapse_spaces: bool,
}

impl Table {
    pub fn read(sheet: &Sheet, kind: SheetKind, cleaning: Cleaning) -> Result<Table, Diagnostic> {
        let sheet_name = sheet.name.clone();
        let mut rows = sheet.rows.iter();
        let Some(header_row) = rows.next() else {
            return Ok(Table {
                sheet: sheet_name,
                headers: Vec::new(),
                records: Vec::new(),
            });
        };
        let double_colon = header_row.cells.iter().any(|h| h.contains("::"));
        let mut headers: Vec<Option<usize>> = Vec::new();
        let mut parsed: Vec<Header> = Vec::new();
        let mut blank_run = 0;
        for raw in &header_row.cells {
            let original = collapse(raw.trim());
            if original.is_empty() {
                headers.push(None);
                blank_run += 1;
                // Like pyxform, a run of blank header cells ends the table.
                if blank_run > 20 {
                    break;
                }
                continue;
            }
            blank_run = 0;
            if parsed.iter().any(|h| h.original == original) {
                return Err(Diagnostic::error(
                    Problem::DuplicateColumn { header: original },
                    Some(Location::row(&sheet_name, header_row.number)),
                ));
            }
            let key = header_key(&original, double_colon, kind);
            headers.push(Some(parsed.len()));
            parsed.push(Header { original, key });
        }
        let mut records = Vec::new();
        for row in rows {
            let mut cells = Vec::new();
            for (i, value) in row.cells.iter().enumerate() {
                let Some(Some(h)) = headers.get(i) else {
                    continue;
                };
                let value = clean(value, cleaning);
                if !value.trim().is_empty() {
                    cells.push((*h, value));
                }
            }
            records.push(Record {
                row: row.number,
                cells,
            });
        }
        Ok(Table {
            sheet: sheet_name,
            headers: parsed,
            records,
        })
    }

    /// Whether some column's key starts with `first`.
    pub fn has_column(&self, first: &str) -> bool {
        self.headers.iter().any(|h| h.key[0] == first)
    }

    pub fn header(&self, index: usize) -> &Header {
        &self.headers[index]
    }
}

impl Record {
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The value of the column whose key is exactly `key`.
    pub fn get<'a>(&'a self, table: &Table, key: &[&str]) -> Option<&'a str> {
        self.cells
            .iter()
            .find(|(h, _)| table.headers[*h].key == key)
            .map(|(_, v)| v.as_str())
    }

    /// The original header of the column whose key is exactly `key`, for messages.
    pub fn column_of(&self, table: &Table, key: &[&str]) -> String {
        table
            .headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.original.clone())
            .unwrap_or_else(|| key.join("::"))
    }

    /// All cells whose key starts with `prefix`, with the rest of the key.
    pub fn with_prefix<'a>(
        &'a self,
        table: &'a Table,
        prefix: &'a [&'a str],
    ) -> impl Iterator<Item = (&'a [String], &'a str)> + 'a {
        self.cells.iter().filter_map(move |(h, v)| {
            let key = &table.headers[*h].key;
            (key.len() >= prefix.len() && key.iter().zip(prefix).all(|(a, b)| a == b))
                .then(|| (&key[prefix.len()..], v.as_str()))
        })
    }
}

/// pyxform's "clean text values": smart quotes become plain ones, and on the survey
/// sheet runs of spaces collapse to one.
fn clean(value: &str, cleaning: Cleaning) -> String {
    let smart = |c: char| matches!(c, '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}');
    if !value.contains(smart) {
        let trimmed = value.trim();
        return if cleaning.collapse_spaces {
            collapse(trimmed)
        } else {
            trimmed.to_string()
        };
    }
    let mut out: String = value
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            _ => c,
        })
        .collect();
    if cleaning.collapse_spaces {
        out = collapse(out.trim());
    } else {
        out = out.trim().to_string();
    }
    out
}

fn collapse(s: &str) -> String {
    if !s.contains("  ") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !last_space {
                out.push(c);
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

fn snake(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// Parses one header into its key, following pyxform's `process_header`.
fn header_key(header: &str, double_colon: bool, kind: SheetKind) -> Vec<String> {
    if known_column(header, kind) && alias(header, kind).is_none() {
        return vec![header.to_string()];
    }
    let normal = snake(header);
    if known_column(&normal, kind) && alias(&normal, kind).is_none() {
        return vec![normal];
    }
    let mut tokens: Vec<String> = if double_colon || header.contains("::") {
        header.split("::").map(|t| t.trim().to_string()).collect()
    } else {
        let parts: Vec<String> = header.split(':').map(|t| t.trim().to_string()).collect();
        // `jr:count` written with single-colon delimiters stays one token.
        match parts.iter().position(|t| t == "jr") {
            Some(i) if i + 1 < parts.len() => {
                let mut joined = parts[..i].to_vec();
                joined.push(format!("jr:{}", parts[i + 1]));
                joined.extend_from_slice(&parts[i + 2..]);
                joined
            }
            _ => parts,
        }
    };
    let first = snake(&tokens[0]);
    if let Some(replacement) = alias(&first, kind) {
        let mut key: Vec<String> = replacement.iter().map(|s| s.to_string()).collect();
        key.extend(tokens.drain(1..));
        key
    } else if known_column(&first, kind) {
        tokens[0] = first;
        tokens
    } else {
        // Unknown columns keep their spelling: choice_filter expressions name them.
        let mut key = vec![header.to_string()];
        if tokens.len() > 1 {
            key = tokens;
        }
        key
    }
}

fn known_column(name: &str, kind: SheetKind) -> bool {
    const SURVEY: &[&str] = &[
        "bind",
        "choice_filter",
        "choices",
        "control",
        "default",
        "guidance_hint",
        "hint",
        "instance",
        "itemset",
        "label",
        "list_name",
        "media",
        "name",
        "parameters",
        "query",
        "sms_field",
        "trigger",
        "type",
    ];
    const CHOICES: &[&str] = &["label", "media", "name", "sms_option", "list_name"];
    const ENTITIES: &[&str] = &[
        "dataset",
        "entity_id",
        "create_if",
        "update_if",
        "repeat",
        "label",
    ];
    match kind {
        SheetKind::Survey => SURVEY.contains(&name),
        SheetKind::Choices => CHOICES.contains(&name),
        SheetKind::Settings => super::model::settings::is_setting(name),
        SheetKind::Entities => ENTITIES.contains(&name),
    }
}

/// pyxform's column aliases, per sheet.
fn alias(name: &str, kind: SheetKind) -> Option<&'static [&'static str]> {
    let survey: Option<&'static [&'static str]> = match name {
        "read_only" | "readonly" => Some(&["bind", "readonly"]),
        "relevant" | "relevance" => Some(&["bind", "relevant"]),
        "caption" => Some(&["label"]),
        "appearance" => Some(&["control", "appearance"]),
        "required" => Some(&["bind", "required"]),
        "constraint" => Some(&["bind", "constraint"]),
        "constraining_message" | "constraint_message" => Some(&["bind", "jr:constraintMsg"]),
        "calculation" | "calculate" => Some(&["bind", "calculate"]),
        "command" => Some(&["type"]),
        "tag" | "value" => Some(&["name"]),
        "image" => Some(&["media", "image"]),
        "big-image" => Some(&["media", "big-image"]),
        "audio" => Some(&["media", "audio"]),
        "video" => Some(&["media", "video"]),
        "count" | "repeat_count" | "jr:count" => Some(&["control", "jr:count"]),
        "autoplay" => Some(&["control", "autoplay"]),
        "rows" => Some(&["control", "rows"]),
        "noapperrorstring" | "no_app_error_string" => Some(&["bind", "jr:noAppErrorString"]),
        "requiredmsg" | "required_message" => Some(&["bind", "jr:requiredMsg"]),
        "body" => Some(&["control"]),
        "save_to" => Some(&["bind", "entities:saveto"]),
        "compact_tag" => Some(&["instance", "odk:tag"]),
        _ => None,
    };
    match kind {
        SheetKind::Survey => survey,
        SheetKind::Choices => match name {
            "caption" => Some(&["label"]),
            "list name" | "list_name" => Some(&["list_name"]),
            "value" => Some(&["name"]),
            "image" => Some(&["media", "image"]),
            "big-image" => Some(&["media", "big-image"]),
            "audio" => Some(&["media", "audio"]),
            "video" => Some(&["media", "video"]),
            _ => None,
        },
        SheetKind::Settings => match name {
            "form_title" | "set_form_title" => Some(&["title"]),
            "form_id" | "set_form_id" => Some(&["id_string"]),
            "prefix" => Some(&["prefix"]),
            _ => None,
        },
        SheetKind::Entities => match name {
            "list_name" => Some(&["dataset"]),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(h: &str) -> Vec<String> {
        header_key(h, h.contains("::"), SheetKind::Survey)
    }

    #[test]
    fn translated_headers_split_into_column_and_language() {
        assert_eq!(
            key("label::Ukrainian (uk)"),
            vec!["label", "Ukrainian (uk)"]
        );
        assert_eq!(key("label:English"), vec!["label", "English"]);
        assert_eq!(
            key("constraint_message::English (en)"),
            vec!["bind", "jr:constraintMsg", "English (en)"]
        );
    }

    #[test]
    fn aliases_and_pass_through_columns_map_as_pyxform_does() {
        assert_eq!(key("relevance"), vec!["bind", "relevant"]);
        assert_eq!(key("Read Only"), vec!["bind", "readonly"]);
        assert_eq!(key("jr:count"), vec!["control", "jr:count"]);
        assert_eq!(
            key("body::accuracyThreshold"),
            vec!["control", "accuracyThreshold"]
        );
        assert_eq!(key("bind::odk:x"), vec!["bind", "odk:x"]);
        assert_eq!(key("instance::hxl"), vec!["instance", "hxl"]);
        assert_eq!(key("image::French"), vec!["media", "image", "French"]);
        assert_eq!(key("Some Column"), vec!["Some Column"]);
    }
}

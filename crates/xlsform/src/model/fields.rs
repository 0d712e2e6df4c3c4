//! Copying a survey row's cells into a node: texts, binds, control and instance
//! attributes, parameters.

use super::{BindValue, Node, Text, params};
use crate::table::{Record, Table};

/// Bind attributes whose yes/no values become `true()`/`false()`.
const CONVERTIBLE: &[&str] = &[
    "required",
    "readonly",
    "relevant",
    "constraint",
    "calculate",
];
/// Bind attributes that are messages, so translatable.
const MESSAGES: &[&str] = &["jr:constraintMsg", "jr:requiredMsg", "jr:noAppErrorString"];

/// Fills a node from its row. Returns a parameters problem, if any.
pub fn fill(
    node: &mut Node,
    table: &Table,
    record: &Record,
) -> Option<crate::diagnostics::Problem> {
    let mut problem = None;
    for (h, value) in &record.cells {
        let header = table.header(*h);
        let key = &header.key;
        let lang = |i: usize| key.get(i).cloned();
        match key[0].as_str() {
            "label" => push_translation(&mut node.label, lang(1), value),
            "hint" => push_translation(&mut node.hint, lang(1), value),
            "guidance_hint" => push_translation(&mut node.guidance_hint, lang(1), value),
            "media" if key.len() >= 2 => push_text(&mut node.media, &key[1], lang(2), value),
            "bind" if key.len() >= 2 => {
                let attr = key[1].clone();
                node.columns.push((attr.clone(), header.original.clone()));
                if MESSAGES.contains(&attr.as_str()) {
                    let mut texts: Vec<(String, Text)> = node
                        .bind
                        .iter()
                        .filter_map(|(k, v)| match v {
                            BindValue::Message(t) if *k == attr => Some((k.clone(), t.clone())),
                            _ => None,
                        })
                        .collect();
                    push_text(&mut texts, &attr, lang(2), value);
                    let text = texts.pop().map(|(_, t)| t).unwrap_or_default();
                    set(&mut node.bind, &attr, BindValue::Message(text));
                } else {
                    let v = if CONVERTIBLE.contains(&attr.as_str()) {
                        convert_yes_no(value)
                    } else {
                        value.clone()
                    };
                    set(&mut node.bind, &attr, BindValue::Expr(v));
                }
            }
            "control" if key.len() >= 2 => {
                node.columns.push((key[1].clone(), header.original.clone()));
                set(&mut node.control, &key[1], value.clone());
            }
            "instance" if key.len() >= 2 => {
                node.columns.push((key[1].clone(), header.original.clone()));
                set(&mut node.instance_attrs, &key[1], value.clone());
            }
            "parameters" => match params::parse(value) {
                Ok(p) => node.parameters = p,
                Err(p) => problem = Some(p),
            },
            "default" => {
                node.columns
                    .push(("default".into(), header.original.clone()));
                node.default = Some(value.clone());
            }
            "trigger" => {
                node.columns
                    .push(("trigger".into(), header.original.clone()));
                node.trigger = value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter_map(|t| {
                        let t = t.trim();
                        t.strip_prefix("${")
                            .and_then(|t| t.strip_suffix('}'))
                            .map(str::to_string)
                            .or_else(|| (!t.is_empty()).then(|| t.to_string()))
                    })
                    .collect();
            }
            "choice_filter" => {
                node.columns
                    .push(("choice_filter".into(), header.original.clone()));
                node.choice_filter = Some(value.clone());
            }
            _ => {}
        }
    }
    problem
}

/// A column without a language replaces what the row had so far, as pyxform's
/// row reading does (a later `label` overwrites an earlier `label::English`);
/// one with a language joins them.
pub fn push_translation(text: &mut Text, lang: Option<String>, value: &str) {
    if lang.is_none() {
        text.entries.clear();
    }
    text.entries.push((lang, value.to_string()));
}

fn push_text(texts: &mut Vec<(String, Text)>, kind: &str, lang: Option<String>, value: &str) {
    match texts.iter_mut().find(|(k, _)| k == kind) {
        Some((_, t)) => t.entries.push((lang, value.to_string())),
        None => texts.push((
            kind.to_string(),
            Text {
                entries: vec![(lang, value.to_string())],
            },
        )),
    }
}

fn set<V>(pairs: &mut Vec<(String, V)>, key: &str, value: V) {
    match pairs.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value,
        None => pairs.push((key.to_string(), value)),
    }
}

pub fn convert_yes_no(value: &str) -> String {
    match value {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" => "true()".into(),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" => "false()".into(),
        other => other.to_string(),
    }
}

/// Puts the type's bind attributes first, then the row's, as pyxform orders them.
pub fn merge_type_binds(node: &mut Node) {
    let Some(spec) = &node.spec else {
        return;
    };
    let mut merged: Vec<(String, BindValue)> = spec
        .bind
        .iter()
        .map(|(k, v)| (k.to_string(), BindValue::Expr(v.to_string())))
        .collect();
    for (k, v) in std::mem::take(&mut node.bind) {
        set(&mut merged, &k, v);
    }
    node.bind = merged;
}

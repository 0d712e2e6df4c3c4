//! Choice lists from the `choices` and `external_choices` sheets.

use super::Text;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::table::{Record, Table};

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub label: Text,
    pub media: Vec<(String, Text)>,
    /// Other columns (used by choice_filter), header and value.
    pub extra: Vec<(String, String)>,
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceList {
    pub name: String,
    pub choices: Vec<Choice>,
}

impl ChoiceList {
    /// Whether the list's labels go to itext: translated, with media, or with `${}`.
    pub fn requires_itext(&self) -> bool {
        self.choices.iter().any(|c| {
            !c.media.is_empty()
                || c.label.is_translated()
                || c.label.any().is_some_and(|l| l.contains("${"))
        })
    }
}

/// Reads a choices sheet into lists, in order of first appearance.
pub fn read(
    table: &Table,
    allow_duplicates: bool,
    labels_required: bool,
    warnings: &mut Vec<Diagnostic>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<ChoiceList> {
    let mut lists: Vec<ChoiceList> = Vec::new();
    let has_name = table.has_column("name");
    if !has_name && table.records.iter().any(|r| !r.is_empty()) {
        errors.push(Diagnostic::error(
            Problem::MissingColumn {
                column: "name".into(),
            },
            Some(Location::row(&table.sheet, 1)),
        ));
        return lists;
    }
    for record in &table.records {
        if record.is_empty() {
            continue;
        }
        let Some(list_name) = record.get(table, &["list_name"]) else {
            errors.push(Diagnostic::error(
                Problem::MissingChoiceListName,
                Some(Location::row(&table.sheet, record.row)),
            ));
            continue;
        };
        let Some(name) = record.get(table, &["name"]) else {
            errors.push(Diagnostic::error(
                Problem::ChoiceMissingName {
                    list: list_name.to_string(),
                },
                Some(Location::row(&table.sheet, record.row)),
            ));
            continue;
        };
        let choice = read_choice(table, record, name);
        let index = match lists.iter().position(|l| l.name == list_name) {
            Some(i) => i,
            None => {
                lists.push(ChoiceList {
                    name: list_name.to_string(),
                    choices: Vec::new(),
                });
                lists.len() - 1
            }
        };
        let list = &mut lists[index];
        if !allow_duplicates && list.choices.iter().any(|c| c.name == choice.name) {
            errors.push(Diagnostic::error(
                Problem::DuplicateChoice {
                    list: list_name.to_string(),
                    name: choice.name.clone(),
                },
                Some(Location::cell(&table.sheet, record.row, "name")),
            ));
            continue;
        }
        if choice.label.is_empty() && choice.media.is_empty() {
            // An item without a label makes JavaRosa refuse the whole itemset.
            let problem = Problem::ChoiceWithoutLabel {
                list: list_name.to_string(),
                name: choice.name.clone(),
            };
            let location = Some(Location::row(&table.sheet, record.row));
            if labels_required {
                errors.push(Diagnostic::error(problem, location));
            } else {
                warnings.push(Diagnostic::warning(problem, location));
            }
        }
        list.choices.push(choice);
    }
    lists
}

fn read_choice(table: &Table, record: &Record, name: &str) -> Choice {
    let mut label = Text::default();
    let mut media: Vec<(String, Text)> = Vec::new();
    let mut extra = Vec::new();
    for (h, value) in &record.cells {
        let key = &table.header(*h).key;
        match key[0].as_str() {
            "list_name" | "name" => {}
            "label" => super::fields::push_translation(&mut label, key.get(1).cloned(), value),
            "media" if key.len() >= 2 => {
                let kind = key[1].clone();
                let lang = key.get(2).cloned();
                match media.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, t)) => t.entries.push((lang, value.clone())),
                    None => media.push((
                        kind,
                        Text {
                            entries: vec![(lang, value.clone())],
                        },
                    )),
                }
            }
            // Columns that cannot be XML element names are dropped, as in pyxform.
            other if key.len() == 1 && !other.contains(' ') => {
                extra.push((other.to_string(), value.clone()));
            }
            _ => {}
        }
    }
    Choice {
        name: name.to_string(),
        label,
        media,
        extra,
        row: record.row,
    }
}

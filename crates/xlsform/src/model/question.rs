//! Survey rows that are questions: types, selects, parameters and generated nodes.

use super::build::Builder;
use super::choices::Choice;
use super::fields;
use super::{BindValue, Node, NodeKind, SelectSource, Text, types};
use crate::diagnostics::Problem;
use crate::names::closest;
use crate::table::Record;

/// Select commands, longest first so that `select one from file` wins over `select one`.
const SELECTS: &[(&str, &str)] = &[
    ("add select multiple prompt using", "select_multiple"),
    ("add select one prompt using", "select_one"),
    ("select all that apply from", "select_multiple"),
    ("select_multiple_from_file", "select_multiple_from_file"),
    ("select multiple from file", "select_multiple_from_file"),
    ("select_one_from_file", "select_one_from_file"),
    ("select one from file", "select_one_from_file"),
    ("select all that apply", "select_multiple"),
    ("select_one_external", "select_one_external"),
    ("select_multiple", "select_multiple"),
    ("select one from", "select_one"),
    ("select_one", "select_one"),
    ("select one", "select_one"),
    ("select1", "select_one"),
    ("rank", "rank"),
];

struct SelectType {
    command: &'static str,
    list: String,
    or_other: bool,
    /// Words after the list name other than `or_other`.
    extra: bool,
}

fn parse_select(type_name: &str) -> Option<SelectType> {
    for (alias, command) in SELECTS {
        let Some(rest) = type_name.strip_prefix(alias) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(' ') else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let list = words.next()?.to_string();
        let tail: Vec<&str> = words.collect();
        let or_other = matches!(tail.as_slice(), ["or_other"] | ["or", "specify", "other"]);
        let extra = !tail.is_empty() && !or_other;
        return Some(SelectType {
            command,
            list,
            or_other,
            extra,
        });
    }
    None
}

impl Builder<'_> {
    pub(super) fn question(&mut self, type_name: &str, record: &Record) {
        let row = record.row;
        const BARE: &[&str] = &[
            "select_one",
            "select_multiple",
            "select_one_from_file",
            "select_multiple_from_file",
            "select_one_external",
            "rank",
        ];
        if BARE.contains(&type_name) {
            let problem = Problem::SelectWithoutList {
                type_name: type_name.to_string(),
            };
            self.error(problem, row, Some("type"));
            return;
        }
        if let Some(list) = type_name.strip_prefix("osm ") {
            return self.osm(list.trim(), record);
        }
        let select = parse_select(type_name);
        if select.as_ref().is_some_and(|s| s.extra) {
            let problem = Problem::UnknownType {
                found: type_name.to_string(),
                suggestion: None,
            };
            self.error(problem, row, Some("type"));
            return;
        }
        let spec_name = match &select {
            Some(s) if s.command.starts_with("select_multiple") => "select_multiple",
            Some(s) if s.command == "rank" => "rank",
            Some(_) => "select_one",
            None => type_name,
        };
        let spec = match spec_name {
            "select_one" => Some(select_spec("select_one", super::Control::Select1)),
            "select_multiple" => Some(select_spec("select_multiple", super::Control::Select)),
            "rank" => Some(super::TypeSpec {
                name: "rank",
                control: super::Control::Rank,
                bind: vec![("type", "odk:rank")],
                hint: None,
            }),
            other => types::lookup(other),
        };
        let Some(mut spec) = spec else {
            let suggestion = closest(type_name, types::KNOWN_TYPES).map(str::to_string);
            self.error(
                Problem::UnknownType {
                    found: type_name.to_string(),
                    suggestion,
                },
                row,
                Some("type"),
            );
            return;
        };
        if select
            .as_ref()
            .is_some_and(|s| s.command == "select_one_external")
        {
            spec.control = super::Control::Input;
        }
        let Some(name) = self.name_of(record, spec.name) else {
            return;
        };
        if spec.name == "audit" && name != "audit" {
            self.error(Problem::AuditName, row, Some("name"));
            return;
        }
        if spec.name != "audit" && !self.check_unique(&name, row) {
            return;
        }
        let parent = *self.stack.last().unwrap_or(&0);
        let mut node = Node::new(&name, row, NodeKind::Question, Some(parent));
        if let Some(problem) = fields::fill(&mut node, self.table, record) {
            self.error(problem, row, Some("parameters"));
        }
        if node.hint.is_empty()
            && let Some(h) = spec.hint
        {
            node.hint = Text::from_plain(h);
        }
        if spec.name == "image"
            && let Some(d) = &node.default
            && !d.contains("jr://images/")
        {
            node.default = Some(format!("jr://images/{d}"));
        }
        if matches!(spec.name, "simserial" | "subscriberid") {
            let type_name = spec.name.to_string();
            self.warn(Problem::DeprecatedMetadata { type_name }, row, Some("type"));
        }
        node.spec = Some(spec);
        fields::merge_type_binds(&mut node);
        if !self.check_trigger(&node, record) {
            return;
        }
        if node.type_name() == "background-geopoint" {
            let problem = if node.trigger.is_empty() {
                Some((
                    Problem::BackgroundGeopointWithoutTrigger { name: name.clone() },
                    "trigger",
                ))
            } else if node.bind_expr("calculate").is_some() {
                Some((
                    Problem::BackgroundGeopointCalculation { name: name.clone() },
                    "calculation",
                ))
            } else {
                None
            };
            if let Some((problem, column)) = problem {
                self.error(problem, row, Some(column));
                return;
            }
        }
        if node.type_name() == "calculate" && node.bind_expr("calculate").is_none() {
            self.error(
                Problem::MissingCalculation { name: name.clone() },
                row,
                Some("calculation"),
            );
        }
        if node.type_name() == "audit" {
            self.apply_parameters(&mut node, row);
            self.audit = Some(node);
            return;
        }
        let mut other = None;
        if let Some(select) = &select
            && !self.attach_choices(&mut node, select, row)
        {
            return;
        }
        self.apply_parameters(&mut node, row);
        if let Some(select) = select {
            if select.command == "select_multiple"
                && let Some(SelectSource::List(list)) = &node.select
                && let Some(bad) = self
                    .choices
                    .iter()
                    .find(|l| l.name == *list)
                    .and_then(|l| l.choices.iter().find(|c| c.name.contains(' ')))
            {
                let problem = Problem::ChoiceNameWithSpace {
                    list: list.clone(),
                    name: bad.name.clone(),
                };
                self.error(problem, row, Some("type"));
                return;
            }
            if select.or_other && node.choice_filter.is_some() {
                self.error(Problem::OrOtherWithChoiceFilter, row, Some("choice_filter"));
                return;
            }
            if select.or_other {
                other = self.or_other(&node, &select.list, row);
            }
            if !self.table_list_select(&mut node, &select.list, row, parent) {
                return;
            }
        }
        self.push(node);
        if let Some(other) = other {
            self.push(other);
        }
    }

    fn attach_choices(&mut self, node: &mut Node, select: &SelectType, row: u32) -> bool {
        let list = select.list.clone();
        if select.command.ends_with("_from_file") {
            let Some((stem, ext)) = list.rsplit_once('.') else {
                self.error(
                    Problem::SelectFromFileExtension { file: list },
                    row,
                    Some("type"),
                );
                return false;
            };
            if !matches!(ext, "csv" | "xml" | "geojson") {
                self.error(
                    Problem::SelectFromFileExtension { file: list.clone() },
                    row,
                    Some("type"),
                );
                return false;
            }
            node.select = Some(SelectSource::File {
                instance: stem.to_string(),
                file: list,
            });
            return true;
        }
        if select.command == "select_one_external" {
            if !self.external_choices.iter().any(|l| l.name == list) {
                self.error(Problem::MissingExternalChoices { list }, row, Some("type"));
                return false;
            }
            if node.choice_filter.is_none() {
                self.warn(Problem::ExternalSelectWithoutFilter, row, Some("type"));
            }
            node.select = Some(SelectSource::External(list));
            return true;
        }
        if list.starts_with("${") && list.ends_with('}') {
            node.select = Some(SelectSource::Reference(list[2..list.len() - 1].to_string()));
            return true;
        }
        if !self.choices.iter().any(|l| l.name == list) {
            self.error(Problem::UnknownChoiceList { list }, row, Some("type"));
            return false;
        }
        node.select = Some(SelectSource::List(list));
        true
    }

    /// The trigger column names questions as `${a}` or `${a}, ${b}`.
    fn check_trigger(&mut self, node: &Node, record: &Record) -> bool {
        let Some(value) = record.get(self.table, &["trigger"]) else {
            return true;
        };
        let well_formed = value.split(',').all(|part| {
            let part = part.trim();
            part.strip_prefix("${")
                .and_then(|p| p.strip_suffix('}'))
                .is_some_and(|name| crate::names::is_xml_name(name) && !name.contains(':'))
        });
        if !well_formed || node.trigger.is_empty() {
            let problem = Problem::TriggerNotReference {
                value: value.to_string(),
            };
            self.error(problem, record.row, Some("trigger"));
            return false;
        }
        true
    }

    /// `osm LIST`: an OpenMapKit upload whose tags come from the `osm` sheet.
    fn osm(&mut self, list: &str, record: &Record) {
        let row = record.row;
        let Some(name) = self.name_of(record, "osm") else {
            return;
        };
        if !self.check_unique(&name, row) {
            return;
        }
        if !self.osm_lists.iter().any(|l| l.name == list) && !self.osm_lists.is_empty() {
            let problem = Problem::UnknownOsmList {
                list: list.to_string(),
            };
            self.error(problem, row, Some("type"));
            return;
        }
        let parent = *self.stack.last().unwrap_or(&0);
        let mut node = Node::new(&name, row, NodeKind::Question, Some(parent));
        if let Some(problem) = fields::fill(&mut node, self.table, record) {
            self.error(problem, row, Some("parameters"));
        }
        node.spec = types::lookup("osm");
        fields::merge_type_binds(&mut node);
        if self.osm_lists.iter().any(|l| l.name == list) {
            node.select = Some(SelectSource::Osm(list.to_string()));
        }
        self.push(node);
    }

    /// `or_other` adds an `other` choice to the list and a text question after the select.
    fn or_other(&mut self, node: &Node, list_name: &str, row: u32) -> Option<Node> {
        let list = self.choices.iter_mut().find(|l| l.name == list_name)?;
        if !list.choices.iter().any(|c| c.name == "other") {
            let langs: Vec<String> = list
                .choices
                .iter()
                .flat_map(|c| c.label.entries.iter().filter_map(|(l, _)| l.clone()))
                .fold(Vec::new(), |mut acc, l| {
                    if !acc.contains(&l) {
                        acc.push(l);
                    }
                    acc
                });
            let label = if langs.is_empty() {
                Text::from_plain("Other")
            } else {
                Text {
                    entries: langs
                        .into_iter()
                        .map(|l| (Some(l), "Other".to_string()))
                        .collect(),
                }
            };
            list.choices.push(Choice {
                name: "other".into(),
                label,
                media: Vec::new(),
                extra: Vec::new(),
                row,
            });
        }
        let mut other = Node::new(
            &format!("{}_other", node.name),
            row,
            NodeKind::Question,
            node.parent,
        );
        other.spec = types::lookup("text");
        other.label = Text::from_plain("Specify other.");
        other.bind.push((
            "relevant".into(),
            BindValue::Expr(format!("selected(../{}, 'other')", node.name)),
        ));
        fields::merge_type_binds(&mut other);
        Some(other)
    }

    /// Selects in a table-list group share one header row showing the choices.
    fn table_list_select(&mut self, node: &mut Node, list: &str, row: u32, parent: usize) -> bool {
        let Some(state) = self.table_list.clone() else {
            return true;
        };
        if let Some(first) = state.clone()
            && first != list
        {
            let problem = Problem::TableListMismatch {
                expected: first,
                found: list.to_string(),
            };
            self.error(problem, row, Some("type"));
            return false;
        }
        if state.is_none() {
            if node.choice_filter.is_some() {
                self.error(
                    Problem::TableListWithChoiceFilter,
                    row,
                    Some("choice_filter"),
                );
                return false;
            }
            self.table_list = Some(Some(list.to_string()));
            let mut header = Node::new(
                &format!("reserved_name_for_field_list_labels_{row}"),
                row,
                NodeKind::Question,
                Some(parent),
            );
            header.spec = node.spec.clone();
            fields::merge_type_binds(&mut header);
            header.select = node.select.clone();
            header.control.push(("appearance".into(), "label".into()));
            // pyxform gives the header row a label of one space.
            header.label = Text::from_plain(" ");
            self.push(header);
        }
        match node.control.iter_mut().find(|(k, _)| k == "appearance") {
            Some((_, v)) => *v = "list-nolabel".into(),
            None => node
                .control
                .push(("appearance".into(), "list-nolabel".into())),
        }
        true
    }
}

fn select_spec(name: &'static str, control: super::Control) -> super::TypeSpec {
    super::TypeSpec {
        name,
        control,
        bind: vec![("type", "string")],
        hint: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_types_give_their_command_list_and_or_other() {
        let s = parse_select("select_one yes_no or_other").unwrap();
        assert_eq!(
            (s.command, s.list.as_str(), s.or_other),
            ("select_one", "yes_no", true)
        );
        let s = parse_select("select one from file people.csv").unwrap();
        assert_eq!(s.command, "select_one_from_file");
        assert!(parse_select("select_one").is_none());
    }
}

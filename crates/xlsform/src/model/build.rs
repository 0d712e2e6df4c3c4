//! Building the form from the workbook: sheets to tables, survey rows to a tree.

use super::choices::{self, ChoiceList};
use super::entities;
use super::fields;
use super::{Form, Node, NodeKind, Settings, types};
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::names::{closest, is_xml_name};
use crate::reader::Workbook;
use crate::table::{Cleaning, Record, SheetKind, Table};

/// The outcome of building: a form if there were no errors, and every diagnostic.
pub struct Built {
    pub form: Option<Form>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

const SURVEY: &str = "survey";
const SHEETS: &[&str] = &[
    "survey",
    "choices",
    "settings",
    "external_choices",
    "entities",
    "osm",
];

/// Builds the form model from a workbook.
pub fn build(book: &Workbook) -> Built {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let form = build_inner(book, &mut errors, &mut warnings);
    Built {
        form: if errors.is_empty() { form } else { None },
        errors,
        warnings,
    }
}

fn build_inner(
    book: &Workbook,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Form> {
    let survey_sheet = match book.sheet(SURVEY) {
        Some(s) => s,
        None => {
            let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
            let similar = closest(SURVEY, &names).map(str::to_string);
            errors.push(Diagnostic::error(
                Problem::MissingSurveySheet { similar },
                None,
            ));
            return None;
        }
    };
    warn_misspelt_sheets(book, warnings);
    let read = |name: &str, kind: SheetKind, collapse: bool, errors: &mut Vec<Diagnostic>| {
        let sheet = book.sheet(name)?;
        match Table::read(
            sheet,
            kind,
            Cleaning {
                collapse_spaces: collapse,
            },
        ) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(e);
                None
            }
        }
    };
    let settings = Settings::read(read("settings", SheetKind::Settings, false, errors).as_ref());
    let survey = match Table::read(
        survey_sheet,
        SheetKind::Survey,
        Cleaning {
            collapse_spaces: settings.clean_text_values,
        },
    ) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    if !survey.has_column("type") {
        errors.push(Diagnostic::error(
            Problem::MissingColumn {
                column: "type".into(),
            },
            Some(Location::row(&survey.sheet, 1)),
        ));
        return None;
    }
    check_media_columns(&survey, errors);
    super::translations::check(&survey, true, warnings);
    let choices_table = read("choices", SheetKind::Choices, false, errors);
    if let Some(t) = &choices_table {
        check_media_columns(t, errors);
        super::translations::check(t, false, warnings);
    }
    let mut translated: Vec<&Table> = vec![&survey];
    translated.extend(choices_table.as_ref());
    super::translations::check_codes(&translated, warnings);
    let choices = choices_table
        .map(|t| choices::read(&t, settings.allow_choice_duplicates, true, warnings, errors))
        .unwrap_or_default();
    let external_table = read("external_choices", SheetKind::Choices, false, errors);
    let external_choices = external_table
        .as_ref()
        .map(|t| choices::read(t, true, false, warnings, errors))
        .unwrap_or_default();
    let itemsets_csv = external_table.as_ref().map(itemsets_csv);
    // The osm sheet lists the tags of `osm LIST` questions like a choices sheet.
    let osm_lists = read("osm", SheetKind::Choices, false, errors)
        .map(|t| choices::read(&t, true, false, warnings, errors))
        .unwrap_or_default();
    let mut entity = read("entities", SheetKind::Entities, false, errors)
        .and_then(|t| entities::read(&t, errors));
    if let Some(name) = &settings.name
        && !is_xml_name(name)
    {
        errors.push(Diagnostic::error(
            Problem::InvalidFormName { name: name.clone() },
            Some(Location::cell("settings", 2, "name")),
        ));
    }
    let root_name = settings.name.clone().unwrap_or_else(|| "data".to_string());
    let mut builder = Builder {
        table: &survey,
        nodes: vec![Node::new(&root_name, 0, NodeKind::Root, None)],
        stack: vec![0],
        choices,
        external_choices,
        errors,
        warnings,
        audit: None,
        table_list: None,
        osm_lists,
    };
    for record in &survey.records {
        builder.row(record);
    }
    builder.finish_blocks();
    let Builder {
        mut nodes,
        choices,
        external_choices,
        audit,
        osm_lists,
        ..
    } = builder;
    if let Some(e) = &mut entity {
        match entities::place(&nodes, e, e.row) {
            Ok(container) => e.container = container,
            Err(d) => {
                errors.push(d);
                return None;
            }
        }
    }
    let entity_container = entity.as_ref().map(|e| e.container);
    add_meta(&mut nodes, &settings, audit, entity_container);
    Some(Form {
        nodes,
        choices,
        external_choices,
        osm: osm_lists,
        settings,
        entity,
        itemsets_csv,
        paths: Vec::new(),
    })
    .map(|mut form| {
        form.index_paths();
        form
    })
}

/// `itemsets.csv`: the external_choices sheet as CSV, every field quoted like
/// pyxform writes it, but with empty cells kept in their column.
fn itemsets_csv(table: &Table) -> String {
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(table.headers.iter().map(|h| h.original.as_str()).collect());
    for record in table.records.iter().filter(|r| !r.is_empty()) {
        let cells = (0..table.headers.len())
            .map(|h| {
                record
                    .cells
                    .iter()
                    .find(|(i, _)| *i == h)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            })
            .collect();
        line(cells);
    }
    out
}

/// `media::KIND` columns: only the kinds Collect shows.
fn check_media_columns(table: &Table, errors: &mut Vec<Diagnostic>) {
    for header in &table.headers {
        if header.key[0] == "media"
            && header.key.len() >= 2
            && !matches!(
                header.key[1].as_str(),
                "image" | "big-image" | "audio" | "video"
            )
        {
            errors.push(Diagnostic::error(
                Problem::UnknownMediaType {
                    column: header.original.clone(),
                },
                Some(Location::cell(&table.sheet, 1, &header.original)),
            ));
        }
    }
}

fn warn_misspelt_sheets(book: &Workbook, warnings: &mut Vec<Diagnostic>) {
    for sheet in &book.sheets {
        let lower = sheet.name.trim().to_lowercase();
        if SHEETS.contains(&lower.as_str()) {
            continue;
        }
        if let Some(expected) = closest(&lower, SHEETS)
            && book.sheet(expected).is_none()
        {
            warnings.push(Diagnostic::warning(
                Problem::MisspeltSheet {
                    found: sheet.name.clone(),
                    expected: expected.to_string(),
                },
                None,
            ));
        }
    }
}

/// Appends the `meta` block: entity, audit, instanceID, instanceName. An entity
/// declared inside a repeat gets its own `meta` block at the end of its container.
fn add_meta(
    nodes: &mut Vec<Node>,
    settings: &Settings,
    audit: Option<Node>,
    entity_container: Option<usize>,
) {
    if let Some(container) = entity_container.filter(|&c| c != 0) {
        nodes.push(Node::new("meta", 0, NodeKind::Meta, Some(container)));
        let meta = nodes.len() - 1;
        nodes[container].children.push(meta);
        nodes.push(Node::new("entity", 0, NodeKind::Question, Some(meta)));
        let e = nodes.len() - 1;
        nodes[meta].children.push(e);
    }
    let entity = entity_container == Some(0);
    let needed =
        entity || audit.is_some() || !settings.omit_instance_id || settings.instance_name.is_some();
    if !needed {
        return;
    }
    let existing = nodes[0]
        .children
        .iter()
        .copied()
        .find(|&c| nodes[c].name == "meta" && nodes[c].kind == NodeKind::Group);
    let meta = match existing {
        Some(m) => {
            nodes[m].kind = NodeKind::Meta;
            m
        }
        None => {
            nodes.push(Node::new("meta", 0, NodeKind::Meta, Some(0)));
            let m = nodes.len() - 1;
            nodes[0].children.push(m);
            m
        }
    };
    let add = |nodes: &mut Vec<Node>, mut node: Node| {
        node.parent = Some(meta);
        nodes.push(node);
        let i = nodes.len() - 1;
        nodes[meta].children.push(i);
    };
    if entity {
        add(nodes, Node::new("entity", 0, NodeKind::Question, None));
    }
    if let Some(audit) = audit {
        add(nodes, audit);
    }
    if !settings.omit_instance_id {
        add(nodes, Node::new("instanceID", 0, NodeKind::Question, None));
    }
    if settings.instance_name.is_some() {
        add(
            nodes,
            Node::new("instanceName", 0, NodeKind::Question, None),
        );
    }
}

pub(super) struct Builder<'a> {
    pub(super) table: &'a Table,
    pub(super) nodes: Vec<Node>,
    /// Open groups and repeats, the root first.
    pub(super) stack: Vec<usize>,
    pub(super) choices: Vec<ChoiceList>,
    pub(super) external_choices: Vec<ChoiceList>,
    pub(super) errors: &'a mut Vec<Diagnostic>,
    pub(super) warnings: &'a mut Vec<Diagnostic>,
    pub(super) audit: Option<Node>,
    /// Inside a `table-list` group: the list of its first select, once seen.
    pub(super) table_list: Option<Option<String>>,
    /// Tag lists of the `osm` sheet.
    pub(super) osm_lists: Vec<ChoiceList>,
}

enum Block {
    Begin(NodeKind),
    End(NodeKind),
}

fn block(type_name: &str) -> Option<Block> {
    let t = type_name.trim();
    let (begin, rest) = if let Some(r) = t.strip_prefix("begin") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("end") {
        (false, r)
    } else {
        return None;
    };
    let rest = rest.strip_prefix(['_', ' '])?;
    let kind = |word: &str| match word {
        "group" => Some(NodeKind::Group),
        "repeat" | "lgroup" | "looped group" => Some(NodeKind::Repeat),
        _ => None,
    };
    if begin {
        // `begin repeat over LIST` (loops) is accepted as a plain repeat here.
        let word = rest.split(" over ").next().unwrap_or(rest).trim();
        let word = if word == "looped group" {
            word
        } else {
            word.split(' ').next().unwrap_or(word)
        };
        kind(word).map(Block::Begin)
    } else {
        kind(rest.trim()).map(Block::End)
    }
}

impl Builder<'_> {
    pub(super) fn loc(&self, row: u32, column: Option<&str>) -> Option<Location> {
        Some(match column {
            Some(c) => Location::cell(&self.table.sheet, row, c),
            None => Location::row(&self.table.sheet, row),
        })
    }

    pub(super) fn error(&mut self, problem: Problem, row: u32, column: Option<&str>) {
        let loc = self.loc(row, column);
        self.errors.push(Diagnostic::error(problem, loc));
    }

    pub(super) fn warn(&mut self, problem: Problem, row: u32, column: Option<&str>) {
        let loc = self.loc(row, column);
        self.warnings.push(Diagnostic::warning(problem, loc));
    }

    fn row(&mut self, record: &Record) {
        let table = self.table;
        if record.is_empty() {
            return;
        }
        if let Some(disabled) = record.get(table, &["disabled"]) {
            self.warn(Problem::DisabledColumn, record.row, Some("disabled"));
            if super::settings::yes_no(Some(disabled), false) {
                return;
            }
        }
        let Some(type_name) = record.get(table, &["type"]) else {
            if record.get(table, &["name"]).is_none() && record.get(table, &["label"]).is_none() {
                self.warn(Problem::RowSkipped, record.row, None);
            } else {
                self.error(Problem::RowWithoutType, record.row, Some("type"));
            }
            return;
        };
        let type_name = type_name.trim();
        match block(type_name) {
            Some(Block::End(kind)) => self.end_block(kind, type_name, record.row),
            Some(Block::Begin(kind)) => self.begin_block(kind, record),
            None => self.question(type_name, record),
        }
    }

    pub(super) fn name_of(&mut self, record: &Record, type_name: &str) -> Option<String> {
        let name = match record.get(self.table, &["name"]) {
            Some(n) => n.to_string(),
            None if type_name == "note" => format!("generated_note_name_{}", record.row),
            None if type_name == "audit" => "audit".to_string(),
            None => {
                self.error(Problem::MissingName, record.row, Some("name"));
                return None;
            }
        };
        if !is_xml_name(&name) {
            self.error(Problem::InvalidName { name }, record.row, Some("name"));
            return None;
        }
        Some(name)
    }

    pub(super) fn check_unique(&mut self, name: &str, row: u32) -> bool {
        if name == "meta" {
            self.error(
                Problem::ReservedName {
                    name: name.to_string(),
                },
                row,
                Some("name"),
            );
            return false;
        }
        let parent = *self.stack.last().unwrap_or(&0);
        let taken = self.nodes[parent]
            .children
            .iter()
            .any(|&c| self.nodes[c].name == name);
        let same_but_case = self.nodes[parent]
            .children
            .iter()
            .map(|&c| self.nodes[c].name.clone())
            .find(|other| other != name && other.to_lowercase() == name.to_lowercase());
        if let Some(other) = same_but_case {
            self.warn(
                Problem::DuplicateNameCase {
                    name: name.to_string(),
                    other,
                },
                row,
                Some("name"),
            );
        }
        if taken {
            self.error(
                Problem::DuplicateName {
                    name: name.to_string(),
                },
                row,
                Some("name"),
            );
        }
        !taken
    }

    pub(super) fn push(&mut self, node: Node) -> usize {
        let parent = node.parent.unwrap_or(0);
        self.nodes.push(node);
        let i = self.nodes.len() - 1;
        self.nodes[parent].children.push(i);
        i
    }

    fn begin_block(&mut self, kind: NodeKind, record: &Record) {
        // The writer walks the tree recursively; no real form comes near this.
        const MAX_NESTING: usize = 64;
        if self.stack.len() > MAX_NESTING {
            self.error(
                Problem::NestingTooDeep { limit: MAX_NESTING },
                record.row,
                Some("type"),
            );
            return;
        }
        let Some(name) = self.name_of(record, "group") else {
            return;
        };
        if !self.check_unique(&name, record.row) {
            return;
        }
        if kind == NodeKind::Repeat {
            let problem = if name == self.nodes[0].name {
                Some(Problem::RepeatNamedLikeRoot { name: name.clone() })
            } else if self
                .nodes
                .iter()
                .any(|n| n.kind == NodeKind::Repeat && n.name == name)
            {
                Some(Problem::DuplicateRepeatName { name: name.clone() })
            } else {
                None
            };
            if let Some(p) = problem {
                self.error(p, record.row, Some("name"));
                return;
            }
        }
        let parent = *self.stack.last().unwrap_or(&0);
        let mut node = Node::new(&name, record.row, kind.clone(), Some(parent));
        fields::fill(&mut node, self.table, record);
        if node.bind.iter().any(|(k, _)| k == "entities:saveto") {
            self.error(
                Problem::SaveToOnGroup { name: name.clone() },
                record.row,
                Some("save_to"),
            );
            return;
        }
        if kind == NodeKind::Repeat && node.label.is_empty() && node.media.is_empty() {
            self.warn(
                Problem::RepeatWithoutLabel { name: name.clone() },
                record.row,
                None,
            );
        }
        if kind == NodeKind::Repeat
            && let Some(count) = node.control_attr("jr:count").map(str::to_string)
            && !is_single_reference(&count)
        {
            // A computed count gets its own calculate node, as pyxform does.
            let count_name = format!("{name}_count");
            let mut calc = Node::new(&count_name, record.row, NodeKind::Question, Some(parent));
            calc.spec = types::lookup("calculate");
            calc.bind
                .push(("readonly".into(), super::BindValue::Expr("true()".into())));
            calc.bind
                .push(("calculate".into(), super::BindValue::Expr(count.clone())));
            calc.columns.push((
                "calculate".into(),
                record.column_of(self.table, &["control", "jr:count"]),
            ));
            super::fields::merge_type_binds(&mut calc);
            self.push(calc);
            for (k, v) in node.control.iter_mut() {
                if k == "jr:count" {
                    *v = format!("${{{count_name}}}");
                }
            }
        }
        let note = if kind == NodeKind::Group {
            self.apply_table_list(&mut node, record.row)
        } else {
            None
        };
        let index = self.push(node);
        self.stack.push(index);
        if let Some(mut note) = note {
            note.parent = Some(index);
            self.push(note);
        }
    }

    /// `table-list` groups become `field-list` with a header select of their list.
    fn apply_table_list(&mut self, node: &mut Node, row: u32) -> Option<Node> {
        let appearance = node.control_attr("appearance")?.to_string();
        let words: Vec<&str> = appearance.split_whitespace().collect();
        if !words.contains(&"table-list") {
            return None;
        }
        let mut new = "field-list".to_string();
        for w in words.iter().filter(|w| **w != "table-list") {
            new.push(' ');
            new.push_str(w);
        }
        for (k, v) in node.control.iter_mut() {
            if k == "appearance" {
                *v = new.clone();
            }
        }
        self.table_list = Some(None);
        if !node.label.is_empty() || !node.hint.is_empty() {
            let mut note = Node::new(
                &format!("generated_table_list_label_{row}"),
                row,
                NodeKind::Question,
                None,
            );
            note.spec = types::lookup("note");
            super::fields::merge_type_binds(&mut note);
            note.label = std::mem::take(&mut node.label);
            note.hint = std::mem::take(&mut node.hint);
            return Some(note);
        }
        None
    }

    fn end_block(&mut self, kind: NodeKind, type_name: &str, row: u32) {
        let open = *self.stack.last().unwrap_or(&0);
        if self.stack.len() == 1 {
            self.error(
                Problem::UnexpectedEnd {
                    found: type_name.to_string(),
                },
                row,
                Some("type"),
            );
            return;
        }
        if self.nodes[open].kind != kind {
            let expected = match self.nodes[open].kind {
                NodeKind::Repeat => "begin_repeat",
                _ => "begin_group",
            };
            self.error(
                Problem::MismatchedEnd {
                    expected: expected.to_string(),
                    found: type_name.to_string(),
                },
                row,
                Some("type"),
            );
            return;
        }
        self.stack.pop();
        self.table_list = None;
    }

    fn finish_blocks(&mut self) {
        while self.stack.len() > 1 {
            let open = self.stack.pop().unwrap_or(0);
            let node = &self.nodes[open];
            let kind = if node.kind == NodeKind::Repeat {
                "repeat"
            } else {
                "group"
            };
            let (name, row) = (node.name.clone(), node.row);
            self.error(
                Problem::UnclosedBlock {
                    kind: kind.to_string(),
                    name,
                },
                row,
                Some("type"),
            );
        }
    }
}

/// `${name}` alone, which a repeat count may reference directly.
fn is_single_reference(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("${")
        && t.ends_with('}')
        && t[2..t.len() - 1]
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

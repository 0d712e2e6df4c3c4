//! A form's fields, read from its XForm: what the submissions table shows as columns and
//! what the exports lay out.
//!
//! The primary instance gives the tree (every element is a field: groups and repeats have
//! children, the rest hold values); binds give the data types; body controls give the
//! widget (a `<select>` is a select-multiple), the labels and the choices; itext gives the
//! labels in every language. Fields are kept in one vector in document order (depth-first),
//! so "schema order" is simply their index.

use std::collections::HashMap;

use roxmltree::Node;

use crate::xml::{self, XmlError, elements, own_text};

const JR: &str = "http://openrosa.org/javarosa";

/// Index of a field in [`FormSchema::fields`].
pub type FieldId = usize;

/// Why an XForm could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("the form is not readable XML: {0}")]
    Xml(#[from] XmlError),
    #[error("the form has no <{0}> element where an XForm has one")]
    Missing(&'static str),
    #[error("the form's primary <instance> has no root element")]
    EmptyInstance,
}

/// The value type a bind declares (`type="…"`, namespace prefix dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataType {
    String,
    Int,
    Decimal,
    Date,
    Time,
    DateTime,
    Boolean,
    Geopoint,
    Geotrace,
    Geoshape,
    /// A file: image, audio, video or any upload. The value is the file name.
    Binary,
    Barcode,
    /// `odk:rank`: the chosen values in order, space-separated.
    Rank,
    /// A group or a repeat: no value of its own.
    Structure,
    /// A leaf with no bind (Central calls these `unknown` and still exports them).
    Unknown,
    /// A type this crate does not know; kept by name.
    Other(String),
}

impl DataType {
    fn from_bind(raw: &str) -> DataType {
        let name = raw.rsplit(':').next().unwrap_or(raw);
        match name {
            "string" => DataType::String,
            "int" | "integer" | "long" | "short" => DataType::Int,
            "decimal" | "double" | "float" => DataType::Decimal,
            "date" => DataType::Date,
            "time" => DataType::Time,
            "dateTime" => DataType::DateTime,
            "boolean" => DataType::Boolean,
            "geopoint" => DataType::Geopoint,
            "geotrace" => DataType::Geotrace,
            "geoshape" => DataType::Geoshape,
            "binary" => DataType::Binary,
            "barcode" => DataType::Barcode,
            "rank" => DataType::Rank,
            other => DataType::Other(other.to_string()),
        }
    }

    /// Whether a value of this type is a number (XLSX writes such cells as numbers).
    pub fn is_numeric(&self) -> bool {
        matches!(self, DataType::Int | DataType::Decimal)
    }
}

/// The body control a field is shown with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Input,
    /// `select1`: one choice.
    SelectOne,
    /// `select`: any number of choices, stored space-separated.
    SelectMultiple,
    Rank,
    Range,
    Trigger,
    /// `upload`, with its `mediatype` (`image/*`, `audio/*`, …).
    Upload {
        mediatype: String,
    },
    Other(String),
}

/// What a field is in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// The instance root element.
    Root,
    Group,
    /// A repeat; its fields go to their own table.
    Repeat,
    /// A field that holds a value.
    Value,
}

/// A text in every language the form has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// A plain (untranslated) label written in the body.
    pub plain: Option<String>,
    /// `(language as the form names it, text)`, in the order of the form's translations.
    pub translations: Vec<(String, String)>,
}

impl Labels {
    /// The text in `language` (as the form names it), else in the form's default language,
    /// else the plain text, else any translation.
    pub fn get(&self, language: Option<&str>, default: Option<&str>) -> Option<&str> {
        let find = |lang: &str| {
            self.translations
                .iter()
                .find(|(l, _)| l == lang)
                .map(|(_, t)| t.as_str())
        };
        language
            .and_then(find)
            .or_else(|| default.and_then(find))
            .or(self.plain.as_deref())
            .or_else(|| self.translations.first().map(|(_, t)| t.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.plain.is_none() && self.translations.is_empty()
    }
}

/// One choice of a select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: Labels,
}

/// Where a select's choices come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ChoiceSource {
    /// Not a select, or a select with no choices found.
    #[default]
    None,
    /// `<item>`s in the body, or an itemset over an instance inside the form.
    Form,
    /// An itemset over an external instance (`select_one_from_file`, entity lists): the
    /// choices are in a form attachment this crate does not read.
    External { instance: String },
}

/// One element of the form's primary instance.
#[derive(Debug, Clone)]
pub struct Field {
    /// The element's local name (namespace prefix dropped, as Central does).
    pub name: String,
    /// Absolute path, e.g. `/data/visit/region`.
    pub path: String,
    pub kind: FieldKind,
    pub data_type: DataType,
    pub control: Option<Control>,
    pub parent: Option<FieldId>,
    pub children: Vec<FieldId>,
    pub label: Labels,
    pub hint: Labels,
    pub choices: Vec<Choice>,
    pub choice_source: ChoiceSource,
    /// `jr:preload` (`timestamp`, `uid`, `property`, `date`) with its parameter.
    pub preload: Option<(String, Option<String>)>,
    /// Computed by the form (`calculate` bind), not asked.
    pub calculated: bool,
    /// Inside the form's `meta` block (instanceID, instanceName, deprecatedID, …).
    pub is_metadata: bool,
    /// The table this field's value (or, for a repeat, its instances) belongs to.
    pub table: usize,
    /// For a value field: its position among the values of its table's records.
    /// For a repeat: its position among the child tables of its parent table.
    pub slot: usize,
}

impl Field {
    pub fn is_select_multiple(&self) -> bool {
        self.control == Some(Control::SelectMultiple)
    }

    /// The label of a choice value, in a language, falling back like [`Labels::get`].
    pub fn choice_label<'s>(
        &'s self,
        value: &str,
        language: Option<&str>,
        default: Option<&str>,
    ) -> Option<&'s str> {
        self.choices
            .iter()
            .find(|c| c.value == value)
            .and_then(|c| c.label.get(language, default))
    }
}

/// A table of the export: the root, or one repeat.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// The root field, or the repeat field.
    pub field: FieldId,
    /// The enclosing table (None for the root table).
    pub parent: Option<usize>,
    /// Value fields whose values the table's records hold, in schema order (the slot order).
    pub values: Vec<FieldId>,
    /// Repeats directly inside this table (not inside a nested repeat), in schema order.
    pub child_tables: Vec<usize>,
}

/// A form's structure, labels and choices.
#[derive(Debug, Clone)]
pub struct FormSchema {
    /// The root element's `id` attribute (the xmlFormId).
    pub form_id: Option<String>,
    pub version: Option<String>,
    pub title: Option<String>,
    /// Translation names as the form writes them (`English (en)`), in order.
    pub languages: Vec<String>,
    pub default_language: Option<String>,
    /// The form has a public key: submissions arrive encrypted.
    pub encrypted: bool,
    /// Every field, root first, in document order.
    pub fields: Vec<Field>,
    /// Table 0 is the root; then one per repeat, depth-first.
    pub tables: Vec<TableDef>,
    by_path: HashMap<String, FieldId>,
}

impl FormSchema {
    /// Reads an XForm. Fails only when the document is not an XForm at all; what a form
    /// lacks (binds, labels) just leaves fields without types or labels.
    pub fn from_xform(xform: &str) -> Result<FormSchema, SchemaError> {
        let doc = xml::parse(xform)?;
        let html = doc.root_element();
        let head = child_named(html, "head").ok_or(SchemaError::Missing("h:head"))?;
        let model = child_named(head, "model").ok_or(SchemaError::Missing("model"))?;
        let body = child_named(html, "body");
        let primary = elements(model)
            .find(|n| n.has_tag_name("instance") && n.attribute("id").is_none())
            .ok_or(SchemaError::Missing("instance"))?;
        let root = elements(primary).next().ok_or(SchemaError::EmptyInstance)?;

        let mut schema = FormSchema {
            form_id: root.attribute("id").map(str::to_string),
            version: root.attribute("version").map(str::to_string),
            title: child_named(head, "title").map(own_text),
            languages: Vec::new(),
            default_language: None,
            encrypted: elements(model).any(|n| {
                n.has_tag_name("submission") && n.attribute("base64RsaPublicKey").is_some()
            }),
            fields: Vec::new(),
            tables: Vec::new(),
            by_path: HashMap::new(),
        };
        let repeats = repeat_paths(body);
        schema.add_instance_node(
            root,
            None,
            &format!("/{}", root.tag_name().name()),
            &repeats,
        );
        schema.apply_binds(model);
        let itext = Itext::read(model);
        schema.languages = itext.languages.clone();
        schema.default_language = itext.default.clone();
        if let Some(body) = body {
            let instances = Instances::read(model);
            schema.apply_body(body, "", &itext, &instances);
        }
        schema.build_tables();
        Ok(schema)
    }

    pub fn root(&self) -> &Field {
        &self.fields[0]
    }

    pub fn field(&self, id: FieldId) -> &Field {
        &self.fields[id]
    }

    pub fn by_path(&self, path: &str) -> Option<FieldId> {
        self.by_path.get(path).copied()
    }

    /// The form's translation that serves a user's language code (`uk`, `en`): the one
    /// written `Name (code)`, else one named like the language. None when the form has no
    /// translations or none fits; labels then fall back to the default.
    pub fn language_for(&self, code: &str) -> Option<&str> {
        let code = code.to_ascii_lowercase();
        let names: &[&str] = match code.as_str() {
            "uk" => &["ukrainian", "українська", "укр"],
            "en" => &["english"],
            "ru" => &["russian", "русский"],
            _ => &[],
        };
        self.languages
            .iter()
            .find(|l| {
                let lower = l.to_lowercase();
                lower.ends_with(&format!("({code})")) || lower == code
            })
            .or_else(|| {
                self.languages.iter().find(|l| {
                    let lower = l.to_lowercase();
                    names.iter().any(|n| lower.starts_with(n))
                })
            })
            .map(String::as_str)
    }

    /// The label of a field in a language (see [`Labels::get`]), else its name.
    pub fn label<'s>(&'s self, id: FieldId, language: Option<&str>) -> &'s str {
        let field = &self.fields[id];
        field
            .label
            .get(language, self.default_language.as_deref())
            .unwrap_or(&field.name)
    }

    /// The labels of the groups and repeats around a field, outermost first, then the
    /// field's own: a submissions table's column heading (`Visit › Oblast`). Groups without
    /// a label are left out; the root never appears.
    pub fn label_path<'s>(&'s self, id: FieldId, language: Option<&str>) -> Vec<&'s str> {
        let default = self.default_language.as_deref();
        let mut labels = vec![self.label(id, language)];
        let mut at = self.fields[id].parent;
        while let Some(parent) = at {
            let field = &self.fields[parent];
            if field.kind == FieldKind::Root {
                break;
            }
            if let Some(label) = field.label.get(language, default) {
                labels.push(label);
            }
            at = field.parent;
        }
        labels.reverse();
        labels
    }

    /// The path of `meta/instanceID` (or the legacy root-level `instanceID`).
    pub fn instance_id_field(&self) -> Option<FieldId> {
        self.metadata_field("instanceID")
    }

    /// A field of the form's `meta` block by name (`instanceID`, `deprecatedID`,
    /// `instanceName`, …).
    pub fn metadata_field(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.is_metadata && f.name == name)
    }

    /// Fields in document order, each with its depth below the root.
    pub fn walk(&self) -> impl Iterator<Item = (FieldId, usize)> + '_ {
        let mut stack = vec![(0usize, 0usize)];
        std::iter::from_fn(move || {
            let (id, depth) = stack.pop()?;
            for &child in self.fields[id].children.iter().rev() {
                stack.push((child, depth + 1));
            }
            Some((id, depth))
        })
    }

    fn add_instance_node(
        &mut self,
        node: Node<'_, '_>,
        parent: Option<FieldId>,
        path: &str,
        repeats: &[String],
    ) {
        let id = self.fields.len();
        let element_children: Vec<Node> = elements(node).collect();
        let in_meta = parent.is_some_and(|p| {
            self.fields[p].is_metadata || {
                let f = &self.fields[p];
                f.name == "meta" && f.parent == Some(0)
            }
        });
        let kind = if parent.is_none() {
            FieldKind::Root
        } else if repeats.iter().any(|r| r == path) || node.has_attribute((JR, "template")) {
            FieldKind::Repeat
        } else if element_children.is_empty() {
            FieldKind::Value
        } else {
            FieldKind::Group
        };
        self.fields.push(Field {
            name: node.tag_name().name().to_string(),
            path: path.to_string(),
            kind,
            data_type: if kind == FieldKind::Value {
                DataType::Unknown
            } else {
                DataType::Structure
            },
            control: None,
            parent,
            children: Vec::new(),
            label: Labels::default(),
            hint: Labels::default(),
            choices: Vec::new(),
            choice_source: ChoiceSource::None,
            preload: None,
            calculated: false,
            is_metadata: in_meta,
            table: 0,
            slot: 0,
        });
        self.by_path.insert(path.to_string(), id);
        if let Some(p) = parent {
            self.fields[p].children.push(id);
        }
        // A repeat appears as a template plus instance copies; the first element of a name
        // defines the field, later siblings of the same name are the copies.
        for child in element_children {
            let child_path = format!("{path}/{}", child.tag_name().name());
            if self.by_path.contains_key(&child_path) {
                continue;
            }
            self.add_instance_node(child, Some(id), &child_path, repeats);
        }
    }

    fn apply_binds(&mut self, model: Node<'_, '_>) {
        for bind in elements(model).filter(|n| n.has_tag_name("bind")) {
            let Some(id) = bind
                .attribute("nodeset")
                .and_then(|p| self.by_path(p.trim()))
            else {
                continue;
            };
            let field = &mut self.fields[id];
            if field.kind == FieldKind::Value {
                field.data_type = bind
                    .attribute("type")
                    .map_or(DataType::String, DataType::from_bind);
            }
            field.calculated = bind.attribute("calculate").is_some();
            if let Some(preload) = bind.attribute((JR, "preload")) {
                field.preload = Some((
                    preload.to_string(),
                    bind.attribute((JR, "preloadParams")).map(str::to_string),
                ));
            }
        }
    }

    fn apply_body(&mut self, node: Node<'_, '_>, context: &str, itext: &Itext, inst: &Instances) {
        for control in elements(node) {
            let tag = control.tag_name().name();
            let reference = control
                .attribute("ref")
                .or_else(|| control.attribute("nodeset"))
                .map(|r| resolve(context, r.trim()));
            let id = reference.as_deref().and_then(|r| self.by_path(r));
            if let Some(id) = id {
                let field = &mut self.fields[id];
                if field.label.is_empty() {
                    field.label = read_text(control, "label", itext);
                }
                if field.hint.is_empty() {
                    field.hint = read_text(control, "hint", itext);
                }
                if field.kind == FieldKind::Value {
                    let kind = match tag {
                        "input" => Some(Control::Input),
                        "select1" => Some(Control::SelectOne),
                        "select" => Some(Control::SelectMultiple),
                        "rank" => Some(Control::Rank),
                        "range" => Some(Control::Range),
                        "trigger" => Some(Control::Trigger),
                        "upload" => Some(Control::Upload {
                            mediatype: control.attribute("mediatype").unwrap_or("").to_string(),
                        }),
                        "label" | "hint" | "help" | "setvalue" | "action" | "output" => None,
                        other => Some(Control::Other(other.to_string())),
                    };
                    if kind.is_some() {
                        field.control = kind;
                    }
                    if matches!(tag, "select1" | "select" | "rank") {
                        let (choices, source) = read_choices(control, itext, inst);
                        field.choices = choices;
                        field.choice_source = source;
                    }
                }
            }
            if matches!(tag, "group" | "repeat") {
                let inner = reference.unwrap_or_else(|| context.to_string());
                self.apply_body(control, &inner, itext, inst);
            }
        }
    }

    fn build_tables(&mut self) {
        self.tables.push(TableDef {
            field: 0,
            parent: None,
            values: Vec::new(),
            child_tables: Vec::new(),
        });
        let order: Vec<FieldId> = self.walk().map(|(id, _)| id).collect();
        for id in order.into_iter().skip(1) {
            let parent = self.fields[id].parent.expect("only the root has no parent");
            let parent_table = match self.fields[parent].kind {
                FieldKind::Repeat => self
                    .tables
                    .iter()
                    .position(|t| t.field == parent)
                    .expect("a repeat's table exists before its children"),
                _ => self.fields[parent].table,
            };
            match self.fields[id].kind {
                FieldKind::Repeat => {
                    let table = self.tables.len();
                    let slot = self.tables[parent_table].child_tables.len();
                    self.tables[parent_table].child_tables.push(table);
                    self.tables.push(TableDef {
                        field: id,
                        parent: Some(parent_table),
                        values: Vec::new(),
                        child_tables: Vec::new(),
                    });
                    let field = &mut self.fields[id];
                    field.table = parent_table;
                    field.slot = slot;
                }
                FieldKind::Value => {
                    let slot = self.tables[parent_table].values.len();
                    self.tables[parent_table].values.push(id);
                    let field = &mut self.fields[id];
                    field.table = parent_table;
                    field.slot = slot;
                }
                FieldKind::Group | FieldKind::Root => self.fields[id].table = parent_table,
            }
        }
    }

    /// This schema together with the fields only older versions of the form have: the
    /// columns of an export with ODK Central's `deletedFields=true`. `older` comes newest
    /// first, so where a path is in several versions the newest definition (its type,
    /// labels, choices) wins, this schema's above all. A field found only in older versions
    /// is placed after the last field under the same parent, so a removed top-level question
    /// comes after the current ones. A field whose parent is a plain value here (a question
    /// that became a group's name, or the reverse) is left out: one path cannot be both.
    pub fn with_fields_of<'a>(
        &self,
        older: impl IntoIterator<Item = &'a FormSchema>,
    ) -> FormSchema {
        let mut merged = self.clone();
        for version in older {
            // Document order: a removed group comes before its own fields.
            for (id, _) in version.walk().skip(1) {
                let field = &version.fields[id];
                if merged.by_path.contains_key(&field.path) {
                    continue;
                }
                let Some(parent) = field
                    .parent
                    .and_then(|p| merged.by_path(&version.fields[p].path))
                    .filter(|p| merged.fields[*p].kind != FieldKind::Value)
                else {
                    continue;
                };
                let new_id = merged.fields.len();
                merged.fields.push(Field {
                    parent: Some(parent),
                    children: Vec::new(),
                    table: 0,
                    slot: 0,
                    ..field.clone()
                });
                merged.fields[parent].children.push(new_id);
                merged.by_path.insert(field.path.clone(), new_id);
            }
        }
        merged.renumber_in_document_order();
        merged.tables.clear();
        merged.build_tables();
        merged
    }

    /// Puts [`FormSchema::fields`] back in document order after fields were added.
    fn renumber_in_document_order(&mut self) {
        let order: Vec<FieldId> = self.walk().map(|(id, _)| id).collect();
        let mut new_id = vec![0; self.fields.len()];
        for (new, old) in order.iter().enumerate() {
            new_id[*old] = new;
        }
        let mut fields: Vec<Field> = order.iter().map(|old| self.fields[*old].clone()).collect();
        for field in &mut fields {
            field.parent = field.parent.map(|p| new_id[p]);
            for child in &mut field.children {
                *child = new_id[*child];
            }
        }
        self.by_path = fields
            .iter()
            .enumerate()
            .map(|(id, f)| (f.path.clone(), id))
            .collect();
        self.fields = fields;
    }

    /// The table a repeat field's instances form.
    pub fn repeat_table(&self, repeat: FieldId) -> Option<usize> {
        self.tables.iter().position(|t| t.field == repeat)
    }
}

fn child_named<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    elements(node).find(|n| n.tag_name().name() == name)
}

/// Paths of every `<repeat nodeset>` in the body (relative ones resolved against their
/// enclosing groups), so that a repeat is known even when its instance has no template.
fn repeat_paths(body: Option<Node<'_, '_>>) -> Vec<String> {
    fn collect(node: Node<'_, '_>, context: &str, out: &mut Vec<String>) {
        for child in elements(node) {
            let tag = child.tag_name().name();
            if !matches!(tag, "group" | "repeat") {
                continue;
            }
            let reference = child
                .attribute("nodeset")
                .or_else(|| child.attribute("ref"))
                .map(|r| resolve(context, r.trim()));
            if tag == "repeat"
                && let Some(r) = &reference
            {
                out.push(r.clone());
            }
            collect(child, reference.as_deref().unwrap_or(context), out);
        }
    }
    let mut out = Vec::new();
    if let Some(body) = body {
        collect(body, "", &mut out);
    }
    out
}

fn resolve(context: &str, reference: &str) -> String {
    if reference.starts_with('/') || context.is_empty() {
        reference.to_string()
    } else {
        format!("{context}/{}", reference.trim_start_matches("./"))
    }
}

/// The form's translations: text id → (language → text).
struct Itext {
    languages: Vec<String>,
    default: Option<String>,
    texts: HashMap<String, Vec<(String, String)>>,
}

impl Itext {
    fn read(model: Node<'_, '_>) -> Itext {
        let mut itext = Itext {
            languages: Vec::new(),
            default: None,
            texts: HashMap::new(),
        };
        let Some(block) = child_named(model, "itext") else {
            return itext;
        };
        for translation in elements(block).filter(|n| n.has_tag_name("translation")) {
            let lang = translation.attribute("lang").unwrap_or("").to_string();
            if translation
                .attribute("default")
                .is_some_and(|d| d.contains("true"))
            {
                itext.default = Some(lang.clone());
            }
            for text in elements(translation).filter(|n| n.has_tag_name("text")) {
                let Some(id) = text.attribute("id") else {
                    continue;
                };
                // The plain value (no `form`, or `form="long"`) is the label; image, audio
                // and video forms name media files.
                let value = elements(text)
                    .filter(|v| v.has_tag_name("value"))
                    .find(|v| matches!(v.attribute("form"), None | Some("long")));
                if let Some(value) = value {
                    itext
                        .texts
                        .entry(id.to_string())
                        .or_default()
                        .push((lang.clone(), rendered_text(value)));
                }
            }
            itext.languages.push(lang);
        }
        if itext.default.is_none() {
            itext.default = itext.languages.first().cloned();
        }
        itext
    }

    fn labels(&self, id: &str) -> Labels {
        Labels {
            plain: None,
            translations: self.texts.get(id).cloned().unwrap_or_default(),
        }
    }
}

/// A label's text with each `<output value="…"/>` shown as `${name}`, the way the form
/// author wrote it in the XLSForm.
fn rendered_text(node: Node<'_, '_>) -> String {
    let mut text = String::new();
    for child in node.children() {
        if child.is_text() {
            text.push_str(child.text().unwrap_or_default());
        } else if child.has_tag_name("output") {
            let value = child.attribute("value").unwrap_or("").trim();
            let name = value.rsplit('/').next().unwrap_or(value).trim();
            text.push_str(&format!("${{{name}}}"));
        }
    }
    text
}

/// `jr:itext('id')` → `id`.
fn itext_id(reference: &str) -> Option<&str> {
    let inner = reference
        .trim()
        .strip_prefix("jr:itext(")?
        .strip_suffix(')')?;
    Some(inner.trim().trim_matches(|c| c == '\'' || c == '"'))
}

/// A `<label>` or `<hint>` of a control: an itext reference, or plain text.
fn read_text(control: Node<'_, '_>, tag: &str, itext: &Itext) -> Labels {
    let Some(node) = elements(control).find(|n| n.has_tag_name(tag)) else {
        return Labels::default();
    };
    if let Some(id) = node.attribute("ref").and_then(itext_id) {
        return itext.labels(id);
    }
    let text = rendered_text(node);
    Labels {
        plain: (!text.trim().is_empty()).then_some(text),
        translations: Vec::new(),
    }
}

/// Secondary instances inside the form: id → the instance's root element's items.
struct Instances<'a, 'i> {
    by_id: HashMap<&'a str, Node<'a, 'i>>,
}

impl<'a, 'i> Instances<'a, 'i> {
    fn read(model: Node<'a, 'i>) -> Instances<'a, 'i> {
        let by_id = elements(model)
            .filter(|n| n.has_tag_name("instance"))
            .filter_map(|n| Some((n.attribute("id")?, n)))
            .collect();
        Instances { by_id }
    }
}

fn read_choices(
    control: Node<'_, '_>,
    itext: &Itext,
    inst: &Instances,
) -> (Vec<Choice>, ChoiceSource) {
    let mut choices = Vec::new();
    for item in elements(control).filter(|n| n.has_tag_name("item")) {
        let value = elements(item)
            .find(|n| n.has_tag_name("value"))
            .map(own_text)
            .unwrap_or_default();
        choices.push(Choice {
            value: value.trim().to_string(),
            label: read_text(item, "label", itext),
        });
    }
    let Some(itemset) = elements(control).find(|n| n.has_tag_name("itemset")) else {
        let source = if choices.is_empty() {
            ChoiceSource::None
        } else {
            ChoiceSource::Form
        };
        return (choices, source);
    };
    let nodeset = itemset.attribute("nodeset").unwrap_or("");
    let Some(id) = nodeset
        .trim()
        .strip_prefix("instance(")
        .and_then(|rest| rest.split(')').next())
        .map(|q| q.trim().trim_matches(|c| c == '\'' || c == '"'))
    else {
        return (choices, ChoiceSource::None);
    };
    let Some(instance) = inst.by_id.get(id) else {
        return (choices, ChoiceSource::None);
    };
    if instance.attribute("src").is_some() {
        return (
            choices,
            ChoiceSource::External {
                instance: id.to_string(),
            },
        );
    }
    let value_ref = elements(itemset)
        .find(|n| n.has_tag_name("value"))
        .and_then(|n| n.attribute("ref"))
        .unwrap_or("name");
    let label_ref = elements(itemset)
        .find(|n| n.has_tag_name("label"))
        .and_then(|n| n.attribute("ref"))
        .unwrap_or("label");
    let items = elements(*instance)
        .next()
        .into_iter()
        .flat_map(elements)
        .filter(|n| n.has_tag_name("item"));
    for item in items {
        let child_text = |name: &str| {
            elements(item)
                .find(|n| n.tag_name().name() == name.trim())
                .map(own_text)
        };
        let Some(value) = child_text(value_ref) else {
            continue;
        };
        let value = value.trim().to_string();
        // A choice filter selects among items that may repeat a value (one per area,
        // say); the export and the table need each value once.
        if choices.iter().any(|c: &Choice| c.value == value) {
            continue;
        }
        let label = match itext_id(label_ref) {
            Some(id_ref) => child_text(id_ref)
                .map(|id| itext.labels(id.trim()))
                .unwrap_or_default(),
            None => Labels {
                plain: child_text(label_ref),
                translations: Vec::new(),
            },
        };
        choices.push(Choice { value, label });
    }
    (choices, ChoiceSource::Form)
}

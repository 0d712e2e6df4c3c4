//! A submission instance read against its form's schema: values by field, repeat instances
//! as nested records, and what the form does not know flagged rather than refused.
//!
//! Devices send what the form version they had produced, so a submission may lack fields
//! (an older version, a non-relevant group) or carry extra ones (a newer version, a hand
//! edit). Missing fields are simply absent; extra elements are listed in
//! [`Submission::unknown`] with their paths so a page can show them and nothing is silently
//! dropped from view. Only a document that is not XML, declares a DTD, or whose root is not
//! the form's root is refused.

use roxmltree::Node;

use crate::schema::{FieldId, FieldKind, FormSchema};
use crate::xml::{self, XmlError, elements, own_text};

const JR: &str = "http://openrosa.org/javarosa";

/// Why a submission could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("the submission is not readable XML: {0}")]
    Xml(#[from] XmlError),
    #[error("the submission's root element is <{found}>, the form's is <{expected}>")]
    RootMismatch { expected: String, found: String },
}

/// The values of one table row: the submission's root, or one repeat instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The table (see [`FormSchema::tables`]).
    pub table: usize,
    /// One per value field of the table, by [`crate::schema::Field::slot`]: `None` when the
    /// element was absent, `Some("")` when present and empty.
    pub values: Vec<Option<String>>,
    /// One list per child table ([`crate::schema::TableDef::child_tables`]), the repeat's
    /// instances in document order.
    pub repeats: Vec<Vec<Record>>,
}

impl Record {
    fn new(schema: &FormSchema, table: usize) -> Record {
        let def = &schema.tables[table];
        Record {
            table,
            values: vec![None; def.values.len()],
            repeats: vec![Vec::new(); def.child_tables.len()],
        }
    }

    /// The value of a field of this record's table.
    pub fn value(&self, schema: &FormSchema, field: FieldId) -> Option<&str> {
        let f = schema.field(field);
        if f.kind != FieldKind::Value || f.table != self.table {
            return None;
        }
        self.values.get(f.slot)?.as_deref()
    }

    /// The instances of a repeat directly inside this record's table.
    pub fn instances(&self, schema: &FormSchema, repeat: FieldId) -> &[Record] {
        let f = schema.field(repeat);
        if f.kind != FieldKind::Repeat || f.table != self.table {
            return &[];
        }
        self.repeats.get(f.slot).map_or(&[], Vec::as_slice)
    }
}

/// Something in a submission the form does not describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Path of the element with 1-based repeat indexes, e.g. `/data/visit[2]/extra`.
    pub path: String,
    pub reason: UnknownReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownReason {
    /// An element with a name the form does not have there.
    NotInForm,
    /// A second element for a field that holds one value; the first is kept.
    Repeated,
    /// Elements inside a field the form says holds a value; its text is kept.
    Nested,
}

/// A parsed submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The root element's `id` attribute (the xmlFormId the device had).
    pub form_id: Option<String>,
    /// The root element's `version` attribute.
    pub form_version: Option<String>,
    pub root: Record,
    pub unknown: Vec<Unknown>,
    /// The OpenRosa metadata as the XML carries it, whether or not the form declares it:
    /// Collect adds `meta/deprecatedID` to an edited submission although no blank form
    /// has it.
    pub meta: Meta,
}

/// `meta/instanceID`, `meta/deprecatedID` and `meta/instanceName`, read from the XML
/// (namespace prefix ignored; the legacy root attribute `instanceID` too), trimmed, empty
/// ones as `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub instance_id: Option<String>,
    pub deprecated_id: Option<String>,
    pub instance_name: Option<String>,
}

/// Metadata elements Collect writes that a blank form need not declare; not flagged.
const IMPLICIT_META: &[&str] = &["deprecatedID"];

fn read_meta(root: Node<'_, '_>) -> Meta {
    let mut meta = Meta::default();
    let nonempty = |s: String| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    if let Some(block) = elements(root).find(|n| n.tag_name().name() == "meta") {
        for child in elements(block) {
            let value = nonempty(own_text(child));
            match child.tag_name().name() {
                "instanceID" => meta.instance_id = meta.instance_id.take().or(value),
                "deprecatedID" => meta.deprecated_id = meta.deprecated_id.take().or(value),
                "instanceName" => meta.instance_name = meta.instance_name.take().or(value),
                _ => {}
            }
        }
    }
    if meta.instance_id.is_none() {
        meta.instance_id = root
            .attribute("instanceID")
            .and_then(|v| nonempty(v.to_string()));
    }
    meta
}

impl Submission {
    /// Reads a submission's XML against the form's schema.
    pub fn parse(schema: &FormSchema, xml_text: &str) -> Result<Submission, SubmissionError> {
        let doc = xml::parse(xml_text)?;
        let root = doc.root_element();
        let expected = &schema.root().name;
        if root.tag_name().name() != expected {
            return Err(SubmissionError::RootMismatch {
                expected: expected.clone(),
                found: root.tag_name().name().to_string(),
            });
        }
        let mut submission = Submission {
            form_id: root.attribute("id").map(str::to_string),
            form_version: root.attribute("version").map(str::to_string),
            root: Record::new(schema, 0),
            unknown: Vec::new(),
            meta: read_meta(root),
        };
        let mut path = schema.root().path.clone();
        let mut reader = Reader {
            schema,
            unknown: &mut submission.unknown,
        };
        reader.fill(root, 0, &mut submission.root, &mut path);
        Ok(submission)
    }

    /// The value of a field outside any repeat.
    pub fn value(&self, schema: &FormSchema, field: FieldId) -> Option<&str> {
        self.root.value(schema, field)
    }

    /// The value at a path outside any repeat, e.g. `/data/meta/instanceID`.
    pub fn value_at(&self, schema: &FormSchema, path: &str) -> Option<&str> {
        self.value(schema, schema.by_path(path)?)
    }

    /// `meta/instanceID` (see [`Meta`]).
    pub fn instance_id(&self) -> Option<&str> {
        self.meta.instance_id.as_deref()
    }

    /// `meta/deprecatedID`: the instanceID this submission edits.
    pub fn deprecated_id(&self) -> Option<&str> {
        self.meta.deprecated_id.as_deref()
    }

    /// `meta/instanceName`.
    pub fn instance_name(&self) -> Option<&str> {
        self.meta.instance_name.as_deref()
    }

    /// Every value with its path (repeat instances indexed from 1, e.g.
    /// `/data/visits[2]/date`), in document order: what a submission's page lists.
    pub fn values<'s>(&'s self, schema: &'s FormSchema) -> Vec<(String, FieldId, &'s str)> {
        let mut out = Vec::new();
        collect_values(schema, &self.root, 0, &schema.root().path, &mut out);
        out
    }

    /// File names of the form's binary fields (photos, audio, …) this submission names:
    /// the attachments it expects.
    pub fn attachment_names<'s>(&'s self, schema: &'s FormSchema) -> Vec<&'s str> {
        self.values(schema)
            .into_iter()
            .filter(|(_, id, v)| {
                schema.field(*id).data_type == crate::schema::DataType::Binary
                    && !v.trim().is_empty()
            })
            .map(|(_, _, v)| v.trim())
            .collect()
    }
}

fn collect_values<'s>(
    schema: &'s FormSchema,
    record: &'s Record,
    under: FieldId,
    path: &str,
    out: &mut Vec<(String, FieldId, &'s str)>,
) {
    for &child in &schema.field(under).children {
        let field = schema.field(child);
        let child_path = format!("{path}/{}", field.name);
        match field.kind {
            FieldKind::Value => {
                if let Some(v) = record.value(schema, child) {
                    out.push((child_path, child, v));
                }
            }
            FieldKind::Group | FieldKind::Root => {
                collect_values(schema, record, child, &child_path, out)
            }
            FieldKind::Repeat => {
                for (i, instance) in record.instances(schema, child).iter().enumerate() {
                    let indexed = format!("{child_path}[{}]", i + 1);
                    collect_values(schema, instance, child, &indexed, out);
                }
            }
        }
    }
}

struct Reader<'s, 'u> {
    schema: &'s FormSchema,
    unknown: &'u mut Vec<Unknown>,
}

impl Reader<'_, '_> {
    /// Fills `record` from the children of `element`, which stands for the group, repeat
    /// or root field `field`.
    fn fill(
        &mut self,
        element: Node<'_, '_>,
        field: FieldId,
        record: &mut Record,
        path: &mut String,
    ) {
        let children = &self.schema.field(field).children;
        // Elements come in schema order, so the next match is almost always the next
        // child; start looking there and wrap around.
        let mut cursor = 0;
        for child in elements(element) {
            let name = child.tag_name().name();
            let position = (0..children.len())
                .map(|i| (cursor + i) % children.len())
                .find(|&i| self.schema.field(children[i]).name == name);
            let mark = path.len();
            path.push('/');
            path.push_str(name);
            match position {
                None if !(self.in_meta(field) && IMPLICIT_META.contains(&name)) => {
                    self.flag(path, UnknownReason::NotInForm)
                }
                None => {}
                Some(i) => {
                    cursor = i;
                    let id = children[i];
                    self.read_child(child, id, record, path);
                }
            }
            path.truncate(mark);
        }
    }

    fn read_child(
        &mut self,
        child: Node<'_, '_>,
        id: FieldId,
        record: &mut Record,
        path: &mut String,
    ) {
        let field = self.schema.field(id);
        match field.kind {
            FieldKind::Value => {
                let slot = field.slot;
                if elements(child).next().is_some() {
                    self.flag(path, UnknownReason::Nested);
                }
                if record.values[slot].is_some() {
                    self.flag(path, UnknownReason::Repeated);
                } else {
                    record.values[slot] = Some(own_text(child));
                }
            }
            FieldKind::Group | FieldKind::Root => self.fill(child, id, record, path),
            FieldKind::Repeat => {
                // A blank form's template never belongs to the data.
                if child.has_attribute((JR, "template")) {
                    return;
                }
                let table = self
                    .schema
                    .repeat_table(id)
                    .expect("every repeat has a table");
                let mut instance = Record::new(self.schema, table);
                let list = &record.repeats[field.slot];
                path.push_str(&format!("[{}]", list.len() + 1));
                self.fill(child, id, &mut instance, path);
                record.repeats[field.slot].push(instance);
            }
        }
    }

    fn in_meta(&self, field: FieldId) -> bool {
        let f = self.schema.field(field);
        f.name == "meta" && f.parent == Some(0)
    }

    fn flag(&mut self, path: &str, reason: UnknownReason) {
        self.unknown.push(Unknown {
            path: path.to_string(),
            reason,
        });
    }
}

//! The survey model: the form as a tree of groups, repeats and questions, its choice
//! lists and settings, built from the workbook and checked.

mod build;
mod choices;
mod entities;
mod fields;
mod params;
mod question;
pub mod settings;
mod text;
mod translations;
pub mod types;

pub use build::build;
pub use choices::ChoiceList;
pub use entities::Entity;
pub use settings::Settings;
pub use text::Text;
pub use types::{Control, TypeSpec};

/// What kind of node of the instance tree an element is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Root,
    Group,
    Repeat,
    Question,
    /// The `meta` block pyxform appends (instanceID, instanceName, audit, entity).
    Meta,
}

/// How a select gets its choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectSource {
    /// A list on the choices sheet.
    List(String),
    /// `select_*_from_file NAME.csv|xml|geojson`.
    File { file: String, instance: String },
    /// `select_one_external LIST`: a list on the external_choices sheet.
    External(String),
    /// `select_one ${repeat_question}`: choices from a repeat in the form.
    Reference(String),
    /// `osm LIST`: tags from the osm sheet.
    Osm(String),
    /// A geo question's `reference-geometry=${repeat}`: the repeat's geometries.
    RepeatGeometry(String),
}

/// A value of a bind attribute: an expression or a translatable message.
#[derive(Debug, Clone, PartialEq)]
pub enum BindValue {
    Expr(String),
    Message(Text),
}

/// One element of the form: root, group, repeat or question.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    /// The survey sheet row it comes from (0 for generated nodes).
    pub row: u32,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub kind: NodeKind,
    /// The question type, for questions.
    pub spec: Option<TypeSpec>,
    pub select: Option<SelectSource>,
    pub label: Text,
    pub hint: Text,
    pub guidance_hint: Text,
    /// `image`, `big-image`, `audio`, `video` with their file names.
    pub media: Vec<(String, Text)>,
    pub bind: Vec<(String, BindValue)>,
    /// Control attributes: appearance, jr:count, body:: columns, generated ones.
    pub control: Vec<(String, String)>,
    pub instance_attrs: Vec<(String, String)>,
    pub parameters: Vec<(String, String)>,
    pub default: Option<String>,
    /// Names of the questions whose change recomputes this one.
    pub trigger: Vec<String>,
    pub choice_filter: Option<String>,
    /// The column each expression came from, for messages.
    pub columns: Vec<(String, String)>,
}

impl Node {
    pub fn new(name: &str, row: u32, kind: NodeKind, parent: Option<usize>) -> Node {
        Node {
            name: name.to_string(),
            row,
            parent,
            children: Vec::new(),
            kind,
            spec: None,
            select: None,
            label: Text::default(),
            hint: Text::default(),
            guidance_hint: Text::default(),
            media: Vec::new(),
            bind: Vec::new(),
            control: Vec::new(),
            instance_attrs: Vec::new(),
            parameters: Vec::new(),
            default: None,
            trigger: Vec::new(),
            choice_filter: None,
            columns: Vec::new(),
        }
    }

    pub fn type_name(&self) -> &str {
        self.spec.as_ref().map(|s| s.name).unwrap_or("")
    }

    pub fn bind_expr(&self, key: &str) -> Option<&str> {
        self.bind.iter().find_map(|(k, v)| match v {
            BindValue::Expr(e) if k == key => Some(e.as_str()),
            _ => None,
        })
    }

    pub fn control_attr(&self, key: &str) -> Option<&str> {
        self.control
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The column header an attribute came from, for messages.
    pub fn column(&self, attr: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(k, _)| k == attr)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_container(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Root | NodeKind::Group | NodeKind::Repeat | NodeKind::Meta
        )
    }
}

/// The whole form, ready to be written as an XForm.
#[derive(Debug, Clone)]
pub struct Form {
    /// Node 0 is the root (`/data`).
    pub nodes: Vec<Node>,
    pub choices: Vec<ChoiceList>,
    pub external_choices: Vec<ChoiceList>,
    /// Tag lists of the `osm` sheet.
    pub osm: Vec<ChoiceList>,
    pub settings: Settings,
    pub entity: Option<Entity>,
    /// The external_choices sheet as `itemsets.csv`, when there is one.
    pub itemsets_csv: Option<String>,
    /// Each node's absolute path, filled by `index_paths` once the tree is final.
    pub paths: Vec<String>,
}

impl Form {
    /// The absolute path of a node, such as `/data/group/question`.
    pub fn path(&self, index: usize) -> String {
        match self.paths.get(index) {
            Some(p) if self.paths.len() == self.nodes.len() => p.clone(),
            _ => self.compute_path(index),
        }
    }

    /// Computes every node's path once, so that writing does not rebuild them.
    pub fn index_paths(&mut self) {
        self.paths = (0..self.nodes.len())
            .map(|i| self.compute_path(i))
            .collect();
    }

    fn compute_path(&self, index: usize) -> String {
        let mut names = Vec::new();
        let mut current = Some(index);
        while let Some(i) = current {
            names.push(self.nodes[i].name.as_str());
            current = self.nodes[i].parent;
        }
        names.reverse();
        let mut out = String::new();
        for n in names {
            out.push('/');
            out.push_str(n);
        }
        out
    }

    /// The ancestors of a node, nearest first, the root included.
    pub fn ancestors(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut current = self.nodes[index].parent;
        while let Some(i) = current {
            out.push(i);
            current = self.nodes[i].parent;
        }
        out
    }

    /// All nodes in document order, the root excluded.
    pub fn descendants(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.nodes[index].children.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.nodes[i].children.iter().rev().copied());
        }
        out
    }

    pub fn choice_list(&self, name: &str) -> Option<&ChoiceList> {
        self.choices.iter().find(|c| c.name == name)
    }
}

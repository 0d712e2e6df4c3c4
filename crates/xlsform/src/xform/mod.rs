//! Writing the form model as an ODK XForm with the structure pyxform 4.x gives:
//! head (title, model with itext, instances and binds) and body (controls).

mod binds;
mod body;
mod instance;
mod itext;
pub mod writer;

use std::collections::{HashMap, HashSet};

use writer::{Child, El};

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::model::{Form, Node, Text};
use crate::xpath::{self, refs::Resolver};

/// The written XForm and what the caller needs to know about it.
pub struct Written {
    pub xml: String,
    pub attachments: Vec<String>,
    pub itemsets_csv: Option<String>,
}

/// Shared state while writing: the form, name resolution and collected problems.
pub(crate) struct Ctx<'a> {
    pub form: &'a Form,
    pub resolver: Resolver<'a>,
    pub default_language: String,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub attachments: Vec<String>,
    /// Expressions already checked, so a problem is reported once.
    checked: HashSet<(usize, String)>,
    /// For each question name, the nodes whose `trigger` names it.
    pub triggered_by: HashMap<String, Vec<usize>>,
}

impl<'a> Ctx<'a> {
    pub fn location(&self, node: usize, attr: &str) -> Option<Location> {
        let n = &self.form.nodes[node];
        if n.row == 0 {
            // The generated entity node stands for the entities sheet's row.
            if n.name == "instanceName" {
                return Some(Location::cell("settings", 2, "instance_name"));
            }
            return match &self.form.entity {
                Some(e) if n.name == "entity" => {
                    let column = if attr == "entity_id" || attr.ends_with("_if") || attr == "label"
                    {
                        attr
                    } else {
                        "label"
                    };
                    Some(Location::cell("entities", e.row, column))
                }
                _ => None,
            };
        }
        let column = n.column(attr).unwrap_or(attr);
        Some(Location::cell("survey", n.row, column))
    }

    /// Checks an expression of `node`'s column `attr` and rewrites its references.
    pub fn expr(&mut self, node: usize, attr: &str, text: &str, use_current: bool) -> String {
        self.check(node, attr, text);
        match self.resolver.expand(text, Some(node), use_current) {
            Ok(s) => s,
            Err(p) => {
                self.fail(node, attr, p);
                text.to_string()
            }
        }
    }

    /// Like `expr`, for an attribute or child of the entity node (`@id`, `label`),
    /// one step below it.
    pub fn expr_below(&mut self, node: usize, attr: &str, text: &str) -> String {
        self.check(node, attr, text);
        match self.resolver.expand_below(text, node) {
            Ok(s) => s,
            Err(p) => {
                self.fail(node, attr, p);
                text.to_string()
            }
        }
    }

    /// A value that is not an expression (control or instance attribute): its
    /// references are rewritten, the rest is kept as written.
    pub fn expr_plain(&mut self, node: usize, attr: &str, value: &str) -> String {
        match self.resolver.expand(value, Some(node), false) {
            Ok(v) => v,
            Err(p) => {
                self.fail(node, attr, p);
                value.to_string()
            }
        }
    }

    /// Parses and checks an expression once per node and column.
    pub fn check(&mut self, node: usize, attr: &str, text: &str) {
        if !self.checked.insert((node, format!("{attr}\u{0}{text}"))) {
            return;
        }
        match xpath::check(text) {
            Ok(found) => {
                for w in found.warnings {
                    let loc = self.location(node, attr);
                    self.warnings.push(Diagnostic::warning(w, loc));
                }
                for name in found.references {
                    if let Err(p) = self.resolver.lookup(&name) {
                        self.fail(node, attr, p);
                    }
                }
            }
            Err(p) => self.fail(node, attr, p),
        }
    }

    pub fn fail(&mut self, node: usize, attr: &str, problem: Problem) {
        let loc = self.location(node, attr);
        let d = Diagnostic::error(problem, loc);
        if !self.errors.contains(&d) {
            self.errors.push(d);
        }
    }

    /// Text with `${name}` shown as `<output value="..."/>`.
    pub fn with_outputs(&mut self, node: Option<usize>, text: &str) -> Vec<Child> {
        let found = xpath::refs::occurrences(text);
        if found.is_empty() {
            return vec![Child::Text(text.to_string())];
        }
        let mut out = Vec::new();
        let mut last = 0;
        for occ in found {
            if occ.start > last {
                out.push(Child::Text(text[last..occ.start].to_string()));
            }
            let reference = &text[occ.start..occ.end];
            match self.resolver.expand(reference, node, false) {
                Ok(path) => out.push(Child::El(El::new("output").attr("value", path))),
                Err(p) => {
                    if let Some(n) = node {
                        self.fail(n, "label", p);
                    }
                    out.push(Child::Text(reference.to_string()));
                }
            }
            last = occ.end;
        }
        if last < text.len() {
            out.push(Child::Text(text[last..].to_string()));
        }
        out
    }

    pub fn attach(&mut self, name: &str) {
        if !self.attachments.iter().any(|a| a == name) {
            self.attachments.push(name.to_string());
        }
    }
}

/// Whether an element's label goes through itext: translated, or with media.
pub(crate) fn label_needs_itext(node: &Node) -> bool {
    node.label.is_translated() || !node.media.is_empty()
}

pub(crate) fn hint_needs_itext(node: &Node) -> bool {
    node.hint.is_translated() || !node.guidance_hint.is_empty()
}

pub(crate) fn message_needs_itext(text: &Text) -> bool {
    text.is_translated() || text.any().is_some_and(|t| t.contains("${"))
}

/// Writes the XForm, or returns the errors found while writing it.
pub fn write(form: &Form, pretty: bool) -> Result<(Written, Vec<Diagnostic>), Vec<Diagnostic>> {
    let default_language = form
        .settings
        .default_language
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let mut ctx = Ctx {
        form,
        resolver: Resolver::new(form),
        default_language,
        errors: Vec::new(),
        warnings: Vec::new(),
        attachments: Vec::new(),
        checked: HashSet::new(),
        triggered_by: HashMap::new(),
    };
    for i in form.descendants(0) {
        for name in &form.nodes[i].trigger {
            ctx.triggered_by.entry(name.clone()).or_default().push(i);
        }
    }
    let translations = itext::collect(&mut ctx);
    let mut model = El::new("model").attr("odk:xforms-version", "1.0.0");
    if let Some(entity) = &form.entity {
        let version = if entity.in_repeat() {
            "2025.1.0".to_string()
        } else {
            form.settings
                .entities_version
                .clone()
                .unwrap_or_else(|| "2024.1.0".to_string())
        };
        model.set("entities:entities-version", version);
    }
    if let Some(submission) = submission(form) {
        model.push(submission);
    }
    if !translations.is_empty() {
        model.push(itext::element(&mut ctx, &translations));
    }
    model.push(El::new("instance").child(instance::primary(&mut ctx)));
    for extra in instance::secondary(&mut ctx) {
        model.push(extra);
    }
    for bind in binds::all(&mut ctx) {
        model.push(bind);
    }
    let body = body::element(&mut ctx);
    attach_search_and_default_files(&mut ctx);
    let itemsets_csv = form.itemsets_csv.clone();
    if itemsets_csv.is_some() {
        ctx.attach("itemsets.csv");
    }
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    let title = form
        .settings
        .title
        .clone()
        .or_else(|| form.settings.id_string.clone())
        .unwrap_or_default();
    let mut html = El::new("h:html");
    for (k, v) in namespaces(form) {
        html.set(&k, v);
    }
    let html = html
        .child(
            El::new("h:head")
                .child(El::new("h:title").text(title))
                .child(model),
        )
        .child(body);
    let mut xml = String::from("<?xml version=\"1.0\"?>");
    if pretty {
        xml.push('\n');
    }
    html.write(&mut xml, pretty);
    if pretty && xml.ends_with('\n') {
        xml.pop();
    }
    Ok((
        Written {
            xml,
            attachments: ctx.attachments,
            itemsets_csv,
        },
        ctx.warnings,
    ))
}

/// Files that Collect reads but no instance names: `search('name')` reads
/// `name.csv`, and a photo's default is an image in the form's media.
fn attach_search_and_default_files(ctx: &mut Ctx) {
    let form = ctx.form;
    for i in form.descendants(0) {
        let n = &form.nodes[i];
        if let Some(appearance) = n.control_attr("appearance")
            && let Some(start) = appearance.find("search(")
        {
            let args = appearance[start + "search(".len()..].trim_start();
            if let Some(quote) = args.chars().next().filter(|c| *c == '\'' || *c == '"')
                && let Some(end) = args[1..].find(quote)
            {
                ctx.attach(&format!("{}.csv", &args[1..1 + end]));
            }
        }
        if n.type_name() == "image"
            && let Some(file) = n
                .default
                .as_deref()
                .and_then(|d| d.strip_prefix("jr://images/"))
        {
            ctx.attach(file);
        }
    }
}

fn namespaces(form: &Form) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        ("xmlns", "http://www.w3.org/2002/xforms"),
        ("xmlns:h", "http://www.w3.org/1999/xhtml"),
        ("xmlns:ev", "http://www.w3.org/2001/xml-events"),
        ("xmlns:xsd", "http://www.w3.org/2001/XMLSchema"),
        ("xmlns:jr", "http://openrosa.org/javarosa"),
        ("xmlns:orx", "http://openrosa.org/xforms"),
        ("xmlns:odk", "http://www.opendatakit.org/xforms"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if form.entity.is_some() {
        out.push((
            "xmlns:entities".into(),
            "http://www.opendatakit.org/xforms/entities".into(),
        ));
    }
    // `namespaces` setting: `prefix="uri"` pairs separated by spaces.
    if let Some(ns) = &form.settings.namespaces {
        for pair in ns.split_whitespace() {
            if let Some((prefix, uri)) = pair.split_once('=') {
                let uri = uri.trim_matches(|c| c == '"' || c == '\'');
                out.push((format!("xmlns:{prefix}"), uri.to_string()));
            }
        }
    }
    out
}

fn submission(form: &Form) -> Option<El> {
    let s = &form.settings;
    if s.submission_url.is_none()
        && s.public_key.is_none()
        && s.auto_send.is_none()
        && s.auto_delete.is_none()
        && !s.client_editable
    {
        return None;
    }
    let mut el = El::new("submission");
    if let Some(url) = &s.submission_url {
        el.set("action", url.clone());
        el.set("method", "post");
    }
    if let Some(key) = &s.public_key {
        el.set("base64RsaPublicKey", key.clone());
    }
    if let Some(v) = &s.auto_send {
        el.set("orx:auto-send", v.clone());
    }
    if let Some(v) = &s.auto_delete {
        el.set("orx:auto-delete", v.clone());
    }
    if s.client_editable {
        el.set("odk:client-editable", "true");
    }
    Some(el)
}

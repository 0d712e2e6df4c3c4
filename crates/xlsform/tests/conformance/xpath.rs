//! XPath 1.0 assertions over an XForm, with the namespace prefixes and shorthands
//! the case files use (the Python checker expands the same ones).

use sxd_document::dom;
use sxd_document::{Package, QName};
use sxd_xpath::{Context, Factory, Value};

pub const NAMESPACES: [(&str, &str); 8] = [
    ("h", "http://www.w3.org/1999/xhtml"),
    ("xf", "http://www.w3.org/2002/xforms"),
    ("jr", "http://openrosa.org/javarosa"),
    ("odk", "http://www.opendatakit.org/xforms"),
    ("orx", "http://openrosa.org/xforms"),
    ("ev", "http://www.w3.org/2001/xml-events"),
    ("xsd", "http://www.w3.org/2001/XMLSchema"),
    ("entities", "http://www.opendatakit.org/xforms/entities"),
];

const SHORTHANDS: [(&str, &str); 6] = [
    ("$model", "/h:html/h:head/xf:model"),
    ("$inst", "/h:html/h:head/xf:model/xf:instance[1]/*"),
    ("$bind", "/h:html/h:head/xf:model/xf:bind"),
    ("$itext", "/h:html/h:head/xf:model/xf:itext"),
    ("$body", "/h:html/h:body"),
    ("$title", "/h:html/h:head/h:title"),
];

pub fn expand(expression: &str) -> String {
    SHORTHANDS
        .iter()
        .fold(expression.to_string(), |text, (short, full)| {
            text.replace(short, full)
        })
}

/// A parsed XForm that assertions run against.
pub struct XForm {
    package: Package,
}

impl XForm {
    /// Parses with roxmltree, whose namespace handling is exact, and copies the tree
    /// into sxd-document for evaluation: sxd-document's own parser does not give
    /// unprefixed children the default namespace declared on a prefixed element
    /// (`<h:html xmlns="...xforms">`), which is exactly the shape of every XForm.
    pub fn parse(xml: &str) -> Result<Self, String> {
        let parsed = roxmltree::Document::parse(xml)
            .map_err(|e| format!("the XForm is not well-formed XML: {e}"))?;
        let package = Package::new();
        {
            let document = package.as_document();
            let root = copy_element(&document, parsed.root_element());
            document.root().append_child(root);
        }
        Ok(XForm { package })
    }

    /// Whether the expression's boolean value is true, and what it evaluated to.
    pub fn holds(&self, expression: &str) -> Result<(bool, String), String> {
        let expanded = expand(expression);
        let compiled = Factory::new()
            .build(&expanded)
            .map_err(|e| format!("bad XPath {expression:?}: {e}"))?
            .ok_or_else(|| format!("empty XPath {expression:?}"))?;
        let mut context = Context::new();
        for (prefix, uri) in NAMESPACES {
            context.set_namespace(prefix, uri);
        }
        let document = self.package.as_document();
        let value = compiled
            .evaluate(&context, document.root())
            .map_err(|e| format!("XPath {expression:?} failed: {e}"))?;
        let shown = match &value {
            Value::Boolean(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => format!("{s:?}"),
            Value::Nodeset(nodes) => format!("{} node(s)", nodes.size()),
        };
        Ok((value.boolean(), shown))
    }
}

fn copy_element<'d>(document: &dom::Document<'d>, source: roxmltree::Node) -> dom::Element<'d> {
    let name = source.tag_name();
    let element = document.create_element(QName::with_namespace_uri(name.namespace(), name.name()));
    // Keep the declarations made on this element, so the namespace axis works.
    let inherited: Vec<_> = source
        .parent_element()
        .map(|p| p.namespaces().collect())
        .unwrap_or_default();
    for namespace in source.namespaces().filter(|n| !inherited.contains(n)) {
        match namespace.name() {
            Some(prefix) => element.register_prefix(prefix, namespace.uri()),
            None => element.set_default_namespace_uri(Some(namespace.uri())),
        }
    }
    for attribute in source.attributes() {
        element.set_attribute_value(
            QName::with_namespace_uri(attribute.namespace(), attribute.name()),
            attribute.value(),
        );
    }
    for child in source.children() {
        if child.is_element() {
            element.append_child(copy_element(document, child));
        } else if let Some(text) = child.text().filter(|_| child.is_text()) {
            element.append_child(document.create_text(text));
        }
    }
    element
}

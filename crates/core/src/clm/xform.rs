//! Reading what Kolo needs from an XForm: its id, version, title, primary
//! instance root, public key, binary questions and referenced files.
//!
//! Every XML document from outside goes through [`parse_xml`], which refuses
//! document type declarations (so no entity expansion, internal or external)
//! and bounds the number of nodes.

use std::collections::BTreeSet;

use roxmltree::{Document, Node, ParsingOptions};

/// At most this many XML nodes in one document (a 10 MB submission has far fewer).
const MAX_NODES: u32 = 2_000_000;

/// Parses XML with DTDs refused. The error says what is wrong and where.
pub fn parse_xml(text: &str) -> Result<Document<'_>, String> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        // External entities are never fetched.
        entity_resolver: None,
    };
    Document::parse_with_options(text, options).map_err(|error| match error {
        roxmltree::Error::DtdDetected => {
            "the XML has a document type declaration (<!DOCTYPE>), which Kolo refuses".to_owned()
        }
        other => format!("the XML is not well-formed: {other}"),
    })
}

/// What Kolo keeps about a form definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormDefinition {
    pub xml_form_id: String,
    pub version: String,
    pub title: String,
    pub root_name: String,
    pub public_key: Option<String>,
    pub binary_fields: Vec<String>,
    /// Files referenced through `jr://` URLs, by name.
    pub attachments: Vec<String>,
}

/// Why an XForm cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum XFormProblem {
    #[error("{0}")]
    Xml(String),
    #[error("the XForm has no <model> with a primary <instance> inside <h:head>")]
    NoInstance,
    #[error("the primary instance's root element <{0}> has no id attribute (the form id)")]
    NoFormId(String),
    #[error("the form id {0:?} cannot be used: {1}")]
    BadFormId(String, &'static str),
    #[error("the form references a file {0:?} whose name cannot be used: {1}")]
    BadFileName(String, &'static str),
}

const JR_PREFIXES: [&str; 6] = [
    "jr://images/",
    "jr://audio/",
    "jr://video/",
    "jr://file-csv/",
    "jr://file/",
    "jr://media/",
];

/// The form's `<model>` and the root element of its primary instance.
fn model_and_primary<'a, 'i>(
    doc: &'a Document<'i>,
) -> Result<(Node<'a, 'i>, Node<'a, 'i>), XFormProblem> {
    let model = doc
        .root_element()
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "model")
        .ok_or(XFormProblem::NoInstance)?;
    let primary = model
        .children()
        .find(|n| {
            n.is_element() && n.tag_name().name() == "instance" && n.attribute("id").is_none()
        })
        .and_then(|instance| instance.children().find(Node::is_element))
        .ok_or(XFormProblem::NoInstance)?;
    Ok((model, primary))
}

/// Checks a version string given at publishing: it appears in form lists and
/// submissions' `version` attribute.
pub fn check_version(version: &str) -> Result<(), &'static str> {
    if version.trim().is_empty() || version.chars().count() > 255 {
        return Err("a version has 1 to 255 characters");
    }
    if version.chars().any(char::is_control) {
        return Err("a version has no control characters");
    }
    Ok(())
}

/// The XForm with the primary instance's `version` attribute set to
/// `version` (as Central's `publish?version=` does), all else byte for byte.
pub fn with_version(xml: &str, version: &str) -> Result<String, XFormProblem> {
    let doc = parse_xml(xml).map_err(XFormProblem::Xml)?;
    let (_, primary) = model_and_primary(&doc)?;
    let escaped: String = version
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let existing = primary
        .attributes()
        .find(|a| a.name() == "version" && a.namespace().is_none());
    let (range, text) = match existing {
        Some(attribute) => (attribute.range_value(), escaped),
        None => {
            // Right after the element's name in its start tag.
            let start = primary.range().start;
            let name_end = xml[start + 1..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(start + 1, |n| start + 1 + n);
            (name_end..name_end, format!(" version=\"{escaped}\""))
        }
    };
    let mut out = String::with_capacity(xml.len() + text.len());
    out.push_str(&xml[..range.start]);
    out.push_str(&text);
    out.push_str(&xml[range.end..]);
    Ok(out)
}

/// Reads an XForm's identity and references.
pub fn inspect_xform(xml: &str) -> Result<FormDefinition, XFormProblem> {
    let doc = parse_xml(xml).map_err(XFormProblem::Xml)?;
    let root = doc.root_element();
    let (model, primary) = model_and_primary(&doc)?;
    let root_name = primary.tag_name().name().to_owned();
    let xml_form_id = primary
        .attribute("id")
        .ok_or_else(|| XFormProblem::NoFormId(root_name.clone()))?
        .to_owned();
    super::form::check_xml_form_id(&xml_form_id)
        .map_err(|why| XFormProblem::BadFormId(xml_form_id.clone(), why))?;
    let version = primary.attribute("version").unwrap_or_default().to_owned();
    let title = root
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "title")
        .and_then(|n| n.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| xml_form_id.clone());
    let public_key = model
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "submission")
        .and_then(|n| n.attribute("base64RsaPublicKey"))
        .map(|k| k.split_whitespace().collect::<String>())
        .filter(|k| !k.is_empty());
    let mut binary_fields = BTreeSet::new();
    for bind in model
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "bind")
    {
        if bind.attribute("type") == Some("binary")
            && let Some(nodeset) = bind.attribute("nodeset")
            && let Some(last) = nodeset.rsplit('/').next()
            && !last.is_empty()
        {
            binary_fields.insert(last.to_owned());
        }
    }
    let mut attachments = BTreeSet::new();
    for node in doc.descendants() {
        let texts = node
            .attributes()
            .map(|a| a.value())
            .chain(node.is_text().then(|| node.text().unwrap_or_default()));
        for text in texts {
            for prefix in JR_PREFIXES {
                let mut rest = text;
                while let Some(at) = rest.find(prefix) {
                    let after = &rest[at + prefix.len()..];
                    let end = after
                        .find(|c: char| c == '\'' || c == '"' || c == ')' || c.is_whitespace())
                        .unwrap_or(after.len());
                    let name = &after[..end];
                    if !name.is_empty() {
                        super::form::check_file_name(name)
                            .map_err(|why| XFormProblem::BadFileName(name.to_owned(), why))?;
                        attachments.insert(name.to_owned());
                    }
                    rest = &after[end..];
                }
            }
        }
    }
    Ok(FormDefinition {
        xml_form_id,
        version,
        title,
        root_name,
        public_key,
        binary_fields: binary_fields.into_iter().collect(),
        attachments: attachments.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = r#"<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
 <h:head><h:title>CLM visit</h:title>
  <model>
   <itext><translation lang="en"><text id="a"><value form="image">jr://images/logo.png</value></text></translation></itext>
   <instance><data id="clm_visit" version="2024010101"><photo/><site/><meta><instanceID/></meta></data></instance>
   <instance id="sites" src="jr://file-csv/sites.csv"/>
   <bind nodeset="/data/photo" type="binary"/>
  </model></h:head><h:body/></h:html>"#;

    #[test]
    fn a_version_is_set_or_added_and_nothing_else_changes() {
        let with = "<h:html xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns=\"http://www.w3.org/2002/xforms\"><h:head><model>\
            <instance><data id=\"f\" version='1'><a/></data></instance><instance id=\"x\"><r version=\"9\"/></instance></model></h:head></h:html>";
        let changed = with_version(with, "2 & \"new\"").unwrap();
        assert_eq!(
            changed,
            with.replace("version='1'", "version='2 &amp; &quot;new&quot;'")
        );
        assert_eq!(inspect_xform(&changed).unwrap().version, "2 & \"new\"");
        let without = with.replace(" version='1'", "");
        let added = with_version(&without, "3").unwrap();
        assert!(added.contains("<data version=\"3\" id=\"f\">"), "{added}");
        assert_eq!(inspect_xform(&added).unwrap().version, "3");
        assert!(check_version("").is_err());
        assert!(check_version("2024\n").is_err());
        assert!(check_version("2024-05").is_ok());
    }

    #[test]
    fn reads_identity_media_and_binary_questions() {
        let form = inspect_xform(FORM).unwrap();
        assert_eq!(form.xml_form_id, "clm_visit");
        assert_eq!(form.version, "2024010101");
        assert_eq!(form.title, "CLM visit");
        assert_eq!(form.root_name, "data");
        assert_eq!(form.attachments, ["logo.png", "sites.csv"]);
        assert_eq!(form.binary_fields, ["photo"]);
        assert_eq!(form.public_key, None);
    }

    #[test]
    fn document_type_declarations_are_refused() {
        let evil = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        let error = parse_xml(evil).unwrap_err();
        assert!(error.contains("DOCTYPE"), "{error}");
        let bomb = r#"<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>"#;
        assert!(parse_xml(bomb).is_err());
    }

    #[test]
    fn a_form_without_id_is_refused_with_the_root_named() {
        let error = inspect_xform(&FORM.replace(r#" id="clm_visit""#, "")).unwrap_err();
        assert_eq!(error, XFormProblem::NoFormId("data".into()));
    }
}

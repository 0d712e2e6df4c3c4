//! Parsing XML from outside (forms and submissions) with one set of rules.
//!
//! Both come from devices and uploads we do not control, so a document type declaration is
//! refused outright, even an empty one: no DTD means no entity definitions, so neither
//! "billion laughs" nor external entities can reach us. roxmltree already refuses a DTD with
//! an internal subset; the prolog check below also refuses the bare `<!DOCTYPE x>` it lets
//! through.

use roxmltree::{Document, Node, ParsingOptions};

/// Enough for a form of a few thousand questions or a submission with thousands of repeat
/// instances; a document beyond it is refused rather than parsed into memory.
const NODES_LIMIT: u32 = 4_000_000;

/// Forms nest groups and repeats a few levels deep; the readers walk the tree recursively,
/// so a document nested deeper than this is refused before it can exhaust the stack.
const DEPTH_LIMIT: usize = 128;

/// Why a document could not be read as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the XML declares a document type (DOCTYPE); DTDs and entities are not accepted")]
    Dtd,
    #[error("the XML is malformed at line {line}, column {column}: {message}")]
    Malformed {
        line: u32,
        column: u32,
        message: String,
    },
    #[error("the XML has more than {NODES_LIMIT} nodes")]
    TooLarge,
    #[error("the XML nests elements more than {DEPTH_LIMIT} levels deep")]
    TooDeep,
}

pub(crate) fn parse(text: &str) -> Result<Document<'_>, XmlError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlError::Dtd,
        roxmltree::Error::NodesLimitReached => XmlError::TooLarge,
        other => {
            let pos = other.pos();
            XmlError::Malformed {
                line: pos.row,
                column: pos.col,
                message: other.to_string(),
            }
        }
    })?;
    let prolog = &text[..doc.root_element().range().start];
    if prolog.contains("<!DOCTYPE") {
        return Err(XmlError::Dtd);
    }
    // Nodes come in document order, so a parent's depth is known before its children's.
    let mut depths = vec![0u16; doc.descendants().count() + 1];
    for node in doc.descendants() {
        let depth = node.parent().map_or(0, |p| depths[p.id().get_usize()] + 1);
        if usize::from(depth) > DEPTH_LIMIT {
            return Err(XmlError::TooDeep);
        }
        depths[node.id().get_usize()] = depth;
    }
    Ok(doc)
}

/// The concatenated text directly inside an element (several text nodes when comments or
/// CDATA sections split it), entities decoded, not trimmed: Central exports it as is.
pub(crate) fn own_text(node: Node<'_, '_>) -> String {
    let mut text = String::new();
    for child in node.children().filter(|c| c.is_text()) {
        text.push_str(child.text().unwrap_or_default());
    }
    text
}

pub(crate) fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_dtd_with_entities() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><d>&b;</d>"#;
        assert_eq!(parse(bomb).unwrap_err(), XmlError::Dtd);
    }

    #[test]
    fn refuses_an_external_entity() {
        let xxe = r#"<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        assert_eq!(parse(xxe).unwrap_err(), XmlError::Dtd);
    }

    #[test]
    fn refuses_even_an_empty_doctype() {
        assert_eq!(parse("<!DOCTYPE d><d/>").unwrap_err(), XmlError::Dtd);
    }

    #[test]
    fn refuses_deep_nesting() {
        let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
        assert_eq!(parse(&deep).unwrap_err(), XmlError::TooDeep);
        let fine = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn names_the_line_and_column_of_malformed_xml() {
        match parse("<d>\n  <a></b>\n</d>").unwrap_err() {
            XmlError::Malformed { line, .. } => assert_eq!(line, 2),
            other => panic!("expected a malformed-XML error, got {other:?}"),
        }
    }

    #[test]
    fn text_keeps_spaces_and_decodes_entities() {
        let doc = parse("<d> a &amp; <!-- c --><![CDATA[<b>]]> </d>").unwrap();
        assert_eq!(own_text(doc.root_element()), " a & <b> ");
    }
}

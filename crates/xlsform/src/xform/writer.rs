//! A small XML element tree and its serialisation, byte for byte as pyxform writes
//! it: attributes escape `& < > "`, text escapes `& < >`, and mixed content gets a
//! space before its first and after its last child.

/// An XML element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Child {
    El(El),
    Text(String),
}

impl El {
    pub fn new(name: &str) -> El {
        El {
            name: name.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn attr(mut self, key: &str, value: impl Into<String>) -> El {
        self.set(key, value);
        self
    }

    /// Sets an attribute, replacing an earlier value in place.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.attrs.push((key.to_string(), value)),
        }
    }

    pub fn child(mut self, child: El) -> El {
        self.children.push(Child::El(child));
        self
    }

    pub fn push(&mut self, child: El) {
        self.children.push(Child::El(child));
    }

    pub fn text(mut self, text: impl Into<String>) -> El {
        self.children.push(Child::Text(text.into()));
        self
    }

    /// Writes the element; `pretty` indents element-only content by two spaces.
    pub fn write(&self, out: &mut String, pretty: bool) {
        self.write_at(out, if pretty { Some(0) } else { None });
    }

    fn write_at(&self, out: &mut String, indent: Option<usize>) {
        if let Some(n) = indent {
            out.push_str(&"  ".repeat(n));
        }
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            escape(v, true, out);
            out.push('"');
        }
        let newline = if indent.is_some() { "\n" } else { "" };
        if self.children.is_empty() {
            out.push_str("/>");
            out.push_str(newline);
            return;
        }
        out.push('>');
        let mixed = self.children.iter().any(|c| matches!(c, Child::Text(_)));
        if mixed {
            let many = self.children.len() > 1;
            for (i, child) in self.children.iter().enumerate() {
                if many && i == 0 && matches!(child, Child::Text(_)) {
                    out.push(' ');
                }
                match child {
                    Child::Text(t) => escape(t, false, out),
                    Child::El(e) => e.write_at(out, None),
                }
                if many && i + 1 == self.children.len() {
                    out.push(' ');
                }
            }
        } else {
            out.push_str(newline);
            for child in &self.children {
                if let Child::El(e) = child {
                    e.write_at(out, indent.map(|n| n + 1));
                }
            }
            if let Some(n) = indent {
                out.push_str(&"  ".repeat(n));
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
        out.push_str(newline);
    }
}

fn escape(text: &str, attribute: bool, out: &mut String) {
    let special = |b: &u8| matches!(b, b'&' | b'<' | b'>') || (attribute && *b == b'"');
    if !text.as_bytes().iter().any(special) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_text_are_escaped_as_pyxform_does() {
        let e = El::new("a")
            .attr("v", "x < \"y\" & z")
            .text("1 > 0 & \"q\"");
        let mut s = String::new();
        e.write(&mut s, false);
        assert_eq!(
            s,
            "<a v=\"x &lt; &quot;y&quot; &amp; z\">1 &gt; 0 &amp; \"q\"</a>"
        );
    }

    #[test]
    fn mixed_content_gets_surrounding_spaces() {
        let e = El::new("label")
            .text("Total ")
            .child(El::new("output").attr("value", " /data/t "))
            .text(" <b>");
        let mut s = String::new();
        e.write(&mut s, true);
        assert_eq!(
            s,
            "<label> Total <output value=\" /data/t \"/> &lt;b&gt; </label>\n"
        );
    }

    #[test]
    fn pretty_output_indents_nested_elements() {
        let e = El::new("a").child(El::new("b").child(El::new("c")));
        let mut s = String::new();
        e.write(&mut s, true);
        assert_eq!(s, "<a>\n  <b>\n    <c/>\n  </b>\n</a>\n");
    }
}

//! A small XML writer for Open311's documents. They are flat records of text elements, so a
//! few dozen lines that escape every text in one place serve better than a dependency: nothing
//! reaches the output but through [`escape`].

/// Builds one document, declaration first (the specification requires it, with UTF-8).
pub struct XmlWriter {
    out: String,
}

impl Default for XmlWriter {
    fn default() -> Self {
        XmlWriter {
            out: String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#),
        }
    }
}

impl XmlWriter {
    /// Opens an element; names are ours, never a client's, so they are not escaped.
    pub fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Closes an element.
    pub fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// An element holding text, or an empty element for `None`.
    pub fn text(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(v) => {
                self.open(name);
                escape(v, &mut self.out);
                self.close(name);
            }
            None => {
                self.out.push('<');
                self.out.push_str(name);
                self.out.push_str("/>");
            }
        }
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Appends `text` escaped for element content and attribute values. Characters XML 1.0 cannot
/// carry at all (most C0 controls, U+FFFE, U+FFFF) are dropped: no escape makes them legal, and
/// one in a resident's description must not make the whole document unreadable.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_illegal_characters_dropped() {
        let mut w = XmlWriter::default();
        w.open("r");
        w.text("a", Some("<b>&\"x\" 'y' 漏水\u{1}\u{FFFF}\n"));
        w.text("e", None);
        w.close("r");
        let doc = w.finish();
        assert_eq!(
            doc,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r><a>&lt;b&gt;&amp;&quot;x&quot; &apos;y&apos; 漏水\n</a><e/></r>"
        );
        let parsed = roxmltree::Document::parse(&doc).unwrap();
        let a = parsed.root_element().first_element_child().unwrap();
        assert_eq!(a.text(), Some("<b>&\"x\" 'y' 漏水\n"));
    }
}

//! SVG as a plain tree: the one form a drawing takes before it becomes the
//! page's DOM (the UI builds its nodes from it) or a file (written here).
//!
//! An [`Element`] is a name, its attributes in the order given and its
//! children; text is a [`Node::Text`]. Names are `&'static str`: only the
//! drawing code chooses them, never a user. Attribute values and text may
//! hold what a user typed (a key, a value, a fault's description), and
//! [`Element::write`] escapes them for XML (`&`, `<`, `>`, `"`, `'`), and
//! drops the control characters XML 1.0 cannot carry at all.
//!
//! CAVEATS:
//!
//! - No namespaces beyond the root's `xmlns`, no CDATA, no comments: a
//!   drawing needs none.

/// One SVG element.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// The tag name.
    pub name: &'static str,
    /// The attributes, in the order written.
    pub attrs: Vec<(&'static str, String)>,
    /// The children, in order.
    pub children: Vec<Node>,
}

/// A child of an [`Element`].
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text, written escaped.
    Text(String),
}

impl Element {
    /// An element with no attributes and no children.
    pub fn new(name: &'static str) -> Element {
        Element {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// With one more attribute.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Element {
        self.attrs.push((name, value.into()));
        self
    }

    /// With one more child element.
    pub fn child(mut self, child: Element) -> Element {
        self.children.push(Node::Element(child));
        self
    }

    /// With one more text child.
    pub fn text(mut self, text: impl Into<String>) -> Element {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// With every element of `children` appended.
    pub fn children(mut self, children: impl IntoIterator<Item = Element>) -> Element {
        self.children
            .extend(children.into_iter().map(Node::Element));
        self
    }

    /// The value of attribute `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The element as XML text, appended to `out`.
    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(self.name);
        self.write_attrs(out);
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        self.write_children(out);
        out.push_str("</");
        out.push_str(self.name);
        out.push('>');
    }

    /// The attributes as XML, each with its leading space, appended to `out`.
    pub fn write_attrs(&self, out: &mut String) {
        for (name, value) in &self.attrs {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            escape(value, out);
            out.push('"');
        }
    }

    /// The children as XML, appended to `out`.
    pub fn write_children(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(out),
                Node::Text(t) => escape(t, out),
            }
        }
    }
}

/// `text` escaped for XML text and attribute values, appended to `out`.
/// Control characters XML 1.0 forbids (all below U+0020 but tab, line feed
/// and carriage return) are dropped; line breaks are written as character
/// references, so that an attribute keeps them.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

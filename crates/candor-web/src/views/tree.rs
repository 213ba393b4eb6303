//! The trees views describe: elements with attributes and children, and
//! text. A view is a plain function from its model to a tree; `js/dom.js`
//! turns the tree into DOM (text as text, tags from a fixed list), in one
//! call per surface.
//!
//! The tree crosses as compact JSON: `["tag", {"name": "value", …},
//! child, …]`, a child being a tree or a string.

use candor_core::text::push_json_string;

/// A node: an element or a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// An element.
    El(El),
    /// Text, shown as text.
    Text(String),
}

/// An element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct El {
    tag: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

/// `<tag>`.
pub(crate) fn el(tag: &'static str) -> El {
    El {
        tag,
        attrs: Vec::new(),
        children: Vec::new(),
    }
}

/// `<tag class="class">`.
pub(crate) fn div(tag: &'static str, class: &str) -> El {
    el(tag).attr("class", class)
}

/// `<button type="button" class="class" data-action="action">label</button>`.
pub(crate) fn button(class: &str, action: &str, label: &str) -> El {
    el("button")
        .attr("type", "button")
        .attr("class", class)
        .attr("data-action", action)
        .text(label)
}

impl El {
    /// Set an attribute (names are the views' own; values may be the site's).
    pub(crate) fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    /// Append a child element.
    pub(crate) fn child(mut self, child: El) -> Self {
        self.children.push(Node::El(child));
        self
    }

    /// Append a child element when `child` is `Some`.
    pub(crate) fn child_opt(self, child: Option<El>) -> Self {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    /// Append children.
    pub(crate) fn children(mut self, children: impl IntoIterator<Item = El>) -> Self {
        self.children.extend(children.into_iter().map(Node::El));
        self
    }

    /// Append text.
    pub(crate) fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// The value of attribute `name`, if set.
    #[cfg(test)]
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every element of the tree, depth first (this one included).
    #[cfg(test)]
    pub(crate) fn all(&self) -> Vec<&El> {
        let mut out = vec![self];
        for c in &self.children {
            if let Node::El(e) = c {
                out.extend(e.all());
            }
        }
        out
    }

    /// All the text of the tree, concatenated.
    #[cfg(test)]
    pub(crate) fn text_content(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            match c {
                Node::Text(t) => out.push_str(t),
                Node::El(e) => out.push_str(&e.text_content()),
            }
        }
        out
    }

    /// The tree as the compact JSON `js/dom.js` builds from.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        out.push('[');
        push_json_string(out, self.tag);
        out.push_str(",{");
        for (i, (name, value)) in self.attrs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_string(out, name);
            out.push(':');
            push_json_string(out, value);
        }
        out.push('}');
        for c in &self.children {
            out.push(',');
            match c {
                Node::El(e) => e.write(out),
                Node::Text(t) => push_json_string(out, t),
            }
        }
        out.push(']');
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn writes_compact_json_with_text_as_strings() {
        let tree = div("section", "banner")
            .attr("role", "dialog")
            .child(el("h2").text("Say \"hi\" <b>"))
            .child(button("btn", "accept-all", "Accept all"));
        assert_eq!(
            tree.to_json(),
            r#"["section",{"class":"banner","role":"dialog"},["h2",{},"Say \"hi\" <b>"],["button",{"type":"button","class":"btn","data-action":"accept-all"},"Accept all"]]"#
        );
        let back: serde_json::Value = serde_json::from_str(&tree.to_json()).unwrap();
        assert_eq!(back[2][2], "Say \"hi\" <b>");
    }
}

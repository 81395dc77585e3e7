//! A drawing as data that crosses between threads: an
//! [`Element`] tree as JSON, and read back only through whitelists.
//!
//! The Experiments panel's charts are drawn in the Web Worker and shown by
//! the page, so the tree crosses `postMessage` as JSON text: an element is
//! `{"name": "g", "attrs": [["class", "point"], ...], "children": [...]}`,
//! a text child a JSON string ([`to_wire`]). The page reads it back with
//! [`from_wire`], which accepts only the element names of [`ELEMENTS`] and
//! the attribute names of [`ATTRIBUTES`] (no `script`, no `foreignObject`,
//! no `on*` handler, no `href`, no `style`), so a worker that went wrong, or
//! anything else posting to the page, cannot make it run or fetch
//! anything: the page renders names from the whitelist and values and text
//! as text. Names come back as the whitelist's `&'static str`.
//!
//! CAVEATS
//! - The bounds ([`WIRE_NODES_MAX`], [`WIRE_DEPTH_MAX`]) fit a chart of a
//!   few hundred points per line with room to spare; a bigger drawing is
//!   refused whole, not cut.

use serde_json::{json, Value};

use super::svg::{Element, Node};

/// The element names a drawing read from the wire may use.
pub const ELEMENTS: [&str; 10] = [
    "svg", "g", "path", "line", "rect", "circle", "text", "title", "desc", "polyline",
];

/// The attribute names a drawing read from the wire may use.
pub const ATTRIBUTES: [&str; 32] = [
    "viewBox",
    "role",
    "aria-label",
    "class",
    "tabindex",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "width",
    "height",
    "d",
    "points",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "opacity",
    "text-anchor",
    "dominant-baseline",
    "font-size",
    "font-family",
    "font-weight",
    "transform",
    "data-configuration",
    "data-seed",
    "data-testid",
];

/// The most elements and texts a drawing read from the wire holds.
pub const WIRE_NODES_MAX: usize = 100_000;
/// The deepest nesting read.
pub const WIRE_DEPTH_MAX: usize = 16;

/// A drawing that is not one: where (a path like `children[2].attrs[0]`)
/// and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    /// Where in the tree.
    pub at: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            write!(f, "drawing: {}", self.reason)
        } else {
            write!(f, "drawing at {}: {}", self.at, self.reason)
        }
    }
}

/// `e` as JSON (see the module documentation).
pub fn to_wire(e: &Element) -> Value {
    let children: Vec<Value> = e
        .children
        .iter()
        .map(|c| match c {
            Node::Element(c) => to_wire(c),
            Node::Text(t) => Value::String(t.clone()),
        })
        .collect();
    json!({ "name": e.name, "attrs": e.attrs, "children": children })
}

/// A drawing read from JSON, its names checked against [`ELEMENTS`] and
/// [`ATTRIBUTES`] and its size against the bounds.
pub fn from_wire(value: &Value) -> Result<Element, WireError> {
    let mut nodes = 0;
    read(value, "", 0, &mut nodes)
}

fn whitelisted(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|n| *n == name)
}

fn read(value: &Value, at: &str, depth: usize, nodes: &mut usize) -> Result<Element, WireError> {
    let error = |at: &str, reason: String| WireError {
        at: at.to_string(),
        reason,
    };
    let field = |name: &str| {
        if at.is_empty() {
            name.to_string()
        } else {
            format!("{at}.{name}")
        }
    };
    *nodes += 1;
    if *nodes > WIRE_NODES_MAX {
        return Err(error(at, format!("more than {WIRE_NODES_MAX} nodes")));
    }
    if depth >= WIRE_DEPTH_MAX {
        return Err(error(at, format!("nested deeper than {WIRE_DEPTH_MAX}")));
    }
    let Some(object) = value.as_object() else {
        return Err(error(at, "an element is an object".to_string()));
    };
    if let Some(key) = object
        .keys()
        .find(|k| !["name", "attrs", "children"].contains(&k.as_str()))
    {
        return Err(error(at, format!("unknown field {key:?}")));
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
    let name = whitelisted(&ELEMENTS, name).ok_or_else(|| {
        error(
            &field("name"),
            format!("{:?} is not an element a drawing uses", cut(name)),
        )
    })?;
    let mut e = Element::new(name);
    let list = |key: &str| match object.get(key) {
        None => Ok(&[][..]),
        Some(Value::Array(a)) => Ok(a.as_slice()),
        Some(_) => Err(error(&field(key), "a list".to_string())),
    };
    for (i, pair) in list("attrs")?.iter().enumerate() {
        let here = field(&format!("attrs[{i}]"));
        let (Some(n), Some(v)) = (
            pair.get(0).and_then(Value::as_str),
            pair.get(1).and_then(Value::as_str),
        ) else {
            return Err(error(&here, "a [name, value] pair of texts".to_string()));
        };
        if pair.as_array().map_or(0, Vec::len) != 2 {
            return Err(error(&here, "a [name, value] pair of texts".to_string()));
        }
        let n = whitelisted(&ATTRIBUTES, n).ok_or_else(|| {
            error(
                &here,
                format!("{:?} is not an attribute a drawing uses", cut(n)),
            )
        })?;
        e.attrs.push((n, v.to_string()));
    }
    for (i, child) in list("children")?.iter().enumerate() {
        let here = field(&format!("children[{i}]"));
        e.children.push(match child {
            Value::String(t) => {
                *nodes += 1;
                if *nodes > WIRE_NODES_MAX {
                    return Err(error(&here, format!("more than {WIRE_NODES_MAX} nodes")));
                }
                Node::Text(t.clone())
            }
            other => Node::Element(read(other, &here, depth + 1, nodes)?),
        });
    }
    Ok(e)
}

/// At most 40 characters of a name, for a message.
fn cut(name: &str) -> String {
    name.chars().take(40).collect()
}

#[cfg(test)]
mod tests;

//! The ring drawn: each partition an arc coloured by its owner, each node
//! named beside the first partition it owns, and the inspected key's hash
//! position marked with its name in the middle.
//!
//! The angles need a cosine and a sine, and they are an argument
//! (`cos_sin`): the shipped app takes them from the browser's `Math`, as
//! Rust's own would add their argument reduction (kilobytes) to it; the CLI
//! passes Rust's.
//!
//! CAVEATS:
//!
//! - A label sits by the first arc a node owns, so with many partitions a
//!   label may sit far from most of the node's arcs.

use std::f64::consts::{FRAC_PI_2, TAU};

use super::colour::node_color;
use super::svg::Element;
use crate::fixed_point::{fixed, short};
use crate::ids::NodeId;
use crate::view::RingView;

/// The centre of the ring, in the drawing's units (it is twice as wide).
const C: f64 = 120.0;
const R_OUT: f64 = 96.0;
const R_IN: f64 = 74.0;

/// A cosine and a sine of one angle, in radians.
pub type CosSin<'a> = &'a dyn Fn(f64) -> (f64, f64);

/// The ring of `view`, with the arcs and the label of `selected` marked.
/// Each node label carries `data-node` (its number), for a click to name it.
pub fn ring(view: &RingView, selected: Option<NodeId>, cos_sin: CosSin<'_>) -> Element {
    let point = |fraction: f64, radius: f64| {
        let (x, y) = cos_sin(fraction * TAU - FRAC_PI_2);
        (C + radius * x, C + radius * y)
    };
    let count = view.nodes.len();
    let key_partition = view.key.as_ref().map(|k| k.partition);
    let arcs = view.arcs.iter().map(|arc| {
        let (x0, y0) = point(arc.start, R_OUT);
        let (x1, y1) = point(arc.end, R_OUT);
        let (x2, y2) = point(arc.end, R_IN);
        let (x3, y3) = point(arc.start, R_IN);
        let large = if arc.end - arc.start > 0.5 { 1 } else { 0 };
        let mut class = String::from("arc");
        if Some(arc.partition) == key_partition {
            class.push_str(" key-partition");
        }
        if Some(arc.owner) == selected {
            class.push_str(" selected");
        }
        Element::new("path")
            .attr("class", class)
            .attr("d", format!(
                "M{},{} A{r_out},{r_out} 0 {large} 1 {},{} L{},{} A{r_in},{r_in} 0 {large} 0 {},{} Z",
                fixed(x0, 2), fixed(y0, 2), fixed(x1, 2), fixed(y1, 2),
                fixed(x2, 2), fixed(y2, 2), fixed(x3, 2), fixed(y3, 2),
                r_out = short(R_OUT, 1), r_in = short(R_IN, 1),
            ))
            .attr("fill", node_color(arc.owner, count))
            .child(Element::new("title").text(format!("{} owned by {}", arc.partition, arc.owner)))
    });
    let labels = view.nodes.iter().filter_map(|node| {
        let arc = view.arcs.iter().find(|a| a.owner == *node)?;
        let (x, y) = point((arc.start + arc.end) / 2.0, R_OUT + 13.0);
        let class = if selected == Some(*node) {
            "ring-label selected"
        } else {
            "ring-label"
        };
        Some(
            Element::new("text")
                .attr("x", fixed(x, 1))
                .attr("y", fixed(y, 1))
                .attr("class", class)
                .attr("data-node", node.0.to_string())
                .attr("fill", node_color(*node, count))
                .text(node.to_string()),
        )
    });
    let key_mark = view.key.as_ref().map(|k| {
        let (x0, y0) = point(k.position, R_IN - 18.0);
        let (x1, y1) = point(k.position, R_OUT + 4.0);
        Element::new("g")
            .attr("class", "key-mark")
            .attr("data-testid", "key-mark")
            .child(
                Element::new("line")
                    .attr("x1", fixed(x0, 1))
                    .attr("y1", fixed(y0, 1))
                    .attr("x2", fixed(x1, 1))
                    .attr("y2", fixed(y1, 1)),
            )
            .child(
                Element::new("circle")
                    .attr("cx", fixed(x0, 1))
                    .attr("cy", fixed(y0, 1))
                    .attr("r", "3.5"),
            )
            .child(
                Element::new("text")
                    .attr("x", short(C, 1))
                    .attr("y", short(C + 4.0, 1))
                    .attr("class", "key-name")
                    .text(k.key.clone()),
            )
    });
    Element::new("svg")
        .attr("viewBox", "0 0 240 240")
        .attr("class", "ring-svg")
        .attr("role", "group")
        .attr(
            "aria-label",
            format!("Ring of {} partitions", view.arcs.len()),
        )
        .children(arcs)
        .children(labels)
        .children(key_mark)
}

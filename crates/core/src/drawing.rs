//! The diagrams drawn: the space-time diagram and the ring as SVG, from one
//! source for the page and for the files a user takes away; and an
//! experiment's charts ([`chart`]), drawn in the Web Worker and handed to
//! the page as data that only whitelisted names survive ([`wire`]).
//!
//! A view ([`crate::view`]) says *what* there is to show; a drawing says
//! where each thing goes and how it looks: lanes, arrows, dots, arcs,
//! labels, as an [`svg::Element`] tree. The playground builds its DOM from
//! that tree (`wildling_web::svg_html`, adding only the click handlers), and
//! an export writes the same tree as a file ([`lamport_document`],
//! [`ring_document`]): there is no second drawing to drift. The CLI and the
//! page's "SVG" downloads write the same files for a whole run
//! ([`lamport_export`], [`ring_export`]; `wildling export RUN --format
//! svg-diagram|svg-ring`), byte for byte.
//!
//! A file must stand alone, so [`document`] adds what the page supplies
//! around its drawings: the XML namespace, a `<title>`, a `<desc>` holding
//! the drawing's text alternative (for the diagram, every operation and
//! fault in time order with its label, the same lines as the page's "The
//! diagram as tables"), and a `<style>` with the page's own rules for the
//! drawings' classes ([`STYLE_RULES`], which a test holds equal, line by line, to
//! `www/style.css`) and its light theme's colours. Everything a user typed
//! (keys, values, fault descriptions) reaches the file through
//! [`svg::escape`].
//!
//! CAVEATS:
//!
//! - A file of a huge run is bounded: at most [`EXPORT_ARROWS_MAX`] arrows
//!   (the latest) and [`EXPORT_MARKS_MAX`] marks (the first); a file cut
//!   short says so in its `<desc>` and in [`Export::note`]. Even within the
//!   bounds, a diagram of thousands of messages is a dense picture: its
//!   text alternative is the readable part.
//! - The export carries the light theme only.
//! - A file is the whole run with nothing selected, not the page's window
//!   and selection: so that the page's download and the CLI's are one file.

pub mod chart;
pub mod colour;
pub mod lamport;
pub mod path;
pub mod ring;
pub mod svg;
pub mod wire;

use crate::cluster::Cluster;
use crate::export::Export;
use crate::fixed_point::fixed;
use crate::ids::NodeId;
use crate::view::{self, LamportView, RingView};
use lamport::{Frame, Highlight};
use ring::CosSin;
use std::fmt::Write;
use svg::Element;

/// The media type of the files written here.
pub const MEDIA_TYPE: &str = "image/svg+xml";

/// The most arrows a diagram file carries (the latest): a browser still
/// opens the file, at a few megabytes.
pub const EXPORT_ARROWS_MAX: usize = 20_000;

/// The most operation marks a diagram file carries (the first): one
/// invocation and one completion for each of
/// [`crate::export::EXPORT_OPS_MAX`] operations.
pub const EXPORT_MARKS_MAX: usize = 2 * crate::export::EXPORT_OPS_MAX;

// A diagram file holds at least what a history export does.
const _: () = assert!(EXPORT_ARROWS_MAX >= crate::export::EXPORT_OPS_MAX);

/// The page's rules for the drawings' classes, as `www/style.css` writes
/// them (a test checks each line is there).
pub const STYLE_RULES: &str = "\
.lane text { fill: var(--muted); font-family: var(--mono); }
.lane line { stroke: var(--border); stroke-width: 1; }
.client-lane line { stroke-dasharray: 3 3; }
.arrow { cursor: pointer; fill: none; stroke-width: 1.1; }
.arrow.in-flight { stroke-dasharray: 3 2; }
.arrow.lost { stroke-dasharray: 2 2; }
.mark.invoke { fill: var(--accent); }
.mark.done-ok { fill: var(--ok); }
.mark.done-bad { fill: var(--bad); }
.crash { fill: var(--bad); font-size: 11px; text-anchor: middle; }
.restart { fill: var(--ok); font-size: 11px; text-anchor: middle; }
.fault-line line { stroke: var(--warn); stroke-dasharray: 4 3; }
.fault-line text { fill: var(--warn); font-size: 9px; }
.now-line { stroke: var(--accent); stroke-width: 1; opacity: .6; }
.msg-selected, .arrow-selected, .mark-selected { fill: none; stroke: var(--sel); stroke-width: 2.5; pointer-events: none; }
.violation-link { stroke: var(--bad); stroke-width: 2; stroke-dasharray: 5 3; pointer-events: none; }
.violation-mark { fill: none; stroke: var(--bad); stroke-width: 2.5; pointer-events: none; }
.violation-mark.missed { stroke-dasharray: 3 2; }
.arc { stroke: var(--panel); stroke-width: .8; cursor: default; }
.arc.key-partition { stroke: var(--fg); stroke-width: 2; }
.arc.selected { filter: brightness(1.15); }
.ring-label { font-size: 10px; text-anchor: middle; dominant-baseline: middle; cursor: pointer; font-weight: 600; }
.ring-label.selected { text-decoration: underline; }
.key-mark line { stroke: var(--fg); stroke-width: 1.5; }
.key-mark circle { fill: var(--fg); }
.key-name { font-size: 12px; text-anchor: middle; fill: var(--fg); font-family: var(--mono); }
";

/// The page's light-theme colours and fonts, as the drawings' rules name
/// them (`www/style.css`'s `:root`; a test checks each value is there).
pub const STYLE_THEME: [(&str, &str); 11] = [
    ("--panel", "#ffffff"),
    ("--fg", "#1c1e21"),
    ("--muted", "#5f6670"),
    ("--border", "#d9dce1"),
    ("--accent", "#2563eb"),
    ("--ok", "#166534"),
    ("--warn", "#b45309"),
    ("--bad", "#b91c1c"),
    ("--sel", "#f59e0b"),
    (
        "--mono",
        "ui-monospace, \"SFMono-Regular\", \"DejaVu Sans Mono\", Menlo, monospace",
    ),
    (
        "--sans",
        "system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif",
    ),
];

/// The whole stylesheet of a file: the theme on the root, then the rules.
fn style() -> String {
    let mut css = String::from("svg { ");
    for (name, value) in STYLE_THEME {
        css.push_str(name);
        css.push_str(": ");
        css.push_str(value);
        css.push_str("; ");
    }
    css.push_str("background: var(--panel); color: var(--fg); font: 14px var(--sans); }\n");
    css.push_str(STYLE_RULES);
    css
}

/// A drawing as a file that stands alone: `svg` with the SVG namespace, a
/// `<title>`, a `<desc>` (`desc`, the text alternative and any note) and
/// the stylesheet, before what it draws.
pub fn document(svg: &Element, title: &str, desc: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
    );
    svg.write_attrs(&mut out);
    out.push('>');
    for (name, text) in [("title", title), ("desc", desc), ("style", &style())] {
        Element::new(name).text(text).write(&mut out);
    }
    svg.write_children(&mut out);
    out.push_str("</svg>\n");
    out
}

/// The diagram's text alternative: every mark and fault in time order.
fn lamport_desc(v: &LamportView, note: Option<&str>) -> String {
    let mut desc = String::new();
    if let Some(note) = note {
        desc.push_str(note);
        desc.push('\n');
    }
    for e in v.events() {
        let _ = write!(desc, "t={} ", e.at);
        match e.lane {
            Some(lane) => {
                let _ = write!(desc, "{lane}");
            }
            None => desc.push_str("whole network"),
        }
        let _ = writeln!(desc, ": {}", e.what);
    }
    desc
}

/// The space-time diagram `v` as drawn in `frame` with `highlight`, as a
/// file; `note` says what was left out, if anything.
pub fn lamport_document(
    v: &LamportView,
    frame: Frame,
    highlight: Highlight,
    note: Option<&str>,
) -> String {
    let drawing = lamport::lamport(v, frame, highlight);
    document(
        &drawing.svg,
        &format!("Space-time diagram, t={}…{}", frame.from, frame.to),
        &lamport_desc(v, note),
    )
}

/// The ring `v` as drawn with `selected`, as a file.
pub fn ring_document(v: &RingView, selected: Option<NodeId>, cos_sin: CosSin<'_>) -> String {
    let mut desc = String::new();
    if let Some(k) = &v.key {
        let _ = write!(
            desc,
            "key {:?} hashes to {} of the ring, {}; written to [",
            k.key,
            fixed(k.position, 3),
            k.partition
        );
        for (i, p) in k.placements.iter().enumerate() {
            let _ = write!(desc, "{}{}", if i == 0 { "" } else { ", " }, p.node);
        }
        desc.push_str("]\n");
    }
    for a in &v.arcs {
        let _ = writeln!(
            desc,
            "{} owned by {}, {} to {}",
            a.partition,
            a.owner,
            fixed(a.start, 3),
            fixed(a.end, 3)
        );
    }
    document(
        &ring::ring(v, selected, cos_sin),
        &format!("Ring of {} partitions", v.arcs.len()),
        &desc,
    )
}

/// The space-time diagram of a whole run, from tick 0 to now, as a file,
/// bounded by [`EXPORT_ARROWS_MAX`] and [`EXPORT_MARKS_MAX`].
pub fn lamport_export(cluster: &Cluster) -> Export {
    let now = cluster.sim().now();
    let mut v = view::lamport(cluster, 0, now, EXPORT_ARROWS_MAX);
    let messages = cluster.sim().history().messages.len();
    let mut cut = Vec::new();
    if messages > v.arrows.len() {
        cut.push(format!(
            "the last {} of {messages} messages",
            v.arrows.len()
        ));
    }
    let ops = v
        .marks
        .iter()
        .filter(|m| {
            matches!(
                m.kind,
                view::MarkKind::Invoke(_) | view::MarkKind::Complete(..)
            )
        })
        .count();
    if ops > EXPORT_MARKS_MAX {
        let mut kept = 0;
        v.marks.retain(|m| {
            let op = matches!(
                m.kind,
                view::MarkKind::Invoke(_) | view::MarkKind::Complete(..)
            );
            kept += usize::from(op);
            !op || kept <= EXPORT_MARKS_MAX
        });
        cut.push(format!(
            "the first {EXPORT_MARKS_MAX} of {ops} operation marks"
        ));
    }
    let note = (!cut.is_empty()).then(|| {
        format!(
            "diagram cut short at the export's bounds: it draws {}",
            cut.join(" and ")
        )
    });
    let frame = Frame {
        from: 0,
        to: now.max(1),
        now: now as f64,
    };
    Export {
        text: lamport_document(&v, frame, Highlight::None, note.as_deref()),
        note,
    }
}

/// The ring of a run as it ends, with `key` placed on it, as a file.
pub fn ring_export(cluster: &Cluster, key: &str, cos_sin: CosSin<'_>) -> Export {
    Export {
        text: ring_document(&view::ring(cluster, key), None, cos_sin),
        note: None,
    }
}

#[cfg(test)]
mod tests;

//! The space-time (Lamport) diagram drawn: one lane per node and client,
//! time flowing right, an arrow per message from send to receipt, a dot
//! where an operation was invoked and where it completed.
//!
//! Arrows and marks are batched into a few paths (by colour and state), so
//! that hundreds of them cost a handful of DOM nodes; [`LamportDrawing`]
//! keeps where each one is, and [`LamportDrawing::pick`] finds the one
//! nearest a click. Each batch of marks names its operations in a
//! `data-ops` attribute, so the drawing (and a file made of it) says which
//! operation each dot stands for.
//!
//! CAVEATS:
//!
//! - A message still in flight is drawn up to where it is at `now`, the
//!   animation's clock: a drawing taken mid-flight shows it part-way.
//! - The view limits how many arrows it holds (the latest); the drawing
//!   draws all it is given.

use std::fmt::Write;

use super::colour::kind_color;
use super::path::{cross_path, distance, dot_path, Point};
use super::svg::Element;
use crate::fixed_point::{fixed, push_fixed, short};
use crate::ids::{Addr, MsgId, OpId, Time};
use crate::sim::history::MessageFate;
use crate::view::{LamportView, MarkKind, StepView};

/// The diagram's width in its own units.
pub const WIDTH: f64 = 640.0;
/// Where the lanes begin, after their names.
const LEFT: f64 = 34.0;

/// What is shown: the window of time and the animation's clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// The window's start, in ticks.
    pub from: Time,
    /// The window's end, in ticks.
    pub to: Time,
    /// The animation's clock, in ticks (between two ticks while playing).
    pub now: f64,
}

/// What the diagram highlights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Highlight {
    /// Nothing.
    #[default]
    None,
    /// A message's arrow.
    Message(MsgId),
    /// An operation's marks.
    Op(OpId),
    /// A broken session guarantee: the operation where it broke (`at`) and
    /// the write it missed, ringed and joined.
    Violation {
        /// The get, or the later put.
        at: OpId,
        /// The write it does not see or follow.
        missed: OpId,
    },
}

/// What a click on the diagram hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// An operation's mark.
    Op(OpId),
    /// A message's arrow.
    Message(MsgId),
}

/// The diagram drawn, and where its marks and arrows are.
#[derive(Clone, Debug, PartialEq)]
pub struct LamportDrawing {
    /// The `<svg>` element.
    pub svg: Element,
    /// The drawing's height (its width is [`WIDTH`]).
    pub height: f64,
    /// Each operation mark drawn, where it is.
    pub marks: Vec<(OpId, Point)>,
    /// Each arrow drawn, from where to where.
    pub arrows: Vec<(MsgId, Point, Point)>,
}

impl LamportDrawing {
    /// The mark within 5 units of `p`, or else the arrow within 4.
    pub fn pick(&self, p: Point) -> Option<Pick> {
        let nearest = |d: &mut dyn Iterator<Item = (Pick, f64)>, max: f64| {
            d.min_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, d)| *d < max)
                .map(|(pick, _)| pick)
        };
        nearest(
            &mut self
                .marks
                .iter()
                .map(|(op, q)| (Pick::Op(*op), distance(p, *q, *q))),
            5.0,
        )
        .or_else(|| {
            nearest(
                &mut self
                    .arrows
                    .iter()
                    .map(|(id, a, b)| (Pick::Message(*id), distance(p, *a, *b))),
                4.0,
            )
        })
    }
}

/// A number as the drawing writes it: one decimal.
fn f1(v: f64) -> String {
    fixed(v, 1)
}

/// A line from `a` to `b`.
fn line(class: &'static str, a: Point, b: Point) -> Element {
    Element::new("line")
        .attr("class", class)
        .attr("x1", f1(a.0))
        .attr("y1", f1(a.1))
        .attr("x2", f1(b.0))
        .attr("y2", f1(b.1))
}

/// The lanes, one of `h` per address.
fn lanes(lanes: &[Addr], h: f64) -> impl Iterator<Item = Element> + '_ {
    let font = fixed((h * 0.7).clamp(6.0, 11.0), 0);
    lanes.iter().enumerate().map(move |(i, lane)| {
        let y = i as f64 * h + h / 2.0 + 4.0;
        let class = if matches!(lane, Addr::Client(_)) {
            "lane client-lane"
        } else {
            "lane"
        };
        Element::new("g")
            .attr("class", class)
            .child(
                Element::new("text")
                    .attr("x", "2")
                    .attr("y", f1(y + 3.0))
                    .attr("font-size", font.clone())
                    .text(lane.to_string()),
            )
            .child(
                Element::new("line")
                    .attr("x1", short(LEFT, 1))
                    .attr("x2", short(WIDTH, 1))
                    .attr("y1", f1(y))
                    .attr("y2", f1(y)),
            )
    })
}

/// A selected session-guarantee violation: both operations ringed where
/// they completed (or were invoked, if they had not), and a dashed line
/// from the write missed to where the guarantee broke.
fn violation(
    v: &LamportView,
    at: OpId,
    missed: OpId,
    x: &dyn Fn(f64) -> f64,
    lane_y: &dyn Fn(Addr) -> Option<f64>,
) -> Element {
    let place = |op: OpId| {
        let mark = v.marks.iter().rfind(
            |m| matches!(m.kind, MarkKind::Invoke(o) | MarkKind::Complete(o, _) if o == op),
        )?;
        Some((x(mark.at as f64), lane_y(mark.lane)?))
    };
    let ring = |op: OpId, role: &'static str, class: &'static str, what: String| {
        place(op).map(|(cx, cy)| {
            Element::new("circle")
                .attr("class", class)
                .attr("data-testid", format!("violation-{role}"))
                .attr("data-op", op.to_string())
                .attr("cx", f1(cx))
                .attr("cy", f1(cy))
                .attr("r", "6")
                .child(Element::new("title").text(what))
        })
    };
    let link = place(missed)
        .zip(place(at))
        .map(|(a, b)| line("violation-link", a, b).attr("data-testid", "violation-link"));
    Element::new("g")
        .attr("class", "violation")
        .attr("data-testid", "violation-pair")
        .attr("data-at", at.to_string())
        .attr("data-missed", missed.to_string())
        .children(link)
        .children(ring(
            missed,
            "missed",
            "violation-mark missed",
            format!("{missed}: the write {at} missed"),
        ))
        .children(ring(
            at,
            "at",
            "violation-mark at",
            format!("{at}: where the session guarantee broke"),
        ))
}

/// A counterexample's violating step, once the run has taken it (its arrow
/// has arrived or been lost; a step without a message, once the clock has
/// reached it): its arrow drawn over and its end ringed, or, on no lane, a
/// line across them all.
fn step(
    s: &StepView,
    v: &LamportView,
    arrows: &[(MsgId, Point, Point)],
    frame: Frame,
    x: &dyn Fn(f64) -> f64,
    lane_y: &dyn Fn(Addr) -> Option<f64>,
    bottom: f64,
) -> Option<Element> {
    let taken = match s.msg {
        Some(id) => v
            .arrows
            .iter()
            .any(|m| m.id == id && !matches!(m.fate, MessageFate::InFlight { .. })),
        None => s.at as f64 <= frame.now && s.at >= frame.from,
    };
    if !taken {
        return None;
    }
    let arrow = arrows.iter().find(|(id, _, _)| Some(*id) == s.msg);
    let here = arrow.map_or_else(
        || (x(s.at as f64), s.lane.and_then(lane_y)),
        |(_, _, b)| (b.0, Some(b.1)),
    );
    let mark = match here {
        (cx, Some(cy)) => Element::new("circle")
            .attr("cx", f1(cx))
            .attr("cy", f1(cy))
            .attr("r", "7"),
        (cx, None) => line("", (cx, 0.0), (cx, bottom)),
    };
    Some(
        Element::new("g")
            .attr("class", "violating-step")
            .attr("data-testid", "violating-step")
            .attr("data-choice", s.choice.clone())
            .attr("data-index", s.index.to_string())
            .attr("data-at", s.at.to_string())
            .attr(
                "data-lane",
                s.lane.map_or_else(String::new, |l| l.to_string()),
            )
            .child(Element::new("title").text(format!(
                "step {}: {} at t={}, where the property broke",
                s.index, s.choice, s.at
            )))
            .children(arrow.map(|(_, a, b)| line("", *a, *b)))
            .child(mark),
    )
}

/// A batch of arrows or marks: one path.
struct Batch {
    d: String,
    colour: &'static str,
    state: &'static str,
}

/// The space-time diagram of `v` in `frame`, with `highlight` drawn over it.
pub fn lamport(v: &LamportView, frame: Frame, highlight: Highlight) -> LamportDrawing {
    let lane_count = v.lanes.len().max(1);
    let lane_h = (300.0 / lane_count as f64).clamp(7.0, 22.0);
    let height = lane_count as f64 * lane_h + 18.0;
    let span = (frame.to.saturating_sub(frame.from)).max(1) as f64;
    let x = |t: f64| LEFT + (t - frame.from as f64) / span * (WIDTH - LEFT - 8.0);
    let lane_y = |addr: Addr| {
        v.lanes
            .iter()
            .position(|l| *l == addr)
            .map(|i| i as f64 * lane_h + lane_h / 2.0 + 4.0)
    };
    let mut batches: Vec<Batch> = Vec::new();
    let mut arrows: Vec<(MsgId, Point, Point)> = Vec::with_capacity(v.arrows.len());
    for m in &v.arrows {
        let (Some(y0), Some(y1)) = (lane_y(m.from), lane_y(m.to)) else {
            continue;
        };
        let (end, state, y_end) = match m.fate {
            MessageFate::Delivered { at } => (at as f64, "delivered", y1),
            MessageFate::InFlight { due_at } => {
                let end = frame.now.min(due_at as f64).max(m.sent_at as f64);
                let t = if due_at > m.sent_at {
                    (end - m.sent_at as f64) / (due_at - m.sent_at) as f64
                } else {
                    1.0
                };
                (end, "in-flight", y0 + (y1 - y0) * t)
            }
            MessageFate::Dropped { at, .. } => {
                let same = at == m.sent_at;
                let y = if same { y0 + (y1 - y0) * 0.4 } else { y1 };
                (
                    at.max(m.sent_at) as f64 + if same { 0.6 } else { 0.0 },
                    "lost",
                    y,
                )
            }
        };
        let (a, b) = ((x(m.sent_at as f64), y0), (x(end), y_end));
        let colour = if state == "lost" {
            "var(--bad)"
        } else {
            kind_color(m.kind)
        };
        let index = match batches
            .iter()
            .position(|p| p.colour == colour && p.state == state)
        {
            Some(i) => i,
            None => {
                batches.push(Batch {
                    d: String::new(),
                    colour,
                    state,
                });
                batches.len() - 1
            }
        };
        let path = &mut batches[index].d;
        for (mark, v) in [('M', a.0), (',', a.1), ('L', b.0), (',', b.1)] {
            path.push(mark);
            push_fixed(path, v, 1);
        }
        if state == "lost" {
            cross_path(path, b, 2.5);
        } else {
            dot_path(path, b, 1.3);
        }
        arrows.push((m.id, a, b));
    }
    let mut mark_batches: [(String, String); 3] = Default::default();
    let mut marks: Vec<(OpId, Point)> = Vec::new();
    let mut singles = Vec::new();
    for mark in &v.marks {
        let Some(y) = lane_y(mark.lane) else { continue };
        let at = (x(mark.at as f64), y);
        let (batch, op) = match mark.kind {
            MarkKind::Invoke(op) => (0, op),
            MarkKind::Complete(op, ok) => (if ok { 1 } else { 2 }, op),
            MarkKind::Crash | MarkKind::Restart => {
                let crash = mark.kind == MarkKind::Crash;
                singles.push(
                    Element::new("text")
                        .attr("x", f1(at.0))
                        .attr("y", f1(y + 4.0))
                        .attr("class", if crash { "crash" } else { "restart" })
                        .child(Element::new("title").text(format!("t={} {}", mark.at, mark.label)))
                        .text(if crash { "✕" } else { "↺" }),
                );
                continue;
            }
        };
        let (d, ops) = &mut mark_batches[batch];
        dot_path(d, at, 3.0);
        if !ops.is_empty() {
            ops.push(' ');
        }
        let _ = write!(ops, "{op}");
        marks.push((op, at));
    }
    let mut group = Element::new("g")
        .attr("class", "arrows")
        .attr("data-testid", "arrows");
    for b in batches {
        group = group.child(
            Element::new("path")
                .attr("class", format!("arrow {}", b.state))
                .attr("d", b.d)
                .attr("stroke", b.colour),
        );
    }
    for ((d, ops), class) in
        mark_batches
            .into_iter()
            .zip(["mark invoke", "mark done-ok", "mark done-bad"])
    {
        group = group.child(
            Element::new("path")
                .attr("class", class)
                .attr("d", d)
                .attr("data-ops", ops),
        );
    }
    match highlight {
        Highlight::None => {}
        Highlight::Message(id) => {
            group = group.children(
                arrows
                    .iter()
                    .find(|(m, _, _)| *m == id)
                    .map(|(_, a, b)| line("arrow-selected", *a, *b)),
            );
        }
        Highlight::Op(op) => {
            group = group.children(marks.iter().filter(|(o, _)| *o == op).map(|(_, c)| {
                Element::new("circle")
                    .attr("class", "mark-selected")
                    .attr("cx", f1(c.0))
                    .attr("cy", f1(c.1))
                    .attr("r", "5")
            }));
        }
        Highlight::Violation { at, missed } => {
            group = group.child(violation(v, at, missed, &x, &lane_y));
        }
    }
    if let Some(s) = &v.step {
        group = group.children(step(s, v, &arrows, frame, &x, &lane_y, height - 12.0));
    }
    let bottom = fixed(height - 12.0, 0);
    let faults = v.faults.iter().map(|(at, text)| {
        let fx = x(*at as f64);
        Element::new("g")
            .attr("class", "fault-line")
            .child(Element::new("title").text(format!("t={at} {text}")))
            .child(
                Element::new("line")
                    .attr("x1", f1(fx))
                    .attr("x2", f1(fx))
                    .attr("y1", "0")
                    .attr("y2", bottom.clone()),
            )
            .child(
                Element::new("text")
                    .attr("x", f1(fx + 2.0))
                    .attr("y", fixed(height - 2.0, 0))
                    .text(text.clone()),
            )
    });
    let now_x = f1(x(frame.now.min(frame.to as f64)));
    let svg = Element::new("svg")
        .attr(
            "viewBox",
            format!("0 0 {} {}", short(WIDTH, 1), fixed(height, 0)),
        )
        .attr("class", "lamport-svg")
        .attr("role", "group")
        .attr(
            "aria-label",
            "Space-time diagram: one lane per node and client, arrows from send to receipt",
        )
        .children(lanes(&v.lanes, lane_h))
        .children(faults)
        .child(group)
        .children(singles)
        .child(
            Element::new("line")
                .attr("class", "now-line")
                .attr("x1", now_x.clone())
                .attr("x2", now_x)
                .attr("y1", "0")
                .attr("y2", bottom),
        );
    LamportDrawing {
        svg,
        height,
        marks,
        arrows,
    }
}

//! The space-time (Lamport) diagram: one lane per node and client, time
//! flowing right, an arrow per message from send to receipt, live.

use std::rc::Rc;

use wildling_core::ids::Addr;
use wildling_core::sim::history::MessageFate;
use wildling_core::view::{LamportView, MarkKind};
use yew::prelude::*;

use std::fmt::Write;

use wildling_core::ids::{MsgId, OpId};

use super::facts::{messages, row, table, Facts, MESSAGE_HEADERS};
use super::{cross_path, dot_path, kind_color, svg_point};
use crate::msg::{Msg, Selection};

/// The diagram's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// What to draw.
    pub view: Rc<LamportView>,
    /// The window's start, in ticks.
    pub from: u64,
    /// The window's end, in ticks.
    pub to: u64,
    /// The animation's clock.
    pub now: f64,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

const WIDTH: f64 = 640.0;
const LEFT: f64 = 34.0;

/// The lanes, one of `lane_h` per address.
fn lane_lines(lanes: &[Addr], h: f64) -> Html {
    let font = format!("{:.0}", (h * 0.7).clamp(6.0, 11.0));
    lanes
        .iter()
        .enumerate()
        .map(|(i, lane)| {
            let y = i as f64 * h + h / 2.0 + 4.0;
            html! {
                <g key={lane.to_string()} class={classes!("lane", matches!(lane, Addr::Client(_)).then_some("client-lane"))}>
                    <text x="2" y={format!("{:.1}", y + 3.0)} font-size={font.clone()}>{ lane.to_string() }</text>
                    <line x1={LEFT.to_string()} x2={WIDTH.to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                </g>
            }
        })
        .collect()
}

/// A point in the diagram's coordinates.
type Point = (f64, f64);

/// The distance from `p` to the segment `a`-`b`.
fn distance(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx * dx + dy * dy;
    let t = if len == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len).clamp(0.0, 1.0)
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

/// A selected session-guarantee violation: the operation where it broke
/// (`at`) and the write it missed, each ringed where it completed (or was
/// invoked, if it had not), and a dashed line between them.
fn violation_pair(
    v: &LamportView,
    at: OpId,
    missed: OpId,
    x: &dyn Fn(f64) -> f64,
    lane_y: &dyn Fn(Addr) -> Option<f64>,
) -> Html {
    let place = |op: OpId| {
        let mark = v.marks.iter().rfind(
            |m| matches!(m.kind, MarkKind::Invoke(o) | MarkKind::Complete(o, _) if o == op),
        )?;
        Some((x(mark.at as f64), lane_y(mark.lane)?))
    };
    let ring = |op: OpId, role: &'static str, what: String| {
        place(op).map(|(cx, cy)| html! {
            <circle class={classes!("violation-mark", role)} data-testid={format!("violation-{role}")} data-op={op.to_string()}
                cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="6"><title>{ what }</title></circle>
        })
    };
    let link = place(missed).zip(place(at)).map(|(a, b)| html! {
        <line class="violation-link" data-testid="violation-link" x1={format!("{:.1}", a.0)} y1={format!("{:.1}", a.1)}
            x2={format!("{:.1}", b.0)} y2={format!("{:.1}", b.1)} />
    });
    html! {
        <g class="violation" data-testid="violation-pair" data-at={at.to_string()} data-missed={missed.to_string()}>
            { for link }
            { for ring(missed, "missed", format!("{missed}: the write {at} missed")) }
            { for ring(at, "at", format!("{at}: where the session guarantee broke")) }
        </g>
    }
}

/// The space-time diagram.
#[function_component(Lamport)]
pub fn lamport(props: &Props) -> Html {
    let v = &props.view;
    let lanes = v.lanes.len().max(1);
    let lane_h = (300.0 / lanes as f64).clamp(7.0, 22.0);
    let height = lanes as f64 * lane_h + 18.0;
    let span = (props.to.saturating_sub(props.from)).max(1) as f64;
    let x = |t: f64| LEFT + (t - props.from as f64) / span * (WIDTH - LEFT - 8.0);
    let lane_y = |addr: Addr| {
        v.lanes
            .iter()
            .position(|l| *l == addr)
            .map(|i| i as f64 * lane_h + lane_h / 2.0 + 4.0)
    };
    // Arrows and marks are batched into a few paths (by kind and state), so
    // that hundreds of them cost a handful of DOM nodes; a click finds the
    // nearest one.
    let mut paths: Vec<(String, &'static str, &'static str)> = Vec::new();
    let mut segments: Vec<(MsgId, Point, Point)> = Vec::with_capacity(v.arrows.len());
    for m in &v.arrows {
        let (Some(y0), Some(y1)) = (lane_y(m.from), lane_y(m.to)) else {
            continue;
        };
        let (end, state, y_end) = match m.fate {
            MessageFate::Delivered { at } => (at as f64, "delivered", y1),
            MessageFate::InFlight { due_at } => {
                let end = props.now.min(due_at as f64).max(m.sent_at as f64);
                let t = if due_at > m.sent_at {
                    (end - m.sent_at as f64) / (due_at - m.sent_at) as f64
                } else {
                    1.0
                };
                (end, "in-flight", y0 + (y1 - y0) * t)
            }
            MessageFate::Dropped { at, .. } => {
                let y = if at == m.sent_at {
                    y0 + (y1 - y0) * 0.4
                } else {
                    y1
                };
                (
                    at.max(m.sent_at) as f64 + if at == m.sent_at { 0.6 } else { 0.0 },
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
        let index = match paths
            .iter()
            .position(|(_, c, s)| *c == colour && *s == state)
        {
            Some(i) => i,
            None => {
                paths.push((String::new(), colour, state));
                paths.len() - 1
            }
        };
        let path = &mut paths[index].0;
        let _ = write!(path, "M{:.1},{:.1}L{:.1},{:.1}", a.0, a.1, b.0, b.1);
        if state == "lost" {
            cross_path(path, b, 2.5);
        } else {
            dot_path(path, b, 1.3);
        }
        segments.push((m.id, a, b));
    }
    let mut mark_paths = [String::new(), String::new(), String::new()];
    let mut points: Vec<(OpId, (f64, f64))> = Vec::new();
    let mut singles = Vec::new();
    for mark in &v.marks {
        let Some(y) = lane_y(mark.lane) else { continue };
        let at = (x(mark.at as f64), y);
        match mark.kind {
            MarkKind::Invoke(op) => {
                dot_path(&mut mark_paths[0], at, 3.0);
                points.push((op, at));
            }
            MarkKind::Complete(op, ok) => {
                dot_path(&mut mark_paths[if ok { 1 } else { 2 }], at, 3.0);
                points.push((op, at));
            }
            MarkKind::Crash | MarkKind::Restart => singles.push(html! {
                <text x={format!("{:.1}", at.0)} y={format!("{:.1}", y + 4.0)} class={if mark.kind == MarkKind::Crash { "crash" } else { "restart" }}>
                    <title>{ format!("t={} {}", mark.at, mark.label) }</title>
                    { if mark.kind == MarkKind::Crash { "✕" } else { "↺" } }
                </text>
            }),
        }
    }
    let selected = segments.iter().find(|(id, _, _)| props.selection == Selection::Message(*id)).map(|(_, a, b)| html! {
        <line class="arrow-selected" x1={format!("{:.1}", a.0)} y1={format!("{:.1}", a.1)} x2={format!("{:.1}", b.0)} y2={format!("{:.1}", b.1)} />
    });
    let selected_op = points.iter().filter(|(op, _)| props.selection == Selection::Op(*op)).map(|(_, (cx, cy))| html! {
        <circle class="mark-selected" cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="5" />
    }).collect::<Html>();
    let violation = match props.selection {
        Selection::Violation { at, missed } => violation_pair(v, at, missed, &x, &lane_y),
        _ => Html::default(),
    };
    let pick = {
        let on = props.on.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(p) = svg_point(&e, WIDTH, height) else {
                return;
            };
            let mark = points
                .iter()
                .map(|(op, q)| (*op, distance(p, *q, *q)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, d)| *d < 5.0);
            let arrow = segments
                .iter()
                .map(|(id, a, b)| (*id, distance(p, *a, *b)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, d)| *d < 4.0);
            if let Some((op, _)) = mark {
                on.emit(Msg::Select(Selection::Op(op)));
            } else if let Some((id, _)) = arrow {
                on.emit(Msg::Select(Selection::Message(id)));
            }
        })
    };
    let faults = v.faults.iter().map(|(at, text)| {
        let fx = x(*at as f64);
        html! {
            <g class="fault-line">
                <title>{ format!("t={at} {text}") }</title>
                <line x1={format!("{fx:.1}")} x2={format!("{fx:.1}")} y1="0" y2={format!("{:.0}", height - 12.0)} />
                <text x={format!("{:.1}", fx + 2.0)} y={format!("{:.0}", height - 2.0)}>{ text.clone() }</text>
            </g>
        }
    });
    let now_x = x(props.now.min(props.to as f64));
    let tables = {
        let (view, on) = (props.view.clone(), props.on.clone());
        Callback::from(move |()| lamport_tables(&view, &on))
    };
    html! {
        <section class="panel lamport" aria-labelledby="lamport-title">
            <h2 id="lamport-title">{ format!("Space-time diagram · t={}…{}", props.from, props.to) }</h2>
            <svg viewBox={format!("0 0 {WIDTH} {height:.0}")} class="lamport-svg" role="group"
                aria-label="Space-time diagram: one lane per node and client, arrows from send to receipt">
                { lane_lines(&v.lanes, lane_h) }
                { for faults }
                <g class="arrows" onclick={pick} data-testid="arrows">
                    { for paths.into_iter().map(|(d, colour, state)| html! {
                        <path key={format!("{state}{colour}")} class={classes!("arrow", state)} {d} stroke={colour} />
                    }) }
                    <path class="mark invoke" d={mark_paths[0].clone()} />
                    <path class="mark done-ok" d={mark_paths[1].clone()} />
                    <path class="mark done-bad" d={mark_paths[2].clone()} />
                    { selected.unwrap_or_default() }
                    { selected_op }
                    { violation }
                </g>
                { for singles }
                <line class="now-line" x1={format!("{now_x:.1}")} x2={format!("{now_x:.1}")} y1="0" y2={format!("{:.0}", height - 12.0)} />
            </svg>
            <Facts summary="The diagram as tables" testid="lamport-facts" tables={tables} />
        </section>
    }
}

/// The space-time diagram's text alternative: its messages, and its events
/// in time order.
fn lamport_tables(v: &LamportView, on: &Callback<Msg>) -> Html {
    let events = v.events();
    let mut events = events.iter().map(|e| {
        row(
            html! { format!("t={}", e.at) },
            &[
                e.lane
                    .map_or_else(|| "whole network".to_string(), |l| l.to_string()),
                e.what.to_string(),
            ],
        )
    });
    html! { <>
        { table("Messages", &MESSAGE_HEADERS, &mut messages(&v.arrows, on), "none in this window") }
        { table("Events: operations, crashes, restarts and faults", &["time", "lane", "what"], &mut events, "none in this window") }
    </> }
}

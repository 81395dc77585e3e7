//! The ring: partitions as arcs coloured by owner, the nodes round it, and a
//! key's hash position, its preference list with fallbacks as the
//! coordinator's failure detector sees it, the nodes holding a copy, and
//! which fallback holds a hint for which primary.

use std::f64::consts::{FRAC_PI_2, TAU};
use std::rc::Rc;

use wildling_core::view::RingView;
use yew::prelude::*;

use super::facts::{row, table, Facts};
use super::{click, event_value, node_color};
use crate::msg::{Msg, Selection};

/// The ring panel's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The ring and the inspected key.
    pub view: Rc<RingView>,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

const C: f64 = 120.0;
const R_OUT: f64 = 96.0;
const R_IN: f64 = 74.0;

fn point(fraction: f64, radius: f64) -> (f64, f64) {
    let angle = fraction * TAU - FRAC_PI_2;
    let (x, y) = super::cos_sin(angle);
    (C + radius * x, C + radius * y)
}

fn arc_path(start: f64, end: f64) -> String {
    let (x0, y0) = point(start, R_OUT);
    let (x1, y1) = point(end, R_OUT);
    let (x2, y2) = point(end, R_IN);
    let (x3, y3) = point(start, R_IN);
    let large = if end - start > 0.5 { 1 } else { 0 };
    format!(
        "M{x0:.2},{y0:.2} A{R_OUT},{R_OUT} 0 {large} 1 {x1:.2},{y1:.2} L{x2:.2},{y2:.2} A{R_IN},{R_IN} 0 {large} 0 {x3:.2},{y3:.2} Z"
    )
}

/// The ring panel.
#[function_component(RingPanel)]
pub fn ring_panel(props: &Props) -> Html {
    let view = &props.view;
    let count = view.nodes.len();
    let key_partition = view.key.as_ref().map(|k| k.partition);
    let selected = match props.selection {
        Selection::Node(n) => Some(n),
        _ => None,
    };
    let arcs = view.arcs.iter().map(|arc| {
        let class = classes!(
            "arc",
            (Some(arc.partition) == key_partition).then_some("key-partition"),
            (Some(arc.owner) == selected).then_some("selected")
        );
        html! {
            <path key={arc.partition.0} class={class} d={arc_path(arc.start, arc.end)} fill={node_color(arc.owner, count)}>
                <title>{ format!("{} owned by {}", arc.partition, arc.owner) }</title>
            </path>
        }
    });
    // Each node is labelled beside the first partition it owns.
    let labels = view.nodes.iter().filter_map(|node| {
        let arc = view.arcs.iter().find(|a| a.owner == *node)?;
        let (x, y) = point((arc.start + arc.end) / 2.0, R_OUT + 13.0);
        let id = *node;
        let select = click(&props.on, Msg::Select(Selection::Node(id)));
        Some(html! {
            <text key={node.0} x={format!("{x:.1}")} y={format!("{y:.1}")} class={classes!("ring-label", (selected == Some(id)).then_some("selected"))}
                onclick={select} fill={node_color(id, count)}>{ node.to_string() }</text>
        })
    });
    let key_mark = view.key.as_ref().map(|k| {
        let (x0, y0) = point(k.position, R_IN - 18.0);
        let (x1, y1) = point(k.position, R_OUT + 4.0);
        html! {
            <g class="key-mark" data-testid="key-mark">
                <line x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} />
                <circle cx={format!("{x0:.1}")} cy={format!("{y0:.1}")} r="3.5" />
                <text x={C.to_string()} y={(C + 4.0).to_string()} class="key-name">{ k.key.clone() }</text>
            </g>
        }
    });
    let set_key = props.on.reform(|e: Event| Msg::InspectKey(event_value(&e)));
    let list = view.key.as_ref().map(|k| {
        html! {
            <div class="preference-list">
                <p class="mono small">{ format!("hash at {:.3} of the ring → {}", k.position, k.partition) }</p>
                <p class="muted small">{ match k.coordinator {
                    Some(c) => format!("Where {c} would write it now, by its failure detector:"),
                    None => "Every primary is down:".to_string(),
                } }</p>
                <ol aria-label="Preference list" data-testid="preference-list">
                    { for k.placements.iter().enumerate().map(|(i, p)| {
                        let role = match (i, p.fallback_for) {
                            (_, Some(primary)) => format!("fallback for {primary}"),
                            (0, None) => "coordinator".to_string(),
                            _ => "primary".to_string(),
                        };
                        let holds = k.holders.contains(&p.node);
                        let hinted: Vec<String> = k.hints.iter().filter(|(h, _)| *h == p.node).map(|(_, to)| to.to_string()).collect();
                        html! {
                            <li class={classes!(p.fallback_for.map(|_| "fallback"))}>
                                <span class="swatch" style={format!("background:{}", node_color(p.node, count))}></span>
                                <b>{ p.node.to_string() }</b>{ format!(" {role}") }
                                if holds { <span class="badge ok">{ "holds a copy" }</span> }
                                if !hinted.is_empty() { <span class="badge hint" data-testid="ring-hint">{ format!("hint for {}", hinted.join(", ")) }</span> }
                            </li>
                        }
                    }) }
                </ol>
                { for k.primaries.iter().filter(|p| !k.placements.iter().any(|pl| pl.node == **p || pl.fallback_for == Some(**p))).map(|p| html! {
                    <p class="small bad">{ format!("{p} is suspected and no node can stand in for it") }</p>
                }) }
                { for k.hints.iter().filter(|(h, _)| !k.placements.iter().any(|p| p.node == *h)).map(|(h, to)| html! {
                    <p class="small" data-testid="ring-hint">{ format!("{h} still holds a hint for {to}") }</p>
                }) }
            </div>
        }
    });
    let tables = {
        let view = props.view.clone();
        Callback::from(move |()| ring_table(&view))
    };
    html! {
        <section class="panel ring" aria-labelledby="ring-title">
            <h2 id="ring-title">{ "Ring" }</h2>
            <label class="inline">{ "Key " }
                <input type="text" value={view.key.as_ref().map(|k| k.key.clone()).unwrap_or_default()}
                    onchange={set_key} aria-label="Key to inspect" data-testid="inspect-key" />
            </label>
            <svg viewBox="0 0 240 240" class="ring-svg" role="group" aria-label={format!("Ring of {} partitions", view.arcs.len())}>
                { for arcs }
                { for labels }
                { key_mark.unwrap_or_default() }
            </svg>
            { list.unwrap_or_default() }
            <Facts summary="The ring as a table" testid="ring-facts" tables={tables} />
        </section>
    }
}

/// The ring's text alternative: each partition's span and owner.
fn ring_table(view: &RingView) -> Html {
    table(
        "Partitions: where each begins and ends as a fraction of the ring, and the node that owns it",
        &["partition", "owner", "from", "to"],
        &mut view.arcs.iter().map(|a| {
            row(
                html! { a.partition.to_string() },
                &[a.owner.to_string(), format!("{:.3}", a.start), format!("{:.3}", a.end)],
            )
        }),
        "the ring has no members",
    )
}

//! The ring: partitions as arcs coloured by owner, the nodes round it, and a
//! key's hash position, its preference list with fallbacks as the
//! coordinator's failure detector sees it, the nodes holding a copy, and
//! which fallback holds a hint for which primary.

use wildling_core::drawing::ring::ring as draw;
use wildling_core::view::RingView;
use wildling_core::NodeId;
use yew::prelude::*;

use super::facts::{row, table, Facts};
use super::{class_list, click, cos_sin, event_value, markup, node_color, svg_html, Shared};
use crate::msg::{Msg, Selection};
use wildling_core::fixed_point::fixed;

/// The ring panel's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The ring and the inspected key.
    pub view: Shared<RingView>,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// The ring panel.
#[function_component(RingPanel)]
pub fn ring_panel(props: &Props) -> Html {
    let view = &props.view;
    let count = view.nodes.len();
    let selected = match props.selection {
        Selection::Node(n) => Some(n),
        _ => None,
    };
    // The core draws the ring; a node's label, clicked, selects the node.
    let svg = svg_html(&draw(view, selected, &cos_sin), &|e| {
        let id = e.get("data-node")?.parse().ok()?;
        Some(click(&props.on, Msg::Select, Selection::Node(NodeId(id))))
    });
    let set_key = props.on.reform(|e: Event| Msg::InspectKey(event_value(&e)));
    let list = view.key.as_ref().map(|k| {
        html! {
            <div class="preference-list">
                <p class="mono small">{ format!("hash at {} of the ring → {}", fixed(k.position, 3), k.partition) }</p>
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
                            <li class={class_list(&[p.fallback_for.map(|_| "fallback")])}>
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
            { markup("<h2 id=\"ring-title\">Ring</h2>") }
            <label class="inline">{ "Key " }
                <input type="text" value={view.key.as_ref().map(|k| k.key.clone()).unwrap_or_default()}
                    onchange={set_key} aria-label="Key to inspect" data-testid="inspect-key" />
            </label>
            { svg }
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
                &[a.owner.to_string(), fixed(a.start, 3), fixed(a.end, 3)],
            )
        }),
        "the ring has no members",
    )
}

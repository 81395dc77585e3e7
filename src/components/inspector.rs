//! The causal-history inspector for one key: each replica's clock in the
//! kernel's text form with its siblings, the version DAG with each version's
//! dot, and the model's sentence on why the last get returned what it did.

use std::rc::Rc;

use wildling_core::view::KeyView;
use yew::prelude::*;

use super::{class_list, click, markup};
use crate::msg::{Msg, Selection};
use wildling_core::fixed_point::fixed;

/// What the inspector shows.
pub struct Props {
    /// The inspected key.
    pub view: Rc<KeyView>,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

const ROW: f64 = 30.0;

/// The inspector. A function, not a component: it is small, and a
/// component costs the shipped app its own machinery.
pub fn inspector(props: &Props) -> Html {
    let v = &props.view;
    let replicas = v.replicas.iter().map(|r| {
        html! {
            <tr key={r.node.0} class={class_list(&[(!r.up).then_some("down")])}>
                <th scope="row">{ r.node.to_string() }{ if r.primary { "" } else { " (fallback)" } }
                    if r.stale { <span class="badge bad" title="another replica holds a write this one lacks" data-testid={format!("stale-{}", r.node.0)}>{ "stale" }</span> }</th>
                <td class="mono clock" data-testid={format!("clock-{}", r.node.0)}>{ r.clock.clone().unwrap_or_else(|| "—".into()) }</td>
                <td>{ for r.values.iter().map(|x| html! { <span class="sibling">{ x.clone() }</span> }) }</td>
            </tr>
        }
    });
    let height = (v.versions.len() as f64 * ROW + 10.0).max(30.0);
    let edges = v.versions.iter().enumerate().flat_map(|(i, version)| {
        version.supersedes.iter().map(move |&j| {
            let (y0, y1) = (i as f64 * ROW + 18.0, j as f64 * ROW + 18.0);
            let bend = 4.0 + (i - j.min(i)) as f64 * 7.0;
            html! { <path class="dag-edge" d={format!("M34,{y0} C{b},{y0} {b},{y1} 34,{y1}", y0 = fixed(y0, 0), y1 = fixed(y1, 0), b = fixed(34.0 - bend, 0))} marker-end="url(#dag-arrow)" /> }
        })
    });
    let boxes = v.versions.iter().enumerate().map(|(i, version)| {
        let y = i as f64 * ROW + 6.0;
        let op = version.op;
        let select = click(&props.on, Msg::Select, Selection::Op(op));
        let label = format!(
            "{} {} · {}{}",
            version.value,
            version.dot.clone().unwrap_or_default(),
            version.by,
            version.coordinator.map(|c| format!(" via {c}")).unwrap_or_default()
        );
        html! {
            <g key={op.0} class={class_list(&[Some("dag-node"), Some(if version.live { "live" } else { "superseded" })])} onclick={select}>
                <title>{ format!("{op}: context {}{}", version.context, if version.live { ", live" } else { ", superseded" }) }</title>
                <rect x="36" y={fixed(y, 0)} width="360" height="24" rx="5" />
                <text x="44" y={fixed(y + 11.0, 0)} class="dag-value">{ label }</text>
                <text x="44" y={fixed(y + 21.0, 0)} class="dag-ctx">{ format!("ctx {}", version.context) }</text>
            </g>
        }
    });
    html! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <h2 id="inspector-title">{ format!("Causal history of {} ({})", v.key, v.mode) }</h2>
            if let Some(text) = &v.explanation {
                <p class="explanation" data-testid="explanation">{ text.clone() }</p>
            }
            <table class="replicas" aria-label="Replica clocks">
                <thead><tr><th>{ "Replica" }</th><th>{ "Clock (kernel text form)" }</th><th>{ "Siblings" }</th></tr></thead>
                <tbody>{ for replicas }</tbody>
            </table>
            if v.versions.is_empty() {
                { markup("<h3>Versions</h3><p class=\"muted small\">No put of this key yet.</p>") }
            } else {
                { markup("<h3>Versions</h3>") }
                <svg class="dag" viewBox={format!("0 0 400 {}", fixed(height, 0))} role="group" aria-label="Version DAG: each write points to the writes its context superseded">
                    { markup("<defs><marker id=\"dag-arrow\" viewBox=\"0 0 6 6\" refX=\"5\" refY=\"3\" \
                        markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\"></path></marker></defs>") }
                    { for edges }
                    { for boxes }
                </svg>
                { markup("<p class=\"muted small\">Arrows go from a write to the writes whose dot its context contains \
                    (which it superseded). Green: still a sibling on some replica.</p>") }
            }
        </section>
    }
}

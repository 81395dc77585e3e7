//! The root component: it owns the model and lays out the panels.

use wildling_core::ring::Ring;
use wildling_core::NodeId;
use yew::prelude::*;

/// One line computed by the model, proving the wasm link works end to end.
fn ring_summary() -> String {
    let nodes: Vec<NodeId> = (1..=5).map(NodeId).collect();
    match Ring::new(64, &nodes, 3) {
        Ok(ring) => {
            let p = ring.partition_of(b"foo");
            let list: Vec<String> = ring
                .preference_list(b"foo", 3)
                .iter()
                .map(ToString::to_string)
                .collect();
            format!("\"foo\" → {p} → [{}]", list.join(", "))
        }
        Err(e) => format!("ring error: {e}"),
    }
}

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <div class="app">
            <header>
                <h1>{ "Wildling" }</h1>
                <span class="tagline">{ "a Dynamo playground" }</span>
                <span class="core-version">{ format!("wildling-core {}", wildling_core::VERSION) }</span>
            </header>
            <main class="panel cluster-placeholder" aria-label="Cluster view">
                <h2>{ "Cluster" }</h2>
                <p class="ring-summary mono">{ ring_summary() }</p>
            </main>
        </div>
    }
}

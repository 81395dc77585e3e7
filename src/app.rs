//! The root component: it owns the model and lays out the panels.

use yew::prelude::*;

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
            </main>
        </div>
    }
}

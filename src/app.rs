//! The root component: it owns the model and lays out the panels.

use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main class="app">
            <header><h1>{ "Wildling" }</h1></header>
            <p class="core-version">{ format!("wildling-core {}", wildling_core::VERSION) }</p>
        </main>
    }
}

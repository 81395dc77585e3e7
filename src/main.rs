//! The Wildling playground: a yew app over `wildling-core`.

mod app;
mod browser;
mod components;
mod embed;
mod lab;
mod msg;
mod presets;

// The allocator (talc) is wildling-web's, shared with the Lab.

fn main() {
    // On `#app`, not the body: the Lab (`crates/lab`) is another yew app
    // on its sibling `#lab`, and two apps must not share a host (`lab`).
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    if let Some(host) = host {
        yew::Renderer::<app::App>::with_root(host).render();
    }
}

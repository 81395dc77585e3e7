//! The Wildling playground: a yew app over `wildling-core`.

mod app;
mod components;
mod presets;
mod session;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

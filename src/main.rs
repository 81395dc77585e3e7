//! The Wildling playground: a yew app over `wildling-core`.

mod app;
mod browser;
mod components;
mod embed;
mod presets;
mod session;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

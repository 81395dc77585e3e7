//! The Wildling playground: a yew app over `wildling-core`.

mod app;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

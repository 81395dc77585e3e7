//! The Wildling playground: a yew app over `wildling-core`.

mod app;
mod browser;
mod components;
mod embed;
mod msg;
// The Experiments panel's pool (branch lab-panel) is its user; until that
// lands within the size rule, only its tests use it.
#[allow(dead_code)]
mod pool;
mod presets;
// The Explore panel is its first user (next step); until then only its tests use it.
#[allow(dead_code)]
mod worker;

/// The allocator: talc, smaller and faster than the standard dlmalloc on
/// WebAssembly (the shipped app is compiled for size).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    yew::Renderer::<app::App>::new().render();
}

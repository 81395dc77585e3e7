//! Nothing here: this crate only carries `tests/`, which run `wildling-core`
//! compiled to wasm32 in headless Chromium (`cargo test --target wasm32-unknown-unknown -p wildling-wasm-tests`).

//! The core, compiled to wasm32, run in a real browser.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn core_version_is_linked() {
    assert_eq!(wildling_core::VERSION, env!("CARGO_PKG_VERSION"));
}

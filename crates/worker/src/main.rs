//! The playground's Web Worker: heavy jobs (experiment chunks,
//! explorations, the history and SVG downloads) in a second wasm, loaded on
//! first use so the main bundle carries none of them.
//!
//! In a *Web Worker* ([`serve`]) it carries out jobs: it hands each
//! message to [`wildling_core::jobs::handle`] and posts back every reply.
//! (The Lab runs a pool of them; the playground starts one for its
//! downloads.)
//!
//! trunk builds it as a worker (index.html, `data-type="worker"`):
//! wasm-bindgen's no-modules glue `wildling-worker.js`, the wasm
//! `wildling-worker_bg.wasm`, and the loader shim `wildling-worker_loader.js`
//! a `new Worker(...)` starts, on first use only.
//!
//! CAVEATS
//! - A panic would trap (the release profile aborts): in a worker the page
//!   sees the worker's `error` event and reports the job failed. The core's
//!   jobs validate their input, so a bad message is an error reply instead.
//! - Natively this binary only says what it is; its modules are compiled
//!   (and linted) natively all the same.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod serve;

/// The allocator: talc, as in the main app.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    serve::serve();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("wildling-worker is the playground's lab and Web Worker; trunk builds it for wasm32");
    std::process::exit(2);
}

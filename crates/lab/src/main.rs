//! The Lab: the playground's heavy panels in a second wasm module, loaded
//! on first use, so that the main bundle carries none of their code.
//!
//! Contents:
//! - [`lab`]: the frame (heading, Close, Escape) and how the Lab talks to
//!   the playground (`wildling:open` on `window`).
//! - [`experiments`]: the Experiments panel (issue 16): a built-in, a seed
//!   range, Run/Cancel, progress and ETA, charts with hover values and
//!   table twins; a point opens its seed in the playground.
//! - [`explore`]: the Explore panel (issue 15): a teaching case, a
//!   built-in or the playground's own session, bounds and properties,
//!   Run/Cancel in a worker, progress,
//!   and each broken property's shortest counterexample opened in the
//!   playground.
//! - [`author`]: the author panel (issue 17): a tutorial written from the
//!   playground's session, step by step, its assertions picked from what
//!   the page shows and checked live in a worker; Export, Copy link, Embed
//!   snippet and Preview.
//! - [`pool`]: the Web Workers the panel runs an experiment on.
//! - [`session`]: the playground's session, asked for on `window` (the
//!   author and Explore panels' shared door).
//!
//! Shared with the playground through `wildling-web` (never copied): the
//! SVG nodes of a core drawing, the input helpers and the worker client.
//!
//! ## Design
//! The main bundle has a budget (docs/size.md), and the Experiments panel
//! alone measured +18,418 B gzip -9 in it: a yew component's update and
//! view code, the chart reader, the pool. So it lives here, a second yew
//! app with its own wasm, built by trunk as a `data-type="worker"` link
//! *without* a loader shim (index.html): wasm-bindgen's `no-modules`
//! output, `wildling-lab.js` and `wildling-lab_bg.wasm`, no file hash. The
//! playground's Experiments button adds `lab.js` (www/lab.js, copied) to
//! the page on first use; it adds `wildling-lab.js` as a classic script
//! (the no-modules glue declares `wasm_bindgen` with a top-level `let`,
//! which only a classic script sees) and starts it, which runs `main`
//! below. A load failure is dispatched as `wildling:lab-failed` and shown
//! by the playground.
//!
//! Two yew apps in one document must not share a host: yew delegates
//! events from its host with capture listeners and both apps number their
//! subtrees from 1, so a Lab inside the playground's tree would have its
//! clicks handled by the playground too. The playground mounts on `#app`,
//! the Lab on its sibling `#lab` ([`lab::HOST_ID`]); the playground's
//! document-wide keyboard shortcuts ignore keys pressed inside `#lab`.
//!
//! The Lab computes no protocol result either: the workers
//! (`crates/worker`) run the core's jobs, and the Lab shows their replies.
//!
//! CAVEATS
//! - The Lab's wasm carries its own copy of yew and of the core parts it
//!   uses (docs/size.md has its size): a second download, on first use.
//! - Natively this binary only says what it is; its modules are compiled,
//!   linted and their pure parts tested natively all the same.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod author;
mod experiments;
mod explore;
mod lab;
mod pool;
mod session;

#[cfg(target_arch = "wasm32")]
fn main() {
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(lab::HOST_ID));
    let Some(host) = host else {
        web_sys::console::error_1(&"wildling-lab: the page has no #lab element".into());
        return;
    };
    // Escape anywhere in #lab, the host included (focused on opening).
    let escape = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
        |e: web_sys::KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                lab::close();
            }
        },
    );
    use wasm_bindgen::JsCast;
    let _ = host.add_event_listener_with_callback("keydown", escape.as_ref().unchecked_ref());
    // The Lab lives as long as the page.
    escape.forget();
    yew::Renderer::<lab::Lab>::with_root(host).render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "wildling-lab is the playground's Lab (a second wasm module); trunk builds it for wasm32"
    );
    std::process::exit(2);
}

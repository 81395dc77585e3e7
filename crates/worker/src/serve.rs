//! The worker's role: a thin shell around [`wildling_core::jobs`].
//!
//! Its first message is the protocol's `ready`; the page sends nothing
//! before it. Every message in is one JSON text and every message out is
//! one JSON text; anything else in gets an error reply. A job runs to its
//! end in one call, so cancelling is `worker.terminate()`.
//!
//! CAVEATS
//! - Progress replies are posted during the job but delivered to the page
//!   as they come: the page's handler runs on its own thread.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};
use wildling_core::jobs::{handle, Reply, ReplyBody};

/// Answer messages until the page terminates the worker.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let out = scope.clone();
    let post = move |reply: Reply| {
        // Posting a string cannot fail (it is cloneable); nothing to do if it did.
        let _ = out.post_message(&JsValue::from_str(&reply.to_json()));
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let mut post = post.clone();
        match e.data().as_string() {
            Some(text) => handle(&text, &mut post),
            None => post(Reply::new(
                0,
                ReplyBody::Error {
                    field: String::new(),
                    message: "a message is one JSON text (a string)".to_string(),
                },
            )),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(&Reply::ready().to_json()));
}

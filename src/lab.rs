//! The door to the Lab (`crates/lab`): the heavy panels live in a second
//! wasm module so that the main bundle carries a button and two listeners,
//! not the panels.
//!
//! [`open`] un-hides the page's `#lab` element and focuses it; the first
//! time, it also adds `lab.js` (www/lab.js), which loads the Lab's
//! no-modules glue and wasm and mounts the Lab there. [`listen`], once at
//! start, hears the Lab on `window`: `wildling:open` carries a scenario's
//! JSON text (a seed of an experiment), read exactly as an imported file
//! (`ShareMsg::Import`: same validation, same message, the session kept
//! when it is refused); `wildling:lab-failed` says why the Lab did not
//! load, shown as an error notice. A script that fails to load says so the
//! same way. `wildling:session-request` (the Lab's author panel asking
//! for the session shown) is answered by [`answer`] with
//! `wildling:session`, whose detail is the session's JSON text, the very
//! text Export session writes (its `time_ticks` is the position).
//!
//! CAVEATS
//! - Anything on the page may dispatch `wildling:open`: its detail is
//!   untrusted text, which is why it goes through the import path and
//!   nowhere else. A detail that is not a string is refused, and so is one
//!   longer than [`MAX_SCENARIO_BYTES`] UTF-16 units, measured before it is
//!   copied into the wasm's memory (which a huge string could exhaust).
//! - The Lab stays loaded once loaded; hiding it keeps its state.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::Callback;

use wildling_core::scenario::MAX_SCENARIO_BYTES;
use wildling_web::page::event_text;

use crate::msg::{Msg, ShareMsg};

/// The element the Lab is mounted on (index.html).
const HOST_ID: &str = "lab";
/// The Lab's loader script, once added.
const SCRIPT_ID: &str = "lab-script";

fn failed(on: &Callback<Msg>, why: String) {
    on.emit(Msg::LabFailed(format!(
        "The Experiments lab could not load: {why}"
    )));
}

/// Show the Lab, loading it on first use.
pub fn open(on: &Callback<Msg>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.get_element_by_id(SCRIPT_ID).is_none() {
        let Ok(script) = doc.create_element("script") else {
            return;
        };
        script.set_id(SCRIPT_ID);
        let _ = script.set_attribute("src", "lab.js");
        let on = on.clone();
        EventListener::once(&script, "error", move |_| {
            failed(&on, "lab.js could not be fetched".into())
        })
        .forget();
        if let Some(head) = doc.head() {
            let _ = head.append_child(&script);
        }
    }
    if let Some(host) = doc
        .get_element_by_id(HOST_ID)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        host.set_hidden(false);
        let _ = host.focus();
    }
}

/// Hear the Lab for the page's life.
pub fn listen(on: &Callback<Msg>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let detail = |e: &web_sys::Event| {
        e.dyn_ref::<web_sys::CustomEvent>()
            .and_then(|e| e.detail().as_string())
    };
    let open = on.clone();
    EventListener::new(&window, "wildling:open", move |e| {
        let text = event_text(e, "the Lab", "scenario text", MAX_SCENARIO_BYTES);
        open.emit(Msg::Share(ShareMsg::Import(text)));
    })
    .forget();
    let asked = on.clone();
    EventListener::new(&window, "wildling:session-request", move |_| {
        asked.emit(Msg::Share(ShareMsg::SessionRequested))
    })
    .forget();
    let fail = on.clone();
    EventListener::new(&window, "wildling:lab-failed", move |e| {
        failed(&fail, detail(e).unwrap_or_default())
    })
    .forget();
}

/// Tell the Lab the session shown: `wildling:session`, its detail the
/// session's JSON text.
pub fn answer(session: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&session.into());
    if let (Some(window), Ok(event)) = (
        web_sys::window(),
        web_sys::CustomEvent::new_with_event_init_dict("wildling:session", &init),
    ) {
        let _ = window.dispatch_event(&event);
    }
}

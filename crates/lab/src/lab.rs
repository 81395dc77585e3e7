//! The Lab's frame: a heading, a Close button, and the panels (Experiments,
//! Explore, then Author). It lives in
//! the page's `#lab` element, which the playground un-hides (and focuses)
//! when its Experiments button is pressed; Close and Escape hide it again
//! and give the focus back to that button. Escape is heard on `#lab`
//! itself (`main.rs`), not in the frame: the host has the focus when the
//! Lab opens, and yew only hands on events from inside its own tree.
//!
//! The Lab talks to the playground through the document only: opening a
//! seed's run, a counterexample or a previewed tutorial dispatches `wildling:open` on `window` with the scenario's
//! JSON text as its `detail`, and hides the Lab. The playground reads that
//! text as it reads an imported file (`src/lab.rs` there), so a malformed
//! one is refused with the import's own message and the user's session is
//! kept. Neither module links the other's code.
//!
//! CAVEATS
//! - Hiding keeps the Lab's state (a run in progress goes on): the Lab is
//!   mounted once per page and never unmounted.
//! - The event's detail is text, not an object: the playground validates it
//!   as untrusted input whoever dispatched it.

use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::author::Author;
use crate::experiments::Experiments;
use crate::explore::Explore;

/// The element the Lab is mounted on (index.html).
pub const HOST_ID: &str = "lab";
/// The playground's button that opens the Lab: focus goes back there.
pub const OPENER_ID: &str = "open-lab";
/// The event that asks the playground to open a scenario.
pub const OPEN_EVENT: &str = "wildling:open";

fn element(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into()
        .ok()
}

/// Hide the Lab and give the focus back to the playground's button.
pub fn close() {
    if let Some(host) = element(HOST_ID) {
        host.set_hidden(true);
    }
    if let Some(opener) = element(OPENER_ID) {
        let _ = opener.focus();
    }
}

/// Ask the playground to open `scenario` (JSON text), and hide the Lab.
fn open_in_playground(scenario: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(scenario));
    let event = web_sys::CustomEvent::new_with_event_init_dict(OPEN_EVENT, &init);
    if let (Some(window), Ok(event)) = (web_sys::window(), event) {
        let _ = window.dispatch_event(&event);
    }
    close();
}

/// The Lab's frame.
#[function_component]
pub fn Lab() -> Html {
    let open = Callback::from(|scenario: String| open_in_playground(&scenario));
    html! {
        <div class="lab">
            <div class="lab-head">
                <h2 id="lab-title">{ "The Lab: seed sweeps, exploration and tutorial authoring, in Web Workers" }</h2>
                <button data-testid="lab-close" aria-label="Close the Experiments lab"
                    onclick={Callback::from(|_| close())}>{ "Close" }</button>
            </div>
            <Experiments open={open.clone()} />
            <Explore open={open.clone()} />
            <Author {open} />
        </div>
    }
}

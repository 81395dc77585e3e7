//! The playground's session, asked for: the door the author and Explore
//! panels share.
//!
//! [`ask`] dispatches `wildling:session-request` on `window`; the
//! playground (`src/lab.rs` there) answers `wildling:session`, its detail
//! the session's JSON text, the very text Export session writes. Each
//! panel hears every answer for its life ([`listen`]) and keeps only the
//! one it asked for; reading it changes nothing in the playground. A
//! detail that is not text, or longer than the largest session the core
//! reads, is the panel's error, not a crash.
//!
//! CAVEATS
//! - Answers are not numbered: two panels asking at once each take the
//!   next answer, which is the same session either way.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wildling_core::scenario::MAX_SCENARIO_BYTES;
use yew::html::Scope;
use yew::Component;

use wildling_web::page::event_text;

/// The event that asks the playground for its session.
const SESSION_REQUEST: &str = "wildling:session-request";
/// The playground's answer: its detail is the session's JSON text.
const SESSION: &str = "wildling:session";

/// A listener on `window`, removed never: a panel lives as long as the page.
pub type Listener = Option<Closure<dyn FnMut(web_sys::Event)>>;

/// Hear the playground's `wildling:session` for the panel's life: each
/// answer becomes `message(the session's text, or why it is unreadable)`.
pub fn listen<C: Component>(
    link: &Scope<C>,
    message: impl Fn(Result<String, String>) -> C::Message + 'static,
) -> Listener {
    let link = link.clone();
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let session = event_text(&e, "the playground", "session text", MAX_SCENARIO_BYTES);
        link.send_message(message(session));
    });
    web_sys::window()?
        .add_event_listener_with_callback(SESSION, listener.as_ref().unchecked_ref())
        .ok()?;
    Some(listener)
}

/// Ask the playground for its session.
pub fn ask() {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(SESSION_REQUEST)) {
        let _ = window.dispatch_event(&event);
    }
}

//! The page services both modules use: the page's address, a download,
//! the clipboard, the embed's iframe snippet, and the text of an event one
//! module dispatches for the other. Each fails quietly instead of panicking: a sandboxed iframe
//! may refuse a download, and a page without a secure context has no
//! clipboard.
//!
//! CAVEATS
//! - [`copy_text`] reports whether the browser took the text; a browser
//!   that wants a user gesture refuses a copy made long after the click.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The page's address without query or fragment.
pub fn page_address() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// Put `text` on the clipboard; `done` hears whether it worked. Without a
/// clipboard (no secure context, a sandbox, an old browser) `done(false)`.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let write = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"clipboard".into()).ok())
        .filter(|c| c.is_object())
        .and_then(|clipboard| {
            let write = Reflect::get(&clipboard, &"writeText".into()).ok()?;
            let write = write.dyn_into::<Function>().ok()?;
            write.call1(&clipboard, &text.into()).ok()
        })
        .and_then(|p| p.dyn_into::<Promise>().ok());
    match write {
        Some(promise) => settle(promise, move |result| done(result.is_ok())),
        None => done(false),
    }
}

/// Call `then` once `promise` settles.
pub fn settle(promise: Promise, then: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    settle_boxed(promise, Box::new(then));
}

/// [`settle`] for one type of `then`: the waiting is compiled once, not once
/// per caller.
fn settle_boxed(promise: Promise, then: Box<dyn FnOnce(Result<JsValue, JsValue>)>) {
    wasm_bindgen_futures::spawn_local(async move {
        then(wasm_bindgen_futures::JsFuture::from(promise).await);
    });
}

/// Offer `text` as a download called `name`, labelled with the media type
/// `media_type` (`application/json`, `image/svg+xml`, …).
pub fn download(name: &str, text: &str, media_type: &str) {
    let _ = try_download(name, text, media_type);
}

fn try_download(name: &str, text: &str, media_type: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let url = blob_url(text, media_type)?;
    let a = document
        .create_element("a")
        .ok()?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

/// A `blob:` address of `text`, labelled with `media_type`.
pub fn blob_url(text: &str, media_type: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The iframe snippet for this page with `?embed=1` and then `rest` (more
/// parameters, or a link's `#` part).
pub fn embed_snippet(rest: &str) -> String {
    format!(
        "<iframe src=\"{}?embed=1{rest}\" sandbox=\"allow-scripts\" width=\"100%\" height=\"640\" \
         style=\"border:0\" title=\"Wildling: a Dynamo playground\" loading=\"lazy\"></iframe>",
        page_address()
    )
}

/// The text a `CustomEvent` carries as its detail, refused by its length
/// (in UTF-16 units, over `limit`) before it is copied into the wasm's
/// memory, which a huge string could exhaust: anything on the page may
/// dispatch an event. The errors name `sender` and `what` it should have
/// sent ("the Lab sent no scenario text").
pub fn event_text(
    e: &web_sys::Event,
    sender: &str,
    what: &str,
    limit: usize,
) -> Result<String, String> {
    let detail = e
        .dyn_ref::<web_sys::CustomEvent>()
        .map(|e| e.detail())
        .and_then(|d| d.dyn_into::<js_sys::JsString>().ok())
        .ok_or_else(|| format!("{sender} sent no {what}"))?;
    match detail.length() as usize {
        len if len > limit => Err(format!(
            "{sender} sent {len} characters; the limit is {limit}"
        )),
        _ => Ok(String::from(detail)),
    }
}

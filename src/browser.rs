//! The few browser services the share, autosave and embed features need,
//! each wrapped so that it fails quietly instead of panicking: a sandboxed
//! iframe may refuse `localStorage`, a page without a secure context has no
//! clipboard, and a user may drop anything on the page.

use wasm_bindgen::{JsCast, JsValue};
use wildling_web::page::settle;
pub use wildling_web::page::{copy_text, download, page_address};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// JavaScript's `Number(text)`: the number the text spells (surrounding
    /// white space allowed), 0 for empty text, NaN for anything else.
    #[wasm_bindgen(js_name = Number)]
    pub fn number(text: &str) -> f64;

    /// The browser's `CompressionStream` (web-sys has it only as unstable).
    type CompressionStream;

    /// A stream compressing in `format` (`"deflate-raw"`); throws where the
    /// browser does not know the format.
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    /// The compressed output.
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;

    /// Where the input goes.
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;
}

/// Milliseconds on the page's monotonic clock (`performance.now()`), for
/// pacing work within a frame; 0 where there is no Performance API.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The localStorage key of the autosaved session.
const AUTOSAVE_KEY: &str = "wildling.session.v1";

fn storage() -> Option<web_sys::Storage> {
    // `window.localStorage` itself throws in an opaque-origin sandbox.
    web_sys::window()?.local_storage().ok().flatten()
}

/// The autosaved session JSON, if there is one and storage can be read.
pub fn autosaved() -> Option<String> {
    storage()?.get_item(AUTOSAVE_KEY).ok().flatten()
}

/// Autosave `json`; a storage that refuses (full, sandboxed, disabled) is
/// ignored: the playground works without it.
pub fn autosave(json: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(AUTOSAVE_KEY, json);
    }
}

/// The page's query parameter `name`, if present.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The URL fragment without its `#`, or an empty string.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Replace the URL fragment without adding a history entry (`""` removes it).
pub fn set_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let search = window.location().search().unwrap_or_default();
    let url = if fragment.is_empty() {
        format!("{}{search}", page_address())
    } else {
        format!("{}{search}#{fragment}", page_address())
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Compress `bytes` as raw deflate with the browser's `CompressionStream`,
/// then call `then` with the result, or with `None` if the browser cannot.
pub fn deflate_raw(bytes: &[u8], then: impl FnOnce(Option<Vec<u8>>) + 'static) {
    let compressed = (|| {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
        let deflate = CompressionStream::new("deflate-raw").ok()?;
        let pair = web_sys::ReadableWritablePair::new(&deflate.readable(), &deflate.writable());
        let stream = blob.stream().pipe_through(&pair);
        let response = web_sys::Response::new_with_opt_readable_stream(Some(&stream)).ok()?;
        response.array_buffer().ok()
    })();
    match compressed {
        Some(promise) => settle(promise, move |result| {
            then(
                result
                    .ok()
                    .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec()),
            )
        }),
        None => then(None),
    }
}

/// Fetch `path` (relative to the page: a file trunk copied into `dist/`)
/// as text, then call `done` with it, or with why it could not be had: the
/// network failed, the server answered with an error, or the text is over
/// `limit_bytes`.
pub fn fetch_text(
    path: &str,
    limit_bytes: usize,
    done: impl FnOnce(Result<String, String>) + 'static,
) {
    fetch_text_boxed(path, limit_bytes, Box::new(done));
}

/// [`fetch_text`] for one type of `done`: the async body is the shipped
/// app's code once, not once per caller.
fn fetch_text_boxed(path: &str, limit_bytes: usize, done: Box<dyn FnOnce(Result<String, String>)>) {
    let Some(window) = web_sys::window() else {
        done(Err(format!("{path} cannot be fetched here")));
        return;
    };
    let path = path.to_string();
    let unreachable = move |path: &str| format!("{path} could not be fetched (offline?)");
    wasm_bindgen_futures::spawn_local(async move {
        use wasm_bindgen_futures::JsFuture;
        let response = JsFuture::from(window.fetch_with_str(&path))
            .await
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::Response>().ok());
        let Some(response) = response else {
            return done(Err(unreachable(&path)));
        };
        if !response.ok() {
            return done(Err(format!(
                "{path}: the server answered {}",
                response.status()
            )));
        }
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string()),
            Err(_) => None,
        };
        done(match text {
            None => Err(unreachable(&path)),
            Some(text) if text.len() > limit_bytes => Err(format!(
                "{path} is {} bytes; the limit is {limit_bytes}",
                text.len()
            )),
            Some(text) => Ok(text),
        })
    });
}

/// Read a file the user chose or dropped as text, refusing files over
/// `limit_bytes` before reading them.
pub fn read_file(
    file: web_sys::File,
    limit_bytes: usize,
    done: impl FnOnce(Result<String, String>) + 'static,
) {
    let size = file.size();
    if size > limit_bytes as f64 {
        // A file's size is a whole number of bytes: written as an integer,
        // not through f64's Display (docs/size.md, session 10).
        done(Err(format!(
            "{} is {} bytes; the limit is {limit_bytes}",
            file.name(),
            size as u64
        )));
        return;
    }
    let name = file.name();
    settle(file.text(), move |result| {
        done(
            result
                .ok()
                .and_then(|text| text.as_string())
                .ok_or_else(|| format!("{name} cannot be read as text")),
        )
    });
}

/// Whether the page runs inside a frame.
pub fn in_frame() -> bool {
    web_sys::window()
        .and_then(|w| {
            let parent: JsValue = w.parent().ok()??.into();
            Some(!js_sys::Object::is(&parent, &w))
        })
        .unwrap_or(false)
}

/// Post `message` to the embedding page, to `target_origin` (`*` for any).
pub fn post_to_parent(message: &JsValue, target_origin: &str) {
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(message, target_origin);
    }
}

/// Whether `source` (a message event's source) is the embedding page.
pub fn is_parent(source: &JsValue) -> bool {
    web_sys::window()
        .and_then(|w| w.parent().ok().flatten())
        .is_some_and(|parent| js_sys::Object::is(&parent.into(), source))
}

/// The document's height in CSS pixels, for `resize` messages.
pub fn document_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| f64::from(e.scroll_height()))
}

/// Set `data-theme` on the root element (`light` or `dark`).
pub fn set_theme(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

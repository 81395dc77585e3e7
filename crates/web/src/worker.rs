//! The page's side of the Web Worker (`crates/worker`): one [`Worker`]
//! drives one worker thread over the versioned job protocol of
//! `wildling_core::jobs`.
//!
//! The worker's wasm is a second download the page never fetches until a
//! panel asks for work: [`Worker::ask`] starts it (`new
//! Worker("./wildling-worker_loader.js")`, trunk's loader shim) on first
//! use. Its first message is `ready`; requests asked before it are queued
//! and posted then, because a message posted before the worker's wasm has
//! started would be lost. Every request gets the next id, and every reply
//! carrying that id goes to the request's callback: `progress` replies as
//! [`Answer::Progress`], the last reply as [`Answer::Done`] (the reply
//! body, e.g. `{"explored": {...}}`) or [`Answer::Failed`] (an `error`
//! reply, in words naming the field). A request ends at its final reply:
//! its callback is dropped then.
//!
//! Cancelling is terminating ([`Worker::cancel`]): a job is one synchronous
//! call in the worker, so it reads no message while it runs. The thread is
//! gone, its pending requests are forgotten (their callbacks never hear
//! again), and the next `ask` starts a fresh one. A worker that fails (its
//! script does not load, its wasm traps: the `error` event) or sends what
//! is not a reply fails every pending request with a message naming what
//! failed, and is restarted lazily the same way.
//!
//! A pool is N of these: each `Worker` is its own thread with its own ids.
//! Cloning a `Worker` clones a handle to the same thread.
//!
//! The main bundle's cost is kept small on purpose: replies are read as
//! `serde_json::Value` (the app already carries serde_json), never as the
//! core's typed job replies, whose deserializers (experiment sums,
//! histograms) would all be linked into the main wasm. Requests are built
//! by the caller as a job's JSON value ([`Worker::ask`] adds `protocol` and
//! `id`). [`route`] is the pure part (reply text in, which request and what
//! it says out), tested natively.
//!
//! CAVEATS
//! - A reply is parsed on the main thread; an exploration's final reply
//!   carries its counterexamples' sessions (kilobytes, at most
//!   `jobs::MAX_REPLY_BYTES`): one parse, well under a frame for the
//!   teaching cases.
//! - An `error` reply with id 0 (the worker could not read a request's id)
//!   cannot be routed; since this client only posts requests it built, it
//!   means the two sides disagree, and every pending request fails with it.
//! - Terminating kills every request on that thread: a pool that wants to
//!   cancel one chunk runs it on its own `Worker`.
//! - In a sandboxed iframe (`sandbox="allow-scripts"`, an opaque origin)
//!   `new Worker(LOADER)` is refused; the thread then starts from a `blob:`
//!   script doing what the loader does with absolute addresses (the host
//!   must send `Access-Control-Allow-Origin` for the wasm, as for the
//!   page's own). The blob's address is never revoked: a few bytes per
//!   thread started.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wildling_core::scenario::json_text;

/// The protocol version this page speaks (`wildling_core::jobs::PROTOCOL`;
/// a native test holds them equal).
pub const PROTOCOL: u64 = 1;
/// The worker's script: trunk's loader shim for `crates/worker`.
pub const LOADER: &str = "./wildling-worker_loader.js";
/// The worker's glue and wasm, as the loader shim names them.
const SCRIPT: &str = "./wildling-worker.js";
const WASM: &str = "./wildling-worker_bg.wasm";
/// The largest reply read (`wildling_core::jobs::MAX_REPLY_BYTES`).
pub const MAX_REPLY_BYTES: usize = 64 << 20;

/// What a request's callback hears.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A `progress` reply's body (`{"progress": {...}}`); more follow.
    Progress(Value),
    /// The final reply's body (`{"explored": {...}}`, `{"chunk": {...}}`).
    Done(Value),
    /// The request failed: an `error` reply or the worker itself, in words.
    Failed(String),
}

impl Answer {
    /// Whether the request has ended with this answer.
    pub fn is_final(&self) -> bool {
        !matches!(self, Answer::Progress(_))
    }
}

/// Where a reply goes: to one request, or (a broken worker) to all.
#[derive(Clone, Debug, PartialEq)]
pub enum Routed {
    /// The worker has started.
    Ready,
    /// For the request with this id.
    To(u64, Answer),
    /// Fails every pending request.
    All(String),
}

/// Read one message from the worker: which request it is for and what it
/// says. Pure, so it is tested natively.
pub fn route(text: &str) -> Routed {
    if text.len() > MAX_REPLY_BYTES {
        return Routed::All(format!(
            "the worker's reply is {} bytes; the limit is {MAX_REPLY_BYTES}",
            text.len()
        ));
    }
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return Routed::All("the worker sent a reply that is not JSON".to_string());
    };
    let protocol = value.get("protocol").and_then(Value::as_u64);
    if protocol != Some(PROTOCOL) {
        return Routed::All(format!(
            "the worker speaks protocol {}; this page speaks {PROTOCOL}",
            protocol.map_or_else(|| "(none)".to_string(), |p| p.to_string())
        ));
    }
    let (Some(id), Some(body)) = (
        value.get("id").and_then(Value::as_u64),
        value.get_mut("reply").map(Value::take),
    ) else {
        return Routed::All("the worker sent a reply without an id or a body".to_string());
    };
    if body.as_str() == Some("ready") {
        return Routed::Ready;
    }
    let answer = if let Some(error) = body.get("error") {
        let text = |name: &str| error.get(name).and_then(Value::as_str).unwrap_or("");
        let (field, message) = (text("field"), text("message"));
        Answer::Failed(if field.is_empty() {
            format!("the worker refused the job: {message}")
        } else {
            format!("the worker refused the job: {field}: {message}")
        })
    } else if body.get("progress").is_some() {
        Answer::Progress(body)
    } else {
        Answer::Done(body)
    };
    match (id, answer) {
        (0, Answer::Failed(message)) => Routed::All(message),
        (id, answer) => Routed::To(id, answer),
    }
}

/// A `blob:` script that does what trunk's loader shim ([`LOADER`]) does,
/// with the page's absolute addresses: a worker started from a blob
/// resolves relative ones against the blob's.
fn blob_loader() -> Option<String> {
    let page = web_sys::window()?.location().href().ok()?;
    let at = |file: &str| Some(web_sys::Url::new_with_base(file, &page).ok()?.href());
    // `{:?}` quotes each address as a JavaScript string would: a URL's
    // `href` is percent-encoded ASCII, so it holds no character the two
    // languages escape differently.
    let script = format!(
        "importScripts({:?});wasm_bindgen({:?});",
        at(SCRIPT)?,
        at(WASM)?
    );
    crate::page::blob_url(&script, "text/javascript")
}

/// A request's JSON text: the job with this page's protocol and the id.
pub fn request_text(id: u64, job: &Value) -> String {
    json_text(&object(vec![
        ("protocol", PROTOCOL.into()),
        ("id", id.into()),
        ("job", job.clone()),
    ]))
}

/// The JSON object of `fields`, as `json!` builds it but without its
/// `to_value(…).unwrap()` per field, which links serde_json's `Debug` of its
/// error into the page for a panic that cannot happen. The fields are
/// inserted one by one: collecting the map would sort the fields with the
/// standard library's sort, kilobytes more in the page.
pub fn object(fields: Vec<(&str, Value)>) -> Value {
    let mut object = serde_json::Map::new();
    for (name, value) in fields {
        object.insert(name.to_string(), value);
    }
    Value::Object(object)
}

type OnAnswer = Box<dyn FnMut(Answer)>;

/// The running thread and the closures it calls (kept alive with it).
struct Thread {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Default)]
struct Inner {
    thread: Option<Thread>,
    ready: bool,
    /// Requests asked before `ready`, as text, in order.
    queued: Vec<String>,
    /// Requests waiting for their final reply (a few: a Vec, not a map,
    /// whose code would cost the main bundle kilobytes).
    pending: Vec<(u64, OnAnswer)>,
    next_id: u64,
    /// Bumped by every cancel, so a callback that cancelled is not put back.
    generation: u64,
}

/// A handle to one worker thread (started on first use).
#[derive(Clone, Default)]
pub struct Worker {
    inner: Rc<RefCell<Inner>>,
}

impl Worker {
    /// A handle; no thread is started until [`Worker::ask`].
    pub fn new() -> Worker {
        Worker::default()
    }

    /// Whether any request is waiting for its final reply.
    pub fn busy(&self) -> bool {
        !self.inner.borrow().pending.is_empty()
    }

    /// Post `job` (a job's JSON, e.g. `{"explore": {...}}`); `on_answer`
    /// hears every reply to it, the last one final. Starts the worker if it
    /// is not running. Returns the request's id.
    pub fn ask(&self, job: &Value, on_answer: impl FnMut(Answer) + 'static) -> u64 {
        let mut on_answer: OnAnswer = Box::new(on_answer);
        let (id, text) = {
            let mut inner = self.inner.borrow_mut();
            inner.next_id += 1;
            let id = inner.next_id;
            (id, request_text(id, job))
        };
        if self.inner.borrow().thread.is_none() {
            if let Err(why) = self.start() {
                on_answer(Answer::Failed(why));
                return id;
            }
        }
        let mut inner = self.inner.borrow_mut();
        inner.pending.push((id, on_answer));
        if inner.ready {
            let posted = inner
                .thread
                .as_ref()
                .map(|t| t.worker.post_message(&JsValue::from_str(&text)));
            if !matches!(posted, Some(Ok(()))) {
                let (_, mut on_answer) = inner.pending.pop().expect("just pushed");
                drop(inner);
                on_answer(Answer::Failed(
                    "the request could not be posted to the worker".to_string(),
                ));
            }
        } else {
            inner.queued.push(text);
        }
        id
    }

    /// Terminate the thread: every pending request is forgotten (its
    /// callback is dropped unheard). The next `ask` starts a new thread.
    pub fn cancel(&self) {
        let mut inner = self.inner.borrow_mut();
        if let Some(thread) = inner.thread.take() {
            // A reply the worker posted before it was terminated can still be
            // queued for this page: with the handlers cleared it finds none,
            // rather than the closures dropped here ("closure invoked
            // recursively or after being dropped", seen once when the Lab's
            // Cancel stopped its workers mid-run).
            thread.worker.set_onmessage(None);
            thread.worker.set_onerror(None);
            thread.worker.set_onmessageerror(None);
            thread.worker.terminate();
        }
        inner.ready = false;
        inner.queued.clear();
        inner.pending.clear();
        inner.generation += 1;
    }

    fn start(&self) -> Result<(), String> {
        let worker = web_sys::Worker::new(LOADER)
            .or_else(|direct| {
                // A sandboxed iframe (an opaque origin) may not start a
                // worker from the server's address, but may from a blob it
                // made itself.
                blob_loader()
                    .and_then(|url| web_sys::Worker::new(&url).ok())
                    .ok_or(direct)
            })
            .map_err(|e| format!("the worker ({LOADER}) could not be started: {}", words(&e)))?;
        let weak = Rc::downgrade(&self.inner);
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(inner) = weak.upgrade() {
                    let routed = match e.data().as_string() {
                        Some(text) => route(&text),
                        None => Routed::All("the worker sent a reply that is not text".into()),
                    };
                    Worker { inner }.deliver(routed);
                }
            });
        let weak = Rc::downgrade(&self.inner);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            // An ErrorEvent when the script or its wasm failed; a plain
            // Event for `messageerror`.
            let detail = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("{} event", e.type_()));
            if let Some(inner) = weak.upgrade() {
                let worker = Worker { inner };
                worker.cancel_keeping_callbacks(format!("the worker ({LOADER}) failed: {detail}"));
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        inner.ready = false;
        inner.thread = Some(Thread {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        });
        Ok(())
    }

    /// Terminate after a failure, telling every pending request why.
    fn cancel_keeping_callbacks(&self, why: String) {
        let pending = std::mem::take(&mut self.inner.borrow_mut().pending);
        self.cancel();
        for (_, mut on_answer) in pending {
            on_answer(Answer::Failed(why.clone()));
        }
    }

    fn deliver(&self, routed: Routed) {
        match routed {
            Routed::Ready => {
                let mut inner = self.inner.borrow_mut();
                inner.ready = true;
                let queued = std::mem::take(&mut inner.queued);
                let posted = inner.thread.as_ref().is_some_and(|t| {
                    queued
                        .iter()
                        .all(|text| t.worker.post_message(&JsValue::from_str(text)).is_ok())
                });
                drop(inner);
                if !posted {
                    self.cancel_keeping_callbacks(
                        "the requests could not be posted to the worker".to_string(),
                    );
                }
            }
            Routed::To(id, answer) => {
                // Take the callback out while it runs: it may ask again.
                let (taken, generation) = {
                    let mut inner = self.inner.borrow_mut();
                    let at = inner.pending.iter().position(|(i, _)| *i == id);
                    (
                        at.map(|at| inner.pending.swap_remove(at).1),
                        inner.generation,
                    )
                };
                if let Some(mut on_answer) = taken {
                    let last = answer.is_final();
                    on_answer(answer);
                    let mut inner = self.inner.borrow_mut();
                    if !last && inner.generation == generation {
                        inner.pending.push((id, on_answer));
                    }
                }
            }
            Routed::All(why) => self.cancel_keeping_callbacks(why),
        }
    }
}

/// A thrown JavaScript value in words.
fn words(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an exception".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A request's text is what `json!` wrote before it: the same fields,
    /// in the same order.
    #[test]
    fn a_request_is_the_job_with_the_protocol_and_its_id() {
        let job = json!({"tutorial-read": {"tutorial": "{}", "scenario": null}});
        assert_eq!(
            request_text(7, &job),
            json_text(&json!({"protocol": PROTOCOL, "id": 7, "job": job}))
        );
        assert_eq!(
            object(vec![("b", 1.into()), ("a", Value::Null)]),
            json!({"a": null, "b": 1})
        );
    }

    #[test]
    fn replies_are_routed_to_their_request() {
        assert_eq!(
            route(r#"{"protocol":1,"id":0,"reply":"ready"}"#),
            Routed::Ready
        );
        let progress = r#"{"protocol":1,"id":4,"reply":{"progress":{"progress":{"states":9}}}}"#;
        let Routed::To(4, answer @ Answer::Progress(_)) = route(progress) else {
            panic!("progress for 4: {:?}", route(progress))
        };
        assert!(!answer.is_final());
        let done = r#"{"protocol":1,"id":5,"reply":{"scenario":{"text":"{}"}}}"#;
        assert_eq!(
            route(done),
            Routed::To(5, Answer::Done(json!({"scenario": {"text": "{}"}})))
        );
        assert!(Answer::Done(Value::Null).is_final());
    }

    #[test]
    fn errors_name_the_field_and_broken_replies_fail_everything() {
        let refused = r#"{"protocol":1,"id":6,"reply":{"error":{"field":"job.explore.depth_max","message":"0; it is 1 to 200"}}}"#;
        assert_eq!(
            route(refused),
            Routed::To(
                6,
                Answer::Failed(
                    "the worker refused the job: job.explore.depth_max: 0; it is 1 to 200".into()
                )
            )
        );
        let Routed::All(why) =
            route(r#"{"protocol":1,"id":0,"reply":{"error":{"field":"","message":"bad JSON"}}}"#)
        else {
            panic!("an unroutable error fails all")
        };
        assert!(why.contains("bad JSON"), "{why}");
        let Routed::All(why) = route(r#"{"protocol":2,"id":1,"reply":"ready"}"#) else {
            panic!("a wrong version fails all")
        };
        assert!(why.contains("protocol 2"), "{why}");
        assert!(matches!(route("not json"), Routed::All(_)));
        assert!(matches!(
            route(r#"{"protocol":1,"reply":"ready"}"#),
            Routed::All(_)
        ));
        let huge = " ".repeat(MAX_REPLY_BYTES + 1);
        let Routed::All(why) = route(&huge) else {
            panic!("too large")
        };
        assert!(why.contains("limit"), "{why}");
    }

    #[test]
    fn the_page_speaks_the_cores_protocol() {
        assert_eq!(PROTOCOL, u64::from(wildling_core::jobs::PROTOCOL));
        assert_eq!(MAX_REPLY_BYTES, wildling_core::jobs::MAX_REPLY_BYTES);
        // A request the core reads back, with its id and job.
        let text = request_text(
            12,
            &json!({"explore": {"scenario": "quorum-success", "depth_max": 3}}),
        );
        let request = wildling_core::jobs::parse_request(&text).expect("the core reads it");
        assert_eq!(request.id, 12);
        assert!(matches!(
            request.job,
            wildling_core::jobs::Job::Explore(ref j) if j.depth_max == 3
        ));
    }
}

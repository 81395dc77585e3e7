//! Embed mode: the playground inside another page's iframe, and the
//! postMessage API the embedding page drives it with.
//!
//! ## Query parameters
//!
//! `embed=1` shows compact chrome (no settings column, no share toolbar) and
//! neither reads nor writes the autosave: an embed shows its author's
//! scenario, not the visitor's last session. `hideControls=1` also hides the
//! time bar. `theme=light|dark` forces a theme. `tutorial=<id>` opens a guided
//! tutorial, `scenario=<name>` a preset or built-in scenario, and a `#w1.…`
//! fragment a share link. `start=<ticks>` opens at that time. `steps=A..B`
//! locks the range: the tutorial's steps A to B (counted from 1) when a
//! tutorial is open, virtual time A to B (ticks) otherwise.
//!
//! ## Messages
//!
//! Every message, both ways, is a plain object `{ wildling: 1, type, ... }`
//! (`wildling` is the protocol version). The embed posts:
//!
//! - `{ wildling: 1, type: "ready", version, tutorial, steps }` once, after its first render;
//! - `{ wildling: 1, type: "state", time, events, traceHash, playing, nextAt, sent, dropped,
//!   tutorial, step, steps, stopped }` whenever the time, position or play state changed
//!   (`traceHash` is 16 hex digits; `step` counts from 1; `stopped` is null, or why the
//!   run stopped before going quiet: `events-budget`, `messages-budget` or `bytes-budget`
//!   when it used its resource budget, at `time`; playing ends there);
//! - `{ wildling: 1, type: "resize", height }` when the document's height changed (CSS px);
//! - `{ wildling: 1, type: "error", message }` when a command could not be carried out.
//!
//! It accepts `{ wildling: 1, type: "load", link }` (a share link, `#` optional),
//! `{ wildling: 1, type: "load", scenario }` (session or scenario JSON, as text or as an
//! object) or `{ wildling: 1, type: "load", tutorial }` (a built-in tutorial's id, or a
//! tutorial file as text or as an object: `docs/tutorial-format.md`; a bad one is an
//! `error` naming the field, and the session stays), `play`, `pause`, `step` (the next tutorial step, or one event),
//! `seek` with `ticks` (a whole number), and `reset` (back to what the page opened).
//!
//! ## Who may send
//!
//! With `parentOrigin=<origin>`, only messages from the embedding window whose
//! origin is exactly that are accepted, and the embed posts to that origin
//! only. Without it, only messages from the embedding window (`event.source`
//! is `window.parent`) are accepted, from any origin, and the embed posts to
//! `*`: what it posts is the public state of a simulation, never user data.
//! Anything else (another frame, a wrong origin, a wrong shape, an unknown
//! type or version, an oversized payload) is dropped with a console warning.
//!
//! CAVEATS
//! - `state` is posted at most once per animation frame while playing; a
//!   page that needs every event should pause and `step`.
//! - `seek` goes to the end of the tick, and processes at most
//!   [`wildling_core::playback::SEEK_EVENTS_MAX`] events.
//! - A message is read as the JSON text the browser writes for it
//!   (`JSON.stringify`): what JSON cannot hold is gone before it is read
//!   (an `undefined` field is left out, `NaN` is null), and a message it
//!   cannot write (a cycle, a `BigInt`) is dropped as not JSON.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;
use wildling_core::ids::Time;
use wildling_core::quoted::Quoted;
use wildling_core::scenario::{json_text, MAX_SCENARIO_BYTES};
use wildling_core::share::MAX_LINK_CHARS;
use wildling_core::tutorial::{MAX_ID_BYTES, MAX_TUTORIAL_BYTES};

use crate::browser;

/// The protocol version, the value of every message's `wildling` field.
pub const PROTOCOL: u32 = 1;
/// The longest message read, in characters of its JSON text: the largest
/// payload ([`MAX_SCENARIO_BYTES`], a tutorial's is the same) twice over,
/// since a payload sent as text is escaped once more. Each payload's own
/// cap applies after.
pub const MAX_MESSAGE_CHARS: usize = 2 * MAX_SCENARIO_BYTES + 1024;

/// What the page's address asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbedOptions {
    /// `embed=1`: compact chrome, no autosave.
    pub embed: bool,
    /// `hideControls=1`: no time bar.
    pub hide_controls: bool,
    /// `theme=light|dark`.
    pub theme: Option<&'static str>,
    /// `tutorial=<id>`.
    pub tutorial: Option<String>,
    /// `scenario=<name>`.
    pub scenario: Option<String>,
    /// `start=<ticks>`.
    pub start_ticks: Option<Time>,
    /// `steps=A..B`, both ends included.
    pub steps: Option<(u64, u64)>,
    /// `parentOrigin=<origin>`.
    pub parent_origin: Option<String>,
}

impl EmbedOptions {
    /// The options in the page's query string.
    pub fn from_page() -> EmbedOptions {
        EmbedOptions::parse(browser::query_param)
    }

    /// The options given a lookup of query parameters; malformed values are
    /// ignored (with a console warning), never fatal.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> EmbedOptions {
        let flag = |name: &str| get(name).is_some_and(|v| v == "1" || v == "true");
        let number = |name: &str| {
            let text = get(name)?;
            let parsed = text.trim().parse().ok();
            if parsed.is_none() {
                gloo::console::warn!(format!(
                    "wildling: ignoring {name}={}: not a whole number",
                    Quoted(&text)
                ));
            }
            parsed
        };
        let steps = get("steps").and_then(|text| {
            let range = text
                .split_once("..")
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                .filter(|(a, b)| a <= b);
            if range.is_none() {
                gloo::console::warn!(format!(
                    "wildling: ignoring steps={}: expected A..B with A <= B",
                    Quoted(&text)
                ));
            }
            range
        });
        EmbedOptions {
            embed: flag("embed"),
            hide_controls: flag("hideControls"),
            theme: match get("theme").as_deref() {
                Some("light") => Some("light"),
                Some("dark") => Some("dark"),
                _ => None,
            },
            tutorial: get("tutorial"),
            scenario: get("scenario"),
            start_ticks: number("start"),
            steps,
            parent_origin: get("parentOrigin").filter(|o| !o.is_empty()),
        }
    }

    /// Whether a message event may drive this page: it comes from the
    /// embedding window, and from `parentOrigin` when one is set.
    pub fn accepts(&self, event: &web_sys::MessageEvent) -> Result<(), String> {
        let from_parent = event
            .source()
            .is_some_and(|source| browser::is_parent(&JsValue::from(source)));
        if !from_parent {
            return Err("it does not come from the embedding page".into());
        }
        match &self.parent_origin {
            Some(allowed) if *allowed != event.origin() => Err(format!(
                "its origin {} is not parentOrigin {}",
                Quoted(&event.origin()),
                Quoted(allowed)
            )),
            _ => Ok(()),
        }
    }

    /// Post `body` to the embedding page, if there is one.
    pub fn post(&self, body: Outgoing) {
        if !browser::in_frame() {
            return;
        }
        // Written as JSON text by serde_json (which the app carries anyway)
        // and made an object by the browser's `JSON.parse`.
        let message = serde_json::to_string(&body)
            .map_err(|e| e.to_string())
            .and_then(|text| js_sys::JSON::parse(&text).map_err(|_| "not JSON".to_string()));
        match message {
            Ok(message) => {
                // The envelope's version joins the body's fields here: a
                // flattened envelope struct would be serde's most generic
                // code in the shipped app.
                let _ = js_sys::Reflect::set(&message, &"wildling".into(), &PROTOCOL.into());
                browser::post_to_parent(&message, self.parent_origin.as_deref().unwrap_or("*"))
            }
            Err(e) => gloo::console::warn!(format!("wildling: cannot post a message: {e}")),
        }
    }
}

/// A command from the embedding page.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Open a share link, or a session or scenario file's JSON.
    Load {
        /// A share link (`w1.…`, `#` optional).
        link: Option<String>,
        /// Session or scenario JSON, as text or as an object.
        scenario: Option<serde_json::Value>,
        /// A built-in tutorial's id, or a tutorial file (text or object).
        tutorial: Option<serde_json::Value>,
    },
    /// Start playing.
    Play,
    /// Stop playing.
    Pause,
    /// The next tutorial step, or one event.
    Step,
    /// Go to the end of this tick.
    Seek {
        /// The virtual time, in ticks.
        ticks: Time,
    },
    /// Back to what the page opened with.
    Reset,
}

/// What a `load` command carries, once its size is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A share link.
    Link(String),
    /// Session or scenario JSON.
    Json(String),
    /// A built-in tutorial's id.
    Tutorial(String),
    /// A tutorial file's JSON.
    TutorialJson(String),
}

impl Command {
    /// Check a message's shape and read the command in it.
    pub fn parse(data: &JsValue) -> Result<Command, String> {
        if !data.is_object() {
            return Err("it is not an object".into());
        }
        // The browser writes the object as JSON text (`JSON.stringify`),
        // refused by its length before it is copied into the wasm, and
        // serde_json reads it as a `Value`, whose fields are looked up: no
        // reader of JavaScript values of its own in the shipped app.
        let text = js_sys::JSON::stringify(data).map_err(|_| "it cannot be written as JSON")?;
        let chars = text.length() as usize;
        if chars > MAX_MESSAGE_CHARS {
            return Err(format!(
                "it is {chars} characters as JSON; the limit is {MAX_MESSAGE_CHARS}"
            ));
        }
        let message: Value =
            serde_json::from_str(&String::from(text)).map_err(|_| "it cannot be read as JSON")?;
        if message.get("wildling").and_then(Value::as_u64) != Some(u64::from(PROTOCOL)) {
            return Err(format!(
                "its \"wildling\" field is not the protocol version {PROTOCOL}"
            ));
        }
        let kind = message
            .get("type")
            .and_then(Value::as_str)
            .ok_or("its \"type\" field is not a string")?;
        // A field left out or null is none.
        let field = |name: &str| message.get(name).filter(|v| !v.is_null()).cloned();
        Ok(match kind {
            "load" => Command::Load {
                link: match field("link") {
                    None => None,
                    Some(Value::String(link)) => Some(link),
                    Some(_) => return Err("its \"link\" field is not a string".into()),
                },
                scenario: field("scenario"),
                tutorial: field("tutorial"),
            },
            "play" => Command::Play,
            "pause" => Command::Pause,
            "step" => Command::Step,
            "seek" => Command::Seek {
                ticks: message
                    .get("ticks")
                    .and_then(Value::as_u64)
                    .ok_or("its \"ticks\" field is not a whole number")?,
            },
            "reset" => Command::Reset,
            other => {
                return Err(format!(
                    "its type \"{other}\" is none of load, play, pause, step, seek and reset"
                ))
            }
        })
    }

    /// The payload of a `load`, size-capped.
    pub fn payload(
        link: Option<String>,
        scenario: Option<serde_json::Value>,
        tutorial: Option<serde_json::Value>,
    ) -> Result<Payload, String> {
        let payload = match (link, scenario, tutorial) {
            (Some(link), None, None) => Payload::Link(link),
            (None, Some(Value::String(text)), None) => Payload::Json(text),
            (None, Some(value), None) => Payload::Json(json_text(&value)),
            (None, None, Some(Value::String(text))) if !text.trim_start().starts_with('{') => {
                Payload::Tutorial(text)
            }
            (None, None, Some(Value::String(text))) => Payload::TutorialJson(text),
            (None, None, Some(value @ Value::Object(_))) => {
                Payload::TutorialJson(json_text(&value))
            }
            (None, None, Some(_)) => return Err(
                "\"tutorial\" must be a built-in tutorial's id or a tutorial file (text or object)"
                    .into(),
            ),
            _ => {
                return Err(
                    "load needs exactly one of \"link\", \"scenario\" and \"tutorial\"".into(),
                )
            }
        };
        let (len, limit) = match &payload {
            Payload::Link(link) => (link.len(), MAX_LINK_CHARS),
            Payload::Json(json) => (json.len(), MAX_SCENARIO_BYTES),
            Payload::Tutorial(id) => (id.len(), MAX_ID_BYTES),
            Payload::TutorialJson(json) => (json.len(), MAX_TUTORIAL_BYTES),
        };
        if len > limit {
            return Err(format!("the payload is {len} bytes; the limit is {limit}"));
        }
        Ok(payload)
    }
}

/// What the embed tells the embedding page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Outgoing {
    /// The embed has rendered and listens.
    Ready {
        /// The model's version.
        version: &'static str,
        /// The open tutorial's id.
        tutorial: Option<String>,
        /// How many steps it has.
        steps: Option<usize>,
    },
    /// Where the run stands.
    State(StateMessage),
    /// The document's height changed.
    Resize {
        /// The height, in CSS pixels.
        height: f64,
    },
    /// A command failed.
    Error {
        /// What went wrong.
        message: String,
    },
}

/// The body of a `state` message, all of it read from the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMessage {
    /// Virtual time, in ticks.
    pub time: Time,
    /// Events processed.
    pub events: u64,
    /// The trace hash, 16 hex digits.
    pub trace_hash: String,
    /// Whether it plays.
    pub playing: bool,
    /// When the next event is due.
    pub next_at: Option<Time>,
    /// Messages sent.
    pub sent: u64,
    /// Messages dropped.
    pub dropped: u64,
    /// The open tutorial's id.
    pub tutorial: Option<String>,
    /// Its current step, counted from 1.
    pub step: Option<usize>,
    /// How many steps it has.
    pub steps: Option<usize>,
    /// Why the run stopped before going quiet: `events-budget`,
    /// `messages-budget`, `bytes-budget` or `horizon`; null while it runs.
    pub stopped: Option<&'static str>,
}

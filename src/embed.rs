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

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wildling_core::ids::Time;
use wildling_core::quoted::Quoted;
use wildling_core::scenario::MAX_SCENARIO_BYTES;
use wildling_core::share::MAX_LINK_CHARS;
use wildling_core::tutorial::{MAX_ID_BYTES, MAX_TUTORIAL_BYTES};

use crate::browser;

/// The protocol version, the value of every message's `wildling` field.
pub const PROTOCOL: u32 = 1;

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
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        match body.serialize(&serializer) {
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
        let version = js_sys::Reflect::get(data, &"wildling".into()).unwrap_or_default();
        if version.as_f64() != Some(f64::from(PROTOCOL)) {
            return Err(format!(
                "its \"wildling\" field is not the protocol version {PROTOCOL}"
            ));
        }
        // The type is read first and each command's fields after, by
        // serde-wasm-bindgen: an internally tagged enum would buffer the
        // whole message through serde's generic content first.
        let kind = js_sys::Reflect::get(data, &"type".into())
            .ok()
            .and_then(|kind| kind.as_string())
            .ok_or("its \"type\" field is not a string")?;
        fn fields<T: serde::de::DeserializeOwned>(data: &JsValue) -> Result<T, String> {
            serde_wasm_bindgen::from_value(data.clone()).map_err(|e| e.to_string())
        }
        Ok(match kind.as_str() {
            "load" => {
                let LoadFields {
                    link,
                    scenario,
                    tutorial,
                } = fields(data)?;
                Command::Load {
                    link,
                    scenario,
                    tutorial,
                }
            }
            "play" => Command::Play,
            "pause" => Command::Pause,
            "step" => Command::Step,
            "seek" => {
                let SeekFields { ticks } = fields(data)?;
                Command::Seek { ticks }
            }
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
        use serde_json::Value;
        let payload = match (link, scenario, tutorial) {
            (Some(link), None, None) => Payload::Link(link),
            (None, Some(Value::String(text)), None) => Payload::Json(text),
            (None, Some(value), None) => Payload::Json(value.to_string()),
            (None, None, Some(Value::String(text))) if !text.trim_start().starts_with('{') => {
                Payload::Tutorial(text)
            }
            (None, None, Some(Value::String(text))) => Payload::TutorialJson(text),
            (None, None, Some(value @ Value::Object(_))) => {
                Payload::TutorialJson(value.to_string())
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

/// The fields of a `load` command ([`Command::Load`]).
#[derive(Deserialize)]
struct LoadFields {
    link: Option<String>,
    scenario: Option<serde_json::Value>,
    tutorial: Option<serde_json::Value>,
}

/// The fields of a `seek` command ([`Command::Seek`]).
#[derive(Deserialize)]
struct SeekFields {
    ticks: Time,
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

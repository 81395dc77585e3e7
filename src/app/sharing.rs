//! The App's share, autosave, tutorial and embed behaviour: opening a
//! [`share::Session`] from a link, a file, the autosave, a tutorial step or
//! the embedding page, and writing the current one back out.
//!
//! The browser compresses links (`CompressionStream("deflate-raw")`), so
//! the app ships an inflater but no compressor ([`share::frame_deflated`]);
//! a browser without that stream opens links but cannot make them, and says
//! so.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use wildling_core::scenario::{Scenario, MAX_SCENARIO_BYTES};
use wildling_core::share::{self, link_needs_warning};
use wildling_core::tutorial::{self, Focus, Tutorial};
use wildling_core::view;
use yew::prelude::*;

use super::{load, App, Notice};
use crate::browser;
use crate::components::click;
use crate::components::share::ShareView;
use crate::components::tutorial::TutorialState;
use crate::msg::{Msg, Selection, ShareMsg};
use crate::embed::{Command, EmbedOptions, Outgoing, Payload, StateMessage};
use wildling_core::playback::Playback;

/// The App's state for these features.
pub struct Sharing {
    /// The page's options.
    pub embed: Rc<EmbedOptions>,
    /// The share toolbar.
    pub view: ShareView,
    /// Why the link in the address could not be opened.
    pub link_error: Option<String>,
    /// While set, the autosave is not written: a bad link loaded the default
    /// scenario, and the autosave keeps the user's work until the user
    /// changes something (the generation and action count differ from these).
    pub autosave_held: Option<(u32, usize)>,
    /// The open tutorial.
    pub tutorial: Option<TutorialState>,
    /// What `reset` goes back to.
    pub initial: Option<share::Session>,
    /// What was last autosaved: time, actions, generation, key.
    saved: Option<(u64, usize, u32, String)>,
    /// What was last posted as `state`.
    posted: Option<StateMessage>,
    /// The last height posted.
    height: f64,
    /// Whether `ready` was posted (`state` follows it).
    ready: bool,
    _messages: Option<EventListener>,
}

/// The session the page opens with, and the banner to show.
pub struct Opening {
    /// The session.
    pub session: Playback,
    /// Its name, for the scenario picker.
    pub name: String,
    /// The share form it came from (for `reset`).
    pub shared: Option<share::Session>,
    /// Why the link could not be opened.
    pub link_error: Option<String>,
    /// The tutorial it opens.
    pub tutorial: Option<TutorialState>,
}

fn tutorial_session(t: &Tutorial, step: usize) -> Result<share::Session, String> {
    match t.session(step) {
        Some(Ok(s)) => Ok(s),
        Some(Err(e)) => Err(e.to_string()),
        None => Err(format!("{} has no step {}", t.id, step + 1)),
    }
}

/// Read share links, files and the autosave, in that order of precedence
/// (tutorials and scenarios named in the address before the autosave).
pub fn opening(embed: &EmbedOptions, default_name: &str) -> Opening {
    let default = || {
        let scenario = load(default_name).expect("the default preset is valid");
        Playback::new(scenario).expect("the default preset builds")
    };
    let mut link_error = None;
    let fragment = browser::fragment();
    let mut opened: Option<(
        Playback,
        String,
        Option<share::Session>,
        Option<TutorialState>,
    )> = None;
    if !fragment.is_empty() {
        match share::decode_session(&fragment)
            .map_err(|e| e.to_string())
            .and_then(|s| {
                Playback::from_share(&s)
                    .map(|o| (o, s))
                    .map_err(|e| e.to_string())
            }) {
            Ok((session, shared)) => {
                let name = shared.scenario.name.clone();
                if !embed.embed {
                    // The session now lives in the autosave; a reload opens that.
                    browser::set_fragment("");
                }
                opened = Some((session, name, Some(shared), None));
            }
            Err(e) => link_error = Some(e),
        }
    }
    if opened.is_none() && link_error.is_none() {
        if let Some(id) = &embed.tutorial {
            match tutorial::tutorial(id) {
                Some(t) => {
                    let step = embed
                        .steps
                        .map_or(0, |(a, _)| {
                            usize::try_from(a.saturating_sub(1)).unwrap_or(0)
                        })
                        .min(t.steps.len().saturating_sub(1));
                    match tutorial_session(&t, step).and_then(|s| {
                        Playback::from_share(&s)
                            .map(|o| (o, s))
                            .map_err(|e| e.to_string())
                    }) {
                        Ok((session, shared)) => {
                            let name = shared.scenario.name.clone();
                            let state = TutorialState {
                                tutorial: Rc::new(t),
                                step,
                            };
                            opened = Some((session, name, Some(shared), Some(state)));
                        }
                        Err(e) => link_error = Some(format!("tutorial {id}: {e}")),
                    }
                }
                None => link_error = Some(format!("there is no tutorial called {id:?}")),
            }
        } else if let Some(name) = &embed.scenario {
            match load(name).and_then(|s| Playback::new(s).map_err(|e| e.to_string())) {
                Ok(session) => opened = Some((session, name.clone(), None, None)),
                Err(e) => link_error = Some(e),
            }
        } else if !embed.embed {
            opened = browser::autosaved()
                .and_then(|json| share::Session::from_json(&json).ok())
                .and_then(|s| Playback::from_share(&s).ok().map(|o| (o, s)))
                .map(|(session, shared)| {
                    let name = shared.scenario.name.clone();
                    (session, name, Some(shared), None)
                });
        }
    }
    let (session, name, shared, tutorial) =
        opened.unwrap_or_else(|| (default(), default_name.to_string(), None, None));
    Opening {
        session,
        name,
        shared,
        link_error,
        tutorial,
    }
}

impl Sharing {
    /// The state at startup; listens to the embedding page in embed mode.
    pub fn new(
        embed: Rc<EmbedOptions>,
        opening: &Opening,
        generation: u32,
        link: &yew::html::Scope<App>,
    ) -> Sharing {
        if let Some(theme) = embed.theme {
            browser::set_theme(theme);
        }
        let messages = (embed.embed && browser::in_frame())
            .then(web_sys::window)
            .flatten()
            .map(|window| {
                let link = link.clone();
                EventListener::new(&window, "message", move |e| {
                    if let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() {
                        link.send_message(Msg::Share(ShareMsg::Message(e.clone())));
                    }
                })
            });
        Sharing {
            view: ShareView::default(),
            autosave_held: opening.link_error.as_ref().map(|_| (generation, 0)),
            link_error: opening.link_error.clone(),
            tutorial: opening.tutorial.clone(),
            initial: opening.shared.clone(),
            embed,
            saved: None,
            posted: None,
            height: 0.0,
            ready: false,
            _messages: messages,
        }
    }
}

impl App {
    /// The current session as a share session, with the inspected key.
    fn shared(&self) -> share::Session {
        self.session.to_share(Some(self.key.clone()))
    }

    /// Open a share session: replay it, and show it as the App's state.
    pub(super) fn open_shared(&mut self, shared: &share::Session) -> Result<(), String> {
        let session = Playback::from_share(shared).map_err(|e| e.to_string())?;
        let name = shared.scenario.name.clone();
        self.reset(session, name, shared.selected_key.clone());
        Ok(())
    }

    /// Open a link or a session or scenario file's text.
    fn open_payload(&mut self, payload: Payload) -> Result<(), String> {
        let shared = match payload {
            Payload::Link(link) => share::decode_session(&link).map_err(|e| e.to_string())?,
            Payload::Json(json) => parse_file(&json)?,
        };
        self.sharing.tutorial = None;
        self.open_shared(&shared)?;
        self.sharing.initial = Some(shared);
        Ok(())
    }

    /// Show step `step` of the open tutorial, with its focus and comparison.
    fn tutorial_step(&mut self, step: usize) {
        let Some(state) = self.sharing.tutorial.clone() else {
            return;
        };
        let (lo, hi) = self.step_range(&state.tutorial);
        let step = step.clamp(lo, hi);
        let t = &state.tutorial;
        let result = tutorial_session(t, step).and_then(|shared| {
            self.compare = t.compare_mode;
            self.open_shared(&shared)
        });
        match result {
            Ok(()) => {
                self.selection = match t.steps[step].focus {
                    Some(Focus::Node(node)) => Selection::Node(node),
                    Some(Focus::Op(op)) => Selection::Op(op),
                    _ => Selection::None,
                };
                self.sharing.tutorial = Some(TutorialState { step, ..state });
            }
            Err(e) => self.notice = Some(error_notice(e)),
        }
    }

    /// The steps the learner may visit: all, or the embed's locked range.
    pub(super) fn step_range(&self, t: &Tutorial) -> (usize, usize) {
        let last = t.steps.len().saturating_sub(1);
        match (&self.sharing.tutorial, self.sharing.embed.steps) {
            (Some(_), Some((a, b))) => {
                let at = |n: u64| {
                    usize::try_from(n.saturating_sub(1))
                        .unwrap_or(last)
                        .min(last)
                };
                (at(a), at(b))
            }
            _ => (0, last),
        }
    }

    /// Handle a share, tutorial or embed message.
    pub(super) fn share_update(&mut self, ctx: &Context<Self>, msg: ShareMsg) {
        match msg {
            ShareMsg::CopyLink => {
                self.sharing.view.copied = None;
                self.make_link(ctx, ShareMsg::LinkMade);
            }
            ShareMsg::LinkMade(body) => {
                let link = format!("{}#{body}", browser::page_address());
                self.sharing.view.too_long = link_needs_warning(&link);
                self.sharing.view.copied = None;
                let scope = ctx.link().clone();
                browser::copy_text(&link, move |ok| {
                    scope.send_message(Msg::Share(ShareMsg::Copied(ok)))
                });
                self.sharing.view.link = Some(link);
            }
            ShareMsg::Copied(ok) => self.sharing.view.copied = Some(ok),
            ShareMsg::Export => browser::download(
                &format!("{}.session.json", file_stem(&self.scenario_name)),
                &self.shared().to_json(),
            ),
            ShareMsg::ExportScenario => {
                let scenario: &Scenario = self.session.scenario();
                let json = scenario.to_json();
                browser::download(&format!("{}.json", file_stem(&self.scenario_name)), &json);
            }
            ShareMsg::ShowEmbed => match &self.sharing.tutorial {
                Some(t) => {
                    let src = format!("&tutorial={}", t.tutorial.id);
                    self.sharing.view.embed_snippet = Some(embed_snippet(&src));
                }
                None => self.make_link(ctx, ShareMsg::EmbedLinkMade),
            },
            ShareMsg::EmbedLinkMade(body) => {
                self.sharing.view.embed_snippet = Some(embed_snippet(&format!("#{body}")));
            }
            ShareMsg::LinkFailed => {
                self.notice = Some(error_notice(
                    "This browser cannot compress a link (it has no CompressionStream): \
                     export the session as a file instead."
                        .into(),
                ))
            }
            ShareMsg::Import(Ok(text)) => match self.open_payload(Payload::Json(text)) {
                Ok(()) => self.sharing.view.import_error = None,
                Err(e) => self.sharing.view.import_error = Some(e),
            },
            ShareMsg::Import(Err(e)) => self.sharing.view.import_error = Some(e),
            ShareMsg::RestoreAutosave => {
                let restored = browser::autosaved()
                    .ok_or_else(|| "there is no autosaved session".to_string())
                    .and_then(|json| share::Session::from_json(&json).map_err(|e| e.to_string()))
                    .and_then(|shared| self.open_shared(&shared));
                match restored {
                    Ok(()) => {
                        self.sharing.link_error = None;
                        self.sharing.autosave_held = None;
                        browser::set_fragment("");
                    }
                    Err(e) => self.notice = Some(error_notice(format!("cannot restore: {e}"))),
                }
            }
            ShareMsg::DismissLinkError => self.sharing.link_error = None,
            ShareMsg::Tutorial(None) => self.sharing.tutorial = None,
            ShareMsg::Tutorial(Some(id)) => match tutorial::tutorial(&id) {
                Some(t) => {
                    self.sharing.tutorial = Some(TutorialState {
                        tutorial: Rc::new(t),
                        step: 0,
                    });
                    self.tutorial_step(0);
                }
                None => self.notice = Some(error_notice(format!("no tutorial called {id:?}"))),
            },
            ShareMsg::TutorialStep(step) => self.tutorial_step(step),
            ShareMsg::Message(event) => {
                let command = self
                    .sharing
                    .embed
                    .accepts(&event)
                    .and_then(|()| Command::parse(&event.data()));
                match command {
                    Ok(command) => self.command(command),
                    Err(why) => {
                        gloo::console::warn!(format!("wildling: ignoring a message because {why}"))
                    }
                }
            }
        }
    }

    /// Compress the current session into a link's body in the browser, and
    /// send `made` with it (or [`ShareMsg::LinkFailed`]).
    fn make_link(&self, ctx: &Context<Self>, made: fn(String) -> ShareMsg) {
        let json = self.shared().to_json();
        let scope = ctx.link().clone();
        browser::deflate_raw(json.as_bytes(), move |deflated| {
            scope.send_message(Msg::Share(match deflated {
                Some(deflated) => made(share::frame_deflated(&deflated)),
                None => ShareMsg::LinkFailed,
            }))
        });
    }

    /// Carry out a command from the embedding page.
    fn command(&mut self, command: Command) {
        let result = match command {
            Command::Load { link, scenario } => {
                Command::payload(link, scenario).and_then(|p| self.open_payload(p))
            }
            Command::Play => {
                self.playing = !self.session.quiet();
                self.awaited_op = None;
                Ok(())
            }
            Command::Pause => {
                self.playing = false;
                Ok(())
            }
            Command::Step => {
                self.playing = false;
                match &self.sharing.tutorial {
                    Some(t) => self.tutorial_step(t.step + 1),
                    None => {
                        self.session.step();
                        self.sync_clock();
                    }
                }
                Ok(())
            }
            Command::Seek { ticks } => {
                self.playing = false;
                let ticks = self.locked_time(ticks);
                let r = self.session.seek_time(ticks).map_err(|e| e.to_string());
                self.sync_clock();
                r
            }
            Command::Reset => {
                self.playing = false;
                match (&self.sharing.tutorial, self.sharing.initial.clone()) {
                    (Some(t), _) => {
                        let first = self.step_range(&t.tutorial.clone()).0;
                        self.tutorial_step(first);
                        Ok(())
                    }
                    (None, Some(shared)) => self.open_shared(&shared),
                    (None, None) => {
                        let name = self.scenario_name.clone();
                        self.load(&name);
                        Ok(())
                    }
                }
            }
        };
        if let Err(message) = result {
            gloo::console::warn!(format!("wildling: command failed: {message}"));
            self.notice = Some(error_notice(message.clone()));
            self.sharing.embed.post(Outgoing::Error { message });
        }
    }

    /// `ticks` inside the embed's locked time range, if any (and no tutorial).
    fn locked_time(&self, ticks: u64) -> u64 {
        match (self.sharing.embed.steps, &self.sharing.tutorial) {
            (Some((a, b)), None) => ticks.clamp(a, b),
            _ => ticks,
        }
    }

    /// After every update: keep a locked time range, autosave, post state.
    pub(super) fn after_update(&mut self) {
        if let (Some((a, b)), None) = (self.sharing.embed.steps, &self.sharing.tutorial) {
            let now = self.session.now();
            if now > b || now < a {
                self.playing = false;
                let _ = self.session.seek_time(now.clamp(a, b));
                self.sync_clock();
            }
        }
        if let Some(held) = self.sharing.autosave_held {
            if held != (self.generation, self.session.user_actions().len()) {
                self.sharing.autosave_held = None;
            }
        }
        if !self.sharing.embed.embed && self.sharing.autosave_held.is_none() && !self.playing {
            let mark = (
                self.session.now(),
                self.session.user_actions().len(),
                self.generation,
                self.key.clone(),
            );
            if self.sharing.saved.as_ref() != Some(&mark) {
                browser::autosave(&self.shared().to_json());
                self.sharing.saved = Some(mark);
            }
        }
        if self.sharing.embed.embed && self.sharing.ready {
            let position = view::position(self.session.cluster());
            let tutorial = self.sharing.tutorial.as_ref();
            let state = StateMessage {
                time: position.now,
                events: position.events,
                trace_hash: format!("{:016x}", position.trace_hash),
                playing: self.playing,
                next_at: position.next_at,
                sent: position.stats.sent,
                dropped: position.stats.dropped,
                tutorial: tutorial.map(|t| t.tutorial.id.to_string()),
                step: tutorial.map(|t| t.step + 1),
                steps: tutorial.map(|t| t.tutorial.steps.len()),
            };
            if self.sharing.posted.as_ref() != Some(&state) {
                self.sharing.embed.post(Outgoing::State(state.clone()));
                self.sharing.posted = Some(state);
            }
        }
    }

    /// After every render: `ready` once, `resize` when the height changed.
    pub(super) fn after_render(&mut self, first_render: bool) {
        if !self.sharing.embed.embed {
            return;
        }
        if first_render {
            let tutorial = self.sharing.tutorial.as_ref();
            self.sharing.embed.post(Outgoing::Ready {
                version: wildling_core::VERSION,
                tutorial: tutorial.map(|t| t.tutorial.id.to_string()),
                steps: tutorial.map(|t| t.tutorial.steps.len()),
            });
            self.sharing.ready = true;
            self.after_update();
        }
        let height = browser::document_height();
        if (height - self.sharing.height).abs() >= 1.0 {
            self.sharing.height = height;
            self.sharing.embed.post(Outgoing::Resize { height });
        }
    }

    /// The banner for a link that could not be opened.
    pub(super) fn link_banner(&self) -> Html {
        let Some(error) = &self.sharing.link_error else {
            return html! {};
        };
        let restore = click(&self.on, Msg::Share(ShareMsg::RestoreAutosave));
        let dismiss = click(&self.on, Msg::Share(ShareMsg::DismissLinkError));
        let has_autosave = !self.sharing.embed.embed && browser::autosaved().is_some();
        html! {
            <div class="banner error" role="alert" data-testid="link-banner">
                <span>
                    { format!("This link cannot be opened: {error}. A default scenario was loaded instead") }
                    { if has_autosave { "; your autosaved session is kept until you change something here." } else { "." } }
                </span>
                if has_autosave {
                    <button onclick={restore} data-testid="restore-autosave">{ "Restore my autosaved session" }</button>
                }
                <button onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    }

    /// Files dropped anywhere on the page are imported.
    pub(super) fn on_drop(&self) -> Callback<DragEvent> {
        let on = self.on.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                let on = on.clone();
                browser::read_file(file, MAX_SCENARIO_BYTES, move |r| {
                    on.emit(Msg::Share(ShareMsg::Import(r)))
                });
            }
        })
    }
}

/// Read an imported file: a share link, a session, or a scenario.
fn parse_file(text: &str) -> Result<share::Session, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('w') || trimmed.starts_with("#w") {
        return share::decode_session(trimmed).map_err(|e| e.to_string());
    }
    let is_session = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(trimmed)
        .is_ok_and(|fields| fields.contains_key("scenario"));
    if is_session {
        share::Session::from_json(trimmed).map_err(|e| format!("not a valid session: {e}"))
    } else {
        Scenario::from_json(trimmed)
            .map(share::Session::new)
            .map_err(|e| format!("not a valid scenario: {e}"))
    }
}

/// A file name made of the scenario's name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if stem.is_empty() {
        "wildling".into()
    } else {
        stem
    }
}

/// The iframe snippet for the page with `?embed=1` and then `rest` (more
/// parameters, or the link's `#` part).
fn embed_snippet(rest: &str) -> String {
    format!(
        "<iframe src=\"{}?embed=1{rest}\" sandbox=\"allow-scripts\" width=\"100%\" height=\"640\" \
         style=\"border:0\" title=\"Wildling: a Dynamo playground\" loading=\"lazy\"></iframe>",
        browser::page_address()
    )
}

fn error_notice(text: String) -> Notice {
    Notice { error: true, text }
}

//! The App's share, autosave, tutorial and embed behaviour: opening a
//! [`share::Session`] from a link, a file, the autosave, a tutorial step or
//! the embedding page, and writing the current one back out.
//!
//! This file holds what the features share: their state ([`Sharing`]),
//! what the page opens with and in which order of precedence
//! ([`opening`]), the one way a share session becomes the App's state
//! (`open_shared`, through `App::reset`), and the dispatch of [`ShareMsg`].
//! Each feature has its own file: `links`, `files`, `autosave`,
//! `tutorials`, `embed`.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use wildling_core::playback::Playback;
use wildling_core::share;
use wildling_core::tutorial::Tutorial;
use yew::prelude::*;

use super::{App, Notice};
use crate::browser;
use crate::components::share::ShareView;
use crate::components::tutorial::TutorialState;
use crate::embed::{EmbedOptions, Payload, StateMessage};
use crate::msg::{Msg, ShareMsg, TutorialFrom};
use crate::presets;

mod autosave;
mod embed;
mod files;
mod links;
mod tutorials;

use files::parse_file;

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
    /// Whether what the address names is being fetched: the autosave is
    /// held and the embed's `ready` waits until it is shown (or failed).
    pub loading: bool,
    /// Whether a tutorial is being fetched or read (the panel says so).
    pub reading: bool,
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
    /// The Web Worker that writes the downloads and reads the tutorials
    /// (started on the first).
    worker: wildling_web::worker::Worker,
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
    /// The tutorial or scenario to fetch and then show.
    pub pending: Option<Pending>,
}

/// What the address names that must be fetched before it can be shown.
pub enum Pending {
    /// A built-in tutorial, by id.
    Tutorial(String),
    /// A built-in scenario, by name.
    Scenario(String),
    /// A tutorial file's text, from a link.
    TutorialText(String),
}

/// Read share links, files and the autosave, in that order of precedence
/// (tutorials and scenarios named in the address before the autosave). A
/// built-in tutorial or scenario is only named here ([`Opening::pending`]):
/// the App fetches it and shows the default scenario meanwhile.
pub fn opening(embed: &EmbedOptions, default_name: &str) -> Opening {
    let default = || {
        let scenario = presets::preset(default_name).expect("the default is a preset");
        // Its message in words (`Display`): `expect` would link
        // `ScenarioError`'s `Debug` into the shipped app for this one panic.
        Playback::new(scenario).unwrap_or_else(|e| panic!("the default preset builds: {e}"))
    };
    let mut link_error = None;
    let mut pending = None;
    let fragment = browser::fragment();
    let mut opened: Option<(Playback, String, Option<share::Session>)> = None;
    let tutorial_link = share::decode_text(&fragment)
        .ok()
        .filter(|text| Tutorial::is_tutorial_text(text));
    if let Some(text) = tutorial_link {
        // Kept in the address: the autosave holds a session, not the tutorial.
        pending = Some(Pending::TutorialText(text));
    } else if !fragment.is_empty() {
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
                opened = Some((session, name, Some(shared)));
            }
            Err(e) => link_error = Some(e),
        }
    }
    if opened.is_none() && link_error.is_none() && pending.is_none() {
        if let Some(id) = &embed.tutorial {
            pending = Some(Pending::Tutorial(id.clone()));
        } else if let Some(name) = &embed.scenario {
            match presets::preset(name) {
                Some(scenario) => match Playback::new(scenario) {
                    Ok(session) => opened = Some((session, name.clone(), None)),
                    Err(e) => link_error = Some(e.to_string()),
                },
                None => pending = Some(Pending::Scenario(name.clone())),
            }
        } else if !embed.embed {
            opened = browser::autosaved()
                .and_then(|json| share::Session::from_json(&json).ok())
                .and_then(|s| Playback::from_share(&s).ok().map(|o| (o, s)))
                .map(|(session, shared)| {
                    let name = shared.scenario.name.clone();
                    (session, name, Some(shared))
                });
        }
    }
    let (session, name, shared) =
        opened.unwrap_or_else(|| (default(), default_name.to_string(), None));
    Opening {
        session,
        name,
        shared,
        link_error,
        pending,
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
            tutorial: None,
            loading: false,
            reading: false,
            initial: opening.shared.clone(),
            embed,
            saved: None,
            posted: None,
            height: 0.0,
            ready: false,
            worker: wildling_web::worker::Worker::new(),
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

    /// Open a link, a session or scenario file's text, or a tutorial (a
    /// built-in by id, a file, or a link carrying one: read, then shown
    /// by [`ShareMsg::TutorialRead`]; `from` says where its errors go).
    fn open_payload(&mut self, payload: Payload, from: TutorialFrom) -> Result<(), String> {
        let text = match payload {
            Payload::Tutorial(id) => {
                self.open_tutorial(&id, from);
                return Ok(());
            }
            Payload::TutorialJson(text) => text,
            Payload::Link(link) => match share::decode_text(&link) {
                Ok(text) if Tutorial::is_tutorial_text(&text) => text,
                _ => {
                    let shared = share::decode_session(&link).map_err(|e| e.to_string())?;
                    return self.open_session(shared);
                }
            },
            Payload::Json(json) if Tutorial::is_tutorial_text(&json) => json,
            Payload::Json(json) => return self.open_session(parse_file(&json)?),
        };
        self.read_tutorial(text, from);
        Ok(())
    }

    /// Open a share session from a link or a file, closing any tutorial.
    fn open_session(&mut self, shared: share::Session) -> Result<(), String> {
        self.sharing.tutorial = None;
        self.open_shared(&shared)?;
        self.sharing.initial = Some(shared);
        Ok(())
    }

    /// The text a link to what is shown carries: the open tutorial, whole
    /// (the text it was read from), or the session.
    fn link_text(&self) -> String {
        match &self.sharing.tutorial {
            Some(t) => t.text.to_string(),
            None => self.shared().to_json(),
        }
    }

    /// Handle a share, tutorial or embed message.
    pub(super) fn share_update(&mut self, ctx: &Context<Self>, msg: ShareMsg) {
        match msg {
            ShareMsg::CopyLink => {
                self.sharing.view.copied = None;
                self.make_link(ctx, ShareMsg::LinkMade);
            }
            ShareMsg::LinkMade(body) => self.link_made(ctx, &body),
            ShareMsg::Copied(ok) => self.sharing.view.copied = Some(ok),
            ShareMsg::Export => self.export_session(),
            ShareMsg::ExportScenario => self.export_scenario(),
            ShareMsg::ExportHistory(format) => self.export_history(format),
            ShareMsg::ExportDrawing(drawing) => self.export_drawing(drawing),
            ShareMsg::Exported {
                file,
                media_type,
                shiviz,
                answer,
            } => self.exported(&file, media_type, shiviz, answer),
            ShareMsg::ShowEmbed => self.show_embed(ctx),
            ShareMsg::EmbedLinkMade(body) => {
                self.sharing.view.embed_snippet = Some(embed::snippet(&format!("#{body}")));
            }
            ShareMsg::LinkFailed => {
                self.notice = Some(error_notice(
                    "This browser cannot compress a link (it has no CompressionStream): \
                     export the session as a file instead."
                        .into(),
                ))
            }
            ShareMsg::Import(Ok(text)) => {
                match self.open_payload(file_payload(text), TutorialFrom::File) {
                    Ok(()) => self.sharing.view.import_error = None,
                    Err(e) => self.sharing.view.import_error = Some(e),
                }
            }
            ShareMsg::Import(Err(e)) => self.sharing.view.import_error = Some(e),
            ShareMsg::RestoreAutosave => self.restore_autosave(),
            ShareMsg::DismissLinkError => self.sharing.link_error = None,
            ShareMsg::Tutorial(None) => self.sharing.tutorial = None,
            ShareMsg::Tutorial(Some(id)) => self.open_tutorial(&id, TutorialFrom::Picker),
            ShareMsg::TutorialStep(step) => self.tutorial_step(step),
            ShareMsg::TutorialRead {
                from,
                builtin,
                read,
            } => self.tutorial_read(from, builtin, read),
            ShareMsg::Message(event) => self.message(&event),
            ShareMsg::SessionRequested => crate::lab::answer(&self.shared().to_json()),
        }
    }

    /// Start fetching what the address names (the page shows the default
    /// scenario meanwhile, and holds the autosave).
    pub(super) fn fetch_pending(&mut self, pending: Pending) {
        self.sharing.autosave_held = Some((self.generation, 0));
        self.sharing.loading = true;
        match pending {
            Pending::Tutorial(id) => self.open_tutorial(&id, TutorialFrom::Address),
            Pending::TutorialText(text) => self.read_tutorial(text, TutorialFrom::Address),
            Pending::Scenario(name) => self.load(&name),
        }
    }

    /// What the address named is shown: go to its `start` time.
    pub(super) fn opened_at_startup(&mut self) {
        if let Some(start) = self.sharing.embed.start_ticks {
            self.seek_time(start, false);
        }
    }

    /// What the address names cannot be shown: say so in the link banner,
    /// and keep the autosave.
    pub(super) fn link_failed(&mut self, why: String) {
        self.sharing.link_error = Some(why);
        self.sharing.autosave_held = Some((self.generation, self.session.user_actions().len()));
    }

    /// After every update: keep a locked time range, autosave, post state.
    pub(super) fn after_update(&mut self) {
        self.keep_locked_range();
        self.autosave();
        self.post_state();
    }
}

/// An imported file's text as a payload: a share link, or JSON.
fn file_payload(text: String) -> Payload {
    let trimmed = text.trim();
    if trimmed.starts_with('w') || trimmed.starts_with("#w") {
        Payload::Link(trimmed.to_string())
    } else {
        Payload::Json(text)
    }
}

/// An error for the notice above the panels.
fn error_notice(text: String) -> Notice {
    Notice { error: true, text }
}

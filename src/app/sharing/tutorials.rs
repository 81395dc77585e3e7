//! Tutorials: read from their files on use, and each step a share session,
//! opened by deterministic replay through the App's one reset path, with its
//! focus selected and its comparison on.
//!
//! The wasm holds only the built-ins' ids and titles
//! (`tutorial::BUILTIN_INDEX`) and no tutorial reader: opening one fetches
//! `tutorials/ID.json`, and, when it names a built-in scenario,
//! `scenarios/NAME.json`, then the Web Worker reads and validates both
//! (the `tutorial-read` job) and posts the tutorial back in
//! `tutorial::wire`'s form, which the page takes apart without serde's
//! visitors. Until a tutorial is read, the session shown stays as it was
//! and the panel says "Loading…"; a tutorial that cannot be fetched or read
//! leaves it so, with a message naming the file or the field.
//!
//! CAVEATS
//! - The first tutorial opened waits for the worker's wasm too (the
//!   downloads' worker, 0.28 MB gzip -9), once per page; an embed or a
//!   `?tutorial=` link opens after it.

use std::rc::Rc;

use wildling_core::quoted::Quoted;
use wildling_core::scenario::{BUILTIN_NAMES, MAX_SCENARIO_BYTES};
use wildling_core::share;
use wildling_core::tutorial::{wire, Focus, Tutorial, BUILTIN_INDEX, MAX_TUTORIAL_BYTES};
use wildling_web::worker::{object, Answer, Worker};
use yew::Callback;

use super::super::App;
use super::error_notice;
use crate::browser;
use crate::components::tutorial::TutorialState;
use crate::msg::{Msg, Selection, ShareMsg, TutorialFrom};

/// Step `step` of `t` as a share session.
pub(super) fn tutorial_session(t: &Tutorial, step: usize) -> Result<share::Session, String> {
    t.session(step)
        .ok_or_else(|| format!("{} has no step {}", t.id, step + 1))
}

/// Read a tutorial file's `text` in the worker, first fetching the
/// built-in scenario it names, and send the tutorial (or why it cannot be
/// opened) to `on`.
pub(super) fn read_tutorial(
    on: Callback<Msg>,
    worker: Worker,
    text: String,
    from: TutorialFrom,
    builtin: bool,
) {
    let named = Tutorial::scenario_name_in(&text).filter(|n| BUILTIN_NAMES.contains(&n.as_str()));
    let Some(name) = named else {
        // Inline, or a name the reader will refuse: nothing to fetch.
        return ask_worker(on, &worker, text, None, from, builtin);
    };
    let path = format!("scenarios/{name}.json");
    browser::fetch_text(&path, MAX_SCENARIO_BYTES, move |fetched| match fetched {
        Ok(scenario) => ask_worker(on, &worker, text, Some(scenario), from, builtin),
        Err(e) => read(&on, from, builtin, Err(e)),
    });
}

/// Ask the worker to read `text` (with its named scenario's text).
fn ask_worker(
    on: Callback<Msg>,
    worker: &Worker,
    text: String,
    scenario: Option<String>,
    from: TutorialFrom,
    builtin: bool,
) {
    let job = object(vec![(
        "tutorial-read",
        object(vec![
            ("tutorial", text.clone().into()),
            ("scenario", scenario.into()),
        ]),
    )]);
    let text: Rc<str> = Rc::from(text);
    worker.ask(&job, move |answer| {
        let tutorial = match answer {
            Answer::Progress(_) => return,
            Answer::Failed(why) => Err(why),
            Answer::Done(body) => {
                let body = &body["tutorial-read"];
                match body["error"].as_str() {
                    Some(e) => Err(e.to_string()),
                    None => wire::from_wire(&body["wire"])
                        .ok_or_else(|| "the worker sent no tutorial".to_string()),
                }
            }
        };
        read(
            &on,
            from,
            builtin,
            tutorial.map(|t| (Rc::new(t), text.clone())),
        );
    });
}

/// Send a tutorial read (or why not) to `on`.
fn read(
    on: &Callback<Msg>,
    from: TutorialFrom,
    builtin: bool,
    read: Result<(Rc<Tutorial>, Rc<str>), String>,
) {
    on.emit(Msg::Share(ShareMsg::TutorialRead {
        from,
        builtin,
        read,
    }))
}

impl App {
    /// Open the built-in tutorial called `id` at its first step, once its
    /// file is fetched and read.
    pub(in crate::app) fn open_tutorial(&mut self, id: &str, from: TutorialFrom) {
        if !BUILTIN_INDEX.iter().any(|(name, _)| *name == id) {
            return self
                .tutorial_failed(from, format!("there is no tutorial called {}", Quoted(id)));
        }
        self.sharing.reading = true;
        let (on, worker) = (self.on.clone(), self.sharing.worker.clone());
        let path = format!("tutorials/{id}.json");
        browser::fetch_text(&path, MAX_TUTORIAL_BYTES, move |fetched| match fetched {
            Ok(text) => read_tutorial(on, worker, text, from, true),
            Err(e) => read(&on, from, true, Err(e)),
        });
    }

    /// Read a tutorial file's `text` (a file, a link or a postMessage
    /// carried it), then show it.
    pub(in crate::app) fn read_tutorial(&mut self, text: String, from: TutorialFrom) {
        self.sharing.reading = true;
        let (on, worker) = (self.on.clone(), self.sharing.worker.clone());
        read_tutorial(on, worker, text, from, false);
    }

    /// A tutorial was read (or not): show its first step (the embed's first
    /// unlocked one), or say why not and keep the session.
    pub(in crate::app) fn tutorial_read(
        &mut self,
        from: TutorialFrom,
        builtin: bool,
        read: Result<(Rc<Tutorial>, Rc<str>), String>,
    ) {
        let at_startup = std::mem::take(&mut self.sharing.loading);
        self.sharing.reading = false;
        let opened = read.and_then(|(tutorial, text)| {
            let state = TutorialState {
                tutorial,
                step: 0,
                builtin,
                text,
            };
            let first = self.step_range(&state.tutorial).0;
            self.show_step(state, first)
        });
        match opened {
            Ok(()) if at_startup => self.opened_at_startup(),
            Ok(()) => {
                if from == TutorialFrom::File {
                    self.sharing.view.import_error = None;
                }
            }
            Err(e) if at_startup => self.link_failed(e),
            Err(e) => self.tutorial_failed(from, e),
        }
    }

    /// Say why a tutorial cannot be opened, where it was asked for.
    fn tutorial_failed(&mut self, from: TutorialFrom, why: String) {
        match from {
            TutorialFrom::Address => self.link_failed(why),
            TutorialFrom::Picker => {
                self.notice = Some(error_notice(format!(
                    "This tutorial cannot be opened: {why}"
                )))
            }
            TutorialFrom::File => {
                self.sharing.view.import_error = Some(format!("not a valid tutorial: {why}"))
            }
            TutorialFrom::Embed => self.command_failed(format!("not a valid tutorial: {why}")),
        }
    }

    /// Show step `step` of the open tutorial, with its focus and comparison.
    pub(in crate::app) fn tutorial_step(&mut self, step: usize) {
        let Some(state) = self.sharing.tutorial.clone() else {
            return;
        };
        if let Err(e) = self.show_step(state, step) {
            self.notice = Some(error_notice(e));
        }
    }

    /// Show step `step` (kept within the steps the learner may visit) of
    /// `state`'s tutorial, and make it the open one; on failure, change
    /// nothing.
    fn show_step(&mut self, state: TutorialState, step: usize) -> Result<(), String> {
        let t = state.tutorial.clone();
        let (lo, hi) = self.step_range(&t);
        let step = step.clamp(lo, hi);
        let shared = tutorial_session(&t, step)?;
        let compare = std::mem::replace(&mut self.compare, t.compare_mode);
        if let Err(e) = self.open_shared(&shared) {
            self.compare = compare;
            return Err(e);
        }
        self.selection = match t.steps[step].focus {
            Some(Focus::Node(node)) => Selection::Node(node),
            Some(Focus::Op(op)) => Selection::Op(op),
            _ => Selection::None,
        };
        self.sharing.tutorial = Some(TutorialState { step, ..state });
        Ok(())
    }

    /// The steps of `t` the learner may visit: all, or the embed's locked
    /// range.
    pub(in crate::app) fn step_range(&self, t: &Tutorial) -> (usize, usize) {
        let last = t.steps.len().saturating_sub(1);
        match self.sharing.embed.steps {
            Some((a, b)) => {
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
}

//! Tutorials: read from their files on use, and each step a share session,
//! opened by deterministic replay through the App's one reset path, with its
//! focus selected and its comparison on.
//!
//! The wasm holds only the built-ins' ids and titles
//! (`tutorial::BUILTIN_INDEX`): opening one fetches `tutorials/ID.json`,
//! and, when it names a built-in scenario, `scenarios/NAME.json`, then the
//! core reads both. Until a tutorial is read, the session shown stays as it
//! was; a tutorial that cannot be fetched or read leaves it so, with a
//! message naming the file or the field.

use std::rc::Rc;

use wildling_core::quoted::Quoted;
use wildling_core::scenario::{BUILTIN_NAMES, MAX_SCENARIO_BYTES};
use wildling_core::share;
use wildling_core::tutorial::{Focus, Tutorial, BUILTIN_INDEX, MAX_TUTORIAL_BYTES};
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

/// Read a tutorial file's `text`, first fetching the built-in scenario it
/// names, and send the tutorial (or why it cannot be opened) to `on`.
pub(super) fn read_tutorial(on: Callback<Msg>, text: String, from: TutorialFrom, builtin: bool) {
    let send = move |on: &Callback<Msg>, text: &str, read: Result<Tutorial, String>| {
        on.emit(Msg::Share(ShareMsg::TutorialRead {
            from,
            builtin,
            read: read.map(|t| (Rc::new(t), Rc::from(text))),
        }))
    };
    let named = Tutorial::scenario_name_in(&text).filter(|n| BUILTIN_NAMES.contains(&n.as_str()));
    let Some(name) = named else {
        // Inline, or a name the reader will refuse: nothing to fetch.
        let read = Tutorial::from_json_with(&text, &|_| None).map_err(|e| e.to_string());
        return send(&on, &text, read);
    };
    let path = format!("scenarios/{name}.json");
    browser::fetch_text(&path, MAX_SCENARIO_BYTES, move |fetched| {
        let read = fetched.and_then(|scenario| {
            Tutorial::from_json_with(&text, &|n| (n == name).then(|| scenario.clone()))
                .map_err(|e| e.to_string())
        });
        send(&on, &text, read);
    });
}

impl App {
    /// Open the built-in tutorial called `id` at its first step, once its
    /// file is fetched and read.
    pub(in crate::app) fn open_tutorial(&mut self, id: &str, from: TutorialFrom) {
        if !BUILTIN_INDEX.iter().any(|(name, _)| *name == id) {
            return self
                .tutorial_failed(from, format!("there is no tutorial called {}", Quoted(id)));
        }
        let on = self.on.clone();
        let path = format!("tutorials/{id}.json");
        browser::fetch_text(&path, MAX_TUTORIAL_BYTES, move |fetched| match fetched {
            Ok(text) => read_tutorial(on, text, from, true),
            Err(e) => on.emit(Msg::Share(ShareMsg::TutorialRead {
                from,
                builtin: true,
                read: Err(e),
            })),
        });
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

//! Tutorials: each step is a share session, opened by deterministic
//! replay through the App's one reset path, with its focus selected and its
//! comparison on.

use std::rc::Rc;

use wildling_core::share;
use wildling_core::tutorial::{self, Focus, Tutorial};

use super::super::App;
use super::error_notice;
use crate::components::tutorial::TutorialState;
use crate::msg::Selection;

/// Step `step` of `t` as a share session.
pub(super) fn tutorial_session(t: &Tutorial, step: usize) -> Result<share::Session, String> {
    t.session(step)
        .ok_or_else(|| format!("{} has no step {}", t.id, step + 1))
}

impl App {
    /// Open the tutorial called `id` at its first step.
    pub(in crate::app) fn open_tutorial(&mut self, id: &str) {
        match tutorial::tutorial(id) {
            Some(t) => {
                self.sharing.tutorial = Some(TutorialState {
                    tutorial: Rc::new(t),
                    step: 0,
                });
                self.tutorial_step(0);
            }
            None => self.notice = Some(error_notice(format!("no tutorial called {id:?}"))),
        }
    }

    /// Show step `step` of the open tutorial, with its focus and comparison.
    pub(in crate::app) fn tutorial_step(&mut self, step: usize) {
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
    pub(in crate::app) fn step_range(&self, t: &Tutorial) -> (usize, usize) {
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
}

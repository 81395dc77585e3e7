//! The embed: an iframe snippet for the session or a tutorial, commands
//! from the embedding page (`crate::embed`'s protocol), the state, `ready`
//! and `resize` posted back, and the locked time range the page may set.

use wildling_core::view;
use yew::prelude::*;

use super::super::App;
use super::error_notice;
use crate::browser;
use crate::embed::{Command, Outgoing, StateMessage};
use crate::msg::{ShareMsg, TutorialFrom};

impl App {
    /// Show the iframe snippet: a tutorial's by id, else the session's link.
    pub(in crate::app) fn show_embed(&mut self, ctx: &Context<Self>) {
        match &self.sharing.tutorial {
            Some(t) if t.builtin => {
                let src = format!("&tutorial={}", t.tutorial.id);
                self.sharing.view.embed_snippet = Some(snippet(&src));
            }
            // The link carries the session, or the whole tutorial.
            _ => self.make_link(ctx, ShareMsg::EmbedLinkMade),
        }
    }

    /// A message event from the embedding page: carry out its command, or
    /// say on the console why it was ignored.
    pub(in crate::app) fn message(&mut self, event: &web_sys::MessageEvent) {
        let command = self
            .sharing
            .embed
            .accepts(event)
            .and_then(|()| Command::parse(&event.data()));
        match command {
            Ok(command) => self.command(command),
            Err(why) => gloo::console::warn!(format!("wildling: ignoring a message because {why}")),
        }
    }

    /// Carry out a command from the embedding page.
    fn command(&mut self, command: Command) {
        let result = match command {
            Command::Load {
                link,
                scenario,
                tutorial,
            } => Command::payload(link, scenario, tutorial)
                .and_then(|p| self.open_payload(p, TutorialFrom::Embed)),
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
                let ticks = self.locked_time(ticks);
                // Over as many frames as it takes; a failure is reported then.
                self.seek_time(ticks, true);
                Ok(())
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
            self.command_failed(message);
        }
    }

    /// Say that a command could not be carried out: on the console, in a
    /// notice, and to the embedding page.
    pub(in crate::app) fn command_failed(&mut self, message: String) {
        gloo::console::warn!(format!("wildling: command failed: {message}"));
        self.notice = Some(error_notice(message.clone()));
        self.sharing.embed.post(Outgoing::Error { message });
    }

    /// `ticks` inside the embed's locked time range, if any (and no tutorial).
    fn locked_time(&self, ticks: u64) -> u64 {
        match (self.sharing.embed.steps, &self.sharing.tutorial) {
            (Some((a, b)), None) => ticks.clamp(a, b),
            _ => ticks,
        }
    }

    /// Keep the embed's locked time range (when no tutorial is open).
    pub(in crate::app) fn keep_locked_range(&mut self) {
        if let (Some((a, b)), None) = (self.sharing.embed.steps, &self.sharing.tutorial) {
            let now = self.session.now();
            if now > b || now < a {
                self.playing = false;
                let _ = self.session.seek_time(now.clamp(a, b));
                self.sync_clock();
            }
        }
    }

    /// Post the state to the embedding page when it changed.
    pub(in crate::app) fn post_state(&mut self) {
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
                stopped: position.stopped.map(|s| s.name),
            };
            if self.sharing.posted.as_ref() != Some(&state) {
                self.sharing.embed.post(Outgoing::State(state.clone()));
                self.sharing.posted = Some(state);
            }
        }
    }

    /// After every render: `ready` once (when what the address names is
    /// shown, or failed), `resize` when the height changed.
    pub(in crate::app) fn after_render(&mut self) {
        if !self.sharing.embed.embed {
            return;
        }
        if !self.sharing.ready && !self.sharing.loading {
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
}

pub(super) use wildling_web::page::embed_snippet as snippet;

//! Seeking a slice at a time: a seek runs over as many animation frames as
//! it needs, at most [`FRAME_WORK_MS`] of model work
//! in each, so that scrubbing back in a long run, an embedding page's
//! `seek` or a link's `start` never freezes the page. Going back, the core
//! replays a rebuilt cluster aside ([`Playback::seek_slice`]) and the page
//! keeps showing where it was until the replay arrives; the time bar says
//! that a seek is under way.
//!
//! A new seek takes over from one under way (the core reuses its replay
//! when the new goal is still ahead of it); anything else that changes the
//! session (an action, a step, play, a load) ends it where it is.
//!
//! CAVEATS:
//!
//! - A seek by time stops after [`SEEK_EVENTS_MAX`] events, as
//!   [`Playback::seek_time`] does, and says so; a seek by position is
//!   bounded by the run (the scrubber never goes past its horizon).
//! - Compare mode's second run is brought to the same time in the slice
//!   that arrives, in one go.
//! - A seek back holds two clusters until it arrives, the one shown and
//!   the one replaying: at most twice what the run's budget lets one keep
//!   (`sim/budget.rs`), and only for the seek's duration.

use wildling_core::playback::{Goal, Playback, SEEK_EVENTS_MAX};

use super::{App, BATCH_EVENTS, FRAME_BATCHES_MAX, FRAME_WORK_MS};
use crate::browser;
use crate::msg::{Msg, ShareMsg};

/// A seek under way.
pub struct Seeking {
    goal: Goal,
    /// Events it may still process.
    events_left: usize,
    /// Whether the embedding page asked for it (a failure is its error).
    from_embed: bool,
}

impl Seeking {
    /// The position it goes to, if it goes to a position (the scrubber
    /// shows it meanwhile).
    pub fn position(&self) -> Option<u64> {
        match self.goal {
            Goal::Position(p) => Some(p),
            Goal::Time(_) => None,
        }
    }
}

/// Whether `msg` leaves a seek under way going: time passing, another
/// seek, and what only changes what is shown.
pub fn keeps_seeking(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Frame(_)
            | Msg::Seek(_)
            | Msg::Speed(_)
            | Msg::Select(_)
            | Msg::InspectKey(_)
            | Msg::Dismiss
            | Msg::Share(
                ShareMsg::CopyLink
                    | ShareMsg::LinkMade(_)
                    | ShareMsg::EmbedLinkMade(_)
                    | ShareMsg::LinkFailed
                    | ShareMsg::Copied(_)
                    | ShareMsg::ShowEmbed
                    | ShareMsg::DismissLinkError
            )
    )
}

impl App {
    /// Go to position `target`, over as many frames as it takes.
    pub(super) fn seek(&mut self, target: u64) {
        self.seek_to(Goal::Position(target), usize::MAX, false);
    }

    /// Go to the end of tick `ticks`, processing at most [`SEEK_EVENTS_MAX`]
    /// events, over as many frames as it takes.
    pub(super) fn seek_time(&mut self, ticks: u64, from_embed: bool) {
        self.seek_to(Goal::Time(ticks), SEEK_EVENTS_MAX, from_embed);
    }

    fn seek_to(&mut self, goal: Goal, events_left: usize, from_embed: bool) {
        self.playing = false;
        self.seeking = Some(Seeking {
            goal,
            events_left,
            from_embed,
        });
        self.seek_more();
    }

    /// One frame's share of the seek under way; whether it goes on.
    pub(super) fn seek_more(&mut self) -> bool {
        let Some(seeking) = self.seeking.as_mut() else {
            return false;
        };
        let start = browser::now_ms();
        let mut failed = None;
        for batch in 1.. {
            let budget = BATCH_EVENTS.min(seeking.events_left);
            let slice = match self.session.seek_slice(seeking.goal, budget) {
                Ok(slice) => slice,
                Err(e) => {
                    failed = Some(e.to_string());
                    break;
                }
            };
            seeking.events_left -= slice.events;
            if slice.reached {
                self.seeking = None;
                break;
            }
            if seeking.events_left == 0 {
                // As far as a seek by time goes: shown where it got, as
                // `Playback::seek_time` does.
                self.session.give_up_seek();
                let now = self.session.now();
                failed = Some(match seeking.goal {
                    Goal::Time(ticks) => Playback::too_far(ticks, SEEK_EVENTS_MAX, now).to_string(),
                    Goal::Position(p) => format!("the seek to event {p} stopped at t={now}"),
                });
                break;
            }
            if batch >= FRAME_BATCHES_MAX || browser::now_ms() - start >= FRAME_WORK_MS {
                break;
            }
        }
        if let Some(message) = failed {
            let from_embed = self.seeking.take().is_some_and(|s| s.from_embed);
            if from_embed {
                self.command_failed(message);
            } else {
                self.action_error = Some(message);
            }
        }
        self.sync_clock();
        self.seeking.is_some()
    }
}

//! A run's resource budget, and how a run that did not go quiet stopped.
//!
//! A scenario is untrusted input: a link or a file written by a stranger.
//! Within the format's limits some scenarios never go quiet, such as 64
//! nodes with N = 64 under 20% loss, where every lost exchange marks a
//! partition dirty again and anti-entropy keeps talking; kept in full, its
//! history would grow by gigabytes. So the simulator counts what a run
//! costs and stops it at a [`Budget`]:
//!
//! - **events** processed, which bounds the time a run takes (about a
//!   second natively for the default, at the simulator's 3 to 6 million
//!   events a second, a few seconds in wasm);
//! - **messages kept in the history**, the one record that grows with
//!   every send;
//! - **retained bytes**: an estimate of the history and the trace, from the
//!   size of each record and of the text and vectors it owns (shared keys,
//!   values and clocks are counted where they are stored, not per message).
//!
//! The defaults keep any valid scenario well under 256 MB natively and a
//! browser tab under 512 MB: 160 MiB of records plus the cluster's own
//! state, which the format's limits bound (64 nodes, 10,000 timeline
//! entries, 256-byte keys and values). A run also stops at its *horizon*,
//! 1,000,000 ticks past its last timeline entry, when it has not gone quiet
//! by then. Either way it ends with a [`Stopped`] that every front end
//! shows (a line in `wildling run` and `trace`, a field in `--json`, a
//! column in `sweep`, a banner in the playground), so that a run is never
//! cut short silently and an operation still pending has its explanation.
//!
//! # CAVEATS
//!
//! - Retained bytes are an estimate from record sizes; the allocator's
//!   overhead and the cluster's stores are not counted. The sizes are
//!   fixed figures ([`TRACE_EVENT_BYTES`], [`KEYED_ITEM_BYTES`],
//!   `sim::Message::RECORD_BYTES`), a 64-bit target's, not `size_of`: a
//!   wasm32 record is smaller, and a run must stop at the same event in a
//!   browser as natively (same scenario and seed, same trace). Tests on
//!   64-bit targets hold the figures to the real sizes (in `trace.rs`
//!   and `message.rs`, which own the records).
//! - Stopping at the budget is deterministic (the counters move with the
//!   events), so a stopped run replays identically, but the same scenario
//!   under another budget stops elsewhere.

use std::fmt;

use serde::Serialize;

use crate::ids::Time;

/// Bytes a [`crate::sim::trace::TraceEvent`] counts for besides its text:
/// its size on a 64-bit target (see the CAVEATS).
pub const TRACE_EVENT_BYTES: u64 = 48;

/// Bytes an item of a message's keyed vector (a key and a hash or a shared
/// clock) counts for besides the key's text: its size on a 64-bit target.
pub const KEYED_ITEM_BYTES: usize = 32;

/// What a run may use before the simulator stops it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// Events taken off the queue.
    pub events_max: u64,
    /// Messages kept in the history.
    pub history_messages_max: u64,
    /// Estimated bytes of history and trace kept.
    pub retained_bytes_max: u64,
}

impl Default for Budget {
    /// 5,000,000 events, 1,000,000 history messages, 160 MiB retained.
    fn default() -> Self {
        Budget {
            events_max: 5_000_000,
            history_messages_max: 1_000_000,
            retained_bytes_max: 160 << 20,
        }
    }
}

/// Which part of the [`Budget`] ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// [`Budget::events_max`].
    Events,
    /// [`Budget::history_messages_max`].
    HistoryMessages,
    /// [`Budget::retained_bytes_max`].
    RetainedBytes,
}

/// Why a run ended before it went quiet (or reached its `run_until`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum Stopped {
    /// Part of the budget ran out.
    Budget {
        /// Which part.
        limit: Limit,
        /// Its value in the budget.
        max: u64,
        /// The time of the last event processed.
        at: Time,
    },
    /// The horizon came with events still to process.
    Horizon {
        /// The horizon's tick.
        at: Time,
    },
}

impl Budget {
    /// The first limit that `events`, `messages` and `bytes` reach, as a
    /// stop at `at`.
    pub fn stop(&self, events: u64, messages: u64, bytes: u64, at: Time) -> Option<Stopped> {
        let (limit, max) = if events >= self.events_max {
            (Limit::Events, self.events_max)
        } else if messages >= self.history_messages_max {
            (Limit::HistoryMessages, self.history_messages_max)
        } else if bytes >= self.retained_bytes_max {
            (Limit::RetainedBytes, self.retained_bytes_max)
        } else {
            return None;
        };
        Some(Stopped::Budget { limit, max, at })
    }
}

impl Stopped {
    /// A short name: `events-budget`, `messages-budget`, `bytes-budget`
    /// or `horizon`.
    pub fn name(&self) -> &'static str {
        match self {
            Stopped::Budget {
                limit: Limit::Events,
                ..
            } => "events-budget",
            Stopped::Budget {
                limit: Limit::HistoryMessages,
                ..
            } => "messages-budget",
            Stopped::Budget {
                limit: Limit::RetainedBytes,
                ..
            } => "bytes-budget",
            Stopped::Horizon { .. } => "horizon",
        }
    }
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stopped::Budget { limit, max, at } => {
                let unit = match limit {
                    Limit::Events => "events",
                    Limit::HistoryMessages => "messages kept in the history",
                    Limit::RetainedBytes => "bytes of history and trace kept",
                };
                write!(
                    f,
                    "stopped at tick {at}: the run used its budget of {max} {unit}, and the cluster was still busy"
                )
            }
            Stopped::Horizon { at } => write!(
                f,
                "stopped at tick {at}, the run's horizon (1000000 ticks past its last timeline entry), and the cluster was still busy"
            ),
        }
    }
}

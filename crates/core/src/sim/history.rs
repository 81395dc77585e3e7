//! The history: what an observer outside the cluster saw.
//!
//! Every client operation with its invocation and completion time, its input
//! and its outcome, and every message with its send time and what became of it
//! (delivered when, or dropped why). This is the data the UI draws as a
//! space-time diagram and the consistency checker reads. The trace says the
//! same things as text; the history keeps them as values.

use std::fmt;

use serde::Serialize;

use crate::ids::{Addr, MsgId, OpId, Time};
use crate::sim::network::DropReason;

/// What became of a message, so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageFate {
    /// Still on the wire; due at this time.
    InFlight {
        /// When it will arrive.
        due_at: Time,
    },
    /// Handed to its receiver.
    Delivered {
        /// When it arrived.
        at: Time,
    },
    /// Lost.
    Dropped {
        /// When it was lost (the send time, or the arrival time at a crashed node).
        at: Time,
        /// Why it was lost.
        reason: DropReason,
    },
}

/// The fate in words, as the message inspector and the diagrams' tables say it.
impl fmt::Display for MessageFate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageFate::InFlight { due_at } => write!(f, "in flight, due at t={due_at}"),
            MessageFate::Delivered { at } => write!(f, "delivered at t={at}"),
            MessageFate::Dropped { at, reason } => write!(f, "dropped at t={at} ({reason})"),
        }
    }
}

/// One message, from send to its fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageRecord<M> {
    /// The message's id, also its index in [`History::messages`].
    pub id: MsgId,
    /// The sender.
    pub from: Addr,
    /// The receiver.
    pub to: Addr,
    /// The message's kind, for colouring (`put`, `get-reply`, ...).
    pub kind: &'static str,
    /// When it was sent.
    pub sent_at: Time,
    /// Set when the network delivers this message a second time: the original's id.
    pub copy_of: Option<MsgId>,
    /// What became of it.
    pub fate: MessageFate,
    /// The message itself.
    pub msg: M,
}

/// One client operation, from invocation to completion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpRecord<I, O> {
    /// The operation's id, also its index in [`History::ops`].
    pub id: OpId,
    /// The client (or node, for administrative inputs) that performed it.
    pub by: Addr,
    /// What was asked.
    pub input: I,
    /// When it was invoked.
    pub invoked_at: Time,
    /// When it completed and how; `None` while it is pending.
    pub completed: Option<(Time, O)>,
}

/// Everything observed in one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct History<M, I, O> {
    /// Every message sent, indexed by id.
    pub messages: Vec<MessageRecord<M>>,
    /// Every operation invoked, indexed by id.
    pub ops: Vec<OpRecord<I, O>>,
}

impl<M, I, O> Default for History<M, I, O> {
    fn default() -> Self {
        History {
            messages: Vec::new(),
            ops: Vec::new(),
        }
    }
}

impl<M, I, O> History<M, I, O> {
    /// The messages on the wire at time `at`: sent at or before, arriving after.
    pub fn in_flight_at(&self, at: Time) -> impl Iterator<Item = &MessageRecord<M>> {
        self.messages.iter().filter(move |m| {
            m.sent_at <= at
                && match m.fate {
                    MessageFate::InFlight { .. } => true,
                    MessageFate::Delivered { at: arrived } => at < arrived,
                    MessageFate::Dropped { .. } => false,
                }
        })
    }
}

//! What a process is to the simulator: a sans-IO state machine
//! ([`Process`]) that handles one event at a time and answers with effects
//! in an [`Outbox`] (messages to send, timers to set, operations completed),
//! and the envelope a message travels in.
//!
//! A process never sends, sleeps, reads a clock or draws a random number
//! itself: the simulator ([`super::Simulator`]) carries out what the outbox
//! asks for. This is the whole contract between the Dynamo nodes and
//! clients of [`crate::node`] and the simulator that runs them.

use std::fmt;

use serde::Serialize;

use super::Fingerprint;
use crate::ids::{narrow, Addr, OpId, Time};

/// A message in transit: who sent it, to whom, and what it says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope<M> {
    /// The sender.
    pub from: Addr,
    /// The receiver.
    pub to: Addr,
    /// The message.
    pub msg: M,
}

/// A message a process can send: cloneable (the network may duplicate it),
/// printable (the trace shows it) and of a kind the UI can colour.
pub trait Message: Clone + fmt::Display {
    /// A short, stable name of the message's kind, such as `put` or `get-reply`.
    fn kind(&self) -> &'static str;

    /// Bytes its record in the history counts for in the run's budget
    /// besides [`Message::heap_bytes`]: a fixed figure, not `size_of`, so
    /// that a run stops at the same event on every target
    /// ([`super::budget`]).
    const RECORD_BYTES: u64;

    /// Bytes the message owns beyond its own size and what it shares with
    /// the stores (vectors of keys and hashes), for the run's budget.
    fn heap_bytes(&self) -> usize {
        0
    }
}

/// A sans-IO state machine: a node or a client of the simulated cluster.
/// Cloneable: a simulator's clones share each process until one of them
/// changes it (the explorer's states, [`crate::explore`]).
pub trait Process: Clone {
    /// The messages processes exchange.
    type Msg: Message;
    /// The timers a process can set.
    type Timer: Clone + fmt::Display;
    /// The inputs the timeline gives a process (client operations).
    type Input: Clone + fmt::Display;
    /// How an input ends, as the history records it.
    type Outcome: Clone + fmt::Display;

    /// Handle a message delivered at `now`.
    fn on_message(&mut self, now: Time, envelope: Envelope<Self::Msg>, out: &mut Outbox<Self>)
    where
        Self: Sized;

    /// Handle a timer that fired at `now`.
    fn on_timer(&mut self, now: Time, timer: Self::Timer, out: &mut Outbox<Self>)
    where
        Self: Sized;

    /// Start operation `op` at `now`; complete it later through [`Outbox::complete`].
    fn on_input(&mut self, now: Time, op: OpId, input: Self::Input, out: &mut Outbox<Self>)
    where
        Self: Sized;

    /// The process crashed: drop whatever does not survive a crash.
    fn on_crash(&mut self, now: Time);

    /// The process restarted after a crash.
    fn on_restart(&mut self, now: Time, out: &mut Outbox<Self>)
    where
        Self: Sized;

    /// Whether `timer` only retries work that other processes must answer
    /// (a hint handoff, an anti-entropy round): firing it changes nothing
    /// by itself, and it may be set again and again while nobody answers.
    /// Such timers let a run go quiet ([`super::Simulator::is_quiet`]). None is by
    /// default.
    fn is_retry(_timer: &Self::Timer) -> bool
    where
        Self: Sized,
    {
        false
    }

    /// Whether firing `timer` now would change nothing but the clock,
    /// since the work it guards is done (the timeout of an operation that
    /// has its answer). The explorer never fires such a timer
    /// ([`crate::explore`]). None is by default.
    fn is_spent(&self, _timer: &Self::Timer) -> bool {
        false
    }

    /// Struct fields (by name, at any depth) that the state fingerprint
    /// taken relative to the clock leaves out of the process
    /// ([`super::Times::Relative`]): counters the process never reads, and
    /// the times it holds, which [`Process::fold_times`] folds in relative
    /// to the clock instead. None by default.
    const FIELDS_NOT_FOLDED_RELATIVE: &'static [&'static str] = &[];

    /// Fold in the times this process holds, relative to `now`, as far as
    /// they decide what it does next (a suspicion by how long it has left
    /// to run). Only with [`Process::FIELDS_NOT_FOLDED_RELATIVE`] naming
    /// where they are. Nothing by default.
    fn fold_times(&self, _now: Time, _fingerprint: &mut Fingerprint) {}
}

/// The effects a process asks for while handling one event.
pub struct Outbox<P: Process> {
    /// Where sent messages wait until delivered: a message is put on the
    /// wire as it is sent and stays in its slot until it arrives.
    pub(super) wire: Wire<P::Msg>,
    pub(super) sends: Vec<(Addr, WireSlot)>,
    /// Sends to one of several addresses, which the simulator draws.
    pub(super) sends_to_one_of: Vec<(Vec<Addr>, WireSlot)>,
    pub(super) timers: Vec<(Time, P::Timer)>,
    pub(super) completions: Vec<(OpId, P::Outcome)>,
    /// The delivered message changed nothing that matters ([`Outbox::idle`]).
    pub(super) idle: bool,
}

impl<P: Process> Clone for Outbox<P> {
    fn clone(&self) -> Self {
        Outbox {
            wire: self.wire.clone(),
            sends: self.sends.clone(),
            sends_to_one_of: self.sends_to_one_of.clone(),
            timers: self.timers.clone(),
            completions: self.completions.clone(),
            idle: self.idle,
        }
    }
}

impl<P: Process> Default for Outbox<P> {
    fn default() -> Self {
        Outbox {
            wire: Wire::default(),
            sends: Vec::new(),
            sends_to_one_of: Vec::new(),
            timers: Vec::new(),
            completions: Vec::new(),
            idle: false,
        }
    }
}

impl<P: Process> Outbox<P> {
    /// Send `msg` to `to` through the network.
    pub fn send(&mut self, to: Addr, msg: P::Msg) {
        let slot = self.wire.put(msg);
        self.sends.push((to, slot));
    }

    /// Send `msg` to one of `candidates`, drawn by the simulator's generator
    /// (gossip to a random peer); nothing is sent if there is no candidate.
    pub fn send_to_one_of(&mut self, candidates: Vec<Addr>, msg: P::Msg) {
        let slot = self.wire.put(msg);
        self.sends_to_one_of.push((candidates, slot));
    }

    /// Fire `timer` `after_ticks` ticks from now (unless the process crashes first).
    pub fn set_timer(&mut self, after_ticks: Time, timer: P::Timer) {
        self.timers.push((after_ticks, timer));
    }

    /// Record that operation `op` finished with `outcome`.
    pub fn complete(&mut self, op: OpId, outcome: P::Outcome) {
        self.completions.push((op, outcome));
    }

    /// Say that the message being handled changed nothing a later event
    /// depends on beyond what it sends (a Merkle root found in sync, a hint
    /// already held): its delivery does not keep the run from going quiet
    /// ([`super::Simulator::is_quiet`]). Only a message's handler may say so; any
    /// other event, and any message whose handler does not, counts as a
    /// change.
    pub fn idle(&mut self) {
        self.idle = true;
    }
}

/// The slot of a message on the [`Wire`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WireSlot(u32);

/// The messages in transit, each in a slot until it is delivered or lost: a
/// message is moved onto the wire once (as it is sent) and off it once,
/// however long it waits in the queue. Slots are reused in the order they free up, which
/// follows the run, so nothing here depends on more than the run itself.
#[derive(Clone)]
pub(super) struct Wire<M> {
    slots: Vec<Option<M>>,
    free: Vec<WireSlot>,
}

impl<M> Default for Wire<M> {
    fn default() -> Self {
        Wire {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<M> Wire<M> {
    #[inline]
    pub(super) fn put(&mut self, msg: M) -> WireSlot {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot.0 as usize] = Some(msg);
                slot
            }
            None => {
                let slot = narrow(self.slots.len(), "fewer than 2^32 messages wait");
                self.slots.push(Some(msg));
                WireSlot(slot)
            }
        }
    }

    #[inline]
    pub(super) fn take(&mut self, slot: WireSlot) -> M {
        let msg = self.slots[slot.0 as usize].take();
        self.free.push(slot);
        msg.expect("a delivery's message waits in its slot")
    }

    pub(super) fn get(&self, slot: WireSlot) -> &M {
        self.slots[slot.0 as usize]
            .as_ref()
            .expect("a delivery's message waits in its slot")
    }
}

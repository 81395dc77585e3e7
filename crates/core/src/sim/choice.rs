//! The steered simulator: a run whose order of events is chosen, one event
//! at a time, rather than drawn from latencies.
//!
//! # Design
//!
//! In the default mode the queue decides: each message waits for a latency
//! drawn from the seeded generator, and the earliest event goes next. In the
//! steered mode ([`Simulator::steer`]) nothing is drawn and nothing is due:
//! every delivery and timer the run creates waits in a *pool*, and the
//! simulator lists what may happen next ([`Simulator::enabled`]): the
//! delivery of any message in flight, its drop, the firing of any timer, the
//! timeline's next entry, or a fault from a menu the scenario gives. One of
//! them is chosen ([`Simulator::choose`]). A run is then exactly its list of
//! [`Choice`]s: they name messages by id and timers by number (`t0` is the
//! first timer set), both handed out in the order the run creates them, so
//! the same choices rebuild the same run. A steered scenario carries the
//! list (`schedule.choices`),
//! and [`Simulator::step`] takes the next one, so a steered run plays,
//! scrubs, forks and travels in links like any other.
//!
//! # After the script
//!
//! When [`Simulator::step`] has taken the script's last choice, the run is
//! handed over to the queue and goes on by itself, as an unsteered run
//! does: what was in flight arrives at the next tick in the order it was
//! sent, overdue timers fire then, the rest of the timeline (the user's
//! later puts, gets and faults among it) runs at its time, and from then on
//! latencies are drawn as usual. So a counterexample opened in the
//! playground shows its last state at its last tick, and whatever the user
//! does next replays exactly, in a share link like any other action. The
//! explorer never calls `step` and its scripts are empty, so its runs stay
//! steered; a run whose script breaks off (a hand-edited file) stops there.
//!
//! Time in a steered run moves only with the timeline and the timers: the
//! timeline's next entry sets the clock to its time, a timer to the time it
//! was set for (never back). A delivery happens at the current time. So two
//! deliveries to different processes commute exactly, whatever their order,
//! which the explorer's reduction relies on ([`crate::explore`]).
//!
//! # CAVEATS
//!
//! - The network's probabilities (loss, duplication, reordering) and its
//!   latencies play no part: drops are choices, order is a choice, and a
//!   message cannot be duplicated.
//! - A timer may fire whenever it is set, however far off it was set for:
//!   a timeout can come before the answer it waits for, as in an
//!   asynchronous network.
//! - A send to one of several peers (a gossip round) still draws its peer
//!   from the seeded generator.
//! - Inputs and faults scheduled while a steered run plays (from the UI)
//!   join the timeline; a scripted `next` takes them in time order.

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::fingerprint::Fingerprint;
use super::network::{DropReason, Fault};
use super::queue::Entry;
use super::{Event, External, Process, Simulator};
use crate::ids::{Addr, MsgId, NodeId, Time};
use crate::sim::history::MessageFate;
use crate::sim::trace::{Lanes, TraceKind};

/// The most faults a scenario's menu may offer.
pub const MAX_MENU_FAULTS: usize = 64;
/// The most choices a steered scenario may hold: a counterexample the
/// explorer finds is far shorter; this bounds a hostile file.
pub const MAX_CHOICES: usize = 100_000;

/// One step of a steered run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Choice {
    /// Deliver this message now (`deliver #4`).
    Deliver(MsgId),
    /// Lose this message (`drop #4`).
    Drop(MsgId),
    /// Fire the timer with this number, counted from 0 among the timers
    /// the run set (`fire t9`).
    Fire(u64),
    /// Run the timeline's next entry (`next`).
    Next,
    /// Apply the fault at this index of the menu (`fault 0`).
    Fault(u16),
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Deliver(id) => write!(f, "deliver {id}"),
            Choice::Drop(id) => write!(f, "drop {id}"),
            Choice::Fire(seq) => write!(f, "fire t{seq}"),
            Choice::Next => f.write_str("next"),
            Choice::Fault(index) => write!(f, "fault {index}"),
        }
    }
}

impl FromStr for Choice {
    type Err = String;

    fn from_str(text: &str) -> Result<Choice, String> {
        let number = |digits: &str| digits.parse::<u64>().ok();
        let (verb, arg) = text.split_once(' ').unwrap_or((text, ""));
        let choice = match verb {
            "deliver" => arg
                .strip_prefix('#')
                .and_then(number)
                .map(|n| Choice::Deliver(MsgId(n))),
            "drop" => arg
                .strip_prefix('#')
                .and_then(number)
                .map(|n| Choice::Drop(MsgId(n))),
            "fire" => arg.strip_prefix('t').and_then(number).map(Choice::Fire),
            "next" if arg.is_empty() => Some(Choice::Next),
            "fault" => arg.parse::<u16>().ok().map(Choice::Fault),
            _ => None,
        };
        choice.ok_or_else(|| {
            format!(
                "{} is not a choice: expected `deliver #N`, `drop #N`, `fire tN`, `next` or `fault N`",
                crate::quoted::Quoted(text)
            )
        })
    }
}

impl From<Choice> for String {
    fn from(choice: Choice) -> String {
        choice.to_string()
    }
}

impl TryFrom<String> for Choice {
    type Error = String;

    fn try_from(text: String) -> Result<Choice, String> {
        text.parse()
    }
}

/// What an enabled choice concerns, for the explorer's reduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// It changes only the process at this address (and the messages it
    /// sends): a delivery.
    Process(Addr),
    /// It changes only the pool: a drop.
    Wire,
    /// It may change anything: the clock, the network, a node's liveness.
    Global,
}

/// A choice the simulator offers, with what it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enabled {
    /// The choice.
    pub choice: Choice,
    /// What it changes.
    pub scope: Scope,
    /// The message a delivery or drop concerns.
    pub msg: Option<MsgId>,
    /// Whether it is a drop of a message between nodes.
    pub is_drop: bool,
    /// Whether it is a fault from the menu.
    pub is_fault: bool,
    /// Whether it is a timer whose firing would change nothing but the
    /// clock ([`Process::is_spent`]).
    pub is_spent: bool,
}

/// Why a choice cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChoiceError {
    /// The simulator is not steered.
    NotSteered,
    /// The choice is not among the enabled ones.
    NotEnabled(Choice),
}

impl fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChoiceError::NotSteered => f.write_str("the run is not steered by choices"),
            ChoiceError::NotEnabled(choice) => {
                write!(f, "`{choice}` is not possible at this point of the run")
            }
        }
    }
}

impl std::error::Error for ChoiceError {}

/// The state of a steered run.
#[derive(Clone, Debug)]
pub(super) struct Steering<T> {
    /// Deliveries and timers, in the order they were created.
    pool: Vec<Entry<Event<T>>>,
    /// The fingerprint of each entry of the pool, at the same index, once
    /// a fingerprint asked: an entry never changes while it waits, and a
    /// clone keeps what its parent computed.
    known: Vec<Cell<Option<u128>>>,
    /// The faults a choice may apply.
    menu: Vec<Fault>,
    /// The choices [`Simulator::step`] takes, and how many it took.
    script: Vec<Choice>,
    played: usize,
    /// Timers set so far: the next timer's number (`fire tN`). Timers are
    /// numbered among themselves, not with the timeline's entries, so that
    /// an action the user adds to the timeline renames none of them.
    timers_set: u64,
}

impl<T> Steering<T> {
    pub(super) fn new(menu: Vec<Fault>, script: Vec<Choice>) -> Steering<T> {
        Steering {
            pool: Vec::new(),
            known: Vec::new(),
            menu,
            script,
            played: 0,
            timers_set: 0,
        }
    }

    /// Add a delivery or timer to the pool: a delivery numbered by its
    /// message's id, a timer by the timers set before it.
    pub(super) fn push(&mut self, at: Time, event: Event<T>) {
        let seq = match &event {
            Event::Deliver { id, .. } => id.0,
            Event::Timer { .. } => {
                self.timers_set += 1;
                self.timers_set - 1
            }
        };
        self.pool.push(Entry { at, seq, event });
        self.known.push(Cell::new(None));
    }

    /// Take the entry at `index` out of the pool.
    fn take(&mut self, index: usize) -> Entry<Event<T>> {
        self.known.remove(index);
        self.pool.remove(index)
    }

    /// Keep only the entries `keep` says to.
    fn retain(&mut self, keep: impl Fn(&Entry<Event<T>>) -> bool) {
        let mut index = 0;
        while index < self.pool.len() {
            if keep(&self.pool[index]) {
                index += 1;
            } else {
                self.take(index);
            }
        }
    }

    pub(super) fn pending(&self) -> impl Iterator<Item = &Entry<Event<T>>> {
        self.pool.iter()
    }

    /// Whether the script is played to its end.
    pub(super) fn played_out(&self) -> bool {
        self.played >= self.script.len()
    }

    /// The next scripted choice.
    pub(super) fn next_scripted(&self) -> Option<Choice> {
        self.script.get(self.played).copied()
    }
}

impl<P: Process> Simulator<P> {
    /// Steer this run by choices from now on: `menu` lists the faults a
    /// choice may apply, `script` the choices [`Simulator::step`] takes.
    /// Only a simulator that has processed nothing may be steered.
    pub fn steer(&mut self, menu: Vec<Fault>, script: Vec<Choice>) {
        assert!(
            self.stats.events == 0 && self.queue.len() == 0,
            "only a run that has not started can be steered"
        );
        self.steering = Some(Box::new(Steering::new(menu, script)));
    }

    /// Whether the run is steered by choices.
    pub fn is_steered(&self) -> bool {
        self.steering.is_some()
    }

    /// Whether a steered run has settled: its timeline has run, no message
    /// is in flight, and every timer left is spent ([`Process::is_spent`]),
    /// so only a fault could change more than the clock.
    pub fn is_settled(&self) -> bool {
        self.external.is_empty()
            && self.steering.as_ref().is_some_and(|s| {
                s.pool.iter().all(|e| match &e.event {
                    Event::Timer { at, timer, .. } => self.timer_is_spent(*at, timer),
                    Event::Deliver { .. } => false,
                })
            })
    }

    /// Whether the timer `timer` of process `at` is spent.
    fn timer_is_spent(&self, at: Addr, timer: &P::Timer) -> bool {
        self.slot(at).is_some_and(|s| s.process.is_spent(timer))
    }

    /// The fault menu of a steered run.
    pub fn fault_menu(&self) -> &[Fault] {
        self.steering.as_ref().map_or(&[], |s| &s.menu)
    }

    /// The choices a steered run was given, and how many it has taken.
    pub fn script(&self) -> (&[Choice], usize) {
        self.steering
            .as_ref()
            .map_or((&[], 0), |s| (&s.script, s.played))
    }

    /// What may happen next in a steered run, in a fixed order: the
    /// timeline's next entry, then each message and timer in the order the
    /// run created them (a message's delivery, then its drop if it travels
    /// between nodes), then each applicable fault of the menu. Empty when
    /// the run is not steered.
    pub fn enabled(&self) -> Vec<Enabled> {
        let mut enabled = Vec::new();
        let Some(steering) = &self.steering else {
            return enabled;
        };
        let plain = |choice, scope| Enabled {
            choice,
            scope,
            msg: None,
            is_drop: false,
            is_fault: false,
            is_spent: false,
        };
        if !self.external.is_empty() {
            enabled.push(plain(Choice::Next, Scope::Global));
        }
        for entry in &steering.pool {
            match &entry.event {
                Event::Deliver { id, from, to, .. } => {
                    enabled.push(Enabled {
                        msg: Some(*id),
                        ..plain(Choice::Deliver(*id), Scope::Process(*to))
                    });
                    if matches!((from, to), (Addr::Node(_), Addr::Node(_))) {
                        enabled.push(Enabled {
                            msg: Some(*id),
                            is_drop: true,
                            ..plain(Choice::Drop(*id), Scope::Wire)
                        });
                    }
                }
                Event::Timer { at, timer, .. } => enabled.push(Enabled {
                    is_spent: self.timer_is_spent(*at, timer),
                    ..plain(Choice::Fire(entry.seq), Scope::Global)
                }),
            }
        }
        for (index, fault) in steering.menu.iter().enumerate() {
            if self.fault_applies(fault) {
                enabled.push(Enabled {
                    is_fault: true,
                    ..plain(Choice::Fault(index as u16), Scope::Global)
                });
            }
        }
        enabled
    }

    /// Whether a menu fault would change anything now: a crash of a node
    /// that is up, a restart of one that is down, a partition or cut not
    /// already in place, a heal of a network that is not whole.
    fn fault_applies(&self, fault: &Fault) -> bool {
        match fault {
            Fault::Crash(node) => self.is_up(*node),
            Fault::Restart(node) => !self.is_up(*node) && self.node(*node).is_some(),
            _ => {
                let mut network = self.network.clone();
                network.apply(fault);
                network != self.network
            }
        }
    }

    /// Take one choice of a steered run.
    pub fn choose(&mut self, choice: Choice) -> Result<(), ChoiceError> {
        let Some(steering) = self.steering.as_mut() else {
            return Err(ChoiceError::NotSteered);
        };
        let not_enabled = ChoiceError::NotEnabled(choice);
        match choice {
            Choice::Deliver(msg) | Choice::Drop(msg) => {
                let index = steering
                    .pool
                    .iter()
                    .position(|e| matches!(e.event, Event::Deliver { id, .. } if id == msg))
                    .ok_or(not_enabled.clone())?;
                let Event::Deliver { from, to, .. } = steering.pool[index].event else {
                    unreachable!("the position found a delivery");
                };
                let between_nodes = matches!((from, to), (Addr::Node(_), Addr::Node(_)));
                if matches!(choice, Choice::Drop(_)) && !between_nodes {
                    return Err(not_enabled);
                }
                let entry = steering.take(index);
                self.begin_event();
                let Event::Deliver {
                    id,
                    from,
                    to,
                    sent_at,
                    msg,
                    retry,
                } = entry.event
                else {
                    unreachable!("the entry is a delivery");
                };
                let msg = self.outbox.wire.take(msg);
                if matches!(choice, Choice::Drop(_)) {
                    self.changed = true;
                    self.lose(id, from, to, msg);
                } else {
                    self.deliver(id, from, to, sent_at, msg, retry);
                }
            }
            Choice::Fire(seq) => {
                let index = steering
                    .pool
                    .iter()
                    .position(|e| e.seq == seq && matches!(e.event, Event::Timer { .. }))
                    .ok_or(not_enabled)?;
                let entry = steering.take(index);
                self.begin_event();
                self.now = self.now.max(entry.at);
                let Event::Timer {
                    at,
                    incarnation,
                    timer,
                    ..
                } = entry.event
                else {
                    unreachable!("the entry is a timer");
                };
                if P::is_retry(&timer) {
                    self.retries_queued = self.retries_queued.saturating_sub(1);
                }
                self.fire(at, incarnation, timer);
            }
            Choice::Next => {
                let entry = self.external.pop_front().ok_or(not_enabled)?;
                self.begin_event();
                self.now = self.now.max(entry.at);
                self.changed = true;
                match entry.event {
                    External::Fault(fault) => self.steered_fault(fault),
                    External::Input { to, input } => self.input(to, input),
                }
            }
            Choice::Fault(index) => {
                let fault = steering
                    .menu
                    .get(usize::from(index))
                    .cloned()
                    .filter(|f| self.fault_applies(f))
                    .ok_or(not_enabled)?;
                self.begin_event();
                self.changed = true;
                self.steered_fault(fault);
            }
        }
        self.end_of_event();
        Ok(())
    }

    fn begin_event(&mut self) {
        self.stats.events += 1;
        self.changed = false;
    }

    /// A fault in a steered run: as in any run, and a crash also takes the
    /// crashed node's timers out of the pool, since they can never fire.
    fn steered_fault(&mut self, fault: Fault) {
        let crashed = match fault {
            Fault::Crash(node) => Some(node),
            _ => None,
        };
        self.fault(fault);
        if let (Some(node), Some(steering)) = (crashed, self.steering.as_mut()) {
            let addr = Addr::Node(node);
            steering.retain(|e| !matches!(e.event, Event::Timer { at, .. } if at == addr));
        }
    }

    /// A message lost by choice.
    fn lose(&mut self, id: MsgId, from: Addr, to: Addr, msg: P::Msg) {
        let now = self.now;
        trace!(
            self,
            TraceKind::Drop,
            Lanes::message(from, to),
            "drop {id} {from}->{to} lost: {msg}"
        );
        self.set_fate(
            id,
            MessageFate::Dropped {
                at: now,
                reason: DropReason::Lost,
            },
        );
        self.stats.dropped += 1;
    }

    /// Take the next scripted choice, if it is due by `until`. Returns
    /// whether it did; a choice that is not possible ends the script.
    pub(super) fn step_steered(&mut self, until: Time) -> bool {
        let Some(steering) = &self.steering else {
            return false;
        };
        let Some(choice) = steering.next_scripted() else {
            return false;
        };
        let at = self.steered_time(choice);
        if at.is_some_and(|at| at > until) {
            return false;
        }
        if at.is_none() || self.choose(choice).is_err() {
            // A script that no longer fits the run (edited by hand) stops here.
            if let Some(steering) = self.steering.as_mut() {
                steering.played = steering.script.len();
            }
            return false;
        }
        if let Some(steering) = self.steering.as_mut() {
            steering.played += 1;
            if steering.played_out() {
                self.release();
            }
        }
        true
    }

    /// Hand a steered run whose script is played out over to the queue:
    /// from the next tick on it runs by itself, as an unsteered run does.
    /// Every message in flight arrives at the next tick, in the order it
    /// was sent; a timer set for a time already passed fires then too, the
    /// others when they were set for; the timeline's entries left (the
    /// user's later actions among them) keep their order, none before the
    /// next tick. Nothing is due at the script's last tick itself, so a
    /// session opened at that tick shows the script's end state.
    /// [`Simulator::step`] calls it after a script's last choice; a run
    /// steered by hand ([`Simulator::choose`]) may call it when done.
    pub fn release(&mut self) {
        let Some(steering) = self.steering.take() else {
            return;
        };
        let resume = self.now.saturating_add(1);
        for entry in &mut self.external {
            entry.at = entry.at.max(resume);
        }
        // The pool held every timer: count the retries afresh (a crash
        // took its node's out of the pool without counting them off).
        let epoch = self.epoch;
        self.retries_queued = 0;
        self.retries_settled = 0;
        for entry in steering.pool {
            let at = match &entry.event {
                Event::Deliver { id, .. } => {
                    self.set_fate(*id, MessageFate::InFlight { due_at: resume });
                    resume
                }
                Event::Timer {
                    timer,
                    set_by_retry_in,
                    ..
                } => {
                    if P::is_retry(timer) {
                        self.retries_queued += 1;
                        if *set_by_retry_in == Some(epoch) {
                            self.retries_settled += 1;
                        }
                    }
                    entry.at.max(resume)
                }
            };
            self.queue.push(at, entry.event);
        }
    }

    /// The time a steered run will be at once `choice` is taken, if it can be.
    pub(super) fn steered_time(&self, choice: Choice) -> Option<Time> {
        let steering = self.steering.as_ref()?;
        let at = match choice {
            Choice::Deliver(_) | Choice::Drop(_) | Choice::Fault(_) => self.now,
            Choice::Fire(seq) => {
                steering
                    .pool
                    .iter()
                    .find(|e| e.seq == seq && matches!(e.event, Event::Timer { .. }))?
                    .at
            }
            Choice::Next => self.external.front()?.at,
        };
        Some(at.max(self.now))
    }

    /// The node a choice concerns, for the space-time diagram's highlight:
    /// the receiver of a message, the node of a timer or a fault.
    pub fn choice_node(&self, choice: Choice) -> Option<NodeId> {
        let steering = self.steering.as_ref()?;
        let addr = match choice {
            Choice::Deliver(msg) | Choice::Drop(msg) => {
                steering.pool.iter().find_map(|e| match e.event {
                    Event::Deliver { id, to, .. } if id == msg => Some(to),
                    _ => None,
                })?
            }
            Choice::Fire(seq) => steering.pool.iter().find_map(|e| match e.event {
                Event::Timer { at, .. } if e.seq == seq => Some(at),
                _ => None,
            })?,
            Choice::Fault(index) => match steering.menu.get(usize::from(index))? {
                Fault::Crash(node) | Fault::Restart(node) => Addr::Node(*node),
                _ => return None,
            },
            Choice::Next => return None,
        };
        match addr {
            Addr::Node(node) => Some(node),
            Addr::Client(_) => None,
        }
    }
}

impl<P> Simulator<P>
where
    P: Process + Serialize,
    P::Msg: Serialize,
    P::Timer: Serialize,
    P::Outcome: Serialize,
{
    /// The canonical fingerprint of a steered run's state: every process
    /// (with its liveness), the network, the clock, the generator, how much
    /// of the timeline is left, the outcome of every operation so far, and
    /// the messages and timers in the pool as a multiset (sorted
    /// fingerprints, so neither the order they were created in nor their
    /// ids count). The trace, the counters and the ids handed out do not
    /// count.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint_and_size().0
    }

    /// The fingerprint with its times as they are, and an upper estimate of
    /// the bytes the simulator holds.
    pub fn fingerprint_and_size(&self) -> (u128, u64) {
        self.fingerprint_and_size_with(Times::Absolute)
    }

    /// The fingerprint with its times taken as `times` says, and an upper
    /// estimate of the bytes the simulator holds: the words the
    /// fingerprint walked (clones share messages, so it counts some
    /// twice), its history's records, and its own struct.
    pub fn fingerprint_and_size_with(&self, times: Times) -> (u128, u64) {
        let relative = times != Times::Absolute;
        let now = self.now;
        let mut fingerprint = Fingerprint::default();
        // Words the processes' own fingerprints walked, for the estimate.
        let mut walked: u64 = 0;
        for slot in self.nodes.iter().chain(&self.clients) {
            fingerprint.word(u64::from(slot.up));
            // A process a transition did not change keeps its fingerprint:
            // a clone shares it with the process (`Slot::process_mut`).
            let (process, words) = match slot.fingerprint.get() {
                Some((was_relative, value, words)) if was_relative == relative => (value, words),
                _ => {
                    let mut one = if relative {
                        Fingerprint::leaving_out(P::FIELDS_NOT_FOLDED_RELATIVE)
                    } else {
                        Fingerprint::default()
                    };
                    one.add(&*slot.process);
                    slot.fingerprint
                        .set(Some((relative, one.value(), one.words())));
                    (one.value(), one.words())
                }
            };
            fingerprint.wide(process);
            if relative {
                slot.process.fold_times(now, &mut fingerprint);
            }
            walked = walked.saturating_add(words);
        }
        fingerprint.add(&self.network.fingerprint_parts());
        fingerprint.add(&self.rng.state());
        fingerprint.word(self.external.len() as u64);
        match times {
            Times::Absolute => {
                fingerprint.word(now);
                for op in &self.history.ops {
                    fingerprint.add(&op.completed);
                }
            }
            Times::Relative { history } => {
                // An entry of the timeline runs at its time or now, if later.
                for entry in &self.external {
                    fingerprint.word(entry.at.saturating_sub(now));
                }
                for op in &self.history.ops {
                    match (&op.completed, history) {
                        (Some((at, outcome)), true) => fingerprint.add(&(
                            now.saturating_sub(op.invoked_at),
                            now.saturating_sub(*at),
                            outcome,
                        )),
                        (None, true) => {
                            fingerprint.add(&(now.saturating_sub(op.invoked_at), None::<()>))
                        }
                        (completed, false) => {
                            fingerprint.add(&completed.as_ref().map(|(_, outcome)| outcome))
                        }
                    }
                }
            }
        }
        if let Some(steering) = &self.steering {
            let mut pool: Vec<u128> = (0..steering.pool.len())
                .map(|index| self.entry_key(steering, index, times))
                .collect();
            crate::handwritten::sort::stable(&mut pool);
            fingerprint.word(pool.len() as u64);
            for one in pool {
                fingerprint.wide(one);
            }
        }
        let records = std::mem::size_of_val(self.history.messages.as_slice())
            + std::mem::size_of_val(self.history.ops.as_slice());
        let bytes = fingerprint
            .words()
            .saturating_add(walked)
            .saturating_mul(8)
            .saturating_add(records as u64)
            .saturating_add(std::mem::size_of::<Self>() as u64);
        (fingerprint.value(), bytes)
    }

    /// The fingerprint of the message or timer at `index` in the pool:
    /// what it is, not its id, and for a timer when it is set for, as
    /// `times` says (relative: the ticks left, none once due, since firing
    /// it moves the clock to that time or leaves it if later).
    #[inline]
    fn entry_key(&self, steering: &Steering<P::Timer>, index: usize, times: Times) -> u128 {
        let what = self.entry_fingerprint(steering, index);
        let entry = &steering.pool[index];
        match entry.event {
            Event::Deliver { .. } => what,
            Event::Timer { .. } => {
                let at = match times {
                    Times::Absolute => entry.at,
                    Times::Relative { .. } => entry.at.saturating_sub(self.now),
                };
                // `what` is already uniform: adding the time times an odd
                // constant keeps it so, for a fraction of a fingerprint's
                // cost (this runs for every timer of every state).
                what.wrapping_add(u128::from(at).wrapping_mul(TIME_MIX))
            }
        }
    }

    /// The fingerprint of what the message or timer at `index` in the pool
    /// is, without any time: computed once per entry.
    fn entry_fingerprint(&self, steering: &Steering<P::Timer>, index: usize) -> u128 {
        if let Some(known) = steering.known[index].get() {
            return known;
        }
        let entry = &steering.pool[index];
        let value = match &entry.event {
            Event::Deliver { from, to, msg, .. } => {
                let mut one = Fingerprint::default();
                one.add(&(0u8, from, to));
                one.add(self.outbox.wire.get(*msg));
                one.value()
            }
            Event::Timer { at, timer, .. } => Fingerprint::of(&(1u8, at, timer)),
        };
        steering.known[index].set(Some(value));
        value
    }

    /// The fingerprint of what a choice acts on, the same on every path
    /// that offers it: the message or timer (with its time as `times` says),
    /// the menu fault, the timeline.
    pub fn choice_fingerprint(&self, choice: Choice, times: Times) -> u128 {
        let acts_on = |entry: &&Entry<Event<P::Timer>>| match (choice, &entry.event) {
            (Choice::Deliver(msg) | Choice::Drop(msg), Event::Deliver { id, .. }) => *id == msg,
            (Choice::Fire(seq), Event::Timer { .. }) => entry.seq == seq,
            _ => false,
        };
        match choice {
            Choice::Next => Fingerprint::of(&(2u8, self.external.len())),
            Choice::Fault(index) => Fingerprint::of(&(3u8, index)),
            Choice::Deliver(_) | Choice::Drop(_) | Choice::Fire(_) => {
                self.steering.as_ref().map_or(0, |steering| {
                    steering
                        .pool
                        .iter()
                        .position(|entry| acts_on(&entry))
                        .map_or(0, |index| self.entry_key(steering, index, times))
                })
            }
        }
    }
}

/// The odd constant a timer's time is multiplied by before it is added to
/// its fingerprint (`Simulator::entry_key`): the golden ratio's 128 bits.
const TIME_MIX: u128 = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835;

/// How a state fingerprint takes the clock and the times a state holds
/// ([`Simulator::fingerprint_and_size_with`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Times {
    /// As they are: the clock, each timer's time, each suspicion's, and
    /// when each operation was invoked and completed.
    #[default]
    Absolute,
    /// Relative to the clock: a timer by the ticks it has left, the
    /// timeline's entries likewise, each process's times as it folds them
    /// ([`Process::fold_times`]), leaving out its counters; with `history`,
    /// each operation's invocation and completion by how long ago they
    /// were, without it not at all (only their outcomes count). Two states
    /// equal up to a shift of the clock then count as one. Sound only for
    /// processes whose behaviour reads the clock through differences alone
    /// and that hold no other time (the explorer's essay says when).
    Relative {
        /// Whether the operations' times count.
        history: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::Choice;
    use crate::ids::MsgId;

    #[test]
    fn a_choice_reads_back_what_it_writes() {
        let choices = [
            Choice::Deliver(MsgId(4)),
            Choice::Drop(MsgId(0)),
            Choice::Fire(19),
            Choice::Next,
            Choice::Fault(3),
        ];
        for choice in choices {
            assert_eq!(choice.to_string().parse::<Choice>(), Ok(choice));
        }
        for bad in [
            "",
            "deliver 4",
            "drop #x",
            "fire 9",
            "next 1",
            "fault -1",
            "jump",
        ] {
            assert!(bad.parse::<Choice>().is_err(), "{bad:?} parsed");
        }
    }
}

//! The deterministic simulator: virtual time, a seeded network, and processes
//! that only react.
//!
//! # Design
//!
//! A simulated cluster is a set of *processes* (nodes, and the clients that
//! talk to them) and one event queue. A process is a sans-IO state machine
//! ([`Process`]): the simulator hands it a delivered message, a fired timer or
//! an input from the scenario timeline, together with the current virtual
//! time, and the process answers by filling an [`Outbox`] with the messages it
//! wants sent, the timers it wants set and the operations it completed. It
//! never sends, sleeps, reads a clock or draws a random number itself.
//!
//! The queue orders events by `(time, sequence number)`. The sequence number
//! is assigned when an event is scheduled, so two events due at the same tick
//! run in the order they were scheduled, and nothing depends on how a heap
//! breaks ties. Time is a `u64` count of ticks and only moves when an event is
//! taken off the queue. Latencies and timeouts are short, so the queue is a
//! timer wheel of per-tick buckets with a heap behind it for the far future
//! (`queue.rs`); timeline inputs and faults wait in a sorted list of their own.
//! A message is put on the wire (a slot in the outbox) as the process sends
//! it and taken off when it is delivered or lost; the queue holds only the
//! small delivery that names its slot, so a message is moved twice however
//! long it travels.
//!
//! The simulator owns the only random generator ([`SimRng`], xoshiro256**
//! seeded by SplitMix64). Every random choice (latency, loss, duplication,
//! reordering) is drawn from it in processing order, so a scenario and a seed
//! determine the whole run. The network ([`crate::sim::network`]) turns a send into
//! a [`crate::sim::network::Fate`]; faults are events in the same queue.
//!
//! Everything the simulator does is written to the trace
//! ([`crate::sim::trace::Trace`]): deliveries, drops, duplicates, timers, faults,
//! invocations and completions. The trace hash identifies a run: the
//! determinism tests pin the hash of every built-in scenario, natively and in
//! wasm. The history ([`crate::sim::history::History`]) keeps the same facts as
//! values for the UI's space-time diagram and the checker.
//!
//! # Quiet
//!
//! A run is *quiet* ([`Simulator::is_quiet`]) when nothing can change any
//! more. Usually the queue is simply empty. But a process may retry work
//! that another must answer, such as a fallback handing a hint to a node
//! that is down, and marks those timers as retries ([`Process::is_retry`]);
//! if the node stays down, the retries never end. The simulator therefore
//! counts *changes*: every event is one, except a retry timer firing, the
//! delivery of a message whose handler says it changed nothing
//! ([`Outbox::idle`]), a drop at a crashed node, and a send cut off by a
//! partition or cut; a message lost by chance is a change, since a retry
//! may get through. A run whose queue holds only retry timers, each set by
//! a retry round since the last change, with no input or fault to come and
//! some retry traffic dropped by a partition, cut or crash, is quiet: every
//! process has retried all its work once in the network as it now stays,
//! nothing that answered changed anything, and every later round would send
//! the same messages to the same fates. [`Simulator::run_until_quiet`]
//! stops there. The retry timers stay queued, so a fault or input scheduled
//! afterwards (a heal, a restart) resumes them.
//!
//! # Determinism rules
//!
//! - No `HashMap` or `HashSet` iteration anywhere observable; the model uses
//!   `VecMap`, `VecSet` (sorted vectors, `crate::vec_map`) and `Vec`.
//! - No wall clock: time is an argument.
//! - No randomness but the simulator's seeded [`SimRng`], drawn in event order.
//! - No platform-dependent formatting in anything hashed: trace lines hold
//!   integers and strings only, never floats, pointers or `usize` sizes that
//!   differ between wasm32 and 64-bit targets.
//!
//! # CAVEATS
//!
//! - Clients are outside the network's faults: their links have latency but
//!   are never partitioned, dropped or duplicated.
//! - A crash loses the timers a node had set; messages already on the wire
//!   to it still arrive if it restarts before they do.
//! - A run has a resource budget ([`budget`]): events, messages kept in
//!   the history and retained bytes. When it runs out the simulator stops
//!   for good and [`Simulator::stopped`] says why; so does reaching the
//!   horizon of [`Simulator::run_until_quiet`], counted from the last
//!   scheduled input or fault.
//! - [`Simulator::run_until_quiet`] stops at a horizon, so a process that
//!   keeps setting timers forever cannot hang it: one that retries without
//!   marking its timers, or retries that keep reaching a peer without
//!   changing anything (a one-way cut that lets the request through and
//!   drops the answer of a handler that does not say it is idle), or a
//!   network that loses messages by chance, run to the horizon.
//! - A simulator lives on one thread: the cluster's messages share keys,
//!   values and clocks through `Rc` ([`crate::message`]), and a simulator's
//!   clones share the processes neither changed, so it is not `Send`.
//!   Parallel sweeps build one per seed inside each worker.

pub mod budget;
pub mod faults;
mod fingerprint;
pub mod history;
pub mod network;
mod process;
mod queue;
mod rng;
pub mod trace;

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use crate::ids::{Addr, ClientId, MsgId, NodeId, OpId, Time};
use budget::{Budget, Stopped};
use history::{History, MessageFate, MessageRecord, OpRecord};
use network::{DropReason, Fate, Fault, Network, NetworkOptions};
use process::WireSlot;
use queue::{Entry, Queue};
use trace::{Lanes, Trace, TraceKind, TraceMode};

pub use choice::{Choice, ChoiceError, Enabled, Scope, Times, MAX_CHOICES, MAX_MENU_FAULTS};
pub use fingerprint::Fingerprint;
pub use process::{Envelope, Message, Outbox, Process};
pub use rng::SimRng;

/// Settings of the simulator itself (not of the simulated cluster).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimOptions {
    /// How much of the trace to keep.
    pub trace: TraceMode,
    /// Whether to record the history (messages and operations).
    pub history: bool,
    /// Whether a history recorded keeps the messages too, or only the
    /// operations: the explorer's checker reads only the operations, and
    /// its states would otherwise copy every message sent so far.
    pub history_messages: bool,
    /// How far past the last scheduled input or fault (or the current
    /// time, if later) [`Simulator::run_until_quiet`] goes at most.
    pub quiet_horizon_ticks: Time,
    /// What a run may use before it stops ([`budget`]).
    pub budget: Budget,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            trace: TraceMode::Full,
            history: true,
            history_messages: true,
            quiet_horizon_ticks: 1_000_000,
            budget: Budget::default(),
        }
    }
}

/// Counters over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Events taken off the queue.
    pub events: u64,
    /// Messages sent (copies included).
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages dropped.
    pub dropped: u64,
    /// Extra copies the network made.
    pub duplicated: u64,
    /// Timers that fired.
    pub timers: u64,
    /// Operations invoked.
    pub invoked: u64,
    /// Operations completed.
    pub completed: u64,
}

/// Write a line to the simulator's trace at the current time, formatting it
/// only when tracing is on.
macro_rules! trace {
    ($sim:expr, $kind:expr, $lanes:expr, $($format:tt)+) => {
        if $sim.trace.enabled() {
            $sim.trace.record($sim.now, $kind, $lanes, format_args!($($format)+));
        }
    };
}

// After the macro, which it uses.
mod choice;
use choice::Steering;

/// What waits in the queue: the deliveries and timers the run itself
/// creates. Small, so that the queue moves little; a message waits on the
/// [`Wire`] and the delivery names its slot.
#[derive(Clone, Debug)]
enum Event<T> {
    Deliver {
        id: MsgId,
        from: Addr,
        to: Addr,
        sent_at: Time,
        msg: WireSlot,
        /// Sent by a retry round, or in answer to a retry ([`Outbox::idle`]).
        retry: bool,
    },
    Timer {
        at: Addr,
        incarnation: u32,
        timer: T,
        /// For a retry timer that a retry round set, the change epoch then.
        set_by_retry_in: Option<u64>,
    },
}

/// What is scheduled from outside the run (the timeline, the UI).
#[derive(Clone, Debug)]
enum External<I> {
    Fault(Fault),
    Input { to: Addr, input: I },
}

/// A process and its liveness.
///
/// The process is shared between a simulator and its clones (the
/// explorer's states, `crate::explore`) until one of them changes it
/// (`Slot::process_mut`): a clone copies a pointer per process, and a
/// transition copies only the process it changes.
///
/// How to copy a shared process is set by the clone that shares it
/// (`Slot::clone` sets `copy` to the process's own `clone`), not by
/// [`Simulator::new`]. A program that never clones a simulator (the
/// playground's page, which replays instead) then never links the
/// processes' `clone`: `Rc::make_mut` would, and it cost the page 3,084 B
/// gzip -9 (a node's stores, hints and ring; docs/size.md, session 8).
struct Slot<P> {
    process: Rc<P>,
    /// Copies the process before a change while a clone shares it.
    copy: Cell<fn(&P) -> P>,
    up: bool,
    /// Bumped by each crash, so that timers set before a crash never fire.
    incarnation: u32,
    /// The process's fingerprint and the words it walked, once a
    /// fingerprint asked (`choice.rs`), and whether it was taken relative
    /// to the clock ([`Times`]); forgotten when the process changes.
    fingerprint: Cell<Option<(bool, u128, u64)>>,
}

impl<P> Slot<P> {
    fn new(process: P) -> Slot<P> {
        Slot {
            process: Rc::new(process),
            copy: Cell::new(Slot::never_shared),
            up: true,
            incarnation: 0,
            fingerprint: Cell::new(None),
        }
    }

    /// The copier of a slot no clone has shared: its process has one owner.
    fn never_shared(_: &P) -> P {
        unreachable!("a slot's process is shared only by Slot::clone, which sets the copier")
    }

    /// The process, to change: copied first if a clone shares it.
    #[inline]
    fn process_mut(&mut self) -> &mut P {
        self.fingerprint.set(None);
        if Rc::get_mut(&mut self.process).is_none() {
            self.process = Rc::new((self.copy.get())(&self.process));
        }
        Rc::get_mut(&mut self.process).expect("a process just copied has one owner")
    }
}

impl<P: Clone> Clone for Slot<P> {
    fn clone(&self) -> Slot<P> {
        // Both slots now share the process: either copies it to change it.
        self.copy.set(P::clone);
        Slot {
            process: Rc::clone(&self.process),
            copy: self.copy.clone(),
            up: self.up,
            incarnation: self.incarnation,
            fingerprint: self.fingerprint.clone(),
        }
    }
}

/// A message on the wire, as the UI animates it.
#[derive(Debug)]
pub struct InFlight<'a, M> {
    /// The message's id.
    pub id: MsgId,
    /// The sender.
    pub from: Addr,
    /// The receiver.
    pub to: Addr,
    /// When it was sent.
    pub sent_at: Time,
    /// When it arrives.
    pub due_at: Time,
    /// The message.
    pub msg: &'a M,
}

/// The history a simulator over `P` records.
pub type HistoryOf<P> =
    History<<P as Process>::Msg, <P as Process>::Input, <P as Process>::Outcome>;

/// The deterministic discrete-event simulator over processes of type `P`.
pub struct Simulator<P: Process> {
    now: Time,
    /// Deliveries and timers: the events the run itself creates.
    queue: Queue<Event<P::Timer>>,
    /// Inputs and faults scheduled from outside (the timeline, the UI), sorted.
    /// Kept apart so that a long timeline stays out of the queue's heap.
    external: VecDeque<Entry<External<P::Input>>>,
    rng: SimRng,
    network: Network,
    nodes: Vec<Slot<P>>,
    clients: Vec<Slot<P>>,
    options: SimOptions,
    trace: Trace,
    history: HistoryOf<P>,
    stats: Stats,
    next_msg: u64,
    next_op: u64,
    outbox: Outbox<P>,
    /// Bumped after every event that may have changed what the processes
    /// will do: anything but a retry round, an idle delivery, a drop at a
    /// crashed node, or a send cut off by a partition.
    epoch: u64,
    /// Whether the event being processed changed something.
    changed: bool,
    /// Whether the event being processed is a retry timer firing.
    in_retry_round: bool,
    /// Retry timers in the queue.
    retries_queued: usize,
    /// Those of them a retry round set in the current epoch.
    retries_settled: usize,
    /// Whether a partition, a cut or a crash dropped retry traffic in the
    /// current epoch: the retries would go on forever.
    retry_dropped: bool,
    /// Completed operations not yet taken ([`Simulator::take_completions`]),
    /// when a front end asked for them ([`Simulator::log_completions`]).
    completions: Option<Vec<Completion<P::Outcome>>>,
    /// Estimated bytes of the history kept ([`budget`]).
    history_bytes: u64,
    /// Why the run stopped before going quiet, once it has.
    stopped: Option<Stopped>,
    /// The pool, menu and script of a steered run (`choice.rs`); none when
    /// latencies decide the order.
    steering: Option<Box<Steering<P::Timer>>>,
}

impl<P> Clone for Simulator<P>
where
    P: Process + Clone,
{
    /// A copy of the whole run, to explore from (`crate::explore`).
    fn clone(&self) -> Self {
        Simulator {
            now: self.now,
            queue: self.queue.clone(),
            external: self.external.clone(),
            rng: self.rng.clone(),
            network: self.network.clone(),
            nodes: self.nodes.clone(),
            clients: self.clients.clone(),
            options: self.options,
            trace: self.trace.clone(),
            history: self.history.clone(),
            stats: self.stats,
            next_msg: self.next_msg,
            next_op: self.next_op,
            outbox: self.outbox.clone(),
            epoch: self.epoch,
            changed: self.changed,
            in_retry_round: self.in_retry_round,
            retries_queued: self.retries_queued,
            retries_settled: self.retries_settled,
            retry_dropped: self.retry_dropped,
            completions: self.completions.clone(),
            history_bytes: self.history_bytes,
            stopped: self.stopped,
            steering: self.steering.clone(),
        }
    }
}

/// An operation that ended, as [`Simulator::take_completions`] hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion<O> {
    /// The operation.
    pub op: OpId,
    /// The process that performed it.
    pub by: Addr,
    /// When it ended.
    pub at: Time,
    /// How it ended.
    pub outcome: O,
}

impl<P: Process> Simulator<P> {
    /// A simulator at time 0. `nodes[i]` is node `n{i+1}`, `clients[i]` is
    /// client `c{i+1}`.
    pub fn new(
        nodes: Vec<P>,
        clients: Vec<P>,
        network: NetworkOptions,
        seed: u64,
        options: SimOptions,
    ) -> Simulator<P> {
        Simulator {
            now: 0,
            queue: Queue::default(),
            external: VecDeque::new(),
            rng: SimRng::new(seed),
            network: Network::new(network),
            nodes: nodes.into_iter().map(Slot::new).collect(),
            clients: clients.into_iter().map(Slot::new).collect(),
            options,
            trace: Trace::new(options.trace),
            history: History::default(),
            stats: Stats::default(),
            next_msg: 0,
            next_op: 0,
            outbox: Outbox::default(),
            epoch: 0,
            changed: false,
            in_retry_round: false,
            retries_queued: 0,
            retries_settled: 0,
            retry_dropped: false,
            completions: None,
            history_bytes: 0,
            stopped: None,
            steering: None,
        }
    }

    /// Why the run stopped before it went quiet: its budget ran out, or
    /// [`Simulator::run_until_quiet`] reached its horizon. A stopped run
    /// processes no more events.
    pub fn stopped(&self) -> Option<Stopped> {
        self.stopped
    }

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// The nodes, in id order, with whether each is up.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &P, bool)> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, s)| (NodeId(i as u16 + 1), &*s.process, s.up))
    }

    /// The clients, in number order.
    pub fn clients(&self) -> impl Iterator<Item = (ClientId, &P)> {
        self.clients
            .iter()
            .enumerate()
            .map(|(i, s)| (ClientId(i as u16 + 1), &*s.process))
    }

    /// One node, if it exists.
    pub fn node(&self, id: NodeId) -> Option<&P> {
        self.slot(Addr::Node(id)).map(|s| &*s.process)
    }

    /// One client, if it exists.
    pub fn client(&self, id: ClientId) -> Option<&P> {
        self.slot(Addr::Client(id)).map(|s| &*s.process)
    }

    /// Whether a node exists and is up.
    pub fn is_up(&self, id: NodeId) -> bool {
        self.slot(Addr::Node(id)).is_some_and(|s| s.up)
    }

    /// The network, with its current options, partitions and cuts.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The history so far (empty if history recording is off).
    pub fn history(&self) -> &HistoryOf<P> {
        &self.history
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Keep from now on what `mode` says of the trace ([`Trace::set_mode`]).
    /// A front end that runs for long keeps only the hash, or takes the
    /// lines as they come ([`Simulator::take_trace_events`]).
    pub fn set_trace_mode(&mut self, mode: TraceMode) {
        self.trace.set_mode(mode);
    }

    /// Hand over the trace lines kept so far and keep none.
    pub fn take_trace_events(&mut self) -> Vec<trace::TraceEvent> {
        self.trace.take_events()
    }

    /// Start (or stop) keeping every completed operation for
    /// [`Simulator::take_completions`]: how a front end that runs without a
    /// history (so that memory stays bounded) learns the outcome of the
    /// operations it scheduled. Stopping drops what was not taken.
    pub fn log_completions(&mut self, on: bool) {
        self.completions = on.then(Vec::new);
    }

    /// Hand over the operations completed since the last call, in the order
    /// they completed (none unless [`Simulator::log_completions`] is on).
    pub fn take_completions(&mut self) -> Vec<Completion<P::Outcome>> {
        self.completions
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The id the input scheduled next at `at` will get: every input already
    /// scheduled at or before `at` runs before it, and each takes the next
    /// id when it runs. It holds as long as no input is scheduled before
    /// `at` in the meantime (a front end that schedules at the current time
    /// never does).
    pub fn op_id_of_next_input_at(&self, at: Time) -> OpId {
        let at = at.max(self.now);
        let before = self
            .external
            .iter()
            .take_while(|e| e.at <= at)
            .filter(|e| matches!(e.event, External::Input { .. }))
            .count();
        OpId(self.next_op + before as u64)
    }

    /// One node, to change outside the run: a front end restoring what it
    /// kept on disk, or dropping records it no longer needs. Changing a
    /// node's protocol state here is outside the model; nothing that the
    /// trace or a replay depends on may be touched.
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut P> {
        self.slot_mut(Addr::Node(id)).map(Slot::process_mut)
    }

    /// One client, to change outside the run, as [`Simulator::node_mut`].
    pub fn client_mut(&mut self, id: ClientId) -> Option<&mut P> {
        self.slot_mut(Addr::Client(id)).map(Slot::process_mut)
    }

    /// The time of the next event, if any.
    pub fn next_event_at(&self) -> Option<Time> {
        self.next().map(|(at, _)| at)
    }

    /// Whether nothing can change any more: no event is scheduled; or no
    /// input or fault is to come, only retry timers are scheduled
    /// ([`Process::is_retry`]), every one of them set by a retry round that
    /// ran after the last change, and a partition, cut or crash dropped
    /// some of that retry traffic. Every process has then retried all its
    /// work once in the network as it now stays, and no answer changed
    /// anything, so every later round sends the same messages to the same
    /// fates: retries to a node that is down or cut off for good, which
    /// would otherwise go on forever.
    pub fn is_quiet(&self) -> bool {
        if let Some(steering) = &self.steering {
            return steering.played_out();
        }
        let retrying = self.retries_queued;
        self.external.is_empty()
            && self.queue.len() == retrying
            && (retrying == 0 || (self.retries_settled == retrying && self.retry_dropped))
    }

    fn next(&self) -> Option<(Time, u64)> {
        if let Some(steering) = &self.steering {
            let at = self.steered_time(steering.next_scripted()?)?;
            return Some((at, 0));
        }
        let external = self.external.front().map(Entry::key);
        match (self.queue.peek(), external) {
            (Some(queued), Some(external)) => Some(queued.min(external)),
            (queued, external) => queued.or(external),
        }
    }

    /// The messages on the wire, ordered by arrival.
    pub fn in_flight(&self) -> Vec<InFlight<'_, P::Msg>> {
        let mut scheduled: Vec<&Entry<Event<P::Timer>>> = match &self.steering {
            // A steered run's pool is in the order the messages were sent.
            Some(steering) => steering.pending().collect(),
            None => self.queue.iter().collect(),
        };
        crate::handwritten::sort::stable_by_key(&mut scheduled, |e| e.key());
        scheduled
            .into_iter()
            .filter_map(|s| match &s.event {
                Event::Deliver {
                    id,
                    from,
                    to,
                    sent_at,
                    msg,
                    ..
                } => Some(InFlight {
                    id: *id,
                    from: *from,
                    to: *to,
                    sent_at: *sent_at,
                    due_at: s.at,
                    msg: self.outbox.wire.get(*msg),
                }),
                Event::Timer { .. } => None,
            })
            .collect()
    }

    /// The inputs (client operations) scheduled and not yet invoked, in
    /// the order they will be, each with its process.
    pub fn inputs_left(&self) -> impl Iterator<Item = (Addr, &P::Input)> {
        self.external.iter().filter_map(|e| match &e.event {
            External::Input { to, input } => Some((*to, input)),
            External::Fault(_) => None,
        })
    }

    /// Schedule a fault at `at` (not before now).
    pub fn schedule_fault(&mut self, at: Time, fault: Fault) {
        self.schedule_external(at.max(self.now), External::Fault(fault));
    }

    /// Schedule an input (a client operation) for `to` at `at` (not before now).
    pub fn schedule_input(&mut self, at: Time, to: Addr, input: P::Input) {
        self.schedule_external(at.max(self.now), External::Input { to, input });
    }

    fn schedule_external(&mut self, at: Time, event: External<P::Input>) {
        let entry = Entry {
            at,
            seq: self.queue.next_seq(),
            event,
        };
        // The newest entry sorts after every entry due at the same time or earlier.
        let index = self.external.partition_point(|e| e.at <= at);
        self.external.insert(index, entry);
    }

    fn slot(&self, addr: Addr) -> Option<&Slot<P>> {
        match addr {
            Addr::Node(id) => self.nodes.get(usize::from(id.0).wrapping_sub(1)),
            Addr::Client(c) => self.clients.get(usize::from(c.0).wrapping_sub(1)),
        }
    }

    fn slot_mut(&mut self, addr: Addr) -> Option<&mut Slot<P>> {
        match addr {
            Addr::Node(id) => self.nodes.get_mut(usize::from(id.0).wrapping_sub(1)),
            Addr::Client(c) => self.clients.get_mut(usize::from(c.0).wrapping_sub(1)),
        }
    }

    /// Whether the run has used its budget (`budget.rs`), stopping it if
    /// so. Every step asks first; a seek that ends on a position asks too,
    /// so that the run's last position shows the stop however it was
    /// reached (the budget only grows along a run, so no earlier position
    /// is over it).
    pub fn check_budget(&mut self) -> Option<Stopped> {
        if self.stopped.is_none() {
            let messages = self.history.messages.len() as u64;
            let bytes = self.history_bytes + self.trace.kept_bytes();
            self.stopped = self
                .options
                .budget
                .stop(self.stats.events, messages, bytes, self.now);
        }
        self.stopped
    }

    /// Process the next event. Returns false when the queue is empty.
    pub fn step(&mut self) -> bool {
        self.step_until(Time::MAX)
    }

    /// Process the next event if it is due at or before `until`. Returns
    /// whether it did.
    fn step_until(&mut self, until: Time) -> bool {
        if self.check_budget().is_some() {
            return false;
        }
        if self.steering.is_some() {
            return self.step_steered(until);
        }
        // The queue's next event goes first if it sorts before the next
        // external one, and is due by `until`.
        let limit = match self.external.front() {
            Some(e) if e.at <= until => e.key(),
            _ => (until, u64::MAX),
        };
        if let Some(entry) = self.queue.pop_before(limit) {
            self.now = entry.at;
            self.stats.events += 1;
            self.changed = false;
            match entry.event {
                Event::Deliver {
                    id,
                    from,
                    to,
                    sent_at,
                    msg,
                    retry,
                } => {
                    let msg = self.outbox.wire.take(msg);
                    self.deliver(id, from, to, sent_at, msg, retry)
                }
                Event::Timer {
                    at: addr,
                    incarnation,
                    timer,
                    set_by_retry_in,
                } => {
                    if P::is_retry(&timer) {
                        self.retries_queued -= 1;
                        if set_by_retry_in == Some(self.epoch) {
                            self.retries_settled -= 1;
                        }
                    }
                    self.fire(addr, incarnation, timer)
                }
            }
            self.end_of_event();
            return true;
        }
        if self.external.front().is_none_or(|e| e.at > until) {
            return false;
        }
        let entry = self.external.pop_front().expect("the front entry is there");
        assert!(
            entry.at >= self.now,
            "event at {} scheduled before now {}",
            entry.at,
            self.now
        );
        self.now = entry.at;
        self.queue.advance(entry.at);
        self.stats.events += 1;
        self.changed = true;
        match entry.event {
            External::Fault(fault) => self.fault(fault),
            External::Input { to, input } => self.input(to, input),
        }
        self.end_of_event();
        true
    }

    /// Start a new change epoch if the event just processed changed
    /// something ([`Simulator::is_quiet`]).
    fn end_of_event(&mut self) {
        if self.changed {
            self.epoch += 1;
            self.retries_settled = 0;
            self.retry_dropped = false;
        }
    }

    /// Process every event due at or before `until`, then set the clock to `until`.
    pub fn run_until(&mut self, until: Time) {
        while self.step_until(until) {}
        // A steered run's clock moves only with its choices, so that its
        // replay is the same however it is stepped.
        if self.steering.is_none() && self.stopped.is_none() {
            self.now = self.now.max(until);
        }
    }

    /// Process events until the run is quiet ([`Simulator::is_quiet`]), or
    /// until the horizon in [`SimOptions`] past the last scheduled input or
    /// fault (or the current time, if later). Returns whether it went quiet;
    /// when it did not, [`Simulator::stopped`] says why.
    pub fn run_until_quiet(&mut self) -> bool {
        let last = self
            .external
            .back()
            .map_or(self.now, |e| e.at.max(self.now));
        let horizon = last.saturating_add(self.options.quiet_horizon_ticks);
        while !self.is_quiet() && self.step_until(horizon) {}
        let quiet = self.is_quiet();
        if !quiet && self.stopped.is_none() {
            self.stopped = Some(Stopped::Horizon { at: horizon });
        }
        quiet
    }

    fn deliver(
        &mut self,
        id: MsgId,
        from: Addr,
        to: Addr,
        sent_at: Time,
        msg: P::Msg,
        retry: bool,
    ) {
        let now = self.now;
        if !self.slot(to).is_some_and(|s| s.up) {
            self.retry_dropped |= retry;
            trace!(
                self,
                TraceKind::Drop,
                Lanes::message(from, to),
                "drop {id} {from}->{to} crashed: {msg}"
            );
            self.set_fate(
                id,
                MessageFate::Dropped {
                    at: now,
                    reason: DropReason::Crashed,
                },
            );
            self.stats.dropped += 1;
            return;
        }
        trace!(
            self,
            TraceKind::Deliver,
            Lanes::message(from, to),
            "deliver {id} {from}->{to} sent@{sent_at} {msg}"
        );
        self.set_fate(id, MessageFate::Delivered { at: now });
        self.stats.delivered += 1;
        self.handle(to, |slot, out| {
            slot.process_mut()
                .on_message(now, Envelope { from, to, msg }, out)
        });
        self.changed |= !std::mem::take(&mut self.outbox.idle);
    }

    fn fire(&mut self, addr: Addr, incarnation: u32, timer: P::Timer) {
        let now = self.now;
        if !self
            .slot(addr)
            .is_some_and(|s| s.up && s.incarnation == incarnation)
        {
            return;
        }
        trace!(
            self,
            TraceKind::Timer,
            Lanes::at(addr),
            "timer {addr} {timer}"
        );
        self.stats.timers += 1;
        self.in_retry_round = P::is_retry(&timer);
        self.changed |= !self.in_retry_round;
        self.handle(addr, |slot, out| {
            slot.process_mut().on_timer(now, timer, out)
        });
        self.in_retry_round = false;
    }

    fn fault(&mut self, fault: Fault) {
        let now = self.now;
        let lanes = match &fault {
            Fault::Crash(node) | Fault::Restart(node) => Lanes::at(Addr::Node(*node)),
            _ => Lanes::NONE,
        };
        trace!(self, TraceKind::Fault, lanes, "fault {fault}");
        self.network.apply(&fault);
        match fault {
            Fault::Crash(node) => {
                if let Some(slot) = self.slot_mut(Addr::Node(node)).filter(|s| s.up) {
                    slot.up = false;
                    slot.incarnation += 1;
                    slot.process_mut().on_crash(now);
                }
            }
            Fault::Restart(node) => {
                let addr = Addr::Node(node);
                self.handle(addr, |slot, out| {
                    if !slot.up {
                        slot.up = true;
                        slot.process_mut().on_restart(now, out);
                    }
                });
            }
            _ => {}
        }
    }

    fn input(&mut self, to: Addr, input: P::Input) {
        let now = self.now;
        let op = OpId(self.next_op);
        self.next_op += 1;
        self.stats.invoked += 1;
        trace!(
            self,
            TraceKind::Invoke,
            Lanes::at(to),
            "invoke {op} {to} {input}"
        );
        if self.options.history {
            self.history.ops.push(OpRecord {
                id: op,
                by: to,
                input: input.clone(),
                invoked_at: now,
                completed: None,
            });
        }
        if !self.slot(to).is_some_and(|s| s.up) {
            trace!(
                self,
                TraceKind::Complete,
                Lanes::at(to),
                "lost {op}: {to} is down or unknown"
            );
            return;
        }
        self.handle(to, |slot, out| {
            slot.process_mut().on_input(now, op, input, out)
        });
    }

    /// Let the process at `addr` (if it exists) handle an event into the
    /// outbox, then carry out the effects it asked for.
    fn handle(&mut self, addr: Addr, handler: impl FnOnce(&mut Slot<P>, &mut Outbox<P>)) {
        let slot = match addr {
            Addr::Node(id) => self.nodes.get_mut(usize::from(id.0).wrapping_sub(1)),
            Addr::Client(c) => self.clients.get_mut(usize::from(c.0).wrapping_sub(1)),
        };
        // Only a delivered message may be idle: `deliver` reads the flag.
        self.outbox.idle = false;
        if let Some(slot) = slot {
            handler(slot, &mut self.outbox);
        }
        self.flush(addr);
    }

    /// Carry out the effects `from` asked for, keeping the outbox's buffers.
    fn flush(&mut self, from: Addr) {
        let now = self.now;
        if !self.outbox.sends.is_empty() {
            let mut sends = std::mem::take(&mut self.outbox.sends);
            for (to, msg) in sends.drain(..) {
                self.send(from, to, msg);
            }
            self.outbox.sends = sends;
        }
        if !self.outbox.sends_to_one_of.is_empty() {
            let mut sends = std::mem::take(&mut self.outbox.sends_to_one_of);
            for (candidates, msg) in sends.drain(..) {
                if candidates.is_empty() {
                    self.outbox.wire.take(msg);
                } else {
                    let at = self.rng.below(candidates.len() as u64) as usize;
                    self.send(from, candidates[at], msg);
                }
            }
            self.outbox.sends_to_one_of = sends;
        }
        if !self.outbox.timers.is_empty() {
            let incarnation = self.slot(from).map_or(0, |s| s.incarnation);
            let mut timers = std::mem::take(&mut self.outbox.timers);
            for (after, timer) in timers.drain(..) {
                let mut set_by_retry_in = None;
                if P::is_retry(&timer) {
                    self.retries_queued += 1;
                    if self.in_retry_round {
                        set_by_retry_in = Some(self.epoch);
                        self.retries_settled += 1;
                    }
                }
                let event = Event::Timer {
                    at: from,
                    incarnation,
                    timer,
                    set_by_retry_in,
                };
                self.schedule(now.saturating_add(after), event);
            }
            self.outbox.timers = timers;
        }
        if self.outbox.completions.is_empty() {
            return;
        }
        for (op, outcome) in self.outbox.completions.drain(..) {
            self.stats.completed += 1;
            trace!(
                self,
                TraceKind::Complete,
                Lanes::at(from),
                "complete {op} {from} {outcome}"
            );
            if let Some(log) = &mut self.completions {
                log.push(Completion {
                    op,
                    by: from,
                    at: now,
                    outcome: outcome.clone(),
                });
            }
            if let Some(record) = self.history.ops.get_mut(op.0 as usize) {
                record.completed = Some((now, outcome));
            }
        }
    }

    /// Route the message waiting in `slot` from `from` to `to`.
    #[inline]
    fn send(&mut self, from: Addr, to: Addr, slot: WireSlot) {
        let now = self.now;
        let id = self.new_message(from, to, None, slot);
        let fate = match self.steering {
            Some(_) => self.network.route_steered(now, from, to),
            None => self.network.route(&mut self.rng, now, from, to),
        };
        match fate {
            Fate::Drop(reason) => {
                // A partition or cut drops every retry alike; chance does not.
                if reason == DropReason::Lost {
                    self.changed = true;
                } else {
                    self.retry_dropped |= self.in_retry_round || self.outbox.idle;
                }
                trace!(
                    self,
                    TraceKind::Drop,
                    Lanes::message(from, to),
                    "drop {id} {from}->{to} {reason}: {}",
                    self.outbox.wire.get(slot)
                );
                self.outbox.wire.take(slot);
                self.set_fate(id, MessageFate::Dropped { at: now, reason });
                self.stats.dropped += 1;
            }
            Fate::Deliver(at) => self.put_on_wire(id, from, to, at, slot),
            Fate::Duplicate(at, copy_at) => {
                let copy = self.new_message(from, to, Some(id), slot);
                trace!(
                    self,
                    TraceKind::Duplicate,
                    Lanes::message(from, to),
                    "duplicate {copy} of {id} {from}->{to}"
                );
                self.stats.duplicated += 1;
                let copied = self.outbox.wire.get(slot).clone();
                let copied = self.outbox.wire.put(copied);
                self.put_on_wire(id, from, to, at, slot);
                self.put_on_wire(copy, from, to, copy_at, copied);
            }
        }
    }

    /// Schedule the delivery of message `id` (waiting in `slot`), sent now, at `at`.
    #[inline]
    fn put_on_wire(&mut self, id: MsgId, from: Addr, to: Addr, at: Time, msg: WireSlot) {
        self.set_fate(id, MessageFate::InFlight { due_at: at });
        let sent_at = self.now;
        let retry = self.in_retry_round || self.outbox.idle;
        self.schedule(
            at,
            Event::Deliver {
                id,
                from,
                to,
                sent_at,
                msg,
                retry,
            },
        );
    }

    /// Put an event in the queue, or in the pool of a steered run.
    #[inline]
    fn schedule(&mut self, at: Time, event: Event<P::Timer>) {
        match self.steering.as_mut() {
            None => self.queue.push(at, event),
            Some(steering) => steering.push(at, event),
        }
    }

    fn new_message(
        &mut self,
        from: Addr,
        to: Addr,
        copy_of: Option<MsgId>,
        slot: WireSlot,
    ) -> MsgId {
        let id = MsgId(self.next_msg);
        self.next_msg += 1;
        self.stats.sent += 1;
        if self.options.history && self.options.history_messages {
            let msg = self.outbox.wire.get(slot);
            self.history_bytes += P::Msg::RECORD_BYTES + msg.heap_bytes() as u64;
            self.history.messages.push(MessageRecord {
                id,
                from,
                to,
                kind: msg.kind(),
                sent_at: self.now,
                copy_of,
                fate: MessageFate::InFlight { due_at: self.now },
                msg: msg.clone(),
            });
        }
        id
    }

    #[inline]
    fn set_fate(&mut self, id: MsgId, fate: MessageFate) {
        if let Some(record) = self.history.messages.get_mut(id.0 as usize) {
            record.fate = fate;
        }
    }
}

#[cfg(test)]
mod tests;

//! The cluster loop: the one thread that owns the simulated cluster.
//!
//! A [`Cluster`] lives on one thread (it shares clocks through `Rc`), and
//! the core has no clock. This loop is where both meet the outside: it
//! takes [`Request`]s from the HTTP handlers over a bounded channel,
//! schedules each operation at the current virtual time, moves virtual time
//! on, and hands every completed operation back to the handler waiting for
//! it. It reads the wall clock; the core only ever gets the tick.
//!
//! # Time
//!
//! With `tick_ms` > 0, virtual time follows the wall clock: tick `t` is due
//! `t * tick_ms` milliseconds after the start, and the loop sleeps until the
//! next event is due or a request comes. With `tick_ms` = 0, virtual time
//! runs as fast as the cluster can go: while an operation waits, the loop
//! steps events back to back; when none waits, it runs the background work
//! (handoff, anti-entropy, gossip) until the cluster is quiet, or for at
//! most [`IDLE_TICKS_MAX`] ticks, then sleeps until the next request.
//!
//! # Replay and data
//!
//! Every operation and fault is scheduled through the [`Recorder`], which
//! notes how many events the simulator had run, so that the recorded
//! session, replayed, schedules it at exactly the same point and
//! reproduces the same trace hash. When the loop stops it finishes the
//! current tick first, so that the record's position holds exactly the
//! events the run had. With `--data`, the keys that changed are written to
//! [`Disk`] after each batch of events and before any answer goes out. The
//! trace is kept as its hash only, and in full only while someone listens
//! to `/events`; switching keeps the hash. There is no history: the loop
//! learns outcomes from [`Simulator::take_completions`] instead, so memory
//! stays bounded however long the server runs.
//!
//! # The budget
//!
//! A playground run stops at its budget of events ([`Budget`]), which
//! bounds how long an untrusted scenario can keep a tab busy. A server is
//! meant to run for as long as it is asked to, and with no history and the
//! trace kept as its hash its memory does not grow with events, so the
//! loop's budget has no event limit unless one is given
//! (`ServeOptions::events_max`, for the tests). Should the cluster stop
//! all the same (a limit given, or the trace's bytes while `/events` is
//! read faster than it is drained), every waiting operation and every
//! later request is answered with [`Refused::Stopped`] (503, naming the
//! stop): a stopped cluster processes no events, and a request it took
//! would otherwise wait for ever.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::{broadcast, oneshot};
use wildling_core::cluster::Cluster;
use wildling_core::ids::{OpId, Time};
use wildling_core::node::{DurableChanges, Member, OpOutcome};
use wildling_core::scenario::{Scenario, TimelineEntry};
use wildling_core::sim::budget::Budget;
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::{SimOptions, Simulator};
use wildling_core::view::{self, OpStatus};
use wildling_core::NodeId;

use crate::data::Disk;
use crate::record::Recorder;

/// The most ticks the loop runs background work for with `tick_ms` = 0
/// while no operation waits: a lossy network's retries never go quiet, and
/// an idle server must not spin a core for ever.
pub const IDLE_TICKS_MAX: Time = 10_000;

/// The most events the loop steps before it looks at the channel again, so
/// that a busy cluster still takes requests (and `tick_ms` = 0 still
/// answers those that are done).
const STEP_BUDGET: usize = 20_000;

/// The most requests the loop takes from the channel at once.
const BATCH_MAX: usize = 1024;

/// The longest the loop sleeps before it looks at the wall clock again.
const SLEEP_MAX: Duration = Duration::from_millis(100);

/// How an operation ended, as the HTTP side gets it: the clients view's
/// plain-data status (the core shares values through `Rc`, which stays on
/// the cluster's thread), or why it has none.
pub type Answer = Result<OpStatus, Refused>;

/// Why an operation has no outcome to give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The cluster refused it; why.
    Cluster(String),
    /// `--data` cannot be written: what it ran into. The operation may
    /// have taken effect in memory; it is not on disk.
    Disk(String),
    /// The cluster stopped (its budget ran out) and runs no more events:
    /// the stop's sentence.
    Stopped(String),
}

/// The answer to an operation that ended as `outcome`.
fn answer_of(outcome: &OpOutcome) -> Answer {
    OpStatus::of(Some(outcome)).ok_or_else(|| Refused::Cluster(outcome.to_string()))
}

/// What the HTTP side asks of the cluster loop.
pub enum Request {
    /// A validated get or put; the answer is its outcome.
    Op {
        /// The operation, dated 0 (the loop dates it now).
        entry: TimelineEntry,
        /// Where its outcome goes.
        reply: oneshot::Sender<Answer>,
    },
    /// A validated fault; the answer is the tick it happens at.
    Fault {
        /// The fault, dated 0.
        entry: TimelineEntry,
        /// Where the tick (or why the cluster refused it) goes.
        reply: oneshot::Sender<Result<Time, String>>,
    },
    /// The cluster as JSON, with where `key` lives if one is given.
    Cluster {
        /// A validated key to place on the ring.
        key: Option<String>,
        /// Where the JSON goes.
        reply: oneshot::Sender<Value>,
    },
    /// The figures `/metrics` shows that the cluster knows.
    Gauges {
        /// Where they go.
        reply: oneshot::Sender<Gauges>,
    },
    /// Stop the loop.
    Stop,
}

/// What the cluster knows for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gauges {
    /// The current virtual time.
    pub now_ticks: Time,
    /// Keys stored, over all nodes.
    pub keys: u64,
    /// The most siblings any stored key has.
    pub siblings_max: u64,
    /// Hints held, over all nodes.
    pub hints: u64,
    /// Hints stored since the start, over all nodes.
    pub hints_stored: u64,
    /// Read repairs sent since the start, over all nodes.
    pub repairs: u64,
    /// Operations waiting for their outcome.
    pub waiting: u64,
}

/// How the loop ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The virtual time at the end.
    pub now_ticks: Time,
    /// The trace hash of the whole run (what a replay of the record gives).
    pub trace_hash: u64,
}

/// The cluster loop's state.
pub struct Engine {
    cluster: Cluster,
    recorder: Recorder,
    disk: Option<Disk>,
    tick_ms: u64,
    started: Instant,
    start_tick: Time,
    /// Operations scheduled and not yet completed, by id.
    waiting: HashMap<OpId, oneshot::Sender<Answer>>,
    /// The most operations that may wait at once; past it, requests stay
    /// in the channel, which fills and turns new ones away.
    waiting_max: usize,
    /// The virtual time when the last operation completed and none waited.
    idle_since: Time,
    /// Changes not yet on disk, one entry per node, merged ([`crate::data::merge`]).
    unsaved: Vec<(NodeId, DurableChanges)>,
    /// Why the last write to disk failed, while the changes wait.
    disk_error: Option<String>,
    events: broadcast::Sender<Arc<str>>,
}

impl Engine {
    /// The loop over `scenario`'s cluster, restored from `disk` if given,
    /// recording into `record` if given, stopping after `events_max`
    /// events (`u64::MAX`: never; see "The budget" above).
    pub fn new(
        scenario: &Scenario,
        tick_ms: u64,
        waiting_max: usize,
        events_max: u64,
        disk: Option<Disk>,
        record: Option<&std::path::Path>,
        events: broadcast::Sender<Arc<str>>,
    ) -> Result<Engine, String> {
        let options = SimOptions {
            trace: TraceMode::HashOnly,
            history: false,
            budget: Budget {
                events_max,
                ..Budget::default()
            },
            ..SimOptions::default()
        };
        let mut cluster = Cluster::new(scenario, options).map_err(|e| e.to_string())?;
        cluster.sim_mut().log_completions(true);
        if let Some(disk) = &disk {
            if record.is_some() && !disk.is_empty()? {
                return Err(
                    "--record with a --data directory that holds data: a record \
                            starts from an empty cluster, so it would not replay this run; \
                            give a fresh --data directory, or leave out --record"
                        .into(),
                );
            }
            for id in scenario.cluster.node_ids() {
                let state = disk.load(id)?;
                if let Some(Member::Node(node)) = cluster.sim_mut().node_mut(id) {
                    node.restore(state);
                    node.log_durable_changes(true);
                }
            }
        }
        Ok(Engine {
            cluster,
            recorder: Recorder::new(scenario, record),
            disk,
            tick_ms,
            started: Instant::now(),
            start_tick: 0,
            waiting: HashMap::new(),
            waiting_max,
            idle_since: 0,
            unsaved: Vec::new(),
            disk_error: None,
            events,
        })
    }

    fn sim(&mut self) -> &mut Simulator<Member> {
        self.cluster.sim_mut()
    }

    /// Run until asked to stop (or every sender is gone).
    pub fn run(mut self, requests: Receiver<Request>) -> Report {
        self.started = Instant::now();
        self.start_tick = self.cluster.sim().now();
        let mut batch = Vec::with_capacity(BATCH_MAX);
        loop {
            if self.waiting.len() >= self.waiting_max {
                // Full: leave new requests in the channel (it fills, and
                // the handlers turn requests away) until some complete.
                if let Some(d) = self.sleep().filter(|d| !d.is_zero()) {
                    std::thread::sleep(d);
                }
                self.follow_the_clock();
                self.run_events();
                self.save();
                self.answer();
                self.publish();
                continue;
            }
            let first = match self.sleep() {
                Some(d) if d.is_zero() => requests
                    .try_recv()
                    .map_err(|e| e == TryRecvError::Disconnected),
                Some(d) => requests
                    .recv_timeout(d)
                    .map_err(|e| e == RecvTimeoutError::Disconnected),
                None => requests.recv().map_err(|_| true),
            };
            match first {
                Ok(request) => batch.push(request),
                Err(true) => break,
                Err(false) => {}
            }
            while batch.len() < BATCH_MAX && self.waiting.len() + batch.len() < self.waiting_max {
                match requests.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            self.follow_listeners();
            self.follow_the_clock();
            let mut stop = false;
            for request in batch.drain(..) {
                stop |= self.handle(request);
            }
            if stop {
                break;
            }
            self.run_events();
            self.save();
            self.answer();
            self.publish();
            if let Err(e) = self.recorder.write(&self.cluster, false) {
                eprintln!("wildling: cannot write the record: {e}");
            }
        }
        // Finish the tick, so that the record's position holds exactly
        // the events this run had.
        let now = self.cluster.sim().now();
        self.sim().run_until(now);
        self.save();
        self.answer();
        if let Err(e) = self.recorder.write(&self.cluster, true) {
            eprintln!("wildling: cannot write the record: {e}");
        }
        Report {
            now_ticks: self.cluster.sim().now(),
            trace_hash: self.cluster.sim().trace().hash(),
        }
    }

    /// How long to wait for a request: not at all while there is work,
    /// until the next event is due, or (`None`) until a request comes (and
    /// always once the cluster has stopped).
    fn sleep(&self) -> Option<Duration> {
        let sim = self.cluster.sim();
        if sim.stopped().is_some() {
            // A stopped cluster runs nothing more (and its time stands
            // still, so the idle bound below would never end a spin):
            // wait for a request, which is refused at once.
            return None;
        }
        if self.tick_ms == 0 {
            let background = !sim.is_quiet() && sim.now() - self.idle_since < IDLE_TICKS_MAX;
            return (!self.waiting.is_empty() || background).then_some(Duration::ZERO);
        }
        let next = sim.next_event_at()?;
        let due = Duration::from_millis((next - self.start_tick).saturating_mul(self.tick_ms));
        Some(due.saturating_sub(self.started.elapsed()).min(SLEEP_MAX))
    }

    /// With `tick_ms` > 0, run every event due by the wall clock.
    fn follow_the_clock(&mut self) {
        if self.tick_ms == 0 {
            return;
        }
        let elapsed = self.started.elapsed().as_millis() as u64;
        let until = self.start_tick + elapsed / self.tick_ms;
        self.sim().run_until(until);
    }

    /// With `tick_ms` = 0, step events while operations wait (or
    /// background work is left), and come back for new requests as soon as
    /// one completes; with `tick_ms` > 0, run what is due now (the requests
    /// just scheduled).
    fn run_events(&mut self) {
        let now = self.cluster.sim().now();
        if self.tick_ms > 0 {
            self.sim().run_until(now);
            return;
        }
        let completed = self.cluster.sim().stats().completed;
        for _ in 0..STEP_BUDGET {
            let sim = self.cluster.sim();
            if self.waiting.is_empty()
                && (sim.is_quiet() || sim.now() - self.idle_since >= IDLE_TICKS_MAX)
            {
                break;
            }
            if !self.sim().step() || self.cluster.sim().stats().completed != completed {
                break;
            }
        }
    }

    /// Schedule a request's operation or fault now; answer a question.
    /// Returns whether the request asks the loop to stop.
    fn handle(&mut self, request: Request) -> bool {
        match request {
            Request::Op { entry, reply } => {
                if let Some(stopped) = self.cluster.sim().stopped() {
                    let _ = reply.send(Err(Refused::Stopped(stopped.to_string())));
                    return false;
                }
                if self.disk_error.is_some() {
                    // The kept changes may go through now.
                    self.save();
                }
                if let Some(e) = &self.disk_error {
                    // Nothing new is taken on while nothing can be kept.
                    let _ = reply.send(Err(Refused::Disk(e.clone())));
                    return false;
                }
                let now = self.cluster.sim().now();
                let op = self.cluster.sim().op_id_of_next_input_at(now);
                match self.record(entry) {
                    Ok(()) => {
                        self.waiting.insert(op, reply);
                    }
                    // The handler validated it; should the cluster still
                    // refuse it, the client hears why.
                    Err(reason) => {
                        let _ = reply.send(Err(Refused::Cluster(reason)));
                    }
                }
            }
            Request::Fault { entry, reply } => {
                if let Some(stopped) = self.cluster.sim().stopped() {
                    let _ = reply.send(Err(format!("the cluster stopped: {stopped}")));
                    return false;
                }
                let now = self.cluster.sim().now();
                let _ = reply.send(self.record(entry).map(|()| now));
            }
            Request::Cluster { key, reply } => {
                let _ = reply.send(self.cluster_json(key.as_deref().unwrap_or("")));
            }
            Request::Gauges { reply } => {
                let _ = reply.send(self.gauges());
            }
            Request::Stop => return true,
        }
        false
    }

    /// Schedule `entry` now and remember it for the replay.
    fn record(&mut self, entry: TimelineEntry) -> Result<(), String> {
        self.recorder.schedule(&mut self.cluster, entry)
    }

    /// Write what changed at each node to disk, if there is one, with what
    /// an earlier write could not keep. A failure keeps the changes for the
    /// next try and is remembered, so that no operation is answered as if
    /// it were on disk.
    fn save(&mut self) {
        if self.disk.is_none() {
            return;
        }
        let ids = self.cluster.scenario().cluster.node_ids();
        for id in ids {
            if let Some(Member::Node(node)) = self.cluster.sim_mut().node_mut(id) {
                let changed = node.take_durable_changes();
                if changed.is_empty() {
                    continue;
                }
                match self.unsaved.iter_mut().find(|(n, _)| *n == id) {
                    Some((_, earlier)) => crate::data::merge(earlier, changed),
                    None => self.unsaved.push((id, changed)),
                }
            }
        }
        let Some(disk) = &self.disk else {
            return;
        };
        if self.unsaved.is_empty() {
            return;
        }
        match disk.save(&self.unsaved) {
            Ok(()) => {
                self.unsaved.clear();
                if self.disk_error.take().is_some() {
                    eprintln!("wildling: the data is written again");
                }
            }
            Err(e) => {
                if self.disk_error.is_none() {
                    eprintln!("wildling: cannot write the data: {e}");
                }
                self.disk_error = Some(e);
            }
        }
    }

    /// Hand each completed operation to the handler waiting for it; once
    /// the cluster has stopped, refuse the rest, which would never complete.
    fn answer(&mut self) {
        let done = self.sim().take_completions();
        let any = !done.is_empty();
        for completion in done {
            if let Some(reply) = self.waiting.remove(&completion.op) {
                let answer = match &self.disk_error {
                    Some(e) => Err(Refused::Disk(e.clone())),
                    None => answer_of(&completion.outcome),
                };
                // The handler may have gone (its client hung up).
                let _ = reply.send(answer);
            }
        }
        if let Some(stopped) = self.cluster.sim().stopped() {
            let why = stopped.to_string();
            for (_, reply) in self.waiting.drain() {
                let _ = reply.send(Err(Refused::Stopped(why.clone())));
            }
        }
        if !any {
            return;
        }
        if self.waiting.is_empty() {
            self.idle_since = self.cluster.sim().now();
        }
        // The records only the checker reads grow with every put.
        let clients: Vec<_> = self.cluster.clients().map(|(id, _)| id).collect();
        for id in clients {
            if let Some(Member::Client(client)) = self.sim().client_mut(id) {
                client.forget_checker_records();
            }
        }
    }

    /// Keep the trace's lines only while someone listens to `/events`
    /// (the hash goes on either way). Checked before each batch of
    /// requests, so that a listener sees the lines of every request made
    /// after it connected.
    fn follow_listeners(&mut self) {
        let mode = if self.events.receiver_count() > 0 {
            TraceMode::Full
        } else {
            TraceMode::HashOnly
        };
        if self.cluster.sim().trace().mode() != mode {
            self.sim().set_trace_mode(mode);
        }
    }

    /// Send the new trace lines to `/events` listeners.
    fn publish(&mut self) {
        if self.cluster.sim().trace().mode() != TraceMode::Full {
            return;
        }
        for line in self.sim().take_trace_events() {
            // Nobody listening any more is no error.
            let _ = self.events.send(Arc::from(line.to_string()));
        }
    }

    /// The cluster as `/cluster` shows it, read from the core's views.
    fn cluster_json(&self, key: &str) -> Value {
        let network = view::network(&self.cluster, 0, 0);
        let ring = view::ring(&self.cluster, key);
        let names = |nodes: &[wildling_core::NodeId]| -> Vec<String> {
            nodes.iter().map(ToString::to_string).collect()
        };
        let key = ring.key.as_ref().map(|placed| {
            json!({
                "key": placed.key,
                "partition": placed.partition.0,
                "primaries": names(&placed.primaries),
                "coordinator": placed.coordinator.map(|n| n.to_string()),
                "placements": placed.placements.iter().map(|p| json!({
                    "node": p.node.to_string(),
                    "fallback_for": p.fallback_for.map(|n| n.to_string()),
                })).collect::<Vec<_>>(),
                "holders": names(&placed.holders),
                "hints": placed.hints.iter().map(|(at, to)| json!({ "at": at.to_string(), "for": to.to_string() })).collect::<Vec<_>>(),
            })
        });
        let nodes: Vec<Value> = network
            .nodes
            .iter()
            .map(|node| {
                json!({
                    "node": node.id.to_string(),
                    "up": node.up,
                    "group": node.group,
                    "keys": node.keys,
                    "pending": node.pending,
                    "members": names(&node.members),
                    "suspects": names(&node.suspects),
                    "suspected_by": names(&node.suspected_by),
                    "hints": node.hints.iter().map(|(to, key)| json!({ "for": to.to_string(), "key": key })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let config = &self.cluster.scenario().cluster;
        json!({
            "now_ticks": self.cluster.sim().now(),
            "n": config.n,
            "r": config.r,
            "w": config.w,
            "mode": config.mode.to_string(),
            "clients": network.clients.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "ring": ring.arcs.iter().map(|arc| json!({
                "partition": arc.partition.0,
                "owner": arc.owner.to_string(),
            })).collect::<Vec<_>>(),
            "nodes": nodes,
            "key": key,
            "cut": network.cut.iter().map(|(from, to)| json!({ "from": from.to_string(), "to": to.to_string() })).collect::<Vec<_>>(),
        })
    }

    fn gauges(&self) -> Gauges {
        let mut gauges = Gauges {
            now_ticks: self.cluster.sim().now(),
            waiting: self.waiting.len() as u64,
            ..Gauges::default()
        };
        for (_, node, _) in self.cluster.nodes() {
            for (_, _, clock) in node.store().iter() {
                gauges.keys += 1;
                gauges.siblings_max = gauges.siblings_max.max(clock.sibling_count() as u64);
            }
            gauges.hints += node.hints().count() as u64;
            gauges.hints_stored += node.stats().hints_stored;
            gauges.repairs += node.stats().repairs;
        }
        gauges
    }
}

//! Dynamo nodes and clients as sans-IO state machines.
//!
//! A [`Node`] is one Dynamo storage node; a [`Client`] is a process that
//! reads and writes through any node. Both implement the simulator's
//! [`Process`] through [`Member`]: the simulator hands them a delivered
//! message ([`Node::step`]), a fired timer ([`Node::tick`]) or an input, with
//! the current virtual time, and they answer with effects in an [`Outbox`].
//! Nothing here sends, sleeps, reads a clock or draws a random number.
//!
//! # Where each mechanism lives
//!
//! One room per Dynamo mechanism, each with its own essay:
//!
//! - [`quorum`]: the basic Get/Put path: forwarding to a primary, the
//!   coordinator's write, replication and R/W quorums, timeouts as
//!   `QuorumFailed` replies (Dynamo, sections 4.3 and 4.5).
//! - [`sloppy_quorum`]: suspected primaries replaced by fallbacks holding
//!   hints (section 4.6).
//! - [`hinted_handoff`]: fallbacks hand hints back to the intended primary.
//! - [`read_repair`]: a get's coordinator repairs replicas that answered
//!   stale (section 5).
//! - [`anti_entropy`], over the Merkle trees of [`crate::merkle`]: replicas
//!   compare partitions and sync the keys that differ (section 4.7).
//! - [`failure_detector`]: each node's local suspicions (section 4.8.3).
//! - [`gossip`]: the versioned ring, join and leave, gossip rounds that
//!   retry until every peer acknowledged the ring, and the partition handoff
//!   and anti-entropy recheck a ring change triggers (section 4.8).
//! - [`store`]: the per-partition, per-key clocks, and [`durable`]: what of
//!   them a front end keeps on disk; `routes`: each key's
//!   partition and preference list, kept until the ring changes;
//!   [`requests`]: what a node waits on, by id; [`client`]: clients and the
//!   contexts they keep; [`settings`]: N, R, W, timeouts, intervals and the
//!   [`Mechanisms`] switches.
//!
//! Each mechanism is switched per cluster ([`Mechanisms`], the scenario's
//! `cluster.mechanisms`) and shows in the trace as its own message kinds.
//!
//! # Crash and restart
//!
//! A crash loses the volatile state: requests in flight, timers, the failure
//! detector, the dirty marks. With `durable` the store and the hints survive;
//! without it both are lost. A restarted node announces itself (kind
//! `alive`) and marks every partition it replicates dirty, so that
//! anti-entropy refills what it lost.
//!
//! # Maintenance that never gives up
//!
//! Maintenance timers exist only while there is work (hints held,
//! partitions dirty or exchanges open) and never give up while it lasts, so
//! a partition however long is repaired once it heals. Rounds that fail in a
//! row back off: a handoff round whose hints all went unanswered, or an
//! anti-entropy round with an unanswered exchange, doubles the wait for the
//! next round, up to 2^[`MAINTENANCE_BACKOFF_DOUBLINGS`] intervals
//! ([`maintenance_delay_ticks`]). A round that gets an answer, or a message
//! from a suspected peer, brings the period back to one interval (from the
//! round after the one already set). The timer shows as before in the trace,
//! its lines only further apart. A run goes quiet when the work is done:
//! after the faults heal, since every round then reaches its peer. Against a
//! replica that stays down or cut off for good the rounds would go on
//! forever; they are the simulator's retry timers, and a Merkle root or
//! in-sync answer, or a hint the receiver already holds, changes nothing
//! ([`crate::sim::Outbox::idle`]), so once every node has retried all its
//! work once without a change the run is quiet
//! ([`crate::sim::Simulator::is_quiet`]) and stops there, with the rounds
//! still set for a heal or restart to resume.
//!
//! # Trace
//!
//! Requests travel as `client-get`/`client-put`, forwards as `forward`,
//! replication as `put`/`put-ack` and reads as `get`/`get-reply`. Answers to
//! clients are `client-reply`. The mechanisms add `hint`, `hint-handoff`,
//! `hint-ack`, `repair`, `merkle`, `merkle-sync`, `alive`, `gossip`, `join`
//! and `handoff`, and the timers `hint-handoff`, `anti-entropy` and
//! `gossip`. Join and leave are operations at a node in the history
//! (`ok ring vN` or `refused: ...`).
//!
//! # CAVEATS
//!
//! Relative to Dynamo and Riak, the simulation leaves out:
//!
//! - Membership gossip runs until every peer has acknowledged a node's
//!   ring version, not forever as Dynamo's once-a-second gossip does
//!   ([`gossip`]): the same convergence after any heal, without endless
//!   rounds in a run that is otherwise quiet. Concurrent changes made at
//!   different nodes on the same version do not merge: the greater
//!   (version, node) wins and the other change is lost (Riak has a claimant
//!   and ring vector clocks). Nodes route with their own view meanwhile.
//! - Partition handoff is one unacknowledged message per partition and new
//!   replica, sent by the old owner only; if it is lost, anti-entropy (when
//!   on) fills the partition. A node keeps the data of partitions it no
//!   longer replicates, and hints are not re-homed on a ring change.
//! - The ring survives a crash even without `durable` (Riak keeps it on
//!   disk apart from the data).
//! - Heartbeats: suspicion comes from missed answers only, and a suspected
//!   node is seen again only through a message from it (an answer, a hint
//!   ack, an exchange, or the `alive` a restart sends). A maintenance round
//!   already set keeps its time when the peer is seen again: timers are not
//!   cancelled, so a healed partition is repaired up to 16 intervals late.
//! - Anti-entropy runs only for partitions whose data changed (and after a
//!   restart), not continuously as Riak's active anti-entropy does; trees are
//!   rebuilt for each exchange rather than kept up to date, and have three
//!   levels rather than Riak's configurable width and depth.
//! - A node that is not a primary forwards to a primary even when it
//!   suspects them all; it never coordinates with fallbacks only.
//! - A node that loses its store (no `durable`) restarts with the same id, so
//!   DVVSet can reissue dots it issued before (Riak changes the vnode id).
//! - Hints are handed off one message per key; Riak hands off a partition.
//! - LWW timestamps are the coordinator's virtual time, so clocks never skew.
//! - Vector-clock pruning happens only where a put is coordinated, by the
//!   number of entries alone, with ticks for timestamps; Riak prunes at the
//!   vnode on each put, by age as well as size (`young_vclock`,
//!   `old_vclock`), and Dynamo's servers stamp with their own skewed clocks.

pub mod anti_entropy;
pub mod client;
pub mod durable;
pub mod failure_detector;
pub mod gossip;
pub mod hinted_handoff;
pub mod quorum;
pub mod read_repair;
pub mod requests;
mod routes;
pub mod settings;
pub mod sloppy_quorum;
pub mod store;

use crate::vec_map::{VecMap, VecSet};
use std::fmt;
use std::rc::Rc;

use serde::Serialize;

use crate::ids::{Addr, NodeId, OpId, Time};
use crate::message::{Clock, Message, PeerMessage, ReqId, SharedClock};
use crate::ring::{PartitionId, Ring};
use crate::sim::{Envelope, Fingerprint, Outbox, Process};
use routes::Routes;

pub use client::{Client, ClientOp, ContextChoice, OpOutcome};
pub use durable::{DurableChanges, DurableHint, DurableKey, DurableState};
pub use hinted_handoff::Hint;
pub use quorum::Pending;
pub use requests::Requests;
pub use settings::{maintenance_delay_ticks, Mechanisms, Settings, MAINTENANCE_BACKOFF_DOUBLINGS};
pub use store::{Store, StoreChanges};

/// The most forwarded requests a node remembers having served. A copy the
/// network made of a forward arrives within the latency range (plus a
/// reordering's delay) of the original, while a node serves forwards in op
/// order; only a copy overtaken by this many newer forwards could be served
/// twice. The bound keeps a long-running cluster (`wildling serve`) from
/// growing this list without end; no scenario of the playground reaches it.
pub const FORWARDS_SEEN_MAX: usize = 4096;

/// A timer a node or client asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timer {
    /// A coordinator's deadline for request `ReqId`'s quorum.
    Request(ReqId),
    /// A client's deadline for an answer to operation `OpId`.
    Client(OpId),
    /// A node's next round of hinted handoff.
    HintHandoff,
    /// A node's next round of Merkle exchanges.
    AntiEntropy,
    /// A node's next round of membership gossip.
    Gossip,
    /// A joining node asks a seed again.
    Join,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Request(req) => write!(f, "request-timeout {req}"),
            Timer::Client(op) => write!(f, "client-timeout {op}"),
            Timer::HintHandoff => f.write_str("hint-handoff"),
            Timer::AntiEntropy => f.write_str("anti-entropy"),
            Timer::Gossip => f.write_str("gossip"),
            Timer::Join => f.write_str("join"),
        }
    }
}

/// Counters of the work the mechanisms did at one node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NodeStats {
    /// Hints this node accepted as a fallback.
    pub hints_stored: u64,
    /// Hints this node handed off and deleted.
    pub hints_delivered: u64,
    /// Read repairs this node sent (or applied to itself) as a coordinator.
    pub repairs: u64,
    /// Merkle exchanges this node started.
    pub exchanges: u64,
    /// Tree nodes (root, branches, leaves) this node sent.
    pub merkle_tree_nodes: u64,
    /// Key clocks this node sent in Merkle syncs.
    pub merkle_keys: u64,
    /// Partitions this node handed to a new owner after a ring change.
    pub handoffs: u64,
    /// Key clocks this node sent in partition handoffs.
    pub handoff_keys: u64,
}

/// One Dynamo node: its ring, its store and the requests it coordinates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    id: NodeId,
    settings: Settings,
    /// Shared, as the routes below, with the copies of this node the
    /// explorer's states hold ([`crate::explore`]) until the ring changes.
    ring: Rc<Ring>,
    #[serde(skip)]
    routes: Rc<Routes>,
    /// The ring's version and the node that made it: the greater pair wins.
    ring_version: (u64, NodeId),
    /// Nodes gossiped with besides the members.
    seeds: Vec<NodeId>,
    /// This node's join operation, until it learns a ring holding it.
    joining: Option<OpId>,
    /// Tries of the join so far, which pick the seed and the backoff.
    join_rounds: u32,
    gossip_armed: bool,
    /// Peers known to hold this node's ring version.
    informed: VecSet<NodeId>,
    /// The last gossip round sent and no acknowledgement has come since.
    gossip_awaiting: bool,
    gossip_failed_rounds: u32,
    store: Store,
    pending: Requests<Pending>,
    next_req: u64,
    /// Peers this node's failure detector suspects, with the time of the
    /// last missed answer.
    suspects: VecMap<NodeId, Time>,
    /// Hints held for other nodes, by (intended node, partition, key).
    hints: VecMap<(NodeId, PartitionId, String), Hint>,
    next_hint_version: u64,
    handoff_armed: bool,
    /// The last handoff round sent hints and no ack has come since.
    handoff_awaiting: bool,
    handoff_failed_rounds: u32,
    /// Partitions whose data changed since their last exchange.
    dirty: VecSet<PartitionId>,
    /// Merkle exchanges this node started, by id: (partition, peer).
    exchanges: Requests<(PartitionId, NodeId)>,
    anti_entropy_armed: bool,
    anti_entropy_failed_rounds: u32,
    /// Forwarded requests already served, by (client, op): the network may
    /// duplicate a forward, and serving it twice would write the value twice.
    /// Kept sorted by op (ops are numbered in the order clients start them,
    /// so forwards arrive nearly in order and join near the end).
    forwards_seen: std::collections::VecDeque<(OpId, Addr)>,
    stats: NodeStats,
    /// The hints' stamp when a front end last took the changes
    /// (`node/durable.rs`).
    #[serde(skip)]
    hints_saved: (u64, usize),
}

impl Node {
    /// Node `id` with the cluster's settings and ring; its seed is the
    /// ring's first member until [`Node::set_seeds`] says otherwise.
    pub fn new(id: NodeId, settings: Settings, ring: Ring) -> Node {
        Node {
            id,
            settings,
            seeds: ring.nodes().into_iter().take(1).collect(),
            routes: Rc::new(Routes::new(&ring, usize::from(settings.n))),
            ring: Rc::new(ring),
            ring_version: (0, NodeId(0)),
            joining: None,
            join_rounds: 0,
            gossip_armed: false,
            informed: VecSet::new(),
            gossip_awaiting: false,
            gossip_failed_rounds: 0,
            store: Store::default(),
            pending: Requests::default(),
            next_req: 0,
            suspects: VecMap::new(),
            hints: VecMap::new(),
            next_hint_version: 0,
            handoff_armed: false,
            handoff_awaiting: false,
            handoff_failed_rounds: 0,
            dirty: VecSet::new(),
            exchanges: Requests::default(),
            anti_entropy_armed: false,
            anti_entropy_failed_rounds: 0,
            forwards_seen: std::collections::VecDeque::new(),
            stats: NodeStats::default(),
            hints_saved: (0, 0),
        }
    }

    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's view of the ring.
    pub fn ring(&self) -> &Ring {
        &self.ring
    }

    /// What the node stores.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The requests the node is coordinating.
    pub fn pending(&self) -> &Requests<Pending> {
        &self.pending
    }

    /// The hints this node holds for other nodes.
    pub fn hints(&self) -> impl Iterator<Item = (NodeId, PartitionId, &str, &Hint)> {
        self.hints
            .iter()
            .map(|((to, p, key), hint)| (*to, *p, key.as_str(), hint))
    }

    /// The partitions waiting for anti-entropy.
    pub fn dirty(&self) -> &VecSet<PartitionId> {
        &self.dirty
    }

    /// Whether this node holds `value` as a value of `key` anywhere it can
    /// hand it on from: its store, its hints, or a get it coordinates (the
    /// replies merged so far, which answer the client and repair replicas).
    /// A put it coordinates holds its value in the store already. What the
    /// explorer's per-state no-lost-write reads ([`crate::checker::vanished`]);
    /// a crashed node that keeps its store (`durable`) holds it too.
    pub fn holds(&self, key: &str, value: &str) -> bool {
        use crate::message::clock_holds;
        self.store
            .iter()
            .any(|(_, k, clock)| k == key && clock_holds(clock, value))
            || self
                .hints
                .iter()
                .any(|((_, _, k), hint)| k == key && clock_holds(&hint.clock, value))
            || self.pending.iter().any(|(_, pending)| match pending {
                Pending::Get {
                    key: k,
                    merged,
                    primaries,
                    ..
                } => {
                    &**k == key
                        && (clock_holds(merged, value)
                            || primaries.iter().any(|(_, c)| clock_holds(c, value)))
                }
                Pending::Put { .. } => false,
            })
    }

    /// What the mechanisms did at this node.
    pub fn stats(&self) -> NodeStats {
        self.stats
    }

    /// Handle a message delivered at `now`.
    pub fn step(&mut self, now: Time, envelope: Envelope<Message>, out: &mut Outbox<Member>) {
        let Envelope { from, msg, .. } = envelope;
        let mut resumed = false;
        if let Addr::Node(peer) = from {
            if !self.suspects.is_empty() && self.suspects.remove(&peer).is_some() {
                self.seen_again(out);
                resumed = true;
            }
        }
        if !resumed && idle(&msg) {
            // A retry answered, or retried here, without a change.
            out.idle();
        }
        let peer = match from {
            Addr::Node(peer) => peer,
            Addr::Client(_) => self.id,
        };
        match msg {
            Message::Request(request) => {
                let partition = Routes::partition_of(&mut self.routes, &self.ring, request.key());
                self.coordinate(now, from, partition, request, out)
            }
            Message::Peer(PeerMessage::Forward {
                client,
                partition,
                request,
            }) => {
                let seen = (request.op(), client);
                if let Err(at) = self.forwards_seen.binary_search(&seen) {
                    self.forwards_seen.insert(at, seen);
                    if self.forwards_seen.len() > FORWARDS_SEEN_MAX {
                        // The oldest forward's copies have long arrived.
                        self.forwards_seen.pop_front();
                    }
                    self.coordinate(now, client, partition, request, out);
                }
            }
            Message::Peer(PeerMessage::Replicate {
                req,
                partition,
                key,
                clock,
            }) => {
                self.store
                    .entry(partition, &key, self.settings.mode)
                    .sync(&clock);
                self.mark_dirty(partition, out);
                out.send(from, Message::Peer(PeerMessage::ReplicateAck { req }));
            }
            Message::Peer(PeerMessage::ReplicateAck { req }) => self.acknowledged(peer, req, out),
            Message::Peer(PeerMessage::Read {
                req,
                partition,
                key,
            }) => {
                let clock = self.clock_with_hints(partition, &key);
                out.send(from, Message::Peer(PeerMessage::ReadReply { req, clock }));
            }
            Message::Peer(PeerMessage::ReadReply { req, clock }) => {
                self.read_reply(peer, req, clock, out)
            }
            Message::Peer(PeerMessage::Repair {
                partition,
                key,
                clock,
            }) => {
                self.merge(partition, &key, &clock, out);
            }
            Message::Peer(PeerMessage::Hint {
                req,
                partition,
                key,
                clock,
                intended,
            }) => {
                self.store_hint(intended, partition, key.to_string(), &clock, out);
                out.send(from, Message::Peer(PeerMessage::ReplicateAck { req }));
            }
            Message::Peer(PeerMessage::HintHandoff {
                partition,
                key,
                clock,
                version,
            }) => {
                if !self.merge(partition, &key, &clock, out) && !resumed {
                    // A hint this node already holds: a retry whose ack was lost.
                    out.idle();
                }
                let ack = PeerMessage::HintAck {
                    partition,
                    key,
                    version,
                };
                out.send(from, Message::Peer(ack));
            }
            Message::Peer(PeerMessage::HintAck {
                partition,
                key,
                version,
            }) => self.hint_acked(peer, partition, key, version),
            Message::Peer(PeerMessage::Alive) => {}
            Message::Peer(PeerMessage::Gossip { version, by, ring }) => {
                self.gossiped(peer, (version, by), ring, out)
            }
            Message::Peer(PeerMessage::GossipAck { version, by }) => {
                self.gossip_acked(peer, (version, by), out)
            }
            Message::Peer(PeerMessage::Join) => self.join_requested(peer, out),
            Message::Peer(PeerMessage::Handoff { partition, clocks }) => {
                for (key, clock) in &clocks {
                    self.merge(partition, key, clock, out);
                }
            }
            Message::Peer(
                message @ (PeerMessage::MerkleRoot { .. }
                | PeerMessage::MerkleInSync { .. }
                | PeerMessage::MerkleBranches { .. }
                | PeerMessage::MerkleLeaves { .. }
                | PeerMessage::MerkleSync { .. }
                | PeerMessage::MerkleSyncReply { .. }),
            ) => self.anti_entropy_step(from, message, out),
            Message::Reply(reply) => unreachable!("{} received a client reply: {reply}", self.id),
        }
    }

    /// Handle a timer that fired at `now`.
    pub fn tick(&mut self, now: Time, timer: Timer, out: &mut Outbox<Member>) {
        match timer {
            Timer::Request(req) => self.request_timeout(now, req, out),
            Timer::HintHandoff => self.handoff_round(out),
            Timer::AntiEntropy => self.anti_entropy_round(now, out),
            Timer::Gossip => self.gossip_round(out),
            Timer::Join => self.join_round(out),
            Timer::Client(_) => unreachable!("{} received a client timer: {timer}", self.id),
        }
    }

    /// The node crashed: requests in flight, timers, suspicions and dirty
    /// marks are lost; the store and the hints too unless they are durable.
    pub fn crash(&mut self) {
        self.pending.clear();
        self.suspects.clear();
        self.dirty.clear();
        self.exchanges.clear();
        self.forwards_seen.clear();
        self.handoff_armed = false;
        self.handoff_awaiting = false;
        self.handoff_failed_rounds = 0;
        self.anti_entropy_armed = false;
        self.anti_entropy_failed_rounds = 0;
        self.joining = None;
        self.gossip_armed = false;
        self.informed.clear();
        self.gossip_awaiting = false;
        self.gossip_failed_rounds = 0;
        if !self.settings.mechanisms.durable {
            self.store.clear();
            self.hints.clear();
        }
    }

    /// The node restarted: it announces itself, checks every partition it
    /// replicates with anti-entropy, and resumes handing off its hints.
    pub fn restart(&mut self, out: &mut Outbox<Member>) {
        for peer in self.ring.nodes() {
            if peer != self.id {
                out.send(Addr::Node(peer), Message::Peer(PeerMessage::Alive));
            }
        }
        if self.settings.mechanisms.anti_entropy {
            for p in (0..self.ring.partition_count()).map(PartitionId) {
                if self.routes.preference_list(p).contains(&self.id) {
                    self.dirty.insert(p);
                }
            }
        }
        self.arm_anti_entropy(out);
        self.arm_handoff(out);
        self.spread(out);
    }

    /// The stored clock of `key`, shared; an empty one if the node holds none.
    fn clock_of(&self, partition: PartitionId, key: &str) -> SharedClock {
        self.store
            .get_shared(partition, key)
            .cloned()
            .unwrap_or_else(|| SharedClock::new(Clock::new(self.settings.mode)))
    }

    /// Merge `clock` into the stored clock of `key`; mark the partition dirty
    /// if that changed anything, and say whether it did. An empty clock
    /// creates no key, and a merge that changes nothing leaves the stored
    /// clock (and its Merkle leaf) be.
    fn merge(
        &mut self,
        partition: PartitionId,
        key: &str,
        clock: &SharedClock,
        out: &mut Outbox<Member>,
    ) -> bool {
        let mode = self.settings.mode;
        let stored = self.store.get_shared(partition, key);
        let mut merged = stored
            .cloned()
            .unwrap_or_else(|| SharedClock::new(Clock::new(mode)));
        merged.sync(clock);
        let changed = match stored {
            Some(mine) => merged != *mine,
            None => *merged != Clock::new(mode),
        };
        if changed {
            self.store.set(partition, key, merged);
            self.mark_dirty(partition, out);
        }
        changed
    }
}

/// A member of the simulated cluster: a node or a client. The simulator runs
/// both through one [`Process`] implementation.
// Members sit in one Vec and are stepped on the hot path; boxing the larger
// variant would add an indirection to every delivery for little memory.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Member {
    /// A Dynamo node.
    Node(Node),
    /// A client of the store.
    Client(Client),
}

impl Process for Member {
    type Msg = Message;
    type Timer = Timer;
    type Input = ClientOp;
    type Outcome = OpOutcome;

    fn on_message(&mut self, now: Time, envelope: Envelope<Message>, out: &mut Outbox<Self>) {
        match self {
            Member::Node(node) => node.step(now, envelope, out),
            Member::Client(client) => client.step(now, envelope, out),
        }
    }

    fn on_timer(&mut self, now: Time, timer: Timer, out: &mut Outbox<Self>) {
        match self {
            Member::Node(node) => node.tick(now, timer, out),
            Member::Client(client) => client.tick(now, timer, out),
        }
    }

    fn on_input(&mut self, now: Time, op: OpId, input: ClientOp, out: &mut Outbox<Self>) {
        match self {
            Member::Client(client) => client.invoke(now, op, input, out),
            Member::Node(node) => match input {
                ClientOp::Join => node.join(op, out),
                ClientOp::Leave => node.leave(op, out),
                ClientOp::Get { .. } | ClientOp::Put { .. } => {
                    let reason = "a node performs only join and leave".to_string();
                    out.complete(op, OpOutcome::Refused { reason })
                }
            },
        }
    }

    fn on_crash(&mut self, _now: Time) {
        if let Member::Node(node) = self {
            node.crash();
        }
    }

    fn on_restart(&mut self, _now: Time, out: &mut Outbox<Self>) {
        if let Member::Node(node) = self {
            node.restart(out);
        }
    }

    /// Hint handoff, anti-entropy and gossip rounds and a join retry until
    /// answered.
    fn is_retry(timer: &Timer) -> bool {
        matches!(
            timer,
            Timer::HintHandoff | Timer::AntiEntropy | Timer::Gossip | Timer::Join
        )
    }

    /// A client's timeout once its operation has its answer, a
    /// coordinator's once its request is answered or given up.
    fn is_spent(&self, timer: &Timer) -> bool {
        match (self, timer) {
            (Member::Client(client), Timer::Client(op)) => !client.is_waiting(*op),
            (Member::Node(node), Timer::Request(req)) => node.pending.get(*req).is_none(),
            _ => false,
        }
    }

    /// A node's counters (`stats`: written, never read), and its
    /// suspicions, whose times [`Process::fold_times`] folds in relative.
    /// No other field of a node or a client holds a time.
    const FIELDS_NOT_FOLDED_RELATIVE: &'static [&'static str] = &["stats", "suspects"];

    fn fold_times(&self, now: Time, fingerprint: &mut Fingerprint) {
        if let Member::Node(node) = self {
            node.fold_suspicions(now, fingerprint);
        }
    }
}

/// Whether handling `msg` changes nothing but dirty marks and open
/// exchanges: a Merkle root (answered in sync, or with branches) and the
/// answer that it is in sync. What a retry round meets at a peer that can be
/// reached while another cannot.
fn idle(msg: &Message) -> bool {
    matches!(
        msg,
        Message::Peer(PeerMessage::MerkleRoot { .. } | PeerMessage::MerkleInSync { .. })
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Cluster;
    use crate::message::ClientRequest;
    use crate::scenario::{builtin_scenario, Scenario};
    use crate::sim::SimOptions;
    use crate::ClientId;

    #[test]
    fn a_node_remembers_a_bounded_number_of_served_forwards() {
        let json = builtin_scenario("quorum-success").expect("built in");
        let scenario = Scenario::from_json(json).expect("valid");
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
        let Some(Member::Node(node)) = cluster.sim_mut().node_mut(NodeId(1)) else {
            panic!("n1 is a node");
        };
        let mut out = Outbox::default();
        let client = Addr::Client(ClientId(1));
        let forward = |op: u64| Envelope {
            from: Addr::Node(NodeId(2)),
            to: Addr::Node(NodeId(1)),
            msg: Message::Peer(PeerMessage::Forward {
                client,
                partition: PartitionId(0),
                request: ClientRequest::Get {
                    op: OpId(op),
                    key: "k".into(),
                    r: None,
                },
            }),
        };
        let total = FORWARDS_SEEN_MAX as u64 + 10;
        for op in 0..total {
            node.step(0, forward(op), &mut out);
        }
        assert_eq!(node.forwards_seen.len(), FORWARDS_SEEN_MAX);
        assert_eq!(node.forwards_seen.front(), Some(&(OpId(10), client)));
        let served = node.pending().len();
        node.step(0, forward(total - 1), &mut out);
        assert_eq!(
            node.pending().len(),
            served,
            "a recent copy is not served again"
        );
    }
}

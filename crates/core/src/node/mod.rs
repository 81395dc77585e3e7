//! Dynamo nodes and clients as sans-IO state machines.
//!
//! # The basic Get/Put path
//!
//! Every key hashes to a partition of the ring, and the ring's preference
//! list names the N nodes that replicate it (Dynamo, section 4.3). A client
//! may send its request to any node. A node that is not on the key's
//! preference list does not serve the request: it forwards it to a node that
//! is (the first primary it does not suspect), which becomes the request's
//! *coordinator* and answers the client directly.
//!
//! A **put** carries a value and the context the client read. The
//! coordinator applies it to its own clock for the key with the kernel's
//! `KeyClock::put`, crediting itself as the replica (DVVSet gives the write a
//! new dot; the context decides which siblings it supersedes). It sends the
//! resulting clock to the other N-1 replicas (`replicate`), which merge it
//! into theirs with `KeyClock::sync` and acknowledge. The put succeeds when W
//! replicas, the coordinator's own write included, hold it.
//!
//! Under client-id version vectors with a prune threshold
//! ([`Settings::vv_prune_threshold`]) the coordinator truncates the write's
//! vector as Dynamo does (`KeyClock::put_pruning`, explained in
//! [`crate::causality`]). It shows in the trace: the clocks in `replicate`,
//! `read-reply` and the store carry each entry's stamp (`{c2:1@21,
//! c3:1@41}=v3`), a pruned vector lacks the oldest client, and the version
//! its client read stays beside it as a sibling, up to the `get-ok`. The
//! checker reports such siblings as false conflicts.
//!
//! A **get** asks all N replicas (`read`); the coordinator's own clock counts
//! as the first reply. After R replies the coordinator merges them with
//! `KeyClock::sync` and answers with the siblings and the merged context. A
//! client that writes back that context supersedes every sibling it saw.
//!
//! Every coordinated request sets a timer. If R or W answers have not
//! arrived when it fires, the coordinator answers `QuorumFailed { acks,
//! needed }`: a failed quorum is a reply, never a hang. The coordinator keeps
//! the request until every replica answered or the timer fired, so that it
//! can tell who did not answer (failure detector) and who answered stale
//! (read repair). The client has its own, longer timer.
//!
//! # Failure handling
//!
//! Each mechanism is switched per cluster ([`Mechanisms`], the scenario's
//! `cluster.mechanisms`) and shows in the trace as its own message kinds.
//!
//! - **Failure detector.** Each node keeps its own set of suspected peers
//!   ([`Node::suspects`], [`Node::view`]): a peer becomes suspected when it
//!   misses an answer (a replica that had not answered when a request timed
//!   out, a peer whose Merkle exchange got no answer by the next round). Any
//!   message from it clears the suspicion, and so does time: after
//!   [`Node::suspicion_ticks`] the node tries it again. Views differ across a
//!   partition; the UI shows each.
//! - **Sloppy quorum** (`sloppy_quorum`). The coordinator replaces each
//!   primary it suspects by the next healthy node beyond the primaries
//!   (`Ring::preference_list_with_fallbacks`); a suspected primary no
//!   fallback can replace is tried anyway. A put sends that fallback a
//!   `hint` (kind `hint`) naming the intended primary; the fallback keeps it
//!   apart from its own data and acknowledges, and the ack counts towards W.
//!   A get reads fallbacks too; a fallback answers with what it holds for the
//!   key, hints included.
//! - **Hinted handoff** (`hinted_handoff`). While a node holds hints, a
//!   `hint-handoff` timer fires every `hint_handoff_interval_ticks`; each
//!   round sends every hint to its intended node (kind `hint-handoff`), which
//!   merges it and answers `hint-ack`; the fallback then deletes the hint,
//!   unless a newer write reached the hint in the meantime (versions).
//! - **Read repair** (`read_repair`). When all replicas answered a get (or
//!   its timer fired), the coordinator sends the merged clock (kind `repair`)
//!   to every primary whose answer was not equal to it, and merges it into its
//!   own store if it was stale itself.
//! - **Merkle anti-entropy** (`anti_entropy`). A node marks a partition
//!   *dirty* when its data for it changes; while anything is dirty an
//!   `anti-entropy` timer fires every `anti_entropy_interval_ticks`. Each
//!   round, for each dirty partition and each other primary of it, the node
//!   builds its Merkle tree ([`merkle::MerkleTree`]) and runs an exchange
//!   (kind `merkle`): roots, then the branch hashes if the roots differ, then
//!   its leaves in the differing branches only; the peer answers with its
//!   clocks of exactly the differing keys (kind `merkle-sync`), the initiator
//!   merges them with `KeyClock::sync` and sends back its merged clocks, which
//!   the peer merges. Tree nodes and keys exchanged are counted
//!   ([`NodeStats`]). An exchange still unanswered at the next round failed:
//!   the partition is dirty again and the peer suspected. Nothing answers the
//!   last message, so an initiator whose merged clocks were news to the peer
//!   keeps the partition dirty: the next round's roots show whether they
//!   arrived (the peer may never have had the write, so never a dirty mark).
//! - **Crash and restart** (`durable`). A crash loses the volatile state:
//!   requests in flight, timers, the failure detector, the dirty marks. With
//!   `durable` the store and the hints survive; without it both are lost. A
//!   restarted node announces itself (kind `alive`) and marks every partition
//!   it replicates dirty, so that anti-entropy refills what it lost.
//!
//! - **Membership by gossip** (`gossip`). Each node holds a versioned
//!   ring ([`Node::ring_version`]; the pair (version, node that made it)
//!   orders versions). A `join` operation at a node sends `join` to a seed,
//!   which computes `Ring::join` at version + 1; a `leave` operation makes
//!   the node compute `Ring::leave` itself. A node that learns a newer ring
//!   runs [`GOSSIP_ROUNDS`] rounds of the `gossip` timer, each pushing its
//!   ring (kind `gossip`) to one peer among the members and the seeds, drawn
//!   by the simulator's generator (`Outbox::send_to_one_of`); the receiver
//!   adopts a newer ring and answers an older one with its own. Seeds are
//!   gossip targets for everyone, so the ring stays logically whole. On
//!   adopting a ring, the old owner of each partition sends the partition's
//!   keys (kind `handoff`) to every node newly on its preference list, which
//!   merges them with `KeyClock::sync`; a node newly replicating a partition
//!   marks it dirty for anti-entropy. Each node's ring and failure detector
//!   make its own view ([`Node::view`]), which the UI shows.
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
//! - Membership gossip is rumour mongering: a node gossips for
//!   [`GOSSIP_ROUNDS`] rounds after news, not forever as Dynamo does, so a
//!   node cut off through all of them learns the ring only when a peer that
//!   suspected it hears from it again (which restarts the rounds) or from a
//!   later change. Concurrent changes made at different nodes on the same
//!   version do not merge: the greater (version, node) wins and the other
//!   change is lost (Riak has a claimant and ring vector clocks). Nodes
//!   route with their own view meanwhile.
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

mod anti_entropy;
mod client;
mod hints;
mod membership;
pub mod merkle;
mod requests;
mod routes;
mod store;

use crate::vec_map::{VecMap, VecSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::causality::{CausalityMode, Context, Write};
use crate::ids::NodeId;
use crate::message::{
    ClientReply, ClientRequest, Clock, Key, Message, PeerMessage, ReqId, SharedClock,
};
use crate::ring::{PartitionId, Placement, Ring};
use crate::sim::{Addr, Envelope, OpId, Outbox, Process, Time};
use routes::Routes;

pub use client::{Client, ClientOp, OpOutcome};
pub use hints::Hint;
pub use membership::GOSSIP_ROUNDS;
pub use requests::Requests;
pub use store::Store;

/// How many times a maintenance timer (hint handoff, anti-entropy) doubles
/// its period over rounds that failed in a row: the period grows from the
/// interval to at most 16 intervals, and the rounds go on while there is work.
pub const MAINTENANCE_BACKOFF_DOUBLINGS: u32 = 4;

/// How long a node waits for its next maintenance round after
/// `failed_rounds` rounds in a row failed: `interval_ticks` doubled once per
/// failed round, at most [`MAINTENANCE_BACKOFF_DOUBLINGS`] times.
pub fn maintenance_delay_ticks(interval_ticks: Time, failed_rounds: u32) -> Time {
    interval_ticks.saturating_mul(1 << failed_rounds.min(MAINTENANCE_BACKOFF_DOUBLINGS))
}

/// The failure-handling mechanisms, each switchable per cluster. All are on
/// by default; the scenario's `cluster.mechanisms` turns them off one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mechanisms {
    /// Replace suspected primaries by fallbacks holding hints.
    pub sloppy_quorum: bool,
    /// Fallbacks hand hints back to the intended primary.
    pub hinted_handoff: bool,
    /// A get's coordinator repairs replicas that answered stale.
    pub read_repair: bool,
    /// Replicas compare Merkle trees and sync the keys that differ.
    pub anti_entropy: bool,
    /// The store and the hints survive a crash.
    pub durable: bool,
    /// Nodes gossip ring changes (join, leave) to random peers.
    pub gossip: bool,
}

impl Default for Mechanisms {
    fn default() -> Self {
        Mechanisms {
            sloppy_quorum: true,
            hinted_handoff: true,
            read_repair: true,
            anti_entropy: true,
            durable: true,
            gossip: true,
        }
    }
}

impl Mechanisms {
    /// Every mechanism off: the basic Get/Put path only.
    pub const NONE: Mechanisms = Mechanisms {
        sloppy_quorum: false,
        hinted_handoff: false,
        read_repair: false,
        anti_entropy: false,
        durable: true,
        gossip: false,
    };
}

/// The cluster-wide Dynamo settings every node follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Replicas per key.
    pub n: u8,
    /// Default replies a get waits for.
    pub r: u8,
    /// Default acknowledgements a put waits for.
    pub w: u8,
    /// The causality mechanism.
    pub mode: CausalityMode,
    /// How long a coordinator waits for its quorum, in ticks.
    pub request_timeout_ticks: Time,
    /// How long a client waits for an answer, in ticks.
    pub client_timeout_ticks: Time,
    /// Which failure-handling mechanisms run.
    pub mechanisms: Mechanisms,
    /// Period of the hint-handoff timer while a node holds hints, in ticks.
    pub hint_handoff_interval_ticks: Time,
    /// Period of the anti-entropy timer while partitions are dirty, in ticks.
    pub anti_entropy_interval_ticks: Time,
    /// Period of the gossip timer while a ring change spreads, in ticks.
    pub gossip_interval_ticks: Time,
    /// Under client-id version vectors, the most entries a write's vector
    /// keeps: a coordinator prunes the oldest beyond it (Dynamo, section
    /// 4.4). `None` keeps every entry.
    pub vv_prune_threshold: Option<u32>,
}

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
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Request(req) => write!(f, "request-timeout {req}"),
            Timer::Client(op) => write!(f, "client-timeout {op}"),
            Timer::HintHandoff => f.write_str("hint-handoff"),
            Timer::AntiEntropy => f.write_str("anti-entropy"),
            Timer::Gossip => f.write_str("gossip"),
        }
    }
}

/// A request a coordinator is gathering answers for.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pending {
    /// A put waiting for W acknowledgements.
    Put {
        /// The client to answer.
        client: Addr,
        /// The client's operation.
        op: OpId,
        /// Acknowledgements so far, the coordinator's own included.
        acks: u8,
        /// Acknowledgements needed.
        needed: u8,
        /// The replicas (and fallbacks, with the primary each stands in
        /// for) that have not acknowledged yet.
        waiting: Vec<Placement>,
        /// Whether the client has had its answer.
        answered: bool,
    },
    /// A get waiting for R replies.
    Get {
        /// The client to answer.
        client: Addr,
        /// The client's operation.
        op: OpId,
        /// Replies so far, the coordinator's own included.
        replies: u8,
        /// Replies needed.
        needed: u8,
        /// The replies merged so far.
        merged: SharedClock,
        /// The replicas (and fallbacks, with the primary each stands in
        /// for) that have not replied yet.
        waiting: Vec<Placement>,
        /// Whether the client has had its answer.
        answered: bool,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: Key,
        /// Each primary's reply, for read repair (empty when it is off).
        primaries: Vec<(NodeId, SharedClock)>,
    },
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
    ring: Ring,
    #[serde(skip)]
    routes: Routes,
    /// The ring's version and the node that made it: the greater pair wins.
    ring_version: (u64, NodeId),
    /// Nodes gossiped with besides the members.
    seeds: Vec<NodeId>,
    /// This node's join operation, until it learns a ring holding it.
    joining: Option<OpId>,
    gossip_armed: bool,
    gossip_rounds_left: u32,
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
    forwards_seen: Vec<(OpId, Addr)>,
    stats: NodeStats,
}

impl Node {
    /// Node `id` with the cluster's settings and ring; its seed is the
    /// ring's first member until [`Node::set_seeds`] says otherwise.
    pub fn new(id: NodeId, settings: Settings, ring: Ring) -> Node {
        Node {
            id,
            settings,
            seeds: ring.nodes().into_iter().take(1).collect(),
            routes: Routes::new(&ring, usize::from(settings.n)),
            ring,
            ring_version: (0, NodeId(0)),
            joining: None,
            gossip_armed: false,
            gossip_rounds_left: 0,
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
            forwards_seen: Vec::new(),
            stats: NodeStats::default(),
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

    /// The peers this node's failure detector suspects, each with the time
    /// of its last missed answer.
    pub fn suspects(&self) -> &VecMap<NodeId, Time> {
        &self.suspects
    }

    /// This node's view of who is up at `now`: every ring member and whether
    /// this node believes it up (itself always).
    pub fn view(&self, now: Time) -> Vec<(NodeId, bool)> {
        self.ring
            .nodes()
            .into_iter()
            .map(|n| (n, !self.suspected(n, now)))
            .collect()
    }

    /// Whether this node suspects `peer` at `now`: it missed an answer less
    /// than [`Node::suspicion_ticks`] ago and has sent nothing since.
    pub fn suspected(&self, peer: NodeId, now: Time) -> bool {
        self.suspects
            .get(&peer)
            .is_some_and(|since| now < since + self.suspicion_ticks())
    }

    /// How long a suspicion lasts without a new missed answer: five request
    /// timeouts. After that the node tries the peer again.
    pub fn suspicion_ticks(&self) -> Time {
        5 * self.settings.request_timeout_ticks
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
                let partition = self.routes.partition_of(&self.ring, request.key());
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
        self.gossip_rounds_left = 0;
        if !self.settings.mechanisms.durable {
            self.store = Store::default();
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

    /// A suspected peer sent something: maintenance rounds go back to one
    /// interval apart, and gossip runs again in case it missed a ring change.
    fn seen_again(&mut self, out: &mut Outbox<Member>) {
        self.handoff_failed_rounds = 0;
        self.anti_entropy_failed_rounds = 0;
        self.arm_handoff(out);
        self.arm_anti_entropy(out);
        self.spread(out);
    }

    fn suspect(&mut self, peer: NodeId, now: Time) {
        if peer != self.id {
            self.suspects.insert(peer, now);
        }
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

    fn new_request(&mut self) -> ReqId {
        self.next_req += 1;
        ReqId(self.next_req - 1)
    }

    /// Wait for the answers `pending` needs, until the request timeout.
    fn wait(&mut self, req: ReqId, pending: Pending, out: &mut Outbox<Member>) {
        self.pending.insert(req, pending);
        out.set_timer(self.settings.request_timeout_ticks, Timer::Request(req));
    }

    /// Where a request's replicas go: the primaries, with suspected ones
    /// replaced by fallbacks under sloppy quorum. A suspected primary that no
    /// fallback can stand in for is tried all the same.
    fn placements(&self, now: Time, partition: PartitionId) -> Vec<Placement> {
        let primaries = self.routes.preference_list(partition);
        if self.settings.mechanisms.sloppy_quorum && !self.suspects.is_empty() {
            let n = usize::from(self.settings.n);
            let me = self.id;
            let mut placements =
                self.ring
                    .preference_list_with_fallbacks_for_partition(partition, n, |node| {
                        node == me || !self.suspected(node, now)
                    });
            for &primary in primaries {
                let covered = placements
                    .iter()
                    .any(|p| p.node == primary || p.fallback_for == Some(primary));
                if !covered {
                    placements.push(Placement {
                        node: primary,
                        fallback_for: None,
                    });
                }
            }
            return placements;
        }
        primaries
            .iter()
            .map(|&node| Placement {
                node,
                fallback_for: None,
            })
            .collect()
    }

    /// Serve a client's request as its coordinator, or forward it to one.
    fn coordinate(
        &mut self,
        now: Time,
        client: Addr,
        partition: PartitionId,
        request: ClientRequest,
        out: &mut Outbox<Member>,
    ) {
        let primaries = self.routes.preference_list(partition);
        if !primaries.contains(&self.id) {
            let sloppy = self.settings.mechanisms.sloppy_quorum;
            let coordinator = primaries
                .iter()
                .find(|p| sloppy && !self.suspected(**p, now))
                .unwrap_or(&primaries[0]);
            let forward = PeerMessage::Forward {
                client,
                partition,
                request,
            };
            out.send(Addr::Node(*coordinator), Message::Peer(forward));
            return;
        }
        let me = self.id;
        let mut waiting = self.placements(now, partition);
        waiting.retain(|p| p.node != me);
        let req = self.new_request();
        match request {
            ClientRequest::Put {
                op,
                key,
                value,
                context,
                w,
            } => {
                let Addr::Client(client_id) = client else {
                    unreachable!("{} coordinates a put from {client}", self.id);
                };
                let write = Write {
                    replica: self.id,
                    client: client_id,
                    value,
                    timestamp: now,
                };
                let stored = self.store.entry(partition, &key, self.settings.mode);
                stored
                    .make_mut()
                    .put_pruning(&context, write, self.settings.vv_prune_threshold);
                let clock = stored.clone();
                let needed = w.unwrap_or(self.settings.w);
                // The coordinator's own write may be the whole quorum.
                let answered = needed <= 1;
                if answered {
                    out.send(client, Message::Reply(ClientReply::PutOk { op }));
                }
                for placement in &waiting {
                    let (key, clock) = (key.clone(), clock.clone());
                    let msg = match placement.fallback_for {
                        None => PeerMessage::Replicate {
                            req,
                            partition,
                            key,
                            clock,
                        },
                        Some(intended) => PeerMessage::Hint {
                            req,
                            partition,
                            key,
                            clock,
                            intended,
                        },
                    };
                    out.send(Addr::Node(placement.node), Message::Peer(msg));
                }
                if !waiting.is_empty() || !answered {
                    let pending = Pending::Put {
                        client,
                        op,
                        acks: 1,
                        needed,
                        waiting,
                        answered,
                    };
                    self.wait(req, pending, out);
                }
                self.mark_dirty(partition, out);
            }
            ClientRequest::Get { op, key, r } => {
                let merged = self.clock_of(partition, &key);
                let needed = r.unwrap_or(self.settings.r);
                let answered = needed <= 1;
                if answered {
                    out.send(client, Message::Reply(got(op, &merged)));
                }
                for placement in &waiting {
                    let read = PeerMessage::Read {
                        req,
                        partition,
                        key: key.clone(),
                    };
                    out.send(Addr::Node(placement.node), Message::Peer(read));
                }
                if !waiting.is_empty() || !answered {
                    let primaries = if self.settings.mechanisms.read_repair {
                        let mut primaries = Vec::with_capacity(waiting.len() + 1);
                        primaries.push((self.id, merged.clone()));
                        primaries
                    } else {
                        Vec::new()
                    };
                    let pending = Pending::Get {
                        client,
                        op,
                        replies: 1,
                        needed,
                        merged,
                        waiting,
                        answered,
                        partition,
                        key,
                        primaries,
                    };
                    self.wait(req, pending, out);
                }
            }
        }
    }

    fn acknowledged(&mut self, from: NodeId, req: ReqId, out: &mut Outbox<Member>) {
        let Some(Pending::Put {
            client,
            op,
            acks,
            needed,
            waiting,
            answered,
        }) = self.pending.get_mut(req)
        else {
            return;
        };
        if answered_by(waiting, from).is_none() {
            return; // a duplicate
        }
        *acks += 1;
        if !*answered && *acks >= *needed {
            *answered = true;
            out.send(*client, Message::Reply(ClientReply::PutOk { op: *op }));
        }
        if *answered && waiting.is_empty() {
            self.pending.remove(req);
        }
    }

    fn read_reply(
        &mut self,
        from: NodeId,
        req: ReqId,
        clock: SharedClock,
        out: &mut Outbox<Member>,
    ) {
        let Some(Pending::Get {
            client,
            op,
            replies,
            needed,
            merged,
            waiting,
            answered,
            primaries,
            ..
        }) = self.pending.get_mut(req)
        else {
            return;
        };
        let Some(replica) = answered_by(waiting, from) else {
            return; // a duplicate
        };
        merged.sync(&clock);
        *replies += 1;
        if self.settings.mechanisms.read_repair && replica.fallback_for.is_none() {
            primaries.push((from, clock));
        }
        if !*answered && *replies >= *needed {
            *answered = true;
            out.send(*client, Message::Reply(got(*op, merged)));
        }
        if *answered && waiting.is_empty() {
            if let Some(pending) = self.pending.remove(req) {
                self.finish(pending, out);
            }
        }
    }

    /// A request's timer fired: answer `QuorumFailed` if the client still
    /// waits, suspect every replica that did not answer, and repair.
    fn request_timeout(&mut self, now: Time, req: ReqId, out: &mut Outbox<Member>) {
        let Some(pending) = self.pending.remove(req) else {
            return;
        };
        let (client, op, acks, needed, answered, waiting) = match &pending {
            Pending::Put {
                client,
                op,
                acks,
                needed,
                answered,
                waiting,
            } => (*client, *op, *acks, *needed, *answered, waiting),
            Pending::Get {
                client,
                op,
                replies,
                needed,
                answered,
                waiting,
                ..
            } => (*client, *op, *replies, *needed, *answered, waiting),
        };
        if !answered {
            let reply = ClientReply::QuorumFailed { op, acks, needed };
            out.send(client, Message::Reply(reply));
        }
        for replica in waiting.clone() {
            self.suspect(replica.node, now);
        }
        self.finish(pending, out);
    }

    /// A request is over: read repair for a get.
    fn finish(&mut self, pending: Pending, out: &mut Outbox<Member>) {
        let Pending::Get {
            merged,
            partition,
            key,
            primaries,
            ..
        } = pending
        else {
            return;
        };
        for (node, clock) in primaries {
            if clock.same(&merged) || clock.equal(&merged) {
                continue;
            }
            self.stats.repairs += 1;
            if node == self.id {
                self.merge(partition, &key, &merged, out);
            } else {
                let repair = PeerMessage::Repair {
                    partition,
                    key: key.clone(),
                    clock: merged.clone(),
                };
                out.send(Addr::Node(node), Message::Peer(repair));
            }
        }
    }
}

/// The answer to a successful get: the merged clock's siblings and context.
fn got(op: OpId, merged: &Clock) -> ClientReply {
    let values = merged.values().into_iter().cloned().collect();
    let context: Context = merged.context();
    ClientReply::GetOk {
        op,
        values,
        context,
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

    /// Hint handoff and anti-entropy rounds retry until answered.
    fn is_retry(timer: &Timer) -> bool {
        matches!(timer, Timer::HintHandoff | Timer::AntiEntropy)
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

/// Take `from` off the replicas a request still waits for; `None` when it
/// had already answered (the network duplicated its reply).
fn answered_by(waiting: &mut Vec<Placement>, from: NodeId) -> Option<Placement> {
    let at = waiting.iter().position(|p| p.node == from)?;
    Some(waiting.swap_remove(at))
}

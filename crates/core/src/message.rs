//! The messages of the Dynamo Get/Put path and of the mechanisms that repair
//! it: hinted handoff, read repair, Merkle anti-entropy and membership
//! gossip with partition handoff.
//!
//! Clients talk to nodes with [`ClientRequest`] and hear back a
//! [`ClientReply`]; nodes talk to each other with [`PeerMessage`]. The three
//! are kept apart and wrapped in [`Message`]; the simulator wraps each in an
//! envelope `{from, to, msg}` ([`crate::sim::Envelope`]). Every enum is
//! closed, and every variant's text form is what the trace prints.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use serde::{Serialize, Serializer};

use crate::causality::text::write_joined;
use crate::causality::{Context, KeyClock};
use crate::ids::NodeId;
use crate::ids::{Addr, OpId};
use crate::merkle::{self, Leaf};
use crate::ring::{PartitionId, Ring};
use crate::sim;

/// What a key's replicas hold: the kernel's clock over string values.
pub type Clock = KeyClock<Value>;

/// A value as clocks, replies and outcomes hold it: shared, so that copying
/// a clock or answering a get copies no string.
pub type Value = Rc<str>;

/// A key as requests and the messages fanned out from them carry it:
/// shared, so that asking N replicas copies no string.
pub type Key = Rc<str>;

/// A key's clock as stores and messages hold it: shared, and copied only
/// when a holder changes it ([`SharedClock::make_mut`]). Replicating a write
/// to N-1 replicas, answering a read or repairing a replica copies no clock,
/// and a replica that holds nothing newer takes the clock it is sent as it
/// is, so that replicas in sync often hold one and the same clock.
///
/// A shared clock also keeps the Merkle leaf of its key once anti-entropy
/// asks for it (`SharedClock::merkle_leaf`): replicas holding the same
/// clock hash it once.
#[derive(Clone)]
pub struct SharedClock(Rc<Held>);

/// The clock behind a [`SharedClock`], with its key's Merkle leaf.
struct Held {
    clock: Clock,
    /// The FNV-1a hash of the key the leaf was computed for, and the leaf.
    leaf: Cell<Option<(u64, Leaf)>>,
}

/// A copy (made to be changed) starts without a leaf.
impl Clone for Held {
    fn clone(&self) -> Held {
        Held {
            clock: self.clock.clone(),
            leaf: Cell::new(None),
        }
    }
}

impl SharedClock {
    /// Share `clock`.
    pub fn new(clock: Clock) -> SharedClock {
        SharedClock(Rc::new(Held {
            clock,
            leaf: Cell::new(None),
        }))
    }

    /// Whether both are the same shared clock (not just equal ones).
    pub fn same(&self, other: &SharedClock) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The clock, to change: copied first if anyone else holds it.
    pub fn make_mut(&mut self) -> &mut Clock {
        let held = Rc::make_mut(&mut self.0);
        held.leaf.set(None);
        &mut held.clock
    }

    /// Merge `other` into this clock (`KeyClock::sync`). A clock that
    /// [covers](KeyClock::covered_by) nothing `other` lacks becomes `other`
    /// itself, shared, and is not copied.
    pub fn sync(&mut self, other: &SharedClock) {
        if self.same(other) {
            return;
        }
        if self.covered_by(other) {
            *self = other.clone();
        } else {
            self.make_mut().sync(other);
        }
    }

    /// The Merkle leaf of `key` holding this clock, computed once for the
    /// clock however many replicas hold it.
    pub(crate) fn merkle_leaf(&self, key: &str) -> Leaf {
        let key_hash = merkle::key_hash(key);
        match self.0.leaf.get() {
            Some((hashed, leaf)) if hashed == key_hash => leaf,
            _ => {
                let leaf = merkle::leaf(key, &self.0.clock);
                self.0.leaf.set(Some((key_hash, leaf)));
                leaf
            }
        }
    }
}

impl std::ops::Deref for SharedClock {
    type Target = Clock;
    fn deref(&self) -> &Clock {
        &self.0.clock
    }
}

impl PartialEq for SharedClock {
    fn eq(&self, other: &SharedClock) -> bool {
        self.same(other) || **self == **other
    }
}

impl fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl fmt::Display for SharedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl Serialize for SharedClock {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

/// A coordinator's number for one request it coordinates (display `r7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ReqId(pub u64);

impl fmt::Display for ReqId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// Any message of the cluster.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Message {
    /// From a client to a node.
    Request(ClientRequest),
    /// From a coordinator back to a client.
    Reply(ClientReply),
    /// Between nodes.
    Peer(PeerMessage),
}

/// A client's request to a node, which coordinates it or forwards it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientRequest {
    /// Read a key: the coordinator asks the key's N replicas and answers after
    /// R replies with their merged values and context.
    Get {
        /// The client's operation, echoed in the reply.
        op: OpId,
        /// The key.
        key: Key,
        /// R for this request, if not the cluster's.
        r: Option<u8>,
    },
    /// Write a key: the coordinator applies the write to its own clock, sends
    /// the result to the other N-1 replicas and answers after W acknowledgements.
    Put {
        /// The client's operation, echoed in the reply.
        op: OpId,
        /// The key.
        key: Key,
        /// The new value.
        value: Value,
        /// What the client had seen; the write supersedes exactly that.
        context: Context,
        /// W for this request, if not the cluster's.
        w: Option<u8>,
    },
}

impl ClientRequest {
    /// The client's operation.
    pub fn op(&self) -> OpId {
        match self {
            ClientRequest::Get { op, .. } | ClientRequest::Put { op, .. } => *op,
        }
    }

    /// The key.
    pub fn key(&self) -> &str {
        match self {
            ClientRequest::Get { key, .. } | ClientRequest::Put { key, .. } => key,
        }
    }
}

/// A coordinator's answer to a client.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientReply {
    /// A get reached R replies: every sibling, and the context to write back.
    GetOk {
        /// The operation answered.
        op: OpId,
        /// The siblings, in the kernel's order.
        values: Vec<Value>,
        /// The context covering every reply.
        context: Context,
    },
    /// A put reached W acknowledgements.
    PutOk {
        /// The operation answered.
        op: OpId,
    },
    /// The request timed out before R (or W) answers arrived.
    QuorumFailed {
        /// The operation answered.
        op: OpId,
        /// Answers received, the coordinator's own included.
        acks: u8,
        /// Answers needed.
        needed: u8,
    },
}

impl ClientReply {
    /// The operation answered.
    pub fn op(&self) -> OpId {
        match self {
            ClientReply::GetOk { op, .. }
            | ClientReply::PutOk { op }
            | ClientReply::QuorumFailed { op, .. } => *op,
        }
    }
}

/// A message between nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeerMessage {
    /// A node that is not on the key's preference list hands a client's
    /// request to the first node that is; that node coordinates it and answers
    /// the client directly.
    Forward {
        /// The client to answer.
        client: Addr,
        /// The key's partition, so that the coordinator need not hash it again.
        partition: PartitionId,
        /// The request, unchanged.
        request: ClientRequest,
    },
    /// The coordinator of a put sends its clock for the key to a replica,
    /// which merges it into its own (kernel `sync`) and acknowledges.
    Replicate {
        /// The coordinator's request.
        req: ReqId,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: Key,
        /// The coordinator's clock after the write.
        clock: SharedClock,
    },
    /// A replica stored a [`PeerMessage::Replicate`].
    ReplicateAck {
        /// The coordinator's request.
        req: ReqId,
    },
    /// The coordinator of a get asks a replica for its clock of a key.
    Read {
        /// The coordinator's request.
        req: ReqId,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: Key,
    },
    /// A replica's clock for a key (empty if it holds none).
    ReadReply {
        /// The coordinator's request.
        req: ReqId,
        /// The replica's clock.
        clock: SharedClock,
    },
    /// Sloppy quorum: the coordinator of a put sends its clock to a fallback
    /// standing in for a primary it believes down. The fallback keeps it as a
    /// hint for `intended`, apart from its own data, and acknowledges with
    /// [`PeerMessage::ReplicateAck`] (the ack counts towards W).
    Hint {
        /// The coordinator's request.
        req: ReqId,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: Key,
        /// The coordinator's clock after the write.
        clock: SharedClock,
        /// The primary the hint is for.
        intended: NodeId,
    },
    /// Hinted handoff: a fallback hands a hint to the primary it was meant
    /// for, which merges it into its store and answers [`PeerMessage::HintAck`].
    HintHandoff {
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: String,
        /// The hinted clock.
        clock: SharedClock,
        /// The hint's version at the fallback, echoed in the ack.
        version: u64,
    },
    /// The intended primary stored a hint; the fallback deletes it if it has
    /// not changed since (same version).
    HintAck {
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: String,
        /// The version handed off.
        version: u64,
    },
    /// Read repair: after a get, the coordinator sends the merged clock to a
    /// replica that answered with something stale; the replica merges it.
    Repair {
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: Key,
        /// The merged clock of every reply.
        clock: SharedClock,
    },
    /// Anti-entropy, step 1: the root of the initiator's Merkle tree of a
    /// partition. The peer answers [`PeerMessage::MerkleInSync`] or
    /// [`PeerMessage::MerkleBranches`].
    MerkleRoot {
        /// The initiator's exchange.
        ex: ReqId,
        /// The partition both replicate.
        partition: PartitionId,
        /// The root hash.
        root: u64,
    },
    /// Anti-entropy: the roots are equal, nothing to do.
    MerkleInSync {
        /// The initiator's exchange.
        ex: ReqId,
    },
    /// Anti-entropy, step 2: the roots differ; the peer's branch hashes.
    MerkleBranches {
        /// The initiator's exchange.
        ex: ReqId,
        /// The peer's hash of each branch (key bucket).
        branches: Vec<u64>,
    },
    /// Anti-entropy, step 3: the initiator's leaves (key, hash) in the
    /// branches that differ, and only those.
    MerkleLeaves {
        /// The initiator's exchange.
        ex: ReqId,
        /// The partition.
        partition: PartitionId,
        /// The branches that differ.
        buckets: Vec<u8>,
        /// The initiator's leaves in those branches, by key.
        leaves: Vec<(String, u64)>,
    },
    /// Anti-entropy, step 4: the peer's clocks of exactly the keys whose
    /// leaves differ (an empty clock for a key it lacks). The initiator merges
    /// them and answers [`PeerMessage::MerkleSyncReply`].
    MerkleSync {
        /// The initiator's exchange.
        ex: ReqId,
        /// The partition.
        partition: PartitionId,
        /// The differing keys with the peer's clocks.
        clocks: Vec<(String, SharedClock)>,
    },
    /// Anti-entropy, step 5: the initiator's merged clocks of the differing
    /// keys, which the peer merges in turn; both now hold the same.
    MerkleSyncReply {
        /// The partition.
        partition: PartitionId,
        /// The differing keys with the initiator's merged clocks.
        clocks: Vec<(String, SharedClock)>,
    },
    /// A restarted node announces itself, so that peers that suspected it
    /// see it again (and deliver its hints).
    Alive,
    /// Membership gossip: the sender's ring and its version. A receiver
    /// with an older version adopts it; one with a newer version answers
    /// with its own.
    Gossip {
        /// The ring's version (0 for the initial ring).
        version: u64,
        /// The node that made this version (the tie-break).
        by: NodeId,
        /// The ring.
        ring: Ring,
    },
    /// A node acknowledges gossip: it holds the ring at this version (its
    /// own, which may differ from the gossip's if that was older).
    GossipAck {
        /// The ring's version.
        version: u64,
        /// The node that made this version.
        by: NodeId,
    },
    /// A node asks a seed to add it to the ring.
    Join,
    /// Partition handoff: the partition's old owner sends its keys to the
    /// new owner, which merges them with `KeyClock::sync`.
    Handoff {
        /// The partition that changed owner.
        partition: PartitionId,
        /// Every key the old owner holds in it, with its clock.
        clocks: Vec<(String, SharedClock)>,
    },
}

/// Whether `clock` holds `value` as one of its siblings.
pub fn clock_holds(clock: &Clock, value: &str) -> bool {
    clock.values().iter().any(|v| &***v == value)
}

impl Message {
    /// Whether this message carries `value` as a value of `key`: a put's
    /// value, a sibling of a clock it carries, or a value a get's answer
    /// returns (an answer names its operation, not its key: `answers_key`
    /// says whether an operation is of `key`). Delivered, such a message
    /// can put the value back into a store or into a client's context;
    /// what the explorer's per-state no-lost-write reads
    /// ([`crate::checker::vanished`]). Every variant is named, so a new
    /// one must say what it carries.
    pub fn carries(&self, key: &str, value: &str, answers_key: impl Fn(OpId) -> bool) -> bool {
        let keyed = |k: &str, clock: &SharedClock| k == key && clock_holds(clock, value);
        let any_keyed =
            |clocks: &[(String, SharedClock)]| clocks.iter().any(|(k, clock)| keyed(k, clock));
        let request = |request: &ClientRequest| match request {
            ClientRequest::Put {
                key: k, value: v, ..
            } => &**k == key && &**v == value,
            ClientRequest::Get { .. } => false,
        };
        match self {
            Message::Request(r) => request(r),
            Message::Reply(ClientReply::GetOk { op, values, .. }) => {
                values.iter().any(|v| &**v == value) && answers_key(*op)
            }
            Message::Reply(ClientReply::PutOk { .. } | ClientReply::QuorumFailed { .. }) => false,
            Message::Peer(peer) => match peer {
                PeerMessage::Forward { request: r, .. } => request(r),
                PeerMessage::Replicate { key: k, clock, .. }
                | PeerMessage::Hint { key: k, clock, .. }
                | PeerMessage::Repair { key: k, clock, .. } => keyed(k, clock),
                PeerMessage::HintHandoff { key: k, clock, .. } => keyed(k, clock),
                // A reply names its request, not its key: a value of any
                // key counts (checked workloads write distinct values).
                PeerMessage::ReadReply { clock, .. } => clock_holds(clock, value),
                PeerMessage::MerkleSync { clocks, .. }
                | PeerMessage::MerkleSyncReply { clocks, .. }
                | PeerMessage::Handoff { clocks, .. } => any_keyed(clocks),
                PeerMessage::ReplicateAck { .. }
                | PeerMessage::Read { .. }
                | PeerMessage::HintAck { .. }
                | PeerMessage::MerkleRoot { .. }
                | PeerMessage::MerkleInSync { .. }
                | PeerMessage::MerkleBranches { .. }
                | PeerMessage::MerkleLeaves { .. }
                | PeerMessage::Alive
                | PeerMessage::Gossip { .. }
                | PeerMessage::GossipAck { .. }
                | PeerMessage::Join => false,
            },
        }
    }
}

/// Every kind of message ([`sim::Message::kind`]), in the order a legend
/// lists them: the client's path first, then the Get/Put path between
/// nodes, then the mechanisms that repair it, then membership. The UI colours
/// messages by these names and lists them all; `tests::every_variant_has_a_listed_kind`
/// fails when a variant's kind is missing here.
pub const KINDS: [&str; 18] = [
    "client-put",
    "client-get",
    "client-reply",
    "forward",
    "put",
    "put-ack",
    "get",
    "get-reply",
    "hint",
    "hint-handoff",
    "hint-ack",
    "repair",
    "merkle",
    "merkle-sync",
    "alive",
    "gossip",
    "join",
    "handoff",
];

impl sim::Message for Message {
    /// A `MessageRecord<Message>`'s size on a 64-bit target (a test in
    /// `sim/budget.rs` holds it to that).
    const RECORD_BYTES: u64 = 176;

    fn heap_bytes(&self) -> usize {
        /// A key and a shared clock in a vector: the key's text and the pair.
        fn keyed<T>(items: &[(String, T)]) -> usize {
            items
                .iter()
                .map(|(key, _)| key.len() + sim::budget::KEYED_ITEM_BYTES)
                .sum()
        }
        match self {
            Message::Peer(PeerMessage::MerkleBranches { branches, .. }) => branches.len() * 8,
            Message::Peer(PeerMessage::MerkleLeaves {
                buckets, leaves, ..
            }) => buckets.len() + keyed(leaves),
            Message::Peer(
                PeerMessage::MerkleSync { clocks, .. }
                | PeerMessage::MerkleSyncReply { clocks, .. }
                | PeerMessage::Handoff { clocks, .. },
            ) => keyed(clocks),
            _ => 0,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Message::Request(ClientRequest::Get { .. }) => "client-get",
            Message::Request(ClientRequest::Put { .. }) => "client-put",
            Message::Reply(_) => "client-reply",
            Message::Peer(PeerMessage::Forward { .. }) => "forward",
            Message::Peer(PeerMessage::Replicate { .. }) => "put",
            Message::Peer(PeerMessage::ReplicateAck { .. }) => "put-ack",
            Message::Peer(PeerMessage::Read { .. }) => "get",
            Message::Peer(PeerMessage::ReadReply { .. }) => "get-reply",
            Message::Peer(PeerMessage::Hint { .. }) => "hint",
            Message::Peer(PeerMessage::HintHandoff { .. }) => "hint-handoff",
            Message::Peer(PeerMessage::HintAck { .. }) => "hint-ack",
            Message::Peer(PeerMessage::Repair { .. }) => "repair",
            Message::Peer(
                PeerMessage::MerkleRoot { .. }
                | PeerMessage::MerkleInSync { .. }
                | PeerMessage::MerkleBranches { .. }
                | PeerMessage::MerkleLeaves { .. },
            ) => "merkle",
            Message::Peer(PeerMessage::MerkleSync { .. } | PeerMessage::MerkleSyncReply { .. }) => {
                "merkle-sync"
            }
            Message::Peer(PeerMessage::Alive) => "alive",
            Message::Peer(PeerMessage::Gossip { .. } | PeerMessage::GossipAck { .. }) => "gossip",
            Message::Peer(PeerMessage::Join) => "join",
            Message::Peer(PeerMessage::Handoff { .. }) => "handoff",
        }
    }
}

/// Write ` r=2` (or ` w=…`) when a request overrides the cluster's quorum.
pub(crate) fn quorum(f: &mut fmt::Formatter<'_>, name: &str, value: Option<u8>) -> fmt::Result {
    match value {
        Some(v) => write!(f, " {name}={v}"),
        None => Ok(()),
    }
}

impl fmt::Display for ClientRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientRequest::Get { op, key, r } => {
                write!(f, "get {op} {key}")?;
                quorum(f, "r", *r)
            }
            ClientRequest::Put {
                op,
                key,
                value,
                context,
                w,
            } => {
                write!(f, "put {op} {key}={value} ctx={context}")?;
                quorum(f, "w", *w)
            }
        }
    }
}

impl fmt::Display for ClientReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientReply::GetOk {
                op,
                values,
                context,
            } => {
                write!(f, "get-ok {op} [{}] ctx={context}", values.join(", "))
            }
            ClientReply::PutOk { op } => write!(f, "put-ok {op}"),
            ClientReply::QuorumFailed { op, acks, needed } => {
                write!(f, "quorum-failed {op} acks={acks} needed={needed}")
            }
        }
    }
}

impl fmt::Display for PeerMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerMessage::Forward {
                client, request, ..
            } => write!(f, "forward for {client}: {request}"),
            PeerMessage::Replicate {
                req,
                partition,
                key,
                clock,
            } => {
                write!(f, "replicate {req} {partition} {key} {clock}")
            }
            PeerMessage::ReplicateAck { req } => write!(f, "replicate-ack {req}"),
            PeerMessage::Read {
                req,
                partition,
                key,
            } => write!(f, "read {req} {partition} {key}"),
            PeerMessage::ReadReply { req, clock } => write!(f, "read-reply {req} {clock}"),
            PeerMessage::Hint {
                req,
                partition,
                key,
                clock,
                intended,
            } => write!(f, "hint {req} {partition} {key} for {intended} {clock}"),
            PeerMessage::HintHandoff {
                partition,
                key,
                clock,
                version,
            } => write!(f, "hint-handoff {partition} {key} v{version} {clock}"),
            PeerMessage::HintAck {
                partition,
                key,
                version,
            } => write!(f, "hint-ack {partition} {key} v{version}"),
            PeerMessage::Repair {
                partition,
                key,
                clock,
            } => write!(f, "repair {partition} {key} {clock}"),
            PeerMessage::MerkleRoot {
                ex,
                partition,
                root,
            } => write!(f, "merkle-root {ex} {partition} {}", short(*root)),
            PeerMessage::MerkleInSync { ex } => write!(f, "merkle-in-sync {ex}"),
            PeerMessage::MerkleBranches { ex, branches } => {
                write!(f, "merkle-branches {ex} [")?;
                write_joined(f, branches, " ", |f, b| f.write_str(&short(*b)))?;
                f.write_str("]")
            }
            PeerMessage::MerkleLeaves {
                ex,
                partition,
                buckets,
                leaves,
            } => {
                write!(f, "merkle-leaves {ex} {partition} branches [")?;
                write_joined(f, buckets, " ", |f, b| write!(f, "{b}"))?;
                f.write_str("] keys [")?;
                write_joined(f, leaves, " ", |f, (k, h)| write!(f, "{k}={}", short(*h)))?;
                f.write_str("]")
            }
            PeerMessage::MerkleSync {
                ex,
                partition,
                clocks,
            } => {
                write!(f, "merkle-sync {ex} {partition} [")?;
                write_joined(f, clocks, ", ", |f, (k, c)| write!(f, "{k}={c}"))?;
                f.write_str("]")
            }
            PeerMessage::MerkleSyncReply { partition, clocks } => {
                write!(f, "merkle-sync-reply {partition} [")?;
                write_joined(f, clocks, ", ", |f, (k, c)| write!(f, "{k}={c}"))?;
                f.write_str("]")
            }
            PeerMessage::Alive => f.write_str("alive"),
            PeerMessage::Gossip { version, by, ring } => {
                write!(f, "gossip v{version} by {by} members [")?;
                write_joined(f, &ring.nodes(), " ", |f, n| write!(f, "{n}"))?;
                f.write_str("]")
            }
            PeerMessage::GossipAck { version, by } => write!(f, "gossip-ack v{version} by {by}"),
            PeerMessage::Join => f.write_str("join"),
            PeerMessage::Handoff { partition, clocks } => {
                write!(f, "handoff {partition} [")?;
                write_joined(f, clocks, ", ", |f, (k, c)| write!(f, "{k}={c}"))?;
                f.write_str("]")
            }
        }
    }
}

/// A hash as the trace prints it: its top 16 bits in hex, enough to tell
/// branches apart by eye.
fn short(hash: u64) -> String {
    format!("{:04x}", hash >> 48)
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Request(m) => m.fmt(f),
            Message::Reply(m) => m.fmt(f),
            Message::Peer(m) => m.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::causality::CausalityMode;
    use crate::sim::Message as _;

    /// A number per variant of [`Message`], with no wildcard arm: adding a
    /// variant breaks this match, and the test below then asks for a sample.
    fn variant(m: &Message) -> usize {
        match m {
            Message::Request(ClientRequest::Get { .. }) => 0,
            Message::Request(ClientRequest::Put { .. }) => 1,
            Message::Reply(ClientReply::GetOk { .. }) => 2,
            Message::Reply(ClientReply::PutOk { .. }) => 3,
            Message::Reply(ClientReply::QuorumFailed { .. }) => 4,
            Message::Peer(p) => match p {
                PeerMessage::Forward { .. } => 5,
                PeerMessage::Replicate { .. } => 6,
                PeerMessage::ReplicateAck { .. } => 7,
                PeerMessage::Read { .. } => 8,
                PeerMessage::ReadReply { .. } => 9,
                PeerMessage::Hint { .. } => 10,
                PeerMessage::HintHandoff { .. } => 11,
                PeerMessage::HintAck { .. } => 12,
                PeerMessage::Repair { .. } => 13,
                PeerMessage::MerkleRoot { .. } => 14,
                PeerMessage::MerkleInSync { .. } => 15,
                PeerMessage::MerkleBranches { .. } => 16,
                PeerMessage::MerkleLeaves { .. } => 17,
                PeerMessage::MerkleSync { .. } => 18,
                PeerMessage::MerkleSyncReply { .. } => 19,
                PeerMessage::Alive => 20,
                PeerMessage::Gossip { .. } => 21,
                PeerMessage::Join => 22,
                PeerMessage::Handoff { .. } => 23,
                PeerMessage::GossipAck { .. } => 24,
            },
        }
    }

    /// How many arms [`variant`] has.
    const VARIANTS: usize = 25;

    /// One message of every variant.
    fn one_of_each() -> Vec<Message> {
        let (op, req, ex) = (OpId(1), ReqId(1), ReqId(2));
        let (partition, key) = (PartitionId(0), Key::from("k"));
        let clock = SharedClock::new(Clock::new(CausalityMode::DvvSet));
        let ring = Ring::new(8, &[NodeId(1), NodeId(2)], 2).expect("a valid ring");
        let get = ClientRequest::Get {
            op,
            key: key.clone(),
            r: None,
        };
        let peer = [
            PeerMessage::Forward {
                client: Addr::Client(crate::ids::ClientId(1)),
                partition,
                request: get.clone(),
            },
            PeerMessage::Replicate {
                req,
                partition,
                key: key.clone(),
                clock: clock.clone(),
            },
            PeerMessage::ReplicateAck { req },
            PeerMessage::Read {
                req,
                partition,
                key: key.clone(),
            },
            PeerMessage::ReadReply {
                req,
                clock: clock.clone(),
            },
            PeerMessage::Hint {
                req,
                partition,
                key: key.clone(),
                clock: clock.clone(),
                intended: NodeId(2),
            },
            PeerMessage::HintHandoff {
                partition,
                key: "k".into(),
                clock: clock.clone(),
                version: 1,
            },
            PeerMessage::HintAck {
                partition,
                key: "k".into(),
                version: 1,
            },
            PeerMessage::Repair {
                partition,
                key: key.clone(),
                clock: clock.clone(),
            },
            PeerMessage::MerkleRoot {
                ex,
                partition,
                root: 0,
            },
            PeerMessage::MerkleInSync { ex },
            PeerMessage::MerkleBranches {
                ex,
                branches: vec![0],
            },
            PeerMessage::MerkleLeaves {
                ex,
                partition,
                buckets: vec![0],
                leaves: vec![("k".into(), 0)],
            },
            PeerMessage::MerkleSync {
                ex,
                partition,
                clocks: vec![("k".into(), clock.clone())],
            },
            PeerMessage::MerkleSyncReply {
                partition,
                clocks: vec![("k".into(), clock.clone())],
            },
            PeerMessage::Alive,
            PeerMessage::Gossip {
                version: 1,
                by: NodeId(1),
                ring,
            },
            PeerMessage::GossipAck {
                version: 1,
                by: NodeId(1),
            },
            PeerMessage::Join,
            PeerMessage::Handoff {
                partition,
                clocks: vec![("k".into(), clock)],
            },
        ];
        let mut all = vec![
            Message::Request(get),
            Message::Request(ClientRequest::Put {
                op,
                key,
                value: Value::from("v"),
                context: Context::empty(),
                w: None,
            }),
            Message::Reply(ClientReply::GetOk {
                op,
                values: vec![Value::from("v")],
                context: Context::empty(),
            }),
            Message::Reply(ClientReply::PutOk { op }),
            Message::Reply(ClientReply::QuorumFailed {
                op,
                acks: 1,
                needed: 2,
            }),
        ];
        all.extend(peer.into_iter().map(Message::Peer));
        all
    }

    #[test]
    fn every_variant_has_a_listed_kind() {
        let samples = one_of_each();
        let mut seen = [false; VARIANTS];
        for m in &samples {
            seen[variant(m)] = true;
            assert!(
                KINDS.contains(&m.kind()),
                "message::KINDS lacks {:?}, the kind of `{m}`",
                m.kind()
            );
        }
        let missing: Vec<usize> = (0..VARIANTS).filter(|&i| !seen[i]).collect();
        assert!(
            missing.is_empty(),
            "one_of_each has no sample of variant(s) {missing:?}"
        );
    }

    #[test]
    fn every_listed_kind_is_sent_and_listed_once() {
        let sent: Vec<&str> = one_of_each().iter().map(|m| m.kind()).collect();
        for (i, kind) in KINDS.iter().enumerate() {
            assert!(sent.contains(kind), "no message is of listed kind {kind:?}");
            assert!(
                !KINDS[..i].contains(kind),
                "message::KINDS lists {kind:?} twice"
            );
        }
    }

    /// The budget's fixed figures for a message's record and a keyed item
    /// are their sizes on a 64-bit target (`sim/budget.rs`: the same
    /// estimate in wasm32, so a run stops at the same event).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn the_budget_counts_64_bit_record_sizes() {
        use crate::sim::budget::KEYED_ITEM_BYTES;
        use crate::sim::history::MessageRecord;
        use crate::sim::Message as _;
        use std::mem::size_of;
        assert_eq!(KEYED_ITEM_BYTES, size_of::<(String, u64)>());
        assert_eq!(KEYED_ITEM_BYTES, size_of::<(String, super::SharedClock)>());
        assert_eq!(
            super::Message::RECORD_BYTES,
            size_of::<MessageRecord<super::Message>>() as u64
        );
    }
}

//! A plain-data view of a running [`Cluster`] for the playground UI.
//!
//! The UI draws, it never computes protocol results. Everything it shows is
//! read here from the model: the ring and a key's preference list, the nodes
//! and the network's cuts, the messages on the wire and the ones just lost,
//! the clients and their operations, each replica's clock for a key, the
//! versions of a key with their dots, the sentence that says why a get
//! returned siblings, the space-time diagram's arrows, the comparison of
//! two runs, the consistency checker's findings, and what the failure
//! detector, the hints and the mechanism switches say about each node. Each view is a value with `PartialEq`, so that a UI component
//! re-renders only when what it shows changed.
//!
//! # Versions and dots
//!
//! The version DAG is rebuilt from the recorded history. A put's context is
//! the one its request carried ([`ClientRequest::Put`]); its coordinator is
//! the node a forward reached, or else the node the client asked. Its dot is
//! read from the coordinator's clock as the coordinator sent it to the other
//! replicas (the head of the coordinator's DVVSet entry), or, with N = 1,
//! from the coordinator's stored clock. A version supersedes another when
//! its context contains the other's dot: exactly the kernel's `discard`.
//!
//! # CAVEATS
//!
//! - Dots exist only under DVVSet. In the other modes versions are listed
//!   with their contexts and no edges.
//! - Two puts of the same value at the same coordinator and tick cannot be
//!   told apart; the first one gets the dot.
//! - The checker is meant for the end of a run. Mid-run it also reports
//!   keys whose replication is still under way; [`CheckView::quiet`] says
//!   which verdict the UI is showing.

use crate::causality::{Actor, CausalityMode, Dot, KeyClock};
use crate::checker::{CheckReport, SeenAt};
use crate::cluster::Cluster;
use crate::history::{MessageFate, MessageRecord};
use crate::ids::{ClientId, NodeId};
use crate::message::{ClientRequest, Clock, Message, PeerMessage};
use crate::network::NetworkOptions;
use crate::node::{ClientOp, Mechanisms, Node, OpOutcome};
use crate::ring::{Arc, PartitionId, Placement, Ring};
use crate::scenario::ContextChoice;
use crate::sim::{self, Addr, MsgId, OpId, Stats, Time};
use crate::trace::TraceKind;

/// Where the run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PositionView {
    /// Events processed so far: the position the timeline scrubs over.
    pub events: u64,
    /// Virtual time.
    pub now: Time,
    /// When the next event is due, if any.
    pub next_at: Option<Time>,
    /// Whether nothing can change any more ([`sim::Simulator::is_quiet`]):
    /// nothing is scheduled, or only retries that cannot get through.
    pub quiet: bool,
    /// The trace hash so far, which identifies the run.
    pub trace_hash: u64,
    /// The simulator's counters.
    pub stats: Stats,
}

/// The position of a cluster.
pub fn position(cluster: &Cluster) -> PositionView {
    let sim = cluster.sim();
    PositionView {
        events: sim.stats().events,
        now: sim.now(),
        next_at: sim.next_event_at(),
        quiet: sim.is_quiet(),
        trace_hash: sim.trace().hash(),
        stats: sim.stats(),
    }
}

/// The ring, and where a key sits on it.
#[derive(Clone, Debug, PartialEq)]
pub struct RingView {
    /// Every partition with its owner and span.
    pub arcs: Vec<Arc>,
    /// The member nodes, sorted.
    pub nodes: Vec<NodeId>,
    /// The selected key, if it is a valid key.
    pub key: Option<KeyPlacement>,
}

/// Where one key lives.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPlacement {
    /// The key.
    pub key: String,
    /// Its hash as a fraction of the circle.
    pub position: f64,
    /// Its partition.
    pub partition: PartitionId,
    /// The N primaries, coordinator first.
    pub primaries: Vec<NodeId>,
    /// The node whose failure detector `placements` follows: the first
    /// primary that is up (`None` when every primary is down).
    pub coordinator: Option<NodeId>,
    /// Where the coordinator would send a write now: primaries in place and,
    /// under sloppy quorum, fallbacks for the primaries it suspects, tagged
    /// with the primary they stand in for.
    pub placements: Vec<Placement>,
    /// The nodes that hold a value (or a history) for the key.
    pub holders: Vec<NodeId>,
    /// The hints held for the key: (the fallback holding it, the primary it
    /// is meant for).
    pub hints: Vec<(NodeId, NodeId)>,
}

fn ring_of(cluster: &Cluster) -> Option<&Ring> {
    cluster.nodes().next().map(|(_, node, _)| node.ring())
}

/// Node `id` and whether it is up.
fn node_of(cluster: &Cluster, id: NodeId) -> Option<(&Node, bool)> {
    cluster
        .nodes()
        .find(|(n, _, _)| *n == id)
        .map(|(_, node, up)| (node, up))
}

fn n_of(cluster: &Cluster) -> usize {
    usize::from(cluster.scenario().cluster.n)
}

/// The ring view, with `key` placed on it (an empty key places nothing).
pub fn ring(cluster: &Cluster, key: &str) -> RingView {
    let Some(ring) = ring_of(cluster) else {
        return RingView {
            arcs: Vec::new(),
            nodes: Vec::new(),
            key: None,
        };
    };
    let placement = (!key.is_empty()).then(|| {
        let bytes = key.as_bytes();
        let partition = ring.partition_of(bytes);
        let n = n_of(cluster);
        let primaries = ring.preference_list(bytes, n);
        let now = cluster.sim().now();
        let coordinator = primaries
            .iter()
            .find_map(|&id| node_of(cluster, id).filter(|(_, up)| *up))
            .map(|(node, _)| node);
        let sloppy = cluster.scenario().cluster.mechanisms.sloppy_quorum;
        let placements = match coordinator {
            Some(c) if sloppy => ring.preference_list_with_fallbacks(bytes, n, |id| {
                id == c.id() || !c.suspected(id, now)
            }),
            _ => primaries
                .iter()
                .map(|&node| Placement {
                    node,
                    fallback_for: None,
                })
                .collect(),
        };
        KeyPlacement {
            key: key.to_string(),
            position: Ring::key_position(bytes),
            partition,
            primaries,
            coordinator: coordinator.map(Node::id),
            placements,
            holders: cluster
                .nodes()
                .filter(|(_, node, _)| node.store().get(partition, key).is_some())
                .map(|(id, _, _)| id)
                .collect(),
            hints: cluster
                .nodes()
                .flat_map(|(id, node, _)| {
                    node.hints()
                        .filter(|(_, p, k, _)| *p == partition && *k == key)
                        .map(move |(intended, _, _, _)| (id, intended))
                })
                .collect(),
        }
    });
    RingView {
        arcs: ring.arcs(),
        nodes: ring.nodes(),
        key: placement,
    }
}

/// One node as the cluster view draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// The node.
    pub id: NodeId,
    /// Whether it is up.
    pub up: bool,
    /// Its partition group (0 when the network is whole).
    pub group: u32,
    /// How many keys it stores.
    pub keys: usize,
    /// How many requests it is coordinating.
    pub pending: usize,
    /// The members of the ring as this node sees them.
    pub members: Vec<NodeId>,
    /// The peers this node's failure detector suspects now.
    pub suspects: Vec<NodeId>,
    /// The up nodes that suspect this node now.
    pub suspected_by: Vec<NodeId>,
    /// The hints this node holds: (the primary each is meant for, its key).
    pub hints: Vec<(NodeId, String)>,
}

/// A message, without its text (see [`message`] for the contents).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageView {
    /// The message's id.
    pub id: MsgId,
    /// The sender.
    pub from: Addr,
    /// The receiver.
    pub to: Addr,
    /// Its kind (`put`, `get-reply`, ...), for colouring.
    pub kind: &'static str,
    /// When it was sent.
    pub sent_at: Time,
    /// What became of it so far.
    pub fate: MessageFate,
}

impl MessageView {
    /// The view of a recorded message.
    pub fn of<M>(record: &MessageRecord<M>) -> MessageView {
        MessageView {
            id: record.id,
            from: record.from,
            to: record.to,
            kind: record.kind,
            sent_at: record.sent_at,
            fate: record.fate,
        }
    }
}

/// The cluster and its network.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkView {
    /// The nodes, in id order.
    pub nodes: Vec<NodeView>,
    /// The clients, in number order.
    pub clients: Vec<ClientId>,
    /// Directed links that are cut.
    pub cut: Vec<(NodeId, NodeId)>,
    /// The current network options (faults change them).
    pub options: NetworkOptions,
    /// Messages on the wire, by arrival.
    pub in_flight: Vec<MessageView>,
    /// Messages lost in the last `recent_ticks`.
    pub dropped: Vec<MessageView>,
}

/// The cluster view: nodes, cuts, and the messages on the wire; drops of the
/// last `recent_ticks`; at most `limit` messages of each.
pub fn network(cluster: &Cluster, recent_ticks: Time, limit: usize) -> NetworkView {
    let sim = cluster.sim();
    let net = sim.network();
    let in_flight = sim
        .in_flight()
        .into_iter()
        .take(limit)
        .map(|m| MessageView {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: sim::Message::kind(m.msg),
            sent_at: m.sent_at,
            fate: MessageFate::InFlight { due_at: m.due_at },
        })
        .collect();
    let since = sim.now().saturating_sub(recent_ticks);
    let dropped = sim
        .history()
        .messages
        .iter()
        .rev()
        .take_while(|m| m.sent_at + recent_ticks >= since)
        .filter(|m| matches!(m.fate, MessageFate::Dropped { at, .. } if at >= since))
        .take(limit)
        .map(MessageView::of)
        .collect();
    let now = sim.now();
    let suspects: Vec<(NodeId, bool, Vec<NodeId>)> = cluster
        .nodes()
        .map(|(id, node, up)| {
            let suspected = node
                .view(now)
                .into_iter()
                .filter(|(_, believed_up)| !believed_up)
                .map(|(peer, _)| peer)
                .collect();
            (id, up, suspected)
        })
        .collect();
    NetworkView {
        nodes: cluster
            .nodes()
            .zip(&suspects)
            .map(|((id, node, up), (_, _, suspected))| NodeView {
                id,
                up,
                group: net.group_of(id),
                keys: node.store().len(),
                pending: node.pending().len(),
                members: node.ring().nodes(),
                suspects: suspected.clone(),
                suspected_by: suspects
                    .iter()
                    .filter(|(_, up, s)| *up && s.contains(&id))
                    .map(|(by, _, _)| *by)
                    .collect(),
                hints: node
                    .hints()
                    .map(|(intended, _, key, _)| (intended, key.to_string()))
                    .collect(),
            })
            .collect(),
        clients: cluster.clients().map(|(id, _)| id).collect(),
        cut: net.cut_links().collect(),
        options: net.options().clone(),
        in_flight,
        dropped,
    }
}

/// One message with its contents, for the message inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDetail {
    /// The message.
    pub message: MessageView,
    /// The message's text, as the trace prints it.
    pub text: String,
    /// Set when the network delivered this message twice: the original.
    pub copy_of: Option<MsgId>,
}

/// The contents of message `id`, if it was sent.
pub fn message(cluster: &Cluster, id: MsgId) -> Option<MessageDetail> {
    let record = cluster
        .sim()
        .history()
        .messages
        .get(usize::try_from(id.0).ok()?)?;
    Some(MessageDetail {
        message: MessageView::of(record),
        text: record.msg.to_string(),
        copy_of: record.copy_of,
    })
}

/// How an operation stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpStatus {
    /// Waiting for an answer.
    Pending,
    /// A get answered: the siblings and the context to write back.
    Got {
        /// The values, one per sibling.
        values: Vec<String>,
        /// The context, in the kernel's text form.
        context: String,
    },
    /// A put reached W acknowledgements.
    Put,
    /// The coordinator gathered too few answers.
    QuorumFailed {
        /// Answers received.
        acks: u8,
        /// Answers needed.
        needed: u8,
    },
    /// No answer reached the client.
    Timeout,
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpView {
    /// The operation.
    pub id: OpId,
    /// Who performed it.
    pub by: Addr,
    /// The key.
    pub key: String,
    /// Whether it is a put (else a get).
    pub is_put: bool,
    /// What was asked, in the trace's words.
    pub input: String,
    /// The context a put actually carried, once its request was sent.
    pub sent_context: Option<String>,
    /// When it was invoked.
    pub invoked_at: Time,
    /// When it completed.
    pub completed_at: Option<Time>,
    /// How it stands.
    pub status: OpStatus,
}

impl OpView {
    /// One line on the quorum outcome.
    pub fn outcome_text(&self) -> String {
        match &self.status {
            OpStatus::Pending => "pending".into(),
            OpStatus::Got { values, .. } if values.len() > 1 => {
                format!("ok: {} siblings", values.len())
            }
            OpStatus::Got { values, .. } if values.is_empty() => "ok: not found".into(),
            OpStatus::Got { .. } => "ok: one value".into(),
            OpStatus::Put => "ok: W replicas hold it".into(),
            OpStatus::QuorumFailed { acks, needed } => {
                format!("quorum failed: {acks} of {needed} answers")
            }
            OpStatus::Timeout => "timeout: no answer reached the client".into(),
        }
    }
}

/// The context a put request actually carried, for each of `ops` (sorted).
/// Requests are sent when the operation is invoked, so only the messages
/// sent since the first of them are read.
fn sent_contexts(cluster: &Cluster, ops: &[OpId], since: Time) -> Vec<(OpId, String)> {
    let messages = &cluster.sim().history().messages;
    let first = messages.partition_point(|m| m.sent_at < since);
    messages[first..]
        .iter()
        .filter_map(|m| match &m.msg {
            Message::Request(ClientRequest::Put { op, context, .. })
                if ops.binary_search(op).is_ok() =>
            {
                Some((*op, context.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// The last `limit` client operations, oldest first.
pub fn ops(cluster: &Cluster, limit: usize) -> Vec<OpView> {
    let all = &cluster.sim().history().ops;
    let recent = &all[all.len().saturating_sub(limit)..];
    let ids: Vec<OpId> = recent.iter().map(|op| op.id).collect();
    let since = recent.iter().map(|op| op.invoked_at).min().unwrap_or(0);
    let contexts = sent_contexts(cluster, &ids, since);
    recent
        .iter()
        .filter_map(|op| {
            let (key, is_put) = match &op.input {
                ClientOp::Get { key, .. } => (key.to_string(), false),
                ClientOp::Put { key, .. } => (key.to_string(), true),
                // Joins and leaves change membership; they are not a client's reads or writes.
                ClientOp::Join | ClientOp::Leave => return None,
            };
            let status = match &op.completed {
                None => OpStatus::Pending,
                Some((_, OpOutcome::Got { values, context })) => OpStatus::Got {
                    values: values.iter().map(|v| v.to_string()).collect(),
                    context: context.to_string(),
                },
                Some((_, OpOutcome::Put)) => OpStatus::Put,
                Some((_, OpOutcome::QuorumFailed { acks, needed })) => OpStatus::QuorumFailed {
                    acks: *acks,
                    needed: *needed,
                },
                Some((_, OpOutcome::Timeout)) => OpStatus::Timeout,
                // Only joins and leaves complete this way.
                Some((_, OpOutcome::Ring { .. } | OpOutcome::Refused { .. })) => return None,
            };
            Some(OpView {
                id: op.id,
                by: op.by,
                key,
                is_put,
                input: op.input.to_string(),
                sent_context: contexts
                    .iter()
                    .find(|(id, _)| *id == op.id)
                    .map(|(_, c)| c.clone()),
                invoked_at: op.invoked_at,
                completed_at: op.completed.as_ref().map(|(at, _)| *at),
                status,
            })
        })
        .collect()
}

/// One client, with what it remembers about a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientView {
    /// The client.
    pub id: ClientId,
    /// Operations waiting for an answer.
    pub pending: usize,
    /// The context of its last successful get of the key, which a
    /// "last read" put sends.
    pub last_context: Option<String>,
}

/// The clients and what each remembers about `key`.
pub fn clients(cluster: &Cluster, key: &str) -> Vec<ClientView> {
    cluster
        .clients()
        .map(|(id, client)| ClientView {
            id,
            pending: client.pending(),
            last_context: client.last_context(key).map(ToString::to_string),
        })
        .collect()
}

/// The largest counter an edited context may name: far beyond any run, and
/// far from overflowing when a write adds one to it.
pub const MAX_EDITED_COUNTER: u64 = 1 << 40;

/// Parse the text of an edited context, as a put would carry it.
pub fn parse_context(text: &str) -> Result<ContextChoice, String> {
    let choice: ContextChoice = text.parse()?;
    if let ContextChoice::Explicit(context) = &choice {
        if let Some((actor, counter)) = context.vv.iter().find(|(_, n)| *n > MAX_EDITED_COUNTER) {
            return Err(format!("{actor}:{counter} is beyond any counter this playground reaches (at most {MAX_EDITED_COUNTER})"));
        }
    }
    Ok(choice)
}

/// One replica's state for a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaView {
    /// The node.
    pub node: NodeId,
    /// Whether it is up.
    pub up: bool,
    /// Whether it is one of the key's N primaries.
    pub primary: bool,
    /// Its clock in the kernel's text form (`None`: it holds nothing).
    pub clock: Option<String>,
    /// The siblings it holds.
    pub values: Vec<String>,
    /// Whether another replica holds a write this one lacks: syncing the
    /// other replicas' clocks into its own would change it.
    pub stale: bool,
}

/// One write of a key, as a node of the version DAG.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionView {
    /// The put that wrote it.
    pub op: OpId,
    /// The client that wrote it.
    pub by: Addr,
    /// The value.
    pub value: String,
    /// The node that coordinated it, once known.
    pub coordinator: Option<NodeId>,
    /// The context the put carried, in text form.
    pub context: String,
    /// The write's dot under DVVSet, such as `(n1,2)`.
    pub dot: Option<String>,
    /// When the put was invoked.
    pub at: Time,
    /// Indices (in [`KeyView::versions`]) of the versions whose dot this
    /// version's context contains: the writes it superseded.
    pub supersedes: Vec<usize>,
    /// Whether some replica still holds it as a sibling.
    pub live: bool,
}

/// Everything the causal-history inspector shows for one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyView {
    /// The key.
    pub key: String,
    /// The causality mode.
    pub mode: CausalityMode,
    /// The key's replicas: the primaries, then any other node holding it.
    pub replicas: Vec<ReplicaView>,
    /// Every put of the key, oldest first.
    pub versions: Vec<VersionView>,
    /// Why the last get of the key returned what it did, computed from the
    /// versions' dots and contexts.
    pub explanation: Option<String>,
}

/// A put's request as the history recorded it.
struct PutTrail {
    op: OpId,
    by: Addr,
    value: String,
    at: Time,
    context: Option<crate::causality::Context>,
    coordinator: Option<(NodeId, Time)>,
}

/// The dot a coordinator gave a value: the head of its DVVSet entry.
fn head_dot(clock: &Clock, coordinator: NodeId, value: &str) -> Option<Dot<NodeId>> {
    let KeyClock::DvvSet(set) = clock else {
        return None;
    };
    let entry = set.entries().iter().find(|e| e.id == coordinator)?;
    (**entry.values.first()? == *value).then_some(Dot::new(coordinator, entry.counter))
}

/// The dot of `value` anywhere in a DVVSet entry of `coordinator`.
fn stored_dot(clock: &Clock, coordinator: NodeId, value: &str) -> Option<Dot<NodeId>> {
    let KeyClock::DvvSet(set) = clock else {
        return None;
    };
    let entry = set.entries().iter().find(|e| e.id == coordinator)?;
    let k = entry.values.iter().position(|v| **v == *value)?;
    Some(Dot::new(coordinator, entry.counter - k as u64))
}

/// Whether `clock` holds `value` with `dot` as a live sibling.
fn holds(clock: &Clock, dot: &Dot<NodeId>, value: &str) -> bool {
    let KeyClock::DvvSet(set) = clock else {
        return false;
    };
    set.entries().iter().any(|e| {
        e.id == dot.id
            && dot.counter <= e.counter
            && e.values
                .get((e.counter - dot.counter) as usize)
                .is_some_and(|v| **v == *value)
    })
}

fn put_trails(cluster: &Cluster, key: &str) -> Vec<PutTrail> {
    let history = cluster.sim().history();
    let mut trails: Vec<PutTrail> = history
        .ops
        .iter()
        .filter_map(|op| match &op.input {
            ClientOp::Put { key: k, value, .. } if **k == *key => Some(PutTrail {
                op: op.id,
                by: op.by,
                value: value.to_string(),
                at: op.invoked_at,
                context: None,
                coordinator: None,
            }),
            _ => None,
        })
        .collect();
    let Some(since) = trails.first().map(|t| t.at) else {
        return trails;
    };
    let first = history.messages.partition_point(|m| m.sent_at < since);
    for m in &history.messages[first..] {
        let delivered = match m.fate {
            MessageFate::Delivered { at } => Some(at),
            _ => None,
        };
        let (op, context, forwarded) = match &m.msg {
            Message::Request(ClientRequest::Put { op, context, .. }) => (*op, Some(context), false),
            Message::Peer(PeerMessage::Forward {
                request: ClientRequest::Put { op, .. },
                ..
            }) => (*op, None, true),
            _ => continue,
        };
        let Some(trail) = trails.iter_mut().find(|t| t.op == op) else {
            continue;
        };
        if let Some(context) = context {
            trail.context = Some(context.clone());
        }
        if let (Addr::Node(node), Some(at)) = (m.to, delivered) {
            if forwarded || trail.coordinator.is_none() {
                trail.coordinator = Some((node, at));
            }
        }
    }
    trails
}

/// The causal-history inspector's view of `key`.
pub fn key(cluster: &Cluster, key: &str) -> KeyView {
    let mode = cluster.scenario().cluster.mode;
    let placement = ring(cluster, key).key;
    let primaries = placement
        .as_ref()
        .map(|p| p.primaries.clone())
        .unwrap_or_default();
    let partition = placement.as_ref().map(|p| p.partition);
    let stored = |node: NodeId| -> Option<&Clock> {
        let (_, n, _) = cluster.nodes().find(|(id, _, _)| *id == node)?;
        n.store().get(partition?, key)
    };
    let mut shown: Vec<NodeId> = primaries.clone();
    shown.extend(
        placement
            .iter()
            .flat_map(|p| p.holders.iter())
            .filter(|h| !primaries.contains(h)),
    );
    let clocks: Vec<&Clock> = shown.iter().filter_map(|&n| stored(n)).collect();
    let stale = |clock: Option<&Clock>| match clock {
        None => !clocks.is_empty(),
        Some(own) => {
            let mut merged = own.clone();
            clocks.iter().for_each(|other| merged.sync(other));
            !merged.equal(own)
        }
    };
    let replicas = shown
        .iter()
        .map(|&node| {
            let clock = stored(node);
            ReplicaView {
                stale: stale(clock),
                node,
                up: cluster.sim().is_up(node),
                primary: primaries.contains(&node),
                clock: clock.map(ToString::to_string),
                values: clock
                    .map(|c| c.values().into_iter().map(|v| v.to_string()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();

    let history = cluster.sim().history();
    let trails = put_trails(cluster, key);
    let dots: Vec<Option<Dot<NodeId>>> = trails
        .iter()
        .map(|t| {
            let (coordinator, at) = t.coordinator?;
            // The coordinator replicates in the same event that it coordinates.
            let first = history.messages.partition_point(|m| m.sent_at < at);
            let mut sent_then = history.messages[first..]
                .iter()
                .take_while(|m| m.sent_at == at);
            let sent = sent_then.find_map(|m| match &m.msg {
                Message::Peer(PeerMessage::Replicate { key: k, clock, .. })
                    if m.from == Addr::Node(coordinator) && **k == *key =>
                {
                    head_dot(clock, coordinator, &t.value)
                }
                _ => None,
            });
            sent.or_else(|| stored(coordinator).and_then(|c| stored_dot(c, coordinator, &t.value)))
        })
        .collect();
    let versions: Vec<VersionView> = trails
        .iter()
        .zip(&dots)
        .map(|(t, dot)| {
            let supersedes = dots
                .iter()
                .enumerate()
                .filter(|(_, other)| {
                    other.as_ref().is_some_and(|d| {
                        Some(d) != dot.as_ref()
                            && t.context.as_ref().is_some_and(|c| {
                                c.vv.contains(&Dot::new(Actor::Node(d.id), d.counter))
                            })
                    })
                })
                .map(|(i, _)| i)
                .collect();
            VersionView {
                op: t.op,
                by: t.by,
                value: t.value.clone(),
                coordinator: t.coordinator.map(|(n, _)| n),
                context: t
                    .context
                    .as_ref()
                    .map_or_else(|| "(not sent yet)".into(), ToString::to_string),
                dot: dot.as_ref().map(ToString::to_string),
                at: t.at,
                supersedes,
                live: dot.as_ref().is_some_and(|d| {
                    shown
                        .iter()
                        .any(|&n| stored(n).is_some_and(|c| holds(c, d, &t.value)))
                }),
            }
        })
        .collect();
    let explanation = explain(cluster, key, mode, &versions);
    KeyView {
        key: key.to_string(),
        mode,
        replicas,
        versions,
        explanation,
    }
}

fn quoted(values: &[impl std::fmt::Display]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// How many siblings the explanation names one by one.
const EXPLAINED_SIBLINGS: usize = 4;

/// Why the last completed get of `key` returned what it did.
fn explain(
    cluster: &Cluster,
    key: &str,
    mode: CausalityMode,
    versions: &[VersionView],
) -> Option<String> {
    let (values, context) = cluster.sim().history().ops.iter().rev().find_map(|op| {
        match (&op.input, &op.completed) {
            (ClientOp::Get { key: k, .. }, Some((_, OpOutcome::Got { values, context })))
                if **k == *key =>
            {
                Some((values.clone(), context.to_string()))
            }
            _ => None,
        }
    })?;
    if values.is_empty() {
        return Some(format!(
            "The last get of {key} found no value on the replicas it heard from."
        ));
    }
    if mode == CausalityMode::Lww {
        return Some(format!(
            "Under last-writer-wins the last get of {key} returns one value, {}: the write with the greatest (timestamp, replica, client) replaced every other, concurrent ones included.",
            quoted(&values)
        ));
    }
    if values.len() == 1 {
        return Some(format!(
            "The last get of {key} returned one value, {}: the replicas it heard from hold no concurrent write, since every earlier write's dot is in the context of a later one.",
            quoted(&values)
        ));
    }
    // Match each returned value with the live version that wrote it.
    let siblings: Vec<usize> = values
        .iter()
        .filter_map(|v| versions.iter().rposition(|x| x.live && *x.value == **v))
        .collect();
    // Concurrent: no sibling's context contains another sibling's dot.
    let concurrent = siblings
        .iter()
        .all(|&s| !versions[s].supersedes.iter().any(|i| siblings.contains(i)));
    if mode != CausalityMode::DvvSet || siblings.len() != values.len() || !concurrent {
        return Some(format!(
            "The last get of {key} returned {} siblings, {}: the replicas' clocks ({mode}) could not order these writes, so the get kept them all (merged context {context}).",
            values.len(),
            quoted(&values)
        ));
    }
    let mut parts: Vec<String> = siblings
        .iter()
        .take(EXPLAINED_SIBLINGS)
        .map(|&s| {
            let s = &versions[s];
            format!(
                "\"{}\" has dot {} and was written with context {}",
                s.value,
                s.dot.as_deref().unwrap_or("?"),
                s.context
            )
        })
        .collect();
    if siblings.len() > EXPLAINED_SIBLINGS {
        parts.push(format!("and {} more", siblings.len() - EXPLAINED_SIBLINGS));
    }
    Some(format!(
        "The last get of {key} returned {} siblings because their writes are concurrent: {}; no context contains another sibling's dot, so no writer had seen the others. A put with the get's context {context} covers every dot and leaves one value.",
        values.len(),
        parts.join("; ")
    ))
}

/// The last `lines` lines of the trace, oldest first, as the trace prints them.
pub fn trace_tail(cluster: &Cluster, lines: usize) -> Vec<String> {
    let events = cluster.sim().trace().events();
    events[events.len().saturating_sub(lines)..]
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// What the space-time diagram draws in a window of time.
#[derive(Clone, Debug, PartialEq)]
pub struct LamportView {
    /// One lane per node, then one per client.
    pub lanes: Vec<Addr>,
    /// Message arrows that touch the window.
    pub arrows: Vec<MessageView>,
    /// Points on lanes: invocations, completions, crashes, restarts.
    pub marks: Vec<Mark>,
    /// Network-wide faults (partitions, heals), drawn across all lanes.
    pub faults: Vec<(Time, String)>,
}

/// A point on a lane of the space-time diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub at: Time,
    /// Where.
    pub lane: Addr,
    /// What.
    pub kind: MarkKind,
    /// A short label.
    pub label: String,
}

/// What a [`Mark`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A client invoked an operation.
    Invoke(OpId),
    /// An operation completed (true when it succeeded).
    Complete(OpId, bool),
    /// A node crashed.
    Crash,
    /// A node restarted.
    Restart,
}

/// The space-time diagram between `from` and `to`, with at most `limit` arrows
/// (the latest).
pub fn lamport(cluster: &Cluster, from: Time, to: Time, limit: usize) -> LamportView {
    let sim = cluster.sim();
    let history = sim.history();
    let mut lanes: Vec<Addr> = cluster.nodes().map(|(id, _, _)| Addr::Node(id)).collect();
    lanes.extend(cluster.clients().map(|(id, _)| Addr::Client(id)));
    let end = |fate: MessageFate| match fate {
        MessageFate::InFlight { due_at } => due_at,
        MessageFate::Delivered { at } | MessageFate::Dropped { at, .. } => at,
    };
    let first = history.messages.partition_point(|m| m.sent_at < from);
    // Messages sent before the window may still arrive inside it.
    let earlier = history.messages[..first]
        .iter()
        .rev()
        .take(limit)
        .filter(|m| end(m.fate) >= from);
    let mut arrows: Vec<MessageView> = earlier
        .chain(
            history.messages[first..]
                .iter()
                .take_while(|m| m.sent_at <= to),
        )
        .map(MessageView::of)
        .collect();
    crate::sort::stable_by_key(&mut arrows, |m| m.id);
    if arrows.len() > limit {
        arrows.drain(..arrows.len() - limit);
    }
    let mut marks = Vec::new();
    for op in &history.ops {
        if (from..=to).contains(&op.invoked_at) {
            marks.push(Mark {
                at: op.invoked_at,
                lane: op.by,
                kind: MarkKind::Invoke(op.id),
                label: format!("{} {}", op.id, op.input),
            });
        }
        if let Some((at, outcome)) = op
            .completed
            .as_ref()
            .filter(|(at, _)| (from..=to).contains(at))
        {
            let ok = matches!(outcome, OpOutcome::Got { .. } | OpOutcome::Put);
            marks.push(Mark {
                at: *at,
                lane: op.by,
                kind: MarkKind::Complete(op.id, ok),
                label: format!("{} {outcome}", op.id),
            });
        }
    }
    let events = sim.trace().events();
    let start = events.partition_point(|e| e.at < from);
    let mut faults = Vec::new();
    for event in events[start..].iter().take_while(|e| e.at <= to) {
        if event.kind != TraceKind::Fault {
            continue;
        }
        match event.lanes.from {
            Some(lane) => marks.push(Mark {
                at: event.at,
                lane,
                kind: if event.text.starts_with("fault crash") {
                    MarkKind::Crash
                } else {
                    MarkKind::Restart
                },
                label: event.text.clone(),
            }),
            None => faults.push((
                event.at,
                event.text.trim_start_matches("fault ").to_string(),
            )),
        }
    }
    LamportView {
        lanes,
        arrows,
        marks,
        faults,
    }
}

/// What kind of trouble a checker finding reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// An acknowledged write is gone.
    LostWrite,
    /// Causally ordered writes kept as siblings.
    FalseConflict,
    /// A key whose live replicas differ.
    NonConverged,
    /// A read that missed an earlier write (information: Dynamo allows it).
    StaleRead,
}

impl FindingKind {
    /// A short name, for headings and test ids.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::LostWrite => "lost-write",
            FindingKind::FalseConflict => "false-conflict",
            FindingKind::NonConverged => "non-converged",
            FindingKind::StaleRead => "stale-read",
        }
    }
}

/// One finding of the consistency checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// The key involved.
    pub key: String,
    /// The checker's own sentence.
    pub text: String,
    /// The operations involved, to select in the other views.
    pub ops: Vec<OpId>,
}

/// The consistency checker's verdict on a run so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckView {
    /// The causality mode of the run checked.
    pub mode: CausalityMode,
    /// Whether the run is quiet (nothing in flight, and nothing scheduled
    /// but retries that cannot get through): the verdict is final.
    /// Otherwise replication may still be under way.
    pub quiet: bool,
    /// Every finding, lost writes first and stale reads last.
    pub findings: Vec<Finding>,
}

impl CheckView {
    /// How many findings of `kind`.
    pub fn count(&self, kind: FindingKind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }
}

/// The consistency checker's verdict on `cluster` as it stands.
pub fn check(cluster: &Cluster) -> CheckView {
    let report: CheckReport = cluster.check();
    let mut findings = Vec::new();
    findings.extend(report.lost_writes.iter().map(|f| Finding {
        kind: FindingKind::LostWrite,
        key: f.key.clone(),
        text: f.to_string(),
        ops: vec![f.op],
    }));
    findings.extend(report.false_conflicts.iter().map(|f| Finding {
        kind: FindingKind::FalseConflict,
        key: f.key.clone(),
        text: f.to_string(),
        ops: match f.seen_at {
            SeenAt::Read(read) => vec![f.older, f.newer, read],
            SeenAt::Replica(_) => vec![f.older, f.newer],
        },
    }));
    findings.extend(report.non_converged.iter().map(|f| Finding {
        kind: FindingKind::NonConverged,
        key: f.key.clone(),
        text: f.to_string(),
        ops: last_put_of(cluster, &f.key).into_iter().collect(),
    }));
    findings.extend(report.stale_reads.iter().map(|f| Finding {
        kind: FindingKind::StaleRead,
        key: f.key.clone(),
        text: f.to_string(),
        ops: vec![f.read, f.missed],
    }));
    let sim = cluster.sim();
    CheckView {
        mode: cluster.scenario().cluster.mode,
        quiet: sim.is_quiet(),
        findings,
    }
}

/// The last put of `key`, which a non-converged key's replicas disagree after.
fn last_put_of(cluster: &Cluster, key: &str) -> Option<OpId> {
    cluster.sim().history().ops.iter().rev().find_map(|op| {
        matches!(&op.input, ClientOp::Put { key: k, .. } if **k == *key).then_some(op.id)
    })
}

/// What a combination of mechanism switches means, one sentence per
/// consequence a user might not expect; empty when nothing is surprising.
pub fn mechanism_notes(m: &Mechanisms) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if m.hinted_handoff && !m.sloppy_quorum {
        notes.push("Hinted handoff has nothing to hand off: without sloppy quorum no fallback ever stores a hint.");
    }
    if m.sloppy_quorum && !m.hinted_handoff {
        notes.push("Fallbacks keep their hints: without hinted handoff no hint is ever handed back to its primary.");
    }
    if !m.read_repair && !m.anti_entropy {
        notes.push("With read repair and anti-entropy both off, a replica that missed a write and got no hint for it stays stale.");
    }
    if !m.durable {
        notes
            .push("A crash wipes the node's store and hints: a write only that node held is lost.");
    }
    notes
}

/// One operation under two runs of the same scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareRow {
    /// The operation (the same inputs give the same ids in both runs).
    pub op: OpId,
    /// Who performed it.
    pub by: Addr,
    /// What was asked.
    pub input: String,
    /// Its outcome in the left run.
    pub left: String,
    /// Its outcome in the right run.
    pub right: String,
    /// Whether the outcomes differ.
    pub differs: bool,
}

/// The operations of two runs side by side, differing outcomes marked.
pub fn compare(left: &Cluster, right: &Cluster) -> Vec<CompareRow> {
    let outcome = |cluster: &Cluster, i: usize| -> String {
        match cluster.sim().history().ops.get(i) {
            Some(op) => match &op.completed {
                Some((_, OpOutcome::Got { values, .. })) => format!("[{}]", values.join(", ")),
                Some((_, outcome)) => outcome.to_string(),
                None => "pending".into(),
            },
            None => "not invoked".into(),
        }
    };
    let count = left
        .sim()
        .history()
        .ops
        .len()
        .max(right.sim().history().ops.len());
    (0..count)
        .filter_map(|i| {
            let op = left
                .sim()
                .history()
                .ops
                .get(i)
                .or_else(|| right.sim().history().ops.get(i))?;
            let (l, r) = (outcome(left, i), outcome(right, i));
            Some(CompareRow {
                op: op.id,
                by: op.by,
                input: op.input.to_string(),
                differs: l != r,
                left: l,
                right: r,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{builtin_scenario, Scenario};
    use crate::sim::SimOptions;

    fn run(name: &str) -> Cluster {
        let scenario =
            Scenario::from_json(builtin_scenario(name).expect("built in")).expect("valid");
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
        cluster.run();
        cluster
    }

    #[test]
    fn partition_siblings_versions_have_dots_and_the_resolving_put_supersedes_both() {
        let cluster = run("partition-siblings");
        let view = key(&cluster, "cart");
        let values: Vec<&str> = view.versions.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["milk", "eggs", "bread", "eggs+bread"]);
        assert!(view.versions.iter().all(|v| v.dot.is_some()), "{view:#?}");
        let last = &view.versions[3];
        assert_eq!(last.supersedes, [0, 1, 2]);
        assert!(last.live);
        assert!(view.versions[..3].iter().all(|v| !v.live));
        // The concurrent puts each superseded only milk.
        assert_eq!(view.versions[1].supersedes, [0]);
        assert_eq!(view.versions[2].supersedes, [0]);
        assert!(
            view.replicas.iter().all(|r| r.values == ["eggs+bread"]),
            "{:#?}",
            view.replicas
        );
    }

    #[test]
    fn the_explanation_names_both_siblings_dots() {
        let scenario =
            Scenario::from_json(builtin_scenario("partition-siblings").expect("built in"))
                .expect("valid");
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
        // Stop after the get that follows the heal (at 90), before the resolving put.
        cluster.sim_mut().run_until(110);
        let view = key(&cluster, "cart");
        let text = view.explanation.expect("a get completed");
        assert!(text.contains("2 siblings"), "{text}");
        assert!(text.contains("\"eggs\" has dot (n"), "{text}");
        assert!(text.contains("\"bread\" has dot (n"), "{text}");
    }

    #[test]
    fn blind_writes_at_one_node_are_all_siblings_and_the_sentence_stays_short() {
        let puts: Vec<String> = (1..=6)
            .map(|c| format!(r#"{{ "at": {c}, "client": {c}, "put": {{ "key": "k", "value": "v{c}", "node": 1, "context": "none" }} }}"#))
            .collect();
        let json = format!(
            r#"{{ "version": 1, "cluster": {{ "nodes": 1, "partitions": 8, "n": 1, "r": 1, "w": 1, "mode": "dvvset" }},
                 "timeline": [{}, {{ "at": 20, "client": 1, "get": {{ "key": "k", "node": 1 }} }}] }}"#,
            puts.join(", ")
        );
        let scenario = Scenario::from_json(&json).expect("valid");
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
        cluster.run();
        let view = key(&cluster, "k");
        // With N = 1 there is no replication: the dots come from the stored clock.
        // Dots follow arrival order at the node, which latency may shuffle.
        let mut dots: Vec<&str> = view
            .versions
            .iter()
            .filter_map(|v| v.dot.as_deref())
            .collect();
        dots.sort_unstable();
        assert_eq!(
            dots,
            ["(n1,1)", "(n1,2)", "(n1,3)", "(n1,4)", "(n1,5)", "(n1,6)"]
        );
        assert!(view
            .versions
            .iter()
            .all(|v| v.live && v.supersedes.is_empty()));
        let text = view.explanation.expect("a get completed");
        assert!(
            text.contains("returned 6 siblings because their writes are concurrent"),
            "{text}"
        );
        assert!(text.contains("; and 2 more;"), "{text}");
    }

    #[test]
    fn compare_marks_the_get_where_lww_lost_a_write() {
        let dvv = run("partition-siblings");
        let lww = run("partition-siblings-lww");
        let rows = compare(&dvv, &lww);
        let differing: Vec<&CompareRow> = rows.iter().filter(|r| r.differs).collect();
        assert!(!differing.is_empty(), "{rows:#?}");
        assert!(differing
            .iter()
            .any(|r| r.left.contains("eggs") && r.left.contains("bread")));
    }

    #[test]
    fn edited_contexts_are_parsed_and_absurd_counters_refused() {
        assert_eq!(parse_context("none"), Ok(ContextChoice::None));
        assert!(matches!(
            parse_context("{n1:2, n3:1}"),
            Ok(ContextChoice::Explicit(_))
        ));
        assert!(parse_context("{n1:").is_err());
        let error = parse_context("{n1:18446744073709551615}").expect_err("too large");
        assert!(error.contains("n1:18446744073709551615"), "{error}");
    }

    #[test]
    fn ring_and_network_views_describe_the_cluster() {
        let cluster = run("partition-siblings");
        let ring = ring(&cluster, "cart");
        let placement = ring.key.expect("a key");
        assert_eq!(placement.primaries.len(), 3);
        assert_eq!(placement.holders.len(), 3);
        assert_eq!(ring.arcs.len(), 8);
        let net = network(&cluster, 10, 100);
        assert_eq!(net.nodes.len(), 3);
        assert!(net.in_flight.is_empty());
        let lamport = lamport(&cluster, 0, 1000, 10_000);
        assert_eq!(lamport.lanes.len(), 5);
        assert_eq!(lamport.arrows.len() as u64, cluster.sim().stats().sent);
        assert!(lamport
            .faults
            .iter()
            .any(|(at, text)| *at == 80 && text == "heal"));
        let detail = message(&cluster, MsgId(0)).expect("sent");
        assert!(
            detail.text.starts_with("put op0 cart=milk"),
            "{}",
            detail.text
        );
    }

    fn scenario(name: &str) -> Scenario {
        Scenario::from_json(builtin_scenario(name).expect("built in")).expect("valid")
    }

    #[test]
    fn a_fallback_holds_a_hint_for_the_crashed_primary_until_handoff() {
        let mut cluster =
            Cluster::new(&scenario("hinted-handoff"), SimOptions::default()).expect("builds");
        // After the second put (at 40), before n2 restarts (at 80).
        cluster.sim_mut().run_until(70);
        let net = network(&cluster, 10, 100);
        let holders: Vec<&NodeView> = net.nodes.iter().filter(|n| !n.hints.is_empty()).collect();
        assert_eq!(holders.len(), 1, "{net:#?}");
        assert_eq!(holders[0].hints, [(NodeId(2), "k".to_string())]);
        let n1 = &net.nodes[0];
        assert_eq!(n1.suspects, [NodeId(2)], "n1 missed n2's ack");
        assert!(net.nodes[1].suspected_by.contains(&NodeId(1)));
        let placement = ring(&cluster, "k").key.expect("a key");
        assert_eq!(placement.hints, [(holders[0].id, NodeId(2))]);
        assert!(placement
            .placements
            .iter()
            .any(|p| p.node == holders[0].id && p.fallback_for == Some(NodeId(2))));
        cluster.run();
        let net = network(&cluster, 10, 100);
        assert!(net.nodes.iter().all(|n| n.hints.is_empty()), "{net:#?}");
        let k = key(&cluster, "k");
        let n2 = k.replicas.iter().find(|r| r.node == NodeId(2)).expect("n2");
        assert!(n2.values.contains(&"v2".to_string()), "{n2:#?}");
    }

    #[test]
    fn the_checker_view_names_the_lww_lost_write_and_dvvset_loses_none() {
        let lww = check(&run("lww-lost-write"));
        assert!(lww.quiet);
        let lost: Vec<&Finding> = lww
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::LostWrite)
            .collect();
        assert_eq!(lost.len(), 1, "{lww:#?}");
        assert_eq!(lost[0].key, "cart");
        assert_eq!(lost[0].ops.len(), 1);
        assert!(lost[0].text.starts_with("lost write:"), "{}", lost[0].text);
        let mut dvv = scenario("lww-lost-write");
        dvv.cluster.mode = CausalityMode::DvvSet;
        let mut cluster = Cluster::new(&dvv, SimOptions::default()).expect("builds");
        cluster.run();
        let dvv = check(&cluster);
        assert_eq!(dvv.count(FindingKind::LostWrite), 0, "{dvv:#?}");
        assert_eq!(dvv.count(FindingKind::FalseConflict), 0, "{dvv:#?}");
    }

    #[test]
    fn without_read_repair_the_cut_off_replica_stays_stale() {
        let mut off = scenario("read-repair");
        off.cluster.mechanisms.read_repair = false;
        let mut cluster = Cluster::new(&off, SimOptions::default()).expect("builds");
        cluster.run();
        let view = key(&cluster, "k");
        let stale: Vec<NodeId> = view
            .replicas
            .iter()
            .filter(|r| r.stale)
            .map(|r| r.node)
            .collect();
        assert_eq!(stale, [NodeId(3)], "{view:#?}");
        let check = check(&cluster);
        assert_eq!(check.count(FindingKind::NonConverged), 1, "{check:#?}");
        let repaired = key(&run("read-repair"), "k");
        assert!(repaired.replicas.iter().all(|r| !r.stale), "{repaired:#?}");
    }

    #[test]
    fn mechanism_notes_explain_surprising_switches_only() {
        assert!(mechanism_notes(&Mechanisms::default()).is_empty());
        let notes = mechanism_notes(&Mechanisms {
            sloppy_quorum: false,
            ..Mechanisms::default()
        });
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("nothing to hand off"), "{notes:?}");
        assert_eq!(mechanism_notes(&Mechanisms::NONE).len(), 1);
    }
}

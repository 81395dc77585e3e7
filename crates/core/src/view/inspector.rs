//! The inspector: one key's replicas, its versions with their dots, and the sentence that says why a get returned siblings.

use super::ring;
use crate::causality::{Actor, CausalityMode, Dot, KeyClock};
use crate::cluster::Cluster;
use crate::ids::{Addr, NodeId, OpId, Time};
use crate::message::{ClientRequest, Clock, Message, PeerMessage};
use crate::node::{ClientOp, OpOutcome};
use crate::sim::history::MessageFate;

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
    let entry = set.entries().find(|e| *e.id == coordinator)?;
    (**entry.values.first()? == *value).then_some(Dot::new(coordinator, entry.counter))
}

/// The dot of `value` anywhere in a DVVSet entry of `coordinator`.
fn stored_dot(clock: &Clock, coordinator: NodeId, value: &str) -> Option<Dot<NodeId>> {
    let KeyClock::DvvSet(set) = clock else {
        return None;
    };
    let entry = set.entries().find(|e| *e.id == coordinator)?;
    let k = entry.values.iter().position(|v| **v == *value)?;
    Some(Dot::new(coordinator, entry.counter - k as u64))
}

/// Whether `clock` holds `value` with `dot` as a live sibling.
fn holds(clock: &Clock, dot: &Dot<NodeId>, value: &str) -> bool {
    let KeyClock::DvvSet(set) = clock else {
        return false;
    };
    set.entries().any(|e| {
        *e.id == dot.id
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

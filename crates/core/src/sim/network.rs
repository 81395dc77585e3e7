//! The simulated network: options and faults as data.
//!
//! [`NetworkOptions`] holds everything about message transport that does not
//! depend on the seed: a latency range (with per-link overrides) and the
//! drop, duplicate and reorder probabilities. Probabilities are integers per
//! million, never floats, so that options hash and print the same everywhere.
//!
//! A [`Fault`] is one change to the network or to a node's liveness: a
//! partition into groups, a one-way cut, a heal, a crash, a restart, or a new
//! probability. Faults are plain data, so the UI, the scenario timeline and a
//! random fault injector all produce the same values and the trace prints them.
//!
//! [`Network`] applies options and faults to one send and decides its
//! [`Fate`]: delivered after some latency, delivered twice, or dropped. It
//! draws from the simulator's generator, always in the same order: drop,
//! latency, reorder, duplicate (and the duplicate's latency). A probability of
//! 0 draws nothing.
//!
//! Clients sit outside the cluster's network: a link between a client and a
//! node has the latency of the options but is never partitioned, dropped or
//! duplicated. Only a crashed node loses what a client sends it.

use crate::vec_map::VecSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::NodeId;
use crate::ids::{Addr, Time};
use crate::sim::SimRng;

/// The seed-independent transport settings of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkOptions {
    /// Smallest one-way latency of a message, in ticks.
    pub latency_ticks_min: Time,
    /// Largest one-way latency of a message, in ticks (inclusive).
    pub latency_ticks_max: Time,
    /// Probability that a message between nodes is lost, per million.
    pub drop_per_million: u32,
    /// Probability that a message between nodes is delivered twice, per million.
    pub duplicate_per_million: u32,
    /// Probability that a message between nodes is held back by up to
    /// `latency_ticks_max` extra ticks, so that later messages overtake it.
    pub reorder_per_million: u32,
    /// Latency overrides for single directed links.
    pub links: Vec<LinkLatency>,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            latency_ticks_min: 1,
            latency_ticks_max: 3,
            drop_per_million: 0,
            duplicate_per_million: 0,
            reorder_per_million: 0,
            links: Vec::new(),
        }
    }
}

/// A latency range for the directed link `from -> to`, replacing the default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkLatency {
    /// The sending node.
    pub from: NodeId,
    /// The receiving node.
    pub to: NodeId,
    /// Smallest latency on this link, in ticks.
    pub latency_ticks_min: Time,
    /// Largest latency on this link, in ticks (inclusive).
    pub latency_ticks_max: Time,
}

/// One change to the network or to a node's liveness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fault {
    /// Split the nodes into groups that cannot reach each other. Nodes named
    /// in no group form one more group together. Replaces any earlier partition.
    Partition(Vec<Vec<NodeId>>),
    /// Cut the directed link `from -> to`; the reverse direction still works.
    OneWay {
        /// The node whose messages are lost.
        from: NodeId,
        /// The node that no longer hears `from`.
        to: NodeId,
    },
    /// Cut both directions between two nodes.
    Cut {
        /// One end of the link.
        a: NodeId,
        /// The other end of the link.
        b: NodeId,
    },
    /// Remove every partition and cut. Crashed nodes stay crashed.
    Heal,
    /// Stop a node: it loses its volatile state, and messages and timers
    /// addressed to it are lost until it restarts.
    Crash(NodeId),
    /// Start a crashed node again.
    Restart(NodeId),
    /// Set the drop probability, per million.
    SetDrop(u32),
    /// Set the duplicate probability, per million.
    SetDuplicate(u32),
    /// Set the reorder probability, per million.
    SetReorder(u32),
    /// Set the default latency range, in ticks.
    SetLatency {
        /// Smallest latency, in ticks.
        latency_ticks_min: Time,
        /// Largest latency, in ticks (inclusive).
        latency_ticks_max: Time,
    },
}

impl Fault {
    /// The nodes this fault names, for validation against the cluster.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Fault::Partition(groups) => groups.iter().flatten().copied().collect(),
            Fault::OneWay { from, to } => vec![*from, *to],
            Fault::Cut { a, b } => vec![*a, *b],
            Fault::Crash(node) | Fault::Restart(node) => vec![*node],
            Fault::Heal
            | Fault::SetDrop(_)
            | Fault::SetDuplicate(_)
            | Fault::SetReorder(_)
            | Fault::SetLatency { .. } => Vec::new(),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Partition(groups) => {
                write!(f, "partition")?;
                for group in groups {
                    let names: Vec<String> = group.iter().map(NodeId::to_string).collect();
                    write!(f, " [{}]", names.join(" "))?;
                }
                Ok(())
            }
            Fault::OneWay { from, to } => write!(f, "one-way {from}-x->{to}"),
            Fault::Cut { a, b } => write!(f, "cut {a}<-x->{b}"),
            Fault::Heal => write!(f, "heal"),
            Fault::Crash(node) => write!(f, "crash {node}"),
            Fault::Restart(node) => write!(f, "restart {node}"),
            Fault::SetDrop(p) => write!(f, "set-drop {p}/1000000"),
            Fault::SetDuplicate(p) => write!(f, "set-duplicate {p}/1000000"),
            Fault::SetReorder(p) => write!(f, "set-reorder {p}/1000000"),
            Fault::SetLatency {
                latency_ticks_min,
                latency_ticks_max,
            } => {
                write!(f, "set-latency {latency_ticks_min}..={latency_ticks_max}")
            }
        }
    }
}

/// Why the network lost a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// Sender and receiver are in different partition groups.
    Partitioned,
    /// The directed link is cut.
    OneWay,
    /// The drop probability struck.
    Lost,
    /// The receiver was crashed when the message arrived.
    Crashed,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::Partitioned => "partitioned",
            DropReason::OneWay => "one-way",
            DropReason::Lost => "lost",
            DropReason::Crashed => "crashed",
        })
    }
}

/// What becomes of one sent message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Delivered once, at this time.
    Deliver(Time),
    /// Delivered twice: the original and a copy, at these times.
    Duplicate(Time, Time),
    /// Never delivered.
    Drop(DropReason),
}

/// The network's current state: options plus active partitions and cuts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    options: NetworkOptions,
    /// Partition group of each node, indexed by `NodeId.0`; empty when whole.
    groups: Vec<u32>,
    /// Directed links that are cut.
    cut: VecSet<(NodeId, NodeId)>,
}

impl Network {
    /// A whole network with these options.
    pub fn new(options: NetworkOptions) -> Network {
        Network {
            options,
            groups: Vec::new(),
            cut: VecSet::new(),
        }
    }

    /// The current options (faults such as `SetDrop` change them).
    pub fn options(&self) -> &NetworkOptions {
        &self.options
    }

    /// Whether `from` can currently reach `to` (ignoring random loss).
    pub fn reachable(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked(from, to).is_none()
    }

    /// The directed links that are cut, for the UI.
    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    /// The partition group of a node (0 when the network is whole).
    pub fn group_of(&self, node: NodeId) -> u32 {
        self.groups.get(usize::from(node.0)).copied().unwrap_or(0)
    }

    #[inline]
    fn blocked(&self, from: NodeId, to: NodeId) -> Option<DropReason> {
        if from == to {
            return None;
        }
        if !self.groups.is_empty() && self.group_of(from) != self.group_of(to) {
            return Some(DropReason::Partitioned);
        }
        if !self.cut.is_empty() && self.cut.contains(&(from, to)) {
            return Some(DropReason::OneWay);
        }
        None
    }

    /// Apply a network fault. Crash and restart concern nodes, not links, and
    /// leave the network unchanged.
    pub fn apply(&mut self, fault: &Fault) {
        match fault {
            Fault::Partition(groups) => {
                let highest = groups
                    .iter()
                    .flatten()
                    .map(|n| usize::from(n.0))
                    .max()
                    .unwrap_or(0);
                // Group 0 is "named in no group"; listed groups are numbered from 1.
                let mut assignment = vec![0; highest + 1];
                for (index, group) in groups.iter().enumerate() {
                    for node in group {
                        assignment[usize::from(node.0)] = index as u32 + 1;
                    }
                }
                self.groups = assignment;
            }
            Fault::OneWay { from, to } => {
                self.cut.insert((*from, *to));
            }
            Fault::Cut { a, b } => {
                self.cut.insert((*a, *b));
                self.cut.insert((*b, *a));
            }
            Fault::Heal => {
                self.groups.clear();
                self.cut.clear();
            }
            Fault::SetDrop(p) => self.options.drop_per_million = *p,
            Fault::SetDuplicate(p) => self.options.duplicate_per_million = *p,
            Fault::SetReorder(p) => self.options.reorder_per_million = *p,
            Fault::SetLatency {
                latency_ticks_min,
                latency_ticks_max,
            } => {
                self.options.latency_ticks_min = *latency_ticks_min;
                self.options.latency_ticks_max = *latency_ticks_max;
            }
            Fault::Crash(_) | Fault::Restart(_) => {}
        }
    }

    /// Decide what becomes of a message sent at `now` from `from` to `to`.
    #[inline]
    pub fn route(&self, rng: &mut SimRng, now: Time, from: Addr, to: Addr) -> Fate {
        let (from, to) = match (from, to) {
            (Addr::Node(from), Addr::Node(to)) => (from, to),
            // Client links: latency only.
            _ => return Fate::Deliver(now.saturating_add(self.latency(rng, None))),
        };
        if from == to {
            return Fate::Deliver(now);
        }
        if let Some(reason) = self.blocked(from, to) {
            return Fate::Drop(reason);
        }
        let options = &self.options;
        if rng.chance(options.drop_per_million) {
            return Fate::Drop(DropReason::Lost);
        }
        let link = Some((from, to));
        let mut at = now.saturating_add(self.latency(rng, link));
        if rng.chance(options.reorder_per_million) {
            at = at.saturating_add(rng.between(1, options.latency_ticks_max.max(1)));
        }
        if rng.chance(options.duplicate_per_million) {
            let copy_at = now.saturating_add(self.latency(rng, link));
            return Fate::Duplicate(at, copy_at);
        }
        Fate::Deliver(at)
    }

    /// What becomes of a message in a steered run ([`crate::sim::Choice`]):
    /// a partition or cut drops it as in any run; otherwise it waits for a
    /// choice to deliver or drop it, and nothing is drawn.
    pub fn route_steered(&self, now: Time, from: Addr, to: Addr) -> Fate {
        if let (Addr::Node(from), Addr::Node(to)) = (from, to) {
            if let Some(reason) = self.blocked(from, to) {
                return Fate::Drop(reason);
            }
        }
        Fate::Deliver(now)
    }

    /// The options, partition groups and cut links, for a run's fingerprint.
    pub(crate) fn fingerprint_parts(&self) -> (&NetworkOptions, &[u32], Vec<(NodeId, NodeId)>) {
        (
            &self.options,
            &self.groups,
            self.cut.iter().copied().collect(),
        )
    }

    #[inline]
    fn latency(&self, rng: &mut SimRng, link: Option<(NodeId, NodeId)>) -> Time {
        let overridden = link.and_then(|(from, to)| {
            self.options
                .links
                .iter()
                .find(|l| l.from == from && l.to == to)
        });
        match overridden {
            Some(l) => rng.between(l.latency_ticks_min, l.latency_ticks_max),
            None => rng.between(
                self.options.latency_ticks_min,
                self.options.latency_ticks_max,
            ),
        }
    }
}

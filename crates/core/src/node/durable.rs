//! What of a node outlives the process that runs it: its store and its
//! hints, as plain data a front end can put on disk.
//!
//! Inside the simulator, durability is a switch (`durable`): a crash keeps
//! the store and the hints or loses them. A front end that keeps a cluster
//! on disk across runs of its own process (`wildling serve --data`) needs
//! three more things from a node, and this module gives them:
//!
//! - [`Node::durable_state`]: everything that must survive, as values
//!   ([`DurableState`]), with serde forms; the clocks are the kernel's own.
//! - [`Node::restore`]: put such a state back into a fresh node.
//! - [`Node::take_durable_changes`]: what changed since the last call, so
//!   that saving after a batch of events writes the keys that changed, not
//!   the whole store. Off until [`Node::log_durable_changes`] turns it on;
//!   the store notes each key it changes (a few words per change).
//!
//! Nothing here changes what a node does: no message, timer or trace line
//! depends on whether changes are logged.
//!
//! # CAVEATS
//!
//! - The ring is not part of the state: a restored node starts from the
//!   scenario's ring, so joins and leaves are lost across a restart of the
//!   process (Riak keeps the ring in a file of its own).
//! - A restored node's hints wait for the next handoff round something
//!   else arms (a new hint, a restart); restoring sets no timer, since it
//!   happens outside the run.
//! - Hints are reported whole when any changed: they are few and
//!   short-lived, unlike the keys.

use serde::{Deserialize, Serialize};

use super::{Hint, Node};
use crate::ids::NodeId;
use crate::message::{Clock, SharedClock};
use crate::ring::PartitionId;

/// One stored key and its clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurableKey {
    /// The key's partition.
    pub partition: PartitionId,
    /// The key.
    pub key: String,
    /// Its clock (siblings and causal history).
    pub clock: Clock,
}

/// One hint a fallback holds for another node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurableHint {
    /// The node the hint is meant for.
    pub intended: NodeId,
    /// The key's partition.
    pub partition: PartitionId,
    /// The key.
    pub key: String,
    /// The merged clock of the hinted writes.
    pub clock: Clock,
    /// The hint's version, which acks name.
    pub version: u64,
}

/// Everything of a node that a durable node keeps through a crash.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DurableState {
    /// The store, in partition then key order.
    pub keys: Vec<DurableKey>,
    /// The hints, in (intended node, partition, key) order.
    pub hints: Vec<DurableHint>,
}

/// What changed since the last [`Node::take_durable_changes`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DurableChanges {
    /// The store was emptied (a crash without `durable`) before `keys`
    /// changed: every key not in `keys` is gone.
    pub cleared: bool,
    /// The keys that changed, each with its clock now, in partition then
    /// key order.
    pub keys: Vec<DurableKey>,
    /// All the hints, when any changed.
    pub hints: Option<Vec<DurableHint>>,
}

impl DurableChanges {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.cleared && self.keys.is_empty() && self.hints.is_none()
    }
}

impl Node {
    /// The store and the hints, as values.
    pub fn durable_state(&self) -> DurableState {
        DurableState {
            keys: self
                .store
                .iter()
                .map(|(partition, key, clock)| DurableKey {
                    partition,
                    key: key.to_string(),
                    clock: clock.clone(),
                })
                .collect(),
            hints: self.durable_hints(),
        }
    }

    fn durable_hints(&self) -> Vec<DurableHint> {
        self.hints()
            .map(|(intended, partition, key, hint)| DurableHint {
                intended,
                partition,
                key: key.to_string(),
                clock: (*hint.clock).clone(),
                version: hint.version,
            })
            .collect()
    }

    /// Replace the store and the hints by `state` (a node just built, before
    /// it runs). Hint versions go on after the largest restored.
    pub fn restore(&mut self, state: DurableState) {
        let logging = self.store.take_changes().is_some();
        self.store = super::Store::default();
        for DurableKey {
            partition,
            key,
            clock,
        } in state.keys
        {
            self.store.set(partition, &key, SharedClock::new(clock));
        }
        self.hints.clear();
        for hint in state.hints {
            self.next_hint_version = self.next_hint_version.max(hint.version);
            self.hints.insert(
                (hint.intended, hint.partition, hint.key),
                Hint {
                    clock: SharedClock::new(hint.clock),
                    version: hint.version,
                },
            );
        }
        self.hints_saved = self.hints_stamp();
        // What was restored is on disk already.
        self.log_durable_changes(logging);
    }

    /// Start (or stop) noting what changes for
    /// [`Node::take_durable_changes`].
    pub fn log_durable_changes(&mut self, on: bool) {
        self.store.log_changes(on);
        self.hints_saved = self.hints_stamp();
    }

    /// What changed since the last call (nothing unless logging is on).
    pub fn take_durable_changes(&mut self) -> DurableChanges {
        let Some(changed) = self.store.take_changes() else {
            return DurableChanges::default();
        };
        let mut touched = changed.keys;
        crate::handwritten::sort::stable(&mut touched);
        touched.dedup();
        let keys = touched
            .into_iter()
            .filter_map(|(partition, key)| {
                let clock = self.store.get(partition, &key)?;
                Some(DurableKey {
                    partition,
                    key: key.to_string(),
                    clock: clock.clone(),
                })
            })
            .collect();
        let stamp = self.hints_stamp();
        let hints = (stamp != self.hints_saved).then(|| self.durable_hints());
        self.hints_saved = stamp;
        DurableChanges {
            cleared: changed.cleared,
            keys,
            hints,
        }
    }

    /// Changes whenever the hints do: each hint stored takes a new version,
    /// and an ack or a crash removes hints.
    fn hints_stamp(&self) -> (u64, usize) {
        (self.next_hint_version, self.hints.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Cluster;
    use crate::node::Member;
    use crate::scenario::{builtin_scenario, Scenario};
    use crate::sim::SimOptions;

    fn cluster(name: &str) -> Cluster {
        let json = builtin_scenario(name).expect("built in");
        let scenario = Scenario::from_json(json).expect("valid");
        Cluster::new(&scenario, SimOptions::default()).expect("builds")
    }

    fn node(cluster: &mut Cluster, id: u16) -> &mut Node {
        match cluster.sim_mut().node_mut(NodeId(id)) {
            Some(Member::Node(node)) => node,
            _ => panic!("n{id} is a node"),
        }
    }

    #[test]
    fn a_restored_node_holds_what_the_saved_one_held() {
        // Hinted handoff: a fallback holds hints at some point of the run.
        let mut run = cluster("hinted-handoff");
        let mut saved = Vec::new();
        while run.sim_mut().step() {
            let states: Vec<DurableState> =
                run.nodes().map(|(_, n, _)| n.durable_state()).collect();
            if states.iter().any(|s| !s.hints.is_empty()) {
                saved = states;
                break;
            }
        }
        assert!(saved
            .iter()
            .any(|s| !s.keys.is_empty() && !s.hints.is_empty() || !s.keys.is_empty()));
        assert!(
            saved.iter().any(|s| !s.hints.is_empty()),
            "the scenario stores a hint"
        );
        let mut fresh = cluster("hinted-handoff");
        for (i, state) in saved.iter().enumerate() {
            let node = node(&mut fresh, i as u16 + 1);
            node.restore(state.clone());
            assert_eq!(&node.durable_state(), state);
            // Through serde and back, as on disk.
            let text = serde_json::to_string(state).expect("serializes");
            let back: DurableState = serde_json::from_str(&text).expect("reads back");
            assert_eq!(&back, state);
        }
    }

    #[test]
    fn changes_name_each_changed_key_once_and_a_volatile_crash_clears() {
        let mut run = cluster("quorum-success");
        for id in 1..=5 {
            node(&mut run, id).log_durable_changes(true);
        }
        run.run();
        let mut saved: Vec<DurableState> = vec![DurableState::default(); 5];
        for id in 1..=5u16 {
            let node = node(&mut run, id);
            let changes = node.take_durable_changes();
            assert!(!changes.cleared);
            let mut keys: Vec<&str> = changes.keys.iter().map(|k| k.key.as_str()).collect();
            let before = keys.len();
            keys.dedup();
            assert_eq!(keys.len(), before, "each key once");
            saved[usize::from(id) - 1].keys = changes.keys;
            assert_eq!(
                saved[usize::from(id) - 1],
                DurableState {
                    hints: Vec::new(),
                    ..node.durable_state()
                }
            );
            assert!(node.take_durable_changes().is_empty(), "nothing new");
        }
        assert!(saved.iter().any(|s| !s.keys.is_empty()));
        // A crash of a node that is not durable empties it.
        let node = node(&mut run, 1);
        node.settings.mechanisms.durable = false;
        node.crash();
        let changes = node.take_durable_changes();
        assert!(changes.cleared && changes.keys.is_empty(), "{changes:?}");
        node.log_durable_changes(false);
        assert!(node.take_durable_changes().is_empty());
    }
}

//! A node's storage: per partition, per key, one kernel clock, shared with
//! the messages (and the replicas) that hold the same clock.

use crate::vec_map::VecMap;

use serde::Serialize;

use crate::causality::CausalityMode;
use crate::merkle::Leaf;
use crate::message::{Clock, Key, SharedClock};
use crate::ring::PartitionId;

/// What one node stores: for each partition it holds, each key's clock.
/// Keys are shared with the requests that brought them, so finding or
/// adding a key from a message is one lookup and copies no string.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Store {
    partitions: VecMap<PartitionId, VecMap<Key, SharedClock>>,
    /// The keys changed since a front end last asked, when it asked to
    /// know ([`Store::log_changes`]); see `node/durable.rs`.
    #[serde(skip)]
    changes: Option<StoreChanges>,
}

/// The keys a store changed, as [`Store::take_changes`] hands them over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoreChanges {
    /// The store was emptied before the keys below changed.
    pub cleared: bool,
    /// The keys changed (or possibly changed), in the order they were, with
    /// repeats.
    pub keys: Vec<(PartitionId, Key)>,
}

impl Store {
    /// The clock of `key` in partition `p`, if the node holds one.
    pub fn get(&self, p: PartitionId, key: &str) -> Option<&Clock> {
        self.get_shared(p, key).map(|clock| &**clock)
    }

    /// The clock of `key` in partition `p` as shared, to send without a copy.
    pub fn get_shared(&self, p: PartitionId, key: &str) -> Option<&SharedClock> {
        self.partitions.get(&p)?.get(key)
    }

    /// The shared clock of `key` in partition `p`, created empty in `mode` if
    /// absent, to change (`SharedClock::make_mut`) or replace.
    pub fn entry(&mut self, p: PartitionId, key: &Key, mode: CausalityMode) -> &mut SharedClock {
        if let Some(changes) = &mut self.changes {
            changes.keys.push((p, Key::clone(key)));
        }
        self.partitions
            .get_or_insert_with(p, VecMap::new)
            .get_or_insert_with(Key::clone(key), || SharedClock::new(Clock::new(mode)))
    }

    /// Store `clock` as the clock of `key` in partition `p`.
    pub fn set(&mut self, p: PartitionId, key: &str, clock: SharedClock) {
        if let Some(changes) = &mut self.changes {
            changes.keys.push((p, key.into()));
        }
        let keys = self.partitions.get_or_insert_with(p, VecMap::new);
        match keys.get_mut(key) {
            Some(stored) => *stored = clock,
            None => {
                keys.insert(key.into(), clock);
            }
        }
    }

    /// Forget every key (a crash that loses the store).
    pub fn clear(&mut self) {
        self.partitions = VecMap::new();
        if let Some(changes) = &mut self.changes {
            *changes = StoreChanges {
                cleared: true,
                keys: Vec::new(),
            };
        }
    }

    /// Start (or stop) noting the keys that change, for
    /// [`Store::take_changes`]. Starting forgets what was noted.
    pub fn log_changes(&mut self, on: bool) {
        self.changes = on.then(StoreChanges::default);
    }

    /// Whether changes are noted.
    pub fn logs_changes(&self) -> bool {
        self.changes.is_some()
    }

    /// The changes noted since the last call, if noting is on.
    pub fn take_changes(&mut self) -> Option<StoreChanges> {
        self.changes.as_mut().map(std::mem::take)
    }

    /// Every stored key with its partition and clock, in partition then key order.
    pub fn iter(&self) -> impl Iterator<Item = (PartitionId, &str, &Clock)> {
        self.partitions
            .iter()
            .flat_map(|(p, keys)| keys.iter().map(move |(k, clock)| (*p, &**k, &**clock)))
    }

    /// The keys of partition `p` with their clocks, in key order.
    pub fn partition(&self, p: PartitionId) -> impl Iterator<Item = (&str, &SharedClock)> {
        self.partitions
            .get(&p)
            .into_iter()
            .flat_map(|keys| keys.iter().map(|(k, clock)| (&**k, clock)))
    }

    /// The keys of partition `p` with their Merkle leaves, in key order.
    pub fn leaves(&self, p: PartitionId) -> impl Iterator<Item = (&str, Leaf)> {
        self.partition(p)
            .map(|(key, clock)| (key, clock.merkle_leaf(key)))
    }

    /// How many keys the node stores.
    pub fn len(&self) -> usize {
        self.partitions.values().map(VecMap::len).sum()
    }

    /// Whether the node stores nothing.
    pub fn is_empty(&self) -> bool {
        self.partitions.values().all(VecMap::is_empty)
    }
}

//! A node's storage: per partition, per key, one kernel clock, shared with
//! the messages that carry it until either side changes it.
//!
//! Each key also keeps its Merkle leaf ([`Leaf`]) once anti-entropy has
//! asked for it, until the clock changes: a tree is rebuilt for every
//! exchange, and most of its keys have not changed since the last one.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::merkle::{self, Leaf};
use crate::causality::CausalityMode;
use std::rc::Rc;

use crate::message::{Clock, SharedClock};
use crate::ring::PartitionId;

/// What one node stores: for each partition it holds, each key's clock.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Store {
    partitions: BTreeMap<PartitionId, BTreeMap<String, Slot>>,
}

/// One key's clock, with its Merkle leaf while the clock is unchanged.
#[derive(Clone, Debug)]
struct Slot {
    clock: SharedClock,
    /// Filled in by [`Store::leaves`], emptied by [`Store::entry`].
    leaf: Cell<Option<Leaf>>,
}

/// Two slots are equal when their clocks are: the leaf is a cache.
impl PartialEq for Slot {
    fn eq(&self, other: &Slot) -> bool {
        self.clock == other.clock
    }
}

/// A slot serializes as its clock.
impl Serialize for Slot {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.clock.serialize(serializer)
    }
}

impl Store {
    /// The clock of `key` in partition `p`, if the node holds one.
    pub fn get(&self, p: PartitionId, key: &str) -> Option<&Clock> {
        self.get_shared(p, key).map(|clock| &**clock)
    }

    /// The clock of `key` in partition `p` as shared, to send without a copy.
    pub fn get_shared(&self, p: PartitionId, key: &str) -> Option<&SharedClock> {
        Some(&self.partitions.get(&p)?.get(key)?.clock)
    }

    /// The clock of `key` in partition `p`, created empty in `mode` if absent,
    /// to change: a clock still shared with a message is copied first.
    pub fn entry(&mut self, p: PartitionId, key: &str, mode: CausalityMode) -> &mut Clock {
        Rc::make_mut(self.entry_shared(p, key, mode))
    }

    /// The shared clock of `key` in partition `p`, created empty in `mode` if
    /// absent, to change through `Rc::make_mut` and then share.
    pub fn entry_shared(
        &mut self,
        p: PartitionId,
        key: &str,
        mode: CausalityMode,
    ) -> &mut SharedClock {
        let keys = self.partitions.entry(p).or_default();
        if !keys.contains_key(key) {
            let slot = Slot {
                clock: Rc::new(Clock::new(mode)),
                leaf: Cell::new(None),
            };
            keys.insert(key.to_string(), slot);
        }
        let slot = keys.get_mut(key).expect("inserted above");
        slot.leaf.set(None);
        &mut slot.clock
    }

    /// Every stored key with its partition and clock, in partition then key order.
    pub fn iter(&self) -> impl Iterator<Item = (PartitionId, &str, &Clock)> {
        self.partitions.iter().flat_map(|(p, keys)| {
            keys.iter()
                .map(move |(k, slot)| (*p, k.as_str(), &*slot.clock))
        })
    }

    /// The keys of partition `p` with their clocks, in key order.
    pub fn partition(&self, p: PartitionId) -> impl Iterator<Item = (&str, &SharedClock)> {
        self.partitions
            .get(&p)
            .into_iter()
            .flat_map(|keys| keys.iter().map(|(k, slot)| (k.as_str(), &slot.clock)))
    }

    /// The keys of partition `p` with their Merkle leaves, in key order;
    /// leaves of keys changed since they were last asked for are computed.
    pub fn leaves(&self, p: PartitionId) -> impl Iterator<Item = (&str, Leaf)> {
        self.partitions.get(&p).into_iter().flat_map(|keys| {
            keys.iter().map(|(k, slot)| {
                let leaf = slot.leaf.get().unwrap_or_else(|| {
                    let leaf = merkle::leaf(k, &slot.clock);
                    slot.leaf.set(Some(leaf));
                    leaf
                });
                (k.as_str(), leaf)
            })
        })
    }

    /// How many keys the node stores.
    pub fn len(&self) -> usize {
        self.partitions.values().map(BTreeMap::len).sum()
    }

    /// Whether the node stores nothing.
    pub fn is_empty(&self) -> bool {
        self.partitions.values().all(BTreeMap::is_empty)
    }
}

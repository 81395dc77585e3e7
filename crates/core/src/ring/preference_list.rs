//! Preference lists: walking the ring clockwise from a partition.

use super::{PartitionId, Placement, Ring};
use crate::NodeId;

impl Ring {
    /// Distinct owners in ring order starting at `p`, wrapping past the last partition,
    /// stopping after `limit` nodes or one full turn.
    pub(crate) fn walk_owners(&self, p: PartitionId, limit: usize) -> Vec<NodeId> {
        let q = self.owners.len();
        let start = p.0 as usize;
        let mut found: Vec<NodeId> = Vec::with_capacity(limit.min(self.nodes.len()));
        for i in 0..q {
            if found.len() >= limit {
                break;
            }
            let owner = self.owners[(start + i) % q];
            if !found.contains(&owner) {
                found.push(owner);
            }
        }
        found
    }

    /// The preference list of `p`: the owners of `p` and the partitions after it, skipping
    /// owners already listed, so it names `min(n, node count)` distinct nodes.
    pub fn preference_list_for_partition(&self, p: PartitionId, n: usize) -> Vec<NodeId> {
        self.assert_partition(p);
        self.walk_owners(p, n)
    }

    /// The preference list of `key`: [`Ring::preference_list_for_partition`] of the
    /// partition covering its hash. The first entry is the coordinator.
    pub fn preference_list(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.walk_owners(self.partition_of(key), n)
    }

    /// The first `n` healthy nodes walking the ring from `key`, as a sloppy quorum uses them.
    ///
    /// Entry `i` is the `i`-th primary if `is_up` says it is up; otherwise the next healthy
    /// node beyond the primaries, tagged with the primary it stands in for (the target of
    /// hinted handoff). When too few nodes are up the list is shorter: it always names
    /// `min(n, healthy node count)` distinct nodes.
    pub fn preference_list_with_fallbacks(
        &self,
        key: &[u8],
        n: usize,
        is_up: impl Fn(NodeId) -> bool,
    ) -> Vec<Placement> {
        self.preference_list_with_fallbacks_for_partition(self.partition_of(key), n, is_up)
    }

    /// [`Ring::preference_list_with_fallbacks`] of the keys in partition `p`.
    pub fn preference_list_with_fallbacks_for_partition(
        &self,
        p: PartitionId,
        n: usize,
        is_up: impl Fn(NodeId) -> bool,
    ) -> Vec<Placement> {
        self.assert_partition(p);
        let walk = self.walk_owners(p, usize::MAX);
        let split = n.min(walk.len());
        let (primaries, beyond) = walk.split_at(split);
        let mut fallbacks = beyond.iter().copied().filter(|&node| is_up(node));
        primaries
            .iter()
            .filter_map(|&primary| {
                if is_up(primary) {
                    Some(Placement {
                        node: primary,
                        fallback_for: None,
                    })
                } else {
                    fallbacks.next().map(|node| Placement {
                        node,
                        fallback_for: Some(primary),
                    })
                }
            })
            .collect()
    }
}

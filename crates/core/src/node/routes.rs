//! What a node derives from its ring for every request, kept until the ring
//! changes.

use std::rc::Rc;

use crate::ids::NodeId;
use crate::merkle;
use crate::ring::{PartitionId, Ring};

/// Each key's partition (SHA-1 is the costliest step of routing a request)
/// and each partition's preference list, under one ring and one N.
#[derive(Clone, Debug)]
pub(super) struct Routes {
    /// `(FNV-1a hash of the key, key, partition)`, sorted: found by
    /// comparing hashes, then the key itself.
    partitions: Vec<(u64, String, PartitionId)>,
    preference_lists: Vec<Vec<NodeId>>,
}

/// A cache is a function of the ring: it never tells two nodes apart.
impl PartialEq for Routes {
    fn eq(&self, _: &Routes) -> bool {
        true
    }
}

impl Routes {
    /// The routes of `ring` with `n` replicas per key.
    pub fn new(ring: &Ring, n: usize) -> Routes {
        let preference_lists = (0..ring.partition_count())
            .map(|p| ring.preference_list_for_partition(PartitionId(p), n))
            .collect();
        Routes {
            partitions: Vec::new(),
            preference_lists,
        }
    }

    /// The partition of `key` on `ring` (the ring these routes were made
    /// for). Routes shared with a copy of the node are copied only to
    /// learn a key they do not know yet.
    pub fn partition_of(routes: &mut Rc<Routes>, ring: &Ring, key: &str) -> PartitionId {
        let hash = merkle::key_hash(key);
        let at = routes.partitions.partition_point(|(h, ..)| *h < hash);
        let known = routes.partitions[at..]
            .iter()
            .take_while(|(h, ..)| *h == hash)
            .find(|(_, k, _)| k == key);
        if let Some((.., p)) = known {
            return *p;
        }
        let p = ring.partition_of(key.as_bytes());
        Rc::make_mut(routes)
            .partitions
            .insert(at, (hash, key.to_string(), p));
        p
    }

    /// The preference list of partition `p`.
    pub fn preference_list(&self, p: PartitionId) -> &[NodeId] {
        self.preference_lists
            .get(p.0 as usize)
            .unwrap_or_else(|| panic!("partition {p} is not on the ring"))
    }
}

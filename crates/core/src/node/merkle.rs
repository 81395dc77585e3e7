//! A Merkle tree over one partition's keys, as anti-entropy compares them.
//!
//! The tree has three levels: a root, [`BRANCHES`] branches (keys fall into a
//! branch by the FNV-1a hash of the key) and one leaf per key. A leaf's hash is
//! FNV-1a over the key, a zero byte and the clock's text form, so two replicas
//! hash a key alike exactly when they print its clock alike. A branch hashes
//! its leaves' hashes in key order; the root hashes the branches. Nothing
//! depends on the platform or on hash-map order.

use std::fmt::Write as _;

use crate::message::Clock;
use crate::trace::Fnv1a;

/// How many branches the root has.
pub const BRANCHES: usize = 8;

/// The hash tree of one partition at one replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleTree {
    /// The root hash.
    pub root: u64,
    /// Each branch's hash.
    pub branches: Vec<u64>,
    /// Each branch's leaves, `(key, hash)` in key order.
    pub leaves: Vec<Vec<(String, u64)>>,
}

/// The branch a key falls into.
pub fn branch_of(key: &str) -> usize {
    let mut h = Fnv1a::default();
    h.write(key.as_bytes());
    (h.finish() % BRANCHES as u64) as usize
}

fn hash_u64s(values: impl Iterator<Item = u64>) -> u64 {
    let mut h = Fnv1a::default();
    for v in values {
        h.write(&v.to_le_bytes());
    }
    h.finish()
}

impl MerkleTree {
    /// The tree of `keys` (in key order, as a store yields them).
    pub fn build<'a>(keys: impl Iterator<Item = (&'a str, &'a Clock)>) -> MerkleTree {
        let mut leaves = vec![Vec::new(); BRANCHES];
        let mut text = String::new();
        for (key, clock) in keys {
            text.clear();
            let _ = write!(text, "{clock}");
            let mut h = Fnv1a::default();
            h.write(key.as_bytes());
            h.write(&[0]);
            h.write(text.as_bytes());
            leaves[branch_of(key)].push((key.to_string(), h.finish()));
        }
        let branches: Vec<u64> = leaves
            .iter()
            .map(|leaves: &Vec<(String, u64)>| hash_u64s(leaves.iter().map(|(_, h)| *h)))
            .collect();
        MerkleTree {
            root: hash_u64s(branches.iter().copied()),
            branches,
            leaves,
        }
    }

    /// The branches whose hashes differ from `theirs`.
    pub fn differing_branches(&self, theirs: &[u64]) -> Vec<u8> {
        (0..BRANCHES)
            .filter(|&i| theirs.get(i) != Some(&self.branches[i]))
            .map(|i| i as u8)
            .collect()
    }

    /// The keys of `buckets` whose leaves differ from `theirs` (a key on one
    /// side only differs too), in key order.
    pub fn differing_keys(&self, buckets: &[u8], theirs: &[(String, u64)]) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for &b in buckets {
            let Some(mine) = self.leaves.get(usize::from(b)) else {
                continue;
            };
            for (key, hash) in mine {
                if !theirs.iter().any(|(k, h)| k == key && h == hash) {
                    keys.push(key.clone());
                }
            }
            for (key, hash) in theirs
                .iter()
                .filter(|(k, _)| branch_of(k) == usize::from(b))
            {
                if !mine.iter().any(|(k, h)| k == key && h == hash) && !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        crate::sort::stable(&mut keys);
        keys.dedup();
        keys
    }

    /// The leaves of `buckets`, concatenated.
    pub fn leaves_of(&self, buckets: &[u8]) -> Vec<(String, u64)> {
        buckets
            .iter()
            .filter_map(|&b| self.leaves.get(usize::from(b)))
            .flatten()
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::MerkleTree;
    use crate::causality::{CausalityMode, Context, Write};
    use crate::message::Clock;
    use crate::{ClientId, NodeId};

    fn clock(values: &[&str]) -> Clock {
        let mut c = Clock::new(CausalityMode::DvvSet);
        for v in values {
            let ctx = Context::empty();
            c.put(
                &ctx,
                Write {
                    replica: NodeId(1),
                    client: ClientId(1),
                    value: v.to_string(),
                    timestamp: 0,
                },
            );
        }
        c
    }

    #[test]
    fn trees_differ_in_exactly_the_changed_keys() {
        let (a, b, c) = (clock(&["x"]), clock(&["y"]), clock(&["x", "z"]));
        let left = [("k1", &a), ("k2", &b), ("k3", &a)];
        let right = [("k1", &a), ("k2", &c), ("k4", &b)];
        let mine = MerkleTree::build(left.iter().map(|(k, c)| (*k, *c)));
        let same = MerkleTree::build(left.iter().map(|(k, c)| (*k, *c)));
        assert_eq!(mine, same, "the tree is a function of the keys and clocks");
        let theirs = MerkleTree::build(right.iter().map(|(k, c)| (*k, *c)));
        assert_ne!(mine.root, theirs.root);
        let buckets = mine.differing_branches(&theirs.branches);
        let keys = theirs.differing_keys(&buckets, &mine.leaves_of(&buckets));
        assert_eq!(keys, ["k2", "k3", "k4"]);
    }
}

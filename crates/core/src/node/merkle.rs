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

/// One key's leaf: its hash and the branch it falls into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// FNV-1a over the key, a zero byte and the clock's text form.
    pub hash: u64,
    /// The branch: the FNV-1a hash of the key alone, modulo [`BRANCHES`].
    pub branch: u8,
}

/// The FNV-1a hash of `key`; a key's branch is this modulo [`BRANCHES`].
pub fn key_hash(key: &str) -> u64 {
    let mut h = Fnv1a::default();
    h.write(key.as_bytes());
    h.finish()
}

/// The leaf of `key` holding `clock`. The clock's text is hashed as it is
/// written, never kept.
pub fn leaf(key: &str, clock: &Clock) -> Leaf {
    let mut h = Fnv1a::default();
    h.write(key.as_bytes());
    let branch = (h.finish() % BRANCHES as u64) as u8;
    h.write(&[0]);
    // Hashing cannot fail.
    let _ = write!(h, "{clock}");
    Leaf {
        hash: h.finish(),
        branch,
    }
}

/// The branch a key falls into.
pub fn branch_of(key: &str) -> u8 {
    (key_hash(key) % BRANCHES as u64) as u8
}

/// The root and branch hashes of one partition at one replica. The leaves
/// stay in the store; the exchange's last steps read them
/// ([`leaves_of`], [`differing_keys`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MerkleTree {
    /// The root hash.
    pub root: u64,
    /// Each branch's hash.
    pub branches: [u64; BRANCHES],
}

impl MerkleTree {
    /// The tree of `leaves` (in key order, as a store yields them).
    pub fn build<'a>(leaves: impl IntoIterator<Item = (&'a str, Leaf)>) -> MerkleTree {
        // A branch hashes its leaves' hashes in key order.
        let mut branches = [Fnv1a::default(); BRANCHES];
        for (_, leaf) in leaves {
            branches[usize::from(leaf.branch)].write(&leaf.hash.to_le_bytes());
        }
        let branches = branches.map(|b| b.finish());
        let mut root = Fnv1a::default();
        for b in &branches {
            root.write(&b.to_le_bytes());
        }
        MerkleTree {
            root: root.finish(),
            branches,
        }
    }

    /// The branches whose hashes differ from `theirs`.
    pub fn differing_branches(&self, theirs: &[u64]) -> Vec<u8> {
        (0..BRANCHES)
            .filter(|&i| theirs.get(i) != Some(&self.branches[i]))
            .map(|i| i as u8)
            .collect()
    }
}

/// The keys and leaf hashes of branch `b` among `leaves`, in key order.
fn branch<'a>(leaves: &'a [(&'a str, Leaf)], b: u8) -> impl Iterator<Item = (&'a str, u64)> {
    leaves
        .iter()
        .filter(move |(_, leaf)| leaf.branch == b)
        .map(|(key, leaf)| (*key, leaf.hash))
}

/// The keys of `buckets` whose leaves (`mine`, in key order) differ from
/// `theirs` (a key on one side only differs too), in key order.
pub fn differing_keys(
    mine: &[(&str, Leaf)],
    buckets: &[u8],
    theirs: &[(String, u64)],
) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for &b in buckets {
        for (key, hash) in branch(mine, b) {
            if !theirs.iter().any(|(k, h)| k == key && *h == hash) {
                keys.push(key.to_string());
            }
        }
        for (key, hash) in theirs.iter().filter(|(k, _)| branch_of(k) == b) {
            if !branch(mine, b).any(|(k, h)| k == key && h == *hash) && !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The leaves (in key order) of `buckets`, concatenated.
pub fn leaves_of(leaves: &[(&str, Leaf)], buckets: &[u8]) -> Vec<(String, u64)> {
    buckets
        .iter()
        .flat_map(|&b| branch(leaves, b))
        .map(|(key, hash)| (key.to_string(), hash))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{differing_keys, leaf, leaves_of, MerkleTree};
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
                    value: (*v).into(),
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
        let leaves = |keys: &[(&'static str, &Clock)]| -> Vec<_> {
            keys.iter().map(|(k, c)| (*k, leaf(k, c))).collect()
        };
        let (left, right) = (leaves(&left), leaves(&right));
        let mine = MerkleTree::build(left.iter().copied());
        let same = MerkleTree::build(left.iter().copied());
        assert_eq!(mine, same, "the tree is a function of the keys and clocks");
        let theirs = MerkleTree::build(right.iter().copied());
        assert_ne!(mine.root, theirs.root);
        let buckets = mine.differing_branches(&theirs.branches);
        let keys = differing_keys(&right, &buckets, &leaves_of(&left, &buckets));
        assert_eq!(keys, ["k2", "k3", "k4"]);
    }
}

//! A Merkle tree over one partition's keys, as anti-entropy compares them.
//!
//! The tree has three levels: a root, [`BRANCHES`] branches (keys fall into a
//! branch by the FNV-1a hash of the key) and one leaf per key. A leaf hashes
//! the key's hash and the clock's structure (every id, counter and value, each
//! list with its length), word by word, so two replicas hash a key alike
//! exactly when they hold equal clocks for it. A branch hashes its leaves'
//! hashes in key order; the root hashes the branches. Words are mixed in
//! little-endian order with 64-bit arithmetic only: nothing depends on the
//! platform or on hash-map order.

use crate::causality::{KeyClock, VersionVector, VvSibling};
use crate::sim::trace::Fnv1a;

/// How many branches the root has.
pub const BRANCHES: usize = 8;

/// Where a branch's hash starts (FNV-1a's offset basis, as any start would do).
const BRANCH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Where the root's hash starts: apart from the branches', so that a root is
/// never a branch's hash by construction.
const ROOT_SEED: u64 = 0x8422_2325_cbf2_9ce4;

/// One key's leaf: its hash and the branch it falls into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The key's hash and the clock's structure, mixed ([`leaf`]).
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

/// A running hash over 64-bit words: each word is xored in, multiplied by an
/// odd constant and folded, so every bit of the word reaches the top bits
/// (which the trace prints).
#[derive(Clone, Copy, Debug)]
struct Words(u64);

impl Words {
    fn new(seed: u64) -> Words {
        Words(seed)
    }

    fn word(&mut self, word: u64) {
        let h = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 29);
    }

    /// The bytes' length, then the bytes eight at a time (little-endian,
    /// the last word padded with zeros).
    fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
    }

    fn values<V: AsRef<str>>(&mut self, values: &[V]) {
        self.word(values.len() as u64);
        for value in values {
            self.bytes(value.as_ref().as_bytes());
        }
    }

    fn vv<I>(&mut self, vv: &VersionVector<I>, id: impl Fn(&I) -> u16) {
        self.word(vv.iter().count() as u64);
        for (i, counter) in vv.iter() {
            self.word(u64::from(id(i)));
            self.word(counter);
        }
    }

    fn siblings<I, V: AsRef<str>>(
        &mut self,
        siblings: &[VvSibling<I, V>],
        id: impl Fn(&I) -> u16 + Copy,
    ) {
        self.word(siblings.len() as u64);
        for sibling in siblings {
            self.vv(&sibling.vv, id);
            self.bytes(sibling.value.as_ref().as_bytes());
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The leaf of `key` holding `clock`: the key's hash, then the clock's mode
/// and structure, every list with its length.
pub fn leaf<V: AsRef<str>>(key: &str, clock: &KeyClock<V>) -> Leaf {
    let key_hash = key_hash(key);
    let mut h = Words::new(key_hash);
    match clock {
        KeyClock::DvvSet(set) => {
            h.word(0);
            h.word(set.entries().len() as u64);
            for entry in set.entries() {
                h.word(u64::from(entry.id.0));
                h.word(entry.counter);
                h.values(entry.values);
            }
            h.values(set.anonymous());
        }
        KeyClock::Lww(winner) => {
            h.word(1);
            if let Some(w) = winner {
                h.word(w.timestamp);
                h.word(u64::from(w.replica.0));
                h.word(u64::from(w.client.0));
                h.bytes(w.value.as_ref().as_bytes());
            }
        }
        KeyClock::ClientVv(siblings) => {
            h.word(2);
            h.siblings(siblings, |client| client.0);
        }
        KeyClock::ServerVvSeparate(siblings) => {
            h.word(3);
            h.siblings(siblings, |node| node.0);
        }
        KeyClock::ServerVvMerged { vv, values } => {
            h.word(4);
            h.vv(vv, |node| node.0);
            h.values(values);
        }
    }
    Leaf {
        hash: h.finish(),
        branch: (key_hash % BRANCHES as u64) as u8,
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
        let mut branches = [Words::new(BRANCH_SEED); BRANCHES];
        for (_, leaf) in leaves {
            branches[usize::from(leaf.branch)].word(leaf.hash);
        }
        let branches = branches.map(|b| b.finish());
        let mut root = Words::new(ROOT_SEED);
        for b in branches {
            root.word(b);
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
    crate::handwritten::sort::stable(&mut keys);
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
        written(
            CausalityMode::DvvSet,
            &values.iter().map(|v| (1, 1, *v)).collect::<Vec<_>>(),
        )
    }

    /// A clock in `mode` after blind puts of `(replica, client, value)`.
    fn written(mode: CausalityMode, writes: &[(u16, u16, &str)]) -> Clock {
        let mut c = Clock::new(mode);
        for (t, &(replica, client, value)) in writes.iter().enumerate() {
            let write = Write {
                replica: NodeId(replica),
                client: ClientId(client),
                value: value.into(),
                timestamp: t as u64,
            };
            c.put(&Context::empty(), write);
        }
        c
    }

    /// In every mode, two clocks get the same leaf exactly when they print
    /// alike (the text form is the clock, for the trace and the UI).
    #[test]
    fn leaves_are_equal_exactly_when_clocks_print_alike() {
        let histories: [&[(u16, u16, &str)]; 7] = [
            &[],
            &[(1, 1, "x")],
            &[(2, 1, "x")],
            &[(1, 2, "x")],
            &[(1, 1, "y")],
            &[(1, 1, "x"), (2, 2, "y")],
            &[(2, 2, "y"), (1, 1, "x")],
        ];
        let mut clocks = Vec::new();
        for mode in CausalityMode::ALL {
            for history in histories {
                clocks.push(written(mode, history));
            }
        }
        for a in &clocks {
            for b in &clocks {
                // Modes print apart except for empty clocks, so compare them too.
                let alike = a.mode() == b.mode() && a.to_string() == b.to_string();
                assert_eq!(leaf("k", a) == leaf("k", b), alike, "{a} and {b}");
            }
        }
        assert_ne!(
            leaf("k", &clocks[1]),
            leaf("j", &clocks[1]),
            "the key counts"
        );
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

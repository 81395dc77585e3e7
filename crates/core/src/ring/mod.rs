//! The ring: partitioned consistent hashing, as Dynamo and Riak place keys.
//!
//! The 160-bit SHA-1 space is cut into Q equal partitions, Q a power of two from 8 to
//! 1024 (default 64). A key's hash `h` falls in partition `h div (2^160 / Q)`, which is
//! simply the top `log2 Q` bits of the hash, so wasm and native agree bit for bit. Each
//! partition is owned by one node; the nodes *claim* the partitions once, and a join or a
//! leave hands a few of them over.
//!
//! **Preference lists.** A key lives on the `n` nodes met first walking clockwise from
//! its partition, wrapping past the last partition, skipping partitions whose owner is
//! already listed (as Dynamo does). The list therefore always names `min(n, S)` distinct
//! nodes for S members, and its first entry is the coordinator. Under a sloppy quorum,
//! [`Ring::preference_list_with_fallbacks`] keeps the healthy primaries in place and fills
//! the place of each down primary with the next healthy node further round the ring,
//! tagged with the primary it stands in for (riak_core's annotated `apl`): the node that
//! holds the hint and hands it off when the primary returns.
//!
//! **Claim.** For a target N (riak_core's `target_n_val`) we want every window of N
//! consecutive partitions to have N distinct owners, so a preference list is N partitions
//! long and no node holds two replicas of a key; and every node to own about Q/S. With
//! `t = min(N, S)` the claim is:
//!
//! 1. *Round robin*: partition `i` to node `i mod S` (nodes in id order). Windows are
//!    distinct except where the last, partial round meets the first: it is perfect when
//!    `Q mod S = 0` or `Q mod S >= t`.
//! 2. *Diagonal walk*: walk the nodes in order `ceil(Q/S)` times round (and, as a second
//!    candidate, once more), skipping `laps * S - Q` nodes spread evenly over the Q steps,
//!    so that the walk closes exactly where it began. A window of t spans t - 1 steps and
//!    is distinct while they skip at most `S - t` nodes; even spreading puts at most
//!    `ceil((t - 1) * skips / Q)` skips in any t - 1 steps. That fits whenever S > N and
//!    Q >= N^2 - N (the bound riak_core states with its runs of N and N + 1 distinct
//!    owners), and no node is visited more than `ceil(Q/S)` times.
//! 3. *Repair* each candidate without ever adding a violation: hand every partition still
//!    in violation to the least-loaded node that fits there, then, while some node owns two
//!    more than another, move a partition from the most-loaded donor to the least-loaded
//!    node that fits.
//!
//! The candidate with the fewest tail violations wins, then the smallest spread of load,
//! then the earlier candidate. The rule we promise and test: windows of N are distinct
//! whenever S = N and N divides Q, or S > N and Q >= N^2 - N; no node owns more than
//! `ceil(Q/S) + 1`. Otherwise windows of `t` may repeat an owner; [`RingStats`] counts the
//! partitions whose owner reappears within the next `t - 1` (the tail violations).
//!
//! **Join and leave.** The new claim starts from the old one, in the spirit of riak_core's
//! claim. A leaving node's partitions (the orphans) go, in ring order, to nodes still below
//! `ceil(Q/S')` partitions, preferring one that owns none of the partitions less than N
//! away (it fits there), then the least loaded; a joining node starts empty. The repair then
//! removes tail violations step by step, wherever distinct windows are possible: for a
//! partition in conflict it tries handing it to another node below the cap and swapping its
//! owner with that of every other partition, and takes the step that lowers the violation
//! count while moving fewest partitions away from the old ring (a swap moves two). Where no
//! single step helps, it tries a swap that adds one violation followed by a step that
//! removes two. Last, loads are balanced as in the claim, which feeds a joining node. A fresh claim
//! of each candidate, rotated and relabelled to keep as many partitions in place as it can,
//! competes with this local result: the one keeping the promise (no more violations than a
//! fresh claim, no node above `ceil(Q/S') + 1`) with the fewest moves wins, the local one on
//! a tie. The transfer plan lists every partition whose owner changed, with both owners.
//!
//! The bounds we test, from a ring that kept distinct windows of N with loads within one:
//! - a join (S' = S + 1, S >= N) moves at most `ceil(Q/S')` partitions, all to the new node;
//! - a leave of a node owning L partitions moves at most `3L` partitions (its L orphans
//!   plus at most L swaps) when S' = S - 1 >= 2N - 1 and Q >= N^2 - N. Then each orphan has
//!   2N - 2 neighbours within a window, so some of the S' nodes fits beside it; when that
//!   node is full, one swap makes room. An exhaustive scan of leaves of n1 (Q = 8..1024,
//!   S <= 64, N <= 5) stays within it; `2L + 2` does not (Q = 1024, eight nodes down to
//!   seven, N = 4: L = 128 moves 291).
//!
//! Between N < S' < 2N - 1 an orphan may have no node that fits, and every such orphan
//! needs a neighbour moved too: Q = 64, five nodes down to four with N = 3 must move at
//! least 25 partitions (13 orphans, 12 of them between `n5` and `n2` with no fitting node,
//! whose neighbourhoods do not overlap), and the repair moves exactly 25.
//!
//! **Worked example.** Q = 8, nodes n1..n6, N = 3. Round robin gives
//! `n1 n2 n3 n4 n5 n6 n1 n2`, whose wrap `n1 n2 | n1` repeats n1 in a window of three
//! (8 mod 6 = 2 < 3). The repair hands p6 and p7 to the least-loaded nodes that fit,
//! n3 and n4: `n1 n2 n3 n4 n5 n6 n3 n4`, every window distinct, loads 1 or 2. A key
//! hashing into p7 gets the preference list n4, n1, n2, wrapping round the end. If n7
//! joins, it takes p2 from n3 (one transfer, `ceil(8/7) = 2` allowed):
//! `n1 n2 n7 n4 n5 n6 n3 n4`. If instead n3 leaves, p2 goes to n6 and p6 to n2.
//!
//! CAVEATS
//! - Distinct windows are promised only in the regime above; elsewhere the violations are
//!   kept few by the candidates and the repair, but not proven minimal.
//! - The join and leave bounds hold only from a ring that already kept distinct windows of
//!   N with balanced loads. Below S' = 2N - 1 no leave bound is promised: the repair is
//!   greedy and can get stuck (for instance Q = 1024, eight nodes down to seven with
//!   N = 5), and then the aligned fresh claim wins and moves most of the ring. With S' <= N
//!   the claim is rigid and a leave re-stripes.
//! - Claim, the repair and the re-striping fallback take up to O(Q^2) steps per change
//!   (the pair search more); they run on membership changes, never per request.
//! - Node ids are ordered but otherwise opaque: there is no rack or location awareness.
//! - Arcs and key positions are `f64` for drawing only; placement uses integers.

mod claim;
mod hash;
mod preference_list;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::narrow;
use crate::NodeId;

/// The default ring size Q.
pub const DEFAULT_PARTITIONS: u32 = 64;
/// The smallest supported ring size Q.
pub const MIN_PARTITIONS: u32 = 8;
/// The largest supported ring size Q.
pub const MAX_PARTITIONS: u32 = 1024;

/// One of the Q equal slices of the 160-bit hash space, numbered clockwise from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PartitionId(pub u32);

impl fmt::Display for PartitionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// What is wrong with a requested ring or ring change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RingError {
    /// Q is not a power of two in `MIN_PARTITIONS..=MAX_PARTITIONS`.
    BadPartitionCount(u32),
    /// The target N is zero or larger than Q.
    BadTargetN {
        /// The requested target N.
        target_n: usize,
        /// The ring size Q.
        partitions: u32,
    },
    /// A ring needs at least one node.
    NoNodes,
    /// The node is listed twice, or joins a ring it is already on.
    DuplicateNode(NodeId),
    /// The node is not on the ring.
    UnknownNode(NodeId),
    /// The only node of a ring cannot leave it.
    LastNode(NodeId),
    /// A stored ring does not hold together (owner count, owner not a member, unsorted members).
    Inconsistent(&'static str),
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadPartitionCount(q) => write!(
                f,
                "bad ring size Q = {q}: it must be a power of two from {MIN_PARTITIONS} to {MAX_PARTITIONS}"
            ),
            Self::BadTargetN {
                target_n,
                partitions,
            } => write!(
                f,
                "bad target N = {target_n}: it must be at least 1 and at most Q = {partitions}"
            ),
            Self::NoNodes => write!(f, "a ring needs at least one node"),
            Self::DuplicateNode(n) => write!(f, "node {n} is already on the ring"),
            Self::UnknownNode(n) => write!(f, "node {n} is not on the ring"),
            Self::LastNode(n) => write!(f, "node {n} is the last node and cannot leave the ring"),
            Self::Inconsistent(why) => write!(f, "inconsistent ring: {why}"),
        }
    }
}

impl std::error::Error for RingError {}

/// A claimed ring: Q partitions, the member nodes and the owner of every partition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StoredRing")]
pub struct Ring {
    target_n: usize,
    nodes: Vec<NodeId>,
    owners: Vec<NodeId>,
}

/// A ring as deserialized, before its consistency is checked.
#[derive(Deserialize)]
struct StoredRing {
    target_n: usize,
    nodes: Vec<NodeId>,
    owners: Vec<NodeId>,
}

impl TryFrom<StoredRing> for Ring {
    type Error = RingError;

    fn try_from(stored: StoredRing) -> Result<Ring, RingError> {
        let q = u32::try_from(stored.owners.len()).unwrap_or(u32::MAX);
        check_shape(q, stored.target_n)?;
        if stored.nodes.is_empty() {
            return Err(RingError::NoNodes);
        }
        if !stored.nodes.windows(2).all(|w| w[0] < w[1]) {
            return Err(RingError::Inconsistent(
                "members are not sorted and distinct",
            ));
        }
        if !stored
            .owners
            .iter()
            .all(|o| stored.nodes.binary_search(o).is_ok())
        {
            return Err(RingError::Inconsistent("an owner is not a member"));
        }
        Ok(Ring {
            target_n: stored.target_n,
            nodes: stored.nodes,
            owners: stored.owners,
        })
    }
}

/// Where one replica of a key goes under sloppy quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The node that stores the replica.
    pub node: NodeId,
    /// The down primary this node stands in for (a fallback holding a hint), or `None`
    /// when the node is itself a primary.
    pub fallback_for: Option<NodeId>,
}

/// One partition handed from one node to another by a join or a leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The partition that changes owner.
    pub partition: PartitionId,
    /// Its owner before the change.
    pub from: NodeId,
    /// Its owner after the change.
    pub to: NodeId,
}

/// How evenly the ring is claimed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RingStats {
    /// Partitions owned by each member, in node order (members may own none).
    pub partitions_per_node: Vec<(NodeId, u32)>,
    /// The fewest partitions any member owns.
    pub partitions_min: u32,
    /// The most partitions any member owns.
    pub partitions_max: u32,
    /// Q divided by the member count.
    pub partitions_mean: f64,
    /// The Dynamo paper's load-imbalance ratio: the highest load over the mean.
    pub load_imbalance: f64,
    /// The target N the ring was claimed for.
    pub target_n: usize,
    /// Partitions whose owner owns another partition among the next `min(N, S) - 1`.
    pub tail_violations: u32,
}

/// One partition as the UI draws it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arc {
    /// The partition.
    pub partition: PartitionId,
    /// The node that owns it.
    pub owner: NodeId,
    /// Where it starts, as a fraction of the circle in [0, 1).
    pub start: f64,
    /// Where it ends, as a fraction of the circle in (0, 1].
    pub end: f64,
}

fn check_shape(partitions: u32, target_n: usize) -> Result<(), RingError> {
    if !partitions.is_power_of_two() || !(MIN_PARTITIONS..=MAX_PARTITIONS).contains(&partitions) {
        return Err(RingError::BadPartitionCount(partitions));
    }
    if target_n == 0 || target_n > partitions as usize {
        return Err(RingError::BadTargetN {
            target_n,
            partitions,
        });
    }
    Ok(())
}

impl Ring {
    /// Claims `partitions` (Q) among `nodes`, aiming at `target_n` distinct owners in every
    /// window of `target_n` consecutive partitions and about Q/S partitions per node.
    pub fn new(partitions: u32, nodes: &[NodeId], target_n: usize) -> Result<Ring, RingError> {
        check_shape(partitions, target_n)?;
        let mut members = nodes.to_vec();
        crate::handwritten::sort::stable(&mut members);
        if let Some(w) = members.windows(2).find(|w| w[0] == w[1]) {
            return Err(RingError::DuplicateNode(w[0]));
        }
        if members.is_empty() {
            return Err(RingError::NoNodes);
        }
        let s = members.len();
        let owners = claim::fresh(partitions as usize, s, target_n.min(s));
        Ok(Ring::from_indices(target_n, members, &owners))
    }

    fn from_indices(target_n: usize, nodes: Vec<NodeId>, owners: &[usize]) -> Ring {
        let owners = owners.iter().map(|&i| nodes[i]).collect();
        Ring {
            target_n,
            nodes,
            owners,
        }
    }

    fn indices(&self) -> Vec<usize> {
        self.owners.iter().map(|o| self.index_of(*o)).collect()
    }

    fn index_of(&self, node: NodeId) -> usize {
        self.nodes
            .binary_search(&node)
            .expect("every owner is a member")
    }

    fn effective_n(&self) -> usize {
        self.target_n.min(self.nodes.len())
    }

    fn assert_partition(&self, p: PartitionId) {
        assert!(
            (p.0 as usize) < self.owners.len(),
            "partition {p} is outside a ring of {} partitions",
            self.owners.len()
        );
    }

    /// The ring size Q.
    pub fn partition_count(&self) -> u32 {
        narrow(self.owners.len(), "Q is at most 1024")
    }

    /// The target N the ring was claimed for.
    pub fn target_n(&self) -> usize {
        self.target_n
    }

    /// The member nodes, sorted.
    pub fn nodes(&self) -> Vec<NodeId> {
        self.nodes.clone()
    }

    /// The node that owns partition `p`. Panics if `p` is not on this ring (a caller bug).
    pub fn owner(&self, p: PartitionId) -> NodeId {
        self.assert_partition(p);
        self.owners[p.0 as usize]
    }

    /// The SHA-1 of the key bytes: its position on the 160-bit ring, big-endian.
    pub fn key_hash(key: &[u8]) -> [u8; 20] {
        hash::key_hash(key)
    }

    /// The partition covering the key's hash: `hash div (2^160 / Q)`.
    pub fn partition_of(&self, key: &[u8]) -> PartitionId {
        PartitionId(hash::partition_index(
            &hash::key_hash(key),
            self.partition_count(),
        ))
    }

    /// A copy of this ring with `node` added, and the partitions handed to it.
    pub fn join(&self, node: NodeId) -> Result<(Ring, Vec<Transfer>), RingError> {
        let Err(at) = self.nodes.binary_search(&node) else {
            return Err(RingError::DuplicateNode(node));
        };
        let mut members = self.nodes.clone();
        members.insert(at, node);
        Ok(self.rebalance(members))
    }

    /// A copy of this ring without `node`, and the partitions it hands off.
    pub fn leave(&self, node: NodeId) -> Result<(Ring, Vec<Transfer>), RingError> {
        let Ok(at) = self.nodes.binary_search(&node) else {
            return Err(RingError::UnknownNode(node));
        };
        if self.nodes.len() == 1 {
            return Err(RingError::LastNode(node));
        }
        let mut members = self.nodes.clone();
        members.remove(at);
        Ok(self.rebalance(members))
    }

    /// The claim for a new member list, changing as few owners as it can (see the module
    /// doc), and the transfers from this ring to it.
    fn rebalance(&self, members: Vec<NodeId>) -> (Ring, Vec<Transfer>) {
        let q = self.owners.len();
        let s = members.len();
        let t = self.target_n.min(s);
        let old: Vec<Option<usize>> = self
            .owners
            .iter()
            .map(|o| members.binary_search(o).ok())
            .collect();
        let mut local = claim::hand_off_orphans(&old, s, t);
        claim::repair_by_swaps(&mut local, &old, s, t);
        claim::improve(&mut local, s, t);
        let fresh = claim::candidates(q, s, t);
        let promised = fresh
            .iter()
            .map(|c| claim::tail_violations(c, t))
            .min()
            .expect("there is always a candidate claim");
        let cap = narrow(q.div_ceil(s) + 1, "small ring");
        let keeps_promise = |owners: &[usize]| {
            claim::tail_violations(owners, t) <= promised
                && claim::counts(owners, s).iter().all(|&c| c <= cap)
        };
        let moved = |owners: &[usize]| (0..q).filter(|&p| old[p] != Some(owners[p])).count();
        let mut owners: Option<Vec<usize>> = keeps_promise(&local).then_some(local);
        for candidate in fresh {
            let aligned = claim::align(&candidate, &old, s);
            if keeps_promise(&aligned)
                && owners
                    .as_ref()
                    .is_none_or(|best| moved(&aligned) < moved(best))
            {
                owners = Some(aligned);
            }
        }
        let owners = owners.unwrap_or_else(|| claim::align(&claim::fresh(q, s, t), &old, s));
        let ring = Ring::from_indices(self.target_n, members, &owners);
        let transfers = (0..q)
            .filter(|&p| self.owners[p] != ring.owners[p])
            .map(|p| Transfer {
                partition: PartitionId(narrow(p, "small ring")),
                from: self.owners[p],
                to: ring.owners[p],
            })
            .collect();
        (ring, transfers)
    }

    /// Load per node, the load-imbalance ratio and the tail violations.
    pub fn stats(&self) -> RingStats {
        let counts = claim::counts(&self.indices(), self.nodes.len());
        let partitions_min = counts.iter().min().copied().unwrap_or(0);
        let partitions_max = counts.iter().max().copied().unwrap_or(0);
        let partitions_mean = f64::from(self.partition_count()) / self.nodes.len() as f64;
        RingStats {
            partitions_per_node: self.nodes.iter().copied().zip(counts).collect(),
            partitions_min,
            partitions_max,
            partitions_mean,
            load_imbalance: f64::from(partitions_max) / partitions_mean,
            target_n: self.target_n,
            tail_violations: claim::tail_violations(&self.indices(), self.effective_n()),
        }
    }

    /// Every partition with its owner and its span of the circle, for drawing.
    pub fn arcs(&self) -> Vec<Arc> {
        let q = f64::from(self.partition_count());
        (0..self.partition_count())
            .map(|p| Arc {
                partition: PartitionId(p),
                owner: self.owners[p as usize],
                start: f64::from(p) / q,
                end: f64::from(p + 1) / q,
            })
            .collect()
    }

    /// Where the key's hash lies, as a fraction of the circle in [0, 1) (drawing only).
    pub fn key_position(key: &[u8]) -> f64 {
        hash::circle_fraction(&hash::key_hash(key))
    }
}

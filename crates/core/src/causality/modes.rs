//! The causality mechanisms side by side, behind [`CausalityMode`]: what one
//! replica stores for one key ([`KeyClock`]), what a get hands back
//! ([`Context`]) and what a put passes in ([`Write`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::dvvset::DvvSet;
use super::text::{write_joined, ParseError};
use super::vv::VersionVector;
use crate::ids::{Actor, ClientId, NodeId};
use crate::vec_map::VecMap;

/// Which mechanism a cluster uses to track causality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CausalityMode {
    /// Dotted version vector sets: exact, one entry per replica.
    DvvSet,
    /// Last writer wins by timestamp: silently loses concurrent writes.
    Lww,
    /// Version vectors with one entry per client: exact but grow with clients.
    ClientVv,
    /// Server-id version vectors, one per sibling: two concurrent writes at
    /// one server get the same vector, and a later write loses one of them.
    ServerVvSeparate,
    /// One server-id version vector per key, siblings merged under it: false
    /// conflicts and sibling explosion.
    ServerVvMerged,
}

impl CausalityMode {
    /// Every mode, in declaration order.
    pub const ALL: [CausalityMode; 5] = [
        CausalityMode::DvvSet,
        CausalityMode::Lww,
        CausalityMode::ClientVv,
        CausalityMode::ServerVvSeparate,
        CausalityMode::ServerVvMerged,
    ];

    /// The kebab-case name, as in scenarios and share links.
    pub fn name(self) -> &'static str {
        match self {
            CausalityMode::DvvSet => "dvvset",
            CausalityMode::Lww => "lww",
            CausalityMode::ClientVv => "client-vv",
            CausalityMode::ServerVvSeparate => "server-vv-separate",
            CausalityMode::ServerVvMerged => "server-vv-merged",
        }
    }
}

impl fmt::Display for CausalityMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CausalityMode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        Self::ALL.into_iter().find(|m| m.name() == s).ok_or_else(|| ParseError::Invalid {
            reason: format!(
                "unknown causality mode {}: expected one of dvvset, lww, client-vv, server-vv-separate, server-vv-merged",
                crate::quoted::Quoted(s)
            ),
        })
    }
}

/// What a get hands back and a put passes in: the version vector of what the
/// client has seen. Text form `{n1:2, n2:1}` (nodes sort before clients).
/// LWW needs no context, and its gets return the empty one.
#[derive(Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Context {
    /// Nodes for server-id mechanisms and DVVSet, clients for client-id VVs.
    pub vv: VersionVector<Actor>,
    /// When each client entry of `vv` was last updated, in ticks: what a
    /// pruning coordinator dates the entries by (client-id vectors with a
    /// prune threshold; empty otherwise). Like a Riak vclock's timestamps
    /// they travel inside the opaque context, but the text and serde forms
    /// leave them out: a context written by hand is undated, and pruning
    /// takes its entries for the oldest (tick 0).
    #[serde(skip)]
    pub stamps: VecMap<ClientId, u64>,
}

/// `clone_from` reuses the vector's allocation.
impl Clone for Context {
    fn clone(&self) -> Self {
        Context {
            vv: self.vv.clone(),
            stamps: self.stamps.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.vv.clone_from(&source.vv);
        self.stamps.clone_from(&source.stamps);
    }
}

impl Context {
    /// The context of a client that has read nothing.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Merges another get reply's context, so that a put covers every reply.
    /// A client entry keeps the stamp of the larger counter, or the later
    /// stamp of equal counters (riak_core's `vclock:merge/1`).
    pub fn join(&mut self, other: &Context) {
        for (client, stamp) in &other.stamps {
            let actor = Actor::Client(*client);
            let theirs = (other.vv.get(&actor), *stamp);
            let mine = (self.vv.get(&actor), self.stamps.get(client).copied());
            if (theirs.0, Some(theirs.1)) > mine {
                self.stamps.insert(*client, *stamp);
            }
        }
        self.vv.merge(&other.vv);
    }

    /// The node entries, for the server-id mechanisms.
    fn nodes(&self) -> VersionVector<NodeId> {
        self.node_entries().map(|(id, n)| (*id, n)).collect()
    }

    /// The node entries in id order, borrowed (nodes sort before clients).
    fn node_entries(&self) -> impl Iterator<Item = (&NodeId, u64)> + Clone {
        self.vv.iter().map_while(|(a, n)| match a {
            Actor::Node(id) => Some((id, n)),
            Actor::Client(_) => None,
        })
    }

    /// The client entries, for client-id version vectors.
    fn clients(&self) -> VersionVector<ClientId> {
        self.pick(|a| {
            if let Actor::Client(id) = a {
                Some(*id)
            } else {
                None
            }
        })
    }

    fn pick<J: Ord>(&self, id: impl Fn(&Actor) -> Option<J>) -> VersionVector<J> {
        self.vv
            .iter()
            .filter_map(|(a, n)| Some((id(a)?, n)))
            .collect()
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.vv.fmt(f)
    }
}

impl FromStr for Context {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Ok(Context {
            vv: s.parse()?,
            stamps: VecMap::new(),
        })
    }
}

/// One write as the coordinator applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write<V> {
    /// The coordinating replica.
    pub replica: NodeId,
    /// The client that wrote.
    pub client: ClientId,
    /// The value written.
    pub value: V,
    /// The coordinator's clock reading: LWW orders writes by it, and a
    /// pruning client-id vector stamps the write's own entry with it.
    pub timestamp: u64,
}

/// The winner kept by last-writer-wins: ordered by timestamp, then replica,
/// then client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LwwVersion<V> {
    /// The write's timestamp.
    pub timestamp: u64,
    /// The coordinating replica (first tie-break).
    pub replica: NodeId,
    /// The writing client (second tie-break).
    pub client: ClientId,
    /// The value.
    pub value: V,
}

impl<V> LwwVersion<V> {
    fn key(&self) -> (u64, NodeId, ClientId) {
        (self.timestamp, self.replica, self.client)
    }
}

/// A sibling under a plain version vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>, V: Deserialize<'de>"))]
pub struct VvSibling<I, V> {
    /// The version vector the value was written with.
    pub vv: VersionVector<I>,
    /// The value.
    pub value: V,
    /// When each entry of `vv` was last updated, in ticks: the Dynamo
    /// paper's per-entry timestamps, kept only under client-id vectors with
    /// a prune threshold ([`KeyClock::put_pruning`]); empty otherwise.
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub stamps: VecMap<I, u64>,
}

/// A replica's stored state for one key, in the cluster's causality mode.
///
/// Text form (Display), by mode:
/// - `DvvSet`: the [`DvvSet`] term, `{[{n1,2,[v2]},{n2,1,[]}],[]}`;
/// - `Lww`: `{17,n1,c2,v9}` (timestamp, replica, client, value), or `{}`;
/// - `ClientVv`, `ServerVvSeparate`: the siblings, `[{n1:1}=v1, {n1:1}=v2]`;
///   with pruning each client entry shows when it was last updated,
///   `[{c1:2@40, c2:1@12}=v3]`;
/// - `ServerVvMerged`: the key's vector then its values, `{n1:3}[v1, v2, v3]`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[serde(bound(deserialize = "V: Clone + Deserialize<'de>"))]
pub enum KeyClock<V> {
    /// Dotted version vector set over replicas.
    DvvSet(DvvSet<NodeId, V>),
    /// The single surviving write, if any.
    Lww(Option<LwwVersion<V>>),
    /// Siblings with client-id version vectors.
    ClientVv(Vec<VvSibling<ClientId, V>>),
    /// Siblings with separate server-id version vectors.
    ServerVvSeparate(Vec<VvSibling<NodeId, V>>),
    /// All siblings under one merged server-id version vector.
    ServerVvMerged {
        /// The key's vector.
        vv: VersionVector<NodeId>,
        /// The siblings, oldest first.
        values: Vec<V>,
    },
}

/// `clone_from` reuses a DVVSet's buffers, as [`DvvSet`]'s own does (a
/// replica left equal to its peer after a sync copies into what it has);
/// the other modes, and a change of mode, copy fresh.
impl<V: Clone> Clone for KeyClock<V> {
    fn clone(&self) -> Self {
        match self {
            KeyClock::DvvSet(set) => KeyClock::DvvSet(set.clone()),
            KeyClock::Lww(write) => KeyClock::Lww(write.clone()),
            KeyClock::ClientVv(siblings) => KeyClock::ClientVv(siblings.clone()),
            KeyClock::ServerVvSeparate(siblings) => KeyClock::ServerVvSeparate(siblings.clone()),
            KeyClock::ServerVvMerged { vv, values } => KeyClock::ServerVvMerged {
                vv: vv.clone(),
                values: values.clone(),
            },
        }
    }

    fn clone_from(&mut self, source: &Self) {
        match (self, source) {
            (KeyClock::DvvSet(mine), KeyClock::DvvSet(theirs)) => mine.clone_from(theirs),
            (this, _) => *this = source.clone(),
        }
    }
}

impl<V: Clone + PartialEq> KeyClock<V> {
    /// An empty clock (no history, no values) in `mode`.
    pub fn new(mode: CausalityMode) -> Self {
        match mode {
            CausalityMode::DvvSet => KeyClock::DvvSet(DvvSet::default()),
            CausalityMode::Lww => KeyClock::Lww(None),
            CausalityMode::ClientVv => KeyClock::ClientVv(Vec::new()),
            CausalityMode::ServerVvSeparate => KeyClock::ServerVvSeparate(Vec::new()),
            CausalityMode::ServerVvMerged => KeyClock::ServerVvMerged {
                vv: VersionVector::new(),
                values: Vec::new(),
            },
        }
    }

    /// The mode this clock is in.
    pub fn mode(&self) -> CausalityMode {
        match self {
            KeyClock::DvvSet(_) => CausalityMode::DvvSet,
            KeyClock::Lww(_) => CausalityMode::Lww,
            KeyClock::ClientVv(_) => CausalityMode::ClientVv,
            KeyClock::ServerVvSeparate(_) => CausalityMode::ServerVvSeparate,
            KeyClock::ServerVvMerged { .. } => CausalityMode::ServerVvMerged,
        }
    }

    /// The siblings, in a deterministic order: DVVSet as `values/1`; the
    /// vector modes in the order the siblings were kept.
    pub fn values(&self) -> Vec<&V> {
        match self {
            KeyClock::DvvSet(set) => set.values(),
            KeyClock::Lww(winner) => winner.iter().map(|w| &w.value).collect(),
            KeyClock::ClientVv(siblings) => siblings.iter().map(|s| &s.value).collect(),
            KeyClock::ServerVvSeparate(siblings) => siblings.iter().map(|s| &s.value).collect(),
            KeyClock::ServerVvMerged { values, .. } => values.iter().collect(),
        }
    }

    /// The number of siblings.
    pub fn sibling_count(&self) -> usize {
        match self {
            KeyClock::DvvSet(set) => set.size(),
            _ => self.values().len(),
        }
    }

    /// The context a get returns.
    pub fn context(&self) -> Context {
        let mut ctx = Context::empty();
        self.context_into(&mut ctx);
        ctx
    }

    /// [`context`](Self::context) written over `ctx`; under DVVSet it
    /// reuses `ctx`'s allocation.
    pub fn context_into(&self, ctx: &mut Context) {
        ctx.stamps.clear();
        ctx.vv = match self {
            KeyClock::DvvSet(set) => {
                ctx.vv.clear();
                ctx.vv
                    .extend_in_order(set.counters().map(|(id, n)| (Actor::Node(*id), n)));
                return;
            }
            KeyClock::Lww(_) => VersionVector::new(),
            KeyClock::ClientVv(siblings) => {
                ctx.stamps = joined_stamps(siblings);
                joined(siblings).map_ids(|c| Actor::Client(*c))
            }
            KeyClock::ServerVvSeparate(siblings) => joined(siblings).map_ids(|n| Actor::Node(*n)),
            KeyClock::ServerVvMerged { vv, .. } => vv.map_ids(|n| Actor::Node(*n)),
        };
    }

    /// The coordinator applies a client's put that carries context `ctx`.
    /// Entries of `ctx` that this mode does not use (clients under a
    /// server-id mode and the reverse) are ignored.
    pub fn put(&mut self, ctx: &Context, write: Write<V>) {
        self.put_pruning(ctx, write, None);
    }

    /// [`put`](Self::put), truncating a client-id vector to
    /// `prune_threshold` entries as Dynamo does (section 4.4): the new
    /// write's vector is stamped entry by entry (its own entry with the
    /// write's timestamp, the others with the context's stamps) and, while
    /// it has more entries than the threshold, loses the oldest
    /// ([`VersionVector::prune_oldest`]). Other modes ignore the threshold.
    ///
    /// A truncated vector no longer descends the siblings it forgot, so the
    /// write keeps them as siblings although its client read them: a false
    /// conflict. It is never a lost write: the write's own entry is kept,
    /// and only a write whose context covered that entry can supersede it.
    pub fn put_pruning(&mut self, ctx: &Context, write: Write<V>, prune_threshold: Option<u32>) {
        match self {
            KeyClock::DvvSet(set) => set.put_seen(ctx.node_entries(), write.replica, write.value),
            KeyClock::Lww(winner) => {
                let new = LwwVersion {
                    timestamp: write.timestamp,
                    replica: write.replica,
                    client: write.client,
                    value: write.value,
                };
                if winner.as_ref().is_none_or(|w| new.key() > w.key()) {
                    *winner = Some(new);
                }
            }
            KeyClock::ClientVv(siblings) => {
                // The client is the actor and owns its counter: its context
                // carries its own entry (the puts it sent before), so the
                // write is numbered past both that and whatever this replica
                // stored, and a stale replica never reissues a counter. The
                // write covers the client's earlier writes (clients are
                // sequential).
                let mut vv = ctx.clients();
                let own = vv
                    .get(&write.client)
                    .max(joined(siblings).get(&write.client));
                vv.set(write.client, own + 1);
                let stamps = match prune_threshold {
                    None => VecMap::new(),
                    Some(threshold) => {
                        let stamp = |c: &ClientId| {
                            if *c == write.client {
                                write.timestamp
                            } else {
                                ctx.stamps.get(c).copied().unwrap_or(0)
                            }
                        };
                        vv.prune_oldest(threshold as usize, &write.client, stamp);
                        vv.iter().map(|(c, _)| (*c, stamp(c))).collect()
                    }
                };
                siblings.retain(|s| !vv.descends(&s.vv));
                siblings.push(VvSibling {
                    vv,
                    value: write.value,
                    stamps,
                });
            }
            KeyClock::ServerVvSeparate(siblings) => {
                // The replica can only advance the context's own entry.
                let mut vv = ctx.nodes();
                vv.increment(write.replica);
                siblings.retain(|s| !vv.dominates(&s.vv));
                siblings.push(VvSibling {
                    vv,
                    value: write.value,
                    stamps: VecMap::new(),
                });
            }
            KeyClock::ServerVvMerged { vv, values } => {
                let client = ctx.nodes();
                if !client.descends(vv) {
                    values.push(write.value);
                } else {
                    values.clear();
                    values.push(write.value);
                }
                vv.merge(&client);
                vv.increment(write.replica);
            }
        }
    }

    /// Merges another replica's state for the key.
    ///
    /// # Panics
    /// If the two clocks are in different modes, a bug in the caller.
    pub fn sync(&mut self, other: &KeyClock<V>) {
        assert_eq!(
            self.mode(),
            other.mode(),
            "KeyClock::sync: both replicas must use the same causality mode"
        );
        match (self, other) {
            (KeyClock::DvvSet(a), KeyClock::DvvSet(b)) => a.sync(b),
            (KeyClock::Lww(a), KeyClock::Lww(Some(b)))
                if a.as_ref().is_none_or(|w| b.key() > w.key()) =>
            {
                *a = Some(b.clone());
            }
            (KeyClock::ClientVv(a), KeyClock::ClientVv(b)) => sync_siblings(a, b),
            (KeyClock::ServerVvSeparate(a), KeyClock::ServerVvSeparate(b)) => sync_siblings(a, b),
            (
                KeyClock::ServerVvMerged { vv, values },
                KeyClock::ServerVvMerged {
                    vv: theirs,
                    values: their_values,
                },
            ) => {
                match vv.compare(theirs) {
                    Some(std::cmp::Ordering::Less) => values.clone_from(their_values),
                    Some(std::cmp::Ordering::Greater) => {}
                    _ => union_into(values, their_values),
                }
                vv.merge(theirs);
            }
            _ => {} // LWW: the other side's write is not newer.
        }
    }

    /// Whether [`sync`](Self::sync)ing `other` into this clock gives exactly
    /// `other`, so that a replica can take `other` as it is instead of
    /// merging (DVVSet: [`DvvSet::covered_by`]; LWW: `other` is the newer
    /// write or the same). False says nothing: the vector modes always
    /// answer false and merge.
    pub fn covered_by(&self, other: &KeyClock<V>) -> bool {
        match (self, other) {
            (KeyClock::DvvSet(a), KeyClock::DvvSet(b)) => a.covered_by(b),
            (KeyClock::Lww(a), KeyClock::Lww(b)) => match (a, b) {
                (None, _) => true,
                (Some(w), Some(x)) => x.key() > w.key() || w == x,
                (Some(_), None) => false,
            },
            _ => false,
        }
    }

    /// Whether both replicas hold the same causal state and the same
    /// siblings (in any order): the convergence check. For DVVSet this is
    /// `equal/2` plus the same values.
    pub fn equal(&self, other: &KeyClock<V>) -> bool {
        // Identical clocks are equal in every mode; most replicas agree.
        if self == other {
            return true;
        }
        let same_history = match (self, other) {
            (KeyClock::DvvSet(a), KeyClock::DvvSet(b)) => a.equal(b),
            (KeyClock::Lww(a), KeyClock::Lww(b)) => a == b,
            (KeyClock::ClientVv(a), KeyClock::ClientVv(b)) => same_members(a, b),
            (KeyClock::ServerVvSeparate(a), KeyClock::ServerVvSeparate(b)) => same_members(a, b),
            (KeyClock::ServerVvMerged { vv: a, .. }, KeyClock::ServerVvMerged { vv: b, .. }) => {
                a.compare(b) == Some(std::cmp::Ordering::Equal)
            }
            _ => false,
        };
        same_history && same_members(&self.values(), &other.values())
    }
}

/// The merged vector of some siblings.
fn joined<I: Ord + Clone, V>(siblings: &[VvSibling<I, V>]) -> VersionVector<I> {
    let mut vv = VersionVector::new();
    for s in siblings {
        vv.merge(&s.vv);
    }
    vv
}

/// For each client, the stamp of its largest entry among the siblings (the
/// latest stamp of equal entries), as riak_core's `vclock:merge/1` keeps it.
fn joined_stamps<V>(siblings: &[VvSibling<ClientId, V>]) -> VecMap<ClientId, u64> {
    let mut newest: VecMap<ClientId, (u64, u64)> = VecMap::new();
    for s in siblings {
        for (client, stamp) in &s.stamps {
            let entry = (s.vv.get(client), *stamp);
            let kept = newest.get_or_insert_with(*client, || entry);
            *kept = (*kept).max(entry);
        }
    }
    newest
        .into_iter()
        .map(|(client, (_, stamp))| (client, stamp))
        .collect()
}

/// Sibling-set sync for the vector modes: the union, minus any sibling whose
/// vector another sibling strictly dominates, without repeats.
fn sync_siblings<I: Ord + Clone, V: Clone + PartialEq>(
    mine: &mut Vec<VvSibling<I, V>>,
    theirs: &[VvSibling<I, V>],
) {
    union_into(mine, theirs);
    let all = mine.clone();
    mine.retain(|s| !all.iter().any(|t| t.vv.dominates(&s.vv)));
}

/// Appends the items of `theirs` that `mine` lacks.
fn union_into<T: Clone + PartialEq>(mine: &mut Vec<T>, theirs: &[T]) {
    for t in theirs {
        if !mine.contains(t) {
            mine.push(t.clone());
        }
    }
}

/// Equal as multisets.
fn same_members<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let count = |x: &T, s: &[T]| s.iter().filter(|y| *y == x).count();
    a.len() == b.len() && a.iter().all(|x| count(x, a) == count(x, b))
}

impl<V: fmt::Display> fmt::Display for KeyClock<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn siblings<I: fmt::Display + Ord, V: fmt::Display>(
            f: &mut fmt::Formatter<'_>,
            s: &[VvSibling<I, V>],
        ) -> fmt::Result {
            f.write_str("[")?;
            write_joined(f, s, ", ", |f, s| {
                if s.stamps.is_empty() {
                    return write!(f, "{}={}", s.vv, s.value);
                }
                f.write_str("{")?;
                write_joined(f, s.vv.iter(), ", ", |f, (id, n)| match s.stamps.get(id) {
                    Some(stamp) => write!(f, "{id}:{n}@{stamp}"),
                    None => write!(f, "{id}:{n}"),
                })?;
                write!(f, "}}={}", s.value)
            })?;
            f.write_str("]")
        }
        match self {
            KeyClock::DvvSet(set) => set.fmt(f),
            KeyClock::Lww(None) => f.write_str("{}"),
            KeyClock::Lww(Some(w)) => write!(
                f,
                "{{{},{},{},{}}}",
                w.timestamp, w.replica, w.client, w.value
            ),
            KeyClock::ClientVv(s) => siblings(f, s),
            KeyClock::ServerVvSeparate(s) => siblings(f, s),
            KeyClock::ServerVvMerged { vv, values } => {
                write!(f, "{vv}[")?;
                write_joined(f, values, ", ", |f, v| write!(f, "{v}"))?;
                f.write_str("]")
            }
        }
    }
}

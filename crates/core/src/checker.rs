//! The consistency checker: what a run did to the writes it acknowledged.
//!
//! The checker reads the recorded history (every client operation, its
//! invocation, completion and outcome), the record of which get each put's
//! context came from ([`crate::node::Client::based_on`]), and the final clock
//! of every key at each of its live primary replicas, taken after heal and
//! quiescence. It tells writes apart by key and value, so workloads that are
//! checked write distinct values.
//!
//! A put `q` *covers* a put `p` of the same key when `q` carried the context
//! of a get that returned `p`'s value: the client saw `p` and wrote over it.
//! With that relation the checker reports:
//!
//! - **Lost writes**: an acknowledged put whose value is missing on some live
//!   replica of its key and that no put covers. LWW loses concurrent writes
//!   this way; server-id vector modes lose one of two concurrent writes.
//!   Its per-state form, **vanished writes** (`checker/vanished.rs`), needs
//!   no end: an acknowledged put whose value no place of the cluster holds
//!   any more, and that no put covers or can still cover, is lost for good
//!   at that state already; the explorer checks it at every state.
//! - **False conflicts**: two siblings (on a replica at the end, or in a get's
//!   answer) where one value's put covered the other's: causally ordered,
//!   yet kept as concurrent. One merged server-id vector per key makes them,
//!   and so does pruning client-id vectors (`cluster.vv_prune_threshold`).
//! - **Non-convergence**: a key whose live replicas hold clocks that are not
//!   equal (`KeyClock::equal`) at the end.
//! - **Stale reads**, as information: a get that missed an acknowledged put
//!   which had completed before the get began, and which nothing had covered
//!   by the time the get ended. Dynamo promises no more than that.
//! - **Session guarantees**: Terry et al.'s read your writes, monotonic
//!   reads, monotonic writes and writes follow reads, per client and key,
//!   where a get sees a put when a value it returned is the put's or was
//!   written by a put that follows it (`checker/sessions.rs`, which defines them for
//!   a store with siblings and contexts).
//!
//! Under client-id version vectors a put also covers the same client's
//! earlier puts of the key: its context carries the client's own counter
//! ([`crate::node::Client::follows`]), and a client is sequential.
//! An explicit context equal to the context of the client's last get of the
//! key covers what that get returned, as `last-get` would (the playground's
//! edited context, sent as read); any other explicit context is taken to
//! cover nothing.

use crate::vec_map::VecMap;
use std::fmt;

use serde::Serialize;

use crate::ids::NodeId;
use crate::ids::OpId;
use crate::message::{clock_holds, Clock, Value};
use crate::node::{ClientOp, ContextChoice, OpOutcome};
use crate::ring::PartitionId;
use crate::sim::history::OpRecord;

mod sessions;
mod vanished;
pub use sessions::{Guarantee, SessionViolation};
pub use vanished::{vanished, VanishedWrite, Whereabouts};

/// The final clocks of one key at each of its live primary replicas.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyReplicas {
    /// The key.
    pub key: String,
    /// Its partition.
    pub partition: PartitionId,
    /// Each live primary with its clock (empty when it holds none).
    pub replicas: Vec<(NodeId, Clock)>,
}

/// An acknowledged put that no live replica set keeps and nothing covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostWrite {
    /// The put.
    pub op: OpId,
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: String,
    /// The live replicas that lack it.
    pub missing_on: Vec<NodeId>,
}

/// Two siblings of which one was written over the other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FalseConflict {
    /// The key.
    pub key: String,
    /// The put that was written over.
    pub older: OpId,
    /// The put that covered it.
    pub newer: OpId,
    /// Where they were seen together: a replica at the end, or a get.
    pub seen_at: SeenAt,
}

/// Where a false conflict was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeenAt {
    /// In a replica's final clock.
    Replica(NodeId),
    /// In a get's answer.
    Read(OpId),
}

/// A key whose live replicas ended with different clocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NonConverged {
    /// The key.
    pub key: String,
    /// Its partition.
    pub partition: PartitionId,
    /// Each live replica's clock, in text form.
    pub replicas: Vec<(NodeId, String)>,
}

/// A get that missed an acknowledged, uncovered put that completed before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleRead {
    /// The get.
    pub read: OpId,
    /// The put it missed.
    pub missed: OpId,
    /// The key.
    pub key: String,
}

/// Everything the checker found, each finding naming the operations involved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// Acknowledged writes that are gone.
    pub lost_writes: Vec<LostWrite>,
    /// Causally ordered siblings.
    pub false_conflicts: Vec<FalseConflict>,
    /// Keys whose replicas differ at the end.
    pub non_converged: Vec<NonConverged>,
    /// Reads that missed an earlier acknowledged write (information).
    pub stale_reads: Vec<StaleRead>,
    /// Session guarantees broken, in the order of the operation that broke them.
    pub sessions: Vec<SessionViolation>,
}

/// How many findings of each kind: what `wildling sweep` tabulates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CheckCounts {
    /// Lost writes.
    pub lost_writes: u64,
    /// False conflicts.
    pub false_conflicts: u64,
    /// Non-converged keys.
    pub non_converged: u64,
    /// Stale reads.
    pub stale_reads: u64,
    /// Violations of each session guarantee, in [`Guarantee::ALL`]'s order.
    pub sessions: [u64; 4],
}

impl CheckReport {
    /// The number of findings of each kind.
    pub fn counts(&self) -> CheckCounts {
        CheckCounts {
            lost_writes: self.lost_writes.len() as u64,
            false_conflicts: self.false_conflicts.len() as u64,
            non_converged: self.non_converged.len() as u64,
            stale_reads: self.stale_reads.len() as u64,
            sessions: Guarantee::ALL
                .map(|g| self.sessions.iter().filter(|v| v.guarantee == g).count() as u64),
        }
    }
}

impl fmt::Display for LostWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lost write: {} {}={} (missing on",
            self.op, self.key, self.value
        )?;
        self.missing_on.iter().try_for_each(|n| write!(f, " {n}"))?;
        f.write_str(")")
    }
}

impl fmt::Display for FalseConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "false conflict: {} keeps {} and {}, which was written over it, as siblings ",
            self.key, self.older, self.newer
        )?;
        match self.seen_at {
            SeenAt::Replica(node) => write!(f, "(at {node})"),
            SeenAt::Read(op) => write!(f, "(read by {op})"),
        }
    }
}

impl fmt::Display for NonConverged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not converged: {} {}:", self.partition, self.key)?;
        self.replicas
            .iter()
            .try_for_each(|(n, clock)| write!(f, " {n} {clock}"))
    }
}

impl fmt::Display for StaleRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stale read (information): {} missed {} of {}",
            self.read, self.missed, self.key
        )
    }
}

impl fmt::Display for CheckCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} lost writes, {} false conflicts, {} non-converged keys, {} stale reads; session guarantees broken:",
            self.lost_writes, self.false_conflicts, self.non_converged, self.stale_reads
        )?;
        let mut sep = " ";
        for (guarantee, count) in Guarantee::ALL.iter().zip(self.sessions) {
            write!(f, "{sep}{count} {}", guarantee.name())?;
            sep = ", ";
        }
        Ok(())
    }
}

impl fmt::Display for CheckReport {
    /// One finding a line, then the counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lost_writes
            .iter()
            .try_for_each(|x| writeln!(f, "{x}"))?;
        self.false_conflicts
            .iter()
            .try_for_each(|x| writeln!(f, "{x}"))?;
        self.non_converged
            .iter()
            .try_for_each(|x| writeln!(f, "{x}"))?;
        self.stale_reads
            .iter()
            .try_for_each(|x| writeln!(f, "{x}"))?;
        self.sessions.iter().try_for_each(|x| writeln!(f, "{x}"))?;
        write!(f, "{}", self.counts())
    }
}

/// A put as the checker sees it.
pub(crate) struct Put<'a> {
    pub(crate) op: OpId,
    pub(crate) key: &'a str,
    pub(crate) value: &'a str,
    pub(crate) invoked_at: u64,
    /// Completion time, if acknowledged.
    pub(crate) acked_at: Option<u64>,
    /// Written blind (`context: none`): it asks to follow nothing.
    pub(crate) blind: bool,
}

/// The history's puts and gets, and the covering relation between puts
/// (also what [`crate::measure`] reads for t-visibility).
pub(crate) struct Facts<'a> {
    pub(crate) puts: Vec<Put<'a>>,
    /// Successful gets: (op, key, values, invoked, completed).
    pub(crate) gets: Vec<(OpId, &'a str, &'a [Value], u64, u64)>,
    /// The puts of each (key, value), as indices into `puts`.
    by_value: VecMap<(&'a str, &'a str), Vec<usize>>,
    /// For each put (index), the puts that cover it (indices).
    pub(crate) covered_by: Vec<Vec<usize>>,
    /// Every put (index) by key; the puts of one key in history order.
    by_key: Vec<(&'a str, usize)>,
}

impl<'a> Facts<'a> {
    pub(crate) fn new(
        ops: &'a [OpRecord<ClientOp, OpOutcome>],
        based_on: &VecMap<OpId, OpId>,
        follows: &VecMap<OpId, OpId>,
    ) -> Self {
        let mut puts = Vec::new();
        let mut gets = Vec::new();
        let mut read_values: VecMap<OpId, &'a [Value]> = VecMap::new();
        for op in ops {
            match (&op.input, &op.completed) {
                (
                    ClientOp::Put {
                        key,
                        value,
                        context,
                        ..
                    },
                    completed,
                ) => puts.push(Put {
                    op: op.id,
                    key,
                    value,
                    blind: *context == ContextChoice::None,
                    invoked_at: op.invoked_at,
                    acked_at: match completed {
                        Some((at, OpOutcome::Put)) => Some(*at),
                        _ => None,
                    },
                }),
                (ClientOp::Get { key, .. }, Some((at, OpOutcome::Got { values, .. }))) => {
                    read_values.insert(op.id, values);
                    gets.push((op.id, &**key, values.as_slice(), op.invoked_at, *at));
                }
                _ => {}
            }
        }
        let mut writes: Vec<((&str, &str), usize)> = puts
            .iter()
            .enumerate()
            .map(|(i, p)| ((p.key, p.value), i))
            .collect();
        crate::handwritten::sort::stable_by(&mut writes, |a, b| a.0.cmp(&b.0));
        let mut grouped: Vec<((&str, &str), Vec<usize>)> = Vec::new();
        for (pair, i) in writes {
            match grouped.last_mut() {
                Some((last, puts)) if *last == pair => puts.push(i),
                _ => grouped.push((pair, vec![i])),
            }
        }
        let by_value = VecMap::from_unsorted(grouped);
        // Put q covers put p when q carried the context of a get that
        // returned p's value (same key).
        let mut covered_by = vec![Vec::new(); puts.len()];
        for (q, put) in puts.iter().enumerate() {
            let Some(values) = based_on.get(&put.op).and_then(|g| read_values.get(g)) else {
                continue;
            };
            for value in values.iter() {
                let writers = by_value.get(&(put.key, &**value));
                for &p in writers.into_iter().flatten() {
                    if p != q && !covered_by[p].contains(&q) {
                        covered_by[p].push(q);
                    }
                }
            }
        }
        // Put q covers put p when q's context carried its client's own
        // counter past p (client-id version vectors).
        let index =
            VecMap::from_unsorted(puts.iter().enumerate().map(|(i, p)| (p.op, i)).collect());
        for (q, p) in follows {
            if let (Some(&q), Some(&p)) = (index.get(q), index.get(p)) {
                if !covered_by[p].contains(&q) {
                    covered_by[p].push(q);
                }
            }
        }
        let mut by_key: Vec<(&str, usize)> =
            puts.iter().enumerate().map(|(i, p)| (p.key, i)).collect();
        crate::handwritten::sort::stable_by(&mut by_key, |a, b| a.0.cmp(b.0));
        Facts {
            puts,
            gets,
            by_value,
            covered_by,
            by_key,
        }
    }

    /// The puts of `key` (indices), in history order.
    pub(crate) fn puts_of<'s>(&'s self, key: &'s str) -> impl Iterator<Item = usize> + 's {
        let first = self.by_key.partition_point(|(k, _)| *k < key);
        self.by_key[first..]
            .iter()
            .take_while(move |(k, _)| *k == key)
            .map(|&(_, i)| i)
    }

    /// The puts of `key` that wrote `value`.
    pub(crate) fn writers(&self, key: &str, value: &str) -> &[usize] {
        self.by_value
            .get_by(|(k, v)| (*k, *v).cmp(&(key, value)))
            .map_or(&[], |puts| puts.as_slice())
    }

    /// Every (older, newer) pair of puts of `key` among `values` where newer covers older.
    fn ordered_pairs(&self, key: &str, values: &[&Value]) -> Vec<(OpId, OpId)> {
        let mut pairs = Vec::new();
        if values.len() < 2 {
            return pairs;
        }
        // Each value's writers, found once rather than once per pair, and
        // the writers covered by another writer here: in a run without false
        // conflicts there are none, and the pairs need no search.
        let writers: Vec<&[usize]> = values.iter().map(|v| self.writers(key, v)).collect();
        let mut present: Vec<usize> = writers.concat();
        crate::handwritten::sort::stable(&mut present);
        let covered: Vec<usize> = present
            .iter()
            .copied()
            .filter(|&p| {
                self.covered_by[p]
                    .iter()
                    .any(|q| present.binary_search(q).is_ok())
            })
            .collect();
        if covered.is_empty() {
            return pairs;
        }
        for a in &writers {
            for b in &writers {
                for &older in a.iter().filter(|p| covered.binary_search(p).is_ok()) {
                    let covering = &self.covered_by[older];
                    for &newer in b.iter().filter(|newer| covering.contains(newer)) {
                        let pair = (self.puts[older].op, self.puts[newer].op);
                        if !pairs.contains(&pair) {
                            pairs.push(pair);
                        }
                    }
                }
            }
        }
        pairs
    }
}

/// Check a run: its operations, the get each put's context came from, the
/// earlier put of its own client each put's context carried (client-id
/// version vectors), and the final clocks of every key at its live primaries.
pub fn check(
    ops: &[OpRecord<ClientOp, OpOutcome>],
    based_on: &VecMap<OpId, OpId>,
    follows: &VecMap<OpId, OpId>,
    keys: &[KeyReplicas],
) -> CheckReport {
    let facts = Facts::new(ops, based_on, follows);
    let mut report = CheckReport::default();
    let by_key = VecMap::from_unsorted(keys.iter().map(|k| (k.key.as_str(), k)).collect());
    for (i, p) in facts
        .puts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.acked_at.is_some())
    {
        let Some(replicas) = by_key.get(p.key) else {
            continue;
        };
        let missing_on: Vec<NodeId> = replicas
            .replicas
            .iter()
            .filter(|(_, clock)| !clock_holds(clock, p.value))
            .map(|(node, _)| *node)
            .collect();
        if !missing_on.is_empty() && facts.covered_by[i].is_empty() {
            report.lost_writes.push(LostWrite {
                op: p.op,
                key: p.key.to_string(),
                value: p.value.to_string(),
                missing_on,
            });
        }
    }
    for replicas in keys {
        for (node, clock) in &replicas.replicas {
            for (older, newer) in facts.ordered_pairs(&replicas.key, &clock.values()) {
                let seen = report
                    .false_conflicts
                    .iter()
                    .any(|f| f.key == replicas.key && f.older == older && f.newer == newer);
                if !seen {
                    report.false_conflicts.push(FalseConflict {
                        key: replicas.key.clone(),
                        older,
                        newer,
                        seen_at: SeenAt::Replica(*node),
                    });
                }
            }
        }
        if let Some(((_, first), rest)) = replicas.replicas.split_first() {
            if rest.iter().any(|(_, clock)| !clock.equal(first)) {
                report.non_converged.push(NonConverged {
                    key: replicas.key.clone(),
                    partition: replicas.partition,
                    replicas: replicas
                        .replicas
                        .iter()
                        .map(|(node, clock)| (*node, clock.to_string()))
                        .collect(),
                });
            }
        }
    }
    for &(read, key, values, invoked_at, completed_at) in &facts.gets {
        let values: Vec<&Value> = values.iter().collect();
        for (older, newer) in facts.ordered_pairs(key, &values) {
            let seen = report
                .false_conflicts
                .iter()
                .any(|f| f.key == key && f.older == older && f.newer == newer);
            if !seen {
                report.false_conflicts.push(FalseConflict {
                    key: key.to_string(),
                    older,
                    newer,
                    seen_at: SeenAt::Read(read),
                });
            }
        }
        for (i, p) in facts.puts_of(key).map(|i| (i, &facts.puts[i])) {
            let completed_before = p.acked_at.is_some_and(|at| at < invoked_at);
            let missed = !values.iter().any(|v| ***v == *p.value);
            let covered = facts.covered_by[i]
                .iter()
                .any(|&q| facts.puts[q].invoked_at <= completed_at);
            if completed_before && missed && !covered {
                report.stale_reads.push(StaleRead {
                    read,
                    missed: p.op,
                    key: key.to_string(),
                });
            }
        }
    }
    report.sessions = sessions::check(ops, &facts);
    report
}

#[cfg(test)]
mod tests;

//! Measurements: what a run's clients experienced, as numbers that add up
//! over seeds.
//!
//! The consistency checker ([`crate::checker`]) says whether a run broke a
//! promise; this module says how it felt to use: how long operations took,
//! how many versions reads saw, how soon a write became visible, and how
//! often the cluster answered at all. [`Measurements::of_run`] reads one
//! finished run (its history and the contexts its clients recorded) and
//! [`Measurements::merge`] adds runs together. Everything is a count or a
//! histogram of integers, so a merge is a sum: the aggregate over a range of
//! seeds is the same whatever order, or on however many threads, the seeds
//! ran. The experiments and every front end read
//! these numbers and only these.
//!
//! # Definitions
//!
//! Only client gets and puts are measured (joins and leaves are not).
//! Times are in ticks of virtual time.
//!
//! - **Latency** of an operation: its completion time minus its invocation
//!   time, as the client saw them, kept in one histogram per outcome:
//!   `ok` (a get answered with values, a put acknowledged by W replicas),
//!   `quorum_failed` (the coordinator answered that it could not gather R or
//!   W replies) and `timeout` (the client heard nothing in time). An
//!   operation still pending when the run stopped has no latency; it is
//!   counted in the availability below.
//! - **Versions per get**: for every successful get, the number of values
//!   (siblings) it returned; 0 when the key was not found. Dynamo §6.3
//!   reports this as the share of reads that saw exactly one version.
//! - **t-visibility** (Bailis et al., "Probabilistically Bounded
//!   Staleness for Practical Partial Quorums", VLDB 2012): for every
//!   acknowledged put `p` and every successful get `g` of the same key
//!   invoked at or after `p`'s acknowledgement, one *pair* with
//!   `t = g.invoked − p.acked`. The pair is *seen* when `g` returned `p`'s
//!   value, or returned a value written by a put that supersedes `p`: one
//!   that covers `p` (carried the context of a get that had seen `p`, or of
//!   one that had seen a put covering `p`, and so on: the checker's
//!   covering relation, followed transitively) or that was invoked after
//!   `p` was acknowledged (a newer write, in PBS's sense). Otherwise the
//!   pair is *missed*: a stale read. Pairs are kept by `t`
//!   ([`Measurements::visibility`]).
//! - **Staleness window** of an acknowledged put that at least one such get
//!   read: 0 when every pair of it was seen, otherwise one more than the
//!   largest `t` of a missed pair ([`Measurements::stale_window_ticks`]).
//!   The *t-visibility curve* ([`Measurements::t_visibility`]) is, for each
//!   `t`, the share of those puts whose window is at most `t`: the
//!   probability that every get invoked `t` ticks or more after a put's
//!   acknowledgement sees it. It never decreases, and reaches 1 at the
//!   largest window. With strict quorums (R + W > N, no sloppy quorum) a
//!   get's R replies overlap the put's W acknowledgements, so every window
//!   is 0 and the curve is 1 from `t = 0`.
//! - **Availability**: the share of operations answered `ok` among all
//!   operations invoked (those that failed their quorum, timed out, or were
//!   still pending at the end count against it). Against fault intensity it
//!   is an experiment's grid axis, not a property of one run.
//! - **Percentiles** ([`Histogram::percentile`]) are nearest-rank: the
//!   smallest value at or below which at least the asked share of the
//!   samples lie, computed in integers, so p99.9 of 1,000 samples is the
//!   999th smallest.
//!
//! # CAVEATS
//! - The pairs of t-visibility count every later get of a key, so a key
//!   read often weighs more than a key read once; PBS's closed-form model
//!   weighs each write once. The staleness window weighs each put once.
//! - Values tell writes apart (as in the checker): a workload that writes
//!   the same value twice to a key makes a get of either count for both.
//! - A put that was never read after its acknowledgement has no window: its
//!   visibility was not observed, so it is left out rather than guessed.
//! - Histograms keep one entry per distinct value. Latencies are bounded by
//!   the client timeout (at most 1,000,000 ticks) and versions by the
//!   number of puts, so the histograms are bounded by the scenario's limits.

use serde::{Deserialize, Serialize};

use crate::checker::Facts;
use crate::cluster::contexts_of;
use crate::ids::Time;
use crate::node::{ClientOp, Member, OpOutcome};
use crate::sim::Simulator;
use crate::vec_map::VecMap;

/// How many samples had each value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Histogram {
    counts: VecMap<u64, u64>,
}

impl Histogram {
    /// Count one sample of `value`.
    pub fn add(&mut self, value: u64) {
        self.add_n(value, 1);
    }

    /// Count `n` samples of `value`.
    pub fn add_n(&mut self, value: u64, n: u64) {
        if n > 0 {
            *self.counts.get_or_insert_with(value, || 0) += n;
        }
    }

    /// Add another histogram's samples.
    pub fn merge(&mut self, other: &Histogram) {
        for (&value, &n) in &other.counts {
            self.add_n(value, n);
        }
    }

    /// The number of samples.
    pub fn count(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Each value with its number of samples, in increasing value.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts.iter().map(|(&v, &n)| (v, n))
    }

    /// The number of samples of `value`.
    pub fn of(&self, value: u64) -> u64 {
        self.counts.get(&value).copied().unwrap_or(0)
    }

    /// The nearest-rank percentile: the smallest value such that at least
    /// `per_million / 1,000,000` of the samples are at or below it (p99.9 is
    /// `999_000`). `None` without samples.
    pub fn percentile(&self, per_million: u32) -> Option<u64> {
        assert!(
            per_million <= 1_000_000,
            "a percentile is at most 1,000,000 per million, not {per_million}"
        );
        let total = u128::from(self.count());
        if total == 0 {
            return None;
        }
        // rank = ceil(total * share), at least 1.
        let rank = (total * u128::from(per_million)).div_ceil(1_000_000).max(1);
        let mut seen = 0u128;
        self.counts.iter().find_map(|(&value, &n)| {
            seen += u128::from(n);
            (seen >= rank).then_some(value)
        })
    }

    /// The arithmetic mean, `None` without samples.
    pub fn mean(&self) -> Option<f64> {
        let count = self.count();
        (count > 0).then(|| {
            let sum: f64 = self.iter().map(|(v, n)| v as f64 * n as f64).sum();
            sum / count as f64
        })
    }
}

/// Latencies in ticks, one histogram per outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    /// Operations answered `ok`.
    pub ok: Histogram,
    /// Operations answered that the quorum failed.
    pub quorum_failed: Histogram,
    /// Operations the client gave up on.
    pub timeout: Histogram,
}

impl Latency {
    fn merge(&mut self, other: &Latency) {
        self.ok.merge(&other.ok);
        self.quorum_failed.merge(&other.quorum_failed);
        self.timeout.merge(&other.timeout);
    }
}

/// Operations by how they ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Answered `ok`.
    pub ok: u64,
    /// Answered that the quorum failed.
    pub quorum_failed: u64,
    /// The client heard nothing in time.
    pub timeout: u64,
    /// Not finished when the run stopped.
    pub pending: u64,
}

impl Availability {
    /// Every operation invoked.
    pub fn total(&self) -> u64 {
        self.ok + self.quorum_failed + self.timeout + self.pending
    }

    /// The share answered `ok` (1 when there were none).
    pub fn ratio(&self) -> f64 {
        match self.total() {
            0 => 1.0,
            total => self.ok as f64 / total as f64,
        }
    }

    fn merge(&mut self, other: &Availability) {
        self.ok += other.ok;
        self.quorum_failed += other.quorum_failed;
        self.timeout += other.timeout;
        self.pending += other.pending;
    }
}

/// The (put, later get) pairs that share one `t`: how many gets saw the put.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairs {
    /// The get returned the put's value or a superseding one.
    pub seen: u64,
    /// A stale read.
    pub missed: u64,
}

/// One point of the t-visibility curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct VisibilityPoint {
    /// Ticks after a put's acknowledgement.
    pub t: Time,
    /// The puts whose staleness window is at most `t`.
    pub visible: u64,
    /// The puts with a window (read at least once after their acknowledgement).
    pub puts: u64,
    /// `visible / puts`.
    pub probability: f64,
}

/// What the clients of one run, or of many runs added together, experienced.
/// See the module documentation for the exact definitions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measurements {
    /// The runs added together.
    pub runs: u64,
    /// Get latency in ticks, by outcome.
    pub get_latency_ticks: Latency,
    /// Put latency in ticks, by outcome.
    pub put_latency_ticks: Latency,
    /// Values returned by each successful get.
    pub versions_per_get: Histogram,
    /// The (put, later get) pairs by ticks from the put's acknowledgement
    /// to the get's invocation.
    pub visibility: VecMap<Time, Pairs>,
    /// Each observed put's staleness window in ticks.
    pub stale_window_ticks: Histogram,
    /// Gets by how they ended.
    pub gets: Availability,
    /// Puts by how they ended.
    pub puts: Availability,
}

impl Measurements {
    /// Measure one finished run. Needs its history (`SimOptions::history`)
    /// and its clients' context records (not yet dropped).
    pub fn of_run(sim: &Simulator<Member>) -> Measurements {
        let mut m = Measurements {
            runs: 1,
            ..Measurements::default()
        };
        let ops = &sim.history().ops;
        for op in ops {
            let (latency, availability) = match op.input {
                ClientOp::Get { .. } => (&mut m.get_latency_ticks, &mut m.gets),
                ClientOp::Put { .. } => (&mut m.put_latency_ticks, &mut m.puts),
                ClientOp::Join | ClientOp::Leave => continue,
            };
            let Some((at, outcome)) = &op.completed else {
                availability.pending += 1;
                continue;
            };
            let ticks = at.saturating_sub(op.invoked_at);
            match outcome {
                OpOutcome::Got { values, .. } => {
                    m.versions_per_get.add(values.len() as u64);
                    latency.ok.add(ticks);
                    availability.ok += 1;
                }
                OpOutcome::Put => {
                    latency.ok.add(ticks);
                    availability.ok += 1;
                }
                OpOutcome::QuorumFailed { .. } => {
                    latency.quorum_failed.add(ticks);
                    availability.quorum_failed += 1;
                }
                OpOutcome::Timeout => {
                    latency.timeout.add(ticks);
                    availability.timeout += 1;
                }
                OpOutcome::Ring { .. } | OpOutcome::Refused { .. } => {
                    unreachable!("only joins and leaves answer with the ring")
                }
            }
        }
        let (based_on, follows) = contexts_of(sim);
        let facts = Facts::new(ops, &based_on, &follows);
        m.measure_visibility(&facts);
        m
    }

    /// The pairs and windows of t-visibility.
    fn measure_visibility(&mut self, facts: &Facts<'_>) {
        let mut gets_of: Vec<usize> = (0..facts.gets.len()).collect();
        crate::handwritten::sort::stable_by(&mut gets_of, |&a, &b| {
            facts.gets[a].1.cmp(facts.gets[b].1)
        });
        for (p, put) in facts.puts.iter().enumerate() {
            let Some(acked_at) = put.acked_at else {
                continue;
            };
            let superseding = supersessors(facts, p);
            let first = gets_of.partition_point(|&g| facts.gets[g].1 < put.key);
            let mut window: Option<Time> = None;
            for &g in gets_of[first..]
                .iter()
                .take_while(|&&g| facts.gets[g].1 == put.key)
            {
                let (_, _, values, invoked_at, _) = facts.gets[g];
                let Some(t) = invoked_at.checked_sub(acked_at) else {
                    continue;
                };
                let seen = values.iter().any(|value| {
                    **value == *put.value
                        || facts
                            .writers(put.key, value)
                            .iter()
                            .any(|&q| superseding[q] || facts.puts[q].invoked_at > acked_at)
                });
                let pairs = self.visibility.get_or_insert_with(t, Default::default);
                if seen {
                    pairs.seen += 1;
                    window.get_or_insert(0);
                } else {
                    pairs.missed += 1;
                    let end = t.saturating_add(1);
                    window = Some(window.map_or(end, |w| w.max(end)));
                }
            }
            if let Some(window) = window {
                self.stale_window_ticks.add(window);
            }
        }
    }

    /// Add another run's (or aggregate's) measurements.
    pub fn merge(&mut self, other: &Measurements) {
        self.runs += other.runs;
        self.get_latency_ticks.merge(&other.get_latency_ticks);
        self.put_latency_ticks.merge(&other.put_latency_ticks);
        self.versions_per_get.merge(&other.versions_per_get);
        for (&t, pairs) in &other.visibility {
            let mine = self.visibility.get_or_insert_with(t, Default::default);
            mine.seen += pairs.seen;
            mine.missed += pairs.missed;
        }
        self.stale_window_ticks.merge(&other.stale_window_ticks);
        self.gets.merge(&other.gets);
        self.puts.merge(&other.puts);
    }

    /// The t-visibility curve: one point at `t = 0` and one at each window
    /// end, each the share of observed puts whose staleness window is at
    /// most `t`. Empty when no put was read after its acknowledgement.
    pub fn t_visibility(&self) -> Vec<VisibilityPoint> {
        let puts = self.stale_window_ticks.count();
        if puts == 0 {
            return Vec::new();
        }
        let mut points = Vec::new();
        let mut visible = 0;
        for (t, n) in self.stale_window_ticks.iter() {
            visible += n;
            if t > 0 && points.is_empty() {
                points.push(VisibilityPoint {
                    t: 0,
                    visible: 0,
                    puts,
                    probability: 0.0,
                });
            }
            points.push(VisibilityPoint {
                t,
                visible,
                puts,
                probability: visible as f64 / puts as f64,
            });
        }
        points
    }

    /// Every operation, gets and puts together, by how it ended.
    pub fn availability(&self) -> Availability {
        let mut all = self.gets;
        all.merge(&self.puts);
        all
    }
}

/// The puts that supersede put `p` by covering it, directly or through
/// other covering puts: `result[q]` is true for each.
fn supersessors(facts: &Facts<'_>, p: usize) -> Vec<bool> {
    let mut reached = vec![false; facts.puts.len()];
    let mut stack = vec![p];
    while let Some(x) = stack.pop() {
        for &q in &facts.covered_by[x] {
            if !reached[q] {
                reached[q] = true;
                stack.push(q);
            }
        }
    }
    reached[p] = false;
    reached
}

#[cfg(test)]
mod tests;

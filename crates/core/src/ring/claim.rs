//! Claim: which node owns each partition.
//!
//! Everything here works on node *indices* into the ring's sorted member list, so the
//! algorithms never look at node names and never iterate a hash map. `t` is the effective
//! target: `min(target_n, node count)`, the most distinct owners a window can have.

use crate::ids::narrow;

/// Partitions whose owner owns one of the next `t - 1` partitions too (cyclically).
/// riak_core calls these tail violations; zero means every window of `t` is distinct.
pub(crate) fn tail_violations(owners: &[usize], t: usize) -> u32 {
    let q = owners.len();
    let count = (0..q)
        .filter(|&p| (1..t).any(|j| owners[(p + j) % q] == owners[p]))
        .count();
    narrow(count, "a ring has at most 1024 partitions")
}

/// Partitions owned by each of the `s` nodes.
pub(crate) fn counts(owners: &[usize], s: usize) -> Vec<u32> {
    let mut counts = vec![0u32; s];
    for &o in owners {
        counts[o] += 1;
    }
    counts
}

/// A fresh claim of `q` partitions among `s` nodes aiming at distinct owners in every
/// window of `t`: the best of [`candidates`]; on a tie the earlier candidate wins.
pub(crate) fn fresh(q: usize, s: usize, t: usize) -> Vec<usize> {
    let mut best: Option<((u32, u32), Vec<usize>)> = None;
    for owners in candidates(q, s, t) {
        let key = (tail_violations(&owners, t), spread(&owners, s));
        if best.as_ref().is_none_or(|(best_key, _)| key < *best_key) {
            best = Some((key, owners));
        }
    }
    best.expect("there is always a candidate claim").1
}

/// The fresh claims to choose from: the plain round robin and the two diagonal walks, each
/// improved.
pub(crate) fn candidates(q: usize, s: usize, t: usize) -> Vec<Vec<usize>> {
    let laps = q.div_ceil(s);
    let mut candidates = vec![round_robin(q, s), walk(q, s, laps), walk(q, s, laps + 1)];
    for owners in &mut candidates {
        improve(owners, s, t);
    }
    candidates
}

/// Highest minus lowest partition count.
fn spread(owners: &[usize], s: usize) -> u32 {
    let c = counts(owners, s);
    c.iter().max().copied().unwrap_or(0) - c.iter().min().copied().unwrap_or(0)
}

/// Node `i mod s` owns partition `i`: distinct windows except where the last, partial
/// round meets the first one.
fn round_robin(q: usize, s: usize) -> Vec<usize> {
    (0..q).map(|i| i % s).collect()
}

/// Walk the nodes in order `laps` times around, skipping `laps * s - q` nodes spread evenly
/// (Bresenham) over the `q` steps, so the walk closes exactly at the start. A window of `t`
/// partitions spans `t - 1` steps; it is distinct while those steps skip at most `s - t`
/// nodes, and even spreading puts at most `ceil((t - 1) * skips / q)` skips in any of them.
fn walk(q: usize, s: usize, laps: usize) -> Vec<usize> {
    let skips = laps * s - q;
    let mut position = 0usize;
    (0..q)
        .map(|i| {
            let owner = position % s;
            position += 1 + ((i + 1) * skips / q - i * skips / q);
            owner
        })
        .collect()
}

/// Positions where `node` may be placed without repeating within any window of `t`.
fn allowed(owners: &[usize], node: usize, t: usize) -> Vec<bool> {
    let q = owners.len();
    let mut allowed = vec![true; q];
    for (p, _) in owners.iter().enumerate().filter(|(_, &o)| o == node) {
        for j in 0..t {
            allowed[(p + j) % q] = false;
            allowed[(p + q - j) % q] = false;
        }
    }
    allowed
}

/// Local repair of a claim, never adding a tail violation:
/// 1. hand each partition in violation to the least-loaded node that fits there (without
///    pushing it past `ceil(q/s)`);
/// 2. while some node owns two more than another, move one partition from the most-loaded
///    possible donor to the least-loaded node that fits.
///
/// Each step strictly lowers the violation count or the sum of squared loads, so it ends.
pub(crate) fn improve(owners: &mut [usize], s: usize, t: usize) {
    fix_violations(owners, s, t);
    while let Some((p, to)) = balancing_move(owners, s, t) {
        owners[p] = to;
    }
}

fn fix_violations(owners: &mut [usize], s: usize, t: usize) {
    let q = owners.len();
    let cap = narrow(q.div_ceil(s), "small ring");
    loop {
        let mut changed = false;
        for p in 0..q {
            let here = owners[p];
            if !(1..t).any(|j| owners[(p + j) % q] == here) {
                continue;
            }
            let c = counts(owners, s);
            let fits = |n: usize| {
                n != here
                    && c[n] < cap
                    && (1..t).all(|j| owners[(p + j) % q] != n && owners[(p + q - j) % q] != n)
            };
            if let Some(to) = (0..s).filter(|&n| fits(n)).min_by_key(|&n| (c[n], n)) {
                owners[p] = to;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// The next balancing move `(partition, receiver)`, if any: receivers by load ascending,
/// then the fitting partition of the most-loaded donor, earliest partition first.
fn balancing_move(owners: &[usize], s: usize, t: usize) -> Option<(usize, usize)> {
    let c = counts(owners, s);
    let mut receivers: Vec<usize> = (0..s).collect();
    crate::handwritten::sort::stable_by_key(&mut receivers, |&n| (c[n], n));
    let max = c.iter().max().copied().unwrap_or(0);
    for r in receivers {
        if c[r] + 2 > max {
            return None;
        }
        let fits = allowed(owners, r, t);
        let best = (0..owners.len())
            .filter(|&p| fits[p] && c[owners[p]] >= c[r] + 2)
            .max_by_key(|&p| (c[owners[p]], std::cmp::Reverse(p)));
        if let Some(p) = best {
            return Some((p, r));
        }
    }
    None
}

/// `fresh` rotated and relabelled to keep as many partitions as it can where `old` had them.
///
/// Rotating the circle and renaming nodes change neither windows nor loads. For every
/// rotation, labels are matched to nodes greedily by how many partitions they share; the
/// rotation keeping the most wins (the earliest on a tie).
pub(crate) fn align(fresh: &[usize], old: &[Option<usize>], s: usize) -> Vec<usize> {
    let q = fresh.len();
    let mut best: Option<(usize, Vec<usize>)> = None;
    for r in 0..q {
        let mut shared = vec![0usize; s * s];
        for p in 0..q {
            if let Some(o) = old[p] {
                shared[fresh[(p + r) % q] * s + o] += 1;
            }
        }
        let mut pairs: Vec<(usize, usize)> = (0..s * s)
            .filter(|&i| shared[i] > 0)
            .map(|i| (shared[i], i))
            .collect();
        crate::handwritten::sort::stable_by_key(&mut pairs, |&(count, i)| {
            (std::cmp::Reverse(count), i)
        });
        let mut label_to_node = vec![usize::MAX; s];
        let mut node_taken = vec![false; s];
        let mut kept = 0;
        for (count, i) in pairs {
            let (label, node) = (i / s, i % s);
            if label_to_node[label] == usize::MAX && !node_taken[node] {
                label_to_node[label] = node;
                node_taken[node] = true;
                kept += count;
            }
        }
        let mut free = (0..s).filter(|&n| !node_taken[n]);
        for slot in label_to_node.iter_mut().filter(|slot| **slot == usize::MAX) {
            *slot = free.next().expect("as many nodes as labels");
        }
        if best.as_ref().is_none_or(|(best_kept, _)| kept > *best_kept) {
            let owners = (0..q).map(|p| label_to_node[fresh[(p + r) % q]]).collect();
            best = Some((kept, owners));
        }
    }
    best.map(|(_, owners)| owners).unwrap_or_default()
}

/// Gives every partition without an owner (`None`, its node left) to a node below
/// `ceil(q/s)` partitions if there is one, choosing the node that owns fewest of the
/// partitions less than `t` away (none: it fits there), then the least loaded. Violations
/// it cannot avoid are left to [`repair_by_swaps`].
pub(crate) fn hand_off_orphans(old: &[Option<usize>], s: usize, t: usize) -> Vec<usize> {
    let q = old.len();
    let cap = narrow(q.div_ceil(s), "small ring");
    let mut owners = old.to_vec();
    let mut c = vec![0u32; s];
    for o in owners.iter().flatten() {
        c[*o] += 1;
    }
    for p in 0..q {
        if owners[p].is_some() {
            continue;
        }
        let conflicts = |n: usize| {
            (1..t)
                .filter(|&j| owners[(p + j) % q] == Some(n))
                .chain((1..t).filter(|&j| owners[(p + q - j) % q] == Some(n)))
                .count()
        };
        let to = (0..s)
            .min_by_key(|&n| (c[n] >= cap, conflicts(n), c[n], n))
            .expect("a ring keeps at least one node");
        owners[p] = Some(to);
        c[to] += 1;
    }
    owners
        .into_iter()
        .map(|o| o.expect("every partition handed off"))
        .collect()
}

/// Whether partition `p` shares its owner with a partition less than `t` away on either side.
fn in_conflict(owners: &[usize], p: usize, t: usize) -> bool {
    let q = owners.len();
    (1..t).any(|j| owners[(p + j) % q] == owners[p] || owners[(p + q - j) % q] == owners[p])
}

/// Tail violations among the partitions whose count a change at `changed` can affect: those
/// at most `t - 1` before a changed partition, the changed partition included.
fn violations_near(owners: &[usize], changed: &[usize], t: usize) -> u32 {
    let q = owners.len();
    let mut near: Vec<usize> = changed
        .iter()
        .flat_map(|&a| (0..t).map(move |j| (a + q - j) % q))
        .collect();
    crate::handwritten::sort::small_by(&mut near, usize::cmp);
    near.dedup();
    let count = near
        .into_iter()
        .filter(|&x| (1..t).any(|j| owners[(x + j) % q] == owners[x]))
        .count();
    narrow(count, "a ring has at most 1024 partitions")
}

/// One repair step: partition `p` to node `to`, or the owners of `p` and `u` exchanged.
#[derive(Clone, Copy)]
enum Repair {
    Hand { p: usize, to: usize },
    Swap { p: usize, u: usize },
}

impl Repair {
    fn apply(self, owners: &mut [usize]) {
        match self {
            Repair::Hand { p, to } => owners[p] = to,
            Repair::Swap { p, u } => owners.swap(p, u),
        }
    }

    fn changed(self) -> Vec<usize> {
        match self {
            Repair::Hand { p, .. } => vec![p],
            Repair::Swap { p, u } => vec![p, u],
        }
    }
}

/// The preference among repair steps: partitions moved away from the old ring (fewest
/// first), violations removed (most first), how far from the partition in conflict.
type StepKey = (usize, std::cmp::Reverse<i64>, usize);

/// A claim under repair, with the ring it started from.
struct Repairer<'a> {
    owners: &'a mut [usize],
    old: &'a [Option<usize>],
    s: usize,
    t: usize,
    cap: u32,
}

impl Repairer<'_> {
    fn displaced(&self, changed: &[usize]) -> usize {
        changed
            .iter()
            .filter(|&&p| self.old[p] != Some(self.owners[p]))
            .count()
    }

    /// What `step` would do: violations removed (negative if added) and partitions newly
    /// moved away from the old ring (negative if moved back).
    fn try_step(&mut self, step: Repair) -> (i64, i64) {
        let changed = step.changed();
        let before = violations_near(self.owners, &changed, self.t);
        let moved_before = self.displaced(&changed);
        let saved: Vec<usize> = changed.iter().map(|&x| self.owners[x]).collect();
        step.apply(self.owners);
        let after = violations_near(self.owners, &changed, self.t);
        let moved_after = self.displaced(&changed);
        for (&x, &o) in changed.iter().zip(&saved) {
            self.owners[x] = o;
        }
        (
            i64::from(before) - i64::from(after),
            moved_after as i64 - moved_before as i64,
        )
    }

    /// How many of the partitions less than `t` away from `p`, on either side, `node` owns.
    fn conflicts_at(&self, p: usize, node: usize) -> usize {
        let q = self.owners.len();
        (1..self.t)
            .filter(|&j| self.owners[(p + j) % q] == node)
            .chain((1..self.t).filter(|&j| self.owners[(p + q - j) % q] == node))
            .count()
    }

    /// Every hand-over of `p` to a node below the cap and every swap of `p` with a
    /// partition of another owner, where the node moving to `p` conflicts there less than
    /// its owner does (the only steps that can help `p`).
    fn steps_from(&self, p: usize) -> Vec<Repair> {
        let c = counts(self.owners, self.s);
        let here = self.owners[p];
        let helps: Vec<bool> = (0..self.s).map(|n| n != here).collect();
        let hands = (0..self.s)
            .filter(|&n| helps[n] && c[n] < self.cap)
            .map(|to| Repair::Hand { p, to });
        let swaps = (0..self.owners.len())
            .filter(|&u| helps[self.owners[u]])
            .map(|u| Repair::Swap { p, u });
        hands.chain(swaps).collect()
    }

    /// The preferred step from `p` removing at least `needed` violations.
    fn best_step(&mut self, p: usize, needed: i64) -> Option<(StepKey, Repair)> {
        let q = self.owners.len();
        let mut best: Option<(StepKey, Repair)> = None;
        for step in self.steps_from(p) {
            let (removed, moved) = self.try_step(step);
            if removed < needed {
                continue;
            }
            let distance = step
                .changed()
                .iter()
                .map(|&u| (u + q - p) % q)
                .map(|d| d.min(q - d))
                .max()
                .unwrap_or(0);
            let key = (
                narrow(moved + 2, "a step moves at most two partitions"),
                std::cmp::Reverse(removed),
                distance,
            );
            if best.as_ref().is_none_or(|(best_key, _)| key < *best_key) {
                best = Some((key, step));
            }
        }
        best
    }

    /// A swap of `p` that adds at most one violation, followed by a step from a partition
    /// that swap put in conflict, together removing at least one violation.
    fn best_pair(&mut self, p: usize) -> Option<(Repair, Repair)> {
        let q = self.owners.len();
        let t = self.t;
        let mut best: Option<(usize, Repair, Repair)> = None;
        let here = self.owners[p];
        for u in 0..q {
            if self.conflicts_at(p, self.owners[u]) >= self.conflicts_at(p, here) {
                continue;
            }
            let first = Repair::Swap { p, u };
            let (removed, moved) = self.try_step(first);
            if removed < -1 {
                continue;
            }
            first.apply(self.owners);
            let touched: Vec<usize> = [p, u]
                .iter()
                .flat_map(|&a| (0..2 * t - 1).map(move |j| (a + q + j - (t - 1)) % q))
                .filter(|&x| x != p && x != u && in_conflict(self.owners, x, t))
                .collect();
            for x in touched {
                if let Some(((moved2, _, _), second)) = self.best_step(x, 1 - removed) {
                    let total = narrow::<usize, _>(moved + 2, "small") + moved2;
                    if best.as_ref().is_none_or(|(b, _, _)| total < *b) {
                        best = Some((total, first, second));
                    }
                }
            }
            first.apply(self.owners);
        }
        best.map(|(_, first, second)| (first, second))
    }
}

/// Whether a claim of `q` partitions among `s` nodes can give every window of `t` distinct
/// owners by the rule the module doc states.
fn distinct_windows_possible(q: usize, s: usize, t: usize) -> bool {
    (s == t && q.is_multiple_of(t)) || (s > t && q >= t * t - t)
}

/// Removes tail violations one repair step at a time, as riak_core's claim does by
/// swapping owners, while keeping partitions where `old` had them.
///
/// For each partition in conflict, every hand-over to a node below `ceil(q/s)` and every
/// swap with another partition is tried; of the steps that lower the violation count, the
/// one that moves fewest partitions away from `old` wins, then the one that removes most
/// violations, then the nearest, then the earliest. Where no single step helps, a swap that
/// adds one violation followed by a step that removes two is tried. Nothing is repaired
/// where distinct windows are impossible (the fresh claim competes there). Swaps keep every
/// load. Each step or pair strictly lowers the violation count, so the repair ends.
pub(crate) fn repair_by_swaps(owners: &mut [usize], old: &[Option<usize>], s: usize, t: usize) {
    let q = owners.len();
    if !distinct_windows_possible(q, s, t) {
        return;
    }
    let cap = narrow(q.div_ceil(s), "small ring");
    let mut repairer = Repairer {
        owners,
        old,
        s,
        t,
        cap,
    };
    loop {
        let mut changed_any = false;
        for p in 0..q {
            if !in_conflict(repairer.owners, p, t) {
                continue;
            }
            if let Some((_, step)) = repairer.best_step(p, 1) {
                step.apply(repairer.owners);
                changed_any = true;
            }
        }
        if !changed_any {
            for p in 0..q {
                if !in_conflict(repairer.owners, p, t) {
                    continue;
                }
                if let Some((first, second)) = repairer.best_pair(p) {
                    first.apply(repairer.owners);
                    second.apply(repairer.owners);
                    changed_any = true;
                    break;
                }
            }
        }
        if !changed_any {
            return;
        }
    }
}

//! Claim: which node owns each partition.
//!
//! Everything here works on node *indices* into the ring's sorted member list, so the
//! algorithms never look at node names and never iterate a hash map. `t` is the effective
//! target: `min(target_n, node count)`, the most distinct owners a window can have.

/// Partitions whose owner owns one of the next `t - 1` partitions too (cyclically).
/// riak_core calls these tail violations; zero means every window of `t` is distinct.
pub(crate) fn tail_violations(owners: &[usize], t: usize) -> u32 {
    let q = owners.len();
    let count = (0..q)
        .filter(|&p| (1..t).any(|j| owners[(p + j) % q] == owners[p]))
        .count();
    u32::try_from(count).expect("a ring has at most 1024 partitions")
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
/// window of `t`: the best of the plain round robin and the diagonal walks, each improved;
/// on a tie the earlier candidate wins.
pub(crate) fn fresh(q: usize, s: usize, t: usize) -> Vec<usize> {
    let laps = q.div_ceil(s);
    let candidates = [round_robin(q, s), walk(q, s, laps), walk(q, s, laps + 1)];
    let mut best: Option<((u32, u32), Vec<usize>)> = None;
    for mut owners in candidates {
        improve(&mut owners, s, t);
        let key = (tail_violations(&owners, t), spread(&owners, s));
        if best.as_ref().is_none_or(|(best_key, _)| key < *best_key) {
            best = Some((key, owners));
        }
    }
    best.expect("there is always a candidate claim").1
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
    let cap = u32::try_from(q.div_ceil(s)).expect("small ring");
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
    receivers.sort_by_key(|&n| (c[n], n));
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
        pairs.sort_by_key(|&(count, i)| (std::cmp::Reverse(count), i));
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

/// Gives every partition without an owner (`None`, its node left) to the least-loaded node
/// that fits there without a tail violation, or to the least-loaded node if none fits.
pub(crate) fn hand_off_orphans(old: &[Option<usize>], s: usize, t: usize) -> Vec<usize> {
    let q = old.len();
    let mut owners = old.to_vec();
    let mut c = vec![0u32; s];
    for o in owners.iter().flatten() {
        c[*o] += 1;
    }
    for p in 0..q {
        if owners[p].is_some() {
            continue;
        }
        let fits = |n: usize| {
            (1..t).all(|j| owners[(p + j) % q] != Some(n) && owners[(p + q - j) % q] != Some(n))
        };
        let to = (0..s)
            .min_by_key(|&n| (!fits(n), c[n], n))
            .expect("a ring keeps at least one node");
        owners[p] = Some(to);
        c[to] += 1;
    }
    owners
        .into_iter()
        .map(|o| o.expect("every partition handed off"))
        .collect()
}

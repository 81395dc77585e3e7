//! Properties of DvvSet and of the paper's DVV kernel, on states reached by
//! random histories of puts, gets and syncs over 3 replicas and 3 clients;
//! and of Dynamo's vector-clock pruning, on random vectors and on client-id
//! vector clocks driven by the same histories.

// A test's own bookkeeping and sorting, never shipped: clippy.toml's rules
// are for the model.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use wildling_core::causality::{
    CausalityMode, ClientId, Context, DvvSet, DvvSiblings, KeyClock, VersionVector, Write,
};
use wildling_core::NodeId;

type Set = DvvSet<u8, u32>;
type Sibs = DvvSiblings<u8, u32>;
type Vv = VersionVector<u8>;

/// Replicas and client contexts under both kernels, driven in lockstep.
#[derive(Default)]
struct World {
    sets: [Set; 3],
    sibs: [Sibs; 3],
    set_ctx: [Vv; 3],
    sib_ctx: [Vv; 3],
    next_value: u32,
}

/// One step: `(kind, client, replica, other replica)`.
type Step = (u8, usize, usize, usize);

fn history() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec((0..10u8, 0..3usize, 0..3usize, 0..3usize), 0..40)
}

impl World {
    fn run(steps: &[Step]) -> World {
        let mut w = World::default();
        for &(kind, client, r, other) in steps {
            match kind {
                0..=3 => {
                    w.next_value += 1;
                    w.sets[r].put(&w.set_ctx[client], r as u8, w.next_value);
                    w.sibs[r].put(&w.sib_ctx[client], r as u8, w.next_value);
                }
                4..=6 => {
                    w.set_ctx[client] = w.sets[r].join();
                    w.sib_ctx[client] = w.sibs[r].join();
                }
                _ => {
                    let (set, sib) = (w.sets[other].clone(), w.sibs[other].clone());
                    w.sets[r].sync(&set);
                    w.sibs[r] = w.sibs[r].sync(&sib);
                }
            }
        }
        w
    }
}

/// Client-id vector clocks under a prune threshold, driven by the steps of
/// [`World`]; each put is also made without pruning on a copy of the same
/// state, and both results are kept for the properties to compare.
struct PrunedWorld {
    clocks: [KeyClock<u32>; 3],
    contexts: [Context; 3],
    /// For each put: (state before, the put unpruned, the put pruned).
    puts: Vec<[KeyClock<u32>; 3]>,
}

impl PrunedWorld {
    fn run(steps: &[Step], threshold: u32) -> PrunedWorld {
        let mut w = PrunedWorld {
            clocks: std::array::from_fn(|_| KeyClock::new(CausalityMode::ClientVv)),
            contexts: Default::default(),
            puts: Vec::new(),
        };
        for (time, &(kind, client, r, other)) in (1..).zip(steps) {
            match kind {
                0..=3 => {
                    let write = Write {
                        replica: NodeId(r as u16 + 1),
                        client: ClientId(client as u16 + 1),
                        value: time as u32,
                        timestamp: time,
                    };
                    let before = w.clocks[r].clone();
                    let mut exact = before.clone();
                    exact.put(&w.contexts[client], write.clone());
                    let ctx = &w.contexts[client];
                    w.clocks[r].put_pruning(ctx, write, Some(threshold));
                    w.puts.push([before, exact, w.clocks[r].clone()]);
                }
                4..=6 => w.contexts[client] = w.clocks[r].context(),
                _ => {
                    let theirs = w.clocks[other].clone();
                    w.clocks[r].sync(&theirs);
                }
            }
        }
        w
    }
}

/// The siblings of a client-id vector clock.
fn siblings(clock: &KeyClock<u32>) -> &[wildling_core::causality::VvSibling<ClientId, u32>] {
    match clock {
        KeyClock::ClientVv(siblings) => siblings,
        other => panic!("not a client-id vector clock: {other}"),
    }
}

fn synced(a: &Set, b: &Set) -> Set {
    let mut s = a.clone();
    s.sync(b);
    s
}

fn sorted(values: Vec<&u32>) -> Vec<u32> {
    let mut v: Vec<u32> = values.into_iter().copied().collect();
    v.sort();
    v
}

/// Every value of a DvvSet with its dot.
fn dotted(set: &Set) -> Vec<(u8, u64, u32)> {
    let each = |e: wildling_core::causality::Entry<'_, u8, u32>| {
        e.values
            .iter()
            .enumerate()
            .map(|(k, v)| (*e.id, e.counter - k as u64, *v))
            .collect::<Vec<_>>()
    };
    set.entries().flat_map(each).collect()
}

/// Irreflexive, asymmetric and transitive over `all`.
fn check_strict_partial_order<T>(
    all: &[T],
    less: impl Fn(&T, &T) -> bool,
) -> Result<(), TestCaseError> {
    for x in all {
        prop_assert!(!less(x, x));
        for y in all {
            prop_assert!(!(less(x, y) && less(y, x)));
            for z in all {
                prop_assert!(!(less(x, y) && less(y, z)) || less(x, z));
            }
        }
    }
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(1000)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dvvset_sync_is_commutative_associative_idempotent(steps in history()) {
        let w = World::run(&steps);
        let [a, b, c] = &w.sets;
        prop_assert_eq!(synced(a, b), synced(b, a));
        prop_assert_eq!(synced(&synced(a, b), c), synced(a, &synced(b, c)));
        prop_assert_eq!(&synced(a, a), a);
    }

    /// `covered_by` is sound (when it holds, the sync gives the other side
    /// exactly) and holds against anything already synced with this side.
    #[test]
    fn dvvset_covered_by_means_sync_gives_the_other_side(steps in history()) {
        let w = World::run(&steps);
        let [a, b, c] = &w.sets;
        let all = [a.clone(), b.clone(), c.clone(), synced(a, b), synced(b, c), synced(&synced(a, b), c)];
        for x in &all {
            for y in &all {
                if x.covered_by(y) {
                    prop_assert_eq!(&synced(x, y), y);
                }
                prop_assert!(x.covered_by(&synced(x, y)), "{} is not covered by its sync with {}", x, y);
            }
        }
    }

    #[test]
    fn dvvset_less_is_a_strict_partial_order(steps in history()) {
        let w = World::run(&steps);
        let [a, b, c] = &w.sets;
        let all = [a.clone(), b.clone(), c.clone(), synced(a, b), synced(b, c), synced(&synced(a, b), c)];
        check_strict_partial_order(&all, |x, y| x.less(y))?;
    }

    #[test]
    fn dvvset_update_is_newer_and_loses_no_concurrent_value(steps in history(), client in 0..3usize, r in 0..3u8) {
        let w = World::run(&steps);
        let (server, ctx) = (&w.sets[r as usize], &w.set_ctx[client]);
        let updated = DvvSet::with_context(ctx, 0).update_against(server, r);
        prop_assert!(!updated.less(server));
        prop_assert!(server.less(&updated));
        prop_assert!(updated.join().descends(&server.join()));
        let kept = updated.values();
        for (id, counter, value) in dotted(server) {
            // A value the client had not seen is concurrent with the write and stays;
            // one it had seen is replaced.
            prop_assert_eq!(kept.contains(&&value), counter > ctx.get(&id));
        }
        let mut in_place = server.clone();
        in_place.put(ctx, r, 0);
        prop_assert_eq!(in_place, updated);
    }

    #[test]
    fn dvvset_join_is_monotone(steps in history()) {
        let w = World::run(&steps);
        let [a, b, _] = &w.sets;
        let s = synced(a, b);
        prop_assert!(s.join().descends(&a.join()));
        prop_assert!(s.join().descends(&b.join()));
    }

    #[test]
    fn dvv_sync_is_commutative_associative_idempotent(steps in history()) {
        let w = World::run(&steps);
        let [a, b, c] = &w.sibs;
        prop_assert_eq!(a.sync(b), b.sync(a));
        prop_assert_eq!(a.sync(b).sync(c), a.sync(&b.sync(c)));
        prop_assert_eq!(&a.sync(a), a);
    }

    #[test]
    fn dvv_less_is_a_strict_partial_order(steps in history()) {
        let w = World::run(&steps);
        let all: Vec<_> = w.sibs.iter().flat_map(|s| s.versions().iter().map(|v| v.clock.clone())).collect();
        check_strict_partial_order(&all, |x, y| x.less(y))?;
    }

    #[test]
    fn dvv_put_is_newer_and_loses_no_concurrent_value(steps in history(), client in 0..3usize, r in 0..3u8) {
        let w = World::run(&steps);
        let (server, ctx) = (&w.sibs[r as usize], &w.sib_ctx[client]);
        let mut updated = server.clone();
        updated.put(ctx, r, 0);
        let new = updated.versions().iter().find(|v| v.value == 0).expect("the write is stored");
        for old in server.versions() {
            prop_assert!(!new.clock.less(&old.clock));
            let concurrent = !ctx.contains(&old.clock.dot);
            prop_assert_eq!(updated.versions().contains(old), concurrent);
        }
        prop_assert!(updated.join().dominates(&server.join()));
    }

    #[test]
    fn dvv_join_is_monotone(steps in history()) {
        let w = World::run(&steps);
        let [a, b, _] = &w.sibs;
        prop_assert!(a.sync(b).join().descends(&a.join()));
        prop_assert!(a.sync(b).join().descends(&b.join()));
    }

    #[test]
    fn dvvset_is_the_compact_form_of_dvv(steps in history()) {
        let w = World::run(&steps);
        for (set, sibs) in w.sets.iter().zip(&w.sibs) {
            prop_assert_eq!(sorted(set.values()), sorted(sibs.values()));
            prop_assert_eq!(set.join().compare(&sibs.join()), Some(std::cmp::Ordering::Equal));
        }
    }

    #[test]
    fn text_forms_round_trip_and_never_panic(steps in history(), junk in "[{}\\[\\],:a-c0-9 ]{0,24}") {
        let w = World::run(&steps);
        for set in &w.sets {
            prop_assert_eq!(&set.to_string().parse::<Set>().unwrap(), set);
            prop_assert_eq!(set.join().to_string().parse::<Vv>().unwrap(), set.join());
        }
        let _ = junk.parse::<Set>();
        let _ = junk.parse::<Vv>();
    }

    #[test]
    fn pruning_only_forgets(
        entries in prop::collection::vec((0..8u8, 0..5u64, 0..6u64), 0..10),
        other in prop::collection::vec((0..8u8, 0..5u64), 0..8),
        threshold in 0..6usize,
        keep in 0..8u8,
    ) {
        let vv: Vv = entries.iter().map(|&(id, n, _)| (id, n)).collect();
        let stamps: BTreeMap<u8, u64> = entries.iter().map(|&(id, _, t)| (id, t)).collect();
        let stamp = |id: &u8| stamps.get(id).copied().unwrap_or(0);
        let mut pruned = vv.clone();
        let removed = pruned.prune_oldest(threshold, &keep, stamp);
        // Pruned <= original: it never claims to know, descend or dominate
        // anything the original did not.
        prop_assert!(vv.descends(&pruned));
        let x: Vv = other.into_iter().collect();
        prop_assert!(!pruned.descends(&x) || vv.descends(&x));
        prop_assert!(!pruned.dominates(&x) || vv.dominates(&x));
        // Exactly the entries beyond the threshold go, the writer's never,
        // and each removed entry is older than (or tied and before) every
        // entry kept but the writer's.
        let keeps = usize::from(vv.iter().any(|(id, _)| *id == keep));
        let want = if vv.len() <= threshold { vv.len() } else { threshold.max(keeps) };
        prop_assert_eq!(pruned.len(), want);
        prop_assert_eq!(pruned.len() + removed.len(), vv.len());
        prop_assert_eq!(pruned.get(&keep), vv.get(&keep));
        for (gone, n) in &removed {
            prop_assert_eq!(vv.get(gone), *n);
            for (kept, _) in pruned.iter().filter(|(id, _)| **id != keep) {
                prop_assert!((stamp(gone), gone) < (stamp(kept), kept));
            }
        }
    }

    #[test]
    fn a_pruned_put_supersedes_nothing_the_exact_put_keeps(steps in history(), threshold in 1..4u32) {
        let w = PrunedWorld::run(&steps, threshold);
        for [before, exact, pruned] in &w.puts {
            let (exact, pruned) = (siblings(exact), siblings(pruned));
            let (full, cut) = (&exact.last().expect("the write").vv, &pruned.last().expect("the write").vv);
            prop_assert!(full.descends(cut), "{} does not descend {}", full, cut);
            prop_assert!(cut.len() <= threshold as usize);
            // Every sibling the exact put keeps, the pruned put keeps too:
            // pruning makes false conflicts, never lost writes.
            for kept in exact.iter().filter(|s| siblings(before).contains(s)) {
                prop_assert!(pruned.contains(kept), "{} lost {}={}", before, kept.vv, kept.value);
            }
        }
        // Pruned clocks still converge: sync is commutative on them.
        let [a, b, _] = &w.clocks;
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.sync(b);
        ba.sync(a);
        prop_assert!(ab.equal(&ba), "{} vs {}", ab, ba);
    }
}

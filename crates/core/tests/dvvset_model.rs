//! `DvvSet` against a line-by-line port of `dvvset.erl`: the reference's
//! nested lists (`{[{Id, Counter, [Values]}], [Anonymous]}`), its `sync/2`,
//! `sync2/2`, `merge/5`, `greater/3`, `event/3` and `update/3`, kept as
//! plain and slow as the Erlang. Random histories of puts (in place and in
//! the reference's call shape), gets, one-way syncs, syncs that leave both
//! replicas equal (`clone_from`), reconciles and anonymous client clocks run
//! on both, and after every step each replica must be exactly the model's
//! clock: the same entries, counters, values in order and anonymous values.
//!
//! The regions of `causality/dvvset.rs` (one buffer, a fixed number of
//! places per entry, cut values left stale in their places) are nothing like
//! those lists; this is the test that says they still compute what the
//! reference computes. The same histories run again with values that count
//! themselves (`Counted`, of two sizes, so that the kernel's shifts and
//! copies take both their one-block and their longer-region paths): after
//! every step exactly as many are alive as the replicas store (their
//! `stored_len`, stale places included), so a value dropped twice or never
//! is caught.
//!
//! The one deliberate difference: the reference's `sets:to_list` leaves the
//! anonymous values of a concurrent sync in no fixed order, which Wildling
//! fixes as first occurrences in order (`V1 ++ V2`, repeats dropped).

use std::cell::Cell;

use proptest::prelude::*;
use wildling_core::causality::{DvvSet, VersionVector};

/// What the replicas hold in a [`World`]: the values of a history are
/// numbered 1, 2, 3, … and each kind of value carries its number.
trait Value: Clone + PartialEq + std::fmt::Debug {
    fn new(n: u32) -> Self;
    fn number(&self) -> u32;
}

impl Value for u32 {
    fn new(n: u32) -> u32 {
        n
    }
    fn number(&self) -> u32 {
        *self
    }
}

thread_local! {
    /// How many `Counted` values this thread has alive.
    static ALIVE: Cell<i64> = const { Cell::new(0) };
}

/// A value that counts how many of it are alive, `4 + 4 * PAD` bytes.
#[derive(Debug, PartialEq)]
struct Counted<const PAD: usize> {
    n: u32,
    pad: [u32; PAD],
}

impl<const PAD: usize> Value for Counted<PAD> {
    fn new(n: u32) -> Self {
        ALIVE.with(|a| a.set(a.get() + 1));
        Counted { n, pad: [n; PAD] }
    }
    fn number(&self) -> u32 {
        self.n
    }
}

impl<const PAD: usize> Clone for Counted<PAD> {
    fn clone(&self) -> Self {
        Self::new(self.n)
    }
}

impl<const PAD: usize> Drop for Counted<PAD> {
    fn drop(&mut self) {
        ALIVE.with(|a| a.set(a.get() - 1));
    }
}

type Set = DvvSet<u8, u32>;

/// One entry of the reference's clock: `{Id, Counter, [Values]}`.
type Entry = (u8, u64, Vec<u32>);

/// The reference's clock `{Entries, Anonymous}`.
#[derive(Clone, Debug, Default, PartialEq)]
struct Model {
    entries: Vec<Entry>,
    anonymous: Vec<u32>,
}

/// `greater/3`.
fn greater(c1: &[Entry], c2: &[Entry], strict: bool) -> bool {
    match (c1, c2) {
        ([], []) => strict,
        ([_, ..], []) => true,
        ([], [_, ..]) => false,
        ([(i1, n1, _), t1 @ ..], [(i2, n2, _), t2 @ ..]) if i1 == i2 => {
            if n1 == n2 {
                greater(t1, t2, strict)
            } else if n1 > n2 {
                greater(t1, t2, true)
            } else {
                false
            }
        }
        ([(i1, _, _), t1 @ ..], [(i2, _, _), ..]) if i1 < i2 => greater(t1, c2, true),
        _ => false,
    }
}

/// `less/2`.
fn less(c1: &Model, c2: &Model) -> bool {
    greater(&c2.entries, &c1.entries, false)
}

/// `merge/5`.
fn merge(i: u8, n1: u64, l1: &[u32], n2: u64, l2: &[u32]) -> Entry {
    let (ll1, ll2) = (l1.len() as u64, l2.len() as u64);
    if n1 >= n2 {
        if n1 - ll1 >= n2 - ll2 {
            (i, n1, l1.to_vec())
        } else {
            (i, n1, l1[..(n1 - n2 + ll2) as usize].to_vec())
        }
    } else if n2 - ll2 >= n1 - ll1 {
        (i, n2, l2.to_vec())
    } else {
        (i, n2, l2[..(n2 - n1 + ll1) as usize].to_vec())
    }
}

/// `sync2/2`.
fn sync2(c1: &[Entry], c2: &[Entry]) -> Vec<Entry> {
    match (c1, c2) {
        ([], c) | (c, []) => c.to_vec(),
        ([h1 @ (i1, n1, l1), t1 @ ..], [h2 @ (i2, n2, l2), t2 @ ..]) => {
            let mut out = Vec::new();
            if i1 < i2 {
                out.push(h1.clone());
                out.extend(sync2(t1, c2));
            } else if i1 > i2 {
                out.push(h2.clone());
                out.extend(sync2(t2, c1));
            } else {
                out.push(merge(*i1, *n1, l1, *n2, l2));
                out.extend(sync2(t1, t2));
            }
            out
        }
    }
}

/// `sync/2`, with the anonymous values of a concurrent sync in first
/// occurrence order.
fn sync(c1: &Model, c2: &Model) -> Model {
    let anonymous = if less(c1, c2) {
        c2.anonymous.clone()
    } else if less(c2, c1) {
        c1.anonymous.clone()
    } else {
        let mut all: Vec<u32> = Vec::new();
        for v in c1.anonymous.iter().chain(&c2.anonymous) {
            if !all.contains(v) {
                all.push(*v);
            }
        }
        all
    };
    Model {
        entries: sync2(&c1.entries, &c2.entries),
        anonymous,
    }
}

/// `join/1`.
fn join(c: &Model) -> Vec<(u8, u64)> {
    c.entries.iter().map(|(i, n, _)| (*i, *n)).collect()
}

/// `new/2`.
fn new_with(vv: &[(u8, u64)], values: Vec<u32>) -> Model {
    Model {
        entries: vv.iter().map(|&(i, n)| (i, n, Vec::new())).collect(),
        anonymous: values,
    }
}

/// `event/3`.
fn event(c: &[Entry], i: u8, v: u32) -> Vec<Entry> {
    match c {
        [] => vec![(i, 1, vec![v])],
        [(i1, n, l), t @ ..] if *i1 == i => {
            let mut values = vec![v];
            values.extend(l);
            let mut out = vec![(i, n + 1, values)];
            out.extend(t.iter().cloned());
            out
        }
        [(i1, _, _), ..] if *i1 > i => {
            let mut out = vec![(i, 1, vec![v])];
            out.extend(c.iter().cloned());
            out
        }
        [h, t @ ..] => {
            let mut out = vec![h.clone()];
            out.extend(event(t, i, v));
            out
        }
    }
}

/// `update/3`: `update(new(Context, V), Server, I)`.
fn update(ctx: &[(u8, u64)], v: u32, server: &Model, i: u8) -> Model {
    let synced = sync(&new_with(ctx, Vec::new()), server);
    Model {
        entries: event(&synced.entries, i, v),
        anonymous: synced.anonymous,
    }
}

/// The model's clock as a `DvvSet` (checked by `from_parts`).
fn as_set(m: &Model) -> Set {
    DvvSet::from_parts(m.entries.clone(), m.anonymous.clone())
        .unwrap_or_else(|e| panic!("the model made an invalid clock {m:?}: {e}"))
}

/// One step: `(kind, client, replica, other replica)`.
type Step = (u8, usize, usize, usize);

fn history() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec((0..14u8, 0..4usize, 0..4usize, 0..4usize), 0..60)
}

/// Replicas and clients, under `DvvSet` and the model in lockstep.
struct World<T> {
    sets: [DvvSet<u8, T>; 4],
    models: [Model; 4],
    contexts: [VersionVector<u8>; 4],
    model_contexts: [Vec<(u8, u64)>; 4],
    next_value: u32,
}

impl<T> Default for World<T> {
    fn default() -> Self {
        World {
            sets: Default::default(),
            models: Default::default(),
            contexts: Default::default(),
            model_contexts: Default::default(),
            next_value: 0,
        }
    }
}

impl<T: Value> World<T> {
    fn step(&mut self, (kind, client, r, other): Step) {
        self.next_value += 1;
        let v = self.next_value;
        let value = T::new(v);
        let id = r as u8;
        match kind {
            // A put in place.
            0..=3 => {
                self.sets[r].put(&self.contexts[client], id, value);
                self.models[r] = update(&self.model_contexts[client], v, &self.models[r], id);
            }
            // A put in the reference's call shape.
            4 => {
                let client_clock = DvvSet::with_context(&self.contexts[client], value);
                self.sets[r] = client_clock.update_against(&self.sets[r], id);
                self.models[r] = update(&self.model_contexts[client], v, &self.models[r], id);
            }
            // A get.
            5..=6 => {
                self.sets[r].join_into(&mut self.contexts[client]);
                self.model_contexts[client] = join(&self.models[r]);
            }
            // A one-way sync.
            7..=8 if r != other => {
                let theirs = self.sets[other].clone();
                self.sets[r].sync(&theirs);
                self.models[r] = sync(&self.models[r], &self.models[other]);
            }
            // A sync leaving both replicas equal.
            9..=10 if r != other => {
                let mut theirs = std::mem::take(&mut self.sets[other]);
                self.sets[r].sync(&theirs);
                theirs.clone_from(&self.sets[r]);
                self.sets[other] = theirs;
                let synced = sync(&self.models[r], &self.models[other]);
                self.models[other] = synced.clone();
                self.models[r] = synced;
            }
            // The other side syncs into this one.
            7..=10 => {
                let client_clock = DvvSet::list_with_context(&self.contexts[client], vec![value]);
                self.sets[r].sync(&client_clock);
                let model_clock = new_with(&self.model_contexts[client], vec![v]);
                self.models[r] = sync(&self.models[r], &model_clock);
            }
            // A reconcile: one anonymous value over the whole history.
            11 => {
                self.sets[r] = self.sets[r].reconcile(|_| value);
                self.models[r] = new_with(&join(&self.models[r]), vec![v]);
            }
            // A client clock with values but no context, synced in.
            _ => {
                let client_clock = DvvSet::new_list(vec![value, T::new(v % 3)]);
                self.sets[r].sync(&client_clock);
                let model_clock = new_with(&[], vec![v, v % 3]);
                self.models[r] = sync(&self.models[r], &model_clock);
            }
        }
    }
}

/// Runs `steps` on a [`World`] of `T` values, checking each replica against
/// the reference after every step through `check`.
fn run<T: Value>(
    steps: &[Step],
    mut check: impl FnMut(&World<T>, usize, Step) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    let mut w = World::<T>::default();
    for (n, &step) in steps.iter().enumerate() {
        w.step(step);
        for r in 0..4 {
            let got = w.sets[r].clone().map(|v| v.number());
            let want = as_set(&w.models[r]);
            prop_assert_eq!(
                &got,
                &want,
                "replica {} after step {} {:?}: {} but the reference gives {}",
                r,
                n,
                step,
                got,
                want
            );
            let ctx: Vec<(u8, u64)> = w.sets[r].join().iter().map(|(i, n)| (*i, n)).collect();
            prop_assert_eq!(ctx, join(&w.models[r]));
        }
        check(&w, n, step)?;
    }
    Ok(())
}

/// Runs `steps` with [`Counted`] values, checking after every step that
/// exactly the values the replicas store are alive, and none once they go.
fn run_counted<const PAD: usize>(steps: &[Step]) -> Result<(), TestCaseError> {
    let alive = || ALIVE.with(Cell::get);
    let before = alive();
    run::<Counted<PAD>>(steps, |w, n, step| {
        let stored: usize = w.sets.iter().map(DvvSet::stored_len).sum();
        prop_assert_eq!(
            alive() - before,
            stored as i64,
            "after step {} {:?} the replicas store {} values",
            n,
            step,
            stored
        );
        for set in &w.sets {
            prop_assert!(
                set.stored_len() >= set.size(),
                "{:?} stores fewer than it holds",
                set
            );
        }
        Ok(())
    })?;
    prop_assert_eq!(
        alive(),
        before,
        "values still alive after the replicas went"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn dvvset_computes_what_the_reference_computes(steps in history()) {
        run::<u32>(&steps, |w, _, _| {
            for r in 0..4 {
                prop_assert_eq!(w.sets[r].to_string(), as_set(&w.models[r]).to_string());
            }
            Ok(())
        })?;
    }

    /// Values of 8 bytes (a block is 8 places, so most regions move by the
    /// length path) and of 56 bytes (a block is one place, so regions of
    /// one move by the block path): each alive exactly as long as a
    /// replica stores it.
    #[test]
    fn dvvset_drops_each_value_once(steps in history()) {
        run_counted::<1>(&steps)?;
        run_counted::<13>(&steps)?;
    }
}

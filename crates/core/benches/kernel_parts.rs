//! The `kernel` bench's fastest replay taken apart, for profiles (`./dev
//! kernel-instructions`): the same 200,000 operations of the reference's
//! workload (`reference/mod.rs`).
//!
//! - `kernel-parts/loop-only-200k-ops`: the replays' own loop (reading each
//!   operation, branching on its kind, picking a sync's pair) with next to
//!   nothing to do, a word per replica and client: what every replay of the
//!   workload pays, the reference's too;
//! - `kernel-parts/dvvset-apart-200k-ops`: the fastest replay with each kind
//!   of call kept out of line (`put_apart`, `get_apart`, `DvvSet::sync`,
//!   `copy_apart`), so that callgrind counts them apart; each call costs a
//!   few instructions more than inlined.
//!
//! A bench of its own: in the `kernel` bench's binary, a second caller of
//! `DvvSet::put` and `clone_from` changes how the compiler inlines them into
//! the replay that bench times (42.4 M instead of 43.7 M instructions).
//!
//! Run: `cargo bench -p wildling-core --bench kernel_parts`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wildling_core::causality::{DvvSet, VersionVector};

mod reference;

use reference::{Op, Replica, FINAL_SIZES, REPLICAS};

/// The fastest use (`u8` ids, `put` and `sync` in place, `clone_from` for
/// the second replica), each kind of call out of line.
struct Apart(DvvSet<u8, u32>);

#[inline(never)]
fn put_apart(set: &mut DvvSet<u8, u32>, ctx: &VersionVector<u8>, replica: usize, value: u32) {
    set.put(ctx, replica as u8, value)
}

#[inline(never)]
fn get_apart(set: &DvvSet<u8, u32>, ctx: &mut VersionVector<u8>) {
    set.join_into(ctx)
}

#[inline(never)]
fn copy_apart(to: &mut DvvSet<u8, u32>, from: &DvvSet<u8, u32>) {
    to.clone_from(from)
}

impl Replica for Apart {
    type Context = VersionVector<u8>;
    fn empty() -> Self {
        Apart(DvvSet::default())
    }
    fn put(&mut self, ctx: &Self::Context, replica: usize, _client: usize, value: u32) {
        put_apart(&mut self.0, ctx, replica, value)
    }
    fn get(&self, ctx: &mut Self::Context) {
        get_apart(&self.0, ctx)
    }
    fn sync_both(a: &mut Self, b: &mut Self) {
        a.0.sync(&b.0);
        copy_apart(&mut b.0, &a.0);
    }
}

/// A word per replica and client; each operation one or two arithmetic
/// instructions.
struct LoopOnly(u64);

impl Replica for LoopOnly {
    type Context = u64;
    fn empty() -> Self {
        LoopOnly(0)
    }
    fn put(&mut self, ctx: &u64, _replica: usize, _client: usize, value: u32) {
        self.0 = self.0.wrapping_add(*ctx ^ u64::from(value));
    }
    fn get(&self, ctx: &mut u64) {
        *ctx = self.0;
    }
    fn sync_both(a: &mut Self, b: &mut Self) {
        a.0 = a.0.max(b.0);
        b.0 = a.0;
    }
}

// Never inlined, so that callgrind counts each.

#[inline(never)]
fn replay_apart(ops: &[Op]) -> [Apart; REPLICAS] {
    reference::run(ops)
}

#[inline(never)]
fn replay_loop_only(ops: &[Op]) -> [LoopOnly; REPLICAS] {
    reference::run(ops)
}

fn kernel_parts(c: &mut Criterion) {
    let ops: Vec<Op> = reference::load();
    assert_eq!(
        reference::sizes(&replay_apart(&ops), |s| s.0.size()),
        FINAL_SIZES,
        "the workload must leave 2, 7 and 2 siblings at a, b and c"
    );
    let mut group = c.benchmark_group("kernel-parts");
    group.throughput(Throughput::Elements(ops.len() as u64));
    group.sample_size(20);
    group.bench_function("loop-only-200k-ops", |b| {
        b.iter(|| replay_loop_only(std::hint::black_box(&ops)))
    });
    group.bench_function("dvvset-apart-200k-ops", |b| {
        b.iter(|| replay_apart(std::hint::black_box(&ops)))
    });
    group.finish();
}

criterion_group!(benches, kernel_parts);
criterion_main!(benches);

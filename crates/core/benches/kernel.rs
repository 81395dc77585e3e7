//! The kernel on the reference's own workload: the 200,000 operations of
//! `benches/reference/dvvset-200k-ops.json.gz`, which `dvvset.erl` replays
//! in 81–85 ms (see `reference/mod.rs`). Decompressed and parsed once, and
//! checked to leave 2, 7 and 2 siblings at `a`, `b` and `c` before anything
//! is timed; each iteration replays all of it from three empty clocks.
//!
//! - `kernel/dvvset-200k-ops`: the fastest honest use of the public API
//!   (`put` and `sync` in place, `clone_from` for the second replica);
//! - `kernel/keyclock-dvvset-200k-ops`: the same through `KeyClock`, the
//!   simulator's path;
//! - `kernel/reference-shape-200k-ops`: the reference's call shape
//!   (`with_context` then `update_against`, `String` ids, `sync_list`).
//!
//! Run: `cargo bench -p wildling-core --bench kernel`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod reference;

use reference::{Op, FINAL_SIZES};

/// Asserts that a replay leaves the reference's sibling counts.
fn check(name: &str, sizes: [usize; reference::REPLICAS]) {
    assert_eq!(
        sizes, FINAL_SIZES,
        "{name}: the workload must leave 2, 7 and 2 siblings at a, b and c"
    );
}

fn kernel(c: &mut Criterion) {
    let ops: Vec<Op> = reference::load();
    check(
        "replay",
        reference::sizes(&reference::replay(&ops), |s| s.size()),
    );
    check(
        "replay_key_clocks",
        reference::sizes(&reference::replay_key_clocks(&ops), |k| k.sibling_count()),
    );
    check(
        "replay_reference_shape",
        reference::sizes(&reference::replay_reference_shape(&ops), |s| s.size()),
    );
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(ops.len() as u64));
    group.sample_size(20);
    group.bench_function("dvvset-200k-ops", |b| {
        b.iter(|| reference::replay(std::hint::black_box(&ops)))
    });
    group.bench_function("keyclock-dvvset-200k-ops", |b| {
        b.iter(|| reference::replay_key_clocks(std::hint::black_box(&ops)))
    });
    group.sample_size(10);
    group.bench_function("reference-shape-200k-ops", |b| {
        b.iter(|| reference::replay_reference_shape(std::hint::black_box(&ops)))
    });
    group.finish();
}

criterion_group!(benches, kernel);
criterion_main!(benches);

//! Raw simulator throughput: delivered messages per second for a 5-node
//! cluster (N=3, R=2, W=2, DVVSet) under a steady put/get load from 8 clients,
//! with tracing and history off, with every failure-handling mechanism on and
//! with the basic path only; and the consistency checker over the history of
//! that load (`steady_load/mod.rs`, which `crates/wasm-bench` runs in
//! Chromium too). Run: `cargo bench -p wildling-core --bench sim`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wildling_core::cluster::Cluster;
use wildling_core::scenario::Scenario;
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::SimOptions;

mod steady_load;

use steady_load::{steady_load, OPS};

fn deliveries(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim");
    group.sample_size(10);
    for (name, scenario) in steady_load::cases() {
        bench(&mut group, name, &scenario);
    }
    group.finish();
}

/// One consistency check (what the UI re-runs while a cluster plays) over
/// the finished history of the steady load: 10,000 operations on 64 keys.
fn checker(c: &mut Criterion) {
    let options = SimOptions {
        trace: TraceMode::Off,
        ..SimOptions::default()
    };
    let mut cluster = Cluster::new(&steady_load(), options).expect("the bench scenario is valid");
    cluster.run();
    let ops = cluster.sim().history().ops.len();
    assert_eq!(ops, OPS, "the history holds every operation");
    let mut group = c.benchmark_group("checker");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ops as u64));
    group.bench_function("check_10k_ops_steady_put_get", |b| {
        b.iter(|| cluster.check())
    });
    group.finish();
}

/// Throughput of one scenario, in delivered messages.
fn bench(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    scenario: &Scenario,
) {
    let options = steady_load::throughput_options();
    let build = || Cluster::new(scenario, options).expect("the bench scenario is valid");
    let mut probe = build();
    probe.run();
    let delivered = probe.sim().stats().delivered;
    assert!(
        delivered > 50_000,
        "the load delivered only {delivered} messages"
    );
    // Printed so that instruction counts (callgrind) can be taken per delivery.
    eprintln!(
        "{name}: {delivered} deliveries, {} events per run",
        probe.sim().stats().events
    );
    group.throughput(Throughput::Elements(delivered));
    group.bench_function(name, |b| {
        // The cluster is returned so that dropping it falls outside the timing.
        b.iter_batched(
            build,
            |mut cluster| {
                cluster.run();
                cluster
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, deliveries, checker);
criterion_main!(benches);

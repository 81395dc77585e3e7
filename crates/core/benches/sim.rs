//! Raw simulator throughput: delivered messages per second for a 5-node
//! cluster (N=3, R=2, W=2, DVVSet) under a steady put/get load from 8 clients,
//! with tracing and history off, with every failure-handling mechanism on and
//! with the basic path only; and the consistency checker over the history of
//! that load. Run: `cargo bench -p wildling-core --bench sim`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wildling_core::cluster::Cluster;
use wildling_core::node::ContextChoice;
use wildling_core::node::Mechanisms;
use wildling_core::scenario::{ClusterConfig, GetSpec, PutSpec, Scenario, TimelineEntry};
use wildling_core::sim::network::NetworkOptions;
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::SimOptions;
use wildling_core::NodeId;

const OPS: usize = 10_000;
const CLIENTS: u16 = 8;
const KEYS: usize = 64;

/// 10,000 operations: each of 8 clients repeatedly reads a key and, 12 ticks
/// later, writes it back with the context it read (read-modify-write), over
/// 64 keys, through all five nodes.
fn steady_load() -> Scenario {
    let timeline = (0..OPS / 2)
        .flat_map(|i| {
            let client = (i % usize::from(CLIENTS)) as u16 + 1;
            let key = format!("key{}", (i * 7) % KEYS);
            let node = NodeId((i % 5) as u16 + 1);
            let at = (i / usize::from(CLIENTS) * 24 + i % usize::from(CLIENTS)) as i64;
            let entry = |at| TimelineEntry {
                client: Some(client),
                ..TimelineEntry::at(at)
            };
            let get = GetSpec {
                key: key.clone(),
                node,
                r: None,
            };
            let put = PutSpec {
                key,
                value: format!("v{i}"),
                node,
                context: ContextChoice::LastGet,
                w: None,
            };
            [
                TimelineEntry {
                    get: Some(get),
                    ..entry(at)
                },
                TimelineEntry {
                    put: Some(put),
                    ..entry(at + 12)
                },
            ]
        })
        .collect();
    Scenario {
        version: 1,
        name: "bench-steady-load".into(),
        description: String::new(),
        seed: 1,
        cluster: ClusterConfig {
            nodes: 5,
            partitions: 16,
            n: 3,
            r: 2,
            w: 2,
            mode: "dvvset".parse().expect("a mode"),
            clients: CLIENTS,
            request_timeout_ticks: 20,
            client_timeout_ticks: 50,
            ..ClusterConfig::default()
        },
        network: NetworkOptions::default(),
        timeline,
        run_until: None,
        schedule: None,
    }
}

fn deliveries(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim");
    group.sample_size(10);
    let all_on = steady_load();
    let mut basic = steady_load();
    basic.cluster.mechanisms = Mechanisms::NONE;
    for (name, scenario) in [
        ("deliveries_5_nodes_steady_put_get", all_on),
        ("deliveries_5_nodes_steady_put_get_basic_path", basic),
    ] {
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
    let options = SimOptions {
        trace: TraceMode::Off,
        history: false,
        ..SimOptions::default()
    };
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

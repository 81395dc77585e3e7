//! The simulator benchmarks' load: a 5-node cluster (N=3, R=2, W=2, DVVSet)
//! under a steady read-modify-write load from 8 clients over 64 keys, run
//! with tracing and history off, once with every failure-handling mechanism
//! on and once on the basic path only.
//!
//! Shared by the native `sim` bench (criterion) and by `crates/wasm-bench`,
//! which runs the same two cases compiled to WebAssembly in headless
//! Chromium, so both measure exactly the same clusters.

// Each user takes what it needs.
#![allow(dead_code)]

use wildling_core::node::ContextChoice;
use wildling_core::node::Mechanisms;
use wildling_core::scenario::{ClusterConfig, GetSpec, PutSpec, Scenario, TimelineEntry};
use wildling_core::sim::network::NetworkOptions;
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::SimOptions;
use wildling_core::NodeId;

/// Operations in the load: half gets, half puts.
pub const OPS: usize = 10_000;
/// Clients taking turns.
pub const CLIENTS: u16 = 8;
/// Keys written.
pub const KEYS: usize = 64;

/// 10,000 operations: each of 8 clients repeatedly reads a key and, 12 ticks
/// later, writes it back with the context it read (read-modify-write), over
/// 64 keys, through all five nodes.
pub fn steady_load() -> Scenario {
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

/// The two throughput cases, by their bench names: every mechanism on, and
/// the basic Get/Put path (mechanisms off).
pub fn cases() -> [(&'static str, Scenario); 2] {
    let mut basic = steady_load();
    basic.cluster.mechanisms = Mechanisms::NONE;
    [
        ("deliveries_5_nodes_steady_put_get", steady_load()),
        ("deliveries_5_nodes_steady_put_get_basic_path", basic),
    ]
}

/// How throughput is measured: no trace, no history.
pub fn throughput_options() -> SimOptions {
    SimOptions {
        trace: TraceMode::Off,
        history: false,
        ..SimOptions::default()
    }
}

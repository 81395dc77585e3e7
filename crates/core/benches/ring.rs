//! Preference-list lookup on the ring (issue 4).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use wildling_core::ring::Ring;
use wildling_core::NodeId;

fn lookup(c: &mut Criterion, partitions: u32, node_count: u16, n: usize) {
    let nodes: Vec<NodeId> = (1..=node_count).map(NodeId).collect();
    let ring = Ring::new(partitions, &nodes, n).expect("valid ring");
    let keys: Vec<Vec<u8>> = (0..1024u32)
        .map(|i| format!("key-{i}").into_bytes())
        .collect();
    let mut next = 0usize;
    let name = format!("preference_list Q={partitions} nodes={node_count} N={n}");
    c.bench_function(&name, |b| {
        b.iter(|| {
            next = (next + 1) % keys.len();
            ring.preference_list(black_box(&keys[next]), n)
        })
    });
}

fn preference_list(c: &mut Criterion) {
    lookup(c, 64, 5, 3);
    lookup(c, 1024, 64, 3);
}

criterion_group!(benches, preference_list);
criterion_main!(benches);

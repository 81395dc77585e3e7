//! The kernel workload: 200,000 seeded operations on one key over 3 replicas
//! and 8 clients. 40% put with the client's last read context, 30% get
//! (the client keeps `join` as its context), 30% sync of one replica from
//! another. Reported as operations per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wildling_core::causality::{DvvSet, VersionVector};

const OPS: usize = 200_000;
const REPLICAS: usize = 3;
const CLIENTS: usize = 8;
const SEED: u64 = 0x5EED_D0D0;

/// splitmix64: a tiny seeded generator, so the workload is the same every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One operation of the workload.
#[derive(Clone, Copy)]
enum Op {
    Put { client: usize, replica: usize },
    Get { client: usize, replica: usize },
    Sync { to: usize, from: usize },
}

/// The fixed workload, generated once outside the measured loop.
fn workload() -> Vec<Op> {
    let mut rng = SplitMix(SEED);
    (0..OPS)
        .map(|_| {
            let roll = rng.below(100);
            let (client, replica) = (rng.below(CLIENTS), rng.below(REPLICAS));
            if roll < 40 {
                Op::Put { client, replica }
            } else if roll < 70 {
                Op::Get { client, replica }
            } else {
                let from = (replica + 1 + rng.below(REPLICAS - 1)) % REPLICAS;
                Op::Sync { to: replica, from }
            }
        })
        .collect()
}

/// Replays the workload; returns the total sibling count so nothing is
/// optimised away.
fn run(ops: &[Op]) -> usize {
    let mut replicas: [DvvSet<u8, u32>; REPLICAS] = Default::default();
    let mut contexts: [VersionVector<u8>; CLIENTS] = Default::default();
    for (value, op) in ops.iter().enumerate() {
        match *op {
            Op::Put { client, replica } => {
                replicas[replica].put(&contexts[client], replica as u8, value as u32)
            }
            Op::Get { client, replica } => replicas[replica].join_into(&mut contexts[client]),
            Op::Sync { to, from } => {
                let (low, high) = replicas.split_at_mut(to.max(from));
                let (a, b) = (&mut low[to.min(from)], &mut high[0]);
                if to < from {
                    a.sync(b)
                } else {
                    b.sync(a)
                }
            }
        }
    }
    replicas.iter().map(DvvSet::size).sum()
}

fn kernel(c: &mut Criterion) {
    let ops = workload();
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(OPS as u64));
    group.sample_size(20);
    group.bench_function("dvvset-200k-ops", |b| {
        b.iter(|| run(std::hint::black_box(&ops)))
    });
    group.finish();
}

criterion_group!(benches, kernel);
criterion_main!(benches);

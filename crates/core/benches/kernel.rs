//! The kernel workload: 200,000 seeded operations on one key over 3 replicas
//! and 8 clients. 40% put with the client's last read context, 30% get
//! (the client keeps `join` as its context), 30% sync of one replica from
//! another. Reported as operations per second, twice: straight on
//! `DvvSet`, and through `KeyClock` in DVVSet mode, the simulator's path.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wildling_core::causality::{
    CausalityMode, ClientId, Context, DvvSet, KeyClock, VersionVector, Write,
};
use wildling_core::ids::NodeId;

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

/// One replica's clock and one client's context, as a replay sees them.
trait Replay {
    /// What a client keeps from a get.
    type Context: Default;
    /// An empty clock.
    fn empty() -> Self;
    /// The put of `value` by `client` at `replica` with context `ctx`.
    fn put(&mut self, ctx: &Self::Context, replica: usize, client: usize, value: u32);
    /// A get: the clock's context into `ctx`.
    fn get(&self, ctx: &mut Self::Context);
    /// `self` syncs with `other`.
    fn sync(&mut self, other: &Self);
    /// The number of siblings.
    fn size(&self) -> usize;
}

impl Replay for DvvSet<u8, u32> {
    type Context = VersionVector<u8>;
    fn empty() -> Self {
        DvvSet::default()
    }
    fn put(&mut self, ctx: &Self::Context, replica: usize, _client: usize, value: u32) {
        DvvSet::put(self, ctx, replica as u8, value)
    }
    fn get(&self, ctx: &mut Self::Context) {
        self.join_into(ctx)
    }
    fn sync(&mut self, other: &Self) {
        DvvSet::sync(self, other)
    }
    fn size(&self) -> usize {
        DvvSet::size(self)
    }
}

impl Replay for KeyClock<u32> {
    type Context = Context;
    fn empty() -> Self {
        KeyClock::new(CausalityMode::DvvSet)
    }
    fn put(&mut self, ctx: &Context, replica: usize, client: usize, value: u32) {
        let write = Write {
            replica: NodeId(replica as u16 + 1),
            client: ClientId(client as u16 + 1),
            value,
            timestamp: u64::from(value),
        };
        KeyClock::put(self, ctx, write)
    }
    fn get(&self, ctx: &mut Context) {
        self.context_into(ctx)
    }
    fn sync(&mut self, other: &Self) {
        KeyClock::sync(self, other)
    }
    fn size(&self) -> usize {
        self.sibling_count()
    }
}

/// Replays the workload; returns the total sibling count so nothing is
/// optimised away.
fn run<C: Replay>(ops: &[Op]) -> usize {
    let mut replicas: [C; REPLICAS] = std::array::from_fn(|_| C::empty());
    let mut contexts: [C::Context; CLIENTS] = Default::default();
    for (value, op) in ops.iter().enumerate() {
        match *op {
            Op::Put { client, replica } => {
                replicas[replica].put(&contexts[client], replica, client, value as u32)
            }
            Op::Get { client, replica } => replicas[replica].get(&mut contexts[client]),
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
    replicas.iter().map(C::size).sum()
}

fn kernel(c: &mut Criterion) {
    let ops = workload();
    assert_eq!(
        run::<DvvSet<u8, u32>>(&ops),
        run::<KeyClock<u32>>(&ops),
        "both paths must replay the workload to the same siblings"
    );
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(OPS as u64));
    group.sample_size(20);
    group.bench_function("dvvset-200k-ops", |b| {
        b.iter(|| run::<DvvSet<u8, u32>>(std::hint::black_box(&ops)))
    });
    group.bench_function("keyclock-dvvset-200k-ops", |b| {
        b.iter(|| run::<KeyClock<u32>>(std::hint::black_box(&ops)))
    });
    group.finish();
}

criterion_group!(benches, kernel);
criterion_main!(benches);

//! The kernel workload shared with the reference: `dvvset-200k-ops.json.gz`,
//! 200,000 operations on one key over three replicas `a`, `b`, `c` and eight
//! clients, generated once by `dvvset.erl` and replayed there for timing
//! (81–85 ms, best of 5, Erlang/OTP 25 with the JIT, on the project's 2-core
//! machine kind). Each operation means what the reference did with it:
//!
//! - put: `dvvset:update(dvvset:new(Context, V), Server, R)`, with the
//!   context of the client's last get (empty before its first);
//! - get: the client keeps `dvvset:join(Server)` as its context;
//! - sync: both replicas end with `dvvset:sync([S1, S2])`.
//!
//! Shared by the `kernel` bench (which times the replays) and the
//! `reference_workload` test (which checks that they agree). Three replays of
//! the same operations through the public API:
//!
//! - [`replay`]: the fastest honest use, `u8` ids, [`DvvSet::put`] and
//!   [`DvvSet::sync`] in place and `clone_from` for the second replica;
//! - [`replay_key_clocks`]: through [`KeyClock`], the simulator's path;
//! - [`replay_reference_shape`]: the reference's call shape, a client clock
//!   from [`DvvSet::with_context`], [`DvvSet::update_against`], `String` ids
//!   and [`DvvSet::sync_list`] of the pair.

// Each user takes what it needs.
#![allow(dead_code)]

use std::io::Read;

use serde::Deserialize;
use wildling_core::causality::{
    CausalityMode, ClientId, Context, DvvSet, KeyClock, VersionVector, Write,
};
use wildling_core::ids::NodeId;

/// The replicas' sibling counts after the whole workload, as the reference
/// left them (`size/1` at `a`, `b`, `c`).
pub const FINAL_SIZES: [usize; REPLICAS] = [2, 7, 2];

/// Replicas `a`, `b`, `c`.
pub const REPLICAS: usize = 3;

/// Clients 1 to 8.
pub const CLIENTS: usize = 8;

/// The workload's size cap after decompression (it is 8.6 MB): a damaged
/// file must not fill the memory.
const JSON_BYTES_MAX: u64 = 16 << 20;

/// One operation, with replicas as indexes 0, 1, 2 (`a`, `b`, `c`) and
/// clients as indexes 0 to 7 (clients 1 to 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `client` puts `value` at `replica` with its last get's context.
    Put {
        client: usize,
        replica: usize,
        value: u32,
    },
    /// `client` gets at `replica` and keeps its context.
    Get { client: usize, replica: usize },
    /// Both replicas end with their sync.
    Sync { replicas: [usize; 2] },
}

/// A replica as the file names it.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ReplicaName {
    A,
    B,
    C,
}

/// One line of the file.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Put {
        client: usize,
        replica: ReplicaName,
        value: u32,
    },
    Get {
        client: usize,
        replica: ReplicaName,
    },
    Sync {
        replicas: [ReplicaName; 2],
    },
}

/// Reads the workload from `benches/reference/dvvset-200k-ops.json.gz`.
///
/// # Panics
/// If the file is missing or not the workload, naming what is wrong.
pub fn load() -> Vec<Op> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/reference/dvvset-200k-ops.json.gz"
    );
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(file)
        .take(JSON_BYTES_MAX)
        .read_to_end(&mut json)
        .unwrap_or_else(|e| panic!("{path}: not gzip: {e}"));
    let lines: Vec<Line> =
        serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{path}: not the workload: {e}"));
    let client = |c: usize| {
        assert!(
            (1..=CLIENTS).contains(&c),
            "{path}: client {c} is not one of 1 to {CLIENTS}"
        );
        c - 1
    };
    lines
        .into_iter()
        .map(|line| match line {
            Line::Put {
                client: c,
                replica,
                value,
            } => Op::Put {
                client: client(c),
                replica: replica as usize,
                value,
            },
            Line::Get { client: c, replica } => Op::Get {
                client: client(c),
                replica: replica as usize,
            },
            Line::Sync { replicas: [a, b] } => {
                assert!(
                    a as usize != b as usize,
                    "{path}: a replica syncs with itself"
                );
                Op::Sync {
                    replicas: [a as usize, b as usize],
                }
            }
        })
        .collect()
}

/// The two distinct replicas of a sync, both mutable.
fn pair<T>(replicas: &mut [T; REPLICAS], [a, b]: [usize; 2]) -> (&mut T, &mut T) {
    let (low, high) = replicas.split_at_mut(a.max(b));
    let (first, second) = (&mut low[a.min(b)], &mut high[0]);
    if a < b {
        (first, second)
    } else {
        (second, first)
    }
}

/// One replica's clock as a replay calls it, with what a client keeps.
pub trait Replica: Sized {
    /// What a client keeps from a get.
    type Context: Default;
    /// An empty clock.
    fn empty() -> Self;
    /// `client`'s put of `value` at `replica` (this clock), with `ctx`.
    fn put(&mut self, ctx: &Self::Context, replica: usize, client: usize, value: u32);
    /// A get: this clock's context into `ctx`.
    fn get(&self, ctx: &mut Self::Context);
    /// Both clocks end with their sync.
    fn sync_both(a: &mut Self, b: &mut Self);
}

/// The fastest honest use: `u8` ids, puts and syncs in place, and one
/// `clone_from` to leave the second replica equal to the first.
impl Replica for DvvSet<u8, u32> {
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
    fn sync_both(a: &mut Self, b: &mut Self) {
        a.sync(b);
        b.clone_from(a);
    }
}

/// Through [`KeyClock`] in DVVSet mode, as the simulator's nodes call it
/// (node ids 1 to 3).
impl Replica for KeyClock<u32> {
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
    fn sync_both(a: &mut Self, b: &mut Self) {
        a.sync(b);
        b.clone_from(a);
    }
}

/// The reference's call shape: `update(new(Context, V), Server, R)` as
/// [`DvvSet::with_context`] then [`DvvSet::update_against`], `join/1` for a
/// get, `sync/1` of the pair for a sync, ids `"a"`, `"b"`, `"c"`.
impl Replica for DvvSet<String, u32> {
    type Context = VersionVector<String>;
    fn empty() -> Self {
        DvvSet::default()
    }
    fn put(&mut self, ctx: &Self::Context, replica: usize, _client: usize, value: u32) {
        const IDS: [&str; REPLICAS] = ["a", "b", "c"];
        *self = DvvSet::with_context(ctx, value).update_against(self, IDS[replica].to_string());
    }
    fn get(&self, ctx: &mut Self::Context) {
        *ctx = self.join();
    }
    fn sync_both(a: &mut Self, b: &mut Self) {
        let synced = DvvSet::sync_list([&*a, &*b]);
        *a = synced.clone();
        *b = synced;
    }
}

/// Replays `ops` from three empty clocks and returns them.
#[inline(always)]
pub fn run<R: Replica>(ops: &[Op]) -> [R; REPLICAS] {
    let mut replicas: [R; REPLICAS] = std::array::from_fn(|_| R::empty());
    let mut contexts: [R::Context; CLIENTS] = Default::default();
    for op in ops {
        match *op {
            Op::Put {
                client,
                replica,
                value,
            } => replicas[replica].put(&contexts[client], replica, client, value),
            Op::Get { client, replica } => replicas[replica].get(&mut contexts[client]),
            Op::Sync { replicas: both } => {
                let (a, b) = pair(&mut replicas, both);
                R::sync_both(a, b)
            }
        }
    }
    replicas
}

// The replays are never inlined, so that callgrind counts each
// (`./dev kernel-instructions`).

/// The fastest honest replay (see its [`Replica`] impl).
#[inline(never)]
pub fn replay(ops: &[Op]) -> [DvvSet<u8, u32>; REPLICAS] {
    run(ops)
}

/// The replay through [`KeyClock`], the simulator's path.
#[inline(never)]
pub fn replay_key_clocks(ops: &[Op]) -> [KeyClock<u32>; REPLICAS] {
    run(ops)
}

/// The replay in the reference's call shape.
#[inline(never)]
pub fn replay_reference_shape(ops: &[Op]) -> [DvvSet<String, u32>; REPLICAS] {
    run(ops)
}

/// The sibling counts of some replicas.
pub fn sizes<C>(replicas: &[C; REPLICAS], size: impl Fn(&C) -> usize) -> [usize; REPLICAS] {
    std::array::from_fn(|n| size(&replicas[n]))
}

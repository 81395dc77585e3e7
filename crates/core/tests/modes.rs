//! The anomaly of each causality mode that the reference README describes,
//! and DVVSet without it; Dynamo's vector-clock pruning and the false
//! conflicts it makes; plus the paper DVV kernel's facts.

// A test's own sorting, never shipped: clippy.toml's rule is for the model.
#![allow(clippy::disallowed_methods)]

use wildling_core::causality::{
    CausalityMode, ClientId, Context, Dot, Dvv, DvvSiblings, KeyClock, Version, VersionVector,
    Write,
};
use wildling_core::NodeId;

const A: NodeId = NodeId(1);
const B: NodeId = NodeId(2);

/// One replica's key under `mode`, driven by puts; the check helper of this
/// file.
struct Key {
    clock: KeyClock<String>,
    time: u64,
    /// The prune threshold its puts apply (client-id vectors).
    prune: Option<u32>,
}

impl Key {
    fn new(mode: CausalityMode) -> Self {
        Key {
            clock: KeyClock::new(mode),
            time: 0,
            prune: None,
        }
    }

    /// A client-id vector key whose puts keep at most `threshold` entries.
    fn pruning(threshold: u32) -> Self {
        Key {
            prune: Some(threshold),
            ..Key::new(CausalityMode::ClientVv)
        }
    }

    /// Client `client` puts `value` at `replica` with context `ctx`.
    fn put(&mut self, replica: NodeId, client: u16, ctx: &Context, value: &str) {
        self.time += 1;
        let write = Write {
            replica,
            client: ClientId(client),
            value: value.to_string(),
            timestamp: self.time,
        };
        self.clock.put_pruning(ctx, write, self.prune);
    }

    /// Client `client` gets, then puts `value` with what it read.
    fn read_then_put(&mut self, client: u16, value: &str) {
        let ctx = self.clock.context();
        self.put(A, client, &ctx, value);
    }

    #[track_caller]
    fn check(&self, siblings: &[&str]) {
        let mut got: Vec<&str> = self
            .clock
            .values()
            .into_iter()
            .map(String::as_str)
            .collect();
        got.sort();
        let mut want = siblings.to_vec();
        want.sort();
        assert_eq!(got, want, "{} clock {}", self.clock.mode(), self.clock);
    }
}

/// README, server ids #1: v1 and v2 hit A concurrently, then v3 saw v1 only.
fn concurrent_writes_at_one_server(mode: CausalityMode) -> Key {
    let mut key = Key::new(mode);
    key.put(A, 1, &Context::empty(), "v1");
    let saw_v1 = key.clock.context();
    key.put(A, 2, &Context::empty(), "v2");
    key.put(A, 1, &saw_v1, "v3");
    key
}

#[test]
fn server_vv_separate_loses_a_concurrent_write() {
    concurrent_writes_at_one_server(CausalityMode::ServerVvSeparate).check(&["v3"]);
    concurrent_writes_at_one_server(CausalityMode::DvvSet).check(&["v2", "v3"]);
}

#[test]
fn lww_silently_loses_concurrent_writes() {
    concurrent_writes_at_one_server(CausalityMode::Lww).check(&["v3"]);
    let mut a = Key::new(CausalityMode::Lww);
    let mut b = Key::new(CausalityMode::Lww);
    a.put(A, 1, &Context::empty(), "x");
    b.put(B, 2, &Context::empty(), "y");
    a.clock.sync(&b.clock);
    b.clock.sync(&a.clock);
    assert!(a.clock.equal(&b.clock));
    a.check(&["y"]); // same timestamp: the tie goes to the greater replica
}

/// README, server ids #2 and scenario 1: one client writes with the context
/// of its last read while another writes with none, 101 writes in all.
fn stale_context_writer(mode: CausalityMode) -> Key {
    let mut key = Key::new(mode);
    let mut ctx = Context::empty();
    for n in 1..=101 {
        if n % 2 == 1 {
            key.put(A, 1, &ctx, &format!("v{n}"));
            ctx = key.clock.context();
        } else {
            key.put(A, 2, &Context::empty(), &format!("v{n}"));
        }
    }
    key
}

#[test]
fn server_vv_merged_explodes_into_false_conflicts() {
    assert_eq!(
        stale_context_writer(CausalityMode::ServerVvMerged)
            .clock
            .sibling_count(),
        101
    );
    stale_context_writer(CausalityMode::DvvSet).check(&["v100", "v101"]);
}

#[test]
fn server_vv_merged_keeps_a_value_the_writer_saw() {
    concurrent_writes_at_one_server(CausalityMode::ServerVvMerged).check(&["v1", "v2", "v3"]);
}

#[test]
fn client_vv_grows_one_entry_per_client() {
    for (mode, entries) in [(CausalityMode::ClientVv, 50), (CausalityMode::DvvSet, 2)] {
        let mut key = Key::new(mode);
        for client in 1..=50 {
            let ctx = key.clock.context();
            key.put(
                if client % 2 == 0 { A } else { B },
                client,
                &ctx,
                &format!("v{client}"),
            );
        }
        key.check(&["v50"]);
        assert_eq!(key.clock.context().vv.len(), entries, "{mode}");
    }
    // ... and it is exact: the README's v1/v2/v3 come out right.
    concurrent_writes_at_one_server(CausalityMode::ClientVv).check(&["v2", "v3"]);
}

/// Client 1's third put of a key, with context `ctx`, reaches a coordinator
/// that missed its first two. Returns the up-to-date replica after syncing
/// the stale one.
fn own_counter_at_a_stale_coordinator(ctx: &Context) -> Key {
    let mut fresh = Key::new(CausalityMode::ClientVv);
    fresh.put(A, 1, &Context::empty(), "w1");
    fresh.put(A, 1, &"{c1:1}".parse().expect("a context"), "w2");
    let mut stale = Key::new(CausalityMode::ClientVv);
    stale.put(B, 1, ctx, "w3");
    fresh.clock.sync(&stale.clock);
    fresh
}

#[test]
fn client_vv_never_reuses_a_clients_counter() {
    // The client is the actor: its third put carries its own entry, c1:2,
    // and the stale coordinator numbers it max(2, 0) + 1 = 3.
    own_counter_at_a_stale_coordinator(&"{c1:2}".parse().expect("a context")).check(&["w3"]);
    // Without the client's own entry the stale coordinator derives the
    // counter from its copy, reissues c1:1, and w3 is discarded as seen.
    own_counter_at_a_stale_coordinator(&Context::empty()).check(&["w2"]);
}

/// Clients 1, 2 and 3 each read and write over the last write, at ticks 1
/// to 3, under a threshold of 3 entries.
fn three_readers_under_threshold_3() -> Key {
    let mut key = Key::pruning(3);
    for client in 1..=3 {
        key.read_then_put(client, &format!("v{client}"));
    }
    key
}

#[test]
fn client_vv_pruning_drops_the_oldest_entry_at_threshold_plus_one() {
    // Three entries: at the threshold, nothing is pruned, and each write
    // supersedes the one its client read.
    let mut key = three_readers_under_threshold_3();
    assert_eq!(key.clock.to_string(), "[{c1:1@1, c2:1@2, c3:1@3}=v3]");
    // The fourth client makes four: c1's entry, updated at tick 1, goes
    // (and v3 stays, see the false conflict below).
    key.read_then_put(4, "v4");
    assert_eq!(
        key.clock.to_string(),
        "[{c1:1@1, c2:1@2, c3:1@3}=v3, {c2:1@2, c3:1@3, c4:1@4}=v4]"
    );
    // Without a threshold the same history keeps every entry.
    let mut exact = Key::new(CausalityMode::ClientVv);
    for client in 1..=4 {
        exact.read_then_put(client, &format!("v{client}"));
    }
    assert_eq!(exact.clock.to_string(), "[{c1:1, c2:1, c3:1, c4:1}=v4]");
}

#[test]
fn client_vv_pruning_breaks_ties_by_the_smaller_client_and_keeps_the_writers_entry() {
    // A context whose entries c1 and c2 were updated at the same tick, c3
    // earlier, and c5 undated (a context written by hand has no stamps).
    let mut ctx: Context = "{c1:1, c2:1, c3:1, c5:1}".parse().expect("a context");
    ctx.stamps = [(ClientId(1), 7), (ClientId(2), 7), (ClientId(3), 4)].into();
    let mut key = Key::pruning(2);
    key.time = 6;
    // c4's write at tick 7 has five entries; three go: c5 (undated, tick
    // 0), c3 (tick 4), then of c1 and c2 (tick 7) the smaller id, c1. c4's
    // own entry, also stamped 7, stays: it is the write being made.
    key.put(A, 4, &ctx, "w");
    assert_eq!(key.clock.to_string(), "[{c2:1@7, c4:1@7}=w]");
    // A threshold of 1 keeps the writer's entry alone.
    let mut key = Key::pruning(1);
    key.put(A, 4, &ctx, "w");
    assert_eq!(key.clock.to_string(), "[{c4:1@1}=w]");
}

#[test]
fn client_vv_pruning_turns_a_read_then_write_into_a_false_conflict() {
    // c4 read v3 and wrote v4 with what it read; with c1's entry pruned, v4's
    // vector no longer descends v3's, so v3 stays as v4's sibling: two
    // causally ordered writes kept as concurrent.
    let mut key = three_readers_under_threshold_3();
    key.read_then_put(4, "v4");
    key.check(&["v3", "v4"]);
    // The next reader writes over both, and its vector loses c1 and c2: it
    // descends neither, and the false conflicts pile up.
    key.read_then_put(5, "v5");
    key.check(&["v3", "v4", "v5"]);
}

#[test]
fn replicas_converge_in_every_mode() {
    for mode in CausalityMode::ALL {
        let (mut a, mut b) = (Key::new(mode), Key::new(mode));
        a.put(A, 1, &Context::empty(), "x");
        b.put(B, 2, &Context::empty(), "y");
        assert!(!a.clock.equal(&b.clock), "{mode}");
        let a_before = a.clock.clone();
        a.clock.sync(&b.clock);
        b.clock.sync(&a_before);
        assert!(
            a.clock.equal(&b.clock),
            "{mode}: {} vs {}",
            a.clock,
            b.clock
        );
        assert_eq!(mode.to_string().parse::<CausalityMode>().unwrap(), mode);
    }
    assert!("vector-clock"
        .parse::<CausalityMode>()
        .unwrap_err()
        .to_string()
        .contains("vector-clock"));
}

#[test]
#[should_panic(expected = "same causality mode")]
fn sync_across_modes_is_a_bug() {
    KeyClock::<String>::new(CausalityMode::Lww).sync(&KeyClock::new(CausalityMode::DvvSet));
}

#[test]
fn context_text_and_join() {
    let mut ctx: Context = "{n1:2, c3:1}".parse().unwrap();
    ctx.join(&"{n2:1, c1:4}".parse().unwrap());
    assert_eq!(ctx.to_string(), "{n1:2, n2:1, c1:4, c3:1}");
    assert!(
        "{c3:1, n1:2}".parse::<Context>().is_err(),
        "nodes sort before clients"
    );
    assert!("{n1:2, x:1}".parse::<Context>().is_err());
    // Stamps join as riak_core's vclock:merge does: the larger counter's,
    // or the later of equal counters'.
    let stamped = |text: &str, stamps: [(u16, u64); 2]| {
        let mut ctx: Context = text.parse().expect("a context");
        ctx.stamps = stamps.map(|(c, t)| (ClientId(c), t)).into();
        ctx
    };
    let mut ctx = stamped("{c1:2, c2:1}", [(1, 20), (2, 10)]);
    ctx.join(&stamped("{c1:1, c2:1}", [(1, 30), (2, 15)]));
    assert_eq!(ctx.stamps, [(ClientId(1), 20), (ClientId(2), 15)].into());
    let json = serde_json::to_string(&KeyClock::<String>::new(CausalityMode::DvvSet)).unwrap();
    assert_eq!(
        serde_json::from_str::<KeyClock<String>>(&json).unwrap(),
        KeyClock::new(CausalityMode::DvvSet)
    );
}

#[test]
fn keyclock_text_form() {
    let key = concurrent_writes_at_one_server(CausalityMode::DvvSet);
    assert_eq!(key.clock.to_string(), "{[{n1,3,[v3,v2]}],[]}");
    let key = concurrent_writes_at_one_server(CausalityMode::ServerVvMerged);
    assert_eq!(key.clock.to_string(), "{n1:3}[v1, v2, v3]");
    let key = concurrent_writes_at_one_server(CausalityMode::Lww);
    assert_eq!(key.clock.to_string(), "{3,n1,c1,v3}");
}

// The paper kernel: the two facts from Wildling's issue.

fn version(dot: (&str, u64), past: &str, value: &str) -> Version<String, String> {
    let clock = Dvv {
        dot: Dot::new(dot.0.to_string(), dot.1),
        past: past.parse().unwrap(),
    };
    Version {
        clock,
        value: value.to_string(),
    }
}

#[test]
fn dvv_sync_fact() {
    let left =
        DvvSiblings::from_versions([version(("r", 1), "{}", "v1"), version(("r", 2), "{}", "v2")]);
    let right = DvvSiblings::from_versions([version(("r", 3), "{r:1}", "v3")]);
    let want = DvvSiblings::from_versions([
        version(("r", 2), "{}", "v2"),
        version(("r", 3), "{r:1}", "v3"),
    ]);
    assert_eq!(left.sync(&right), want);
    assert_eq!(right.sync(&left), want);
    assert_eq!(want.to_string(), "{((r,2),{})=v2, ((r,3),{r:1})=v3}");
}

#[test]
fn dvv_event_fact() {
    let s = DvvSiblings::from_versions([
        version(("r", 1), "{}", "v1"),
        version(("r", 2), "{s:2}", "v2"),
    ]);
    let ctx: VersionVector<String> = "{r:2, s:2}".parse().unwrap();
    let event = s.event(&ctx, "r".to_string());
    assert_eq!(event.to_string(), "((r,3),{r:2, s:2})");
    assert_eq!(event, version(("r", 3), "{r:2, s:2}", "").clock);
}

/// Issue 13, item 6: c2 puts v0; c1 reads it and puts v1 with that context,
/// then puts v2 blind. v2 carries c1's own entry but not c2's, so v1 and v2
/// are concurrent: DVVSet and client-id vectors both keep them as siblings,
/// and the checker calls it no false conflict (and no lost write) in either.
#[test]
fn a_blind_put_after_a_read_modify_write_is_concurrent_in_both_exact_modes() {
    use wildling_core::cluster::Cluster;
    use wildling_core::scenario::Scenario;
    use wildling_core::sim::SimOptions;
    for mode in ["dvvset", "client-vv"] {
        let text = format!(
            r#"{{ "version": 1, "cluster": {{ "nodes": 3, "n": 3, "r": 2, "w": 2, "mode": "{mode}" }},
              "timeline": [
                {{ "at": 0, "client": 2, "put": {{ "key": "k", "value": "v0", "node": 1 }} }},
                {{ "at": 100, "client": 1, "get": {{ "key": "k", "node": 1 }} }},
                {{ "at": 200, "client": 1, "put": {{ "key": "k", "value": "v1", "node": 1 }} }},
                {{ "at": 300, "client": 1, "put": {{ "key": "k", "value": "v2", "node": 1, "context": "none" }} }} ] }}"#
        );
        let scenario = Scenario::from_json(&text).expect("valid");
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
        cluster.run();
        let summary = cluster.summary(0);
        assert_eq!((summary.ok, summary.max_siblings), (4, 2), "{mode}");
        let report = cluster.check();
        assert!(
            report.false_conflicts.is_empty(),
            "{mode}: {:?}",
            report.false_conflicts
        );
        assert!(
            report.lost_writes.is_empty(),
            "{mode}: {:?}",
            report.lost_writes
        );
    }
}

/// `clone_from` gives a clock equal to its source, within a mode (a
/// DVVSet's buffers reused) and across modes (copied fresh).
#[test]
fn clone_from_gives_the_source_in_every_mode_pair() {
    for to in CausalityMode::ALL {
        for from in CausalityMode::ALL {
            let mut copy: KeyClock<String> = KeyClock::new(to);
            let source = concurrent_writes_at_one_server(from).clock;
            copy.clone_from(&source);
            assert_eq!(copy, source, "{to:?} cloned from {from:?}");
            assert_eq!(copy.clone(), source, "{from:?} cloned");
        }
    }
}

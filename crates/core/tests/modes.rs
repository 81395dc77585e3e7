//! The anomaly of each causality mode that the reference README describes,
//! and DVVSet without it; plus the paper DVV kernel's facts.

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
}

impl Key {
    fn new(mode: CausalityMode) -> Self {
        Key {
            clock: KeyClock::new(mode),
            time: 0,
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
        self.clock.put(ctx, write);
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

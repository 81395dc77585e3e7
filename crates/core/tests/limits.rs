//! Extreme tick values: every tick field of a scenario at, just inside and
//! beyond its documented limit. Validation refuses what is beyond, naming
//! the field; what it accepts runs through the simulator without a panic
//! (every sum of ticks saturates), and time never goes back.

use proptest::prelude::*;
use wildling_core::cluster::Cluster;
use wildling_core::scenario::{Scenario, MAX_AT_TICKS, MAX_INTERVAL_TICKS};
use wildling_core::sim::budget::{Limit, Stopped};
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::SimOptions;

/// Tick values worth trying: mostly the edges of `limit` (a field's
/// documented maximum) and small values, sometimes just beyond it or at the
/// edges of `u64`.
fn ticks(limit: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        9 => prop_oneof![Just(1), Just(2), Just(limit - 1), Just(limit), 0..2_000u64],
        1 => prop_oneof![
            Just(0),
            Just(limit + 1),
            Just(u64::MAX / 2),
            Just(i64::MAX as u64 + 1),
            Just(u64::MAX - 1),
            Just(u64::MAX),
        ],
    ]
}

/// The fields of [`scenario`]: 8 intervals and latencies, 5 times, and
/// whether `run_until` is set.
fn fields() -> impl Strategy<Value = Vec<u64>> {
    (
        prop::collection::vec(ticks(MAX_INTERVAL_TICKS), 8),
        prop::collection::vec(ticks(MAX_AT_TICKS), 5),
        any::<bool>(),
    )
        .prop_map(|(mut t, at, until)| {
            t.extend(at);
            t.push(u64::from(until));
            t
        })
}

/// A scenario with `t[i]` in every tick field: the cluster's timeouts and
/// intervals, the network's and one link's latencies, a latency fault, the
/// timeline's times and `run_until` (if `t[11]` is odd).
fn scenario(t: &[u64]) -> String {
    let run_until = if t[13] == 1 {
        format!(r#", "run_until": {}"#, t[12])
    } else {
        String::new()
    };
    format!(
        r#"{{ "version": 1,
  "cluster": {{ "nodes": 3, "n": 3, "r": 2, "w": 2, "mode": "dvvset",
    "request_timeout_ticks": {}, "client_timeout_ticks": {},
    "hint_handoff_interval_ticks": {}, "anti_entropy_interval_ticks": {},
    "gossip_interval_ticks": {} }},
  "network": {{ "latency_ticks_min": {}, "latency_ticks_max": {}, "reorder_per_million": 500000,
    "duplicate_per_million": 200000,
    "links": [{{ "from": 1, "to": 2, "latency_ticks_min": 0, "latency_ticks_max": {} }}] }},
  "timeline": [
    {{ "at": 0, "client": 1, "put": {{ "key": "k", "value": "v0", "node": 1 }} }},
    {{ "at": {}, "fault": {{ "crash": 2 }} }},
    {{ "at": {}, "fault": {{ "set-latency": {{ "latency_ticks_min": 0, "latency_ticks_max": {} }} }} }},
    {{ "at": {}, "client": 2, "put": {{ "key": "k", "value": "v1", "node": 3 }} }},
    {{ "at": {}, "fault": {{ "restart": 2 }} }},
    {{ "at": {}, "client": 1, "get": {{ "key": "k", "node": 2 }} }}
  ]{run_until} }}"#,
        t[0],
        t[1],
        t[2],
        t[3],
        t[4],
        t[5].min(t[6]),
        t[6],
        t[7],
        t[8],
        t[9],
        t[6],
        t[10],
        t[11],
        t[12]
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn extreme_ticks_are_refused_or_run(t in fields()) {
        let text = scenario(&t);
        let scenario = match Scenario::from_json(&text) {
            Ok(scenario) => scenario,
            Err(e) => {
                let message = e.to_string();
                let fields = ["cluster.", "network.", "timeline[", "run_until:"];
                prop_assert!(
                    fields.iter().any(|f| message.starts_with(f)),
                    "a refusal names the field: {message}"
                );
                return Ok(());
            }
        };
        let options = SimOptions { trace: TraceMode::Off, ..SimOptions::default() };
        let mut cluster = Cluster::new(&scenario, options).expect("validated");
        let mut last = 0;
        let mut events = 0;
        // Retries towards a crashed node may go on for ever: stepping stops
        // at this many events.
        while events < 100_000 && cluster.sim_mut().step() {
            let now = cluster.sim().now();
            prop_assert!(now >= last, "time went back from {last} to {now}");
            last = now;
            events += 1;
        }
    }
}

#[test]
fn every_limit_is_accepted_at_its_edge() {
    let m = MAX_INTERVAL_TICKS;
    let a = MAX_AT_TICKS;
    let t = [m, m, m, m, m, m, m, m, a, a, a, a, a, 1];
    let scenario = Scenario::from_json(&scenario(&t)).expect("every tick field at its limit");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("validated");
    cluster.run();
    assert_eq!(cluster.sim().now(), MAX_AT_TICKS);
}

/// 64 nodes with N = 64 under 20% loss never go quiet: each lost exchange
/// marks a partition dirty again. The run stops at its budget and says so.
#[test]
fn a_run_that_never_goes_quiet_stops_at_its_budget() {
    let text = r#"{ "version": 1, "cluster": { "nodes": 64, "partitions": 64, "n": 64, "r": 1, "w": 1, "mode": "dvvset" },
      "network": { "drop_per_million": 200000 },
      "timeline": [{ "at": 0, "client": 1, "put": { "key": "k", "value": "v", "node": 1 } }] }"#;
    let scenario = Scenario::from_json(text).expect("valid");
    let mut options = SimOptions::default();
    options.budget.events_max = 20_000;
    let mut cluster = Cluster::new(&scenario, options).expect("valid");
    cluster.run();
    let stopped = Stopped::Budget {
        limit: Limit::Events,
        max: 20_000,
        at: cluster.sim().now(),
    };
    assert_eq!(cluster.sim().stopped(), Some(stopped));
    assert_eq!(cluster.summary(0).stopped, Some(stopped));
    assert_eq!(cluster.sim().stats().events, 20_000);
    assert!(
        !cluster.sim_mut().step(),
        "a stopped run takes no more events"
    );
    let line = stopped.to_string();
    assert!(line.contains("budget of 20000 events"), "{line}");
}

/// The horizon counts from the last timeline entry, as the format says:
/// entries past tick 1,000,000 run, and nothing is left pending.
#[test]
fn the_horizon_counts_from_the_last_timeline_entry() {
    let text = r#"{ "version": 1, "cluster": { "nodes": 3, "n": 3, "r": 2, "w": 2, "mode": "dvvset" },
      "timeline": [
        { "at": 999999, "client": 1, "put": { "key": "k", "value": "v", "node": 1 } },
        { "at": 1000001, "client": 1, "get": { "key": "k", "node": 2 } } ] }"#;
    let mut cluster = Cluster::new(
        &Scenario::from_json(text).expect("valid"),
        SimOptions::default(),
    )
    .expect("valid");
    cluster.run();
    let summary = cluster.summary(0);
    assert_eq!((summary.ok, summary.pending, summary.stopped), (2, 0, None));
}

/// A run that is still busy at its horizon stops there and says so: here
/// every message between nodes is lost, so the coordinator's hint and
/// anti-entropy rounds never end.
#[test]
fn a_run_still_busy_at_its_horizon_stops_there() {
    let text = r#"{ "version": 1, "cluster": { "nodes": 3, "n": 3, "r": 1, "w": 1, "mode": "dvvset" },
      "network": { "drop_per_million": 1000000 },
      "timeline": [{ "at": 5, "client": 1, "put": { "key": "k", "value": "v", "node": 1 } }] }"#;
    let mut cluster = Cluster::new(
        &Scenario::from_json(text).expect("valid"),
        SimOptions::default(),
    )
    .expect("valid");
    cluster.run();
    assert_eq!(
        cluster.summary(0).stopped,
        Some(Stopped::Horizon { at: 1_000_005 })
    );
}

//! The sweep tests: random fault schedules over the `sweep-faults` workload,
//! and the `lossy-network` scenario (loss, duplication and reordering for
//! the whole run) under many seeds. With DVVSet and every mechanism on, no
//! acknowledged write is lost and every key converges; the same schedules
//! under LWW lose writes, and client-id version vectors lose none either.
//! Strict quorums keep read your writes under every schedule; a sloppy
//! quorum breaks it.

// A test's own sorting, never shipped: clippy.toml's rule is for the model.
#![allow(clippy::disallowed_methods)]

use wildling_core::causality::CausalityMode;
use wildling_core::checker::{CheckCounts, Guarantee};
use wildling_core::cluster::{Cluster, RunOptions};
use wildling_core::node::Mechanisms;
use wildling_core::scenario::{builtin_scenario, Scenario};
use wildling_core::sim::faults::FaultOptions;
use wildling_core::sim::trace::{TraceKind, TraceMode};
use wildling_core::sim::SimOptions;

const SEEDS: u64 = 1000;

/// The built-in scenario `name` in `mode` with `mechanisms`.
fn builtin(name: &str, mode: CausalityMode, mechanisms: Mechanisms) -> Scenario {
    let json = builtin_scenario(name).expect("a built-in scenario");
    let mut scenario = Scenario::from_json(json).expect("valid");
    scenario.cluster.mode = mode;
    scenario.cluster.mechanisms = mechanisms;
    scenario
}

/// Run `scenario` under `seed` as `wildling sweep` does, with the random
/// fault injector's schedule for the seed over `faults` if any; assert that
/// it went quiet and return the cluster.
fn run(scenario: &Scenario, seed: u64, faults: Option<&FaultOptions>, trace: TraceMode) -> Cluster {
    let options = RunOptions {
        sim: SimOptions {
            trace,
            ..SimOptions::default()
        },
        faults: faults.cloned(),
    };
    let cluster = Cluster::run_seed(scenario, seed, &options).expect("valid");
    assert!(
        cluster.sim().next_event_at().is_none(),
        "seed {seed}: the run did not go quiet"
    );
    cluster
}

/// Run `seeds` random fault schedules in `mode` with `mechanisms`; return
/// each seed's findings.
fn check(mode: CausalityMode, mechanisms: Mechanisms, seeds: u64) -> Vec<(u64, CheckCounts)> {
    let scenario = builtin("sweep-faults", mode, mechanisms);
    check_faults(&scenario, 0..seeds, &FaultOptions::default())
}

/// Run `scenario` under each of `seeds` with the injector's `faults`; return
/// each seed's findings.
fn check_faults(
    scenario: &Scenario,
    seeds: impl Iterator<Item = u64>,
    faults: &FaultOptions,
) -> Vec<(u64, CheckCounts)> {
    seeds
        .map(|seed| {
            let cluster = run(scenario, seed, Some(faults), TraceMode::Off);
            (seed, cluster.check().counts())
        })
        .collect()
}

/// The seeds with any lost write, false conflict or unconverged key.
fn findings(results: &[(u64, CheckCounts)]) -> Vec<&(u64, CheckCounts)> {
    results
        .iter()
        .filter(|(_, c)| c.lost_writes > 0 || c.non_converged > 0 || c.false_conflicts > 0)
        .collect()
}

#[test]
fn dvvset_with_every_mechanism_loses_nothing_and_converges() {
    let results = check(CausalityMode::DvvSet, Mechanisms::default(), SEEDS);
    let bad = findings(&results);
    assert!(bad.is_empty(), "seeds with findings: {bad:?}");
}

/// Fault windows of 3,000 ticks: seeds 3, 177 and 272 once lost a write,
/// because a partition outlasted the twenty maintenance rounds a node tried
/// before it gave up, and nothing after the heal started them again. Rounds
/// now back off instead, and resume once the partition heals.
#[test]
fn maintenance_outlasts_a_long_partition() {
    let faults = FaultOptions {
        window_ticks: 3000,
        ..FaultOptions::default()
    };
    let scenario = builtin("sweep-faults", CausalityMode::DvvSet, Mechanisms::default());
    let results = check_faults(&scenario, 0..300, &faults);
    let bad = findings(&results);
    assert!(bad.is_empty(), "seeds with findings: {bad:?}");
}

/// Seeds of `lossy-network` that once lost a write: the network dropped the
/// `merkle-sync-reply` that carried it to the one replica that never had it,
/// and nothing checked the partition again.
const LOSSY_SEEDS_THAT_DROP_A_SYNC_REPLY: [u64; 2] = [3578, 3656];

#[test]
fn a_dropped_merkle_sync_reply_is_noticed_and_the_sync_repeated() {
    let scenario = builtin(
        "lossy-network",
        CausalityMode::DvvSet,
        Mechanisms::default(),
    );
    for seed in LOSSY_SEEDS_THAT_DROP_A_SYNC_REPLY {
        let cluster = run(&scenario, seed, None, TraceMode::Full);
        let events = cluster.sim().trace().events();
        let lost = events
            .iter()
            .find(|e| e.kind == TraceKind::Drop && e.text.contains("merkle-sync-reply"))
            .unwrap_or_else(|| panic!("seed {seed} no longer drops a merkle-sync-reply"));
        // `drop #169 n1->n3 lost: merkle-sync-reply p5 [...]`: the same route
        // and partition must see a reply delivered later.
        let words: Vec<&str> = lost.text.split_whitespace().collect();
        let (route, partition) = (words[2], words[5]);
        let resent = events.iter().any(|e| {
            e.at > lost.at
                && e.kind == TraceKind::Deliver
                && e.text.contains(route)
                && e.text.contains(&format!("merkle-sync-reply {partition} "))
        });
        assert!(resent, "seed {seed}: no sync after `{}`", lost.text);
        let counts = cluster.check().counts();
        assert_eq!(
            (counts.lost_writes, counts.non_converged),
            (0, 0),
            "seed {seed}: {counts:?}"
        );
    }
}

#[test]
fn lossy_network_loses_nothing_and_converges() {
    let scenario = builtin(
        "lossy-network",
        CausalityMode::DvvSet,
        Mechanisms::default(),
    );
    let results: Vec<_> = (0..500)
        .chain(LOSSY_SEEDS_THAT_DROP_A_SYNC_REPLY)
        .map(|seed| {
            (
                seed,
                run(&scenario, seed, None, TraceMode::Off).check().counts(),
            )
        })
        .collect();
    let bad = findings(&results);
    assert!(bad.is_empty(), "seeds with findings: {bad:?}");
}

#[test]
fn lww_under_the_same_schedules_loses_writes() {
    let results = check(CausalityMode::Lww, Mechanisms::default(), SEEDS);
    let losing = results.iter().filter(|(_, c)| c.lost_writes > 0).count();
    assert!(
        losing as u64 > SEEDS / 2,
        "only {losing} of {SEEDS} seeds lost a write under LWW"
    );
    assert!(
        results.iter().all(|(_, c)| c.non_converged == 0),
        "LWW converges (on the wrong value)"
    );
}

#[test]
fn without_repair_mechanisms_the_same_schedules_leave_replicas_apart() {
    let results = check(CausalityMode::DvvSet, Mechanisms::NONE, SEEDS / 4);
    let apart = results.iter().filter(|(_, c)| c.non_converged > 0).count();
    let lost = results.iter().filter(|(_, c)| c.lost_writes > 0).count();
    assert!(apart > 0, "no seed left a key unconverged");
    assert!(lost > 0, "no seed left an acknowledged write off a replica");
}

#[test]
fn server_id_version_vectors_show_their_anomalies() {
    let separate = check(CausalityMode::ServerVvSeparate, Mechanisms::default(), 200);
    assert!(
        separate.iter().any(|(_, c)| c.lost_writes > 0),
        "one vector per sibling loses one of two concurrent writes at a server"
    );
    let merged = check(CausalityMode::ServerVvMerged, Mechanisms::default(), 200);
    assert!(
        merged.iter().any(|(_, c)| c.false_conflicts > 0),
        "one merged vector per key keeps causally ordered siblings"
    );
}

#[test]
fn client_id_version_vectors_lose_nothing_where_dvvset_does_not() {
    // The client owns its counter, so a stale coordinator never reissues one.
    let results = check(CausalityMode::ClientVv, Mechanisms::default(), SEEDS);
    let bad = findings(&results);
    assert!(bad.is_empty(), "client-vv: seeds with findings: {bad:?}");
}

#[test]
fn pruned_client_id_version_vectors_keep_false_conflicts_but_lose_nothing() {
    // Three clients race on each key: a vector of two entries loses one
    // whenever the third client writes over the other two.
    let mut scenario = builtin(
        "sweep-faults",
        CausalityMode::ClientVv,
        Mechanisms::default(),
    );
    scenario.cluster.vv_prune_threshold = Some(2);
    let results = check_faults(&scenario, 0..SEEDS, &FaultOptions::default());
    let conflicted = results
        .iter()
        .filter(|(_, c)| c.false_conflicts > 0)
        .count();
    assert!(
        conflicted as u64 > SEEDS / 2,
        "only {conflicted} of {SEEDS} seeds kept a false conflict"
    );
    let bad: Vec<_> = results
        .iter()
        .filter(|(_, c)| c.lost_writes > 0 || c.non_converged > 0)
        .collect();
    assert!(
        bad.is_empty(),
        "pruning lost a write or split replicas: {bad:?}"
    );
}

/// The network may deliver a forwarded put twice (seed 2720 of
/// `lossy-network` duplicates `forward for c2: put op16`); the coordinator
/// serves it once, so no replica ever holds the same write as two siblings.
#[test]
fn a_duplicated_forward_is_served_once() {
    let scenario = builtin(
        "lossy-network",
        CausalityMode::DvvSet,
        Mechanisms::default(),
    );
    for seed in (0..200).chain([2720]) {
        let cluster = run(&scenario, seed, None, TraceMode::Off);
        for (node, state, _) in cluster.nodes() {
            for (partition, key, clock) in state.store().iter() {
                let mut values = clock.values();
                let all = values.len();
                values.sort();
                values.dedup();
                assert_eq!(
                    values.len(),
                    all,
                    "seed {seed}: {node} {partition} {key} holds a write twice: {clock}"
                );
            }
        }
    }
}

/// Read-your-writes violations in each seed's findings.
fn read_your_writes(results: &[(u64, CheckCounts)]) -> Vec<(u64, u64)> {
    let at = Guarantee::ALL
        .iter()
        .position(|g| *g == Guarantee::ReadYourWrites)
        .expect("one of the four");
    results
        .iter()
        .filter(|(_, c)| c.sessions[at] > 0)
        .map(|(seed, c)| (*seed, c.sessions[at]))
        .collect()
}

/// The issue's claim: with sloppy quorum off and R + W > N, a successful
/// get meets a replica that took every acknowledged put of its client, so
/// over 10,000 random fault schedules no get misses its client's own write
/// (gets may fail instead).
#[test]
fn strict_quorums_keep_read_your_writes_under_10_000_fault_schedules() {
    let mechanisms = Mechanisms {
        sloppy_quorum: false,
        ..Mechanisms::default()
    };
    let scenario = builtin("sweep-faults", CausalityMode::DvvSet, mechanisms);
    let config = &scenario.cluster;
    assert!(config.r + config.w > config.n, "a strict quorum");
    let results = check_faults(&scenario, 0..10_000, &FaultOptions::default());
    assert_eq!(read_your_writes(&results), [], "(seed, violations)");
    let failed = results.iter().filter(|(_, c)| c.sessions != [0; 4]).count();
    assert!(
        results.len() == 10_000 && failed < 10_000,
        "the sweep ran; {failed} seeds broke another guarantee"
    );
}

/// The same schedules with a sloppy quorum, or with R = W = 1, do break it.
#[test]
fn a_sloppy_quorum_or_r_w_1_breaks_read_your_writes() {
    let sloppy = builtin("sweep-faults", CausalityMode::DvvSet, Mechanisms::default());
    let results = check_faults(&sloppy, 0..SEEDS, &FaultOptions::default());
    assert!(
        !read_your_writes(&results).is_empty(),
        "no seed broke read your writes with a sloppy quorum"
    );
    let mut one = builtin(
        "sweep-faults",
        CausalityMode::DvvSet,
        Mechanisms {
            sloppy_quorum: false,
            ..Mechanisms::default()
        },
    );
    (one.cluster.r, one.cluster.w) = (1, 1);
    let results = check_faults(&one, 0..SEEDS, &FaultOptions::default());
    assert!(
        !read_your_writes(&results).is_empty(),
        "no seed broke read your writes with R = W = 1"
    );
}

/// The built-in `session-guarantees` scenario (R = W = 1 across a
/// partition) shows each of the four broken, once.
#[test]
fn the_session_guarantees_scenario_breaks_all_four() {
    let json = builtin_scenario("session-guarantees").expect("built in");
    let scenario = Scenario::from_json(json).expect("valid");
    assert_eq!((scenario.cluster.r, scenario.cluster.w), (1, 1));
    let cluster = run(&scenario, scenario.seed, None, TraceMode::Off);
    let report = cluster.check();
    assert_eq!(report.counts().sessions, [1, 1, 1, 1], "{report}");
    assert!(report.lost_writes.is_empty() && report.non_converged.is_empty());
}

/// A put whose explicit context is the client's last get's, as read,
/// supersedes what that get returned, as `last-get` would: the checker
/// counts no lost write and no broken session guarantee.
#[test]
fn an_explicit_context_as_read_supersedes_like_last_get() {
    let json = |context: &str| {
        format!(
            r#"{{"version": 1, "name": "explicit-supersede", "seed": 1,
            "cluster": {{"nodes": 3, "partitions": 8, "n": 3, "r": 2, "w": 2, "mode": "dvvset"}},
            "network": {{"latency_ticks_min": 1, "latency_ticks_max": 3}},
            "timeline": [
              {{"at": 0, "client": 1, "put": {{"key": "k", "value": "a", "node": 1, "context": "none"}}}},
              {{"at": 20, "client": 2, "put": {{"key": "k", "value": "b", "node": 1, "context": "none"}}}},
              {{"at": 40, "client": 1, "get": {{"key": "k", "node": 1, "r": 3}}}},
              {{"at": 60, "client": 1, "put": {{"key": "k", "value": "c", "node": 1, "context": "{context}"}}}},
              {{"at": 80, "client": 3, "get": {{"key": "k", "node": 2, "r": 3}}}}
            ]}}"#
        )
    };
    let report = |context: &str| {
        let scenario = Scenario::from_json(&json(context)).expect("valid");
        let cluster = run(&scenario, 1, None, TraceMode::Off);
        let ops = &cluster.sim().history().ops;
        assert_eq!(
            ops[2].completed.as_ref().map(|(_, o)| o.to_string()),
            Some("ok [b, a] ctx={n1:2}".into()),
            "the get read both siblings"
        );
        assert_eq!(
            ops[4].completed.as_ref().map(|(_, o)| o.to_string()),
            Some("ok [c] ctx={n1:3}".into()),
            "c replaced both"
        );
        cluster.check()
    };
    let explicit = report("{n1:2}");
    assert!(explicit.lost_writes.is_empty(), "{explicit}");
    assert_eq!(explicit.counts().sessions, [0; 4], "{explicit}");
    // The same put with last-get is judged the same way.
    assert_eq!(report("last-get"), explicit);
}

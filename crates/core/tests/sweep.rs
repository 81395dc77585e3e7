//! The sweep test: random fault schedules over the `sweep-faults` workload.
//! With DVVSet and every mechanism on, no acknowledged write is lost and
//! every key converges, and so with client-id version vectors; the same
//! schedules under LWW lose writes.

use wildling_core::causality::CausalityMode;
use wildling_core::checker::CheckCounts;
use wildling_core::cluster::Cluster;
use wildling_core::faults::{random_faults, FaultOptions};
use wildling_core::node::Mechanisms;
use wildling_core::scenario::{builtin_scenario, Scenario};
use wildling_core::sim::SimOptions;
use wildling_core::trace::TraceMode;

const SEEDS: u64 = 1000;

/// Run `seeds` random fault schedules in `mode` with `mechanisms`; return
/// each seed's findings.
fn check(mode: CausalityMode, mechanisms: Mechanisms, seeds: u64) -> Vec<(u64, CheckCounts)> {
    let json = builtin_scenario("sweep-faults").expect("a built-in scenario");
    let mut scenario = Scenario::from_json(json).expect("valid");
    scenario.cluster.mode = mode;
    scenario.cluster.mechanisms = mechanisms;
    let options = SimOptions {
        trace: TraceMode::Off,
        ..SimOptions::default()
    };
    let faults = FaultOptions::default();
    (0..seeds)
        .map(|seed| {
            let mut cluster = Cluster::with_seed(&scenario, seed, options).expect("valid");
            cluster.inject(&random_faults(scenario.cluster.nodes, seed, &faults));
            cluster.run();
            assert!(
                cluster.sim().next_event_at().is_none(),
                "seed {seed}: the run did not go quiet"
            );
            (seed, cluster.check().counts())
        })
        .collect()
}

/// Every seed of `mode` with every mechanism on: no lost write, no false
/// conflict, every key converged.
#[track_caller]
fn assert_clean(mode: CausalityMode) {
    let results = check(mode, Mechanisms::default(), SEEDS);
    let bad: Vec<_> = results
        .iter()
        .filter(|(_, c)| c.lost_writes > 0 || c.non_converged > 0 || c.false_conflicts > 0)
        .collect();
    assert!(bad.is_empty(), "{mode}: seeds with findings: {bad:?}");
}

#[test]
fn dvvset_with_every_mechanism_loses_nothing_and_converges() {
    assert_clean(CausalityMode::DvvSet);
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
    assert_clean(CausalityMode::ClientVv);
}

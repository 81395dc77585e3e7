//! Tests of the measurements: nearest-rank percentiles, the counts of one
//! run against its summary, the t-visibility of strict and sloppy quorums
//! under random faults, and (proptest) that aggregating seeds is a sum:
//! order-free, with a curve that never decreases and ends at 1.

use proptest::prelude::*;

use super::*;
use crate::cluster::{Cluster, RunOptions};
use crate::node::Mechanisms;
use crate::scenario::{builtin_scenario, Scenario};
use crate::sim::faults::FaultOptions;
use crate::sim::trace::TraceMode;
use crate::sim::SimOptions;

fn sweep_faults(sloppy_quorum: bool) -> Scenario {
    let mut scenario =
        Scenario::from_json(builtin_scenario("sweep-faults").expect("built in")).expect("valid");
    scenario.cluster.mechanisms = Mechanisms {
        sloppy_quorum,
        ..Mechanisms::default()
    };
    scenario
}

fn measure(scenario: &Scenario, seed: u64) -> Measurements {
    let options = RunOptions {
        sim: SimOptions {
            trace: TraceMode::HashOnly,
            ..SimOptions::default()
        },
        faults: Some(FaultOptions::default()),
    };
    let cluster = Cluster::run_seed(scenario, seed, &options).expect("valid");
    Measurements::of_run(cluster.sim())
}

fn aggregate(scenario: &Scenario, seeds: std::ops::Range<u64>) -> Measurements {
    let mut total = Measurements::default();
    for seed in seeds {
        total.merge(&measure(scenario, seed));
    }
    total
}

#[test]
fn percentiles_are_nearest_rank() {
    let mut h = Histogram::default();
    assert_eq!(h.percentile(500_000), None);
    for v in 1..=1000 {
        h.add(v);
    }
    assert_eq!(h.percentile(0), Some(1));
    assert_eq!(h.percentile(500_000), Some(500));
    assert_eq!(h.percentile(990_000), Some(990));
    assert_eq!(h.percentile(999_000), Some(999));
    assert_eq!(h.percentile(1_000_000), Some(1000));
    let mut two = Histogram::default();
    two.add_n(3, 999);
    two.add(40);
    assert_eq!(two.percentile(999_000), Some(3));
    assert_eq!(two.percentile(999_001), Some(40));
    assert_eq!(two.mean(), Some((3.0 * 999.0 + 40.0) / 1000.0));
}

#[test]
fn one_run_counts_what_its_summary_counts() {
    let scenario = sweep_faults(true);
    let options = RunOptions {
        sim: SimOptions::default(),
        faults: Some(FaultOptions::default()),
    };
    for seed in 0..20 {
        let cluster = Cluster::run_seed(&scenario, seed, &options).expect("valid");
        let m = Measurements::of_run(cluster.sim());
        let s = cluster.summary(seed);
        let all = m.availability();
        assert_eq!(m.runs, 1);
        assert_eq!(all.ok, s.ok, "seed {seed}");
        assert_eq!(all.quorum_failed, s.quorum_failed, "seed {seed}");
        assert_eq!(all.timeout, s.timed_out, "seed {seed}");
        assert_eq!(all.pending, s.pending, "seed {seed}");
        // 15 gets and 12 puts in the workload.
        assert_eq!((m.gets.total(), m.puts.total()), (15, 12), "seed {seed}");
        assert_eq!(m.versions_per_get.count(), m.gets.ok);
        assert_eq!(m.get_latency_ticks.ok.count(), m.gets.ok);
        assert_eq!(m.put_latency_ticks.timeout.count(), m.puts.timeout);
    }
}

#[test]
fn a_quiet_run_sees_every_write_from_time_zero() {
    let mut scenario = sweep_faults(true);
    scenario.network = Default::default();
    let cluster = Cluster::new(&scenario, SimOptions::default()).map(|mut c| {
        c.run();
        c
    });
    let m = Measurements::of_run(cluster.expect("valid").sim());
    assert_eq!(m.availability().ok, 27);
    assert!(m.visibility.values().all(|p| p.missed == 0));
    let curve = m.t_visibility();
    assert_eq!(curve.len(), 1, "{curve:?}");
    assert_eq!((curve[0].t, curve[0].probability), (0, 1.0));
    // Two clients race on one key each round: some gets see two versions.
    assert!(m.versions_per_get.of(2) > 0, "{:?}", m.versions_per_get);
}

#[test]
fn strict_quorums_see_every_acknowledged_write_under_faults() {
    // N=3, R=2, W=2 without a sloppy quorum: a get's replies overlap every
    // acknowledged put's replicas, whatever the faults did.
    let m = aggregate(&sweep_faults(false), 0..200);
    assert!(m.visibility.values().map(|p| p.seen).sum::<u64>() > 1000);
    assert_eq!(
        m.visibility.values().map(|p| p.missed).sum::<u64>(),
        0,
        "{:?}",
        m.visibility
    );
    let curve = m.t_visibility();
    assert_eq!((curve[0].t, curve[0].probability), (0, 1.0));
    assert!(
        m.availability().ratio() < 1.0,
        "faults cost some operations"
    );
}

#[test]
fn a_sloppy_quorum_reads_stale_under_faults() {
    let m = aggregate(&sweep_faults(true), 0..200);
    assert!(m.visibility.values().map(|p| p.missed).sum::<u64>() > 0);
    let curve = m.t_visibility();
    assert!(curve[0].probability < 1.0, "{curve:?}");
    assert_eq!(curve.last().map(|p| p.probability), Some(1.0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn aggregating_seeds_is_a_sum(first in 0u64..1_000_000, len in 1u64..12, sloppy in any::<bool>()) {
        let scenario = sweep_faults(sloppy);
        let runs: Vec<Measurements> = (first..first + len).map(|s| measure(&scenario, s)).collect();
        let mut forward = Measurements::default();
        runs.iter().for_each(|m| forward.merge(m));
        let mut backward = Measurements::default();
        runs.iter().rev().for_each(|m| backward.merge(m));
        prop_assert_eq!(&forward, &backward);
        prop_assert_eq!(forward.runs, len);
        prop_assert_eq!(forward.availability().total(), 27 * len);
        let curve = forward.t_visibility();
        for pair in curve.windows(2) {
            prop_assert!(pair[0].t < pair[1].t && pair[0].probability <= pair[1].probability);
        }
        if let Some(last) = curve.last() {
            prop_assert_eq!(last.probability, 1.0);
            prop_assert_eq!(last.puts, forward.stale_window_ticks.count());
        }
        let missed: u64 = forward.visibility.values().map(|p| p.missed).sum();
        prop_assert_eq!(missed == 0, curve.len() <= 1);
    }
}

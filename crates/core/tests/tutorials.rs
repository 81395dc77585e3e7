//! The guided tutorials: every tutorial is well formed and replays
//! deterministically, and what each one teaches really happens in its
//! scenario (and, where it says so, not under DVVSet).

// A test's own bookkeeping and sorting, never shipped: clippy.toml's rules
// are for the model.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::collections::BTreeSet;

use wildling_core::causality::CausalityMode;
use wildling_core::checker::CheckReport;
use wildling_core::cluster::Cluster;
use wildling_core::ids::{OpId, Time};
use wildling_core::node::{ClientOp, OpOutcome};
use wildling_core::scenario::Scenario;
use wildling_core::share::Session;
use wildling_core::sim::SimOptions;
use wildling_core::tutorial::{
    kernel_steps, tutorial, tutorials, Focus, KernelStep, Tutorial, BUILTIN_INDEX,
};
use wildling_core::NodeId;

/// A tutorial's cluster at some point, and the questions the tests ask it:
/// the check helper of this file.
struct At {
    cluster: Cluster,
}

impl At {
    /// Tutorial `id` replayed to its step `step`, as Back does.
    #[track_caller]
    fn step(id: &str, step: usize) -> At {
        let session = the(id).session(step).expect("step exists");
        At::replay(&session)
    }

    /// Tutorial `id`'s scenario in `mode`, run to the end.
    #[track_caller]
    fn end_in(id: &str, mode: CausalityMode) -> At {
        let scenario = the(id).scenario_in(mode);
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
        cluster.run();
        At { cluster }
    }

    /// Tutorial `id`'s scenario in its own mode, run to the end.
    #[track_caller]
    fn end(id: &str) -> At {
        let mode = the(id).scenario.cluster.mode;
        At::end_in(id, mode)
    }

    fn replay(session: &Session) -> At {
        At {
            cluster: session.replay(SimOptions::default()).expect("replays"),
        }
    }

    /// The clock node `node` holds for `key`, in text form ("" if none).
    fn clock(&self, node: u16, key: &str) -> String {
        self.node(node)
            .store()
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(_, _, clock)| clock.to_string())
            .unwrap_or_default()
    }

    /// The values node `node` holds for `key`, sorted.
    fn values(&self, node: u16, key: &str) -> Vec<String> {
        let mut values: Vec<String> = self
            .node(node)
            .store()
            .iter()
            .filter(|(_, k, _)| *k == key)
            .flat_map(|(_, _, clock)| clock.values().into_iter().map(|v| v.to_string()))
            .collect();
        values.sort();
        values
    }

    fn node(&self, id: u16) -> &wildling_core::node::Node {
        self.cluster
            .nodes()
            .find(|(n, _, _)| *n == NodeId(id))
            .map(|(_, node, _)| node)
            .expect("node exists")
    }

    /// Every node's clock for `key`.
    fn clocks(&self, key: &str) -> Vec<String> {
        let ids: Vec<u16> = self.cluster.nodes().map(|(id, _, _)| id.0).collect();
        ids.into_iter().map(|id| self.clock(id, key)).collect()
    }

    /// A completed get's values (sorted) and context.
    #[track_caller]
    fn got(&self, op: u64) -> (Vec<String>, String) {
        match &self.cluster.sim().history().ops[op as usize].completed {
            Some((_, OpOutcome::Got { values, context })) => {
                let mut values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                values.sort();
                (values, context.to_string())
            }
            other => panic!("op{op} is not a completed get: {other:?}"),
        }
    }

    fn check(&self) -> CheckReport {
        self.cluster.check()
    }

    /// The values of the puts the checker reports lost.
    fn lost(&self) -> Vec<String> {
        self.check()
            .lost_writes
            .into_iter()
            .map(|l| l.value)
            .collect()
    }

    fn hash(&self) -> u64 {
        self.cluster.sim().trace().hash()
    }
}

#[track_caller]
fn the(id: &str) -> Tutorial {
    tutorial(id).unwrap_or_else(|| panic!("no tutorial {id}"))
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

// ---- Every tutorial is well formed.

#[test]
fn ten_tutorials_with_unique_ids() {
    let all = tutorials();
    assert_eq!(all.len(), 10);
    let ids: BTreeSet<&str> = all.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "tutorial ids repeat");
    for t in &all {
        assert_eq!(tutorial(&t.id).as_ref(), Some(t));
        assert!(!t.title.is_empty() && !t.summary.is_empty(), "{}", t.id);
    }
    assert_eq!(tutorial("no-such-tutorial"), None);
}

#[test]
fn every_file_in_the_tutorials_folder_is_indexed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tutorials");
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .expect("the tutorials folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_string))
        .collect();
    let indexed: BTreeSet<String> = BUILTIN_INDEX.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(files, indexed);
}

#[test]
fn scenarios_parse_and_validate_in_every_compared_mode() {
    for t in tutorials() {
        let scenario = &t.scenario;
        scenario.validate().expect("valid");
        if let Some(mode) = t.compare_mode {
            assert_ne!(
                scenario.cluster.mode, mode,
                "{}: compares with itself",
                t.id
            );
            t.scenario_in(mode).validate().expect("valid");
        }
    }
}

#[test]
fn steps_run_forward_and_focus_on_what_exists() {
    for t in tutorials() {
        assert!(!t.steps.is_empty(), "{}", t.id);
        let scenario: Scenario = t.scenario.clone();
        let keys: BTreeSet<String> = scenario
            .timeline
            .iter()
            .filter_map(|e| e.put.as_ref().map(|p| p.key.clone()))
            .collect();
        let last = t.steps.last().expect("steps").until_ticks;
        let at_last = At::step(&t.id, t.steps.len() - 1);
        let ops = at_last.cluster.sim().history().ops.len() as u64;
        let mut previous: Time = 0;
        for (i, step) in t.steps.iter().enumerate() {
            let name = format!("{} step {i} ({})", t.id, step.title);
            assert!(step.until_ticks >= previous, "{name}: goes back in time");
            previous = step.until_ticks;
            assert!(!step.narration.trim().is_empty(), "{name}: no narration");
            match &step.focus {
                Some(Focus::Key(key)) => assert!(keys.contains(key), "{name}: no key {key}"),
                Some(Focus::Node(node)) => {
                    assert!((1..=scenario.cluster.nodes).contains(&node.0), "{name}")
                }
                Some(Focus::Op(OpId(op))) => {
                    assert!(*op < ops, "{name}: op{op} is not invoked by {last}")
                }
                None => {}
            }
        }
    }
}

#[test]
fn next_and_back_reach_the_same_state() {
    for t in tutorials() {
        // Next: one cluster, run on from step to step.
        let scenario = t.scenario.clone();
        let mut live = Cluster::new(&scenario, SimOptions::default()).expect("valid");
        for (i, step) in t.steps.iter().enumerate() {
            live.sim_mut().run_until(step.until_ticks);
            // Back: a fresh replay to the step, twice.
            let back = At::step(&t.id, i);
            assert_eq!(back.hash(), live.sim().trace().hash(), "{} step {i}", t.id);
            assert_eq!(back.hash(), At::step(&t.id, i).hash(), "{} step {i}", t.id);
        }
        assert!(t.session(t.steps.len()).is_none());
    }
}

// ---- What each tutorial teaches.

#[test]
fn siblings_then_one_value() {
    let both_read = At::step("siblings", 1);
    for op in [1, 2] {
        assert_eq!(
            both_read.got(op),
            (strings(&["milk"]), "{n1:1}".to_string())
        );
    }
    let healed = At::step("siblings", 4);
    assert_eq!(healed.values(1, "cart"), strings(&["eggs"]));
    assert_eq!(healed.values(2, "cart"), strings(&["eggs"]));
    assert_eq!(healed.values(3, "cart"), strings(&["bread"]));
    let read = At::step("siblings", 5);
    assert_eq!(
        read.got(5),
        (strings(&["bread", "eggs"]), "{n1:2, n3:1}".to_string())
    );
    let end = At::end("siblings");
    assert_eq!(end.got(7).0, strings(&["eggs+bread"]));
    for node in 1..=3 {
        assert_eq!(end.values(node, "cart"), strings(&["eggs+bread"]));
    }
    assert_eq!(end.check(), CheckReport::default());
}

#[test]
fn client_vv_is_exact_but_grows_one_entry_per_client() {
    assert_eq!(
        At::step("client-vv", 1).clock(2, "cart"),
        "[{c1:1, c2:1}=eggs]"
    );
    assert_eq!(
        At::step("client-vv", 4).values(2, "cart"),
        strings(&["jam", "tea"])
    );
    let end = At::end("client-vv");
    let (values, context) = end.got(11);
    assert_eq!(values, strings(&["jam", "tea"]));
    assert_eq!(context, "{c1:1, c2:1, c3:1, c4:1, c5:1, c6:1}");
    assert_eq!(end.check(), CheckReport::default());

    let dvvset = At::end_in("client-vv", CausalityMode::DvvSet);
    let (values, context) = dvvset.got(11);
    assert_eq!(values, strings(&["jam", "tea"]));
    assert_eq!(context, "{n1:2, n2:3, n3:1}");
    assert_eq!(dvvset.check(), CheckReport::default());
}

#[test]
fn server_vv_separate_loses_an_update_and_dvvset_does_not() {
    assert_eq!(
        At::step("server-vv-lost-update", 1).got(1),
        (strings(&["milk"]), "{n1:1}".to_string())
    );
    let same_vector = At::step("server-vv-lost-update", 2);
    assert_eq!(same_vector.clock(1, "cart"), "[{n1:1}=milk, {n1:1}=eggs]");
    let end = At::end("server-vv-lost-update");
    assert_eq!(end.lost(), strings(&["eggs"]));
    assert_eq!(end.got(4).0, strings(&["bread"]));

    let dvvset = At::end_in("server-vv-lost-update", CausalityMode::DvvSet);
    assert_eq!(dvvset.check(), CheckReport::default());
    assert_eq!(dvvset.got(4).0, strings(&["bread", "eggs"]));
}

#[test]
fn merged_server_vv_explodes_into_101_siblings_where_dvvset_keeps_2() {
    let id = "sibling-explosion";
    assert_eq!(
        At::step(id, 0).got(1),
        (strings(&["v1"]), "{n1:1}".to_string())
    );
    assert_eq!(At::step(id, 1).clock(1, "cart"), "{n1:2}[v1, v2]");
    assert_eq!(At::step(id, 2).clock(1, "cart"), "{n1:3}[v1, v2, v3]");
    let end = At::end("sibling-explosion");
    for node in 1..=3 {
        assert_eq!(end.values(node, "cart").len(), 101, "n{node}");
    }
    let report = end.check();
    assert!(!report.false_conflicts.is_empty());
    assert!(report.lost_writes.is_empty());

    let dvvset = At::end_in("sibling-explosion", CausalityMode::DvvSet);
    for node in 1..=3 {
        assert_eq!(dvvset.values(node, "cart"), strings(&["v100", "v101"]));
    }
    assert_eq!(without_blind_writes(dvvset.check()), CheckReport::default());
}

#[test]
fn kernel_steps_are_the_kernels_results() {
    let expected = [
        ("((n1,1),{})", "{((n1,1),{})=v1}", "{[{n1,1,[v1]}],[]}"),
        ("{n1:1}", "{((n1,1),{})=v1}", "{[{n1,1,[v1]}],[]}"),
        (
            "((n1,2),{})",
            "{((n1,1),{})=v1, ((n1,2),{})=v2}",
            "{[{n1,2,[v2,v1]}],[]}",
        ),
        (
            "{((n1,2),{})=v2}, then ((n1,3),{n1:1})",
            "{((n1,2),{})=v2, ((n1,3),{n1:1})=v3}",
            "{[{n1,3,[v3,v2]}],[]}",
        ),
        (
            "((n2,1),{n1:1})",
            "{((n1,2),{})=v2, ((n1,3),{n1:1})=v3, ((n2,1),{n1:1})=v4}",
            "{[{n1,3,[v3,v2]},{n2,1,[v4]}],[]}",
        ),
        (
            "{((n1,2),{})=v2, ((n1,3),{n1:1})=v3, ((n2,1),{n1:1})=v4}",
            "{((n1,2),{})=v2, ((n1,3),{n1:1})=v3, ((n2,1),{n1:1})=v4}",
            "{[{n1,3,[v3,v2]},{n2,1,[v4]}],[]}",
        ),
    ];
    let steps = kernel_steps();
    assert_eq!(steps.len(), expected.len());
    for (step, (result, dvv, dvvset)) in steps.iter().zip(expected) {
        assert_eq!(
            (
                step.result.as_str(),
                step.dvv.as_str(),
                step.dvvset.as_str()
            ),
            (result, dvv, dvvset),
            "{}",
            step.operation
        );
    }
}

#[test]
fn the_dvvset_files_kernel_table_is_the_kernels() {
    let t = the("dvvset");
    let table: Vec<&KernelStep> = t.steps.iter().filter_map(|s| s.kernel.as_ref()).collect();
    let computed = kernel_steps();
    assert_eq!(table, computed.iter().collect::<Vec<_>>());
}

#[test]
fn every_built_in_tutorial_passes_its_own_check() {
    for t in tutorials() {
        let checked = t.check().unwrap_or_else(|f| panic!("{}: {f}", t.id));
        assert!(checked > 0, "{}: asserts nothing", t.id);
        assert!(
            t.steps.iter().all(|s| !s.expect.is_empty()),
            "{}: a step asserts nothing",
            t.id
        );
    }
}

#[test]
fn built_in_files_round_trip() {
    for t in tutorials() {
        assert_eq!(
            Tutorial::from_json(&t.to_json()).as_ref(),
            Ok(&t),
            "{}",
            t.id
        );
    }
}

#[test]
fn dvvset_tutorial_cluster_holds_the_kernels_clocks() {
    let t = the("dvvset");
    // Each step's DVVSet is the clock of the node the step's put went to.
    let coordinators = [1, 1, 1, 1, 2];
    for (i, node) in coordinators.into_iter().enumerate() {
        let kernel = t.steps[i].kernel.as_ref().expect("kernel step");
        assert_eq!(
            At::step("dvvset", i).clock(node, "cart"),
            kernel.dvvset,
            "step {i}"
        );
        assert!(t.steps[i].narration.contains(&kernel.result), "step {i}");
    }
    let join = t.steps[1].kernel.as_ref().expect("kernel step");
    assert_eq!(At::step("dvvset", 1).got(1).1, join.result);
    let last = t.steps.last().expect("steps");
    let synced = &last.kernel.as_ref().expect("kernel step").dvvset;
    let end = At::step("dvvset", t.steps.len() - 1);
    assert_eq!(end.clocks("cart"), vec![synced.clone(); 3]);
    assert_eq!(end.got(5).0, strings(&["v2", "v3", "v4"]));
}

#[test]
fn dynamo_figure_3_clocks_d1_to_d5() {
    let id = "dynamo-figure-3";
    assert_eq!(At::step(id, 0).clock(1, "object"), "[{n1:1}=D1]");
    assert_eq!(At::step(id, 1).clocks("object"), vec!["[{n1:2}=D2]"; 3]);
    let d3_d4 = At::step(id, 2);
    for clock in d3_d4.clocks("object") {
        assert!(
            clock == "[{n1:2, n2:1}=D3, {n1:2, n3:1}=D4]"
                || clock == "[{n1:2, n3:1}=D4, {n1:2, n2:1}=D3]",
            "{clock}"
        );
    }
    assert_eq!(
        At::step(id, 4).clocks("object"),
        vec!["[{n1:3, n2:1, n3:1}=D5]"; 3]
    );
    assert_eq!(
        At::step(id, 3).got(7),
        (strings(&["D3", "D4"]), "{n1:2, n2:1, n3:1}".to_string())
    );
    let end = At::end(id);
    assert_eq!(end.check(), CheckReport::default());

    let dvvset = At::end_in(id, CausalityMode::DvvSet);
    assert_eq!(
        dvvset.clocks("object"),
        vec!["{[{n1,3,[D5]},{n2,1,[]},{n3,1,[]}],[]}"; 3]
    );
}

#[test]
fn hinted_handoff_stores_a_hint_then_delivers_it() {
    let id = "hinted-handoff";
    assert!(!At::step(id, 0).node(1).suspected(NodeId(2), 12));
    assert!(At::step(id, 1).node(1).suspected(NodeId(2), 30));
    let hinted = At::step(id, 2);
    let hints: Vec<NodeId> = hinted.node(4).hints().map(|(to, ..)| to).collect();
    assert_eq!(hints, [NodeId(2)]);
    assert_eq!(hinted.values(2, "k"), Vec::<String>::new());

    let handed_off = At::step(id, 4);
    assert_eq!(handed_off.node(4).hints().count(), 0);
    assert_eq!(handed_off.values(2, "k"), strings(&["v1", "v2"]));
    let stats = handed_off.node(4).stats();
    assert_eq!((stats.hints_stored, stats.hints_delivered), (1, 1));

    let end = At::end(id);
    assert_eq!(end.got(2).0, strings(&["v1", "v2"]));
    assert!(end.lost().is_empty());
}

#[test]
fn read_repair_fixes_a_stale_replica() {
    let id = "read-repair";
    let stale = At::step(id, 2);
    assert_eq!(stale.values(3, "k"), strings(&["v1"]));
    assert_eq!(stale.values(1, "k"), strings(&["v1", "v2"]));
    let repaired = At::step(id, 3);
    assert_eq!(repaired.node(1).stats().repairs, 1);
    assert_eq!(repaired.clocks("k"), vec![repaired.clock(1, "k"); 3]);
    assert_eq!(
        without_blind_writes(repaired.check()),
        CheckReport::default()
    );
}

#[test]
fn anti_entropy_makes_a_healed_partition_converge() {
    let id = "anti-entropy";
    let healed = At::step(id, 2);
    let keys: Vec<String> = healed
        .check()
        .non_converged
        .into_iter()
        .map(|n| n.key)
        .collect();
    assert_eq!(keys, strings(&["c", "f"]));
    let synced = At::step(id, 4);
    assert!(synced.check().non_converged.is_empty());
    assert!(synced.node(1).stats().exchanges > 0);
    // Nobody read: anti-entropy did it alone.
    let history = &synced.cluster.sim().history().ops;
    assert!(history
        .iter()
        .all(|op| matches!(op.input, ClientOp::Put { .. })));
    assert_eq!(
        without_blind_writes(At::end(id).check()),
        CheckReport::default()
    );
}

#[test]
fn lww_silently_loses_a_write_and_dvvset_does_not() {
    let id = "lww";
    let met = At::step(id, 1);
    for node in 1..=3 {
        assert_eq!(met.values(node, "cart"), strings(&["eggs"]), "n{node}");
    }
    let end = At::end(id);
    assert_eq!(end.lost(), strings(&["milk"]));
    assert_eq!(end.got(2).0, strings(&["eggs"]));

    let dvvset = At::end_in(id, CausalityMode::DvvSet);
    assert_eq!(dvvset.check(), CheckReport::default());
    assert_eq!(dvvset.got(2).0, strings(&["eggs", "milk"]));
}

/// `report` with its session guarantees set aside, after checking that the
/// only one broken is monotonic writes: these tutorials write blind, one put
/// after another, and each blind put leaves its client's earlier one as a
/// sibling rather than following it.
fn without_blind_writes(report: CheckReport) -> CheckReport {
    assert!(
        report
            .sessions
            .iter()
            .all(|v| v.guarantee == wildling_core::checker::Guarantee::MonotonicWrites),
        "{report}"
    );
    CheckReport {
        sessions: Vec::new(),
        ..report
    }
}

//! The views, checked against built-in scenarios.
use super::*;
use crate::causality::CausalityMode;
use crate::ids::MsgId;
use crate::node::Mechanisms;
use crate::scenario::{builtin_scenario, Scenario};
use crate::sim::SimOptions;

fn run(name: &str) -> Cluster {
    let scenario = Scenario::from_json(builtin_scenario(name).expect("built in")).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    cluster.run();
    cluster
}

#[test]
fn partition_siblings_versions_have_dots_and_the_resolving_put_supersedes_both() {
    let cluster = run("partition-siblings");
    let view = key(&cluster, "cart");
    let values: Vec<&str> = view.versions.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["milk", "eggs", "bread", "eggs+bread"]);
    assert!(view.versions.iter().all(|v| v.dot.is_some()), "{view:#?}");
    let last = &view.versions[3];
    assert_eq!(last.supersedes, [0, 1, 2]);
    assert!(last.live);
    assert!(view.versions[..3].iter().all(|v| !v.live));
    // The concurrent puts each superseded only milk.
    assert_eq!(view.versions[1].supersedes, [0]);
    assert_eq!(view.versions[2].supersedes, [0]);
    assert!(
        view.replicas.iter().all(|r| r.values == ["eggs+bread"]),
        "{:#?}",
        view.replicas
    );
}

#[test]
fn the_explanation_names_both_siblings_dots() {
    let scenario = Scenario::from_json(builtin_scenario("partition-siblings").expect("built in"))
        .expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    // Stop after the get that follows the heal (at 90), before the resolving put.
    cluster.sim_mut().run_until(110);
    let view = key(&cluster, "cart");
    let text = view.explanation.expect("a get completed");
    assert!(text.contains("2 siblings"), "{text}");
    assert!(text.contains("\"eggs\" has dot (n"), "{text}");
    assert!(text.contains("\"bread\" has dot (n"), "{text}");
}

#[test]
fn blind_writes_at_one_node_are_all_siblings_and_the_sentence_stays_short() {
    let puts: Vec<String> = (1..=6)
        .map(|c| format!(r#"{{ "at": {c}, "client": {c}, "put": {{ "key": "k", "value": "v{c}", "node": 1, "context": "none" }} }}"#))
        .collect();
    let json = format!(
        r#"{{ "version": 1, "cluster": {{ "nodes": 1, "partitions": 8, "n": 1, "r": 1, "w": 1, "mode": "dvvset" }},
             "timeline": [{}, {{ "at": 20, "client": 1, "get": {{ "key": "k", "node": 1 }} }}] }}"#,
        puts.join(", ")
    );
    let scenario = Scenario::from_json(&json).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    cluster.run();
    let view = key(&cluster, "k");
    // With N = 1 there is no replication: the dots come from the stored clock.
    // Dots follow arrival order at the node, which latency may shuffle.
    let mut dots: Vec<&str> = view
        .versions
        .iter()
        .filter_map(|v| v.dot.as_deref())
        .collect();
    dots.sort_unstable();
    assert_eq!(
        dots,
        ["(n1,1)", "(n1,2)", "(n1,3)", "(n1,4)", "(n1,5)", "(n1,6)"]
    );
    assert!(view
        .versions
        .iter()
        .all(|v| v.live && v.supersedes.is_empty()));
    let text = view.explanation.expect("a get completed");
    assert!(
        text.contains("returned 6 siblings because their writes are concurrent"),
        "{text}"
    );
    assert!(text.contains("; and 2 more;"), "{text}");
}

#[test]
fn compare_marks_the_get_where_lww_lost_a_write() {
    let dvv = run("partition-siblings");
    let lww = run("partition-siblings-lww");
    let rows = compare(&dvv, &lww);
    let differing: Vec<&CompareRow> = rows.iter().filter(|r| r.differs).collect();
    assert!(!differing.is_empty(), "{rows:#?}");
    assert!(differing
        .iter()
        .any(|r| r.left.contains("eggs") && r.left.contains("bread")));
}

#[test]
fn ring_and_network_views_describe_the_cluster() {
    let cluster = run("partition-siblings");
    let ring = ring(&cluster, "cart");
    let placement = ring.key.expect("a key");
    assert_eq!(placement.primaries.len(), 3);
    assert_eq!(placement.holders.len(), 3);
    assert_eq!(ring.arcs.len(), 8);
    let net = network(&cluster, 10, 100);
    assert_eq!(net.nodes.len(), 3);
    assert!(net.in_flight.is_empty());
    let lamport = lamport(&cluster, 0, 1000, 10_000);
    assert_eq!(lamport.lanes.len(), 5);
    assert_eq!(lamport.arrows.len() as u64, cluster.sim().stats().sent);
    assert!(lamport
        .faults
        .iter()
        .any(|(at, text)| *at == 80 && text == "heal"));
    // The text alternative holds every mark and fault, in time order.
    let events = lamport.events();
    assert_eq!(events.len(), lamport.marks.len() + lamport.faults.len());
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(events
        .iter()
        .any(|e| e.at == 80 && e.lane.is_none() && e.what == "heal"));
    assert!(lamport.marks.iter().all(|m| events
        .iter()
        .any(|e| e.at == m.at && e.lane == Some(m.lane) && e.what == m.label)));
    let detail = message(&cluster, MsgId(0)).expect("sent");
    assert!(
        detail.text.starts_with("put op0 cart=milk"),
        "{}",
        detail.text
    );
}

fn scenario(name: &str) -> Scenario {
    Scenario::from_json(builtin_scenario(name).expect("built in")).expect("valid")
}

#[test]
fn a_fallback_holds_a_hint_for_the_crashed_primary_until_handoff() {
    let mut cluster =
        Cluster::new(&scenario("hinted-handoff"), SimOptions::default()).expect("builds");
    // After the second put (at 40), before n2 restarts (at 80).
    cluster.sim_mut().run_until(70);
    let net = network(&cluster, 10, 100);
    let holders: Vec<&NodeView> = net.nodes.iter().filter(|n| !n.hints.is_empty()).collect();
    assert_eq!(holders.len(), 1, "{net:#?}");
    assert_eq!(holders[0].hints, [(NodeId(2), "k".to_string())]);
    let n1 = &net.nodes[0];
    assert_eq!(n1.suspects, [NodeId(2)], "n1 missed n2's ack");
    assert!(net.nodes[1].suspected_by.contains(&NodeId(1)));
    let placement = ring(&cluster, "k").key.expect("a key");
    assert_eq!(placement.hints, [(holders[0].id, NodeId(2))]);
    assert!(placement
        .placements
        .iter()
        .any(|p| p.node == holders[0].id && p.fallback_for == Some(NodeId(2))));
    cluster.run();
    let net = network(&cluster, 10, 100);
    assert!(net.nodes.iter().all(|n| n.hints.is_empty()), "{net:#?}");
    let k = key(&cluster, "k");
    let n2 = k.replicas.iter().find(|r| r.node == NodeId(2)).expect("n2");
    assert!(n2.values.contains(&"v2".to_string()), "{n2:#?}");
}

#[test]
fn the_checker_view_names_the_lww_lost_write_and_dvvset_loses_none() {
    let lww = check(&run("lww-lost-write"));
    assert!(lww.quiet);
    let lost: Vec<&Finding> = lww
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::LostWrite)
        .collect();
    assert_eq!(lost.len(), 1, "{lww:#?}");
    assert_eq!(lost[0].key, "cart");
    assert_eq!(lost[0].ops.len(), 1);
    assert!(lost[0].text.starts_with("lost write:"), "{}", lost[0].text);
    let mut dvv = scenario("lww-lost-write");
    dvv.cluster.mode = CausalityMode::DvvSet;
    let mut cluster = Cluster::new(&dvv, SimOptions::default()).expect("builds");
    cluster.run();
    let dvv = check(&cluster);
    assert_eq!(dvv.count(FindingKind::LostWrite), 0, "{dvv:#?}");
    assert_eq!(dvv.count(FindingKind::FalseConflict), 0, "{dvv:#?}");
}

#[test]
fn without_read_repair_the_cut_off_replica_stays_stale() {
    let mut off = scenario("read-repair");
    off.cluster.mechanisms.read_repair = false;
    let mut cluster = Cluster::new(&off, SimOptions::default()).expect("builds");
    cluster.run();
    let view = key(&cluster, "k");
    let stale: Vec<NodeId> = view
        .replicas
        .iter()
        .filter(|r| r.stale)
        .map(|r| r.node)
        .collect();
    assert_eq!(stale, [NodeId(3)], "{view:#?}");
    let check = check(&cluster);
    assert_eq!(check.count(FindingKind::NonConverged), 1, "{check:#?}");
    let repaired = key(&run("read-repair"), "k");
    assert!(repaired.replicas.iter().all(|r| !r.stale), "{repaired:#?}");
}

#[test]
fn mechanism_notes_explain_surprising_switches_only() {
    assert!(mechanism_notes(&Mechanisms::default()).is_empty());
    let notes = mechanism_notes(&Mechanisms {
        sloppy_quorum: false,
        ..Mechanisms::default()
    });
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("nothing to hand off"), "{notes:?}");
    assert_eq!(mechanism_notes(&Mechanisms::NONE).len(), 1);
}

#[test]
fn restoring_one_link_keeps_the_partition_and_every_other_cut() {
    use crate::sim::network::Fault;
    let json = r#"{ "version": 1,
        "cluster": { "nodes": 5, "partitions": 8, "n": 3, "r": 2, "w": 2, "mode": "dvvset" },
        "timeline": [
            { "at": 0, "fault": { "partition": [[1, 2], [3, 4]] } },
            { "at": 0, "fault": { "cut": { "a": 1, "b": 2 } } },
            { "at": 0, "fault": { "one-way": { "from": 4, "to": 3 } } }
        ] }"#;
    let scenario = Scenario::from_json(json).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    cluster.sim_mut().run_until(1);
    let before = faults(&network(&cluster, 0, 0));
    assert!(before.partitioned());
    assert_eq!(before.cut.len(), 3, "{before:?}");
    let n = NodeId;
    let restore = before.restore_link(n(2), n(1));
    assert_eq!(
        restore,
        [
            Fault::Heal,
            // n5, named in no group, is again the group of the unnamed.
            Fault::Partition(vec![vec![n(1), n(2)], vec![n(3), n(4)]]),
            Fault::OneWay {
                from: n(4),
                to: n(3)
            },
        ]
    );
    cluster.inject(&restore.into_iter().map(|f| (1, f)).collect::<Vec<_>>());
    cluster.sim_mut().run_until(2);
    let after = faults(&network(&cluster, 0, 0));
    assert_eq!(after.nodes, before.nodes, "the partition is as it was");
    assert_eq!(after.cut, [(n(4), n(3))]);
    let whole = faults(&network(&run("partition-siblings"), 0, 0));
    assert!(!whole.partitioned());
    assert_eq!(whole.restore_link(n(1), n(2)), [Fault::Heal]);
}

#[test]
fn the_ring_summary_is_the_rings_answer_for_foo() {
    let nodes: Vec<NodeId> = (1..=5).map(NodeId).collect();
    let ring = Ring::new(64, &nodes, 3).expect("a valid ring");
    let summary = ring_summary();
    assert!(
        summary.starts_with(&format!("\"foo\" → {} → [", ring.partition_of(b"foo"))),
        "{summary}"
    );
    assert_eq!(summary.matches(", ").count(), 2, "three nodes: {summary}");
}

#[test]
fn session_violations_reach_the_checker_view_with_the_pair_the_diagram_connects() {
    let cluster = run("session-guarantees");
    let check = check(&cluster);
    assert_eq!(check.sessions(), 4, "{check:#?}");
    for guarantee in crate::checker::Guarantee::ALL {
        let found: Vec<&Finding> = check
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Session(guarantee))
            .collect();
        assert_eq!(found.len(), 1, "{guarantee}: {check:#?}");
        let (at, missed) = found[0].pair.expect("a session finding has its pair");
        assert_eq!(found[0].ops[..2], [at, missed]);
        assert!(
            found[0].text.starts_with(&guarantee.to_string()),
            "{}",
            found[0].text
        );
        assert_eq!(found[0].key, "cart");
        // The diagram's window widens to hold both, however late it is.
        let (from, to) = lamport_window(&cluster, 10, &[at, missed]);
        assert!(to - from > 10, "widened: {from}..{to}");
        let diagram = lamport(&cluster, from, to, 600);
        for op in [at, missed] {
            assert!(
                diagram
                    .marks
                    .iter()
                    .any(|m| matches!(m.kind, MarkKind::Complete(o, _) if o == op)),
                "{op} completes inside {from}..{to}"
            );
        }
    }
    // Every other finding kind comes before the sessions', stale reads after.
    let kinds: Vec<usize> = check
        .findings
        .iter()
        .map(|f| match f.kind {
            FindingKind::Session(_) => 1,
            FindingKind::StaleRead => 2,
            _ => 0,
        })
        .collect();
    assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "{kinds:?}");
    let unfocused = lamport_window(&cluster, 10, &[]);
    assert_eq!(unfocused.1, cluster.sim().now().max(10));
}

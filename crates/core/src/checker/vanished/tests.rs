//! The vanished-write rule on hand-built states: the rule itself over a
//! hand-built history and whereabouts, then a cluster whose value is
//! taken away place by place.

use super::{vanished, VanishedWrite, Whereabouts};
use crate::checker::tests::{records, Op};
use crate::cluster::{vanished_run, Cluster};
use crate::ids::{Addr, OpId};
use crate::message::{Message, PeerMessage};
use crate::node::Member;
use crate::scenario::Scenario;
use crate::sim::{Envelope, Outbox, SimOptions};
use crate::vec_map::VecMap;
use crate::{ClientId, NodeId};

/// Whereabouts written by hand: the values held (of key `k`), and the
/// clients with a put of `k` left, each with the get its context is from.
struct Held {
    values: &'static [&'static str],
    writers: Vec<(Addr, Option<OpId>)>,
}

impl Whereabouts for Held {
    fn holds(&self, key: &str, value: &str) -> bool {
        key == "k" && self.values.contains(&value)
    }
    fn writers_left(&self, key: &str) -> Vec<(Addr, Option<OpId>)> {
        if key == "k" {
            self.writers.clone()
        } else {
            Vec::new()
        }
    }
}

/// The puts of `ops` (client 1's unless `clients` says) that vanished at
/// `held`, puts based on gets as `based_on` says.
fn vanished_ops(ops: &[Op], clients: &[u16], based_on: &[(u64, u64)], held: &Held) -> Vec<u64> {
    let records = records(ops, clients);
    let contexts = || {
        let pairs = based_on.iter().map(|(a, b)| (OpId(*a), OpId(*b))).collect();
        (VecMap::from_unsorted(pairs), VecMap::new())
    };
    vanished(&records, contexts, held)
        .into_iter()
        .map(|v| v.op.0)
        .collect()
}

fn client(number: u16) -> Addr {
    Addr::Client(ClientId(number))
}

#[test]
fn a_value_held_nowhere_and_covered_by_nothing_has_vanished() {
    let nowhere = Held {
        values: &[],
        writers: Vec::new(),
    };
    let ops = [Op::Put("a", 0, Some(5))];
    assert_eq!(vanished_ops(&ops, &[1], &[], &nowhere), [0]);
    // Held anywhere, it has not.
    let held = Held {
        values: &["a"],
        writers: Vec::new(),
    };
    assert_eq!(vanished_ops(&ops, &[1], &[], &held), Vec::<u64>::new());
    // Unacknowledged, it was never promised.
    let unacked = [Op::Put("a", 0, None)];
    assert_eq!(
        vanished_ops(&unacked, &[1], &[], &nowhere),
        Vec::<u64>::new()
    );
}

#[test]
fn a_value_covered_by_a_later_put_has_not_vanished_though_held_nowhere() {
    // a, read, then b written over what was read: b covers a.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
    ];
    let only_b = Held {
        values: &["b"],
        writers: Vec::new(),
    };
    assert_eq!(
        vanished_ops(&ops, &[1, 1, 1], &[(2, 1)], &only_b),
        Vec::<u64>::new()
    );
    // b gone too: b has vanished, a is still covered (by b, as the
    // end-state verdict has it).
    let nothing = Held {
        values: &[],
        writers: Vec::new(),
    };
    assert_eq!(vanished_ops(&ops, &[1, 1, 1], &[(2, 1)], &nothing), [2]);
}

#[test]
fn a_value_a_put_left_may_still_cover_has_not_vanished() {
    // a is held nowhere, but c2 read it and has a put of k left, based on
    // that get: it may still write over it.
    let ops = [Op::Put("a", 0, Some(5)), Op::Get(&["a"], 10, 15)];
    let read_by_c2 = Held {
        values: &[],
        writers: vec![(client(2), Some(OpId(1)))],
    };
    assert_eq!(
        vanished_ops(&ops, &[1, 2], &[], &read_by_c2),
        Vec::<u64>::new()
    );
    // A put left based on a get that did not return a: it has vanished.
    let other = [Op::Put("a", 0, Some(5)), Op::Get(&["z"], 10, 15)];
    assert_eq!(vanished_ops(&other, &[1, 2], &[], &read_by_c2), [0]);
    // a's own client with a put of k left (under client-id vectors it
    // would follow a): not vanished.
    let own = Held {
        values: &[],
        writers: vec![(client(1), None)],
    };
    assert_eq!(vanished_ops(&other, &[1, 2], &[], &own), Vec::<u64>::new());
}

/// Two nodes, one replica per key, nothing kept through a crash: c1 puts
/// milk through the key's primary.
const ONE_REPLICA: &str = r#"{
  "version": 1,
  "name": "one-replica",
  "cluster": { "nodes": 2, "partitions": 8, "n": 1, "r": 1, "w": 1, "mode": "dvvset",
               "mechanisms": { "hinted_handoff": false, "anti_entropy": false,
                               "read_repair": false, "durable": false } },
  "timeline": [
    { "at": 0, "client": 1, "put": { "key": "cart", "value": "milk", "node": 1, "context": "none" } }
  ]
}"#;

fn node(cluster: &mut Cluster, id: NodeId) -> &mut crate::node::Node {
    match cluster.sim_mut().node_mut(id) {
        Some(Member::Node(node)) => node,
        _ => panic!("{id} is a node"),
    }
}

#[test]
fn a_value_in_a_hint_only_has_not_vanished_and_gone_everywhere_it_has() {
    let scenario = Scenario::from_json(ONE_REPLICA).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    cluster.run();
    assert_eq!(vanished_run(cluster.sim()), Vec::<VanishedWrite>::new());
    // The replica holding milk, and the other node.
    let (primary, partition, clock) = cluster
        .nodes()
        .find_map(|(id, node, _)| {
            let (p, _, _) = node.store().iter().next()?;
            Some((id, p, node.store().get_shared(p, "cart")?.clone()))
        })
        .expect("a replica holds milk");
    let other = if primary == NodeId(1) {
        NodeId(2)
    } else {
        NodeId(1)
    };
    // The other node takes milk as a hint for the primary; the primary
    // crashes and, not durable, loses its store: milk is in the hint only.
    let hint = Message::Peer(PeerMessage::Hint {
        req: crate::message::ReqId(0),
        partition,
        key: "cart".into(),
        clock,
        intended: primary,
    });
    let envelope = Envelope {
        from: Addr::Node(primary),
        to: Addr::Node(other),
        msg: hint,
    };
    node(&mut cluster, other).step(0, envelope, &mut Outbox::default());
    node(&mut cluster, primary).crash();
    assert!(node(&mut cluster, primary).store().is_empty());
    assert_eq!(vanished_run(cluster.sim()), Vec::<VanishedWrite>::new());
    // The fallback crashes too: milk is nowhere.
    node(&mut cluster, other).crash();
    assert_eq!(
        vanished_run(cluster.sim()),
        [VanishedWrite {
            op: OpId(0),
            key: "cart".into(),
            value: "milk".into(),
        }]
    );
    assert_eq!(
        vanished_run(cluster.sim())[0].to_string(),
        "lost write: op0 cart=milk (gone: no store, hint, request or message holds it, \
         and no put covers it)"
    );
}

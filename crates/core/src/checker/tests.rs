//! The checker on hand-built histories, through one `check` helper: a list
//! of operations, which get each put's context came from, and the final
//! values at each replica of key `k`. Operations are client 1's unless
//! [`by_clients`] says otherwise.

use super::{check as run_checker, CheckReport, KeyReplicas, SeenAt};
use crate::causality::{CausalityMode, Context, Write};
use crate::ids::{Addr, OpId};
use crate::message::Clock;
use crate::node::ContextChoice;
use crate::node::{ClientOp, OpOutcome};
use crate::ring::PartitionId;
use crate::sim::history::OpRecord;
use crate::vec_map::VecMap;
use crate::{ClientId, NodeId};

mod sessions;

/// One operation of a hand-built history.
#[derive(Clone, Debug)]
pub(super) enum Op {
    /// `Put(value, invoked, acked_at)`.
    Put(&'static str, u64, Option<u64>),
    /// `Get(values, invoked, completed)`.
    Get(&'static [&'static str], u64, u64),
    /// A get that failed its quorum: `FailedGet(invoked, completed)`.
    FailedGet(u64, u64),
}

/// A DVVSet clock holding `values` as concurrent siblings.
fn siblings(values: &[&str]) -> Clock {
    let mut clock = Clock::new(CausalityMode::DvvSet);
    for (i, value) in values.iter().enumerate() {
        let write = Write {
            replica: NodeId(i as u16 + 1),
            client: ClientId(1),
            value: (*value).into(),
            timestamp: 0,
        };
        clock.put(&Context::empty(), write);
    }
    clock
}

/// Operations `ops` (op ids are their indices) on key `k`, puts based on
/// gets as `based_on` says, and each replica's final values.
fn check(ops: &[Op], based_on: &[(u64, u64)], replicas: &[&[&str]]) -> CheckReport {
    check_following(ops, based_on, &[], replicas)
}

/// As [`check`], with puts that carried their client's own counter past an
/// earlier put as `follows` says (client-id version vectors).
fn check_following(
    ops: &[Op],
    based_on: &[(u64, u64)],
    follows: &[(u64, u64)],
    replicas: &[&[&str]],
) -> CheckReport {
    let clients: Vec<u16> = ops.iter().map(|_| 1).collect();
    check_sessions(ops, &clients, based_on, follows, replicas)
}

/// Operations `ops` by the clients `clients` names (one per operation);
/// otherwise as [`check_following`].
fn check_sessions(
    ops: &[Op],
    clients: &[u16],
    based_on: &[(u64, u64)],
    follows: &[(u64, u64)],
    replicas: &[&[&str]],
) -> CheckReport {
    check_records(&records(ops, clients), based_on, follows, replicas)
}

/// The checker over hand-made `records` of key `k`; otherwise as
/// [`check_following`].
fn check_records(
    records: &[OpRecord<ClientOp, OpOutcome>],
    based_on: &[(u64, u64)],
    follows: &[(u64, u64)],
    replicas: &[&[&str]],
) -> CheckReport {
    let pairs = |pairs: &[(u64, u64)]| -> VecMap<OpId, OpId> {
        VecMap::from_unsorted(pairs.iter().map(|(a, b)| (OpId(*a), OpId(*b))).collect())
    };
    let keys = [KeyReplicas {
        key: "k".into(),
        partition: PartitionId(0),
        replicas: replicas
            .iter()
            .enumerate()
            .map(|(i, values)| (NodeId(i as u16 + 1), siblings(values)))
            .collect(),
    }];
    run_checker(records, &pairs(based_on), &pairs(follows), &keys)
}

/// The history records of `ops` on key `k`, each by its client in `clients`.
pub(super) fn records(ops: &[Op], clients: &[u16]) -> Vec<OpRecord<ClientOp, OpOutcome>> {
    assert_eq!(ops.len(), clients.len(), "one client per operation");
    ops.iter()
        .zip(clients)
        .enumerate()
        .map(|(i, (op, client))| {
            let (input, invoked_at, completed) = match op {
                Op::Put(value, at, acked) => (
                    ClientOp::Put {
                        key: "k".into(),
                        value: (*value).into(),
                        node: NodeId(1),
                        context: ContextChoice::LastGet,
                        w: None,
                    },
                    *at,
                    match acked {
                        Some(done) => Some((*done, OpOutcome::Put)),
                        None => Some((at + 50, OpOutcome::Timeout)),
                    },
                ),
                Op::Get(values, at, done) => (
                    get_k(),
                    *at,
                    Some((
                        *done,
                        OpOutcome::Got {
                            values: values.iter().map(|v| (*v).into()).collect(),
                            context: Context::empty(),
                        },
                    )),
                ),
                Op::FailedGet(at, done) => (
                    get_k(),
                    *at,
                    Some((*done, OpOutcome::QuorumFailed { acks: 1, needed: 2 })),
                ),
            };
            OpRecord {
                id: OpId(i as u64),
                by: Addr::Client(ClientId(*client)),
                input,
                invoked_at,
                completed,
            }
        })
        .collect()
}

/// A get of key `k` through node 1.
fn get_k() -> ClientOp {
    ClientOp::Get {
        key: "k".into(),
        node: NodeId(1),
        r: None,
    }
}

#[test]
fn a_write_on_every_replica_is_not_lost() {
    let report = check(&[Op::Put("a", 0, Some(5))], &[], &[&["a"], &["a"], &["a"]]);
    assert_eq!(report, CheckReport::default());
}

#[test]
fn an_acknowledged_write_missing_on_a_live_replica_is_lost() {
    let report = check(&[Op::Put("a", 0, Some(5))], &[], &[&["a"], &[], &["a"]]);
    assert_eq!(report.lost_writes.len(), 1);
    assert_eq!(report.lost_writes[0].op, OpId(0));
    assert_eq!(report.lost_writes[0].missing_on, [NodeId(2)]);
    assert_eq!(report.non_converged.len(), 1, "the replicas also differ");
}

#[test]
fn an_unacknowledged_write_may_vanish() {
    let report = check(&[Op::Put("a", 0, None)], &[], &[&[], &[], &[]]);
    assert!(report.lost_writes.is_empty());
}

#[test]
fn a_write_covered_by_a_later_put_is_superseded_not_lost() {
    // op2 read "a" (op1) and wrote "b" over it.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
    ];
    let report = check(&ops, &[(2, 1)], &[&["b"], &["b"], &["b"]]);
    assert_eq!(report, CheckReport::default());
}

#[test]
fn a_put_carrying_its_clients_own_counter_supersedes_that_clients_earlier_put() {
    // Client-id version vectors: op1 is the same client's next put of the
    // key; its context carried the client's own entry past op0.
    let ops = [Op::Put("a", 0, Some(5)), Op::Put("b", 10, Some(15))];
    let report = check_following(&ops, &[], &[(1, 0)], &[&["b"], &["b"]]);
    assert_eq!(report, CheckReport::default());
    let report = check(&ops, &[], &[&["b"], &["b"]]);
    assert_eq!(report.lost_writes.len(), 1, "without it, op0 is lost");
}

#[test]
fn a_concurrent_write_that_overwrote_without_seeing_loses_the_other() {
    // Two blind writes; only "b" is left, as last-writer-wins leaves it.
    let ops = [Op::Put("a", 0, Some(5)), Op::Put("b", 1, Some(6))];
    let report = check(&ops, &[], &[&["b"], &["b"], &["b"]]);
    assert_eq!(report.lost_writes.len(), 1);
    assert_eq!(report.lost_writes[0].value, "a");
    assert!(report.non_converged.is_empty());
}

#[test]
fn causally_ordered_siblings_are_a_false_conflict() {
    // op2 saw "a" and wrote "b", yet a replica keeps both as siblings.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
        Op::Get(&["a", "b"], 30, 35),
    ];
    let report = check(&ops, &[(2, 1)], &[&["a", "b"], &["a", "b"], &["a", "b"]]);
    assert_eq!(report.false_conflicts.len(), 1);
    let conflict = &report.false_conflicts[0];
    assert_eq!((conflict.older, conflict.newer), (OpId(0), OpId(2)));
    assert_eq!(conflict.seen_at, SeenAt::Replica(NodeId(1)));
    assert!(report.lost_writes.is_empty());
}

#[test]
fn every_writer_of_a_superseded_value_is_a_false_conflict_in_order() {
    // "a" was written twice (op0, op1); op3 read "a" and wrote "b"; op4's
    // "c" is concurrent with both. Replicas keep all three as siblings.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Put("a", 1, Some(6)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
        Op::Put("c", 21, Some(26)),
    ];
    let report = check(&ops, &[(3, 2)], &[&["a", "b", "c"], &["a", "b", "c"]]);
    let pairs: Vec<(OpId, OpId)> = report
        .false_conflicts
        .iter()
        .map(|f| (f.older, f.newer))
        .collect();
    assert_eq!(pairs, [(OpId(0), OpId(3)), (OpId(1), OpId(3))]);
    assert!(report
        .false_conflicts
        .iter()
        .all(|f| f.seen_at == SeenAt::Replica(NodeId(1))));
}

#[test]
fn concurrent_siblings_are_no_false_conflict() {
    let ops = [Op::Put("a", 0, Some(5)), Op::Put("b", 0, Some(5))];
    let report = check(&ops, &[], &[&["a", "b"], &["a", "b"]]);
    assert_eq!(report, CheckReport::default());
}

#[test]
fn replicas_with_different_clocks_have_not_converged() {
    let ops = [Op::Put("a", 0, Some(5)), Op::Put("b", 0, Some(5))];
    let report = check(&ops, &[], &[&["a", "b"], &["a"]]);
    assert_eq!(report.non_converged.len(), 1);
    assert_eq!(report.non_converged[0].replicas.len(), 2);
}

#[test]
fn a_read_that_misses_an_earlier_acknowledged_write_is_stale() {
    let ops = [Op::Put("a", 0, Some(5)), Op::Get(&[], 10, 15)];
    let report = check(&ops, &[], &[&["a"], &["a"]]);
    assert_eq!(report.stale_reads.len(), 1);
    assert_eq!(
        (report.stale_reads[0].read, report.stale_reads[0].missed),
        (OpId(1), OpId(0))
    );
    // A read concurrent with the write is not stale.
    let ops = [Op::Put("a", 0, Some(12)), Op::Get(&[], 10, 15)];
    assert!(check(&ops, &[], &[&["a"]]).stale_reads.is_empty());
}

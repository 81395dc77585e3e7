//! The four session guarantees on hand-built histories of key `k`: one case
//! that shows each violation, the cases that hold, and a property test
//! against a direct reading of the definitions.

use proptest::prelude::*;

use super::{check_records, check_sessions, records, Op};
use crate::checker::{Guarantee, SessionViolation};
use crate::ids::{Addr, OpId};
use crate::node::{ClientOp, ContextChoice};
use crate::ClientId;

/// The session violations of `ops` by `clients`, puts based on gets as
/// `based_on` says, as `(guarantee, at, missed, via)`.
fn violations(
    ops: &[Op],
    clients: &[u16],
    based_on: &[(u64, u64)],
    follows: &[(u64, u64)],
) -> Vec<(Guarantee, u64, u64, Option<u64>)> {
    check_sessions(ops, clients, based_on, follows, &[])
        .sessions
        .iter()
        .map(|v| (v.guarantee, v.at.0, v.missed.0, v.via.map(|g| g.0)))
        .collect()
}

use Guarantee::*;

#[test]
fn a_client_that_reads_its_acknowledged_write_keeps_every_guarantee() {
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
        Op::Get(&["b"], 30, 35),
    ];
    assert_eq!(violations(&ops, &[1; 4], &[(2, 1)], &[]), []);
}

#[test]
fn read_your_writes_a_get_that_misses_the_clients_acknowledged_put() {
    let ops = [Op::Put("a", 0, Some(5)), Op::Get(&[], 10, 15)];
    let report = check_sessions(&ops, &[1, 1], &[], &[], &[]);
    assert_eq!(
        report.sessions,
        [SessionViolation {
            guarantee: ReadYourWrites,
            client: Addr::Client(ClientId(1)),
            key: "k".into(),
            at: OpId(1),
            missed: OpId(0),
            via: None,
        }]
    );
    assert_eq!(
        report.sessions[0].to_string(),
        "read your writes: c1's get op1 of k does not see op0, its own put acknowledged before the get began"
    );
    assert_eq!(report.counts().sessions, [1, 0, 0, 0]);
    // Another client's read of the same history promises nothing.
    assert_eq!(violations(&ops, &[1, 2], &[], &[]), []);
}

#[test]
fn read_your_writes_holds_for_a_sibling_and_for_a_write_that_follows() {
    // c1's "a" comes back beside a concurrent "b": seen.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Put("b", 1, Some(6)),
        Op::Get(&["a", "b"], 10, 15),
    ];
    assert_eq!(violations(&ops, &[1, 2, 1], &[], &[]), []);
    // c2 read "a" and wrote "b" over it, then "c" over "b": c1 reading
    // only "c" sees its "a", two steps back.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
        Op::Get(&["b"], 30, 35),
        Op::Put("c", 40, Some(45)),
        Op::Get(&["c"], 50, 55),
    ];
    assert_eq!(
        violations(&ops, &[1, 2, 2, 2, 2, 1], &[(2, 1), (4, 3)], &[]),
        []
    );
}

#[test]
fn read_your_writes_a_blind_write_over_the_clients_write_hides_it() {
    // c2 wrote "b" without reading: c1's get returns only "b" (as LWW
    // keeps it), which does not follow c1's "a".
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Put("b", 6, Some(9)),
        Op::Get(&["b"], 10, 15),
    ];
    assert_eq!(
        violations(&ops, &[1, 2, 1], &[], &[]),
        [(ReadYourWrites, 2, 0, None)]
    );
}

#[test]
fn only_operations_that_completed_before_count() {
    // c1's put is acknowledged after its get began; c2's second get began
    // before its first returned; c1's failed get saw nothing, and its
    // failed put promised nothing.
    let ops = [
        Op::Put("a", 0, Some(12)),
        Op::Get(&[], 10, 15),
        Op::Get(&["a"], 20, 30),
        Op::Get(&[], 25, 35),
        Op::FailedGet(40, 45),
        Op::Put("b", 50, None),
        Op::Get(&["a"], 60, 65),
    ];
    assert_eq!(violations(&ops, &[1, 1, 2, 2, 1, 1, 1], &[], &[]), []);
}

#[test]
fn monotonic_reads_a_get_that_misses_what_an_earlier_get_saw() {
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Get(&[], 20, 25),
        Op::Get(&[], 30, 35),
    ];
    let report = check_sessions(&ops, &[2, 1, 1, 1], &[], &[], &[]);
    let found: Vec<String> = report.sessions.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        found,
        [
            "monotonic reads: c1's get op2 of k does not see op0, which its earlier get op1 saw",
            "monotonic reads: c1's get op3 of k does not see op0, which its earlier get op1 saw",
        ]
    );
}

#[test]
fn monotonic_writes_a_put_that_does_not_follow_the_clients_earlier_put() {
    // Two puts in a row with the session's (last-get) context, which holds
    // no read: the store keeps them as siblings.
    let ops = [Op::Put("a", 0, Some(5)), Op::Put("b", 10, Some(15))];
    let report = check_sessions(&ops, &[1, 1], &[], &[], &[]);
    assert_eq!(report.sessions.len(), 1);
    assert_eq!(
        report.sessions[0].to_string(),
        "monotonic writes: c1's put op1 of k does not follow op0, its own earlier put: the two are siblings to every reader"
    );
    // Under client-id version vectors the second put carries the client's
    // own counter past the first, and follows it.
    assert_eq!(violations(&ops, &[1, 1], &[], &[(1, 0)]), []);
    // So it does when the client read its first write before the second.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
    ];
    assert_eq!(violations(&ops, &[1; 3], &[(2, 1)], &[]), []);
}

#[test]
fn a_blind_put_asks_to_follow_nothing_but_is_still_the_clients_own_write() {
    // c1 writes "a", reads it, writes "b" blind (`context: none`), then "c"
    // with the context of its read.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
        Op::Put("c", 30, Some(35)),
    ];
    let mut history = records(&ops, &[1; 4]);
    let ClientOp::Put { context, .. } = &mut history[2].input else {
        unreachable!("op2 is a put")
    };
    *context = ContextChoice::None;
    let found = |based_on: &[(u64, u64)]| -> Vec<(Guarantee, u64, u64)> {
        check_records(&history, based_on, &[], &[])
            .sessions
            .iter()
            .map(|v| (v.guarantee, v.at.0, v.missed.0))
            .collect()
    };
    // The blind "b" breaks neither write guarantee over "a"; "c" follows
    // "a" through the read, but not c1's own blind "b", acknowledged before.
    assert_eq!(found(&[(3, 1)]), [(MonotonicWrites, 3, 2)]);
    // The same two puts with the session's context both break them.
    assert_eq!(
        violations(&ops, &[1; 4], &[(3, 1)], &[]),
        [
            (MonotonicWrites, 2, 0, None),
            (WritesFollowReads, 2, 0, Some(1)),
            (MonotonicWrites, 3, 2, None)
        ]
    );
}

#[test]
fn writes_follow_reads_a_put_that_leaves_out_what_the_client_read() {
    // c1 read c2's "a", then wrote "b" blind.
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
    ];
    let report = check_sessions(&ops, &[2, 1, 1], &[], &[], &[]);
    assert_eq!(
        report.sessions.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        ["writes follow reads: c1's put op2 of k does not follow op0, which its earlier get op1 saw"]
    );
    // With the get's context it follows.
    assert_eq!(violations(&ops, &[2, 1, 1], &[(2, 1)], &[]), []);
}

#[test]
fn a_stale_context_breaks_both_write_guarantees() {
    // c1 read "a", wrote "b" with that context, then wrote "c" with the
    // same (old) context: "c" follows "a" but not c1's own "b".
    let ops = [
        Op::Put("a", 0, Some(5)),
        Op::Get(&["a"], 10, 15),
        Op::Put("b", 20, Some(25)),
        Op::Put("c", 30, Some(35)),
        Op::Get(&["b", "c"], 40, 45),
    ];
    assert_eq!(
        violations(&ops, &[2, 1, 1, 1, 3], &[(2, 1), (3, 1)], &[]),
        [(MonotonicWrites, 3, 2, None)]
    );
}

#[test]
fn counts_and_the_report_line_name_all_four() {
    let ops = [Op::Put("a", 0, Some(5)), Op::Get(&[], 10, 15)];
    let report = check_sessions(&ops, &[1, 1], &[], &[], &[]);
    let text = report.to_string();
    assert!(
        text.ends_with("session guarantees broken: 1 read-your-writes, 0 monotonic-reads, 0 monotonic-writes, 0 writes-follow-reads"),
        "{text}"
    );
}

/// One operation of a generated history: a put or a get by a client,
/// starting `gap` ticks after the previous one and taking `ticks`.
#[derive(Clone, Debug)]
struct Gen {
    put: bool,
    client: u16,
    gap: u64,
    ticks: u64,
    ok: bool,
    /// Which earlier puts' values a get returns (bit i: the i-th put).
    returns: u16,
    /// The earlier get a put's context came from, counted back.
    based_on: Option<u8>,
}

fn gen_op() -> impl Strategy<Value = Gen> {
    (
        any::<bool>(),
        1u16..=3,
        0u64..6,
        1u64..12,
        prop::bool::weighted(0.85),
        any::<u16>(),
        prop::option::of(0u8..4),
    )
        .prop_map(|(put, client, gap, ticks, ok, returns, based_on)| Gen {
            put,
            client,
            gap,
            ticks,
            ok,
            returns,
            based_on,
        })
}

/// A generated history as ops, clients and `based_on` pairs. Values are
/// distinct; a get returns values of puts invoked before it.
fn build(gens: &[Gen]) -> (Vec<Op>, Vec<u16>, Vec<(u64, u64)>) {
    const VALUES: [&str; 16] = [
        "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13",
        "v14", "v15",
    ];
    let (mut ops, mut clients, mut based_on) = (Vec::new(), Vec::new(), Vec::new());
    let (mut now, mut puts, mut gets): (u64, Vec<usize>, Vec<usize>) = (0, vec![], vec![]);
    for g in gens {
        now += g.gap;
        let done = now + g.ticks;
        let i = ops.len();
        if g.put && puts.len() < VALUES.len() {
            if let Some(back) = g.based_on.filter(|b| usize::from(*b) < gets.len()) {
                based_on.push((i as u64, gets[gets.len() - 1 - usize::from(back)] as u64));
            }
            ops.push(Op::Put(VALUES[puts.len()], now, g.ok.then_some(done)));
            puts.push(i);
        } else if g.ok {
            let values: Vec<&'static str> = (0..puts.len())
                .filter(|p| g.returns & (1 << p) != 0)
                .map(|p| VALUES[p])
                .collect();
            ops.push(Op::Get(values.leak(), now, done));
            gets.push(i);
        } else {
            ops.push(Op::FailedGet(now, done));
        }
        clients.push(g.client);
    }
    (ops, clients, based_on)
}

/// The four guarantees read straight from their definitions, with the
/// causal past found by search: what the checker's bit sets must agree with.
fn oracle(
    ops: &[Op],
    clients: &[u16],
    based_on: &[(u64, u64)],
) -> Vec<(Guarantee, u64, u64, Option<u64>)> {
    let writer = |value: &str| {
        ops.iter()
            .position(|op| matches!(op, Op::Put(v, ..) if *v == value))
            .expect("every value has a writer")
    };
    let returned = |g: usize| match &ops[g] {
        Op::Get(values, ..) => values.iter().map(|v| writer(v)).collect(),
        _ => Vec::new(),
    };
    // The puts `q` directly follows: the writers its get returned.
    let direct = |q: usize| -> Vec<usize> {
        based_on
            .iter()
            .filter(|(put, _)| *put as usize == q)
            .flat_map(|(_, get)| returned(*get as usize))
            .collect()
    };
    let follows = |q: usize, p: usize| {
        let (mut stack, mut seen) = (vec![q], vec![false; ops.len()]);
        while let Some(x) = stack.pop() {
            if x == p {
                return true;
            }
            if !std::mem::replace(&mut seen[x], true) {
                stack.extend(direct(x));
            }
        }
        false
    };
    let sees = |g: usize, p: usize| returned(g).into_iter().any(|q| follows(q, p));
    let span = |i: usize| match ops[i] {
        Op::Put(_, at, done) => (at, done),
        Op::Get(_, at, done) => (at, Some(done)),
        Op::FailedGet(..) => (0, None),
    };
    let is_get = |i: usize| matches!(ops[i], Op::Get(..));
    let is_put = |i: usize| matches!(ops[i], Op::Put(..));
    let before = |a: usize, b: usize| {
        clients[a] == clients[b] && span(a).1.is_some_and(|done| done < span(b).0)
    };
    let mut found = Vec::new();
    for b in 0..ops.len() {
        let acked_put = is_put(b) && span(b).1.is_some();
        if !is_get(b) && !acked_put {
            continue;
        }
        let earlier_gets: Vec<usize> = (0..ops.len())
            .filter(|&a| is_get(a) && before(a, b))
            .collect();
        for a in (0..ops.len()).filter(|&a| is_put(a) && before(a, b)) {
            let kept = if is_get(b) { sees(b, a) } else { follows(b, a) };
            if !kept {
                let g = if is_get(b) {
                    ReadYourWrites
                } else {
                    MonotonicWrites
                };
                found.push((g, b as u64, a as u64, None));
            }
        }
        let mut read: Vec<usize> = earlier_gets.iter().flat_map(|&a| returned(a)).collect();
        read.sort();
        read.dedup();
        for p in read {
            let kept = if is_get(b) { sees(b, p) } else { follows(b, p) };
            if !kept {
                // The first get (by completion) that returned it.
                let via = earlier_gets
                    .iter()
                    .filter(|&&a| returned(a).contains(&p))
                    .min_by_key(|&&a| (span(a).1, a))
                    .map(|&a| a as u64);
                let g = if is_get(b) {
                    MonotonicReads
                } else {
                    WritesFollowReads
                };
                found.push((g, b as u64, p as u64, via));
            }
        }
    }
    found.sort_by_key(|&(g, at, missed, _)| (at, g, missed));
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_checker_agrees_with_the_definitions(gens in prop::collection::vec(gen_op(), 1..24)) {
        let (ops, clients, based_on) = build(&gens);
        prop_assert_eq!(
            violations(&ops, &clients, &based_on, &[]),
            oracle(&ops, &clients, &based_on)
        );
    }
}

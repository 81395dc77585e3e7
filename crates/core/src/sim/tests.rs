//! Engine tests over a toy ping/pong process, through one `check` helper that
//! runs a timeline and compares the trace.

use std::collections::BTreeSet;
use std::fmt;

use super::{Addr, Envelope, Message, OpId, Outbox, Process, SimOptions, Simulator, Time};
use crate::ids::{ClientId, NodeId};
use crate::sim::network::{Fault, NetworkOptions};

/// Toy messages: a client pings a node, the node pongs back.
#[derive(Clone, Debug)]
enum Toy {
    Ping(OpId),
    Pong(OpId),
}

impl Message for Toy {
    const RECORD_BYTES: u64 = 64;

    fn kind(&self) -> &'static str {
        match self {
            Toy::Ping(_) => "ping",
            Toy::Pong(_) => "pong",
        }
    }
}

impl fmt::Display for Toy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Toy::Ping(op) => write!(f, "ping {op}"),
            Toy::Pong(op) => write!(f, "pong {op}"),
        }
    }
}

/// A toy process: nodes answer pings (and note it with a timer); clients
/// ping a node and give up after 20 ticks.
#[derive(Clone, Default)]
struct Pinger {
    pending: BTreeSet<OpId>,
}

impl Process for Pinger {
    type Msg = Toy;
    type Timer = String;
    type Input = u16;
    type Outcome = &'static str;

    fn on_message(
        &mut self,
        _now: Time,
        Envelope { from, msg, .. }: Envelope<Toy>,
        out: &mut Outbox<Self>,
    ) {
        match msg {
            Toy::Ping(op) => {
                out.send(from, Toy::Pong(op));
                out.set_timer(5, format!("answered-{op}"));
            }
            Toy::Pong(op) => {
                if self.pending.remove(&op) {
                    out.complete(op, "pong");
                }
            }
        }
    }

    fn on_timer(&mut self, _now: Time, timer: String, out: &mut Outbox<Self>) {
        if let Some(op) = timer.strip_prefix("timeout-op") {
            let op = OpId(op.parse().expect("timer names an op"));
            if self.pending.remove(&op) {
                out.complete(op, "timeout");
            }
        }
    }

    fn on_input(&mut self, _now: Time, op: OpId, node: u16, out: &mut Outbox<Self>) {
        self.pending.insert(op);
        out.send(Addr::Node(NodeId(node)), Toy::Ping(op));
        out.set_timer(20, format!("timeout-{op}"));
    }

    fn on_crash(&mut self, _now: Time) {
        self.pending.clear();
    }

    fn on_restart(&mut self, _now: Time, _out: &mut Outbox<Self>) {}
}

/// What a timeline entry does.
enum Do {
    Ping(u16),
    /// A node pings another node (inputs may go to nodes too).
    PingFrom(u16, u16),
    Fault(Fault),
}

/// Run `timeline` on 3 nodes and 1 client with `network` and `seed`; compare
/// the whole trace with `expected` (leading and trailing blank lines ignored).
fn check(network: NetworkOptions, seed: u64, timeline: Vec<(Time, Do)>, expected: &str) {
    let sim = run(network, seed, timeline);
    assert_eq!(
        sim.trace().to_string().trim(),
        expected.trim(),
        "trace differs:\n{}",
        sim.trace()
    );
}

fn run(network: NetworkOptions, seed: u64, timeline: Vec<(Time, Do)>) -> Simulator<Pinger> {
    let mut sim = build(network, seed, timeline);
    assert!(sim.run_until_quiet(), "the toy cluster always goes quiet");
    sim
}

/// 3 nodes and 1 client with `network` and `seed`, `timeline` scheduled.
fn build(network: NetworkOptions, seed: u64, timeline: Vec<(Time, Do)>) -> Simulator<Pinger> {
    let nodes = (0..3).map(|_| Pinger::default()).collect();
    let mut sim = Simulator::new(
        nodes,
        vec![Pinger::default()],
        network,
        seed,
        SimOptions::default(),
    );
    for (at, action) in timeline {
        match action {
            Do::Ping(node) => sim.schedule_input(at, Addr::Client(ClientId(1)), node),
            Do::PingFrom(from, to) => sim.schedule_input(at, Addr::Node(NodeId(from)), to),
            Do::Fault(fault) => sim.schedule_fault(at, fault),
        }
    }
    sim
}

fn fixed_latency(ticks: Time) -> NetworkOptions {
    NetworkOptions {
        latency_ticks_min: ticks,
        latency_ticks_max: ticks,
        ..NetworkOptions::default()
    }
}

#[test]
fn a_ping_is_answered_and_the_late_timeout_does_nothing() {
    check(
        fixed_latency(2),
        1,
        vec![(0, Do::Ping(1))],
        "
     0 invoke op0 c1 1
     2 deliver #0 c1->n1 sent@0 ping op0
     4 deliver #1 n1->c1 sent@2 pong op0
     4 complete op0 c1 pong
     7 timer n1 answered-op0
    20 timer c1 timeout-op0
",
    );
}

#[test]
fn events_at_the_same_tick_run_in_scheduling_order() {
    check(
        fixed_latency(1),
        1,
        vec![
            (3, Do::Fault(Fault::Heal)),
            (3, Do::Fault(Fault::SetDrop(0))),
            (1, Do::Fault(Fault::Heal)),
        ],
        "
     1 fault heal
     3 fault heal
     3 fault set-drop 0/1000000
",
    );
}

#[test]
fn a_crash_drops_messages_and_loses_timers_until_restart() {
    check(
        fixed_latency(2),
        1,
        vec![
            (0, Do::Ping(2)),
            (3, Do::Fault(Fault::Crash(NodeId(2)))),
            (5, Do::Fault(Fault::Restart(NodeId(2)))),
            (5, Do::Ping(2)),
        ],
        "
     0 invoke op0 c1 2
     2 deliver #0 c1->n2 sent@0 ping op0
     3 fault crash n2
     4 deliver #1 n2->c1 sent@2 pong op0
     4 complete op0 c1 pong
     5 fault restart n2
     5 invoke op1 c1 2
     7 deliver #2 c1->n2 sent@5 ping op1
     9 deliver #3 n2->c1 sent@7 pong op1
     9 complete op1 c1 pong
    12 timer n2 answered-op1
    20 timer c1 timeout-op0
    25 timer c1 timeout-op1
",
    );
}

#[test]
fn a_crashed_node_loses_what_arrives_and_the_client_times_out() {
    check(
        fixed_latency(2),
        1,
        vec![(0, Do::Fault(Fault::Crash(NodeId(3)))), (1, Do::Ping(3))],
        "
     0 fault crash n3
     1 invoke op0 c1 3
     3 drop #0 c1->n3 crashed: ping op0
    21 timer c1 timeout-op0
    21 complete op0 c1 timeout
",
    );
}

#[test]
fn partitions_and_cuts_block_node_links_and_heal_restores_them() {
    let mut network = crate::sim::network::Network::new(NetworkOptions::default());
    let (n1, n2, n3) = (NodeId(1), NodeId(2), NodeId(3));
    network.apply(&Fault::Partition(vec![vec![n1], vec![n2]]));
    assert!(!network.reachable(n1, n2) && !network.reachable(n2, n1));
    assert!(
        !network.reachable(n1, n3),
        "n3 is in the group of unnamed nodes"
    );
    assert!(network.reachable(n2, n2));
    network.apply(&Fault::Heal);
    network.apply(&Fault::OneWay { from: n1, to: n2 });
    assert!(!network.reachable(n1, n2) && network.reachable(n2, n1));
    network.apply(&Fault::Heal);
    assert!(network.reachable(n1, n2));
}

#[test]
fn same_seed_same_trace_and_the_seed_matters() {
    let timeline = || {
        (0..20)
            .map(|i| (i, Do::PingFrom(1 + (i % 3) as u16, 3 - (i % 3) as u16)))
            .collect()
    };
    let noisy = NetworkOptions {
        latency_ticks_min: 1,
        latency_ticks_max: 9,
        duplicate_per_million: 200_000,
        reorder_per_million: 200_000,
        ..NetworkOptions::default()
    };
    let a = run(noisy.clone(), 7, timeline());
    let b = run(noisy.clone(), 7, timeline());
    let c = run(noisy, 8, timeline());
    assert_eq!(a.trace().to_string(), b.trace().to_string());
    assert_eq!(a.trace().hash(), b.trace().hash());
    assert_ne!(a.trace().hash(), c.trace().hash());
    assert!(
        a.stats().duplicated > 0,
        "20% duplication over 40 messages made no copy"
    );
    assert_eq!(a.stats().completed, 20);
}

#[test]
fn history_records_every_message_and_operation() {
    let sim = run(
        fixed_latency(2),
        1,
        vec![
            (0, Do::Ping(1)),
            (1, Do::Fault(Fault::Crash(NodeId(2)))),
            (1, Do::Ping(2)),
        ],
    );
    let history = sim.history();
    let fates: Vec<String> = history
        .messages
        .iter()
        .map(|m| format!("{} {:?}", m.kind, m.fate))
        .collect();
    assert_eq!(
        fates,
        [
            "ping Delivered { at: 2 }",
            "ping Dropped { at: 3, reason: Crashed }",
            "pong Delivered { at: 4 }"
        ]
    );
    let ops: Vec<_> = history
        .ops
        .iter()
        .map(|o| (o.invoked_at, o.completed))
        .collect();
    assert_eq!(ops, [(0, Some((4, "pong"))), (1, Some((21, "timeout")))]);
    assert_eq!(
        history.in_flight_at(3).map(|m| m.id.0).collect::<Vec<_>>(),
        [2]
    );
}

/// A node that pings n2 until it answers, retrying every 10 ticks with a
/// retry timer; n2's answer changes nothing at n2.
#[derive(Clone, Default)]
struct Retrier {
    answered: bool,
}

impl Process for Retrier {
    type Msg = Toy;
    type Timer = &'static str;
    type Input = u16;
    type Outcome = &'static str;

    fn on_message(&mut self, _now: Time, envelope: Envelope<Toy>, out: &mut Outbox<Self>) {
        match envelope.msg {
            Toy::Ping(op) => {
                out.send(envelope.from, Toy::Pong(op));
                out.idle();
            }
            Toy::Pong(op) if !self.answered => {
                self.answered = true;
                out.complete(op, "pong");
            }
            Toy::Pong(_) => out.idle(),
        }
    }

    fn on_timer(&mut self, _now: Time, _timer: &'static str, out: &mut Outbox<Self>) {
        if !self.answered {
            out.send(Addr::Node(NodeId(2)), Toy::Ping(OpId(0)));
            out.set_timer(10, "retry");
        }
    }

    fn on_input(&mut self, now: Time, _op: OpId, _node: u16, out: &mut Outbox<Self>) {
        self.on_timer(now, "retry", out);
    }

    fn on_crash(&mut self, _now: Time) {}

    fn on_restart(&mut self, _now: Time, _out: &mut Outbox<Self>) {}

    fn is_retry(_timer: &&'static str) -> bool {
        true
    }
}

/// n1 starts pinging n2 at tick 1, after `faults` at tick 0, over `network`.
fn retrying(network: NetworkOptions, faults: Vec<Fault>) -> Simulator<Retrier> {
    let nodes = (0..2).map(|_| Retrier::default()).collect();
    let mut sim = Simulator::new(nodes, Vec::new(), network, 7, SimOptions::default());
    for fault in faults {
        sim.schedule_fault(0, fault);
    }
    sim.schedule_input(1, Addr::Node(NodeId(1)), 2);
    sim
}

#[test]
fn retries_to_a_node_down_for_good_go_quiet_and_a_restart_resumes_them() {
    let mut sim = retrying(fixed_latency(1), vec![Fault::Crash(NodeId(2))]);
    assert!(!sim.is_quiet(), "an input is to come");
    assert!(sim.run_until_quiet());
    // The input's ping is dropped at 2; the retry round at 11 is settled,
    // and its ping dropped at 12 makes the run quiet, the next retry set.
    assert_eq!((sim.now(), sim.next_event_at()), (12, Some(21)));
    sim.schedule_fault(30, Fault::Restart(NodeId(2)));
    assert!(!sim.is_quiet(), "a restart is to come");
    assert!(sim.run_until_quiet());
    assert_eq!(sim.next_event_at(), None, "answered: no retry left");
    assert_eq!(sim.stats().completed, 1);
}

#[test]
fn loss_by_chance_keeps_retrying_and_a_partition_does_not() {
    let lossy = NetworkOptions {
        drop_per_million: 700_000,
        ..fixed_latency(1)
    };
    let mut sim = retrying(lossy.clone(), Vec::new());
    assert!(sim.run_until_quiet());
    assert_eq!(sim.next_event_at(), None, "retried until answered");
    assert_eq!(sim.stats().completed, 1);
    let cut_off = Fault::Partition(vec![vec![NodeId(1)], vec![NodeId(2)]]);
    let mut sim = retrying(lossy, vec![cut_off]);
    assert!(sim.run_until_quiet());
    assert!(sim.next_event_at().is_some(), "the partition stays");
    assert_eq!(sim.stats().completed, 0);
}

#[test]
fn a_front_end_learns_its_op_ids_and_outcomes_without_a_history_and_keeps_the_hash() {
    let options = SimOptions {
        trace: crate::sim::trace::TraceMode::HashOnly,
        history: false,
        ..SimOptions::default()
    };
    let nodes = (0..3).map(|_| Pinger::default()).collect();
    let mut live = Simulator::new(nodes, vec![Pinger::default()], fixed_latency(2), 1, options);
    live.log_completions(true);
    // A timeline input already waits at tick 0; the front end's input comes after it.
    live.schedule_input(0, Addr::Client(ClientId(1)), 1);
    assert_eq!(live.op_id_of_next_input_at(0), OpId(1));
    live.schedule_input(0, Addr::Client(ClientId(1)), 2);
    live.run_until(3);
    live.set_trace_mode(crate::sim::trace::TraceMode::Full);
    assert_eq!(live.op_id_of_next_input_at(3), OpId(2));
    live.schedule_input(3, Addr::Client(ClientId(1)), 3);
    assert!(live.run_until_quiet());
    let lines = live.take_trace_events();
    assert!(
        lines.iter().any(|l| l.text == "complete op2 c1 pong"),
        "the lines since the switch are kept: {lines:?}"
    );
    assert!(live.take_trace_events().is_empty());
    let done: Vec<(OpId, &str)> = live
        .take_completions()
        .into_iter()
        .map(|c| (c.op, c.outcome))
        .collect();
    assert_eq!(
        done,
        vec![(OpId(0), "pong"), (OpId(1), "pong"), (OpId(2), "pong")]
    );
    assert!(live.take_completions().is_empty());
    assert!(live.history().ops.is_empty());
    let replay = run(
        fixed_latency(2),
        1,
        vec![(0, Do::Ping(1)), (0, Do::Ping(2)), (3, Do::Ping(3))],
    );
    assert_eq!(live.trace().hash(), replay.trace().hash());
}

/// Latencies, reordering and times at the very end of `u64`, which no valid
/// scenario reaches: every sum of ticks saturates instead of wrapping, so
/// time never goes back and nothing panics.
#[test]
fn ticks_near_the_end_of_time_saturate() {
    let network = NetworkOptions {
        latency_ticks_min: 0,
        latency_ticks_max: Time::MAX,
        duplicate_per_million: 500_000,
        reorder_per_million: 1_000_000,
        ..NetworkOptions::default()
    };
    for seed in 0..20 {
        let timeline = vec![
            (0, Do::Ping(1)),
            (0, Do::PingFrom(2, 3)),
            (Time::MAX - 3, Do::Ping(2)),
            (Time::MAX - 1, Do::PingFrom(1, 2)),
            (Time::MAX, Do::Ping(3)),
        ];
        let mut sim = build(network.clone(), seed, timeline);
        let mut events = 0;
        while sim.step() {
            events += 1;
            assert!(events < 1_000, "the toy run ends");
        }
        let times: Vec<Time> = sim.trace().events().iter().map(|e| e.at).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert_eq!(sim.stats().invoked, 5);
    }
}

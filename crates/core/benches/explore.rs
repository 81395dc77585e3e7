//! The explorer's throughput: distinct states per second for a 3-node,
//! 2-client cluster (N=3, R=2, W=2, DVVSet, every mechanism on), the
//! first `STATES` distinct states of its space breadth first, with and
//! without the sleep-set reduction (times absolute, the space measured
//! since the first figures), and with times relative to the clock (the
//! explorer's default: each state a class of states equal up to a shift of
//! the clock, so more transitions per distinct state); and its hot path taken apart, the state
//! fingerprint (`Simulator::fingerprint_and_size`) and the clone of a
//! state (`Simulator::clone`), each on a state halfway through the two
//! puts. Run: `cargo bench -p wildling-core --bench explore`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wildling_core::cluster::Cluster;
use wildling_core::explore::Explorer;
use wildling_core::node::Member;
use wildling_core::scenario::Schedule;
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::{SimOptions, Simulator};

mod two_puts;
use two_puts::{options, relative_options, STATES};

fn search(c: &mut Criterion) {
    let scenario = two_puts::scenario();
    let mut group = c.benchmark_group("explore");
    group.sample_size(10);
    group.throughput(Throughput::Elements(STATES as u64));
    for (name, options) in [
        ("distinct_states_3_nodes_2_clients", options(STATES, true)),
        (
            "distinct_states_3_nodes_2_clients_no_reduction",
            options(STATES, false),
        ),
        (
            "distinct_states_3_nodes_2_clients_relative_times",
            relative_options(STATES, true),
        ),
    ] {
        let mut probe = Explorer::new(&scenario, options.clone()).expect("valid");
        probe.run_to_end();
        let progress = probe.progress();
        assert_eq!(
            progress.distinct_states, STATES as u64,
            "the search reaches its state bound: {progress:?}"
        );
        // Printed so that instruction counts (callgrind) can be taken per
        // distinct state (`./dev explore-instructions`).
        eprintln!(
            "{name}: {} distinct states, {} transitions, depth {}, {} settled, ended {:?}",
            progress.distinct_states,
            progress.states_explored,
            progress.depth_reached,
            progress.settled_states,
            probe.ended()
        );
        group.bench_function(name, |b| {
            b.iter_batched(
                || Explorer::new(&scenario, options.clone()).expect("valid"),
                |mut explorer| {
                    explorer.run_to_end();
                    explorer
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// The state after each put's request reached its coordinator and the
/// coordinator's replica requests went out: a typical state in the middle
/// of the search, with messages in flight and timers set.
fn halfway() -> Simulator<Member> {
    let mut scenario = two_puts::scenario();
    scenario.schedule = Some(Schedule::default());
    let options = SimOptions {
        trace: TraceMode::Off,
        ..SimOptions::default()
    };
    let mut sim = Cluster::new(&scenario, options).expect("valid").into_sim();
    for _ in 0..6 {
        let first = sim
            .enabled()
            .into_iter()
            .find(|e| !e.is_drop && !e.is_spent)
            .expect("something to do");
        sim.choose(first.choice).expect("enabled");
    }
    sim
}

fn parts(c: &mut Criterion) {
    let sim = halfway();
    let mut group = c.benchmark_group("explore_state");
    group.throughput(Throughput::Elements(1));
    group.bench_function("fingerprint", |b| b.iter(|| sim.fingerprint_and_size()));
    group.bench_function("clone", |b| {
        b.iter_batched(|| (), |()| sim.clone(), BatchSize::SmallInput)
    });
    group.finish();
}

criterion_group!(benches, search, parts);
criterion_main!(benches);

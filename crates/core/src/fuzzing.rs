//! The entry points that untrusted text reaches, as fuzzers drive them.
//!
//! Scenarios, tutorials and experiments come from links and files written
//! by strangers. Each function here takes any text, parses it as the
//! playground, the CLI and the server do, and asserts what must hold for
//! every input: the parser returns a value or an error (never a panic),
//! what it accepts prints back to itself, and a scenario it accepts runs to
//! an end the run explains: quiet, its `run_until`, or [`Stopped`] (its
//! budget or its horizon). The same functions serve two drivers, so the
//! claims are written once: the cargo-fuzz targets in `fuzz/` (coverage
//! guided, nightly, run by hand) and the property tests in
//! `tests/fuzzing.rs` (random and mutated inputs, in every `./dev test`).
//!
//! A run is bounded by a small budget ([`FUZZ_BUDGET`]) so that one input
//! costs milliseconds, as a fuzzer needs; the default budget is tested on
//! its own (`tests/limits.rs`, the CLI's `tests/hostile.rs`).
//!
//! # CAVEATS
//!
//! - The functions panic on a broken claim: that is how a fuzzer or a test
//!   hears of it. Nothing else in the model calls them.
//! - A tutorial's scenario names resolve to the built-ins (feature
//!   `builtins`, on by default), as the CLI reads them.

use crate::cluster::Cluster;
use crate::experiment::Experiment;
use crate::scenario::Scenario;
use crate::sim::budget::{Budget, Limit, Stopped};
use crate::sim::trace::TraceMode;
use crate::sim::SimOptions;
use crate::tutorial::Tutorial;

/// The budget a fuzzed run gets: small, so that one input takes
/// milliseconds, and every part of it is reachable.
pub const FUZZ_BUDGET: Budget = Budget {
    events_max: 20_000,
    history_messages_max: 5_000,
    retained_bytes_max: 2 << 20,
};

/// Any text as a scenario: a scenario or an error; an accepted one prints
/// to JSON that parses to itself. Returns the scenario, if accepted.
pub fn parse_scenario(text: &str) -> Option<Scenario> {
    let scenario = Scenario::from_json(text).ok()?;
    let again = Scenario::from_json(&scenario.to_json());
    assert_eq!(
        again.as_ref(),
        Ok(&scenario),
        "a parsed scenario prints and parses back"
    );
    Some(scenario)
}

/// Any text as a tutorial: a tutorial or an error, never a panic.
pub fn parse_tutorial(text: &str) -> bool {
    Tutorial::from_json(text).is_ok()
}

/// Any text as an experiment: an experiment or an error, never a panic.
pub fn parse_experiment(text: &str) -> bool {
    Experiment::from_json(text).is_ok()
}

/// Any text as a scenario, and an accepted one run under [`FUZZ_BUDGET`]:
/// the run ends quiet, at its `run_until`, or stopped with the reason,
/// and the checker reads its history. Returns why it stopped, if it did.
pub fn run_scenario(text: &str) -> Option<Stopped> {
    let scenario = parse_scenario(text)?;
    let options = SimOptions {
        budget: FUZZ_BUDGET,
        trace: TraceMode::HashOnly,
        ..SimOptions::default()
    };
    let mut cluster = Cluster::new(&scenario, options).ok()?;
    cluster.run();
    let sim = cluster.sim();
    let stopped = sim.stopped();
    match scenario.run_until {
        Some(until) => assert!(
            stopped.is_some() || sim.now() >= until,
            "a run stops at its run_until {until} or says why (now {})",
            sim.now()
        ),
        None => assert!(
            stopped.is_some() || sim.is_quiet(),
            "a run goes quiet or says why it stopped"
        ),
    }
    if let Some(Stopped::Budget {
        limit: Limit::Events,
        ..
    }) = stopped
    {
        let events = sim.stats().events;
        assert_eq!(
            events, FUZZ_BUDGET.events_max,
            "stopped at the events budget"
        );
    }
    let _ = cluster.check();
    stopped
}

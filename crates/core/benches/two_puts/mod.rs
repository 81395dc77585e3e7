//! The explorer benchmarks' search: two clients write one key through
//! different coordinators of a 3-node cluster (N=3, R=2, W=2, DVVSet, every
//! mechanism on), explored breadth first until a bound of distinct states.
//!
//! Shared by the native `explore` bench (criterion) and by
//! `crates/wasm-bench`, which runs the same search compiled to WebAssembly
//! in headless Chromium, so both measure exactly the same space.

// Each user takes what it needs.
#![allow(dead_code)]

use wildling_core::explore::{ExploreOptions, Property};
use wildling_core::scenario::Scenario;

/// Two clients write one key through different coordinators.
pub const SCENARIO: &str = r#"{
  "version": 1,
  "name": "bench-two-puts",
  "cluster": { "nodes": 3, "partitions": 8, "n": 3, "r": 2, "w": 2, "mode": "dvvset" },
  "timeline": [
    { "at": 0, "client": 1, "put": { "key": "cart", "value": "milk", "node": 1, "context": "none" } },
    { "at": 1, "client": 2, "put": { "key": "cart", "value": "eggs", "node": 3, "context": "none" } }
  ]
}"#;

/// Distinct states per search: enough that the start is a small part.
pub const STATES: usize = 50_000;

/// The scenario, read.
pub fn scenario() -> Scenario {
    Scenario::from_json(SCENARIO).expect("the bench scenario is valid")
}

/// A search of the first `states` distinct states, with or without the
/// sleep-set reduction, checking three properties at every state, with
/// times absolute: the space every figure since issue 15's first measures
/// ([`relative_options`] takes times relative to the clock).
pub fn options(states: usize, reduction: bool) -> ExploreOptions {
    ExploreOptions {
        relative_times: false,
        ..relative_options(states, reduction)
    }
}

/// [`options`] with times relative to the clock, as the explorer's
/// default: fewer distinct states for the same runs, each a class of
/// states equal up to a shift of the clock.
pub fn relative_options(states: usize, reduction: bool) -> ExploreOptions {
    ExploreOptions {
        depth_max: 200,
        states_max: states,
        properties: vec![
            Property::NoLostWrite,
            Property::Convergence,
            Property::NoFalseConflict,
        ],
        stop_when_all_broken: false,
        reduction,
        ..ExploreOptions::default()
    }
}

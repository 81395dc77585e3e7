//! Any text parsed as a scenario, and an accepted one run under a small
//! budget: it ends quiet, at its `run_until`, or stopped with the reason,
//! never a panic or a run past its budget
//! (`wildling_core::fuzzing::run_scenario`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    wildling_core::fuzzing::run_scenario(text);
});

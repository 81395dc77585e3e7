//! Any text parsed as an experiment gives an experiment or a
//! `ScenarioError`, never a panic (`wildling_core::fuzzing::parse_experiment`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    wildling_core::fuzzing::parse_experiment(text);
});

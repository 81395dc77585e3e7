//! Any text parsed as a scenario gives a scenario or a `ScenarioError`, never
//! a panic, and a scenario it accepts prints to JSON that parses to itself
//! (`wildling_core::fuzzing::parse_scenario`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    wildling_core::fuzzing::parse_scenario(text);
});

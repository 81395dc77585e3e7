//! Any text parsed as a tutorial gives a tutorial or a `ScenarioError`,
//! never a panic (`wildling_core::fuzzing::parse_tutorial`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    wildling_core::fuzzing::parse_tutorial(text);
});

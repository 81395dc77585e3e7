//! Any text parsed as a scenario gives a scenario or a `ScenarioError`, never
//! a panic, and a scenario it accepts prints to JSON that parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wildling_core::scenario::Scenario;

fuzz_target!(|text: &str| {
    if let Ok(scenario) = Scenario::from_json(text) {
        let again = Scenario::from_json(&scenario.to_json());
        assert_eq!(
            again.as_ref(),
            Ok(&scenario),
            "a parsed scenario prints and parses back"
        );
    }
});

//! The fuzz targets' entry points (`wildling_core::fuzzing`, driven by
//! coverage-guided cargo-fuzz in `fuzz/` by hand) driven here by proptest in
//! every test run: arbitrary text, and the built-in scenarios, tutorials and
//! experiments with a few characters changed (near-valid input reaches far
//! deeper into the readers than random text), must never panic, and an
//! accepted scenario must run to an explained end under the fuzz budget.

use proptest::prelude::*;
use wildling_core::experiment::builtin_experiments;
use wildling_core::fuzzing::{parse_experiment, parse_tutorial, run_scenario};
use wildling_core::scenario::builtin_scenarios;
use wildling_core::tutorial::BUILTIN_TUTORIALS;

/// Characters that make JSON mean something else: digits for huge numbers,
/// quotes and brackets for structure, a minus, a control character.
const JSON_CHARS: &[char] = &[
    '9', '0', '-', '"', '{', '}', '[', ']', ',', ':', 'e', '\\', '\u{1b}', '\n', ' ',
];

/// `text` with up to `edits.len()` characters replaced or inserted.
fn mutated(text: &str, edits: &[(usize, usize, bool)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, with, insert) in edits {
        let at = at % (chars.len() + 1);
        let c = JSON_CHARS[with % JSON_CHARS.len()];
        if insert || at == chars.len() {
            chars.insert(at, c);
        } else {
            chars[at] = c;
        }
    }
    chars.into_iter().collect()
}

fn edits() -> impl Strategy<Value = Vec<(usize, usize, bool)>> {
    prop::collection::vec((any::<usize>(), any::<usize>(), any::<bool>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_text_is_refused_without_panicking(text in ".{0,300}") {
        run_scenario(&text);
        parse_tutorial(&text);
        parse_experiment(&text);
    }

    #[test]
    fn mutated_scenarios_are_refused_or_run_to_an_explained_end(
        pick in any::<usize>(),
        edits in edits(),
    ) {
        let scenarios = builtin_scenarios();
        let (_, json) = scenarios[pick % scenarios.len()];
        run_scenario(&mutated(json, &edits));
    }

    #[test]
    fn mutated_tutorials_and_experiments_are_read_or_refused(
        pick in any::<usize>(),
        edits in edits(),
    ) {
        let (_, tutorial) = BUILTIN_TUTORIALS[pick % BUILTIN_TUTORIALS.len()];
        parse_tutorial(&mutated(tutorial, &edits));
        let experiments = builtin_experiments();
        let (_, experiment) = experiments[pick % experiments.len()];
        parse_experiment(&mutated(experiment, &edits));
    }
}

/// The unmutated built-ins pass through the same entry points: they are
/// accepted, so the mutations above start from inputs that get far.
#[test]
fn the_builtins_are_accepted_by_the_fuzzed_entry_points() {
    for (name, json) in builtin_scenarios() {
        assert!(
            wildling_core::fuzzing::parse_scenario(json).is_some(),
            "{name}"
        );
        run_scenario(json);
    }
    for (id, text) in BUILTIN_TUTORIALS {
        assert!(parse_tutorial(text), "{id}");
    }
    for (name, text) in builtin_experiments() {
        assert!(parse_experiment(text), "{name}");
    }
}

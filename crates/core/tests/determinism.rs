//! Determinism: every built-in scenario replays to the trace hash recorded in
//! `scenarios/trace-hashes.txt` (the wasm tests check the same file), and a
//! run keeps its hash whatever the simulator records.

use std::path::Path;

use wildling_core::cluster::{
    builtin_trace_hashes, check_builtin_trace_hashes, trace_hash, Cluster,
};
use wildling_core::scenario::{builtin_scenarios, Scenario, BUILTIN_NAMES};
use wildling_core::sim::trace::{Fnv1a, TraceMode};
use wildling_core::sim::SimOptions;

#[test]
fn builtin_scenarios_replay_to_their_recorded_hashes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/trace-hashes.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, builtin_trace_hashes()).expect("a writable hash file");
    }
    let recorded = std::fs::read_to_string(&path).expect("scenarios/trace-hashes.txt exists");
    let differences = check_builtin_trace_hashes(&recorded);
    assert!(
        differences.is_empty(),
        "trace hashes differ (UPDATE_GOLDEN=1 rewrites them):\n{}",
        differences.join("\n")
    );
}

/// The web app fetches `scenarios/NAME.json` for each of `BUILTIN_NAMES`:
/// every file there is one of them, and every one of them is compiled in.
#[test]
fn every_file_in_the_scenarios_folder_is_built_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let files: Vec<String> = std::fs::read_dir(dir)
        .expect("the scenarios folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_string))
        .collect();
    for file in &files {
        assert!(
            BUILTIN_NAMES.contains(&file.as_str()),
            "scenarios/{file}.json is not built in"
        );
    }
    assert_eq!(
        files.len(),
        BUILTIN_NAMES.len(),
        "a built-in scenario has no file"
    );
    assert_eq!(builtin_scenarios().len(), BUILTIN_NAMES.len());
}

#[test]
fn the_hash_is_the_same_with_full_trace_and_history_or_without() {
    for (name, json) in builtin_scenarios() {
        let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut full = Cluster::new(&scenario, SimOptions::default()).expect("valid");
        full.run();
        let mut text = Fnv1a::default();
        text.write(full.sim().trace().to_string().as_bytes());
        assert_eq!(
            text.finish(),
            full.sim().trace().hash(),
            "{name}: the hash is not the hash of the text"
        );
        let lean = SimOptions {
            trace: TraceMode::HashOnly,
            history: false,
            ..SimOptions::default()
        };
        let mut hashed = Cluster::new(&scenario, lean).expect("valid");
        hashed.run();
        assert_eq!(
            full.sim().trace().hash(),
            hashed.sim().trace().hash(),
            "{name}: recording changed the run"
        );
        assert_eq!(
            trace_hash(json),
            Ok(full.sim().trace().hash()),
            "{name}: trace_hash disagrees"
        );
    }
}

#[test]
fn every_builtin_scenario_round_trips_through_json() {
    for (name, json) in builtin_scenarios() {
        let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            scenario.name, name,
            "a built-in scenario's name is its file name"
        );
        assert_eq!(
            Scenario::from_json(&scenario.to_json()),
            Ok(scenario),
            "{name}"
        );
    }
}

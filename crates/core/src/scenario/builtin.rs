//! The built-in scenarios, compiled in from the repository's `scenarios/`
//! folder, which the UI, the CLI and the tests share.

/// Every built-in scenario as `(name, JSON text)`, in a fixed order.
pub fn builtin_scenarios() -> Vec<(&'static str, &'static str)> {
    macro_rules! scenarios {
        ($($name:literal),* $(,)?) => {
            vec![$(($name, include_str!(concat!("../../../../scenarios/", $name, ".json")))),*]
        };
    }
    scenarios![
        "partition-siblings",
        "partition-siblings-lww",
        "forwarding",
        "quorum-success",
        "quorum-failure-timeout",
        "lossy-network",
        "hinted-handoff",
        "read-repair",
        "anti-entropy",
        "lww-lost-write",
        "sweep-faults",
        "gossip-join",
        "vv-pruning",
    ]
}

/// The JSON text of the built-in scenario called `name`.
pub fn builtin_scenario(name: &str) -> Option<&'static str> {
    builtin_scenarios()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| json)
}

/// The trace hash of every built-in scenario, one `name hash` line each (hash
/// in 16 hex digits): the text of `scenarios/trace-hashes.txt`.
pub fn builtin_trace_hashes() -> String {
    builtin_scenarios()
        .into_iter()
        .map(|(name, json)| match crate::cluster::trace_hash(json) {
            Ok(hash) => format!("{name} {hash:016x}\n"),
            Err(e) => format!("{name} error: {e}\n"),
        })
        .collect()
}

/// Compare `expected` (the text of `scenarios/trace-hashes.txt`) with the
/// hashes this build computes; returns one line per difference, so an empty
/// result means every built-in scenario replays exactly. Native tests and the
/// wasm tests call this same function.
pub fn check_builtin_trace_hashes(expected: &str) -> Vec<String> {
    let actual = builtin_trace_hashes();
    let mut differences = Vec::new();
    let mut expected_lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
    for line in actual.lines() {
        match expected_lines.iter().position(|e| *e == line) {
            Some(i) => {
                expected_lines.remove(i);
            }
            None => differences.push(format!("computed `{line}`, which is not recorded")),
        }
    }
    differences.extend(
        expected_lines
            .into_iter()
            .map(|e| format!("recorded `{e}`, which was not computed")),
    );
    differences
}

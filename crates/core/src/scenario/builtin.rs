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
        "session-guarantees",
    ]
}

/// The JSON text of the built-in scenario called `name`.
pub fn builtin_scenario(name: &str) -> Option<&'static str> {
    builtin_scenarios()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| json)
}

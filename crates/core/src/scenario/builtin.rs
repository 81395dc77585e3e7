//! The built-in scenarios: the repository's `scenarios/` folder, which the
//! UI, the CLI and the tests share.
//!
//! Their names are always here ([`BUILTIN_NAMES`]), for pickers and for
//! checking a name before fetching it. Their text is compiled in only with
//! the `builtins` feature (on by default: the CLI, the server, the tests).
//! The web app builds the core without it and fetches `scenarios/NAME.json`
//! on use, so the text does not ship in its wasm; without the feature,
//! [`builtin_scenario`] finds nothing and [`builtin_scenarios`] is empty.
//!
//! CAVEATS
//! - One list makes both the names and the texts, so they cannot disagree;
//!   a file added to `scenarios/` is built in only once it is listed here.

macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// Every built-in scenario's name, in a fixed order.
        pub const BUILTIN_NAMES: &[&str] = &[$($name),*];
        /// Their JSON texts, in the same order.
        #[cfg(feature = "builtins")]
        const BUILTIN_TEXTS: &[&str] =
            &[$(include_str!(concat!("../../../../scenarios/", $name, ".json"))),*];
    };
}

builtins![
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
];

/// Every built-in scenario as `(name, JSON text)`, in a fixed order (none
/// without the `builtins` feature).
pub fn builtin_scenarios() -> Vec<(&'static str, &'static str)> {
    #[cfg(feature = "builtins")]
    return BUILTIN_NAMES
        .iter()
        .copied()
        .zip(BUILTIN_TEXTS.iter().copied())
        .collect();
    #[cfg(not(feature = "builtins"))]
    Vec::new()
}

/// The JSON text of the built-in scenario called `name` (none without the
/// `builtins` feature).
pub fn builtin_scenario(name: &str) -> Option<&'static str> {
    builtin_scenarios()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| json)
}

//! Scenarios the playground offers besides the built-in ones: an empty
//! cluster to experiment with, and a busy one for the frame-time test. They
//! are inputs (settings and a timeline), never results.

use wildling_core::causality::CausalityMode;
use wildling_core::node::ContextChoice;
use wildling_core::scenario::{
    ClusterConfig, GetSpec, PutSpec, Scenario, TimelineEntry, BUILTIN_NAMES, SCENARIO_VERSION,
};
use wildling_core::sim::network::NetworkOptions;
use wildling_core::NodeId;

/// The scenario the page opens with.
pub const DEFAULT: &str = "playground";
/// The busy scenario: 32 nodes and about a thousand messages in flight.
pub const BUSY: &str = "busy-32-nodes";

fn cluster(
    nodes: u16,
    partitions: u32,
    (n, r, w): (u8, u8, u8),
    clients: u16,
    timeout_ticks: u64,
) -> ClusterConfig {
    ClusterConfig {
        nodes,
        partitions,
        n,
        r,
        w,
        mode: CausalityMode::DvvSet,
        clients,
        request_timeout_ticks: timeout_ticks,
        client_timeout_ticks: timeout_ticks * 5 / 2,
        ..ClusterConfig::default()
    }
}

/// An empty three-node cluster: R = 3 so that a get after a heal hears
/// every replica, W = 1 so that a put succeeds on either side of a partition.
fn playground() -> Scenario {
    Scenario {
        version: SCENARIO_VERSION,
        name: DEFAULT.into(),
        description: "Three nodes and three clients, nothing scheduled: make your own history."
            .into(),
        seed: 1,
        cluster: cluster(3, 16, (3, 3, 1), 3, 20),
        network: NetworkOptions::default(),
        timeline: Vec::new(),
        run_until: None,
        schedule: None,
    }
}

/// 32 nodes, 32 clients writing and reading every few ticks over slow links.
fn busy() -> Scenario {
    let clients: u16 = 32;
    let mut timeline = Vec::new();
    for round in 0..100u16 {
        for client in 1..=clients {
            let key = format!("k{}", (client * 7 + round) % 50);
            let node = NodeId((client + round) % 32 + 1);
            let entry = TimelineEntry {
                at: i64::from(round * 4 + client % 4),
                client: Some(client),
                ..TimelineEntry::default()
            };
            timeline.push(if round % 4 == 3 {
                TimelineEntry {
                    get: Some(GetSpec { key, node, r: None }),
                    ..entry
                }
            } else {
                let value = format!("v{client}.{round}");
                TimelineEntry {
                    put: Some(PutSpec {
                        key,
                        value,
                        node,
                        context: ContextChoice::LastGet,
                        w: None,
                    }),
                    ..entry
                }
            });
        }
    }
    Scenario {
        version: SCENARIO_VERSION,
        name: BUSY.into(),
        description: "A busy cluster for measuring frame times.".into(),
        seed: 7,
        cluster: cluster(32, 64, (3, 2, 2), clients, 120),
        network: NetworkOptions {
            latency_ticks_min: 5,
            latency_ticks_max: 40,
            ..NetworkOptions::default()
        },
        timeline,
        run_until: None,
        schedule: None,
    }
}

/// The preset called `name`.
pub fn preset(name: &str) -> Option<Scenario> {
    match name {
        DEFAULT => Some(playground()),
        BUSY => Some(busy()),
        _ => None,
    }
}

/// Every scenario the picker offers, presets first.
pub fn names() -> Vec<&'static str> {
    let mut names = vec![DEFAULT, BUSY];
    names.extend(BUILTIN_NAMES);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_playground_is_the_core_tests_playground() {
        let json = include_str!("../scenarios/presets/playground.json");
        assert_eq!(Scenario::from_json(json).expect("valid"), playground());
    }
}

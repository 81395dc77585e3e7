//! The ring panel: partitions and their owners, and one key's preference list, fallbacks, holders and hints.

use super::{n_of, node_of, ring_of};
use crate::cluster::Cluster;
use crate::ids::NodeId;
use crate::node::Node;
use crate::ring::{Arc, PartitionId, Placement, Ring};

/// The ring, and where a key sits on it.
#[derive(Clone, Debug, PartialEq)]
pub struct RingView {
    /// Every partition with its owner and span.
    pub arcs: Vec<Arc>,
    /// The member nodes, sorted.
    pub nodes: Vec<NodeId>,
    /// The selected key, if it is a valid key.
    pub key: Option<KeyPlacement>,
}

/// Where one key lives.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPlacement {
    /// The key.
    pub key: String,
    /// Its hash as a fraction of the circle.
    pub position: f64,
    /// Its partition.
    pub partition: PartitionId,
    /// The N primaries, coordinator first.
    pub primaries: Vec<NodeId>,
    /// The node whose failure detector `placements` follows: the first
    /// primary that is up (`None` when every primary is down).
    pub coordinator: Option<NodeId>,
    /// Where the coordinator would send a write now: primaries in place and,
    /// under sloppy quorum, fallbacks for the primaries it suspects, tagged
    /// with the primary they stand in for.
    pub placements: Vec<Placement>,
    /// The nodes that hold a value (or a history) for the key.
    pub holders: Vec<NodeId>,
    /// The hints held for the key: (the fallback holding it, the primary it
    /// is meant for).
    pub hints: Vec<(NodeId, NodeId)>,
}

/// The ring view, with `key` placed on it (an empty key places nothing).
pub fn ring(cluster: &Cluster, key: &str) -> RingView {
    let Some(ring) = ring_of(cluster) else {
        return RingView {
            arcs: Vec::new(),
            nodes: Vec::new(),
            key: None,
        };
    };
    let placement = (!key.is_empty()).then(|| {
        let bytes = key.as_bytes();
        let partition = ring.partition_of(bytes);
        let n = n_of(cluster);
        let primaries = ring.preference_list(bytes, n);
        let now = cluster.sim().now();
        let coordinator = primaries
            .iter()
            .find_map(|&id| node_of(cluster, id).filter(|(_, up)| *up))
            .map(|(node, _)| node);
        let sloppy = cluster.scenario().cluster.mechanisms.sloppy_quorum;
        let placements = match coordinator {
            Some(c) if sloppy => ring.preference_list_with_fallbacks(bytes, n, |id| {
                id == c.id() || !c.suspected(id, now)
            }),
            _ => primaries
                .iter()
                .map(|&node| Placement {
                    node,
                    fallback_for: None,
                })
                .collect(),
        };
        KeyPlacement {
            key: key.to_string(),
            position: Ring::key_position(bytes),
            partition,
            primaries,
            coordinator: coordinator.map(Node::id),
            placements,
            holders: cluster
                .nodes()
                .filter(|(_, node, _)| node.store().get(partition, key).is_some())
                .map(|(id, _, _)| id)
                .collect(),
            hints: cluster
                .nodes()
                .flat_map(|(id, node, _)| {
                    node.hints()
                        .filter(|(_, p, k, _)| *p == partition && *k == key)
                        .map(move |(intended, _, _, _)| (id, intended))
                })
                .collect(),
        }
    });
    RingView {
        arcs: ring.arcs(),
        nodes: ring.nodes(),
        key: placement,
    }
}

/// One line the ring computes for a fixed five-node ring of 64 partitions:
/// where `"foo"` lands and its preference list. The About panel shows it, so
/// that a reader sees the model answering in the page it runs in.
pub fn ring_summary() -> String {
    let nodes: Vec<NodeId> = (1..=5).map(NodeId).collect();
    match Ring::new(64, &nodes, 3) {
        Ok(ring) => {
            let list: Vec<String> = ring
                .preference_list(b"foo", 3)
                .iter()
                .map(ToString::to_string)
                .collect();
            format!(
                "\"foo\" → {} → [{}]",
                ring.partition_of(b"foo"),
                list.join(", ")
            )
        }
        Err(e) => format!("ring error: {e}"),
    }
}

//! The fault panel's view: each node's liveness and partition group, the
//! cut links and the network's options, without the traffic, so that the
//! panel re-renders only when these change; and the faults that undo one
//! cut while keeping every other fault.

use crate::ids::NodeId;
use crate::sim::network::{Fault, NetworkOptions};

use super::NetworkView;

/// What the fault panel shows of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultsView {
    /// Each node: whether it is up, and its partition group.
    pub nodes: Vec<(NodeId, bool, u32)>,
    /// Directed links that are cut.
    pub cut: Vec<(NodeId, NodeId)>,
    /// The current network options.
    pub options: NetworkOptions,
}

/// The fault panel's view of a network view.
pub fn faults(network: &NetworkView) -> FaultsView {
    FaultsView {
        nodes: network
            .nodes
            .iter()
            .map(|n| (n.id, n.up, n.group))
            .collect(),
        cut: network.cut.clone(),
        options: network.options.clone(),
    }
}

impl FaultsView {
    /// Whether the nodes are split into more than one group.
    pub fn partitioned(&self) -> bool {
        self.nodes.iter().any(|n| n.2 != self.nodes[0].2)
    }

    /// The faults that rebuild the network without the cut `a <-> b` (both
    /// directions): heal, then the partition and every other cut again. The
    /// network has no fault that removes one cut, since a heal is the only
    /// way back and it clears everything.
    pub fn restore_link(&self, a: NodeId, b: NodeId) -> Vec<Fault> {
        let mut faults = vec![Fault::Heal];
        if self.partitioned() {
            let highest = self.nodes.iter().map(|n| n.2).max().unwrap_or(0);
            let groups = (1..=highest)
                .map(|g| {
                    self.nodes
                        .iter()
                        .filter(|n| n.2 == g)
                        .map(|n| n.0)
                        .collect::<Vec<_>>()
                })
                .filter(|g| !g.is_empty())
                .collect();
            faults.push(Fault::Partition(groups));
        }
        faults.extend(
            self.cut
                .iter()
                .filter(|&&(x, y)| !((x == a && y == b) || (x == b && y == a)))
                .map(|&(from, to)| Fault::OneWay { from, to }),
        );
        faults
    }
}

//! A plain-data view of a running [`Cluster`] for the playground UI.
//!
//! The UI draws, it never computes protocol results. Everything it shows is
//! read here from the model: the ring and a key's preference list, the nodes
//! and the network's cuts, the messages on the wire and the ones just lost,
//! the clients and their operations, each replica's clock for a key, the
//! versions of a key with their dots, the sentence that says why a get
//! returned siblings, the space-time diagram's arrows, the comparison of
//! two runs, the consistency checker's findings, and what the failure
//! detector, the hints and the mechanism switches say about each node. Each view is a value with `PartialEq`, so that a UI component
//! re-renders only when what it shows changed.
//!
//! # Versions and dots
//!
//! The version DAG is rebuilt from the recorded history. A put's context is
//! the one its request carried ([`crate::message::ClientRequest::Put`]); its coordinator is
//! the node a forward reached, or else the node the client asked. Its dot is
//! read from the coordinator's clock as the coordinator sent it to the other
//! replicas (the head of the coordinator's DVVSet entry), or, with N = 1,
//! from the coordinator's stored clock. A version supersedes another when
//! its context contains the other's dot: exactly the kernel's `discard`.
//!
//! # CAVEATS
//!
//! - Dots exist only under DVVSet. In the other modes versions are listed
//!   with their contexts and no edges.
//! - Two puts of the same value at the same coordinator and tick cannot be
//!   told apart; the first one gets the dot.
//! - The checker is meant for the end of a run. Mid-run it also reports
//!   keys whose replication is still under way; [`CheckView::quiet`] says
//!   which verdict the UI is showing.

mod charts;
mod checker;
mod clients;
mod compare;
mod faults;
mod inspector;
mod lamport;
mod network;
mod ring;
mod settings;
mod step;
#[cfg(test)]
mod tests;
mod timebar;
mod trace;

use crate::cluster::Cluster;
use crate::ids::NodeId;
use crate::node::Node;
use crate::ring::Ring;

pub use charts::{charts, Chart, ChartAxis, ChartKind, ChartPoint, ChartSeries, MAX_LINE_POINTS};
pub use checker::{check, CheckView, Finding, FindingKind};
pub use clients::{clients, ops, ClientView, OpStatus, OpView};
pub use compare::{compare, CompareRow};
pub use faults::{faults, FaultsView};
pub use inspector::{key, KeyView, ReplicaView, VersionView};
pub use lamport::{lamport, lamport_window, LamportView, LaneEvent, Mark, MarkKind};
pub use network::{message, network, MessageDetail, MessageView, NetworkView, NodeView};
pub use ring::{ring, ring_summary, KeyPlacement, RingView};
pub use settings::mechanism_notes;
pub use step::{steered_step, StepView};
pub use timebar::{position, PositionView, StoppedView};
pub use trace::trace_tail;

/// The ring as the first node sees it (every node starts with the same one).
pub(crate) fn ring_of(cluster: &Cluster) -> Option<&Ring> {
    cluster.nodes().next().map(|(_, node, _)| node.ring())
}

/// Node `id` and whether it is up.
pub(crate) fn node_of(cluster: &Cluster, id: NodeId) -> Option<(&Node, bool)> {
    cluster
        .nodes()
        .find(|(n, _, _)| *n == id)
        .map(|(_, node, up)| (node, up))
}

/// The cluster's N.
pub(crate) fn n_of(cluster: &Cluster) -> usize {
    usize::from(cluster.scenario().cluster.n)
}

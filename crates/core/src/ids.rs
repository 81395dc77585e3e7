//! Identifiers shared by the ring, the nodes and the simulator.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A physical node of the cluster. Scenarios number nodes from 1 and the
/// display form is `n1`, `n2`, ...; the ring treats ids as opaque and ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u16);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

//! The trace panel: the last lines of the run's trace.

use crate::cluster::Cluster;

/// The last `lines` lines of the trace, oldest first, as the trace prints them.
pub fn trace_tail(cluster: &Cluster, lines: usize) -> Vec<String> {
    let events = cluster.sim().trace().events();
    events[events.len().saturating_sub(lines)..]
        .iter()
        .map(ToString::to_string)
        .collect()
}

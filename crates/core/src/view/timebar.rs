//! Where the run stands, for the time bar: events, time, the furthest point reached.

use crate::cluster::Cluster;
use crate::ids::Time;
use crate::sim::Stats;

/// Where the run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PositionView {
    /// Events processed so far: the position the timeline scrubs over.
    pub events: u64,
    /// Virtual time.
    pub now: Time,
    /// When the next event is due, if any.
    pub next_at: Option<Time>,
    /// Whether nothing can change any more ([`crate::sim::Simulator::is_quiet`]):
    /// nothing is scheduled, or only retries that cannot get through.
    pub quiet: bool,
    /// The trace hash so far, which identifies the run.
    pub trace_hash: u64,
    /// The simulator's counters.
    pub stats: Stats,
}

/// The position of a cluster.
pub fn position(cluster: &Cluster) -> PositionView {
    let sim = cluster.sim();
    PositionView {
        events: sim.stats().events,
        now: sim.now(),
        next_at: sim.next_event_at(),
        quiet: sim.is_quiet(),
        trace_hash: sim.trace().hash(),
        stats: sim.stats(),
    }
}

//! Where the run stands, for the time bar: events, time, the furthest point reached.

use crate::cluster::Cluster;
use crate::ids::Time;
use crate::sim::budget::Stopped;
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
    /// Why the run stopped before going quiet, if it did.
    pub stopped: Option<StoppedView>,
}

/// A run stopped by its budget or its horizon, as the playground's banner
/// and the embed's `state` message show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoppedView {
    /// The short name: `events-budget`, `messages-budget`, `bytes-budget`
    /// or `horizon` ([`Stopped::name`]).
    pub name: &'static str,
    /// The sentence naming the limit and the tick ([`Stopped`]'s text).
    pub text: String,
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
        stopped: sim.stopped().map(|stopped: Stopped| StoppedView {
            name: stopped.name(),
            text: stopped.to_string(),
        }),
    }
}

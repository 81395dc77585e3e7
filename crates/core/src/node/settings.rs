//! The cluster-wide settings every node follows: N, R and W, the causality
//! mode, the timeouts and intervals, and which failure-handling mechanisms
//! run ([`Mechanisms`], the scenario's `cluster.mechanisms`).
//!
//! Maintenance rounds (hinted handoff, anti-entropy) that fail in a row back
//! off: each failed round doubles the wait for the next, up to
//! 2^[`MAINTENANCE_BACKOFF_DOUBLINGS`] intervals ([`maintenance_delay_ticks`]).

use serde::{Deserialize, Serialize};

use crate::causality::CausalityMode;
use crate::ids::Time;

/// How many times a maintenance timer (hint handoff, anti-entropy) doubles
/// its period over rounds that failed in a row: the period grows from the
/// interval to at most 16 intervals, and the rounds go on while there is work.
pub const MAINTENANCE_BACKOFF_DOUBLINGS: u32 = 4;

/// How long a node waits for its next maintenance round after
/// `failed_rounds` rounds in a row failed: `interval_ticks` doubled once per
/// failed round, at most [`MAINTENANCE_BACKOFF_DOUBLINGS`] times.
pub fn maintenance_delay_ticks(interval_ticks: Time, failed_rounds: u32) -> Time {
    interval_ticks.saturating_mul(1 << failed_rounds.min(MAINTENANCE_BACKOFF_DOUBLINGS))
}

/// The failure-handling mechanisms, each switchable per cluster. All are on
/// by default; the scenario's `cluster.mechanisms` turns them off one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mechanisms {
    /// Replace suspected primaries by fallbacks holding hints.
    pub sloppy_quorum: bool,
    /// Fallbacks hand hints back to the intended primary.
    pub hinted_handoff: bool,
    /// A get's coordinator repairs replicas that answered stale.
    pub read_repair: bool,
    /// Replicas compare Merkle trees and sync the keys that differ.
    pub anti_entropy: bool,
    /// The store and the hints survive a crash.
    pub durable: bool,
    /// Nodes gossip ring changes (join, leave) to random peers.
    pub gossip: bool,
}

impl Default for Mechanisms {
    fn default() -> Self {
        Mechanisms {
            sloppy_quorum: true,
            hinted_handoff: true,
            read_repair: true,
            anti_entropy: true,
            durable: true,
            gossip: true,
        }
    }
}

impl Mechanisms {
    /// Every mechanism off: the basic Get/Put path only.
    pub const NONE: Mechanisms = Mechanisms {
        sloppy_quorum: false,
        hinted_handoff: false,
        read_repair: false,
        anti_entropy: false,
        durable: true,
        gossip: false,
    };
}

/// The cluster-wide Dynamo settings every node follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Replicas per key.
    pub n: u8,
    /// Default replies a get waits for.
    pub r: u8,
    /// Default acknowledgements a put waits for.
    pub w: u8,
    /// The causality mechanism.
    pub mode: CausalityMode,
    /// How long a coordinator waits for its quorum, in ticks.
    pub request_timeout_ticks: Time,
    /// How long a client waits for an answer, in ticks.
    pub client_timeout_ticks: Time,
    /// Which failure-handling mechanisms run.
    pub mechanisms: Mechanisms,
    /// Period of the hint-handoff timer while a node holds hints, in ticks.
    pub hint_handoff_interval_ticks: Time,
    /// Period of the anti-entropy timer while partitions are dirty, in ticks.
    pub anti_entropy_interval_ticks: Time,
    /// Period of the gossip timer while a ring change spreads, in ticks.
    pub gossip_interval_ticks: Time,
    /// Under client-id version vectors, the most entries a write's vector
    /// keeps: a coordinator prunes the oldest beyond it (Dynamo, section
    /// 4.4). `None` keeps every entry.
    pub vv_prune_threshold: Option<u32>,
}

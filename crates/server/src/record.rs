//! `--record FILE`: the whole run as a playground session file.
//!
//! Every request and fault the cluster loop schedules goes through
//! [`Session::record`], which notes how many events the simulator had run
//! when it came; the session, replayed ([`Session::replay`]), schedules
//! each at the same point and so reproduces the run event for event, with
//! the same trace hash. `wildling run FILE` and the playground's "open
//! file" both read it: the bridge from real HTTP clients to the playground.
//!
//! The file is written whole, through a temporary file and a rename, so a
//! reader never sees half of it: every [`WRITE_INTERVAL`] while the run
//! changes, and when the server stops. A session is at most
//! [`MAX_SESSION_BYTES`] long, the size the playground opens; when the next
//! request would pass it, recording stops there (the server goes on, and
//! says so on stderr), and the file replays the run up to that point.
//! Recording also stops once the run has had [`RECORD_EVENTS_MAX`] events:
//! a replay runs under the playground's budget of events, which the
//! server's own loop does not have, and a record past it would replay to a
//! stop instead of to the run.
//!
//! # CAVEATS
//!
//! - A run that starts from data on disk (`--data` with data in it) cannot
//!   be recorded: a session starts from an empty cluster. The server
//!   refuses the combination rather than write a record that replays to
//!   something else.
//! - The position saved is the virtual time when the file was written, so
//!   a replay ends where the server was then.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wildling_core::cluster::Cluster;
use wildling_core::scenario::{Scenario, TimelineEntry};
use wildling_core::share::{Session, UserInput, MAX_SESSION_BYTES};

/// The most events a record covers: the replay's budget
/// (`Budget::default().events_max`, 5,000,000) less a margin of 1,000,000
/// for the rest of the tick the record ends at.
pub const RECORD_EVENTS_MAX: u64 = 4_000_000;

/// How often a changed record is written while the server runs.
pub const WRITE_INTERVAL: Duration = Duration::from_secs(2);

/// The run so far, and where it goes.
pub struct Recorder {
    session: Session,
    file: Option<PathBuf>,
    /// The session's JSON length, counted as inputs are added.
    bytes: usize,
    /// Whether recording stopped at the size limit.
    full: bool,
    /// Whether something changed since the last write.
    changed: bool,
    written_at: Instant,
}

impl Recorder {
    /// Record the run of `scenario` into `file` (or only schedule, without one).
    pub fn new(scenario: &Scenario, file: Option<&Path>) -> Recorder {
        let session = Session::new(scenario.clone());
        Recorder {
            bytes: session.to_json().len(),
            session,
            file: file.map(Path::to_path_buf),
            full: false,
            changed: file.is_some(),
            written_at: Instant::now(),
        }
    }

    /// Schedule `entry` in `cluster` now, and record it while there is room.
    pub fn schedule(
        &mut self,
        cluster: &mut Cluster,
        mut entry: TimelineEntry,
    ) -> Result<(), String> {
        entry.at = i64::try_from(cluster.sim().now()).unwrap_or(i64::MAX);
        self.stop_at_the_replay_budget(cluster);
        if self.file.is_none() || self.full {
            return cluster.schedule(&entry).map_err(|e| e.to_string());
        }
        let input = UserInput {
            after_events: cluster.sim().stats().events,
            entry: entry.clone(),
        };
        // The input, and the comma before it.
        let bytes = serde_json::to_string(&input).map_or(0, |t| t.len()) + 1;
        if self.bytes + bytes + 64 > MAX_SESSION_BYTES {
            self.full = true;
            self.session.time_ticks = cluster.sim().now();
            eprintln!(
                "wildling: the record reached {} bytes, the most a session holds; it stops at \
                 tick {} (the server goes on)",
                self.bytes, self.session.time_ticks
            );
            return cluster.schedule(&entry).map_err(|e| e.to_string());
        }
        self.session
            .record(cluster, entry)
            .map_err(|e| e.to_string())?;
        self.bytes += bytes;
        self.changed = true;
        Ok(())
    }

    /// Stop recording, at the current tick, once the run has had
    /// [`RECORD_EVENTS_MAX`] events.
    fn stop_at_the_replay_budget(&mut self, cluster: &Cluster) {
        if self.file.is_none() || self.full || cluster.sim().stats().events < RECORD_EVENTS_MAX {
            return;
        }
        self.full = true;
        self.changed = true;
        self.session.time_ticks = cluster.sim().now();
        eprintln!(
            "wildling: the run passed {RECORD_EVENTS_MAX} events, the most a replay runs; the \
             record stops at tick {} (the server goes on)",
            self.session.time_ticks
        );
    }

    /// Write the record if it changed and `WRITE_INTERVAL` has passed (or
    /// `now` is asked for), dated at the cluster's current time.
    pub fn write(&mut self, cluster: &Cluster, now: bool) -> Result<(), String> {
        self.stop_at_the_replay_budget(cluster);
        let Some(file) = &self.file else {
            return Ok(());
        };
        if !self.changed || (!now && self.written_at.elapsed() < WRITE_INTERVAL) {
            return Ok(());
        }
        if !self.full {
            self.session.time_ticks = cluster.sim().now();
        }
        let temporary = file.with_extension("partial");
        std::fs::write(&temporary, self.session.to_json())
            .and_then(|()| std::fs::rename(&temporary, file))
            .map_err(|e| format!("{}: {e}", file.display()))?;
        self.changed = !self.full;
        self.written_at = Instant::now();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use wildling_core::sim::budget::Budget;

    use super::RECORD_EVENTS_MAX;

    #[test]
    fn a_record_ends_a_margin_below_the_replay_budget() {
        assert_eq!(
            RECORD_EVENTS_MAX + 1_000_000,
            Budget::default().events_max,
            "RECORD_EVENTS_MAX is the replay's budget less a tick's margin"
        );
    }
}

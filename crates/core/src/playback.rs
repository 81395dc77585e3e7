//! Playback: the scenario being played, with the user's own actions
//! appended to its timeline, and the cluster replayed from it. This is the
//! playground's model of a session; the UI only turns clicks into calls
//! here and draws the cluster's views.
//!
//! Every user action (a client operation or a fault) becomes a timeline
//! entry at the next tick, and the cluster is rebuilt from the scenario and
//! stepped back to where it was (everything up to now replays unchanged),
//! then on until the action has happened. The live state is therefore
//! always the replay of the recorded inputs: scrubbing back and forth, and
//! opening a share link later, give the same run. An action taken while
//! scrubbed into the past is a fork: the user's later actions are discarded
//! and the run continues from there.
//!
//! A share link, the autosave and the tutorials carry a
//! [`share::Session`]: [`Playback::to_share`] and [`Playback::from_share`]
//! convert. The playground schedules each action with the timeline, before
//! the first event, on every rebuild; its inputs therefore carry
//! `after_events: 0`, and [`share::Session::replay`], which schedules inputs
//! at 0 events right after the timeline, rebuilds exactly the run the
//! playground had.
//!
//! Compare mode runs a second cluster, the *shadow*, on the same scenario
//! under another causality mode, and keeps it at the main run's time.
//!
//! A steered run (a counterexample from the explorer) plays its choices,
//! then runs on by itself; an action taken before its last choice drops
//! the choices not yet taken, as a fork drops later actions.
//!
//! # CAVEATS
//!
//! - Going back rebuilds the cluster from time 0 and replays: seeking is
//!   linear in the position, not logarithmic. No snapshots are kept: a
//!   cluster holds `Rc`-shared state, copying one is as dear as replaying a
//!   few thousand events, and its trace and history grow with the run, so
//!   snapshots of a long run would hold its history many times over. The
//!   playground seeks a slice at a time instead ([`Playback::seek_slice`]):
//!   the rebuilt cluster replays aside while the page keeps drawing the
//!   current one, and takes its place when it arrives.
//! - A seek by time processes at most [`SEEK_EVENTS_MAX`] events, since a
//!   link or an embedding page may ask for any time; a seek by position is
//!   bounded by the run itself (the scrubber never goes past the horizon).
//! - A run stopped by its budget (`sim/budget.rs`) stays stopped: play,
//!   step and seeks forward do nothing more, [`Playback::stopped`] says
//!   why, and an action after the stop is recorded but never happens. The
//!   playground applies the budget, not the horizon: played at 256 ticks
//!   a second, a run reaches its horizon (1,000,000 ticks past its last
//!   entry) only after an hour, long after a busy run used its budget.
//! - Inputs added in the middle of a tick (`after_events > 0`, which a tool
//!   could record) are refused on opening: the playground could not
//!   rebuild them when scrubbing.

use crate::causality::CausalityMode;
use crate::cluster::Cluster;
use crate::ids::{Addr, ClientId, OpId, Time};
use crate::scenario::{ClusterConfig, Scenario, ScenarioError, TimelineEntry};
use crate::share::{self, UserInput};
use crate::sim::budget::Stopped;
use crate::sim::SimOptions;

/// The scenario, the user's actions and the cluster they produce.
pub struct Playback {
    scenario: Scenario,
    /// How many timeline entries came with the scenario; later ones are the user's.
    scripted: usize,
    cluster: Cluster,
    /// The furthest position reached in this line of history.
    horizon: u64,
    /// The same scenario under another causality mode, kept at the same time.
    shadow: Option<Cluster>,
    /// A seek back under way ([`Playback::seek_slice`]): the cluster
    /// rebuilt from time 0, replaying toward the goal, not yet shown.
    rewind: Option<Cluster>,
}

/// Where a seek goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// The position: this many events processed (or the run's end, if it
    /// ends before).
    Position(u64),
    /// The end of this tick.
    Time(Time),
}

/// What one slice of a seek did ([`Playback::seek_slice`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// Whether the goal is reached (and shown).
    pub reached: bool,
    /// Events processed by the slice.
    pub events: usize,
}

/// What an action did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acted {
    /// How many of the user's later actions a fork discarded.
    pub discarded: usize,
    /// The client operation the action invoked (a put or a get), whose
    /// answer [`Playback::answered`] tells.
    pub op: Option<OpId>,
}

/// The most events one seek by time processes.
pub const SEEK_EVENTS_MAX: usize = 2_000_000;

fn build(scenario: &Scenario) -> Result<Cluster, ScenarioError> {
    Cluster::new(scenario, SimOptions::default())
}

/// Step `cluster` toward `goal`, at most `budget` events; whether it is
/// there (a stopped or finished run is as far as it goes).
fn toward(cluster: &mut Cluster, goal: Goal, budget: usize) -> Slice {
    let (events, reached) = match goal {
        Goal::Position(target) => {
            let sim = cluster.sim_mut();
            let mut done = 0;
            let mut more = true;
            while done < budget && sim.stats().events < target {
                more = sim.step();
                if !more {
                    break;
                }
                done += 1;
            }
            // At the run's last position, show its stop as the next step
            // would (a run with nothing left to do has no next step).
            if sim.next_event_at().is_some() {
                sim.check_budget();
            }
            (done, !more || sim.stats().events >= target)
        }
        Goal::Time(ticks) => {
            let done = advance(cluster, ticks, budget);
            let sim = cluster.sim_mut();
            let reached =
                sim.stopped().is_some() || sim.next_event_at().is_none_or(|at| at > ticks);
            if reached {
                sim.run_until(ticks);
            }
            (done, reached)
        }
    };
    Slice { reached, events }
}

/// Process the events of `cluster` due at or before `until`, at most `budget`.
fn advance(cluster: &mut Cluster, until: Time, budget: usize) -> usize {
    let sim = cluster.sim_mut();
    let mut done = 0;
    // A stopped run keeps its next event but steps no more.
    while done < budget && sim.next_event_at().is_some_and(|at| at <= until) && sim.step() {
        done += 1;
    }
    done
}

impl Playback {
    /// A session at time 0 of `scenario`.
    pub fn new(scenario: Scenario) -> Result<Playback, ScenarioError> {
        let cluster = build(&scenario)?;
        Ok(Playback {
            scripted: scenario.timeline.len(),
            scenario,
            cluster,
            horizon: 0,
            shadow: None,
            rewind: None,
        })
    }

    /// The cluster as it stands.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The scenario, the user's actions included.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The user's actions, oldest first.
    pub fn user_actions(&self) -> &[TimelineEntry] {
        &self.scenario.timeline[self.scripted..]
    }

    /// The playback as a share link carries it: the scenario as loaded, the
    /// user's actions as inputs, and the time. A run stopped in the middle of
    /// a tick is shared at the end of that tick.
    pub fn to_share(&self, selected_key: Option<String>) -> share::Session {
        let mut scenario = self.scenario.clone();
        let actions = scenario.timeline.split_off(self.scripted);
        share::Session {
            scenario,
            inputs: actions
                .into_iter()
                .map(|entry| UserInput {
                    after_events: 0,
                    entry,
                })
                .collect(),
            time_ticks: self.now(),
            selected_key,
        }
    }

    /// Open a shared session: its inputs become the user's actions, and the
    /// run is replayed to the session's time. Inputs added after some events
    /// (by a tool that records mid-tick) are refused, since the playground
    /// could not rebuild them when scrubbing.
    pub fn from_share(shared: &share::Session) -> Result<Playback, ScenarioError> {
        let mut session = Playback::new(shared.played_scenario()?)?;
        session.scripted = shared.scenario.timeline.len();
        session.seek_time(shared.time_ticks)?;
        Ok(session)
    }

    /// Go to the end of tick `ticks` by deterministic replay, as
    /// `share::Session::replay` does, processing at most [`SEEK_EVENTS_MAX`]
    /// events (a link or an embedding page may ask for any time).
    pub fn seek_time(&mut self, ticks: Time) -> Result<(), ScenarioError> {
        let slice = self.seek_slice(Goal::Time(ticks), SEEK_EVENTS_MAX)?;
        if slice.reached {
            return Ok(());
        }
        self.give_up_seek();
        Err(Self::too_far(ticks, slice.events, self.now()))
    }

    /// End a seek back that will go no further: show how far its replay
    /// got, as a seek forward shows how far it ran.
    pub fn give_up_seek(&mut self) {
        if let Some(rewound) = self.rewind.take() {
            self.cluster = rewound;
            self.moved();
        }
    }

    /// The error of a seek by time that needs more than its events.
    pub fn too_far(ticks: Time, events: usize, now: Time) -> ScenarioError {
        ScenarioError::Invalid {
            field: "time_ticks".into(),
            reason: format!(
                "reaching t={ticks} takes more than {events} events; stopped at t={now}"
            ),
        }
    }

    /// One slice of a seek: at most `events_max` events toward `goal`. A
    /// seek forward runs the cluster on (the page shows each slice); a seek
    /// back replays a rebuilt cluster aside, slice after slice, and shows
    /// it only once it reaches the goal, so the page never shows time 0
    /// in between and never waits for the whole replay in one frame. A
    /// later slice toward another goal goes on with the rebuilt cluster if
    /// that goal is still ahead of it; any other change drops it.
    pub fn seek_slice(&mut self, goal: Goal, events_max: usize) -> Result<Slice, ScenarioError> {
        let behind = |cluster: &Cluster| match goal {
            Goal::Position(target) => target < cluster.sim().stats().events,
            Goal::Time(ticks) => ticks < cluster.sim().now(),
        };
        if !behind(&self.cluster) {
            self.rewind = None;
            let slice = toward(&mut self.cluster, goal, events_max);
            self.moved();
            return Ok(slice);
        }
        let mut rewound = match self.rewind.take() {
            Some(rewound) if !behind(&rewound) => rewound,
            _ => build(&self.scenario)?,
        };
        let slice = toward(&mut rewound, goal, events_max);
        if slice.reached {
            self.cluster = rewound;
            self.moved();
        } else {
            self.rewind = Some(rewound);
        }
        Ok(slice)
    }

    /// Events processed so far.
    pub fn position(&self) -> u64 {
        self.cluster.sim().stats().events
    }

    /// The furthest position reached, for the scrubber.
    pub fn horizon(&self) -> u64 {
        self.horizon
    }

    /// Virtual time.
    pub fn now(&self) -> Time {
        self.cluster.sim().now()
    }

    /// Why the run stopped before going quiet: its budget ran out
    /// (`sim/budget.rs`). Playing ends there.
    pub fn stopped(&self) -> Option<Stopped> {
        self.cluster.sim().stopped()
    }

    /// Whether nothing can change any more: nothing is scheduled, or only
    /// retries that cannot get through (`Simulator::is_quiet`).
    pub fn quiet(&self) -> bool {
        self.cluster.sim().is_quiet()
    }

    fn moved(&mut self) {
        self.horizon = self.horizon.max(self.position());
        self.sync_shadow();
    }

    /// Process one event; false when none is left.
    pub fn step(&mut self) -> bool {
        let stepped = self.cluster.sim_mut().step();
        self.moved();
        stepped
    }

    /// Process the events due at or before `until`, at most `budget` of them.
    pub fn advance(&mut self, until: Time, budget: usize) -> usize {
        let done = advance(&mut self.cluster, until, budget);
        self.moved();
        done
    }

    /// Go to position `target` (events processed) by deterministic replay,
    /// in one call.
    pub fn seek(&mut self, target: u64) -> Result<(), ScenarioError> {
        self.seek_slice(Goal::Position(target), usize::MAX)?;
        Ok(())
    }

    /// Whether a seek back is under way, replaying aside.
    pub fn rewinding(&self) -> bool {
        self.rewind.is_some()
    }

    /// Record a user action at the next tick, replay to where the run was,
    /// and run on until the action has happened.
    pub fn act(&mut self, mut entry: TimelineEntry) -> Result<Acted, ScenarioError> {
        // At the next tick, so that replaying leaves everything up to now unchanged.
        let at = self.now().saturating_add(1);
        entry.at = i64::try_from(at).unwrap_or(i64::MAX);
        let entry_at = entry.at;
        let client = entry.client;
        entry
            .action(&self.scenario.cluster, "action")
            .map_err(|e| match *e {
                // Name the field as the form does: `put.value`, not `action.put.value`.
                ScenarioError::Invalid { field, reason } => ScenarioError::Invalid {
                    field: field.trim_start_matches("action.").to_string(),
                    reason,
                },
                other => other,
            })?;
        if let Some(client) = entry.client {
            let count = self.scenario.client_count();
            if client > count {
                return Err(ScenarioError::Invalid {
                    field: "client".into(),
                    reason: format!("client c{client} does not exist; there are {count} clients"),
                });
            }
        }
        let forked = self.position() < self.horizon;
        let mut candidate = self.scenario.clone();
        let mut discarded = 0;
        if forked {
            let before = candidate.timeline.len();
            let scripted = self.scripted;
            let mut index = 0;
            candidate.timeline.retain(|e| {
                index += 1;
                index <= scripted || e.at <= entry.at
            });
            discarded = before - candidate.timeline.len();
        }
        // An action in the middle of a steered run forks it too: the
        // choices not yet taken are discarded, and the run goes on by
        // itself after the ones taken (`sim/choice.rs`, "After the
        // script"); before the first, it is an ordinary run.
        let sim = self.cluster.sim();
        if sim.is_steered() {
            let played = sim.script().1;
            if played == 0 {
                candidate.schedule = None;
            } else if let Some(schedule) = candidate.schedule.as_mut() {
                schedule.choices.truncate(played);
            }
        }
        candidate.timeline.push(entry);
        candidate.validate()?;
        let position = self.position();
        self.cluster = build(&candidate)?;
        self.scenario = candidate;
        self.rewind = None;
        if forked {
            self.horizon = 0;
        }
        self.seek(position)?;
        // Finish the current tick, then run the timeline's entries at the
        // action's tick: they come before anything else due then, in file
        // order, so the action is the last of them.
        let due = self
            .scenario
            .timeline
            .iter()
            .filter(|e| e.at == entry_at)
            .count();
        let sim = self.cluster.sim_mut();
        // `step` is false once the run stopped at its budget (its next
        // event stays due): the action then never happens.
        while sim.next_event_at().is_some_and(|t| t < at) && sim.step() {}
        for _ in 0..due {
            sim.step();
        }
        self.moved();
        let op = client.and_then(|client| {
            let by = Addr::Client(ClientId(client));
            let ops = &self.cluster.sim().history().ops;
            let invoked = ops.iter().rev().take_while(|op| op.invoked_at >= at);
            invoked
                .filter(|op| op.invoked_at == at && op.by == by)
                .map(|op| op.id)
                .next()
        });
        Ok(Acted { discarded, op })
    }

    /// Whether operation `op` has its answer (a reply or the client's
    /// timeout) at the current position; false before it is invoked.
    pub fn answered(&self, op: OpId) -> bool {
        let ops = &self.cluster.sim().history().ops;
        usize::try_from(op.0)
            .ok()
            .and_then(|i| ops.get(i))
            .is_some_and(|op| op.completed.is_some())
    }

    /// Change the cluster's settings and seed, keep the timeline, and replay
    /// to the same virtual time.
    pub fn reconfigure(&mut self, config: ClusterConfig, seed: u64) -> Result<(), ScenarioError> {
        let mut candidate = self.scenario.clone();
        candidate.cluster = config;
        candidate.seed = seed;
        candidate.validate()?;
        let now = self.now();
        let mut cluster = build(&candidate)?;
        advance(&mut cluster, now, usize::MAX);
        self.scenario = candidate;
        self.cluster = cluster;
        self.rewind = None;
        self.horizon = 0;
        self.shadow = None;
        self.moved();
        Ok(())
    }

    /// Run the same scenario under `mode` alongside (compare mode), or stop.
    pub fn set_shadow(&mut self, mode: Option<CausalityMode>) -> Result<(), ScenarioError> {
        self.shadow = match mode {
            Some(mode) => Some(build(&self.shadow_scenario(mode))?),
            None => None,
        };
        self.sync_shadow();
        Ok(())
    }

    /// The scenario under `mode`; a prune threshold stays only under
    /// client-id vectors, the one mode it applies to.
    fn shadow_scenario(&self, mode: CausalityMode) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.cluster.mode = mode;
        if mode != CausalityMode::ClientVv {
            scenario.cluster.vv_prune_threshold = None;
        }
        scenario
    }

    /// The compared run, if compare mode is on.
    pub fn shadow(&self) -> Option<&Cluster> {
        self.shadow.as_ref()
    }

    /// Bring the compared run to the same time (replaying it when the main
    /// run went back or its inputs changed).
    fn sync_shadow(&mut self) {
        let Some(shadow) = &self.shadow else { return };
        let mode = shadow.scenario().cluster.mode;
        let wanted = self.shadow_scenario(mode);
        let now = self.now();
        if shadow.sim().now() > now || shadow.scenario() != &wanted {
            match build(&wanted) {
                Ok(fresh) => self.shadow = Some(fresh),
                Err(_) => {
                    self.shadow = None;
                    return;
                }
            }
        }
        if let Some(shadow) = &mut self.shadow {
            advance(shadow, now, usize::MAX);
        }
    }
}

#[cfg(test)]
mod tests;

//! The session: the scenario being played, with the user's own actions
//! appended to its timeline, and the cluster replayed from it.
//!
//! Every user action (a client operation or a fault) becomes a timeline
//! entry at the next tick, and the cluster is rebuilt from the scenario and
//! stepped back to where it was (everything up to now replays unchanged),
//! then on until the action has happened. The live
//! state is therefore always the replay of the recorded inputs: scrubbing
//! back and forth, and opening a share link later, give the same run. An
//! action taken while scrubbed into the past is a fork: the user's later
//! actions are discarded and the run continues from there.
//!
//! A share link, the autosave and the tutorials carry a
//! [`wildling_core::share::Session`]: [`Session::to_share`] and
//! [`Session::from_share`] convert. The playground schedules each action
//! with the timeline, before the first event, on every rebuild; its inputs
//! therefore carry `after_events: 0`, and `share::Session::replay`, which
//! schedules inputs at 0 events right after the timeline, rebuilds exactly
//! the run the playground had.

use wildling_core::causality::CausalityMode;
use wildling_core::cluster::Cluster;
use wildling_core::ids::Time;
use wildling_core::scenario::{ClusterConfig, Scenario, ScenarioError, TimelineEntry};
use wildling_core::share::{self, UserInput};
use wildling_core::sim::SimOptions;

/// The scenario, the user's actions and the cluster they produce.
pub struct Session {
    scenario: Scenario,
    /// How many timeline entries came with the scenario; later ones are the user's.
    scripted: usize,
    cluster: Cluster,
    /// The furthest position reached in this line of history.
    horizon: u64,
    /// The same scenario under another causality mode, kept at the same time.
    shadow: Option<Cluster>,
}

/// The most events one seek by time processes.
pub const SEEK_EVENTS_MAX: usize = 2_000_000;

fn build(scenario: &Scenario) -> Result<Cluster, ScenarioError> {
    Cluster::new(scenario, SimOptions::default())
}

/// Process the events of `cluster` due at or before `until`, at most `budget`.
fn advance(cluster: &mut Cluster, until: Time, budget: usize) -> usize {
    let sim = cluster.sim_mut();
    let mut done = 0;
    while done < budget && sim.next_event_at().is_some_and(|at| at <= until) {
        sim.step();
        done += 1;
    }
    done
}

impl Session {
    /// A session at time 0 of `scenario`.
    pub fn new(scenario: Scenario) -> Result<Session, ScenarioError> {
        let cluster = build(&scenario)?;
        Ok(Session {
            scripted: scenario.timeline.len(),
            scenario,
            cluster,
            horizon: 0,
            shadow: None,
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

    /// The session as a share link carries it: the scenario as loaded, the
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
    pub fn from_share(shared: &share::Session) -> Result<Session, ScenarioError> {
        let mut scenario = shared.scenario.clone();
        let scripted = scenario.timeline.len();
        for (i, input) in shared.inputs.iter().enumerate() {
            if input.after_events != 0 {
                return Err(ScenarioError::Invalid {
                    field: format!("inputs[{i}].after_events"),
                    reason: format!(
                        "{} events: the playground opens inputs added before the first event \
                         only",
                        input.after_events
                    ),
                });
            }
            scenario.timeline.push(input.entry.clone());
        }
        let mut session = Session::new(scenario)?;
        session.scripted = scripted;
        session.seek_time(shared.time_ticks)?;
        Ok(session)
    }

    /// Go to the end of tick `ticks` by deterministic replay, as
    /// `share::Session::replay` does, processing at most [`SEEK_EVENTS_MAX`]
    /// events (a link or an embedding page may ask for any time).
    pub fn seek_time(&mut self, ticks: Time) -> Result<(), ScenarioError> {
        if ticks < self.now() {
            self.cluster = build(&self.scenario)?;
        }
        let done = advance(&mut self.cluster, ticks, SEEK_EVENTS_MAX);
        let reached = self
            .cluster
            .sim()
            .next_event_at()
            .is_none_or(|at| at > ticks);
        if reached {
            self.cluster.sim_mut().run_until(ticks);
        }
        self.moved();
        if reached {
            Ok(())
        } else {
            Err(ScenarioError::Invalid {
                field: "time_ticks".into(),
                reason: format!(
                    "reaching t={ticks} takes more than {done} events; stopped at t={}",
                    self.now()
                ),
            })
        }
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

    /// Go to position `target` (events processed) by deterministic replay.
    pub fn seek(&mut self, target: u64) -> Result<(), ScenarioError> {
        if target < self.position() {
            self.cluster = build(&self.scenario)?;
        }
        let sim = self.cluster.sim_mut();
        while sim.stats().events < target && sim.step() {}
        self.moved();
        Ok(())
    }

    /// Record a user action at the next tick, replay to where the run was,
    /// and run on until the action has happened. Returns how many later
    /// actions a fork discarded.
    pub fn act(&mut self, mut entry: TimelineEntry) -> Result<usize, ScenarioError> {
        // At the next tick, so that replaying leaves everything up to now unchanged.
        let at = self.now().saturating_add(1);
        entry.at = i64::try_from(at).unwrap_or(i64::MAX);
        let entry_at = entry.at;
        entry
            .action(&self.scenario.cluster, "action")
            .map_err(|e| match e {
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
        candidate.timeline.push(entry);
        candidate.validate()?;
        let position = self.position();
        self.cluster = build(&candidate)?;
        self.scenario = candidate;
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
        while sim.next_event_at().is_some_and(|t| t < at) {
            sim.step();
        }
        for _ in 0..due {
            sim.step();
        }
        self.moved();
        Ok(discarded)
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
mod tests {
    use wildling_core::node::ContextChoice;
    use wildling_core::scenario::PutSpec;
    use wildling_core::sim::network::Fault;
    use wildling_core::NodeId;

    use super::*;
    use crate::presets;

    fn session() -> Session {
        Session::new(presets::preset(presets::DEFAULT).expect("preset")).expect("builds")
    }

    fn put(client: u16, value: &str, node: u16) -> TimelineEntry {
        TimelineEntry {
            client: Some(client),
            put: Some(PutSpec {
                key: "cart".into(),
                value: value.into(),
                node: NodeId(node),
                context: ContextChoice::LastGet,
                w: None,
            }),
            ..TimelineEntry::default()
        }
    }

    fn fault(fault: Fault) -> TimelineEntry {
        TimelineEntry {
            fault: Some(fault),
            ..TimelineEntry::default()
        }
    }

    fn quiet(s: &mut Session) {
        while !s.quiet() && s.step() {}
    }

    fn lines(s: &Session) -> Vec<String> {
        let events = s.cluster().sim().trace().events();
        events.iter().map(ToString::to_string).collect()
    }

    fn hash(s: &Session) -> u64 {
        s.cluster().sim().trace().hash()
    }

    #[test]
    fn scrubbing_back_and_forward_replays_the_same_run() {
        let mut s = session();
        s.act(fault(Fault::Partition(vec![vec![NodeId(3)]])))
            .expect("valid");
        s.act(put(1, "eggs", 1)).expect("valid");
        s.act(put(2, "bread", 3)).expect("valid");
        quiet(&mut s);
        let (end, end_hash) = (s.position(), hash(&s));
        s.seek(end / 2).expect("replays");
        let middle_hash = hash(&s);
        assert_ne!(middle_hash, end_hash);
        s.seek(end).expect("replays");
        assert_eq!((s.position(), hash(&s)), (end, end_hash));
        s.seek(end / 2).expect("replays");
        assert_eq!(hash(&s), middle_hash);
        assert_eq!(s.horizon(), end);
    }

    #[test]
    fn an_action_leaves_everything_before_it_as_it_was() {
        let mut s = session();
        s.act(put(1, "eggs", 1)).expect("valid");
        s.act(put(2, "bread", 2)).expect("valid");
        for _ in 0..5 {
            s.step();
        }
        let before = lines(&s);
        s.act(fault(Fault::Crash(NodeId(3)))).expect("valid");
        let after = lines(&s);
        assert_eq!(after[..before.len()], before[..]);
        // The rest of tick 6, then the crash at tick 7.
        let (last, between) = after[before.len()..].split_last().expect("more events");
        assert!(
            between.iter().all(|l| l.starts_with("     6 ")),
            "{after:#?}"
        );
        assert_eq!(last, "     7 fault crash n3");
    }

    #[test]
    fn an_action_in_the_past_forks_and_discards_later_actions() {
        let mut s = session();
        s.act(put(1, "eggs", 1)).expect("valid");
        quiet(&mut s);
        s.act(put(2, "bread", 2)).expect("valid");
        quiet(&mut s);
        s.seek(3).expect("replays");
        let discarded = s.act(put(3, "jam", 3)).expect("valid");
        assert_eq!(discarded, 1, "the bread put came later");
        assert_eq!(s.user_actions().len(), 2);
        assert_eq!(s.horizon(), s.position());
    }

    #[test]
    fn refused_actions_and_settings_leave_the_session_unchanged() {
        let mut s = session();
        s.act(put(1, "eggs", 1)).expect("valid");
        let before = (s.position(), hash(&s), s.scenario().clone());
        let error = s.act(put(1, "", 1)).expect_err("empty value");
        assert_eq!(
            error.to_string(),
            "put.value: must be 1 to 256 bytes, not 0"
        );
        assert!(s.act(put(9, "x", 1)).is_err(), "no client c9");
        assert!(s.act(put(1, "x", 7)).is_err(), "no node n7");
        let mut config = s.scenario().cluster.clone();
        config.r = 5;
        let error = s.reconfigure(config, 1).expect_err("R > N");
        assert_eq!(
            error.to_string(),
            "cluster.r: R = 5 must be at least 1 and at most N = 3"
        );
        assert_eq!((s.position(), hash(&s), s.scenario().clone()), before);
    }

    #[test]
    fn any_cluster_shape_is_accepted_or_refused_without_panicking() {
        for nodes in [0, 1, 2, 3, 5, 64, 65] {
            for partitions in [0, 7, 8, 16, 1024, 2048] {
                for n in [0, 1, 3, 4] {
                    for (r, w) in [(0, 1), (1, 1), (2, 3), (4, 4)] {
                        let mut s = session();
                        s.act(put(1, "v", 1)).expect("valid");
                        let mut config = s.scenario().cluster.clone();
                        (
                            config.nodes,
                            config.partitions,
                            config.n,
                            config.r,
                            config.w,
                        ) = (nodes, partitions, n, r, w);
                        if s.reconfigure(config, 3).is_ok() {
                            quiet(&mut s);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_shared_session_replays_to_the_same_state() {
        let mut s = session();
        s.act(fault(Fault::Partition(vec![vec![NodeId(3)]])))
            .expect("valid");
        s.act(put(1, "eggs", 1)).expect("valid");
        for _ in 0..3 {
            s.step();
        }
        s.act(put(2, "bread", 3)).expect("valid");
        s.advance(s.now() + 4, usize::MAX);
        let shared = s.to_share(Some("cart".into()));
        assert_eq!(shared.inputs.len(), 3);
        let link = share::encode_session(&shared);
        let opened = share::decode_session(&link).expect("decodes");
        assert_eq!(opened, shared);
        let reopened = Session::from_share(&opened).expect("replays");
        assert_eq!(
            (reopened.now(), hash(&reopened), reopened.user_actions()),
            (s.now(), hash(&s), s.user_actions())
        );
        let replayed = opened.replay(SimOptions::default()).expect("replays");
        assert_eq!(replayed.sim().trace().hash(), hash(&s));
        let mut mid_tick = opened;
        mid_tick.inputs[1].after_events = 4;
        let error = Session::from_share(&mid_tick).err().expect("refused");
        assert!(error
            .to_string()
            .starts_with("inputs[1].after_events: 4 events"));
    }

    #[test]
    fn compare_mode_follows_the_main_run() {
        let mut s = session();
        s.set_shadow(Some(CausalityMode::Lww)).expect("valid");
        s.act(put(1, "eggs", 1)).expect("valid");
        quiet(&mut s);
        let shadow = s.shadow().expect("on");
        assert_eq!(shadow.scenario().cluster.mode, CausalityMode::Lww);
        assert_eq!(shadow.sim().history().ops.len(), 1);
        s.seek(0).expect("replays");
        assert_eq!(s.shadow().expect("on").sim().now(), 0);
    }

    #[test]
    fn compare_mode_drops_pruning_where_it_does_not_apply() {
        let json = wildling_core::scenario::builtin_scenario("vv-pruning").expect("a built-in");
        let pruning = Scenario::from_json(json).expect("valid");
        let mut s = Session::new(pruning).expect("builds");
        s.set_shadow(Some(CausalityMode::DvvSet)).expect("valid");
        quiet(&mut s);
        let shadow = s.shadow().expect("on").scenario();
        assert_eq!(shadow.cluster.vv_prune_threshold, None);
        assert_eq!(s.scenario().cluster.vv_prune_threshold, Some(3));
    }
}

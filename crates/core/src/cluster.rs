//! A simulated Dynamo cluster built from a scenario: the nodes and clients of
//! [`crate::node`] inside the [`crate::sim`] simulator.
//!
//! This is the model the UI and the CLI drive: build it with
//! [`Cluster::new`], run it ([`Cluster::run`], or step by step through
//! [`Cluster::sim_mut`]), add client operations and faults while it runs
//! ([`Cluster::schedule`]), and read its state ([`Cluster::nodes`],
//! [`Simulator::in_flight`], [`Simulator::history`], [`Simulator::trace`]).
//! [`Cluster::inject`] adds a fault schedule (such as the random fault
//! injector's, [`crate::sim::faults`]), and [`Cluster::check`] runs the
//! consistency checker ([`crate::checker`]) over the history and the final
//! stores; its report names the operations behind each finding.
//! [`Cluster::run_seed`] is all of a headless run in one call (build with a
//! seed, add that seed's random faults, run): the CLI's `run`, `trace` and
//! `sweep` and the sweep tests go through it.

use serde::Serialize;

use crate::checker::{self, CheckReport, KeyReplicas, VanishedWrite};
use crate::message::Clock;
use crate::sim::faults::{random_faults, FaultOptions};
use crate::sim::network::Fault;

use crate::ids::{Addr, OpId, Time};
use crate::ids::{ClientId, NodeId};
use crate::node::{Client, ClientOp, Member, Node, NodeStats, OpOutcome};
use crate::scenario::{
    builtin_scenarios, Action, ClusterConfig, Scenario, ScenarioError, TimelineEntry,
};
use crate::sim::budget::Stopped;
use crate::sim::trace::TraceMode;
use crate::sim::{SimOptions, Simulator, Stats};
use crate::vec_map::VecMap;

/// A cluster built from a validated scenario.
pub struct Cluster {
    scenario: Scenario,
    sim: Simulator<Member>,
}

/// How [`Cluster::run_seed`] runs a seed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// The simulator's options (how much trace and history to keep).
    pub sim: SimOptions,
    /// Add the random fault injector's schedule for the seed
    /// ([`random_faults`]), drawn with these options; none without.
    pub faults: Option<FaultOptions>,
}

/// The outcome counts of a run, for `wildling run` and `wildling sweep`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The seed the run used.
    pub seed: u64,
    /// Virtual time at the end.
    pub end_ticks: Time,
    /// Operations that succeeded.
    pub ok: u64,
    /// Operations answered `QuorumFailed`.
    pub quorum_failed: u64,
    /// Operations that got no answer.
    pub timed_out: u64,
    /// Joins and leaves a node refused.
    pub refused: u64,
    /// Operations never completed (the run stopped first).
    pub pending: u64,
    /// The largest number of siblings any replica holds for a key at the end.
    pub max_siblings: usize,
    /// The simulator's counters.
    pub stats: Stats,
    /// Why the run stopped before it went quiet, if it did: its budget ran
    /// out or it reached its horizon; the pending operations are those the
    /// stop cut short.
    pub stopped: Option<Stopped>,
    /// The trace hash (0 when tracing is off).
    pub trace_hash: u64,
    /// What the failure-handling mechanisms did, summed over the nodes.
    pub mechanisms: NodeStats,
}

impl Cluster {
    /// Build the scenario's cluster with the scenario's seed and schedule its
    /// timeline. The scenario is validated again, so any value will do.
    pub fn new(scenario: &Scenario, options: SimOptions) -> Result<Cluster, ScenarioError> {
        Cluster::with_seed(scenario, scenario.seed, options)
    }

    /// As [`Cluster::new`], with another seed.
    pub fn with_seed(
        scenario: &Scenario,
        seed: u64,
        options: SimOptions,
    ) -> Result<Cluster, ScenarioError> {
        scenario.validate()?;
        let config = &scenario.cluster;
        let ring = config.ring()?;
        let settings = config.settings();
        let nodes = config.node_ids().into_iter().map(|id| {
            let mut node = Node::new(id, settings, ring.clone());
            node.set_seeds(config.seed_ids());
            Member::Node(node)
        });
        let clients = (1..=scenario.client_count()).map(|c| {
            Member::Client(Client::new(
                ClientId(c),
                config.mode,
                config.client_timeout_ticks,
            ))
        });
        let sim = Simulator::new(
            nodes.collect(),
            clients.collect(),
            scenario.network.clone(),
            seed,
            options,
        );
        let mut cluster = Cluster {
            scenario: scenario.clone(),
            sim,
        };
        if let Some(schedule) = &scenario.schedule {
            cluster
                .sim
                .steer(schedule.faults.clone(), schedule.choices.clone());
        }
        for entry in &scenario.timeline {
            cluster.schedule(entry)?;
        }
        Ok(cluster)
    }

    /// Schedule one more timeline entry (an entry in the past runs now).
    pub fn schedule(&mut self, entry: &TimelineEntry) -> Result<(), ScenarioError> {
        let (at, action) = entry.action(&self.scenario.cluster, "entry")?;
        match action {
            Action::Put(client, put) => {
                self.check_client(client)?;
                let op = ClientOp::Put {
                    key: put.key.into(),
                    value: put.value.into(),
                    node: put.node,
                    context: put.context,
                    w: put.w,
                };
                self.sim
                    .schedule_input(at, Addr::Client(ClientId(client)), op);
            }
            Action::Get(client, get) => {
                self.check_client(client)?;
                let op = ClientOp::Get {
                    key: get.key.into(),
                    node: get.node,
                    r: get.r,
                };
                self.sim
                    .schedule_input(at, Addr::Client(ClientId(client)), op);
            }
            Action::Fault(fault) => self.sim.schedule_fault(at, fault),
            Action::Join(node) => self
                .sim
                .schedule_input(at, Addr::Node(node), ClientOp::Join),
            Action::Leave(node) => self
                .sim
                .schedule_input(at, Addr::Node(node), ClientOp::Leave),
        }
        Ok(())
    }

    fn check_client(&self, client: u16) -> Result<(), ScenarioError> {
        if self.sim.client(ClientId(client)).is_none() {
            return Err(ScenarioError::Invalid {
                field: "entry.client".into(),
                reason: format!(
                    "client {client} does not exist; the cluster has {}",
                    self.scenario.client_count()
                ),
            });
        }
        Ok(())
    }

    /// One whole run of `scenario` under `seed`: build the cluster, add the
    /// random fault injector's schedule for the seed if `options` asks for
    /// it, and run (until the scenario's `run_until`, or until quiet). What
    /// `wildling run`, `trace` and `sweep` do with each seed, and the sweep
    /// tests too, so a seed's outcome is the same wherever it is run.
    pub fn run_seed(
        scenario: &Scenario,
        seed: u64,
        options: &RunOptions,
    ) -> Result<Cluster, ScenarioError> {
        let mut cluster = Cluster::with_seed(scenario, seed, options.sim)?;
        if let Some(faults) = &options.faults {
            cluster.inject(&random_faults(scenario.cluster.nodes, seed, faults));
        }
        cluster.run();
        Ok(cluster)
    }

    /// Run the scenario: until its `run_until` time, or until quiet.
    pub fn run(&mut self) {
        match self.scenario.run_until {
            Some(until) => self.sim.run_until(until),
            None => {
                self.sim.run_until_quiet();
            }
        }
    }

    /// The scenario this cluster was built from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The simulator, kept when the cluster is done with (the explorer
    /// keeps only simulators).
    pub fn into_sim(self) -> Simulator<Member> {
        self.sim
    }

    /// The simulator, to read.
    pub fn sim(&self) -> &Simulator<Member> {
        &self.sim
    }

    /// The simulator, to step and to inject into.
    pub fn sim_mut(&mut self) -> &mut Simulator<Member> {
        &mut self.sim
    }

    /// The nodes, in id order, with whether each is up.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node, bool)> {
        nodes_of(&self.sim)
    }

    /// The clients, in number order.
    pub fn clients(&self) -> impl Iterator<Item = (ClientId, &Client)> {
        clients_of(&self.sim)
    }

    /// Outcome counts so far.
    pub fn summary(&self, seed: u64) -> Summary {
        let mut summary = Summary {
            seed,
            end_ticks: self.sim.now(),
            stopped: self.sim.stopped(),
            stats: self.sim.stats(),
            trace_hash: self.sim.trace().hash(),
            ..Summary::default()
        };
        for op in &self.sim.history().ops {
            match &op.completed {
                Some((_, OpOutcome::Got { .. } | OpOutcome::Put | OpOutcome::Ring { .. })) => {
                    summary.ok += 1
                }
                Some((_, OpOutcome::Refused { .. })) => summary.refused += 1,
                Some((_, OpOutcome::QuorumFailed { .. })) => summary.quorum_failed += 1,
                Some((_, OpOutcome::Timeout)) => summary.timed_out += 1,
                None => summary.pending += 1,
            }
        }
        summary.max_siblings = self
            .nodes()
            .flat_map(|(_, node, _)| {
                node.store()
                    .iter()
                    .map(|(_, _, clock)| clock.sibling_count())
            })
            .max()
            .unwrap_or(0);
        for (_, node, _) in self.nodes() {
            let (total, stats) = (&mut summary.mechanisms, node.stats());
            total.hints_stored += stats.hints_stored;
            total.hints_delivered += stats.hints_delivered;
            total.repairs += stats.repairs;
            total.exchanges += stats.exchanges;
            total.merkle_tree_nodes += stats.merkle_tree_nodes;
            total.merkle_keys += stats.merkle_keys;
            total.handoffs += stats.handoffs;
            total.handoff_keys += stats.handoff_keys;
        }
        summary
    }

    /// Schedule faults, such as a random fault injector's plan.
    pub fn inject(&mut self, faults: &[(Time, Fault)]) {
        for (at, fault) in faults {
            self.sim.schedule_fault(*at, fault.clone());
        }
    }

    /// Run the consistency checker over the history so far and the current
    /// stores (meant for the end of a run, after heal and quiescence). Every
    /// key the history or a store names is checked at its live primaries.
    /// Needs the history (`SimOptions::history`).
    pub fn check(&self) -> CheckReport {
        check_run(&self.scenario.cluster, &self.sim)
    }
}

/// The nodes of a cluster's simulator, in id order, with whether each is up.
pub fn nodes_of(sim: &Simulator<Member>) -> impl Iterator<Item = (NodeId, &Node, bool)> {
    sim.nodes().filter_map(|(id, member, up)| match member {
        Member::Node(node) => Some((id, node, up)),
        Member::Client(_) => None,
    })
}

/// The clients of a cluster's simulator, in number order.
pub fn clients_of(sim: &Simulator<Member>) -> impl Iterator<Item = (ClientId, &Client)> {
    sim.clients().filter_map(|(number, member)| match member {
        Member::Client(client) => Some((number, client)),
        Member::Node(_) => None,
    })
}

/// What every client recorded of the contexts its puts carried: for each
/// put, the get whose context it sent ([`Client::based_on`]) and the
/// client's own earlier put it follows ([`Client::follows`]), all clients
/// together, keyed by put.
pub fn contexts_of(sim: &Simulator<Member>) -> (VecMap<OpId, OpId>, VecMap<OpId, OpId>) {
    let (mut based_on, mut follows) = (Vec::new(), Vec::new());
    for (_, client) in clients_of(sim) {
        based_on.extend(client.based_on().iter().map(|(put, get)| (*put, *get)));
        follows.extend(client.follows().iter().map(|(put, prev)| (*put, *prev)));
    }
    (
        VecMap::from_unsorted(based_on),
        VecMap::from_unsorted(follows),
    )
}

/// The consistency checker over a run of a cluster configured by `config`
/// ([`Cluster::check`]); the explorer checks the states it reaches with it.
pub fn check_run(config: &ClusterConfig, sim: &Simulator<Member>) -> CheckReport {
    let history = sim.history();
    let (based_on, follows) = contexts_of(sim);
    let mut keys: Vec<&str> = Vec::new();
    for op in &history.ops {
        if let ClientOp::Get { key, .. } | ClientOp::Put { key, .. } = &op.input {
            keys.push(key);
        }
    }
    for (_, node, _) in nodes_of(sim) {
        keys.extend(node.store().iter().map(|(_, key, _)| key));
    }
    crate::handwritten::sort::stable(&mut keys);
    keys.dedup();
    // The newest ring any node holds (all hold the same once gossip
    // has settled).
    let Some((_, newest, _)) =
        nodes_of(sim).max_by_key(|(id, node, _)| (node.ring_version(), std::cmp::Reverse(*id)))
    else {
        return CheckReport::default();
    };
    let ring = newest.ring();
    let finals: Vec<KeyReplicas> = keys
        .into_iter()
        .map(|key| {
            let partition = ring.partition_of(key.as_bytes());
            let replicas = ring
                .preference_list_for_partition(partition, usize::from(config.n))
                .into_iter()
                .filter(|id| sim.is_up(*id))
                .filter_map(|id| sim.node(id).map(|member| (id, member)))
                .filter_map(|(id, member)| match member {
                    Member::Node(node) => Some((
                        id,
                        node.store()
                            .get(partition, key)
                            .cloned()
                            .unwrap_or_else(|| Clock::new(config.mode)),
                    )),
                    Member::Client(_) => None,
                })
                .collect();
            KeyReplicas {
                key: key.to_string(),
                partition,
                replicas,
            }
        })
        .collect();
    checker::check(&history.ops, &based_on, &follows, &finals)
}

/// The acknowledged writes that have vanished from `sim`'s cluster at its
/// state now ([`checker::vanished`]): what the explorer checks at every
/// state. Needs the history (`SimOptions::history`).
pub fn vanished_run(sim: &Simulator<Member>) -> Vec<VanishedWrite> {
    checker::vanished(&sim.history().ops, || contexts_of(sim), &Whereabouts(sim))
}

/// A simulator's state, as [`checker::vanished`] asks about it.
struct Whereabouts<'a>(&'a Simulator<Member>);

impl checker::Whereabouts for Whereabouts<'_> {
    fn holds(&self, key: &str, value: &str) -> bool {
        let sim = self.0;
        let ops = &sim.history().ops;
        // A get's answer names its operation: is that a get of `key`?
        let answers_key = |op: OpId| {
            ops.get(op.0 as usize).is_some_and(
                |record| matches!(&record.input, ClientOp::Get { key: k, .. } if &**k == key),
            )
        };
        // Every node, up or down: a crashed node's store is either kept
        // (durable) and comes back, or already cleared.
        nodes_of(sim).any(|(_, node, _)| node.holds(key, value))
            || sim
                .in_flight()
                .iter()
                .any(|m| m.msg.carries(key, value, answers_key))
            || sim.inputs_left().any(|(_, input)| {
                matches!(input, ClientOp::Put { key: k, value: v, .. } if &**k == key && &**v == value)
            })
    }

    fn writers_left(&self, key: &str) -> Vec<(Addr, Option<OpId>)> {
        let sim = self.0;
        let mut writers: Vec<(Addr, Option<OpId>)> = Vec::new();
        for (to, input) in sim.inputs_left() {
            let ClientOp::Put { key: k, .. } = input else {
                continue;
            };
            let Addr::Client(number) = to else {
                continue;
            };
            if &**k != key || writers.iter().any(|(w, _)| *w == to) {
                continue;
            }
            // A later get may change the context, but its answer is
            // gathered from what the state holds.
            let get = match sim.client(number) {
                Some(Member::Client(client)) => client.last_get(key),
                _ => None,
            };
            writers.push((to, get));
        }
        writers
    }
}

/// Run a scenario's text with its own seed and return its trace hash: the
/// value the determinism tests pin, natively and in wasm.
pub fn trace_hash(json: &str) -> Result<u64, ScenarioError> {
    let scenario = Scenario::from_json(json)?;
    let options = RunOptions {
        sim: SimOptions {
            trace: TraceMode::HashOnly,
            history: false,
            ..SimOptions::default()
        },
        faults: None,
    };
    let cluster = Cluster::run_seed(&scenario, scenario.seed, &options)?;
    Ok(cluster.sim().trace().hash())
}

/// The trace hash of every built-in scenario, one `name hash` line each (hash
/// in 16 hex digits): the text of `scenarios/trace-hashes.txt`.
pub fn builtin_trace_hashes() -> String {
    builtin_scenarios()
        .into_iter()
        .map(|(name, json)| match trace_hash(json) {
            Ok(hash) => format!("{name} {hash:016x}\n"),
            Err(e) => format!("{name} error: {e}\n"),
        })
        .collect()
}

/// Compare `expected` (the text of `scenarios/trace-hashes.txt`) with the
/// hashes this build computes; returns one line per difference, so an empty
/// result means every built-in scenario replays exactly. Native tests and the
/// wasm tests call this same function.
pub fn check_builtin_trace_hashes(expected: &str) -> Vec<String> {
    let actual = builtin_trace_hashes();
    let mut differences = Vec::new();
    let mut expected_lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
    for line in actual.lines() {
        match expected_lines.iter().position(|e| *e == line) {
            Some(i) => {
                expected_lines.remove(i);
            }
            None => differences.push(format!("computed `{line}`, which is not recorded")),
        }
    }
    differences.extend(
        expected_lines
            .into_iter()
            .map(|e| format!("recorded `{e}`, which was not computed")),
    );
    differences
}

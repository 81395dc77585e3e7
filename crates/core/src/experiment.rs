//! Experiments: a question about a Dynamo cluster asked over a grid of
//! configurations and a range of seeds, answered with [`crate::measure`]'s
//! numbers.
//!
//! An experiment is data (JSON, read like a scenario, every error naming
//! its field): a *base scenario* (a built-in's name or a scenario object),
//! optionally a generated *workload* that replaces the scenario's timeline,
//! optionally the random fault injector's options, a *grid* of parameters
//! and a *seed range*. Each axis of the grid lists the values one parameter
//! takes; the configurations are every combination, in axis order (the
//! order of [`Grid`]'s fields), and each runs every seed of the range
//! through [`Cluster::run_seed`], the same call `wildling run` and `sweep`
//! make, so any point of an experiment can be replayed as one seed of one
//! scenario ([`Configuration::scenario`]). A configuration's measurements
//! are the sum of its seeds' ([`Measurements::merge`]), so the result does
//! not depend on how many workers ran it nor in what order.
//!
//! The *report* names what the experiment is about and which table
//! [`Outcome::tables`] draws: versions per get, t-visibility, latency
//! percentiles or availability. Tables are plain strings in rows, for the
//! terminal, CSV and a screen reader alike.
//!
//! The generated workload is Dynamo's read-modify-write: in each round every
//! client gets a key and, `think_ticks` later, puts a new value with the
//! context of that get. Each seed draws (from its own generator, seeded by
//! the run's seed, so a seed's scenario is [`Configuration::scenario_for`])
//! every client's key, coordinator and start within the round. Two clients
//! that pick the same key with overlapping get-to-put windows race, and
//! their puts become siblings: the concurrency behind Dynamo §6.3's
//! versions per read, which grows with clients and shrinks with keys.
//!
//! Limits (so a typo cannot start a week of work): each axis holds at most
//! [`MAX_AXIS_VALUES`] values, a grid at most [`MAX_CONFIGURATIONS`]
//! configurations, and configurations × seeds is at most [`MAX_RUNS`]
//! (about a quarter of an hour at 10,000 runs a second); a workload at most
//! [`MAX_ROUNDS`] rounds and the scenario's limits on clients and timeline.
//!
//! CAVEATS
//! - The grid is a full product: an axis of 8 values and another of 8 make
//!   64 configurations. Pair values that belong together with `nrw`.
//! - `faults_max` is the injector's most faults per seed, not an exact
//!   count: the injector draws between 1 and that many. 0 means none.
//! - Latency is measured on operations answered ok, so it never reaches
//!   the client timeout (50 ticks unless the scenario says otherwise);
//!   slower operations count as timeouts in the availability instead.
//! - Staleness needs reads after writes; a scenario whose timeline reads
//!   rarely gives few pairs and a coarse curve (see the workload).

use serde::{Deserialize, Serialize};

use crate::causality::CausalityMode;
use crate::cluster::{Cluster, RunOptions};
use crate::ids::{NodeId, Time};
use crate::measure::Measurements;
use crate::node::ContextChoice;
use crate::scenario::{
    builtin_scenario, read, GetSpec, PutSpec, Scenario, ScenarioError, TimelineEntry, MAX_CLIENTS,
};
use crate::sim::faults::{random_faults, FaultOptions};
use crate::sim::trace::TraceMode;
use crate::sim::{SimOptions, SimRng};

/// The experiment format's version.
pub const EXPERIMENT_VERSION: u32 = 1;
/// The most values one grid axis lists.
pub const MAX_AXIS_VALUES: usize = 32;
/// The most configurations one grid makes.
pub const MAX_CONFIGURATIONS: usize = 256;
/// The most runs (configurations × seeds) one experiment makes: about a
/// quarter of an hour on two cores.
pub const MAX_RUNS: u64 = 10_000_000;
/// The most rounds of a generated workload.
pub const MAX_ROUNDS: u32 = 1_000;
/// The largest experiment text read.
pub const MAX_EXPERIMENT_BYTES: usize = crate::scenario::MAX_SCENARIO_BYTES;

/// What an experiment is about, and so which table it draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Report {
    /// Versions per successful get (Dynamo §6.3).
    Versions,
    /// The t-visibility curve and stale reads (PBS).
    Staleness,
    /// Get and put latency percentiles.
    Latency,
    /// The share of operations answered ok.
    Availability,
}

/// A generated read-modify-write workload (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Clients, 1 to 64.
    pub clients: u16,
    /// Keys, 1 to 64.
    pub keys: u16,
    /// Rounds, 1 to [`MAX_ROUNDS`].
    pub rounds: u32,
    /// Ticks a round lasts; more than `think_ticks`.
    pub round_ticks: Time,
    /// Ticks from a client's get to its put (10 if left out).
    #[serde(default = "default_think_ticks")]
    pub think_ticks: Time,
}

fn default_think_ticks() -> Time {
    10
}

/// The parameters an experiment varies: each non-empty axis lists values,
/// and the configurations are every combination.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grid {
    /// (N, R, W) together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nrw: Vec<[u8; 3]>,
    /// R alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r: Vec<u8>,
    /// W alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub w: Vec<u8>,
    /// Causality modes, by name (`dvvset`, `lww`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mode: Vec<String>,
    /// Sloppy quorum on or off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sloppy_quorum: Vec<bool>,
    /// Read repair on or off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub read_repair: Vec<bool>,
    /// Hinted handoff on or off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hinted_handoff: Vec<bool>,
    /// The network's loss rate for the whole run, per million messages.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drop_per_million: Vec<u32>,
    /// The network's latency range, [min, max] ticks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub latency_ticks: Vec<[Time; 2]>,
    /// Fault intensity: the injector's most faults per seed (0: none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults_max: Vec<u32>,
    /// The workload's clients (needs a `workload`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<u16>,
}

/// Seeds `first..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seeds {
    /// The first seed.
    pub first: u64,
    /// One past the last seed.
    pub end: u64,
}

impl Seeds {
    /// How many seeds.
    pub fn count(&self) -> u64 {
        self.end.saturating_sub(self.first)
    }
}

/// An experiment as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSpec {
    /// The format version; must be [`EXPERIMENT_VERSION`].
    pub version: u32,
    /// A short name.
    pub name: String,
    /// The question, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// A built-in scenario's name, or a scenario.
    pub scenario: serde_json::Value,
    /// A generated workload replacing the scenario's timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    /// The random fault injector's options; none without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<FaultOptions>,
    /// The parameters varied.
    #[serde(default)]
    pub grid: Grid,
    /// The seeds each configuration runs.
    pub seeds: Seeds,
    /// What to report.
    pub report: Report,
}

/// One point of the grid: its parameters and the scenario they make.
#[derive(Clone, Debug, PartialEq)]
pub struct Configuration {
    /// `(parameter, value)` for each axis of the grid, in axis order.
    pub params: Vec<(&'static str, String)>,
    /// The base scenario with the parameters applied.
    pub scenario: Scenario,
    /// The injector's options with the fault intensity applied.
    pub faults: Option<FaultOptions>,
    /// The generated workload, drawn anew for each seed.
    pub workload: Option<Workload>,
}

impl Configuration {
    /// `n=3 r=1 w=1 sloppy_quorum=off`, or `base` for a grid of one.
    pub fn label(&self) -> String {
        if self.params.is_empty() {
            return "base".to_string();
        }
        let parts: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.join(" ")
    }

    /// The options a seed of this configuration runs with: the random
    /// faults, the history (measured), and only the trace's hash.
    pub fn run_options(&self) -> RunOptions {
        RunOptions {
            sim: SimOptions {
                trace: TraceMode::HashOnly,
                ..SimOptions::default()
            },
            faults: self.faults.clone(),
        }
    }

    /// The scenario seed `seed` runs: with a workload, its timeline drawn
    /// for the seed.
    pub fn scenario_for(&self, seed: u64) -> Scenario {
        let mut scenario = self.scenario.clone();
        if let Some(workload) = &self.workload {
            apply_workload(&mut scenario, workload, seed);
        }
        scenario
    }

    /// Seed `seed`'s run as a scenario the playground opens: the scenario
    /// the seed runs, with the seed, and with the random injector's faults
    /// for that seed written into its timeline (each after the entries of
    /// its tick, where [`Cluster::run_seed`] schedules them).
    pub fn replay_scenario(&self, seed: u64) -> Scenario {
        let mut scenario = self.scenario_for(seed);
        scenario.seed = seed;
        if let Some(faults) = &self.faults {
            for (at, fault) in random_faults(scenario.cluster.nodes, seed, faults) {
                scenario.timeline.push(TimelineEntry {
                    at: at as i64,
                    fault: Some(fault),
                    ..TimelineEntry::default()
                });
            }
            crate::handwritten::sort::stable_by_key(&mut scenario.timeline, |e| e.at);
        }
        scenario
    }

    /// Run one seed and measure it.
    pub fn measure_seed(&self, seed: u64) -> Measurements {
        let cluster = Cluster::run_seed(&self.scenario_for(seed), seed, &self.run_options())
            .expect("every configuration was validated when the experiment was read");
        Measurements::of_run(cluster.sim())
    }
}

/// A validated experiment: its spec and the configurations of its grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// As written.
    pub spec: ExperimentSpec,
    /// Every configuration of the grid, in axis order.
    pub configurations: Vec<Configuration>,
}

/// One configuration's measurements, summed over the seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigurationOutcome {
    /// [`Configuration::label`].
    pub label: String,
    /// [`Configuration::params`].
    pub params: Vec<(&'static str, String)>,
    /// The sum over the seeds.
    pub measurements: Measurements,
}

/// What an experiment found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The experiment's name.
    pub name: String,
    /// What it reports.
    pub report: Report,
    /// The seeds run.
    pub seeds: Seeds,
    /// One per configuration, in grid order.
    pub configurations: Vec<ConfigurationOutcome>,
}

/// Rows of text under column headings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// What the table shows.
    pub title: String,
    /// The column headings.
    pub columns: Vec<String>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<String>>,
}

impl Experiment {
    /// Parse and validate an experiment.
    pub fn from_json(text: &str) -> Result<Experiment, ScenarioError> {
        if text.len() > MAX_EXPERIMENT_BYTES {
            return Err(ScenarioError::TooLarge { bytes: text.len() });
        }
        let value = read::parse_unique_keys(text)?;
        let spec: ExperimentSpec = read::from_value(&value)?;
        Experiment::new(spec)
    }

    /// The built-in experiment `name`.
    pub fn builtin(name: &str) -> Option<Experiment> {
        builtin_experiments()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| Experiment::from_json(text).expect("built-in experiments are valid"))
    }

    /// Validate a spec and make its configurations.
    pub fn new(spec: ExperimentSpec) -> Result<Experiment, ScenarioError> {
        if spec.version != EXPERIMENT_VERSION {
            return Err(invalid(
                "version",
                format!(
                    "unknown version {}; this build reads version {EXPERIMENT_VERSION}",
                    spec.version
                ),
            ));
        }
        let base = match &spec.scenario {
            serde_json::Value::String(name) => {
                let text = builtin_scenario(name).ok_or_else(|| {
                    invalid(
                        "scenario",
                        format!(
                            "no built-in scenario is named {}",
                            crate::quoted::Quoted(name)
                        ),
                    )
                })?;
                Scenario::from_json(text).expect("built-in scenarios are valid")
            }
            value => Scenario::from_value(value).map_err(|e| within("scenario", e))?,
        };
        if let Some(workload) = &spec.workload {
            validate_workload(workload, "workload")?;
        }
        if let Some(faults) = &spec.faults {
            validate_faults(faults)?;
        }
        if spec.seeds.end <= spec.seeds.first {
            return Err(invalid(
                "seeds",
                format!(
                    "{}..{} holds no seed; the end is excluded",
                    spec.seeds.first, spec.seeds.end
                ),
            ));
        }
        let configurations = configurations(&spec, &base)?;
        let runs = u128::from(spec.seeds.count()) * configurations.len() as u128;
        if runs > u128::from(MAX_RUNS) {
            return Err(invalid(
                "seeds",
                format!(
                    "{} configurations × {} seeds = {runs} runs; an experiment makes at most {MAX_RUNS}",
                    configurations.len(),
                    spec.seeds.count()
                ),
            ));
        }
        Ok(Experiment {
            spec,
            configurations,
        })
    }

    /// The same experiment over other seeds (`wildling experiment --seeds`),
    /// checked against the same limits.
    pub fn with_seeds(&self, seeds: Seeds) -> Result<Experiment, ScenarioError> {
        Experiment::new(ExperimentSpec {
            seeds,
            ..self.spec.clone()
        })
    }

    /// How many runs: configurations × seeds.
    pub fn runs(&self) -> u64 {
        self.configurations.len() as u64 * self.spec.seeds.count()
    }

    /// Run `i` of [`Experiment::runs`] (configurations vary slowest): its
    /// configuration's index and its seed.
    pub fn run_at(&self, i: u64) -> (usize, u64) {
        let seeds = self.spec.seeds.count();
        assert!(i < self.runs(), "run {i} of {} runs", self.runs());
        ((i / seeds) as usize, self.spec.seeds.first + i % seeds)
    }

    /// Empty measurements, one per configuration, to add runs to.
    pub fn empty_sums(&self) -> Vec<Measurements> {
        vec![Measurements::default(); self.configurations.len()]
    }

    /// Measure run `i` of [`Experiment::runs`] and add it to `sums`.
    pub fn measure_run(&self, i: u64, sums: &mut [Measurements]) {
        let (config, seed) = self.run_at(i);
        sums[config].merge(&self.configurations[config].measure_seed(seed));
    }

    /// Every run, one after the other (tests and a single worker).
    pub fn run(&self) -> Outcome {
        let mut sums = self.empty_sums();
        for i in 0..self.runs() {
            self.measure_run(i, &mut sums);
        }
        self.outcome(sums)
    }

    /// The outcome of the per-configuration sums of all runs.
    pub fn outcome(&self, sums: Vec<Measurements>) -> Outcome {
        assert_eq!(
            sums.len(),
            self.configurations.len(),
            "one sum per configuration"
        );
        Outcome {
            name: self.spec.name.clone(),
            report: self.spec.report,
            seeds: self.spec.seeds,
            configurations: self
                .configurations
                .iter()
                .zip(sums)
                .map(|(c, measurements)| ConfigurationOutcome {
                    label: c.label(),
                    params: c.params.clone(),
                    measurements,
                })
                .collect(),
        }
    }
}

/// Add the sums of other workers' runs to `sums`.
pub fn merge_sums(sums: &mut [Measurements], other: &[Measurements]) {
    assert_eq!(sums.len(), other.len(), "one sum per configuration");
    for (mine, theirs) in sums.iter_mut().zip(other) {
        mine.merge(theirs);
    }
}

/// The built-in experiments' names, in [`builtin_experiments`]' order,
/// without their text (the page lists them; its worker reads them).
pub const BUILTIN_EXPERIMENT_NAMES: [&str; 4] =
    ["versions-per-read", "staleness", "latency", "availability"];

/// The built-in experiments: (name, JSON), in the order a reader meets them.
pub fn builtin_experiments() -> Vec<(&'static str, &'static str)> {
    macro_rules! experiments {
        ($($name:literal),* $(,)?) => {
            vec![$(($name, include_str!(concat!("../../../experiments/", $name, ".json")))),*]
        };
    }
    experiments!["versions-per-read", "staleness", "latency", "availability"]
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A scenario error met under `prefix` (`scenario.cluster.r`).
fn within(prefix: &str, e: ScenarioError) -> ScenarioError {
    let join = |field: String| match field.as_str() {
        "" | "." => prefix.to_string(),
        _ => format!("{prefix}.{field}"),
    };
    match e {
        ScenarioError::Json { field, reason } => ScenarioError::Json {
            field: join(field),
            reason,
        },
        ScenarioError::Invalid { field, reason } => ScenarioError::Invalid {
            field: join(field),
            reason,
        },
        other => other,
    }
}

fn validate_workload(w: &Workload, field: &str) -> Result<(), ScenarioError> {
    if !(1..=MAX_CLIENTS).contains(&w.clients) {
        return Err(invalid(
            format!("{field}.clients"),
            format!("{} clients; 1 to {MAX_CLIENTS}", w.clients),
        ));
    }
    if !(1..=64).contains(&w.keys) {
        return Err(invalid(
            format!("{field}.keys"),
            format!("{} keys; 1 to 64", w.keys),
        ));
    }
    if !(1..=MAX_ROUNDS).contains(&w.rounds) {
        return Err(invalid(
            format!("{field}.rounds"),
            format!("{} rounds; 1 to {MAX_ROUNDS}", w.rounds),
        ));
    }
    let most = crate::scenario::MAX_INTERVAL_TICKS;
    if !(1..most).contains(&w.think_ticks) {
        return Err(invalid(
            format!("{field}.think_ticks"),
            format!("{} ticks; 1 to {}", w.think_ticks, most - 1),
        ));
    }
    if !(w.think_ticks + 1..=most).contains(&w.round_ticks) {
        return Err(invalid(
            format!("{field}.round_ticks"),
            format!(
                "{} ticks; more than think_ticks ({}) and at most {most}",
                w.round_ticks, w.think_ticks
            ),
        ));
    }
    Ok(())
}

/// Replace the scenario's timeline by the workload's, drawn for `seed`.
fn apply_workload(scenario: &mut Scenario, w: &Workload, seed: u64) {
    let members = scenario.cluster.member_ids();
    // The workload's own generator: the simulator's stays untouched.
    let mut rng = SimRng::new(seed ^ 0x776f_726b_6c6f_6164);
    let mut timeline = Vec::with_capacity(2 * usize::from(w.clients) * w.rounds as usize);
    for round in 0..w.rounds {
        for c in 1..=w.clients {
            let key = format!("k{}", rng.below(u64::from(w.keys)));
            let node: NodeId = members[rng.below(members.len() as u64) as usize];
            let start = u64::from(round) * w.round_ticks + rng.below(w.round_ticks - w.think_ticks);
            timeline.push(TimelineEntry {
                at: start as i64,
                client: Some(c),
                get: Some(GetSpec {
                    key: key.clone(),
                    node,
                    r: None,
                }),
                ..TimelineEntry::default()
            });
            timeline.push(TimelineEntry {
                at: (start + w.think_ticks) as i64,
                client: Some(c),
                put: Some(PutSpec {
                    key,
                    value: format!("c{c}r{round}"),
                    node,
                    context: ContextChoice::LastGet,
                    w: None,
                }),
                ..TimelineEntry::default()
            });
        }
    }
    crate::handwritten::sort::stable_by_key(&mut timeline, |e| e.at);
    scenario.timeline = timeline;
    if scenario.cluster.clients != 0 {
        scenario.cluster.clients = scenario.cluster.clients.max(w.clients);
    }
}

fn validate_faults(f: &FaultOptions) -> Result<(), ScenarioError> {
    if !(1..=crate::scenario::MAX_INTERVAL_TICKS).contains(&f.window_ticks) {
        return Err(invalid(
            "faults.window_ticks",
            format!(
                "{} ticks; 1 to {}",
                f.window_ticks,
                crate::scenario::MAX_INTERVAL_TICKS
            ),
        ));
    }
    if f.faults_max > 1_000 {
        return Err(invalid(
            "faults.faults_max",
            format!("{} faults; at most 1000", f.faults_max),
        ));
    }
    if f.drop_per_million_max > 1_000_000 {
        return Err(invalid(
            "faults.drop_per_million_max",
            format!("{} per million; at most 1000000", f.drop_per_million_max),
        ));
    }
    Ok(())
}

/// Apply an axis's value `i` to a configuration; the value as text.
type Apply<'g> = Box<dyn Fn(usize, &mut Configuration) -> Result<String, ScenarioError> + 'g>;

/// One axis: its name, its number of values, and how to apply value `i`.
struct Axis<'g> {
    name: &'static str,
    len: usize,
    apply: Apply<'g>,
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}

/// Every configuration of the grid, validated.
fn configurations(
    spec: &ExperimentSpec,
    base: &Scenario,
) -> Result<Vec<Configuration>, ScenarioError> {
    let g = &spec.grid;
    let workload = spec.workload.clone();
    let axes: Vec<Axis<'_>> = vec![
        Axis {
            name: "nrw",
            len: g.nrw.len(),
            apply: Box::new(|i, c| {
                let [n, r, w] = g.nrw[i];
                (
                    c.scenario.cluster.n,
                    c.scenario.cluster.r,
                    c.scenario.cluster.w,
                ) = (n, r, w);
                Ok(format!("{n}/{r}/{w}"))
            }),
        },
        Axis {
            name: "r",
            len: g.r.len(),
            apply: Box::new(|i, c| {
                c.scenario.cluster.r = g.r[i];
                Ok(g.r[i].to_string())
            }),
        },
        Axis {
            name: "w",
            len: g.w.len(),
            apply: Box::new(|i, c| {
                c.scenario.cluster.w = g.w[i];
                Ok(g.w[i].to_string())
            }),
        },
        Axis {
            name: "mode",
            len: g.mode.len(),
            apply: Box::new(|i, c| {
                let mode: CausalityMode = g.mode[i]
                    .parse()
                    .map_err(|e| invalid(format!("grid.mode[{i}]"), format!("{e}")))?;
                c.scenario.cluster.mode = mode;
                Ok(mode.to_string())
            }),
        },
        Axis {
            name: "sloppy_quorum",
            len: g.sloppy_quorum.len(),
            apply: Box::new(|i, c| {
                c.scenario.cluster.mechanisms.sloppy_quorum = g.sloppy_quorum[i];
                Ok(on_off(g.sloppy_quorum[i]))
            }),
        },
        Axis {
            name: "read_repair",
            len: g.read_repair.len(),
            apply: Box::new(|i, c| {
                c.scenario.cluster.mechanisms.read_repair = g.read_repair[i];
                Ok(on_off(g.read_repair[i]))
            }),
        },
        Axis {
            name: "hinted_handoff",
            len: g.hinted_handoff.len(),
            apply: Box::new(|i, c| {
                c.scenario.cluster.mechanisms.hinted_handoff = g.hinted_handoff[i];
                Ok(on_off(g.hinted_handoff[i]))
            }),
        },
        Axis {
            name: "drop_per_million",
            len: g.drop_per_million.len(),
            apply: Box::new(|i, c| {
                c.scenario.network.drop_per_million = g.drop_per_million[i];
                Ok(g.drop_per_million[i].to_string())
            }),
        },
        Axis {
            name: "latency_ticks",
            len: g.latency_ticks.len(),
            apply: Box::new(|i, c| {
                let [min, max] = g.latency_ticks[i];
                c.scenario.network.latency_ticks_min = min;
                c.scenario.network.latency_ticks_max = max;
                Ok(format!("{min}-{max}"))
            }),
        },
        Axis {
            name: "faults_max",
            len: g.faults_max.len(),
            apply: Box::new(|i, c| {
                let most = g.faults_max[i];
                c.faults = (most > 0).then(|| FaultOptions {
                    faults_max: most,
                    ..spec.faults.clone().unwrap_or_default()
                });
                Ok(most.to_string())
            }),
        },
        Axis {
            name: "clients",
            len: g.clients.len(),
            apply: Box::new(|i, c| {
                let Some(workload) = &workload else {
                    return Err(invalid(
                        "grid.clients",
                        "varies the workload's clients; the experiment needs a workload",
                    ));
                };
                let w = Workload {
                    clients: g.clients[i],
                    ..workload.clone()
                };
                validate_workload(&w, &format!("grid.clients[{i}]"))?;
                c.workload = Some(w);
                Ok(g.clients[i].to_string())
            }),
        },
    ];
    let mut size: u128 = 1;
    for axis in &axes {
        if axis.len > MAX_AXIS_VALUES {
            return Err(invalid(
                format!("grid.{}", axis.name),
                format!(
                    "{} values; an axis lists at most {MAX_AXIS_VALUES}",
                    axis.len
                ),
            ));
        }
        size *= axis.len.max(1) as u128;
    }
    if size > MAX_CONFIGURATIONS as u128 {
        return Err(invalid(
            "grid",
            format!("{size} configurations; a grid makes at most {MAX_CONFIGURATIONS}"),
        ));
    }
    let used: Vec<&Axis<'_>> = axes.iter().filter(|a| a.len > 0).collect();
    let mut out = Vec::with_capacity(size as usize);
    for index in 0..size as usize {
        let mut c = Configuration {
            params: Vec::new(),
            scenario: base.clone(),
            faults: spec.faults.clone(),
            workload: spec.workload.clone(),
        };
        // The last axis varies fastest.
        let mut rest = index;
        let mut picks = vec![0; used.len()];
        for (pick, axis) in picks.iter_mut().zip(&used).rev() {
            *pick = rest % axis.len;
            rest /= axis.len;
        }
        for (axis, pick) in used.iter().zip(picks) {
            let value = (axis.apply)(pick, &mut c)?;
            c.params.push((axis.name, value));
        }
        c.scenario_for(spec.seeds.first).validate().map_err(|e| {
            let label = c.label();
            match e {
                ScenarioError::Invalid { field, reason }
                | ScenarioError::Json { field, reason } => {
                    invalid("grid", format!("configuration {label}: {field}: {reason}"))
                }
                other => other,
            }
        })?;
        out.push(c);
    }
    Ok(out)
}

/// A share as a percentage with two decimals.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".to_string();
    }
    format!("{:.2}%", part as f64 * 100.0 / whole as f64)
}

fn ticks(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

impl Outcome {
    /// The tables of the experiment's report, one row per configuration
    /// (and, for staleness, the curve too).
    pub fn tables(&self) -> Vec<Table> {
        let rows = |f: &dyn Fn(&Measurements) -> Vec<String>| -> Vec<Vec<String>> {
            self.configurations
                .iter()
                .map(|c| {
                    let mut row = vec![c.label.clone()];
                    row.extend(f(&c.measurements));
                    row
                })
                .collect()
        };
        let columns = |names: &[&str]| -> Vec<String> {
            std::iter::once("configuration")
                .chain(names.iter().copied())
                .map(str::to_string)
                .collect()
        };
        match self.report {
            Report::Versions => vec![Table {
                title: "Versions per successful get".to_string(),
                columns: columns(&["gets", "0", "1", "2", "3", "4+", "mean"]),
                rows: rows(&|m| {
                    let v = &m.versions_per_get;
                    let n = v.count();
                    let more: u64 = v.iter().filter(|(k, _)| *k >= 4).map(|(_, c)| c).sum();
                    vec![
                        n.to_string(),
                        percent(v.of(0), n),
                        percent(v.of(1), n),
                        percent(v.of(2), n),
                        percent(v.of(3), n),
                        percent(more, n),
                        v.mean().map_or("-".to_string(), |x| format!("{x:.3}")),
                    ]
                }),
            }],
            Report::Staleness => {
                let summary = Table {
                    title: "Staleness after a write (t-visibility)".to_string(),
                    columns: columns(&[
                        "puts read",
                        "P(visible at t=0)",
                        "t for 99.9% (ticks)",
                        "longest window (ticks)",
                        "stale reads",
                    ]),
                    rows: rows(&|m| {
                        let w = &m.stale_window_ticks;
                        let (seen, missed) = m
                            .visibility
                            .values()
                            .fold((0, 0), |(s, x), p| (s + p.seen, x + p.missed));
                        vec![
                            w.count().to_string(),
                            percent(w.of(0), w.count()),
                            ticks(w.percentile(999_000)),
                            ticks(w.iter().last().map(|(t, _)| t)),
                            percent(missed, seen + missed),
                        ]
                    }),
                };
                let marks: [Time; 9] = [0, 1, 2, 3, 5, 10, 20, 50, 100];
                let curve = Table {
                    title: "P(every get invoked t or more ticks after a put's ack sees it)"
                        .to_string(),
                    columns: std::iter::once("configuration".to_string())
                        .chain(marks.iter().map(|t| format!("t={t}")))
                        .collect(),
                    rows: rows(&|m| {
                        let w = &m.stale_window_ticks;
                        marks
                            .iter()
                            .map(|&t| {
                                let within: u64 =
                                    w.iter().filter(|(v, _)| *v <= t).map(|(_, n)| n).sum();
                                percent(within, w.count())
                            })
                            .collect()
                    }),
                };
                vec![summary, curve]
            }
            Report::Latency => {
                let p = |h: &crate::measure::Histogram| {
                    [500_000, 990_000, 999_000].map(|q| ticks(h.percentile(q)))
                };
                vec![Table {
                    title: "Latency of ok operations (ticks, nearest rank)".to_string(),
                    columns: columns(&[
                        "get p50",
                        "get p99",
                        "get p99.9",
                        "put p50",
                        "put p99",
                        "put p99.9",
                    ]),
                    rows: rows(&|m| {
                        let mut row = p(&m.get_latency_ticks.ok).to_vec();
                        row.extend(p(&m.put_latency_ticks.ok));
                        row
                    }),
                }]
            }
            Report::Availability => vec![Table {
                title: "Operations answered ok".to_string(),
                columns: columns(&[
                    "operations",
                    "ok",
                    "quorum failed",
                    "timed out",
                    "pending",
                    "gets ok",
                    "puts ok",
                ]),
                rows: rows(&|m| {
                    let a = m.availability();
                    vec![
                        a.total().to_string(),
                        percent(a.ok, a.total()),
                        percent(a.quorum_failed, a.total()),
                        percent(a.timeout, a.total()),
                        percent(a.pending, a.total()),
                        percent(m.gets.ok, m.gets.total()),
                        percent(m.puts.ok, m.puts.total()),
                    ]
                }),
            }],
        }
    }
}

#[cfg(test)]
mod tests;

//! The scenario format, version 1: a cluster, a network, a seed and a
//! timeline of client operations and faults, as JSON.
//!
//! One format serves the UI, share links, the CLI and the tests; the field by
//! field description, with an example, is `docs/scenario-format.md`.
//! [`Scenario::from_json`] parses and validates: every error names the field
//! (`timeline[3].get.r`) and the reason, and no input can panic.

mod builtin;
pub(crate) mod read;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::causality::CausalityMode;
use crate::ids::NodeId;
use crate::ids::Time;
use crate::node::{ContextChoice, Mechanisms, Settings};
use crate::ring::Ring;
use crate::sim::network::{Fault, NetworkOptions};
use crate::sim::{Choice, MAX_CHOICES, MAX_MENU_FAULTS};

pub use builtin::{builtin_scenario, builtin_scenarios, BUILTIN_NAMES};

/// The only scenario version this build reads.
pub const SCENARIO_VERSION: u32 = 1;
/// The largest scenario text accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;
/// The most nodes a cluster may have.
pub const MAX_NODES: u16 = 64;
/// The most clients a timeline may name.
pub const MAX_CLIENTS: u16 = 64;
/// The most entries a timeline may hold.
pub const MAX_TIMELINE: usize = 10_000;
/// The longest key or value, in bytes.
pub const MAX_TEXT_BYTES: usize = 256;
/// The longest timeout, interval or latency, in ticks: about 2.8 hours at a
/// tick per 10 ms, far beyond any protocol delay worth watching. With
/// [`MAX_AT_TICKS`] it keeps every sum of ticks the simulator forms far
/// below `u64::MAX` (it saturates anyway).
pub const MAX_INTERVAL_TICKS: Time = 1_000_000;
/// The latest `at` of a timeline entry and the latest `run_until`, in ticks.
pub const MAX_AT_TICKS: Time = 1_000_000_000;

/// What is wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The text is larger than [`MAX_SCENARIO_BYTES`].
    TooLarge {
        /// The text's size.
        bytes: usize,
    },
    /// The text is not JSON, or a field has the wrong shape.
    Json {
        /// Where (`timeline[2].put`), or empty for the whole document.
        field: String,
        /// What serde said.
        reason: String,
    },
    /// A field is well formed but not acceptable.
    Invalid {
        /// Which field (`cluster.r`).
        field: String,
        /// Why.
        reason: String,
    },
}

impl ScenarioError {
    fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Box<ScenarioError> {
        Box::new(ScenarioError::Invalid {
            field: field.into(),
            reason: reason.into(),
        })
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::TooLarge { bytes } => {
                write!(
                    f,
                    "scenario is {bytes} bytes; the limit is {MAX_SCENARIO_BYTES}"
                )
            }
            ScenarioError::Json { field, reason } if field.is_empty() || field == "." => {
                write!(f, "not a valid scenario: {reason}")
            }
            ScenarioError::Json { field, reason } | ScenarioError::Invalid { field, reason } => {
                write!(f, "{field}: {reason}")
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

impl From<Box<ScenarioError>> for ScenarioError {
    fn from(error: Box<ScenarioError>) -> ScenarioError {
        *error
    }
}

/// A check's outcome inside this module: the error boxed, one pointer.
type Checked<T = ()> = Result<T, Box<ScenarioError>>;

/// A whole scenario: what to build and what happens to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The format version; must be [`SCENARIO_VERSION`].
    pub version: u32,
    /// A short name.
    #[serde(default)]
    pub name: String,
    /// What the scenario shows, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// The seed of the simulator's random generator.
    #[serde(default)]
    pub seed: u64,
    /// The cluster.
    pub cluster: ClusterConfig,
    /// The network's options at time 0.
    #[serde(default)]
    pub network: NetworkOptions,
    /// What happens, and when.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Stop at this time instead of running until the cluster is quiet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_until: Option<Time>,
    /// Steer the run by explicit choices instead of latencies
    /// ([`crate::sim::Choice`]); absent, latencies decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// A run steered by choices: the faults a choice may apply, and the choices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// The faults a `fault N` choice applies, by index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    /// The choices, in order.
    #[serde(default)]
    pub choices: Vec<Choice>,
}

/// The cluster's shape and its Dynamo settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    /// How many nodes, `n1` to `n{nodes}`.
    pub nodes: u16,
    /// The ring size Q: a power of two from 8 to 1024.
    #[serde(default = "default_partitions")]
    pub partitions: u32,
    /// Replicas per key.
    pub n: u8,
    /// Replies a get waits for.
    pub r: u8,
    /// Acknowledgements a put waits for, the coordinator's own included.
    pub w: u8,
    /// The causality mechanism, by name (`dvvset`, `lww`, `client-vv`,
    /// `server-vv-separate`, `server-vv-merged`).
    #[serde(with = "by_name")]
    pub mode: CausalityMode,
    /// How many clients, `c1` to `c{clients}`; 0 (the default) means as many
    /// as the timeline names.
    #[serde(default)]
    pub clients: u16,
    /// How long a coordinator waits for R or W answers before it reports
    /// `QuorumFailed`, in ticks.
    #[serde(default = "default_request_timeout")]
    pub request_timeout_ticks: Time,
    /// How long a client waits for any answer before it gives up, in ticks.
    #[serde(default = "default_client_timeout")]
    pub client_timeout_ticks: Time,
    /// Which failure-handling mechanisms run; each defaults to on.
    #[serde(default)]
    pub mechanisms: Mechanisms,
    /// Period of a fallback's hint-handoff rounds, in ticks.
    #[serde(default = "default_hint_handoff_interval")]
    pub hint_handoff_interval_ticks: Time,
    /// Period of a node's anti-entropy rounds, in ticks.
    #[serde(default = "default_anti_entropy_interval")]
    pub anti_entropy_interval_ticks: Time,
    /// Period of a node's gossip rounds while a ring change spreads, in ticks.
    #[serde(default = "default_gossip_interval")]
    pub gossip_interval_ticks: Time,
    /// The nodes of the initial ring; empty (the default) means all. Nodes
    /// left out run but own nothing until they `join`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<NodeId>,
    /// The seed nodes every node gossips with and a joining node asks;
    /// empty (the default) means the first member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seeds: Vec<NodeId>,
    /// Vector-clock pruning for `client-vv` (Dynamo, section 4.4): the most
    /// entries a write's vector keeps, at least 1; a coordinator drops the
    /// oldest entries beyond it. Absent (the default) keeps every entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vv_prune_threshold: Option<u32>,
}

impl Default for ClusterConfig {
    /// Three nodes, Q = 16, N = 3, R = W = 2, DVVSet, every mechanism on.
    fn default() -> Self {
        ClusterConfig {
            nodes: 3,
            partitions: default_partitions(),
            n: 3,
            r: 2,
            w: 2,
            mode: CausalityMode::DvvSet,
            clients: 0,
            request_timeout_ticks: default_request_timeout(),
            client_timeout_ticks: default_client_timeout(),
            mechanisms: Mechanisms::default(),
            hint_handoff_interval_ticks: default_hint_handoff_interval(),
            anti_entropy_interval_ticks: default_anti_entropy_interval(),
            gossip_interval_ticks: default_gossip_interval(),
            members: Vec::new(),
            seeds: Vec::new(),
            vv_prune_threshold: None,
        }
    }
}

fn default_partitions() -> u32 {
    16
}
fn default_request_timeout() -> Time {
    20
}
fn default_client_timeout() -> Time {
    50
}
fn default_hint_handoff_interval() -> Time {
    40
}
fn default_anti_entropy_interval() -> Time {
    100
}
fn default_gossip_interval() -> Time {
    10
}

/// One timed entry of the timeline: exactly one of `put`, `get`, `fault`,
/// `join` or `leave`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// When, in ticks from the start. Entries at the same time run in file order.
    pub at: i64,
    /// The client performing a `put` or `get`, numbered from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<u16>,
    /// A put.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put: Option<PutSpec>,
    /// A get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get: Option<GetSpec>,
    /// A fault, heal, crash or restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// A node that joins the ring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<NodeId>,
    /// A node that leaves the ring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave: Option<NodeId>,
}

/// A client's put.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutSpec {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
    /// The node the client sends the request to.
    pub node: NodeId,
    /// Which context the put carries.
    #[serde(default)]
    pub context: ContextChoice,
    /// W for this request only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub w: Option<u8>,
}

/// A client's get.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetSpec {
    /// The key.
    pub key: String,
    /// The node the client sends the request to.
    pub node: NodeId,
    /// R for this request only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r: Option<u8>,
}

/// Serde through `Display`/`FromStr`, so that a scenario names modes exactly
/// as the kernel prints them.
mod by_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::causality::CausalityMode;

    pub fn serialize<S: Serializer>(mode: &CausalityMode, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(mode)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CausalityMode, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What a timeline entry does, once validated.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Client `client` puts.
    Put(u16, PutSpec),
    /// Client `client` gets.
    Get(u16, GetSpec),
    /// A fault happens.
    Fault(Fault),
    /// A node joins the ring.
    Join(NodeId),
    /// A node leaves the ring.
    Leave(NodeId),
}

impl Scenario {
    /// Parse and validate a scenario.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::TooLarge { bytes: text.len() });
        }
        Scenario::from_value(&read::parse_unique_keys(text)?)
    }

    /// Read and validate a scenario already parsed as JSON: what
    /// [`Scenario::from_json`] does after parsing.
    pub fn from_value(value: &serde_json::Value) -> Result<Scenario, ScenarioError> {
        Scenario::checked_from_value(value).map_err(|e| *e)
    }

    fn checked_from_value(value: &serde_json::Value) -> Checked<Scenario> {
        match value.get("version") {
            None => {
                return Err(ScenarioError::invalid(
                    "version",
                    "missing; this build reads version 1",
                ))
            }
            Some(v) if v.as_u64() != Some(u64::from(SCENARIO_VERSION)) => {
                return Err(ScenarioError::invalid(
                    "version",
                    format!(
                        "unknown version {}; this build reads version {SCENARIO_VERSION}",
                        json_text(v)
                    ),
                ))
            }
            Some(_) => {}
        }
        let scenario: Scenario = read::from_value(value).map_err(Box::new)?;
        scenario.check()?;
        Ok(scenario)
    }

    /// How many clients the cluster has: `cluster.clients`, or if that is 0,
    /// the highest client number the timeline names.
    pub fn client_count(&self) -> u16 {
        let named = self
            .timeline
            .iter()
            .filter_map(|e| e.client)
            .max()
            .unwrap_or(0);
        if self.cluster.clients > 0 {
            self.cluster.clients
        } else {
            named.min(MAX_CLIENTS)
        }
    }

    /// The first key the timeline puts or gets: the one a viewer of the
    /// scenario wants to inspect first.
    pub fn first_key(&self) -> Option<&str> {
        self.timeline.iter().find_map(|e| {
            e.put
                .as_ref()
                .map(|p| p.key.as_str())
                .or_else(|| e.get.as_ref().map(|g| g.key.as_str()))
        })
    }

    /// The scenario as pretty JSON (what [`Scenario::from_json`] reads back),
    /// exactly as `serde_json::to_string_pretty` writes it. It is written
    /// compact and indented by `indent_json`: one serializer instead of
    /// two keeps the shipped app smaller.
    pub fn to_json(&self) -> String {
        // The reason in words, as `Session::to_json` gives it.
        indent_json(
            &serde_json::to_string(self)
                .unwrap_or_else(|e| panic!("a scenario always serializes: {e}")),
        )
    }

    /// Check everything serde cannot: ranges, node numbers, quorum sizes.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.check().map_err(|e| *e)
    }

    fn check(&self) -> Checked {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError::invalid(
                "version",
                format!("unknown version {}", self.version),
            ));
        }
        self.cluster.validate()?;
        let clients = self.cluster.clients;
        if clients > MAX_CLIENTS {
            return Err(ScenarioError::invalid(
                "cluster.clients",
                format!("{clients} clients; the limit is {MAX_CLIENTS}"),
            ));
        }
        validate_network(&self.network, self.cluster.nodes)?;
        if let Some(until) = self.run_until.filter(|t| *t > MAX_AT_TICKS) {
            return Err(ScenarioError::invalid(
                "run_until",
                format!("tick {until}; a run stops at tick {MAX_AT_TICKS} at the latest"),
            ));
        }
        if self.timeline.len() > MAX_TIMELINE {
            return Err(ScenarioError::invalid(
                "timeline",
                format!(
                    "{} entries; the limit is {MAX_TIMELINE}",
                    self.timeline.len()
                ),
            ));
        }
        if let Some(schedule) = &self.schedule {
            self.validate_schedule(schedule)?;
        }
        let mut members = self.cluster.member_ids();
        let mut in_time_order: Vec<(usize, &TimelineEntry)> =
            self.timeline.iter().enumerate().collect();
        crate::handwritten::sort::stable_by_key(&mut in_time_order, |(_, e)| e.at);
        for (i, entry) in in_time_order {
            let field = format!("timeline[{i}]");
            let (at, action) = entry.action(&self.cluster, &field)?;
            self.cluster
                .follow_membership(&mut members, &field, at, &action)?;
            if let Some(client) = entry.client.filter(|c| clients > 0 && *c > clients) {
                return Err(ScenarioError::invalid(
                    format!("{field}.client"),
                    format!("client {client} does not exist; cluster.clients is {clients}"),
                ));
            }
        }
        Ok(())
    }
}

impl Scenario {
    fn validate_schedule(&self, schedule: &Schedule) -> Checked {
        if schedule.faults.len() > MAX_MENU_FAULTS {
            return Err(ScenarioError::invalid(
                "schedule.faults",
                format!(
                    "{} faults; the limit is {MAX_MENU_FAULTS}",
                    schedule.faults.len()
                ),
            ));
        }
        for (i, fault) in schedule.faults.iter().enumerate() {
            let field = format!("schedule.faults[{i}]");
            for node in fault.nodes() {
                self.cluster.check_node(&field, node)?;
            }
            validate_fault(&field, fault)?;
        }
        if schedule.choices.len() > MAX_CHOICES {
            return Err(ScenarioError::invalid(
                "schedule.choices",
                format!(
                    "{} choices; the limit is {MAX_CHOICES}",
                    schedule.choices.len()
                ),
            ));
        }
        let menu = schedule.faults.len();
        if let Some((i, index)) = schedule
            .choices
            .iter()
            .enumerate()
            .find_map(|(i, c)| match c {
                Choice::Fault(index) if usize::from(*index) >= menu => Some((i, index)),
                _ => None,
            })
        {
            return Err(ScenarioError::invalid(
                format!("schedule.choices[{i}]"),
                format!("fault {index} is not on the menu of {menu} faults"),
            ));
        }
        Ok(())
    }
}

impl ClusterConfig {
    fn validate(&self) -> Checked {
        let nodes = self.nodes;
        if nodes == 0 || nodes > MAX_NODES {
            return Err(ScenarioError::invalid(
                "cluster.nodes",
                format!("{nodes} nodes; a cluster has 1 to {MAX_NODES}"),
            ));
        }
        if self.n == 0 || u16::from(self.n) > nodes {
            return Err(ScenarioError::invalid(
                "cluster.n",
                format!(
                    "N = {} must be at least 1 and at most the {nodes} nodes",
                    self.n
                ),
            ));
        }
        check_quorum("cluster.r", "R", self.r, self.n)?;
        check_quorum("cluster.w", "W", self.w, self.n)?;
        for (field, ticks) in [
            ("cluster.request_timeout_ticks", self.request_timeout_ticks),
            ("cluster.client_timeout_ticks", self.client_timeout_ticks),
            (
                "cluster.hint_handoff_interval_ticks",
                self.hint_handoff_interval_ticks,
            ),
            (
                "cluster.anti_entropy_interval_ticks",
                self.anti_entropy_interval_ticks,
            ),
            ("cluster.gossip_interval_ticks", self.gossip_interval_ticks),
        ] {
            if ticks == 0 || ticks > MAX_INTERVAL_TICKS {
                return Err(ScenarioError::invalid(
                    field,
                    format!(
                        "{ticks} ticks; a timeout or interval is 1 to {MAX_INTERVAL_TICKS} ticks"
                    ),
                ));
            }
        }
        self.validate_pruning()?;
        self.validate_membership()?;
        self.ring().map(|_| ()).map_err(Box::new)
    }

    /// A prune threshold keeps at least the write's own entry, and only
    /// client-id vectors have entries per client to prune. Set under another
    /// mode it would do nothing, and a scenario that asks for pruning it
    /// does not get is refused rather than silently run without it.
    fn validate_pruning(&self) -> Checked {
        let field = "cluster.vv_prune_threshold";
        match self.vv_prune_threshold {
            None => Ok(()),
            Some(0) => Err(ScenarioError::invalid(
                field,
                "0 entries: a pruned vector keeps at least the entry of the write being made, \
                 so the threshold is at least 1 (leave the field out to keep every entry)",
            )),
            Some(_) if self.mode != CausalityMode::ClientVv => Err(ScenarioError::invalid(
                field,
                format!(
                    "pruning truncates client-id version vectors, and mode is {}; \
                     set mode to client-vv or leave the field out",
                    self.mode
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    /// The settings every node of this cluster follows.
    pub fn settings(&self) -> Settings {
        Settings {
            n: self.n,
            r: self.r,
            w: self.w,
            mode: self.mode,
            request_timeout_ticks: self.request_timeout_ticks,
            client_timeout_ticks: self.client_timeout_ticks,
            mechanisms: self.mechanisms,
            hint_handoff_interval_ticks: self.hint_handoff_interval_ticks,
            anti_entropy_interval_ticks: self.anti_entropy_interval_ticks,
            gossip_interval_ticks: self.gossip_interval_ticks,
            vv_prune_threshold: self.vv_prune_threshold,
        }
    }

    /// The node ids, `n1` to `n{nodes}`.
    pub fn node_ids(&self) -> Vec<NodeId> {
        (1..=self.nodes).map(NodeId).collect()
    }

    /// The members of the initial ring, sorted: `members`, or every node.
    pub fn member_ids(&self) -> Vec<NodeId> {
        let mut members = if self.members.is_empty() {
            self.node_ids()
        } else {
            self.members.clone()
        };
        crate::handwritten::sort::stable(&mut members);
        members
    }

    /// The seed nodes: `seeds`, or the first member.
    pub fn seed_ids(&self) -> Vec<NodeId> {
        if self.seeds.is_empty() {
            self.member_ids().into_iter().take(1).collect()
        } else {
            self.seeds.clone()
        }
    }

    /// The cluster's initial ring.
    pub fn ring(&self) -> Result<Ring, ScenarioError> {
        Ring::new(self.partitions, &self.member_ids(), usize::from(self.n))
            .map_err(|e| *ScenarioError::invalid("cluster.partitions", e.to_string()))
    }

    fn validate_membership(&self) -> Checked {
        let members = self.member_ids();
        for (field, nodes) in [
            ("cluster.members", &members),
            ("cluster.seeds", &self.seeds),
        ] {
            for node in nodes.iter() {
                self.check_node(field, *node)?;
            }
        }
        if let Some(pair) = members.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(ScenarioError::invalid(
                "cluster.members",
                format!("node {} is listed twice", pair[0].0),
            ));
        }
        if members.len() < usize::from(self.n) {
            return Err(ScenarioError::invalid(
                "cluster.members",
                format!(
                    "{} members cannot hold N = {} replicas",
                    members.len(),
                    self.n
                ),
            ));
        }
        Ok(())
    }

    /// Apply a timeline action to the ring's `members`, refusing a join of a
    /// member, a leave of a non-member, and a leave below N members.
    fn follow_membership(
        &self,
        members: &mut Vec<NodeId>,
        field: &str,
        at: Time,
        action: &Action,
    ) -> Checked {
        match action {
            Action::Join(node) => match members.binary_search(node) {
                Ok(_) => Err(ScenarioError::invalid(
                    format!("{field}.join"),
                    format!("{node} is already a member at tick {at}"),
                )),
                Err(i) => {
                    members.insert(i, *node);
                    Ok(())
                }
            },
            Action::Leave(node) => match members.binary_search(node) {
                Err(_) => Err(ScenarioError::invalid(
                    format!("{field}.leave"),
                    format!("{node} is not a member at tick {at}"),
                )),
                Ok(_) if members.len() <= usize::from(self.n) => Err(ScenarioError::invalid(
                    format!("{field}.leave"),
                    format!(
                        "{node} leaving would leave {} members, fewer than N = {}",
                        members.len() - 1,
                        self.n
                    ),
                )),
                Ok(i) => {
                    members.remove(i);
                    Ok(())
                }
            },
            _ => Ok(()),
        }
    }

    fn check_node(&self, field: &str, node: NodeId) -> Checked {
        if node.0 == 0 || node.0 > self.nodes {
            return Err(ScenarioError::invalid(
                field,
                format!(
                    "unknown node {}; nodes are numbered 1 to {}",
                    node.0, self.nodes
                ),
            ));
        }
        Ok(())
    }
}

/// A JSON value's compact text, as its `Display` writes it, but through
/// `serde_json::to_string`, the writer the other JSON texts of the web app
/// go through: `Display` would be a second instance of the serializer
/// (about 5.7 KB of the app before gzip).
pub fn json_text(value: &serde_json::Value) -> String {
    // A `Value`'s keys are strings, so writing it cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// Compact JSON (serde_json's, with no white space outside strings) laid
/// out as `serde_json::to_string_pretty` lays it out: two-space indents, one
/// member or element per line, `": "` after keys, empty `{}` and `[]`.
pub(crate) fn indent_json(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in compact.char_indices() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if !matches!(bytes.get(i + 1), Some(b'}' | b']')) {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                if !matches!(bytes.get(i.wrapping_sub(1)), Some(b'{' | b'[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

fn check_quorum(field: &str, name: &str, value: u8, n: u8) -> Checked {
    if value == 0 || value > n {
        return Err(ScenarioError::invalid(
            field,
            format!("{name} = {value} must be at least 1 and at most N = {n}"),
        ));
    }
    Ok(())
}

fn check_probability(field: &str, per_million: u32) -> Checked {
    if per_million > 1_000_000 {
        return Err(ScenarioError::invalid(
            field,
            format!("{per_million} per million is more than certain (at most 1000000)"),
        ));
    }
    Ok(())
}

fn check_latency(field: &str, min: Time, max: Time) -> Checked {
    if max > MAX_INTERVAL_TICKS {
        return Err(ScenarioError::invalid(
            format!("{field}.latency_ticks_max"),
            format!("{max} ticks; a latency is at most {MAX_INTERVAL_TICKS} ticks"),
        ));
    }
    if min > max {
        return Err(ScenarioError::invalid(
            field,
            format!("latency_ticks_min {min} is above latency_ticks_max {max}"),
        ));
    }
    Ok(())
}

fn validate_network(network: &NetworkOptions, nodes: u16) -> Checked {
    check_latency(
        "network",
        network.latency_ticks_min,
        network.latency_ticks_max,
    )?;
    check_probability("network.drop_per_million", network.drop_per_million)?;
    check_probability(
        "network.duplicate_per_million",
        network.duplicate_per_million,
    )?;
    check_probability("network.reorder_per_million", network.reorder_per_million)?;
    for (i, link) in network.links.iter().enumerate() {
        let field = format!("network.links[{i}]");
        for node in [link.from, link.to] {
            if node.0 == 0 || node.0 > nodes {
                return Err(ScenarioError::invalid(
                    &field,
                    format!("unknown node {}", node.0),
                ));
            }
        }
        check_latency(&field, link.latency_ticks_min, link.latency_ticks_max)?;
    }
    Ok(())
}

fn check_text(field: &str, text: &str) -> Checked {
    if text.is_empty() || text.len() > MAX_TEXT_BYTES {
        return Err(ScenarioError::invalid(
            field,
            format!("must be 1 to {MAX_TEXT_BYTES} bytes, not {}", text.len()),
        ));
    }
    Ok(())
}

impl TimelineEntry {
    /// An entry at `at` that does nothing yet: fill in one action.
    pub fn at(at: i64) -> TimelineEntry {
        TimelineEntry {
            at,
            client: None,
            put: None,
            get: None,
            fault: None,
            join: None,
            leave: None,
        }
    }

    /// The entry's time and action, validated against `cluster`; `field`
    /// names the entry in errors.
    pub fn action(
        &self,
        cluster: &ClusterConfig,
        field: &str,
    ) -> Result<(Time, Action), Box<ScenarioError>> {
        let at = Time::try_from(self.at).map_err(|_| {
            ScenarioError::invalid(format!("{field}.at"), format!("negative time {}", self.at))
        })?;
        if at > MAX_AT_TICKS {
            return Err(ScenarioError::invalid(
                format!("{field}.at"),
                format!("tick {at}; an entry is at tick {MAX_AT_TICKS} at the latest"),
            ));
        }
        let client = || match self.client {
            Some(c) if (1..=MAX_CLIENTS).contains(&c) => Ok(c),
            Some(c) => Err(ScenarioError::invalid(
                format!("{field}.client"),
                format!("client {c}; clients are numbered 1 to {MAX_CLIENTS}"),
            )),
            None => Err(ScenarioError::invalid(
                format!("{field}.client"),
                "a put or get names its client",
            )),
        };
        let membership = match (self.join, self.leave) {
            (None, None) => None,
            (Some(node), None) => Some(("join", node, Action::Join(node))),
            (None, Some(node)) => Some(("leave", node, Action::Leave(node))),
            (Some(_), Some(_)) => None,
        };
        let others = usize::from(self.put.is_some())
            + usize::from(self.get.is_some())
            + usize::from(self.fault.is_some());
        if let Some((name, node, action)) = membership.filter(|_| others == 0) {
            if self.client.is_some() {
                return Err(ScenarioError::invalid(
                    format!("{field}.client"),
                    format!("a {name} has no client"),
                ));
            }
            cluster.check_node(&format!("{field}.{name}"), node)?;
            return Ok((at, action));
        }
        let action = match (&self.put, &self.get, &self.fault) {
            _ if self.join.is_some() || self.leave.is_some() => {
                return Err(ScenarioError::invalid(
                    field.to_string(),
                    "an entry holds exactly one of \"put\", \"get\", \"fault\", \"join\" or \"leave\"",
                ))
            }
            (Some(put), None, None) => {
                let f = format!("{field}.put");
                check_text(&format!("{f}.key"), &put.key)?;
                check_text(&format!("{f}.value"), &put.value)?;
                cluster.check_node(&format!("{f}.node"), put.node)?;
                if let Some(w) = put.w {
                    check_quorum(&format!("{f}.w"), "W", w, cluster.n)?;
                }
                Action::Put(client()?, put.clone())
            }
            (None, Some(get), None) => {
                let f = format!("{field}.get");
                check_text(&format!("{f}.key"), &get.key)?;
                cluster.check_node(&format!("{f}.node"), get.node)?;
                if let Some(r) = get.r {
                    check_quorum(&format!("{f}.r"), "R", r, cluster.n)?;
                }
                Action::Get(client()?, get.clone())
            }
            (None, None, Some(fault)) => {
                let f = format!("{field}.fault");
                if self.client.is_some() {
                    return Err(ScenarioError::invalid(
                        format!("{field}.client"),
                        "a fault has no client",
                    ));
                }
                for node in fault.nodes() {
                    cluster.check_node(&f, node)?;
                }
                validate_fault(&f, fault)?;
                Action::Fault(fault.clone())
            }
            _ => {
                return Err(ScenarioError::invalid(
                    field.to_string(),
                    "an entry holds exactly one of \"put\", \"get\", \"fault\", \"join\" or \"leave\"",
                ))
            }
        };
        Ok((at, action))
    }
}

fn validate_fault(field: &str, fault: &Fault) -> Checked {
    match fault {
        Fault::Partition(groups) => {
            let mut seen: Vec<NodeId> = groups.iter().flatten().copied().collect();
            crate::handwritten::sort::stable(&mut seen);
            if let Some(pair) = seen.windows(2).find(|pair| pair[0] == pair[1]) {
                return Err(ScenarioError::invalid(
                    field,
                    format!("node {} is in two partition groups", pair[0].0),
                ));
            }
            Ok(())
        }
        Fault::SetDrop(p) | Fault::SetDuplicate(p) | Fault::SetReorder(p) => {
            check_probability(field, *p)
        }
        Fault::SetLatency {
            latency_ticks_min,
            latency_ticks_max,
        } => check_latency(
            &format!("{field}.set-latency"),
            *latency_ticks_min,
            *latency_ticks_max,
        ),
        Fault::OneWay { .. }
        | Fault::Cut { .. }
        | Fault::Heal
        | Fault::Crash(_)
        | Fault::Restart(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests;

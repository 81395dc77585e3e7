//! What a step claims: assertions checked on the cluster at the step's
//! position.
//!
//! A tutorial's prose says what the learner sees ("n3 still holds bread",
//! "the read returns both values", "the checker reports a lost write"). An
//! assertion states the same thing as data, so that `wildling tutorial
//! check` and the page's author mode can tell whether the prose is still
//! true. Four kinds, each read off what the page shows:
//!
//! - `replica`: the values (as a set), the sibling count or the clock's
//!   text of a key at one node;
//! - `last_result`: how a client's most recently completed operation
//!   ended, and for a get, its values and context;
//! - `checker`: how many findings of each kind the consistency checker
//!   reports over the history so far;
//! - `message`: whether any message of a kind (`hint`, `repair`, ...) has
//!   been sent.
//!
//! Everything an assertion names is checked when the tutorial is read: a
//! node outside the cluster, a key the scenario never puts or gets, a client
//! it does not have, or a message kind that does not exist is a validation
//! error naming the field, never an assertion that silently passes or fails.
//!
//! CAVEATS
//! - "Last result" is the operation that completed last (ties: the one
//!   invoked last). An operation still pending at the step does not count.
//! - Values are compared as sorted lists, so order never matters and
//!   duplicates do.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::ids::{Addr, ClientId, NodeId};
use crate::message::KINDS;
use crate::node::OpOutcome;
use crate::scenario::{Scenario, ScenarioError, MAX_TEXT_BYTES};

/// The most values one assertion may list: a replica holding more siblings
/// than this is asserted by count.
pub const MAX_EXPECTED_VALUES: usize = 256;
/// The longest expected clock or context text, in bytes.
pub const MAX_CLOCK_TEXT_BYTES: usize = 4096;

/// One claim about the cluster at a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assertion {
    /// What a node holds for a key.
    Replica(ReplicaExpect),
    /// How a client's last completed operation ended.
    LastResult(ResultExpect),
    /// The consistency checker's finding counts.
    Checker(CheckerExpect),
    /// Whether a message kind has been sent.
    Message(MessageExpect),
}

/// What a node holds for a key; at least one of `values`, `siblings` and
/// `clock`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaExpect {
    /// The node.
    pub node: NodeId,
    /// The key.
    pub key: String,
    /// Its values, in any order (`[]`: the node holds nothing for the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// How many values (siblings) it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siblings: Option<usize>,
    /// The clock exactly as the inspector prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
}

/// How a client's last completed operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultExpect {
    /// The client.
    pub client: ClientId,
    /// How it ended.
    pub outcome: Outcome,
    /// For a get: the values returned, in any order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// For a get: the context returned, as printed (`{n1:2, n3:1}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// How an operation ended, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A get answered.
    Got,
    /// A put acknowledged by W replicas.
    Put,
    /// Too few answers in time.
    QuorumFailed,
    /// No answer reached the client.
    Timeout,
    /// A join or leave took effect.
    Ring,
    /// A join or leave was refused.
    Refused,
}

impl Outcome {
    pub(crate) fn of(outcome: &OpOutcome) -> Outcome {
        match outcome {
            OpOutcome::Got { .. } => Outcome::Got,
            OpOutcome::Put => Outcome::Put,
            OpOutcome::QuorumFailed { .. } => Outcome::QuorumFailed,
            OpOutcome::Timeout => Outcome::Timeout,
            OpOutcome::Ring { .. } => Outcome::Ring,
            OpOutcome::Refused { .. } => Outcome::Refused,
        }
    }

    /// Every outcome, in declaration order.
    const ALL: [Outcome; 6] = [
        Outcome::Got,
        Outcome::Put,
        Outcome::QuorumFailed,
        Outcome::Timeout,
        Outcome::Ring,
        Outcome::Refused,
    ];

    /// The outcome called `name` (as the file names it).
    pub(crate) fn named(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Outcome::Got => "got",
            Outcome::Put => "put",
            Outcome::QuorumFailed => "quorum-failed",
            Outcome::Timeout => "timeout",
            Outcome::Ring => "ring",
            Outcome::Refused => "refused",
        }
    }
}

/// The checker's finding counts; at least one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckerExpect {
    /// Acknowledged writes that are gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_writes: Option<u64>,
    /// Causally ordered siblings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_conflicts: Option<u64>,
    /// Keys whose replicas differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_converged: Option<u64>,
    /// Reads that missed an earlier acknowledged write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_reads: Option<u64>,
    /// Session guarantees broken, of all four kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_violations: Option<u64>,
}

impl CheckerExpect {
    fn named(&self) -> [(&'static str, Option<u64>); 5] {
        [
            ("lost_writes", self.lost_writes),
            ("false_conflicts", self.false_conflicts),
            ("non_converged", self.non_converged),
            ("stale_reads", self.stale_reads),
            ("session_violations", self.session_violations),
        ]
    }
}

/// Whether a message of a kind has been sent, by anyone, up to the step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageExpect {
    /// The kind, one of `message::KINDS` (`hint`, `repair`, `merkle-sync`, ...).
    pub kind: String,
    /// Sent (true) or never sent (false).
    pub sent: bool,
}

/// An assertion's outcome at a step: what it expected and what the cluster
/// shows, both as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// Whether the cluster shows what was expected.
    pub passed: bool,
    /// What the assertion is about (`n1 cart`, `c2's last result`).
    pub subject: String,
    /// What was expected.
    pub expected: String,
    /// What the cluster shows.
    pub actual: String,
}

impl Assertion {
    /// Check everything serde cannot, against the tutorial's scenario;
    /// `field` is the assertion's path (`steps[2].expect[0]`).
    pub(crate) fn validate(&self, scenario: &Scenario, field: &str) -> Result<(), ScenarioError> {
        let invalid = |sub: &str, reason: String| ScenarioError::Invalid {
            field: format!("{field}.{sub}"),
            reason,
        };
        match self {
            Assertion::Replica(r) => {
                validate_node(scenario, r.node).map_err(|e| invalid("replica.node", e))?;
                validate_key(scenario, &r.key).map_err(|e| invalid("replica.key", e))?;
                if r.values.is_none() && r.siblings.is_none() && r.clock.is_none() {
                    return Err(invalid(
                        "replica",
                        "expects nothing: give values, siblings or clock".into(),
                    ));
                }
                validate_values(r.values.as_deref()).map_err(|e| invalid("replica.values", e))?;
                validate_clock(r.clock.as_deref()).map_err(|e| invalid("replica.clock", e))?;
            }
            Assertion::LastResult(r) => {
                let clients = scenario.client_count();
                if r.client.0 == 0 || r.client.0 > clients {
                    return Err(invalid(
                        "last_result.client",
                        format!(
                            "{} is not a client of the scenario (it has {clients})",
                            r.client
                        ),
                    ));
                }
                if r.outcome != Outcome::Got && (r.values.is_some() || r.context.is_some()) {
                    return Err(invalid(
                        "last_result",
                        format!(
                            "values and context belong to a get (outcome \"got\"), not to {:?}",
                            r.outcome.name()
                        ),
                    ));
                }
                validate_values(r.values.as_deref())
                    .map_err(|e| invalid("last_result.values", e))?;
                validate_clock(r.context.as_deref())
                    .map_err(|e| invalid("last_result.context", e))?;
            }
            Assertion::Checker(c) => {
                if c.named().iter().all(|(_, n)| n.is_none()) {
                    return Err(invalid(
                        "checker",
                        "expects nothing: give lost_writes, false_conflicts, non_converged, \
                         stale_reads or session_violations"
                            .into(),
                    ));
                }
            }
            Assertion::Message(m) => {
                if !KINDS.contains(&m.kind.as_str()) {
                    return Err(invalid(
                        "message.kind",
                        format!(
                            "no message kind is called {:?}; the kinds are {}",
                            m.kind,
                            KINDS.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether `cluster` shows what the assertion expects.
    pub fn evaluate(&self, cluster: &Cluster) -> Verdict {
        match self {
            Assertion::Replica(r) => replica(cluster, r),
            Assertion::LastResult(r) => last_result(cluster, r),
            Assertion::Checker(c) => {
                let report = cluster.check();
                let actual_counts = [
                    report.lost_writes.len(),
                    report.false_conflicts.len(),
                    report.non_converged.len(),
                    report.stale_reads.len(),
                    report.sessions.len(),
                ];
                let (mut expected, mut actual) = (Vec::new(), Vec::new());
                let mut passed = true;
                for ((name, want), got) in c.named().into_iter().zip(actual_counts) {
                    if let Some(want) = want {
                        passed &= want == got as u64;
                        expected.push(format!("{name} {want}"));
                        actual.push(format!("{name} {got}"));
                    }
                }
                Verdict {
                    passed,
                    subject: "the checker".into(),
                    expected: expected.join(", "),
                    actual: actual.join(", "),
                }
            }
            Assertion::Message(m) => {
                let sent = cluster
                    .sim()
                    .history()
                    .messages
                    .iter()
                    .any(|record| record.kind == m.kind);
                let said = |sent: bool| if sent { "sent" } else { "never sent" };
                Verdict {
                    passed: sent == m.sent,
                    subject: format!("{} messages", m.kind),
                    expected: said(m.sent).into(),
                    actual: said(sent).into(),
                }
            }
        }
    }
}

/// A node must be one of the cluster's.
pub(crate) fn validate_node(scenario: &Scenario, node: NodeId) -> Result<(), String> {
    let nodes = scenario.cluster.nodes;
    if node.0 == 0 || node.0 > nodes {
        return Err(format!("{node} is not in the cluster (n1 to n{nodes})"));
    }
    Ok(())
}

/// A key must be one the scenario's timeline puts or gets: any other key is
/// a typo, which would otherwise read as "holds nothing".
pub(crate) fn validate_key(scenario: &Scenario, key: &str) -> Result<(), String> {
    let named = scenario.timeline.iter().any(|e| {
        e.put.as_ref().is_some_and(|p| p.key == key) || e.get.as_ref().is_some_and(|g| g.key == key)
    });
    if !named {
        return Err(format!("the scenario never puts or gets the key {key:?}"));
    }
    Ok(())
}

fn validate_values(values: Option<&[String]>) -> Result<(), String> {
    let Some(values) = values else { return Ok(()) };
    if values.len() > MAX_EXPECTED_VALUES {
        return Err(format!(
            "{} values; the limit is {MAX_EXPECTED_VALUES} (assert a sibling count instead)",
            values.len()
        ));
    }
    if let Some(long) = values.iter().find(|v| v.len() > MAX_TEXT_BYTES) {
        return Err(format!(
            "a value of {} bytes; no value is longer than {MAX_TEXT_BYTES}",
            long.len()
        ));
    }
    Ok(())
}

fn validate_clock(text: Option<&str>) -> Result<(), String> {
    match text {
        Some(t) if t.len() > MAX_CLOCK_TEXT_BYTES => Err(format!(
            "{} bytes; the limit is {MAX_CLOCK_TEXT_BYTES}",
            t.len()
        )),
        _ => Ok(()),
    }
}

fn sorted(values: &[String]) -> Vec<String> {
    let mut values = values.to_vec();
    crate::handwritten::sort::stable(&mut values);
    values
}

fn list(values: &[String]) -> String {
    format!("[{}]", values.join(", "))
}

fn replica(cluster: &Cluster, r: &ReplicaExpect) -> Verdict {
    let node = cluster.nodes().find(|(id, _, _)| *id == r.node);
    let clock = node.and_then(|(_, node, _)| {
        node.store()
            .iter()
            .find(|(_, key, _)| *key == r.key)
            .map(|(_, _, clock)| clock)
    });
    let values: Vec<String> = sorted(
        &clock
            .map(|c| {
                c.values()
                    .into_iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let clock_text = clock.map_or_else(|| "nothing".to_string(), |c| c.to_string());
    let (mut expected, mut actual) = (String::new(), String::new());
    let mut passed = true;
    if let Some(want) = &r.values {
        let want = sorted(want);
        passed &= want == values;
        let _ = write!(expected, "values {}", list(&want));
        let _ = write!(actual, "values {}", list(&values));
    }
    if let Some(want) = r.siblings {
        passed &= want == values.len();
        let sep = if expected.is_empty() { "" } else { ", " };
        let _ = write!(expected, "{sep}{want} siblings");
        let _ = write!(actual, "{sep}{} siblings", values.len());
    }
    if let Some(want) = &r.clock {
        passed &= *want == clock_text;
        let sep = if expected.is_empty() { "" } else { ", " };
        let _ = write!(expected, "{sep}clock {want}");
        let _ = write!(actual, "{sep}clock {clock_text}");
    }
    Verdict {
        passed,
        subject: format!("{} {}", r.node, r.key),
        expected,
        actual,
    }
}

fn last_result(cluster: &Cluster, r: &ResultExpect) -> Verdict {
    let subject = format!("{}'s last result", r.client);
    let last = cluster
        .sim()
        .history()
        .ops
        .iter()
        .filter(|op| op.by == Addr::Client(r.client))
        .filter_map(|op| {
            op.completed
                .as_ref()
                .map(|(at, outcome)| (*at, op.id, outcome))
        })
        .max_by_key(|(at, id, _)| (*at, *id));
    let describe = |outcome: Outcome, values: Option<&[String]>, context: Option<&str>| {
        let mut text = outcome.name().to_string();
        if let Some(values) = values {
            let _ = write!(text, " {}", list(values));
        }
        if let Some(context) = context {
            let _ = write!(text, " context {context}");
        }
        text
    };
    let want_values = r.values.as_deref().map(sorted);
    let expected = describe(r.outcome, want_values.as_deref(), r.context.as_deref());
    let Some((_, _, outcome)) = last else {
        return Verdict {
            passed: false,
            subject,
            expected,
            actual: "no completed operation".into(),
        };
    };
    let kind = Outcome::of(outcome);
    let (values, context) = match outcome {
        OpOutcome::Got { values, context } => (
            sorted(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
            context.to_string(),
        ),
        _ => (Vec::new(), String::new()),
    };
    let passed = kind == r.outcome
        && want_values.as_ref().is_none_or(|w| *w == values)
        && r.context.as_ref().is_none_or(|c| *c == context);
    let actual = match kind {
        Outcome::Got => describe(
            kind,
            r.values.as_ref().map(|_| values.as_slice()),
            r.context.as_ref().map(|_| context.as_str()),
        ),
        _ => describe(kind, None, None),
    };
    Verdict {
        passed,
        subject,
        expected,
        actual,
    }
}

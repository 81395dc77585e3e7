//! A tutorial already read, as it crosses from the Web Worker to the page.
//!
//! The page does not read tutorial files itself: reading one is the
//! format's whole reader (serde's visitors for every step, focus, position,
//! kernel table and assertion, through the path-naming scenario reader) and
//! its validation, about 10 KB of the page's gzip -9 bundle for a feature
//! used once in a while. The worker reads and validates the file with
//! [`Tutorial::from_json_with`], as the CLI does, and posts the tutorial back
//! in this form ([`to_wire`]); the page takes it apart with [`from_wire`],
//! a few lookups in a `serde_json::Value` (which the page already parses)
//! and no visitor.
//!
//! The form is the tutorial format's own (the steps as [`Step`]'s
//! `Serialize` writes them: `try`, `expect`, `{"replica": {...}}`,
//! `"outcome": "quorum-failed"`), with the scenario always inline (as its
//! `Serialize` writes it, read back by [`Scenario::from_value`]), the
//! built-in scenario's name beside it, `compare_mode` by name, and each
//! step's resolved time in `until_ticks`, which the file does not carry.
//! A test holds [`from_wire`] to [`to_wire`] on every built-in tutorial.
//!
//! CAVEATS
//! - [`from_wire`] checks shapes, not meaning: it trusts that the worker
//!   validated the tutorial (a node in the cluster, a key the timeline
//!   uses). A value that is not this form, or out of a field's range, is
//!   `None`, never a panic; only the page's own worker posts to it.
//! - A field added to [`Step`] or to an assertion must be added here too;
//!   the round-trip test fails until it is.

use serde_json::{json, Value};

use super::assertion::{CheckerExpect, MessageExpect, Outcome, ReplicaExpect, ResultExpect};
use super::{Assertion, Focus, KernelStep, Position, Step, Tutorial};
use crate::causality::CausalityMode;
use crate::ids::{ClientId, NodeId, OpId};
use crate::scenario::Scenario;

/// `tutorial` as the worker posts it to the page.
pub fn to_wire(tutorial: &Tutorial) -> Value {
    json!({
        "id": tutorial.id,
        "title": tutorial.title,
        "summary": tutorial.summary,
        "scenario_name": tutorial.scenario_name,
        "scenario": tutorial.scenario,
        "compare_mode": tutorial.compare_mode.map(CausalityMode::name),
        "steps": tutorial.steps,
        "until_ticks": tutorial.steps.iter().map(|s| s.until_ticks).collect::<Vec<_>>(),
    })
}

/// The tutorial [`to_wire`] made `value` from, or `None` if `value` is not
/// that form.
pub fn from_wire(value: &Value) -> Option<Tutorial> {
    let until = value.get("until_ticks")?.as_array()?;
    let steps = value.get("steps")?.as_array()?;
    if until.len() != steps.len() {
        return None;
    }
    Some(Tutorial {
        id: text(value, "id")?,
        title: text(value, "title")?,
        summary: text(value, "summary")?,
        scenario_name: optional(value, "scenario_name", |v| Some(v.as_str()?.to_string()))?,
        scenario: Scenario::from_value(value.get("scenario")?).ok()?,
        compare_mode: optional(value, "compare_mode", |v| v.as_str()?.parse().ok())?,
        steps: steps
            .iter()
            .zip(until)
            .map(|(step, until)| {
                let mut step = read_step(step)?;
                step.until_ticks = until.as_u64()?;
                Some(step)
            })
            .collect::<Option<_>>()?,
    })
}

fn read_step(v: &Value) -> Option<Step> {
    let at = v.get("at")?;
    Some(Step {
        title: text(v, "title")?,
        at: match (at.get("ticks"), at.get("action")) {
            (Some(t), None) => Position::Ticks(t.as_u64()?),
            (None, Some(a)) => Position::Action(number(a)?),
            _ => return None,
        },
        focus: optional(v, "focus", |f| {
            Some(match (f.get("key"), f.get("node"), f.get("op")) {
                (Some(key), None, None) => Focus::Key(key.as_str()?.to_string()),
                (None, Some(node), None) => Focus::Node(NodeId(number(node)?)),
                (None, None, Some(op)) => Focus::Op(OpId(op.as_u64()?)),
                _ => return None,
            })
        })?,
        narration: text(v, "narration")?,
        try_this: optional(v, "try", texts)?.unwrap_or_default(),
        kernel: optional(v, "kernel", |k| {
            Some(KernelStep {
                operation: text(k, "operation")?,
                result: text(k, "result")?,
                dvv: text(k, "dvv")?,
                dvvset: text(k, "dvvset")?,
            })
        })?,
        expect: optional(v, "expect", |e| {
            e.as_array()?.iter().map(read_assertion).collect()
        })?
        .unwrap_or_default(),
        until_ticks: 0,
    })
}

fn read_assertion(v: &Value) -> Option<Assertion> {
    let object = v.as_object()?;
    let (kind, a) = object.iter().next().filter(|_| object.len() == 1)?;
    let values = |a: &Value| optional(a, "values", texts);
    let count = |name: &str| optional(a, name, Value::as_u64);
    Some(match kind.as_str() {
        "replica" => Assertion::Replica(ReplicaExpect {
            node: NodeId(number(a.get("node")?)?),
            key: text(a, "key")?,
            values: values(a)?,
            siblings: optional(a, "siblings", number)?,
            clock: optional(a, "clock", |c| Some(c.as_str()?.to_string()))?,
        }),
        "last_result" => Assertion::LastResult(ResultExpect {
            client: ClientId(number(a.get("client")?)?),
            outcome: Outcome::named(a.get("outcome")?.as_str()?)?,
            values: values(a)?,
            context: optional(a, "context", |c| Some(c.as_str()?.to_string()))?,
        }),
        "checker" => Assertion::Checker(CheckerExpect {
            lost_writes: count("lost_writes")?,
            false_conflicts: count("false_conflicts")?,
            non_converged: count("non_converged")?,
            stale_reads: count("stale_reads")?,
            session_violations: count("session_violations")?,
        }),
        "message" => Assertion::Message(MessageExpect {
            kind: text(a, "kind")?,
            sent: a.get("sent")?.as_bool()?,
        }),
        _ => return None,
    })
}

/// The string field `name` of `v`.
fn text(v: &Value, name: &str) -> Option<String> {
    Some(v.get(name)?.as_str()?.to_string())
}

/// A list of strings.
fn texts(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| Some(s.as_str()?.to_string()))
        .collect()
}

/// An unsigned number that fits `T`.
fn number<T: TryFrom<u64>>(v: &Value) -> Option<T> {
    T::try_from(v.as_u64()?).ok()
}

/// The field `name` of `v` read by `read`: `Some(None)` when it is absent
/// or null, `None` when `read` cannot read it.
fn optional<T>(v: &Value, name: &str, read: impl Fn(&Value) -> Option<T>) -> Option<Option<T>> {
    match v.get(name) {
        None | Some(Value::Null) => Some(None),
        Some(field) => read(field).map(Some),
    }
}

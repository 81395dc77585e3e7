//! Authoring: what the page's author mode asks of the core.
//!
//! An author writes a tutorial by playing a session in the playground and
//! pressing "Add step here" where something worth saying happens (the Lab's
//! author panel, `crates/lab/src/author.rs`). The panel computes nothing
//! about the cluster: it hands the session to a worker, which calls this
//! module, and shows what comes back.
//!
//! - [`Session::played_scenario`](crate::share::Session::played_scenario)
//!   is the scenario a step replays: the session's scenario with the
//!   user's actions appended to its timeline, exactly as the playground
//!   plays them, so a tutorial step at the session's time shows what the
//!   author saw.
//! - [`continues`] tells whether a later session is the draft's scenario
//!   played on (the same cluster, network and seed, and the draft's
//!   timeline followed by more entries): then the draft takes the longer
//!   timeline, and its earlier steps keep their positions. Anything else
//!   (another scenario, a setting changed, an action taken after scrubbing
//!   back) is said in words, and the panel does not mix the two.
//! - [`candidates`] lists the assertions the page can show at a position,
//!   each with the label the page shows for it (the assertion's own
//!   verdict, in words): every replica's values and sibling count, every
//!   client's last result, the checker's counts, and for every message
//!   kind whether it has been sent. Each holds where it was listed, by
//!   construction: it is what the cluster shows there.
//! - [`check_draft`] reads a draft as a tutorial file and returns each
//!   step's verdicts, so the panel shows every assertion green or red while
//!   the author types. A draft whose texts are still blank (a step's title
//!   or narration not yet typed) is invalid as a file, with the field named,
//!   but its verdicts are still computed, on a copy whose blank texts are
//!   filled: the author sees the cluster's side before the prose is done.
//!
//! CAVEATS
//! - A candidate's values are listed only up to
//!   [`MAX_EXPECTED_VALUES`]; a
//!   replica holding more is offered by its sibling count alone.
//! - A draft that continues with actions *before* an earlier step's time
//!   (which [`continues`] allows: the timeline is only longer) changes what
//!   that step shows; the step's verdicts then turn red, which is how the
//!   author learns it.
//! - The checker's counts are all five at once: an author who wants one
//!   count edits the file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assertion::{
    Assertion, CheckerExpect, MessageExpect, Outcome, ReplicaExpect, ResultExpect, Verdict,
    MAX_EXPECTED_VALUES,
};
use super::{Tutorial, MAX_NARRATION_BYTES};
use crate::cluster::Cluster;
use crate::ids::Addr;
use crate::message::KINDS;
use crate::node::OpOutcome;
use crate::scenario::Scenario;

/// An assertion the page can show at a position, with its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// What the page shows, in words (`n1 cart: values [bread, eggs], 2
    /// siblings`).
    pub label: String,
    /// The assertion, as the tutorial file holds it.
    pub assertion: Assertion,
}

/// What [`check_draft`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftCheck {
    /// Each step's verdicts, in order (empty when the draft could not be
    /// read even with its blank texts filled).
    pub verdicts: Vec<Vec<Verdict>>,
    /// Why the draft is not a valid tutorial file, naming the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<String>,
    /// The tutorial file, when the draft is one: what Export writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Whether `next` is `draft` played on: the same cluster, network, seed and
/// schedule, and `draft`'s timeline followed by zero or more entries. The
/// error says in words how they differ.
pub fn continues(draft: &Scenario, next: &Scenario) -> Result<(), String> {
    let bare = |s: &Scenario| Scenario {
        name: String::new(),
        description: String::new(),
        timeline: Vec::new(),
        ..s.clone()
    };
    if bare(draft) != bare(next) {
        return Err(format!(
            "the session runs another cluster, network or seed than the draft \
             (the draft's scenario is {:?}, the session's {:?})",
            draft.name, next.name
        ));
    }
    let shared = draft.timeline.len().min(next.timeline.len());
    if let Some(i) = (0..shared).find(|&i| draft.timeline[i] != next.timeline[i]) {
        return Err(format!(
            "the session's timeline differs from the draft's at entry {i} \
             (an action taken after scrubbing back, or another scenario)"
        ));
    }
    if next.timeline.len() < draft.timeline.len() {
        return Err(format!(
            "the session has {} timeline entries, fewer than the draft's {} \
             (an action taken after scrubbing back, or another scenario)",
            next.timeline.len(),
            draft.timeline.len()
        ));
    }
    Ok(())
}

/// The assertions the page can show on `cluster`, in the page's order:
/// replicas (by node, then key), clients' last results, the checker, then
/// message kinds.
pub fn candidates(cluster: &Cluster) -> Vec<Candidate> {
    let mut found = Vec::new();
    for (node, n, _) in cluster.nodes() {
        let mut keys: Vec<&str> = Vec::new();
        for (_, key, clock) in n.store().iter() {
            if keys.contains(&key) {
                continue;
            }
            keys.push(key);
            let mut values: Vec<String> = clock.values().iter().map(|v| v.to_string()).collect();
            crate::handwritten::sort::stable(&mut values);
            let siblings = values.len();
            found.push(Assertion::Replica(ReplicaExpect {
                node,
                key: key.to_string(),
                values: (siblings <= MAX_EXPECTED_VALUES).then_some(values),
                siblings: Some(siblings),
                clock: None,
            }));
        }
    }
    for (client, _) in cluster.clients() {
        let last = cluster
            .sim()
            .history()
            .ops
            .iter()
            .filter(|op| op.by == Addr::Client(client))
            .filter_map(|op| op.completed.as_ref().map(|(at, o)| (*at, op.id, o)))
            .max_by_key(|(at, id, _)| (*at, *id));
        if let Some((_, _, outcome)) = last {
            let values = match outcome {
                OpOutcome::Got { values, .. } if values.len() <= MAX_EXPECTED_VALUES => {
                    Some(values.iter().map(|v| v.to_string()).collect())
                }
                _ => None,
            };
            found.push(Assertion::LastResult(ResultExpect {
                client,
                outcome: Outcome::of(outcome),
                values,
                context: None,
            }));
        }
    }
    let report = cluster.check();
    let count = |n: usize| Some(n as u64);
    found.push(Assertion::Checker(CheckerExpect {
        lost_writes: count(report.lost_writes.len()),
        false_conflicts: count(report.false_conflicts.len()),
        non_converged: count(report.non_converged.len()),
        stale_reads: count(report.stale_reads.len()),
        session_violations: count(report.sessions.len()),
    }));
    let messages = &cluster.sim().history().messages;
    for kind in KINDS {
        found.push(Assertion::Message(MessageExpect {
            kind: kind.to_string(),
            sent: messages.iter().any(|m| m.kind == kind),
        }));
    }
    found
        .into_iter()
        .map(|assertion| {
            let v = assertion.evaluate(cluster);
            Candidate {
                label: format!("{}: {}", v.subject, v.expected),
                assertion,
            }
        })
        .collect()
}

/// Read `text` as a tutorial file and evaluate every step's assertions
/// where the step stands. A blank title or narration makes the file
/// invalid but still lets the verdicts be computed (module essay).
pub fn check_draft(text: &str) -> DraftCheck {
    match Tutorial::from_json(text) {
        Ok(tutorial) => DraftCheck {
            verdicts: tutorial.all_verdicts(),
            invalid: None,
            text: Some(tutorial.to_json()),
        },
        Err(e) => DraftCheck {
            verdicts: filled(text)
                .and_then(|v| Tutorial::from_value(&v).ok())
                .map_or_else(Vec::new, |t| t.all_verdicts()),
            invalid: Some(e.to_string()),
            text: None,
        },
    }
}

/// `text` as JSON with every blank title and narration filled, or `None`
/// when it is no JSON object (or too long to be a tutorial).
fn filled(text: &str) -> Option<Value> {
    if text.len() > super::MAX_TUTORIAL_BYTES {
        return None;
    }
    let mut value: Value = serde_json::from_str(text).ok()?;
    let fill = |v: &mut Value, name: &str| {
        if let Some(Value::String(s)) = v.get_mut(name) {
            if s.trim().is_empty() {
                *s = format!("({name} not written yet)");
            }
            // An over-long text is the file's error; the verdicts do not
            // depend on it.
            if s.len() > MAX_NARRATION_BYTES {
                s.clear();
                s.push_str("(too long)");
            }
        }
    };
    fill(&mut value, "title");
    for step in value.get_mut("steps")?.as_array_mut()? {
        fill(step, "title");
        fill(step, "narration");
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::Session;
    use crate::sim::SimOptions;
    use serde_json::json;

    /// The built-in partition-siblings scenario at tick 101: two siblings
    /// of `cart` on n1, after c1's get.
    fn at_101() -> (Scenario, Cluster) {
        let scenario = crate::scenario::Scenario::from_json(
            crate::scenario::builtin_scenario("partition-siblings").unwrap(),
        )
        .unwrap();
        let mut cluster = Cluster::new(&scenario, SimOptions::default()).unwrap();
        cluster.sim_mut().run_until(101);
        (scenario, cluster)
    }

    fn draft(scenario: &Scenario, steps: Value) -> String {
        json!({
            "tutorial_version": 1, "id": "draft", "title": "A draft",
            "scenario": scenario, "steps": steps,
        })
        .to_string()
    }

    #[test]
    fn candidates_include_the_siblings_the_checker_shows() {
        let (_, cluster) = at_101();
        let found = candidates(&cluster);
        let cart = found
            .iter()
            .find(|c| c.label.starts_with("n1 cart:"))
            .expect("n1 holds cart");
        assert_eq!(cart.label, "n1 cart: values [bread, eggs], 2 siblings");
        // The same count as the max siblings the run's summary reports.
        assert_eq!(cluster.summary(0).max_siblings, 2);
        assert!(found
            .iter()
            .any(|c| c.label == "c1's last result: got [bread, eggs]"));
        let checker = found
            .iter()
            .find(|c| matches!(c.assertion, Assertion::Checker(_)))
            .unwrap();
        let report = cluster.check();
        assert!(checker
            .label
            .contains(&format!("non_converged {}", report.non_converged.len())));
        assert!(found.iter().any(|c| c.label == "client-get messages: sent"));
        assert_eq!(
            found
                .iter()
                .filter(|c| matches!(c.assertion, Assertion::Message(_)))
                .count(),
            KINDS.len()
        );
    }

    #[test]
    fn every_candidate_holds_at_its_own_position() {
        let (scenario, _) = at_101();
        for ticks in [0u64, 40, 60, 101, 300] {
            let mut cluster = Cluster::new(&scenario, SimOptions::default()).unwrap();
            cluster.sim_mut().run_until(ticks);
            let found = candidates(&cluster);
            let expect: Vec<&Assertion> = found.iter().map(|c| &c.assertion).collect();
            let text = draft(
                &scenario,
                json!([{ "title": "Here", "narration": "Look.", "at": { "ticks": ticks }, "expect": expect }]),
            );
            let checked = check_draft(&text);
            assert_eq!(checked.invalid, None, "t={ticks}");
            assert_eq!(checked.verdicts.len(), 1);
            assert_eq!(checked.verdicts[0].len(), expect.len());
            for v in &checked.verdicts[0] {
                assert!(v.passed, "t={ticks}: {v:?}");
            }
            assert!(Tutorial::from_json(&checked.text.unwrap())
                .unwrap()
                .check()
                .is_ok());
        }
    }

    #[test]
    fn a_changed_assertion_fails_and_a_blank_narration_is_named_but_still_checked() {
        let (scenario, _) = at_101();
        let steps = |narration: &str, siblings: usize| {
            json!([{ "title": "Siblings", "narration": narration, "at": { "ticks": 101 },
                "expect": [{ "replica": { "node": 1, "key": "cart", "siblings": siblings } }] }])
        };
        let good = check_draft(&draft(&scenario, steps("Two.", 2)));
        assert!(good.verdicts[0][0].passed);
        let changed = check_draft(&draft(&scenario, steps("Two.", 3)));
        assert_eq!(changed.invalid, None);
        let v = &changed.verdicts[0][0];
        assert!(!v.passed);
        assert_eq!(
            (v.expected.as_str(), v.actual.as_str()),
            ("3 siblings", "2 siblings")
        );
        let blank = check_draft(&draft(&scenario, steps(" ", 2)));
        assert_eq!(
            blank.invalid.as_deref(),
            Some("steps[0].narration: is empty")
        );
        assert_eq!(blank.text, None);
        assert!(blank.verdicts[0][0].passed);
        let long = check_draft(&draft(&scenario, steps(&"x".repeat(4001), 2)));
        assert_eq!(
            long.invalid.as_deref(),
            Some("steps[0].narration: 4001 bytes; the limit is 4000")
        );
        assert!(long.verdicts[0][0].passed);
        assert_eq!(check_draft("not json").verdicts, Vec::<Vec<Verdict>>::new());
    }

    #[test]
    fn a_session_played_on_continues_its_draft_and_another_does_not() {
        let (scenario, _) = at_101();
        let session = |entries: usize| {
            let mut s = Session::new(Scenario {
                timeline: scenario.timeline[..2].to_vec(),
                ..scenario.clone()
            });
            s.inputs = scenario.timeline[2..entries]
                .iter()
                .map(|e| crate::share::UserInput {
                    after_events: 0,
                    entry: e.clone(),
                })
                .collect();
            s.played_scenario().unwrap()
        };
        let (short, long) = (session(3), session(scenario.timeline.len()));
        assert_eq!(long.timeline, scenario.timeline);
        assert_eq!(continues(&short, &long), Ok(()));
        assert_eq!(continues(&short, &short), Ok(()));
        assert!(continues(&long, &short)
            .unwrap_err()
            .contains("fewer than the draft's"));
        let reseeded = Scenario {
            seed: scenario.seed + 1,
            ..long.clone()
        };
        assert!(continues(&short, &reseeded)
            .unwrap_err()
            .contains("another cluster, network or seed"));
        let mut forked = long.clone();
        forked.timeline[2].at += 1;
        assert!(continues(&short, &forked)
            .unwrap_err()
            .contains("at entry 2"));
    }
}

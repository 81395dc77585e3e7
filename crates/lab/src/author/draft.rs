//! The draft as the worker sees it: the tutorial file the panel writes
//! from its steps, and what the worker's replies say of it (a session's
//! candidates, a check's verdicts), read from their JSON.

use serde_json::{json, Value};
use wildling_core::tutorial::TUTORIAL_VERSION;

/// An assertion with the label the page showed for it.
#[derive(Clone)]
pub(super) struct Picked {
    pub(super) label: String,
    pub(super) assertion: Value,
}

/// One step of the draft.
pub(super) struct DraftStep {
    pub(super) title: String,
    pub(super) narration: String,
    pub(super) ticks: u64,
    /// The step's key in the page's list (the draft's generation when it
    /// was added: unique, since every addition bumps it), so a step's DOM,
    /// its open list of what the page shows, moves with it.
    pub(super) key: u64,
    pub(super) expect: Vec<Picked>,
    pub(super) candidates: Vec<Picked>,
}

/// One verdict, as the worker said it.
pub(super) struct Shown {
    pub(super) passed: bool,
    pub(super) text: String,
}

/// The last check of the draft.
#[derive(Default)]
pub(super) struct Check {
    pub(super) generation: u64,
    pub(super) verdicts: Vec<Vec<Shown>>,
    pub(super) invalid: Option<String>,
    pub(super) text: Option<String>,
    pub(super) link: Option<String>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

impl Picked {
    /// A `candidates` reply's list.
    pub(super) fn all(list: &Value) -> Vec<Picked> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|p| Picked {
                label: text(&p["label"]),
                assertion: p["assertion"].clone(),
            })
            .collect()
    }
}

/// The draft as a tutorial file's JSON text.
pub(super) fn draft_text(
    id: &str,
    title: &str,
    scenario: Option<&Value>,
    steps: &[DraftStep],
) -> String {
    let steps: Vec<Value> = steps
        .iter()
        .map(|s| {
            json!({
                "title": s.title,
                "at": { "ticks": s.ticks },
                "narration": s.narration,
                "expect": s.expect.iter().map(|p| &p.assertion).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "tutorial_version": TUTORIAL_VERSION,
        "id": id,
        "title": title,
        "scenario": scenario,
        "steps": steps,
    })
    .to_string()
}

impl Check {
    /// A `checked` reply to the check of `generation`.
    pub(super) fn read(generation: u64, body: &Value) -> Check {
        let checked = &body["checked"];
        let c = &checked["check"];
        let shown = |v: &Value| {
            let passed = v["passed"].as_bool().unwrap_or(false);
            let (subject, expected) = (text(&v["subject"]), text(&v["expected"]));
            Shown {
                passed,
                text: if passed {
                    format!("{subject}: {expected}")
                } else {
                    format!(
                        "{subject}: expected {expected}, shows {}",
                        text(&v["actual"])
                    )
                },
            }
        };
        Check {
            generation,
            verdicts: c["verdicts"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|step| step.as_array().into_iter().flatten().map(shown).collect())
                .collect(),
            invalid: c["invalid"].as_str().map(str::to_string),
            text: c["text"].as_str().map(str::to_string),
            link: checked["link"].as_str().map(str::to_string),
        }
    }
}

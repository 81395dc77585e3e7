//! # Guided tutorials
//!
//! A tutorial walks a learner through one idea of Dynamo-style replication,
//! one small step at a time, in the spirit of "The Secret Lives of Data". It
//! is data, not code: a JSON file in the tutorial format, version 1
//! (`docs/tutorial-format.md`), which anyone can write, share as a link or
//! check in CI. The ten built-in tutorials are such files, in the
//! repository's `tutorials/` folder.
//!
//! A tutorial is a scenario (a built-in's name, or a whole scenario inline)
//! and a list of [`Step`]s. Each step has a title, a narration (plain text
//! with two inline marks, [`narration`]), the position it replays to, what
//! to highlight, optional "try this" prompts for the learner, and the
//! [`assertion`]s that state, as data, what its narration claims.
//!
//! ## Reading a tutorial
//!
//! [`Tutorial::from_json`] reads and validates a file as a scenario is read:
//! every error names the field (`steps[2].expect[0].replica.node`) and the
//! reason, and no input can panic. It checks the version first, then the
//! size caps (the text, the steps, each title, narration and prompt, the
//! assertions per step), then the scenario (its errors named under
//! `scenario`), and then everything a step names against that scenario: a
//! focused or asserted node must be in the cluster, a key must be one the
//! timeline puts or gets, a client one it has. A tutorial that names
//! something its scenario does not have is invalid, rather than a tutorial
//! whose check passes or fails by accident.
//!
//! ## Positions, Next and Back
//!
//! The model is deterministic, so a step is nothing but a position. A step
//! is at a time (`{"ticks": 40}`), or after an action of the timeline
//! (`{"action": 3}`, the fourth entry), which the reader turns into a time:
//! the tick before the next later entry, and at most a client timeout after
//! the action, so that the action has had its answer. Positions never go
//! back. "Next" runs the cluster on to the next step's time; "Back"
//! rebuilds it from the scenario and replays to the previous step's time,
//! which gives exactly the state the learner saw there, message for
//! message. [`Tutorial::session`] returns the share-link [`Session`] of a
//! step, so the UI has one replay path for links and for tutorials.
//!
//! ## Checking a tutorial
//!
//! [`Tutorial::check`] replays the scenario once, step by step, and
//! evaluates each step's assertions where the step stands; the first that
//! does not hold is a [`CheckFailure`] naming the step, with what was
//! expected and what the cluster shows. `wildling tutorial check` runs it
//! on files, and the tests run it on every built-in tutorial.
//!
//! ## Comparing mechanisms
//!
//! Several tutorials show an anomaly of one causality mechanism. Their
//! `compare_mode` names the mechanism that avoids it (DVVSet), and
//! [`Tutorial::scenario_in`] builds the same scenario in that mode, so the UI
//! can run both side by side at the same step.
//!
//! ## Kernel-level steps
//!
//! The DVVSet tutorial also explains the kernel's operations one by one. Its
//! steps carry a [`KernelStep`]: the operation and the clocks after it, in
//! the paper's form and the compact form. The file holds them as text; the
//! tests check that text against [`kernel_steps`], which computes them by
//! calling the kernel.
//!
//! ## CAVEATS
//!
//! - Narration names operations by their order of invocation (`op5` is the
//!   sixth client operation), as the trace does. Editing a scenario's
//!   timeline renumbers them; the assertions then fail until the narration
//!   follows.
//! - A step is a time, not an event: a step shows the state after every
//!   event due at or before its time, like a share link.
//! - A position far in virtual time replays as slowly as it ran: the check
//!   and the page replay from time 0.
//! - The built-in tutorials are compiled in with `include_str!` only under
//!   the `builtins` feature (the CLI, the server, the tests). The web app
//!   builds without it, keeps [`BUILTIN_INDEX`] (ids and titles, which a
//!   test holds to the files) and fetches a file on use; the Web Worker
//!   reads it with [`Tutorial::from_json_with`], given the fetched text of
//!   the built-in scenario it names (`jobs`' `tutorial-read`), and the page
//!   takes the result apart with [`wire::from_wire`]: the page links no
//!   tutorial reader.

pub mod assertion;
pub mod authoring;
mod kernel;
pub mod narration;
pub mod wire;

use serde::{Deserialize, Serialize};

use crate::causality::CausalityMode;
use crate::cluster::Cluster;
use crate::ids::{NodeId, OpId, Time};
use crate::scenario::{
    builtin_scenario, read, Scenario, ScenarioError, MAX_AT_TICKS, MAX_SCENARIO_BYTES,
};
use crate::share::{within, Session};
use crate::sim::SimOptions;

pub use assertion::{Assertion, Verdict};
pub use kernel::{kernel_steps, KernelStep};

/// The only tutorial version this build reads.
pub const TUTORIAL_VERSION: u32 = 1;
/// The largest tutorial text accepted, in bytes: a scenario's limit, since a
/// tutorial may hold one inline.
pub const MAX_TUTORIAL_BYTES: usize = MAX_SCENARIO_BYTES;
/// The most steps a tutorial may have: a tutorial is read in one sitting.
pub const MAX_STEPS: usize = 100;
/// The longest id, in bytes.
pub const MAX_ID_BYTES: usize = 64;
/// The longest title (of a tutorial or a step), in bytes.
pub const MAX_TITLE_BYTES: usize = 200;
/// The longest summary or narration, in bytes: a few paragraphs.
pub const MAX_NARRATION_BYTES: usize = 4000;
/// The most "try this" prompts a step may have.
pub const MAX_PROMPTS: usize = 8;
/// The longest prompt, in bytes.
pub const MAX_PROMPT_BYTES: usize = 500;
/// The most assertions a step may have.
pub const MAX_ASSERTIONS: usize = 32;
/// The longest text of a kernel table cell, in bytes.
pub const MAX_KERNEL_TEXT_BYTES: usize = 1000;

/// One guided tutorial: a scenario and the steps that narrate it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tutorial {
    /// A stable id, for URLs and the embed API: lowercase letters, digits
    /// and `-` (`siblings`, `lww`, ...).
    pub id: String,
    /// The title shown above the tutorial.
    pub title: String,
    /// One sentence: the idea the tutorial teaches (may be empty).
    pub summary: String,
    /// The built-in scenario the file names, if it names one rather than
    /// holding its scenario inline.
    pub scenario_name: Option<String>,
    /// The scenario, read and validated.
    pub scenario: Scenario,
    /// The mechanism to run the same scenario in beside this one, where the
    /// tutorial shows an anomaly that this mechanism avoids.
    pub compare_mode: Option<CausalityMode>,
    /// The steps, in order; their times never decrease.
    pub steps: Vec<Step>,
}

/// One step of a tutorial.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A short title.
    pub title: String,
    /// The position the step replays to.
    pub at: Position,
    /// What to highlight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<Focus>,
    /// What happens and what to look at: plain text with the marks of
    /// [`narration`].
    pub narration: String,
    /// Things the learner might try from here, in plain text.
    #[serde(default, rename = "try", skip_serializing_if = "Vec::is_empty")]
    pub try_this: Vec<String>,
    /// The kernel operation this step explains, if it explains one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<KernelStep>,
    /// What holds at this step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Assertion>,
    /// The time the step replays to, resolved from `at` when the tutorial is
    /// read (not part of the file).
    #[serde(skip)]
    pub until_ticks: Time,
}

/// Where a step stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// The end of this tick.
    Ticks(Time),
    /// After the timeline entry with this index (from 0): until the tick
    /// before the next later entry, at most a client timeout after it.
    Action(usize),
}

/// What a step highlights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Focus {
    /// A key: its clock on every replica.
    Key(String),
    /// A node.
    Node(NodeId),
    /// A client operation, by its id in the history.
    Op(OpId),
}

/// The first assertion of a tutorial that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    /// The step, from 0.
    pub step: usize,
    /// The step's title.
    pub step_title: String,
    /// The assertion's index in the step's `expect`.
    pub assertion: usize,
    /// What the cluster showed.
    pub verdict: Verdict,
}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = &self.verdict;
        write!(
            f,
            "step {} ({}), steps[{}].expect[{}]: {}: expected {}, but the cluster shows {}",
            self.step + 1,
            self.step_title,
            self.step,
            self.assertion,
            v.subject,
            v.expected,
            v.actual
        )
    }
}

/// The fields of a tutorial file, with the scenario still a JSON value: it
/// goes through the scenario reader, whose errors name their paths.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    #[allow(dead_code)] // checked before the fields are read
    tutorial_version: u32,
    id: String,
    title: String,
    #[serde(default)]
    summary: String,
    scenario: serde_json::Value,
    /// By name, as the kernel prints it (serde's own names differ).
    #[serde(default)]
    compare_mode: Option<String>,
    steps: Vec<Step>,
}

/// What [`Tutorial::to_json`] writes: [`Fields`], with the scenario by name
/// or inline.
#[derive(Serialize)]
struct Written<'a> {
    tutorial_version: u32,
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    scenario: ScenarioRef<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compare_mode: Option<&'static str>,
    steps: &'a [Step],
}

#[derive(Serialize)]
#[serde(untagged)]
enum ScenarioRef<'a> {
    Name(&'a str),
    Inline(&'a Scenario),
}

/// Where a reader finds the text of a built-in scenario a tutorial names.
pub type Named<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The compiled-in text of a built-in scenario (none without the `builtins`
/// feature).
fn builtin_text(name: &str) -> Option<String> {
    builtin_scenario(name).map(str::to_string)
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// `text` is 1 to `max` bytes (0 to `max` if `may_be_empty`).
fn check_text(
    field: &str,
    text: &str,
    max: usize,
    may_be_empty: bool,
) -> Result<(), ScenarioError> {
    if text.trim().is_empty() && !may_be_empty {
        return Err(invalid(field, "is empty"));
    }
    if text.len() > max {
        return Err(invalid(
            field,
            format!("{} bytes; the limit is {max}", text.len()),
        ));
    }
    Ok(())
}

impl Tutorial {
    /// Read and validate a tutorial file; a scenario it names is a built-in
    /// one (compiled in with the `builtins` feature).
    pub fn from_json(text: &str) -> Result<Tutorial, ScenarioError> {
        Tutorial::from_json_with(text, &builtin_text)
    }

    /// Read and validate a tutorial file; a scenario it names is read from
    /// the text `named` gives for the name (the web app fetches it first:
    /// [`Tutorial::scenario_name_in`] says which).
    pub fn from_json_with(text: &str, named: Named<'_>) -> Result<Tutorial, ScenarioError> {
        if text.len() > MAX_TUTORIAL_BYTES {
            return Err(invalid(
                "tutorial",
                format!("{} bytes; the limit is {MAX_TUTORIAL_BYTES}", text.len()),
            ));
        }
        Tutorial::from_value_with(&read::parse_unique_keys(text)?, named)
    }

    /// Whether `text` is meant as a tutorial file (a JSON object with a
    /// `tutorial_version`), not a session or a scenario: what an importer
    /// asks before choosing a reader, whose errors then name the field.
    pub fn is_tutorial_text(text: &str) -> bool {
        text.len() <= MAX_TUTORIAL_BYTES
            && serde_json::from_str::<serde_json::Value>(text)
                .is_ok_and(|fields| fields.get("tutorial_version").is_some())
    }

    /// The built-in scenario a tutorial file names, if it names one (and is
    /// JSON within the size cap): what to fetch before reading it.
    pub fn scenario_name_in(text: &str) -> Option<String> {
        if text.len() > MAX_TUTORIAL_BYTES {
            return None;
        }
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        value.get("scenario")?.as_str().map(str::to_string)
    }

    /// Read and validate a tutorial already parsed as JSON (a postMessage
    /// payload): what [`Tutorial::from_json`] does after parsing.
    pub fn from_value(value: &serde_json::Value) -> Result<Tutorial, ScenarioError> {
        Tutorial::from_value_with(value, &builtin_text)
    }

    /// [`Tutorial::from_value`], with a named scenario's text from `named`.
    pub fn from_value_with(
        value: &serde_json::Value,
        named: Named<'_>,
    ) -> Result<Tutorial, ScenarioError> {
        match value.get("tutorial_version") {
            None => {
                return Err(invalid(
                    "tutorial_version",
                    format!("missing; this build reads version {TUTORIAL_VERSION}"),
                ))
            }
            Some(v) if v.as_u64() != Some(u64::from(TUTORIAL_VERSION)) => {
                return Err(invalid(
                    "tutorial_version",
                    format!("unknown version {v}; this build reads version {TUTORIAL_VERSION}"),
                ))
            }
            Some(_) => {}
        }
        if let Some(steps) = value.get("steps").and_then(|s| s.as_array()) {
            if steps.len() > MAX_STEPS {
                return Err(invalid(
                    "steps",
                    format!("{} steps; the limit is {MAX_STEPS}", steps.len()),
                ));
            }
        }
        let fields: Fields = read::from_value(value)?;
        let (scenario_name, scenario) = match &fields.scenario {
            serde_json::Value::String(name) => {
                let text = named(name).ok_or_else(|| {
                    invalid(
                        "scenario",
                        format!(
                            "there is no built-in scenario called {}",
                            crate::quoted::Quoted(name)
                        ),
                    )
                })?;
                let scenario = Scenario::from_json(&text).map_err(|e| within("scenario", e))?;
                (Some(name.clone()), scenario)
            }
            serde_json::Value::Object(_) => (
                None,
                Scenario::from_value(&fields.scenario).map_err(|e| within("scenario", e))?,
            ),
            _ => {
                return Err(invalid(
                    "scenario",
                    "must be a built-in scenario's name or a scenario object",
                ))
            }
        };
        let compare_mode = match &fields.compare_mode {
            Some(name) => Some(
                name.parse::<CausalityMode>()
                    .map_err(|e| invalid("compare_mode", e.to_string()))?,
            ),
            None => None,
        };
        let mut tutorial = Tutorial {
            id: fields.id,
            title: fields.title,
            summary: fields.summary,
            scenario_name,
            scenario,
            compare_mode,
            steps: fields.steps,
        };
        tutorial.validate()?;
        Ok(tutorial)
    }

    /// Check everything serde cannot, and resolve each step's time.
    fn validate(&mut self) -> Result<(), ScenarioError> {
        let id_ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if self.id.is_empty() || self.id.len() > MAX_ID_BYTES || !self.id.chars().all(id_ok) {
            return Err(invalid(
                "id",
                format!(
                    "{} is not an id: 1 to {MAX_ID_BYTES} lowercase letters, digits and '-'",
                    crate::quoted::Quoted(&self.id)
                ),
            ));
        }
        check_text("title", &self.title, MAX_TITLE_BYTES, false)?;
        check_text("summary", &self.summary, MAX_NARRATION_BYTES, true)?;
        if self.compare_mode == Some(self.scenario.cluster.mode) {
            return Err(invalid(
                "compare_mode",
                format!("the scenario already runs {}", self.scenario.cluster.mode),
            ));
        }
        if self.steps.is_empty() {
            return Err(invalid("steps", "a tutorial has at least one step"));
        }
        let mut previous: Option<Time> = None;
        for i in 0..self.steps.len() {
            let field = format!("steps[{i}]");
            let until = self.validate_step(&self.steps[i], &field)?;
            if let Some(before) = previous.filter(|b| until < *b) {
                return Err(invalid(
                    format!("{field}.at"),
                    format!(
                        "reaches t={until}, before the previous step's t={before}; \
                         steps never go back in time"
                    ),
                ));
            }
            previous = Some(until);
            self.steps[i].until_ticks = until;
        }
        Ok(())
    }

    /// Check one step at `field`; its time.
    fn validate_step(&self, step: &Step, field: &str) -> Result<Time, ScenarioError> {
        let scenario = &self.scenario;
        check_text(
            &format!("{field}.title"),
            &step.title,
            MAX_TITLE_BYTES,
            false,
        )?;
        check_text(
            &format!("{field}.narration"),
            &step.narration,
            MAX_NARRATION_BYTES,
            false,
        )?;
        if step.try_this.len() > MAX_PROMPTS {
            return Err(invalid(
                format!("{field}.try"),
                format!(
                    "{} prompts; the limit is {MAX_PROMPTS}",
                    step.try_this.len()
                ),
            ));
        }
        for (j, prompt) in step.try_this.iter().enumerate() {
            check_text(
                &format!("{field}.try[{j}]"),
                prompt,
                MAX_PROMPT_BYTES,
                false,
            )?;
        }
        if let Some(kernel) = &step.kernel {
            for (name, text) in kernel.fields() {
                check_text(
                    &format!("{field}.kernel.{name}"),
                    text,
                    MAX_KERNEL_TEXT_BYTES,
                    false,
                )?;
            }
        }
        match &step.focus {
            Some(Focus::Key(key)) => assertion::validate_key(scenario, key)
                .map_err(|e| invalid(format!("{field}.focus.key"), e))?,
            Some(Focus::Node(node)) => assertion::validate_node(scenario, *node)
                .map_err(|e| invalid(format!("{field}.focus.node"), e))?,
            Some(Focus::Op(op)) => {
                let ops = operations(scenario);
                if op.0 >= ops {
                    return Err(invalid(
                        format!("{field}.focus.op"),
                        format!("{op} is not an operation of the timeline (it has {ops})"),
                    ));
                }
            }
            None => {}
        }
        if step.expect.len() > MAX_ASSERTIONS {
            return Err(invalid(
                format!("{field}.expect"),
                format!(
                    "{} assertions; the limit is {MAX_ASSERTIONS}",
                    step.expect.len()
                ),
            ));
        }
        for (j, assertion) in step.expect.iter().enumerate() {
            assertion.validate(scenario, &format!("{field}.expect[{j}]"))?;
        }
        resolve(scenario, step.at).map_err(|e| invalid(format!("{field}.at"), e))
    }

    /// The tutorial as pretty JSON, in the format [`Tutorial::from_json`]
    /// reads.
    pub fn to_json(&self) -> String {
        let written = Written {
            tutorial_version: TUTORIAL_VERSION,
            id: &self.id,
            title: &self.title,
            summary: &self.summary,
            scenario: match &self.scenario_name {
                Some(name) => ScenarioRef::Name(name),
                None => ScenarioRef::Inline(&self.scenario),
            },
            compare_mode: self.compare_mode.map(CausalityMode::name),
            steps: &self.steps,
        };
        crate::scenario::indent_json(
            &serde_json::to_string(&written).expect("a tutorial always serializes"),
        )
    }

    /// The tutorial's scenario with another causality mode, for a side-by-side
    /// run (usually in `compare_mode`).
    pub fn scenario_in(&self, mode: CausalityMode) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.cluster.mode = mode;
        scenario
    }

    /// The session at step `step` (its scenario replayed to the step's time,
    /// with the step's key selected), or `None` past the last step.
    pub fn session(&self, step: usize) -> Option<Session> {
        let step = self.steps.get(step)?;
        Some(Session {
            time_ticks: step.until_ticks,
            selected_key: match &step.focus {
                Some(Focus::Key(key)) => Some(key.clone()),
                _ => None,
            },
            ..Session::new(self.scenario.clone())
        })
    }

    /// The verdicts of step `step`'s assertions on `cluster` (the step's
    /// state), in order: what author mode shows green and red.
    pub fn verdicts(&self, step: usize, cluster: &Cluster) -> Vec<Verdict> {
        self.steps.get(step).map_or_else(Vec::new, |s| {
            s.expect.iter().map(|a| a.evaluate(cluster)).collect()
        })
    }

    /// Replay the scenario once, step by step, and evaluate every step's
    /// assertions where it stands: each step's verdicts, in order (what
    /// author mode shows green and red while the author writes).
    pub fn all_verdicts(&self) -> Vec<Vec<Verdict>> {
        let mut cluster = Cluster::new(&self.scenario, SimOptions::default())
            .expect("a validated tutorial's scenario builds");
        (0..self.steps.len())
            .map(|i| {
                cluster.sim_mut().run_until(self.steps[i].until_ticks);
                self.verdicts(i, &cluster)
            })
            .collect()
    }

    /// Replay the scenario step by step and check every assertion where its
    /// step stands; the number of assertions checked, or the first that does
    /// not hold.
    pub fn check(&self) -> Result<usize, CheckFailure> {
        let mut cluster = Cluster::new(&self.scenario, SimOptions::default())
            .expect("a validated tutorial's scenario builds");
        let mut checked = 0;
        for (i, step) in self.steps.iter().enumerate() {
            cluster.sim_mut().run_until(step.until_ticks);
            for (j, assertion) in step.expect.iter().enumerate() {
                let verdict = assertion.evaluate(&cluster);
                if !verdict.passed {
                    return Err(CheckFailure {
                        step: i,
                        step_title: step.title.clone(),
                        assertion: j,
                        verdict,
                    });
                }
                checked += 1;
            }
        }
        Ok(checked)
    }
}

/// How many client operations (and joins and leaves) the timeline invokes:
/// the history's operation ids are `op0` up to one less.
fn operations(scenario: &Scenario) -> u64 {
    scenario
        .timeline
        .iter()
        .filter(|e| e.put.is_some() || e.get.is_some() || e.join.is_some() || e.leave.is_some())
        .count() as u64
}

/// The time a position stands for.
fn resolve(scenario: &Scenario, at: Position) -> Result<Time, String> {
    match at {
        Position::Ticks(t) if t > MAX_AT_TICKS => {
            Err(format!("t={t} is past the latest time, {MAX_AT_TICKS}"))
        }
        Position::Ticks(t) => Ok(t),
        Position::Action(i) => {
            let entries = scenario.timeline.len();
            let entry = scenario.timeline.get(i).ok_or_else(|| {
                format!("the timeline has {entries} entries; there is no action {i}")
            })?;
            let at = Time::try_from(entry.at).unwrap_or(0);
            let next = scenario
                .timeline
                .iter()
                .filter_map(|e| Time::try_from(e.at).ok())
                .filter(|t| *t > at)
                .min();
            let answered = at.saturating_add(scenario.cluster.client_timeout_ticks);
            Ok(next.map_or(answered, |n| (n - 1).min(answered)))
        }
    }
}

macro_rules! builtins {
    ($(($id:literal, $title:literal)),* $(,)?) => {
        /// The built-in tutorials' ids and titles, in teaching order: all
        /// the web app keeps of them, for its picker (it fetches
        /// `tutorials/ID.json` on use). The tests check each title against
        /// its file.
        pub const BUILTIN_INDEX: &[(&str, &str)] = &[$(($id, $title)),*];
        /// The built-in tutorials' files, in teaching order, as `(id, text)`.
        #[cfg(feature = "builtins")]
        pub const BUILTIN_TUTORIALS: &[(&str, &str)] =
            &[$(($id, include_str!(concat!("../../../../tutorials/", $id, ".json")))),*];
    };
}

builtins![
    ("siblings", "Concurrent writes become siblings"),
    ("client-vv", "Client-id version vectors grow with clients"),
    (
        "server-vv-lost-update",
        "Server-id version vectors lose an update"
    ),
    (
        "sibling-explosion",
        "Merged server-id vectors: false conflicts and sibling explosion"
    ),
    ("dvvset", "DVVSet step by step"),
    (
        "dynamo-figure-3",
        "The clocks of the Dynamo paper's figure 3"
    ),
    ("hinted-handoff", "Sloppy quorum and hinted handoff"),
    ("read-repair", "Read repair"),
    ("anti-entropy", "A healed partition and Merkle anti-entropy"),
    ("lww", "Last writer wins silently loses a write"),
];

/// Every built-in tutorial, read from its file, in teaching order.
#[cfg(feature = "builtins")]
pub fn tutorials() -> Vec<Tutorial> {
    BUILTIN_TUTORIALS
        .iter()
        .map(|(id, text)| builtin(id, text))
        .collect()
}

/// The built-in tutorial called `id`.
#[cfg(feature = "builtins")]
pub fn tutorial(id: &str) -> Option<Tutorial> {
    BUILTIN_TUTORIALS
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(id, text)| builtin(id, text))
}

#[cfg(feature = "builtins")]
fn builtin(id: &str, text: &str) -> Tutorial {
    let tutorial = Tutorial::from_json(text)
        .unwrap_or_else(|e| panic!("the built-in tutorial tutorials/{id}.json is invalid: {e}"));
    assert_eq!(tutorial.id, id, "tutorials/{id}.json has another id");
    tutorial
}

#[cfg(test)]
mod tests;

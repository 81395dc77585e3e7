//! Jobs: the heavy work the page hands to a Web Worker, as versioned
//! messages.
//!
//! The playground's main thread must answer within a frame, and its wasm
//! must stay small; an experiment's thousands of runs and an exploration's
//! millions of states do neither. They run in a worker (`crates/worker`, a
//! second wasm the page loads on first use), which is a thin shell around
//! this module: it hands every message it receives to [`handle`] and posts
//! back every [`Reply`] that `handle` gives it. Everything a job computes is
//! computed here, by the same core calls the CLI makes, so the browser's
//! numbers are the CLI's (a test runs both on the same seeds).
//!
//! # The protocol
//!
//! Both ways a message is one JSON text. A request is
//! `{"protocol": 1, "id": 7, "job": {KIND: {...}}}`; a reply is
//! `{"protocol": 1, "id": 7, "reply": {KIND: {...}}}` (serde's externally
//! tagged enums: [`Job`], [`ReplyBody`]). `id` is the page's, echoed in
//! every reply to that request, so a pool of workers can share one inbox.
//! The worker's first message is `ready` with id 0: messages posted before
//! its wasm has started would be lost, so the page waits for it.
//!
//! - `experiment-chunk` — an experiment (a built-in's name, a built-in over
//!   other seeds as `{"builtin": NAME, "seeds": {"first": A, "end": B}}`,
//!   or an experiment object, [`crate::experiment`]) and a range of its runs
//!   (`[first, end)`, configurations varying slowest:
//!   [`Experiment::run_at`]) → one `chunk` reply with the
//!   per-configuration sums of those runs' [`Measurements`]. A pool splits
//!   the runs into chunks and adds the sums ([`crate::experiment::merge_sums`]):
//!   a sum does not depend on the split.
//! - `experiment-seed` — an experiment, a configuration and a seed → a
//!   `scenario` reply with the JSON of the scenario that seed ran, so the
//!   playground can open it ([`crate::experiment::Configuration::replay_scenario`]).
//! - `experiment-report` — an experiment and the per-configuration sums
//!   of its chunks, as the `chunk` replies carried them → one `report`
//!   reply: the chunks merged, the experiment's tables
//!   ([`crate::experiment::Outcome::tables`]) and its charts, each drawn
//!   ([`crate::drawing::chart`]) as a tree in [`crate::drawing::wire`]'s
//!   JSON with its table twin ([`crate::view::Chart::table`]). The page
//!   merges and draws nothing: it passes the chunks' sums along unread.
//! - `explore` — a scenario (a built-in's name or a scenario object), or
//!   a playground session (its JSON text: the scenario it plays, as
//!   `tutorial-candidates` reads it), and
//!   the explorer's bounds → a `progress` reply after every slice of
//!   [`EXPLORE_SLICE_EXPANSIONS`] expansions, then one `explored` reply
//!   with the counts, why it ended, and each broken property's shortest
//!   counterexample as a session the playground opens.
//! - `tutorial-candidates` — a playground session (its JSON text, as the
//!   playground's Export session writes it) and optionally the scenario of
//!   the tutorial being written → one `candidates` reply: the scenario the
//!   session plays ([`crate::share::Session::played_scenario`]), its time,
//!   whether it continues the draft's scenario (or why not, in words), and
//!   the assertions the page can show there, each with its label
//!   ([`crate::tutorial::authoring::candidates`]).
//! - `tutorial-check` — a draft tutorial (its JSON text) → one `checked`
//!   reply: each step's verdicts, why the draft is not a valid file (naming
//!   the field) or the file and a share link's body carrying it
//!   ([`crate::tutorial::authoring::check_draft`]).
//! - `tutorial-read` — a tutorial file (its JSON text) and, when it names
//!   a built-in scenario, that scenario's text (the page fetches both) →
//!   one `tutorial-read` reply: the tutorial read and validated as the CLI
//!   reads it ([`Tutorial::from_json_with`]), in
//!   [`crate::tutorial::wire`]'s form, or the reader's error in its own
//!   words (naming the field), which the page shows as it is. The page
//!   links no tutorial reader.
//! - `export` — a playground session (its JSON text), the position it
//!   stands at (events run) and a format (`edn`, `porcupine`, `shiviz`,
//!   `svg-diagram`, `svg-ring`: `wildling export`'s names) → one
//!   `exported` reply with the file's text and, when the export was cut at
//!   its bounds, a note. The session is replayed to the position and
//!   written by the CLI's own calls ([`crate::export`],
//!   [`crate::drawing::lamport_export`], [`crate::drawing::ring_export`]),
//!   so the page's download is the CLI's file and its wasm carries none of
//!   the writers.
//!
//! A message that is not a valid request (not JSON, too large, a wrong
//! version, an unknown job, a bad field) gets an `error` reply naming the
//! field, with the request's id when one could be read (0 otherwise); it
//! never traps the worker. Replies are validated the same way on the way
//! back ([`parse_reply`]).
//!
//! Cancelling is terminating the worker: a job is one synchronous call, so
//! the worker reads no message while it runs.
//!
//! CAVEATS
//! - A chunk reply carries every configuration's sums, most of them empty
//!   when the chunk lies within one configuration: a few bytes each.
//! - The explorer's memory bound defaults lower in a worker
//!   ([`EXPLORE_MEMORY_DEFAULT_BYTES`]) than natively: a wasm32 worker has
//!   at most 4 GiB, and its estimate is an estimate.
//! - A report trusts the counts inside the sums it is given (it checks
//!   their shape and runs): the page passes along what the workers
//!   computed, and a forged histogram only draws a wrong chart.
//! - Progress is posted between slices; a slice's length in time depends on
//!   the scenario (a few milliseconds for the teaching cases).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::drawing::{self, wire};
use crate::experiment::{merge_sums, Experiment, Seeds, Table, MAX_EXPERIMENT_BYTES};
use crate::explore::{
    parse_fault_menu, Ended, ExploreOptions, Explorer, Progress, Property, DEFAULT_PROPERTIES,
    DEPTH_MAX_LIMIT, STATES_MAX_DEFAULT,
};
use crate::export::{self, Format};
use crate::measure::Measurements;
use crate::playback::Playback;
use crate::scenario::{builtin_scenario, read, Scenario, ScenarioError};
use crate::share::{self, Session};
use crate::tutorial::authoring::{self, Candidate, DraftCheck};
use crate::tutorial::{wire as tutorial_wire, Tutorial};
use crate::view;
use crate::NodeId;

/// The protocol's version: every message's `protocol` field.
pub const PROTOCOL: u32 = 1;
/// The largest request read: an experiment or scenario, and a report's
/// chunk sums ([`MAX_REPORT_SUMS_BYTES`]).
pub const MAX_REQUEST_BYTES: usize = MAX_EXPERIMENT_BYTES + MAX_REPORT_SUMS_BYTES;
/// The most bytes of chunk sums one `experiment-report` carries: 256
/// chunks of a grid's histograms at up to 128 KiB each.
pub const MAX_REPORT_SUMS_BYTES: usize = 32 << 20;
/// The most chunks one `experiment-report` merges: a pool cuts an
/// experiment into about 16 chunks per worker.
pub const MAX_REPORT_CHUNKS: usize = 4096;
/// The largest reply read back: a chunk of 256 configurations' histograms,
/// or an exploration's counterexample sessions.
pub const MAX_REPLY_BYTES: usize = 64 << 20;
/// Expansions of the explorer between two progress replies.
pub const EXPLORE_SLICE_EXPANSIONS: u64 = 2048;
/// The explorer's memory bound in a worker when the job names none.
pub const EXPLORE_MEMORY_DEFAULT_BYTES: u64 = 512 << 20;
/// The largest memory bound a worker accepts (wasm32 has 4 GiB).
pub const EXPLORE_MEMORY_LIMIT_BYTES: u64 = 2 << 30;

/// A message from the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Must be [`PROTOCOL`].
    pub protocol: u32,
    /// The page's number for this request, echoed in its replies.
    pub id: u64,
    /// What to do.
    pub job: Job,
}

/// The work a request asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Job {
    /// Runs `[first, end)` of an experiment.
    ExperimentChunk {
        /// A built-in experiment's name, or an experiment object.
        experiment: Value,
        /// `[first, end)` of [`Experiment::runs`].
        runs: [u64; 2],
    },
    /// The scenario one seed of one configuration ran.
    ExperimentSeed {
        /// A built-in experiment's name, or an experiment object.
        experiment: Value,
        /// The configuration's index in grid order.
        configuration: usize,
        /// The seed.
        seed: u64,
    },
    /// An experiment's chunk sums merged, tabulated and drawn.
    ExperimentReport {
        /// A built-in experiment's name, or an experiment object.
        experiment: Value,
        /// Each chunk's sums, one per configuration in grid order (the
        /// `sums` of its `chunk` reply, passed along unread).
        sums: Vec<Value>,
    },
    /// An exploration.
    Explore(ExploreJob),
    /// What the page can assert at a session's position.
    TutorialCandidates {
        /// The session's JSON text.
        session: String,
        /// The draft tutorial's scenario, if it has one yet.
        #[serde(default)]
        draft: Option<Value>,
    },
    /// A draft tutorial checked.
    TutorialCheck {
        /// The draft's JSON text.
        tutorial: String,
    },
    /// A tutorial file read for the page.
    TutorialRead {
        /// The file's JSON text.
        tutorial: String,
        /// The text of the built-in scenario the file names, if it names
        /// one (the page fetched `scenarios/NAME.json` for that name).
        #[serde(default)]
        scenario: Option<String>,
    },
    /// A download of a playground session's run: its history for another
    /// tool, or a drawing, as `wildling export` writes it.
    Export {
        /// The session, as its JSON text ([`Session::to_json`]).
        session: String,
        /// Where the page stands, in events run: a step may stand in the
        /// middle of a tick, which the session's time (a tick's end) does
        /// not say.
        position: u64,
        /// What to write: a history format's name (`edn`, `porcupine`,
        /// `shiviz`), `svg-diagram` or `svg-ring` (the ring with the
        /// session's selected key, else the scenario's first key), the
        /// CLI's `--format` names.
        format: String,
    },
}

/// An exploration's scenario and bounds (the CLI's `explore` options).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExploreJob {
    /// A built-in scenario's name, or a scenario (or session's scenario)
    /// object; null (left out) when `session` is given.
    #[serde(default)]
    pub scenario: Value,
    /// A playground session, as its JSON text (what Export session
    /// writes): the scenario it plays is explored
    /// ([`Session::played_scenario`]); one that has played nothing, or
    /// more timeline entries than `depth_max`, is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The most choices on a path.
    #[serde(default = "default_depth")]
    pub depth_max: u32,
    /// The most messages a path may drop.
    #[serde(default)]
    pub drops_max: u32,
    /// The most menu faults a path may apply.
    #[serde(default)]
    pub faults_max: u32,
    /// The fault menu, as `wildling explore --faults` reads it.
    #[serde(default)]
    pub faults: String,
    /// The most distinct states.
    #[serde(default = "default_states")]
    pub states_max: usize,
    /// The most memory, estimated.
    #[serde(default = "default_memory")]
    pub memory_max_bytes: u64,
    /// The properties (`no-lost-write`, `siblings<=2`, ...); the
    /// explorer's defaults when empty.
    #[serde(default)]
    pub properties: Vec<String>,
    /// Prune independent orders (sleep sets).
    #[serde(default = "yes")]
    pub reduction: bool,
}

fn default_depth() -> u32 {
    40
}
fn default_states() -> usize {
    STATES_MAX_DEFAULT
}
fn default_memory() -> u64 {
    EXPLORE_MEMORY_DEFAULT_BYTES
}
fn yes() -> bool {
    true
}

/// A message to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// The request's id (0 for `ready`, and for an error about a message
    /// whose id could not be read).
    pub id: u64,
    /// What it says.
    pub reply: ReplyBody,
}

/// What a reply says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum ReplyBody {
    /// The worker has started and reads messages.
    Ready,
    /// An experiment chunk's sums, one per configuration in grid order.
    Chunk {
        /// The runs measured, `[first, end)`.
        runs: [u64; 2],
        /// One sum per configuration.
        sums: Vec<Measurements>,
    },
    /// A scenario, as JSON text, for the playground to open.
    Scenario {
        /// The scenario's JSON.
        text: String,
    },
    /// An experiment's tables and charts.
    Report {
        /// The runs the sums add up to.
        runs: u64,
        /// The experiment's tables, as the CLI prints them.
        tables: Vec<Table>,
        /// Its charts, in order.
        charts: Vec<ChartReply>,
    },
    /// An exploration's counts so far.
    Progress {
        /// The counts.
        progress: Progress,
    },
    /// An exploration's end.
    Explored {
        /// Why it ended.
        ended: Ended,
        /// The counts at the end.
        progress: Progress,
        /// Each broken property with its shortest counterexample.
        violations: Vec<Counterexample>,
        /// The properties not broken (over the space, or the part searched
        /// when `ended` is a bound).
        holds: Vec<String>,
        /// The properties checked only at settled states when no state
        /// settled (not no-lost-write, checked at every state too):
        /// checked at none, so neither held nor broken
        /// ([`crate::explore::Explorer::unbroken`]).
        unchecked: Vec<String>,
    },
    /// What the page can assert at a session's position.
    Candidates {
        /// The scenario the session plays: the user's actions in its timeline
        /// (boxed: the other replies are small).
        scenario: Box<Scenario>,
        /// The session's time, in ticks: the step's position.
        ticks: u64,
        /// Why the session does not continue the draft's scenario, if it
        /// does not.
        #[serde(default)]
        differs: Option<String>,
        /// The assertions, each with its label.
        candidates: Vec<Candidate>,
    },
    /// A draft tutorial checked.
    Checked {
        /// The verdicts, the error or the file.
        check: DraftCheck,
        /// A share link's body (`w1.…`) carrying the file, when valid.
        #[serde(default)]
        link: Option<String>,
    },
    /// A tutorial read, or why it cannot be.
    TutorialRead {
        /// The tutorial in [`crate::tutorial::wire`]'s form, when it is
        /// valid.
        #[serde(default)]
        wire: Option<Value>,
        /// The reader's error (`steps[0].title: is empty`), when it is not.
        #[serde(default)]
        error: Option<String>,
    },
    /// A download's file.
    Exported {
        /// The file's text.
        text: String,
        /// What was left out, when the export was cut at its bounds.
        note: Option<String>,
    },
    /// The request could not be carried out.
    Error {
        /// The request's field at fault (`job.explore.depth_max`), or empty.
        field: String,
        /// Why, in words.
        message: String,
    },
}

/// One chart of a report: its title, its drawing and its table twin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartReply {
    /// What it shows.
    pub title: String,
    /// The drawing, an `<svg>` tree in [`crate::drawing::wire`]'s JSON.
    pub svg: Value,
    /// The table twin: a row per point drawn.
    pub table: Table,
}

/// A broken property and the shortest run that breaks it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counterexample {
    /// The property, as the CLI names it (`no-lost-write`).
    pub property: String,
    /// What the checker said.
    pub findings: Vec<String>,
    /// The counterexample's length in choices.
    pub length: usize,
    /// The node the last choice concerns, for the diagram's highlight.
    pub node: Option<NodeId>,
    /// The run as a session (JSON text) at the time it ends.
    pub session: String,
}

/// A failed request: the field at fault and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobError {
    /// The field, in the request's terms, or empty.
    pub field: String,
    /// Why.
    pub message: String,
}

impl JobError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> JobError {
        JobError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A scenario or experiment error, its field under `prefix`.
    fn within(prefix: &str, e: ScenarioError) -> JobError {
        match e {
            ScenarioError::Json { field, reason } | ScenarioError::Invalid { field, reason } => {
                // The reader names fields from the root: `.job.explore`.
                let field = field.trim_start_matches('.');
                let field = match (prefix, field) {
                    (_, "") => prefix.to_string(),
                    ("", _) => field.to_string(),
                    _ => format!("{prefix}.{field}"),
                };
                JobError::new(field, reason)
            }
            other => JobError::new(prefix, other.to_string()),
        }
    }
}

impl Reply {
    /// A reply to request `id`.
    pub fn new(id: u64, reply: ReplyBody) -> Reply {
        Reply {
            protocol: PROTOCOL,
            id,
            reply,
        }
    }

    /// The worker's first message.
    pub fn ready() -> Reply {
        Reply::new(0, ReplyBody::Ready)
    }

    /// The reply as the JSON text posted.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("replies serialize")
    }
}

impl Request {
    /// The request as the JSON text posted.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("requests serialize")
    }
}

/// Read one request, validated: its size, its JSON (keys unique), its
/// shape and its version.
pub fn parse_request(text: &str) -> Result<Request, (u64, JobError)> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err((
            0,
            JobError::new(
                "",
                format!(
                    "the message is {} bytes; the limit is {MAX_REQUEST_BYTES}",
                    text.len()
                ),
            ),
        ));
    }
    let value = read::parse_unique_keys(text).map_err(|e| (0, JobError::within("", e)))?;
    let id = value.get("id").and_then(Value::as_u64).unwrap_or(0);
    let request: Request = read::from_value(&value).map_err(|e| (id, JobError::within("", e)))?;
    if request.protocol != PROTOCOL {
        return Err((
            id,
            JobError::new(
                "protocol",
                format!(
                    "version {}; this worker speaks version {PROTOCOL}",
                    request.protocol
                ),
            ),
        ));
    }
    Ok(request)
}

/// Read one reply, validated like a request.
pub fn parse_reply(text: &str) -> Result<Reply, JobError> {
    if text.len() > MAX_REPLY_BYTES {
        return Err(JobError::new(
            "",
            format!(
                "the reply is {} bytes; the limit is {MAX_REPLY_BYTES}",
                text.len()
            ),
        ));
    }
    let reply: Reply = serde_json::from_str(text).map_err(|e| JobError::new("", e.to_string()))?;
    if reply.protocol != PROTOCOL {
        return Err(JobError::new(
            "protocol",
            format!(
                "version {}; this page speaks version {PROTOCOL}",
                reply.protocol
            ),
        ));
    }
    Ok(reply)
}

/// Carry out one message: `post` gets every reply, in order (progress
/// first, the result or an error last).
pub fn handle(text: &str, post: &mut dyn FnMut(Reply)) {
    let request = match parse_request(text) {
        Ok(request) => request,
        Err((id, e)) => {
            post(error(id, e));
            return;
        }
    };
    let id = request.id;
    let result = match request.job {
        Job::ExperimentChunk { experiment, runs } => experiment_chunk(&experiment, runs),
        Job::ExperimentSeed {
            experiment,
            configuration,
            seed,
        } => experiment_seed(&experiment, configuration, seed),
        Job::ExperimentReport { experiment, sums } => experiment_report(&experiment, sums),
        Job::Explore(job) => explore(&job, &mut |progress| {
            post(Reply::new(id, ReplyBody::Progress { progress }));
        }),
        Job::TutorialCandidates { session, draft } => tutorial_candidates(&session, draft.as_ref()),
        Job::TutorialCheck { tutorial } => Ok(tutorial_check(&tutorial)),
        Job::TutorialRead { tutorial, scenario } => Ok(tutorial_read(&tutorial, scenario)),
        Job::Export {
            session,
            position,
            format,
        } => export_run(&session, position, &format),
    };
    post(match result {
        Ok(body) => Reply::new(id, body),
        Err(e) => error(id, e),
    });
}

fn error(id: u64, e: JobError) -> Reply {
    Reply::new(
        id,
        ReplyBody::Error {
            field: e.field,
            message: e.message,
        },
    )
}

/// A built-in experiment over other seeds: `{"builtin": NAME, "seeds":
/// {"first": A, "end": B}}` (`wildling experiment NAME --seeds A..B`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinOver {
    builtin: String,
    seeds: Seeds,
}

/// The experiment a job names: a built-in's name, a built-in over other
/// seeds (`{"builtin": NAME, "seeds": {...}}`), or an experiment object.
pub fn experiment_of(value: &Value, field: &str) -> Result<Experiment, JobError> {
    match value {
        Value::Object(map) if map.contains_key("builtin") => {
            let over: BuiltinOver =
                read::from_value(value).map_err(|e| JobError::within(field, e))?;
            experiment_of(&Value::String(over.builtin), &format!("{field}.builtin"))?
                .with_seeds(over.seeds)
                .map_err(|e| JobError::within(field, e))
        }
        Value::String(name) => Experiment::builtin(name).ok_or_else(|| {
            JobError::new(
                field,
                format!(
                    "no built-in experiment is named {:?}",
                    name.chars().take(40).collect::<String>()
                ),
            )
        }),
        Value::Object(_) => {
            let text = serde_json::to_string(value).expect("JSON values serialize");
            Experiment::from_json(&text).map_err(|e| JobError::within(field, e))
        }
        _ => Err(JobError::new(
            field,
            "a built-in experiment's name or an experiment object",
        )),
    }
}

fn experiment_chunk(experiment: &Value, runs: [u64; 2]) -> Result<ReplyBody, JobError> {
    let experiment = experiment_of(experiment, "job.experiment-chunk.experiment")?;
    let [first, end] = runs;
    if first > end || end > experiment.runs() {
        return Err(JobError::new(
            "job.experiment-chunk.runs",
            format!(
                "[{first}, {end}) is not within the experiment's {} runs",
                experiment.runs()
            ),
        ));
    }
    let mut sums = experiment.empty_sums();
    for i in first..end {
        experiment.measure_run(i, &mut sums);
    }
    Ok(ReplyBody::Chunk { runs, sums })
}

fn experiment_seed(
    experiment: &Value,
    configuration: usize,
    seed: u64,
) -> Result<ReplyBody, JobError> {
    let experiment = experiment_of(experiment, "job.experiment-seed.experiment")?;
    let Some(c) = experiment.configurations.get(configuration) else {
        return Err(JobError::new(
            "job.experiment-seed.configuration",
            format!(
                "configuration {configuration}; the grid has {}",
                experiment.configurations.len()
            ),
        ));
    };
    Ok(ReplyBody::Scenario {
        text: c.replay_scenario(seed).to_json(),
    })
}

fn experiment_report(experiment: &Value, chunks: Vec<Value>) -> Result<ReplyBody, JobError> {
    const FIELD: &str = "job.experiment-report";
    let experiment = experiment_of(experiment, &format!("{FIELD}.experiment"))?;
    if chunks.len() > MAX_REPORT_CHUNKS {
        return Err(JobError::new(
            format!("{FIELD}.sums"),
            format!(
                "{} chunks; a report merges at most {MAX_REPORT_CHUNKS}",
                chunks.len()
            ),
        ));
    }
    // serde_json's own reader: histograms are maps keyed by numbers.
    let chunks = chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            serde_json::from_value::<Vec<Measurements>>(chunk)
                .map_err(|e| JobError::new(format!("{FIELD}.sums[{i}]"), e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let configurations = experiment.configurations.len();
    if let Some(i) = chunks.iter().position(|c| c.len() != configurations) {
        return Err(JobError::new(
            format!("{FIELD}.sums[{i}]"),
            format!(
                "{} sums; the grid has {configurations} configurations",
                chunks[i].len()
            ),
        ));
    }
    // Each configuration runs each seed once: more runs are a forgery or
    // a chunk counted twice (checked before adding, so nothing overflows).
    let seeds = experiment.spec.seeds.count();
    for c in 0..configurations {
        let runs = chunks
            .iter()
            .fold(0u64, |total, chunk| total.saturating_add(chunk[c].runs));
        if runs > seeds {
            return Err(JobError::new(
                format!("{FIELD}.sums"),
                format!("configuration {c} adds up {runs} runs; it has {seeds} seeds"),
            ));
        }
    }
    let mut sums = experiment.empty_sums();
    for chunk in &chunks {
        merge_sums(&mut sums, chunk);
    }
    let runs = sums.iter().map(|m| m.runs).sum();
    let outcome = experiment.outcome(sums);
    let charts = view::charts(&outcome)
        .iter()
        .map(|c| ChartReply {
            title: c.title.clone(),
            svg: wire::to_wire(&drawing::chart::chart(c)),
            table: c.table(),
        })
        .collect();
    Ok(ReplyBody::Report {
        runs,
        tables: outcome.tables(),
        charts,
    })
}

/// The scenario a job names: a built-in's name, a scenario object, or a
/// session object (its scenario).
fn scenario_of(value: &Value, field: &str) -> Result<Scenario, JobError> {
    match value {
        Value::String(name) => {
            let text = builtin_scenario(name).ok_or_else(|| {
                JobError::new(
                    field,
                    format!(
                        "no built-in scenario is named {:?}",
                        name.chars().take(40).collect::<String>()
                    ),
                )
            })?;
            Ok(Scenario::from_json(text).expect("built-in scenarios are valid"))
        }
        Value::Object(map) => match map.get("scenario") {
            Some(inner) if map.contains_key("time_ticks") || map.contains_key("inputs") => {
                Scenario::from_value(inner)
                    .map_err(|e| JobError::within(&format!("{field}.scenario"), e))
            }
            _ => Scenario::from_value(value).map_err(|e| JobError::within(field, e)),
        },
        _ => Err(JobError::new(
            field,
            "a built-in scenario's name or a scenario object",
        )),
    }
}

/// The scenario a playground session plays, for the explorer: its
/// cluster, and its timeline with the user's actions appended as played
/// ([`Session::played_scenario`], what the playground replays). A session
/// that has played nothing, or more timeline entries than `depth_max`
/// choices can reach (each entry is a choice, so no state would settle and
/// no checker verdict be reached), is refused in words under `field`.
fn session_scenario(text: &str, depth_max: u32, field: &str) -> Result<Scenario, JobError> {
    let scenario = Session::from_json(text)
        .and_then(|s| s.played_scenario())
        .map_err(|e| JobError::within(field, e))?;
    match scenario.timeline.len() {
        0 => Err(JobError::new(
            field,
            "the session has played nothing yet: put, get or cut the network in the \
             playground first",
        )),
        entries if entries > depth_max as usize => Err(JobError::new(
            field,
            format!(
                "the session plays {entries} actions, more than depth_max ({depth_max}) \
                 choices reach: raise depth_max or explore a shorter session"
            ),
        )),
        _ => Ok(scenario),
    }
}

fn explore(job: &ExploreJob, progress: &mut dyn FnMut(Progress)) -> Result<ReplyBody, JobError> {
    const FIELD: &str = "job.explore";
    let field = |name: &str| format!("{FIELD}.{name}");
    if job.depth_max == 0 || job.depth_max > DEPTH_MAX_LIMIT {
        return Err(JobError::new(
            field("depth_max"),
            format!("{}; it is 1 to {DEPTH_MAX_LIMIT}", job.depth_max),
        ));
    }
    let scenario = match &job.session {
        Some(_) if !job.scenario.is_null() => {
            return Err(JobError::new(
                field("session"),
                "a scenario or a session, not both",
            ))
        }
        Some(session) => session_scenario(session, job.depth_max, &field("session"))?,
        None => scenario_of(&job.scenario, &field("scenario"))?,
    };
    if job.memory_max_bytes == 0 || job.memory_max_bytes > EXPLORE_MEMORY_LIMIT_BYTES {
        return Err(JobError::new(
            field("memory_max_bytes"),
            format!(
                "{}; in a worker it is 1 to {EXPLORE_MEMORY_LIMIT_BYTES}",
                job.memory_max_bytes
            ),
        ));
    }
    let faults = if job.faults.trim().is_empty() {
        Vec::new()
    } else {
        parse_fault_menu(&job.faults).map_err(|e| JobError::new(field("faults"), e))?
    };
    let properties = if job.properties.is_empty() {
        DEFAULT_PROPERTIES.to_vec()
    } else {
        job.properties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.parse::<Property>()
                    .map_err(|e| JobError::new(format!("{FIELD}.properties[{i}]"), e))
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let options = ExploreOptions {
        depth_max: job.depth_max,
        drops_max: job.drops_max,
        faults_max: job.faults_max,
        faults,
        states_max: job.states_max,
        memory_max_bytes: job.memory_max_bytes,
        properties,
        reduction: job.reduction,
        stop_when_all_broken: true,
        ..ExploreOptions::default()
    };
    let mut explorer = Explorer::new(&scenario, options).map_err(|e| match e {
        crate::explore::ExploreError::Option { name, reason } => JobError::new(field(name), reason),
        crate::explore::ExploreError::Scenario(e) => JobError::within(&field("scenario"), e),
    })?;
    while !explorer.run(EXPLORE_SLICE_EXPANSIONS) {
        progress(explorer.progress());
    }
    let violations: Vec<Counterexample> = explorer
        .violations()
        .into_iter()
        .map(|v| Counterexample {
            property: v.property.to_string(),
            findings: v.findings.clone(),
            length: v.choices.len(),
            node: v.node,
            session: v.session().to_json(),
        })
        .collect();
    let (holds, unchecked) = explorer.unbroken();
    let names = |properties: Vec<Property>| properties.iter().map(ToString::to_string).collect();
    Ok(ReplyBody::Explored {
        ended: explorer.ended().expect("the search has ended"),
        progress: explorer.progress(),
        violations,
        holds: names(holds),
        unchecked: names(unchecked),
    })
}

fn tutorial_candidates(session: &str, draft: Option<&Value>) -> Result<ReplyBody, JobError> {
    const FIELD: &str = "job.tutorial-candidates";
    let at_session = |e| JobError::within(&format!("{FIELD}.session"), e);
    let session = Session::from_json(session).map_err(at_session)?;
    // The playground's own replay: the same cluster it shows, and a seek
    // bounded by SEEK_EVENTS_MAX events, so no session runs unbounded here.
    let playback = Playback::from_share(&session).map_err(at_session)?;
    let scenario = playback.scenario().clone();
    let differs = match draft {
        Some(draft) => {
            let draft = Scenario::from_value(draft)
                .map_err(|e| JobError::within(&format!("{FIELD}.draft"), e))?;
            authoring::continues(&draft, &scenario).err()
        }
        None => None,
    };
    Ok(ReplyBody::Candidates {
        candidates: authoring::candidates(playback.cluster()),
        ticks: session.time_ticks,
        scenario: Box::new(scenario),
        differs,
    })
}

fn tutorial_check(tutorial: &str) -> ReplyBody {
    // The reader caps the text (MAX_TUTORIAL_BYTES) before parsing it.
    let check = authoring::check_draft(tutorial);
    let link = check
        .text
        .as_ref()
        .map(|text| share::encode_payload(text.as_bytes()));
    ReplyBody::Checked { check, link }
}

/// A tutorial file read and validated, its named scenario's text given:
/// the page's tutorial, or the reader's error.
fn tutorial_read(tutorial: &str, scenario: Option<String>) -> ReplyBody {
    // The reader caps the text (MAX_TUTORIAL_BYTES) before parsing it, and
    // asks for the scenario only by the name in the file, the one the page
    // fetched.
    match Tutorial::from_json_with(tutorial, &|_| scenario.clone()) {
        Ok(read) => ReplyBody::TutorialRead {
            wire: Some(tutorial_wire::to_wire(&read)),
            error: None,
        },
        Err(e) => ReplyBody::TutorialRead {
            wire: None,
            error: Some(e.to_string()),
        },
    }
}

/// A playground session (its JSON text) replayed to `position` (events
/// run), where the page stands: its errors named under `field`.
fn session_at(session: &str, position: u64, field: &str) -> Result<(Session, Playback), JobError> {
    let shared = Session::from_json(session)
        .map_err(|e| JobError::within(&format!("{field}.session"), e))?;
    // Replayed from time 0 to the position: the session's own time may lie
    // past it (a tick's end), and a seek never needs to come back.
    let mut playback = Playback::from_share(&Session {
        time_ticks: 0,
        ..shared.clone()
    })
    .map_err(|e| JobError::within(&format!("{field}.session"), e))?;
    playback
        .seek(position)
        .map_err(|e| JobError::within(&format!("{field}.position"), e))?;
    Ok((shared, playback))
}

/// A session's run written for download: the session where the page
/// stands ([`session_at`]), exported as the CLI's `--format` names it. The
/// playground asks for it, so that the exporters are not in its wasm.
fn export_run(session: &str, position: u64, format: &str) -> Result<ReplyBody, JobError> {
    const FIELD: &str = "job.export";
    let history = match format {
        "svg-diagram" | "svg-ring" => None,
        _ => Some(Format::parse(format).map_err(|e| JobError::new(format!("{FIELD}.format"), e))?),
    };
    let (shared, playback) = session_at(session, position, FIELD)?;
    let cluster = playback.cluster();
    let exported = match history {
        Some(format) => export::export(cluster.sim().history(), format),
        None if format == "svg-diagram" => drawing::lamport_export(cluster),
        None => {
            let key = shared
                .selected_key
                .or_else(|| shared.scenario.first_key().map(str::to_string))
                .unwrap_or_default();
            drawing::ring_export(cluster, &key, &|a: f64| (a.cos(), a.sin()))
        }
    };
    Ok(ReplyBody::Exported {
        text: exported.text,
        note: exported.note,
    })
}

#[cfg(test)]
mod tests;

//! The Explore panel (issue 15): every interleaving of a small scenario
//! within bounds, searched in a Web Worker, and the shortest run that
//! breaks each property, opened in the playground as a normal session.
//!
//! The user picks a scenario — one of the explorer's teaching cases
//! (`scenarios/explore/*.json`, compiled into the Lab: they are a few
//! hundred bytes each and the Lab is itself loaded on first use), "The
//! playground's session", or a built-in scenario, which the worker knows
//! by name — and the bounds and properties as the job names them.
//!
//! "The playground's session" answers a learner's "can *this* lose a
//! write, and what is the shortest way?" about the configuration they
//! built: on Run the panel asks the playground for its session through
//! the author panel's door ([`crate::session`]: `wildling:session-request`,
//! answered with the Export-session JSON text) and passes the text on
//! unread as the job's `session`; the worker explores the scenario that
//! session plays, its cluster and its timeline with the user's puts, gets
//! and faults as played (`Session::played_scenario` in the core). The
//! panel computes nothing from it. No answer within [`ANSWER_WAIT_MS`] (no
//! playground listening), an unreadable answer, a session that has played
//! nothing yet, and one with more actions than `depth_max` reaches each end
//! the Run with a message in the status (the last two are the worker's
//! words); the playground's session is only read, never changed.
//!
//! Run posts one `explore` job
//! (`wildling_core::jobs`) to the panel's own [`Worker`]; each `progress`
//! reply shows distinct states, the depth reached and distinct states per
//! second since Run; the final `explored` reply shows why the search ended,
//! the properties that hold, and each broken property with its findings and
//! "Load the shortest counterexample", which hands the counterexample's
//! session JSON to [`Props::open`]: the Lab dispatches it as `wildling:open`
//! exactly as the Experiments panel opens a seed, and the playground rings
//! the violating step. Cancel terminates the worker.
//!
//! Everything shown is the core's, computed in the worker: the panel reads
//! replies only, so the main thread is never busy for more than a frame.
//!
//! CAVEATS
//! - States per second is distinct states over wall-clock time since Run,
//!   the worker's start-up (its wasm download) included on the first run.
//! - A bound that is not a whole number is refused here, naming the field;
//!   the worker checks the rest (its error names the job's field).
//! - The playground's session is the one it shows when Run is pressed: a
//!   change made in the playground afterwards needs another Run.
//! - The worker's default memory and state caps apply (`jobs`): the panel
//!   offers no field for them; a search that reaches them ends with
//!   "bound reached" and the counts so far.

use gloo::timers::callback::Timeout;
use serde_json::{json, Value};
use wildling_core::explore::{Ended, Progress, Property};
use wildling_core::quoted::Quoted;
use wildling_core::scenario::BUILTIN_NAMES;
use yew::prelude::*;

use wildling_web::event_value;
use wildling_web::worker::{Answer, Worker};

use crate::session;

/// The choice that explores the playground's session, and its label.
const PLAYGROUND: (&str, &str) = ("playground-session", "The playground's session");
/// How long the panel waits for the playground's session: it answers
/// within a frame or two (its update writes the session's JSON text), so
/// a few seconds mean no playground is listening, even on a busy machine.
const ANSWER_WAIT_MS: u32 = 3000;

/// The explorer's teaching cases: their names and scenario text.
const TEACHING: [(&str, &str); 4] = [
    (
        "explore/stale-write-lww",
        include_str!("../../../scenarios/explore/stale-write-lww.json"),
    ),
    (
        "explore/stale-write-dvvset",
        include_str!("../../../scenarios/explore/stale-write-dvvset.json"),
    ),
    (
        "explore/stale-write-server-vv",
        include_str!("../../../scenarios/explore/stale-write-server-vv.json"),
    ),
    (
        "explore/partition-siblings",
        include_str!("../../../scenarios/explore/partition-siblings.json"),
    ),
];

/// The fields, labelled by the job's names for them: three bounds, the
/// fault menu (`wildling explore --faults`'s text) and the properties
/// (comma-separated, as the CLI names them).
const FIELDS: [&str; 5] = [
    "depth_max",
    "drops_max",
    "faults_max",
    "faults",
    "properties",
];

/// The panel's props: where a counterexample goes.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Open a counterexample in the playground: its session's JSON text.
    pub open: Callback<String>,
}

/// What the panel hears.
pub enum ExploreMsg {
    /// Another scenario.
    Scenario(String),
    /// A field changed: its index in [`FIELDS`].
    Field(usize, String),
    /// Start a search.
    Run,
    /// Stop it.
    Cancel,
    /// A reply from the worker.
    Answer(Answer),
    /// Load the counterexample at this index.
    Load(usize),
    /// The playground's session text, or why it could not be read.
    Session(Result<String, String>),
    /// The wait for the session asked for by this Run ended.
    NoAnswer(u64),
}

/// A broken property: its line (property, length, findings), its length
/// and its counterexample's session JSON.
struct Found {
    line: String,
    length: u64,
    session: String,
}

/// The Explore panel.
pub struct Explore {
    worker: Worker,
    scenario: String,
    fields: [String; 5],
    /// When the running search started (ms).
    started: f64,
    running: bool,
    error: bool,
    status: String,
    found: Vec<Found>,
    /// Runs started, so that a late wait's end is told from the current one's.
    runs: u64,
    /// Whether Run waits for the playground's session.
    asking: bool,
    _listener: session::Listener,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

impl Explore {
    /// The job the fields describe, or why not (naming the field); the
    /// playground's session, when it is the choice, goes in as `session`.
    fn job(&self, session: Option<&str>) -> Result<Value, String> {
        let mut bounds = [0u32; 3];
        for ((field, typed), n) in FIELDS.iter().zip(&self.fields).zip(&mut bounds) {
            *n = typed
                .trim()
                .parse()
                .map_err(|_| format!("{field}: a whole number, not {}", Quoted(typed)))?;
        }
        let scenario = match TEACHING.iter().find(|(n, _)| *n == self.scenario) {
            _ if session.is_some() => Value::Null,
            Some((_, text)) => serde_json::from_str(text).map_err(|e| e.to_string())?,
            None => Value::String(self.scenario.clone()),
        };
        let properties: Vec<&str> = self.fields[4]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let mut job = json!({
            "scenario": scenario,
            "depth_max": bounds[0],
            "drops_max": bounds[1],
            "faults_max": bounds[2],
            "faults": self.fields[3].trim(),
            "properties": properties,
        });
        if let Some(session) = session {
            job["session"] = Value::from(session);
        }
        Ok(json!({ "explore": job }))
    }

    /// Post `job` to the worker: the search starts.
    fn start(&mut self, ctx: &Context<Self>, job: &Value) {
        self.worker.cancel();
        self.running = true;
        self.error = false;
        self.status = "starting the worker…".to_string();
        let link = ctx.link().clone();
        self.worker
            .ask(job, move |a| link.send_message(ExploreMsg::Answer(a)));
    }

    /// The search ends, or never starts, with `why`.
    fn fail(&mut self, why: String) {
        (self.running, self.asking) = (false, false);
        (self.error, self.status) = (true, why);
    }

    /// The counts of a progress, and distinct states per second since Run.
    fn counts(&self, progress: &Value) -> String {
        let seconds = ((now_ms() - self.started) / 1000.0).max(0.001);
        let distinct = progress["distinct_states"].as_u64().unwrap_or(0);
        format!(
            "{distinct} states, depth {}, {:.0} states/s",
            progress["depth_reached"].as_u64().unwrap_or(0),
            distinct as f64 / seconds
        )
    }

    fn explored(&mut self, e: &Value) {
        let names = |field: &str| -> Vec<&str> {
            e[field]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect()
        };
        let (holds, unchecked) = (names("holds"), names("unchecked"));
        self.status = format!(
            "Ended: {}, {}. Holds: {}",
            text(&e["ended"]),
            self.counts(&e["progress"]),
            if holds.is_empty() {
                "none".to_string()
            } else {
                holds.join(", ")
            }
        );
        // What was checked of a property that holds, where the core says
        // it needs saying (no-lost-write: at every state, and in full at
        // the settled ones).
        let progress = serde_json::from_value::<Progress>(e["progress"].clone());
        let ended = serde_json::from_value::<Ended>(e["ended"].clone());
        if let (Ok(progress), Ok(ended)) = (progress, ended) {
            for checked in holds
                .iter()
                .filter_map(|name| name.parse::<Property>().ok())
                .filter_map(|property| property.checked(&progress, ended))
            {
                self.status += &format!(". {checked}");
            }
        }
        if !unchecked.is_empty() {
            // Checked at settled states, of which there was none.
            self.status += &format!(". Not checked, no state settled: {}", unchecked.join(", "));
        }
        self.found = e["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| {
                let length = v["length"].as_u64().unwrap_or(0);
                let mut line = format!("{} broken in {length} steps:", text(&v["property"]));
                for f in v["findings"].as_array().into_iter().flatten() {
                    line.push(' ');
                    line.push_str(text(f));
                }
                Found {
                    line,
                    length,
                    session: text(&v["session"]).to_string(),
                }
            })
            .collect();
    }
}

impl Component for Explore {
    type Message = ExploreMsg;
    type Properties = Props;

    fn create(ctx: &Context<Self>) -> Self {
        Explore {
            worker: Worker::new(),
            scenario: TEACHING[0].0.to_string(),
            fields: [
                "20".into(),
                "0".into(),
                "0".into(),
                String::new(),
                "no-lost-write".into(),
            ],
            started: 0.0,
            running: false,
            error: false,
            status: String::new(),
            found: Vec::new(),
            runs: 0,
            asking: false,
            _listener: session::listen(ctx.link(), ExploreMsg::Session),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: ExploreMsg) -> bool {
        match msg {
            ExploreMsg::Scenario(name) => self.scenario = name,
            ExploreMsg::Field(i, typed) => self.fields[i] = typed,
            ExploreMsg::Run => {
                self.found.clear();
                self.runs += 1;
                self.started = now_ms();
                let playground = self.scenario == PLAYGROUND.0;
                // The fields are checked before the playground is asked.
                match self.job(playground.then_some("")) {
                    Err(why) => self.fail(why),
                    Ok(_) if playground => {
                        (self.running, self.asking) = (true, true);
                        (self.error, self.status) =
                            (false, "asking the playground for its session…".to_string());
                        session::ask();
                        let (link, run) = (ctx.link().clone(), self.runs);
                        Timeout::new(ANSWER_WAIT_MS, move || {
                            link.send_message(ExploreMsg::NoAnswer(run))
                        })
                        .forget();
                    }
                    Ok(job) => self.start(ctx, &job),
                }
            }
            ExploreMsg::Session(_) if !self.asking => return false,
            ExploreMsg::Session(Err(why)) => self.fail(why),
            ExploreMsg::Session(Ok(text)) => {
                self.asking = false;
                match self.job(Some(&text)) {
                    Ok(job) => self.start(ctx, &job),
                    Err(why) => self.fail(why),
                }
            }
            ExploreMsg::NoAnswer(run) if self.asking && run == self.runs => self.fail(format!(
                "the playground did not answer within {} s: open the Lab from the playground",
                ANSWER_WAIT_MS / 1000
            )),
            ExploreMsg::NoAnswer(_) => return false,
            ExploreMsg::Cancel => {
                self.worker.cancel();
                (self.running, self.asking) = (false, false);
                (self.error, self.status) = (false, "cancelled".to_string());
            }
            ExploreMsg::Answer(Answer::Progress(body)) => {
                if !self.running {
                    return false;
                }
                self.status = self.counts(&body["progress"]["progress"]);
            }
            ExploreMsg::Answer(Answer::Done(body)) => {
                self.running = false;
                match body.get("explored") {
                    Some(e) => self.explored(e),
                    None => {
                        (self.error, self.status) =
                            (true, "the worker answered with something else".to_string())
                    }
                }
            }
            ExploreMsg::Answer(Answer::Failed(why)) => {
                self.running = false;
                (self.error, self.status) = (true, why);
            }
            ExploreMsg::Load(i) => {
                if let Some(f) = self.found.get(i) {
                    ctx.props().open.emit(f.session.clone());
                }
                return false;
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let running = self.running;
        let names = TEACHING
            .iter()
            .map(|(n, _)| (*n, *n))
            .chain([PLAYGROUND])
            .chain(BUILTIN_NAMES.iter().map(|n| (*n, *n)));
        let fields = FIELDS.iter().enumerate().map(|(i, field)| {
            let oninput = link.callback(move |e: InputEvent| ExploreMsg::Field(i, event_value(&e)));
            html! {
                <label>{ format!(" {field} ") }
                    <input type="text" class={classes!((i < 3).then_some("narrow"))} value={self.fields[i].clone()}
                        disabled={running} {oninput} data-testid={format!("explore-{field}")} />
                </label>
            }
        });
        let found = self.found.iter().enumerate().map(|(i, f)| {
            html! {
                <li class="mono small" data-testid="explore-violation" data-length={f.length.to_string()}>{ &f.line }{ " " }
                    <button data-testid="explore-load" onclick={link.callback(move |_| ExploreMsg::Load(i))}>
                        { "Load the shortest counterexample" }</button>
                </li>
            }
        });
        html! {
            <section class="panel explore" data-testid="explore-panel" aria-labelledby="explore-title">
                <h3 id="explore-title">{ "Explore: every interleaving, and the shortest run that breaks it" }</h3>
                <div class="row small">
                    <label>{ "Scenario " }
                        <select data-testid="explore-scenario" disabled={running}
                            onchange={link.callback(|e: Event| ExploreMsg::Scenario(event_value(&e)))}>
                            { for names.map(|(n, label)| html! {
                                <option value={n} selected={n == self.scenario}>{ label }</option>
                            }) }
                        </select>
                    </label>
                    { for fields }
                    <button data-testid="explore-run" disabled={running} onclick={link.callback(|_| ExploreMsg::Run)}>{ "Run" }</button>
                    <button data-testid="explore-cancel" disabled={!running} onclick={link.callback(|_| ExploreMsg::Cancel)}>{ "Cancel" }</button>
                </div>
                <span class={classes!("small", self.error.then_some("error"))} role="status" data-testid="explore-status">{ &self.status }</span>
                <ul class="findings">{ for found }</ul>
            </section>
        }
    }
}

//! The author panel (issue 17): write a tutorial by playing a session in
//! the playground, without writing JSON.
//!
//! "Add step here" asks the playground for the session it shows
//! (`wildling:session-request` on `window`; the playground answers
//! `wildling:session` with the session's JSON text, the one its Export
//! session writes, `src/lab.rs` there). The panel hands that text to its
//! worker (`tutorial-candidates`, `wildling_core::jobs`), which replays it
//! and answers with the scenario the session plays, its time (the step's
//! position, `{"ticks": T}`), whether it continues the draft's scenario, and
//! the assertions the page can show there, each with its label. The step is
//! added in time order with a title to edit and a narration to type in
//! place; each candidate is a button that adds its assertion to the step.
//! A session that does not continue the draft (another scenario, a changed
//! setting, an action taken after scrubbing back) is refused with the
//! worker's words, and the draft is kept.
//!
//! After every change the draft is written as a tutorial file and checked
//! by the worker (`tutorial-check`): each assertion shows its verdict,
//! green with a ✓ or red with a ✗ and what the cluster shows instead (text,
//! not colour alone); a draft that is not yet a valid file shows why,
//! naming the field (`steps[1].narration: is empty`). Steps move up and
//! down, are deleted, and their assertions removed. Export (a `.json`
//! download), Copy link, Embed snippet and Preview all act on the file the
//! core wrote back from the draft (`Tutorial::to_json`, read and validated
//! by `Tutorial::from_json` in the worker), and only when the last check is
//! of the draft as it stands; an invalid draft is refused naming the
//! field, and kept. Preview dispatches `wildling:open` with the file, so
//! the playground opens it as an imported tutorial file, with Next and
//! Back.
//!
//! Untrusted text (narration, titles, labels) is rendered as text nodes.
//! The format's caps (100 steps, 32 assertions a step, 4,000-byte
//! narration) are the core's constants; the first two are enforced here
//! before the draft grows, the third by the check, which names the field.
//!
//! CAVEATS
//! - The panel lives in the Lab, over the playground: the author closes it
//!   to play, and opens it again to add a step. Hiding keeps the draft.
//! - A step's candidates are those of the session when the step was
//!   added; they are not recomputed when the draft's scenario grows (the
//!   verdicts are, on every check).
//! - The draft lives in the page only: reloading loses it (Export first).

use serde_json::{json, Value};
use wildling_core::tutorial::{MAX_ASSERTIONS, MAX_STEPS};
use yew::prelude::*;

use wildling_web::event_value;
use wildling_web::page::{copy_text, download, embed_snippet, page_address};
use wildling_web::worker::{Answer, Worker};

mod draft;

use crate::session;

use draft::{draft_text, Check, DraftStep, Picked};

/// The panel's props: where a previewed tutorial goes.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Open a tutorial file's text in the playground.
    pub open: Callback<String>,
}

/// What needs a check of the draft as it stands.
#[derive(Clone, Copy, PartialEq)]
pub enum Act {
    /// Download the file.
    Export,
    /// Show and copy a link carrying it.
    Link,
    /// Show the iframe snippet.
    Embed,
    /// Open it in the playground.
    Preview,
}

/// What the panel hears.
pub enum AuthorMsg {
    /// Ask the playground for its session.
    AddStep,
    /// The playground's session text, or why it could not be read.
    Session(Result<String, String>),
    /// The worker's candidates for the session.
    Candidates(Answer),
    /// The tutorial's title.
    Title(String),
    /// The tutorial's id.
    Id(String),
    /// A step's title.
    StepTitle(usize, String),
    /// A step's narration.
    Narration(usize, String),
    /// Move a step up (towards the first).
    Up(usize),
    /// Delete a step.
    Delete(usize),
    /// Add a step's candidate as an assertion.
    Pick(usize, usize),
    /// Remove a step's assertion.
    Unpick(usize, usize),
    /// Start a new draft.
    Clear,
    /// The check of a generation of the draft.
    Checked(u64, Answer),
    /// Export, link, embed or preview.
    Act(Act),
    /// The clipboard took the link, or not.
    Copied(bool),
}

/// The author panel.
pub struct Author {
    worker: Worker,
    title: String,
    id: String,
    /// The draft's scenario: the session's played scenario, once a step is
    /// added.
    scenario: Option<Value>,
    steps: Vec<DraftStep>,
    /// Bumped by every change of the draft.
    generation: u64,
    check: Check,
    /// What waits for the check of the current generation.
    waiting: Option<Act>,
    /// Whether "Add step here" waits for the playground's session.
    asking: bool,
    status: String,
    error: bool,
    link: Option<String>,
    snippet: Option<String>,
    _listener: session::Listener,
}

/// A textarea's value, for the narration.
fn area_value(e: &InputEvent) -> String {
    e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

impl Author {
    fn say(&mut self, error: bool, status: impl Into<String>) {
        (self.error, self.status) = (error, status.into());
    }

    /// The draft changed: check it anew.
    fn changed(&mut self, ctx: &Context<Self>) {
        self.generation += 1;
        (self.link, self.snippet) = (None, None);
        if self.steps.is_empty() {
            self.check = Check {
                generation: self.generation,
                ..Check::default()
            };
            return;
        }
        let generation = self.generation;
        let link = ctx.link().clone();
        self.worker.ask(
            &json!({"tutorial-check": {"tutorial": draft_text(&self.id, &self.title, self.scenario.as_ref(), &self.steps)}}),
            move |a| link.send_message(AuthorMsg::Checked(generation, a)),
        );
    }

    /// The session's candidates arrived: add the step, or say why not.
    fn add_step(&mut self, body: &Value) -> bool {
        let c = &body["candidates"];
        if let Some(differs) = c["differs"].as_str() {
            self.say(
                true,
                format!(
                    "This step was not added: {differs}. Keep playing the draft's scenario, \
                     or start a new draft."
                ),
            );
            return false;
        }
        if self.steps.len() >= MAX_STEPS {
            self.say(
                true,
                format!("steps: a tutorial has at most {MAX_STEPS} steps; this one was not added"),
            );
            return false;
        }
        let ticks = c["ticks"].as_u64().unwrap_or(0);
        let candidates = Picked::all(&c["candidates"]);
        self.scenario = Some(c["scenario"].clone());
        let at = self.steps.partition_point(|s| s.ticks <= ticks);
        self.steps.insert(
            at,
            DraftStep {
                title: format!("At t={ticks}"),
                narration: String::new(),
                ticks,
                key: self.generation,
                expect: Vec::new(),
                candidates,
            },
        );
        self.say(
            false,
            format!(
                "Step {} added at t={ticks}: type its narration, and pick what it shows.",
                at + 1
            ),
        );
        true
    }

    /// Carry out `act` on the checked file (the check is current).
    fn act(&mut self, ctx: &Context<Self>, act: Act) {
        let (Some(text), Some(body)) = (self.check.text.clone(), self.check.link.clone()) else {
            let why = self
                .check
                .invalid
                .clone()
                .unwrap_or_else(|| "the draft has no step yet".to_string());
            self.say(true, format!("Not a valid tutorial yet: {why}"));
            return;
        };
        match act {
            Act::Export => {
                download(&format!("{}.json", self.id), &text, "application/json");
                self.say(false, format!("Exported {}.json", self.id));
            }
            Act::Link => {
                let link = format!("{}#{body}", page_address());
                let scope = ctx.link().clone();
                copy_text(&link, move |ok| scope.send_message(AuthorMsg::Copied(ok)));
                self.link = Some(link);
            }
            Act::Embed => self.snippet = Some(embed_snippet(&format!("#{body}"))),
            Act::Preview => ctx.props().open.emit(text),
        }
    }

    fn step_view(&self, ctx: &Context<Self>, i: usize, step: &DraftStep) -> Html {
        let link = ctx.link();
        let n = i + 1;
        let current = self.check.generation == self.generation;
        let verdicts = self.check.verdicts.get(i).filter(|_| current);
        let expect = step.expect.iter().enumerate().map(|(j, p)| {
            let shown = verdicts.and_then(|v| v.get(j));
            let (class, mark, said, passed) = match shown {
                Some(v) if v.passed => ("pass", "✓", v.text.clone(), "true"),
                Some(v) => ("fail", "✗", v.text.clone(), "false"),
                None => ("", "…", format!("{} (checking)", p.label), ""),
            };
            html! {
                <li class={class} data-testid="author-verdict" data-passed={passed}>
                    <span aria-hidden="true">{ mark }</span>{ " " }{ said }{ " " }
                    <button class="small" aria-label={format!("Remove this assertion from step {n}")}
                        onclick={link.callback(move |_| AuthorMsg::Unpick(i, j))}>{ "×" }</button>
                </li>
            }
        });
        let candidates = step.candidates.iter().enumerate().map(|(k, p)| {
            html! {
                <li><button class="small" data-testid="author-candidate"
                    onclick={link.callback(move |_| AuthorMsg::Pick(i, k))}>{ &p.label }</button></li>
            }
        });
        let last = self.steps.len() - 1;
        html! {
            <li class="author-step" data-testid="author-step" key={step.key}>
                <h4 id={format!("author-step-{n}")}>{ format!("Step {n} · t={}", step.ticks) }</h4>
                <div class="row small">
                    <label>{ "Title " }
                        <input type="text" value={step.title.clone()} data-testid="author-step-title"
                            oninput={link.callback(move |e: InputEvent| AuthorMsg::StepTitle(i, event_value(&e)))} />
                    </label>
                    <button disabled={i == 0} aria-label={format!("Move step {n} up")} data-testid="author-up"
                        onclick={link.callback(move |_| AuthorMsg::Up(i))}>{ "▲" }</button>
                    <button disabled={i == last} aria-label={format!("Move step {n} down")} data-testid="author-down"
                        onclick={link.callback(move |_| AuthorMsg::Up(i + 1))}>{ "▼" }</button>
                    <button aria-label={format!("Delete step {n}")} data-testid="author-delete"
                        onclick={link.callback(move |_| AuthorMsg::Delete(i))}>{ "Delete" }</button>
                </div>
                <label class="author-narration">{ "Narration (`code` and **bold** marks)" }
                    <textarea rows="3" value={step.narration.clone()} data-testid="author-narration"
                        oninput={link.callback(move |e: InputEvent| AuthorMsg::Narration(i, area_value(&e)))} />
                </label>
                <ul class="verdicts small" aria-label={format!("What step {n} claims")}>{ for expect }</ul>
                <details data-testid="author-candidates">
                    <summary>{ format!("Add what the page shows at t={}", step.ticks) }</summary>
                    <ul class="candidates">{ for candidates }</ul>
                </details>
            </li>
        }
    }
}

impl Component for Author {
    type Message = AuthorMsg;
    type Properties = Props;

    fn create(ctx: &Context<Self>) -> Self {
        Author {
            worker: Worker::new(),
            title: "My tutorial".into(),
            id: "my-tutorial".into(),
            scenario: None,
            steps: Vec::new(),
            generation: 0,
            check: Check::default(),
            waiting: None,
            asking: false,
            status: String::new(),
            error: false,
            link: None,
            snippet: None,
            _listener: session::listen(ctx.link(), AuthorMsg::Session),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: AuthorMsg) -> bool {
        match msg {
            AuthorMsg::AddStep => {
                self.asking = true;
                self.say(false, "asking the playground for its session…");
                session::ask();
            }
            AuthorMsg::Session(_) if !self.asking => return false,
            AuthorMsg::Session(Err(why)) => {
                self.asking = false;
                self.say(true, why);
            }
            AuthorMsg::Session(Ok(session)) => {
                self.asking = false;
                let link = ctx.link().clone();
                self.worker.ask(
                    &json!({"tutorial-candidates": {"session": session, "draft": self.scenario}}),
                    move |a| link.send_message(AuthorMsg::Candidates(a)),
                );
            }
            AuthorMsg::Candidates(Answer::Done(body)) => {
                if self.add_step(&body) {
                    self.changed(ctx);
                }
            }
            AuthorMsg::Candidates(Answer::Failed(why)) => self.say(true, why),
            AuthorMsg::Candidates(Answer::Progress(_)) => return false,
            AuthorMsg::Title(t) => {
                self.title = t;
                self.changed(ctx);
            }
            AuthorMsg::Id(id) => {
                self.id = id;
                self.changed(ctx);
            }
            AuthorMsg::StepTitle(i, t) => {
                if let Some(s) = self.steps.get_mut(i) {
                    s.title = t;
                    self.changed(ctx);
                }
            }
            AuthorMsg::Narration(i, t) => {
                if let Some(s) = self.steps.get_mut(i) {
                    s.narration = t;
                    self.changed(ctx);
                }
            }
            AuthorMsg::Up(i) => {
                if i > 0 && i < self.steps.len() {
                    self.steps.swap(i - 1, i);
                    self.changed(ctx);
                }
            }
            AuthorMsg::Delete(i) => {
                if i < self.steps.len() {
                    self.steps.remove(i);
                    if self.steps.is_empty() {
                        self.scenario = None;
                    }
                    self.changed(ctx);
                }
            }
            AuthorMsg::Pick(i, k) => {
                let Some(step) = self.steps.get_mut(i) else {
                    return false;
                };
                if step.expect.len() >= MAX_ASSERTIONS {
                    let why = format!(
                        "steps[{i}].expect: at most {MAX_ASSERTIONS} assertions a step; \
                         this one was not added"
                    );
                    self.say(true, why);
                } else if let Some(p) = step.candidates.get(k).cloned() {
                    if !step.expect.iter().any(|e| e.assertion == p.assertion) {
                        step.expect.push(p);
                        self.changed(ctx);
                    }
                }
            }
            AuthorMsg::Unpick(i, j) => {
                if let Some(s) = self.steps.get_mut(i).filter(|s| j < s.expect.len()) {
                    s.expect.remove(j);
                    self.changed(ctx);
                }
            }
            AuthorMsg::Clear => {
                self.steps.clear();
                self.scenario = None;
                self.say(false, "A new draft: play a session and add its first step.");
                self.changed(ctx);
            }
            AuthorMsg::Checked(generation, answer) => {
                if generation != self.generation {
                    return false;
                }
                let body = match answer {
                    Answer::Done(body) => body,
                    Answer::Failed(why) => {
                        self.say(true, why);
                        return true;
                    }
                    Answer::Progress(_) => return false,
                };
                self.check = Check::read(generation, &body);
                if let Some(act) = self.waiting.take() {
                    self.act(ctx, act);
                }
            }
            AuthorMsg::Act(act) => {
                if self.check.generation == self.generation {
                    self.act(ctx, act);
                } else {
                    self.waiting = Some(act);
                }
            }
            AuthorMsg::Copied(ok) => self.say(
                false,
                if ok {
                    "Link copied."
                } else {
                    "Copy the link below (the clipboard refused it)."
                },
            ),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let steps = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| self.step_view(ctx, i, s));
        let current = self.check.generation == self.generation;
        let act = |a: Act| link.callback(move |_| AuthorMsg::Act(a));
        html! {
            <section class="panel author" data-testid="author-panel" aria-labelledby="author-title">
                <h3 id="author-title">{ "Author a tutorial: add steps from the playground's session" }</h3>
                <p class="small muted">{ "Play a session in the playground (close the Lab), then open the Lab and press \
                    “Add step here”: the step replays to the time shown. Pick what each step shows as its \
                    assertions; each turns green or red as the cluster shows it." }</p>
                <div class="row small">
                    <label>{ "Title " }
                        <input type="text" value={self.title.clone()} data-testid="author-title"
                            oninput={link.callback(|e: InputEvent| AuthorMsg::Title(event_value(&e)))} />
                    </label>
                    <label>{ "Id " }
                        <input type="text" class="narrow" value={self.id.clone()} data-testid="author-id"
                            oninput={link.callback(|e: InputEvent| AuthorMsg::Id(event_value(&e)))} />
                    </label>
                    <button class="primary" data-testid="author-add" onclick={link.callback(|_| AuthorMsg::AddStep)}>
                        { "Add step here" }</button>
                    <button data-testid="author-clear" disabled={self.steps.is_empty()}
                        onclick={link.callback(|_| AuthorMsg::Clear)}>{ "New draft" }</button>
                </div>
                <p class={classes!("small", self.error.then_some("error"))} role="status" data-testid="author-status">{ &self.status }</p>
                <ol class="author-steps">{ for steps }</ol>
                if current {
                    if let Some(why) = &self.check.invalid {
                        <p class="inline-error" data-testid="author-invalid">{ format!("Not yet a valid tutorial file: {why}") }</p>
                    }
                }
                <div class="row small">
                    <button data-testid="author-preview" disabled={self.steps.is_empty()} onclick={act(Act::Preview)}>{ "Preview" }</button>
                    <button data-testid="author-export" disabled={self.steps.is_empty()} onclick={act(Act::Export)}>{ "Export" }</button>
                    <button data-testid="author-link" disabled={self.steps.is_empty()} onclick={act(Act::Link)}>{ "Copy link" }</button>
                    <button data-testid="author-embed" disabled={self.steps.is_empty()} onclick={act(Act::Embed)}>{ "Embed snippet" }</button>
                </div>
                if let Some(l) = &self.link {
                    <label class="small">{ "Link " }<input type="text" readonly={true} value={l.clone()} data-testid="author-link-text" /></label>
                }
                if let Some(s) = &self.snippet {
                    <label class="small">{ "Embed snippet " }<textarea readonly={true} rows="3" value={s.clone()} data-testid="author-embed-text" /></label>
                }
            </section>
        }
    }
}

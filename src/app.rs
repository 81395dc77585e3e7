//! The root component: it owns the model (a [`Playback`] over a
//! `wildling_core` cluster), steps it in bounded batches per animation
//! frame, turns the user's clicks into timeline entries, and hands each
//! panel a plain-data view cut from the model.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use wildling_core::causality::CausalityMode;
use wildling_core::ids::OpId;
use wildling_core::quoted::Quoted;
use wildling_core::scenario::{
    Scenario, ScenarioError, TimelineEntry, BUILTIN_NAMES, MAX_SCENARIO_BYTES,
};
use wildling_core::sim::network::Fault;
use wildling_core::view;
use wildling_core::NodeId;
use yew::prelude::*;

use crate::browser;
use crate::components::checker::{self, checker_panel};
use crate::components::clients::ClientsPanel;
use crate::components::compare::{self, compare_panel};
use crate::components::faults::FaultsPanel;
use crate::components::inspector::{self, inspector};
use crate::components::lamport::Lamport;
use crate::components::network::{self, message_inspector, network_panel};
use crate::components::ring::RingPanel;
use crate::components::settings::SettingsPanel;
use crate::components::share::{self, share_panel};
use crate::components::timebar::{self, time_bar};
use crate::components::tutorial::{self, tutorial_panel};
use crate::components::{class_list, click, markup, Shared};
use crate::msg::{Msg, Selection};
use crate::presets;
use wildling_core::playback::Playback;

mod seeking;
pub mod sharing;

/// Events processed between two looks at the clock in an animation frame.
const BATCH_EVENTS: usize = 400;
/// The most time the model may take in one animation frame (ms, measured
/// with the Performance API), so that a busy run never blocks rendering.
const FRAME_WORK_MS: f64 = 8.0;
/// The most batches in one frame, should the Performance API be missing.
const FRAME_BATCHES_MAX: usize = 32;
/// How long dropped messages stay marked, in ticks.
const DROP_MARK_TICKS: u64 = 6;
/// The most messages drawn on the cluster view.
const MESSAGES_DRAWN: usize = 1500;
/// How many operations the client panel lists.
const OPS_LISTED: usize = 40;
/// The space-time diagram's window, in ticks.
const LAMPORT_TICKS: u64 = 120;
/// The most arrows the space-time diagram draws.
const LAMPORT_ARROWS: usize = 600;

/// How many trace lines the trace panel shows.
const TRACE_LINES: usize = 24;
/// While playing, the panels that do not animate refresh once in this many frames.
const SLOW_EVERY_FRAMES: u64 = 4;
/// How often a busy cluster's ([`network::BUSY_IN_FLIGHT`]) still panels
/// refresh while playing: once a second at 60 fps. A refresh then costs more
/// than a frame's budget, so such frames must stay rarer than one in twenty.
const BUSY_SLOW_EVERY_FRAMES: u64 = 60;
/// While playing, the consistency checker re-runs on every this many
/// refreshes of the still panels, on a frame that is slow anyway.
const CHECK_EVERY_REFRESHES: u64 = 2;

/// The page's header, as [`markup`]: the model crate's version is the
/// workspace's, which this crate shares (`the_header_names_the_model_version`).
const HEADER: &str = concat!(
    "<header><h1>Wildling</h1><span class=\"tagline\">a Dynamo playground: partition it, \
     write on both sides, watch the siblings</span><span class=\"core-version\">wildling-core ",
    env!("CARGO_PKG_VERSION"),
    "</span></header>"
);

/// The checker's verdicts: the session's run, and the compared run's.
type Verdicts = (Rc<view::CheckView>, Option<Rc<view::CheckView>>);

/// The violating step, with the generation and script length it is for.
type StepCache = (u32, usize, Option<view::StepView>);

/// The views of the panels that need not refresh on every animation frame.
#[derive(Clone)]
struct Slow {
    ring: Rc<view::RingView>,
    key_view: Rc<view::KeyView>,
    ops: Rc<Vec<view::OpView>>,
    clients: Rc<Vec<view::ClientView>>,
    lamport: Rc<view::LamportView>,
    lamport_from: u64,
    lamport_to: u64,
    lamport_now: f64,
    compare: Option<Rc<Vec<view::CompareRow>>>,
    compare_key: Option<Rc<view::KeyView>>,
    trace: Rc<Vec<String>>,
}

impl Slow {
    /// The views; `step` is the session's violating step, if any
    /// ([`App::step`]), which the space-time diagram rings.
    fn of(
        session: &Playback,
        key: &str,
        clock: f64,
        selection: Selection,
        step: Option<view::StepView>,
    ) -> Slow {
        let cluster = session.cluster();
        let (lamport_from, lamport_to) =
            view::lamport_window(cluster, LAMPORT_TICKS, &selection.ops());
        Slow {
            ring: Rc::new(view::ring(cluster, key)),
            key_view: Rc::new(view::key(cluster, key)),
            ops: Rc::new(view::ops(cluster, OPS_LISTED)),
            clients: Rc::new(view::clients(cluster, key)),
            lamport: Rc::new(view::LamportView {
                step,
                ..view::lamport(cluster, lamport_from, lamport_to, LAMPORT_ARROWS)
            }),
            lamport_from,
            lamport_to,
            lamport_now: clock,
            compare: session
                .shadow()
                .map(|shadow| Rc::new(view::compare(cluster, shadow))),
            compare_key: session
                .shadow()
                .map(|shadow| Rc::new(view::key(shadow, key))),
            trace: Rc::new(view::trace_tail(cluster, TRACE_LINES)),
        }
    }
}

/// A message for the user above the panels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Whether it reports an error.
    pub error: bool,
    /// The text.
    pub text: String,
}

/// The playground.
pub struct App {
    session: Playback,
    scenario_name: String,
    /// Bumped on every load or reconfiguration, so forms reset.
    generation: u32,
    playing: bool,
    /// Ticks of virtual time per second.
    speed: f64,
    /// The animation's clock, in ticks: at least the model's time.
    clock: f64,
    last_frame: Option<f64>,
    frame: Option<AnimationFrame>,
    selection: Selection,
    key: String,
    compare: Option<CausalityMode>,
    settings_error: Option<ScenarioError>,
    action_error: Option<String>,
    notice: Option<Notice>,
    on: Callback<Msg>,
    _keys: Option<EventListener>,
    /// Animation frames played, to pace the slow panels.
    frames: u64,
    /// The operation whose answer ends the current play.
    awaited_op: Option<OpId>,
    slow: RefCell<Option<Slow>>,
    /// The checker's last verdicts, re-run every few frames while playing.
    checked: RefCell<Option<Verdicts>>,
    sharing: sharing::Sharing,
    /// The violating step of a steered session (a counterexample), for the
    /// generation and script length it was computed for.
    step: RefCell<Option<StepCache>>,
    /// A seek under way, done a frame's share at a time.
    seeking: Option<seeking::Seeking>,
}

/// Whether a key is not the playground's shortcut: typed in a text field,
/// or pressed in the Lab (`#lab`, another app with its own keys).
fn is_text_field(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                || el.closest("#lab").ok().flatten().is_some()
        })
}

impl App {
    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        if self.frame.is_none() {
            let link = ctx.link().clone();
            self.frame = Some(request_animation_frame(move |ts| {
                link.send_message(Msg::Frame(ts))
            }));
        }
    }

    /// The violating step the space-time diagram highlights: the core's
    /// [`view::steered_step`], recomputed only when the session or its
    /// script changed.
    fn step(&self) -> Option<view::StepView> {
        let scenario = self.session.scenario();
        let choices = scenario.schedule.as_ref().map_or(0, |s| s.choices.len());
        let mut cache = self.step.borrow_mut();
        match &*cache {
            Some((generation, n, step)) if *generation == self.generation && *n == choices => {
                step.clone()
            }
            _ => {
                let step = view::steered_step(scenario);
                *cache = Some((self.generation, choices, step.clone()));
                step
            }
        }
    }

    fn sync_clock(&mut self) {
        self.clock = self.session.now() as f64;
    }

    /// Record a user action; the client operation it invoked, if any.
    fn act(&mut self, entry: TimelineEntry) -> Option<OpId> {
        let acted = match self.session.act(entry) {
            Ok(acted) => {
                self.action_error = None;
                let discarded = acted.discarded;
                if discarded > 0 {
                    self.notice = Some(Notice {
                        error: false,
                        text: format!(
                            "Forked at t={}: {discarded} later action(s) of yours were discarded.",
                            self.session.now()
                        ),
                    });
                }
                acted.op
            }
            Err(e) => {
                self.action_error = Some(e.to_string());
                None
            }
        };
        self.sync_clock();
        acted
    }

    fn selected_node(&self) -> Option<NodeId> {
        match self.selection {
            Selection::Node(node) => Some(node),
            _ => None,
        }
    }

    fn fault(&mut self, fault: Fault) {
        let _ = self.act(TimelineEntry {
            fault: Some(fault),
            ..TimelineEntry::default()
        });
    }

    fn shortcut(&mut self, e: &KeyboardEvent) -> bool {
        if is_text_field(e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        let key = e.key();
        let node = self.selected_node();
        let handled = match key.as_str() {
            " " => {
                self.playing = !self.playing;
                true
            }
            "." => {
                self.playing = false;
                self.session.step();
                self.sync_clock();
                true
            }
            "ArrowLeft" | "ArrowRight" => {
                self.playing = false;
                let pos = self.session.position();
                let target = if key == "ArrowLeft" {
                    pos.saturating_sub(1)
                } else {
                    pos + 1
                };
                self.seek(target);
                true
            }
            "h" => {
                self.fault(Fault::Heal);
                true
            }
            "x" | "r" | "i" => {
                match node {
                    Some(node) => self.fault(match key.as_str() {
                        "x" => Fault::Crash(node),
                        "r" => Fault::Restart(node),
                        _ => Fault::Partition(vec![vec![node]]),
                    }),
                    None => {
                        self.action_error =
                            Some("Select a node first (click it, or press 1-9).".into())
                    }
                }
                true
            }
            "Escape" => {
                self.selection = Selection::None;
                true
            }
            digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() && digit != "0" => {
                let n = u16::from(digit.as_bytes()[0] - b'0');
                if n <= self.session.scenario().cluster.nodes {
                    self.selection = Selection::Node(NodeId(n));
                }
                true
            }
            _ => false,
        };
        if handled {
            e.prevent_default();
        }
        handled
    }

    /// Load the scenario called `name`: a preset at once, a built-in once
    /// `scenarios/NAME.json` is fetched ([`Msg::Fetched`]).
    fn load(&mut self, name: &str) {
        if let Some(scenario) = presets::preset(name) {
            return self.loaded(name.to_string(), Ok(scenario));
        }
        if !BUILTIN_NAMES.contains(&name) {
            return self.loaded(
                name.to_string(),
                Err(format!("no scenario called {}", Quoted(name))),
            );
        }
        let on = self.on.clone();
        let name = name.to_string();
        let path = format!("scenarios/{name}.json");
        browser::fetch_text(&path, MAX_SCENARIO_BYTES, move |text| {
            on.emit(Msg::Fetched(name, text))
        });
    }

    /// Show the scenario loaded as `name`, or say why it cannot be (and
    /// keep the session).
    fn loaded(&mut self, name: String, scenario: Result<Scenario, String>) {
        let at_startup = std::mem::take(&mut self.sharing.loading);
        match scenario.and_then(|s| Playback::new(s).map_err(|e| e.to_string())) {
            Ok(session) => {
                self.notice = None;
                self.reset(session, name, None);
                if at_startup {
                    self.opened_at_startup();
                }
            }
            Err(e) if at_startup => self.link_failed(e),
            Err(e) => {
                self.notice = Some(Notice {
                    error: true,
                    text: e,
                })
            }
        }
    }

    /// Show `session` from its start: the one path by which a scenario, a
    /// share link, a file, the autosave or a tutorial step replaces the
    /// App's state. The inspected key becomes `key`, or else the first
    /// key the scenario names.
    fn reset(&mut self, session: Playback, name: String, key: Option<String>) {
        self.session = session;
        self.scenario_name = name;
        self.generation += 1;
        self.playing = false;
        self.awaited_op = None;
        self.selection = Selection::None;
        self.settings_error = None;
        self.action_error = None;
        let first_key = || self.session.scenario().first_key().map(String::from);
        if let Some(key) = key.or_else(first_key) {
            self.key = key;
        }
        if let Err(e) = self.session.set_shadow(self.compare) {
            self.action_error = Some(e.to_string());
        }
        self.sync_clock();
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let embed = Rc::new(crate::embed::EmbedOptions::from_page());
        let opening = sharing::opening(&embed, presets::DEFAULT);
        let sharing = sharing::Sharing::new(embed, &opening, 0, ctx.link());
        let on = ctx.link().callback(|m: Msg| m);
        crate::lab::listen(&on);
        let link = ctx.link().clone();
        let keys = web_sys::window().and_then(|w| w.document()).map(|doc| {
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&doc, "keydown", options, move |e| {
                if let Some(e) = e.dyn_ref::<KeyboardEvent>() {
                    link.send_message(Msg::Key(e.clone()));
                }
            })
        });
        let mut app = App {
            session: opening.session,
            scenario_name: opening.name,
            generation: 0,
            playing: false,
            speed: 8.0,
            clock: 0.0,
            last_frame: None,
            frame: None,
            selection: Selection::None,
            key: "cart".into(),
            compare: None,
            settings_error: None,
            action_error: None,
            notice: None,
            on,
            _keys: keys,
            frames: 0,
            awaited_op: None,
            slow: RefCell::new(None),
            checked: RefCell::new(None),
            sharing,
            step: RefCell::new(None),
            seeking: None,
        };
        if let Some(key) = opening.shared.and_then(|s| s.selected_key) {
            app.key = key;
        }
        match opening.pending {
            Some(pending) => app.fetch_pending(pending),
            None => app.opened_at_startup(),
        }
        app.after_update();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let was_playing = self.playing;
        if !seeking::keeps_seeking(&msg) {
            self.seeking = None;
        }
        let render = match msg {
            Msg::Frame(_) if self.seeking.is_some() => {
                self.frame = None;
                self.frames += 1;
                self.seek_more();
                true
            }
            Msg::Frame(ts) => {
                self.frame = None;
                self.frames += 1;
                if !self.playing {
                    self.last_frame = None;
                    return false;
                }
                let dt = self
                    .last_frame
                    .map_or(0.0, |last| ((ts - last) / 1000.0).clamp(0.0, 0.25));
                self.last_frame = Some(ts);
                self.clock = self.clock.max(self.session.now() as f64) + dt * self.speed;
                let until = self.clock.floor() as u64;
                let start = browser::now_ms();
                for batch in 1.. {
                    if self.session.advance(until, BATCH_EVENTS) < BATCH_EVENTS {
                        break;
                    }
                    if batch >= FRAME_BATCHES_MAX || browser::now_ms() - start >= FRAME_WORK_MS {
                        // Falling behind: let virtual time wait for the model.
                        self.sync_clock();
                        break;
                    }
                }
                let answered = self.awaited_op.is_some_and(|op| self.session.answered(op));
                // A run stopped by its budget plays no further (the banner says why).
                let stopped = self.session.stopped().is_some();
                if answered || self.session.quiet() || stopped {
                    self.playing = false;
                    self.awaited_op = None;
                    self.sync_clock();
                }
                true
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.awaited_op = None;
                true
            }
            Msg::Step => {
                self.playing = false;
                self.session.step();
                self.sync_clock();
                true
            }
            Msg::Speed(speed) => {
                self.speed = speed.clamp(0.25, timebar::TOP_SPEED);
                true
            }
            Msg::Seek(target) => {
                self.playing = false;
                self.seek(target);
                true
            }
            Msg::Act(entry) => {
                // A client operation plays until it is answered.
                if let Some(op) = self.act(entry).filter(|_| !self.playing) {
                    self.playing = true;
                    self.awaited_op = Some(op);
                }
                true
            }
            Msg::ActAll(faults) => {
                for fault in faults {
                    self.fault(fault);
                }
                true
            }
            Msg::Reconfigure(config, seed) => {
                match self.session.reconfigure(config, seed) {
                    Ok(()) => {
                        self.settings_error = None;
                        self.generation += 1;
                        if let Err(e) = self.session.set_shadow(self.compare) {
                            self.action_error = Some(e.to_string());
                        }
                    }
                    Err(e) => self.settings_error = Some(e),
                }
                self.sync_clock();
                true
            }
            Msg::Load(name) => {
                self.load(&name);
                true
            }
            Msg::Fetched(name, text) => {
                let scenario = text.and_then(|t| {
                    Scenario::from_json(&t).map_err(|e| format!("scenarios/{name}.json: {e}"))
                });
                self.loaded(name, scenario);
                true
            }
            Msg::Select(selection) => {
                self.selection = if self.selection == selection {
                    Selection::None
                } else {
                    selection
                };
                true
            }
            Msg::InspectKey(key) => {
                self.key = key;
                true
            }
            Msg::Compare(mode) => {
                match self.session.set_shadow(mode) {
                    Ok(()) => self.compare = mode,
                    Err(e) => self.action_error = Some(e.to_string()),
                }
                true
            }
            Msg::Key(e) => self.shortcut(&e),
            Msg::Dismiss => {
                self.notice = None;
                true
            }
            Msg::LabFailed(text) => {
                self.notice = Some(Notice { error: true, text });
                true
            }
            Msg::Share(msg) => {
                self.share_update(ctx, msg);
                true
            }
        };
        self.after_update();
        if self.playing {
            if !was_playing {
                self.last_frame = None;
                self.sync_clock();
            }
            self.schedule_frame(ctx);
        } else if self.seeking.is_some() {
            self.schedule_frame(ctx);
        }
        render
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        self.after_render();
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let cluster = self.session.cluster();
        let position = view::position(cluster);
        let clock = self.clock.max(position.now as f64);
        let network = Rc::new(view::network(cluster, DROP_MARK_TICKS, MESSAGES_DRAWN));
        let detail = match self.selection {
            Selection::Message(id) => view::message(cluster, id),
            _ => None,
        };
        // While playing, the panels that do not animate refresh every few frames.
        let every = if network.in_flight.len() > network::BUSY_IN_FLIGHT {
            BUSY_SLOW_EVERY_FRAMES
        } else {
            SLOW_EVERY_FRAMES
        };
        let refresh = !self.playing || self.frames.is_multiple_of(every);
        let mut cache = self.slow.borrow_mut();
        if refresh || cache.is_none() {
            *cache = Some(Slow::of(
                &self.session,
                &self.key,
                clock,
                self.selection,
                self.step(),
            ));
        }
        let Some(Slow {
            ring,
            key_view,
            ops,
            clients,
            lamport,
            lamport_from,
            lamport_to,
            lamport_now,
            compare,
            compare_key,
            trace,
        }) = cache.clone()
        else {
            return html! {};
        };
        drop(cache);
        let mut checked = self.checked.borrow_mut();
        let recheck = !self.playing || self.frames.is_multiple_of(every * CHECK_EVERY_REFRESHES);
        if recheck || checked.is_none() {
            *checked = Some((
                Rc::new(view::check(cluster)),
                self.session.shadow().map(|s| Rc::new(view::check(s))),
            ));
        }
        let Some((check, check_shadow)) = checked.clone() else {
            return html! {};
        };
        drop(checked);
        let config = cluster.scenario().cluster.clone();
        let on = self.on.clone();
        let dismiss = click(&self.on, |()| Msg::Dismiss, ());
        let embed = &self.sharing.embed;
        let root = class_list(&[
            Some("app"),
            embed.embed.then_some("embed"),
            embed.hide_controls.then_some("hide-controls"),
        ]);
        let tutorial_range = self
            .sharing
            .tutorial
            .as_ref()
            .map_or((0, 0), |t| self.step_range(&t.tutorial));
        html! {
            <div class={root} ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={self.on_drop()}>
                { markup(HEADER) }
                if !embed.embed {
                    { share_panel(&share::Props { view: &self.sharing.view, on: on.clone() }) }
                }
                { self.link_banner() }
                { tutorial_panel(&tutorial::Props {
                    loading: self.sharing.loading || self.sharing.reading,
                    state: self.sharing.tutorial.as_ref(),
                    verdicts: self
                        .sharing
                        .tutorial
                        .as_ref()
                        .map_or_else(Vec::new, |t| t.tutorial.verdicts(t.step, cluster)),
                    range: tutorial_range,
                    on: on.clone(),
                }) }
                { time_bar(&timebar::Props {
                    position: &position,
                    horizon: self.session.horizon(),
                    playing: self.playing,
                    speed: self.speed,
                    user_actions: self.session.user_actions().len(),
                    seeking: self.seeking.as_ref().map(|s| s.position()),
                    on: on.clone(),
                }) }
                if let Some(stopped) = &position.stopped {
                    <div class="banner error" role="status" data-testid="stopped">{ &stopped.text }</div>
                }
                if let Some(notice) = &self.notice {
                    <div class={class_list(&[Some("banner"), notice.error.then_some("error")])} role="status" data-testid="notice">
                        <span>{ &notice.text }</span>
                        <button onclick={dismiss} aria-label="Dismiss notice">{ "×" }</button>
                    </div>
                }
                <div class="columns">
                    <aside class="column left" aria-label="Faults and settings">
                        <FaultsPanel key={self.generation} network={view::faults(&network)} selection={self.selection} on={on.clone()} />
                        <SettingsPanel key={self.generation} config={config.clone()} seed={cluster.scenario().seed}
                            scenario={self.scenario_name.clone()} error={self.settings_error.clone()} on={on.clone()} />
                        <details class="panel about">
                            <summary>{ "About this build" }</summary>
                            <p class="ring-summary mono">{ view::ring_summary() }</p>
                        </details>
                    </aside>
                    <main class="column center">
                        <div class="views">
                            <RingPanel view={Shared(ring)} selection={self.selection} on={on.clone()} />
                            { network_panel(&network::Props { view: network.clone(), clock, selection: self.selection, on: on.clone() }) }
                        </div>
                        { inspector(&inspector::Props { view: key_view, on: on.clone() }) }
                        { message_inspector(&network::DetailProps { detail, on: on.clone() }) }
                        <Lamport view={Shared(lamport)} from={lamport_from} to={lamport_to} now={lamport_now}
                            selection={self.selection} on={on.clone()} />
                        <details class="panel trace">
                            <summary>{ format!("Trace: the last {} events", trace.len()) }</summary>
                            <pre class="mono small" tabindex="0" aria-label="Trace" data-testid="trace">{ trace.join("\n") }</pre>
                        </details>
                        { compare_panel(&compare::Props { mode: config.mode, other: self.compare, rows: compare, inspected: compare_key, on: on.clone() }) }
                    </main>
                    <aside class="column right" aria-label="Clients and checker">
                        <ClientsPanel clients={Shared(clients)} ops={Shared(ops)} nodes={config.nodes} inspected={self.key.clone()}
                            error={self.action_error.clone()} selection={self.selection} on={on.clone()} />
                        { checker_panel(&checker::Props { view: check, shadow: check_shadow, selection: self.selection, on }) }
                    </aside>
                </div>
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    /// The header names the model crate's own version.
    #[test]
    fn the_header_names_the_model_version() {
        let shown = format!("wildling-core {}</span>", wildling_core::VERSION);
        assert!(super::HEADER.contains(&shown), "{}", super::HEADER);
    }
}

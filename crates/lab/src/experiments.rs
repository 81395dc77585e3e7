//! The Experiments panel: run a built-in experiment over a range of seeds on
//! a pool of Web Workers ([`crate::pool`]), with a progress bar, an ETA and
//! Cancel, and show the worker's report: its tables, and its charts as the
//! core drew them (`wildling_core::drawing::chart`), each with its table
//! twin.
//!
//! The panel computes no result: the workers run, merge and draw; the Lab
//! reads each chart's tree back through the core's whitelist
//! (`drawing::wire::from_wire`: only the element and attribute names a
//! chart uses survive, text stays text) and renders it with
//! [`wildling_web::svg_html`]. Hovering or focusing a point shows its title
//! (the value, from the core) under the chart; clicking it, or Enter, asks
//! the first worker for the scenario that point's seed ran
//! (`experiment-seed`) and hands its text to [`Props::open`]: the Lab passes
//! it to the playground (`crate::lab`).
//!
//! It is a component, not a function: it keeps its run (the pool, the
//! progress, the report) while the Lab is hidden and shown again. Each run
//! marks the Performance timeline (`experiment-start`, and the measure
//! `experiment` once its charts are in): the benchmark
//! (`e2e/bench-experiments.mjs`) reads it.
//!
//! CAVEATS
//! - A point opens its configuration's first seed (see
//!   `wildling_core::view::charts`).
//! - A built-in's own seed range is not known to the Lab (the worker holds
//!   the experiments' text); the panel starts at seeds 0..100.

use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wildling_core::drawing::svg::Element;
use wildling_core::drawing::wire::from_wire;
use wildling_core::experiment::BUILTIN_EXPERIMENT_NAMES;
use wildling_core::quoted::Quoted;
use yew::prelude::*;

use wildling_web::event_value;
use wildling_web::worker::Answer;

use crate::pool::{workers_for, Pool, PoolMsg, Run};

/// The panel's props: where opening a seed goes.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Open a seed's run in the playground: the scenario's JSON text.
    pub open: Callback<String>,
}

/// What the panel's controls and workers report.
pub enum PanelMsg {
    /// Another built-in experiment.
    Name(String),
    /// The first seed, as typed.
    First(String),
    /// One past the last seed, as typed.
    End(String),
    /// Start a run.
    Run,
    /// Stop it.
    Cancel,
    /// A worker answered.
    Pool(PoolMsg),
    /// A point is hovered or focused: its text.
    Hover(String),
    /// Open the run of a point: its configuration and seed.
    Open(usize, u64),
    /// The scenario a seed ran, or why not.
    Opened(Answer),
}

/// The panel's state.
pub struct Experiments {
    name: String,
    first: String,
    end: String,
    pool: Pool,
    run: Option<(Run, u64)>,
    started_ms: f64,
    elapsed_ms: f64,
    status: String,
    error: bool,
    /// The report's tables, as the worker sent them.
    tables: Value,
    /// Each chart's drawing, read through the whitelist, and the chart.
    charts: Vec<(Element, Value)>,
    hover: String,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

fn measure(name: &str, start: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_measures_with_measure_name(name);
        let _ = p.measure_with_start_mark(name, start);
    }
}

/// The chart point an event happened on: its element, if any.
fn point_of(e: &Event) -> Option<web_sys::Element> {
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest(".point").ok()?
}

/// The texts of a JSON list (what is not text is left out).
fn texts(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// A table the worker sent (`experiment::Table` as JSON) as HTML, its
/// cells as text.
fn table_html(t: &Value, testid: &'static str) -> Html {
    html! {
        <table class="small" data-testid={testid}>
            <caption>{ t["title"].as_str().unwrap_or_default() }</caption>
            <thead><tr>{ for texts(&t["columns"]).map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
            <tbody>{ for t["rows"].as_array().into_iter().flatten().map(|r| html! {
                <tr>{ for texts(r).map(|c| html! { <td>{ c }</td> }) }</tr>
            }) }</tbody>
        </table>
    }
}

impl Experiments {
    fn seeds(&self) -> Result<(u64, u64), String> {
        let parse = |what: &str, text: &str| {
            text.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what}: a whole number, not {}", Quoted(text)))
        };
        let first = parse("first seed", &self.first)?;
        let end = parse("end seed", &self.end)?;
        if end <= first {
            return Err(format!(
                "seeds {first}..{end} hold no seed; the end is excluded"
            ));
        }
        Ok((first, end))
    }

    fn fail(&mut self, why: String) {
        self.pool.cancel();
        self.run = None;
        self.status = why;
        self.error = true;
    }

    fn report(&mut self, body: &Value) -> Result<(), String> {
        let report = body.get("report").ok_or("the worker sent no report")?;
        self.tables = report["tables"].clone();
        self.charts = report["charts"]
            .as_array()
            .ok_or("the report has no charts")?
            .iter()
            .map(|c| Ok((from_wire(&c["svg"]).map_err(|e| e.to_string())?, c.clone())))
            .collect::<Result<_, String>>()?;
        Ok(())
    }
}

impl Component for Experiments {
    type Message = PanelMsg;
    type Properties = Props;

    fn create(_: &Context<Self>) -> Self {
        let cores = web_sys::window().map_or(0.0, |w| w.navigator().hardware_concurrency());
        Experiments {
            name: BUILTIN_EXPERIMENT_NAMES[1].to_string(),
            first: "0".to_string(),
            end: "100".to_string(),
            pool: Pool::new(workers_for(cores)),
            run: None,
            started_ms: 0.0,
            elapsed_ms: 0.0,
            status: String::new(),
            error: false,
            tables: Value::Null,
            charts: Vec::new(),
            hover: String::new(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: PanelMsg) -> bool {
        match msg {
            PanelMsg::Name(name) => self.name = name,
            PanelMsg::First(text) => self.first = text,
            PanelMsg::End(text) => self.end = text,
            PanelMsg::Run => {
                let (first, end) = match self.seeds() {
                    Ok(seeds) => seeds,
                    Err(why) => {
                        self.status = why;
                        self.error = true;
                        return true;
                    }
                };
                self.tables = Value::Null;
                self.charts.clear();
                self.hover.clear();
                self.error = false;
                self.status = "starting the workers…".to_string();
                self.started_ms = now_ms();
                mark("experiment-start");
                let experiment =
                    json!({"builtin": self.name, "seeds": {"first": first, "end": end}});
                let on = ctx.link().callback(PanelMsg::Pool);
                self.run = Some(self.pool.start(experiment, end - first, &on));
            }
            PanelMsg::Cancel => {
                self.pool.cancel();
                self.run = None;
                self.status = "cancelled".to_string();
                self.error = false;
            }
            PanelMsg::Pool(PoolMsg::Chunk {
                generation,
                worker,
                range,
                answer,
            }) => {
                if !self.pool.current(generation) {
                    return false;
                }
                let Some((run, _)) = self.run.as_mut() else {
                    return false;
                };
                let asks = match answer {
                    Answer::Done(body) => run.answered(worker, range, &body),
                    Answer::Failed(why) => Err(why),
                    Answer::Progress(_) => return false,
                };
                match asks {
                    Ok(asks) => {
                        let elapsed_s = (now_ms() - self.started_ms) / 1000.0;
                        let total = run.total.unwrap_or(0);
                        self.status = match run.eta_s(elapsed_s) {
                            Some(eta) => {
                                format!("{} of {total} runs, about {eta:.1} s left", run.done)
                            }
                            None if run.done == total => {
                                format!("{total} runs; drawing the charts…")
                            }
                            None => format!("0 of {total} runs"),
                        };
                        let on = ctx.link().callback(PanelMsg::Pool);
                        for ask in asks {
                            self.pool.post(ask, &on);
                        }
                    }
                    Err(why) => self.fail(why),
                }
            }
            PanelMsg::Pool(PoolMsg::Report { generation, answer }) => {
                if !self.pool.current(generation) {
                    return false;
                }
                let shown = match answer {
                    Answer::Done(body) => self.report(&body),
                    Answer::Failed(why) => Err(why),
                    Answer::Progress(_) => return false,
                };
                match shown {
                    Ok(()) => {
                        measure("experiment", "experiment-start");
                        self.elapsed_ms = now_ms() - self.started_ms;
                        let total = self.run.as_ref().and_then(|(r, _)| r.total).unwrap_or(0);
                        self.status = format!(
                            "{total} runs in {:.2} s on {} workers",
                            self.elapsed_ms / 1000.0,
                            self.pool.size()
                        );
                        self.run = None;
                        self.pool.rest();
                    }
                    Err(why) => self.fail(why),
                }
            }
            PanelMsg::Hover(text) => {
                if self.hover == text {
                    return false;
                }
                self.hover = text;
            }
            PanelMsg::Open(configuration, seed) => {
                self.status = format!("opening seed {seed}…");
                let link = ctx.link().clone();
                self.pool.open_seed(configuration, seed, move |a| {
                    link.send_message(PanelMsg::Opened(a))
                });
            }
            PanelMsg::Opened(answer) => {
                let text = match &answer {
                    Answer::Done(body) => body
                        .get("scenario")
                        .and_then(|s| s.get("text"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .ok_or_else(|| "the worker sent no scenario".to_string()),
                    Answer::Failed(why) => Err(why.clone()),
                    Answer::Progress(_) => return false,
                };
                match text {
                    Ok(text) => {
                        self.status = "opened in the playground".to_string();
                        self.error = false;
                        ctx.props().open.emit(text);
                    }
                    Err(why) => {
                        self.status = why;
                        self.error = true;
                    }
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let running = self.run.is_some();
        let fraction = self
            .run
            .as_ref()
            .map_or(if self.charts.is_empty() { 0.0 } else { 1.0 }, |(r, _)| {
                r.fraction()
            });
        let hover = link.batch_callback(|e: MouseEvent| {
            point_of(&e)
                .and_then(|p| p.get_attribute("aria-label"))
                .map(PanelMsg::Hover)
        });
        let focus = link.batch_callback(|e: FocusEvent| {
            point_of(&e)
                .and_then(|p| p.get_attribute("aria-label"))
                .map(PanelMsg::Hover)
        });
        let open_point = |p: &web_sys::Element| {
            let number = |name: &str| p.get_attribute(name).and_then(|v| v.parse::<u64>().ok());
            Some(PanelMsg::Open(
                number("data-configuration")? as usize,
                number("data-seed")?,
            ))
        };
        let click =
            link.batch_callback(move |e: MouseEvent| point_of(&e).and_then(|p| open_point(&p)));
        let key = link.batch_callback(move |e: KeyboardEvent| {
            if e.key() != "Enter" && e.key() != " " {
                return None;
            }
            let p = point_of(&e)?;
            e.prevent_default();
            open_point(&p)
        });
        html! {
            <section class="panel experiments" data-testid="experiments">
                <div class="row small">
                    <label>{ "Experiment " }
                        <select data-testid="experiment-name" disabled={running}
                            onchange={link.callback(|e: Event| PanelMsg::Name(event_value(&e)))}>
                            { for BUILTIN_EXPERIMENT_NAMES.iter().map(|n| html! {
                                <option value={*n} selected={*n == self.name}>{ *n }</option>
                            }) }
                        </select>
                    </label>
                    <label>{ " seeds " }
                        <input type="number" min="0" class="narrow" data-testid="experiment-first" value={self.first.clone()}
                            disabled={running} oninput={link.callback(|e: InputEvent| PanelMsg::First(event_value(&e)))} />
                    </label>
                    <label>{ " to " }
                        <input type="number" min="1" class="narrow" data-testid="experiment-end" value={self.end.clone()}
                            disabled={running} oninput={link.callback(|e: InputEvent| PanelMsg::End(event_value(&e)))} />
                    </label>
                    <button data-testid="experiment-run" disabled={running} onclick={link.callback(|_| PanelMsg::Run)}>{ "Run" }</button>
                    <button data-testid="experiment-cancel" disabled={!running} onclick={link.callback(|_| PanelMsg::Cancel)}>{ "Cancel" }</button>
                </div>
                <progress data-testid="experiment-progress" max="1" value={fraction.to_string()} aria-label="Runs done"></progress>
                <span class={classes!("small", self.error.then_some("error"))} role="status" data-testid="experiment-status">{ &self.status }</span>
                { for self.charts.iter().map(|c| html! {
                    <figure class="chart" data-testid="chart">
                        <figcaption>{ c.1["title"].as_str().unwrap_or_default() }</figcaption>
                        <div onmouseover={hover.clone()} onfocusin={focus.clone()} onclick={click.clone()} onkeydown={key.clone()}>
                            { wildling_web::svg_html(&c.0, &|_| None) }
                        </div>
                        <details>
                            <summary>{ "The chart as a table" }</summary>
                            { table_html(&c.1["table"], "chart-table") }
                        </details>
                    </figure>
                }) }
                if !self.charts.is_empty() {
                    <p class="small mono" aria-live="polite" data-testid="chart-hover">{ &self.hover }</p>
                }
                { for self.tables.as_array().into_iter().flatten().map(|t| table_html(t, "experiment-table")) }
            </section>
        }
    }
}

//! The guided tutorials: a picker, the narration of the current step with
//! Next and Back, and, for the DVVSet tutorial, the kernel's clocks after the
//! step's operation. Steps are opened by the App through deterministic
//! replay (`Tutorial::session`); everything shown comes from the tutorial data.

use std::rc::Rc;

use wildling_core::tutorial::narration::{spans, Mark};
use wildling_core::tutorial::{Tutorial, Verdict, BUILTIN_INDEX};
use yew::prelude::*;

use super::{click, event_value};
use crate::msg::{Msg, ShareMsg};

/// The open tutorial.
#[derive(Clone, Debug, PartialEq)]
pub struct TutorialState {
    /// The tutorial.
    pub tutorial: Rc<Tutorial>,
    /// The step shown, from 0.
    pub step: usize,
    /// Whether it is a built-in opened by id (else it came as a file, a
    /// link or a postMessage, and links carry it whole).
    pub builtin: bool,
    /// The text it was read from: what a link carries (the page keeps no
    /// tutorial writer).
    pub text: Rc<str>,
}

/// What the tutorial panel shows.
pub struct Props<'a> {
    /// Whether a tutorial (the one the address names, or one asked for) is
    /// being fetched or read.
    pub loading: bool,
    /// The open tutorial, if any.
    pub state: Option<&'a TutorialState>,
    /// The verdicts of the open step's assertions on the cluster shown,
    /// from the core (`Tutorial::verdicts`).
    pub verdicts: Vec<Verdict>,
    /// The steps the learner may visit (from 0, both included).
    pub range: (usize, usize),
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// The tutorial picker and narration. A function, not a component: it is
/// small, and a component costs the shipped app its own machinery.
pub fn tutorial_panel(props: &Props) -> Html {
    let on = &props.on;
    let pick = on.reform(|e: Event| {
        let id = event_value(&e);
        Msg::Share(ShareMsg::Tutorial((!id.is_empty()).then_some(id)))
    });
    let open = props.state.map_or("", |s| s.tutorial.id.as_str());
    let picker = html! {
        <select onchange={pick} aria-label="Guided tutorial" data-testid="tutorial-picker">
            <option value="" selected={open.is_empty()}>{ "Guided tutorials…" }</option>
            { for BUILTIN_INDEX.iter().map(|&(id, title)| html! {
                <option value={id} selected={id == open}>{ title }</option>
            }) }
        </select>
    };
    if props.loading {
        return html! {
            <section class="tutorial-picker" aria-label="Guided tutorials">
                { picker }
                <span class="small muted" role="status" data-testid="tutorial-loading">{ "Loading…" }</span>
            </section>
        };
    }
    let Some(state) = props.state else {
        return html! { <section class="tutorial-picker" aria-label="Guided tutorials">{ picker }</section> };
    };
    let t = &state.tutorial;
    let Some(step) = t.steps.get(state.step) else {
        return html! { <section class="tutorial-picker" aria-label="Guided tutorials">{ picker }</section> };
    };
    let (lo, hi) = props.range;
    let at = state.step;
    let back = click(
        on,
        |n| Msg::Share(ShareMsg::TutorialStep(n)),
        at.saturating_sub(1),
    );
    let next = click(on, |n| Msg::Share(ShareMsg::TutorialStep(n)), at + 1);
    let close = click(on, |()| Msg::Share(ShareMsg::Tutorial(None)), ());
    html! {
        <section class="panel tutorial" aria-labelledby="tutorial-title" data-testid="tutorial">
            <div class="tutorial-head">
                { picker }
                <h2 id="tutorial-title">{ &t.title }</h2>
                <button onclick={close} aria-label="Close the tutorial">{ "×" }</button>
            </div>
            <p class="muted small">{ &t.summary }</p>
            <h3 data-testid="tutorial-step-title">{ &step.title }</h3>
            <p class="narration" data-testid="narration">{ narration(&step.narration) }</p>
            if !step.try_this.is_empty() {
                <ul class="try small" aria-label="Try this" data-testid="tutorial-try">
                    { for step.try_this.iter().map(|p| html! { <li>{ p }</li> }) }
                </ul>
            }
            if !props.verdicts.is_empty() {
                <ul class="verdicts small" aria-label="What this step claims" data-testid="tutorial-verdicts">
                    { for props.verdicts.iter().map(verdict) }
                </ul>
            }
            if let Some(k) = &step.kernel {
                <table class="kernel mono small" data-testid="kernel-step">
                    <tr><th>{ "operation" }</th><td>{ &k.operation }</td></tr>
                    <tr><th>{ "result" }</th><td>{ &k.result }</td></tr>
                    <tr><th>{ "DVV (paper)" }</th><td>{ &k.dvv }</td></tr>
                    <tr><th>{ "DVVSet" }</th><td>{ &k.dvvset }</td></tr>
                </table>
            }
            <div class="tutorial-nav">
                <button onclick={back} disabled={at <= lo} data-testid="tutorial-back">{ "◀ Back" }</button>
                <span class="small" data-testid="tutorial-progress">{ format!("step {} of {} · t={}", at + 1, t.steps.len(), step.until_ticks) }</span>
                <button class="primary" onclick={next} disabled={at >= hi} data-testid="tutorial-next">{ "Next ▶" }</button>
            </div>
        </section>
    }
}

/// One assertion's verdict: green when the cluster shows what the step
/// claims, red with what it shows instead.
fn verdict(v: &Verdict) -> Html {
    let (class, mark, text) = if v.passed {
        ("pass", "✓", format!("{}: {}", v.subject, v.expected))
    } else {
        (
            "fail",
            "✗",
            format!("{}: expected {}, shows {}", v.subject, v.expected, v.actual),
        )
    };
    html! {
        <li class={class} data-testid="verdict" data-passed={v.passed.to_string()}>
            <span aria-hidden="true">{ mark }</span>{ " " }{ text }
        </li>
    }
}

/// A narration's spans as text nodes, code and bold in their elements: the
/// author's text is never parsed as HTML.
fn narration(text: &str) -> Html {
    spans(text)
        .into_iter()
        .map(|span| match span.mark {
            Mark::Plain => html! { { span.text } },
            Mark::Code => html! { <code>{ span.text }</code> },
            Mark::Bold => html! { <strong>{ span.text }</strong> },
        })
        .collect()
}

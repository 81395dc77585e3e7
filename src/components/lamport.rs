//! The space-time (Lamport) diagram: one lane per node and client, time
//! flowing right, an arrow per message from send to receipt, live.

use std::rc::Rc;

use wildling_core::drawing::lamport::{lamport as draw, Frame, Highlight, Pick, WIDTH};
use wildling_core::view::LamportView;
use yew::prelude::*;

use super::facts::{messages, row, table, Facts, MESSAGE_HEADERS};
use super::{svg_html, svg_point, Shared};
use crate::msg::{Msg, Selection};

/// The diagram's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// What to draw.
    pub view: Shared<LamportView>,
    /// The window's start, in ticks.
    pub from: u64,
    /// The window's end, in ticks.
    pub to: u64,
    /// The animation's clock.
    pub now: f64,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// What the diagram highlights for `selection`.
fn highlight(selection: Selection) -> Highlight {
    match selection {
        Selection::Message(id) => Highlight::Message(id),
        Selection::Op(op) => Highlight::Op(op),
        Selection::Violation { at, missed } => Highlight::Violation { at, missed },
        _ => Highlight::None,
    }
}

/// The space-time diagram: the core draws it
/// (`wildling_core::drawing::lamport`), the page adds the click that picks
/// the mark or arrow under it.
#[function_component(Lamport)]
pub fn lamport(props: &Props) -> Html {
    let frame = Frame {
        from: props.from,
        to: props.to,
        now: props.now,
    };
    let drawing = Rc::new(draw(&props.view, frame, highlight(props.selection)));
    let pick = {
        let (on, drawing) = (props.on.clone(), drawing.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(p) = svg_point(&e, WIDTH, drawing.height) else {
                return;
            };
            match drawing.pick(p) {
                Some(Pick::Op(op)) => on.emit(Msg::Select(Selection::Op(op))),
                Some(Pick::Message(id)) => on.emit(Msg::Select(Selection::Message(id))),
                None => {}
            }
        })
    };
    let svg = svg_html(&drawing.svg, &|e| {
        (e.get("data-testid") == Some("arrows")).then(|| pick.clone())
    });
    let tables = {
        let (view, on) = (props.view.clone(), props.on.clone());
        Callback::from(move |()| lamport_tables(&view, &on))
    };
    html! {
        <section class="panel lamport" aria-labelledby="lamport-title">
            <h2 id="lamport-title">{ format!("Space-time diagram · t={}…{}", props.from, props.to) }</h2>
            { svg }
            <Facts summary="The diagram as tables" testid="lamport-facts" tables={tables} />
        </section>
    }
}

/// The space-time diagram's text alternative: its messages, and its events
/// in time order.
fn lamport_tables(v: &LamportView, on: &Callback<Msg>) -> Html {
    let events = v.events();
    let mut events = events.iter().map(|e| {
        row(
            html! { format!("t={}", e.at) },
            &[
                e.lane
                    .map_or_else(|| "whole network".to_string(), |l| l.to_string()),
                e.what.to_string(),
            ],
        )
    });
    html! { <>
        { table("Messages", &MESSAGE_HEADERS, &mut messages(&v.arrows, on), "none in this window") }
        { table("Events: operations, crashes, restarts and faults", &["time", "lane", "what"], &mut events, "none in this window") }
    </> }
}

//! The consistency checker's verdict: lost writes, false conflicts, keys
//! whose replicas have not converged and broken session guarantees, with
//! stale reads as information. Each finding names the operations involved;
//! clicking one selects it in every view, and a session guarantee's "show"
//! selects the pair the space-time diagram connects: the operation where it
//! broke and the write it missed. In compare mode the verdict of the
//! compared run stands beside it.

use std::rc::Rc;

use wildling_core::view::{CheckView, Finding, FindingKind};
use yew::prelude::*;

use super::{class_list, click, markup};
use crate::msg::{Msg, Selection};

/// What the checker panel shows.
pub struct Props {
    /// The verdict on the session's run.
    pub view: Rc<CheckView>,
    /// The verdict on the compared run, in compare mode.
    pub shadow: Option<Rc<CheckView>>,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// The kinds in the order they are listed, with a heading each.
const KINDS: [(FindingKind, &str); 3] = [
    (FindingKind::LostWrite, "lost writes"),
    (FindingKind::FalseConflict, "false conflicts"),
    (FindingKind::NonConverged, "non-converged keys"),
];

fn finding(f: &Finding, selection: Selection, on: &Callback<Msg>) -> Html {
    let pair = f
        .pair
        .map(|(at, missed)| Selection::Violation { at, missed });
    let selected = f.ops.iter().any(|op| selection == Selection::Op(*op))
        || pair.is_some_and(|pair| pair == selection);
    let show = f.pair.map(|(at, missed)| {
        let pair = Selection::Violation { at, missed };
        html! {
            <button class={class_list(&[Some("show-pair"), (selection == pair).then_some("selected")])} onclick={click(on, Msg::Select, pair)}
                aria-label={format!("show on diagram: {at} and the write it missed, {missed}")}
                aria-pressed={(selection == pair).to_string()} data-testid="finding-show">{ "show on diagram" }</button>
        }
    });
    let ops = f.ops.iter().map(|&op| {
        let select = click(on, Msg::Select, Selection::Op(op));
        html! {
            <button class={class_list(&[Some("op-link"), (selection == Selection::Op(op)).then_some("selected")])} onclick={select}
                aria-label={format!("Select operation {op}")} data-testid="finding-op">{ op.to_string() }</button>
        }
    });
    html! {
        <li class={class_list(&[Some("finding"), Some(f.kind.name()), selected.then_some("selected")])} data-testid={format!("finding-{}", f.kind.name())}>
            <span class="mono small">{ f.text.clone() }</span>{ " " }{ for ops }{ for show }
        </li>
    }
}

fn verdict(
    view: &CheckView,
    selection: Selection,
    on: &Callback<Msg>,
    testid: &'static str,
) -> Html {
    let mut counts: Vec<String> = KINDS
        .iter()
        .map(|(kind, name)| format!("{} {name}", view.count(*kind)))
        .collect();
    counts.push(format!("{} broken session guarantees", view.sessions()));
    counts.push(format!(
        "{} stale reads (information)",
        view.count(FindingKind::StaleRead)
    ));
    let bad = view
        .findings
        .iter()
        .any(|f| f.kind != FindingKind::StaleRead);
    html! {
        <div class={class_list(&[Some("verdict"), bad.then_some("bad")])} data-testid={testid}>
            <p class="small">
                <b>{ view.mode.name() }</b>{ ": " }
                <span data-testid="check-counts">{ counts.join(" · ") }</span>
                <span class="muted">{ if view.quiet { " · final: the run is quiet" } else { " · so far: replication may still be under way" } }</span>
            </p>
            if view.findings.is_empty() {
                <p class="muted small" data-testid="check-clean">{ "No finding: every acknowledged write is kept, and the replicas agree." }</p>
            } else {
                <ul class="findings">
                    { for view.findings.iter().map(|f| finding(f, selection, on)) }
                </ul>
            }
        </div>
    }
}

/// The checker panel. A function, not a component: it is
/// small, and a component costs the shipped app its own machinery.
pub fn checker_panel(props: &Props) -> Html {
    html! {
        <section class="panel checker" aria-labelledby="checker-title">
            { markup("<h2 id=\"checker-title\">Consistency checker</h2>\
                <p class=\"muted small\">The model's checker over the history and the replicas' clocks. \
                Click an operation to select it everywhere.</p>") }
            { verdict(&props.view, props.selection, &props.on, "check-verdict") }
            if let Some(shadow) = &props.shadow {
                { verdict(shadow, props.selection, &props.on, "check-verdict-compare") }
            }
        </section>
    }
}

//! Compare mode: the same scenario and the same actions under a second
//! causality mode, side by side, with the operations whose outcome differs
//! highlighted.

use std::rc::Rc;

use wildling_core::causality::CausalityMode;
use wildling_core::view::{CompareRow, KeyView};
use yew::prelude::*;

use super::{class_list, event_value, markup};
use crate::msg::Msg;

/// What the compare panel shows.
pub struct Props {
    /// The session's mode.
    pub mode: CausalityMode,
    /// The mode compared against, if compare mode is on.
    pub other: Option<CausalityMode>,
    /// The operations of both runs.
    pub rows: Option<Rc<Vec<CompareRow>>>,
    /// The inspected key in the compared run.
    pub inspected: Option<Rc<KeyView>>,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// The compare panel. A function, not a component: it is
/// small, and a component costs the shipped app its own machinery.
pub fn compare_panel(props: &Props) -> Html {
    let choose = props
        .on
        .reform(|e: Event| Msg::Compare(event_value(&e).parse().ok()));
    let differing = props
        .rows
        .as_ref()
        .map_or(0, |rows| rows.iter().filter(|r| r.differs).count());
    html! {
        <section class="panel compare" aria-labelledby="compare-title">
            { markup("<h2 id=\"compare-title\">Compare mode</h2>") }
            <label class="inline">{ format!("Run the same history under {} and ", props.mode) }
                <select aria-label="Compare with causality mode" onchange={choose} data-testid="compare-mode">
                    <option value="" selected={props.other.is_none()}>{ "(off)" }</option>
                    { for CausalityMode::ALL.iter().map(|m| html! {
                        <option value={m.name()} selected={props.other == Some(*m)}>{ m.name() }</option>
                    }) }
                </select>
            </label>
            if let (Some(rows), Some(other)) = (&props.rows, props.other) {
                <p class="small" data-testid="compare-summary">{ format!("{differing} operation(s) end differently under {other}.") }</p>
                <table class="compare-table" data-testid="compare-table">
                    <thead><tr><th>{ "Operation" }</th><th>{ props.mode.name() }</th><th>{ other.name() }</th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! {
                            <tr key={r.op.0} class={class_list(&[r.differs.then_some("differs")])} data-testid={if r.differs { "compare-differs" } else { "compare-row" }}>
                                <td>{ format!("{} {} {}", r.op, r.by, r.input) }</td>
                                <td class="mono">{ r.left.clone() }</td>
                                <td class="mono">{ r.right.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if let Some(key) = &props.inspected {
                    <h3>{ format!("{} under {other}", key.key) }</h3>
                    if let Some(text) = &key.explanation {
                        <p class="explanation small" data-testid="compare-explanation">{ text.clone() }</p>
                    }
                    <ul class="compare-replicas small">
                        { for key.replicas.iter().map(|r| html! {
                            <li key={r.node.0}><b>{ r.node.to_string() }</b>{ " " }
                                <span class="mono">{ r.clock.clone().unwrap_or_else(|| "—".into()) }</span></li>
                        }) }
                    </ul>
                }
            }
        </section>
    }
}

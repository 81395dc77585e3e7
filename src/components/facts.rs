//! A diagram's text alternative: the facts it draws, as tables a screen
//! reader walks cell by cell, in a disclosure under the drawing. The ring,
//! the network and the space-time diagram each have one, cut from the same
//! core view as the drawing (nothing here computes a protocol result; it
//! only writes the view's values as text).
//!
//! The tables are built only while the disclosure is open: a closed one costs
//! a playing cluster nothing per frame, an open one follows the model as the
//! drawing does. Each table lists at most [`ROWS_MAX`] rows.

use wildling_core::view::MessageView;
use yew::prelude::*;

use super::{click, use_text};
use crate::msg::{Msg, Selection};

/// The most rows a table lists; it says how many it left out. A busy
/// cluster has about 1,500 messages in flight: a table of them all would cost
/// a frame to build on every frame and bury the first rows a reader wants.
pub const ROWS_MAX: usize = 100;

/// A text alternative's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The disclosure's label.
    pub summary: &'static str,
    /// The disclosure's test id.
    pub testid: &'static str,
    /// Draws the tables; called only while the disclosure is open.
    pub tables: Callback<(), Html>,
}

/// The disclosure holding a diagram's tables.
#[function_component(Facts)]
pub fn facts(props: &Props) -> Html {
    // Open when it holds any text: a `use_text` state, not a state of its
    // own type (each state type is its own hook code in the shipped app).
    let open = use_text(String::new());
    let toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            if let Some(details) = e.target_dyn_into::<web_sys::Element>() {
                let shown = if details.has_attribute("open") {
                    "open"
                } else {
                    ""
                };
                open.set(shown.to_string());
            }
        })
    };
    html! {
        <details class="facts small" data-testid={props.testid} ontoggle={toggle}>
            <summary>{ props.summary }</summary>
            if !open.is_empty() { { props.tables.emit(()) } }
        </details>
    }
}

/// A table captioned `caption`, a column per header, a row per item of
/// `rows` (at most [`ROWS_MAX`]); a line saying `empty` when there are none.
/// The rows come as a trait object so that one copy of this serves every
/// table (the shipped app's size).
pub fn table(
    caption: &str,
    headers: &[&str],
    rows: &mut dyn ExactSizeIterator<Item = Html>,
    empty: &str,
) -> Html {
    let count = rows.len();
    if count == 0 {
        return html! { <p class="muted">{ format!("{caption}: {empty}") }</p> };
    }
    html! {
        <table class="facts-table">
            <caption>{ caption }
                if count > ROWS_MAX { { format!(" (the first {ROWS_MAX} of {count})") } }</caption>
            <thead><tr>{ for headers.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
            <tbody>{ for rows.take(ROWS_MAX) }</tbody>
        </table>
    }
}

/// A row headed by `head`, then `cells`.
pub fn row(head: Html, cells: &[String]) -> Html {
    html! {
        <tr><th scope="row">{ head }</th>{ for cells.iter().map(|c| html! { <td>{ c }</td> }) }</tr>
    }
}

/// The headers of [`messages`]' rows.
pub const MESSAGE_HEADERS: [&str; 6] = ["message", "kind", "from", "to", "sent", "fate"];

/// A row per message; its id is a button that selects it (the message
/// inspector then shows what it carries), as a click on its drawing does.
pub fn messages<'a>(
    list: &'a [MessageView],
    on: &'a Callback<Msg>,
) -> impl ExactSizeIterator<Item = Html> + 'a {
    list.iter().map(move |m| {
        let select = click(on, Msg::Select, Selection::Message(m.id));
        row(
            html! { <button class="link-button" onclick={select}>{ m.id.to_string() }</button> },
            &[
                m.kind.to_string(),
                m.from.to_string(),
                m.to.to_string(),
                format!("t={}", m.sent_at),
                m.fate.to_string(),
            ],
        )
    })
}

//! The client panel: several clients, each remembering the context of its
//! last get; Put and Get with a coordinator, a context and per-request R/W;
//! and every operation's outcome as the model reports it.

use wildling_core::ids::Addr;
use wildling_core::node::{client, ContextChoice};
use wildling_core::scenario::{GetSpec, PutSpec, TimelineEntry};
use wildling_core::view::{ClientView, OpStatus, OpView};
use wildling_core::NodeId;
use yew::prelude::*;

use super::{
    bind_select, class_list, click, inline_error, markup, node_options, parse_number,
    parse_optional, shown_error, text_field, use_text, Input, Shared, TEXT,
};
use crate::msg::{Msg, Selection};

/// The client panel's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The clients and their contexts for the inspected key.
    pub clients: Shared<Vec<ClientView>>,
    /// Every operation so far.
    pub ops: Shared<Vec<OpView>>,
    /// How many nodes the cluster has.
    pub nodes: u16,
    /// The inspected key.
    pub inspected: String,
    /// Why the model refused the last action.
    pub error: Option<String>,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// The panel's title and how to make siblings, as [`markup`].
const HOWTO: &str = "<h2 id=\"clients-title\">Clients</h2><details class=\"howto\" open><summary>How do I make siblings?</summary>\
<ol class=\"small\"><li>Faults: put n3 in G2 and press Split into groups.</li>\
<li>As c1, put a value via n1; as c2, put another via n3.</li>\
<li>Press Heal all, then Get as c1: two siblings come back.</li>\
<li>Put as c1 with context \"last read\": one value is left.</li></ol></details>";

/// A per-request quorum's input: empty means the cluster's.
const QUORUM: Input = Input {
    mode: Some("numeric"),
    placeholder: Some("cluster's"),
    ..TEXT
};

/// How many results are listed.
const RESULTS: usize = 40;

fn op_result(op: &OpView, selection: Selection, on: &Callback<Msg>) -> Html {
    let id = op.id;
    let select = click(on, Msg::Select, Selection::Op(id));
    let class = match op.status {
        OpStatus::Pending => "pending",
        OpStatus::Got { .. } | OpStatus::Put => "ok",
        OpStatus::QuorumFailed { .. } | OpStatus::Timeout => "bad",
    };
    let body = match &op.status {
        OpStatus::Got { values, context } => html! {
            <>
                <div class="values">
                    { for values.iter().map(|v| html! { <span class="sibling" data-testid="sibling">{ v.clone() }</span> }) }
                    if values.is_empty() { <span class="muted">{ "no value" }</span> }
                </div>
                <div class="mono small">{ format!("context {context}") }</div>
            </>
        },
        _ => html! {},
    };
    html! {
        <li key={id.0} class={class_list(&[Some("op"), Some(class), (selection == Selection::Op(id)).then_some("selected")])}
            onclick={select} data-testid="op-result" data-status={class}>
            <div><b>{ op.by.to_string() }</b>{ format!(" {} · t={} · ", op.input, op.invoked_at) }
                <span class={class_list(&[Some("outcome"), Some(class)])} data-testid="op-outcome">{ op.outcome_text() }</span></div>
            if let Some(ctx) = op.sent_context.as_ref().filter(|_| op.is_put) {
                <div class="mono small muted">{ format!("sent context {ctx}") }</div>
            }
            { body }
        </li>
    }
}

/// The submit handler of an operation form: build the timeline entry, then
/// send it to the model and inspect its key, or show why it cannot be built.
/// `build` is boxed so that both forms share this handler's code.
fn submit(
    on: &Callback<Msg>,
    key: &UseStateHandle<String>,
    error: &UseStateHandle<String>,
    build: Box<dyn Fn() -> Result<TimelineEntry, String>>,
) -> Callback<SubmitEvent> {
    let (on, key, error) = (on.clone(), key.clone(), error.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        match build() {
            Ok(entry) => {
                error.set(String::new());
                on.emit(Msg::InspectKey((*key).clone()));
                on.emit(Msg::Act(entry));
            }
            Err(text) => error.set(text),
        }
    })
}

/// The client panel.
#[function_component(ClientsPanel)]
pub fn clients_panel(props: &Props) -> Html {
    let client = use_text("1".to_string());
    let key = use_text(props.inspected.clone());
    let value = use_text(String::new());
    let put_node = use_text("1".to_string());
    let context = use_text("last-get".to_string());
    let edited = use_text(String::new());
    let w = use_text(String::new());
    let get_node = use_text("1".to_string());
    let r = use_text(String::new());
    let error = use_text(String::new());

    let entry = |client: &str| -> Result<TimelineEntry, String> {
        Ok(TimelineEntry {
            client: Some(parse_number("Client", client)?),
            ..TimelineEntry::default()
        })
    };
    let put = {
        let (client, key, value, put_node, context, edited, w) = (
            client.clone(),
            key.clone(),
            value.clone(),
            put_node.clone(),
            context.clone(),
            edited.clone(),
            w.clone(),
        );
        submit(
            &props.on,
            &key.clone(),
            &error,
            Box::new(move || {
                let context = match context.as_str() {
                    "none" => ContextChoice::None,
                    "edited" => client::parse_context(&edited)
                        .map_err(|e| format!("Edited context: {e}"))?,
                    _ => ContextChoice::LastGet,
                };
                let spec = PutSpec {
                    key: (*key).clone(),
                    value: (*value).clone(),
                    node: NodeId(parse_number("Coordinator", &put_node)?),
                    context,
                    w: parse_optional("W", &w)?,
                };
                Ok(TimelineEntry {
                    put: Some(spec),
                    ..entry(&client)?
                })
            }),
        )
    };
    let get = {
        let (client, key, get_node, r) = (client.clone(), key.clone(), get_node.clone(), r.clone());
        submit(
            &props.on,
            &key.clone(),
            &error,
            Box::new(move || {
                let spec = GetSpec {
                    key: (*key).clone(),
                    node: NodeId(parse_number("Node", &get_node)?),
                    r: parse_optional("R", &r)?,
                };
                Ok(TimelineEntry {
                    get: Some(spec),
                    ..entry(&client)?
                })
            }),
        )
    };
    let cards = props.clients.iter().map(|c| {
        let number = c.id.0.to_string();
        let active = *client == number;
        let choose = {
            let client = client.clone();
            Callback::from(move |_: MouseEvent| client.set(number.clone()))
        };
        let last = props.ops.iter().rev().find(|o| o.by == Addr::Client(c.id));
        html! {
            <li key={c.id.0} class={class_list(&[Some("client-card"), active.then_some("active")])}>
                <button class="link-button" onclick={choose} aria-pressed={active.to_string()} aria-label={format!("Act as client {}", c.id)}>
                    <b>{ c.id.to_string() }</b>
                </button>
                <span class="mono small" data-testid={format!("client-context-{}", c.id.0)}>
                    { match &c.last_context { Some(ctx) => format!("last read {}: {ctx}", props.inspected), None => format!("has not read {}", props.inspected) } }
                </span>
                if c.pending > 0 { <span class="badge">{ format!("{} pending", c.pending) }</span> }
                if let Some(op) = last { <span class="small muted">{ format!(" · last: {}", op.outcome_text()) }</span> }
            </li>
        }
    });
    let client_options = props.clients.iter().map(|c| {
        let v = c.id.0.to_string();
        html! { <option value={v.clone()} selected={*client == v}>{ c.id.to_string() }</option> }
    });
    let error_text = shown_error(&error).or(props.error.as_deref());
    html! {
        <section class="panel clients" aria-labelledby="clients-title">
            { markup(HOWTO) }
            <ul class="client-cards">{ for cards }</ul>
            <div class="grid-fields">
                <div class="field"><label for="op-client">{ "Client" }</label>
                    <select id="op-client" onchange={bind_select(&client)} data-testid="op-client">{ for client_options }</select></div>
                { text_field("field", "op-key", "Key", &key, Input { testid: Some("op-key"), ..TEXT }) }
            </div>
            <form class="grid-fields op-form" onsubmit={put} aria-label="Put">
                { text_field("field", "put-value", "Value", &value, Input { testid: Some("put-value"), ..TEXT }) }
                <div class="field"><label for="put-node">{ "Coordinator" }</label>
                    <select id="put-node" onchange={bind_select(&put_node)} data-testid="put-node">{ node_options(props.nodes, &put_node) }</select></div>
                <div class="field"><label for="put-context">{ "Context" }</label>
                    <select id="put-context" onchange={bind_select(&context)} data-testid="put-context">
                        <option value="last-get" selected={*context == "last-get"}>{ "last read" }</option>
                        <option value="none" selected={*context == "none"}>{ "none (blind write)" }</option>
                        <option value="edited" selected={*context == "edited"}>{ "edited…" }</option>
                    </select></div>
                { text_field("field", "put-w", "W (this put)", &w, QUORUM) }
                if *context == "edited" {
                    { text_field("field wide", "put-edited", "Edited context", &edited,
                        Input { class: Some("mono"), placeholder: Some("{n1:2, n3:1}"), ..TEXT }) }
                }
                <div class="field wide"><button type="submit" class="primary" data-testid="put">{ "Put" }</button></div>
            </form>
            <form class="grid-fields op-form" onsubmit={get} aria-label="Get">
                <div class="field"><label for="get-node">{ "Get from" }</label>
                    <select id="get-node" onchange={bind_select(&get_node)} data-testid="get-node">{ node_options(props.nodes, &get_node) }</select></div>
                { text_field("field", "get-r", "R (this get)", &r, QUORUM) }
                <div class="field wide"><button type="submit" class="primary" data-testid="get">{ "Get" }</button></div>
            </form>
            { inline_error(error_text, "action-error") }
            { markup("<h3>Results</h3>") }
            <ol class="results" aria-label="Operation results" reversed=true>
                { for props.ops.iter().rev().take(RESULTS).map(|op| op_result(op, props.selection, &props.on)) }
            </ol>
            if props.ops.is_empty() { { markup("<p class=\"muted small\">No operation yet.</p>") } }
        </section>
    }
}

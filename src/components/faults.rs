//! Fault controls: crash and restart nodes, split the nodes into groups, cut
//! or restore a link, set loss, duplication and latency, heal everything.
//! Every control becomes a fault of the model at the current time.

use wildling_core::sim::network::Fault;
use wildling_core::view::FaultsView;
use wildling_core::NodeId;
use yew::prelude::*;

use super::{
    bind_select, class_list, click, event_value, inline_error, markup, node_options, parse_decimal,
    parse_number, shown_error, text_field, use_text, Input, TEXT,
};
use crate::msg::{Msg, Selection};
use wildling_core::fixed_point::short;
use wildling_core::quoted::Quoted;

/// The fault panel's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The network's faults.
    pub network: FaultsView,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// A percentage's input.
const PERCENT: Input = Input {
    mode: Some("decimal"),
    ..TEXT
};

/// A latency's input, in ticks.
const TICKS: Input = Input {
    kind: Some("number"),
    ..TEXT
};

fn fault(on: &Callback<Msg>, fault: Fault) -> Callback<MouseEvent> {
    click(on, Msg::ActAll, vec![fault])
}

/// A percentage typed into `label`'s field, in parts per million. Either
/// refusal echoes the text [`Quoted`]: escaped, and capped however much
/// was typed or pasted.
fn per_million(label: &str, text: &str) -> Result<u32, String> {
    let typed = Quoted(text.trim());
    let percent = parse_decimal(text).ok_or_else(|| format!("{label}: {typed} is not a number"))?;
    if !(0.0..=100.0).contains(&percent) {
        return Err(format!(
            "{label}: {typed} is not a percentage from 0 to 100"
        ));
    }
    Ok((percent * 10_000.0).round() as u32)
}

/// The keyboard shortcuts, as [`markup`].
const SHORTCUTS: &str =
    "<details class=\"shortcuts\" open><summary>Keyboard shortcuts</summary><dl class=\"small\">\
<dt><kbd>Space</kbd></dt><dd>play / pause</dd>\
<dt><kbd>.</kbd></dt><dd>step one event</dd>\
<dt><kbd>←</kbd> <kbd>→</kbd></dt><dd>one event back / forward</dd>\
<dt><kbd>1</kbd>–<kbd>9</kbd></dt><dd>select node</dd>\
<dt><kbd>x</kbd> <kbd>r</kbd></dt><dd>crash / restart selected node</dd>\
<dt><kbd>i</kbd></dt><dd>isolate selected node</dd>\
<dt><kbd>h</kbd></dt><dd>heal all</dd>\
<dt><kbd>Esc</kbd></dt><dd>clear selection</dd></dl></details>";

/// The fault panel.
#[function_component(FaultsPanel)]
pub fn faults_panel(props: &Props) -> Html {
    let view = &props.network;
    let on = &props.on;
    let count = view.nodes.len();
    // Each node's group as a digit ('1' to '3'), one per node in order: a
    // `use_text` state, not a state of its own type (each state type is its
    // own hook code in the shipped app).
    let groups = use_text("1".repeat(count));
    let split_error = use_text(String::new());
    let o = &view.options;
    let drop = use_text(short(f64::from(o.drop_per_million) / 10_000.0, 4));
    let duplicate = use_text(short(f64::from(o.duplicate_per_million) / 10_000.0, 4));
    let latency_min = use_text(o.latency_ticks_min.to_string());
    let latency_max = use_text(o.latency_ticks_max.to_string());
    let network_error = use_text(String::new());
    let link_a = use_text("1".to_string());
    let link_b = use_text("2".to_string());
    let nodes = u16::try_from(count).unwrap_or(u16::MAX);

    let partitioned = view.partitioned();
    let rows = view.nodes.iter().enumerate().map(|(i, &(id, up, in_group))| {
        let set_group = {
            let groups = groups.clone();
            Callback::from(move |e: Event| {
                let mut next = groups.as_bytes().to_vec();
                next.resize(count, b'1');
                next[i] = match event_value(&e).as_str() {
                    "2" => b'2',
                    "3" => b'3',
                    _ => b'1',
                };
                groups.set(String::from_utf8(next).unwrap_or_default());
            })
        };
        let group = groups.as_bytes().get(i).map_or(1, |digit| digit - b'0');
        html! {
            <tr key={id.0} class={class_list(&[(props.selection == Selection::Node(id)).then_some("selected")])}>
                <th scope="row">{ id.to_string() }</th>
                <td class={if up { "ok" } else { "bad" }}>{ if up { "up" } else { "crashed" } }
                    if partitioned { <span class="muted">{ format!(" · in G{in_group}") }</span> }</td>
                <td>
                    if up {
                        <button onclick={fault(on, Fault::Crash(id))} aria-label={format!("Crash {id}")} data-testid={format!("crash-{}", id.0)}>{ "Crash" }</button>
                    } else {
                        <button onclick={fault(on, Fault::Restart(id))} aria-label={format!("Restart {id}")} data-testid={format!("restart-{}", id.0)}>{ "Restart" }</button>
                    }
                </td>
                <td>
                    <select aria-label={format!("Group of {id}")} onchange={set_group} data-testid={format!("group-{}", id.0)}>
                        { for (1..=3u8).map(|g| html! { <option value={g.to_string()} selected={g == group}>{ format!("G{g}") }</option> }) }
                    </select>
                </td>
            </tr>
        }
    });
    let split = {
        let groups = groups.clone();
        let split_error = split_error.clone();
        let nodes: Vec<NodeId> = view.nodes.iter().map(|n| n.0).collect();
        let on = on.clone();
        Callback::from(move |_: MouseEvent| {
            let parts: Vec<Vec<NodeId>> = (1..=3u8)
                .map(|g| {
                    nodes
                        .iter()
                        .zip(groups.bytes())
                        .filter(|(_, digit)| *digit == b'0' + g)
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                })
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() < 2 {
                split_error
                    .set("Put at least one node in another group (G2 or G3), then split.".into());
                return;
            }
            split_error.set(String::new());
            on.emit(Msg::ActAll(vec![Fault::Partition(parts)]));
        })
    };
    let link = match props.selection {
        Selection::Link(a, b) => {
            let ab = view.cut.contains(&(a, b));
            let ba = view.cut.contains(&(b, a));
            let state = match (ab, ba) {
                (true, true) => "cut both ways".to_string(),
                (true, false) => format!("{a} cannot reach {b}"),
                (false, true) => format!("{b} cannot reach {a}"),
                (false, false) => "whole".to_string(),
            };
            html! {
                <div class="link-box" data-testid="link-box">
                    <p><b>{ format!("Link {a}–{b}") }</b>{ format!(": {state}") }</p>
                    <button onclick={fault(on, Fault::Cut { a, b })} data-testid="cut-link">{ "Cut both ways" }</button>
                    <button onclick={fault(on, Fault::OneWay { from: a, to: b })}>{ format!("Cut {a}→{b}") }</button>
                    <button onclick={fault(on, Fault::OneWay { from: b, to: a })}>{ format!("Cut {b}→{a}") }</button>
                    <button onclick={click(on, Msg::ActAll, view.restore_link(a, b))}
                        disabled={!ab && !ba} data-testid="restore-link">{ "Restore" }</button>
                </div>
            }
        }
        _ => {
            markup("<p class=\"muted small\">Click a link in the cluster view to cut it (both ways or one way), or pick its ends here.</p>")
        }
    };
    let pick_link = {
        let (link_a, link_b, split_error) = (link_a.clone(), link_b.clone(), split_error.clone());
        let on = on.clone();
        Callback::from(
            move |_: MouseEvent| match (link_a.parse::<u16>(), link_b.parse::<u16>()) {
                (Ok(a), Ok(b)) if a != b => {
                    split_error.set(String::new());
                    on.emit(Msg::Select(Selection::Link(
                        NodeId(a.min(b)),
                        NodeId(a.max(b)),
                    )));
                }
                _ => split_error.set("A link joins two different nodes.".into()),
            },
        )
    };
    let apply_network = {
        let (drop, duplicate, latency_min, latency_max) = (
            drop.clone(),
            duplicate.clone(),
            latency_min.clone(),
            latency_max.clone(),
        );
        let network_error = network_error.clone();
        let on = on.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let parsed = (|| -> Result<Vec<Fault>, String> {
                Ok(vec![
                    Fault::SetDrop(per_million("Drop", &drop)?),
                    Fault::SetDuplicate(per_million("Duplicate", &duplicate)?),
                    Fault::SetLatency {
                        latency_ticks_min: parse_number("Latency min", &latency_min)?,
                        latency_ticks_max: parse_number("Latency max", &latency_max)?,
                    },
                ])
            })();
            match parsed {
                Ok(faults) => {
                    network_error.set(String::new());
                    on.emit(Msg::ActAll(faults));
                }
                Err(text) => network_error.set(text),
            }
        })
    };
    html! {
        <section class="panel faults" aria-labelledby="faults-title">
            { markup("<h2 id=\"faults-title\">Faults</h2>") }
            <table class="nodes-table">
                <thead><tr><th>{ "Node" }</th><th>{ "State" }</th><th><span class="sr-only">{ "Crash or restart" }</span></th><th>{ "Group" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <div class="row">
                <button onclick={split} data-testid="split">{ "Split into groups" }</button>
                <button class="primary" onclick={fault(on, Fault::Heal)} data-testid="heal" aria-label="Heal all partitions and cuts (h)">{ "Heal all" }</button>
            </div>
            <div class="row link-picker">
                <label class="inline">{ "Link " }
                    <select aria-label="Link from node" onchange={bind_select(&link_a)}>{ node_options(nodes, &link_a) }</select></label>
                <label class="inline">{ "–" }
                    <select aria-label="Link to node" onchange={bind_select(&link_b)}>{ node_options(nodes, &link_b) }</select></label>
                <button onclick={pick_link} data-testid="pick-link">{ "Select link" }</button>
            </div>
            { inline_error(shown_error(&split_error), "split-error") }
            { link }
            <form class="grid-fields" onsubmit={apply_network} aria-label="Network options">
                { text_field("field", "net-drop", "Drop %", &drop, PERCENT) }
                { text_field("field", "net-dup", "Duplicate %", &duplicate, PERCENT) }
                { text_field("field", "net-lmin", "Latency min", &latency_min, TICKS) }
                { text_field("field", "net-lmax", "Latency max", &latency_max, TICKS) }
                <div class="field wide">
                    { inline_error(shown_error(&network_error), "network-error") }
                    <button type="submit">{ "Apply network options" }</button>
                </div>
            </form>
            { markup(SHORTCUTS) }
        </section>
    }
}

//! The cluster and its network: nodes up, crashed or suspected (by some
//! node's failure detector), the hints each node holds, partition groups and
//! cut links, messages in flight moving along the links by virtual time,
//! coloured by kind, and lost messages marked where they died. Below the
//! drawing, each node's view of who is up.

use std::rc::Rc;

use wildling_core::ids::{Addr, MsgId};
use wildling_core::message::KINDS;
use wildling_core::sim::history::MessageFate;
use wildling_core::sim::network::DropReason;
use wildling_core::view::{MessageDetail, MessageView, NetworkView, NodeView};
use wildling_core::NodeId;
use yew::prelude::*;

use super::facts::{messages, row, table, Facts, MESSAGE_HEADERS};
use super::{
    class_list, click, cross_path, kind_color, kind_legend, markup, node_color, on_circle,
    svg_point,
};
use crate::msg::{Msg, Selection};

/// With more messages than this in flight the cluster is busy: its dots are
/// drawn without anti-aliasing (half the raster work), and the still panels
/// refresh less often while it plays.
pub const BUSY_IN_FLIGHT: usize = 200;

const C: f64 = 150.0;
const NODE_RING: f64 = 112.0;
const CLIENT_RING: f64 = 42.0;

/// Where an address is drawn.
fn place(addr: Addr, nodes: usize, clients: usize) -> (f64, f64) {
    match addr {
        Addr::Node(id) => on_circle(usize::from(id.0).saturating_sub(1), nodes, NODE_RING, C, C),
        Addr::Client(id) => on_circle(
            usize::from(id.0).saturating_sub(1),
            clients,
            CLIENT_RING,
            C,
            C,
        ),
    }
}

/// Append a dot at `(x, y)` (`M12.3,45.6h0`: a zero-length line, drawn round
/// by the stroke's caps), its coordinates written to one decimal as integers:
/// a busy frame writes thousands of dots, and float formatting and arcs cost
/// several times more to write and for the browser to parse.
fn dot(out: &mut String, (x, y): (f64, f64)) {
    use std::fmt::Write;
    let [x, y] = [x, y].map(|v| (v * 10.0).round().max(0.0) as u32);
    let _ = write!(out, "M{}.{},{}.{}h0", x / 10, x % 10, y / 10, y % 10);
}

/// `v` to one decimal (`12.3`), as an SVG coordinate: one function for
/// every coordinate the panel writes, not a formatting call at each.
fn tenths(v: f64) -> String {
    wildling_core::fixed_point::fixed(v, 1)
}

fn lerp(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// What the network panel shows.
pub struct Props {
    /// The cluster and its messages.
    pub view: Rc<NetworkView>,
    /// The animation's clock, in ticks.
    pub clock: f64,
    /// What is selected.
    pub selection: Selection,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

#[derive(Properties, PartialEq)]
struct LinksProps {
    /// Each node with its partition group.
    nodes: Vec<(NodeId, u32)>,
    cut: Vec<(NodeId, NodeId)>,
    selection: Selection,
    on: Callback<Msg>,
}

/// Every link between two nodes, marked when partitioned or cut. A separate
/// component, so that it re-renders only when the network changes.
#[function_component(Links)]
fn links(props: &LinksProps) -> Html {
    let count = props.nodes.len();
    let mut out = Vec::with_capacity(count * count / 2);
    for (i, &(a_id, a_group)) in props.nodes.iter().enumerate() {
        for &(b_id, b_group) in &props.nodes[i + 1..] {
            let (pa, pb) = (
                place(Addr::Node(a_id), count, 0),
                place(Addr::Node(b_id), count, 0),
            );
            let ab = props.cut.contains(&(a_id, b_id));
            let ba = props.cut.contains(&(b_id, a_id));
            let partitioned = a_group != b_group;
            let selected = props.selection == Selection::Link(a_id, b_id);
            let class = class_list(&[
                Some("link"),
                partitioned.then_some("partitioned"),
                (ab && ba).then_some("cut"),
                (ab != ba).then_some("one-way"),
                selected.then_some("selected"),
            ]);
            let (x1, y1, x2, y2) = (tenths(pa.0), tenths(pa.1), tenths(pb.0), tenths(pb.1));
            let select = click(&props.on, Msg::Select, Selection::Link(a_id, b_id));
            let label = format!("Link {a_id}–{b_id}");
            // A one-way cut is marked at the sender's end, where its messages die.
            let marker = if ab != ba {
                let at = if ab {
                    lerp(pa, pb, 0.25)
                } else {
                    lerp(pb, pa, 0.25)
                };
                html! { <text class="cut-mark" x={tenths(at.0)} y={tenths(at.1)}>{ "⊘" }</text> }
            } else if ab && ba {
                let at = lerp(pa, pb, 0.5);
                html! { <text class="cut-mark" x={tenths(at.0)} y={tenths(at.1)}>{ "✂" }</text> }
            } else {
                html! {}
            };
            out.push(html! {
                <g key={format!("{a_id}-{b_id}")} class={class} onclick={select} role="button" aria-label={label.clone()} data-testid={format!("link-{}-{}", a_id.0, b_id.0)}>
                    <title>{ format!("{label}: click to cut or restore") }</title>
                    <line class="hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()} />
                    <line class="wire" {x1} {y1} {x2} {y2} />
                    { marker }
                </g>
            });
        }
    }
    html! { <g class="links">{ for out }</g> }
}

/// The cluster view. A function, not a component: its messages move on every
/// frame of a run, so a component's props check would not save a render
/// (its links, which change rarely, are a component).
pub fn network_panel(props: &Props) -> Html {
    let view = &props.view;
    let (nodes, clients) = (view.nodes.len(), view.clients.len());
    let radius = (14.0 - nodes as f64 / 4.0).max(5.0);
    let partitioned = view.nodes.iter().any(|n| n.group != view.nodes[0].group);
    let node_marks = view.nodes.iter().map(|n| {
        let (x, y) = place(Addr::Node(n.id), nodes, clients);
        let id = n.id;
        let select = click(&props.on, Msg::Select, Selection::Node(id));
        // Enter selects a focused node, as a click does.
        let select_key = {
            let on = props.on.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    on.emit(Msg::Select(Selection::Node(id)));
                }
            })
        };
        let selected = props.selection == Selection::Node(id);
        let suspected = !n.suspected_by.is_empty();
        let state = node_state(n);
        let hints = if n.hints.is_empty() { String::new() } else { format!(", holds {} hint(s)", n.hints.len()) };
        let label = format!("{id}: {state}, {} keys{hints}{}", n.keys, if partitioned { format!(", group {}", n.group) } else { String::new() });
        // The name is the whole tooltip: what a hover shows, a keyboard or
        // screen-reader user hears.
        let label = format!("{label}; coordinating {} request(s); sees members {}; {}{}", n.pending,
            names(&n.members),
            if n.suspects.is_empty() { "suspects no one".to_string() } else { format!("suspects {}", names(&n.suspects)) },
            n.hints.iter().map(|(to, key)| format!("; hint for {to}: {key}")).collect::<String>());
        // The marks drawn on a node sit beside its button, not in it, so that
        // the button's name is its label alone; clicks pass through them.
        html! {
            <g key={id.0}>
            <g class={class_list(&[Some("node"), (!n.up).then_some("down"), suspected.then_some("suspected"), selected.then_some("selected")])} onclick={select} onkeydown={select_key} tabindex="0"
                role="button" aria-label={label.clone()} data-testid={format!("node-{}", id.0)}>
                <title>{ label }</title>
                if suspected && n.up { <circle class="suspect-ring" cx={tenths(x)} cy={tenths(y)} r={tenths(radius + 3.0)} /> }
                <circle cx={tenths(x)} cy={tenths(y)} r={tenths(radius)} fill={node_color(id, nodes)} />
            </g>
            <g class="node-marks" aria-hidden="true">
                <text x={tenths(x)} y={tenths(y + 3.5)} class="node-name">{ id.to_string() }</text>
                if !n.up { <text x={tenths(x)} y={tenths(y - radius - 2.0)} class="down-mark">{ "crashed" }</text> }
                if partitioned { <text x={tenths(x)} y={tenths(y + radius + 10.0)} class="group-mark">{ format!("G{}", n.group) }</text> }
                if !n.hints.is_empty() {
                    <g class="hint-badge" data-testid={format!("hint-badge-{}", id.0)}>
                        <circle cx={tenths(x + radius * 0.8)} cy={tenths(y - radius * 0.8)} r="5.5" />
                        <text x={tenths(x + radius * 0.8)} y={tenths(y - radius * 0.8 + 2.5)}>{ n.hints.len().to_string() }</text>
                    </g>
                }
            </g>
            </g>
        }
    });
    let client_marks = view.clients.iter().map(|c| {
        let (x, y) = place(Addr::Client(*c), nodes, clients);
        html! {
            <g key={format!("c{}", c.0)} class="client">
                <rect x={tenths(x - 7.0)} y={tenths(y - 7.0)} width="14" height="14" rx="3" />
                <text x={tenths(x)} y={tenths(y + 3.0)}>{ c.to_string() }</text>
            </g>
        }
    });
    // Messages are batched into one path per kind, so a thousand of them
    // cost a handful of DOM nodes; a click finds the nearest one.
    let position = |m: &MessageView| {
        let from = place(m.from, nodes, clients);
        let to = place(m.to, nodes, clients);
        let t = match m.fate {
            MessageFate::InFlight { due_at } => {
                let span = due_at.saturating_sub(m.sent_at) as f64;
                if span <= 0.0 {
                    1.0
                } else {
                    ((props.clock - m.sent_at as f64) / span).clamp(0.0, 1.0)
                }
            }
            MessageFate::Dropped {
                reason: DropReason::Crashed,
                ..
            } => 0.85,
            _ => 0.3,
        };
        lerp(from, to, t)
    };
    let mut paths: Vec<(&'static str, String)> =
        KINDS.iter().map(|k| (*k, String::new())).collect();
    let mut crosses = String::new();
    let mut placed: Vec<(MsgId, (f64, f64))> =
        Vec::with_capacity(view.in_flight.len() + view.dropped.len());
    for m in &view.in_flight {
        let at = position(m);
        // A kind missing from the core's list still gets a dot, in the fallback colour.
        let path = match paths.iter().position(|(k, _)| *k == m.kind) {
            Some(i) => &mut paths[i].1,
            None => {
                paths.push((m.kind, String::new()));
                &mut paths.last_mut().expect("just pushed").1
            }
        };
        dot(path, at);
        placed.push((m.id, at));
    }
    for m in &view.dropped {
        let at = position(m);
        cross_path(&mut crosses, at, 3.5);
        placed.push((m.id, at));
    }
    let selected_mark = placed
        .iter()
        .find(|(id, _)| props.selection == Selection::Message(*id))
        .map(|(_, (x, y))| {
            html! {
                <circle class="msg-selected" cx={tenths(*x)} cy={tenths(*y)} r="6" />
            }
        });
    let pick = {
        let on = props.on.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = svg_point(&e, 300.0, 300.0) else {
                return;
            };
            let nearest = placed
                .iter()
                .map(|(id, (mx, my))| (*id, (mx - x).powi(2) + (my - y).powi(2)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((id, _)) = nearest.filter(|(_, d)| *d < 64.0) {
                on.emit(Msg::Select(Selection::Message(id)));
            }
        })
    };
    let tables = {
        let (view, on) = (view.clone(), props.on.clone());
        Callback::from(move |()| network_tables(&view, &on))
    };
    html! {
        <section class="panel network" aria-labelledby="network-title">
            { markup("<h2 id=\"network-title\">Cluster and network</h2>") }
            <p class="muted small">{ format!("{} in flight · latency {}–{} ticks · drop {}‰ · duplicate {}‰",
                view.in_flight.len(), view.options.latency_ticks_min, view.options.latency_ticks_max,
                view.options.drop_per_million / 1000, view.options.duplicate_per_million / 1000) }</p>
            <div class="network-box">
                <svg viewBox="0 0 300 300" class="network-svg" role="group" aria-label="Nodes and links">
                    <Links nodes={view.nodes.iter().map(|n| (n.id, n.group)).collect::<Vec<_>>()} cut={view.cut.clone()} selection={props.selection} on={props.on.clone()} />
                    { for client_marks }
                    { for node_marks }
                </svg>
                // The messages move on every frame: drawn over the links on a
                // layer of their own, so that the links are never repainted.
                <svg viewBox="0 0 300 300" class={class_list(&[Some("messages-svg"), (view.in_flight.len() > BUSY_IN_FLIGHT).then_some("busy")])} role="group" aria-label="Messages in flight">
                    <g class="messages" onclick={pick} data-testid="messages">
                        { for paths.into_iter().filter(|(_, d)| !d.is_empty()).map(|(kind, d)| html! {
                            <path key={kind} class="msg dot" {d} stroke={kind_color(kind)} data-kind={kind} />
                        }) }
                        if !crosses.is_empty() { <path class="msg dropped" d={crosses} data-testid="dropped-messages" /> }
                        { selected_mark.unwrap_or_default() }
                    </g>
                </svg>
            </div>
            { kind_legend() }
            { views(&view.nodes) }
            <Facts summary="The cluster and its messages as tables" testid="network-facts" tables={tables} />
        </section>
    }
}

/// Whether a node is up, and who suspects it.
fn node_state(n: &NodeView) -> String {
    match (n.up, n.suspected_by.is_empty()) {
        (false, _) => "crashed".to_string(),
        (true, false) => format!("up, suspected by {}", names(&n.suspected_by)),
        (true, true) => "up".to_string(),
    }
}

/// The network's text alternative: the nodes, the cut links, and the
/// messages in flight and lately lost.
fn network_tables(view: &NetworkView, on: &Callback<Msg>) -> Html {
    let mut nodes = view.nodes.iter().map(|n| {
        row(
            html! { n.id.to_string() },
            &[
                node_state(n),
                n.group.to_string(),
                n.keys.to_string(),
                n.pending.to_string(),
                if n.suspects.is_empty() {
                    "no one".to_string()
                } else {
                    names(&n.suspects)
                },
                if n.hints.is_empty() {
                    "none".to_string()
                } else {
                    n.hints
                        .iter()
                        .map(|(to, key)| format!("for {to}: {key}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            ],
        )
    });
    let mut cut = view
        .cut
        .iter()
        .map(|(from, to)| row(html! { from.to_string() }, &[to.to_string()]));
    html! { <>
        { table("Nodes", &["node", "state", "group", "keys", "coordinating", "suspects", "hints held"], &mut nodes, "none") }
        { table("Cut links: messages from one node to the other are lost", &["from", "to"], &mut cut, "none") }
        { table("Messages in flight", &MESSAGE_HEADERS, &mut messages(&view.in_flight, on), "none") }
        { table("Messages lost lately", &MESSAGE_HEADERS, &mut messages(&view.dropped, on), "none") }
    </> }
}

/// Node ids as `n1 n2`.
fn names(ids: &[NodeId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each node's failure-detector view of who is up, as a matrix: a row per
/// observer, a column per member.
fn views(nodes: &[NodeView]) -> Html {
    html! {
        <details class="fd-views" data-testid="fd-views">
            { markup("<summary class=\"small\">Who each node believes is up (its failure detector)</summary>") }
            <table class="fd-matrix small" aria-label="Failure detector views: rows are observers, columns are members">
                <thead><tr><th scope="col">{ "sees →" }</th>
                    { for nodes.iter().map(|n| html! { <th scope="col">{ n.id.to_string() }</th> }) }</tr></thead>
                <tbody>
                    { for nodes.iter().map(|o| html! {
                        <tr key={o.id.0} class={class_list(&[(!o.up).then_some("down")])}>
                            <th scope="row">{ o.id.to_string() }{ if o.up { "" } else { " (crashed)" } }</th>
                            { for nodes.iter().map(|m| {
                                let suspects = o.suspects.contains(&m.id);
                                html! { <td class={class_list(&[suspects.then_some("suspects")])} data-testid={format!("fd-{}-{}", o.id.0, m.id.0)}
                                    title={format!("{} {} {}", o.id, if suspects { "suspects" } else { "believes up" }, m.id)}>
                                    { if suspects { "✕" } else { "✓" } }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </details>
    }
}

/// What the message inspector shows.
pub struct DetailProps {
    /// The selected message, if any.
    pub detail: Option<MessageDetail>,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// The contents of the selected message. A function, not a component: it is
/// small, and a component costs the shipped app its own machinery.
pub fn message_inspector(props: &DetailProps) -> Html {
    let Some(d) = &props.detail else {
        return markup(
            "<p class=\"panel hint muted small\">Click a message (a moving dot, a ✕, or an arrow in the \
             space-time diagram) to see what it carries.</p>",
        );
    };
    let m = &d.message;
    let close = click(&props.on, Msg::Select, Selection::None);
    html! {
        <section class="panel message-detail" aria-label="Selected message" data-testid="message-detail">
            <header>
                <b>{ format!("Message {} · {} · {}→{}", m.id, m.kind, m.from, m.to) }</b>
                <button onclick={close} aria-label="Close message">{ "×" }</button>
            </header>
            <p class="small">{ format!("sent at t={}, {}", m.sent_at, m.fate) }
                { d.copy_of.map(|o| format!(" · a network duplicate of {o}")).unwrap_or_default() }</p>
            <pre class="mono">{ d.text.clone() }</pre>
        </section>
    }
}

//! Settings: the scenario, the cluster's shape, N/R/W, the causality mode
//! (with vector-clock pruning for client-id vectors), the failure-handling
//! mechanisms and their intervals, and the seed.
//! Invalid combinations are explained inline with the model's own
//! validation error, never applied; surprising mechanism combinations are
//! explained with the model's notes as they are ticked.

use wildling_core::causality::CausalityMode;
use wildling_core::node::Mechanisms;
use wildling_core::scenario::{ClusterConfig, ScenarioError};
use wildling_core::view::mechanism_notes;
use yew::prelude::*;

use super::{
    bind, bind_select, class_list, event_value, inline_error, markup, parse_number, shown_error,
    use_text,
};
use crate::msg::Msg;
use crate::presets;

/// The settings panel's props.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The cluster's current settings.
    pub config: ClusterConfig,
    /// The current seed.
    pub seed: u64,
    /// The loaded scenario's name.
    pub scenario: String,
    /// Why the last settings were refused.
    pub error: Option<ScenarioError>,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

fn field(
    label: &'static str,
    name: &'static str,
    state: &UseStateHandle<String>,
    error: Option<&str>,
) -> Html {
    explained_field(label, name, state, error, None)
}

/// A number field; with `help` (its text, and whether it applies), a wide
/// one described by the text, and disabled when it does not apply.
fn explained_field(
    label: &'static str,
    name: &'static str,
    state: &UseStateHandle<String>,
    error: Option<&str>,
    help: Option<(String, bool)>,
) -> Html {
    let id = format!("setting-{name}");
    let help_id = format!("{id}-help");
    let disabled = help.as_ref().is_some_and(|(_, applies)| !applies);
    html! {
        <div class={class_list(&[Some("field"), help.is_some().then_some("wide")])}>
            <label for={id.clone()}>{ label }</label>
            <input id={id} type="text" inputmode="numeric" value={(**state).clone()} oninput={bind(state)}
                {disabled} aria-describedby={help.as_ref().map(|_| help_id.clone())}
                aria-invalid={error.is_some().to_string()} data-testid={format!("setting-{name}")} />
            { for help.map(|(text, _)| html! { <p id={help_id} class="muted small">{ text }</p> }) }
            { inline_error(error, "setting-error") }
        </div>
    }
}

/// What the prune threshold does, and whether it applies under `mode`.
fn prune_help(mode: &str) -> (String, bool) {
    let applies = mode == CausalityMode::ClientVv.name();
    let mut text = "Dynamo's vector-clock pruning: a write's client-id vector keeps at most this \
        many entries and drops the oldest (the paper uses 10). A pruned write keeps what its \
        client read as siblings: false conflicts, which the checker reports. Empty: off."
        .to_string();
    if !applies {
        text.push_str(" Only client-vv has an entry per client to prune.");
    }
    (text, applies)
}

/// Each mechanism switch: its field, label and what it does.
type Switch = (
    &'static str,
    &'static str,
    &'static str,
    fn(&mut Mechanisms) -> &mut bool,
);

const SWITCHES: [Switch; 5] = [
    ("sloppy_quorum", "Sloppy quorum", "A coordinator replaces primaries it suspects by fallbacks further round the ring; a fallback keeps the write as a hint.", |m| &mut m.sloppy_quorum),
    ("hinted_handoff", "Hinted handoff", "A fallback hands its hints back to the intended primary every handoff interval once it answers.", |m| &mut m.hinted_handoff),
    ("read_repair", "Read repair", "After a get, the coordinator sends the merged clock to every replica that answered stale.", |m| &mut m.read_repair),
    ("anti_entropy", "Anti-entropy", "Replicas compare Merkle trees every anti-entropy interval and sync exactly the keys that differ.", |m| &mut m.anti_entropy),
    ("durable", "Durable storage", "The store and the hints survive a crash; off, a crash wipes them.", |m| &mut m.durable),
];

/// `base` with each switch as `flags` has it: a digit per entry of
/// [`SWITCHES`], in order, `1` on. The panel keeps the switches as such a
/// text in a `use_text` state, not a state of its own type (each state type
/// is its own hook code in the shipped app).
fn switched(base: Mechanisms, flags: &str) -> Mechanisms {
    let mut mechanisms = base;
    for (k, &(.., field)) in SWITCHES.iter().enumerate() {
        *field(&mut mechanisms) = flags.as_bytes().get(k) == Some(&b'1');
    }
    mechanisms
}

/// The switches of `mechanisms` as [`switched`] reads them.
fn flags(mut mechanisms: Mechanisms) -> String {
    SWITCHES
        .iter()
        .map(|&(.., field)| if *field(&mut mechanisms) { '1' } else { '0' })
        .collect()
}

fn switches(state: &UseStateHandle<String>) -> Html {
    SWITCHES
        .iter()
        .enumerate()
        .map(|(k, &(name, label, help, _))| {
            let id = format!("mechanism-{name}");
            let checked = state.as_bytes().get(k) == Some(&b'1');
            let toggle = {
                let state = state.clone();
                Callback::from(move |_: Event| {
                    // The k-th digit of `flags`' text flipped.
                    let next = state
                        .chars()
                        .enumerate()
                        .map(|(i, c)| match (i == k, c) {
                            (false, c) => c,
                            (true, '1') => '0',
                            (true, _) => '1',
                        })
                        .collect();
                    state.set(next);
                })
            };
            html! {
                <div class="field wide switch">
                    <input id={id.clone()} type="checkbox" {checked} onchange={toggle}
                        aria-describedby={format!("{id}-help")} data-testid={id.clone()} />
                    <label for={id.clone()}>{ label }</label>
                    <p id={format!("{id}-help")} class="muted small">{ help }</p>
                </div>
            }
        })
        .collect()
}

/// The settings panel.
#[function_component(SettingsPanel)]
pub fn settings_panel(props: &Props) -> Html {
    let c = &props.config;
    let nodes = use_text(c.nodes.to_string());
    let partitions = use_text(c.partitions.to_string());
    let n = use_text(c.n.to_string());
    let r = use_text(c.r.to_string());
    let w = use_text(c.w.to_string());
    let clients = use_text(c.clients.to_string());
    let mode = use_text(c.mode.name().to_string());
    let seed = use_text(props.seed.to_string());
    let mechanisms = use_text(flags(c.mechanisms));
    let handoff = use_text(c.hint_handoff_interval_ticks.to_string());
    let anti_entropy = use_text(c.anti_entropy_interval_ticks.to_string());
    let prune = use_text(
        c.vv_prune_threshold
            .map_or(String::new(), |t| t.to_string()),
    );
    let parse_error = use_text(String::new());

    // The model names the field it refuses (`cluster.r`); show it there.
    let (field_name, reason) = match &props.error {
        Some(ScenarioError::Invalid { field, reason } | ScenarioError::Json { field, reason }) => {
            (field.as_str(), Some(reason.clone()))
        }
        Some(other) => ("", Some(other.to_string())),
        None => ("", None),
    };
    let error_for = |name: &str| (field_name == name).then_some(reason.as_deref()).flatten();
    let known = [
        "cluster.nodes",
        "cluster.partitions",
        "cluster.n",
        "cluster.r",
        "cluster.w",
        "cluster.clients",
        "cluster.hint_handoff_interval_ticks",
        "cluster.anti_entropy_interval_ticks",
        "cluster.vv_prune_threshold",
    ];
    let general = props
        .error
        .as_ref()
        .filter(|_| !known.contains(&field_name))
        .map(ToString::to_string);

    let apply = {
        let (nodes, partitions, n, r, w, clients, mode, seed) = (
            nodes.clone(),
            partitions.clone(),
            n.clone(),
            r.clone(),
            w.clone(),
            clients.clone(),
            mode.clone(),
            seed.clone(),
        );
        let (mechanisms, handoff, anti_entropy, prune) = (
            mechanisms.clone(),
            handoff.clone(),
            anti_entropy.clone(),
            prune.clone(),
        );
        let parse_error = parse_error.clone();
        let on = props.on.clone();
        let base = c.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let parsed = (|| -> Result<(ClusterConfig, u64), String> {
                // The field is disabled, and ignored, under other modes.
                let pruning = prune_help(&mode).1 && !prune.trim().is_empty();
                let config = ClusterConfig {
                    nodes: parse_number("Nodes", &nodes)?,
                    partitions: parse_number("Q", &partitions)?,
                    n: parse_number("N", &n)?,
                    r: parse_number("R", &r)?,
                    w: parse_number("W", &w)?,
                    clients: parse_number("Clients", &clients)?,
                    mode: mode.parse::<CausalityMode>().map_err(|e| e.to_string())?,
                    mechanisms: switched(base.mechanisms, &mechanisms),
                    hint_handoff_interval_ticks: parse_number("Hint handoff interval", &handoff)?,
                    anti_entropy_interval_ticks: parse_number(
                        "Anti-entropy interval",
                        &anti_entropy,
                    )?,
                    vv_prune_threshold: if pruning {
                        Some(parse_number("VV prune threshold", &prune)?)
                    } else {
                        None
                    },
                    ..base.clone()
                };
                Ok((config, parse_number("Seed", &seed)?))
            })();
            match parsed {
                Ok((config, seed)) => {
                    parse_error.set(String::new());
                    on.emit(Msg::Reconfigure(config, seed));
                }
                Err(text) => parse_error.set(text),
            }
        })
    };
    let load = props.on.reform(|e: Event| Msg::Load(event_value(&e)));
    let set_mode = bind_select(&mode);
    html! {
        <section class="panel settings" aria-labelledby="settings-title">
            { markup("<h2 id=\"settings-title\">Settings</h2>") }
            <div class="field wide" data-testid="scenario-loaded" data-scenario={props.scenario.clone()}>
                <label for="scenario-picker">{ "Scenario" }</label>
                <select id="scenario-picker" onchange={load} data-testid="scenario-picker">
                    { for presets::names().into_iter().map(|name| html! {
                        <option value={name} selected={name == props.scenario}>{ name }</option>
                    }) }
                </select>
            </div>
            <form class="grid-fields" onsubmit={apply} aria-label="Cluster settings">
                { field("Nodes", "nodes", &nodes, error_for("cluster.nodes")) }
                { field("Q (ring size)", "partitions", &partitions, error_for("cluster.partitions")) }
                { field("N (replicas)", "n", &n, error_for("cluster.n")) }
                { field("R (reads)", "r", &r, error_for("cluster.r")) }
                { field("W (writes)", "w", &w, error_for("cluster.w")) }
                { field("Clients", "clients", &clients, error_for("cluster.clients")) }
                <div class="field wide">
                    <label for="setting-mode">{ "Causality mode" }</label>
                    <select id="setting-mode" onchange={set_mode} data-testid="setting-mode">
                        { for CausalityMode::ALL.iter().map(|m| html! {
                            <option value={m.name()} selected={m.name() == *mode}>{ m.name() }</option>
                        }) }
                    </select>
                </div>
                { explained_field("VV prune threshold (entries)", "vv_prune_threshold", &prune, error_for("cluster.vv_prune_threshold"), Some(prune_help(&mode))) }
                <fieldset class="field wide mechanisms" data-testid="mechanisms">
                    <legend>{ "Mechanisms" }</legend>
                    { switches(&mechanisms) }
                    { for mechanism_notes(&switched(c.mechanisms, &mechanisms)).into_iter().map(|note| html! {
                        <p class="note small" role="note" data-testid="mechanism-note">{ note }</p>
                    }) }
                </fieldset>
                { field("Hint handoff interval (ticks)", "hint_handoff_interval_ticks", &handoff, error_for("cluster.hint_handoff_interval_ticks")) }
                { field("Anti-entropy interval (ticks)", "anti_entropy_interval_ticks", &anti_entropy, error_for("cluster.anti_entropy_interval_ticks")) }
                { field("Seed", "seed", &seed, None) }
                <div class="field wide">
                    { inline_error(shown_error(&parse_error), "setting-error") }
                    { inline_error(general.as_deref(), "setting-error") }
                    <button type="submit" data-testid="apply-settings">{ "Apply settings" }</button>
                    { markup("<p class=\"muted small\">Applying replays your recorded actions under the new settings, up to the current time.</p>") }
                </div>
            </form>
        </section>
    }
}

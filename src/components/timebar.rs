//! Time controls: play, pause, step, speed, and the timeline scrubber,
//! which replays the recorded inputs deterministically.

use wildling_core::view::PositionView;
use yew::prelude::*;

use super::{click, event_value, parse_decimal};
use crate::msg::Msg;
use wildling_core::fixed_point::short;

/// What the time bar shows.
pub struct Props<'a> {
    /// Where the run stands.
    pub position: &'a PositionView,
    /// The furthest position reached.
    pub horizon: u64,
    /// Whether the simulation plays.
    pub playing: bool,
    /// Ticks per second.
    pub speed: f64,
    /// How many actions the user recorded.
    pub user_actions: usize,
    /// A seek under way, with the position it goes to if it goes to one.
    pub seeking: Option<Option<u64>>,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// "max": as fast as the model runs in a frame's share of time.
pub const TOP_SPEED: f64 = 1e6;
const SPEEDS: [f64; 10] = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 256.0, TOP_SPEED];

/// The time bar under the header. A function, not a component: it changes
/// on every frame of a run, so a component's props check would not save a
/// render, and each component costs the shipped app its own machinery.
pub fn time_bar(props: &Props) -> Html {
    let p = &props.position;
    let on = &props.on;
    let max = props.horizon.max(p.events);
    let toggle = click(on, |()| Msg::TogglePlay, ());
    let step = click(on, |()| Msg::Step, ());
    let events = p.events;
    // The scrubber stays where the user let go while a seek gets there.
    let shown = props.seeking.flatten().unwrap_or(events);
    let back = click(on, Msg::Seek, events.saturating_sub(1));
    let forward = click(on, Msg::Seek, events + 1);
    let seek = on.reform(move |e: InputEvent| {
        let e: Event = e.into();
        Msg::Seek(event_value(&e).parse().unwrap_or(events))
    });
    let speed = on.reform(|e: Event| Msg::Speed(parse_decimal(&event_value(&e)).unwrap_or(8.0)));
    let status = match p.next_at {
        _ if props.seeking.is_some() => "seeking…".into(),
        None => "quiet: nothing scheduled".into(),
        Some(at) if p.quiet => format!("quiet: only retries nobody answers (next t={at})"),
        Some(at) => format!("next event t={at}"),
    };
    html! {
        <section class="timebar" aria-label="Time controls">
            <button class="primary" onclick={toggle} data-testid="play" aria-label={if props.playing { "Pause (Space)" } else { "Play (Space)" }}>
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button onclick={back} aria-label="Back one event (Left arrow)" disabled={events == 0}>{ "◀" }</button>
            <button onclick={step} data-testid="step" aria-label="Step one event (.)">{ "Step" }</button>
            <button onclick={forward} aria-label="Forward one event (Right arrow)" disabled={events >= max}>{ "▶︎|" }</button>
            <label class="speed">{ "Speed " }
                <select aria-label="Speed (ticks per second)" onchange={speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={short(*s, 1)} selected={(*s - props.speed).abs() < 1e-9}>{ if *s == TOP_SPEED { "max".into() } else { format!("{} t/s", short(*s, 1)) } }</option>
                    }) }
                </select>
            </label>
            <input type="range" class="scrubber" min="0" max={max.to_string()} value={shown.to_string()}
                oninput={seek} aria-label="Timeline position (events processed)" data-testid="scrubber" />
            <span class="clock mono">
                <span data-testid="now">{ format!("t={}", p.now) }</span>
                { " · " }
                <span data-testid="position">{ format!("event {events}/{max}") }</span>
                { " · " }
                <span title="Trace hash: identifies the run">{ "#" }<span data-testid="trace-hash">{ format!("{:016x}", p.trace_hash) }</span></span>
            </span>
            <span class="muted small">{ format!("{status} · {} sent · {} dropped · {} action(s)", p.stats.sent, p.stats.dropped, props.user_actions) }</span>
        </section>
    }
}

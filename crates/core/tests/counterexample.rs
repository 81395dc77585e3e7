//! A counterexample from the explorer is a playground session like any
//! other: it opens through a share link, a session file, a scenario file and
//! the embed API's `load` (which reads the same session or scenario JSON),
//! shows the state that breaks the property at its last tick, and whatever
//! the user does after it (puts, gets, faults, after the script's end or in
//! the middle of it) runs on and replays exactly through a link.

use wildling_core::cluster::{nodes_of, Cluster};
use wildling_core::explore::{ExploreOptions, Explorer, Property, Violation};
use wildling_core::ids::OpId;
use wildling_core::node::client::OpOutcome;
use wildling_core::node::ContextChoice;
use wildling_core::playback::Playback;
use wildling_core::scenario::{GetSpec, PutSpec, Scenario, TimelineEntry};
use wildling_core::share::{decode_session, encode_session, Session};
use wildling_core::sim::trace::TraceEvent;
use wildling_core::NodeId;

/// The shortest lost write of `scenarios/explore/stale-write-lww.json`.
fn lost_write() -> Violation {
    let json = include_str!("../../../scenarios/explore/stale-write-lww.json");
    let scenario = Scenario::from_json(json).expect("valid");
    let mut explorer = Explorer::new(
        &scenario,
        ExploreOptions {
            depth_max: 20,
            properties: vec![Property::NoLostWrite],
            ..ExploreOptions::default()
        },
    )
    .expect("valid options");
    explorer.run_to_end();
    let found = explorer.violations();
    assert_eq!(found.len(), 1, "the lost write is found");
    found[0].clone()
}

fn events(cluster: &Cluster) -> Vec<TraceEvent> {
    cluster.sim().trace().events().to_vec()
}

fn lost_values(cluster: &Cluster) -> Vec<String> {
    cluster
        .check()
        .lost_writes
        .iter()
        .map(|w| w.to_string())
        .collect()
}

fn put(client: u16, value: &str) -> TimelineEntry {
    TimelineEntry {
        client: Some(client),
        put: Some(PutSpec {
            key: "cart".into(),
            value: value.into(),
            node: NodeId(1),
            context: ContextChoice::LastGet,
            w: None,
        }),
        ..TimelineEntry::default()
    }
}

fn get(client: u16) -> TimelineEntry {
    TimelineEntry {
        client: Some(client),
        get: Some(GetSpec {
            key: "cart".into(),
            node: NodeId(1),
            r: None,
        }),
        ..TimelineEntry::default()
    }
}

/// Play until nothing can change, as the playground's play button does.
fn play(playback: &mut Playback) {
    let mut steps = 0;
    while !playback.quiet() && playback.step() {
        steps += 1;
        assert!(steps < 100_000, "the run settles");
    }
}

/// Through a link and back, opened as the playground opens it.
fn through_a_link(playback: &Playback) -> Playback {
    let link = encode_session(&playback.to_share(None));
    Playback::from_share(&decode_session(&link).expect("the link opens")).expect("replays")
}

#[test]
fn a_counterexample_opens_at_its_breaking_state_through_a_link_and_a_session_file() {
    let violation = lost_write();
    let expected = violation.replay();
    let lost = lost_values(&expected);
    assert_eq!(lost, ["lost write: op0 cart=milk (missing on n1)"]);
    let session = violation.session();
    assert_eq!(session.time_ticks, expected.sim().now());
    let link = decode_session(&encode_session(&session)).expect("the link opens");
    let file = Session::from_json(&session.to_json()).expect("the session file reads");
    // The embed API's `load` takes the session as an object or as text:
    // either way the same JSON reaches `Session::from_json`.
    let embedded: serde_json::Value = serde_json::from_str(&session.to_json()).expect("JSON");
    let embedded = Session::from_json(&embedded.to_string()).expect("the embed payload reads");
    for (route, opened) in [("link", link), ("session file", file), ("embed", embedded)] {
        assert_eq!(opened, session, "{route}");
        let playback = Playback::from_share(&opened).expect("opens");
        let cluster = playback.cluster();
        assert_eq!(events(cluster), events(&expected), "{route}");
        assert_eq!(cluster.sim().now(), expected.sim().now(), "{route}");
        assert_eq!(lost_values(cluster), lost, "{route}");
        assert_eq!(
            cluster.sim().history().ops.len(),
            expected.sim().history().ops.len()
        );
    }
}

#[test]
fn a_counterexample_as_a_scenario_file_plays_to_the_same_breaking_state() {
    let violation = lost_write();
    let expected = violation.replay();
    let file = Scenario::from_json(&violation.scenario.to_json()).expect("the file reads");
    assert_eq!(file, violation.scenario);
    // Opened at time 0, as a scenario file opens (the choices at tick 0
    // taken), then played event by event: each choice is one step.
    let mut playback = Playback::from_share(&Session::new(file)).expect("opens");
    assert_eq!(playback.now(), 0);
    assert!(playback.position() < violation.choices.len() as u64);
    while playback.position() < violation.choices.len() as u64 {
        assert!(playback.step(), "at {}", playback.position());
    }
    assert_eq!(events(playback.cluster()), events(&expected));
    assert_eq!(
        lost_values(playback.cluster()),
        ["lost write: op0 cart=milk (missing on n1)"]
    );
}

/// Whether `op` completed with an ok.
fn answered(playback: &Playback, op: Option<OpId>) -> bool {
    let op = op.expect("the action invoked an operation");
    assert!(playback.answered(op), "op {op:?} has its answer");
    playback.cluster().sim().history().ops[op.0 as usize]
        .completed
        .as_ref()
        .is_some_and(|(_, outcome)| matches!(outcome, OpOutcome::Got { .. } | OpOutcome::Put))
}

#[test]
fn puts_and_gets_after_a_counterexample_run_on_and_replay_exactly_through_a_link() {
    let violation = lost_write();
    let expected = violation.replay();
    let mut playback = Playback::from_share(&violation.session()).expect("opens");
    let end = playback.now();
    let read = playback.act(get(1)).expect("a get").op;
    play(&mut playback);
    assert!(
        answered(&playback, read),
        "the get after the script is answered"
    );
    let written = playback.act(put(1, "bread")).expect("a put").op;
    play(&mut playback);
    assert!(answered(&playback, written), "the put is answered");
    let last = playback.act(get(2)).expect("a get").op;
    play(&mut playback);
    assert!(answered(&playback, last));
    assert!(playback.quiet());
    assert!(playback.now() > end);
    // The script's part of the run is the counterexample's, unchanged.
    let run = events(playback.cluster());
    let script = events(&expected);
    assert_eq!(run[..script.len()], script[..]);
    assert!(run.len() > script.len() + 6, "the actions ran: {run:?}");
    // c1 read after its put of bread: the store holds it.
    let holds: Vec<String> = nodes_of(playback.cluster().sim())
        .flat_map(|(id, node, _)| {
            node.store().iter().flat_map(move |(_, key, clock)| {
                clock
                    .values()
                    .into_iter()
                    .map(move |v| format!("{id} {key}={v}"))
            })
        })
        .collect();
    assert_eq!(holds, ["n1 cart=bread"]);
    // The link replays the same run to the same point.
    let opened = through_a_link(&playback);
    assert_eq!(events(opened.cluster()), run);
    assert_eq!(opened.now(), playback.now());
    assert_eq!(
        opened.cluster().sim().fingerprint(),
        playback.cluster().sim().fingerprint()
    );
    assert_eq!(opened.user_actions(), playback.user_actions());
}

#[test]
fn an_action_in_the_middle_of_a_counterexample_forks_it_and_replays_exactly() {
    let violation = lost_write();
    let mut playback = Playback::from_share(&violation.session()).expect("opens");
    let full = violation.choices.len();
    for taken in [0, 3] {
        playback.seek(taken as u64).expect("seeks back");
        let written = playback.act(put(2, "jam")).expect("a put").op;
        play(&mut playback);
        assert!(answered(&playback, written), "after {taken} choices");
        let choices = playback
            .scenario()
            .schedule
            .as_ref()
            .map_or(0, |s| s.choices.len());
        assert_eq!(choices, taken, "the choices not yet taken are dropped");
        assert!(taken < full);
        let opened = through_a_link(&playback);
        assert_eq!(events(opened.cluster()), events(playback.cluster()));
        assert_eq!(
            opened.cluster().sim().fingerprint(),
            playback.cluster().sim().fingerprint()
        );
        playback = Playback::from_share(&violation.session()).expect("opens");
    }
}

#[test]
fn the_violating_step_is_the_scripts_last_choice_placed_on_the_diagram() {
    use wildling_core::ids::Addr;
    use wildling_core::sim::Choice;
    use wildling_core::view::steered_step;
    let violation = lost_write();
    let session = violation.session();
    let step = steered_step(&session.scenario).expect("a steered scenario has a step");
    let last = *violation.choices.last().expect("choices");
    assert_eq!(step.index, violation.choices.len());
    assert_eq!(step.choice, last.to_string());
    // It happened at the tick the counterexample opens at, on the node the
    // explorer names, and a delivery or drop names its arrow.
    let replayed = violation.replay();
    assert_eq!(step.at, replayed.sim().now());
    assert_eq!(step.at, session.time_ticks);
    if let Some(node) = violation.node {
        assert_eq!(step.lane, Some(Addr::Node(node)));
    }
    match last {
        Choice::Deliver(id) | Choice::Drop(id) => {
            assert_eq!(step.msg, Some(id));
            let record = &replayed.sim().history().messages[id.0 as usize];
            assert_eq!(step.lane, Some(record.to));
        }
        _ => assert_eq!(step.msg, None),
    }
    // The same step from the opened session's scenario, and none from a
    // scenario that is not steered.
    let opened = Playback::from_share(&session).expect("opens");
    assert_eq!(steered_step(opened.scenario()), Some(step.clone()));
    // The drawing rings it once the run has taken it, and not before.
    use wildling_core::drawing::lamport::{lamport as draw, Frame, Highlight};
    let svg_of = |cluster: &Cluster| {
        let mut v = wildling_core::view::lamport(cluster, 0, 120, 600);
        v.step = Some(step.clone());
        let now = cluster.sim().now() as f64;
        let drawing = draw(
            &v,
            Frame {
                from: 0,
                to: 120,
                now,
            },
            Highlight::None,
        );
        let mut out = String::new();
        drawing.svg.write(&mut out);
        out
    };
    let svg = svg_of(opened.cluster());
    assert!(svg.contains(r#"data-testid="violating-step""#), "{svg}");
    assert!(
        svg.contains(&format!(r#"data-choice="{}""#, step.choice)),
        "{svg}"
    );
    assert!(svg.contains(&format!("step {}: {}", step.index, step.choice)));
    let start = Playback::new(session.scenario.clone()).expect("opens");
    if step.msg.is_some() {
        assert!(!svg_of(start.cluster()).contains("violating-step"));
    }
    let plain = Scenario::from_json(include_str!(
        "../../../scenarios/explore/stale-write-lww.json"
    ))
    .expect("valid");
    assert_eq!(steered_step(&plain), None);
}

//! The steered simulator: a run whose order is chosen event by event
//! (`sim/choice.rs`). A run under choices is its list of choices: the same
//! list, in a scenario's `schedule`, replays the same run, through the
//! scenario format, a session and a share link.

use wildling_core::cluster::Cluster;
use wildling_core::scenario::{builtin_scenario, Scenario, Schedule};
use wildling_core::share::{decode_session, encode_session, Session};
use wildling_core::sim::network::Fault;
use wildling_core::sim::{Choice, ChoiceError, Scope, SimOptions};
use wildling_core::NodeId;

fn scenario(name: &str, faults: Vec<Fault>) -> Scenario {
    let mut scenario =
        Scenario::from_json(builtin_scenario(name).expect("a built-in scenario")).expect("valid");
    scenario.schedule = Some(Schedule {
        faults,
        choices: Vec::new(),
    });
    scenario
}

/// Walk `scenario` by always taking the enabled choice at `pick(step, count)`
/// until nothing is enabled or `steps` are taken; the choices taken.
fn walk(
    scenario: &Scenario,
    steps: usize,
    pick: impl Fn(usize, usize) -> usize,
) -> (Vec<Choice>, Cluster) {
    let mut cluster = Cluster::new(scenario, SimOptions::default()).expect("valid");
    let mut taken = Vec::new();
    for step in 0..steps {
        let enabled = cluster.sim().enabled();
        if enabled.is_empty() {
            break;
        }
        let choice = enabled[pick(step, enabled.len())].choice;
        cluster
            .sim_mut()
            .choose(choice)
            .expect("an enabled choice is possible");
        taken.push(choice);
    }
    (taken, cluster)
}

/// The run of `scenario` with `choices` as its script, stepped to the
/// script's end (where it is handed over to the queue).
fn replay(scenario: &Scenario, choices: &[Choice]) -> Cluster {
    let mut scenario = scenario.clone();
    scenario.schedule.as_mut().expect("steered").choices = choices.to_vec();
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
    for _ in choices {
        assert!(cluster.sim_mut().step(), "each choice is a step");
    }
    cluster
}

#[test]
fn a_steered_run_starts_with_the_timeline_and_lists_deliveries_drops_and_timers() {
    let scenario = scenario("lww-lost-write", vec![Fault::Crash(NodeId(2))]);
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
    let first: Vec<Choice> = cluster.sim().enabled().iter().map(|e| e.choice).collect();
    assert_eq!(first, [Choice::Next, Choice::Fault(0)]);
    cluster.sim_mut().choose(Choice::Next).expect("next");
    // c1's put is on its way to n1 (a client link, never dropped), and c1's timeout is set.
    let enabled = cluster.sim().enabled();
    let text: Vec<String> = enabled.iter().map(|e| e.choice.to_string()).collect();
    assert_eq!(text, ["next", "deliver #0", "fire t0", "fault 0"]);
    assert_eq!(
        enabled[1].scope,
        Scope::Process(wildling_core::ids::Addr::Node(NodeId(1)))
    );
    cluster
        .sim_mut()
        .choose(Choice::Deliver(wildling_core::ids::MsgId(0)))
        .expect("deliver");
    // n1 coordinates: it writes, and sends the put to n2 and n3, each deliverable or droppable.
    let text: Vec<String> = cluster
        .sim()
        .enabled()
        .iter()
        .map(|e| e.choice.to_string())
        .collect();
    assert!(text.contains(&"drop #1".to_string()), "{text:?}");
    assert!(text.contains(&"deliver #2".to_string()), "{text:?}");
    assert_eq!(
        cluster
            .sim_mut()
            .choose(Choice::Deliver(wildling_core::ids::MsgId(0))),
        Err(ChoiceError::NotEnabled(Choice::Deliver(
            wildling_core::ids::MsgId(0)
        )))
    );
}

#[test]
fn the_same_choices_replay_the_same_run_through_the_scenario_format() {
    let scenario = scenario(
        "partition-siblings",
        vec![Fault::Crash(NodeId(3)), Fault::Restart(NodeId(3))],
    );
    for walk_seed in 0..20usize {
        let (choices, walked) = walk(&scenario, 400, |step, count| {
            (step * 7 + walk_seed * 13 + step * step * walk_seed) % count
        });
        assert!(
            choices.len() > 30,
            "walk {walk_seed} took {} choices",
            choices.len()
        );
        let replayed = replay(&scenario, &choices);
        assert_eq!(
            replayed.sim().trace().events(),
            walked.sim().trace().events()
        );
        // Played out, the replay was handed over to the queue: the walk,
        // handed over too, is the same state.
        assert!(!replayed.sim().is_steered());
        assert_eq!(replayed.sim().stats().events, choices.len() as u64);
        let mut walked = walked.into_sim();
        walked.release();
        assert_eq!(replayed.sim().fingerprint(), walked.fingerprint());
    }
}

#[test]
fn a_steered_session_travels_in_a_link_and_a_file() {
    let scenario = scenario("lww-lost-write", vec![Fault::Heal]);
    let (choices, walked) = walk(&scenario, 25, |step, count| (step * 3) % count);
    let mut steered = scenario.clone();
    steered.schedule.as_mut().expect("steered").choices = choices.clone();
    let text = steered.to_json();
    assert!(text.contains("\"deliver #0\""), "{text}");
    assert_eq!(Scenario::from_json(&text).expect("reads back"), steered);
    let mut session = Session::new(steered);
    // At the tick of the last choice: what runs on after it comes later.
    session.time_ticks = walked.sim().now();
    let back = decode_session(&encode_session(&session)).expect("the link opens");
    let replayed = back.replay(SimOptions::default()).expect("replays");
    assert_eq!(
        replayed.sim().trace().events(),
        walked.sim().trace().events()
    );
}

#[test]
fn a_bad_schedule_is_refused_with_its_field() {
    let json = builtin_scenario("lww-lost-write").expect("built in");
    let with = |schedule: &str| {
        let at = json.rfind('}').expect("an object");
        format!("{}, \"schedule\": {schedule}}}", &json[..at])
    };
    let cases = [
        (r#"{"choices": ["jump"]}"#, "schedule.choices"),
        (
            r#"{"choices": ["fault 1"], "faults": ["heal"]}"#,
            "schedule.choices[0]",
        ),
        (r#"{"faults": [{"crash": 9}]}"#, "schedule.faults[0]"),
        (r#"{"choices": [], "extra": 1}"#, "schedule"),
    ];
    for (schedule, field) in cases {
        let error = Scenario::from_json(&with(schedule))
            .expect_err(schedule)
            .to_string();
        assert!(error.starts_with(field), "{schedule}: {error}");
    }
}

#[test]
fn a_script_that_no_longer_fits_stops_where_it_breaks() {
    let mut scenario = scenario("lww-lost-write", Vec::new());
    scenario.schedule.as_mut().expect("steered").choices =
        vec![Choice::Next, Choice::Fire(99), Choice::Next];
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
    cluster.run();
    assert_eq!(cluster.sim().stats().events, 1);
    assert!(cluster.sim().is_quiet());
}

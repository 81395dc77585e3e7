//! Playback: scrubbing, actions, forks, share links and compare mode.

use super::*;
use crate::node::ContextChoice;
use crate::scenario::PutSpec;
use crate::sim::network::Fault;
use crate::NodeId;

/// The playground's empty three-node cluster.
fn session() -> Playback {
    let json = include_str!("../../../../scenarios/presets/playground.json");
    Playback::new(Scenario::from_json(json).expect("valid")).expect("builds")
}

fn put(client: u16, value: &str, node: u16) -> TimelineEntry {
    TimelineEntry {
        client: Some(client),
        put: Some(PutSpec {
            key: "cart".into(),
            value: value.into(),
            node: NodeId(node),
            context: ContextChoice::LastGet,
            w: None,
        }),
        ..TimelineEntry::default()
    }
}

fn fault(fault: Fault) -> TimelineEntry {
    TimelineEntry {
        fault: Some(fault),
        ..TimelineEntry::default()
    }
}

fn quiet(s: &mut Playback) {
    while !s.quiet() && s.step() {}
}

fn lines(s: &Playback) -> Vec<String> {
    let events = s.cluster().sim().trace().events();
    events.iter().map(ToString::to_string).collect()
}

fn hash(s: &Playback) -> u64 {
    s.cluster().sim().trace().hash()
}

/// n3 cut off, a put on each side, played until quiet.
fn partitioned_puts() -> Playback {
    let mut s = session();
    s.act(fault(Fault::Partition(vec![vec![NodeId(3)]])))
        .expect("valid");
    s.act(put(1, "eggs", 1)).expect("valid");
    s.act(put(2, "bread", 3)).expect("valid");
    quiet(&mut s);
    s
}

#[test]
fn scrubbing_back_and_forward_replays_the_same_run() {
    let mut s = partitioned_puts();
    let (end, end_hash) = (s.position(), hash(&s));
    s.seek(end / 2).expect("replays");
    let middle_hash = hash(&s);
    assert_ne!(middle_hash, end_hash);
    s.seek(end).expect("replays");
    assert_eq!((s.position(), hash(&s)), (end, end_hash));
    s.seek(end / 2).expect("replays");
    assert_eq!(hash(&s), middle_hash);
    assert_eq!(s.horizon(), end);
}

#[test]
fn a_sliced_seek_back_shows_the_current_state_until_it_arrives() {
    let mut s = partitioned_puts();
    let (end, end_hash, end_now) = (s.position(), hash(&s), s.now());
    let middle = end / 2;
    let mut whole = session_at(&s, middle);
    let (middle_hash, middle_now) = (hash(&whole), whole.now());

    // Back, three events a slice: the page keeps the end until the goal.
    let mut slices = 0;
    loop {
        let slice = s.seek_slice(Goal::Position(middle), 3).expect("replays");
        slices += 1;
        assert!(slice.events <= 3, "a slice holds its budget: {slice:?}");
        if slice.reached {
            break;
        }
        assert!(s.rewinding());
        assert_eq!((s.position(), hash(&s), s.now()), (end, end_hash, end_now));
    }
    assert!(
        slices > 1,
        "{middle} events in slices of 3 take more than one"
    );
    assert!(!s.rewinding());
    assert_eq!(
        (s.position(), hash(&s), s.now()),
        (middle, middle_hash, middle_now)
    );
    assert_eq!(s.horizon(), end);

    // A seek back retargeted further on reuses the replay under way; one
    // retargeted before it starts again; one forward drops it.
    let quarter = end / 4;
    s.seek(end).expect("replays");
    s.seek_slice(Goal::Position(quarter), 2).expect("replays");
    assert!(s.rewinding());
    let slice = s
        .seek_slice(Goal::Position(middle), usize::MAX)
        .expect("replays");
    assert!(slice.reached);
    assert_eq!(
        slice.events as u64,
        middle - 2,
        "went on from the 2 events replayed"
    );
    assert_eq!(hash(&s), middle_hash);
    s.seek(end).expect("replays");
    s.seek_slice(Goal::Position(middle), 2).expect("replays");
    let slice = s
        .seek_slice(Goal::Position(1), usize::MAX)
        .expect("replays");
    assert_eq!((slice.reached, s.position()), (true, 1));
    s.seek(end).expect("replays");
    s.seek_slice(Goal::Position(middle), 2).expect("replays");
    assert!(s.rewinding());
    let slice = s.seek_slice(Goal::Position(end), 5).expect("stays");
    assert!(slice.reached && !s.rewinding());
    assert_eq!((slice.events, s.position()), (0, end));

    // By time: the same state as a seek in one call.
    s.seek(end).expect("replays");
    while !s
        .seek_slice(Goal::Time(middle_now), 4)
        .expect("replays")
        .reached
    {}
    whole.seek_time(middle_now).expect("replays");
    assert_eq!((s.position(), hash(&s)), (whole.position(), hash(&whole)));
}

/// A fresh session with `s`'s actions, sought to `position` in one call.
fn session_at(s: &Playback, position: u64) -> Playback {
    let mut fresh = Playback::from_share(&s.to_share(None)).expect("opens");
    fresh.seek(position).expect("replays");
    fresh
}

#[test]
fn an_action_leaves_everything_before_it_as_it_was() {
    let mut s = session();
    s.act(put(1, "eggs", 1)).expect("valid");
    s.act(put(2, "bread", 2)).expect("valid");
    for _ in 0..5 {
        s.step();
    }
    let before = lines(&s);
    s.act(fault(Fault::Crash(NodeId(3)))).expect("valid");
    let after = lines(&s);
    assert_eq!(after[..before.len()], before[..]);
    // The rest of tick 6, then the crash at tick 7.
    let (last, between) = after[before.len()..].split_last().expect("more events");
    assert!(
        between.iter().all(|l| l.starts_with("     6 ")),
        "{after:#?}"
    );
    assert_eq!(last, "     7 fault crash n3");
}

#[test]
fn an_action_in_the_past_forks_and_discards_later_actions() {
    let mut s = session();
    s.act(put(1, "eggs", 1)).expect("valid");
    quiet(&mut s);
    s.act(put(2, "bread", 2)).expect("valid");
    quiet(&mut s);
    s.seek(3).expect("replays");
    let discarded = s.act(put(3, "jam", 3)).expect("valid").discarded;
    assert_eq!(discarded, 1, "the bread put came later");
    assert_eq!(s.user_actions().len(), 2);
    assert_eq!(s.horizon(), s.position());
}

#[test]
fn refused_actions_and_settings_leave_the_session_unchanged() {
    let mut s = session();
    s.act(put(1, "eggs", 1)).expect("valid");
    let before = (s.position(), hash(&s), s.scenario().clone());
    let error = s.act(put(1, "", 1)).expect_err("empty value");
    assert_eq!(
        error.to_string(),
        "put.value: must be 1 to 256 bytes, not 0"
    );
    assert!(s.act(put(9, "x", 1)).is_err(), "no client c9");
    assert!(s.act(put(1, "x", 7)).is_err(), "no node n7");
    let mut config = s.scenario().cluster.clone();
    config.r = 5;
    let error = s.reconfigure(config, 1).expect_err("R > N");
    assert_eq!(
        error.to_string(),
        "cluster.r: R = 5 must be at least 1 and at most N = 3"
    );
    assert_eq!((s.position(), hash(&s), s.scenario().clone()), before);
}

#[test]
fn any_cluster_shape_is_accepted_or_refused_without_panicking() {
    for nodes in [0, 1, 2, 3, 5, 64, 65] {
        for partitions in [0, 7, 8, 16, 1024, 2048] {
            for n in [0, 1, 3, 4] {
                for (r, w) in [(0, 1), (1, 1), (2, 3), (4, 4)] {
                    let mut s = session();
                    s.act(put(1, "v", 1)).expect("valid");
                    let mut config = s.scenario().cluster.clone();
                    (
                        config.nodes,
                        config.partitions,
                        config.n,
                        config.r,
                        config.w,
                    ) = (nodes, partitions, n, r, w);
                    if s.reconfigure(config, 3).is_ok() {
                        quiet(&mut s);
                    }
                }
            }
        }
    }
}

#[test]
fn a_shared_session_replays_to_the_same_state() {
    let mut s = session();
    s.act(fault(Fault::Partition(vec![vec![NodeId(3)]])))
        .expect("valid");
    s.act(put(1, "eggs", 1)).expect("valid");
    for _ in 0..3 {
        s.step();
    }
    s.act(put(2, "bread", 3)).expect("valid");
    s.advance(s.now() + 4, usize::MAX);
    let shared = s.to_share(Some("cart".into()));
    assert_eq!(shared.inputs.len(), 3);
    let link = share::encode_session(&shared);
    let opened = share::decode_session(&link).expect("decodes");
    assert_eq!(opened, shared);
    let reopened = Playback::from_share(&opened).expect("replays");
    assert_eq!(
        (reopened.now(), hash(&reopened), reopened.user_actions()),
        (s.now(), hash(&s), s.user_actions())
    );
    let replayed = opened.replay(SimOptions::default()).expect("replays");
    assert_eq!(replayed.sim().trace().hash(), hash(&s));
    let mut mid_tick = opened;
    mid_tick.inputs[1].after_events = 4;
    let error = Playback::from_share(&mid_tick).err().expect("refused");
    assert!(error
        .to_string()
        .starts_with("inputs[1].after_events: 4 events"));
}

#[test]
fn compare_mode_follows_the_main_run() {
    let mut s = session();
    s.set_shadow(Some(CausalityMode::Lww)).expect("valid");
    s.act(put(1, "eggs", 1)).expect("valid");
    quiet(&mut s);
    let shadow = s.shadow().expect("on");
    assert_eq!(shadow.scenario().cluster.mode, CausalityMode::Lww);
    assert_eq!(shadow.sim().history().ops.len(), 1);
    s.seek(0).expect("replays");
    assert_eq!(s.shadow().expect("on").sim().now(), 0);
}

#[test]
fn compare_mode_drops_pruning_where_it_does_not_apply() {
    let json = crate::scenario::builtin_scenario("vv-pruning").expect("a built-in");
    let pruning = Scenario::from_json(json).expect("valid");
    let mut s = Playback::new(pruning).expect("builds");
    s.set_shadow(Some(CausalityMode::DvvSet)).expect("valid");
    quiet(&mut s);
    let shadow = s.shadow().expect("on").scenario();
    assert_eq!(shadow.cluster.vv_prune_threshold, None);
    assert_eq!(s.scenario().cluster.vv_prune_threshold, Some(3));
}

#[test]
fn a_client_action_names_its_operation_until_it_is_answered() {
    let mut s = session();
    let crash = s.act(fault(Fault::Crash(NodeId(3)))).expect("valid");
    assert_eq!(crash.op, None, "a fault is no client operation");
    let first = s.act(put(1, "eggs", 1)).expect("valid").op.expect("a put");
    quiet(&mut s);
    let second = s.act(put(2, "bread", 2)).expect("valid").op.expect("a put");
    assert_eq!((first.0, second.0), (0, 1), "op ids count invocations");
    assert!(s.answered(first));
    assert!(!s.answered(second), "just invoked");
    let mut steps = 0;
    while !s.answered(second) {
        assert!(s.step(), "the run ended with the put unanswered");
        steps += 1;
    }
    assert!(steps > 0);
    let ops = &s.cluster().sim().history().ops;
    assert!(ops[1].completed.is_some() && ops[1].by == Addr::Client(ClientId(2)));
    assert!(!s.answered(OpId(2)), "never invoked");
    assert!(!s.answered(OpId(u64::MAX)));
}

/// 64 nodes with N = 64 under 20% loss never go quiet (issue 13): played
/// on, the run stops at its budget, the same tick and trace hash as the CLI
/// (and wasm: crates/wasm-tests), says why in its position, and stays
/// stopped: advancing, stepping, a late seek and an action all return
/// (an action used to spin for ever on the stopped run's due event).
#[test]
fn a_run_stopped_by_its_budget_stays_stopped_and_says_why() {
    let json = include_str!("../../../../e2e/fixtures/lossy-64.json");
    let mut s = Playback::new(Scenario::from_json(json).expect("valid")).expect("builds");
    while s.advance(Time::MAX, 100_000) > 0 {}
    let stopped_state = s.stopped().expect("stopped");
    let stopped = crate::view::position(s.cluster()).stopped.expect("stopped");
    assert_eq!(stopped.name, "bytes-budget");
    assert_eq!(
        stopped.text,
        "stopped at tick 38805: the run used its budget of 167772160 bytes of history and \
         trace kept, and the cluster was still busy"
    );
    assert_eq!(s.now(), 38805);
    assert_eq!(hash(&s), 0x1575_8306_fb8c_b083);
    assert!(!s.quiet(), "a stopped run is not quiet");
    let events = s.position();
    assert!(!s.step());
    assert_eq!(s.advance(Time::MAX, 10), 0);
    s.seek_time(1_000_000_000)
        .expect("a seek past the stop ends there");
    assert_eq!((s.position(), s.now()), (events, 38805));
    // Back, then forward to the same position: stopped again, as a step
    // would find (the budget is checked before each event).
    s.seek(events / 2).expect("replays");
    assert_eq!(s.stopped(), None);
    s.seek(events).expect("replays");
    assert_eq!(s.stopped(), Some(stopped_state));
    assert_eq!(hash(&s), 0x1575_8306_fb8c_b083);
    let acted = s.act(put(1, "late", 2)).expect("recorded");
    assert_eq!(acted.op, None, "an action after the stop never happens");
    assert!(s.stopped().is_some(), "still stopped after the action");
    assert_eq!(s.position(), events);
}

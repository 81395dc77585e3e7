//! Tests of the worker's jobs: a chunked experiment adds up to the
//! experiment run in one piece; a seed's scenario replays that seed; an
//! exploration reports progress and the counterexample the CLI finds; every
//! bad message is an error reply naming its field, never a panic.

use super::*;
use crate::experiment::{merge_sums, Seeds};
use crate::share::Session;

/// Every reply `handle` posts for `text`.
fn replies(text: &str) -> Vec<Reply> {
    let mut out = Vec::new();
    handle(text, &mut |r| out.push(r));
    out
}

/// The one reply to `text`, which must be its only one.
fn only(text: &str) -> ReplyBody {
    let mut all = replies(text);
    assert_eq!(all.len(), 1, "one reply: {all:?}");
    all.remove(0).reply
}

fn request(id: u64, job: Job) -> String {
    Request {
        protocol: PROTOCOL,
        id,
        job,
    }
    .to_json()
}

/// The built-in staleness experiment over seeds 0..6, as an object.
fn small_staleness() -> Value {
    let e = Experiment::builtin("staleness").expect("built in");
    serde_json::to_value(&e.spec)
        .map(|mut v| {
            v["seeds"] = serde_json::json!({"first": 0, "end": 6});
            v
        })
        .expect("specs serialize")
}

#[test]
fn chunks_add_up_to_the_whole_experiment() {
    let value = small_staleness();
    let experiment = experiment_of(&value, "e").expect("valid");
    let runs = experiment.runs();
    assert_eq!(runs, 8 * 6);
    let whole = experiment.run();
    // Three uneven chunks, as a pool of workers would ask for them.
    let mut sums = experiment.empty_sums();
    for (i, range) in [[0, 5], [5, 29], [29, runs]].into_iter().enumerate() {
        let text = request(
            10 + i as u64,
            Job::ExperimentChunk {
                experiment: value.clone(),
                runs: range,
            },
        );
        let mut all = replies(&text);
        assert_eq!(all.len(), 1);
        let reply = all.remove(0);
        assert_eq!(reply.id, 10 + i as u64);
        // The reply survives its trip through JSON.
        let back = parse_reply(&reply.to_json()).expect("a valid reply");
        assert_eq!(back, reply);
        let ReplyBody::Chunk {
            runs: got,
            sums: part,
        } = back.reply
        else {
            panic!("a chunk: {:?}", back.reply)
        };
        assert_eq!(got, range);
        merge_sums(&mut sums, &part);
    }
    assert_eq!(experiment.outcome(sums), whole);
    assert!(whole
        .configurations
        .iter()
        .all(|c| c.measurements.runs == 6));
}

#[test]
fn a_builtin_is_named_and_a_seed_opens_its_scenario() {
    let reply = only(&request(
        3,
        Job::ExperimentSeed {
            experiment: Value::String("staleness".into()),
            configuration: 5,
            seed: 42,
        },
    ));
    let ReplyBody::Scenario { text } = reply else {
        panic!("a scenario: {reply:?}")
    };
    let scenario = Scenario::from_json(&text).expect("a valid scenario");
    let experiment = Experiment::builtin("staleness").expect("built in");
    let c = &experiment.configurations[5];
    assert_eq!(scenario.seed, 42);
    assert_eq!(scenario.cluster, c.scenario.cluster);
    // The scenario alone, without the injector, replays the seed's run:
    // the same measurements.
    let replayed = crate::cluster::Cluster::run_seed(
        &scenario,
        42,
        &crate::cluster::RunOptions {
            faults: None,
            ..c.run_options()
        },
    )
    .expect("valid");
    assert!(scenario.timeline.iter().any(|e| e.fault.is_some()));
    assert_eq!(Measurements::of_run(replayed.sim()), c.measure_seed(42));
}

#[test]
fn an_exploration_reports_progress_and_the_shortest_lost_write() {
    let scenario: Value = serde_json::from_str(include_str!(
        "../../../../scenarios/explore/stale-write-lww.json"
    ))
    .expect("JSON");
    let all = replies(&request(9, lost_write_job(scenario, None, 20)));
    assert!(all.iter().all(|r| r.id == 9 && r.protocol == PROTOCOL));
    let (last, before) = all.split_last().expect("replies");
    assert!(before
        .iter()
        .all(|r| matches!(r.reply, ReplyBody::Progress { .. })));
    let ReplyBody::Explored {
        ended,
        progress,
        violations,
        holds,
        unchecked,
    } = &last.reply
    else {
        panic!("explored: {last:?}")
    };
    assert_eq!(*ended, Ended::AllBroken);
    assert!(progress.distinct_states > 1);
    assert!(holds.is_empty() && unchecked.is_empty());
    assert_eq!(violations.len(), 1);
    let v = &violations[0];
    assert_eq!(v.property, "no-lost-write");
    assert!(v.length > 0 && !v.findings.is_empty());
    let session: Session = serde_json::from_str(&v.session).expect("a session");
    assert!(session.scenario.schedule.is_some());
    assert!(session.time_ticks > 0);
    let back = parse_reply(&last.to_json()).expect("a valid reply");
    assert_eq!(&back, last);
}

#[test]
fn bad_messages_are_error_replies_naming_the_field() {
    let error_of = |text: &str| match only(text) {
        ReplyBody::Error { field, message } => (field, message),
        other => panic!("an error for {text}: {other:?}"),
    };
    let (field, message) = error_of("not json");
    assert_eq!(field, "");
    assert!(!message.is_empty());
    let (field, _) = error_of(r#"{"protocol": 1, "id": 4, "job": {"mine-bitcoin": {}}}"#);
    assert_eq!(field, "job");
    let (field, message) =
        error_of(r#"{"protocol": 2, "id": 4, "job": {"explore": {"scenario": "x"}}}"#);
    assert_eq!(field, "protocol");
    assert!(message.contains("version 2"), "{message}");
    let (field, _) = error_of(
        r#"{"protocol": 1, "id": 4, "job": {"experiment-chunk": {"experiment": "staleness", "runs": [5, 1]}}}"#,
    );
    assert_eq!(field, "job.experiment-chunk.runs");
    let (field, message) = error_of(
        r#"{"protocol": 1, "id": 4, "job": {"experiment-chunk": {"experiment": "nope", "runs": [0, 1]}}}"#,
    );
    assert_eq!(field, "job.experiment-chunk.experiment");
    assert!(message.contains("\"nope\""), "{message}");
    let (field, _) = error_of(
        r#"{"protocol": 1, "id": 4, "job": {"experiment-chunk": {"experiment": {"version": 1, "name": "x", "scenario": "sweep-faults", "seeds": {"first": 0, "end": 1}, "report": "staleness", "grid": {"r": [1, 9]}}, "runs": [0, 1]}}}"#,
    );
    assert!(
        field.starts_with("job.experiment-chunk.experiment.grid"),
        "{field}"
    );
    let (field, _) = error_of(
        r#"{"protocol": 1, "id": 4, "job": {"explore": {"scenario": "quorum-success", "depth_max": 0}}}"#,
    );
    assert_eq!(field, "job.explore.depth_max");
    let (field, _) = error_of(
        r#"{"protocol": 1, "id": 4, "job": {"explore": {"scenario": "quorum-success", "properties": ["nice"]}}}"#,
    );
    assert_eq!(field, "job.explore.properties[0]");
    let (field, _) = error_of(
        r#"{"protocol": 1, "id": 4, "job": {"experiment-seed": {"experiment": "staleness", "configuration": 99, "seed": 0}}}"#,
    );
    assert_eq!(field, "job.experiment-seed.configuration");
    // The id is echoed when it could be read, 0 otherwise.
    let reply = replies(r#"{"protocol": 1, "id": 77, "job": 3}"#).remove(0);
    assert_eq!(reply.id, 77);
    let huge = format!("\"{}\"", "x".repeat(MAX_REQUEST_BYTES));
    let (_, message) = error_of(&huge);
    assert!(message.contains("limit"), "{message}");
    // Replies are checked on the way back too.
    assert_eq!(
        parse_reply(r#"{"protocol": 9, "id": 1, "reply": "ready"}"#)
            .expect_err("refused")
            .field,
        "protocol"
    );
    assert!(parse_reply(r#"{"protocol": 1, "id": 1, "reply": {"rogue": 1}}"#).is_err());
    assert_eq!(
        parse_reply(&Reply::ready().to_json()).expect("valid"),
        Reply::ready()
    );
}

#[test]
fn seeds_of_a_chunk_are_the_experiments() {
    // A chunk within one configuration measures exactly its seeds.
    let e = Experiment::builtin("latency").expect("built in");
    let e = e.with_seeds(Seeds { first: 7, end: 10 }).expect("valid");
    let ReplyBody::Chunk { sums, .. } =
        experiment_chunk(&serde_json::to_value(&e.spec).expect("serializes"), [3, 6])
            .expect("runs")
    else {
        panic!("a chunk")
    };
    let mut want = Measurements::default();
    for seed in 7..10 {
        want.merge(&e.configurations[1].measure_seed(seed));
    }
    assert_eq!(sums[1], want);
    assert!(sums.iter().enumerate().all(|(i, s)| i == 1 || s.runs == 0));
}

/// The `chunk` replies' sums of `ranges` of `value`, as a pool collects them.
fn chunk_sums(value: &Value, ranges: &[[u64; 2]]) -> Vec<Value> {
    ranges
        .iter()
        .map(|&range| {
            match only(&request(
                1,
                Job::ExperimentChunk {
                    experiment: value.clone(),
                    runs: range,
                },
            )) {
                ReplyBody::Chunk { sums, .. } => serde_json::to_value(sums).expect("JSON"),
                other => panic!("a chunk: {other:?}"),
            }
        })
        .collect()
}

#[test]
fn a_report_merges_the_chunks_and_draws_what_one_piece_draws() {
    let value = small_staleness();
    let experiment = experiment_of(&value, "e").expect("valid");
    let whole = experiment.run();
    let runs = experiment.runs();
    let sums = chunk_sums(&value, &[[0, 7], [7, 30], [30, runs]]);
    let text = request(
        9,
        Job::ExperimentReport {
            experiment: value.clone(),
            sums,
        },
    );
    let mut all = replies(&text);
    assert_eq!(all.len(), 1);
    let reply = all.remove(0);
    assert_eq!(reply.id, 9);
    let back = parse_reply(&reply.to_json()).expect("a valid reply");
    assert_eq!(back, reply);
    let ReplyBody::Report {
        runs: got,
        tables,
        charts,
    } = back.reply
    else {
        panic!("a report: {:?}", back.reply)
    };
    assert_eq!(got, runs);
    assert_eq!(tables, whole.tables());
    let expected = crate::view::charts(&whole);
    assert_eq!(charts.len(), expected.len());
    for (got, c) in charts.iter().zip(&expected) {
        assert_eq!(got.title, c.title);
        assert_eq!(got.table, c.table());
        let svg = wire::from_wire(&got.svg).expect("a whitelisted drawing");
        assert_eq!(svg, drawing::chart::chart(c));
    }
}

#[test]
fn a_report_of_sums_that_do_not_fit_is_refused_naming_the_field() {
    let value = small_staleness();
    let report = |sums: Vec<Vec<Measurements>>| {
        only(&request(
            2,
            Job::ExperimentReport {
                experiment: value.clone(),
                sums: sums
                    .into_iter()
                    .map(|s| serde_json::to_value(s).expect("JSON"))
                    .collect(),
            },
        ))
    };
    let field_of = |body: ReplyBody| match body {
        ReplyBody::Error { field, message } => (field, message),
        other => panic!("an error: {other:?}"),
    };
    let one = Measurements {
        runs: 1,
        ..Measurements::default()
    };
    let (field, message) = field_of(report(vec![vec![one.clone(); 3]]));
    assert_eq!(field, "job.experiment-report.sums[0]");
    assert!(message.contains("8 configurations"), "{message}");
    // More runs than the seeds make.
    let (field, message) = field_of(report(vec![vec![one.clone(); 8]; 7]));
    assert_eq!(field, "job.experiment-report.sums", "{message}");
    assert!(message.contains("6 seeds"), "{message}");
    // Forged counts of runs do not overflow the check.
    let huge = Measurements {
        runs: u64::MAX,
        ..Measurements::default()
    };
    let (field, _) = field_of(report(vec![vec![huge; 8]; 2]));
    assert_eq!(field, "job.experiment-report.sums");
    let (field, _) = field_of(report(vec![Vec::new(); MAX_REPORT_CHUNKS + 1]));
    assert_eq!(field, "job.experiment-report.sums");
    let (field, message) = field_of(only(&request(
        2,
        Job::ExperimentReport {
            experiment: value.clone(),
            sums: vec![serde_json::json!([{"runs": "many"}])],
        },
    )));
    assert_eq!(field, "job.experiment-report.sums[0]");
    assert!(message.contains("invalid type"), "{message}");
    let (field, _) = field_of(only(&request(
        2,
        Job::ExperimentReport {
            experiment: Value::String("nope".into()),
            sums: Vec::new(),
        },
    )));
    assert_eq!(field, "job.experiment-report.experiment");
    // No chunk yet: an empty report, not an error.
    assert!(matches!(
        report(Vec::new()),
        ReplyBody::Report { runs: 0, .. }
    ));
}

#[test]
fn a_builtin_runs_over_other_seeds() {
    let over = serde_json::json!({"builtin": "staleness", "seeds": {"first": 0, "end": 6}});
    let e = experiment_of(&over, "e").expect("valid");
    assert_eq!(e, experiment_of(&small_staleness(), "e").expect("valid"));
    let bad = |v: Value| {
        experiment_of(&v, "job.x.experiment")
            .expect_err("refused")
            .field
    };
    assert_eq!(
        bad(serde_json::json!({"builtin": "nope", "seeds": {"first": 0, "end": 6}})),
        "job.x.experiment.builtin"
    );
    assert_eq!(
        bad(serde_json::json!({"builtin": "staleness", "seeds": {"first": 6, "end": 6}})),
        "job.x.experiment.seeds"
    );
    assert_eq!(
        bad(serde_json::json!({"builtin": "staleness", "seeds": {"first": 0, "end": u64::MAX}})),
        "job.x.experiment.seeds"
    );
    assert!(
        bad(serde_json::json!({"builtin": "staleness", "seed": 1})).starts_with("job.x.experiment")
    );
}

/// The built-in partition-siblings scenario played to tick 101 by a user
/// whose last two timeline entries were actions: a session as the
/// playground exports it.
fn authored_session(ticks: u64) -> (Scenario, String) {
    let whole = Scenario::from_json(builtin_scenario("partition-siblings").unwrap()).unwrap();
    let session = played(&whole, 2, ticks);
    (whole, session)
}

/// `whole` as the playground exports it when a user played its last
/// `actions` timeline entries, standing at `ticks`.
fn played(whole: &Scenario, actions: usize, ticks: u64) -> String {
    let scripted = whole.timeline.len() - actions;
    let mut session = Session::new(Scenario {
        timeline: whole.timeline[..scripted].to_vec(),
        ..whole.clone()
    });
    session.inputs = whole.timeline[scripted..]
        .iter()
        .map(|entry| crate::share::UserInput {
            after_events: 0,
            entry: entry.clone(),
        })
        .collect();
    session.time_ticks = ticks;
    session.to_json()
}

#[test]
fn tutorial_candidates_list_what_the_page_shows_at_the_sessions_time() {
    let (whole, session) = authored_session(101);
    let body = only(&request(
        3,
        Job::TutorialCandidates {
            session: session.clone(),
            draft: None,
        },
    ));
    let ReplyBody::Candidates {
        scenario,
        ticks,
        differs,
        candidates,
    } = body
    else {
        panic!("expected candidates, got {body:?}");
    };
    assert_eq!((ticks, differs), (101, None));
    assert_eq!(*scenario, whole);
    let labels: Vec<&str> = candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.contains(&"n1 cart: values [bread, eggs], 2 siblings"),
        "{labels:?}"
    );
    // A draft on another seed does not continue: said in words.
    let reseeded = serde_json::to_value(Scenario {
        seed: whole.seed + 1,
        ..whole.clone()
    })
    .unwrap();
    let ReplyBody::Candidates { differs, .. } = only(&request(
        4,
        Job::TutorialCandidates {
            session,
            draft: Some(reseeded),
        },
    )) else {
        panic!("expected candidates");
    };
    assert!(differs.unwrap().contains("seed"));
    // A session that is not one names the field.
    let ReplyBody::Error { field, .. } = only(&request(
        5,
        Job::TutorialCandidates {
            session: "{\"scenario\": 3}".into(),
            draft: None,
        },
    )) else {
        panic!("expected an error");
    };
    assert_eq!(field, "job.tutorial-candidates.session.scenario.version");
}

#[test]
fn tutorial_check_returns_verdicts_the_file_and_a_link_that_carries_it() {
    let (whole, _) = authored_session(101);
    let draft = |siblings: u64| {
        serde_json::json!({
            "tutorial_version": 1, "id": "mine", "title": "Mine", "scenario": whole,
            "steps": [{ "title": "Two", "narration": "Two siblings.", "at": { "ticks": 101 },
                "expect": [{ "replica": { "node": 1, "key": "cart", "siblings": siblings } }] }]
        })
        .to_string()
    };
    let ReplyBody::Checked { check, link } =
        only(&request(6, Job::TutorialCheck { tutorial: draft(2) }))
    else {
        panic!("expected checked");
    };
    assert!(check.verdicts[0][0].passed);
    let text = check.text.unwrap();
    let carried = crate::share::decode_text(&link.unwrap()).unwrap();
    assert_eq!(carried, text);
    assert_eq!(
        crate::tutorial::Tutorial::from_json(&text).unwrap().id,
        "mine"
    );
    let ReplyBody::Checked { check, link } =
        only(&request(7, Job::TutorialCheck { tutorial: draft(3) }))
    else {
        panic!("expected checked");
    };
    assert!(!check.verdicts[0][0].passed);
    assert!(link.is_some(), "a failing assertion is still a valid file");
    let ReplyBody::Checked { check, link } = only(&request(
        8,
        Job::TutorialCheck {
            tutorial: "x".repeat(crate::tutorial::MAX_TUTORIAL_BYTES + 1),
        },
    )) else {
        panic!("expected checked");
    };
    assert!(check.invalid.unwrap().starts_with("tutorial: "));
    assert_eq!((check.text, link), (None, None));
}

#[test]
fn an_export_is_the_clis_file_of_the_run_where_the_page_stands() {
    use crate::cluster::Cluster;
    use crate::sim::SimOptions;
    let scenario = Scenario::from_json(builtin_scenario("session-guarantees").expect("built in"))
        .expect("valid");
    let key = "cart".to_string();
    // The page stands in the middle of the run (half its events, which
    // may fall inside a tick); its session says a later time.
    let mut whole = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    while whole.sim_mut().step() {}
    let position = whole.sim().stats().events / 2;
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    for _ in 0..position {
        assert!(cluster.sim_mut().step(), "the run is longer");
    }
    assert_eq!(cluster.sim().stats().events, position);
    let session = Session {
        time_ticks: cluster.sim().now() + 50,
        selected_key: Some(key.clone()),
        ..Session::new(scenario.clone())
    };
    let export = |format: &str| {
        only(&request(
            8,
            Job::Export {
                session: session.to_json(),
                position,
                format: format.to_string(),
            },
        ))
    };
    let exported = |e: export::Export| ReplyBody::Exported {
        text: e.text,
        note: e.note,
    };
    for (format, name) in Format::ALL {
        assert_eq!(
            export(name),
            exported(export::export(cluster.sim().history(), format)),
            "{name}"
        );
    }
    assert_eq!(
        export("svg-diagram"),
        exported(drawing::lamport_export(&cluster))
    );
    assert_eq!(
        export("svg-ring"),
        exported(drawing::ring_export(&cluster, &key, &|a: f64| (
            a.cos(),
            a.sin()
        )))
    );
    // Not the session's later time: the run stops where the page stands.
    let ReplyBody::Exported { text, .. } = export("shiviz") else {
        panic!("a file")
    };
    let later = Playback::from_share(&session).expect("replays");
    assert!(later.position() > position);
    assert_ne!(
        text,
        export::export(later.cluster().sim().history(), Format::ShiViz).text
    );
    // Bad requests name their field.
    let error_of = |format: &str, session: &str| match only(&request(
        9,
        Job::Export {
            session: session.to_string(),
            position,
            format: format.to_string(),
        },
    )) {
        ReplyBody::Error { field, .. } => field,
        other => panic!("an error: {other:?}"),
    };
    assert_eq!(error_of("png", &session.to_json()), "job.export.format");
    assert!(error_of("edn", "{}").starts_with("job.export.session"));
    assert!(error_of("edn", "not json").starts_with("job.export.session"));
}

/// An exploration of `scenario` or `session` for a lost write, at most
/// `depth_max` choices deep.
fn lost_write_job(scenario: Value, session: Option<String>, depth_max: u32) -> Job {
    Job::Explore(ExploreJob {
        scenario,
        session,
        depth_max,
        drops_max: 0,
        faults_max: 0,
        faults: String::new(),
        states_max: 100_000,
        memory_max_bytes: EXPLORE_MEMORY_DEFAULT_BYTES,
        properties: vec!["no-lost-write".into()],
        reduction: true,
    })
}

/// [`lost_write_job`]'s final reply.
fn explore_lost_write(scenario: Value, session: Option<String>, depth_max: u32) -> ReplyBody {
    let mut all = replies(&request(12, lost_write_job(scenario, session, depth_max)));
    all.pop().expect("a reply").reply
}

/// The teaching case: two blind puts on one LWW replica.
fn stale_write_lww() -> Scenario {
    Scenario::from_json(include_str!(
        "../../../../scenarios/explore/stale-write-lww.json"
    ))
    .expect("valid")
}

#[test]
fn a_playground_session_explores_the_scenario_it_plays() {
    let lww = stale_write_lww();
    let of_scenario = explore_lost_write(serde_json::to_value(&lww).unwrap(), None, 20);
    // The same two puts, played by the user on an empty timeline, at
    // whatever time the page stands: the same search, the same shortest
    // lost write.
    let of_session = explore_lost_write(Value::Null, Some(played(&lww, 2, 57)), 20);
    let (
        ReplyBody::Explored {
            ended,
            violations,
            progress,
            ..
        },
        ReplyBody::Explored {
            violations: expected,
            progress: progress_expected,
            ..
        },
    ) = (&of_session, &of_scenario)
    else {
        panic!("explored: {of_session:?} and {of_scenario:?}")
    };
    assert_eq!(*ended, Ended::AllBroken);
    assert_eq!(progress.distinct_states, progress_expected.distinct_states);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].length, expected[0].length);
    assert_eq!(violations[0].findings, expected[0].findings);
    // Only the user's part played, the scenario's first put scripted: the
    // played scenario is the same.
    let half = explore_lost_write(Value::Null, Some(played(&lww, 1, 0)), 20);
    let ReplyBody::Explored { violations, .. } = &half else {
        panic!("explored: {half:?}")
    };
    assert_eq!(violations[0].length, expected[0].length);
}

#[test]
fn a_session_the_explorer_cannot_use_is_refused_in_words() {
    let lww = stale_write_lww();
    let error_of = |scenario: Value, session: &str, depth_max: u32| match explore_lost_write(
        scenario,
        Some(session.to_string()),
        depth_max,
    ) {
        ReplyBody::Error { field, message } => (field, message),
        other => panic!("an error for {session}: {other:?}"),
    };
    // Nothing played yet: an empty timeline and no inputs.
    let empty = Session::new(Scenario {
        timeline: Vec::new(),
        ..lww.clone()
    })
    .to_json();
    let (field, message) = error_of(Value::Null, &empty, 20);
    assert_eq!(field, "job.explore.session");
    assert!(message.contains("played nothing yet"), "{message}");
    // More actions than the depth bound reaches: no state would settle.
    let (field, message) = error_of(Value::Null, &played(&lww, 2, 0), 1);
    assert_eq!(field, "job.explore.session");
    assert_eq!(
        message,
        "the session plays 2 actions, more than depth_max (1) choices reach: raise depth_max \
         or explore a shorter session"
    );
    // Not a session, a session recorded mid-tick, and both a scenario and
    // a session: each names the field.
    let (field, _) = error_of(Value::Null, "{\"scenario\": 3}", 20);
    assert_eq!(field, "job.explore.session.scenario.version");
    let (field, _) = error_of(Value::Null, "not json", 20);
    assert!(field.starts_with("job.explore.session"), "{field}");
    let mut mid_tick: Session = Session::from_json(&played(&lww, 1, 0)).unwrap();
    mid_tick.inputs[0].after_events = 3;
    let (field, message) = error_of(Value::Null, &mid_tick.to_json(), 20);
    assert_eq!(field, "job.explore.session.inputs[0].after_events");
    assert!(message.contains("before the first event"), "{message}");
    let (field, message) = error_of(Value::String("quorum-success".into()), &empty, 20);
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("job.explore.session", "a scenario or a session, not both")
    );
}

/// A tutorial read for the page is the CLI's reading of the same file,
/// given the named scenario's text; an invalid one is the reader's own
/// error, word for word.
#[test]
fn a_tutorial_is_read_for_the_page_as_the_cli_reads_it() {
    let (_, text) = crate::tutorial::BUILTIN_TUTORIALS[0];
    let name = Tutorial::scenario_name_in(text).expect("names a built-in");
    let ask = |tutorial: &str, scenario: Option<&str>| {
        only(&request(
            3,
            Job::TutorialRead {
                tutorial: tutorial.to_string(),
                scenario: scenario.map(str::to_string),
            },
        ))
    };
    let ReplyBody::TutorialRead {
        wire: Some(wire),
        error: None,
    } = ask(text, builtin_scenario(&name))
    else {
        panic!("a built-in tutorial is read");
    };
    assert_eq!(
        tutorial_wire::from_wire(&wire),
        Some(Tutorial::from_json(text).expect("valid"))
    );
    let broken = text.replacen("\"title\"", "\"titel\"", 1);
    assert_eq!(
        ask(&broken, builtin_scenario(&name)),
        ReplyBody::TutorialRead {
            wire: None,
            error: Some(Tutorial::from_json(&broken).unwrap_err().to_string()),
        }
    );
    // Without the named scenario's text, the reader says there is none.
    let ReplyBody::TutorialRead { error: Some(e), .. } = ask(text, None) else {
        panic!("no scenario, no tutorial");
    };
    assert!(e.contains("there is no built-in scenario called"), "{e}");
}

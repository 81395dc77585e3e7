//! The tutorial format: what it reads, what it refuses and with which field.

use serde_json::{json, Value};

use super::*;

/// A small valid tutorial on the built-in `partition-siblings` scenario.
fn valid() -> Value {
    json!({
        "tutorial_version": 1,
        "id": "mine",
        "title": "My tutorial",
        "scenario": "partition-siblings",
        "steps": [
            {
                "title": "Siblings",
                "at": { "ticks": 101 },
                "focus": { "key": "cart" },
                "narration": "c1 reads `cart` and gets **both** values.",
                "try": ["Crash n3 first."],
                "expect": [
                    { "replica": { "node": 1, "key": "cart", "values": ["eggs", "bread"], "siblings": 2 } },
                    { "last_result": { "client": 1, "outcome": "got", "values": ["eggs", "bread"], "context": "{n1:2, n3:1}" } },
                    { "checker": { "lost_writes": 0 } },
                    { "message": { "kind": "client-get", "sent": true } }
                ]
            }
        ]
    })
}

fn error_of(value: &Value) -> (String, String) {
    match Tutorial::from_json(&value.to_string()) {
        Err(ScenarioError::Invalid { field, reason } | ScenarioError::Json { field, reason }) => {
            (field, reason)
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// `valid()` with the value at `pointer` replaced by `with`.
fn changed(pointer: &str, with: Value) -> Value {
    let mut value = valid();
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    match value
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer}"))
    {
        Value::Object(map) => {
            map.insert(key.to_string(), with);
        }
        Value::Array(items) => items[key.parse::<usize>().expect("an index")] = with,
        _ => panic!("{pointer}"),
    }
    value
}

#[test]
fn a_valid_tutorial_reads_and_round_trips() {
    let t = Tutorial::from_json(&valid().to_string()).expect("valid");
    assert_eq!(t.scenario_name.as_deref(), Some("partition-siblings"));
    assert_eq!(t.steps[0].until_ticks, 101);
    assert_eq!(Tutorial::from_json(&t.to_json()), Ok(t.clone()));
    let session = t.session(0).expect("step 0");
    assert_eq!(
        (session.time_ticks, session.selected_key.as_deref()),
        (101, Some("cart"))
    );
    assert!(t.session(1).is_none());
}

#[test]
fn an_inline_scenario_round_trips_inline() {
    let scenario: Value =
        serde_json::from_str(crate::scenario::builtin_scenario("read-repair").unwrap()).unwrap();
    let mut value = valid();
    value["scenario"] = scenario;
    value["steps"][0]["focus"] = json!({ "key": "k" });
    value["steps"][0]["expect"] = json!([]);
    let t = Tutorial::from_json(&value.to_string()).expect("valid");
    assert_eq!(t.scenario_name, None);
    assert!(t.to_json().contains("\"timeline\""));
    assert_eq!(Tutorial::from_json(&t.to_json()), Ok(t));
}

#[test]
fn the_check_passes_and_names_the_failing_step() {
    let t = Tutorial::from_json(&valid().to_string()).expect("valid");
    assert_eq!(t.check(), Ok(4));
    let wrong = changed("/steps/0/expect/0/replica/values", json!(["milk"]));
    let failure = Tutorial::from_json(&wrong.to_string())
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!((failure.step, failure.assertion), (0, 0));
    assert_eq!(failure.verdict.expected, "values [milk], 2 siblings");
    assert_eq!(failure.verdict.actual, "values [bread, eggs], 2 siblings");
    assert_eq!(
        failure.to_string(),
        "step 1 (Siblings), steps[0].expect[0]: n1 cart: expected values [milk], 2 siblings, \
         but the cluster shows values [bread, eggs], 2 siblings"
    );
}

#[test]
fn every_kind_of_assertion_can_fail() {
    for (pointer, with, actual) in [
        (
            "/steps/0/expect/1/last_result",
            json!({ "client": 1, "outcome": "put" }),
            "got",
        ),
        (
            "/steps/0/expect/2/checker/lost_writes",
            json!(1),
            "lost_writes 0",
        ),
        ("/steps/0/expect/3/message/sent", json!(false), "sent"),
        ("/steps/0/expect/0/replica/clock", json!("{}"), "clock {"),
    ] {
        let t = Tutorial::from_json(&changed(pointer, with).to_string()).expect(pointer);
        let failure = t.check().expect_err(pointer);
        assert!(
            failure.verdict.actual.starts_with(actual) || failure.verdict.actual.contains(actual),
            "{pointer}: {failure}"
        );
    }
}

#[test]
fn errors_name_the_field() {
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            changed("/tutorial_version", json!(2)),
            "tutorial_version",
            "unknown version 2",
        ),
        (changed("/id", json!("Not An Id")), "id", "is not an id"),
        (changed("/title", json!("")), "title", "is empty"),
        (
            changed("/scenario", json!("nope")),
            "scenario",
            "no built-in scenario called \"nope\"",
        ),
        (
            changed("/scenario", json!(3)),
            "scenario",
            "a built-in scenario's name",
        ),
        (
            changed("/compare_mode", json!("dvvset")),
            "compare_mode",
            "already runs dvvset",
        ),
        (
            changed("/compare_mode", json!("fast")),
            "compare_mode",
            "unknown causality mode \"fast\"",
        ),
        (changed("/steps", json!([])), "steps", "at least one step"),
        (
            changed("/steps/0/narration", json!(" ")),
            "steps[0].narration",
            "is empty",
        ),
        (
            changed("/steps/0/narration", json!("x".repeat(5000))),
            "steps[0].narration",
            "the limit is 4000",
        ),
        (
            changed("/steps/0/at", json!({ "action": 99 })),
            "steps[0].at",
            "no action 99",
        ),
        (
            changed("/steps/0/at", json!({ "ticks": 2_000_000_000u64 })),
            "steps[0].at",
            "past the latest time",
        ),
        (
            changed("/steps/0/at", json!({ "seconds": 3 })),
            "steps[0].at",
            "unknown variant",
        ),
        (
            changed("/steps/0/focus", json!({ "key": "basket" })),
            "steps[0].focus.key",
            "never puts or gets the key \"basket\"",
        ),
        (
            changed("/steps/0/focus", json!({ "node": 9 })),
            "steps[0].focus.node",
            "n9 is not in the cluster (n1 to n3)",
        ),
        (
            changed("/steps/0/focus", json!({ "op": 8 })),
            "steps[0].focus.op",
            "op8 is not an operation",
        ),
        (
            changed("/steps/0/try", json!(vec!["a"; 9])),
            "steps[0].try",
            "9 prompts",
        ),
        (
            changed("/steps/0/color", json!("red")),
            "steps[0].color",
            "unknown field `color`",
        ),
        (
            changed("/steps/0/expect/0/replica/node", json!(0)),
            "steps[0].expect[0].replica.node",
            "n0 is not in the cluster",
        ),
        (
            changed("/steps/0/expect/0/replica/key", json!("kart")),
            "steps[0].expect[0].replica.key",
            "never puts or gets",
        ),
        (
            changed(
                "/steps/0/expect/0/replica",
                json!({ "node": 1, "key": "cart" }),
            ),
            "steps[0].expect[0].replica",
            "expects nothing",
        ),
        (
            changed("/steps/0/expect/1/last_result/client", json!(7)),
            "steps[0].expect[1].last_result.client",
            "c7 is not a client",
        ),
        (
            changed("/steps/0/expect/1/last_result/outcome", json!("timeout")),
            "steps[0].expect[1].last_result",
            "belong to a get",
        ),
        (
            changed("/steps/0/expect/2/checker", json!({})),
            "steps[0].expect[2].checker",
            "expects nothing",
        ),
        (
            changed("/steps/0/expect/3/message/kind", json!("gossipp")),
            "steps[0].expect[3].message.kind",
            "no message kind is called \"gossipp\"",
        ),
        (
            changed("/steps/0/expect/3", json!({ "telepathy": {} })),
            "steps[0].expect[3]",
            "unknown variant",
        ),
    ];
    for (value, field, reason) in cases {
        let (got_field, got_reason) = error_of(&value);
        assert_eq!(got_field, field, "{reason}: {got_reason}");
        assert!(
            got_reason.contains(reason),
            "{field}: {got_reason:?} lacks {reason:?}"
        );
    }
}

#[test]
fn scenario_errors_are_named_under_scenario() {
    let mut value = valid();
    value["scenario"] = json!({ "version": 1, "cluster": { "nodes": 3, "n": 3, "r": 9, "w": 2, "mode": "dvvset" } });
    let (field, _) = error_of(&value);
    assert_eq!(field, "scenario.cluster.r");
}

#[test]
fn steps_never_go_back_and_actions_resolve_to_times() {
    let mut value = valid();
    let step = value["steps"][0].clone();
    let mut earlier = step.clone();
    earlier["at"] = json!({ "ticks": 50 });
    value["steps"] = json!([step, earlier]);
    assert_eq!(error_of(&value).0, "steps[1].at");

    // partition-siblings: entry 0 is c1's put at 0, entry 1 a get at 12.
    let at_action = changed("/steps/0/at", json!({ "action": 0 }));
    let mut at_action = at_action;
    at_action["steps"][0]["expect"] = json!([]);
    let t = Tutorial::from_json(&at_action.to_string()).expect("valid");
    let scenario = &t.scenario;
    let first = Time::try_from(scenario.timeline[0].at).unwrap();
    let next = scenario
        .timeline
        .iter()
        .map(|e| Time::try_from(e.at).unwrap())
        .filter(|t| *t > first)
        .min()
        .unwrap();
    assert_eq!(t.steps[0].until_ticks, next - 1);
}

#[test]
fn size_caps_and_garbage() {
    let huge = " ".repeat(MAX_TUTORIAL_BYTES + 1);
    assert_eq!(error_of_text(&huge).0, "tutorial");
    let mut value = valid();
    value["steps"] = Value::Array(vec![value["steps"][0].clone(); MAX_STEPS + 1]);
    assert_eq!(error_of(&value).0, "steps");
    for text in [
        "",
        "[]",
        "{",
        "null",
        "{\"tutorial_version\": 1}",
        "{\"tutorial_version\": 1, \"tutorial_version\": 1}",
    ] {
        assert!(Tutorial::from_json(text).is_err(), "{text}");
    }
}

fn error_of_text(text: &str) -> (String, String) {
    match Tutorial::from_json(text) {
        Err(ScenarioError::Invalid { field, reason }) => (field, reason),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_index_names_every_built_in_file_with_its_title() {
    let ids: Vec<&str> = BUILTIN_TUTORIALS.iter().map(|(id, _)| *id).collect();
    let indexed: Vec<&str> = BUILTIN_INDEX.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, indexed);
    for (id, title) in BUILTIN_INDEX {
        let t = tutorial(id).expect("built in");
        assert_eq!(&t.title, title, "tutorials/{id}.json's title");
    }
}

#[test]
fn a_named_scenario_is_read_from_what_the_reader_is_given() {
    let text = valid().to_string();
    assert_eq!(
        Tutorial::scenario_name_in(&text).as_deref(),
        Some("partition-siblings")
    );
    let fetched = builtin_scenario("partition-siblings").expect("built in");
    let given = Tutorial::from_json_with(&text, &|name| {
        (name == "partition-siblings").then(|| fetched.to_string())
    })
    .expect("valid");
    assert_eq!(given, Tutorial::from_json(&text).expect("valid"));
    let (field, reason) =
        match Tutorial::from_json_with(&text, &|_| None).expect_err("no scenario given") {
            ScenarioError::Invalid { field, reason } => (field, reason),
            other => panic!("{other:?}"),
        };
    assert_eq!(field, "scenario");
    assert!(reason.contains("partition-siblings"), "{reason}");
    assert!(Tutorial::is_tutorial_text(&text));
    assert!(!Tutorial::is_tutorial_text(r#"{"scenario": "x"}"#));
    assert!(!Tutorial::is_tutorial_text("[1]"));
    let inline = changed("/scenario", json!({"bad": 1})).to_string();
    assert_eq!(Tutorial::scenario_name_in(&inline), None);
    assert_eq!(Tutorial::scenario_name_in("not json"), None);
}

/// What the worker posts is what the page reads back: every built-in
/// tutorial, and a file with every kind of assertion, focus and position,
/// cross the wire (as text, as `postMessage` carries it) unchanged.
#[test]
fn a_tutorial_crosses_the_wire_unchanged() {
    let mut all = tutorials();
    let mut every_kind = valid();
    every_kind["steps"][0]["kernel"] = json!({
        "operation": "event({}, S, n1)", "result": "(n1,1)", "dvv": "{}", "dvvset": "[]"
    });
    every_kind["compare_mode"] = json!("lww");
    let first = every_kind["steps"][0].clone();
    every_kind["steps"][0]["at"] = json!({ "action": 3 });
    for (at, focus) in [
        (json!({ "ticks": 120 }), json!({ "node": 2 })),
        (json!({ "ticks": 130 }), json!({ "op": 1 })),
    ] {
        let mut step = first.clone();
        step["at"] = at;
        step["focus"] = focus;
        step["expect"] = json!([{ "last_result": {
            "client": 2, "outcome": "quorum-failed"
        } }, { "replica": { "node": 2, "key": "cart", "clock": "[(n1,1,[bread])]" } },
           { "checker": { "false_conflicts": 1, "non_converged": 0, "stale_reads": 0,
                          "session_violations": 0, "lost_writes": 0 } }]);
        every_kind["steps"].as_array_mut().unwrap().push(step);
    }
    all.push(Tutorial::from_json(&every_kind.to_string()).expect("valid"));
    let mut inline = valid();
    inline["scenario"] =
        serde_json::from_str(builtin_scenario("partition-siblings").unwrap()).unwrap();
    all.push(Tutorial::from_json(&inline.to_string()).expect("valid"));
    for t in all {
        let text = wire::to_wire(&t).to_string();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(wire::from_wire(&value).as_ref(), Some(&t), "{}", t.id);
    }
}

/// Anything that is not the wire's form reads as nothing, never a panic:
/// each field of a wire tutorial removed or replaced by a value of another
/// type, at every depth.
#[test]
fn what_is_not_the_wire_form_reads_as_nothing() {
    fn mutations(v: &Value, out: &mut Vec<Value>, rebuild: &dyn Fn(Value) -> Value) {
        match v {
            Value::Object(map) => {
                for (k, field) in map {
                    let mut removed = map.clone();
                    removed.remove(k);
                    out.push(rebuild(Value::Object(removed)));
                    for other in [json!(null), json!(-1), json!("x"), json!([]), json!({})] {
                        let mut changed = map.clone();
                        changed.insert(k.clone(), other);
                        out.push(rebuild(Value::Object(changed)));
                    }
                    let (map, k) = (map.clone(), k.clone());
                    mutations(field, out, &|inner| {
                        let mut m = map.clone();
                        m.insert(k.clone(), inner);
                        rebuild(Value::Object(m))
                    });
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let items = items.clone();
                    mutations(item, out, &|inner| {
                        let mut a = items.clone();
                        a[i] = inner;
                        rebuild(Value::Array(a))
                    });
                }
            }
            _ => {}
        }
    }
    let t = Tutorial::from_json(&valid().to_string()).unwrap();
    let mut wire_value = wire::to_wire(&t);
    wire_value["scenario"] = json!({}); // the scenario reader has its own tests
    let mut all = Vec::new();
    mutations(&wire_value, &mut all, &|v| v);
    assert!(all.len() > 100);
    for v in &all {
        // Read, or refused: either way no panic; a change that is still
        // the form (an optional field removed) reads as a tutorial.
        let _ = wire::from_wire(v);
    }
    assert_eq!(wire::from_wire(&json!({})), None);
    assert_eq!(wire::from_wire(&json!([1, 2])), None);
    let mut short = wire::to_wire(&t);
    short["until_ticks"] = json!([]);
    assert_eq!(wire::from_wire(&short), None);
}

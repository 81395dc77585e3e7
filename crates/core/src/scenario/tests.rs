//! Scenario validation, through one `check` helper: a change to a valid
//! scenario, and the error it must produce.

use super::{
    builtin_scenarios, indent_json, Scenario, ScenarioError, MAX_CLIENTS, MAX_NODES,
    MAX_SCENARIO_BYTES,
};
use crate::node::client::CONTEXT_ENTRIES_MAX;

const VALID: &str = r#"{
  "version": 1,
  "cluster": { "nodes": 3, "n": 3, "r": 2, "w": 2, "mode": "dvvset" },
  "timeline": [
    { "at": 0, "client": 1, "put": { "key": "k", "value": "v", "node": 1 } },
    { "at": 5, "fault": { "partition": [[1], [2, 3]] } },
    { "at": 9, "client": 2, "get": { "key": "k", "node": 2, "r": 3 } }
  ]
}"#;

/// Replace `from` by `to` in the valid scenario and expect `error` (the
/// error's text), or success when `error` is empty.
fn check(from: &str, to: &str, error: &str) {
    assert!(
        VALID.contains(from),
        "{from:?} is not in the valid scenario"
    );
    let result = Scenario::from_json(&VALID.replacen(from, to, 1));
    match result {
        Ok(_) => assert!(error.is_empty(), "accepted, but expected {error:?}"),
        Err(e) => assert_eq!(e.to_string(), error),
    }
}

#[test]
fn a_valid_scenario_parses_with_defaults() {
    let scenario = Scenario::from_json(VALID).expect("valid");
    assert_eq!(scenario.cluster.partitions, 16);
    assert_eq!(scenario.client_count(), 2);
    assert_eq!(scenario.network.latency_ticks_max, 3);
}

#[test]
fn version_errors() {
    check(
        r#""version": 1"#,
        r#""version": 2"#,
        "version: unknown version 2; this build reads version 1",
    );
    check(
        r#""version": 1,"#,
        "",
        "version: missing; this build reads version 1",
    );
}

#[test]
fn cluster_errors() {
    check(
        r#""r": 2"#,
        r#""r": 4"#,
        "cluster.r: R = 4 must be at least 1 and at most N = 3",
    );
    check(
        r#""w": 2"#,
        r#""w": 0"#,
        "cluster.w: W = 0 must be at least 1 and at most N = 3",
    );
    check(
        r#""nodes": 3"#,
        r#""nodes": 0"#,
        "cluster.nodes: 0 nodes; a cluster has 1 to 64",
    );
    check(
        r#""mode": "dvvset""#,
        r#""mode": "vc""#,
        "cluster.mode: invalid clock: unknown causality mode \"vc\": expected one of dvvset, lww, client-vv, server-vv-separate, server-vv-merged",
    );
    check(r#""n": 3,"#, r#""n": 3, "colour": 1,"#, "cluster.colour: unknown field `colour`, expected one of `nodes`, `partitions`, `n`, `r`, `w`, `mode`, `clients`, `request_timeout_ticks`, `client_timeout_ticks`, `mechanisms`, `hint_handoff_interval_ticks`, `anti_entropy_interval_ticks`, `gossip_interval_ticks`, `members`, `seeds`, `vv_prune_threshold`");
    check(
        r#""nodes": 3"#,
        r#""nodes": -3"#,
        "cluster.nodes: invalid value: integer `-3`, expected u16",
    );
}

#[test]
fn pruning_errors() {
    let client_vv = r#""mode": "client-vv", "vv_prune_threshold": 2"#;
    check(r#""mode": "dvvset""#, client_vv, "");
    check(
        r#""mode": "dvvset""#,
        r#""mode": "client-vv", "vv_prune_threshold": 0"#,
        "cluster.vv_prune_threshold: 0 entries: a pruned vector keeps at least the entry of the write being made, so the threshold is at least 1 (leave the field out to keep every entry)",
    );
    check(
        r#""mode": "dvvset""#,
        r#""mode": "dvvset", "vv_prune_threshold": 10"#,
        "cluster.vv_prune_threshold: pruning truncates client-id version vectors, and mode is dvvset; set mode to client-vv or leave the field out",
    );
    check(
        r#""mode": "dvvset""#,
        r#""mode": "client-vv", "vv_prune_threshold": -1"#,
        "cluster.vv_prune_threshold: invalid value: integer `-1`, expected u32",
    );
}

#[test]
fn membership_errors() {
    let five = r#""nodes": 5, "members": [1, 2, 3],"#;
    check(r#""nodes": 3,"#, five, "");
    check(
        r#""nodes": 3,"#,
        r#""nodes": 5, "members": [1, 2],"#,
        "cluster.members: 2 members cannot hold N = 3 replicas",
    );
    check(
        r#""nodes": 3,"#,
        r#""nodes": 3, "members": [1, 2, 2],"#,
        "cluster.members: node 2 is listed twice",
    );
    check(
        r#""nodes": 3,"#,
        r#""nodes": 3, "seeds": [7],"#,
        "cluster.seeds: unknown node 7; nodes are numbered 1 to 3",
    );
    let with = |entry: &str| format!(r#"{{ "at": 5, {entry} }}, {{ "at": 5, "fault""#);
    let join_then = |entry: &str| {
        format!(r#"{{ "at": 5, "join": 4 }}, {{ "at": 6, {entry} }}, {{ "at": 5, "fault""#)
    };
    let entry = r#"{ "at": 5, "fault""#;
    let nodes = r#""nodes": 3,"#;
    let both = |timeline: &str| VALID.replacen(nodes, five, 1).replacen(entry, timeline, 1);
    let expect = |text: String, error: &str| match Scenario::from_json(&text) {
        Ok(_) => assert!(error.is_empty(), "accepted, but expected {error:?}"),
        Err(e) => assert_eq!(e.to_string(), error),
    };
    expect(both(&with(r#""join": 4"#)), "");
    expect(both(&join_then(r#""leave": 1"#)), "");
    expect(
        both(&with(r#""join": 2"#)),
        "timeline[1].join: n2 is already a member at tick 5",
    );
    expect(
        both(&with(r#""leave": 4"#)),
        "timeline[1].leave: n4 is not a member at tick 5",
    );
    expect(
        both(&with(r#""leave": 1"#)),
        "timeline[1].leave: n1 leaving would leave 2 members, fewer than N = 3",
    );
    expect(
        both(&with(r#""join": 9"#)),
        "timeline[1].join: unknown node 9; nodes are numbered 1 to 5",
    );
    expect(
        both(&with(r#""join": 4, "client": 1"#)),
        "timeline[1].client: a join has no client",
    );
    expect(
        both(&with(r#""join": 4, "leave": 4"#)),
        "timeline[1]: an entry holds exactly one of \"put\", \"get\", \"fault\", \"join\" or \"leave\"",
    );
}

#[test]
fn timeline_errors() {
    check(
        r#""at": 9"#,
        r#""at": -9"#,
        "timeline[2].at: negative time -9",
    );
    check(
        r#""node": 2"#,
        r#""node": 4"#,
        "timeline[2].get.node: unknown node 4; nodes are numbered 1 to 3",
    );
    check(
        r#""r": 3 }"#,
        r#""r": 4 }"#,
        "timeline[2].get.r: R = 4 must be at least 1 and at most N = 3",
    );
    check(
        r#"[[1], [2, 3]]"#,
        r#"[[1], [1, 3]]"#,
        "timeline[1].fault: node 1 is in two partition groups",
    );
    check(
        r#"[[1], [2, 3]]"#,
        r#"[[1], [9]]"#,
        "timeline[1].fault: unknown node 9; nodes are numbered 1 to 3",
    );
    check(
        r#""client": 1, "#,
        "",
        "timeline[0].client: a put or get names its client",
    );
    check(r#""node": 1 }"#, r#""node": 1, "context": "{n1:x}" }"#, "timeline[0].put.context: at byte 4: \"x\" is not a valid counter: invalid digit found in string (expected \"last-get\", \"none\" or a context such as \"{n1:2}\")");
    check(r#""node": 1 }"#, r#""node": 1, "context": "{n1:2}" }"#, "");
    let wide: Vec<String> = (1..=300).map(|n| format!("n{n}:1")).collect();
    check(
        r#""node": 1 }"#,
        &format!(r#""node": 1, "context": "{{{}}}" }}"#, wide.join(", ")),
        "timeline[0].put.context: a context names at most 256 replicas and clients, this one 300",
    );
    check(
        r#"{ "at": 5, "fault""#,
        r#"{ "at": 5, "client": 1, "get": { "key": "k", "node": 1 }, "fault""#,
        "timeline[1]: an entry holds exactly one of \"put\", \"get\", \"fault\", \"join\" or \"leave\"",
    );
    check(
        r#""key": "k", "value""#,
        r#""key": "", "value""#,
        "timeline[0].put.key: must be 1 to 256 bytes, not 0",
    );
}

#[test]
fn text_errors() {
    check(
        r#""version": 1,"#,
        r#""version": 1"#,
        "not a valid scenario: expected `,` or `}` at line 3 column 3",
    );
    let huge = " ".repeat(MAX_SCENARIO_BYTES + 1);
    assert_eq!(
        Scenario::from_json(&huge),
        Err(ScenarioError::TooLarge {
            bytes: MAX_SCENARIO_BYTES + 1
        })
    );
}

#[test]
fn json_errors_name_the_path() {
    check(r#""n": 3, "#, "", "cluster: missing field `n`");
    check(
        r#"[[1], [2, 3]]"#,
        r#"[[1], "x"]"#,
        "timeline[1].fault.partition[1]: invalid type: string \"x\", expected a sequence",
    );
    check(
        r#"{ "partition""#,
        r#"{ "explode""#,
        "timeline[1].fault: unknown variant `explode`, expected one of `partition`, `one-way`, `cut`, `heal`, `crash`, `restart`, `set-drop`, `set-duplicate`, `set-reorder`, `set-latency`",
    );
    check(
        r#"{ "partition": [[1], [2, 3]] }"#,
        r#"{ "partition": [[1]], "crash": 2 }"#,
        "timeline[1].fault: invalid value: map, expected map with a single key",
    );
    check(
        r#"{ "partition": [[1], [2, 3]] }"#,
        r#"{ "set-latency": { "latency_ticks_min": 1, "latency_ticks_mx": 2 } }"#,
        "timeline[1].fault.set-latency.latency_ticks_mx: unknown field `latency_ticks_mx`, expected `latency_ticks_min` or `latency_ticks_max`",
    );
    check(r#""r": 3 }"#, r#""r": null }"#, "");
    check(
        r#""cluster": {"#,
        r#""network": { "links": [{ "from": 1, "to": 2, "latency_ticks_min": 1, "latency_ticks_max": true }] }, "cluster": {"#,
        "network.links[0].latency_ticks_max: invalid type: boolean `true`, expected u64",
    );
    // A struct is an object, never an array of its fields (read.rs's CAVEATS).
    check(
        r#""cluster": {"#,
        r#""network": { "links": [[1, 2, 1, 5]] }, "cluster": {"#,
        "network.links[0]: invalid type: sequence, expected struct LinkLatency",
    );
    check(
        r#""timeline": ["#,
        r#""timeline": 7, "unused": ["#,
        "timeline: invalid type: integer `7`, expected a sequence",
    );
    check(
        r#""cluster": {"#,
        r#""seed": "x", "cluster": {"#,
        "seed: invalid type: string \"x\", expected u64",
    );
    // A float is written as serde_json writes it (read.rs's `write_unexpected`).
    check(
        r#""cluster": {"#,
        r#""seed": 2.0, "cluster": {"#,
        "seed: invalid type: floating point `2.0`, expected u64",
    );
    check(
        r#""mode": "dvvset""#,
        r#""mode": -1.25e-7"#,
        "cluster.mode: invalid type: floating point `-1.25e-7`, expected a string",
    );
}

#[test]
fn to_json_is_serde_jsons_pretty_form() {
    for (name, json) in builtin_scenarios() {
        let scenario = Scenario::from_json(json).expect("valid");
        let pretty = serde_json::to_string_pretty(&scenario).expect("serializes");
        assert_eq!(scenario.to_json(), pretty, "{name}");
    }
    let tricky = serde_json::json!({
        "empty": {}, "none": [], "nested": [[], {}, [[1, 2], {"a": []}]],
        "text": "a \"quoted\" {brace}, [bracket]: colon \\ back\\slash \u{e9}\n",
        "numbers": [0, -1, 1.5, 1e300], "flags": [true, false, null]
    });
    assert_eq!(
        indent_json(&tricky.to_string()),
        serde_json::to_string_pretty(&tricky).expect("serializes")
    );
}

#[test]
fn the_first_key_is_the_first_the_timeline_puts_or_gets() {
    let first = |json: &str| Scenario::from_json(json).map(|s| s.first_key().map(String::from));
    let json = |timeline: &str| {
        format!(
            r#"{{"version": 1, "cluster": {{"nodes": 3, "n": 3, "r": 2, "w": 2, "mode": "dvvset"}},
                "timeline": [{timeline}]}}"#
        )
    };
    assert_eq!(first(&json("")), Ok(None));
    let fault_then_get = r#"{"at": 0, "fault": "heal"},
        {"at": 1, "client": 1, "get": {"key": "a", "node": 1}},
        {"at": 2, "client": 1, "put": {"key": "b", "value": "v", "node": 1, "context": "none"}}"#;
    assert_eq!(first(&json(fault_then_get)), Ok(Some("a".into())));
    let put_first = r#"{"at": 5, "client": 1, "put": {"key": "b", "value": "v", "node": 1, "context": "none"}},
        {"at": 6, "client": 1, "get": {"key": "a", "node": 1}}"#;
    assert_eq!(first(&json(put_first)), Ok(Some("b".into())));
    for (name, json) in builtin_scenarios() {
        let scenario = Scenario::from_json(json).expect("valid");
        let key = scenario.first_key();
        let named = |key: &str| json.contains(&format!("\"key\": \"{key}\""));
        assert!(key.is_none_or(named), "{name}: {key:?}");
    }
}

#[test]
fn tick_limits_name_the_field() {
    check(
        r#""mode": "dvvset""#,
        r#""mode": "dvvset", "request_timeout_ticks": 18446744073709551615"#,
        "cluster.request_timeout_ticks: 18446744073709551615 ticks; a timeout or interval is 1 to 1000000 ticks",
    );
    check(
        r#""mode": "dvvset""#,
        r#""mode": "dvvset", "gossip_interval_ticks": 1000001"#,
        "cluster.gossip_interval_ticks: 1000001 ticks; a timeout or interval is 1 to 1000000 ticks",
    );
    check(
        r#""mode": "dvvset""#,
        r#""mode": "dvvset", "client_timeout_ticks": 1000000"#,
        "",
    );
    check(
        r#""version": 1,"#,
        r#""version": 1, "network": { "latency_ticks_min": 0, "latency_ticks_max": 18446744073709551615 },"#,
        "network.latency_ticks_max: 18446744073709551615 ticks; a latency is at most 1000000 ticks",
    );
    check(
        r#""version": 1,"#,
        r#""version": 1, "network": { "links": [{ "from": 1, "to": 2, "latency_ticks_min": 1, "latency_ticks_max": 1000001 }] },"#,
        "network.links[0].latency_ticks_max: 1000001 ticks; a latency is at most 1000000 ticks",
    );
    check(
        r#"{ "partition": [[1], [2, 3]] }"#,
        r#"{ "set-latency": { "latency_ticks_min": 1, "latency_ticks_max": 2000000 } }"#,
        "timeline[1].fault.set-latency.latency_ticks_max: 2000000 ticks; a latency is at most 1000000 ticks",
    );
    check(
        r#""at": 9,"#,
        r#""at": 1000000001,"#,
        "timeline[2].at: tick 1000000001; an entry is at tick 1000000000 at the latest",
    );
    check(r#""at": 9,"#, r#""at": 1000000000,"#, "");
    check(
        r#""version": 1,"#,
        r#""version": 1, "run_until": 18446744073709551615,"#,
        "run_until: tick 18446744073709551615; a run stops at tick 1000000000 at the latest",
    );
}

#[test]
fn a_key_named_twice_is_refused_with_its_path() {
    check(
        r#""nodes": 3,"#,
        r#""nodes": 3, "nodes": 5,"#,
        "cluster.nodes: the key `nodes` appears twice at line 3 column 34",
    );
    check(
        r#""key": "k", "value": "v""#,
        r#""key": "k", "value": "v", "key": "j""#,
        "timeline[0].put.key: the key `key` appears twice at line 5 column 68",
    );
    check(
        r#""version": 1,"#,
        r#""version": 1, "version": 1,"#,
        "version: the key `version` appears twice at line 2 column 25",
    );
}

/// A put's context may name twice the replicas and clients a cluster can
/// have (`node::client`, which cannot import this module, states it as a
/// number).
#[test]
fn a_context_may_name_twice_the_actors_a_cluster_can_have() {
    assert_eq!(
        CONTEXT_ENTRIES_MAX,
        2 * (usize::from(MAX_NODES) + usize::from(MAX_CLIENTS))
    );
}

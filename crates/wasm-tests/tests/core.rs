//! The core, compiled to wasm32, run in a real browser: the facts that must
//! not depend on the platform give the same answers here as natively. The
//! same tests also run natively, so a difference shows up as one side failing.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wildling_core::causality::{CausalityMode, Context, KeyClock, Write};
use wildling_core::ring::Ring;
use wildling_core::{ClientId, NodeId};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn core_version_is_linked() {
    assert_eq!(wildling_core::VERSION, env!("CARGO_PKG_VERSION"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sha1_matches_the_native_fact() {
    let hex: String = Ring::key_hash(b"foo")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn preference_list_wraps_in_wasm_too() {
    let nodes: Vec<NodeId> = (1..=5).map(NodeId).collect();
    let ring = Ring::new(64, &nodes, 3).unwrap();
    for key in ["foo", "bar", "cart:alice", "k63"] {
        let list = ring.preference_list(key.as_bytes(), 3);
        assert_eq!(list.len(), 3, "{key}: {list:?}");
        assert_eq!(list[0], ring.owner(ring.partition_of(key.as_bytes())));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn concurrent_puts_become_siblings_and_a_read_context_resolves_them() {
    let write = |replica, client, value: &str| Write {
        replica: NodeId(replica),
        client: ClientId(client),
        value: value.to_string(),
        timestamp: 0,
    };
    let mut clock = KeyClock::new(CausalityMode::DvvSet);
    clock.put(&Context::empty(), write(1, 1, "v1"));
    clock.put(&Context::empty(), write(1, 2, "v2"));
    assert_eq!(clock.sibling_count(), 2);
    let ctx = clock.context();
    clock.put(&ctx, write(1, 1, "v3"));
    assert_eq!(clock.values(), vec![&"v3".to_string()]);
    assert_eq!(clock.to_string(), "{[{n1,3,[v3]}],[]}");
}

/// Every built-in scenario, run with its seed, gives the trace hash recorded
/// natively in `scenarios/trace-hashes.txt`: the same run, to the byte.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn builtin_scenarios_replay_to_the_native_trace_hashes() {
    let recorded = include_str!("../../../scenarios/trace-hashes.txt");
    assert!(
        recorded.lines().count() >= 6,
        "trace-hashes.txt lists the built-ins"
    );
    let differences = wildling_core::cluster::check_builtin_trace_hashes(recorded);
    assert!(
        differences.is_empty(),
        "trace hashes differ: {differences:#?}"
    );
}

/// A share link made here decodes here to the same session, and a corrupted
/// one is refused with a checksum error rather than a trap: the deflate,
/// base64 and CRC code paths all run in wasm.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn share_links_round_trip_and_refuse_corruption() {
    use wildling_core::scenario::{builtin_scenario, Scenario};
    use wildling_core::share::{decode_session, encode_session, LinkError, Session};

    let json = builtin_scenario("partition-siblings").expect("built-in exists");
    let session = Session::new(Scenario::from_json(json).expect("built-in parses"));
    let link = encode_session(&session);
    assert!(link.starts_with("w1."), "{link}");
    assert_eq!(decode_session(&link), Ok(session));

    let mut corrupted = link.into_bytes();
    let last = corrupted.len() - 5;
    corrupted[last] = if corrupted[last] == b'A' { b'B' } else { b'A' };
    let corrupted = String::from_utf8(corrupted).expect("ASCII");
    assert_eq!(decode_session(&corrupted), Err(LinkError::ChecksumMismatch));
}

/// A run that never goes quiet stops at its budget at the same event in
/// wasm32 as natively: the retained-bytes estimate counts fixed record
/// sizes, not wasm32's smaller `size_of` (issue 13; the playground's
/// stopped banner).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_run_stopped_by_its_budget_stops_where_it_does_natively() {
    use wildling_core::cluster::Cluster;
    use wildling_core::scenario::Scenario;
    use wildling_core::sim::budget::{Limit, Stopped};
    use wildling_core::sim::SimOptions;

    let json = include_str!("../../../e2e/fixtures/lossy-64.json");
    let scenario = Scenario::from_json(json).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("builds");
    cluster.run();
    let stopped = cluster.sim().stopped();
    assert!(
        matches!(
            stopped,
            Some(Stopped::Budget {
                limit: Limit::RetainedBytes,
                at: 38805,
                ..
            })
        ),
        "{stopped:?}"
    );
    assert_eq!(cluster.sim().trace().hash(), 0x1575_8306_fb8c_b083);
}

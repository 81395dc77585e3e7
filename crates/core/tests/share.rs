//! Share links: every session survives a round trip and replays to the same
//! state; every damaged link is refused with the error that says why; a link
//! written by version 1 keeps opening.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use wildling_core::causality::CausalityMode;
use wildling_core::cluster::{trace_hash, Cluster};
use wildling_core::ids::NodeId;
use wildling_core::node::ContextChoice;
use wildling_core::scenario::{builtin_scenarios, Scenario, ScenarioError};
use wildling_core::share::{
    crc32, decode_session, decode_text, encode_payload, encode_session, link_needs_warning,
    LinkError, Session, UserInput, LINK_WARN_CHARS, MAX_LINK_CHARS, MAX_SESSION_BYTES,
};
use wildling_core::sim::network::Fault;
use wildling_core::sim::trace::TraceMode;
use wildling_core::sim::SimOptions;

/// Encode `session`, decode the link, and check that the decoded session is
/// the same and replays to the same trace hash. Returns the link.
fn check_round_trip(session: &Session) -> String {
    let link = encode_session(session);
    let decoded = decode_session(&link).unwrap_or_else(|e| panic!("{e}\nlink: {link}"));
    assert_eq!(&decoded, session, "the decoded session differs");
    assert_eq!(
        replay_hash(&decoded),
        replay_hash(session),
        "the decoded session replays differently"
    );
    link
}

/// The trace hash of a session replayed to its time.
fn replay_hash(session: &Session) -> u64 {
    let cluster = session
        .replay(hash_only())
        .expect("a valid session replays");
    cluster.sim().trace().hash()
}

fn hash_only() -> SimOptions {
    SimOptions {
        trace: TraceMode::HashOnly,
        history: false,
        ..SimOptions::default()
    }
}

/// Play `session` as a user would: step the cluster `steps` events at a
/// time, add a copy of timeline entry `entry` (any index) after each pause,
/// then run to the session's time, which moves up to where the user
/// stopped. Returns the session as recorded and the live trace hash.
fn play_live(mut session: Session, pauses: &[(u8, usize)]) -> (Session, u64) {
    let mut cluster = Cluster::new(&session.scenario, hash_only()).expect("valid");
    let timeline = session.scenario.timeline.clone();
    for &(steps, entry) in pauses {
        for _ in 0..steps {
            cluster.sim_mut().step();
        }
        if let Some(entry) = timeline.get(entry % timeline.len().max(1)) {
            session
                .record(&mut cluster, entry.clone())
                .expect("a timeline entry is a valid input");
        }
    }
    session.time_ticks = session.time_ticks.max(cluster.sim().now());
    cluster.sim_mut().run_until(session.time_ticks);
    let hash = cluster.sim().trace().hash();
    (session, hash)
}

/// Open `link` and expect exactly `expected`, whose message is `message`.
fn check_error(link: &str, expected: LinkError, message: &str) {
    match decode_session(link) {
        Ok(session) => panic!("opened {session:?}, expected {expected:?}"),
        Err(e) => {
            assert_eq!(e, expected, "link: {link:.200}");
            assert_eq!(e.to_string(), message);
        }
    }
}

fn builtin(name: &str) -> Scenario {
    let json = builtin_scenarios()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| json)
        .expect("a built-in scenario");
    Scenario::from_json(json).expect("built-in scenarios are valid")
}

fn a_link() -> String {
    let mut session = Session::new(builtin("partition-siblings"));
    session.time_ticks = 45;
    encode_session(&session)
}

/// Frame `bytes` as a version-1 link with a correct checksum, whatever they are.
fn framed_v1(bytes: &[u8]) -> String {
    let sum = crc32(&[b"w1.".as_slice(), bytes].concat());
    let framed = [sum.to_be_bytes().as_slice(), bytes].concat();
    format!("w1.{}", URL_SAFE_NO_PAD.encode(framed))
}

#[test]
fn every_builtin_scenario_round_trips_at_its_start_middle_and_end() {
    for (name, json) in builtin_scenarios() {
        let scenario = Scenario::from_json(json).expect("valid");
        let mut session = Session::new(scenario);
        let end = session
            .scenario
            .timeline
            .iter()
            .map(|e| e.at as u64)
            .max()
            .unwrap_or(0)
            + 100;
        for time_ticks in [0, end / 2, end] {
            session.time_ticks = time_ticks;
            session.selected_key = Some("cart".into());
            check_round_trip(&session);
        }
        let link = encode_session(&session);
        let decoded = decode_session(&link).expect("round trip");
        assert_eq!(
            trace_hash(&decoded.scenario.to_json()),
            trace_hash(json),
            "{name}: the decoded scenario's full run differs from the built-in's"
        );
        assert!(
            !link_needs_warning(&link),
            "{name}: a built-in scenario's link is {} characters",
            link.len()
        );
    }
}

/// The version-1 link of [`fixture_session`], as version 1 wrote it. It
/// must keep opening.
const FIXTURE_V1: &str = concat!(
    "w1.4AbbA41T226rMBD8FbTPPkdcEukcvqNvEUIubBIrjk1tQxJF_HvHRkFNVFV9Abw7np2dXe7kOzbSKUv1nSZ2Xll",
    "DdSHIyDNTTXt1DaNjEtSz75waQgLQ28VmF6cC-8ya7N2GY-ZVH0_7TGaDdEFFpMik6RFwLPHaB3ZZOHJ2ZKn_gtMz9",
    "1RvSkGdHj2yUYWx4KG6ErTS4PgPklIQGOAv6XkGFGL6afIcKLIoNgHoHDj-GNmHNqgz2zG-uxMyZf6AvWa2-YwaHC7",
    "WnaIOLQOb7rak27NafHmJyiv0wxxnh3ZgB5jWi4V5jkr9OGjV4cpzMsmzrkfsNa6ViWJ2DcREgTijxd2dZEj5RXuSM",
    "owh6jzxDR508AoOTFKP0RJQnnA0ySBgO2sCX4FHCITzLBbGraC9HHUiWu1GvV0hykbsqqZZocXvq_Ph4L-vrqUPfw4",
    "Y1re05c-073GNVt7qK-_dFHUxU1qMYuWu8rU9ijtHj8TmuZco6LXoUqRMC1fNc5yHMlDnl2nEXW55WtbtvyB8uFskS",
    "T2VTz39gn5ulnE_lnGzjX-H5i5w3365OH8C",
);

const FIXTURE_SCENARIO: &str = r#"{
  "version": 1,
  "name": "fixture",
  "description": "Two writes on both sides of a partition, and a read after the heal.",
  "seed": 42,
  "cluster": { "nodes": 3, "partitions": 8, "n": 3, "r": 2, "w": 2, "mode": "dvvset" },
  "network": { "latency_ticks_min": 1, "latency_ticks_max": 4, "drop_per_million": 1000 },
  "timeline": [
    { "at": 0, "client": 1, "put": { "key": "cart", "value": "milk", "node": 1, "context": "none" } },
    { "at": 5, "fault": { "partition": [[1, 2], [3]] } },
    { "at": 10, "client": 1, "put": { "key": "cart", "value": "eggs", "node": 1 } },
    { "at": 10, "client": 2, "put": { "key": "cart", "value": "bread", "node": 3, "context": "{n1:1}", "w": 1 } },
    { "at": 30, "fault": "heal" },
    { "at": 40, "client": 1, "get": { "key": "cart", "node": 2, "r": 3 } }
  ]
}"#;

/// The fixture's session: [`FIXTURE_SCENARIO`], with a get the user added
/// after 9 events, at tick 45, with `cart` selected.
fn fixture_session() -> Session {
    let scenario = Scenario::from_json(FIXTURE_SCENARIO).expect("valid");
    let mut get = scenario.timeline[5].clone();
    get.at = 12;
    get.client = Some(2);
    Session {
        scenario,
        inputs: vec![UserInput {
            after_events: 9,
            entry: get,
        }],
        time_ticks: 45,
        selected_key: Some("cart".into()),
    }
}

#[test]
fn a_link_carries_any_text_and_decode_text_returns_it() {
    let tutorial = wildling_core::tutorial::tutorial("siblings")
        .expect("built in")
        .to_json();
    let link = encode_payload(tutorial.as_bytes());
    assert_eq!(decode_text(&format!("#{link}")), Ok(tutorial));
    assert!(matches!(
        decode_session(&link),
        Err(LinkError::InvalidSession(_))
    ));
    let session = fixture_session();
    let link = encode_session(&session);
    let text = decode_text(&link).expect("a session link");
    assert_eq!(Session::from_json(&text), Ok(session));
    assert_eq!(
        decode_text("w9.abc"),
        Err(LinkError::UnknownVersion { version: 9 })
    );
    assert_eq!(decode_text("hello"), Err(LinkError::NotALink));
    let mut damaged = link.clone();
    damaged.push('A');
    assert!(decode_text(&damaged).is_err());
}

#[test]
fn a_version_1_link_keeps_opening() {
    assert_eq!(decode_session(FIXTURE_V1), Ok(fixture_session()));
}

#[test]
fn a_fragment_opens_with_its_hash_sign_and_surrounding_space() {
    let link = a_link();
    let expected = decode_session(&link).expect("valid");
    assert_eq!(decode_session(&format!("#{link}")), Ok(expected.clone()));
    assert_eq!(decode_session(&format!("  {link}\n")), Ok(expected));
}

#[test]
fn a_changed_character_anywhere_is_a_checksum_mismatch() {
    let link = a_link();
    let body_start = "w1.".len();
    for (position, original) in link.char_indices().skip(body_start) {
        let replacement = if original == 'A' { 'B' } else { 'A' };
        let mut tampered = link.clone();
        tampered.replace_range(position..=position, &replacement.to_string());
        check_error(
            &tampered,
            LinkError::ChecksumMismatch,
            "the link is corrupted or truncated: its checksum does not match",
        );
    }
}

#[test]
fn a_truncated_link_is_a_checksum_mismatch_or_not_a_link() {
    let link = a_link();
    for len in 0..link.len() {
        let cut = &link[..len];
        if len >= "w1.".len() {
            check_error(
                cut,
                LinkError::ChecksumMismatch,
                "the link is corrupted or truncated: its checksum does not match",
            );
        } else {
            check_error(
                cut,
                LinkError::NotALink,
                "not a Wildling link: it should start with \"w1.\"",
            );
        }
    }
}

#[test]
fn an_appended_character_is_a_checksum_mismatch() {
    for extra in ["A", "AA", "AAA", "AAAA"] {
        check_error(
            &format!("{}{extra}", a_link()),
            LinkError::ChecksumMismatch,
            "the link is corrupted or truncated: its checksum does not match",
        );
    }
}

#[test]
fn a_version_this_build_does_not_know_is_refused_by_number() {
    let body = a_link()["w1.".len()..].to_string();
    check_error(
        &format!("w2.{body}"),
        LinkError::UnknownVersion { version: 2 },
        "the link has format version 2, which this build cannot open (it opens w1)",
    );
    check_error(
        &format!("w0.{body}"),
        LinkError::UnknownVersion { version: 0 },
        "the link has format version 0, which this build cannot open (it opens w1)",
    );
    for not_a_link in [
        format!("v1.{body}"),
        format!("w.{body}"),
        format!("w+1.{body}"),
        format!("w99999999999.{body}"),
        body.clone(),
        "https://example.org/".to_string(),
    ] {
        check_error(
            &not_a_link,
            LinkError::NotALink,
            "not a Wildling link: it should start with \"w1.\"",
        );
    }
}

#[test]
fn a_character_outside_base64url_is_named_with_its_position() {
    let link = a_link();
    for (character, position) in [('!', 0), ('+', 7), ('/', 12), ('é', 20), ('=', 30)] {
        let mut tampered = link.clone();
        let at = "w1.".len() + position;
        tampered.replace_range(at..=at, &character.to_string());
        check_error(
            &tampered,
            LinkError::BadBase64 {
                character,
                position,
            },
            &format!(
                "the link is corrupted: {character:?} at position {position} is not a base64url character"
            ),
        );
    }
}

#[test]
fn a_huge_link_is_refused_before_it_is_read() {
    let huge = format!("w1.{}", "A".repeat(MAX_LINK_CHARS));
    check_error(
        &huge,
        LinkError::TooLong {
            chars: MAX_LINK_CHARS + 3,
        },
        "the link is 65539 characters long; the limit is 65536",
    );
    // Multi-byte characters count as one each: this is under the limit.
    let wide = format!("w1.{}", "é".repeat(MAX_LINK_CHARS / 2));
    assert_eq!(
        decode_session(&wide),
        Err(LinkError::BadBase64 {
            character: 'é',
            position: 0
        })
    );
}

#[test]
fn a_small_link_that_inflates_past_the_limit_is_refused() {
    let bomb = encode_payload(&vec![b' '; MAX_SESSION_BYTES * 4]);
    assert!(
        bomb.len() < 16 * 1024,
        "the bomb is {} characters",
        bomb.len()
    );
    check_error(
        &bomb,
        LinkError::TooLarge {
            limit_bytes: MAX_SESSION_BYTES,
        },
        "the link's data decompresses to more than 1048576 bytes",
    );
}

#[test]
fn data_that_is_not_deflate_is_an_inflate_error() {
    // Block type 3 is reserved in deflate (RFC 1951, 3.2.3).
    check_error(
        &framed_v1(&[0b111]),
        LinkError::Inflate {
            reason: "Invalid input data".into(),
        },
        "the link's data cannot be decompressed: Invalid input data",
    );
    // A stored block cut before its end.
    let Err(LinkError::Inflate { .. }) = decode_session(&framed_v1(&[0b001, 5, 0])) else {
        panic!("a cut deflate stream is an inflate error");
    };
}

#[test]
fn an_invalid_session_names_the_field_in_the_session() {
    let cases: [(&str, ScenarioError, &str); 6] = [
        (
            r#"{"scenario": {"version": 1, "cluster": {"nodes": 3, "n": 3, "r": 4, "w": 2, "mode": "dvvset"}}}"#,
            ScenarioError::Invalid {
                field: "scenario.cluster.r".into(),
                reason: "R = 4 must be at least 1 and at most N = 3".into(),
            },
            "the link's session is invalid: scenario.cluster.r: R = 4 must be at least 1 and at most N = 3",
        ),
        (
            r#"{"scenario": {"version": 2}}"#,
            ScenarioError::Invalid {
                field: "scenario.version".into(),
                reason: "unknown version 2; this build reads version 1".into(),
            },
            "the link's session is invalid: scenario.version: unknown version 2; this build reads version 1",
        ),
        (
            r#"{"scenario": {"version": 1, "cluster": {"nodes": "3"}}}"#,
            ScenarioError::Json {
                field: "scenario.cluster.nodes".into(),
                reason: "invalid type: string \"3\", expected u16".into(),
            },
            "the link's session is invalid: scenario.cluster.nodes: invalid type: string \"3\", expected u16",
        ),
        (
            r#"{"scenario": {"version": 1, "cluster": {"nodes": 1, "n": 1, "r": 1, "w": 1, "mode": "dvvset"}}, "colour": 1}"#,
            ScenarioError::Json {
                field: "colour".into(),
                reason: "unknown field `colour`, expected one of `scenario`, `inputs`, `time_ticks`, `selected_key`".into(),
            },
            "the link's session is invalid: colour: unknown field `colour`, expected one of `scenario`, `inputs`, `time_ticks`, `selected_key`",
        ),
        (
            r#"{"scenario": {"version": 1, "cluster": {"nodes": 1, "n": 1, "r": 1, "w": 1, "mode": "dvvset"}}, "selected_key": ""}"#,
            ScenarioError::Invalid {
                field: "selected_key".into(),
                reason: "must be 1 to 256 bytes, not 0".into(),
            },
            "the link's session is invalid: selected_key: must be 1 to 256 bytes, not 0",
        ),
        (
            r#"{"scenario": {"version": 1, "cluster": {"nodes": 1, "n": 1, "r": 1, "w": 1, "mode": "dvvset"}}} []"#,
            ScenarioError::Json {
                field: String::new(),
                reason: "trailing characters at line 1 column 97".into(),
            },
            "the link's session is invalid: not a valid scenario: trailing characters at line 1 column 97",
        ),
    ];
    for (json, error, message) in cases {
        check_error(
            &encode_payload(json.as_bytes()),
            LinkError::InvalidSession(error),
            message,
        );
    }
    let Err(LinkError::InvalidSession(ScenarioError::Json { field, reason })) =
        decode_session(&encode_payload(&[b'"', 0xff, b'"']))
    else {
        panic!("bytes that are not UTF-8 are an invalid session");
    };
    assert_eq!((field.as_str(), &reason[..10]), ("", "not UTF-8:"));
}

#[test]
fn a_long_link_warns() {
    let mut scenario = builtin("quorum-success");
    let template = scenario.timeline[0].clone();
    // Values that do not compress: each a different 64-bit pseudo-random number.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for at in 0..2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut entry = template.clone();
        entry.at = at;
        entry.put.as_mut().expect("a put").value = format!("{x:016x}");
        scenario.timeline.push(entry);
    }
    let link = check_round_trip(&Session::new(scenario));
    assert!(link.len() > LINK_WARN_CHARS, "{} characters", link.len());
    assert!(link_needs_warning(&link));
    assert!(!link_needs_warning(&a_link()));
}

#[test]
fn crc32_is_the_ieee_checksum() {
    // The standard check value of CRC-32/ISO-HDLC.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
}

/// Raw choices from which [`mutate`] makes a valid variant of a built-in
/// scenario.
#[derive(Clone, Debug)]
struct Mutation {
    builtin: usize,
    seed: u64,
    nodes: u16,
    partitions_log2: u32,
    quorums: (u8, u8, u8),
    mode: usize,
    /// The prune threshold, kept when the mode is client-vv.
    prune: Option<u32>,
    entries: Vec<EntryMutation>,
    time_ticks: u64,
    selected_key: Option<String>,
    pauses: Vec<(u8, usize)>,
}

/// Changes to one timeline entry: its time, text, node, context and quorum.
#[derive(Clone, Debug)]
struct EntryMutation {
    at: i64,
    text: String,
    node: u16,
    context: u8,
    quorum: Option<u8>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let entry = (
        0..300i64,
        "\\PC{1,12}",
        1..=16u16,
        0..4u8,
        prop::option::of(1..=8u8),
    )
        .prop_map(|(at, text, node, context, quorum)| EntryMutation {
            at,
            text,
            node,
            context,
            quorum,
        });
    (
        (
            0..builtin_scenarios().len(),
            any::<u64>(),
            1..=8u16,
            3..=10u32,
            (1..=8u8, 1..=8u8, 1..=8u8),
            0..CausalityMode::ALL.len(),
            prop::option::of(1..=6u32),
        ),
        prop::collection::vec(entry, 0..24),
        0..400u64,
        prop::option::of("\\PC{1,8}"),
        prop::collection::vec((0..20u8, 0..64usize), 0..4),
    )
        .prop_map(
            |(
                (builtin, seed, nodes, partitions_log2, quorums, mode, prune),
                entries,
                time_ticks,
                key,
                pauses,
            )| {
                Mutation {
                    builtin,
                    seed,
                    nodes,
                    partitions_log2,
                    quorums,
                    mode,
                    prune,
                    entries,
                    time_ticks,
                    selected_key: key,
                    pauses,
                }
            },
        )
}

/// A built-in scenario changed by `m`, kept valid: nodes are renumbered into
/// the new cluster, quorums are clamped to N, partition groups stay disjoint,
/// and a prune threshold is kept only under client-id vectors.
/// Membership (initial members, seeds, joins and leaves) is dropped, since
/// its validity depends on the node count and the order of the changes.
fn mutate(m: &Mutation) -> Session {
    let (_, json) = builtin_scenarios()[m.builtin];
    let mut scenario = Scenario::from_json(json).expect("valid");
    scenario.cluster.members.clear();
    scenario.cluster.seeds.clear();
    scenario
        .timeline
        .retain(|e| e.join.is_none() && e.leave.is_none());
    let nodes = m.nodes;
    let node = |id: u16| NodeId((id.max(1) - 1) % nodes + 1);
    let cluster = &mut scenario.cluster;
    cluster.nodes = nodes;
    cluster.partitions = 1 << m.partitions_log2;
    let (n, r, w) = m.quorums;
    cluster.n = (n - 1) % nodes.min(8) as u8 + 1;
    cluster.r = (r - 1) % cluster.n + 1;
    cluster.w = (w - 1) % cluster.n + 1;
    cluster.mode = CausalityMode::ALL[m.mode];
    cluster.vv_prune_threshold = m.prune.filter(|_| cluster.mode == CausalityMode::ClientVv);
    let n = cluster.n;
    scenario.seed = m.seed;
    for link in &mut scenario.network.links {
        link.from = node(link.from.0);
        link.to = node(link.to.0);
    }
    let clamp = |q: u8| (q - 1) % n + 1;
    let mut changes = m.entries.iter();
    for entry in &mut scenario.timeline {
        if let Some(put) = &mut entry.put {
            put.node = node(put.node.0);
            put.w = put.w.map(clamp);
        }
        if let Some(get) = &mut entry.get {
            get.node = node(get.node.0);
            get.r = get.r.map(clamp);
        }
        if let Some(fault) = &mut entry.fault {
            renumber(fault, &node);
        }
        let Some(change) = changes.next() else {
            continue;
        };
        entry.at = change.at;
        let context = match change.context {
            0 => ContextChoice::LastGet,
            1 => ContextChoice::None,
            _ => format!("{{n{}:{}}}", node(change.node).0, change.at + 1)
                .parse()
                .expect("a context's text form"),
        };
        if let Some(put) = &mut entry.put {
            put.value = change.text.clone();
            put.node = node(change.node);
            put.context = context;
            put.w = change.quorum.map(clamp);
        }
        if let Some(get) = &mut entry.get {
            get.key = change.text.clone();
            get.node = node(change.node);
            get.r = change.quorum.map(clamp);
        }
    }
    scenario.validate().expect("a mutated scenario stays valid");
    Session {
        scenario,
        inputs: Vec::new(),
        time_ticks: m.time_ticks,
        selected_key: m.selected_key.clone(),
    }
}

/// Renumber a fault's nodes, dropping a node a partition already names.
fn renumber(fault: &mut Fault, node: &dyn Fn(u16) -> NodeId) {
    match fault {
        Fault::Partition(groups) => {
            let mut seen = Vec::new();
            for group in groups.iter_mut() {
                group.retain_mut(|id| {
                    *id = node(id.0);
                    let fresh = !seen.contains(id);
                    seen.push(*id);
                    fresh
                });
            }
            groups.retain(|group| !group.is_empty());
        }
        Fault::OneWay { from: a, to: b } | Fault::Cut { a, b } => {
            *a = node(a.0);
            *b = node(b.0);
        }
        Fault::Crash(id) | Fault::Restart(id) => *id = node(id.0),
        Fault::Heal
        | Fault::SetDrop(_)
        | Fault::SetDuplicate(_)
        | Fault::SetReorder(_)
        | Fault::SetLatency { .. } => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn generated_sessions_round_trip(m in mutation()) {
        let (session, live_hash) = play_live(mutate(&m), &m.pauses);
        check_round_trip(&session);
        prop_assert_eq!(replay_hash(&session), live_hash, "the replay differs from the live run");
    }
}

proptest! {
    /// The link's base64url is the reference encoder's, for every length.
    #[test]
    fn links_are_written_in_reference_base64url(payload in proptest::collection::vec(any::<u8>(), 0..64)) {
        let link = encode_payload(&payload);
        let body = &link["w1.".len()..];
        let framed = URL_SAFE_NO_PAD.decode(body).expect("the reference decodes the link");
        prop_assert_eq!(URL_SAFE_NO_PAD.encode(&framed), body);
        prop_assert_eq!(framed_v1(&framed[4..]), link);
    }
}

#[test]
fn inputs_added_mid_tick_replay_to_the_live_state() {
    let scenario = builtin("partition-siblings");
    // Pause after 3, then 1 more, then 7 more events: the inputs land between
    // events of the same tick.
    let (session, live_hash) = play_live(Session::new(scenario), &[(3, 1), (1, 4), (7, 0)]);
    assert_eq!(session.inputs.len(), 3);
    let after: Vec<u64> = session.inputs.iter().map(|i| i.after_events).collect();
    assert_eq!(after, [3, 4, 11]);
    check_round_trip(&session);
    assert_eq!(replay_hash(&session), live_hash);
}

#[test]
fn inputs_out_of_order_or_invalid_are_refused() {
    let mut session = fixture_session();
    let second = UserInput {
        after_events: 8,
        entry: session.inputs[0].entry.clone(),
    };
    session.inputs.push(second);
    check_error(
        &encode_session(&session),
        LinkError::InvalidSession(ScenarioError::Invalid {
            field: "inputs[1].after_events".into(),
            reason: "8 is before the previous input's 9; inputs are in the order they were added"
                .into(),
        }),
        "the link's session is invalid: inputs[1].after_events: 8 is before the previous \
         input's 9; inputs are in the order they were added",
    );
    let mut session = fixture_session();
    session.inputs[0].entry.get.as_mut().expect("a get").node = NodeId(7);
    check_error(
        &encode_session(&session),
        LinkError::InvalidSession(ScenarioError::Invalid {
            field: "inputs[0].entry.get.node".into(),
            reason: "unknown node 7; nodes are numbered 1 to 3".into(),
        }),
        "the link's session is invalid: inputs[0].entry.get.node: unknown node 7; nodes are \
         numbered 1 to 3",
    );
}

/// The session is read into a JSON value first, so only a key named twice
/// (and text that is not JSON) carries serde_json's line and column; the
/// session's own fields, the scenario and each input are then read from the
/// value, and their errors name the path without a position (the session's
/// own fields had a position until session 10: docs/size.md).
#[test]
fn session_errors_name_the_path() {
    let cluster =
        r#"{"version": 1, "cluster": {"nodes": 1, "n": 1, "r": 1, "w": 1, "mode": "dvvset"}}"#;
    let cases = [
        (
            r#""inputs": [{"after_events": 0, "entry": {"at": "x"}}]"#,
            "inputs[0].entry.at",
            "invalid type: string \"x\", expected i64",
        ),
        (
            r#""inputs": [{"after_events": 0, "entry": {"at": 0, "fault": "heal"}}, {"entry": {}}]"#,
            "inputs[1].entry",
            "missing field `at`",
        ),
        (
            r#""time_ticks": -1"#,
            "time_ticks",
            "invalid value: integer `-1`, expected u64",
        ),
        (
            r#""time_ticks": 2.5"#,
            "time_ticks",
            "invalid type: floating point `2.5`, expected u64",
        ),
        (
            r#""time_ticks": null"#,
            "time_ticks",
            "invalid type: unit value, expected u64",
        ),
        (
            r#""selected_key": 1e300"#,
            "selected_key",
            "invalid type: floating point `1e+300`, expected a string",
        ),
        (
            r#""inputs": 3"#,
            "inputs",
            "invalid type: integer `3`, expected a sequence",
        ),
        (
            r#""inputs": -0.5"#,
            "inputs",
            "invalid type: floating point `-0.5`, expected a sequence",
        ),
        (
            r#""scenario": 1"#,
            "scenario",
            "the key `scenario` appears twice at line 1 column 106",
        ),
        (
            r#""inputs": [{"after_events": 0, "after_events": 1}]"#,
            "inputs[0].after_events",
            "the key `after_events` appears twice at line 1 column 141",
        ),
    ];
    for (field, path, reason) in cases {
        let json = format!(r#"{{"scenario": {cluster}, {field}}}"#);
        assert_eq!(
            Session::from_json(&json),
            Err(ScenarioError::Json {
                field: path.into(),
                reason: reason.into(),
            }),
            "{json}"
        );
    }
    for (json, reason) in [
        ("[1.5]", "invalid type: sequence, expected a session"),
        (
            "0.25",
            "invalid type: floating point `0.25`, expected a session",
        ),
        (r#"{"inputs": []}"#, "missing field `scenario`"),
    ] {
        assert_eq!(
            Session::from_json(json),
            Err(ScenarioError::Json {
                field: ".".into(),
                reason: reason.into(),
            }),
            "{json}"
        );
    }
}

/// A session nested deeper than serde_json's recursion limit (128) is
/// refused in words, not by a stack overflow: the session is read into a
/// JSON value first, and that reader keeps the limit.
#[test]
fn a_session_nested_too_deep_is_refused_in_words() {
    for field in ["inputs", "scenario", "selected_key"] {
        let json = format!(r#"{{"{field}": {}}}"#, "[".repeat(100_000));
        assert!(json.len() <= wildling_core::share::MAX_SESSION_BYTES);
        match Session::from_json(&json) {
            Err(ScenarioError::Json { reason, .. }) => {
                assert!(
                    reason.contains("recursion limit exceeded"),
                    "{field}: {reason}"
                )
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

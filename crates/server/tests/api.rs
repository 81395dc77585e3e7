//! The HTTP API against a real server on a loopback port, through a real
//! HTTP/1.1 connection: the causality a learner should see, and every kind
//! of bad input answered with a clear 4xx.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncBufReadExt;
use wildling_core::scenario::Scenario;
use wildling_server::client::{Connection, Response};
use wildling_server::{ServeOptions, Server, DEFAULT_SCENARIO};

fn options(tick_ms: u64) -> ServeOptions {
    ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick_ms,
        ..ServeOptions::default()
    }
}

async fn start(tick_ms: u64) -> (Server, Connection) {
    let scenario = Scenario::from_json(DEFAULT_SCENARIO).expect("the default scenario is valid");
    let server = Server::start(&scenario, &options(tick_ms))
        .await
        .expect("the server starts");
    let connection = Connection::open(server.addr()).await.expect("connects");
    (server, connection)
}

async fn get(c: &mut Connection, target: &str) -> Response {
    c.send("GET", target, &[], b"").await.expect("a response")
}

async fn put(c: &mut Connection, target: &str, context: Option<&str>, value: &str) -> Response {
    let headers: Vec<(&str, &str)> = context
        .map(|c| ("x-wildling-context", c))
        .into_iter()
        .collect();
    c.send("PUT", target, &headers, value.as_bytes())
        .await
        .expect("a response")
}

async fn fault(c: &mut Connection, json: &str) -> Response {
    c.send(
        "POST",
        "/faults",
        &[("content-type", "application/json")],
        json.as_bytes(),
    )
    .await
    .expect("a response")
}

/// The node numbers of `key`'s primaries, coordinator first.
async fn primaries(c: &mut Connection, key: &str) -> Vec<u64> {
    let r = get(c, &format!("/cluster?key={key}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    json(&r)["key"]["primaries"]
        .as_array()
        .expect("primaries")
        .iter()
        .filter_map(|n| n.as_str()?.trim_start_matches('n').parse().ok())
        .collect()
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

#[tokio::test]
async fn a_put_is_read_back_with_its_context() {
    let (server, mut c) = start(0).await;
    let r = get(&mut c, "/keys/cart").await;
    assert_eq!(r.status, 404, "{}", r.text());
    let r = put(&mut c, "/keys/cart?node=n2&w=3", None, "milk").await;
    assert_eq!(r.status, 204, "{}", r.text());
    let r = get(&mut c, "/keys/cart?node=3&r=3&client=c2").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.text(), "milk");
    let context = r.header("x-wildling-context").expect("a context");
    assert!(
        context.starts_with('{') && context.contains("n"),
        "{context}"
    );
    server.stop().await.expect("stops cleanly");
}

#[tokio::test]
async fn a_partition_makes_siblings_that_a_put_with_their_context_resolves() {
    let (server, mut c) = start(0).await;
    let p = primaries(&mut c, "k").await;
    assert_eq!(p.len(), 3);
    let others: Vec<u64> = (1..=5).filter(|n| *n != p[0]).collect();
    let partition = format!(r#"{{ "partition": [[{}], {others:?}] }}"#, p[0]);
    let r = fault(&mut c, &partition).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        json(&r)["fault"]
            .as_str()
            .unwrap_or("")
            .starts_with("partition"),
        "{}",
        r.text()
    );
    // Both sides accept a write: each coordinator is a primary, and W = 1.
    for (node, value) in [(p[0], "left"), (p[1], "right")] {
        let r = put(&mut c, &format!("/keys/k?node={node}&w=1"), None, value).await;
        assert_eq!(r.status, 204, "put via n{node}: {}", r.text());
    }
    let r = fault(&mut c, r#""heal""#).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = get(&mut c, "/keys/k?r=3").await;
    assert_eq!(r.status, 300, "{}", r.text());
    let body = json(&r);
    let mut siblings: Vec<&str> = body["siblings"]
        .as_array()
        .expect("siblings")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    siblings.sort();
    assert_eq!(siblings, ["left", "right"]);
    let context = r
        .header("x-wildling-context")
        .expect("a context")
        .to_string();
    assert_eq!(body["context"], context.as_str());
    let r = put(&mut c, "/keys/k?w=3", Some(&context), "both").await;
    assert_eq!(r.status, 204, "{}", r.text());
    let r = get(&mut c, "/keys/k?r=3").await;
    assert_eq!((r.status, r.text()), (200, "both".to_string()));
    server.stop().await.expect("stops cleanly");
}

#[tokio::test]
async fn a_put_with_last_get_uses_the_clients_last_read() {
    let (server, mut c) = start(0).await;
    for value in ["a", "b"] {
        assert_eq!(put(&mut c, "/keys/k?w=3", None, value).await.status, 204);
    }
    assert_eq!(get(&mut c, "/keys/k?r=3&client=2").await.status, 300);
    // Client 2 read both siblings; its last-get context resolves them.
    let r = put(&mut c, "/keys/k?w=3&client=2", Some("last-get"), "ab").await;
    assert_eq!(r.status, 204, "{}", r.text());
    let r = get(&mut c, "/keys/k?r=3").await;
    assert_eq!((r.status, r.text()), (200, "ab".to_string()));
    server.stop().await.expect("stops cleanly");
}

#[tokio::test]
async fn failed_quorums_and_timeouts_are_503_and_504() {
    let (server, mut c) = start(0).await;
    let p = primaries(&mut c, "k").await;
    for node in (1..=5).filter(|n| *n != p[0]) {
        assert_eq!(
            fault(&mut c, &format!(r#"{{ "crash": {node} }}"#))
                .await
                .status,
            200
        );
    }
    let r = put(&mut c, &format!("/keys/k?node={}&w=3", p[0]), None, "v").await;
    assert_eq!(r.status, 503, "{}", r.text());
    let body = json(&r);
    assert_eq!(
        (body["acks"].as_u64(), body["needed"].as_u64()),
        (Some(1), Some(3)),
        "{body}"
    );
    let r = get(&mut c, &format!("/keys/k?node={}", p[1])).await;
    assert_eq!(r.status, 504, "{}", r.text());
    server.stop().await.expect("stops cleanly");
}

/// A bad request: method, target, headers, body; the status and what the
/// error must say.
type Case<'a> = (
    &'a str,
    String,
    Vec<(&'a str, &'a str)>,
    Vec<u8>,
    u16,
    &'a str,
);

#[tokio::test]
async fn bad_requests_get_a_4xx_naming_what_is_wrong() {
    let (server, mut c) = start(0).await;
    let long_key = "k".repeat(257);
    // A context naming far more actors than a cluster has (each would be an
    // entry of the key's clock): refused, not stored.
    let wide_context = format!(
        "{{{}}}",
        (1..=1000)
            .map(|n| format!("n{n}:1"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cases: Vec<Case> = vec![
        (
            "GET",
            "/keys/k?node=n9".into(),
            vec![],
            vec![],
            400,
            "unknown node 9",
        ),
        (
            "GET",
            "/keys/k?node=banana".into(),
            vec![],
            vec![],
            400,
            "not a node",
        ),
        (
            "GET",
            "/keys/k?client=9".into(),
            vec![],
            vec![],
            400,
            "c9 does not exist",
        ),
        ("GET", "/keys/k?r=9".into(), vec![], vec![], 400, "R = 9"),
        (
            "GET",
            "/keys/k?r=x".into(),
            vec![],
            vec![],
            400,
            "not a number",
        ),
        (
            "GET",
            "/keys/k?w=1".into(),
            vec![],
            vec![],
            400,
            "a get takes r",
        ),
        (
            "GET",
            "/keys/k?nod=1".into(),
            vec![],
            vec![],
            400,
            "unknown field `nod`",
        ),
        (
            "GET",
            format!("/keys/{long_key}"),
            vec![],
            vec![],
            400,
            "key",
        ),
        ("PUT", "/keys/k".into(), vec![], vec![], 400, "value"),
        (
            "PUT",
            "/keys/k".into(),
            vec![],
            vec![b'v'; 257],
            413,
            "256 bytes",
        ),
        (
            "PUT",
            "/keys/k".into(),
            vec![],
            vec![0xff, 0xfe],
            400,
            "not UTF-8",
        ),
        (
            "PUT",
            "/keys/k?r=1".into(),
            vec![],
            b"v".to_vec(),
            400,
            "a put takes w",
        ),
        (
            "PUT",
            "/keys/k".into(),
            vec![("x-wildling-context", "{n1:")],
            b"v".to_vec(),
            400,
            "X-Wildling-Context",
        ),
        (
            "PUT",
            "/keys/k".into(),
            vec![("x-wildling-context", "{n1:18446744073709551615}")],
            b"v".to_vec(),
            400,
            "beyond any counter",
        ),
        (
            "PUT",
            "/keys/k".into(),
            vec![("x-wildling-context", wide_context.as_str())],
            b"v".to_vec(),
            400,
            "at most 256 replicas and clients, this one 1000",
        ),
        ("DELETE", "/keys/k".into(), vec![], vec![], 405, "no delete"),
        (
            "GET",
            "/nowhere".into(),
            vec![],
            vec![],
            404,
            "no such route",
        ),
        ("GET", "/cluster?key=".into(), vec![], vec![], 400, "key"),
        (
            "GET",
            "/cluster?keys=a".into(),
            vec![],
            vec![],
            400,
            "unknown field",
        ),
        (
            "POST",
            "/faults".into(),
            vec![("content-type", "application/json")],
            b"{\"crash\": 9}".to_vec(),
            400,
            "unknown node 9",
        ),
        (
            "POST",
            "/faults".into(),
            vec![("content-type", "application/json")],
            b"{\"explode\": 1}".to_vec(),
            400,
            "the fault",
        ),
        (
            "POST",
            "/faults".into(),
            vec![("content-type", "application/json")],
            b"{".to_vec(),
            400,
            "the fault",
        ),
        (
            "POST",
            "/faults".into(),
            vec![("content-type", "application/json")],
            vec![b' '; 20_000],
            413,
            "at most",
        ),
        (
            "POST",
            "/faults".into(),
            vec![],
            b"\"heal\"".to_vec(),
            400,
            "the fault",
        ),
    ];
    for (method, target, headers, body, status, says) in cases {
        let r = c
            .send(method, &target, &headers, &body)
            .await
            .expect("a response");
        assert_eq!(r.status, status, "{method} {target}: {}", r.text());
        let error = json(&r)["error"].as_str().unwrap_or("").to_string();
        assert!(
            error.contains(says),
            "{method} {target}: {error:?} should say {says:?}"
        );
    }
    // The server still works.
    assert_eq!(put(&mut c, "/keys/k", None, "fine").await.status, 204);
    server.stop().await.expect("stops cleanly");
}

/// A cluster that stops at its budget answers every operation 503, naming
/// the stop, instead of leaving it to wait for ever (before the server had
/// no event limit, the default 5,000,000-event budget stopped a busy
/// server after a few seconds and every later request hung).
#[tokio::test]
async fn a_cluster_stopped_by_its_budget_answers_503_and_never_hangs() {
    let scenario = Scenario::from_json(DEFAULT_SCENARIO).expect("valid");
    let options = ServeOptions {
        events_max: 2_000,
        ..options(0)
    };
    let server = Server::start(&scenario, &options).await.expect("starts");
    let mut c = Connection::open(server.addr()).await.expect("connects");
    let mut stopped = None;
    // A put is a few dozen events: 2,000 events are used within 200 puts.
    for i in 0..200 {
        let r = tokio::time::timeout(
            Duration::from_secs(10),
            put(&mut c, &format!("/keys/k{i}"), None, "v"),
        )
        .await
        .expect("every request is answered");
        if r.status != 204 {
            stopped = Some(r);
            break;
        }
    }
    let r = stopped.expect("the budget stops the cluster within 200 puts");
    assert_eq!(r.status, 503, "{}", r.text());
    let error = json(&r)["error"].as_str().unwrap_or("").to_string();
    assert!(
        error.contains("the cluster stopped") && error.contains("budget of 2000 events"),
        "{error}"
    );
    // Later requests are refused at once, gets as well as puts.
    let r = tokio::time::timeout(Duration::from_secs(10), get(&mut c, "/keys/k0"))
        .await
        .expect("answered");
    assert_eq!(r.status, 503, "{}", r.text());
    let metrics = get(&mut c, "/metrics").await.text();
    assert!(metrics.contains("outcome=\"stopped\"} 1\n"), "{metrics}");
    server.stop().await.expect("stops cleanly");
}

#[tokio::test]
async fn a_full_queue_answers_503_with_retry_after() {
    let scenario = Scenario::from_json(DEFAULT_SCENARIO).expect("valid");
    // Slow virtual time: an operation waits seconds for its answer.
    let options = ServeOptions {
        queue_max: 1,
        tick_ms: 1000,
        ..options(1000)
    };
    let server = Server::start(&scenario, &options).await.expect("starts");
    let addr = server.addr();
    let waiting = tokio::spawn(async move {
        let mut c = Connection::open(addr).await.expect("connects");
        get(&mut c, "/keys/a").await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let queued = tokio::spawn(async move {
        let mut c = Connection::open(addr).await.expect("connects");
        get(&mut c, "/keys/b").await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut c = Connection::open(addr).await.expect("connects");
    let r = get(&mut c, "/keys/c").await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(json(&r)["error"]
        .as_str()
        .unwrap_or("")
        .contains("queue is full"));
    assert!(!waiting.is_finished() && !queued.is_finished());
    // Dropping the server's runtime ends the test; the slow operations
    // need not finish.
}

#[tokio::test]
async fn events_stream_trace_lines_and_metrics_count_outcomes() {
    let (server, mut c) = start(0).await;
    let mut events = Connection::open(server.addr())
        .await
        .expect("connects")
        .stream("/events")
        .await
        .expect("streams");
    // Give the loop a moment to see the listener.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        put(&mut c, "/keys/seen?node=2", None, "v").await.status,
        204
    );
    let mut line = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            line.clear();
            if events.read_line(&mut line).await.expect("reads") == 0 {
                return false;
            }
            if line.starts_with("data:")
                && line.contains("invoke")
                && line.contains("put seen=v via n2")
            {
                return true;
            }
        }
    })
    .await
    .expect("the invocation's line arrives");
    assert!(found, "the stream ended first");
    assert_eq!(get(&mut c, "/keys/seen").await.status, 200);
    let r = get(&mut c, "/metrics").await;
    assert_eq!(r.status, 200);
    let text = r.text();
    assert!(
        text.contains("wildling_requests_total{kind=\"put\",outcome=\"ok\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("wildling_requests_total{kind=\"get\",outcome=\"ok\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("wildling_keys 3\n"), "{text}");
    let r = get(&mut c, "/cluster").await;
    assert_eq!(r.status, 200);
    let cluster = json(&r);
    assert_eq!(
        cluster["nodes"].as_array().map(Vec::len),
        Some(5),
        "{cluster}"
    );
    assert_eq!(
        cluster["ring"].as_array().map(Vec::len),
        Some(16),
        "{cluster}"
    );
    assert_eq!(
        cluster["clients"].as_array().map(Vec::len),
        Some(4),
        "{cluster}"
    );
    // Stopping ends the stream too.
    drop(events);
    server.stop().await.expect("stops cleanly");
}

/// A fresh directory for `--data`.
fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wildling-api-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The hints `/cluster?key=` lists: (fallback, primary) pairs.
async fn hints(c: &mut Connection, key: &str) -> Vec<(String, String)> {
    let r = get(c, &format!("/cluster?key={key}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    json(&r)["key"]["hints"]
        .as_array()
        .expect("hints")
        .iter()
        .map(|h| {
            (
                h["at"].as_str().unwrap_or("").to_string(),
                h["for"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hints_held_for_a_crashed_primary_are_restored_from_data_after_a_restart() {
    let scenario = Scenario::from_json(DEFAULT_SCENARIO).expect("valid");
    let dir = fresh_dir("hints");
    let with_data = |tick_ms| ServeOptions {
        data: Some(dir.clone()),
        ..options(tick_ms)
    };
    let server = Server::start(&scenario, &with_data(0))
        .await
        .expect("starts");
    let mut c = Connection::open(server.addr()).await.expect("connects");
    let p = primaries(&mut c, "k").await;
    let r = fault(&mut c, &format!(r#"{{ "crash": {} }}"#, p[2])).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // The coordinator learns that the crashed primary is gone (its failure
    // detector, or a put it does not answer); a later put goes to a
    // fallback, which keeps a hint for it.
    let mut held = Vec::new();
    for attempt in 0..20 {
        let r = put(&mut c, &format!("/keys/k?node={}&w=2", p[0]), None, "v").await;
        assert!(matches!(r.status, 204 | 503), "put {attempt}: {}", r.text());
        held = hints(&mut c, "k").await;
        if !held.is_empty() {
            break;
        }
    }
    let crashed = format!("n{}", p[2]);
    assert!(
        !held.is_empty() && held.iter().all(|(_, to)| *to == crashed),
        "a fallback holds a hint for {crashed}: {held:?}"
    );
    server.stop().await.expect("stops cleanly");

    // Virtual time barely moves at a second a tick: the hints cannot have
    // been handed off yet, so what is listed came from the disk.
    let server = Server::start(&scenario, &with_data(1000))
        .await
        .expect("restarts on the same data");
    let mut c = Connection::open(server.addr()).await.expect("connects");
    let restored = hints(&mut c, "k").await;
    assert_eq!(restored, held, "the same hints, restored from --data");
    server.stop().await.expect("stops cleanly");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_disk_write_is_a_503_naming_it_and_never_an_acknowledgement() {
    let scenario = Scenario::from_json(DEFAULT_SCENARIO).expect("valid");
    let dir = fresh_dir("disk-fault");
    let fault_switch = wildling_server::data::WriteFault::default();
    let with_data = ServeOptions {
        data: Some(dir.clone()),
        write_fault: fault_switch.clone(),
        ..options(0)
    };
    let server = Server::start(&scenario, &with_data).await.expect("starts");
    let mut c = Connection::open(server.addr()).await.expect("connects");
    assert_eq!(put(&mut c, "/keys/a?w=3", None, "kept").await.status, 204);

    fault_switch.set(true);
    let r = put(&mut c, "/keys/b?w=3", None, "not-acknowledged").await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("1"));
    let error = json(&r)["error"].as_str().unwrap_or("").to_string();
    assert!(
        error.contains("--data cannot be written") && error.contains("wildling.redb"),
        "the 503 names the data file and the failure: {error}"
    );
    // While nothing can be kept, nothing new is taken on.
    let r = get(&mut c, "/keys/a").await;
    assert_eq!(r.status, 503, "{}", r.text());
    let r = get(&mut c, "/metrics").await;
    assert!(
        r.text()
            .contains("wildling_requests_total{kind=\"put\",outcome=\"disk-failed\"} 1\n"),
        "{}",
        r.text()
    );

    // The disk works again: the changes kept in memory are written, and
    // requests are served.
    fault_switch.set(false);
    let r = put(&mut c, "/keys/c?w=3", None, "after").await;
    assert_eq!(r.status, 204, "{}", r.text());
    server.stop().await.expect("stops cleanly");

    let plain = ServeOptions {
        data: Some(dir.clone()),
        ..options(0)
    };
    let server = Server::start(&scenario, &plain)
        .await
        .expect("restarts on the same data");
    let mut c = Connection::open(server.addr()).await.expect("connects");
    for (key, value) in [("a", "kept"), ("b", "not-acknowledged"), ("c", "after")] {
        let r = get(&mut c, &format!("/keys/{key}?r=3")).await;
        assert_eq!(
            (r.status, r.text()),
            (200, value.to_string()),
            "{key} is on disk (b once the disk came back)"
        );
    }
    server.stop().await.expect("stops cleanly");
    let _ = std::fs::remove_dir_all(&dir);
}

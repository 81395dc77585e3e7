//! `wildling serve` as a user runs it: the binary on a loopback port, a
//! real HTTP client, Ctrl-C, a restart on the same `--data`, and the
//! `--record` file replayed by `wildling run`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};

use common::{stdout, text, wildling, WILDLING};
use wildling_server::client::{Connection, Response};

mod common;

/// A `wildling serve` child and its stderr.
struct Served {
    child: Child,
    stderr: BufReader<ChildStderr>,
    addr: SocketAddr,
}

fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(WILDLING)
        .arg("serve")
        .args(["--addr", "127.0.0.1:0", "--tick-ms", "0"])
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("wildling starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("a first line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Served {
        child,
        stderr,
        addr,
    }
}

impl Served {
    /// Ctrl-C, and the trace hash the server reports.
    fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let mut rest = String::new();
        let mut line = String::new();
        while self.stderr.read_line(&mut line).expect("reads") > 0 {
            rest.push_str(&line);
            line.clear();
        }
        let status = self.child.wait().expect("exits");
        assert!(status.success(), "{status}: {rest}");
        rest.split("trace hash ")
            .nth(1)
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|| panic!("no trace hash in {rest:?}"))
    }
}

async fn send(
    c: &mut Connection,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    c.send(method, target, headers, body.as_bytes())
        .await
        .expect("a response")
}

/// Put `value` with the context `read` carried, then read it back alone.
async fn write_back(c: &mut Connection, read: &Response, target: &str, value: &str) {
    let context = read.header("x-wildling-context").expect("a context");
    let r = send(c, "PUT", target, &[("x-wildling-context", context)], value).await;
    assert_eq!(r.status, 204, "{}", r.text());
    let r = send(c, "GET", "/keys/cart?r=3", &[], "").await;
    assert_eq!((r.status, r.text()), (200, value.to_string()));
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

fn run_json(file: &Path) -> serde_json::Value {
    let file = file.to_str().expect("a UTF-8 path");
    serde_json::from_str(&stdout(&["run", "--json", file])).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn siblings_resolved_over_http_survive_a_restart_and_replay_from_the_record() {
    let dir = std::env::temp_dir().join(format!("wildling-serve-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.join("data");
    let record = dir.join("run.json");
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let data_arg = data.to_str().expect("a UTF-8 path");
    let record_arg = record.to_str().expect("a UTF-8 path");

    let served = serve(&["--data", data_arg, "--record", record_arg]);
    let mut c = Connection::open(served.addr).await.expect("connects");
    let r = send(&mut c, "GET", "/cluster?key=cart", &[], "").await;
    let primaries: Vec<String> = json(&r)["key"]["primaries"]
        .as_array()
        .expect("primaries")
        .iter()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    let alone = primaries[0].trim_start_matches('n').to_string();
    let others: Vec<String> = (1..=5)
        .map(|n| n.to_string())
        .filter(|n| *n != alone)
        .collect();
    let partition = format!(r#"{{"partition": [[{alone}], [{}]]}}"#, others.join(", "));
    let json_body = [("content-type", "application/json")];
    assert_eq!(
        send(&mut c, "POST", "/faults", &json_body, &partition)
            .await
            .status,
        200
    );
    for (node, value) in [(&primaries[0], "milk"), (&primaries[1], "eggs")] {
        let r = send(
            &mut c,
            "PUT",
            &format!("/keys/cart?node={node}&w=1"),
            &[],
            value,
        )
        .await;
        assert_eq!(r.status, 204, "put via {node}: {}", r.text());
    }
    assert_eq!(
        send(&mut c, "POST", "/faults", &json_body, "\"heal\"")
            .await
            .status,
        200
    );
    let r = send(&mut c, "GET", "/keys/cart?r=3", &[], "").await;
    assert_eq!(r.status, 300, "{}", r.text());
    let mut siblings: Vec<String> = json(&r)["siblings"]
        .as_array()
        .expect("siblings")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    siblings.sort();
    assert_eq!(siblings, ["eggs", "milk"]);
    write_back(&mut c, &r, "/keys/cart?w=3", "milk+eggs").await;
    drop(c);
    let hash = served.stop();

    // The record replays to the same run: same trace hash, same values.
    let replayed = run_json(&record);
    assert_eq!(
        replayed["summary"]["trace_hash"]
            .as_u64()
            .map(|h| format!("{h:016x}")),
        Some(hash)
    );
    let holders: Vec<&serde_json::Value> = replayed["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| primaries.contains(&format!("n{}", n["node"])))
        .flat_map(|n| n["keys"].as_array().into_iter().flatten())
        .filter(|k| k["key"] == "cart")
        .collect();
    assert_eq!(holders.len(), 3, "{replayed}");
    for key in holders {
        assert_eq!(key["values"], serde_json::json!(["milk+eggs"]), "{key}");
    }

    // A restart on the same data reads the value back.
    let served = serve(&["--data", data_arg]);
    let mut c = Connection::open(served.addr).await.expect("connects");
    let r = send(&mut c, "GET", "/keys/cart?r=3", &[], "").await;
    assert_eq!((r.status, r.text()), (200, "milk+eggs".to_string()));
    // A write based on the restored context supersedes it.
    write_back(&mut c, &r, "/keys/cart", "tea").await;
    drop(c);
    served.stop();

    // Recording on top of restored data would not replay: refused.
    let out = wildling(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--data",
        data_arg,
        "--record",
        record_arg,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("fresh --data directory"));
    let _ = std::fs::remove_dir_all(&dir);
}

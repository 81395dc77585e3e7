//! Golden scripts: `testscripts/*.txt` hold commands and, after each group of
//! commands, the output they must produce (mostly trace lines). Run with
//! `UPDATE_GOLDEN=1` to rewrite the expected output from the actual one.
//!
//! A file is a series of blocks separated by blank lines. A block is command
//! lines (and `#` comments), a `---` line, then the expected output.
//!
//! Commands:
//! - `cluster key=value...`: build a cluster (`nodes partitions n r w mode
//!   latency=A..B drop dup reorder seed request_timeout client_timeout
//!   clients off=MECHANISM,... handoff=T ae=T gossip=T members=1,2,3
//!   seeds=1,2 prune=K`); probabilities are per million; `off=all` turns every
//!   failure-handling mechanism off.
//! - `prefs KEY`: the key's partition and preference list.
//! - `put CLIENT KEY VALUE [node=N] [context=last-get|none|{..}] [w=W] [at=T]`
//! - `get CLIENT KEY [node=N] [r=R] [at=T]`
//! - `fault [at=T] JSON`: a fault as in the scenario format, e.g. `fault "heal"`.
//! - `join NODE [at=T]`, `leave NODE [at=T]`: a membership change.
//! - `ring`: each node's ring version and members, and whom it suspects.
//! - `run [until=T]`: run (until quiet, or until T) and print the new trace lines.
//! - `state [KEY]`: every node's stored clocks.
//! - `history`: every client operation so far.
//! - `hints`: every hint each node holds.
//! - `view`: each node's failure detector: whom it suspects now.
//! - `stats`: what the mechanisms did at each node.
//! - `check`: the consistency checker's findings and counts.
//!
//! Times default to now. A command that fails prints `error: ...`.

use std::fmt::Write as _;
use std::path::Path;

use wildling_core::cluster::Cluster;
use wildling_core::node::Mechanisms;
use wildling_core::ring::PartitionId;
use wildling_core::scenario::{ClusterConfig, GetSpec, PutSpec, Scenario, TimelineEntry};
use wildling_core::sim::network::NetworkOptions;
use wildling_core::sim::SimOptions;
use wildling_core::NodeId;

/// The state a script builds up.
#[derive(Default)]
struct Script {
    cluster: Option<Cluster>,
    /// Trace lines already printed.
    printed: usize,
}

/// Split on spaces, keeping `{...}`, `[...]` and `"..."` groups whole.
fn tokens(line: &str) -> Vec<String> {
    let (mut out, mut current, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ' ' if depth == 0 && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Split `key=value` options from positional arguments.
fn options(args: &[String]) -> (Vec<&str>, Vec<(&str, &str)>) {
    let (mut positional, mut named) = (Vec::new(), Vec::new());
    for arg in args {
        match arg.split_once('=') {
            Some((k, v))
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic() || c == '_') =>
            {
                named.push((k, v))
            }
            _ => positional.push(arg.as_str()),
        }
    }
    (positional, named)
}

/// Every mechanism on except those named in `off` (comma-separated, or `all`).
fn mechanisms(off: &str) -> Result<Mechanisms, String> {
    let mut m = Mechanisms::default();
    for name in off.split(',').filter(|n| !n.is_empty()) {
        let flag = match name {
            "all" => {
                m = Mechanisms::NONE;
                continue;
            }
            "sloppy_quorum" => &mut m.sloppy_quorum,
            "hinted_handoff" => &mut m.hinted_handoff,
            "read_repair" => &mut m.read_repair,
            "anti_entropy" => &mut m.anti_entropy,
            "durable" => &mut m.durable,
            "gossip" => &mut m.gossip,
            other => return Err(format!("unknown mechanism {other:?}")),
        };
        *flag = false;
    }
    Ok(m)
}

/// Node numbers separated by commas; empty for none.
fn node_list(name: &str, text: Option<&str>) -> Result<Vec<NodeId>, String> {
    let text = text.unwrap_or("");
    text.split(',')
        .filter(|n| !n.is_empty())
        .map(|n| number(name, n).map(NodeId))
        .collect()
}

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name}={text} is not a number"))
}

impl Script {
    fn cluster(&mut self) -> Result<&mut Cluster, String> {
        self.cluster
            .as_mut()
            .ok_or_else(|| "no cluster yet".to_string())
    }

    fn at(&mut self, named: &[(&str, &str)]) -> Result<i64, String> {
        match named.iter().find(|(k, _)| *k == "at") {
            Some((_, v)) => number("at", v),
            None => Ok(self.cluster()?.sim().now() as i64),
        }
    }

    fn execute(&mut self, line: &str, out: &mut String) -> Result<(), String> {
        let words = tokens(line);
        let Some((command, args)) = words.split_first() else {
            return Ok(());
        };
        let (positional, named) = options(args);
        let get = |name: &str| named.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        match command.as_str() {
            "cluster" => {
                let mut network = NetworkOptions::default();
                if let Some(range) = get("latency") {
                    let (a, b) = range.split_once("..").ok_or("latency=A..B")?;
                    network.latency_ticks_min = number("latency", a)?;
                    network.latency_ticks_max = number("latency", b)?;
                }
                network.drop_per_million = get("drop").map_or(Ok(0), |v| number("drop", v))?;
                network.duplicate_per_million = get("dup").map_or(Ok(0), |v| number("dup", v))?;
                network.reorder_per_million =
                    get("reorder").map_or(Ok(0), |v| number("reorder", v))?;
                let cluster = ClusterConfig {
                    nodes: get("nodes").map_or(Ok(3), |v| number("nodes", v))?,
                    partitions: get("partitions").map_or(Ok(8), |v| number("partitions", v))?,
                    n: get("n").map_or(Ok(3), |v| number("n", v))?,
                    r: get("r").map_or(Ok(2), |v| number("r", v))?,
                    w: get("w").map_or(Ok(2), |v| number("w", v))?,
                    mode: get("mode")
                        .unwrap_or("dvvset")
                        .parse()
                        .map_err(|e| format!("{e}"))?,
                    clients: get("clients").map_or(Ok(4), |v| number("clients", v))?,
                    request_timeout_ticks: get("request_timeout")
                        .map_or(Ok(20), |v| number("request_timeout", v))?,
                    client_timeout_ticks: get("client_timeout")
                        .map_or(Ok(50), |v| number("client_timeout", v))?,
                    mechanisms: mechanisms(get("off").unwrap_or(""))?,
                    hint_handoff_interval_ticks: get("handoff")
                        .map_or(Ok(40), |v| number("handoff", v))?,
                    anti_entropy_interval_ticks: get("ae").map_or(Ok(100), |v| number("ae", v))?,
                    gossip_interval_ticks: get("gossip").map_or(Ok(10), |v| number("gossip", v))?,
                    members: node_list("members", get("members"))?,
                    seeds: node_list("seeds", get("seeds"))?,
                    vv_prune_threshold: get("prune").map(|v| number("prune", v)).transpose()?,
                };
                let scenario = Scenario {
                    version: 1,
                    name: "golden".into(),
                    description: String::new(),
                    seed: get("seed").map_or(Ok(1), |v| number("seed", v))?,
                    cluster,
                    network,
                    timeline: Vec::new(),
                    run_until: None,
                };
                self.cluster = Some(
                    Cluster::new(&scenario, SimOptions::default()).map_err(|e| e.to_string())?,
                );
                self.printed = 0;
                writeln!(out, "ok").unwrap();
            }
            "prefs" => {
                let [key] = positional[..] else {
                    return Err("prefs KEY".into());
                };
                let cluster = self.cluster()?;
                let (_, node, _) = cluster.nodes().next().expect("a cluster has nodes");
                let ring = node.ring();
                let n = usize::from(cluster.scenario().cluster.n);
                let list: Vec<String> = ring
                    .preference_list(key.as_bytes(), n)
                    .iter()
                    .map(NodeId::to_string)
                    .collect();
                writeln!(
                    out,
                    "{key} {} [{}]",
                    ring.partition_of(key.as_bytes()),
                    list.join(" ")
                )
                .unwrap();
            }
            "put" | "get" => {
                let at = self.at(&named)?;
                let (client, key, value) = match (command.as_str(), &positional[..]) {
                    ("put", [client, key, value]) => (*client, *key, Some(*value)),
                    ("get", [client, key]) => (*client, *key, None),
                    _ => return Err(format!("{command}: wrong arguments")),
                };
                let client = number("client", client.trim_start_matches('c'))?;
                let node = NodeId(
                    get("node").map_or(Ok(1), |v| number("node", v.trim_start_matches('n')))?,
                );
                let mut entry = TimelineEntry {
                    client: Some(client),
                    ..TimelineEntry::at(at)
                };
                match value {
                    Some(value) => {
                        entry.put = Some(PutSpec {
                            key: key.into(),
                            value: value.into(),
                            node,
                            context: get("context").unwrap_or("last-get").parse()?,
                            w: get("w").map(|v| number("w", v)).transpose()?,
                        })
                    }
                    None => {
                        entry.get = Some(GetSpec {
                            key: key.into(),
                            node,
                            r: get("r").map(|v| number("r", v)).transpose()?,
                        })
                    }
                }
                self.cluster()?
                    .schedule(&entry)
                    .map_err(|e| e.to_string())?;
            }
            "fault" => {
                let at = self.at(&named)?;
                let json = positional.join(" ");
                let fault =
                    serde_json::from_str(&json).map_err(|e| format!("fault {json}: {e}"))?;
                let entry = TimelineEntry {
                    fault: Some(fault),
                    ..TimelineEntry::at(at)
                };
                self.cluster()?
                    .schedule(&entry)
                    .map_err(|e| e.to_string())?;
            }
            "join" | "leave" => {
                let at = self.at(&named)?;
                let [node] = positional[..] else {
                    return Err(format!("{command} NODE"));
                };
                let node = Some(NodeId(number("node", node.trim_start_matches('n'))?));
                let entry = match command.as_str() {
                    "join" => TimelineEntry {
                        join: node,
                        ..TimelineEntry::at(at)
                    },
                    _ => TimelineEntry {
                        leave: node,
                        ..TimelineEntry::at(at)
                    },
                };
                self.cluster()?
                    .schedule(&entry)
                    .map_err(|e| e.to_string())?;
            }
            "ring" => {
                let cluster = self.cluster()?;
                let now = cluster.sim().now();
                for (id, node, _) in cluster.nodes() {
                    let view: Vec<String> = node
                        .view(now)
                        .into_iter()
                        .map(|(n, up)| format!("{n}{}", if up { "" } else { "?" }))
                        .collect();
                    let owned = (0..node.ring().partition_count())
                        .filter(|p| node.ring().owner(PartitionId(*p)) == id)
                        .count();
                    let keys = node.store().len();
                    writeln!(
                        out,
                        "{id} v{} members [{}] owns {owned} partitions, stores {keys} keys",
                        node.ring_version(),
                        view.join(" ")
                    )
                    .unwrap();
                }
            }
            "run" => {
                let cluster = self.cluster.as_mut().ok_or("no cluster yet")?;
                match get("until") {
                    Some(t) => cluster.sim_mut().run_until(number("until", t)?),
                    None => {
                        cluster.sim_mut().run_until_quiet();
                    }
                }
                let events = cluster.sim().trace().events();
                for event in &events[self.printed..] {
                    writeln!(out, "{event}").unwrap();
                }
                self.printed = events.len();
            }
            "state" => {
                let cluster = self.cluster()?;
                for (id, node, up) in cluster.nodes() {
                    let down = if up { "" } else { " (crashed)" };
                    for (p, key, clock) in node.store().iter() {
                        if positional.first().is_none_or(|k| *k == key) {
                            writeln!(out, "{id}{down} {p} {key}: {clock}").unwrap();
                        }
                    }
                }
            }
            "history" => {
                for op in &self.cluster()?.sim().history().ops {
                    let outcome = match &op.completed {
                        Some((at, outcome)) => format!("@{at} {outcome}"),
                        None => "pending".into(),
                    };
                    writeln!(
                        out,
                        "{} {} @{} {} => {outcome}",
                        op.id, op.by, op.invoked_at, op.input
                    )
                    .unwrap();
                }
            }
            "hints" => {
                for (id, node, _) in self.cluster()?.nodes() {
                    for (intended, p, key, hint) in node.hints() {
                        let (clock, v) = (&hint.clock, hint.version);
                        writeln!(out, "{id} holds for {intended}: {p} {key} v{v} {clock}").unwrap();
                    }
                }
            }
            "view" => {
                let cluster = self.cluster()?;
                let now = cluster.sim().now();
                for (id, node, up) in cluster.nodes() {
                    let suspected: Vec<String> = node
                        .view(now)
                        .into_iter()
                        .filter(|(_, up)| !up)
                        .map(|(n, _)| n.to_string())
                        .collect();
                    let state = if up { "up" } else { "crashed" };
                    writeln!(out, "{id} {state} suspects [{}]", suspected.join(" ")).unwrap();
                }
            }
            "stats" => {
                for (id, node, _) in self.cluster()?.nodes() {
                    writeln!(out, "{id} {:?}", node.stats()).unwrap();
                }
            }
            "check" => {
                writeln!(out, "{}", self.cluster()?.check()).unwrap();
            }
            other => return Err(format!("unknown command {other:?}")),
        }
        Ok(())
    }
}

/// Run one script file; return its text with actual outputs.
fn run_script(text: &str) -> String {
    let mut script = Script::default();
    let mut result = String::new();
    let mut lines = text.lines().peekable();
    while lines.peek().is_some() {
        // Skip blank lines between blocks.
        while lines.peek().is_some_and(|l| l.trim().is_empty()) {
            lines.next();
        }
        let mut output = String::new();
        let mut any = false;
        for line in lines.by_ref() {
            if line == "---" {
                break;
            }
            any = true;
            writeln!(result, "{line}").unwrap();
            if !line.starts_with('#') {
                if let Err(e) = script.execute(line, &mut output) {
                    writeln!(output, "error: {e}").unwrap();
                }
            }
        }
        if !any {
            break;
        }
        // Skip the old expected output.
        while lines.peek().is_some_and(|l| !l.trim().is_empty()) {
            lines.next();
        }
        writeln!(result, "---\n{output}").unwrap();
    }
    result.trim_end().to_string() + "\n"
}

#[test]
fn golden_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testscripts");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("testscripts/ exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        let expected = std::fs::read_to_string(path).expect("a readable script");
        let actual = run_script(&expected);
        if actual != expected {
            if update {
                std::fs::write(path, &actual).expect("a writable script");
            } else {
                failures.push(format!("{}:\n{actual}", path.display()));
            }
        }
    }
    assert!(entries.len() >= 4, "the golden scripts are missing");
    assert!(
        failures.is_empty(),
        "golden scripts differ (UPDATE_GOLDEN=1 rewrites them):\n{}",
        failures.join("\n")
    );
}

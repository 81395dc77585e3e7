//! Golden scripts: each file in `testscripts/` is one test, run by the
//! [`goldenscript`] crate as toyDB runs its Raft and MVCC scripts. A script
//! is blocks of commands, a `---` line, then the output those commands must
//! produce (mostly trace lines); a block without output reads `ok`. Run with
//! `UPDATE_GOLDENFILES=1` to rewrite the expected output from the actual one,
//! then read the diff. A new script file needs this file rebuilt (`touch
//! crates/core/tests/golden.rs`): the test list is made at compile time.
//!
//! Commands (goldenscript syntax: `key=value` arguments, and anything with
//! characters other than letters, digits and `_ - . / @` in quotes):
//! - `cluster key=value...`: build a cluster (`nodes partitions n r w mode
//!   latency=A..B drop dup reorder seed request_timeout client_timeout
//!   clients off=MECHANISM,... handoff=T ae=T gossip=T members=1,2,3
//!   seeds=1,2 prune=K`); probabilities are per million; `off=all` turns every
//!   failure-handling mechanism off.
//! - `prefs KEY`: the key's partition and preference list.
//! - `put CLIENT KEY VALUE [node=N] [context=last-get|none|{..}] [w=W] [at=T]`
//! - `get CLIENT KEY [node=N] [r=R] [at=T]`
//! - `fault [at=T] FAULT`: a fault as in the scenario format, either a JSON
//!   object (`fault '{"crash": 2}'`) or a bare name (`fault heal`).
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
//! Times default to now. Input the model rejects prints `error: ...`, the
//! model's own message, which the scripts pin; a mistake in the script itself
//! (an unknown command or argument, a missing one, a number that is not one)
//! fails the test instead.

use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use goldenscript::{ArgumentConsumer, Command, Context};
use test_each_file::test_each_path;
use wildling_core::cluster::Cluster;
use wildling_core::node::{ContextChoice, Mechanisms};
use wildling_core::ring::PartitionId;
use wildling_core::scenario::{ClusterConfig, GetSpec, PutSpec, Scenario, TimelineEntry};
use wildling_core::sim::network::NetworkOptions;
use wildling_core::sim::SimOptions;
use wildling_core::NodeId;

// One test per script, named after its file: `golden::read_repair` and so on.
test_each_path! { for ["txt"] in "crates/core/testscripts" as golden => run_script }

fn run_script([path]: [&Path; 1]) {
    if let Err(e) = goldenscript::run(&mut Script::default(), path) {
        panic!("{}: {e}", path.display());
    }
}

/// The state a script builds up.
#[derive(Default)]
struct Script {
    cluster: Option<Cluster>,
    /// Trace lines already printed.
    printed: usize,
}

/// Input the model rejected: printed as `error: ...` instead of failing.
#[derive(Debug)]
struct Rejected(String);

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Rejected {}

fn rejected(e: impl std::fmt::Display) -> Box<dyn Error> {
    Box::new(Rejected(e.to_string()))
}

type Result<T = (), E = Box<dyn Error>> = std::result::Result<T, E>;

impl goldenscript::Runner for Script {
    type Command = Command;

    fn run(&mut self, command: &Command, _: &Context) -> Result<String> {
        let mut output = String::new();
        match self.execute(command, &mut output) {
            Ok(()) => {}
            Err(e) => match e.downcast::<Rejected>() {
                Ok(e) => writeln!(output, "error: {e}")?,
                Err(e) => return Err(e),
            },
        }
        Ok(output)
    }
}

fn number<T: FromStr>(name: &str, text: &str) -> Result<T> {
    text.parse()
        .map_err(|_| format!("{name}={text} is not a number").into())
}

/// The number argument `name=...`, or `default` without one.
fn number_or<T: FromStr>(args: &mut ArgumentConsumer, name: &str, default: T) -> Result<T> {
    args.take_key(name).map_or(Ok(default), |v| number(name, v))
}

/// The optional number argument `name=...`.
fn number_opt<T: FromStr>(args: &mut ArgumentConsumer, name: &str) -> Result<Option<T>> {
    args.take_key(name).map(|v| number(name, v)).transpose()
}

/// The next positional argument, which `usage` says must be there.
fn positional<'a>(args: &mut ArgumentConsumer<'a>, usage: &str) -> Result<&'a str> {
    args.next_pos().ok_or_else(|| usage.into())
}

/// A node written `2` or `n2`.
fn node_id(text: &str) -> Result<NodeId> {
    Ok(NodeId(number("node", text.trim_start_matches('n'))?))
}

/// Every mechanism on except those named in `off` (comma-separated, or `all`).
fn mechanisms(off: &str) -> Result<Mechanisms> {
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
            other => return Err(format!("unknown mechanism {other:?}").into()),
        };
        *flag = false;
    }
    Ok(m)
}

/// Node numbers separated by commas; empty for none.
fn node_list(name: &str, text: Option<&str>) -> Result<Vec<NodeId>> {
    let text = text.unwrap_or("");
    text.split(',')
        .filter(|n| !n.is_empty())
        .map(|n| number(name, n).map(NodeId))
        .collect()
}

impl Script {
    fn cluster(&mut self) -> Result<&mut Cluster> {
        self.cluster.as_mut().ok_or_else(|| "no cluster yet".into())
    }

    /// The time `at=T`, or now.
    fn at(&mut self, args: &mut ArgumentConsumer) -> Result<i64> {
        match args.take_key("at") {
            Some(v) => number("at", v),
            None => Ok(self.cluster()?.sim().now() as i64),
        }
    }

    fn schedule(&mut self, entry: &TimelineEntry) -> Result {
        self.cluster()?.schedule(entry).map_err(rejected)
    }

    fn execute(&mut self, command: &Command, out: &mut String) -> Result {
        let mut args = command.consume_args();
        match command.name.as_str() {
            "cluster" => {
                let args = &mut args;
                let mut network = NetworkOptions::default();
                if let Some(range) = args.take_key("latency") {
                    let (a, b) = range.split_once("..").ok_or("latency=A..B")?;
                    network.latency_ticks_min = number("latency", a)?;
                    network.latency_ticks_max = number("latency", b)?;
                }
                network.drop_per_million = number_or(args, "drop", 0)?;
                network.duplicate_per_million = number_or(args, "dup", 0)?;
                network.reorder_per_million = number_or(args, "reorder", 0)?;
                let cluster = ClusterConfig {
                    nodes: number_or(args, "nodes", 3)?,
                    partitions: number_or(args, "partitions", 8)?,
                    n: number_or(args, "n", 3)?,
                    r: number_or(args, "r", 2)?,
                    w: number_or(args, "w", 2)?,
                    mode: args
                        .take_key("mode")
                        .unwrap_or("dvvset")
                        .parse()
                        .map_err(rejected)?,
                    clients: number_or(args, "clients", 4)?,
                    request_timeout_ticks: number_or(args, "request_timeout", 20)?,
                    client_timeout_ticks: number_or(args, "client_timeout", 50)?,
                    mechanisms: mechanisms(args.take_key("off").unwrap_or(""))?,
                    hint_handoff_interval_ticks: number_or(args, "handoff", 40)?,
                    anti_entropy_interval_ticks: number_or(args, "ae", 100)?,
                    gossip_interval_ticks: number_or(args, "gossip", 10)?,
                    members: node_list("members", args.take_key("members"))?,
                    seeds: node_list("seeds", args.take_key("seeds"))?,
                    vv_prune_threshold: number_opt(args, "prune")?,
                };
                let scenario = Scenario {
                    version: 1,
                    name: "golden".into(),
                    description: String::new(),
                    seed: number_or(args, "seed", 1)?,
                    cluster,
                    network,
                    timeline: Vec::new(),
                    run_until: None,
                    schedule: None,
                };
                args.reject_next()?;
                self.cluster =
                    Some(Cluster::new(&scenario, SimOptions::default()).map_err(rejected)?);
                self.printed = 0;
                writeln!(out, "ok")?;
            }
            "prefs" => {
                let key = positional(&mut args, "prefs KEY")?;
                args.reject_next()?;
                let cluster = self.cluster()?;
                let (_, node, _) = cluster.nodes().next().expect("a cluster has nodes");
                let ring = node.ring();
                let n = usize::from(cluster.scenario().cluster.n);
                let list: Vec<String> = ring
                    .preference_list(key.as_bytes(), n)
                    .iter()
                    .map(NodeId::to_string)
                    .collect();
                let partition = ring.partition_of(key.as_bytes());
                writeln!(out, "{key} {partition} [{}]", list.join(" "))?;
            }
            "put" | "get" => {
                let usage = match command.name.as_str() {
                    "put" => "put CLIENT KEY VALUE",
                    _ => "get CLIENT KEY",
                };
                let client = positional(&mut args, usage)?;
                let client = number("client", client.trim_start_matches('c'))?;
                let key = positional(&mut args, usage)?.to_string();
                let node = node_id(args.take_key("node").unwrap_or("1"))?;
                let mut entry = TimelineEntry {
                    client: Some(client),
                    ..TimelineEntry::at(self.at(&mut args)?)
                };
                if command.name == "put" {
                    let value = positional(&mut args, usage)?.into();
                    let context = args.take_key("context").unwrap_or("last-get");
                    let w = number_opt(&mut args, "w")?;
                    args.reject_next()?;
                    let context: ContextChoice = context.parse().map_err(rejected)?;
                    entry.put = Some(PutSpec {
                        key,
                        value,
                        node,
                        context,
                        w,
                    });
                } else {
                    let r = number_opt(&mut args, "r")?;
                    args.reject_next()?;
                    entry.get = Some(GetSpec { key, node, r });
                }
                self.schedule(&entry)?;
            }
            "fault" => {
                let at = self.at(&mut args)?;
                let text = positional(&mut args, "fault FAULT")?;
                args.reject_next()?;
                // A bare name such as `heal` is the JSON string "heal".
                let json = match text.starts_with('{') {
                    true => text.to_string(),
                    false => format!("{text:?}"),
                };
                let fault = serde_json::from_str(&json)
                    .map_err(|e| rejected(format!("fault {json}: {e}")))?;
                self.schedule(&TimelineEntry {
                    fault: Some(fault),
                    ..TimelineEntry::at(at)
                })?;
            }
            "join" | "leave" => {
                let at = self.at(&mut args)?;
                let node = Some(node_id(positional(&mut args, "join|leave NODE")?)?);
                args.reject_next()?;
                let entry = match command.name.as_str() {
                    "join" => TimelineEntry {
                        join: node,
                        ..TimelineEntry::at(at)
                    },
                    _ => TimelineEntry {
                        leave: node,
                        ..TimelineEntry::at(at)
                    },
                };
                self.schedule(&entry)?;
            }
            "ring" => {
                args.reject_next()?;
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
                    )?;
                }
            }
            "run" => {
                let until = number_opt(&mut args, "until")?;
                args.reject_next()?;
                let cluster = self.cluster.as_mut().ok_or("no cluster yet")?;
                match until {
                    Some(t) => cluster.sim_mut().run_until(t),
                    None => {
                        cluster.sim_mut().run_until_quiet();
                    }
                }
                let events = cluster.sim().trace().events();
                for event in &events[self.printed..] {
                    writeln!(out, "{event}")?;
                }
                self.printed = events.len();
            }
            "state" => {
                let only = args.next_pos();
                args.reject_next()?;
                for (id, node, up) in self.cluster()?.nodes() {
                    let down = if up { "" } else { " (crashed)" };
                    for (p, key, clock) in node.store().iter() {
                        if only.is_none_or(|k| k == key) {
                            writeln!(out, "{id}{down} {p} {key}: {clock}")?;
                        }
                    }
                }
            }
            "history" => {
                args.reject_next()?;
                for op in &self.cluster()?.sim().history().ops {
                    let outcome = match &op.completed {
                        Some((at, outcome)) => format!("@{at} {outcome}"),
                        None => "pending".into(),
                    };
                    let (id, by, invoked, input) = (op.id, op.by, op.invoked_at, &op.input);
                    writeln!(out, "{id} {by} @{invoked} {input} => {outcome}")?;
                }
            }
            "hints" => {
                args.reject_next()?;
                for (id, node, _) in self.cluster()?.nodes() {
                    for (intended, p, key, hint) in node.hints() {
                        let (clock, v) = (&hint.clock, hint.version);
                        writeln!(out, "{id} holds for {intended}: {p} {key} v{v} {clock}")?;
                    }
                }
            }
            "view" => {
                args.reject_next()?;
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
                    writeln!(out, "{id} {state} suspects [{}]", suspected.join(" "))?;
                }
            }
            "stats" => {
                args.reject_next()?;
                for (id, node, _) in self.cluster()?.nodes() {
                    writeln!(out, "{id} {:?}", node.stats())?;
                }
            }
            "check" => {
                args.reject_next()?;
                writeln!(out, "{}", self.cluster()?.check())?;
            }
            other => return Err(format!("unknown command {other:?}").into()),
        }
        Ok(())
    }
}

//! Each export of `partition-siblings` (and of a run with hostile names and
//! values) read back by a real reader of its format, carrying every
//! operation it should.

use edn_format::{Keyword, Parser, ParserOptions, Value as Edn};
use regex::Regex;

use super::{export, Format, SHIVIZ_REGEX};
use crate::cluster::Cluster;
use crate::node::{ClientOp, OpOutcome};
use crate::scenario::{builtin_scenario, Scenario};
use crate::sim::history::MessageFate;
use crate::sim::SimOptions;

/// The built-in scenario `name` run to its end.
fn finished(name: &str) -> Cluster {
    let json = builtin_scenario(name).expect("a built-in scenario");
    finished_json(json)
}

fn finished_json(json: &str) -> Cluster {
    let scenario = Scenario::from_json(json).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
    cluster.run();
    cluster
}

/// `partition-siblings` with a key and values no format may take raw.
fn hostile() -> Cluster {
    let json = builtin_scenario("partition-siblings").expect("built in");
    let json = json
        .replace("\"cart\"", r#""c\"a\\r{t}\n;x""#)
        .replace("\"milk\"", r#""m\"i,l\tk]""#)
        .replace("\"eggs\"", r#""e\u0007g} {\"g\":1}""#);
    finished_json(&json)
}

fn keyword(map: &Edn, name: &str) -> Edn {
    let Edn::Map(map) = map else {
        panic!("not a map: {map}");
    };
    map.get(&Edn::Keyword(Keyword::from_name(name)))
        .cloned()
        .unwrap_or_else(|| panic!("no :{name} in {map:?}"))
}

fn kw(name: &str) -> Edn {
    Edn::Keyword(Keyword::from_name(name))
}

/// The EDN export, read by `edn-format`, as (index, type, f, process, value).
fn read_edn(cluster: &Cluster) -> Vec<Edn> {
    let text = export(cluster.sim().history(), Format::Edn).text;
    Parser::from_str(&text, ParserOptions::default())
        .map(|form| form.unwrap_or_else(|e| panic!("EDN reader: {e:?}\n{text}")))
        .collect()
}

fn check_edn(cluster: &Cluster) {
    let forms = read_edn(cluster);
    let ops = &cluster.sim().history().ops;
    // One invoke and one completion per operation, in time order.
    assert_eq!(forms.len(), 2 * ops.len(), "{forms:?}");
    let mut last_time = 0;
    for (i, form) in forms.iter().enumerate() {
        assert_eq!(keyword(form, "index"), Edn::Integer(i as i64));
        let Edn::Integer(time) = keyword(form, "time") else {
            panic!(":time is an integer")
        };
        assert!(time >= last_time, "time order");
        last_time = time;
    }
    for op in ops {
        let (client, key, value) = match &op.input {
            ClientOp::Get { key, .. } => (op.by, key, None),
            ClientOp::Put { key, value, .. } => (op.by, key, Some(value)),
            _ => unreachable!("partition-siblings has only gets and puts"),
        };
        let crate::ids::Addr::Client(client) = client else {
            panic!("a client op")
        };
        let mine: Vec<&Edn> = forms
            .iter()
            .filter(|f| {
                keyword(f, "process") == Edn::Integer(i64::from(client.0))
                    && keyword(f, "time") == Edn::Integer(op.invoked_at as i64 * 1_000_000)
                    && keyword(f, "type") == kw("invoke")
                    && keyword(f, "f") == kw(if value.is_some() { "write" } else { "read" })
            })
            .collect();
        assert_eq!(mine.len(), 1, "the invoke of {}", op.id);
        let Edn::Vector(tuple) = keyword(mine[0], "value") else {
            panic!("[key value]")
        };
        assert_eq!(tuple[0], Edn::String(key.to_string()));
        let (done, outcome) = op.completed.as_ref().expect("completed");
        let completion: Vec<&Edn> = forms
            .iter()
            .filter(|f| {
                keyword(f, "process") == Edn::Integer(i64::from(client.0))
                    && keyword(f, "time") == Edn::Integer(*done as i64 * 1_000_000)
                    && keyword(f, "type") != kw("invoke")
            })
            .collect();
        assert_eq!(completion.len(), 1, "the completion of {}", op.id);
        let Edn::Vector(tuple) = keyword(completion[0], "value") else {
            panic!("[key value]")
        };
        match (value, outcome) {
            (Some(value), OpOutcome::Put) => {
                assert_eq!(keyword(completion[0], "type"), kw("ok"));
                assert_eq!(tuple[1], Edn::String(value.to_string()));
            }
            (None, OpOutcome::Got { values, .. }) => {
                assert_eq!(keyword(completion[0], "type"), kw("ok"));
                let siblings = values.iter().map(|v| Edn::String(v.to_string())).collect();
                assert_eq!(tuple[1], Edn::Vector(siblings));
            }
            (_, other) => panic!("partition-siblings: every op succeeds, not {other}"),
        }
    }
}

#[test]
fn the_edn_history_reads_back_with_every_operation() {
    check_edn(&finished("partition-siblings"));
    check_edn(&hostile());
}

fn check_porcupine(cluster: &Cluster) {
    let text = export(cluster.sim().history(), Format::Porcupine).text;
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON");
    let ops = &cluster.sim().history().ops;
    assert_eq!(list.len(), ops.len());
    for (entry, op) in list.iter().zip(ops) {
        let (done, outcome) = op.completed.as_ref().expect("completed");
        assert_eq!(entry["call"], op.invoked_at);
        assert_eq!(entry["return"], *done);
        let crate::ids::Addr::Client(client) = op.by else {
            panic!("a client op")
        };
        assert_eq!(entry["client_id"], client.0);
        match (&op.input, outcome) {
            (ClientOp::Put { key, value, .. }, OpOutcome::Put) => {
                assert_eq!(entry["input"]["op"], "write");
                assert_eq!(entry["input"]["key"], **key);
                assert_eq!(entry["input"]["value"], **value);
                assert_eq!(entry["output"]["ok"], true);
            }
            (ClientOp::Get { key, .. }, OpOutcome::Got { values, .. }) => {
                assert_eq!(entry["input"]["op"], "read");
                assert_eq!(entry["input"]["key"], **key);
                let read: Vec<&str> = entry["output"]["values"]
                    .as_array()
                    .expect("values")
                    .iter()
                    .map(|v| v.as_str().expect("a string"))
                    .collect();
                let want: Vec<&str> = values.iter().map(|v| &**v).collect();
                assert_eq!(read, want);
            }
            (input, outcome) => panic!("unexpected {input} => {outcome}"),
        }
    }
}

#[test]
fn the_porcupine_history_reads_back_with_every_operation() {
    check_porcupine(&finished("partition-siblings"));
    check_porcupine(&hostile());
}

/// ShiViz's regex, in the `regex` crate's syntax, applied as ShiViz
/// applies it: to the whole log, multi-line, each match one event.
fn check_shiviz(cluster: &Cluster) {
    let text = export(cluster.sim().history(), Format::ShiViz).text;
    let regex = Regex::new(&format!("(?m)^{SHIVIZ_REGEX}$")).expect("the regex compiles");
    let events: Vec<(String, serde_json::Map<String, serde_json::Value>, String)> = regex
        .captures_iter(&text)
        .map(|c| {
            let clock = serde_json::from_str(&c["clock"]).expect("the clock is JSON");
            (c["host"].to_string(), clock, c["event"].to_string())
        })
        .collect();
    assert_eq!(
        events.len(),
        text.lines().count(),
        "every line is one event"
    );
    let history = cluster.sim().history();
    let delivered = history
        .messages
        .iter()
        .filter(|m| matches!(m.fate, MessageFate::Delivered { .. }))
        .count();
    let completed = history.ops.iter().filter(|o| o.completed.is_some()).count();
    assert_eq!(
        events.len(),
        history.messages.len() + delivered + history.ops.len() + completed
    );
    // Every operation is invoked and completed on its client's line, and
    // each host's own entry counts its events.
    for op in &history.ops {
        let host = op.by.to_string();
        for word in ["invoke", "complete"] {
            let prefix = format!("{word} {} ", op.id);
            assert!(
                events
                    .iter()
                    .any(|(h, _, e)| *h == host && e.starts_with(&prefix)),
                "{prefix} at {host}"
            );
        }
    }
    let mut counts: std::collections::BTreeMap<&str, u64> = Default::default();
    for (host, clock, _) in &events {
        let own = counts.entry(host).or_default();
        *own += 1;
        assert_eq!(
            clock[host.as_str()],
            *own,
            "{host}'s own entry counts its events"
        );
    }
    // A delivery's clock is at least its send's.
    for m in &history.messages {
        let send = events
            .iter()
            .find(|(_, _, e)| e.starts_with(&format!("send {} ", m.id)))
            .expect("every send is an event");
        if let Some(deliver) = events
            .iter()
            .find(|(_, _, e)| e.starts_with(&format!("deliver {} ", m.id)))
        {
            for (host, n) in &send.1 {
                let got = deliver.2.as_str();
                assert!(deliver.1[host].as_u64() >= n.as_u64(), "{got}: {host}");
            }
        }
    }
}

#[test]
fn the_shiviz_log_matches_its_regex_line_by_line_with_consistent_clocks() {
    check_shiviz(&finished("partition-siblings"));
    check_shiviz(&hostile());
}

#[test]
fn format_names_round_trip_and_a_wrong_one_is_named() {
    for (format, name) in Format::ALL {
        assert_eq!(Format::parse(name), Ok(format));
        assert_eq!(format.name(), name);
    }
    let error = Format::parse("csv").expect_err("unknown");
    assert!(
        error.contains("\"csv\"") && error.contains("shiviz"),
        "{error}"
    );
}

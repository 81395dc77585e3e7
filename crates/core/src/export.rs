//! Histories other tools read: a run out of Wildling and into Jepsen's
//! tooling, Porcupine or ShiViz.
//!
//! Three formats, each written from the recorded history
//! ([`crate::sim::history::History`]) and nothing else:
//!
//! - **Jepsen EDN** ([`Format::Edn`]): one map per line, an `:invoke` when a
//!   client operation starts and its completion when it ends, as Jepsen's
//!   `history.edn` holds them: `{:index 0, :type :invoke, :f :write,
//!   :process 1, :value ["cart" "milk"], :time 10000000}`. Keys are
//!   independent registers, so values are `[key value]` tuples in the shape
//!   of `jepsen.independent`; a read's completed value is the vector of
//!   siblings it returned. An acknowledged op is `:ok`; a get that failed
//!   is `:fail` (a read changes nothing); a put that failed its quorum or
//!   timed out is `:info` (it may have been stored). `:process` is the
//!   client's number, `:time` the tick in nanoseconds at one millisecond a
//!   tick.
//! - **Porcupine JSON** ([`Format::Porcupine`]): an array of operations
//!   with Porcupine's fields, `client_id`, `input`, `call`, `output`,
//!   `return` (ticks). A put whose outcome is unknown returns at
//!   `i64::MAX`, Porcupine's convention for an operation that may take
//!   effect at any later time; failed gets are left out.
//! - **ShiViz log** ([`Format::ShiViz`]): one event per line, the host, its
//!   vector clock in ShiViz's JSON form and a description, matched by
//!   [`SHIVIZ_REGEX`]. Events are every send and delivery of a message and
//!   every invocation and completion of a client operation; the clocks are
//!   computed here, one entry per process, a send's clock merged into its
//!   receiver's on delivery. ShiViz then draws the same space-time diagram
//!   as the playground.
//!
//! Every text a user typed (keys, values, a refused join's reason) is
//! escaped for the format: EDN and JSON string escapes, and for ShiViz, a
//! description with every control character escaped, so that one event
//! stays one line.
//!
//! CAVEATS:
//!
//! - Exports are bounded: at most [`EXPORT_OPS_MAX`] operations and
//!   [`EXPORT_EVENTS_MAX`] ShiViz events, the first ones of the run; an
//!   export cut short says so in [`Export::note`] (and, in EDN, in a
//!   comment line).
//! - Administrative inputs (join, leave) are not client operations of a
//!   register and are left out of the EDN and Porcupine histories.

use std::fmt::Write as _;

use crate::ids::{Addr, Time};
use crate::node::{ClientOp, OpOutcome};
use crate::sim::history::{History, MessageFate, OpRecord};
use crate::vec_map::VecMap;

/// The most operations an export carries: a scenario's timeline holds at
/// most 10,000, and a session adds a few by hand.
pub const EXPORT_OPS_MAX: usize = 20_000;

/// The most ShiViz events an export carries: ShiViz itself slows to a crawl
/// well before this, and the log stays a few megabytes.
pub const EXPORT_EVENTS_MAX: usize = 100_000;

/// The regular expression to paste into ShiViz for [`Format::ShiViz`] logs.
pub const SHIVIZ_REGEX: &str = r"(?<host>\S+) (?<clock>\{.*?\}) (?<event>.*)";

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Jepsen history in EDN.
    Edn,
    /// A Porcupine history in JSON.
    Porcupine,
    /// A ShiViz log.
    ShiViz,
}

impl Format {
    /// Every format, with the name the CLI and the UI use.
    pub const ALL: [(Format, &'static str); 3] = [
        (Format::Edn, "edn"),
        (Format::Porcupine, "porcupine"),
        (Format::ShiViz, "shiviz"),
    ];

    /// The format's name, as the CLI and the UI use it (`edn`).
    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, n)| n)
    }

    /// The format called `name`, or a message listing the names.
    pub fn parse(name: &str) -> Result<Format, String> {
        Format::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
            .ok_or_else(|| {
                format!("unknown export format {name:?} (expected edn, porcupine or shiviz)")
            })
    }

    /// The format's name for people: the tool and the file's form.
    pub fn title(self) -> &'static str {
        match self {
            Format::Edn => "Jepsen EDN",
            Format::Porcupine => "Porcupine JSON",
            Format::ShiViz => "ShiViz log",
        }
    }

    /// The file name extension for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Edn => "edn",
            Format::Porcupine => "json",
            Format::ShiViz => "log",
        }
    }

    /// The file's media type, as a download labels it.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Edn => "application/edn",
            Format::Porcupine => "application/json",
            Format::ShiViz => "text/plain",
        }
    }
}

/// An exported history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The file's text.
    pub text: String,
    /// Set when the export was cut short: what was left out.
    pub note: Option<String>,
}

/// Export `history` in `format`.
pub fn export<M>(history: &History<M, ClientOp, OpOutcome>, format: Format) -> Export {
    match format {
        Format::Edn => edn(history),
        Format::Porcupine => porcupine(history),
        Format::ShiViz => shiviz(history),
    }
}

/// A client operation on a key: its client number, the key, and the value
/// written (`None` for a get).
fn register_op(op: &OpRecord<ClientOp, OpOutcome>) -> Option<(u16, &str, Option<&str>)> {
    let Addr::Client(client) = op.by else {
        return None;
    };
    match &op.input {
        ClientOp::Get { key, .. } => Some((client.0, key, None)),
        ClientOp::Put { key, value, .. } => Some((client.0, key, Some(value))),
        ClientOp::Join | ClientOp::Leave => None,
    }
}

/// The operations to export, and a note if there were more.
fn bounded<M>(
    history: &History<M, ClientOp, OpOutcome>,
) -> (&[OpRecord<ClientOp, OpOutcome>], Option<String>) {
    let ops = &history.ops;
    if ops.len() > EXPORT_OPS_MAX {
        let note = format!(
            "the run has {} operations; the export carries the first {EXPORT_OPS_MAX}",
            ops.len()
        );
        (&ops[..EXPORT_OPS_MAX], Some(note))
    } else {
        (ops, None)
    }
}

/// `text` as a string literal of EDN (and Clojure) and of JSON alike: the
/// two share these escapes. The Porcupine JSON is written by hand with it,
/// as the EDN is: `serde_json`'s `Value` would add its own code to the
/// shipped app for three small objects per operation.
fn string_literal(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `values` as a vector of string literals, `[a b]` in EDN (`separator`
/// ' ') and `["a","b"]` in JSON (',').
fn string_list(out: &mut String, values: &[crate::message::Value], separator: char) {
    out.push('[');
    for (n, value) in values.iter().enumerate() {
        if n > 0 {
            out.push(separator);
        }
        string_literal(out, value);
    }
    out.push(']');
}

/// Nanoseconds for Jepsen's `:time`: a tick is a millisecond.
fn nanos(at: Time) -> u64 {
    at.saturating_mul(1_000_000)
}

fn edn<M>(history: &History<M, ClientOp, OpOutcome>) -> Export {
    let (ops, note) = bounded(history);
    // Invocations and completions in time order (invocations first at a tie).
    let mut events: Vec<(Time, bool, usize)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if register_op(op).is_some() {
            events.push((op.invoked_at, false, i));
            if let Some((at, _)) = &op.completed {
                events.push((*at, true, i));
            }
        }
    }
    crate::handwritten::sort::stable_by(&mut events, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut out = String::new();
    if let Some(note) = &note {
        out.push_str("; ");
        out.push_str(note);
        out.push('\n');
    }
    for (index, &(at, completion, i)) in events.iter().enumerate() {
        let op = &ops[i];
        let (client, key, written) = register_op(op).expect("only register ops");
        let outcome = op.completed.as_ref().map(|(_, o)| o).filter(|_| completion);
        let kind = match outcome {
            None => "invoke",
            Some(OpOutcome::Got { .. } | OpOutcome::Put) => "ok",
            Some(OpOutcome::QuorumFailed { .. } | OpOutcome::Timeout) if written.is_none() => {
                "fail"
            }
            Some(_) => "info",
        };
        let f = if written.is_some() { "write" } else { "read" };
        let _ = write!(
            out,
            "{{:index {index}, :type :{kind}, :f :{f}, :process {client}, :value ["
        );
        string_literal(&mut out, key);
        out.push(' ');
        match (written, outcome) {
            (Some(value), _) => string_literal(&mut out, value),
            (None, Some(OpOutcome::Got { values, .. })) => string_list(&mut out, values, ' '),
            (None, _) => out.push_str("nil"),
        }
        let _ = writeln!(out, "], :time {}}}", nanos(at));
    }
    Export { text: out, note }
}

fn porcupine<M>(history: &History<M, ClientOp, OpOutcome>) -> Export {
    let (ops, note) = bounded(history);
    let mut out = String::from("[");
    for op in ops {
        let Some((client, key, written)) = register_op(op) else {
            continue;
        };
        let returned = match (&op.completed, written) {
            (Some((at, OpOutcome::Got { .. } | OpOutcome::Put)), _) => *at as i64,
            // A failed or unanswered get read nothing: left out.
            (_, None) => continue,
            // A put that may or may not have been stored.
            (_, Some(_)) => i64::MAX,
        };
        if out.len() > 1 {
            out.push(',');
        }
        let _ = write!(out, "{{\"client_id\":{client},\"input\":{{\"op\":");
        out.push_str(if written.is_some() {
            "\"write\""
        } else {
            "\"read\""
        });
        out.push_str(",\"key\":");
        string_literal(&mut out, key);
        if let Some(value) = written {
            out.push_str(",\"value\":");
            string_literal(&mut out, value);
        }
        let _ = write!(out, "}},\"call\":{},\"output\":", op.invoked_at);
        match &op.completed {
            Some((_, OpOutcome::Got { values, .. })) => {
                out.push_str("{\"values\":");
                string_list(&mut out, values, ',');
                out.push('}');
            }
            Some((_, OpOutcome::Put)) => out.push_str("{\"ok\":true}"),
            _ => out.push_str("{\"ok\":null}"),
        }
        let _ = write!(out, ",\"return\":{returned}}}");
    }
    out.push_str("]\n");
    Export { text: out, note }
}

/// One ShiViz event: when, at which host, and in what order at a tie
/// (deliveries and completions before invocations and sends).
struct Event {
    at: Time,
    order: u8,
    id: u64,
    host: Addr,
    what: EventKind,
}

enum EventKind {
    Send { msg: usize },
    Deliver { msg: usize },
    Invoke { op: usize },
    Complete { op: usize },
}

/// `text` with every control character escaped, so that it stays on one line.
fn one_line(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
}

fn shiviz<M>(history: &History<M, ClientOp, OpOutcome>) -> Export {
    let (ops, mut note) = bounded(history);
    let mut events = Vec::new();
    for (i, m) in history.messages.iter().enumerate() {
        events.push(Event {
            at: m.sent_at,
            order: 3,
            id: m.id.0,
            host: m.from,
            what: EventKind::Send { msg: i },
        });
        if let MessageFate::Delivered { at } = m.fate {
            events.push(Event {
                at,
                order: 0,
                id: m.id.0,
                host: m.to,
                what: EventKind::Deliver { msg: i },
            });
        }
    }
    for (i, op) in ops.iter().enumerate() {
        events.push(Event {
            at: op.invoked_at,
            order: 2,
            id: op.id.0,
            host: op.by,
            what: EventKind::Invoke { op: i },
        });
        if let Some((at, _)) = op.completed {
            events.push(Event {
                at,
                order: 1,
                id: op.id.0,
                host: op.by,
                what: EventKind::Complete { op: i },
            });
        }
    }
    crate::handwritten::sort::stable_by(&mut events, |a, b| {
        (a.at, a.order, a.id).cmp(&(b.at, b.order, b.id))
    });
    if events.len() > EXPORT_EVENTS_MAX {
        note = Some(format!(
            "the run has {} events; the log carries the first {EXPORT_EVENTS_MAX}",
            events.len()
        ));
        events.truncate(EXPORT_EVENTS_MAX);
    }
    // Each process's vector clock, and each message's clock when sent.
    let mut clocks: VecMap<Addr, VecMap<Addr, u64>> = VecMap::new();
    let mut sent: VecMap<usize, VecMap<Addr, u64>> = VecMap::new();
    let mut out = String::new();
    for event in &events {
        let mut clock = clocks.get(&event.host).cloned().unwrap_or_default();
        if let EventKind::Deliver { msg } = event.what {
            if let Some(at_send) = sent.get(&msg) {
                for (host, n) in at_send.iter() {
                    if clock.get(host).is_none_or(|mine| mine < n) {
                        clock.insert(*host, *n);
                    }
                }
            }
        }
        let own = clock.get(&event.host).copied().unwrap_or(0) + 1;
        clock.insert(event.host, own);
        let _ = write!(out, "{} {{", event.host);
        for (n, (host, count)) in clock.iter().enumerate() {
            let _ = write!(out, "{}\"{host}\":{count}", if n > 0 { "," } else { "" });
        }
        out.push_str("} ");
        let description = match event.what {
            EventKind::Send { msg } => {
                let m = &history.messages[msg];
                sent.insert(msg, clock.clone());
                format!("send {} {} to {}", m.id, m.kind, m.to)
            }
            EventKind::Deliver { msg } => {
                let m = &history.messages[msg];
                format!("deliver {} {} from {}", m.id, m.kind, m.from)
            }
            EventKind::Invoke { op } => format!("invoke {} {}", ops[op].id, ops[op].input),
            EventKind::Complete { op } => match &ops[op].completed {
                Some((_, outcome)) => format!("complete {} {outcome}", ops[op].id),
                None => unreachable!("only completed ops have a completion event"),
            },
        };
        one_line(&mut out, &description);
        out.push('\n');
        clocks.insert(event.host, clock);
    }
    Export { text: out, note }
}

#[cfg(test)]
mod tests;

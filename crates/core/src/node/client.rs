//! A client: performs the timeline's gets and puts, remembers the context of
//! its last get of each key, and gives up on a request after a timeout.
//!
//! Under client-id version vectors the client is the actor: it counts the
//! puts it sends to each key, and every put's context carries the client's
//! own entry, the number of puts it sent to that key before. The coordinator
//! then numbers the write `max(ctx entry, stored entry) + 1`, which is
//! exactly the put's ordinal, however stale the coordinator's copy is (see
//! [`crate::causality`]). Other modes send contexts unchanged.

use crate::vec_map::VecMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::causality::{Actor, CausalityMode, Context, VersionVector};
use crate::ids::{Addr, OpId, Time};
use crate::ids::{ClientId, NodeId};
use crate::message::{ClientReply, ClientRequest, Key, Message, Value};
use crate::node::{Member, Timer};
use crate::sim::{Envelope, Outbox};

/// The context a put carries. In JSON: `"last-get"`, `"none"`, or a
/// context's text form such as `"{n1:2, n2:1}"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ContextChoice {
    /// The context of this client's last successful get of the same key
    /// (empty if it has read nothing).
    #[default]
    LastGet,
    /// The empty context: a blind write.
    None,
    /// This exact context.
    Explicit(Context),
}

impl fmt::Display for ContextChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContextChoice::LastGet => f.write_str("last-get"),
            ContextChoice::None => f.write_str("none"),
            ContextChoice::Explicit(context) => write!(f, "{context}"),
        }
    }
}

/// The most entries a context a put carries may name: twice the replicas
/// and clients a cluster has at once (`scenario::MAX_NODES` and
/// `MAX_CLIENTS`, 64 each; `scenario/tests.rs` checks the relation, since
/// the scenario imports this module), for ids that left and others that
/// joined since. Each entry a put's context names becomes an entry of the
/// key's clock, and a DVVSet lays out a region per entry as long as its
/// longest one (`causality/dvvset.rs`), so an uncapped context from a file,
/// a link or an HTTP request could make one key's clock entries × siblings
/// long.
pub const CONTEXT_ENTRIES_MAX: usize = 256;

impl FromStr for ContextChoice {
    type Err = String;
    fn from_str(text: &str) -> Result<ContextChoice, String> {
        match text.trim() {
            "last-get" => Ok(ContextChoice::LastGet),
            "none" => Ok(ContextChoice::None),
            other => {
                let context: Context = other.parse().map_err(|e| {
                    format!(
                        "{e} (expected \"last-get\", \"none\" or a context such as \"{{n1:2}}\")"
                    )
                })?;
                let entries = context.vv.len();
                if entries > CONTEXT_ENTRIES_MAX {
                    return Err(format!(
                        "a context names at most {CONTEXT_ENTRIES_MAX} replicas and clients, this one {entries}"
                    ));
                }
                Ok(ContextChoice::Explicit(context))
            }
        }
    }
}

impl Serialize for ContextChoice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ContextChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The largest counter an edited context may name: far beyond any run, and
/// far from overflowing when a write adds one to it.
pub const MAX_EDITED_COUNTER: u64 = 1 << 40;

/// Parse the text of an edited context, as a put would carry it.
pub fn parse_context(text: &str) -> Result<ContextChoice, String> {
    let choice: ContextChoice = text.parse()?;
    if let ContextChoice::Explicit(context) = &choice {
        if let Some((actor, counter)) = context.vv.iter().find(|(_, n)| *n > MAX_EDITED_COUNTER) {
            return Err(format!("{actor}:{counter} is beyond any counter this playground reaches (at most {MAX_EDITED_COUNTER})"));
        }
    }
    Ok(choice)
}

/// An operation, as the timeline or the UI gives it: a client's get or put,
/// or an administrator's join or leave at a node.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientOp {
    /// Read `key` through `node`.
    Get {
        /// The key.
        key: Key,
        /// The node the request goes to.
        node: NodeId,
        /// R for this request, if not the cluster's.
        r: Option<u8>,
    },
    /// Write `value` to `key` through `node`, with the chosen context.
    Put {
        /// The key.
        key: Key,
        /// The value.
        value: Value,
        /// The node the request goes to.
        node: NodeId,
        /// Which context to send.
        context: ContextChoice,
        /// W for this request, if not the cluster's.
        w: Option<u8>,
    },
    /// The node this goes to joins the ring (through a seed).
    Join,
    /// The node this goes to leaves the ring.
    Leave,
}

impl fmt::Display for ClientOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientOp::Get { key, node, r } => {
                write!(f, "get {key} via {node}")?;
                crate::message::quorum(f, "r", *r)
            }
            ClientOp::Put {
                key,
                value,
                node,
                context,
                w,
            } => {
                write!(f, "put {key}={value} via {node} ctx={context}")?;
                crate::message::quorum(f, "w", *w)
            }
            ClientOp::Join => f.write_str("join"),
            ClientOp::Leave => f.write_str("leave"),
        }
    }
}

/// How a client operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpOutcome {
    /// The get succeeded with these siblings and this context.
    Got {
        /// The siblings.
        values: Vec<Value>,
        /// The context to write back.
        context: Context,
    },
    /// The put was acknowledged by W replicas.
    Put,
    /// The coordinator could not gather enough answers in time.
    QuorumFailed {
        /// Answers received, the coordinator's own included.
        acks: u8,
        /// Answers needed.
        needed: u8,
    },
    /// No answer reached the client in time (its node was down or unreachable).
    Timeout,
    /// A join or leave took effect: the node's ring is now at this version.
    Ring {
        /// The new ring version.
        version: u64,
    },
    /// A join or leave the node's view of the ring does not allow.
    Refused {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for OpOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpOutcome::Got { values, context } => {
                write!(f, "ok [{}] ctx={context}", values.join(", "))
            }
            OpOutcome::Put => write!(f, "ok"),
            OpOutcome::QuorumFailed { acks, needed } => {
                write!(f, "quorum-failed acks={acks} needed={needed}")
            }
            OpOutcome::Timeout => write!(f, "timeout"),
            OpOutcome::Ring { version } => write!(f, "ok ring v{version}"),
            OpOutcome::Refused { reason } => write!(f, "refused: {reason}"),
        }
    }
}

/// A client's state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Client {
    /// The client's own id, its actor under client-id version vectors.
    id: ClientId,
    /// The cluster's causality mode.
    mode: CausalityMode,
    /// How long to wait for an answer, in ticks.
    timeout_ticks: Time,
    /// Puts sent to each key (client-id version vectors only): the client's
    /// own counter, never reused, the last put and the vector it wrote (its
    /// context with the client's entry one past the earlier puts).
    own_writes: VecMap<Key, (u64, OpId, VersionVector<Actor>)>,
    /// For each put (client-id version vectors), this client's previous put
    /// of the key when the put's context holds all that put's did (its own
    /// entry always does); in op order.
    follows: Vec<(OpId, OpId)>,
    /// The context of the last successful get of each key, and that get.
    contexts: VecMap<Key, (Context, OpId)>,
    /// For each put sent with a "last-get" context (or an explicit one
    /// equal to it), the get it came from; in op order (a client starts its
    /// ops in order).
    based_on: Vec<(OpId, OpId)>,
    /// Operations waiting for an answer, with the key they concern, in op
    /// order (a client has few at a time).
    pending: Vec<(OpId, Option<Key>)>,
}

impl Client {
    /// Client `id` of a cluster in `mode`, waiting `timeout_ticks` for each
    /// answer.
    pub fn new(id: ClientId, mode: CausalityMode, timeout_ticks: Time) -> Client {
        Client {
            id,
            mode,
            timeout_ticks,
            own_writes: VecMap::new(),
            follows: Vec::new(),
            contexts: VecMap::new(),
            based_on: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The context this client would send for `key` with "last-get".
    pub fn last_context(&self, key: &str) -> Option<&Context> {
        self.contexts.get(key).map(|(context, _)| context)
    }

    /// The get whose context this client would send for `key` with
    /// "last-get": what a later put of the key would be based on.
    pub fn last_get(&self, key: &str) -> Option<OpId> {
        self.contexts.get(key).map(|(_, get)| *get)
    }

    /// For each put this client sent with a "last-get" context, or with an
    /// explicit context equal to it, the get whose context it carried, in
    /// put order: the checker's record of what a put saw.
    pub fn based_on(&self) -> &[(OpId, OpId)] {
        &self.based_on
    }

    /// For each put under client-id version vectors, this client's previous
    /// put of the same key: the put's context carries the client's own
    /// counter, so it covers that put (the checker's record), in put order.
    pub fn follows(&self) -> &[(OpId, OpId)] {
        &self.follows
    }

    /// Drop the records only the consistency checker reads
    /// ([`Client::based_on`], [`Client::follows`]): one per put, so a client
    /// that runs for long (`wildling serve`, which runs no checker) would
    /// otherwise grow without end. The contexts it sends are unchanged.
    pub fn forget_checker_records(&mut self) {
        self.based_on.clear();
        self.follows.clear();
    }

    /// How many operations are waiting for an answer.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Start operation `op`: send the request and set the client timeout.
    pub(crate) fn invoke(
        &mut self,
        _now: Time,
        op: OpId,
        input: ClientOp,
        out: &mut Outbox<Member>,
    ) {
        let (node, request, key) = match input {
            ClientOp::Get { key, node, r } => (
                node,
                ClientRequest::Get {
                    op,
                    key: key.clone(),
                    r,
                },
                Some(key),
            ),
            ClientOp::Put {
                key,
                value,
                node,
                context,
                w,
            } => {
                let mut context = match context {
                    ContextChoice::LastGet => match self.contexts.get(&key) {
                        Some((context, get)) => {
                            self.based_on.push((op, *get));
                            context.clone()
                        }
                        None => Context::empty(),
                    },
                    ContextChoice::None => Context::empty(),
                    // The last get's context sent as typed (the playground's
                    // edited context, left as read) is that get's, for the
                    // checker as for the store.
                    ContextChoice::Explicit(context) => {
                        if let Some((_, get)) =
                            self.contexts.get(&key).filter(|(last, _)| *last == context)
                        {
                            self.based_on.push((op, *get));
                        }
                        context
                    }
                };
                if self.mode == CausalityMode::ClientVv {
                    let me = Actor::Client(self.id);
                    let (sent, last, wrote) =
                        self.own_writes
                            .get(&key)
                            .cloned()
                            .unwrap_or((0, op, VersionVector::new()));
                    if sent > 0 {
                        if sent > context.vv.get(&me) {
                            context.vv.set(me, sent);
                        }
                        // A blind put after a put that read another client's
                        // write carries this client's entry but not the
                        // other's: the two are concurrent, as under DVVSet.
                        if context.vv.descends(&wrote) {
                            self.follows.push((op, last));
                        }
                    }
                    let mut wrote = context.vv.clone();
                    wrote.set(me, sent + 1);
                    self.own_writes.insert(key.clone(), (sent + 1, op, wrote));
                }
                (
                    node,
                    ClientRequest::Put {
                        op,
                        key,
                        value,
                        context,
                        w,
                    },
                    None,
                )
            }
            ClientOp::Join | ClientOp::Leave => {
                let reason = "a client cannot join or leave the ring".to_string();
                out.complete(op, OpOutcome::Refused { reason });
                return;
            }
        };
        self.pending.push((op, key));
        out.send(Addr::Node(node), Message::Request(request));
        out.set_timer(self.timeout_ticks, Timer::Client(op));
    }

    /// Whether `op` still waits for its answer.
    pub(crate) fn is_waiting(&self, op: OpId) -> bool {
        self.pending.iter().any(|(waiting, _)| *waiting == op)
    }

    /// Stop waiting for `op`; its key if it was waiting.
    fn answered(&mut self, op: OpId) -> Option<Option<Key>> {
        let at = self
            .pending
            .iter()
            .position(|(waiting, _)| *waiting == op)?;
        Some(self.pending.remove(at).1)
    }

    /// A coordinator answered. Late or duplicate answers are ignored.
    pub(crate) fn step(
        &mut self,
        _now: Time,
        envelope: Envelope<Message>,
        out: &mut Outbox<Member>,
    ) {
        let Message::Reply(reply) = envelope.msg else {
            unreachable!("a client received a peer message: {}", envelope.msg);
        };
        let op = reply.op();
        let Some(key) = self.answered(op) else {
            return;
        };
        let outcome = match reply {
            ClientReply::GetOk {
                values, context, ..
            } => {
                if let Some(key) = key {
                    match self.contexts.get_mut(&key) {
                        Some((last, get)) => {
                            last.clone_from(&context);
                            *get = op;
                        }
                        None => {
                            self.contexts.insert(key, (context.clone(), op));
                        }
                    }
                }
                OpOutcome::Got { values, context }
            }
            ClientReply::PutOk { .. } => OpOutcome::Put,
            ClientReply::QuorumFailed { acks, needed, .. } => {
                OpOutcome::QuorumFailed { acks, needed }
            }
        };
        out.complete(op, outcome);
    }

    /// The client timeout fired: give up on the operation if it is still waiting.
    pub(crate) fn tick(&mut self, _now: Time, timer: Timer, out: &mut Outbox<Member>) {
        let Timer::Client(op) = timer else {
            unreachable!("a client received a node timer: {timer}");
        };
        if self.answered(op).is_some() {
            out.complete(op, OpOutcome::Timeout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_contexts_are_parsed_and_absurd_counters_refused() {
        assert_eq!(parse_context("none"), Ok(ContextChoice::None));
        assert!(matches!(
            parse_context("{n1:2, n3:1}"),
            Ok(ContextChoice::Explicit(_))
        ));
        assert!(parse_context("{n1:").is_err());
        let error = parse_context("{n1:18446744073709551615}").expect_err("too large");
        assert!(error.contains("n1:18446744073709551615"), "{error}");
    }

    #[test]
    fn a_context_naming_more_actors_than_a_cluster_can_have_is_refused() {
        let context = |entries: usize| {
            let pairs: Vec<String> = (1..=entries).map(|n| format!("n{n}:1")).collect();
            format!("{{{}}}", pairs.join(", "))
        };
        assert!(matches!(
            parse_context(&context(CONTEXT_ENTRIES_MAX)),
            Ok(ContextChoice::Explicit(_))
        ));
        let error = parse_context(&context(5_000)).expect_err("too many entries");
        assert_eq!(
            error,
            "a context names at most 256 replicas and clients, this one 5000"
        );
        // The same limit for a scenario's put, which reads the same text.
        assert!("{n1:1}".parse::<ContextChoice>().is_ok());
        assert!(context(CONTEXT_ENTRIES_MAX + 1)
            .parse::<ContextChoice>()
            .is_err());
    }
}

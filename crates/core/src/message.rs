//! The messages of the basic Dynamo Get/Put path.
//!
//! Clients talk to nodes with [`ClientRequest`] and hear back a
//! [`ClientReply`]; nodes talk to each other with [`PeerMessage`]. The three
//! are kept apart and wrapped in [`Message`]; the simulator wraps each in an
//! envelope `{from, to, msg}` ([`crate::sim::Envelope`]). Every enum is
//! closed, and every variant's text form is what the trace prints.

use std::fmt;

use serde::Serialize;

use crate::causality::{Context, KeyClock};
use crate::ring::PartitionId;
use crate::sim::{self, Addr, OpId};

/// What a key's replicas hold: the kernel's clock over string values.
pub type Clock = KeyClock<String>;

/// A coordinator's number for one request it coordinates (display `r7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ReqId(pub u64);

impl fmt::Display for ReqId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// Any message of the cluster.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Message {
    /// From a client to a node.
    Request(ClientRequest),
    /// From a coordinator back to a client.
    Reply(ClientReply),
    /// Between nodes.
    Peer(PeerMessage),
}

/// A client's request to a node, which coordinates it or forwards it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientRequest {
    /// Read a key: the coordinator asks the key's N replicas and answers after
    /// R replies with their merged values and context.
    Get {
        /// The client's operation, echoed in the reply.
        op: OpId,
        /// The key.
        key: String,
        /// R for this request, if not the cluster's.
        r: Option<u8>,
    },
    /// Write a key: the coordinator applies the write to its own clock, sends
    /// the result to the other N-1 replicas and answers after W acknowledgements.
    Put {
        /// The client's operation, echoed in the reply.
        op: OpId,
        /// The key.
        key: String,
        /// The new value.
        value: String,
        /// What the client had seen; the write supersedes exactly that.
        context: Context,
        /// W for this request, if not the cluster's.
        w: Option<u8>,
    },
}

impl ClientRequest {
    /// The client's operation.
    pub fn op(&self) -> OpId {
        match self {
            ClientRequest::Get { op, .. } | ClientRequest::Put { op, .. } => *op,
        }
    }

    /// The key.
    pub fn key(&self) -> &str {
        match self {
            ClientRequest::Get { key, .. } | ClientRequest::Put { key, .. } => key,
        }
    }
}

/// A coordinator's answer to a client.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientReply {
    /// A get reached R replies: every sibling, and the context to write back.
    GetOk {
        /// The operation answered.
        op: OpId,
        /// The siblings, in the kernel's order.
        values: Vec<String>,
        /// The context covering every reply.
        context: Context,
    },
    /// A put reached W acknowledgements.
    PutOk {
        /// The operation answered.
        op: OpId,
    },
    /// The request timed out before R (or W) answers arrived.
    QuorumFailed {
        /// The operation answered.
        op: OpId,
        /// Answers received, the coordinator's own included.
        acks: u8,
        /// Answers needed.
        needed: u8,
    },
}

impl ClientReply {
    /// The operation answered.
    pub fn op(&self) -> OpId {
        match self {
            ClientReply::GetOk { op, .. }
            | ClientReply::PutOk { op }
            | ClientReply::QuorumFailed { op, .. } => *op,
        }
    }
}

/// A message between nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeerMessage {
    /// A node that is not on the key's preference list hands a client's
    /// request to the first node that is; that node coordinates it and answers
    /// the client directly.
    Forward {
        /// The client to answer.
        client: Addr,
        /// The key's partition, so that the coordinator need not hash it again.
        partition: PartitionId,
        /// The request, unchanged.
        request: ClientRequest,
    },
    /// The coordinator of a put sends its clock for the key to a replica,
    /// which merges it into its own (kernel `sync`) and acknowledges.
    Replicate {
        /// The coordinator's request.
        req: ReqId,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: String,
        /// The coordinator's clock after the write.
        clock: Clock,
    },
    /// A replica stored a [`PeerMessage::Replicate`].
    ReplicateAck {
        /// The coordinator's request.
        req: ReqId,
    },
    /// The coordinator of a get asks a replica for its clock of a key.
    Read {
        /// The coordinator's request.
        req: ReqId,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: String,
    },
    /// A replica's clock for a key (empty if it holds none).
    ReadReply {
        /// The coordinator's request.
        req: ReqId,
        /// The replica's clock.
        clock: Clock,
    },
}

impl sim::Message for Message {
    fn kind(&self) -> &'static str {
        match self {
            Message::Request(ClientRequest::Get { .. }) => "client-get",
            Message::Request(ClientRequest::Put { .. }) => "client-put",
            Message::Reply(_) => "client-reply",
            Message::Peer(PeerMessage::Forward { .. }) => "forward",
            Message::Peer(PeerMessage::Replicate { .. }) => "put",
            Message::Peer(PeerMessage::ReplicateAck { .. }) => "put-ack",
            Message::Peer(PeerMessage::Read { .. }) => "get",
            Message::Peer(PeerMessage::ReadReply { .. }) => "get-reply",
        }
    }
}

fn quorum(f: &mut fmt::Formatter<'_>, name: &str, value: Option<u8>) -> fmt::Result {
    match value {
        Some(v) => write!(f, " {name}={v}"),
        None => Ok(()),
    }
}

impl fmt::Display for ClientRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientRequest::Get { op, key, r } => {
                write!(f, "get {op} {key}")?;
                quorum(f, "r", *r)
            }
            ClientRequest::Put {
                op,
                key,
                value,
                context,
                w,
            } => {
                write!(f, "put {op} {key}={value} ctx={context}")?;
                quorum(f, "w", *w)
            }
        }
    }
}

impl fmt::Display for ClientReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientReply::GetOk {
                op,
                values,
                context,
            } => {
                write!(f, "get-ok {op} [{}] ctx={context}", values.join(", "))
            }
            ClientReply::PutOk { op } => write!(f, "put-ok {op}"),
            ClientReply::QuorumFailed { op, acks, needed } => {
                write!(f, "quorum-failed {op} acks={acks} needed={needed}")
            }
        }
    }
}

impl fmt::Display for PeerMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerMessage::Forward {
                client, request, ..
            } => write!(f, "forward for {client}: {request}"),
            PeerMessage::Replicate {
                req,
                partition,
                key,
                clock,
            } => {
                write!(f, "replicate {req} {partition} {key} {clock}")
            }
            PeerMessage::ReplicateAck { req } => write!(f, "replicate-ack {req}"),
            PeerMessage::Read {
                req,
                partition,
                key,
            } => write!(f, "read {req} {partition} {key}"),
            PeerMessage::ReadReply { req, clock } => write!(f, "read-reply {req} {clock}"),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Request(m) => m.fmt(f),
            Message::Reply(m) => m.fmt(f),
            Message::Peer(m) => m.fmt(f),
        }
    }
}

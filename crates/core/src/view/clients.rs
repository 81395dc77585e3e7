//! The clients panel: each client's operations with their outcomes, and the context each client would send.

use crate::cluster::Cluster;
use crate::ids::{Addr, ClientId, OpId, Time};
use crate::message::{ClientRequest, Message};
use crate::node::{ClientOp, OpOutcome};

/// How an operation stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpStatus {
    /// Waiting for an answer.
    Pending,
    /// A get answered: the siblings and the context to write back.
    Got {
        /// The values, one per sibling.
        values: Vec<String>,
        /// The context, in the kernel's text form.
        context: String,
    },
    /// A put reached W acknowledgements.
    Put,
    /// The coordinator gathered too few answers.
    QuorumFailed {
        /// Answers received.
        acks: u8,
        /// Answers needed.
        needed: u8,
    },
    /// No answer reached the client.
    Timeout,
}

impl OpStatus {
    /// How a get or put stands, from its outcome so far (`None` while it
    /// waits); `None` for the outcomes only joins and leaves have.
    pub fn of(outcome: Option<&OpOutcome>) -> Option<OpStatus> {
        Some(match outcome {
            None => OpStatus::Pending,
            Some(OpOutcome::Got { values, context }) => OpStatus::Got {
                values: values.iter().map(|v| v.to_string()).collect(),
                context: context.to_string(),
            },
            Some(OpOutcome::Put) => OpStatus::Put,
            Some(OpOutcome::QuorumFailed { acks, needed }) => OpStatus::QuorumFailed {
                acks: *acks,
                needed: *needed,
            },
            Some(OpOutcome::Timeout) => OpStatus::Timeout,
            Some(OpOutcome::Ring { .. } | OpOutcome::Refused { .. }) => return None,
        })
    }
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpView {
    /// The operation.
    pub id: OpId,
    /// Who performed it.
    pub by: Addr,
    /// The key.
    pub key: String,
    /// Whether it is a put (else a get).
    pub is_put: bool,
    /// What was asked, in the trace's words.
    pub input: String,
    /// The context a put actually carried, once its request was sent.
    pub sent_context: Option<String>,
    /// When it was invoked.
    pub invoked_at: Time,
    /// When it completed.
    pub completed_at: Option<Time>,
    /// How it stands.
    pub status: OpStatus,
}

impl OpView {
    /// One line on the quorum outcome.
    pub fn outcome_text(&self) -> String {
        match &self.status {
            OpStatus::Pending => "pending".into(),
            OpStatus::Got { values, .. } if values.len() > 1 => {
                format!("ok: {} siblings", values.len())
            }
            OpStatus::Got { values, .. } if values.is_empty() => "ok: not found".into(),
            OpStatus::Got { .. } => "ok: one value".into(),
            OpStatus::Put => "ok: W replicas hold it".into(),
            OpStatus::QuorumFailed { acks, needed } => {
                format!("quorum failed: {acks} of {needed} answers")
            }
            OpStatus::Timeout => "timeout: no answer reached the client".into(),
        }
    }
}

/// The context a put request actually carried, for each of `ops` (sorted).
/// Requests are sent when the operation is invoked, so only the messages
/// sent since the first of them are read.
fn sent_contexts(cluster: &Cluster, ops: &[OpId], since: Time) -> Vec<(OpId, String)> {
    let messages = &cluster.sim().history().messages;
    let first = messages.partition_point(|m| m.sent_at < since);
    messages[first..]
        .iter()
        .filter_map(|m| match &m.msg {
            Message::Request(ClientRequest::Put { op, context, .. })
                if ops.binary_search(op).is_ok() =>
            {
                Some((*op, context.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// The last `limit` client operations, oldest first.
pub fn ops(cluster: &Cluster, limit: usize) -> Vec<OpView> {
    let all = &cluster.sim().history().ops;
    let recent = &all[all.len().saturating_sub(limit)..];
    let ids: Vec<OpId> = recent.iter().map(|op| op.id).collect();
    let since = recent.iter().map(|op| op.invoked_at).min().unwrap_or(0);
    let contexts = sent_contexts(cluster, &ids, since);
    recent
        .iter()
        .filter_map(|op| {
            let (key, is_put) = match &op.input {
                ClientOp::Get { key, .. } => (key.to_string(), false),
                ClientOp::Put { key, .. } => (key.to_string(), true),
                // Joins and leaves change membership; they are not a client's reads or writes.
                ClientOp::Join | ClientOp::Leave => return None,
            };
            let status = OpStatus::of(op.completed.as_ref().map(|(_, outcome)| outcome))?;
            Some(OpView {
                id: op.id,
                by: op.by,
                key,
                is_put,
                input: op.input.to_string(),
                sent_context: contexts
                    .iter()
                    .find(|(id, _)| *id == op.id)
                    .map(|(_, c)| c.clone()),
                invoked_at: op.invoked_at,
                completed_at: op.completed.as_ref().map(|(at, _)| *at),
                status,
            })
        })
        .collect()
}

/// One client, with what it remembers about a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientView {
    /// The client.
    pub id: ClientId,
    /// Operations waiting for an answer.
    pub pending: usize,
    /// The context of its last successful get of the key, which a
    /// "last read" put sends.
    pub last_context: Option<String>,
}

/// The clients and what each remembers about `key`.
pub fn clients(cluster: &Cluster, key: &str) -> Vec<ClientView> {
    cluster
        .clients()
        .map(|(id, client)| ClientView {
            id,
            pending: client.pending(),
            last_context: client.last_context(key).map(ToString::to_string),
        })
        .collect()
}

//! The network panel: nodes and what each believes, cuts and partitions, the messages on the wire and the ones just lost, and one message in detail.

use crate::cluster::Cluster;
use crate::ids::{Addr, ClientId, MsgId, NodeId, Time};
use crate::sim::history::{MessageFate, MessageRecord};
use crate::sim::network::NetworkOptions;
use crate::sim::{self};

/// One node as the cluster view draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// The node.
    pub id: NodeId,
    /// Whether it is up.
    pub up: bool,
    /// Its partition group (0 when the network is whole).
    pub group: u32,
    /// How many keys it stores.
    pub keys: usize,
    /// How many requests it is coordinating.
    pub pending: usize,
    /// The members of the ring as this node sees them.
    pub members: Vec<NodeId>,
    /// The peers this node's failure detector suspects now.
    pub suspects: Vec<NodeId>,
    /// The up nodes that suspect this node now.
    pub suspected_by: Vec<NodeId>,
    /// The hints this node holds: (the primary each is meant for, its key).
    pub hints: Vec<(NodeId, String)>,
}

/// A message, without its text (see [`message`] for the contents).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageView {
    /// The message's id.
    pub id: MsgId,
    /// The sender.
    pub from: Addr,
    /// The receiver.
    pub to: Addr,
    /// Its kind (`put`, `get-reply`, ...), for colouring.
    pub kind: &'static str,
    /// When it was sent.
    pub sent_at: Time,
    /// What became of it so far.
    pub fate: MessageFate,
}

impl MessageView {
    /// The view of a recorded message.
    pub fn of<M>(record: &MessageRecord<M>) -> MessageView {
        MessageView {
            id: record.id,
            from: record.from,
            to: record.to,
            kind: record.kind,
            sent_at: record.sent_at,
            fate: record.fate,
        }
    }
}

/// The cluster and its network.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkView {
    /// The nodes, in id order.
    pub nodes: Vec<NodeView>,
    /// The clients, in number order.
    pub clients: Vec<ClientId>,
    /// Directed links that are cut.
    pub cut: Vec<(NodeId, NodeId)>,
    /// The current network options (faults change them).
    pub options: NetworkOptions,
    /// Messages on the wire, by arrival.
    pub in_flight: Vec<MessageView>,
    /// Messages lost in the last `recent_ticks`.
    pub dropped: Vec<MessageView>,
}

/// The cluster view: nodes, cuts, and the messages on the wire; drops of the
/// last `recent_ticks`; at most `limit` messages of each.
pub fn network(cluster: &Cluster, recent_ticks: Time, limit: usize) -> NetworkView {
    let sim = cluster.sim();
    let net = sim.network();
    let in_flight = sim
        .in_flight()
        .into_iter()
        .take(limit)
        .map(|m| MessageView {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: sim::Message::kind(m.msg),
            sent_at: m.sent_at,
            fate: MessageFate::InFlight { due_at: m.due_at },
        })
        .collect();
    let since = sim.now().saturating_sub(recent_ticks);
    let dropped = sim
        .history()
        .messages
        .iter()
        .rev()
        .take_while(|m| m.sent_at.saturating_add(recent_ticks) >= since)
        .filter(|m| matches!(m.fate, MessageFate::Dropped { at, .. } if at >= since))
        .take(limit)
        .map(MessageView::of)
        .collect();
    let now = sim.now();
    let suspects: Vec<(NodeId, bool, Vec<NodeId>)> = cluster
        .nodes()
        .map(|(id, node, up)| {
            let suspected = node
                .view(now)
                .into_iter()
                .filter(|(_, believed_up)| !believed_up)
                .map(|(peer, _)| peer)
                .collect();
            (id, up, suspected)
        })
        .collect();
    NetworkView {
        nodes: cluster
            .nodes()
            .zip(&suspects)
            .map(|((id, node, up), (_, _, suspected))| NodeView {
                id,
                up,
                group: net.group_of(id),
                keys: node.store().len(),
                pending: node.pending().len(),
                members: node.ring().nodes(),
                suspects: suspected.clone(),
                suspected_by: suspects
                    .iter()
                    .filter(|(_, up, s)| *up && s.contains(&id))
                    .map(|(by, _, _)| *by)
                    .collect(),
                hints: node
                    .hints()
                    .map(|(intended, _, key, _)| (intended, key.to_string()))
                    .collect(),
            })
            .collect(),
        clients: cluster.clients().map(|(id, _)| id).collect(),
        cut: net.cut_links().collect(),
        options: net.options().clone(),
        in_flight,
        dropped,
    }
}

/// One message with its contents, for the message inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDetail {
    /// The message.
    pub message: MessageView,
    /// The message's text, as the trace prints it.
    pub text: String,
    /// Set when the network delivered this message twice: the original.
    pub copy_of: Option<MsgId>,
}

/// The contents of message `id`, if it was sent.
pub fn message(cluster: &Cluster, id: MsgId) -> Option<MessageDetail> {
    let record = cluster
        .sim()
        .history()
        .messages
        .get(usize::try_from(id.0).ok()?)?;
    Some(MessageDetail {
        message: MessageView::of(record),
        text: record.msg.to_string(),
        copy_of: record.copy_of,
    })
}

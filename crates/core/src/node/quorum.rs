//! Quorums (R and W): the coordinator's part in Dynamo's basic Get/Put path.
//!
//! Every key hashes to a partition of the ring, and the ring's preference
//! list names the N nodes that replicate it (Dynamo, section 4.3). A client
//! may send its request to any node. A node that is not on the key's
//! preference list does not serve the request: it forwards it to a node that
//! is (the first primary it does not suspect), which becomes the request's
//! *coordinator* and answers the client directly.
//!
//! A **put** carries a value and the context the client read. The
//! coordinator applies it to its own clock for the key with the kernel's
//! `KeyClock::put`, crediting itself as the replica (DVVSet gives the write a
//! new dot; the context decides which siblings it supersedes). It sends the
//! resulting clock to the other N-1 replicas (`replicate`), which merge it
//! into theirs with `KeyClock::sync` and acknowledge. The put succeeds when W
//! replicas, the coordinator's own write included, hold it.
//!
//! Under client-id version vectors with a prune threshold
//! ([`super::Settings::vv_prune_threshold`]) the coordinator truncates the write's
//! vector as Dynamo does (`KeyClock::put_pruning`, explained in
//! [`crate::causality`]). It shows in the trace: the clocks in `replicate`,
//! `read-reply` and the store carry each entry's stamp (`{c2:1@21,
//! c3:1@41}=v3`), a pruned vector lacks the oldest client, and the version
//! its client read stays beside it as a sibling, up to the `get-ok`. The
//! checker reports such siblings as false conflicts.
//!
//! A **get** asks all N replicas (`read`); the coordinator's own clock counts
//! as the first reply. After R replies the coordinator merges them with
//! `KeyClock::sync` and answers with the siblings and the merged context. A
//! client that writes back that context supersedes every sibling it saw.
//!
//! Every coordinated request sets a timer. If R or W answers have not
//! arrived when it fires, the coordinator answers `QuorumFailed { acks,
//! needed }`: a failed quorum is a reply, never a hang. The coordinator keeps
//! the request until every replica answered or the timer fired, so that it
//! can tell who did not answer ([`super::failure_detector`]) and who answered
//! stale ([`super::read_repair`]). The client has its own, longer timer.
//!
//! Where the replicas are is the preference list's business, with suspected
//! primaries replaced under [`super::sloppy_quorum`].

use crate::causality::{Context, Write};
use crate::ids::{Addr, NodeId, OpId, Time};
use crate::message::{
    ClientReply, ClientRequest, Clock, Key, Message, PeerMessage, ReqId, SharedClock,
};
use crate::ring::{PartitionId, Placement};
use crate::sim::Outbox;

use serde::Serialize;

use super::{Member, Node, Timer};

/// A request a coordinator is gathering answers for.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pending {
    /// A put waiting for W acknowledgements.
    Put {
        /// The client to answer.
        client: Addr,
        /// The client's operation.
        op: OpId,
        /// Acknowledgements so far, the coordinator's own included.
        acks: u8,
        /// Acknowledgements needed.
        needed: u8,
        /// The replicas (and fallbacks, with the primary each stands in
        /// for) that have not acknowledged yet.
        waiting: Vec<Placement>,
        /// Whether the client has had its answer.
        answered: bool,
    },
    /// A get waiting for R replies.
    Get {
        /// The client to answer.
        client: Addr,
        /// The client's operation.
        op: OpId,
        /// Replies so far, the coordinator's own included.
        replies: u8,
        /// Replies needed.
        needed: u8,
        /// The replies merged so far.
        merged: SharedClock,
        /// The replicas (and fallbacks, with the primary each stands in
        /// for) that have not replied yet.
        waiting: Vec<Placement>,
        /// Whether the client has had its answer.
        answered: bool,
        /// The key's partition.
        partition: PartitionId,
        /// The key.
        key: Key,
        /// Each primary's reply, for read repair (empty when it is off).
        primaries: Vec<(NodeId, SharedClock)>,
    },
}

impl Node {
    pub(super) fn new_request(&mut self) -> ReqId {
        self.next_req += 1;
        ReqId(self.next_req - 1)
    }

    /// Wait for the answers `pending` needs, until the request timeout.
    pub(super) fn wait(&mut self, req: ReqId, pending: Pending, out: &mut Outbox<Member>) {
        self.pending.insert(req, pending);
        out.set_timer(self.settings.request_timeout_ticks, Timer::Request(req));
    }

    /// Serve a client's request as its coordinator, or forward it to one.
    pub(super) fn coordinate(
        &mut self,
        now: Time,
        client: Addr,
        partition: PartitionId,
        request: ClientRequest,
        out: &mut Outbox<Member>,
    ) {
        let primaries = self.routes.preference_list(partition);
        if !primaries.contains(&self.id) {
            let sloppy = self.settings.mechanisms.sloppy_quorum;
            let coordinator = primaries
                .iter()
                .find(|p| sloppy && !self.suspected(**p, now))
                .unwrap_or(&primaries[0]);
            let forward = PeerMessage::Forward {
                client,
                partition,
                request,
            };
            out.send(Addr::Node(*coordinator), Message::Peer(forward));
            return;
        }
        let me = self.id;
        let mut waiting = self.placements(now, partition);
        waiting.retain(|p| p.node != me);
        let req = self.new_request();
        match request {
            ClientRequest::Put {
                op,
                key,
                value,
                context,
                w,
            } => {
                let Addr::Client(client_id) = client else {
                    unreachable!("{} coordinates a put from {client}", self.id);
                };
                let write = Write {
                    replica: self.id,
                    client: client_id,
                    value,
                    timestamp: now,
                };
                let stored = self.store.entry(partition, &key, self.settings.mode);
                stored
                    .make_mut()
                    .put_pruning(&context, write, self.settings.vv_prune_threshold);
                let clock = stored.clone();
                let needed = w.unwrap_or(self.settings.w);
                // The coordinator's own write may be the whole quorum.
                let answered = needed <= 1;
                if answered {
                    out.send(client, Message::Reply(ClientReply::PutOk { op }));
                }
                for placement in &waiting {
                    let (key, clock) = (key.clone(), clock.clone());
                    let msg = match placement.fallback_for {
                        None => PeerMessage::Replicate {
                            req,
                            partition,
                            key,
                            clock,
                        },
                        Some(intended) => PeerMessage::Hint {
                            req,
                            partition,
                            key,
                            clock,
                            intended,
                        },
                    };
                    out.send(Addr::Node(placement.node), Message::Peer(msg));
                }
                if !waiting.is_empty() || !answered {
                    let pending = Pending::Put {
                        client,
                        op,
                        acks: 1,
                        needed,
                        waiting,
                        answered,
                    };
                    self.wait(req, pending, out);
                }
                self.mark_dirty(partition, out);
            }
            ClientRequest::Get { op, key, r } => {
                let merged = self.clock_of(partition, &key);
                let needed = r.unwrap_or(self.settings.r);
                let answered = needed <= 1;
                if answered {
                    out.send(client, Message::Reply(got(op, &merged)));
                }
                for placement in &waiting {
                    let read = PeerMessage::Read {
                        req,
                        partition,
                        key: key.clone(),
                    };
                    out.send(Addr::Node(placement.node), Message::Peer(read));
                }
                if !waiting.is_empty() || !answered {
                    let primaries = if self.settings.mechanisms.read_repair {
                        let mut primaries = Vec::with_capacity(waiting.len() + 1);
                        primaries.push((self.id, merged.clone()));
                        primaries
                    } else {
                        Vec::new()
                    };
                    let pending = Pending::Get {
                        client,
                        op,
                        replies: 1,
                        needed,
                        merged,
                        waiting,
                        answered,
                        partition,
                        key,
                        primaries,
                    };
                    self.wait(req, pending, out);
                }
            }
        }
    }

    pub(super) fn acknowledged(&mut self, from: NodeId, req: ReqId, out: &mut Outbox<Member>) {
        let Some(Pending::Put {
            client,
            op,
            acks,
            needed,
            waiting,
            answered,
        }) = self.pending.get_mut(req)
        else {
            return;
        };
        if answered_by(waiting, from).is_none() {
            return; // a duplicate
        }
        *acks += 1;
        if !*answered && *acks >= *needed {
            *answered = true;
            out.send(*client, Message::Reply(ClientReply::PutOk { op: *op }));
        }
        if *answered && waiting.is_empty() {
            self.pending.remove(req);
        }
    }

    pub(super) fn read_reply(
        &mut self,
        from: NodeId,
        req: ReqId,
        clock: SharedClock,
        out: &mut Outbox<Member>,
    ) {
        let Some(Pending::Get {
            client,
            op,
            replies,
            needed,
            merged,
            waiting,
            answered,
            primaries,
            ..
        }) = self.pending.get_mut(req)
        else {
            return;
        };
        let Some(replica) = answered_by(waiting, from) else {
            return; // a duplicate
        };
        merged.sync(&clock);
        *replies += 1;
        if self.settings.mechanisms.read_repair && replica.fallback_for.is_none() {
            primaries.push((from, clock));
        }
        if !*answered && *replies >= *needed {
            *answered = true;
            out.send(*client, Message::Reply(got(*op, merged)));
        }
        if *answered && waiting.is_empty() {
            if let Some(pending) = self.pending.remove(req) {
                self.finish(pending, out);
            }
        }
    }

    /// A request's timer fired: answer `QuorumFailed` if the client still
    /// waits, suspect every replica that did not answer, and repair.
    pub(super) fn request_timeout(&mut self, now: Time, req: ReqId, out: &mut Outbox<Member>) {
        let Some(pending) = self.pending.remove(req) else {
            return;
        };
        let (client, op, acks, needed, answered, waiting) = match &pending {
            Pending::Put {
                client,
                op,
                acks,
                needed,
                answered,
                waiting,
            } => (*client, *op, *acks, *needed, *answered, waiting),
            Pending::Get {
                client,
                op,
                replies,
                needed,
                answered,
                waiting,
                ..
            } => (*client, *op, *replies, *needed, *answered, waiting),
        };
        if !answered {
            let reply = ClientReply::QuorumFailed { op, acks, needed };
            out.send(client, Message::Reply(reply));
        }
        for replica in waiting.clone() {
            self.suspect(replica.node, now);
        }
        self.finish(pending, out);
    }
}

/// The answer to a successful get: the merged clock's siblings and context.
fn got(op: OpId, merged: &Clock) -> ClientReply {
    let values = merged.values().into_iter().cloned().collect();
    let context: Context = merged.context();
    ClientReply::GetOk {
        op,
        values,
        context,
    }
}

/// Take `from` off the replicas a request still waits for; `None` when it
/// had already answered (the network duplicated its reply).
fn answered_by(waiting: &mut Vec<Placement>, from: NodeId) -> Option<Placement> {
    let at = waiting.iter().position(|p| p.node == from)?;
    Some(waiting.swap_remove(at))
}

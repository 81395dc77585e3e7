//! Dynamo nodes and clients as sans-IO state machines.
//!
//! # The basic Get/Put path
//!
//! Every key hashes to a partition of the ring, and the ring's preference
//! list names the N nodes that replicate it (Dynamo, section 4.3). A client
//! may send its request to any node. A node that is not on the key's
//! preference list does not serve the request: it forwards it to the first
//! node of the list, which becomes the request's *coordinator* and answers
//! the client directly.
//!
//! A **put** carries a value and the context the client read. The
//! coordinator applies it to its own clock for the key with the kernel's
//! `KeyClock::put`, crediting itself as the replica (DVVSet gives the write a
//! new dot; the context decides which siblings it supersedes). It sends the
//! resulting clock to the other N-1 replicas (`replicate`), which merge it
//! into theirs with `KeyClock::sync` and acknowledge. The put succeeds when W
//! replicas, the coordinator's own write included, hold it.
//!
//! A **get** asks all N replicas (`read`); the coordinator's own clock counts
//! as the first reply. After R replies the coordinator merges them with
//! `KeyClock::sync` and answers with the siblings and the merged context. A
//! client that writes back that context supersedes every sibling it saw:
//! this is how concurrent writes, made on both sides of a partition, are
//! resolved by a later put.
//!
//! Every coordinated request sets a timer. If R or W answers have not
//! arrived when it fires, the coordinator answers `QuorumFailed { acks,
//! needed }`: a failed quorum is a reply, never a hang. The client has its
//! own, longer timer for when no answer comes at all (its node is down, or a
//! forward was lost).
//!
//! Nodes keep their store per partition and per key ([`store::Store`]). The
//! causality mechanism is a cluster setting: the same scenario runs under
//! DVVSet, LWW or any version-vector mode, and only the clocks differ.
//!
//! # Trace
//!
//! Requests travel as `client-get`/`client-put`, forwards as `forward`,
//! replication as `put`/`put-ack` and reads as `get`/`get-reply` (the kinds
//! the UI colours by). Answers to clients are `client-reply`.
//!
//! # CAVEATS
//!
//! - No sloppy quorum, hinted handoff, read repair, anti-entropy or gossip:
//!   a request whose primaries are unreachable fails, and replicas that
//!   missed a write stay stale. The replication issue adds all of these.
//! - Forwarding always picks the first primary, with no failure detector; a
//!   forward to a crashed or partitioned primary ends in a client timeout.
//! - The store survives a crash (it is durable); only requests in flight are
//!   lost.
//! - Answers that arrive after a request completed are ignored.
//! - LWW timestamps are the coordinator's virtual time, so clocks never skew.

mod client;
mod store;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::causality::{CausalityMode, Context, Write};
use crate::ids::NodeId;
use crate::message::{ClientReply, ClientRequest, Clock, Message, PeerMessage, ReqId};
use crate::ring::{PartitionId, Ring};
use crate::sim::{Addr, Envelope, OpId, Outbox, Process, Time};

pub use client::{Client, ClientOp, OpOutcome};
pub use store::Store;

/// The cluster-wide Dynamo settings every node follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Replicas per key.
    pub n: u8,
    /// Default replies a get waits for.
    pub r: u8,
    /// Default acknowledgements a put waits for.
    pub w: u8,
    /// The causality mechanism.
    pub mode: CausalityMode,
    /// How long a coordinator waits for its quorum, in ticks.
    pub request_timeout_ticks: Time,
    /// How long a client waits for an answer, in ticks.
    pub client_timeout_ticks: Time,
}

/// A timer a node or client asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timer {
    /// A coordinator's deadline for request `ReqId`'s quorum.
    Request(ReqId),
    /// A client's deadline for an answer to operation `OpId`.
    Client(OpId),
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Request(req) => write!(f, "request-timeout {req}"),
            Timer::Client(op) => write!(f, "client-timeout {op}"),
        }
    }
}

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
        merged: Clock,
    },
}

/// One Dynamo node: its ring, its store and the requests it coordinates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    id: NodeId,
    settings: Settings,
    ring: Ring,
    store: Store,
    pending: BTreeMap<ReqId, Pending>,
    next_req: u64,
}

impl Node {
    /// Node `id` with the cluster's settings and ring.
    pub fn new(id: NodeId, settings: Settings, ring: Ring) -> Node {
        Node {
            id,
            settings,
            ring,
            store: Store::default(),
            pending: BTreeMap::new(),
            next_req: 0,
        }
    }

    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's view of the ring.
    pub fn ring(&self) -> &Ring {
        &self.ring
    }

    /// What the node stores.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The requests the node is coordinating.
    pub fn pending(&self) -> &BTreeMap<ReqId, Pending> {
        &self.pending
    }

    /// Handle a message delivered at `now`.
    pub fn step(&mut self, now: Time, envelope: Envelope<Message>, out: &mut Outbox<Member>) {
        let Envelope { from, msg, .. } = envelope;
        match msg {
            Message::Request(request) => {
                let partition = self.ring.partition_of(request.key().as_bytes());
                self.coordinate(now, from, partition, request, out)
            }
            Message::Peer(PeerMessage::Forward {
                client,
                partition,
                request,
            }) => self.coordinate(now, client, partition, request, out),
            Message::Peer(PeerMessage::Replicate {
                req,
                partition,
                key,
                clock,
            }) => {
                self.store
                    .entry(partition, &key, self.settings.mode)
                    .sync(&clock);
                out.send(from, Message::Peer(PeerMessage::ReplicateAck { req }));
            }
            Message::Peer(PeerMessage::ReplicateAck { req }) => self.acknowledged(req, out),
            Message::Peer(PeerMessage::Read {
                req,
                partition,
                key,
            }) => {
                let clock = self.clock_of(partition, &key);
                out.send(from, Message::Peer(PeerMessage::ReadReply { req, clock }));
            }
            Message::Peer(PeerMessage::ReadReply { req, clock }) => {
                self.read_reply(req, &clock, out)
            }
            Message::Reply(reply) => unreachable!("{} received a client reply: {reply}", self.id),
        }
    }

    /// Handle a timer that fired at `now`.
    pub fn tick(&mut self, _now: Time, timer: Timer, out: &mut Outbox<Member>) {
        let Timer::Request(req) = timer else {
            unreachable!("{} received a client timer: {timer}", self.id);
        };
        let Some(pending) = self.pending.remove(&req) else {
            return;
        };
        let (client, reply) = match pending {
            Pending::Put {
                client,
                op,
                acks,
                needed,
            } => (client, ClientReply::QuorumFailed { op, acks, needed }),
            Pending::Get {
                client,
                op,
                replies,
                needed,
                ..
            } => (
                client,
                ClientReply::QuorumFailed {
                    op,
                    acks: replies,
                    needed,
                },
            ),
        };
        out.send(client, Message::Reply(reply));
    }

    /// The node crashed: requests in flight are lost, the store survives.
    pub fn crash(&mut self) {
        self.pending.clear();
    }

    fn clock_of(&self, partition: PartitionId, key: &str) -> Clock {
        self.store
            .get(partition, key)
            .cloned()
            .unwrap_or_else(|| Clock::new(self.settings.mode))
    }

    fn new_request(&mut self) -> ReqId {
        self.next_req += 1;
        ReqId(self.next_req - 1)
    }

    /// Wait for the answers `pending` needs, until the request timeout.
    fn wait(&mut self, req: ReqId, pending: Pending, out: &mut Outbox<Member>) {
        self.pending.insert(req, pending);
        out.set_timer(self.settings.request_timeout_ticks, Timer::Request(req));
    }

    /// Serve a client's request as its coordinator, or forward it to one.
    fn coordinate(
        &mut self,
        now: Time,
        client: Addr,
        partition: PartitionId,
        request: ClientRequest,
        out: &mut Outbox<Member>,
    ) {
        let n = usize::from(self.settings.n);
        let preference_list = self.ring.preference_list_for_partition(partition, n);
        if !preference_list.contains(&self.id) {
            let coordinator = Addr::Node(preference_list[0]);
            let forward = PeerMessage::Forward {
                client,
                partition,
                request,
            };
            out.send(coordinator, Message::Peer(forward));
            return;
        }
        let me = self.id;
        let replicas = preference_list
            .into_iter()
            .filter(move |n| *n != me)
            .map(Addr::Node);
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
                let clock = self.store.entry(partition, &key, self.settings.mode);
                clock.put(&context, write);
                let clock = clock.clone();
                let needed = w.unwrap_or(self.settings.w);
                let req = self.new_request();
                if needed <= 1 {
                    // The coordinator's own write is the quorum; the replicas
                    // still get the write, and their acks find nothing to count.
                    out.send(client, Message::Reply(ClientReply::PutOk { op }));
                } else {
                    self.wait(
                        req,
                        Pending::Put {
                            client,
                            op,
                            acks: 1,
                            needed,
                        },
                        out,
                    );
                }
                for replica in replicas {
                    let clock = clock.clone();
                    out.send(
                        replica,
                        Message::Peer(PeerMessage::Replicate {
                            req,
                            partition,
                            key: key.clone(),
                            clock,
                        }),
                    );
                }
            }
            ClientRequest::Get { op, key, r } => {
                let merged = self.clock_of(partition, &key);
                let needed = r.unwrap_or(self.settings.r);
                if needed <= 1 {
                    out.send(client, Message::Reply(got(op, &merged)));
                    return;
                }
                let req = self.new_request();
                self.wait(
                    req,
                    Pending::Get {
                        client,
                        op,
                        replies: 1,
                        needed,
                        merged,
                    },
                    out,
                );
                for replica in replicas {
                    out.send(
                        replica,
                        Message::Peer(PeerMessage::Read {
                            req,
                            partition,
                            key: key.clone(),
                        }),
                    );
                }
            }
        }
    }

    fn acknowledged(&mut self, req: ReqId, out: &mut Outbox<Member>) {
        let Some(Pending::Put {
            client,
            op,
            acks,
            needed,
        }) = self.pending.get_mut(&req)
        else {
            return;
        };
        *acks += 1;
        if *acks >= *needed {
            let (client, op) = (*client, *op);
            self.pending.remove(&req);
            out.send(client, Message::Reply(ClientReply::PutOk { op }));
        }
    }

    fn read_reply(&mut self, req: ReqId, clock: &Clock, out: &mut Outbox<Member>) {
        let Some(Pending::Get {
            client,
            op,
            replies,
            needed,
            merged,
        }) = self.pending.get_mut(&req)
        else {
            return;
        };
        merged.sync(clock);
        *replies += 1;
        if *replies >= *needed {
            let reply = got(*op, merged);
            let client = *client;
            self.pending.remove(&req);
            out.send(client, Message::Reply(reply));
        }
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

/// A member of the simulated cluster: a node or a client. The simulator runs
/// both through one [`Process`] implementation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Member {
    /// A Dynamo node.
    Node(Node),
    /// A client of the store.
    Client(Client),
}

impl Process for Member {
    type Msg = Message;
    type Timer = Timer;
    type Input = ClientOp;
    type Outcome = OpOutcome;

    fn on_message(&mut self, now: Time, envelope: Envelope<Message>, out: &mut Outbox<Self>) {
        match self {
            Member::Node(node) => node.step(now, envelope, out),
            Member::Client(client) => client.step(now, envelope, out),
        }
    }

    fn on_timer(&mut self, now: Time, timer: Timer, out: &mut Outbox<Self>) {
        match self {
            Member::Node(node) => node.tick(now, timer, out),
            Member::Client(client) => client.tick(now, timer, out),
        }
    }

    fn on_input(&mut self, now: Time, op: OpId, input: ClientOp, out: &mut Outbox<Self>) {
        match self {
            Member::Client(client) => client.invoke(now, op, input, out),
            // Nodes take no operations yet; membership changes will be inputs.
            Member::Node(_) => out.complete(op, OpOutcome::Timeout),
        }
    }

    fn on_crash(&mut self, _now: Time) {
        if let Member::Node(node) = self {
            node.crash();
        }
    }

    fn on_restart(&mut self, _now: Time, _out: &mut Outbox<Self>) {}
}

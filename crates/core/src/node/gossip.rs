//! Ring membership by gossip (Dynamo, section 4.8): the versioned ring, gossip rounds, join and leave, and the
//! partition handoff a ring change triggers.

use super::{Member, Node, OpOutcome, Routes, Timer};
use crate::ids::NodeId;
use crate::ids::{Addr, OpId};
use crate::message::{Message, PeerMessage};
use crate::ring::{PartitionId, Ring};
use crate::sim::Outbox;

/// Gossip rounds a node runs after it learns a new ring version (or hears
/// from a suspected peer again): it pushes the version to one random peer
/// per round, then goes quiet until the next news.
pub const GOSSIP_ROUNDS: u32 = 6;

impl Node {
    /// The version of this node's ring: 0 for the initial ring, one more for
    /// each join or leave it has learned of.
    pub fn ring_version(&self) -> u64 {
        self.ring_version.0
    }

    /// The seed nodes this node gossips with besides the ring's members.
    pub fn seeds(&self) -> &[NodeId] {
        &self.seeds
    }

    /// Replace the seed nodes (the cluster's `seeds`).
    pub fn set_seeds(&mut self, seeds: Vec<NodeId>) {
        self.seeds = seeds;
    }

    /// Whether this node is a member of its own view of the ring.
    pub fn is_member(&self) -> bool {
        self.ring.nodes().binary_search(&self.id).is_ok()
    }

    /// An administrator asked this node to join the ring: it asks a seed,
    /// which computes the new ring. The operation completes when this node
    /// learns a ring that holds it.
    pub(super) fn join(&mut self, op: OpId, out: &mut Outbox<Member>) {
        if self.is_member() {
            let reason = format!("{} is already a member", self.id);
            out.complete(op, OpOutcome::Refused { reason });
            return;
        }
        let Some(seed) = self.seeds.iter().find(|s| **s != self.id) else {
            let reason = format!("{} knows no seed other than itself", self.id);
            out.complete(op, OpOutcome::Refused { reason });
            return;
        };
        self.joining = Some(op);
        out.send(Addr::Node(*seed), Message::Peer(PeerMessage::Join));
    }

    /// An administrator asked this node to leave: it computes the ring
    /// without itself, hands its partitions off and gossips the change.
    pub(super) fn leave(&mut self, op: OpId, out: &mut Outbox<Member>) {
        match self.ring.leave(self.id) {
            Ok((ring, _)) => {
                self.change_ring(ring, out);
                let version = self.ring_version();
                out.complete(op, OpOutcome::Ring { version });
            }
            Err(e) => {
                let reason = e.to_string();
                out.complete(op, OpOutcome::Refused { reason });
            }
        }
    }

    /// A node asked this seed to join: add it, or tell it the current ring
    /// if it is already a member.
    pub(super) fn join_requested(&mut self, from: NodeId, out: &mut Outbox<Member>) {
        if let Ok((ring, _)) = self.ring.join(from) {
            self.change_ring(ring, out);
        }
        out.send(Addr::Node(from), self.gossip_message());
    }

    /// This node made a ring change: a new version, by itself.
    fn change_ring(&mut self, ring: Ring, out: &mut Outbox<Member>) {
        let version = (self.ring_version.0 + 1, self.id);
        self.adopt(version, ring, out);
    }

    /// Take `ring` at `version`: as a partition's old owner, hand its keys
    /// to every node that newly replicates it (the ring's transfer plan
    /// moves owners; each move also shifts the preference lists around it);
    /// mark the partitions this node newly replicates for anti-entropy; and
    /// spread the news.
    fn adopt(&mut self, version: (u64, NodeId), ring: Ring, out: &mut Outbox<Member>) {
        let old = std::mem::replace(&mut self.ring, ring);
        self.ring_version = version;
        let n = usize::from(self.settings.n);
        self.routes = Routes::new(&self.ring, n);
        for p in (0..self.ring.partition_count()).map(PartitionId) {
            let was = old.preference_list_for_partition(p, n);
            let now = self.ring.preference_list_for_partition(p, n);
            if was.first() == Some(&self.id) {
                for to in now.iter().filter(|node| !was.contains(node)) {
                    self.hand_off(p, *to, out);
                }
            }
            if now.contains(&self.id) && !was.contains(&self.id) {
                self.mark_dirty(p, out);
            }
        }
        if let Some(op) = self.joining.filter(|_| self.is_member()) {
            self.joining = None;
            let version = self.ring_version();
            out.complete(op, OpOutcome::Ring { version });
        }
        self.spread(out);
    }

    /// Send every key this node holds in `partition` to `to`.
    fn hand_off(&mut self, partition: PartitionId, to: NodeId, out: &mut Outbox<Member>) {
        let clocks: Vec<_> = self
            .store
            .partition(partition)
            .map(|(key, clock)| (key.to_string(), clock.clone()))
            .collect();
        if clocks.is_empty() {
            return;
        }
        self.stats.handoffs += 1;
        self.stats.handoff_keys += clocks.len() as u64;
        let handoff = PeerMessage::Handoff { partition, clocks };
        out.send(Addr::Node(to), Message::Peer(handoff));
    }

    /// Gossip arrived: adopt a newer ring, answer an older one with ours.
    pub(super) fn gossiped(
        &mut self,
        from: NodeId,
        version: (u64, NodeId),
        ring: Ring,
        out: &mut Outbox<Member>,
    ) {
        if version > self.ring_version {
            self.adopt(version, ring, out);
        } else if version < self.ring_version {
            out.send(Addr::Node(from), self.gossip_message());
        }
    }

    /// Run [`GOSSIP_ROUNDS`] more rounds, if gossip is on and the ring ever
    /// changed (an unchanged ring needs no gossip: the happy path stays
    /// free of it).
    pub(super) fn spread(&mut self, out: &mut Outbox<Member>) {
        if !self.settings.mechanisms.gossip || self.ring_version.0 == 0 {
            return;
        }
        self.gossip_rounds_left = GOSSIP_ROUNDS;
        if !self.gossip_armed {
            self.gossip_armed = true;
            out.set_timer(self.settings.gossip_interval_ticks, Timer::Gossip);
        }
    }

    /// One gossip round: push the ring to a peer the simulator draws among
    /// the members and the seeds.
    pub(super) fn gossip_round(&mut self, out: &mut Outbox<Member>) {
        self.gossip_armed = false;
        if self.gossip_rounds_left == 0 {
            return;
        }
        self.gossip_rounds_left -= 1;
        let mut peers = self.ring.nodes();
        for seed in &self.seeds {
            if let Err(at) = peers.binary_search(seed) {
                peers.insert(at, *seed);
            }
        }
        let candidates = peers
            .into_iter()
            .filter(|p| *p != self.id)
            .map(Addr::Node)
            .collect();
        out.send_to_one_of(candidates, self.gossip_message());
        if self.gossip_rounds_left > 0 {
            self.gossip_armed = true;
            out.set_timer(self.settings.gossip_interval_ticks, Timer::Gossip);
        }
    }

    fn gossip_message(&self) -> Message {
        let (version, by) = self.ring_version;
        Message::Peer(PeerMessage::Gossip {
            version,
            by,
            ring: self.ring.clone(),
        })
    }
}

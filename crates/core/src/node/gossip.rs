//! Ring membership by gossip (Dynamo, section 4.8): the versioned ring,
//! gossip rounds, join and leave, and the partition handoff a ring change
//! triggers.
//!
//! # Gossip that always heals
//!
//! Dynamo's nodes gossip their membership view forever, once a second, so
//! views reconverge after any partition. Endless rounds would keep a
//! simulated run from ever going quiet, so a node here gossips until it
//! *knows* every peer (the members of its ring and its seeds) holds its
//! ring version, and no longer:
//!
//! - Each node keeps the set of peers it knows hold its version (`informed`):
//!   a peer that gossiped that version to it, or acknowledged it
//!   (`gossip-ack`). Learning a newer version empties the set.
//! - While a peer is missing from the set, a round every
//!   `gossip_interval_ticks` pushes the ring to one of the missing peers, drawn
//!   by the simulator. Rounds that get no acknowledgement back off like the
//!   maintenance rounds ([`maintenance_delay_ticks`]) and never give up: they
//!   are retry timers, so a peer that stays down or cut off keeps the run from
//!   going quiet only until every node has tried it once
//!   ([`crate::sim::Simulator::is_quiet`]); after a heal or a restart the next
//!   round reaches it.
//! - The receiver of a ring answers by version: a newer ring it adopts and
//!   acknowledges, its own version it acknowledges, an older one it answers
//!   with its own ring. An acknowledgement of another version is answered
//!   with this node's ring, so the older side of any pair learns the newer.
//! - A join retries too: the joining node asks its seeds in turn, one per
//!   request timeout (backing off), until it learns a ring that holds it.
//!
//! A ring change also rechecks the data: a node marks for anti-entropy every
//! partition it replicates whose preference list changed, so a lost handoff,
//! or a write a node routed by an old view to the old replicas, reaches the
//! new ones.

use std::rc::Rc;

use super::{maintenance_delay_ticks, Member, Node, OpOutcome, Routes, Timer};
use crate::ids::NodeId;
use crate::ids::{Addr, OpId};
use crate::message::{Message, PeerMessage};
use crate::ring::{PartitionId, Ring};
use crate::sim::Outbox;

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
    /// learns a ring that holds it; until then it asks again.
    pub(super) fn join(&mut self, op: OpId, out: &mut Outbox<Member>) {
        if self.is_member() {
            let reason = format!("{} is already a member", self.id);
            out.complete(op, OpOutcome::Refused { reason });
            return;
        }
        if !self.seeds.iter().any(|s| *s != self.id) {
            let reason = format!("{} knows no seed other than itself", self.id);
            out.complete(op, OpOutcome::Refused { reason });
            return;
        }
        self.joining = Some(op);
        self.join_rounds = 0;
        self.ask_to_join(out);
    }

    /// Ask the next seed to add this node, and check again after a request
    /// timeout, doubled for each try without an answer.
    fn ask_to_join(&mut self, out: &mut Outbox<Member>) {
        let others: Vec<NodeId> = self
            .seeds
            .iter()
            .copied()
            .filter(|s| *s != self.id)
            .collect();
        let seed = others[self.join_rounds as usize % others.len()];
        out.send(Addr::Node(seed), Message::Peer(PeerMessage::Join));
        let delay = maintenance_delay_ticks(self.settings.request_timeout_ticks, self.join_rounds);
        out.set_timer(delay, Timer::Join);
    }

    /// The join timer fired: ask again if the ring still lacks this node.
    pub(super) fn join_round(&mut self, out: &mut Outbox<Member>) {
        if self.joining.is_some() {
            self.join_rounds = self.join_rounds.saturating_add(1);
            self.ask_to_join(out);
        }
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
    /// mark for anti-entropy the partitions this node replicates whose
    /// preference list changed; and spread the news.
    fn adopt(&mut self, version: (u64, NodeId), ring: Ring, out: &mut Outbox<Member>) {
        let old = std::mem::replace(&mut self.ring, Rc::new(ring));
        self.ring_version = version;
        self.informed.clear();
        self.gossip_awaiting = false;
        self.gossip_failed_rounds = 0;
        let n = usize::from(self.settings.n);
        self.routes = Rc::new(Routes::new(&self.ring, n));
        for p in (0..self.ring.partition_count()).map(PartitionId) {
            let was = old.preference_list_for_partition(p, n);
            let now = self.ring.preference_list_for_partition(p, n);
            if was.first() == Some(&self.id) {
                for to in now.iter().filter(|node| !was.contains(node)) {
                    self.hand_off(p, *to, out);
                }
            }
            if now.contains(&self.id) && now != was {
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

    /// Gossip arrived: adopt a newer ring and acknowledge it, acknowledge
    /// this node's own version, answer an older one with this node's ring.
    pub(super) fn gossiped(
        &mut self,
        from: NodeId,
        version: (u64, NodeId),
        ring: Ring,
        out: &mut Outbox<Member>,
    ) {
        if version < self.ring_version {
            out.send(Addr::Node(from), self.gossip_message());
            return;
        }
        if version > self.ring_version {
            self.adopt(version, ring, out);
        }
        self.informed_of(from, out);
        let (version, by) = self.ring_version;
        let ack = PeerMessage::GossipAck { version, by };
        out.send(Addr::Node(from), Message::Peer(ack));
    }

    /// A peer acknowledged `version`: it holds this node's ring, or one of
    /// them is behind and this node's ring tells the older side the newer.
    pub(super) fn gossip_acked(
        &mut self,
        from: NodeId,
        version: (u64, NodeId),
        out: &mut Outbox<Member>,
    ) {
        if version == self.ring_version {
            self.gossip_awaiting = false;
            self.informed_of(from, out);
        } else {
            out.send(Addr::Node(from), self.gossip_message());
        }
    }

    /// `peer` holds this node's ring version; hearing it again changes
    /// nothing.
    fn informed_of(&mut self, peer: NodeId, out: &mut Outbox<Member>) {
        if !self.informed.insert(peer) {
            out.idle();
        }
    }

    /// The peers gossip goes to: the ring's members and the seeds, without
    /// this node.
    fn gossip_peers(&self) -> Vec<NodeId> {
        let mut peers = self.ring.nodes();
        for seed in &self.seeds {
            if let Err(at) = peers.binary_search(seed) {
                peers.insert(at, *seed);
            }
        }
        peers.retain(|p| *p != self.id);
        peers
    }

    /// The peers not known to hold this node's ring version.
    fn uninformed(&self) -> Vec<NodeId> {
        let mut peers = self.gossip_peers();
        peers.retain(|p| !self.informed.contains(p));
        peers
    }

    /// Set the gossip timer, if gossip is on, the ring ever changed (an
    /// unchanged ring needs no gossip: the happy path stays free of it), a
    /// peer may lack this node's version and the timer is not set: one
    /// interval away, doubled for each round in a row that went
    /// unacknowledged.
    pub(super) fn spread(&mut self, out: &mut Outbox<Member>) {
        if !self.settings.mechanisms.gossip || self.ring_version.0 == 0 || self.gossip_armed {
            return;
        }
        if self.uninformed().is_empty() {
            return;
        }
        self.gossip_armed = true;
        let delay = maintenance_delay_ticks(
            self.settings.gossip_interval_ticks,
            self.gossip_failed_rounds,
        );
        out.set_timer(delay, Timer::Gossip);
    }

    /// One gossip round: push the ring to a peer the simulator draws among
    /// those not known to hold this version. A round after one that got no
    /// acknowledgement counts as failed, and the next backs off.
    pub(super) fn gossip_round(&mut self, out: &mut Outbox<Member>) {
        self.gossip_armed = false;
        let candidates: Vec<Addr> = self.uninformed().into_iter().map(Addr::Node).collect();
        if candidates.is_empty() {
            return;
        }
        if std::mem::replace(&mut self.gossip_awaiting, true) {
            self.gossip_failed_rounds = self.gossip_failed_rounds.saturating_add(1);
        } else {
            self.gossip_failed_rounds = 0;
        }
        out.send_to_one_of(candidates, self.gossip_message());
        self.spread(out);
    }

    fn gossip_message(&self) -> Message {
        let (version, by) = self.ring_version;
        Message::Peer(PeerMessage::Gossip {
            version,
            by,
            ring: Ring::clone(&self.ring),
        })
    }
}

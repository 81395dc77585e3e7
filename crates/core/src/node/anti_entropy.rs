//! Merkle anti-entropy between the replicas of a partition (see the module
//! doc of [`crate::node`] for the exchange, step by step).

use super::{maintenance_delay_ticks, Member, Node, Timer};
use crate::ids::{Addr, Time};
use crate::merkle::{self, MerkleTree};
use crate::message::{Message, PeerMessage, SharedClock};
use crate::ring::PartitionId;
use crate::sim::Outbox;

impl Node {
    /// The partition's data changed: check it in the next round.
    pub(super) fn mark_dirty(&mut self, partition: PartitionId, out: &mut Outbox<Member>) {
        if self.settings.mechanisms.anti_entropy {
            self.dirty.insert(partition);
            self.arm_anti_entropy(out);
        }
    }

    /// Set the anti-entropy timer if work waits and it is not set: one
    /// interval away, doubled for each round in a row with a failed exchange
    /// ([`maintenance_delay_ticks`]).
    pub(super) fn arm_anti_entropy(&mut self, out: &mut Outbox<Member>) {
        let work = !self.dirty.is_empty() || !self.exchanges.is_empty();
        if self.settings.mechanisms.anti_entropy && !self.anti_entropy_armed && work {
            self.anti_entropy_armed = true;
            let delay = maintenance_delay_ticks(
                self.settings.anti_entropy_interval_ticks,
                self.anti_entropy_failed_rounds,
            );
            out.set_timer(delay, Timer::AntiEntropy);
        }
    }

    fn tree(&self, partition: PartitionId) -> MerkleTree {
        MerkleTree::build(self.store.leaves(partition))
    }

    /// One round: exchanges of the last round still open failed (the peer is
    /// suspected, the partition dirty again); start one per dirty partition
    /// and other primary of it. A failed exchange makes the next round back
    /// off; there is no last round while a partition is dirty.
    pub(super) fn anti_entropy_round(&mut self, now: Time, out: &mut Outbox<Member>) {
        self.anti_entropy_armed = false;
        let failed = std::mem::take(&mut self.exchanges);
        if failed.is_empty() {
            self.anti_entropy_failed_rounds = 0;
        } else {
            self.anti_entropy_failed_rounds += 1;
        }
        for (partition, peer) in failed.into_values() {
            self.dirty.insert(partition);
            self.suspect(peer, now);
        }
        for partition in std::mem::take(&mut self.dirty) {
            let peers = self.routes.preference_list(partition).to_vec();
            if !peers.contains(&self.id) {
                continue;
            }
            let root = self.tree(partition).root;
            let me = self.id;
            for peer in peers.into_iter().filter(|p| *p != me) {
                let ex = self.new_request();
                self.exchanges.insert(ex, (partition, peer));
                self.stats.exchanges += 1;
                self.stats.merkle_tree_nodes += 1;
                let msg = PeerMessage::MerkleRoot {
                    ex,
                    partition,
                    root,
                };
                out.send(Addr::Node(peer), Message::Peer(msg));
            }
        }
        self.arm_anti_entropy(out);
    }

    /// The clocks of `keys` here, empty for a key this node lacks.
    fn clocks(&self, partition: PartitionId, keys: Vec<String>) -> Vec<(String, SharedClock)> {
        keys.into_iter()
            .map(|key| {
                let clock = self.clock_of(partition, &key);
                (key, clock)
            })
            .collect()
    }

    /// One message of an exchange, as initiator or as peer.
    pub(super) fn anti_entropy_step(
        &mut self,
        from: Addr,
        message: PeerMessage,
        out: &mut Outbox<Member>,
    ) {
        let reply = match message {
            PeerMessage::MerkleRoot {
                ex,
                partition,
                root,
            } => {
                let tree = self.tree(partition);
                if tree.root == root {
                    // The initiator checks every other replica this round
                    // and keeps the partition dirty until it has: this
                    // node's own round for it would only repeat that.
                    self.dirty.remove(&partition);
                    PeerMessage::MerkleInSync { ex }
                } else {
                    let branches = tree.branches.to_vec();
                    self.stats.merkle_tree_nodes += branches.len() as u64;
                    PeerMessage::MerkleBranches { ex, branches }
                }
            }
            PeerMessage::MerkleInSync { ex } => {
                self.exchanges.remove(ex);
                return;
            }
            PeerMessage::MerkleBranches { ex, branches } => {
                let Some(&(partition, _)) = self.exchanges.get(ex) else {
                    return;
                };
                let buckets = self.tree(partition).differing_branches(&branches);
                let mine: Vec<_> = self.store.leaves(partition).collect();
                let leaves = merkle::leaves_of(&mine, &buckets);
                self.stats.merkle_tree_nodes += leaves.len() as u64;
                PeerMessage::MerkleLeaves {
                    ex,
                    partition,
                    buckets,
                    leaves,
                }
            }
            PeerMessage::MerkleLeaves {
                ex,
                partition,
                buckets,
                leaves,
            } => {
                let mine: Vec<_> = self.store.leaves(partition).collect();
                let keys = merkle::differing_keys(&mine, &buckets, &leaves);
                self.stats.merkle_keys += keys.len() as u64;
                PeerMessage::MerkleSync {
                    ex,
                    partition,
                    clocks: self.clocks(partition, keys),
                }
            }
            PeerMessage::MerkleSync {
                ex,
                partition,
                clocks,
            } => {
                self.exchanges.remove(ex);
                for (key, clock) in &clocks {
                    self.merge(partition, key, clock, out);
                }
                let theirs = clocks;
                let keys = theirs.iter().map(|(key, _)| key.clone()).collect();
                let clocks = self.clocks(partition, keys);
                self.stats.merkle_keys += clocks.len() as u64;
                // Unacknowledged news: the next round checks it arrived.
                if carries_news(&theirs, &clocks) {
                    self.mark_dirty(partition, out);
                }
                PeerMessage::MerkleSyncReply { partition, clocks }
            }
            PeerMessage::MerkleSyncReply { partition, clocks } => {
                for (key, clock) in &clocks {
                    self.merge(partition, key, clock, out);
                }
                return;
            }
            other => unreachable!("{} got a non-Merkle message as Merkle: {other}", self.id),
        };
        out.send(from, Message::Peer(reply));
    }
}

/// Whether merging `reply` (clocks by key) would change any of `theirs`.
fn carries_news(theirs: &[(String, SharedClock)], reply: &[(String, SharedClock)]) -> bool {
    theirs.iter().zip(reply).any(|((_, before), (_, clock))| {
        let mut after = (**before).clone();
        after.sync(clock);
        after != **before
    })
}

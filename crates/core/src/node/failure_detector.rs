//! The failure detector (Dynamo, section 4.8.3): each node's own, local
//! opinion of which peers are down.
//!
//! A node suspects a peer when it misses an answer: a replica that had not
//! answered when a request timed out, a peer whose Merkle exchange got no
//! answer by the next round. Any message from the peer clears the suspicion
//! ([`Node::step`]), and so does time: after [`Node::suspicion_ticks`] the
//! node tries it again. Views differ across a partition; the UI shows each
//! ([`Node::view`]). The suspicions steer [`super::sloppy_quorum`] and
//! forwarding, and hearing from a suspected peer again restarts the
//! maintenance rounds at one interval and gossip.

use crate::ids::{NodeId, Time};
use crate::sim::{Fingerprint, Outbox};
use crate::vec_map::VecMap;

use super::{Member, Node};

impl Node {
    /// The peers this node's failure detector suspects, each with the time
    /// of its last missed answer.
    pub fn suspects(&self) -> &VecMap<NodeId, Time> {
        &self.suspects
    }

    /// This node's view of who is up at `now`: every ring member and whether
    /// this node believes it up (itself always).
    pub fn view(&self, now: Time) -> Vec<(NodeId, bool)> {
        self.ring
            .nodes()
            .into_iter()
            .map(|n| (n, !self.suspected(n, now)))
            .collect()
    }

    /// Whether this node suspects `peer` at `now`: it missed an answer less
    /// than [`Node::suspicion_ticks`] ago and has sent nothing since.
    pub fn suspected(&self, peer: NodeId, now: Time) -> bool {
        self.suspects
            .get(&peer)
            .is_some_and(|&since| now < self.suspicion_ends(since))
    }

    /// When a suspicion begun at `since` runs out.
    fn suspicion_ends(&self, since: Time) -> Time {
        since.saturating_add(self.suspicion_ticks())
    }

    /// How long a suspicion lasts without a new missed answer: five request
    /// timeouts. After that the node tries the peer again.
    pub fn suspicion_ticks(&self) -> Time {
        self.settings.request_timeout_ticks.saturating_mul(5)
    }

    /// A suspected peer sent something: maintenance rounds go back to one
    /// interval apart, and gossip runs again in case it missed a ring change.
    pub(super) fn seen_again(&mut self, out: &mut Outbox<Member>) {
        self.handoff_failed_rounds = 0;
        self.anti_entropy_failed_rounds = 0;
        self.arm_handoff(out);
        self.arm_anti_entropy(out);
        self.spread(out);
    }

    /// Fold the suspicions into a state fingerprint taken relative to the
    /// clock: each suspected peer with the ticks its suspicion has left at
    /// `now`, none once it has run out. That is all of a suspicion's time
    /// anything reads: [`Node::suspected`] compares it with the clock, and
    /// a suspicion run out still counts as one for [`Node::seen_again`].
    pub(super) fn fold_suspicions(&self, now: Time, fingerprint: &mut Fingerprint) {
        fingerprint.word(self.suspects.len() as u64);
        for (peer, since) in &self.suspects {
            fingerprint.word(u64::from(peer.0));
            fingerprint.word(self.suspicion_ends(*since).saturating_sub(now));
        }
    }

    pub(super) fn suspect(&mut self, peer: NodeId, now: Time) {
        if peer != self.id {
            self.suspects.insert(peer, now);
        }
    }
}

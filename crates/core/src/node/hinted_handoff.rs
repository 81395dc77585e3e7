//! Hinted handoff: the hints a fallback keeps for down primaries, and the
//! rounds that hand them back.

use serde::Serialize;

use super::{maintenance_delay_ticks, Member, Node, Timer};
use crate::ids::Addr;
use crate::ids::NodeId;
use crate::message::{Clock, Message, PeerMessage, SharedClock};
use crate::ring::PartitionId;
use crate::sim::Outbox;

/// A write a fallback holds for another node, kept apart from its own data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hint {
    /// The merged clock of every hinted write of the key.
    pub clock: SharedClock,
    /// Bumped by each write merged in, so that an ack for an older handoff
    /// does not delete a newer write.
    pub version: u64,
}

impl Node {
    /// Keep `clock` as a hint for `intended`.
    pub(super) fn store_hint(
        &mut self,
        intended: NodeId,
        partition: PartitionId,
        key: String,
        clock: &SharedClock,
        out: &mut Outbox<Member>,
    ) {
        self.next_hint_version += 1;
        let version = self.next_hint_version;
        let mode = self.settings.mode;
        let hint = self
            .hints
            .get_or_insert_with((intended, partition, key), || Hint {
                clock: SharedClock::new(Clock::new(mode)),
                version,
            });
        hint.clock.sync(clock);
        hint.version = version;
        self.stats.hints_stored += 1;
        self.arm_handoff(out);
    }

    /// What a read of `key` finds here: the stored clock merged with any
    /// hints for the key (a fallback answers reads with its hints).
    pub(super) fn clock_with_hints(&self, partition: PartitionId, key: &str) -> SharedClock {
        let mut clock = self.clock_of(partition, key);
        for ((_, p, k), hint) in &self.hints {
            if *p == partition && k == key {
                clock.sync(&hint.clock);
            }
        }
        clock
    }

    /// The intended node stored a hint: delete it unless it changed since.
    pub(super) fn hint_acked(
        &mut self,
        from: NodeId,
        partition: PartitionId,
        key: String,
        version: u64,
    ) {
        self.handoff_awaiting = false;
        let id = (from, partition, key);
        if self.hints.get(&id).is_some_and(|h| h.version == version) {
            self.hints.remove(&id);
            self.stats.hints_delivered += 1;
        }
    }

    /// Set the hint-handoff timer if hints wait and it is not set: one
    /// interval away, doubled for each round in a row that went unanswered
    /// ([`maintenance_delay_ticks`]).
    pub(super) fn arm_handoff(&mut self, out: &mut Outbox<Member>) {
        if self.settings.mechanisms.hinted_handoff && !self.handoff_armed && !self.hints.is_empty()
        {
            self.handoff_armed = true;
            let delay = maintenance_delay_ticks(
                self.settings.hint_handoff_interval_ticks,
                self.handoff_failed_rounds,
            );
            out.set_timer(delay, Timer::HintHandoff);
        }
    }

    /// One round: send every hint to its intended node. A round after one
    /// whose hints got no ack at all counts as failed, and the next round
    /// backs off; there is no last round while hints are held.
    pub(super) fn handoff_round(&mut self, out: &mut Outbox<Member>) {
        self.handoff_armed = false;
        if self.hints.is_empty() {
            return;
        }
        if std::mem::replace(&mut self.handoff_awaiting, true) {
            self.handoff_failed_rounds += 1;
        } else {
            self.handoff_failed_rounds = 0;
        }
        for ((intended, partition, key), hint) in &self.hints {
            let handoff = PeerMessage::HintHandoff {
                partition: *partition,
                key: key.clone(),
                clock: hint.clock.clone(),
                version: hint.version,
            };
            out.send(Addr::Node(*intended), Message::Peer(handoff));
        }
        self.arm_handoff(out);
    }
}

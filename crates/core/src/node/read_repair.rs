//! Read repair (Dynamo, section 5).
//!
//! With `read_repair` on, a get's coordinator keeps each primary's reply.
//! When all replicas answered (or the request's timer fired), it sends the
//! merged clock (kind `repair`) to every primary whose answer was not equal
//! to it, and merges it into its own store if it was stale itself. The
//! client has had its answer by then: repair never delays a read.

use crate::ids::Addr;
use crate::message::{Message, PeerMessage};
use crate::sim::Outbox;

use super::quorum::Pending;
use super::{Member, Node};

impl Node {
    /// A request is over: read repair for a get.
    pub(super) fn finish(&mut self, pending: Pending, out: &mut Outbox<Member>) {
        let Pending::Get {
            merged,
            partition,
            key,
            primaries,
            ..
        } = pending
        else {
            return;
        };
        for (node, clock) in primaries {
            if clock.same(&merged) || clock.equal(&merged) {
                continue;
            }
            self.stats.repairs += 1;
            if node == self.id {
                self.merge(partition, &key, &merged, out);
            } else {
                let repair = PeerMessage::Repair {
                    partition,
                    key: key.clone(),
                    clock: merged.clone(),
                };
                out.send(Addr::Node(node), Message::Peer(repair));
            }
        }
    }
}

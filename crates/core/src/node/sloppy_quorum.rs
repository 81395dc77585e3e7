//! Sloppy quorum (Dynamo, section 4.6): where a request's replicas go.
//!
//! With `sloppy_quorum` on, the coordinator replaces each primary it
//! suspects by the next healthy node beyond the primaries
//! (`Ring::preference_list_with_fallbacks`); a suspected primary no
//! fallback can replace is tried anyway. A put sends that fallback a `hint`
//! (kind `hint`) naming the intended primary; the fallback keeps it apart
//! from its own data and acknowledges, and the ack counts towards W
//! ([`super::hinted_handoff`] hands it back later). A get reads fallbacks
//! too; a fallback answers with what it holds for the key, hints included.
//! With it off, a request goes to the N primaries whoever is suspected.

use crate::ids::Time;
use crate::ring::{PartitionId, Placement};

use super::Node;

impl Node {
    /// Where a request's replicas go: the primaries, with suspected ones
    /// replaced by fallbacks under sloppy quorum. A suspected primary that no
    /// fallback can stand in for is tried all the same.
    pub(super) fn placements(&self, now: Time, partition: PartitionId) -> Vec<Placement> {
        let primaries = self.routes.preference_list(partition);
        if self.settings.mechanisms.sloppy_quorum && !self.suspects.is_empty() {
            let n = usize::from(self.settings.n);
            let me = self.id;
            let mut placements =
                self.ring
                    .preference_list_with_fallbacks_for_partition(partition, n, |node| {
                        node == me || !self.suspected(node, now)
                    });
            for &primary in primaries {
                let covered = placements
                    .iter()
                    .any(|p| p.node == primary || p.fallback_for == Some(primary));
                if !covered {
                    placements.push(Placement {
                        node: primary,
                        fallback_for: None,
                    });
                }
            }
            return placements;
        }
        primaries
            .iter()
            .map(|&node| Placement {
                node,
                fallback_for: None,
            })
            .collect()
    }
}

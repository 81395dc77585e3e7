//! The settings panel: what the mechanism switches mean when they surprise.

use crate::node::Mechanisms;

/// What a combination of mechanism switches means, one sentence per
/// consequence a user might not expect; empty when nothing is surprising.
pub fn mechanism_notes(m: &Mechanisms) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if m.hinted_handoff && !m.sloppy_quorum {
        notes.push("Hinted handoff has nothing to hand off: without sloppy quorum no fallback ever stores a hint.");
    }
    if m.sloppy_quorum && !m.hinted_handoff {
        notes.push("Fallbacks keep their hints: without hinted handoff no hint is ever handed back to its primary.");
    }
    if !m.read_repair && !m.anti_entropy {
        notes.push("With read repair and anti-entropy both off, a replica that missed a write and got no hint for it stays stale.");
    }
    if !m.durable {
        notes
            .push("A crash wipes the node's store and hints: a write only that node held is lost.");
    }
    notes
}

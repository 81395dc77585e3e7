//! The drawings' colours: one hue per node, one colour per message kind.
//!
//! Both read on the light and the dark theme, so a drawing carries them as
//! attributes and needs no stylesheet for them; the page's legend and the
//! exported files use the same ones.
//!
//! CAVEATS:
//!
//! - Node hues are spread by the node count, so adding a node shifts the
//!   others' colours.

/// The colour of node `id` among `count` nodes: hues spread round the wheel.
pub fn node_color(id: crate::NodeId, count: usize) -> String {
    let count = count.max(1) as f64;
    let hue = (f64::from(id.0.saturating_sub(1)) * 360.0 / count + 205.0) % 360.0;
    format!("hsl({}, 62%, 52%)", crate::fixed_point::fixed(hue, 0))
}

/// The colour of a message kind (one of [`crate::message::KINDS`]);
/// readable on the light and the dark theme.
pub fn kind_color(kind: &str) -> &'static str {
    match kind {
        "client-put" | "client-get" => "#64748b",
        "client-reply" => "#c026d3",
        "forward" => "#ca8a04",
        "put" => "#2563eb",
        "put-ack" => "#0891b2",
        "get" => "#9333ea",
        "get-reply" => "#db2777",
        "hint" => "#ea580c",
        "hint-handoff" => "#d97706",
        "hint-ack" => "#a16207",
        "repair" => "#16a34a",
        "merkle" => "#0d9488",
        "merkle-sync" => "#65a30d",
        "alive" => "#94a3b8",
        "gossip" => "#4f46e5",
        "join" => "#0284c7",
        "handoff" => "#be123c",
        // A kind this table does not know yet still gets a dot and a legend entry.
        _ => "#6b7280",
    }
}

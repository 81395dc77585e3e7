//! The space-time (Lamport) diagram: one lane per node and client, messages as arrows, operations as marks.

use super::MessageView;
use crate::cluster::Cluster;
use crate::ids::{Addr, OpId, Time};
use crate::node::OpOutcome;
use crate::sim::history::MessageFate;
use crate::sim::trace::TraceKind;

/// What the space-time diagram draws in a window of time.
#[derive(Clone, Debug, PartialEq)]
pub struct LamportView {
    /// One lane per node, then one per client.
    pub lanes: Vec<Addr>,
    /// Message arrows that touch the window.
    pub arrows: Vec<MessageView>,
    /// Points on lanes: invocations, completions, crashes, restarts.
    pub marks: Vec<Mark>,
    /// Network-wide faults (partitions, heals), drawn across all lanes.
    pub faults: Vec<(Time, String)>,
    /// A counterexample's violating step ([`super::steered_step`]), which
    /// the drawing rings once the run has taken it. [`lamport`] leaves it
    /// empty (it would replay the script on every view); the playground
    /// sets it from a value it keeps per session.
    pub step: Option<super::StepView>,
}

/// A point on a lane of the space-time diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub at: Time,
    /// Where.
    pub lane: Addr,
    /// What.
    pub kind: MarkKind,
    /// A short label.
    pub label: String,
}

/// What a [`Mark`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A client invoked an operation.
    Invoke(OpId),
    /// An operation completed (true when it succeeded).
    Complete(OpId, bool),
    /// A node crashed.
    Crash,
    /// A node restarted.
    Restart,
}

/// One line of the diagram's text alternative: a mark or a network-wide fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneEvent<'a> {
    /// When.
    pub at: Time,
    /// The lane it is on; `None` for a fault across the whole network.
    pub lane: Option<Addr>,
    /// What happened, as the drawing labels it.
    pub what: &'a str,
}

impl LamportView {
    /// The marks and network-wide faults in time order (at one time, marks
    /// first, each in the order drawn): the diagram's events as a screen
    /// reader walks them instead of the drawing.
    pub fn events(&self) -> Vec<LaneEvent<'_>> {
        let marks = self.marks.iter().map(|m| LaneEvent {
            at: m.at,
            lane: Some(m.lane),
            what: &m.label,
        });
        let faults = self.faults.iter().map(|(at, text)| LaneEvent {
            at: *at,
            lane: None,
            what: text,
        });
        let mut events: Vec<LaneEvent<'_>> = marks.chain(faults).collect();
        crate::handwritten::sort::stable_by_key(&mut events, |e| e.at);
        events
    }
}

/// The window the space-time diagram shows: the last `ticks` of the run
/// (from 0 while the run is shorter), widened to hold `focus`, the
/// operations of a selected finding, from their invocation to their
/// completion, so that selecting one always shows it.
pub fn lamport_window(cluster: &Cluster, ticks: Time, focus: &[OpId]) -> (Time, Time) {
    let now = cluster.sim().now();
    let (mut from, mut to) = (now.saturating_sub(ticks), now.max(ticks));
    let ops = &cluster.sim().history().ops;
    for op in focus
        .iter()
        .filter_map(|id| ops.get(id.0 as usize).filter(|op| op.id == *id))
    {
        from = from.min(op.invoked_at);
        to = to.max(op.completed.as_ref().map_or(op.invoked_at, |(at, _)| *at));
    }
    (from, to)
}

/// The space-time diagram between `from` and `to`, with at most `limit` arrows
/// (the latest).
pub fn lamport(cluster: &Cluster, from: Time, to: Time, limit: usize) -> LamportView {
    let sim = cluster.sim();
    let history = sim.history();
    let mut lanes: Vec<Addr> = cluster.nodes().map(|(id, _, _)| Addr::Node(id)).collect();
    lanes.extend(cluster.clients().map(|(id, _)| Addr::Client(id)));
    let end = |fate: MessageFate| match fate {
        MessageFate::InFlight { due_at } => due_at,
        MessageFate::Delivered { at } | MessageFate::Dropped { at, .. } => at,
    };
    let first = history.messages.partition_point(|m| m.sent_at < from);
    // Messages sent before the window may still arrive inside it.
    let earlier = history.messages[..first]
        .iter()
        .rev()
        .take(limit)
        .filter(|m| end(m.fate) >= from);
    let mut arrows: Vec<MessageView> = earlier
        .chain(
            history.messages[first..]
                .iter()
                .take_while(|m| m.sent_at <= to),
        )
        .map(MessageView::of)
        .collect();
    crate::handwritten::sort::stable_by_key(&mut arrows, |m| m.id);
    if arrows.len() > limit {
        arrows.drain(..arrows.len() - limit);
    }
    let mut marks = Vec::new();
    for op in &history.ops {
        if (from..=to).contains(&op.invoked_at) {
            marks.push(Mark {
                at: op.invoked_at,
                lane: op.by,
                kind: MarkKind::Invoke(op.id),
                label: format!("{} {}", op.id, op.input),
            });
        }
        if let Some((at, outcome)) = op
            .completed
            .as_ref()
            .filter(|(at, _)| (from..=to).contains(at))
        {
            let ok = matches!(outcome, OpOutcome::Got { .. } | OpOutcome::Put);
            marks.push(Mark {
                at: *at,
                lane: op.by,
                kind: MarkKind::Complete(op.id, ok),
                label: format!("{} {outcome}", op.id),
            });
        }
    }
    let events = sim.trace().events();
    let start = events.partition_point(|e| e.at < from);
    let mut faults = Vec::new();
    for event in events[start..].iter().take_while(|e| e.at <= to) {
        if event.kind != TraceKind::Fault {
            continue;
        }
        match event.lanes.from {
            Some(lane) => marks.push(Mark {
                at: event.at,
                lane,
                kind: if event.text.starts_with("fault crash") {
                    MarkKind::Crash
                } else {
                    MarkKind::Restart
                },
                label: event.text.clone(),
            }),
            None => faults.push((
                event.at,
                event.text.trim_start_matches("fault ").to_string(),
            )),
        }
    }
    LamportView {
        lanes,
        arrows,
        marks,
        faults,
        step: None,
    }
}

//! The step a steered run ends its script on: for a counterexample the
//! explorer found, the choice that breaks the property, which the
//! space-time diagram highlights.
//!
//! A counterexample opens as a session whose scenario carries its choices
//! (`schedule.choices`); the explorer stops at the first state that breaks a
//! property, so the script's last choice is the violating step. Once the
//! script is played the run is handed over to the queue, and the simulator
//! no longer knows which event was scripted, so the view replays the script
//! (a few dozen choices for a counterexample) to the step before the last,
//! asks which node the last one concerns, takes it, and reads where and
//! when it happened: a delivery or drop by its message (the arrow to
//! highlight and its receiver's lane), a timer or a menu fault by its node,
//! the timeline's next entry by its time alone.
//!
//! CAVEATS
//! - It is the script's last choice, whatever the user did after it: an
//!   action in the middle of the script drops the choices not yet taken
//!   (`Playback::act`), and the step is then the last one left.
//! - A scenario whose script breaks off (a hand-edited file) has no step.

use crate::cluster::Cluster;
use crate::ids::{Addr, MsgId, Time};
use crate::scenario::Scenario;
use crate::sim::{Choice, SimOptions};

/// The last scripted choice of a steered run, placed on the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepView {
    /// Its number, from 1: the script's length.
    pub index: usize,
    /// The choice as a scenario writes it (`deliver #12`).
    pub choice: String,
    /// When it happened.
    pub at: Time,
    /// The lane it happened on: a message's receiver, a timer's or a
    /// fault's node; `None` for the timeline's next entry or a
    /// network-wide fault.
    pub lane: Option<Addr>,
    /// The message a delivery or drop concerns.
    pub msg: Option<MsgId>,
}

/// The step `scenario`'s script ends on, if it is steered and its script
/// replays.
pub fn steered_step(scenario: &Scenario) -> Option<StepView> {
    let schedule = scenario.schedule.as_ref()?;
    let (&last, before) = schedule.choices.split_last()?;
    let mut unscripted = scenario.clone();
    unscripted.schedule.as_mut()?.choices = Vec::new();
    let options = SimOptions {
        trace: crate::sim::trace::TraceMode::Off,
        ..SimOptions::default()
    };
    let mut cluster = Cluster::new(&unscripted, options).ok()?;
    for choice in before {
        cluster.sim_mut().choose(*choice).ok()?;
    }
    let node = cluster.sim().choice_node(last);
    cluster.sim_mut().choose(last).ok()?;
    let sim = cluster.sim();
    let msg = match last {
        Choice::Deliver(id) | Choice::Drop(id) => Some(id),
        Choice::Fire(_) | Choice::Next | Choice::Fault(_) => None,
    };
    let receiver = msg.and_then(|id| {
        sim.history()
            .messages
            .get(id.0 as usize)
            .filter(|m| m.id == id)
            .map(|m| m.to)
    });
    Some(StepView {
        index: schedule.choices.len(),
        choice: last.to_string(),
        at: sim.now(),
        lane: receiver.or(node.map(Addr::Node)),
        msg,
    })
}

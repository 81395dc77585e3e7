//! A vanished write: the form of "no acknowledged write lost" that can be
//! checked at any state of a run, not only at its end.
//!
//! The checker's lost-write verdict ([`super::check`]) reads the final
//! clocks of a run that has healed and gone quiet: an acknowledged put
//! missing on a live replica, and covered by no put, is lost. A run that
//! never goes quiet (anti-entropy rounds that keep finding work, a search
//! cut at a depth bound) has no final clocks, and the verdict says nothing.
//! Some losses, though, are final before the end: once a value is nowhere
//! in the cluster, nothing can bring it back. This module finds those.
//!
//! At a state of a run, an acknowledged put `p` has **vanished** when
//!
//! 1. its value is nowhere the model can hand it on from
//!    ([`Whereabouts::holds`]): in no node's store (up or crashed, which a
//!    durable node keeps), no hint, no get its coordinator is still
//!    merging, no message in flight, and no put still to be invoked that
//!    writes the same value; and
//! 2. no put covers it, in the checker's sense ([`super::Facts`]: a put
//!    that carried the context of a get that returned `p`'s value, or,
//!    under client-id vectors, a later put of `p`'s own client); and
//! 3. no put can still come to cover it: no client with a put of the key
//!    still to invoke holds the context of a get that returned `p`'s value
//!    ([`Whereabouts::writers_left`]), and `p`'s own client has no put of
//!    the key left (which, under client-id vectors, would follow `p`).
//!
//! Why it is final: a value enters a store, a hint, a get or a message only
//! from another of those places or from a client's put of it; a put comes
//! to cover `p` only through a get that returned `p`'s value, whose answer
//! is gathered from those places, or through a context a client already
//! holds; and clients hold contexts, never values. So a vanished write
//! stays vanished in every continuation, and the checker, run at any
//! settled continuation, reports it lost wherever a live replica of its
//! key remains. Checked at every state of a breadth-first search, the rule
//! finds such a loss at the first state where it is final, so the
//! counterexample is as short as the loss allows; the end-state verdict
//! still runs at settled states and finds the losses this rule cannot
//! (below).
//!
//! # CAVEATS
//!
//! - It is weaker than the end-state verdict: a value still held by one
//!   replica but missing for good on another (LWW overwrote it there, and
//!   nothing will repair it once the run is quiet) has not vanished. Only
//!   the end-state check, at a settled state, reports it.
//! - It errs towards "not vanished": a value in a message of any kind
//!   counts, even one whose delivery could do nothing with it (a read
//!   reply names its request, not its key, so a value of another key
//!   counts too), and a client's put left counts even when it would not
//!   cover. Each delays a verdict (the end-state check still makes it);
//!   none makes one wrong.
//! - Writes are told apart by key and value, as the checker does: two puts
//!   of the same value are one value here.
//! - A vanished write whose key has no live replica at the end is not
//!   reported by the end-state verdict (it has no replica to miss it on);
//!   this rule reports it.

use std::fmt;

use serde::Serialize;

use super::Facts;
use crate::ids::{Addr, OpId};
use crate::node::{ClientOp, OpOutcome};
use crate::sim::history::OpRecord;
use crate::vec_map::VecMap;

/// Where a state of a run may still hold a value, and who may still write
/// over it: what [`vanished`] asks of a state.
pub trait Whereabouts {
    /// Whether `value` of `key` is anywhere the run can hand it on from: a
    /// store, a hint, a request being coordinated, a message in flight, a
    /// put still to be invoked.
    fn holds(&self, key: &str, value: &str) -> bool;
    /// The clients with a put of `key` still to invoke, each with the get
    /// whose context it holds for `key`, if any (what a "last-get" put
    /// would be based on).
    fn writers_left(&self, key: &str) -> Vec<(Addr, Option<OpId>)>;
}

/// An acknowledged put whose value is gone from the cluster for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VanishedWrite {
    /// The put.
    pub op: OpId,
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: String,
}

impl fmt::Display for VanishedWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lost write: {} {}={} (gone: no store, hint, request or message holds it, \
             and no put covers it)",
            self.op, self.key, self.value
        )
    }
}

/// The acknowledged puts of `ops` that have vanished at the state `at`
/// describes, in op order; `contexts` gives `based_on` and `follows` as
/// [`super::check`] takes them, asked for only when some value is held
/// nowhere (the explorer asks at every state, and most hold every value).
pub fn vanished(
    ops: &[OpRecord<ClientOp, OpOutcome>],
    contexts: impl FnOnce() -> (VecMap<OpId, OpId>, VecMap<OpId, OpId>),
    at: &impl Whereabouts,
) -> Vec<VanishedWrite> {
    // Most states hold every value: ask that first, and build the covering
    // relation only for a value held nowhere.
    let gone: Vec<&OpRecord<ClientOp, OpOutcome>> = ops
        .iter()
        .filter(|op| match (&op.input, &op.completed) {
            (ClientOp::Put { key, value, .. }, Some((_, OpOutcome::Put))) => !at.holds(key, value),
            _ => false,
        })
        .collect();
    if gone.is_empty() {
        return Vec::new();
    }
    let (based_on, follows) = contexts();
    let facts = Facts::new(ops, &based_on, &follows);
    let mut found = Vec::new();
    for record in gone {
        let Some(i) = facts.puts.iter().position(|p| p.op == record.id) else {
            continue;
        };
        let put = &facts.puts[i];
        if !facts.covered_by[i].is_empty() {
            continue;
        }
        let may_yet_cover = at.writers_left(put.key).iter().any(|(client, get)| {
            *client == record.by
                || get.is_some_and(|get| {
                    facts.gets.iter().any(|(op, _, values, ..)| {
                        *op == get && values.iter().any(|v| **v == *put.value)
                    })
                })
        });
        if !may_yet_cover {
            found.push(VanishedWrite {
                op: put.op,
                key: put.key.to_string(),
                value: put.value.to_string(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests;

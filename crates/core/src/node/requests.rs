//! The requests a coordinator is gathering answers for.

use std::collections::VecDeque;

use serde::{Serialize, Serializer};

use super::Pending;
use crate::message::ReqId;

/// Pending requests by id. A node numbers its requests in order and each
/// waits at most until its timer fires, so the ids from the oldest waiting
/// request to the newest span a short window: the requests sit in a ring of
/// slots indexed by id, found without a search and iterated in id order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Requests {
    /// The id of `slots[0]`, the oldest waiting request.
    first: u64,
    /// A slot per id from `first` on; ids that are not waiting are empty.
    slots: VecDeque<Option<Pending>>,
    len: usize,
}

impl Requests {
    /// How many requests wait.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no request waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The waiting requests, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (ReqId, &Pending)> {
        (self.first..)
            .zip(&self.slots)
            .filter_map(|(id, slot)| Some((ReqId(id), slot.as_ref()?)))
    }

    /// Wait for `req`, newer than every request that waits.
    pub fn insert(&mut self, req: ReqId, pending: Pending) {
        if self.slots.is_empty() {
            self.first = req.0;
        }
        let at = req
            .0
            .checked_sub(self.first)
            .filter(|&at| at >= self.slots.len() as u64)
            .unwrap_or_else(|| panic!("request {req} is not newer than those waiting"));
        self.slots.resize(at as usize, None);
        self.slots.push_back(Some(pending));
        self.len += 1;
    }

    fn slot(&mut self, req: ReqId) -> Option<&mut Option<Pending>> {
        let at = req.0.checked_sub(self.first)?;
        self.slots.get_mut(usize::try_from(at).ok()?)
    }

    /// The request `req`, if it waits.
    pub fn get_mut(&mut self, req: ReqId) -> Option<&mut Pending> {
        self.slot(req)?.as_mut()
    }

    /// Stop waiting for `req`.
    pub fn remove(&mut self, req: ReqId) -> Option<Pending> {
        let pending = self.slot(req)?.take()?;
        self.len -= 1;
        while self.slots.front().is_some_and(Option::is_none) {
            self.slots.pop_front();
            self.first += 1;
        }
        Some(pending)
    }

    /// Forget every request.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }
}

/// Requests serialize as a map from id to request.
impl Serialize for Requests {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

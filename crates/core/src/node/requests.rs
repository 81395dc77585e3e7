//! What a node waits on, by request id: the requests it coordinates and the
//! Merkle exchanges it started.

use std::collections::VecDeque;

use serde::{Serialize, Serializer};

use crate::message::ReqId;

/// Waiting requests by id. A node numbers its requests (and exchanges) in
/// order and each waits at most until a timer fires, so the ids from the
/// oldest waiting one to the newest span a short window: they sit in a ring
/// of slots indexed by id, found without a search and iterated in id order.
#[derive(Clone, Debug, PartialEq)]
pub struct Requests<T> {
    /// The id of `slots[0]`, the oldest waiting request.
    first: u64,
    /// A slot per id from `first` on; ids that are not waiting are empty.
    slots: VecDeque<Option<T>>,
    len: usize,
}

impl<T> Default for Requests<T> {
    fn default() -> Self {
        Requests {
            first: 0,
            slots: VecDeque::new(),
            len: 0,
        }
    }
}

impl<T> Requests<T> {
    /// How many requests wait.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no request waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The waiting requests, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (ReqId, &T)> {
        (self.first..)
            .zip(&self.slots)
            .filter_map(|(id, slot)| Some((ReqId(id), slot.as_ref()?)))
    }

    /// Every waiting request, in id order.
    pub fn into_values(self) -> impl Iterator<Item = T> {
        self.slots.into_iter().flatten()
    }

    /// Wait for `req`, newer than every request that waits.
    pub fn insert(&mut self, req: ReqId, pending: T) {
        if self.slots.is_empty() {
            self.first = req.0;
        }
        let at = req
            .0
            .checked_sub(self.first)
            .filter(|&at| at >= self.slots.len() as u64)
            .unwrap_or_else(|| panic!("request {req} is not newer than those waiting"));
        self.slots.resize_with(at as usize, || None);
        self.slots.push_back(Some(pending));
        self.len += 1;
    }

    fn slot(&mut self, req: ReqId) -> Option<&mut Option<T>> {
        let at = req.0.checked_sub(self.first)?;
        self.slots.get_mut(usize::try_from(at).ok()?)
    }

    /// The request `req`, if it waits.
    pub fn get(&self, req: ReqId) -> Option<&T> {
        let at = req.0.checked_sub(self.first)?;
        self.slots.get(usize::try_from(at).ok()?)?.as_ref()
    }

    /// The request `req`, if it waits, to change.
    pub fn get_mut(&mut self, req: ReqId) -> Option<&mut T> {
        self.slot(req)?.as_mut()
    }

    /// Stop waiting for `req`.
    pub fn remove(&mut self, req: ReqId) -> Option<T> {
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
impl<T: Serialize> Serialize for Requests<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

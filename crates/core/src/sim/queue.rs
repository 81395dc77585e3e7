//! The event queue: a timer wheel for the near future and a heap for the rest,
//! popping in exact `(time, sequence number)` order.
//!
//! Latencies and timeouts are small numbers of ticks, so almost every event
//! is due within [`WHEEL_TICKS`] of the current time. Those wait in the wheel:
//! one FIFO bucket per tick, found through an occupancy bitmap. A bucket only
//! ever holds events of one time (the window is one turn of the wheel), and
//! events enter it in sequence order, so popping its front is popping the
//! smallest `(time, seq)`: no comparisons, no sifting, and the event itself
//! sits in the bucket, so scheduling moves it once and popping once.
//!
//! Events due later wait in a binary heap ordered by `(time, seq)`. When time
//! advances, the heap hands every event now within a turn of the wheel to its
//! bucket before anything new can be scheduled there; they were scheduled
//! earlier, so their sequence numbers are the smaller ones and they belong at
//! the front.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

use super::Time;

/// Ticks the wheel covers: events due in fewer ticks than this skip the heap.
/// One bitmap word; it covers the network's latencies and the request and
/// client timeouts of every built-in scenario (at most 60 ticks). Longer
/// timers are as correct, through the heap.
pub(super) const WHEEL_TICKS: usize = u64::BITS as usize;

/// An event with the time it is due and its sequence number.
#[derive(Clone, Debug)]
pub(super) struct Entry<E> {
    pub at: Time,
    pub seq: u64,
    pub event: E,
}

impl<E> Entry<E> {
    pub fn key(&self) -> (Time, u64) {
        (self.at, self.seq)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Events ordered by `(time, seq)`, numbered in the order they are scheduled;
/// nothing may be scheduled before the time last popped.
#[derive(Clone)]
pub(super) struct Queue<E> {
    /// Bucket `at % WHEEL_TICKS` holds the events due at `at`, for `at` in
    /// `base..base + WHEEL_TICKS`. Empty until the first event comes near:
    /// a steered run's queue never holds one, and its clones (the
    /// explorer's states) then copy no buckets.
    wheel: Vec<VecDeque<Entry<E>>>,
    /// Bit `i` is set when bucket `i` is not empty.
    occupied: u64,
    /// Events due at `base + WHEEL_TICKS` or later.
    far: BinaryHeap<Reverse<Entry<E>>>,
    /// No event is due before this; the wheel's window starts here.
    base: Time,
    len: usize,
    /// The next sequence number.
    seq: u64,
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Queue {
            wheel: Vec::new(),
            occupied: 0,
            far: BinaryHeap::new(),
            base: 0,
            len: 0,
            seq: 0,
        }
    }
}

impl<E> Queue<E> {
    /// How many events wait.
    pub fn len(&self) -> usize {
        self.len
    }

    /// A sequence number for an event kept outside the queue: it sorts after
    /// every event scheduled so far.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq - 1
    }

    /// Schedule `event` at `at` (not before the last popped time).
    #[inline]
    pub fn push(&mut self, at: Time, event: E) {
        assert!(
            at >= self.base,
            "event at {at} scheduled before {}",
            self.base
        );
        self.len += 1;
        let seq = self.next_seq();
        let entry = Entry { at, seq, event };
        if at - self.base < WHEEL_TICKS as Time {
            self.push_near(entry);
        } else {
            self.far.push(Reverse(entry));
        }
    }

    #[inline]
    fn push_near(&mut self, entry: Entry<E>) {
        let bucket = (entry.at % WHEEL_TICKS as Time) as usize;
        self.occupied |= 1 << bucket;
        // The bounds check every index makes is the test for the wheel's
        // first event, which costs nothing more.
        match self.wheel.get_mut(bucket) {
            Some(events) => events.push_back(entry),
            None => self.first_near(entry),
        }
    }

    /// Make the wheel's buckets and put its first event in.
    #[cold]
    #[inline(never)]
    fn first_near(&mut self, entry: Entry<E>) {
        self.wheel = (0..WHEEL_TICKS).map(|_| VecDeque::new()).collect();
        let bucket = (entry.at % WHEEL_TICKS as Time) as usize;
        self.wheel[bucket].push_back(entry);
    }

    /// The bucket of the earliest event in the wheel, if any.
    #[inline]
    fn first_bucket(&self) -> Option<usize> {
        if self.occupied == 0 {
            return None;
        }
        let start = (self.base % WHEEL_TICKS as Time) as u32;
        // Bit `i` of the rotated word is the bucket `i` ticks after `base`.
        let after = self.occupied.rotate_right(start).trailing_zeros();
        Some(((start + after) % u64::BITS) as usize)
    }

    /// The `(time, seq)` of the next event.
    pub fn peek(&self) -> Option<(Time, u64)> {
        match self.first_bucket() {
            Some(bucket) => self.wheel[bucket].front().map(Entry::key),
            None => self.far.peek().map(|Reverse(e)| e.key()),
        }
    }

    /// Take the next event off the queue if its `(time, seq)` is below
    /// `limit`, and move the window to its time.
    #[inline]
    pub fn pop_before(&mut self, limit: (Time, u64)) -> Option<Entry<E>> {
        let Some(bucket) = self.first_bucket() else {
            if self.far.peek()?.0.key() >= limit {
                return None;
            }
            return self.pop();
        };
        let events = &mut self.wheel[bucket];
        let at = events.front().filter(|e| e.key() < limit)?.at;
        let entry = events.pop_front();
        if events.is_empty() {
            self.occupied &= !(1 << bucket);
        }
        self.len -= 1;
        // The heap holds nothing due before `at + WHEEL_TICKS` when the
        // window already starts at `at`.
        if at != self.base {
            self.advance(at);
        }
        entry
    }

    /// Take the next event off the queue and move the window to its time.
    pub fn pop(&mut self) -> Option<Entry<E>> {
        let Some(bucket) = self.first_bucket() else {
            let Reverse(entry) = self.far.pop()?;
            self.len -= 1;
            self.advance(entry.at);
            return Some(entry);
        };
        let at = self.wheel[bucket].front()?.at;
        // The heap holds nothing due at `at` (it was inside the window), so
        // moving the window first leaves this bucket as it is.
        self.advance(at);
        self.len -= 1;
        let events = &mut self.wheel[bucket];
        if events.len() == 1 {
            self.occupied &= !(1 << bucket);
        }
        events.pop_front()
    }

    /// Move the window to start at `now` (no event is due before it), and
    /// bring the heap's events that fall inside it into their buckets.
    pub fn advance(&mut self, now: Time) {
        debug_assert!(
            now >= self.base,
            "time went back from {} to {now}",
            self.base
        );
        self.base = now;
        let end = now.saturating_add(WHEEL_TICKS as Time);
        while self.far.peek().is_some_and(|Reverse(e)| e.at < end) {
            let Some(Reverse(entry)) = self.far.pop() else {
                break;
            };
            self.push_near(entry);
        }
    }

    /// Every waiting event, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry<E>> {
        self.wheel
            .iter()
            .flatten()
            .chain(self.far.iter().map(|Reverse(e)| e))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Queue, Time, WHEEL_TICKS};

    proptest! {
        /// Whatever is scheduled, near or far, and however pushes and pops
        /// interleave, events come out sorted by `(time, seq)`.
        #[test]
        fn pops_in_time_then_sequence_order(
            plan in prop::collection::vec((0..3 * WHEEL_TICKS as Time, 0..4usize), 1..300)
        ) {
            let mut queue = Queue::default();
            let mut now = 0;
            let mut seq = 0;
            let mut popped = Vec::new();
            for (after, pops) in plan {
                queue.push(now + after, seq);
                seq += 1;
                for _ in 0..pops {
                    let Some(entry) = queue.pop() else { break };
                    now = entry.at;
                    popped.push(entry.key());
                    prop_assert_eq!(entry.event, entry.seq);
                }
            }
            while let Some(entry) = queue.pop() {
                popped.push(entry.key());
            }
            prop_assert_eq!(popped.len() as u64, seq);
            prop_assert_eq!(queue.len(), 0);
            prop_assert!(popped.windows(2).all(|w| w[0] < w[1]), "out of order: {:?}", popped);
        }
    }

    proptest! {
        /// `pop_before` takes the next event exactly when it sorts below the
        /// limit, and otherwise leaves the queue as it is.
        #[test]
        fn pop_before_takes_the_next_event_only_below_the_limit(
            plan in prop::collection::vec((0..3 * WHEEL_TICKS as Time, 0..4 * WHEEL_TICKS as Time), 1..200)
        ) {
            let mut queue = Queue::default();
            let mut now = 0;
            for (seq, (after, limit_after)) in plan.into_iter().enumerate() {
                queue.push(now + after, seq);
                let limit = (now + limit_after, seq as u64 / 2);
                let next = queue.peek();
                match queue.pop_before(limit) {
                    Some(entry) => {
                        prop_assert_eq!(Some(entry.key()), next);
                        prop_assert!(entry.key() < limit);
                        now = entry.at;
                    }
                    None => {
                        prop_assert!(next.is_none_or(|key| key >= limit));
                        prop_assert_eq!(queue.peek(), next);
                    }
                }
            }
        }
    }

    #[test]
    fn a_far_event_waits_behind_a_near_one_scheduled_later() {
        let mut queue = Queue::default();
        queue.push(WHEEL_TICKS as Time + 5, "far");
        queue.push(3, "near");
        queue.push(WHEEL_TICKS as Time + 5, "same time, later");
        assert_eq!(queue.peek(), Some((3, 1)));
        let order: Vec<&str> = std::iter::from_fn(|| queue.pop().map(|e| e.event)).collect();
        assert_eq!(order, ["near", "far", "same time, later"]);
    }
}

//! `DvvSet`: the compact dotted version vector set of `dvvset.erl`.
//!
//! ## Layout
//!
//! The reference's clock is `{[{Id, Counter, [Values]}], [Anonymous]}`: a
//! list of entries, each owning a list of values. Kept as it is (a vector of
//! entries, each with a vector of values), every entry is an allocation, a
//! put that inserts a value at the head of its entry shifts or grows that
//! entry's vector, and copying a clock (to leave both replicas of a sync
//! equal, or when a shared clock is changed) allocates once per entry. On the
//! reference's own 200,000-operation workload that layout spent most of its
//! time in the allocator.
//!
//! So the entries are split in two, flat:
//!
//! - `slots`: per entry its id, counter and the number of its live values,
//!   sorted by id, in a plain `Vec` (a clock has one entry per replica that
//!   coordinated a write: 3 for N = 3, rarely more than 5 with fallbacks);
//! - `values`: every entry's live values in one buffer, entry after entry,
//!   each entry's newest first. Entry `k`'s values start after the values of
//!   the entries before it, so walking the entries in order keeps a running
//!   offset; there are few entries, and no operation looks one up at random.
//!
//! The buffer is in `values/1` order already (after the anonymous values),
//! so `size/1` is two lengths and `values/1` one chain. Cutting an entry's
//! values (a put's context covering them, a sync dropping what the other side
//! superseded) removes a range and shifts the values after it, a few words;
//! a new event inserts at its entry's start. `clone_from` copies into the
//! buffers a clock already has, so a replica left equal to its peer after a
//! sync allocates nothing once its buffers are large enough; a fresh copy of
//! a clock makes two allocations (its slots and its values).
//!
//! The slots were a `SmallVec` inline up to four entries, which saved that
//! fresh copy's second allocation; but every access to them then checks
//! whether they are inline or on the heap, and a put, a sync and a copy
//! walk them several times. On the reference's workload those checks were
//! 18% of the replay (53.2 M to 43.8 M instructions with a `Vec`), while the
//! replays and the simulator's replicas keep their clocks and reuse them.
//!
//! The representation is canonical: two clocks with the same entries and
//! values have the same slots and buffers, so equality and hashing are the
//! fields'. The text and serde forms are the reference's nested ones; the
//! flat layout never shows outside this file ([`Entry`] is a borrowed view).
//!
//! ## CAVEATS
//!
//! - A fresh copy of a clock (`clone`, not `clone_from`) allocates its
//!   slots and its values apart.
//! - An entry's values are found by summing the counts of the entries before
//!   it: linear in the number of entries, which is the number of replicas
//!   that coordinated a write to the key, never large.
//! - Cutting and lengthening entries shifts the values after them, one
//!   move each (`cut_values`, `insert_value`): one fixed block of 64 bytes
//!   when they fit in one and the block stays inside the allocation,
//!   `ptr::copy` of their number otherwise (the buffer grows only as `Vec`
//!   grows it, never for a block). These moves are the kernel's
//!   only `unsafe`, for a measured reason: `Vec::insert` and `drain` call
//!   `memmove`, which dispatches on the length, which the workload makes
//!   random; a block of a size known when compiling has no such branch
//!   (session 11: 566 K simulated mispredicted branches a replay against
//!   700 K, for 48.2 M instructions against 44.7 M; 5.02–5.13 ms against
//!   5.28–5.49 ms in alternating rounds). `tests/dvvset_model.rs` counts every value alive
//!   after every step, through both paths.
//! - Short of issue 20's goal (≤ 4.2 ms on the reference's workload):
//!   about 4.6–5.1 ms a replay (`kernel/dvvset-200k-ops`, session 11, on
//!   an idle machine, 16–18× the reference's 81–85 ms). Mispredicted branches, not
//!   instructions, decide here (the workload makes a put's cut, the
//!   writer's entry and a sync's newer side random), and about 2 ms of a
//!   replay is irreducible: the loop's 1.1 ms and the semantics' least
//!   work, 0.9 ms.
//! - The tries measured and rejected, the profile and the floor:
//!   docs/size.md, "The kernel on the reference's workload".

use std::fmt;
use std::ops::{DerefMut, Range};
use std::str::FromStr;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::text::{write_decimal, write_joined, Cursor, ParseError};
use super::vv::VersionVector;

/// One entry of a [`DvvSet`], borrowed: everything `id` has coordinated.
///
/// `counter` counts all of `id`'s events; `values` holds the ones still live,
/// newest first, so `values[k]` carries the dot `(id, counter - k)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Entry<'a, I, V> {
    /// The replica that made these events.
    pub id: &'a I,
    /// How many events `id` has made (the version vector entry).
    pub counter: u64,
    /// The live values, newest first; never more than `counter` of them.
    pub values: &'a [V],
}

/// An entry as stored: its values are the next `live` of the buffer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Slot<I> {
    id: I,
    counter: u64,
    live: usize,
}

/// A set of concurrent values (siblings) with their causal history, in the
/// compact form of `dvvset.erl`: entries sorted by id, plus an anonymous list
/// of values that carry no dot (see the module docs for the layout).
///
/// Text form (Display / FromStr), the Erlang term of the reference:
/// `{[{a,4,[5,2]},{b,1,[]}],[10]}`. Serde form: `{"entries": [{"id": "a",
/// "counter": 4, "values": [5, 2]}, ...], "anonymous": [10]}`.
#[derive(Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "RawDvvSet<I, V>")]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>, V: Deserialize<'de>"))]
pub struct DvvSet<I, V> {
    /// The entries, sorted by id.
    slots: Vec<Slot<I>>,
    /// The entries' live values, entry after entry, each newest first.
    values: Vec<V>,
    /// The values without a dot.
    anonymous: Vec<V>,
}

/// `clone_from` reuses the clock's buffers.
impl<I: Clone, V: Clone> Clone for DvvSet<I, V> {
    fn clone(&self) -> Self {
        DvvSet {
            slots: self.slots.clone(),
            values: self.values.clone(),
            anonymous: self.anonymous.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        clone_into(&mut self.slots, &source.slots);
        self.values.clone_from(&source.values);
        clone_into(&mut self.anonymous, &source.anonymous);
    }
}

/// `to.clone_from(from)` with a shortcut for the common case of a replica
/// copying a clock of its own shape (as many entries, as many anonymous
/// values): each element cloned over its place, skipping the general
/// truncate-and-extend path, which costs several times more on a few
/// elements. The values buffer does not take it: its length changes with
/// most syncs, so the branch on equal lengths is the workload's coin toss,
/// and `Vec::clone_from` (one `memcpy` for `Copy` values) timed about
/// 0.1 ms a replay faster (session 11).
fn clone_into<T: Clone, C: DerefMut<Target = [T]> + Clone>(to: &mut C, from: &C) {
    if to.len() == from.len() {
        // Both empty (the anonymous lists of stored clocks): no copy call.
        if from.is_empty() {
            return;
        }
        to.clone_from_slice(from);
    } else {
        to.clone_from(from);
    }
}

/// An entry of the unchecked serde shape.
#[derive(Deserialize)]
struct RawEntry<I, V> {
    id: I,
    counter: u64,
    values: Vec<V>,
}

/// The unchecked serde shape of a [`DvvSet`].
#[derive(Deserialize)]
struct RawDvvSet<I, V> {
    entries: Vec<RawEntry<I, V>>,
    anonymous: Vec<V>,
}

impl<I: Ord, V> TryFrom<RawDvvSet<I, V>> for DvvSet<I, V> {
    type Error = ParseError;
    fn try_from(raw: RawDvvSet<I, V>) -> Result<Self, ParseError> {
        let entries = raw.entries.into_iter().map(|e| (e.id, e.counter, e.values));
        DvvSet::from_parts(entries.collect(), raw.anonymous)
    }
}

impl<I: Serialize, V: Serialize> Serialize for DvvSet<I, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The entries as a sequence of [`Entry`].
        struct Entries<'a, I, V>(&'a DvvSet<I, V>);
        impl<I: Serialize, V: Serialize> Serialize for Entries<'_, I, V> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.entries())
            }
        }
        let mut set = serializer.serialize_struct("DvvSet", 2)?;
        set.serialize_field("entries", &Entries(self))?;
        set.serialize_field("anonymous", &self.anonymous)?;
        set.end()
    }
}

impl<I, V> Default for DvvSet<I, V> {
    /// The empty clock: no history, no values (the reference's `{}` seed of
    /// `sync/1`).
    fn default() -> Self {
        DvvSet {
            slots: Vec::new(),
            values: Vec::new(),
            anonymous: Vec::new(),
        }
    }
}

/// Which value [`DvvSet::last`] picked: the head of an entry (its index in
/// the values buffer, and the entry's) or an anonymous value.
enum Winner {
    Entry { value: usize, slot: usize },
    Anonymous(usize),
}

impl<I, V> DvvSet<I, V> {
    /// The entries, sorted by id.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Entry<'_, I, V>> + Clone + '_ {
        self.slots
            .iter()
            .zip(self.ranges())
            .map(move |(slot, range)| Entry {
                id: &slot.id,
                counter: slot.counter,
                values: &self.values[range],
            })
    }

    /// Each entry's range in the values buffer, in entry order.
    fn ranges(&self) -> impl ExactSizeIterator<Item = Range<usize>> + Clone + '_ {
        let mut start = 0;
        self.slots.iter().map(move |slot| {
            let range = start..start + slot.live;
            start = range.end;
            range
        })
    }

    /// The `(id, counter)` pairs of the entries: the version vector of the
    /// whole causal history, borrowed.
    pub fn counters(&self) -> impl ExactSizeIterator<Item = (&I, u64)> + Clone + '_ {
        counters(&self.slots)
    }

    /// The anonymous values (values without a dot).
    pub fn anonymous(&self) -> &[V] {
        &self.anonymous
    }

    /// `size/1`: the number of values, anonymous ones included.
    pub fn size(&self) -> usize {
        self.values.len() + self.anonymous.len()
    }

    /// `ids/1`: the ids of all entries, in order.
    pub fn ids(&self) -> Vec<&I> {
        self.slots.iter().map(|s| &s.id).collect()
    }

    /// `values/1`: the anonymous values, then each entry's values (newest
    /// first), entries in id order.
    pub fn values(&self) -> Vec<&V> {
        self.anonymous.iter().chain(&self.values).collect()
    }

    /// `map/2`: applies `f` to every value, keeping the causal history
    /// (entries' values first, in `values/1` order, then the anonymous ones).
    pub fn map<W>(self, mut f: impl FnMut(V) -> W) -> DvvSet<I, W> {
        let values = self.values.into_iter().map(&mut f).collect();
        DvvSet {
            slots: self.slots,
            values,
            anonymous: self.anonymous.into_iter().map(f).collect(),
        }
    }

    /// `find_entry/2` of the reference: the greatest value under
    /// `less_or_equal`, among the newest value of each entry and then every
    /// anonymous value; on ties the later one wins.
    fn find_winner(&self, less_or_equal: &impl Fn(&V, &V) -> bool) -> Option<Winner> {
        let heads = self
            .ranges()
            .enumerate()
            .filter(|(_, range)| !range.is_empty())
            .map(|(slot, range)| {
                let value = range.start;
                (Winner::Entry { value, slot }, &self.values[value])
            });
        let anonymous = self
            .anonymous
            .iter()
            .enumerate()
            .map(|(n, v)| (Winner::Anonymous(n), v));
        heads
            .chain(anonymous)
            .reduce(|best, next| {
                if less_or_equal(best.1, next.1) {
                    next
                } else {
                    best
                }
            })
            .map(|(winner, _)| winner)
    }

    /// `last/2`: the newest value according to `less_or_equal` (`true` when
    /// the first argument is older or equal), or `None` when there are no
    /// values (the reference crashes there).
    pub fn last(&self, less_or_equal: impl Fn(&V, &V) -> bool) -> Option<&V> {
        Some(match self.find_winner(&less_or_equal)? {
            Winner::Entry { value, .. } => &self.values[value],
            Winner::Anonymous(n) => &self.anonymous[n],
        })
    }
}

impl<I: Ord, V> DvvSet<I, V> {
    /// Builds a clock from its parts, `(id, counter, values newest first)`
    /// per entry, checking the representation: ids strictly increasing, and
    /// no entry with more values than its counter.
    pub fn from_parts(
        entries: Vec<(I, u64, Vec<V>)>,
        anonymous: Vec<V>,
    ) -> Result<Self, ParseError> {
        if let Some(n) = entries.windows(2).position(|w| w[0].0 >= w[1].0) {
            let reason = format!("entry ids must be strictly increasing (entry {})", n + 2);
            return Err(ParseError::Invalid { reason });
        }
        if let Some(n) = entries
            .iter()
            .position(|(_, counter, values)| values.len() as u64 > *counter)
        {
            let (_, counter, values) = &entries[n];
            let reason = format!(
                "entry {} has {} values but counter {}",
                n + 1,
                values.len(),
                counter
            );
            return Err(ParseError::Invalid { reason });
        }
        let mut set = DvvSet {
            anonymous,
            ..DvvSet::default()
        };
        for (id, counter, values) in entries {
            set.slots.push(Slot {
                id,
                counter,
                live: values.len(),
            });
            set.values.extend(values);
        }
        Ok(set)
    }

    /// `new/1`: one value, no causal history (goes to the anonymous list).
    pub fn new(value: V) -> Self {
        Self::new_list(vec![value])
    }

    /// `new_list/1`: several values, no causal history.
    pub fn new_list(values: Vec<V>) -> Self {
        DvvSet {
            anonymous: values,
            ..DvvSet::default()
        }
    }

    /// `new/2`: the client side of a put: the context `vv` the client read
    /// (the output of [`join`](Self::join)) and its new value.
    pub fn with_context(vv: &VersionVector<I>, value: V) -> Self
    where
        I: Clone,
    {
        Self::list_with_context(vv, vec![value])
    }

    /// `new_list/2`: like [`with_context`](Self::with_context) with several values.
    pub fn list_with_context(vv: &VersionVector<I>, values: Vec<V>) -> Self
    where
        I: Clone,
    {
        DvvSet {
            slots: history(vv.iter()),
            values: Vec::new(),
            anonymous: values,
        }
    }

    /// `join/1`: the version vector of the whole causal history; the context
    /// a get hands back.
    pub fn join(&self) -> VersionVector<I>
    where
        I: Clone,
    {
        let mut vv = VersionVector::new();
        self.join_into(&mut vv);
        vv
    }

    /// [`join`](Self::join) into an existing vector, reusing its allocation.
    pub fn join_into(&self, vv: &mut VersionVector<I>)
    where
        I: Clone,
    {
        vv.clear();
        vv.extend_in_order(self.slots.iter().map(|s| (s.id.clone(), s.counter)));
    }

    /// `less/2`: whether `self` is causally older than `other`, comparing
    /// counters only (values are not looked at).
    pub fn less(&self, other: &Self) -> bool {
        newer_sides(counters(&other.slots), counters(&self.slots)) == (true, false)
    }

    /// `equal/2`: the same causal history: same ids, same counters and the
    /// same *number* of values per entry; the values themselves and the
    /// anonymous list are ignored.
    pub fn equal(&self, other: &Self) -> bool {
        self.slots == other.slots
    }

    /// `event/3` (private in the reference): a new event by `id` carrying
    /// `value`, without discarding anything.
    pub fn event(&mut self, id: I, value: V) {
        // One entry per replica: a short linear scan.
        let mut start = 0;
        let mut n = 0;
        while n < self.slots.len() && self.slots[n].id < id {
            start += self.slots[n].live;
            n += 1;
        }
        match self.slots.get_mut(n) {
            Some(slot) if slot.id == id => {
                slot.counter += 1;
                slot.live += 1;
            }
            _ => self.slots.insert(
                n,
                Slot {
                    id,
                    counter: 1,
                    live: 1,
                },
            ),
        }
        insert_value(&mut self.values, start, value);
    }

    /// Takes the single anonymous value of a client clock made by `new/1` or
    /// `new/2`.
    fn take_client_value(&mut self) -> V {
        assert!(
            self.anonymous.len() == 1,
            "dvvset update: the client clock must hold exactly one anonymous value (made by new/with_context), it holds {}",
            self.anonymous.len()
        );
        self.anonymous.pop().expect("length checked above")
    }

    /// `update/2`: turns a client clock (from [`new`](Self::new) or
    /// [`with_context`](Self::with_context)) into a stored clock, giving its
    /// value a dot of `id`.
    ///
    /// # Panics
    /// If the client clock does not hold exactly one anonymous value, as
    /// the reference fails its match.
    pub fn update(mut self, id: I) -> Self {
        let value = self.take_client_value();
        self.event(id, value);
        self
    }

    /// `update/3`: the coordinator's put. Syncs the client clock, without its
    /// value, against the replica's clock `server` (discarding what the
    /// client saw), then gives the value a new dot of `id`.
    ///
    /// # Panics
    /// As [`update`](Self::update).
    pub fn update_against(mut self, server: &Self, id: I) -> Self
    where
        I: Clone,
        V: Clone + PartialEq,
    {
        let value = self.take_client_value();
        self.sync(server);
        self.event(id, value);
        self
    }

    /// The coordinator's put done in place on the replica's clock: the same
    /// result as `*self = DvvSet::with_context(ctx, value).update_against(self, id)`
    /// without building the client clock.
    pub fn put(&mut self, ctx: &VersionVector<I>, id: I, value: V)
    where
        I: Clone,
        V: PartialEq,
    {
        self.put_seen(ctx.iter(), id, value);
    }

    /// [`put`](Self::put) with the context given as its `(id, counter)`
    /// pairs in id order, so a caller holding them in another shape (a
    /// [`Context`](super::Context)'s node entries) need not build a vector.
    pub(crate) fn put_seen<'a>(
        &mut self,
        ctx: impl Iterator<Item = (&'a I, u64)> + Clone,
        id: I,
        value: V,
    ) where
        I: Clone + 'a,
        V: PartialEq,
    {
        // The anonymous values, as sync/2 decides them for ({ctx, []}, self);
        // with none stored, every branch leaves them empty.
        if !self.anonymous.is_empty() {
            match newer_sides(ctx.clone(), counters(&self.slots)) {
                (true, false) => self.anonymous.clear(),
                (false, true) => {}
                _ => dedup_in_order(&mut self.anonymous),
            }
        }
        // merge/5 with the client's side holding no values: each entry the
        // context has seen keeps only its values newer than what was seen.
        // Where the writer's entry is, if the context has it (it usually
        // does), so that its event needs no second scan.
        let mut writer = None;
        let mut n = 0;
        let mut start = 0;
        for (cid, seen) in ctx {
            // Usually the context has the clock's entries, so ours at `n`
            // has its id; otherwise skip ours it lacks, or add its entry.
            if !(n < self.slots.len() && self.slots[n].id == *cid) {
                while n < self.slots.len() && self.slots[n].id < *cid {
                    start += self.slots[n].live;
                    n += 1;
                }
                if !(n < self.slots.len() && self.slots[n].id == *cid) {
                    let slot = Slot {
                        id: cid.clone(),
                        counter: seen,
                        live: 0,
                    };
                    self.slots.insert(n, slot);
                    if *cid == id {
                        writer = Some((n, start));
                    }
                    n += 1;
                    continue;
                }
            }
            let slot = &mut self.slots[n];
            // Keep the values newer than `seen` (none when it covers the
            // entry). As a max and a min, not a branch: which way an entry
            // goes is random on the workload, and a mispredicted branch per
            // entry cost more time than its instructions save.
            slot.counter = slot.counter.max(seen);
            let keep = slot.live.min((slot.counter - seen) as usize);
            if keep < slot.live {
                cut_values(&mut self.values, start + keep..start + slot.live);
                slot.live = keep;
            }
            if *cid == id {
                writer = Some((n, start));
            }
            start += keep;
            n += 1;
        }
        match writer {
            // event/3 on the entry found above.
            Some((n, start)) => {
                let slot = &mut self.slots[n];
                slot.counter += 1;
                slot.live += 1;
                insert_value(&mut self.values, start, value);
            }
            None => self.event(id, value),
        }
    }

    /// `sync/2`: merges `other` into `self`. Values one side has seen
    /// superseded by the other are dropped; concurrent ones are kept.
    // Never inlined: inlined into a caller's loop (a replica's, or the
    // kernel bench's replay of puts, gets and syncs), its entry loop kept
    // reloading the caller's spilled registers; out of line the reference
    // workload's replay takes 40.45 M instructions instead of 42.57 M.
    #[inline(never)]
    pub fn sync(&mut self, other: &Self)
    where
        I: Clone,
        V: Clone + PartialEq,
    {
        // With no anonymous values on either side, every branch of the
        // reference leaves none: skip comparing the clocks.
        if !(self.anonymous.is_empty() && other.anonymous.is_empty()) {
            match newer_sides(counters(&other.slots), counters(&self.slots)) {
                // self.less(other)
                (true, false) => self.anonymous.clone_from(&other.anonymous),
                // other.less(self)
                (false, true) => {}
                _ => {
                    dedup_in_order(&mut self.anonymous);
                    for v in &other.anonymous {
                        if !self.anonymous.contains(v) {
                            self.anonymous.push(v.clone());
                        }
                    }
                }
            }
        }
        // Two replicas already in sync (a quarter of the syncs of the
        // reference's workload) have nothing to merge: with the same
        // counters and value counts, merge/5 keeps every entry as it is.
        if self.slots != other.slots {
            self.merge_entries(other);
        }
    }

    /// merge/5 per entry both sides have; an entry only `other` has is
    /// copied over.
    fn merge_entries(&mut self, other: &Self)
    where
        I: Clone,
        V: Clone,
    {
        let mut n = 0;
        let mut start = 0;
        let mut their_start = 0;
        for theirs in &other.slots {
            let their_range = their_start..their_start + theirs.live;
            their_start = their_range.end;
            // Usually both clocks have the same entries, so ours at `n` has
            // `theirs`'s id; otherwise skip ours that `other` lacks, or copy
            // over an entry only `other` has.
            if !(n < self.slots.len() && self.slots[n].id == theirs.id) {
                while n < self.slots.len() && self.slots[n].id < theirs.id {
                    start += self.slots[n].live;
                    n += 1;
                }
                if !(n < self.slots.len() && self.slots[n].id == theirs.id) {
                    self.slots.insert(n, theirs.clone());
                    replace_range(&mut self.values, start..start, &other.values[their_range]);
                    start += theirs.live;
                    n += 1;
                    continue;
                }
            }
            let (mine, their_values) = (&mut self.slots[n], &other.values[their_range]);
            start += merge_entry(&mut self.values, start, mine, theirs, their_values);
            n += 1;
        }
    }

    /// Whether [`sync`](Self::sync)ing `other` into `self` gives exactly
    /// `other`: every entry of `self` is in `other` with a counter no larger
    /// and no value `other` has dropped, and neither side has anonymous
    /// values (a replica that holds nothing newer can take `other` as it is).
    /// False says nothing: the sync may still give `other`.
    pub fn covered_by(&self, other: &Self) -> bool
    where
        V: PartialEq,
    {
        if !(self.anonymous.is_empty() && other.anonymous.is_empty()) {
            return false;
        }
        let mut theirs = other.entries();
        self.entries().all(|mine| {
            // Entries only `other` has are copied over as they are.
            let Some(t) = theirs.find(|t| t.id >= mine.id) else {
                return false;
            };
            let (n1, l1) = (mine.counter, mine.values.len() as u64);
            let (n2, l2) = (t.counter, t.values.len() as u64);
            // merge/5: with n1 == n2 the result keeps `mine`'s values cut
            // to `t`'s length; with n1 < n2 it keeps all of `t`'s exactly
            // when `t` reaches as far back as `mine`.
            t.id == mine.id
                && match n1.cmp(&n2) {
                    std::cmp::Ordering::Equal => {
                        l1 >= l2 && mine.values[..l2 as usize] == *t.values
                    }
                    std::cmp::Ordering::Less => n2 - l2 >= n1 - l1,
                    std::cmp::Ordering::Greater => false,
                }
        })
    }

    /// `sync/1`: syncs a list of clocks; the empty list gives the empty clock.
    pub fn sync_list<'a>(clocks: impl IntoIterator<Item = &'a Self>) -> Self
    where
        I: Clone + 'a,
        V: Clone + PartialEq + 'a,
    {
        let mut all = Self::default();
        for clock in clocks {
            all.sync(clock);
        }
        all
    }

    /// `lww/2`: keeps only the newest value under `less_or_equal`, in its
    /// original place (an entry's head keeps its dot; an anonymous winner
    /// stays anonymous). The causal history is unchanged. A clock with no
    /// values is returned as is.
    pub fn lww(&self, less_or_equal: impl Fn(&V, &V) -> bool) -> Self
    where
        I: Clone,
        V: Clone,
    {
        match self.find_winner(&less_or_equal) {
            None => self.clone(),
            Some(Winner::Anonymous(n)) => self.with_only_anonymous(self.anonymous[n].clone()),
            Some(Winner::Entry { value, slot }) => {
                let mut slots = history(self.counters());
                slots[slot].live = 1;
                DvvSet {
                    slots,
                    values: vec![self.values[value].clone()],
                    anonymous: Vec::new(),
                }
            }
        }
    }

    /// `reconcile/2`: replaces all values by `f(values)`, an anonymous value
    /// over the same causal history.
    pub fn reconcile(&self, f: impl FnOnce(Vec<&V>) -> V) -> Self
    where
        I: Clone,
    {
        self.with_only_anonymous(f(self.values()))
    }

    /// `new(join(C), V)`: the same history, every value replaced by `value`.
    fn with_only_anonymous(&self, value: V) -> Self
    where
        I: Clone,
    {
        DvvSet {
            slots: history(self.counters()),
            values: Vec::new(),
            anonymous: vec![value],
        }
    }
}

/// Entries without values for the `(id, counter)` pairs of a history.
fn history<'a, I: Clone + 'a>(counters: impl Iterator<Item = (&'a I, u64)>) -> Vec<Slot<I>> {
    counters
        .map(|(id, counter)| Slot {
            id: id.clone(),
            counter,
            live: 0,
        })
        .collect()
}

/// The `(id, counter)` pairs of some entries.
fn counters<I>(slots: &[Slot<I>]) -> impl ExactSizeIterator<Item = (&I, u64)> + Clone + '_ {
    slots.iter().map(|s| (&s.id, s.counter))
}

/// `greater/3` of the reference, both ways in one pass over `a` and `b`
/// (given as `(id, counter)` in id order): whether `a` has something `b`
/// lacks (an id `b` lacks, whatever its counter, or a larger counter), and
/// the same for `b`. `a` is strictly newer than `b` (`greater(a, b)`)
/// exactly when this is `(true, false)`.
fn newer_sides<'a, 'b, I: Ord + 'a + 'b>(
    a: impl Iterator<Item = (&'a I, u64)>,
    b: impl Iterator<Item = (&'b I, u64)>,
) -> (bool, bool) {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let (mut a_newer, mut b_newer) = (false, false);
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => return (a_newer, b_newer),
            (Some(_), None) => return (true, b_newer),
            (None, Some(_)) => return (a_newer, true),
            (Some(&(ia, na)), Some(&(ib, nb))) => match ia.cmp(ib) {
                std::cmp::Ordering::Equal => {
                    a_newer |= na > nb;
                    b_newer |= na < nb;
                    a.next();
                    b.next();
                }
                std::cmp::Ordering::Less => {
                    a_newer = true;
                    a.next();
                }
                std::cmp::Ordering::Greater => {
                    b_newer = true;
                    b.next();
                }
            },
        }
        if a_newer && b_newer {
            return (true, true);
        }
    }
}

/// merge/5 of our entry `mine`, whose values start at `start` in `values`,
/// with `theirs`, whose values are `their_values`: `mine` and its values
/// become the merged entry. Returns its number of values.
// Inlined into the entry loop: as a call per merged entry (135,000 a
// replay of the reference's workload) it cost about 3 M instructions a
// replay (45.5 M against 42.6 M, callgrind, session 10).
#[inline(always)]
fn merge_entry<I, V: Clone>(
    values: &mut Vec<V>,
    start: usize,
    mine: &mut Slot<I>,
    theirs: &Slot<I>,
    their_values: &[V],
) -> usize {
    let (n1, l1) = (mine.counter, mine.live as u64);
    let (n2, l2) = (theirs.counter, theirs.live as u64);
    if n1 >= n2 {
        // Ours is at least as new: keep our values, less those `theirs`
        // had already seen superseded.
        if n1 - l1 < n2 - l2 {
            let keep = (n1 - n2 + l2) as usize;
            cut_values(values, start + keep..start + mine.live);
            mine.live = keep;
        }
    } else {
        // Theirs is newer: take its values, less those we had already seen
        // superseded.
        let keep = (if n2 - l2 >= n1 - l1 { l2 } else { n2 - n1 + l1 }) as usize;
        mine.counter = n2;
        replace_range(values, start..start + mine.live, &their_values[..keep]);
        mine.live = keep;
    }
    mine.live
}

/// Replaces `values[range]` by copies of `with`, reusing the places both
/// have and shifting the values after the range once.
fn replace_range<V: Clone>(values: &mut Vec<V>, range: Range<usize>, with: &[V]) {
    let common = range.len().min(with.len());
    values[range.start..range.start + common].clone_from_slice(&with[..common]);
    if common < range.len() {
        cut_values(values, range.start + common..range.end);
    } else {
        // Inserting one at a time: `splice` costs over a hundred
        // instructions a call, and a sync adds a value or two to an entry.
        for (k, v) in with[common..].iter().enumerate() {
            insert_value(values, range.end + k, v.clone());
        }
    }
}

/// How many values a shift moves as one fixed-size block: 64 bytes' worth.
/// A shift of a few values through `memmove` pays the call and its
/// dispatch on the length, whose branches the workload's random lengths
/// mispredict; a block of a size known when compiling is a few vector
/// loads and stores with no branch.
const fn block_len<V>() -> usize {
    let size = std::mem::size_of::<V>();
    if size == 0 || size > 64 {
        1
    } else {
        64 / size
    }
}

/// Moves `count` values within `values`' allocation from place `from` to
/// place `to` (the ranges may overlap): as one block of [`block_len`]
/// values when `count` fits in one and the block stays inside the
/// allocation, by `ptr::copy` of `count` otherwise. The buffer is never
/// grown for a block: a clock copied fresh (its capacity its length)
/// shifts value by value until it grows as `Vec` grows it.
///
/// # Safety
/// `from + count` and `to + count` must be within the allocation's
/// capacity. Places past `count` that a block moves hold whatever was
/// there (spare capacity, or values the caller treats as moved out).
#[inline(always)]
unsafe fn move_block<V>(values: &mut Vec<V>, from: usize, to: usize, count: usize) {
    let block = block_len::<V>();
    let fits = count <= block && from.max(to) + block <= values.capacity();
    let base = values.as_mut_ptr();
    // SAFETY: either the block, checked above, or the caller's `count` is
    // inside the allocation; a move is a bitwise copy for every `V`, so
    // copying places past `count` (uninitialised or stale) creates no
    // value and drops nothing.
    unsafe {
        std::ptr::copy(
            base.add(from),
            base.add(to),
            if fits { block } else { count },
        )
    }
}

/// `values.insert(at, value)`, shifting by [`move_block`].
#[inline]
fn insert_value<V>(values: &mut Vec<V>, at: usize, value: V) {
    let len = values.len();
    assert!(at <= len, "insert_value: a place past the values' end");
    values.reserve(1);
    // SAFETY: `reserve` leaves room for `len + 1` values, so `at..len`
    // moved to `at + 1..` stays inside the allocation; place `at` is then
    // written before the length grows.
    unsafe {
        move_block(values, at, at + 1, len - at);
        std::ptr::write(values.as_mut_ptr().add(at), value);
        values.set_len(len + 1);
    }
}

/// `values.drain(range)`, shifting by [`move_block`].
#[inline]
fn cut_values<V>(values: &mut Vec<V>, range: Range<usize>) {
    let len = values.len();
    assert!(
        range.start <= range.end && range.end <= len,
        "cut_values: a range outside the values"
    );
    // SAFETY: the length is cut to `range.start` first, so a panicking
    // drop leaks the tail rather than dropping anything twice; the cut
    // values are dropped once, then the tail, `len - range.end` values, is
    // moved down and the length set to cover exactly it.
    unsafe {
        values.set_len(range.start);
        let cut =
            std::ptr::slice_from_raw_parts_mut(values.as_mut_ptr().add(range.start), range.len());
        std::ptr::drop_in_place(cut);
        let tail = len - range.end;
        move_block(values, range.end, range.start, tail);
        values.set_len(range.start + tail);
    }
}

/// Removes repeated values, keeping first occurrences in order (the
/// reference's `sets:from_list`, with a deterministic order).
fn dedup_in_order<V: PartialEq>(values: &mut Vec<V>) {
    let mut n = 1;
    while n < values.len() {
        if values[..n].contains(&values[n]) {
            values.remove(n);
        } else {
            n += 1;
        }
    }
}

impl<I: fmt::Display, V: fmt::Display> fmt::Display for DvvSet<I, V> {
    /// `{[{a,4,[5,2]},{b,1,[]}],[10]}`: the reference's Erlang term.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids and values are written with `f` itself (no nested `write!`,
        // which costs more than the text): a width or precision meant for
        // the whole term must not reach them, so a padded term is written
        // whole first.
        if f.width().is_some() || f.precision().is_some() {
            return f.pad(&Term(self).to_string());
        }
        Term(self).fmt(f)
    }
}

/// A DVVSet's Erlang term, written with the formatter's flags left alone.
struct Term<'a, I, V>(&'a DvvSet<I, V>);

impl<I: fmt::Display, V: fmt::Display> fmt::Display for Term<'_, I, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{[")?;
        write_joined(f, self.0.entries(), ",", |f, e| {
            f.write_str("{")?;
            e.id.fmt(f)?;
            f.write_str(",")?;
            write_decimal(f, e.counter)?;
            f.write_str(",[")?;
            write_joined(f, e.values, ",", |f, v| v.fmt(f))?;
            f.write_str("]}")
        })?;
        f.write_str("],[")?;
        write_joined(f, &self.0.anonymous, ",", |f, v| v.fmt(f))?;
        f.write_str("]}")
    }
}

impl<I, V> FromStr for DvvSet<I, V>
where
    I: FromStr + Ord,
    I::Err: fmt::Display,
    V: FromStr,
    V::Err: fmt::Display,
{
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(s);
        cur.expect('{', "'{' opening a dvvset")?;
        let entries = cur.list('[', ']', "'[' opening the entries", |cur| {
            cur.expect('{', "'{' opening an entry")?;
            let id = cur.atom("id")?;
            cur.expect(',', "',' after the entry's id")?;
            let counter = cur.atom("counter")?;
            cur.expect(',', "',' after the entry's counter")?;
            let values = cur.list('[', ']', "'[' opening the entry's values", |cur| {
                cur.atom("value")
            })?;
            cur.expect('}', "'}' closing an entry")?;
            Ok((id, counter, values))
        })?;
        cur.expect(',', "',' before the anonymous values")?;
        let anonymous = cur.list('[', ']', "'[' opening the anonymous values", |cur| {
            cur.atom("value")
        })?;
        cur.expect('}', "'}' closing the dvvset")?;
        cur.finish()?;
        DvvSet::from_parts(entries, anonymous)
    }
}

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
//! - `values`: one buffer cut into one *region* per entry, all of the same
//!   length (`region_len`, a power of two: as many places as the longest
//!   entry has needed, rounded up). Entry `k`'s live values are the first
//!   `live` places of region `k`, newest first; the places after them hold
//!   *stale* values, ones the entry held before, or copies of a value put
//!   there to fill the region. Nothing reads a stale place as a value.
//!
//! What each operation then does to the values:
//!
//! - a put's context, or a sync, cutting an entry's values lowers its count:
//!   the cut values stay where they are, stale, and nothing moves;
//! - a new event shifts its entry's region one place on (the last, stale
//!   place dropped) and writes the value first: a move of the region's
//!   length, whatever the counts are (a constant for a region of 64 bytes);
//! - a sync taking the newer side's values copies that entry's whole region
//!   over ours, stale places included, rather than the number it keeps;
//! - a clock left equal to its peer after a sync (`clone_from`) copies the
//!   slots and the buffer into the ones it has: no allocation once its
//!   buffers are large enough.
//!
//! The regions grow (to the next power of two, every region at once) when an
//! event finds its entry's region full, or a sync meets longer regions; an
//! entry is inserted with a region of its own. Both lay the buffer out
//! again, the only times values move between regions. Regions never shrink.
//!
//! This layout exists for one measured reason: on the reference's workload
//! the time went to branches the workload makes random (how many values a
//! cut leaves, how many a shift moves, which side of a sync is newer), not
//! to instructions. With counts lowered in place and moves of a fixed
//! length, a put and a sync decide almost nothing per value; the replay
//! went from about 4.6 ms to 3.4 ms (issue 20, session 12: docs/size.md,
//! "The kernel on the reference's workload").
//!
//! Equality, hashing, `Debug`, the text and serde forms see the live values
//! only: two clocks with the same entries, live values and anonymous values
//! are equal whatever their stale places and region lengths hold. The flat
//! layout never shows outside this file ([`Entry`] is a borrowed view).
//!
//! ## CAVEATS
//!
//! - A stale value is kept alive until its place is overwritten or the
//!   clock goes: memory is entries × `region_len` values a clock, not its
//!   [`size`](DvvSet::size) (`stored_len` counts it), and an `Rc<str>`
//!   value cut from a clock keeps its text until then. Regions never
//!   shrink, so one entry that once held 100 siblings keeps every entry's
//!   region 128 places long while the clock lives.
//! - So that a hostile clock cannot ask for entries × a long region,
//!   [`from_parts`](DvvSet::from_parts) (which text and serde go through)
//!   refuses a clock that would take more than 64 places per entry and
//!   value given, or 65,536, whichever is more. Clocks grown by operations
//!   are not capped here: their entries are the replicas that coordinated a
//!   write and those a put's context named (at most
//!   `node::client::CONTEXT_ENTRIES_MAX` a put), and their values at most
//!   one per put that made a sibling.
//! - A new entry, or longer regions, lay every region out again: linear in
//!   the buffer, rare (an entry is added once per replica and key).
//! - The shift of a region is the kernel's only `unsafe` (`shift_in`): a
//!   `ptr::read` of the last place, one `ptr::copy` of the others, a
//!   `ptr::write` of the new value. `rotate_right` and `Vec::insert`
//!   dispatch on the length at run time, which the workload makes random.
//!   `tests/dvvset_model.rs` counts every value alive after every step,
//!   with values of two sizes (regions of one block and of other lengths).
//! - `values/1`, `size/1` and `map/2` walk the entries (few) rather than
//!   reading one buffer.
//! - The tries measured and rejected, the profile and the floor:
//!   docs/size.md, "The kernel on the reference's workload".

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::DerefMut;
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

/// An entry as stored: its values are the first `live` places of its region.
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
#[derive(Deserialize)]
#[serde(try_from = "RawDvvSet<I, V>")]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>, V: Clone + Deserialize<'de>"))]
pub struct DvvSet<I, V> {
    /// The entries, sorted by id.
    slots: Vec<Slot<I>>,
    /// One region of `region_len` places per entry, in entry order: entry
    /// `k`'s live values are the first `slots[k].live` places of its region,
    /// newest first; the places after them hold stale values.
    values: Vec<V>,
    /// The places of each entry's region: 0 while no entry has ever held a
    /// value, else a power of two, as many as the longest entry has needed.
    region_len: usize,
    /// The values without a dot.
    anonymous: Vec<V>,
}

/// `clone_from` reuses the clock's buffers.
impl<I: Clone, V: Clone> Clone for DvvSet<I, V> {
    fn clone(&self) -> Self {
        DvvSet {
            slots: self.slots.clone(),
            values: self.values.clone(),
            region_len: self.region_len,
            anonymous: self.anonymous.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        clone_into(&mut self.slots, &source.slots);
        self.values.clone_from(&source.values);
        self.region_len = source.region_len;
        clone_into(&mut self.anonymous, &source.anonymous);
    }
}

/// `to.clone_from(from)` with a shortcut for the common case of a replica
/// copying a clock of its own shape (as many entries, as many anonymous
/// values): each element cloned over its place, skipping the general
/// truncate-and-extend path, which costs several times more on a few
/// elements. The values buffer takes `Vec::clone_from` (one `memcpy` for
/// `Copy` values): its length is the regions', the same for both clocks of
/// a sync once their regions are laid out alike.
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

/// Equal clocks have the same entries, live values and anonymous values;
/// the stale places and the regions' length are not compared.
impl<I: PartialEq, V: PartialEq> PartialEq for DvvSet<I, V> {
    fn eq(&self, other: &Self) -> bool {
        self.slots == other.slots
            && self.anonymous == other.anonymous
            && (0..self.slots.len()).all(|k| self.live(k) == other.live(k))
    }
}

impl<I: Eq, V: Eq> Eq for DvvSet<I, V> {}

/// Hashes what [`PartialEq`] compares.
impl<I: Hash, V: Hash> Hash for DvvSet<I, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.slots.hash(state);
        for k in 0..self.slots.len() {
            self.live(k).hash(state);
        }
        self.anonymous.hash(state);
    }
}

/// `DvvSet { entries: [Entry { .. }, ..], anonymous: [..] }`: the live
/// values only.
impl<I: fmt::Debug, V: fmt::Debug> fmt::Debug for DvvSet<I, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DvvSet")
            .field("entries", &Entries(self))
            .field("anonymous", &self.anonymous)
            .finish()
    }
}

/// A clock's entries as a sequence of [`Entry`], for serde and `Debug`.
struct Entries<'a, I, V>(&'a DvvSet<I, V>);

impl<I: Serialize, V: Serialize> Serialize for Entries<'_, I, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.entries())
    }
}

impl<I: fmt::Debug, V: fmt::Debug> fmt::Debug for Entries<'_, I, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.entries()).finish()
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

impl<I: Ord, V: Clone> TryFrom<RawDvvSet<I, V>> for DvvSet<I, V> {
    type Error = ParseError;
    fn try_from(raw: RawDvvSet<I, V>) -> Result<Self, ParseError> {
        let entries = raw.entries.into_iter().map(|e| (e.id, e.counter, e.values));
        DvvSet::from_parts(entries.collect(), raw.anonymous)
    }
}

impl<I: Serialize, V: Serialize> Serialize for DvvSet<I, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
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
            region_len: 0,
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

/// The most places a clock built from its parts may lay out: 64 per entry
/// and value of the parts, or 65,536, whichever is more. Regions are as
/// long as the longest entry, so a hostile clock of many empty entries and
/// one long one (a few kilobytes of text) would otherwise ask for a region
/// per entry as long as that one, gigabytes; a clock the simulator or a
/// server keeps is far inside both bounds.
fn places_allowed(entries: usize, values: usize) -> usize {
    entries
        .saturating_add(values)
        .saturating_mul(64)
        .max(1 << 16)
}

/// The region length that holds `live` values: the next power of two;
/// `usize::MAX` past it (which no buffer reaches, and
/// [`DvvSet::from_parts`] refuses). No longer than that: every place is a
/// live value, a stale one or a filler copy, kept alive, and for `Rc<str>`
/// values counted on every copy and drop of the clock. (Regions of at
/// least one 64-byte block, four places for an `Rc<str>`, kept four values
/// an entry where the simulator's clocks hold about one, for no gain in the
/// kernel bench, whose regions reach 16 `u32`s anyway: session 12.)
fn region_len_for(live: usize) -> usize {
    live.checked_next_power_of_two().unwrap_or(usize::MAX)
}

impl<I, V> DvvSet<I, V> {
    /// The entries, sorted by id.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Entry<'_, I, V>> + Clone + '_ {
        self.slots.iter().enumerate().map(move |(k, slot)| Entry {
            id: &slot.id,
            counter: slot.counter,
            values: self.live(k),
        })
    }

    /// Entry `k`'s live values, newest first.
    fn live(&self, k: usize) -> &[V] {
        let start = k * self.region_len;
        &self.values[start..start + self.slots[k].live]
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
        self.slots.iter().map(|s| s.live).sum::<usize>() + self.anonymous.len()
    }

    /// How many values the clock keeps alive: the anonymous ones and every
    /// place of the entries' regions, stale ones included (at least
    /// [`size`](Self::size); see the module docs).
    pub fn stored_len(&self) -> usize {
        self.values.len() + self.anonymous.len()
    }

    /// `ids/1`: the ids of all entries, in order.
    pub fn ids(&self) -> Vec<&I> {
        self.slots.iter().map(|s| &s.id).collect()
    }

    /// `values/1`: the anonymous values, then each entry's values (newest
    /// first), entries in id order.
    pub fn values(&self) -> Vec<&V> {
        // A loop, not a chain of iterators collected: the chain's
        // `size_hint` and `next` cost the app over 700 bytes (twiggy).
        let mut all = Vec::with_capacity(self.size());
        all.extend(&self.anonymous);
        for k in 0..self.slots.len() {
            all.extend(self.live(k));
        }
        all
    }

    /// `find_entry/2` of the reference: the greatest value under
    /// `less_or_equal`, among the newest value of each entry and then every
    /// anonymous value; on ties the later one wins.
    fn find_winner(&self, less_or_equal: &impl Fn(&V, &V) -> bool) -> Option<Winner> {
        let heads = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.live > 0)
            .map(|(slot, _)| {
                let value = slot * self.region_len;
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

impl<I, V: Clone> DvvSet<I, V> {
    /// `map/2`: applies `f` to every value, keeping the causal history
    /// (entries' values first, in `values/1` order, then the anonymous ones).
    pub fn map<W: Clone>(self, mut f: impl FnMut(V) -> W) -> DvvSet<I, W> {
        let DvvSet {
            slots,
            values,
            region_len,
            anonymous,
        } = self;
        // Only the live places: a stale value is never shown to `f`.
        let live = values
            .into_iter()
            .enumerate()
            .filter(|(place, _)| place % region_len < slots[place / region_len].live)
            .map(|(_, v)| f(v))
            .collect();
        DvvSet::laid_out(slots, live, anonymous.into_iter().map(f).collect())
    }

    /// A clock of `slots` whose live values are `live`, entry after entry,
    /// each newest first, in regions as long as the longest entry needs.
    fn laid_out(slots: Vec<Slot<I>>, live: Vec<V>, anonymous: Vec<V>) -> Self {
        assert!(
            slots.iter().map(|s| s.live).sum::<usize>() == live.len(),
            "laid_out: the entries' counts must add up to the live values"
        );
        let mut set = DvvSet {
            slots,
            anonymous,
            ..DvvSet::default()
        };
        let Some(filler) = live.first().cloned() else {
            return set;
        };
        let longest = set.slots.iter().map(|s| s.live).max().unwrap_or(0);
        set.region_len = region_len_for(longest);
        set.values.reserve_exact(set.slots.len() * set.region_len);
        let mut live = live.into_iter();
        for (k, slot) in set.slots.iter().enumerate() {
            set.values.extend(live.by_ref().take(slot.live));
            set.values.resize((k + 1) * set.region_len, filler.clone());
        }
        set
    }

    /// Lays the regions out again, `region_len` places each, with an empty
    /// region for the entry just inserted at `inserted`, if any; new places
    /// hold copies of `filler`.
    fn lay_out_again(&mut self, region_len: usize, inserted: Option<usize>, filler: &V) {
        assert!(
            region_len >= self.region_len,
            "lay_out_again: regions never shrink"
        );
        let old_len = self.region_len;
        self.values
            .resize(self.slots.len() * region_len, filler.clone());
        // From the last region down, each value moves only up (to a place
        // at least its own), so no value still to move is overwritten.
        let moved = self.slots.len() - usize::from(inserted.is_some());
        for k in (0..moved).rev() {
            let to = k + usize::from(inserted.is_some_and(|n| n <= k));
            for j in (0..self.slots[to].live).rev() {
                self.values.swap(k * old_len + j, to * region_len + j);
            }
        }
        self.region_len = region_len;
    }

    /// Inserts `slot` (with no live value) at `n`, with an empty region
    /// whose places hold copies of `filler` or, without one, of a value of
    /// the clock's (a clock with regions of no entry, in the middle of a
    /// sync, has none).
    fn insert_slot(&mut self, n: usize, slot: Slot<I>, filler: Option<&V>) {
        assert!(slot.live == 0, "insert_slot: a new entry starts empty");
        self.slots.insert(n, slot);
        if self.region_len > 0 {
            let filler = filler
                .or(self.values.first())
                .expect("insert_slot: a value to fill the new region with")
                .clone();
            self.lay_out_again(self.region_len, Some(n), &filler);
        }
    }

    /// Puts `value` at the head of entry `k`'s values (its new newest),
    /// growing the regions first when the entry's is full.
    fn push_head(&mut self, k: usize, value: V) {
        let live = self.slots[k].live;
        if live == self.region_len {
            self.lay_out_again(region_len_for(live + 1), None, &value);
        }
        let start = k * self.region_len;
        shift_in(&mut self.values[start..start + self.region_len], value);
        self.slots[k].live = live + 1;
    }
}

impl<I: Ord, V: Clone> DvvSet<I, V> {
    /// Builds a clock from its parts, `(id, counter, values newest first)`
    /// per entry, checking the representation: ids strictly increasing, no
    /// entry with more values than its counter, and, laid out, no more
    /// places than 64 per entry and value given, or 65,536 (see the module
    /// docs' CAVEATS).
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
        let total: usize = entries.iter().map(|(_, _, values)| values.len()).sum();
        let longest = entries.iter().map(|(_, _, values)| values.len()).max();
        let places = match longest {
            Some(longest) if total > 0 => region_len_for(longest).checked_mul(entries.len()),
            _ => Some(0),
        };
        let allowed = places_allowed(entries.len(), total);
        if places.is_none_or(|places| places > allowed) {
            let reason = format!(
                "{} entries with up to {} values each would take more than the {allowed} places a clock of this size may hold",
                entries.len(),
                longest.unwrap_or(0),
            );
            return Err(ParseError::Invalid { reason });
        }
        let mut slots = Vec::with_capacity(entries.len());
        let mut live = Vec::with_capacity(total);
        for (id, counter, values) in entries {
            slots.push(Slot {
                id,
                counter,
                live: values.len(),
            });
            live.extend(values);
        }
        Ok(Self::laid_out(slots, live, anonymous))
    }
}

impl<I: Ord, V> DvvSet<I, V> {
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
            anonymous: values,
            ..DvvSet::default()
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
            anonymous: vec![value],
            ..DvvSet::default()
        }
    }
}

impl<I: Ord, V: Clone> DvvSet<I, V> {
    /// `event/3` (private in the reference): a new event by `id` carrying
    /// `value`, without discarding anything.
    pub fn event(&mut self, id: I, value: V) {
        // One entry per replica: a short linear scan.
        let n = self
            .slots
            .iter()
            .position(|s| s.id >= id)
            .unwrap_or(self.slots.len());
        if self.slots.get(n).is_none_or(|s| s.id != id) {
            let slot = Slot {
                id,
                counter: 0,
                live: 0,
            };
            self.insert_slot(n, slot, None);
        }
        self.slots[n].counter += 1;
        self.push_head(n, value);
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
        V: PartialEq,
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
        for (cid, seen) in ctx {
            // Usually the context has the clock's entries, so ours at `n`
            // has its id; otherwise skip ours it lacks, or add its entry.
            if !(n < self.slots.len() && self.slots[n].id == *cid) {
                while n < self.slots.len() && self.slots[n].id < *cid {
                    n += 1;
                }
                if !(n < self.slots.len() && self.slots[n].id == *cid) {
                    let slot = Slot {
                        id: cid.clone(),
                        counter: seen,
                        live: 0,
                    };
                    self.insert_slot(n, slot, None);
                    if *cid == id {
                        writer = Some(n);
                    }
                    n += 1;
                    continue;
                }
            }
            let slot = &mut self.slots[n];
            // Keep the values newer than `seen` (none when it covers the
            // entry): the cut values stay in their places, stale. As a max
            // and a min, not a branch: which way an entry goes is random on
            // the workload, and a mispredicted branch per entry cost more
            // time than its instructions save.
            slot.counter = slot.counter.max(seen);
            slot.live = (slot.live as u64).min(slot.counter - seen) as usize;
            if *cid == id {
                writer = Some(n);
            }
            n += 1;
        }
        match writer {
            // event/3 on the entry found above.
            Some(n) => {
                self.slots[n].counter += 1;
                self.push_head(n, value);
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
        V: PartialEq,
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
    {
        // Regions at least as long as `other`'s, so that every merged
        // entry fits in its region.
        if other.region_len > self.region_len {
            let filler = other.values[0].clone();
            self.lay_out_again(other.region_len, None, &filler);
        }
        let mut n = 0;
        for (t, theirs) in other.slots.iter().enumerate() {
            let their_region = &other.values[t * other.region_len..(t + 1) * other.region_len];
            // Usually both clocks have the same entries, so ours at `n` has
            // `theirs`'s id; otherwise skip ours that `other` lacks, or copy
            // over an entry only `other` has.
            if !(n < self.slots.len() && self.slots[n].id == theirs.id) {
                while n < self.slots.len() && self.slots[n].id < theirs.id {
                    n += 1;
                }
                if !(n < self.slots.len() && self.slots[n].id == theirs.id) {
                    let slot = Slot {
                        id: theirs.id.clone(),
                        counter: theirs.counter,
                        live: 0,
                    };
                    self.insert_slot(n, slot, other.values.first());
                    let region = n * self.region_len..(n + 1) * self.region_len;
                    copy_region(&mut self.values[region], their_region, theirs.live);
                    self.slots[n].live = theirs.live;
                    n += 1;
                    continue;
                }
            }
            let region = n * self.region_len..(n + 1) * self.region_len;
            let mine = &mut self.slots[n];
            merge_entry(mine, &mut self.values[region], theirs, their_region);
            n += 1;
        }
    }

    /// `sync/1`: syncs a list of clocks; the empty list gives the empty clock.
    pub fn sync_list<'a>(clocks: impl IntoIterator<Item = &'a Self>) -> Self
    where
        I: Clone + 'a,
        V: PartialEq + 'a,
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
    {
        match self.find_winner(&less_or_equal) {
            None => self.clone(),
            Some(Winner::Anonymous(n)) => self.with_only_anonymous(self.anonymous[n].clone()),
            Some(Winner::Entry { value, slot }) => {
                let mut slots = history(self.counters());
                slots[slot].live = 1;
                DvvSet::laid_out(slots, vec![self.values[value].clone()], Vec::new())
            }
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

/// merge/5 of our entry `mine`, whose region is `region`, with `theirs`,
/// whose region is `their_region` (no longer than ours): `mine` and its
/// region become the merged entry. Only a newer `theirs` moves values; a
/// cut of ours lowers its count, leaving the cut values stale.
// Inlined into the entry loop: as a call per merged entry (135,000 a
// replay of the reference's workload) it cost about 3 M instructions a
// replay (45.5 M against 42.6 M, callgrind, session 10).
#[inline(always)]
fn merge_entry<I, V: Clone>(
    mine: &mut Slot<I>,
    region: &mut [V],
    theirs: &Slot<I>,
    their_region: &[V],
) {
    let (n1, l1) = (mine.counter, mine.live as u64);
    let (n2, l2) = (theirs.counter, theirs.live as u64);
    if n1 >= n2 {
        // Ours is at least as new: keep our values, less those `theirs`
        // had already seen superseded (`l2 <= n2`, so no overflow).
        mine.live = l1.min(n1 - n2 + l2) as usize;
    } else {
        // Theirs is newer: take its values, less those we had already seen
        // superseded.
        let keep = l2.min(n2 - n1 + l1) as usize;
        mine.counter = n2;
        copy_region(region, their_region, keep);
        mine.live = keep;
    }
}

/// Copies at least the first `keep` places of `from` over `to` (at least
/// as long). Two regions of the same length are copied whole, places past
/// `keep` included: a length that changes only when the regions grow (a
/// constant for one [`block_len`]), where a copy of `keep` values would
/// branch on the workload's random counts.
#[inline(always)]
fn copy_region<V: Clone>(to: &mut [V], from: &[V], keep: usize) {
    let block = block_len::<V>();
    if to.len() == block && from.len() == block {
        to[..block].clone_from_slice(&from[..block]);
    } else if to.len() == from.len() {
        to.clone_from_slice(from);
    } else {
        to[..keep].clone_from_slice(&from[..keep]);
    }
}

/// 64 bytes' worth of values (16 `u32`s, the length the kernel bench's
/// regions reach): a region of this length is shifted and copied with a
/// length known when compiling, a few vector loads and stores with no
/// branch. Other regions move by `ptr::copy` of their length, which a clock
/// keeps until its regions grow, so `memmove`'s dispatch on it predicts
/// well; it is moves of the workload's random counts that mispredict.
const fn block_len<V>() -> usize {
    let size = std::mem::size_of::<V>();
    if size == 0 || size > 64 {
        1
    } else {
        64 / size
    }
}

/// Puts `value` first in `region`, moving every place one on and dropping
/// the value of the last place (stale: the caller leaves room).
///
/// The kernel's only `unsafe`, for a measured reason: a region is shifted
/// by one `ptr::copy` of its length less one (known when compiling for a
/// one-[`block_len`] region), never of its live count; `rotate_right` or
/// `Vec::insert` move the live values, a count the workload makes random
/// (see the module docs).
#[inline(always)]
fn shift_in<V>(region: &mut [V], value: V) {
    let len = region.len();
    assert!(len > 0, "shift_in: an empty region");
    let block = block_len::<V>();
    let base = region.as_mut_ptr();
    // SAFETY: every place of `region` is initialised. The last one is read
    // out first, so that the copy of places `0..len - 1` to `1..len` (a
    // bitwise move within the slice) overwrites nothing that is not also
    // somewhere else; place 0, then a duplicate of place 1, is overwritten
    // by `value` without a drop, and the read-out value is dropped once,
    // after every place holds a value again (a panicking drop leaves the
    // region whole).
    unsafe {
        let last = std::ptr::read(base.add(len - 1));
        let count = if len == block { block - 1 } else { len - 1 };
        std::ptr::copy(base, base.add(1), count);
        std::ptr::write(base, value);
        drop(last);
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
    V: FromStr + Clone,
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

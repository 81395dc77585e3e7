//! `DvvSet`: the compact dotted version vector set of `dvvset.erl`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::text::{write_decimal, write_joined, Cursor, ParseError};
use super::vv::VersionVector;

/// One entry of a [`DvvSet`]: everything `id` has coordinated.
///
/// `counter` counts all of `id`'s events; `values` holds the ones still live,
/// newest first, so `values[k]` carries the dot `(id, counter - k)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry<I, V> {
    /// The replica that made these events.
    pub id: I,
    /// How many events `id` has made (the version vector entry).
    pub counter: u64,
    /// The live values, newest first; never more than `counter` of them.
    pub values: Vec<V>,
}

/// A set of concurrent values (siblings) with their causal history, in the
/// compact form of `dvvset.erl`: entries sorted by id, plus an anonymous list
/// of values that carry no dot (see the module docs).
///
/// Text form (Display / FromStr), the Erlang term of the reference:
/// `{[{a,4,[5,2]},{b,1,[]}],[10]}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawDvvSet<I, V>")]
#[serde(bound(
    serialize = "I: Serialize, V: Serialize",
    deserialize = "I: Ord + Deserialize<'de>, V: Deserialize<'de>"
))]
pub struct DvvSet<I, V> {
    entries: Vec<Entry<I, V>>,
    anonymous: Vec<V>,
}

/// The unchecked serde shape of a [`DvvSet`].
#[derive(Deserialize)]
struct RawDvvSet<I, V> {
    entries: Vec<Entry<I, V>>,
    anonymous: Vec<V>,
}

impl<I: Ord, V> TryFrom<RawDvvSet<I, V>> for DvvSet<I, V> {
    type Error = ParseError;
    fn try_from(raw: RawDvvSet<I, V>) -> Result<Self, ParseError> {
        DvvSet::from_parts(raw.entries, raw.anonymous)
    }
}

impl<I, V> Default for DvvSet<I, V> {
    /// The empty clock: no history, no values (the reference's `{}` seed of
    /// `sync/1`).
    fn default() -> Self {
        DvvSet {
            entries: Vec::new(),
            anonymous: Vec::new(),
        }
    }
}

/// Which value [`DvvSet::last`] picked: the head of an entry or an
/// anonymous value.
enum Winner {
    Entry(usize),
    Anonymous(usize),
}

impl<I, V> DvvSet<I, V> {
    /// The entries, sorted by id.
    pub fn entries(&self) -> &[Entry<I, V>] {
        &self.entries
    }

    /// The anonymous values (values without a dot).
    pub fn anonymous(&self) -> &[V] {
        &self.anonymous
    }

    /// `size/1`: the number of values, anonymous ones included.
    pub fn size(&self) -> usize {
        self.entries.iter().map(|e| e.values.len()).sum::<usize>() + self.anonymous.len()
    }

    /// `ids/1`: the ids of all entries, in order.
    pub fn ids(&self) -> Vec<&I> {
        self.entries.iter().map(|e| &e.id).collect()
    }

    /// `values/1`: the anonymous values, then each entry's values (newest
    /// first), entries in id order.
    pub fn values(&self) -> Vec<&V> {
        self.anonymous
            .iter()
            .chain(self.entries.iter().flat_map(|e| &e.values))
            .collect()
    }

    /// `map/2`: applies `f` to every value, keeping the causal history.
    pub fn map<W>(self, mut f: impl FnMut(V) -> W) -> DvvSet<I, W> {
        let entries = self
            .entries
            .into_iter()
            .map(|e| Entry {
                id: e.id,
                counter: e.counter,
                values: e.values.into_iter().map(&mut f).collect(),
            })
            .collect();
        DvvSet {
            entries,
            anonymous: self.anonymous.into_iter().map(f).collect(),
        }
    }

    /// `find_entry/2` of the reference: the greatest value under
    /// `less_or_equal`, among the newest value of each entry and then every
    /// anonymous value; on ties the later one wins.
    fn find_winner(&self, less_or_equal: &impl Fn(&V, &V) -> bool) -> Option<Winner> {
        let heads = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(n, e)| Some((Winner::Entry(n), e.values.first()?)));
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
            Winner::Entry(n) => &self.entries[n].values[0],
            Winner::Anonymous(n) => &self.anonymous[n],
        })
    }
}

impl<I: Ord, V> DvvSet<I, V> {
    /// Builds a clock from its parts, checking the representation: ids
    /// strictly increasing, and no entry with more values than its counter.
    pub fn from_parts(entries: Vec<Entry<I, V>>, anonymous: Vec<V>) -> Result<Self, ParseError> {
        if let Some(n) = entries.windows(2).position(|w| w[0].id >= w[1].id) {
            let reason = format!("entry ids must be strictly increasing (entry {})", n + 2);
            return Err(ParseError::Invalid { reason });
        }
        if let Some(n) = entries
            .iter()
            .position(|e| e.values.len() as u64 > e.counter)
        {
            let e = &entries[n];
            let reason = format!(
                "entry {} has {} values but counter {}",
                n + 1,
                e.values.len(),
                e.counter
            );
            return Err(ParseError::Invalid { reason });
        }
        Ok(DvvSet { entries, anonymous })
    }

    /// `new/1`: one value, no causal history (goes to the anonymous list).
    pub fn new(value: V) -> Self {
        Self::new_list(vec![value])
    }

    /// `new_list/1`: several values, no causal history.
    pub fn new_list(values: Vec<V>) -> Self {
        DvvSet {
            entries: Vec::new(),
            anonymous: values,
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
        let entries = vv
            .iter()
            .map(|(id, counter)| Entry {
                id: id.clone(),
                counter,
                values: Vec::new(),
            })
            .collect();
        DvvSet {
            entries,
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
        vv.extend_in_order(self.entries.iter().map(|e| (e.id.clone(), e.counter)));
    }

    /// `less/2`: whether `self` is causally older than `other`, comparing
    /// counters only (values are not looked at).
    pub fn less(&self, other: &Self) -> bool {
        newer_sides(counters(&other.entries), counters(&self.entries)) == (true, false)
    }

    /// `equal/2`: the same causal history: same ids, same counters and the
    /// same *number* of values per entry; the values themselves and the
    /// anonymous list are ignored.
    pub fn equal(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self.entries.iter().zip(&other.entries).all(|(a, b)| {
                a.id == b.id && a.counter == b.counter && a.values.len() == b.values.len()
            })
    }

    /// `event/3` (private in the reference): a new event by `id` carrying
    /// `value`, without discarding anything.
    pub fn event(&mut self, id: I, value: V) {
        // One entry per replica: a short linear scan.
        let n = self
            .entries
            .iter()
            .position(|e| e.id >= id)
            .unwrap_or(self.entries.len());
        match self.entries.get_mut(n) {
            Some(entry) if entry.id == id => {
                entry.counter += 1;
                if entry.values.is_empty() {
                    entry.values.push(value);
                } else {
                    entry.values.insert(0, value);
                }
            }
            _ => self.entries.insert(
                n,
                Entry {
                    id,
                    counter: 1,
                    values: vec![value],
                },
            ),
        }
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
            match newer_sides(ctx.clone(), counters(&self.entries)) {
                (true, false) => self.anonymous.clear(),
                (false, true) => {}
                _ => dedup_in_order(&mut self.anonymous),
            }
        }
        // merge/5 with the client's side holding no values.
        let mut n = 0;
        for (cid, seen) in ctx {
            while n < self.entries.len() && self.entries[n].id < *cid {
                n += 1;
            }
            match self.entries.get_mut(n) {
                Some(entry) if entry.id == *cid => {
                    if seen >= entry.counter {
                        entry.counter = seen;
                        entry.values.clear();
                    } else {
                        entry.values.truncate((entry.counter - seen) as usize);
                    }
                }
                _ => self.entries.insert(
                    n,
                    Entry {
                        id: cid.clone(),
                        counter: seen,
                        values: Vec::new(),
                    },
                ),
            }
            n += 1;
        }
        self.event(id, value);
    }

    /// `sync/2`: merges `other` into `self`. Values one side has seen
    /// superseded by the other are dropped; concurrent ones are kept.
    pub fn sync(&mut self, other: &Self)
    where
        I: Clone,
        V: Clone + PartialEq,
    {
        // With no anonymous values on either side, every branch of the
        // reference leaves none: skip comparing the clocks.
        if !(self.anonymous.is_empty() && other.anonymous.is_empty()) {
            match newer_sides(counters(&other.entries), counters(&self.entries)) {
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
        let mut n = 0;
        for theirs in &other.entries {
            while n < self.entries.len() && self.entries[n].id < theirs.id {
                n += 1;
            }
            match self.entries.get_mut(n) {
                Some(mine) if mine.id == theirs.id => merge_entry(mine, theirs),
                _ => self.entries.insert(n, theirs.clone()),
            }
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
        let mut theirs = other.entries.iter();
        self.entries.iter().all(|mine| {
            // Entries only `other` has are copied over as they are.
            let Some(t) = theirs.find(|t| t.id >= mine.id) else {
                return false;
            };
            let (n1, l1) = (mine.counter, mine.values.len() as u64);
            let (n2, l2) = (t.counter, t.values.len() as u64);
            // merge_entry: with n1 == n2 the result keeps `mine`'s values
            // cut to `t`'s length; with n1 < n2 it keeps all of `t`'s
            // exactly when `t` reaches as far back as `mine`.
            t.id == mine.id
                && match n1.cmp(&n2) {
                    std::cmp::Ordering::Equal => {
                        l1 >= l2 && mine.values[..l2 as usize] == t.values[..]
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
            Some(Winner::Entry(w)) => {
                let entries = self
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(n, e)| Entry {
                        id: e.id.clone(),
                        counter: e.counter,
                        values: if n == w {
                            e.values[..1].to_vec()
                        } else {
                            Vec::new()
                        },
                    })
                    .collect();
                DvvSet {
                    entries,
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
        let entries = self.entries.iter().map(|e| Entry {
            id: e.id.clone(),
            counter: e.counter,
            values: Vec::new(),
        });
        DvvSet {
            entries: entries.collect(),
            anonymous: vec![value],
        }
    }
}

/// The `(id, counter)` pairs of some entries.
fn counters<I, V>(entries: &[Entry<I, V>]) -> impl Iterator<Item = (&I, u64)> + '_ {
    entries.iter().map(|e| (&e.id, e.counter))
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

/// `merge/5` of the reference, in place: the larger counter wins, and its
/// values are cut to those the other side has not already discarded.
fn merge_entry<I, V: Clone>(mine: &mut Entry<I, V>, theirs: &Entry<I, V>) {
    let (n1, l1) = (mine.counter, mine.values.len() as u64);
    let (n2, l2) = (theirs.counter, theirs.values.len() as u64);
    if n1 >= n2 {
        if n1 - l1 < n2 - l2 {
            mine.values.truncate((n1 - n2 + l2) as usize);
        }
    } else {
        mine.counter = n2;
        let keep = if n2 - l2 >= n1 - l1 { l2 } else { n2 - n1 + l1 };
        mine.values.clear();
        mine.values
            .extend_from_slice(&theirs.values[..keep as usize]);
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
        write_joined(f, &self.0.entries, ",", |f, e| {
            f.write_str("{")?;
            e.id.fmt(f)?;
            f.write_str(",")?;
            write_decimal(f, e.counter)?;
            f.write_str(",[")?;
            write_joined(f, &e.values, ",", |f, v| v.fmt(f))?;
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
            Ok(Entry {
                id,
                counter,
                values,
            })
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

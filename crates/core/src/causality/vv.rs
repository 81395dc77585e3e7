//! Version vectors and dots.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::text::{write_joined, Cursor, ParseError};

/// One event: the `counter`-th event credited to `id`, and nothing before it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dot<I> {
    /// Who made the event (in DVV, the replica that coordinated the write).
    pub id: I,
    /// Its position in `id`'s sequence of events, from 1.
    pub counter: u64,
}

impl<I> Dot<I> {
    /// The dot `(id, counter)`.
    pub fn new(id: I, counter: u64) -> Self {
        Dot { id, counter }
    }
}

impl<I: fmt::Display> fmt::Display for Dot<I> {
    /// `(a,3)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({},{})", self.id, self.counter)
    }
}

impl<I: FromStr> FromStr for Dot<I>
where
    I::Err: fmt::Display,
{
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(s);
        let dot = parse_dot(&mut cur)?;
        cur.finish()?;
        Ok(dot)
    }
}

pub(crate) fn parse_dot<I: FromStr>(cur: &mut Cursor<'_>) -> Result<Dot<I>, ParseError>
where
    I::Err: fmt::Display,
{
    cur.expect('(', "'(' opening a dot")?;
    let id = cur.atom("id")?;
    cur.expect(',', "',' after the dot's id")?;
    let counter = cur.atom("counter")?;
    cur.expect(')', "')' closing a dot")?;
    Ok(Dot { id, counter })
}

/// A version vector: for each id, how many of its events are known. An id
/// that is absent counts 0.
///
/// Entries are kept sorted by id, one per id (the text and serde forms are
/// checked for this). A present entry with counter 0 is kept as written, as
/// the reference `join/1` keeps it; comparisons treat it as absent.
#[derive(Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "Vec<(I, u64)>")]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>"))]
pub struct VersionVector<I> {
    entries: Vec<(I, u64)>,
}

/// `clone_from` reuses the vector's allocation (a client keeps the context
/// of each get it makes).
impl<I: Clone> Clone for VersionVector<I> {
    fn clone(&self) -> Self {
        VersionVector {
            entries: self.entries.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.entries.clone_from(&source.entries);
    }
}

impl<I> Default for VersionVector<I> {
    fn default() -> Self {
        VersionVector {
            entries: Vec::new(),
        }
    }
}

impl<I: Ord> VersionVector<I> {
    /// The empty vector: nothing known.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a vector from `(id, counter)` pairs given in strictly
    /// increasing id order, or names the first pair out of order.
    pub fn from_sorted(entries: Vec<(I, u64)>) -> Result<Self, ParseError> {
        match entries.windows(2).position(|w| w[0].0 >= w[1].0) {
            None => Ok(VersionVector { entries }),
            Some(n) => Err(ParseError::Invalid {
                reason: format!(
                    "version vector ids must be strictly increasing (entry {})",
                    n + 2
                ),
            }),
        }
    }

    fn find(&self, id: &I) -> Result<usize, usize> {
        self.entries.binary_search_by(|(i, _)| i.cmp(id))
    }

    /// The counter of `id`, 0 if absent.
    pub fn get(&self, id: &I) -> u64 {
        match self.find(id) {
            Ok(n) => self.entries[n].1,
            Err(_) => 0,
        }
    }

    /// Sets the counter of `id` (inserting the entry if needed).
    pub fn set(&mut self, id: I, counter: u64) {
        match self.find(&id) {
            Ok(n) => self.entries[n].1 = counter,
            Err(n) => self.entries.insert(n, (id, counter)),
        }
    }

    /// Records one more event of `id` and returns its dot counter.
    pub fn increment(&mut self, id: I) -> u64 {
        match self.find(&id) {
            Ok(n) => {
                self.entries[n].1 += 1;
                self.entries[n].1
            }
            Err(n) => {
                self.entries.insert(n, (id, 1));
                1
            }
        }
    }

    /// Whether the event `dot` is known to this vector.
    pub fn contains(&self, dot: &Dot<I>) -> bool {
        dot.counter <= self.get(&dot.id)
    }

    /// Pointwise maximum, in place: afterwards `self` knows every event
    /// either side knew.
    pub fn merge(&mut self, other: &Self)
    where
        I: Clone,
    {
        let mut n = 0;
        for (id, counter) in &other.entries {
            while n < self.entries.len() && self.entries[n].0 < *id {
                n += 1;
            }
            match self.entries.get_mut(n) {
                Some(mine) if mine.0 == *id => mine.1 = mine.1.max(*counter),
                _ => self.entries.insert(n, (id.clone(), *counter)),
            }
            n += 1;
        }
    }

    /// Compares pointwise: `Some(Less)` if `other` knows strictly more,
    /// `Some(Equal)` if both know the same events, `None` if concurrent.
    pub fn compare(&self, other: &Self) -> Option<Ordering> {
        let (mut a, mut b) = (
            self.entries.iter().peekable(),
            other.entries.iter().peekable(),
        );
        let (mut more, mut less) = (false, false);
        loop {
            let step = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => x.0.cmp(&y.0),
            };
            match step {
                Ordering::Less => more |= a.next().is_some_and(|x| x.1 > 0),
                Ordering::Greater => less |= b.next().is_some_and(|y| y.1 > 0),
                Ordering::Equal => {
                    let (x, y) = (a.next().map_or(0, |x| x.1), b.next().map_or(0, |y| y.1));
                    more |= x > y;
                    less |= x < y;
                }
            }
        }
        match (more, less) {
            (false, false) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Greater),
            (false, true) => Some(Ordering::Less),
            (true, true) => None,
        }
    }

    /// Whether `self` knows every event `other` knows (`self >= other`).
    pub fn descends(&self, other: &Self) -> bool {
        matches!(
            self.compare(other),
            Some(Ordering::Greater | Ordering::Equal)
        )
    }

    /// Whether `self` knows strictly more than `other` (`self > other`).
    pub fn dominates(&self, other: &Self) -> bool {
        self.compare(other) == Some(Ordering::Greater)
    }

    /// Whether neither side descends from the other.
    pub fn concurrent(&self, other: &Self) -> bool {
        self.compare(other).is_none()
    }

    /// Dynamo's vector-clock truncation (section 4.4): while more than
    /// `threshold` entries remain, remove the one updated longest ago, where
    /// `stamp(id)` says when `id`'s entry was last updated. Ties go to the
    /// smaller id, as riak_core's `vclock:prune/3` sorts entries by
    /// `{Timestamp, Node}`. The entry of `keep`, the write being made, is
    /// never removed, so at least it remains. Returns the removed entries,
    /// oldest first.
    ///
    /// Pruning only forgets: the result is always `<=` the vector it came
    /// from, so it never claims to know an event the vector did not.
    pub fn prune_oldest(
        &mut self,
        threshold: usize,
        keep: &I,
        stamp: impl Fn(&I) -> u64,
    ) -> Vec<(I, u64)> {
        let mut removed = Vec::new();
        while self.entries.len() > threshold {
            let oldest = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, (id, _))| id != keep)
                .min_by(|(_, (a, _)), (_, (b, _))| stamp(a).cmp(&stamp(b)).then_with(|| a.cmp(b)))
                .map(|(n, _)| n);
            let Some(n) = oldest else {
                break;
            };
            removed.push(self.entries.remove(n));
        }
        removed
    }
}

impl<I> VersionVector<I> {
    /// The `(id, counter)` entries in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&I, u64)> + Clone + '_ {
        self.entries.iter().map(|(i, n)| (i, *n))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Empties the vector, keeping its allocation.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Appends entries whose ids are in order and greater than every
    /// present id; used by code that produces entries already in order.
    pub(crate) fn extend_in_order(&mut self, entries: impl IntoIterator<Item = (I, u64)>) {
        self.entries.extend(entries);
    }

    /// Maps every id, e.g. `NodeId` to `Actor::Node`. `f` must preserve order.
    pub fn map_ids<J>(&self, f: impl Fn(&I) -> J) -> VersionVector<J> {
        VersionVector {
            entries: self.entries.iter().map(|(i, n)| (f(i), *n)).collect(),
        }
    }
}

impl<I: Ord> FromIterator<(I, u64)> for VersionVector<I> {
    /// Sorts the pairs and keeps the largest counter of a repeated id, as the
    /// reference's `new/2` sorts a vector that may have been reordered.
    fn from_iter<T: IntoIterator<Item = (I, u64)>>(iter: T) -> Self {
        let mut entries: Vec<(I, u64)> = iter.into_iter().collect();
        crate::handwritten::sort::small_by(&mut entries, |a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        entries.dedup_by(|later, first| later.0 == first.0);
        VersionVector { entries }
    }
}

impl<I: Ord> TryFrom<Vec<(I, u64)>> for VersionVector<I> {
    type Error = ParseError;
    fn try_from(entries: Vec<(I, u64)>) -> Result<Self, ParseError> {
        Self::from_sorted(entries)
    }
}

impl<I: Serialize> Serialize for VersionVector<I> {
    /// A list of `(id, counter)` pairs in id order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(serializer)
    }
}

impl<I: fmt::Display> fmt::Display for VersionVector<I> {
    /// `{a:2, b:1}`; the empty vector is `{}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        write_joined(f, &self.entries, ", ", |f, (i, n)| write!(f, "{i}:{n}"))?;
        f.write_str("}")
    }
}

impl<I: FromStr + Ord> FromStr for VersionVector<I>
where
    I::Err: fmt::Display,
{
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(s);
        let vv = parse_vv(&mut cur)?;
        cur.finish()?;
        Ok(vv)
    }
}

pub(crate) fn parse_vv<I: FromStr + Ord>(
    cur: &mut Cursor<'_>,
) -> Result<VersionVector<I>, ParseError>
where
    I::Err: fmt::Display,
{
    let entries = cur.list('{', '}', "'{' opening a version vector", |cur| {
        let id = cur.atom("id")?;
        cur.expect(':', "':' between id and counter")?;
        Ok((id, cur.atom("counter")?))
    })?;
    VersionVector::from_sorted(entries)
}

//! The paper's DVV kernel: every sibling carries its own dotted version
//! vector, and the four operations `sync`, `join`, `discard` and `event`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::text::write_joined;
use super::vv::{Dot, VersionVector};

/// A dotted version vector `((i, n), v)`: the write's own event `dot`, and
/// `past`, the events it had seen. Its causal history is `{dot} ∪ past`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>"))]
pub struct Dvv<I> {
    /// The event of this write.
    pub dot: Dot<I>,
    /// The context the client passed: what the write had seen.
    pub past: VersionVector<I>,
}

impl<I: Ord> Dvv<I> {
    /// Whether this version is in `other`'s causal past:
    /// `((i,n),u) < ((j,m),v)` iff `n <= v(i)`.
    pub fn less(&self, other: &Self) -> bool {
        other.past.contains(&self.dot)
    }
}

impl<I: fmt::Display> fmt::Display for Dvv<I> {
    /// `((r,3),{r:2, s:2})`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({},{})", self.dot, self.past)
    }
}

/// One sibling: a value and its clock.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>, V: Deserialize<'de>"))]
pub struct Version<I, V> {
    /// The value's clock.
    pub clock: Dvv<I>,
    /// The value written.
    pub value: V,
}

/// A replica's versions of one key in the paper's representation: a set of
/// concurrent [`Version`]s, kept sorted by dot. Dots are unique, so a dot
/// names its version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound(deserialize = "I: Ord + Deserialize<'de>, V: Deserialize<'de>"))]
pub struct DvvSiblings<I, V> {
    versions: Vec<Version<I, V>>,
}

impl<I, V> Default for DvvSiblings<I, V> {
    fn default() -> Self {
        DvvSiblings {
            versions: Vec::new(),
        }
    }
}

impl<I: Ord + Clone, V: Clone> DvvSiblings<I, V> {
    /// No versions.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set of versions; a repeated dot keeps its first version.
    pub fn from_versions(versions: impl IntoIterator<Item = Version<I, V>>) -> Self {
        let mut versions: Vec<_> = versions.into_iter().collect();
        crate::handwritten::sort::small_by(&mut versions, |a, b| a.clock.dot.cmp(&b.clock.dot));
        versions.dedup_by(|later, first| later.clock.dot == first.clock.dot);
        DvvSiblings { versions }
    }

    /// The versions, sorted by dot.
    pub fn versions(&self) -> &[Version<I, V>] {
        &self.versions
    }

    /// The values, in dot order.
    pub fn values(&self) -> Vec<&V> {
        self.versions.iter().map(|v| &v.value).collect()
    }

    /// `sync(S1, S2)`: the versions of either side that no version of the
    /// other side has in its past.
    pub fn sync(&self, other: &Self) -> Self {
        let survives =
            |x: &&Version<I, V>, side: &Self| !side.versions.iter().any(|y| x.clock.less(&y.clock));
        let mine = self.versions.iter().filter(|x| survives(x, other));
        let theirs = other.versions.iter().filter(|x| survives(x, self));
        Self::from_versions(mine.chain(theirs).cloned())
    }

    /// `join(S)`: the version vector covering every version's history.
    pub fn join(&self) -> VersionVector<I> {
        let mut vv = VersionVector::new();
        for v in &self.versions {
            vv.merge(&v.clock.past);
            if vv.get(&v.clock.dot.id) < v.clock.dot.counter {
                vv.set(v.clock.dot.id.clone(), v.clock.dot.counter);
            }
        }
        vv
    }

    /// `discard(S, u)`: drops the versions whose dot the context `u` has seen.
    pub fn discard(&mut self, ctx: &VersionVector<I>) {
        self.versions.retain(|v| !ctx.contains(&v.clock.dot));
    }

    /// `event(u, S, r)`: the clock of a new write at replica `r` with context
    /// `u`: the dot `(r, max(u(r), join(S)(r)) + 1)` over the past `u`.
    pub fn event(&self, ctx: &VersionVector<I>, replica: I) -> Dvv<I> {
        let counter = ctx.get(&replica).max(self.join().get(&replica)) + 1;
        Dvv {
            dot: Dot::new(replica, counter),
            past: ctx.clone(),
        }
    }

    /// A put at `replica`: `discard(S, u) ∪ {(event(u, S, r), value)}`.
    pub fn put(&mut self, ctx: &VersionVector<I>, replica: I, value: V) {
        let clock = self.event(ctx, replica);
        self.discard(ctx);
        let at = self.versions.partition_point(|v| v.clock.dot < clock.dot);
        self.versions.insert(at, Version { clock, value });
    }
}

impl<I: fmt::Display, V: fmt::Display> fmt::Display for DvvSiblings<I, V> {
    /// `{((r,2),{})=v2, ((r,3),{r:1})=v3}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        write_joined(f, &self.versions, ", ", |f, v| {
            write!(f, "{}={}", v.clock, v.value)
        })?;
        f.write_str("}")
    }
}

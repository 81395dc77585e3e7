//! Ordered maps and sets kept as sorted vectors.
//!
//! [`VecMap`] and [`VecSet`] behave as `BTreeMap` and `BTreeSet` do where
//! the model uses them: iteration in key order, `insert` replacing the value
//! of an equal key, lookups by key. They are `litemap::LiteMap` (ICU4X's
//! sorted-vector map, built for small code) under the model's own names,
//! with the few methods and the serde form (a JSON object) the model needs.
//! Lookups are binary searches; inserting or removing shifts the entries
//! after it. A node's pending requests, suspects, hints and stored keys, and
//! a client's per-key state, are small, and most inserts are of keys greater
//! than every key present (request and operation ids only grow), so the
//! vector is as fast as a B-tree there.
//!
//! The reason is size: the shipped app is compiled for size, and it carries
//! a whole B-tree implementation for every key and value type, several
//! kilobytes each, where a sorted vector costs a binary search and a shift.
//!
//! CAVEATS
//! - Inserting into the middle of a large map is linear: a map that can grow
//!   to thousands of entries in arbitrary key order is built whole
//!   ([`VecMap::from_unsorted`]).

use std::borrow::Borrow;
use std::fmt;

use litemap::LiteMap;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};

/// A map ordered by key, stored as a vector of entries sorted by key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    entries: LiteMap<K, V>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: LiteMap::default(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The map of `entries` in any order; of entries with equal keys, the
    /// last one's value is kept, as inserting them one by one would.
    pub fn from_unsorted(mut entries: Vec<(K, V)>) -> Self {
        // The model's one sort, not litemap's own (the standard library's,
        // which would be one more instance in the shipped app per type).
        crate::handwritten::sort::stable_by(&mut entries, |a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match kept.last_mut() {
                Some(last) if last.0 == key => last.1 = value,
                _ => kept.push((key, value)),
            }
        }
        VecMap {
            entries: LiteMap::from_sorted_store_unchecked(kept),
        }
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.entries.get(key)
    }

    /// The value of the key that `compare` finds: it orders each key
    /// against the one sought, as `binary_search_by` does.
    pub fn get_by(&self, compare: impl FnMut(&K) -> std::cmp::Ordering) -> Option<&V> {
        self.entries.get_by(compare)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.entries.get_mut(key)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.entries.contains_key(key)
    }

    /// Set the value of `key`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.entries.insert(key, value)
    }

    /// The value of `key`, made by `make` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        self.entries.entry(key).or_insert_with(make)
    }

    /// Remove `key`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.entries.remove(key)
    }
}

impl<K, V> VecMap<K, V> {
    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Remove every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + Clone {
        self.entries.iter()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, taken.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> {
        self.entries.into_tuple_vec().into_iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// As [`VecMap::from_unsorted`]: of equal keys, the last value is kept.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        VecMap::from_unsorted(entries.into_iter().collect())
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_tuple_vec().into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        let pair: fn(&'a (K, V)) -> (&'a K, &'a V) = |(k, v)| (k, v);
        self.entries.as_slice().iter().map(pair)
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    /// As a map, as `BTreeMap` serializes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for VecMap<K, V> {
    /// From a map, as `BTreeMap` deserializes: of equal keys, the last wins.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = VecMap::new();
                while let Some((key, value)) = map.next_entry()? {
                    entries.insert(key, value);
                }
                Ok(entries)
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// A set ordered by value, stored as a sorted vector.
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T> {
    map: VecMap<T, ()>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet {
            map: VecMap::default(),
        }
    }
}

impl<T: Ord> VecSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        VecSet { map: VecMap::new() }
    }

    /// Add `value`; returns whether it was new.
    pub fn insert(&mut self, value: T) -> bool {
        self.map.insert(value, ()).is_none()
    }

    /// Whether `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.contains_key(value)
    }

    /// Remove `value`; returns whether it was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.remove(value).is_some()
    }
}

impl<T> VecSet<T> {
    /// How many values.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Remove every value.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// The values in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.map.keys()
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, values: I) {
        for value in values {
            self.insert(value);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter().map(|(value, ())| value)
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for VecSet<T> {
    /// As a sequence, as `BTreeSet` serializes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::VecMap;

    proptest! {
        /// Any sequence of inserts and removes leaves the same entries, in
        /// the same order, with the same answers, as a `BTreeMap`.
        #[test]
        fn a_vec_map_is_a_btree_map(ops in proptest::collection::vec((any::<bool>(), 0u8..32, any::<u16>()), 0..200)) {
            let mut map = VecMap::new();
            let mut reference = BTreeMap::new();
            for (insert, key, value) in ops {
                if insert {
                    prop_assert_eq!(map.insert(key, value), reference.insert(key, value));
                } else {
                    prop_assert_eq!(map.remove(&key), reference.remove(&key));
                }
                prop_assert_eq!(map.get(&key), reference.get(&key));
            }
            let entries: Vec<_> = map.iter().collect();
            prop_assert_eq!(entries, reference.iter().collect::<Vec<_>>());
        }

        /// Building from unsorted entries keeps the last value of a key.
        #[test]
        fn from_unsorted_keeps_the_last_value(entries in proptest::collection::vec((0u8..16, any::<u16>()), 0..100)) {
            let map = VecMap::from_unsorted(entries.clone());
            let reference: BTreeMap<u8, u16> = entries.into_iter().collect();
            prop_assert_eq!(map.into_iter().collect::<Vec<_>>(), reference.into_iter().collect::<Vec<_>>());
        }

        /// Collected, and written and read as JSON, a map is what a
        /// `BTreeMap` of the same entries is (the last value of a key wins).
        #[test]
        fn collected_and_json_as_a_btree_map(entries in proptest::collection::vec((0u8..16, any::<u16>()), 0..100)) {
            let map: VecMap<u8, u16> = entries.iter().copied().collect();
            let reference: BTreeMap<u8, u16> = entries.iter().copied().collect();
            prop_assert_eq!(map.iter().collect::<Vec<_>>(), reference.iter().collect::<Vec<_>>());
            let json = serde_json::to_string(&map).expect("a map of numbers serializes");
            prop_assert_eq!(&json, &serde_json::to_string(&reference).expect("a map of numbers serializes"));
            // Keys repeated in the text: the last one wins, as in a `BTreeMap`.
            let inner = &json[1..json.len() - 1];
            let repeated = if inner.is_empty() {
                "{\"3\":1,\"3\":2}".to_string()
            } else {
                format!("{{\"3\":1,{inner},\"3\":2}}")
            };
            let read: VecMap<u8, u16> = serde_json::from_str(&repeated).expect("written by serde_json");
            let read_reference: BTreeMap<u8, u16> = serde_json::from_str(&repeated).expect("written by serde_json");
            prop_assert_eq!(read.into_iter().collect::<Vec<_>>(), read_reference.into_iter().collect::<Vec<_>>());
        }
    }
}

//! Sorting in little code. The shipped app is compiled for size, and every
//! `sort_by` with its own closure is its own copy of the standard library's
//! sort, several kilobytes each. [`stable_by`] sends every caller through
//! one merge sort of positions, which asks the caller's comparison through
//! a reference. [`small_by`] is an insertion sort for the kernel's short,
//! mostly sorted vectors, where it is also the faster. Both are stable, so
//! each gives exactly the order `slice::sort_by` would. The sorted
//! positions are applied by swaps through a reference too ([`permute`]),
//! so the only code each item type adds is its comparison and its swap
//! (moving the items into a vector of `Option`s and back, as this did
//! before, cost the shipped app 3.7 KB gzip: docs/size.md, session 9).
//!
//! Measured against the standard library's sort at every call site: that
//! costs the shipped app 16.7 KB (gzip) more (docs/size.md), far over the
//! 3 KB the project pays for a well-kept crate or std's own version.

use std::cmp::Ordering;

/// Sort `items` stably by `compare`, as `sort_by` does.
#[expect(
    clippy::ptr_arg,
    reason = "a `&mut Vec` made the shipped app 247 B (gzip) smaller than a slice (docs/size.md, session 9)"
)]
pub(crate) fn stable_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_positions(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(&order, &mut |a, b| items.swap(a, b));
}

/// Put the item at `order[k]` at position `k`, for every `k`, by swapping
/// positions through `swap`: the only part that knows the items' type is
/// the caller's one-line `swap`, so every caller shares this code.
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    // Often the items were in order already: nothing to move.
    if order.iter().enumerate().all(|(k, &wanted)| k == wanted) {
        return;
    }
    // `at[p]` is the original position of the item now at `p`; `now[i]` is
    // where the item first at `i` is now.
    let mut at: Vec<usize> = (0..order.len()).collect();
    let mut now = at.clone();
    for (k, &wanted) in order.iter().enumerate() {
        let from = now[wanted];
        if from != k {
            swap(k, from);
            let displaced = at[k];
            at[from] = displaced;
            now[displaced] = from;
            at[k] = wanted;
            now[wanted] = k;
        }
    }
}

/// Sort `items` stably by the key `key` gives, as `sort_by_key` does.
pub(crate) fn stable_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    stable_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sort `items` in their own order, as `sort` does.
pub(crate) fn stable<T: Ord>(items: &mut Vec<T>) {
    stable_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` puts them, stably: runs of
/// [`RUN`] sorted by insertion, then a bottom-up merge sort, runs of 8, 16,
/// 32, ... merged into a second buffer.
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    // Often the items are in order already.
    if (1..len).all(|i| compare(i - 1, i) != Ordering::Greater) {
        return order;
    }
    for start in (0..len).step_by(RUN) {
        for i in start + 1..(start + RUN).min(len) {
            let mut j = i;
            while j > start && compare(order[j - 1], order[j]) == Ordering::Greater {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut merged = vec![0; len];
    let mut width = RUN;
    while width < len {
        for start in (0..len).step_by(2 * width) {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, middle);
            for slot in &mut merged[start..end] {
                // The right run's head goes first only if strictly smaller.
                let from_right = right < end
                    && (left >= middle || compare(order[right], order[left]) == Ordering::Less);
                *slot = if from_right {
                    order[right]
                } else {
                    order[left]
                };
                if from_right {
                    right += 1;
                } else {
                    left += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// The runs [`sorted_positions`] sorts by insertion before merging them.
const RUN: usize = 8;

/// Sort a short slice stably by `compare`: insertion sort, linear on a slice
/// that is already sorted.
pub(crate) fn small_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && compare(&items[j - 1], &items[j]) == Ordering::Greater {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{small_by, stable_by_key};

    proptest! {
        /// Both sorts give exactly the standard stable sort's order: pairs
        /// sorted by their first half keep the order of equal keys.
        #[test]
        fn the_sorts_are_the_standard_stable_sort(pairs in proptest::collection::vec((0u8..8, any::<u32>()), 0..200)) {
            let mut expected = pairs.clone();
            expected.sort_by_key(|p| p.0);
            let mut shared = pairs.clone();
            stable_by_key(&mut shared, |p| p.0);
            prop_assert_eq!(&shared, &expected);
            let mut small = pairs;
            small_by(&mut small, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(&small, &expected);
        }
    }
}

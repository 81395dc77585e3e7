//! The ring (issue 4): claim, preference lists, fallbacks, join and leave.

// A test's own sorting, never shipped: clippy.toml's rule is for the model.
#![allow(clippy::disallowed_methods)]

use proptest::prelude::*;
use wildling_core::ring::{PartitionId, Placement, Ring, RingError, Transfer};
use wildling_core::NodeId;

fn nodes(count: u16) -> Vec<NodeId> {
    (1..=count).map(NodeId).collect()
}

/// Whether distinct owners in every window of N are promised (issue 4's rule).
fn claim_possible(q: u32, s: usize, n: usize) -> bool {
    (s == n && (q as usize).is_multiple_of(n)) || (s > n && q as usize >= n * n - n)
}

/// The owners of a ring as display strings, for table tests.
fn owners(ring: &Ring) -> String {
    (0..ring.partition_count())
        .map(|p| ring.owner(PartitionId(p)).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one helper every ring test goes through: builds the ring and checks every claim
/// invariant the module documents, returning the ring for further checks.
fn check(q: u32, s: u16, n: usize) -> Ring {
    let ring = Ring::new(q, &nodes(s), n).expect("valid ring");
    let stats = ring.stats();
    let s_usize = usize::from(s);
    let cap = (q as usize).div_ceil(s_usize) as u32 + 1;
    assert!(
        stats.partitions_max <= cap,
        "Q={q} S={s} N={n}: a node owns {} > ceil(Q/S)+1 = {cap}: {}",
        stats.partitions_max,
        owners(&ring)
    );
    let total: u32 = stats.partitions_per_node.iter().map(|(_, c)| c).sum();
    assert_eq!(total, q);
    if claim_possible(q, s_usize, n) {
        assert_eq!(
            stats.tail_violations,
            0,
            "Q={q} S={s} N={n}: {}",
            owners(&ring)
        );
        for p in 0..q {
            let window: Vec<NodeId> = (0..n as u32)
                .map(|j| ring.owner(PartitionId((p + j) % q)))
                .collect();
            let mut distinct = window.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(
                distinct.len(),
                n,
                "Q={q} S={s} N={n}: window at p{p} is {window:?}"
            );
        }
    }
    ring
}

/// Checks a preference list of `key`: distinct, of length min(N, S), starting at the owner
/// of the key's partition.
fn check_preference_list(ring: &Ring, key: &[u8], n: usize) {
    let list = ring.preference_list(key, n);
    assert_eq!(
        list.len(),
        n.min(ring.nodes().len()),
        "key {key:?}: {list:?}"
    );
    let mut distinct = list.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), list.len(), "repeated node in {list:?}");
    if let Some(first) = list.first() {
        assert_eq!(*first, ring.owner(ring.partition_of(key)));
    }
}

/// Checks a join or leave: the new ring keeps the claim promise for its node count, and the
/// transfers are exactly the partitions whose owner changed.
fn check_change(before: &Ring, after: &Ring, transfers: &[Transfer]) {
    let q = before.partition_count();
    let s = after.nodes().len();
    let stats = after.stats();
    assert!(stats.partitions_max as usize <= (q as usize).div_ceil(s) + 1);
    if claim_possible(q, s, after.target_n()) {
        assert_eq!(
            stats.tail_violations,
            0,
            "after the change: {}",
            owners(after)
        );
    }
    let changed: Vec<Transfer> = (0..q)
        .map(PartitionId)
        .filter(|&p| before.owner(p) != after.owner(p))
        .map(|p| Transfer {
            partition: p,
            from: before.owner(p),
            to: after.owner(p),
        })
        .collect();
    assert_eq!(transfers, changed);
}

fn ring_shape() -> impl Strategy<Value = (u32, u16, usize)> {
    (3u32..=10, 1u16..=64, 1usize..=5).prop_map(|(bits, s, n)| (1 << bits, s, n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn claim_keeps_windows_distinct_and_load_bounded((q, s, n) in ring_shape()) {
        check(q, s, n);
    }

    #[test]
    fn preference_list_is_distinct_and_full(
        (q, s, n) in ring_shape(),
        key in proptest::collection::vec(any::<u8>(), 0..32),
    ) {
        let ring = check(q, s, n);
        check_preference_list(&ring, &key, n);
    }

    #[test]
    fn serde_round_trip_is_stable((q, s, n) in ring_shape(), key in any::<Vec<u8>>()) {
        let ring = check(q, s, n);
        let json = serde_json::to_string(&ring).unwrap();
        let back: Ring = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &ring);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        prop_assert_eq!(back.preference_list(&key, n), ring.preference_list(&key, n));
    }

    #[test]
    fn join_moves_at_most_the_documented_bound((q, s, n) in ring_shape()) {
        let ring = check(q, s, n);
        let before = ring.stats();
        let (joined, transfers) = ring.join(NodeId(s + 1)).unwrap();
        let s1 = usize::from(s) + 1;
        check_change(&ring, &joined, &transfers);
        // The documented bound: ceil(Q/S') partitions, all to the new node, whenever the old
        // ring had at least N nodes, kept distinct owners and was balanced to within one.
        if usize::from(s) >= n && before.tail_violations == 0 && before.partitions_max - before.partitions_min <= 1 {
            prop_assert!(
                transfers.len() <= (q as usize).div_ceil(s1),
                "Q={} S={} N={}: {} transfers", q, s, n, transfers.len()
            );
            prop_assert!(transfers.iter().all(|t| t.to == NodeId(s + 1)));
        }
    }

    #[test]
    fn leave_keeps_the_claim_promise(
        (q, s, n) in ring_shape(),
        pick in any::<prop::sample::Index>(),
    ) {
        let s = s.max(2);
        let leaver = 1 + pick.index(usize::from(s)) as u16;
        let ring = check(q, s, n);
        let (left, transfers) = ring.leave(NodeId(leaver)).unwrap();
        prop_assert!(!left.nodes().contains(&NodeId(leaver)));
        check_change(&ring, &left, &transfers);
    }

    #[test]
    fn leave_moves_at_most_the_documented_bound(
        (q, s, n) in ring_shape(),
        pick in any::<prop::sample::Index>(),
    ) {
        let s = s.max(2);
        let leaver = pick.index(usize::from(s));
        let ring = check(q, s, n);
        let before = ring.stats();
        let owned = before.partitions_per_node[leaver].1 as usize;
        let (left, transfers) = ring.leave(NodeId(1 + leaver as u16)).unwrap();
        check_change(&ring, &left, &transfers);
        // The documented bound: 3L partitions for a leaver owning L, whenever the new
        // ring has S' >= 2N - 1 nodes, Q >= N^2 - N, and the old ring kept distinct owners
        // and was balanced to within one.
        let s1 = usize::from(s) - 1;
        if s1 + 1 >= 2 * n && q as usize >= n * n - n && before.tail_violations == 0
            && before.partitions_max - before.partitions_min <= 1
        {
            prop_assert!(
                transfers.len() <= 3 * owned,
                "Q={} S={} N={} leaver n{}: {} transfers for {} owned",
                q, s, n, leaver + 1, transfers.len(), owned
            );
        }
    }

    #[test]
    fn fallbacks_are_the_first_healthy_nodes(
        (q, s, n) in ring_shape(),
        down_mask in any::<u64>(),
        key in any::<Vec<u8>>(),
    ) {
        let ring = check(q, s, n);
        let is_up = |node: NodeId| down_mask & (1 << (node.0 - 1)) == 0;
        let placements = ring.preference_list_with_fallbacks(&key, n, is_up);
        let healthy: Vec<NodeId> = ring
            .preference_list(&key, usize::from(s))
            .into_iter()
            .filter(|&node| is_up(node))
            .collect();
        prop_assert_eq!(placements.len(), n.min(healthy.len()));
        let mut chosen: Vec<NodeId> = placements.iter().map(|p| p.node).collect();
        let mut expected = healthy[..placements.len()].to_vec();
        chosen.sort();
        expected.sort();
        prop_assert_eq!(chosen, expected);
        let primaries = ring.preference_list(&key, n);
        for (i, p) in placements.iter().enumerate() {
            match p.fallback_for {
                None => prop_assert!(primaries.contains(&p.node)),
                Some(down) => {
                    prop_assert!(!is_up(down) && primaries.contains(&down));
                    prop_assert!(!primaries.contains(&p.node));
                    prop_assert!(i < primaries.len());
                }
            }
        }
    }
}

#[test]
fn sha1_matches_the_reference_value() {
    let hex: String = Ring::key_hash(b"foo")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33");
}

#[test]
fn sha1_matches_the_standard_vectors() {
    let hex = |key: &[u8]| -> String {
        Ring::key_hash(key)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    // FIPS 180-2, appendix A: one block, and a message whose padding needs a second.
    assert_eq!(hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(
        hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    assert_eq!(hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

proptest! {
    /// The ring's SHA-1 is the `sha1` crate's, across every padding case.
    #[test]
    fn sha1_matches_the_sha1_crate(key in proptest::collection::vec(any::<u8>(), 0..200)) {
        use sha1::Digest;
        let expected: [u8; 20] = sha1::Sha1::digest(&key).into();
        prop_assert_eq!(Ring::key_hash(&key), expected);
    }
}

#[test]
fn partition_is_the_top_bits_of_the_hash() {
    // 0x0b = 0b0000_1011: on Q = 64 the top six bits are 000010 = 2; on Q = 8, 000 = 0;
    // on Q = 1024, 0x0bee >> 6 = 47.
    let cases = [(8, 0), (64, 2), (1024, 47)];
    for (q, p) in cases {
        assert_eq!(check(q, 3, 3).partition_of(b"foo"), PartitionId(p), "Q={q}");
    }
}

#[test]
fn key_in_the_last_partition_gets_a_full_list() {
    // Regression: the seed stopped walking at the end of the ring, so a key in the last
    // partition got a list of one node.
    let ring = check(64, 5, 3);
    let key = (0u32..)
        .map(|i| format!("key-{i}").into_bytes())
        .find(|k| ring.partition_of(k) == PartitionId(63))
        .expect("some key lands in p63");
    let list = ring.preference_list(&key, 3);
    assert_eq!(list.len(), 3);
    let expected: Vec<NodeId> = [63, 0, 1]
        .iter()
        .map(|&p| ring.owner(PartitionId(p)))
        .collect();
    assert_eq!(list, expected);
}

#[test]
fn small_rings_are_claimed_as_documented() {
    // (Q, S, N, owners p0..): hand-checked against the rule in the module doc.
    let table = [
        (8, 1, 3, "n1 n1 n1 n1 n1 n1 n1 n1"),
        (8, 2, 2, "n1 n2 n1 n2 n1 n2 n1 n2"),
        (8, 4, 3, "n1 n2 n3 n4 n1 n2 n3 n4"),
        (8, 5, 3, "n1 n2 n3 n4 n5 n1 n2 n3"),
        // Round robin leaves n1 n2 | n1 at the wrap; the repair hands p6, p7 to n3, n4.
        (8, 6, 3, "n1 n2 n3 n4 n5 n6 n3 n4"),
        // Q mod S = 1 < N: the diagonal walk skips n5 in every lap, then the repair gives it three.
        (16, 5, 4, "n5 n2 n3 n4 n1 n5 n3 n4 n1 n2 n5 n4 n1 n2 n3 n4"),
        // Impossible (S = N, N does not divide Q): two tail violations, p6 and p7, the fewest.
        (8, 3, 3, "n1 n2 n3 n1 n2 n3 n1 n2"),
    ];
    for (q, s, n, expected) in table {
        assert_eq!(owners(&check(q, s, n)), expected, "Q={q} S={s} N={n}");
    }
}

#[test]
fn stats_report_load_and_violations() {
    let stats = check(8, 3, 3).stats();
    assert_eq!((stats.partitions_min, stats.partitions_max), (2, 3));
    assert!((stats.partitions_mean - 8.0 / 3.0).abs() < 1e-9);
    assert!((stats.load_imbalance - 3.0 / (8.0 / 3.0)).abs() < 1e-9);
    // Three nodes cannot give eight partitions distinct triples: each node fits at most two
    // partitions three apart, six in all, so at least two partitions violate.
    assert_eq!(stats.tail_violations, 2);
}

#[test]
fn join_and_leave_move_little_on_the_worked_example() {
    let ring = check(8, 6, 3);
    let (joined, transfers) = ring.join(NodeId(7)).unwrap();
    assert_eq!(owners(&joined), "n1 n2 n7 n4 n5 n6 n3 n4");
    let moved = [Transfer {
        partition: PartitionId(2),
        from: NodeId(3),
        to: NodeId(7),
    }];
    assert_eq!(transfers, moved);
    let (left, transfers) = ring.leave(NodeId(3)).unwrap();
    assert_eq!(owners(&left), "n1 n2 n6 n4 n5 n6 n2 n4");
    let moved = [
        Transfer {
            partition: PartitionId(2),
            from: NodeId(3),
            to: NodeId(6),
        },
        Transfer {
            partition: PartitionId(6),
            from: NodeId(3),
            to: NodeId(2),
        },
    ];
    assert_eq!(transfers, moved);
}

#[test]
fn leave_near_n_moves_the_fewest_it_can() {
    // Q = 64, five nodes down to four, N = 3: round robin `n1 n2 n3 n4 n5 ...`. Twelve of
    // n1's thirteen partitions sit in `n4 n5 _ n2 n3`, where none of the four fits, and
    // their neighbourhoods do not overlap, so at least 13 + 12 = 25 partitions move (the
    // fresh re-striping used to move 49).
    let ring = check(64, 5, 3);
    let (left, transfers) = ring.leave(NodeId(1)).unwrap();
    check_change(&ring, &left, &transfers);
    let expected = [
        "n5 n2 n3 n4 n5 n2 n4 n3 n2 n5 n4 n2 n3 n4 n5 n3 n2 n5 n4 n3 n5 n2 n3 n4 n5 n2 n4 n3",
        "n2 n5 n4 n2 n3 n4 n5 n3 n2 n5 n4 n3 n5 n2 n3 n4 n5 n2 n4 n3 n2 n5 n4 n2 n3 n4 n5 n3",
        "n2 n5 n4 n3 n5 n2 n3 n4",
    ];
    assert_eq!(owners(&left), expected.join(" "));
    assert_eq!(transfers.len(), 25);
}

#[test]
fn fallbacks_stand_in_for_the_down_primaries() {
    let ring = check(8, 5, 3);
    let primaries = ring.preference_list_for_partition(PartitionId(0), 5);
    assert_eq!(primaries, nodes(5));
    let key = (0u32..)
        .map(|i| format!("key-{i}").into_bytes())
        .find(|k| ring.partition_of(k) == PartitionId(0))
        .expect("some key lands in p0");
    let placed = ring.preference_list_with_fallbacks(&key, 3, |node| node != NodeId(2));
    let expected = [
        Placement {
            node: NodeId(1),
            fallback_for: None,
        },
        Placement {
            node: NodeId(4),
            fallback_for: Some(NodeId(2)),
        },
        Placement {
            node: NodeId(3),
            fallback_for: None,
        },
    ];
    assert_eq!(placed, expected);
}

#[test]
fn bad_input_is_a_clear_error() {
    let cases = [
        (
            Ring::new(48, &nodes(3), 3),
            RingError::BadPartitionCount(48),
        ),
        (Ring::new(4, &nodes(3), 3), RingError::BadPartitionCount(4)),
        (
            Ring::new(2048, &nodes(3), 3),
            RingError::BadPartitionCount(2048),
        ),
        (Ring::new(64, &[], 3), RingError::NoNodes),
        (
            Ring::new(64, &[NodeId(1), NodeId(1)], 3),
            RingError::DuplicateNode(NodeId(1)),
        ),
        (
            Ring::new(64, &nodes(3), 0),
            RingError::BadTargetN {
                target_n: 0,
                partitions: 64,
            },
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got.unwrap_err(), want);
    }
    let ring = check(64, 3, 3);
    assert_eq!(
        ring.join(NodeId(2)).unwrap_err(),
        RingError::DuplicateNode(NodeId(2))
    );
    assert_eq!(
        ring.leave(NodeId(9)).unwrap_err(),
        RingError::UnknownNode(NodeId(9))
    );
    let single = check(64, 1, 3);
    assert_eq!(
        single.leave(NodeId(1)).unwrap_err(),
        RingError::LastNode(NodeId(1))
    );
    assert_eq!(
        RingError::BadPartitionCount(48).to_string(),
        "bad ring size Q = 48: it must be a power of two from 8 to 1024"
    );
    let bad = r#"{"target_n":3,"nodes":[1,2],"owners":[1,2,3,1,2,3,1,2]}"#;
    assert!(serde_json::from_str::<Ring>(bad).is_err());
}

#[test]
fn arcs_tile_the_circle() {
    let ring = check(8, 3, 2);
    let arcs = ring.arcs();
    assert_eq!(arcs.len(), 8);
    assert_eq!(arcs[0].start, 0.0);
    assert_eq!(arcs[7].end, 1.0);
    assert!(arcs.windows(2).all(|w| w[0].end == w[1].start));
    let position = Ring::key_position(b"foo");
    assert!((position - f64::from(0x0beec7b5u32) / 2f64.powi(32)).abs() < 1e-9);
}

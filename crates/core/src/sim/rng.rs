//! The simulator's one source of randomness: xoshiro256** seeded through
//! SplitMix64 (Blackman and Vigna). Both are fixed, documented algorithms on
//! `u64` arithmetic, so a seed gives the same stream natively and in wasm.

/// A seeded pseudo-random generator owned by the simulator. Nodes never hold
/// one: they ask the simulator, which keeps every draw in one stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    state: [u64; 4],
}

impl SimRng {
    /// A generator whose whole stream is determined by `seed`.
    pub fn new(seed: u64) -> SimRng {
        let mut splitmix = seed;
        let mut next = || {
            splitmix = splitmix.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = splitmix;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        SimRng {
            state: [next(), next(), next(), next()],
        }
    }

    /// The generator's whole state, for a run's fingerprint.
    pub fn state(&self) -> [u64; 4] {
        self.state
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A number in `0..bound` (Lemire's multiply-shift; the tiny bias for
    /// bounds far below 2^64 does not matter for a simulation). `bound` 0 gives 0.
    #[inline]
    pub fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A number in `min..=max`; draws nothing when the range is one value.
    #[inline]
    pub fn between(&mut self, min: u64, max: u64) -> u64 {
        if max <= min {
            return min;
        }
        match (max - min).checked_add(1) {
            Some(span) => min + self.below(span),
            // The whole range of u64: every value is as likely.
            None => self.next_u64(),
        }
    }

    /// True with probability `per_million / 1_000_000`; draws nothing when the
    /// probability is 0, so switching a fault off leaves the stream unchanged.
    #[inline]
    pub fn chance(&mut self, per_million: u32) -> bool {
        per_million > 0 && self.below(1_000_000) < u64::from(per_million)
    }
}

#[cfg(test)]
mod tests {
    use super::SimRng;

    /// The stream is a fact of the algorithm: pin it so that no refactor (or
    /// target) changes every trace hash silently.
    #[test]
    fn stream_is_pinned() {
        let mut rng = SimRng::new(0);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            [
                0x99ec_5f36_cb75_f2b4,
                0xbf6e_1f78_4956_452a,
                0x1a5f_849d_4933_e6e0
            ]
        );
    }

    #[test]
    fn between_spans_the_whole_range_without_overflow() {
        let mut rng = SimRng::new(7);
        let draws: Vec<u64> = (0..64).map(|_| rng.between(0, u64::MAX)).collect();
        assert!(
            draws.iter().any(|x| *x > u64::MAX / 2) && draws.iter().any(|x| *x < u64::MAX / 2),
            "the whole range is drawn from: {draws:?}"
        );
        assert_eq!(rng.between(u64::MAX, u64::MAX), u64::MAX);
        assert!(rng.between(u64::MAX - 1, u64::MAX) >= u64::MAX - 1);
    }

    #[test]
    fn between_stays_in_range_and_chance_respects_extremes() {
        let mut rng = SimRng::new(7);
        for _ in 0..1000 {
            let x = rng.between(3, 9);
            assert!((3..=9).contains(&x), "{x} outside 3..=9");
            assert!(!rng.chance(0));
            assert!(rng.chance(1_000_000));
        }
    }
}

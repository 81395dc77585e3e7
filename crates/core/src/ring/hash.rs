//! The key hash: SHA-1 over the 160-bit ring, as Dynamo and Riak use.
//!
//! SHA-1 is written out here (FIPS 180-4, section 6.1) rather than taken
//! from a crate: keys are short, and the shipped app is compiled for size.
//! The tests check it against the `sha1` crate and the standard's vectors.

/// SHA-1 of the key bytes, big-endian: byte 0 holds the top bits of the ring position.
pub(crate) fn key_hash(key: &[u8]) -> [u8; 20] {
    let mut state: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let whole = key.len() / 64 * 64;
    for block in key[..whole].chunks_exact(64) {
        compress(&mut state, block);
    }
    // The rest of the key, a one bit, zeros, and the length in bits: one
    // block, or two when the length does not fit after the rest.
    let rest = &key[whole..];
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let end = if rest.len() < 56 { 64 } else { 128 };
    tail[end - 8..end].copy_from_slice(&(key.len() as u64 * 8).to_be_bytes());
    for block in tail[..end].chunks_exact(64) {
        compress(&mut state, block);
    }
    let mut hash = [0u8; 20];
    for (out, word) in hash.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    hash
}

/// Fold one 64-byte block into the SHA-1 state.
fn compress(state: &mut [u32; 5], block: &[u8]) {
    let mut w = [0u32; 80];
    for (t, word) in block.chunks_exact(4).enumerate() {
        w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for t in 16..80 {
        w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
    }
    // Four rounds of twenty steps, each round with its own function and
    // constant (a loop per round lets the compiler unroll it).
    let mut s = *state;
    for &word in &w[..20] {
        s = step(s, (s[1] & s[2]) | (!s[1] & s[3]), 0x5A82_7999, word);
    }
    for &word in &w[20..40] {
        s = step(s, s[1] ^ s[2] ^ s[3], 0x6ED9_EBA1, word);
    }
    for &word in &w[40..60] {
        s = step(
            s,
            (s[1] & s[2]) | (s[1] & s[3]) | (s[2] & s[3]),
            0x8F1B_BCDC,
            word,
        );
    }
    for &word in &w[60..] {
        s = step(s, s[1] ^ s[2] ^ s[3], 0xCA62_C1D6, word);
    }
    for (total, v) in state.iter_mut().zip(s) {
        *total = total.wrapping_add(v);
    }
}

/// One SHA-1 step over the working variables `[a, b, c, d, e]`, given the
/// round's function value `f`, constant `k` and the schedule's word.
#[inline(always)]
fn step(s: [u32; 5], f: u32, k: u32, word: u32) -> [u32; 5] {
    let [a, b, c, d, e] = s;
    let temp = a
        .rotate_left(5)
        .wrapping_add(f)
        .wrapping_add(e)
        .wrapping_add(k)
        .wrapping_add(word);
    [temp, a, b.rotate_left(30), c, d]
}

/// The partition covering `hash` on a ring of `partitions` (a power of two, at most 2^32).
///
/// Riak computes `hash div (2^160 / Q)`; for Q = 2^b that is the top b bits of the hash.
pub(crate) fn partition_index(hash: &[u8; 20], partitions: u32) -> u32 {
    let bits = partitions.trailing_zeros();
    if bits == 0 {
        return 0;
    }
    let top = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]);
    top >> (32 - bits)
}

/// The hash as a fraction of the circle in [0, 1), from its top 53 bits (drawing only).
pub(crate) fn circle_fraction(hash: &[u8; 20]) -> f64 {
    let mut top = [0u8; 8];
    top.copy_from_slice(&hash[..8]);
    (u64::from_be_bytes(top) >> 11) as f64 / (1u64 << 53) as f64
}

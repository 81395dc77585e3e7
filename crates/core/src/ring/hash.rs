//! The key hash: SHA-1 over the 160-bit ring, as Dynamo and Riak use.
//!
//! SHA-1 comes from `sha1_smol`, a small dependency-free implementation:
//! it costs 1.3 KB (gzip) of the shipped app more than the SHA-1 written
//! out here before (docs/size.md), within the 3 KB the project pays for a
//! well-kept crate. The tests check it against the `sha1` crate and the
//! standard's vectors.

/// SHA-1 of the key bytes, big-endian: byte 0 holds the top bits of the ring position.
pub(crate) fn key_hash(key: &[u8]) -> [u8; 20] {
    sha1_smol::Sha1::from(key).digest().bytes()
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

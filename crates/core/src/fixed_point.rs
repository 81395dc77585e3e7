//! Numbers written to a fixed number of decimals, without the standard
//! library's float formatting.
//!
//! The drawings' coordinates, the ring's positions and the panels'
//! speeds and percentages are `f64`s written as text. Written with `{:.1}`
//! or `{}`, each of them pulls `f64`'s `Display` into the page's wasm: its
//! exact (Grisu with a Dragon4 fallback) and shortest algorithms, about
//! 9.5 KB before gzip (docs/size.md, sessions 9 and 10). It leaves the page
//! only when nothing at all formats an `f64` with it: serde's messages did
//! too, until the scenario reader wrote them itself (`scenario/read.rs`'s
//! `write_unexpected`) and sessions were read as JSON values, so a new
//! `{v}` or `{v:.1}` of a float anywhere in the app brings it back (check
//! with `cargo rustc --emit=llvm-ir`, as docs/size.md says). Every float
//! the app shows has a handful of decimals, so [`fixed`] writes it with integer
//! arithmetic instead: the value's binary expansion, scaled by a power of
//! ten, shifted and rounded half to even, exactly as `format!("{v:.N}")`
//! rounds. So the text is the standard library's, byte for byte, and
//! [`short`] drops the trailing zeros for the places that wrote `{}`.
//!
//! CAVEATS:
//!
//! - Nothing stops a `{v:.1}` from coming back but the size check: the
//!   drawings' and panels' float sites go through here by convention.
//! - At most [`PLACES_MAX`] decimals (more is clamped): the scaled
//!   fraction must fit a `u128`.
//! - A magnitude of 2^64 or more (about 1.8e19) is written as
//!   `18446744073709551615` (saturated), not as `format!` would; no caller
//!   comes near (coordinates are hundreds, speeds at most a million).
//! - [`short`] equals `{}` only for values whose shortest decimal has at
//!   most `places` decimals (a constant like `1.3`, a percent read to four
//!   decimals); `0.1 + 0.2` would be written `0.3`, not
//!   `0.30000000000000004`.

/// The most decimals [`fixed`] writes.
pub const PLACES_MAX: u32 = 6;

/// `v` with `places` decimals, as `format!("{v:.places$}")` writes it
/// (`-0.0`, `NaN`, `inf` included), for magnitudes below 2^64.
pub fn fixed(v: f64, places: u32) -> String {
    let mut out = String::new();
    push_fixed(&mut out, v, places);
    out
}

/// `v` with at most `places` decimals, trailing zeros and a bare point
/// dropped: `format!("{v}")` for a value whose shortest decimal has at most
/// `places` decimals (`2.5`, `3`, `0.0125`).
pub fn short(v: f64, places: u32) -> String {
    let mut out = fixed(v, places);
    if out.contains('.') {
        let kept = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(kept);
    }
    out
}

/// Appends [`fixed`]`(v, places)` to `out`.
pub fn push_fixed(out: &mut String, v: f64, places: u32) {
    use std::fmt::Write;
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    if v.is_infinite() {
        out.push_str("inf");
        return;
    }
    let places = places.min(PLACES_MAX);
    let (whole, fraction) = split(v.abs(), places);
    let _ = write!(out, "{whole}");
    if places > 0 {
        let digits = fraction.to_string();
        out.push('.');
        for _ in digits.len()..places as usize {
            out.push('0');
        }
        out.push_str(&digits);
    }
}

/// A finite `v >= 0` as its whole part and its fraction in units of
/// `10^-places`, rounded half to even on the exact binary value.
fn split(v: f64, places: u32) -> (u64, u64) {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let field = bits & ((1 << 52) - 1);
    // v = mantissa × 2^exponent exactly.
    let (mantissa, exponent) = match biased {
        0 => (field, -1074),
        _ => (field | 1 << 52, biased - 1075),
    };
    if exponent >= 0 {
        let whole = match exponent {
            0..=11 => mantissa << exponent,
            _ => u64::MAX,
        };
        return (whole, 0);
    }
    let shift = exponent.unsigned_abs();
    let scale = 10u128.pow(places);
    if shift > 120 {
        // Below 2^-67: rounds to zero at any supported precision.
        return (0, 0);
    }
    let mut whole = match shift {
        0..=63 => mantissa >> shift,
        _ => 0,
    };
    let remainder = u128::from(mantissa) & ((1u128 << shift) - 1);
    let scaled = remainder * scale;
    let mut fraction = scaled >> shift;
    let rest = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    // The last digit written: the whole part's when there is no fraction.
    let last_odd = match places {
        0 => whole % 2 == 1,
        _ => fraction % 2 == 1,
    };
    if rest > half || (rest == half && last_odd) {
        fraction += 1;
        if fraction == scale {
            fraction = 0;
            whole += 1;
        }
    }
    (whole, fraction as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            0.5,
            1.5,
            2.5,
            0.95,
            9.95,
            99.95,
            -0.05,
            -0.95,
            -0.04,
            -0.004,
            -1.25,
            1.3,
            2.6,
            123.456,
            239.999,
            640.0,
            1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            0.1 + 0.2,
            1e6,
            123_456_789.987_654_32,
            4_503_599_627_370_495.5,
            9_007_199_254_740_993.0,
            1e18,
            -1e18,
            18_446_744_073_709_549_568.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // A sweep of the ranges the drawings write: every 1/1000 and 1/3.
        for i in -3000..3000 {
            v.push(f64::from(i) / 1000.0);
            v.push(f64::from(i) / 3.0);
            v.push(f64::from(i) * 0.1);
        }
        v
    }

    #[test]
    fn fixed_is_formats_precision() {
        for v in values() {
            for places in 0..=PLACES_MAX {
                let want = format!("{v:.*}", places as usize);
                assert_eq!(fixed(v, places), want, "{v:e} to {places} places");
            }
        }
    }

    #[test]
    fn short_is_display_for_the_callers_values() {
        let callers = [
            0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 256.0, 1e6, 1.3, 2.6, 2.5, 5.0, 3.0, 6.0, 3.5, 7.0,
            96.0, 74.0, 120.0, 124.0, 640.0, 34.0,
        ];
        for v in callers {
            assert_eq!(short(v, 1), format!("{v}"), "{v}");
        }
        for per_million in [0u32, 1, 5, 50, 1234, 10_000, 123_456, 999_999, 1_000_000] {
            let v = f64::from(per_million) / 10_000.0;
            assert_eq!(short(v, 4), format!("{v}"), "{per_million} per million");
        }
    }

    #[test]
    fn beyond_the_range_it_saturates_without_panicking() {
        assert_eq!(fixed(1e300, 1), "18446744073709551615.0");
        assert_eq!(fixed(-1e20, 0), "-18446744073709551615");
        assert_eq!(fixed(1.25, 99), format!("{:.6}", 1.25));
    }
}

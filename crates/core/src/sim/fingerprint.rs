//! A 128-bit fingerprint of any serializable value: the canonical state
//! hash the explorer's visited set keys on ([`crate::explore`]).
//!
//! The value is walked by its `serde::Serialize` implementation, as a
//! serializer would, but every scalar is folded into two 64-bit lanes instead
//! of being written out: no allocation, no text. Every model type already
//! serializes deterministically (ordered maps are sorted vectors, shared
//! clocks serialize what they point to), so equal values give equal
//! fingerprints on every platform, and nothing depends on a `HashMap`'s
//! iteration order or on a pointer.
//!
//! Each compound value is framed: a tag for its kind, its variant index and
//! its length go in before its contents, so `["ab"]` and `["a", "b"]`, or
//! `None` and `Some(0)`, fold differently.
//!
//! # CAVEATS
//!
//! - A fingerprint is not cryptographic. Two lanes of 64 bits, each mixed
//!   with a different multiplier and finished by SplitMix64's finalizer,
//!   make an accidental collision among a million states about 2^-88 likely;
//!   a collision would make the explorer skip a state it has not seen.
//! - Field names are not folded in, only positions: two values of different
//!   types may share a fingerprint. The explorer compares states of one type.
//! - [`Fingerprint::leaving_out`] matches struct fields by name at any depth
//!   of the value walked: a field of the same name in a nested struct is
//!   left out too.

use serde::ser::{self, Serialize};

/// A running 128-bit fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    a: u64,
    b: u64,
    /// How many words were folded in: the size of what was walked, which
    /// the explorer uses to estimate a state's memory.
    words: u64,
    /// Struct fields, by name, that are folded in as skipped
    /// ([`Fingerprint::leaving_out`]).
    left_out: &'static [&'static str],
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
            words: 0,
            left_out: &[],
        }
    }
}

/// SplitMix64's finalizer: every input bit reaches every output bit.
#[inline]
fn finish(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Fingerprint {
    /// The fingerprint of `value`.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> u128 {
        let mut fingerprint = Fingerprint::default();
        fingerprint.add(value);
        fingerprint.value()
    }

    /// A fingerprint that folds every struct field named in `fields`, at
    /// any depth, as if it were skipped: what a value holds there does not
    /// count. The state fingerprint relative to the clock leaves out a
    /// process's counters and the times it folds in itself
    /// ([`super::Process::FIELDS_NOT_FOLDED_RELATIVE`]).
    pub fn leaving_out(fields: &'static [&'static str]) -> Fingerprint {
        Fingerprint {
            left_out: fields,
            ..Fingerprint::default()
        }
    }

    /// Fold `value` in.
    pub fn add<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Folding cannot fail: every method below returns Ok.
        let _ = value.serialize(&mut *self);
    }

    /// Fold one 64-bit word in.
    #[inline]
    pub fn word(&mut self, word: u64) {
        self.a = (self.a ^ word)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(31);
        self.b = (self.b.rotate_left(27) ^ word).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        self.words += 1;
    }

    /// How many 64-bit words were folded in so far.
    pub fn words(&self) -> u64 {
        self.words
    }

    /// Fold a 128-bit value in (another fingerprint).
    #[inline]
    pub fn wide(&mut self, value: u128) {
        self.word(value as u64);
        self.word((value >> 64) as u64);
    }

    /// The fingerprint so far.
    pub fn value(&self) -> u128 {
        (u128::from(finish(self.a)) << 64) | u128::from(finish(self.b ^ 0x5851_f42d_4c95_7f2d))
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(word));
        }
    }

    /// A frame: what kind of compound value starts, and a number (variant
    /// index or length).
    fn frame(&mut self, tag: u64, number: u64) {
        self.word(tag << 56 ^ number);
    }
}

/// The only error folding knows; it never happens.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a fingerprint cannot fail")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        Never
    }
}

const TAG_NONE: u64 = 1;
const TAG_SOME: u64 = 2;
const TAG_UNIT: u64 = 3;
const TAG_VARIANT: u64 = 4;
const TAG_SEQ: u64 = 5;
const TAG_MAP: u64 = 6;
const TAG_STRUCT: u64 = 7;

impl ser::Serializer for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.word(u64::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Never> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Never> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Never> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Never> {
        self.word(v as u64);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Never> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Never> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Never> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Never> {
        self.word(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Never> {
        self.wide(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Never> {
        self.wide(v as u128);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Never> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.word(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.bytes(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.frame(TAG_NONE, 0);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.frame(TAG_SOME, 0);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.frame(TAG_UNIT, 0);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Never> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
    ) -> Result<(), Never> {
        self.frame(TAG_VARIANT, u64::from(index));
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.frame(TAG_VARIANT, u64::from(index));
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Never> {
        // A length serde does not know ahead is folded as the largest one.
        self.frame(TAG_SEQ, len.map_or(u64::MAX >> 8, |l| l as u64));
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Self, Never> {
        self.frame(TAG_VARIANT, u64::from(index));
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self, Never> {
        self.frame(TAG_MAP, len.map_or(u64::MAX >> 8, |l| l as u64));
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, Never> {
        self.frame(TAG_STRUCT, len as u64);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Self, Never> {
        self.frame(TAG_VARIANT, u64::from(index));
        self.serialize_struct("", len)
    }
}

/// The compound serializers: each element or field folds in as it comes
/// (struct fields by position, their names left out).
macro_rules! fold_elements {
    ($($trait:ident :: $method:ident ($($key:ty)?)),* $(,)?) => {$(
        impl ser::$trait for &mut Fingerprint {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(
                &mut self,
                $(_key: $key,)?
                value: &T,
            ) -> Result<(), Never> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        }
    )*};
}

fold_elements!(
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStructVariant::serialize_field(&'static str),
);

impl ser::SerializeMap for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        if !self.left_out.is_empty() && self.left_out.contains(&key) {
            return ser::SerializeStruct::skip_field(self, key);
        }
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, _key: &'static str) -> Result<(), Never> {
        // A skipped field still holds its place.
        self.frame(TAG_NONE, 1);
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    #[test]
    fn framing_tells_apart_values_with_the_same_scalars() {
        let pairs: [(u128, u128); 4] = [
            (
                Fingerprint::of(&vec!["ab"]),
                Fingerprint::of(&vec!["a", "b"]),
            ),
            (Fingerprint::of(&None::<u64>), Fingerprint::of(&Some(0u64))),
            (Fingerprint::of(&(1u8, 2u8)), Fingerprint::of(&(2u8, 1u8))),
            (
                Fingerprint::of(&vec![vec![1u8], vec![]]),
                Fingerprint::of(&vec![vec![], vec![1u8]]),
            ),
        ];
        for (left, right) in pairs {
            assert_ne!(left, right);
        }
        assert_eq!(
            Fingerprint::of(&vec!["ab"]),
            Fingerprint::of(&["ab".to_string()])
        );
    }

    #[test]
    fn a_field_left_out_does_not_count_and_the_others_do() {
        #[derive(serde::Serialize)]
        struct Counted {
            kept: u64,
            counter: u64,
        }
        let fold = |kept, counter| {
            let mut fingerprint = Fingerprint::leaving_out(&["counter"]);
            fingerprint.add(&Counted { kept, counter });
            fingerprint.value()
        };
        assert_eq!(fold(1, 2), fold(1, 3));
        assert_ne!(fold(1, 2), fold(2, 2));
        assert_ne!(
            Fingerprint::of(&Counted {
                kept: 1,
                counter: 2
            }),
            Fingerprint::of(&Counted {
                kept: 1,
                counter: 3
            })
        );
    }
}

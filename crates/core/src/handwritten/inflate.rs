//! Inflating raw deflate (RFC 1951), the compression of share links.
//!
//! Written out here rather than taken from `miniz_oxide` because the web
//! app inflates links but never deflates them (the browser does), and this
//! decoder alone costs 4.4 KB (gzip) of the shipped app less than
//! `miniz_oxide`'s inflater (docs/size.md), more than the 3 KB the project
//! pays for a well-kept crate. The natively built tools still deflate with
//! `miniz_oxide`, and the tests check this decoder against its inflater.
//!
//! Codes are decoded canonically, a bit at a time: a length's first code
//! and count say whether the bits read so far are a whole code. Links are
//! small, so this is fast enough, and it needs no lookup tables.
//!
//! CAVEATS
//! - Output is capped, not input: the caller caps the link's length, and
//!   the cap here stops a small link from inflating into gigabytes.

/// Why a stream does not inflate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The stream breaks the format (a reserved block type, a bad length
    /// check, a code that cannot be, a distance before the start).
    Invalid,
    /// The stream ends inside a block.
    Truncated,
    /// The output would exceed the cap.
    TooLarge,
}

/// The bytes that the raw deflate stream `input` inflates to, at most
/// `limit` of them. Anything after the final block is ignored.
pub(crate) fn inflate(input: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let mut bits = Bits {
        input,
        at: 0,
        held: 0,
        count: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => stored(&mut bits, &mut out, limit)?,
            1 => {
                let (literals, distances) = fixed_codes()?;
                codes(&mut bits, &mut out, limit, &literals, &distances)?;
            }
            2 => {
                let (literals, distances) = dynamic_codes(&mut bits)?;
                codes(&mut bits, &mut out, limit, &literals, &distances)?;
            }
            _ => return Err(InflateError::Invalid),
        }
        if last {
            return Ok(out);
        }
    }
}

/// The input, read least significant bit first.
struct Bits<'a> {
    input: &'a [u8],
    /// The next byte to read.
    at: usize,
    /// Bits read but not taken, lowest first.
    held: u32,
    count: u32,
}

impl Bits<'_> {
    /// The next `n` bits (at most 16), first bit lowest.
    fn take(&mut self, n: u32) -> Result<u32, InflateError> {
        while self.count < n {
            let byte = *self.input.get(self.at).ok_or(InflateError::Truncated)?;
            self.at += 1;
            self.held |= u32::from(byte) << self.count;
            self.count += 8;
        }
        let value = self.held & ((1 << n) - 1);
        self.held >>= n;
        self.count -= n;
        Ok(value)
    }
}

/// A stored block: the rest of the byte is skipped, then LEN, its
/// complement, and LEN bytes.
fn stored(bits: &mut Bits, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    bits.held = 0;
    bits.count = 0;
    let len = bits.take(16)?;
    if bits.take(16)? != !len & 0xFFFF {
        return Err(InflateError::Invalid);
    }
    let len = len as usize;
    let bytes = bits
        .input
        .get(bits.at..bits.at + len)
        .ok_or(InflateError::Truncated)?;
    if out.len() + len > limit {
        return Err(InflateError::TooLarge);
    }
    out.extend_from_slice(bytes);
    bits.at += len;
    Ok(())
}

/// A canonical Huffman code: how many codes have each length, and the
/// symbols in code order.
struct Code {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Code {
    /// The code with these code lengths per symbol (0: the symbol is
    /// unused). Its codes must fill the code space exactly, except that a
    /// literal or distance code may have no symbol or one of one bit (the
    /// rule of zlib and `miniz_oxide`); the code-length code never may.
    fn new(lengths: &[u8], of_lengths: bool) -> Result<Code, InflateError> {
        let mut counts = [0u16; 16];
        for &len in lengths {
            counts[usize::from(len)] += 1;
        }
        counts[0] = 0;
        // The code space left after each length: negative when over-full.
        let mut room = 1i32;
        for &count in &counts[1..] {
            room = room * 2 - i32::from(count);
        }
        let mut symbols = Vec::with_capacity(lengths.len());
        for len in 1..16 {
            for (symbol, &l) in lengths.iter().enumerate() {
                if usize::from(l) == len {
                    symbols.push(symbol as u16);
                }
            }
        }
        let short = counts[2..].iter().all(|&count| count == 0);
        if room < 0 || (room > 0 && (of_lengths || !short)) {
            return Err(InflateError::Invalid);
        }
        Ok(Code { counts, symbols })
    }

    /// Read one symbol.
    fn decode(&self, bits: &mut Bits) -> Result<u16, InflateError> {
        // `code` is the bits so far; `first` the first code of this length;
        // `index` the position of that code's symbol.
        // No code is longer than the longest length in use.
        let longest = self
            .counts
            .iter()
            .rposition(|&count| count > 0)
            .unwrap_or(0);
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &self.counts[1..=longest] {
            code |= bits.take(1)? as i32;
            let count = i32::from(count);
            if code - first < count {
                return Ok(self.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(InflateError::Invalid)
    }
}

/// The fixed codes of block type 1. Both are complete, so this is never an
/// error; it is returned rather than `expect`ed, whose message would link
/// `InflateError`'s `Debug` into the shipped app (docs/size.md, session 11).
fn fixed_codes() -> Result<(Code, Code), InflateError> {
    let mut lengths = [8u8; 288];
    lengths[144..256].fill(9);
    lengths[256..280].fill(7);
    Ok((
        Code::new(&lengths, false)?,
        // All 32 codes: 30 and 31 exist, and are refused as distances.
        Code::new(&[5; 32], false)?,
    ))
}

/// The order in which a dynamic block gives the code-length code's lengths.
const LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The codes of a dynamic block, read from its header.
fn dynamic_codes(bits: &mut Bits) -> Result<(Code, Code), InflateError> {
    let literals = bits.take(5)? as usize + 257;
    let distances = bits.take(5)? as usize + 1;
    let code_lengths = bits.take(4)? as usize + 4;
    if literals > 286 || distances > 30 {
        return Err(InflateError::Invalid);
    }
    let mut lengths = [0u8; 19];
    for &symbol in &LENGTH_ORDER[..code_lengths] {
        lengths[symbol] = bits.take(3)? as u8;
    }
    let length_code = Code::new(&lengths, true)?;
    let mut lengths = Vec::with_capacity(literals + distances);
    while lengths.len() < literals + distances {
        let (value, repeat) = match length_code.decode(bits)? {
            len @ 0..=15 => (len as u8, 1),
            16 => {
                let previous = *lengths.last().ok_or(InflateError::Invalid)?;
                (previous, 3 + bits.take(2)?)
            }
            17 => (0, 3 + bits.take(3)?),
            _ => (0, 11 + bits.take(7)?),
        };
        if lengths.len() + repeat as usize > literals + distances {
            return Err(InflateError::Invalid);
        }
        lengths.extend(std::iter::repeat_n(value, repeat as usize));
    }
    Ok((
        Code::new(&lengths[..literals], false)?,
        Code::new(&lengths[literals..], false)?,
    ))
}

/// Length codes 257 to 285: the base length and its extra bits.
const LENGTHS: [(u16, u8); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];

/// Distance codes 0 to 29: the base distance and its extra bits.
const DISTANCES: [(u16, u8); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];

/// A compressed block's literals and copies, up to its end code.
fn codes(
    bits: &mut Bits,
    out: &mut Vec<u8>,
    limit: usize,
    literals: &Code,
    distances: &Code,
) -> Result<(), InflateError> {
    loop {
        let symbol = literals.decode(bits)?;
        let (byte, len, distance) = match symbol {
            0..=255 => (symbol as u8, 1, 0),
            256 => return Ok(()),
            _ => {
                let &(base, extra) = LENGTHS
                    .get(usize::from(symbol) - 257)
                    .ok_or(InflateError::Invalid)?;
                let len = usize::from(base) + bits.take(u32::from(extra))? as usize;
                let &(base, extra) = DISTANCES
                    .get(usize::from(distances.decode(bits)?))
                    .ok_or(InflateError::Invalid)?;
                let distance = usize::from(base) + bits.take(u32::from(extra))? as usize;
                if distance > out.len() {
                    return Err(InflateError::Invalid);
                }
                (0, len, distance)
            }
        };
        if out.len() + len > limit {
            return Err(InflateError::TooLarge);
        }
        if distance == 0 {
            out.push(byte);
        } else {
            // Byte by byte: a copy may overlap what it writes.
            for _ in 0..len {
                out.push(out[out.len() - distance]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};
    use proptest::prelude::*;

    use super::{inflate, InflateError};

    /// What `miniz_oxide` makes of `input`, in this module's terms.
    fn reference(input: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
        decompress_to_vec_with_limit(input, limit).map_err(|e| match e.status {
            TINFLStatus::HasMoreOutput => InflateError::TooLarge,
            TINFLStatus::Failed => InflateError::Invalid,
            _ => InflateError::Truncated,
        })
    }

    proptest! {
        /// Whatever `miniz_oxide` deflates, at any level (0 is stored
        /// blocks, 1 mostly fixed codes, higher levels dynamic ones),
        /// inflates back; and a cap below its size refuses it.
        #[test]
        fn deflated_data_inflates_back(
            words in proptest::collection::vec(0u8..8, 0..3000),
            level in 0u8..=10,
        ) {
            // Few distinct bytes, so that there are repeats to copy.
            let data: Vec<u8> = words.iter().map(|w| b"abcdefgh"[usize::from(*w)]).collect();
            let deflated = miniz_oxide::deflate::compress_to_vec(&data, level);
            prop_assert_eq!(inflate(&deflated, data.len()), Ok(data.clone()));
            if !data.is_empty() {
                prop_assert_eq!(inflate(&deflated, data.len() - 1), Err(InflateError::TooLarge));
            }
        }

        /// A deflate stream with a changed byte: the same output as
        /// `miniz_oxide`, or the same error.
        #[test]
        fn damaged_streams_inflate_as_miniz_does(
            words in proptest::collection::vec(0u8..8, 1..2000),
            level in 0u8..=10,
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let data: Vec<u8> = words.iter().map(|w| b"abcdefgh"[usize::from(*w)]).collect();
            let mut deflated = miniz_oxide::deflate::compress_to_vec(&data, level);
            let at = at.index(deflated.len());
            deflated[at] ^= flip;
            prop_assert_eq!(inflate(&deflated, 1 << 16), reference(&deflated, 1 << 16));
        }

        /// Arbitrary bytes: the same output as `miniz_oxide`, or the same error.
        #[test]
        fn any_bytes_inflate_as_miniz_does(input in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(inflate(&input, 1 << 16), reference(&input, 1 << 16));
        }
    }
}

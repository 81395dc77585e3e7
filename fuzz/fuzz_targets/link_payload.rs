//! Links with a correct checksum around arbitrary data, which `link_decoder`
//! rarely builds by chance: the first byte chooses whether the rest is a raw
//! deflate stream (the inflater's input) or the session JSON (deflated by
//! the encoder). Either way the decoder returns, and never panics.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use wildling_core::share::{crc32, decode_session, encode_payload};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let link = if choice % 2 == 0 {
        let sum = crc32(&[b"w1.".as_slice(), rest].concat());
        format!(
            "w1.{}",
            URL_SAFE_NO_PAD.encode([&sum.to_be_bytes(), rest].concat())
        )
    } else {
        encode_payload(rest)
    };
    let _ = decode_session(&link);
});

//! Any text opened as a share link gives a session or a `LinkError`, never a
//! panic, and a session it accepts encodes to a link that opens to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wildling_core::share::{decode_session, encode_session};

fuzz_target!(|text: &str| {
    if let Ok(session) = decode_session(text) {
        let again = decode_session(&encode_session(&session));
        assert_eq!(again.as_ref(), Ok(&session), "a decoded session re-encodes");
    }
});

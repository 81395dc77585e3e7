//! What the model writes out itself instead of taking a well-kept crate.
//!
//! The project prefers a well-kept crate to hand-written code, and pays up
//! to 3 KB (gzip -9) of the shipped app for one. Each module here is a
//! crate that was measured (`./dev size`, docs/size.md) and cost more than
//! that; its reference test checks it against the crate it stands in for.
//! `clippy.toml` sends callers here: it disallows the crate's functions in
//! the model, so that none creeps back in beside the written-out version.
//!
//! - [`inflate`]: raw deflate decoding for share links. `miniz_oxide`'s
//!   inflater costs 4.4 KB more; the tests compare this one with it on
//!   every deflate level and on damaged streams.
//! - [`sort`]: the model's one sort, a bottom-up merge sort of positions
//!   that asks each caller's comparison through a reference, and an
//!   insertion sort for short vectors. The standard library's sort is one
//!   instance per element type and comparison: using it at every call site
//!   costs 16.7 KB more. The proptests check both against `slice::sort_by`.
//!
//! CAVEATS
//! - A measurement is of one build: when the app or the crate changes
//!   much, measure again and move the module out if the crate now fits.

pub(crate) mod inflate;
pub(crate) mod sort;

//! Input text as an error message quotes it.
//!
//! A scenario, tutorial, experiment, share link or HTTP request is written
//! by a stranger, and a message that refuses it often quotes what it
//! refused: an unknown field, a mode's name, a node that is not a number.
//! Quoted in full, such text could be a megabyte long (the largest
//! scenario) and hold newlines or terminal escapes. [`Quoted`] is how every
//! message of the model, the CLI and the server quotes input: in double
//! quotes, with Rust's escapes for quotes, backslashes and control
//! characters (so it stays on one line and sends no escape sequence), and
//! at most [`QUOTED_CHARS_MAX`] characters of it, followed by `…` and the
//! whole text's size when it is longer.
//!
//! # CAVEATS
//!
//! - The cap counts characters (Unicode scalar values), not columns: 64
//!   wide characters take more room than 64 letters.
//! - Escapes lengthen the quote: 64 control characters print as up to 640.
//! - serde's own messages quote input too; the scenario reader passes them
//!   through this type (`scenario/read.rs`), other readers do not need it
//!   because they quote nothing but numbers.

use std::borrow::Cow;
use std::fmt;

/// The most characters of input a message quotes.
pub const QUOTED_CHARS_MAX: usize = 64;

/// `text` quoted for a message: escaped, in double quotes, capped at
/// [`QUOTED_CHARS_MAX`] characters (`"abc…"… (70000 bytes)` past that).
#[derive(Clone, Copy, Debug)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(QUOTED_CHARS_MAX) {
            None => write!(f, "{:?}", self.0),
            Some((cut, _)) => write!(f, "{:?}… ({} bytes)", &self.0[..cut], self.0.len()),
        }
    }
}

impl Quoted<'_> {
    /// Whether the text prints as it is: short, and without a control
    /// character, so that it needs no quotes (a path's key).
    pub fn is_plain(&self) -> bool {
        self.0.chars().count() <= QUOTED_CHARS_MAX && !self.0.chars().any(char::is_control)
    }
}

/// A name from the input (a key in a path, a file name) as a message shows
/// it: as it is when [plain](Quoted::is_plain), else [`Quoted`].
pub fn shown(text: &str) -> Cow<'_, str> {
    if Quoted(text).is_plain() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(Quoted(text).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{shown, Quoted, QUOTED_CHARS_MAX};

    #[test]
    fn short_text_is_quoted_whole_and_escaped() {
        assert_eq!(Quoted("abc").to_string(), "\"abc\"");
        assert_eq!(
            Quoted("a\nb\u{1b}[31m\"").to_string(),
            "\"a\\nb\\u{1b}[31m\\\"\""
        );
        assert!(Quoted("cluster").is_plain());
        assert!(!Quoted("a\tb").is_plain());
        assert_eq!(shown("cluster"), "cluster");
        assert_eq!(shown("a\tb"), "\"a\\tb\"");
    }

    #[test]
    fn long_text_is_cut_at_the_cap_with_its_size() {
        let long = "é".repeat(10 << 20);
        let shown = Quoted(&long).to_string();
        let kept = "é".repeat(QUOTED_CHARS_MAX);
        assert_eq!(shown, format!("\"{kept}\"… ({} bytes)", long.len()));
        assert!(!Quoted(&long).is_plain());
        let exact = "x".repeat(QUOTED_CHARS_MAX);
        assert_eq!(Quoted(&exact).to_string(), format!("\"{exact}\""));
    }
}

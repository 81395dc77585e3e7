//! The compact text forms: one small cursor that every `FromStr` in the
//! kernel shares, and the error it reports.
//!
//! Ids, counters and values are *atoms*: a run of text up to the next
//! top-level `,`, `:`, `]`, `}` or `)`. Brackets inside an atom must balance,
//! so a value such as `{5, 1002345}` is one atom that the value type parses.

use std::fmt;
use std::str::FromStr;

pub(crate) use crate::ids::write_decimal;

/// Why a clock's text form did not parse. Every variant names what is wrong
/// and where; parsing never panics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The text does not have the expected shape at byte offset `at`.
    Syntax {
        /// Byte offset into the input.
        at: usize,
        /// What the parser was looking for.
        expected: &'static str,
        /// What it found instead (a short excerpt, or "end of input").
        found: String,
    },
    /// An id, counter or value did not parse as its type.
    Atom {
        /// Byte offset of the atom.
        at: usize,
        /// What the atom should have been ("id", "counter", "value", ...).
        what: &'static str,
        /// The atom's text.
        text: String,
        /// The inner parser's message.
        reason: String,
    },
    /// The text parsed but describes something that cannot exist, such as
    /// unsorted ids or more values than the counter allows.
    Invalid {
        /// What is impossible about it.
        reason: String,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax {
                at,
                expected,
                found,
            } => {
                write!(f, "at byte {at}: expected {expected}, found {found}")
            }
            ParseError::Atom {
                at,
                what,
                text,
                reason,
            } => {
                write!(
                    f,
                    "at byte {at}: {} is not a valid {what}: {reason}",
                    crate::quoted::Quoted(text)
                )
            }
            ParseError::Invalid { reason } => write!(f, "invalid clock: {reason}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// A cursor over the input text.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn skip_ws(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// The next non-blank character, without consuming it.
    pub(crate) fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.text[self.pos..].chars().next()
    }

    fn error(&self, expected: &'static str) -> ParseError {
        let rest = &self.text[self.pos..];
        let found = match rest.chars().next() {
            None => "end of input".to_string(),
            Some(_) => format!("{:?}", rest.chars().take(12).collect::<String>()),
        };
        ParseError::Syntax {
            at: self.pos,
            expected,
            found,
        }
    }

    /// Consumes `c` or reports that `expected` was wanted.
    pub(crate) fn expect(&mut self, c: char, expected: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Consumes `c` if it is next.
    pub(crate) fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    /// Requires that only blanks remain.
    pub(crate) fn finish(&mut self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("end of input")),
        }
    }

    /// Reads one atom and parses it as `T`.
    pub(crate) fn atom<T: FromStr>(&mut self, what: &'static str) -> Result<T, ParseError>
    where
        T::Err: fmt::Display,
    {
        self.skip_ws();
        let start = self.pos;
        let mut depth = 0usize;
        for (offset, c) in self.text[start..].char_indices() {
            match c {
                '{' | '[' | '(' => depth += 1,
                '}' | ']' | ')' if depth == 0 => break,
                '}' | ']' | ')' => depth -= 1,
                ',' | ':' if depth == 0 => break,
                _ => {}
            }
            self.pos = start + offset + c.len_utf8();
        }
        let text = self.text[start..self.pos].trim_end();
        if text.is_empty() {
            return Err(self.error(what));
        }
        text.parse().map_err(|e: T::Err| ParseError::Atom {
            at: start,
            what,
            text: text.to_string(),
            reason: e.to_string(),
        })
    }

    /// Reads `open item (, item)* close`, possibly empty.
    pub(crate) fn list<T>(
        &mut self,
        open: char,
        close: char,
        expected: &'static str,
        mut item: impl FnMut(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Vec<T>, ParseError> {
        self.expect(open, expected)?;
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(close) {
                return Ok(items);
            }
            self.expect(',', "',' or the end of the list")?;
        }
    }
}

/// Writes `items` separated by `sep`.
pub(crate) fn write_joined<T>(
    f: &mut fmt::Formatter<'_>,
    items: impl IntoIterator<Item = T>,
    sep: &str,
    mut each: impl FnMut(&mut fmt::Formatter<'_>, T) -> fmt::Result,
) -> fmt::Result {
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            f.write_str(sep)?;
        }
        each(f, item)?;
    }
    Ok(())
}

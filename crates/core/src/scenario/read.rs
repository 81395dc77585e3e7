//! Reading a parsed JSON value into the scenario's types, naming where the
//! first error happened: `timeline[3].put.node`, `cluster.mode`, or `.` for
//! the value itself.
//!
//! [`Walker`] is a serde deserializer over a borrowed [`serde_json::Value`]
//! that knows its path from the root. It behaves as serde_json's own
//! deserializer of a `&Value` does, so every message is serde's: an object
//! is a struct or a map, a single-key object or a string is an enum, an
//! array is a sequence (never a struct: see CAVEATS), and an array or
//! object that the type does not read to its end is "fewer elements". The
//! first walker an error passes through records its path, so the deepest
//! path wins; an error a type raises after reading (a mode name that does
//! not parse) is recorded at the element, entry or variant it was read for.
//! Keys are the path of errors in reading them (an unknown field), and a
//! variant's contents sit under the variant's name.
//!
//! One deserializer for every scenario type keeps the shipped app small:
//! each type's visitor is instantiated once, for this walker. A request for
//! a shape (a struct, a map, a sequence, a string, a number, a bool) reads
//! only that shape and reports any other value as the invalid type it is
//! (what the visitor's default methods would say), so that a visitor's
//! methods for shapes it never reads are not instantiated at all; the rest
//! go through `deserialize_any`.
//!
//! Its [`Error`] is serde's message with the input it quotes (an unknown
//! field or variant, a string of the wrong type) passed through
//! [`Quoted`], and keys in paths likewise: a stranger's key may be a
//! megabyte long or hold a terminal escape. The value a type did not expect
//! is described here, in serde's words, rather than by serde's `Unexpected`,
//! whose `Display` writes a float with `f64`'s and so would keep that in the
//! shipped app; a float is written as serde_json writes it (docs/size.md,
//! session 10).
//!
//! CAVEATS:
//!
//! - Unlike serde_json, a struct is read from an object only, never from an
//!   array of its fields in order: no file this playground writes or
//!   documents has one, and reading them would put every struct's
//!   sequence visitor into the shipped app. An array where a struct belongs
//!   is "invalid type: sequence, expected struct …", at its path.

use std::cell::Cell;
use std::fmt::{self, Write};

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, Error as _, Expected, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ScenarioError;
use crate::quoted::{shown as name, Quoted};

/// serde's error while reading a value, quoting input through [`Quoted`].
/// Boxed: one pointer, as serde_json's error is, so every visitor's
/// `Result` stays small (a `String` here cost the shipped app 9.8 KB gzip).
#[derive(Debug)]
#[expect(
    clippy::box_collection,
    reason = "a thin pointer: a `Box<str>` or a `String` is two or three words in every `Result`"
)]
pub(crate) struct Error(Box<String>);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// serde's messages, as its default methods write them (those that quote
/// no value: an unknown field's and variant's names go through [`name`]
/// first).
type Plain = serde::de::value::Error;

/// `message: {unexp}, expected {exp}`, as serde's default `invalid_type` and
/// `invalid_value` write it, but with `unexp` written by [`write_unexpected`]
/// rather than by serde's `Display`.
fn unexpected_error(message: &str, unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
    let mut text = String::from(message);
    write_unexpected(&mut text, unexp);
    let _ = write!(text, ", expected {exp}");
    Error(Box::new(text))
}

/// `unexp` in serde's words (`integer \`3\``, `sequence`), with two
/// differences: a string is [`Quoted`] (escaped and capped), and a float is
/// written by serde_json's number formatter (the shortest text that reads
/// back, as serde_json's own messages write it: `1.5`, `1e+300`), not by
/// `f64`'s `Display`, which serde's `Unexpected` formats with and which
/// would otherwise be in the shipped app for this one message
/// (docs/size.md, session 10).
fn write_unexpected(text: &mut String, unexp: Unexpected<'_>) {
    let _ = match unexp {
        Unexpected::Bool(b) => write!(text, "boolean `{b}`"),
        Unexpected::Unsigned(u) => write!(text, "integer `{u}`"),
        Unexpected::Signed(i) => write!(text, "integer `{i}`"),
        Unexpected::Float(v) => {
            let shown = match serde_json::Number::from_f64(v) {
                Some(n) => n.to_string(),
                None if v.is_nan() => "NaN".into(),
                None if v < 0.0 => "-inf".into(),
                None => "inf".into(),
            };
            write!(text, "floating point `{shown}`")
        }
        Unexpected::Char(c) => write!(text, "character `{c}`"),
        Unexpected::Str(s) => write!(text, "string {}", Quoted(s)),
        Unexpected::Bytes(_) => text.write_str("byte array"),
        Unexpected::Unit => text.write_str("unit value"),
        Unexpected::Option => text.write_str("Option value"),
        Unexpected::NewtypeStruct => text.write_str("newtype struct"),
        Unexpected::Seq => text.write_str("sequence"),
        Unexpected::Map => text.write_str("map"),
        Unexpected::Enum => text.write_str("enum"),
        Unexpected::UnitVariant => text.write_str("unit variant"),
        Unexpected::NewtypeVariant => text.write_str("newtype variant"),
        Unexpected::TupleVariant => text.write_str("tuple variant"),
        Unexpected::StructVariant => text.write_str("struct variant"),
        Unexpected::Other(other) => text.write_str(other),
    };
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(Box::new(msg.to_string()))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        unexpected_error("invalid type: ", unexp, exp)
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        unexpected_error("invalid value: ", unexp, exp)
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error(Box::new(
            Plain::unknown_variant(&name(variant), expected).to_string(),
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error(Box::new(
            Plain::unknown_field(&name(field), expected).to_string(),
        ))
    }
}

/// Read `value` as a `T`. A failure is [`ScenarioError::Json`] with the path
/// of the first error and serde's message.
pub(crate) fn from_value<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<T, ScenarioError> {
    let failed_at = Cell::new(None);
    let walker = Walker {
        value,
        path: Path::Root,
        failed_at: &failed_at,
    };
    T::deserialize(walker).map_err(|e| ScenarioError::Json {
        field: failed_at.take().unwrap_or_else(|| ".".to_string()),
        reason: e.to_string(),
    })
}

/// `value` as an object of `fields`, for a reader that takes it apart by
/// lookups rather than through a visitor (the session's own fields): serde's
/// "invalid type" at `.` when it is not an object, "unknown field" at the
/// first key not among `fields`.
pub(crate) fn object<'v>(
    value: &'v Value,
    expecting: &str,
    fields: &'static [&'static str],
) -> Result<&'v Map<String, Value>, ScenarioError> {
    match value {
        Value::Object(map) => match map.keys().find(|key| !fields.contains(&key.as_str())) {
            Some(key) => Err(json_error(&name(key), Error::unknown_field(key, fields))),
            None => Ok(map),
        },
        other => Err(json_error(
            ".",
            Error::invalid_type(unexpected(other), &expecting),
        )),
    }
}

/// serde's "missing field" for an object read by lookups ([`object`]).
pub(crate) fn missing(field: &'static str) -> ScenarioError {
    json_error(".", Error::missing_field(field))
}

/// `error` at `field`.
fn json_error(field: &str, error: Error) -> ScenarioError {
    ScenarioError::Json {
        field: field.to_string(),
        reason: error.to_string(),
    }
}

/// `value` as an array, for a reader that takes it apart by lookups; serde's
/// "invalid type" at `field` when it is not one.
pub(crate) fn array<'v>(value: &'v Value, field: &str) -> Result<&'v [Value], ScenarioError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(json_error(
            field,
            Error::invalid_type(unexpected(other), &"a sequence"),
        )),
    }
}

/// Where a value sits: a chain of keys and indices up to the root.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// The value being read.
    Root,
    /// The value of a key of an object, or the contents of a variant.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// `timeline[3].put`; `.` for the root.
    fn render(&self) -> String {
        let mut steps = Vec::new();
        let mut at = self;
        while let Path::Key(parent, _) | Path::Index(parent, _) = at {
            steps.push(at);
            at = parent;
        }
        let mut text = String::new();
        for step in steps.iter().rev() {
            match step {
                Path::Key(_, key) => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(&name(key));
                }
                Path::Index(_, index) => {
                    let _ = write!(text, "[{index}]");
                }
                Path::Root => {}
            }
        }
        if text.is_empty() {
            text.push('.');
        }
        text
    }
}

/// A deserializer over `value`, which sits at `path`.
#[derive(Clone, Copy)]
struct Walker<'a, 'de> {
    value: &'de Value,
    path: Path<'a>,
    /// The path of the first error, once there is one.
    failed_at: &'a Cell<Option<String>>,
}

impl<'a, 'de> Walker<'a, 'de> {
    /// A walker over `value` at `path`, recording errors where this one does.
    fn at<'b>(&self, value: &'de Value, path: Path<'b>) -> Walker<'b, 'de>
    where
        'a: 'b,
    {
        Walker {
            value,
            path,
            failed_at: self.failed_at,
        }
    }

    /// Record this walker's path for `error`, unless a deeper walker has.
    fn note(&self, error: Error) -> Error {
        let first = self.failed_at.take();
        self.failed_at
            .set(Some(first.unwrap_or_else(|| self.path.render())));
        error
    }

    /// The error of a visitor handed a value it does not read: the "invalid
    /// type" its default methods (and serde_json) report, made here once
    /// rather than in each visitor's instance of every default method.
    fn invalid(&self, expected: &dyn Expected) -> Error {
        Error::invalid_type(unexpected(self.value), expected)
    }

    fn seq<V: Visitor<'de>>(&self, items: &'de [Value], visitor: V) -> Result<V::Value, Error> {
        let mut access = Items {
            walker: *self,
            items: items.iter(),
            index: 0,
        };
        let value = visitor.visit_seq(&mut access)?;
        match access.items.len() {
            0 => Ok(value),
            _ => Err(Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            )),
        }
    }

    fn map<V: Visitor<'de>>(
        &self,
        map: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = Entries {
            walker: *self,
            entries: map.iter(),
            value: None,
        };
        let value = visitor.visit_map(&mut access)?;
        match access.entries.len() {
            0 => Ok(value),
            _ => Err(Error::invalid_length(map.len(), &"fewer elements in map")),
        }
    }
}

/// What serde calls a JSON value in its messages.
pub(crate) fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match split(n) {
            Split::Unsigned(u) => Unexpected::Unsigned(u),
            Split::Signed(i) => Unexpected::Signed(i),
            Split::Float(v) => Unexpected::Float(v),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// A JSON number as serde_json's `Number` splits it.
enum Split {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    /// Any other number.
    Float(f64),
}

/// `n` split: the one place both [`unexpected`] and [`number`] look inside
/// a number.
fn split(n: &serde_json::Number) -> Split {
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => Split::Unsigned(u),
        (None, Some(i)) => Split::Signed(i),
        (None, None) => Split::Float(n.as_f64().unwrap_or(f64::NAN)),
    }
}

/// Hand `n` to `visitor` as serde_json's `Number` does (an unsigned, a
/// negative integer or a float: [`split`]), but with this reader's
/// [`Error`]: serde_json's own would write an unexpected number through
/// serde's `Unexpected`.
fn number<'de, V: Visitor<'de>>(n: &serde_json::Number, visitor: V) -> Result<V::Value, Error> {
    match split(n) {
        Split::Unsigned(u) => visitor.visit_u64(u),
        Split::Signed(i) => visitor.visit_i64(i),
        Split::Float(v) => visitor.visit_f64(v),
    }
}

impl<'de> Deserializer<'de> for Walker<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.seq(items, visitor),
            Value::Object(map) => self.map(map, visitor),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self).map_err(|e| self.note(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let variant = |name, value| Variant {
            walker: self,
            name,
            value,
        };
        match self.value {
            Value::String(name) => visitor.visit_enum(variant(name, None)),
            Value::Object(map) => match map.iter().next() {
                Some((name, value)) if map.len() == 1 => {
                    visitor.visit_enum(variant(name, Some(value)))
                }
                _ => Err(Error::invalid_value(
                    Unexpected::Map,
                    &"map with a single key",
                )),
            },
            other => Err(Error::invalid_type(unexpected(other), &"string or map")),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // A struct is an object only (as a struct variant is): serde_json
        // would also read an array field by field, which no file written by
        // this playground or its docs uses, and which would instantiate every
        // struct's sequence visitor in the shipped app.
        match self.value {
            Value::Object(map) => self.map(map, visitor),
            _ => Err(self.invalid(&visitor)),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => self.map(map, visitor),
            _ => Err(self.invalid(&visitor)),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => self.seq(items, visitor),
            _ => Err(self.invalid(&visitor)),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid(&visitor)),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Number(n) => number(n, visitor),
            _ => Err(self.invalid(&visitor)),
        }
        .map_err(|e| self.note(e))
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.invalid(&visitor)),
        }
        .map_err(|e| self.note(e))
    }

    // Every other request reads the value as it is: a visitor handed what it
    // did not ask for reports the same "invalid type" serde_json would.
    serde::forward_to_deserialize_any! {
        i8 i16 i128 u128 f32 char
        bytes byte_buf unit unit_struct tuple_struct identifier
    }
}

/// The elements of an array, each at its index.
struct Items<'a, 'de> {
    walker: Walker<'a, 'de>,
    items: std::slice::Iter<'de, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let path = Path::Index(&self.walker.path, self.index);
        self.index += 1;
        let walker = self.walker.at(value, path);
        seed.deserialize(walker)
            .map(Some)
            .map_err(|e| walker.note(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of an object, each value at its key.
struct Entries<'a, 'de> {
    walker: Walker<'a, 'de>,
    entries: serde_json::map::Iter<'de>,
    /// The entry whose key was read last, until its value is.
    value: Option<(&'de str, &'de Value)>,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
            .map_err(|e| {
                self.walker
                    .at(value, Path::Key(&self.walker.path, key))
                    .note(e)
            })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| Error::custom("value is missing"))?;
        let walker = self.walker.at(value, Path::Key(&self.walker.path, key));
        seed.deserialize(walker).map_err(|e| walker.note(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum's variant: its name, and its contents unless it was a bare string.
struct Variant<'a, 'de> {
    walker: Walker<'a, 'de>,
    name: &'de str,
    value: Option<&'de Value>,
}

impl<'de> Variant<'_, 'de> {
    /// Read the contents, which sit under the variant's name, with `read`; a
    /// bare string has none, and is then not the `kind` of variant expected.
    fn contents<R>(
        &self,
        kind: &'static str,
        read: impl FnOnce(Walker<'_, 'de>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let path = Path::Key(&self.walker.path, self.name);
        match self.value {
            Some(value) => {
                let walker = self.walker.at(value, path);
                read(walker).map_err(|e| walker.note(e))
            }
            None => {
                let error = Error::invalid_type(Unexpected::UnitVariant, &kind);
                Err(self.walker.at(&Value::Null, path).note(error))
            }
        }
    }
}

impl<'de> EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name = seed.deserialize(BorrowedStrDeserializer::new(self.name))?;
        Ok((name, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            // `"heal"` or `{"heal": null}`.
            Some(_) => self.contents("unit variant", |walker| <()>::deserialize(walker)),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.contents("newtype variant", |walker| seed.deserialize(walker))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.contents("tuple variant", |walker| match walker.value {
            Value::Array(items) if items.is_empty() => visitor.visit_unit(),
            Value::Array(items) => walker.seq(items, visitor),
            other => Err(Error::invalid_type(unexpected(other), &"tuple variant")),
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.contents("struct variant", |walker| match walker.value {
            Value::Object(map) => walker.map(map, visitor),
            other => Err(Error::invalid_type(unexpected(other), &"struct variant")),
        })
    }
}

/// Parse JSON text into a value, refusing an object that names a key twice:
/// serde_json would keep the last one, and the format promises that nothing
/// in a scenario is silently ignored. The error names the repeated key's
/// path (`cluster.nodes`).
pub(crate) fn parse_unique_keys(text: &str) -> Result<Value, ScenarioError> {
    let failed_at = Cell::new(None);
    let mut json = serde_json::Deserializer::from_str(text);
    let value = UniqueKeys::root(&failed_at)
        .deserialize(&mut json)
        .and_then(|value| json.end().map(|()| value))
        .map_err(|e| ScenarioError::Json {
            field: failed_at.take().unwrap_or_default(),
            reason: e.to_string(),
        })?;
    Ok(value)
}

/// Reads any JSON into a [`Value`] as serde_json does, but fails on a key
/// repeated in one object, recording the key's path in `failed_at`.
struct UniqueKeys<'a> {
    path: Path<'a>,
    failed_at: &'a Cell<Option<String>>,
}

impl<'a> UniqueKeys<'a> {
    /// A reader of the whole value, recording a repeated key in `failed_at`.
    fn root(failed_at: &'a Cell<Option<String>>) -> UniqueKeys<'a> {
        UniqueKeys {
            path: Path::Root,
            failed_at,
        }
    }
}

impl<'de> DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let item = UniqueKeys {
                path: Path::Index(&self.path, items.len()),
                failed_at: self.failed_at,
            };
            match seq.next_element_seed(item)? {
                Some(value) => items.push(value),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = Path::Key(&self.path, &key);
            if entries.contains_key(&key) {
                self.failed_at.set(Some(path.render()));
                return Err(A::Error::custom(format_args!(
                    "the key `{}` appears twice",
                    name(&key)
                )));
            }
            let value = map.next_value_seed(UniqueKeys {
                path,
                failed_at: self.failed_at,
            })?;
            entries.insert(key, value);
        }
        Ok(Value::Object(entries))
    }
}

//! Identifiers and virtual time, shared by the ring, the nodes and the
//! simulator: who (`NodeId`, `ClientId`, `Actor`, `Addr`), which message
//! or operation (`MsgId`, `OpId`) and when (`Time`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A physical node of the cluster. Scenarios number nodes from 1 and the
/// display form is `n1`, `n2`, ...; the ring treats ids as opaque and ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u16);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("n")?;
        write_decimal(f, u64::from(self.0))
    }
}

/// A client of the store, the process that reads a version and writes the
/// next one. The display form is `c1`, `c2`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub u16);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("c")?;
        write_decimal(f, u64::from(self.0))
    }
}

/// Whoever is credited with an event in a version vector: a node (server-id
/// mechanisms, DVV) or a client (client-id version vectors). Nodes order
/// before clients. Display `n1` / `c1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Actor {
    /// A server, credited by the server-id mechanisms and by DVV.
    Node(NodeId),
    /// A client, credited by client-id version vectors.
    Client(ClientId),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Node(n) => n.fmt(f),
            Actor::Client(c) => c.fmt(f),
        }
    }
}

/// Why an id's text form did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdParseError {
    /// The text that was given.
    pub text: String,
    /// The forms that would have been accepted, e.g. `"n<number>"`.
    pub expected: &'static str,
}

impl fmt::Display for IdParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not an id: expected {}",
            crate::quoted::Quoted(&self.text),
            self.expected
        )
    }
}

impl std::error::Error for IdParseError {}

/// Parses `<prefix><u16>`, e.g. `n12`.
fn parse_prefixed(text: &str, prefix: char, expected: &'static str) -> Result<u16, IdParseError> {
    text.strip_prefix(prefix)
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| IdParseError {
            text: text.to_string(),
            expected,
        })
}

impl FromStr for NodeId {
    type Err = IdParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_prefixed(s, 'n', "n<number up to 65535>").map(NodeId)
    }
}

impl FromStr for ClientId {
    type Err = IdParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_prefixed(s, 'c', "c<number up to 65535>").map(ClientId)
    }
}

impl FromStr for Actor {
    type Err = IdParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = "n<number> or c<number>";
        match s.chars().next() {
            Some('n') => s.parse().map(Actor::Node),
            Some('c') => s.parse().map(Actor::Client),
            _ => Err(IdParseError {
                text: s.to_string(),
                expected,
            }),
        }
        .map_err(|e| IdParseError { expected, ..e })
    }
}

/// Virtual time, in ticks.
pub type Time = u64;

/// Where a message goes: a node of the cluster, or a client outside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Addr {
    /// A node of the cluster.
    Node(NodeId),
    /// A client, numbered from 1 (display `c1`).
    Client(ClientId),
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Node(node) => write!(f, "{node}"),
            Addr::Client(client) => write!(f, "{client}"),
        }
    }
}

/// A message's id: the order in which it was sent, from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MsgId(pub u64);

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A client operation's id: the order in which it was invoked, from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpId(pub u64);

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "op{}", self.0)
    }
}

/// `value` as the integer type `T`, which the model knows it fits (a ring's
/// partition count and indices, a process's waiting messages); a panic that
/// says `why` when it does not. `expect` would say the same with the error
/// appended, but its message formats `TryFromIntError` with `Debug`, which
/// nothing else puts in the shipped app (docs/size.md, session 11).
#[track_caller]
pub(crate) fn narrow<T: TryFrom<U>, U>(value: U, why: &str) -> T {
    T::try_from(value).unwrap_or_else(|_| panic!("{why}"))
}

/// Writes `n` in decimal, as `{}` does, without the formatting machinery
/// and whatever width or precision the formatter carries. Ids and counters
/// are written for every traced message and every Merkle leaf.
pub(crate) fn write_decimal(f: &mut impl fmt::Write, n: u64) -> fmt::Result {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // Digits are ASCII, so this never fails; were it to, it is a formatting
    // error rather than a panic, whose message would link `Utf8Error`'s
    // `Debug` into the shipped app for it (docs/size.md, session 11).
    std::str::from_utf8(&digits[at..]).map_or(Err(fmt::Error), |digits| f.write_str(digits))
}

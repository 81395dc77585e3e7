//! Identifiers shared by the ring, the nodes and the simulator.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::causality::text::write_decimal;

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
            "{:?} is not an id: expected {}",
            self.text, self.expected
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

//! # wildling-core
//!
//! The pure model behind Wildling. Everything the playground shows is computed
//! here; the UI, the CLI and any other front end only feed it inputs and draw
//! what it returns.
//!
//! Architecture invariant: this crate has no web crate, no clock, no I/O and no
//! unseeded randomness. It never iterates a `HashMap` in anything observable.
//! Time is an argument, and nodes return the messages they want sent.
//!
//! # Reading order
//!
//! The modules below are listed in the order a reader of the Dynamo paper
//! meets them; each module doc is the design essay for its part and ends in
//! a CAVEATS list.
//!
//! 1. [`ids`]: who (nodes, clients, addresses), which (messages,
//!    operations) and when (virtual time in ticks).
//! 2. [`causality`]: the causality kernel: version vectors, the paper's
//!    DVV, the DVVSet with `dvvset.erl`'s semantics, and the modes a key's
//!    clock can run under (DVVSet, LWW, three version-vector schemes).
//! 3. [`ring`]: partitioned consistent hashing, claims, preference lists
//!    and the fallbacks of a sloppy quorum.
//! 4. [`merkle`]: the Merkle tree over a partition's keys.
//! 5. [`message`]: the closed set of messages clients and nodes exchange.
//! 6. [`node`]: Dynamo nodes and clients as sans-IO state machines, one
//!    file per mechanism: coordinator and quorums, sloppy quorum, hinted
//!    handoff, read repair, anti-entropy, failure detector, gossip.
//! 7. [`sim`]: the deterministic simulator: the event queue, the seeded
//!    network, the trace and the history, the random fault injector.
//! 8. [`scenario`]: the versioned scenario format and its validation.
//! 9. [`cluster`]: a scenario turned into a running simulation, the entry
//!    point for every front end.
//! 10. [`checker`]: the consistency checker over a finished history;
//!     [`export`]: the history in formats other tools read (Jepsen EDN,
//!     Porcupine JSON, ShiViz logs);
//!     [`measure`]: what the clients experienced (latency, versions per
//!     get, t-visibility, availability), summed over seeds;
//!     [`experiment`]: a grid of configurations × a range of seeds, and
//!     the built-in experiments.
//! 11. [`view`]: plain-data views of a cluster, one per panel of the UI;
//!     [`drawing`]: the space-time diagram and the ring drawn as SVG from
//!     their views, one drawing for the page and for the files exported.
//! 12. [`share`]: a whole session as a share link; [`tutorial`]: the guided
//!     tutorials.
//! 13. [`playback`]: the playground's session: a scenario, the user's
//!     actions on it, and the cluster replayed from them (scrub, fork,
//!     compare).
//! 14. [`vec_map`]: the sorted-vector maps and sets the model uses.
//! 15. `handwritten`: what the model writes out instead of taking a crate,
//!     each with the measurement that keeps it (the share links' inflater,
//!     the model's sort); [`quoted`]: input text as an error message
//!     quotes it (escaped, capped); [`fuzzing`]: the entry points untrusted
//!     text reaches, with what must hold for any input (the fuzz targets
//!     and `tests/fuzzing.rs` drive them).

// The unit tests compare the model with the types and crates that
// clippy.toml keeps out of it.
#![cfg_attr(test, allow(clippy::disallowed_types, clippy::disallowed_methods))]

pub mod ids;

pub mod causality;
pub mod ring;

pub mod merkle;
pub mod message;
pub mod node;

pub mod sim;

pub mod cluster;
pub mod scenario;

pub mod checker;
pub mod drawing;
pub mod experiment;
pub mod explore;
pub mod export;
pub mod fixed_point;
pub mod fuzzing;
pub mod jobs;
pub mod measure;
pub mod view;

mod handwritten;
pub mod quoted;
pub mod share;
pub mod tutorial;

pub mod playback;

pub mod vec_map;

pub use ids::{Actor, ClientId, NodeId};

/// The version of the model crate, shown by the UI and the CLI.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

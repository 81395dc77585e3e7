//! # wildling-core
//!
//! The pure model behind Wildling. Everything the playground shows is computed
//! here: the causality kernel, the ring, the simulated cluster with Dynamo's
//! failure handling ([`node`]), the random fault injector ([`faults`]) and the
//! consistency checker ([`checker`]).
//!
//! Architecture invariant: this crate has no web crate, no clock, no I/O and no
//! unseeded randomness. It never iterates a `HashMap` in anything observable.
//! Time is an argument, and nodes return the messages they want sent.

pub mod causality;
pub mod checker;
pub mod cluster;
pub mod faults;
pub mod history;
pub mod ids;
mod inflate;
pub mod message;
pub mod network;
pub mod node;
pub mod ring;
pub mod scenario;
pub mod share;
pub mod sim;
mod sort;
pub mod trace;
pub mod tutorial;
pub mod vec_map;
pub mod view;

pub use ids::{Actor, ClientId, NodeId};

/// The version of the model crate, shown by the UI and the CLI.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

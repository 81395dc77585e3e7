//! The explorer: every interleaving of a small cluster, and the shortest
//! run that breaks it.
//!
//! A seed sweep samples schedules; the explorer enumerates them. It runs a
//! scenario in the steered simulator ([`crate::sim::Choice`]), where every
//! delivery, drop, timer, timeline entry and menu fault is a choice, and
//! searches the tree of choices breadth first, within bounds on depth (choices),
//! drops and faults. Every state it reaches is checked against the chosen
//! [`Property`]s; for each property broken, the first state found breaks it
//! at the least depth, and the path to it is the shortest counterexample,
//! which it returns as a steered scenario that the playground and
//! `wildling run` replay like any other.
//!
//! # The state and its hash
//!
//! A state is a whole steered simulator: every node and client, the
//! network, the clock, what is left of the timeline, the outcomes of the
//! operations so far, and the pool of messages and timers. The visited set
//! keys on its 128-bit fingerprint ([`crate::sim::Simulator::fingerprint`])
//! together with the drops and faults used (they bound what may still
//! happen). Messages in flight count as a multiset: their fingerprints are
//! sorted, so the order they were sent in and the ids they carry do not
//! split one state into many. The set is a `HashMap` looked up, never
//! iterated, so nothing observable depends on its order.
//!
//! # Times relative to the clock
//!
//! A state holds times: the clock, when each timer is set for, when each
//! suspicion began, when each operation was invoked and completed. Two
//! runs that did the same things at different moments (a timer fired
//! early on one, late on the other) reach states equal but for those
//! times, and counted as two they multiply the space for nothing. With
//! [`ExploreOptions::relative_times`] (on by default) the fingerprint
//! takes every time relative to the clock ([`Times::Relative`]): a timer
//! by the ticks it has left (none once due), a timeline entry likewise, a
//! suspicion by the ticks it has left ([`crate::node::Node::suspected`]),
//! and the clock itself not at all; the nodes' counters (`stats`), which
//! nothing reads, are left out too. The operations' times count, as how
//! long ago, only when a property reads them (no-stale-read compares
//! them); the others read outcomes alone.
//!
//! Why that is sound: a steered run reads the clock only through
//! differences. A timer is set for now plus a delay and, fired, moves the
//! clock to its time or leaves it if later; a timeline entry likewise; a
//! node asks whether a suspicion is younger than
//! [`crate::node::Node::suspicion_ticks`]; the checker compares operations'
//! times with each other. No node or client holds any other time, except
//! where the causality mode stores one: LWW stamps each write with the
//! clock, and client-id vectors their entries (for pruning). So two states
//! equal up to a shift of every time have the same futures, shifted, and
//! the same verdicts; under LWW and client-id vectors times stay absolute
//! ([`Explorer::times`]). A transition is named with its timer's time
//! relative too, so that a state merged with another shifted one matches
//! the sleep set it was stored with; a sleep set is carried only across
//! deliveries and drops, which do not move the clock, so the names it
//! carries stay valid. The brute-force test checks it on a tiny cluster
//! with every mechanism on: every state it reaches, keyed with relative
//! times, is visited, and no two states merged differ in being settled, in
//! the checker's findings or in siblings.
//!
//! # The reduction
//!
//! Two deliveries to different processes commute: each changes only its
//! receiver and adds messages, and a steered run's clock does not move on a
//! delivery, so either order reaches the same state. A drop changes only
//! the pool. Timers, timeline entries and faults may change anything (the
//! clock, the network, liveness) and commute with nothing. The explorer uses
//! *sleep sets* (Godefroid): after exploring choice `a` from a state, every
//! later sibling `b` independent of `a` carries `a` in its sleep set, and
//! `a` is not taken again below `b`, since `b·a` reaches what `a·b` did.
//! Sleep sets prune transitions, not states: every reachable state is still
//! visited, which is what lets a test compare the count with a brute-force
//! enumeration (`explore/tests.rs`). With a visited set, a state met again
//! with a smaller sleep set is explored again for the transitions it slept
//! on the first time, and its stored sleep set shrinks to the intersection;
//! without that step the combination loses states.
//!
//! Transitions are named by what they do (the fingerprint of the message,
//! timer or fault and whether it is a delivery or a drop), not by message
//! ids, which depend on the path. Two copies of the same message in flight
//! are one choice.
//!
//! # Properties and end states
//!
//! At-most-K-siblings is checked at every state. The checker's verdicts
//! (lost writes, non-convergence, stale reads, false conflicts,
//! [`crate::checker`]) need a finished run, so they are checked at *settled*
//! states: the timeline has run, no message is in flight, and every timer
//! left is *spent* ([`crate::sim::Process::is_spent`]).
//!
//! No-lost-write is checked at every state as well, in its per-state form
//! ([`crate::checker::vanished`]): an acknowledged put whose value no
//! store, hint, coordinated get, message or put still to come holds, and
//! that no put covers or can still cover, is lost for good at that state.
//! A vanished write stays vanished, so the first state found with one ends
//! the shortest counterexample, often shorter than the settled check's:
//! the stale write under LWW in 5 choices (7 settled), eggs after a read
//! under server-id vectors in 10 (12); the tests recompute the settled
//! depth with a plain search, and replay each counterexample to the loss.
//! At settled states the checker's verdict runs in full, and finds what the
//! per-state form cannot (a value missing for good on one replica while
//! another still holds it). A search in which nothing settles thus still
//! decides no-lost-write over its bounded space, in the per-state form
//! only, and says so ([`Property::checked`]: "no acknowledged write left
//! the cluster in N states up to depth D (depth bound reached); M settled
//! states checked in full"); the other checker properties are then checked
//! at none, and `wildling explore` gives no verdict for them (exit 3).
//!
//! # Spent timers
//!
//! A timeout whose operation has its answer would, fired, change nothing
//! but the clock. The explorer never fires one: each would otherwise be a
//! choice at every later state, and every moment it could fire a new
//! clock value, multiplying the space for nothing a learner asks about.
//!
//! # Bounds
//!
//! Every search ends: at `depth_max` choices a state is not expanded; the
//! visited set holds at most `states_max` states, after which the search
//! stops with [`Ended::StatesBound`] and the counts so far; and the memory
//! it holds, estimated as it goes (each waiting simulator by the words its
//! fingerprint walks plus its history's records, each visited state and
//! path node by its entry), stays under `memory_max_bytes` (1 GiB by
//! default), or it stops with [`Ended::MemoryBound`]. A space too big for
//! the bounds therefore ends with "bound reached" and the counts so far,
//! never with the process out of memory. The search runs in
//! slices ([`Explorer::run`] with a budget of expansions), so a front end
//! shows progress and can stop it between slices.
//!
//! # What it costs
//!
//! A distinct state costs about 1.4 transitions, and a transition a clone
//! of its parent, a choice and a fingerprint. All three are kept small:
//!
//! - A clone shares what its transition does not change: each process
//!   sits behind an `Rc` in the simulator and is copied only when the
//!   choice changes it (a delivery changes one), and a node's ring and
//!   routes are shared further until the ring changes. The explorer's
//!   history keeps the operations (what the checker reads) but not the
//!   messages, which every state would otherwise copy; the queue a steered
//!   run never uses holds no buckets. The last transition out of a state
//!   takes the state itself rather than a copy.
//! - The fingerprint is incremental: each process's fingerprint is kept
//!   with it until it changes, and each message or timer in the pool has
//!   its own, computed once; the state's fingerprint folds them.
//!
//! `cargo bench -p wildling-core --bench explore` (2026-12-06, load 1.1–1.7,
//! one core): a 3-node, 2-client DVVSet cluster with every mechanism on
//! visits 315,000 distinct states/s with sleep sets and 288,000 without
//! (the first 50,000, breadth first); before, 135,500 and 130,900 at load
//! 1.1–1.3, when a clone took 2.32 µs and a fingerprint 0.70 µs. A clone
//! now takes 0.40 µs, a fingerprint of a state whose parts are known
//! 0.16 µs. Under callgrind a distinct state costs 20,408 instructions,
//! against 62,127 before. Sleep sets cut transitions, not states:
//! 13% on `stale-write-server-vv` under DVVSet (359,313 against 413,789
//! for the same 158,468 states). Those figures take times as they are
//! (the bench's first two searches still do). Relative to the clock,
//! the same space has fewer distinct states, each reached by more
//! transitions: the bench's third search visits its first 50,000 by
//! 90,813 transitions against 68,025, at 233,600 classes/s against
//! 314,800 states/s and 329,200 without sleep sets for the absolute
//! searches in the same run (session 9, main 4507341, load 1.2–2.1;
//! fingerprint 0.19 µs, clone 0.35 µs). Under
//! callgrind (the bench's first search, times absolute, 40 s of it) a
//! distinct state costs 21,476 instructions against 20,588 on main
//! ce4f8ad before relative times (+4%: a timer's time is now added to its
//! cached fingerprint for each state rather than folded in once); `./dev
//! wasm-bench`'s native run of the same search, 326,000 states/s at load
//! 3.6–4.8. What it
//! buys, with `wildling explore FILE --property no-lost-write` (release,
//! load 5.3, against `--absolute-times`): `stale-write-dvvset` 234
//! states against 1,462; `stale-write-server-vv` 16,948 against 74,639
//! (0.20 s against 0.78 s, eggs lost in 12 choices either way); the same
//! under DVVSet 23,274 against 158,468 (0.26 s against 1.21 s, holds,
//! 684 settled classes against 7,674 settled states); the
//! partition-siblings crash case (`--faults "crash 3" --property
//! convergence`, handoff and anti-entropy off) 32,360 against 61,421
//! (0.37 s against 0.61 s, non-convergence in 12 choices either way).
//! LWW keeps absolute times: `stale-write-lww` is 401 states either way.
//! (Those searches stopped at the end-state verdict; with no-lost-write
//! checked at every state since session 10, `stale-write-lww` breaks
//! after 55 states.) The
//! per-state check costs little, since a state first asks whether every
//! acknowledged value is held, which most are, in a store: under
//! callgrind (the bench's first search, 40 s of it, session 10) a
//! distinct state costs 21,806 instructions, against 21,739 on 22a54ed
//! (+0.3%, with other commits between), and the whereabouts walk is
//! 0.02% of the profile.
//!
//! # CAVEATS
//!
//! - Every mechanism on multiplies the space, and the partition-siblings
//!   timeline (`scenarios/explore/partition-siblings.json`) with one drop
//!   has a verdict for no-lost-write's per-state form only, and only to
//!   depth 10: `wildling explore scenarios/explore/partition-siblings.json
//!   --drops 1 --max-depth 10 --property no-lost-write` (release, session
//!   10) visits 128,374 distinct states in 1.1–1.2 s of CPU (3.6–6.2 s
//!   wall at load 4.9–5.6 on a shared machine; 1.0–1.3 s with `--property
//!   convergence`, which checks nothing per state, in the same
//!   alternating runs), 625 MB peak resident set, under the default 1 GiB
//!   bound the Lab's worker uses too (not run in the browser), and finds
//!   no write vanished: exit 0, "no acknowledged write left the cluster in
//!   128374 states up to depth 10 (depth bound reached); 0 settled states
//!   checked in full". Depth 11 (`--max-memory-mib 6000`) holds too:
//!   601,439 states, 32.8 s wall at load 5.1–5.7, 3.3 GB, past the 10 s.
//!   Depth 10 is the least at which a run has both puts acknowledged after
//!   the heal (the four timeline entries; eggs' request, replication, ack
//!   and answer; bread's request and answer), which the teaching-case test
//!   checks. One anti-entropy exchange after the heal takes 3 choices more
//!   (the round, its root, the answer): depth 13, far beyond the 10 s a
//!   teaching case may take, so the verdict says nothing of what
//!   anti-entropy does after the heal. It says little in any case: under
//!   DVVSet the two blind puts are kept as siblings, nothing covers them
//!   and nothing crashes, so no replica ever loses a value it held, and no
//!   write vanishes at any depth. The end-state verdicts are checked
//!   nowhere, since no state settles: session 9 measured (same command
//!   without `--property`, `--max-states 20000000 --max-memory-mib
//!   12000`, load 2.7–3.5) depth 10 in 1.51 s (128,374 distinct states;
//!   340,813 in 4.31 s with `--absolute-times`) and depth 11 in 8.23 s
//!   (601,439 states, 3.3 GB resident; 2,061,542 in 42.81 s and 10.4 GB
//!   with absolute times), with no state settled at either (exit 3, no
//!   verdict); depth 12 stops at an 8,000 MiB bound after 1,359,222
//!   states (load 3.9). Before relative times: 2.7 million states by
//!   depth 12 at a 12,000 MiB bound, 47 s. Measured with a scratch enumeration over
//!   [`Simulator::enabled`] (session 9, not kept; no drops, no sleep
//!   sets): of the choices open at depth 9, anti-entropy rounds firing
//!   are 24%, client and request timeouts 22%, Merkle roots delivered 15%;
//!   a run that delivers every message before firing a timer settles only
//!   after 37 choices. The space has no end at all: a round that fires
//!   before its exchanges' answers counts them failed, marks the
//!   partitions dirty and sends new roots while the old ones are still in
//!   flight, so the pool grows without bound, and only a depth bound ends
//!   a search. Letting a timer fire only once its process's messages are
//!   delivered or dropped was tried (session 8, not kept): 870,000 states
//!   by depth 15, none settled. Firing timers in the order of their times,
//!   never past a message that must have arrived by then (sent plus the
//!   link's largest latency, 3 ticks), was measured in session 9 with the
//!   same scratch enumeration (times absolute): without drops the whole
//!   space ends, 6,326,532 states, the deepest at 64 choices, 9,743
//!   settled (the first at 24); with one drop 4.8 times as many states by
//!   depth 26. That is a narrower model than the steered simulator's (a
//!   timeout never beats a message a latency bound says has arrived), and
//!   still beyond the 10 s bound; a verdict past the heal's first
//!   exchange needs a reduction that prunes states (persistent sets: the
//!   order in which one node receives its messages is what they would
//!   keep) or a Merkle exchange that changes nothing taken as one step.
//!   One replica needs no hinted handoff, read repair or anti-entropy,
//!   and the one-replica teaching cases turn them off.
//! - A client's timeline entries are invoked when chosen, not after its
//!   previous operation's answer, so one client's operations overlap,
//!   which the checker's client-id rule (a client is sequential) does not
//!   expect: `stale-write-server-vv.json` in mode `client-vv` reports
//!   bread, c1's later put, lost when it reaches the replica before c1's
//!   milk (12 choices). Not examined further.
//! - The model is the steered simulator's: latencies, chance losses and
//!   duplicates play no part, and a timer may fire at any point once set.
//! - Spent timers never fire, so time never passes for nothing: a run
//!   where only the clock moves between two events (which LWW timestamps
//!   and the failure detector's suspicions could tell apart) is explored
//!   only when a live timer or the timeline moves it.
//! - A state holds path-dependent numbers the fingerprint does not ignore:
//!   a coordinator's request ids and exchange ids, and under LWW and
//!   client-id vectors the clock and the stamps. Two states equal up to
//!   them count as two. Renaming the ids canonically would merge little:
//!   on the partition-siblings timeline, breadth first to depth 9 without
//!   drops, about 3% of the states left once times are relative (session
//!   9, a scratch enumeration comparing stripped JSON of the states, not
//!   kept). There is no symmetry reduction (renaming nodes or clients).
//! - The nodes' counters are left out of the fingerprint by field name
//!   (`stats`, and `suspects`, folded in relative instead), at any depth
//!   of a process ([`crate::sim::Process::FIELDS_NOT_FOLDED_RELATIVE`]): a
//!   field of that name added later to a node or client would be left out
//!   too.
//! - A run whose nodes keep retrying (hint handoff or anti-entropy towards
//!   a node that stays down) never settles, so its checker verdicts are not
//!   checked; restart the node through the fault menu to reach its end.
//! - The frontier holds whole simulators: memory grows with the widest
//!   level of the search, which `states_max` bounds. The estimate counts
//!   every state's processes as its own, though siblings share those
//!   their transitions did not change, but the words a fingerprint walks
//!   miss what the allocator keeps around them and the frontier's spare
//!   room: before a quarter was added for the first
//!   (`ALLOCATOR_SHARE_DIVISOR`) and the frontier's growth counted, the
//!   peak resident set of a search stopped by the memory bound was 15–21%
//!   above the bound; now 92–95% of it (1 to 8 GiB). It is a measured
//!   estimate, not a proof: a scenario whose processes hold many small
//!   allocations could still pass the bound by a little.
//! - Fingerprints can collide (about 2^-88 for a million states), and then
//!   a state would be skipped.

// The visited set is a HashMap looked up by fingerprint and never iterated
// (see above), so its order can never reach a trace: clippy.toml's rule
// against hash maps in the model does not apply to it.
#![allow(clippy::disallowed_types)]

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use crate::causality::CausalityMode;
use crate::cluster::{check_run, nodes_of, vanished_run, Cluster};
use crate::node::Member;
use crate::quoted::Quoted;
use crate::scenario::{Scenario, ScenarioError, Schedule};
use crate::share::Session;
use crate::sim::network::Fault;
use crate::sim::trace::TraceMode;
use crate::sim::{Choice, Enabled, Fingerprint, Scope, SimOptions, Simulator, Times};

/// The most distinct states a search visits by default.
pub const STATES_MAX_DEFAULT: usize = 1_000_000;
/// The largest `states_max` accepted: the visited set alone then takes
/// about 2 GB.
pub const STATES_MAX_LIMIT: usize = 20_000_000;
/// The memory a search may hold by default: the frontier's simulators,
/// the visited set and the path tree, as estimated
/// ([`Progress::memory_bytes`]).
pub const MEMORY_MAX_DEFAULT_BYTES: u64 = 1 << 30;
/// The largest `memory_max_bytes` accepted.
pub const MEMORY_MAX_LIMIT_BYTES: u64 = 64 << 30;
/// What one entry of the visited set costs beyond its sleep set: the
/// key, the entry and the hash table's spare room.
const VISITED_ENTRY_BYTES: u64 = 64;
/// What the allocator holds beyond the words a waiting simulator's
/// fingerprint walks (chunk headers, vectors' spare capacity, pages freed
/// by expanded states and not yet reused), as a share of those words: a
/// quarter more. Measured with `wildling explore
/// scenarios/explore/partition-siblings.json --drops 1 --max-memory-mib M`
/// (release, stopped by the memory bound; peak resident set against the
/// bound): before this share and the frontier's growth
/// (`Explorer::frontier_growth_bytes`) were counted, 1.23 GB at M = 1024
/// (15% over) and 15.3 GB at M = 12000 (21% over); with both, 92% of the
/// bound at M = 1024, 94.5% at 4096 and 93% at 8192.
const ALLOCATOR_SHARE_DIVISOR: u64 = 4;
/// The deepest search accepted, in choices.
pub const DEPTH_MAX_LIMIT: u32 = 10_000;

/// The longest fault menu text [`parse_fault_menu`] reads.
pub const FAULT_MENU_TEXT_MAX_BYTES: usize = 4096;

/// Read a fault menu: a JSON array of faults as a scenario writes them
/// (`[{"crash": 3}, "heal"]`), or the short form, faults separated by
/// commas: `crash 3`, `restart 3`, `heal`, `cut 1 2`, `one-way 1 2`,
/// `partition 1 2 | 3` (a node may be written `n3`). Node numbers are
/// checked against a cluster later, by [`Explorer::new`].
pub fn parse_fault_menu(text: &str) -> Result<Vec<Fault>, String> {
    if text.len() > FAULT_MENU_TEXT_MAX_BYTES {
        return Err(format!(
            "{} bytes; a fault menu is at most {FAULT_MENU_TEXT_MAX_BYTES}",
            text.len()
        ));
    }
    let text = text.trim();
    let menu: Vec<Fault> = if text.starts_with('[') {
        serde_json::from_str(text).map_err(|e| format!("not a JSON array of faults: {e}"))?
    } else {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(parse_fault)
            .collect::<Result<_, _>>()?
    };
    if menu.len() > crate::sim::MAX_MENU_FAULTS {
        return Err(format!(
            "{} faults; a menu holds at most {}",
            menu.len(),
            crate::sim::MAX_MENU_FAULTS
        ));
    }
    Ok(menu)
}

/// One fault of the short form.
fn parse_fault(item: &str) -> Result<Fault, String> {
    let node = |word: &str| {
        word.strip_prefix('n')
            .unwrap_or(word)
            .parse::<u16>()
            .map(crate::NodeId)
            .map_err(|_| format!("{} in {} is not a node number", Quoted(word), Quoted(item)))
    };
    let spaced = item.replace('|', " | ");
    let mut words = spaced.split_whitespace();
    let verb = words.next().unwrap_or_default();
    let rest: Vec<&str> = words.collect();
    let nodes = |count: usize| -> Result<Vec<crate::NodeId>, String> {
        if rest.len() != count {
            return Err(format!(
                "{}: {} takes {count} node number{}",
                Quoted(item),
                Quoted(verb),
                if count == 1 { "" } else { "s" }
            ));
        }
        rest.iter().map(|w| node(w)).collect()
    };
    match verb {
        "heal" => nodes(0).map(|_| Fault::Heal),
        "crash" => Ok(Fault::Crash(nodes(1)?[0])),
        "restart" => Ok(Fault::Restart(nodes(1)?[0])),
        "cut" => nodes(2).map(|n| Fault::Cut { a: n[0], b: n[1] }),
        "one-way" => nodes(2).map(|n| Fault::OneWay {
            from: n[0],
            to: n[1],
        }),
        "partition" => {
            let groups = rest
                .split(|w| *w == "|")
                .map(|group| group.iter().map(|w| node(w)).collect())
                .collect::<Result<Vec<Vec<crate::NodeId>>, String>>()?;
            if groups.iter().any(Vec::is_empty) {
                return Err(format!(
                    "{}: a partition's groups are nodes separated by `|`",
                    Quoted(item)
                ));
            }
            Ok(Fault::Partition(groups))
        }
        _ => Err(format!(
            "{} is not a fault: expected `crash N`, `restart N`, `heal`, `cut A B`, \
             `one-way A B` or `partition A B | C`",
            Quoted(item)
        )),
    }
}

/// A property the explorer checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    /// No acknowledged write is lost: checked at every state in its
    /// per-state form (no write vanished from the cluster,
    /// [`crate::checker::vanished`]), and in full at settled states.
    NoLostWrite,
    /// Every key's live replicas agree once the run settles.
    Convergence,
    /// No replica holds more than this many siblings of a key (every state).
    SiblingsAtMost(usize),
    /// No get misses an earlier acknowledged write (settled states).
    NoStaleRead,
    /// No two siblings are causally ordered (settled states).
    NoFalseConflict,
}

impl Property {
    /// Whether the property is checked only at settled states, so that a
    /// search in which no state settled checked it at none: the checker's
    /// end-state verdicts. At-most-K-siblings and no-lost-write are checked
    /// at every state.
    pub fn needs_settled_state(self) -> bool {
        !matches!(self, Property::SiblingsAtMost(_) | Property::NoLostWrite)
    }

    /// Whether the checker's report at a settled state decides it: every
    /// property but the sibling count (no-lost-write in full there).
    fn checked_at_settled_states(self) -> bool {
        !matches!(self, Property::SiblingsAtMost(_))
    }

    /// What a search that ended as `ended` with counts `progress`, and did
    /// not break this property, checked of it, in words, where that needs
    /// saying: no-lost-write is checked in two forms, at every state and
    /// in full at settled ones, and a search where nothing settled decides
    /// only the first (the CLI and the Lab print this).
    pub fn checked(self, progress: &Progress, ended: Ended) -> Option<String> {
        if self != Property::NoLostWrite {
            return None;
        }
        let bound = if ended.is_bound() {
            " (the search stopped at a bound)"
        } else if progress.depth_bound_hit {
            " (depth bound reached)"
        } else {
            ""
        };
        let only = if progress.settled_states == 0 {
            ", so only the first form was checked (a write missing on one replica \
             while another still holds it is judged at settled states only)"
        } else {
            ""
        };
        Some(format!(
            "no acknowledged write left the cluster in {} states up to depth {}{bound}; \
             {} settled states checked in full{only}",
            progress.distinct_states, progress.depth_reached, progress.settled_states
        ))
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Property::NoLostWrite => f.write_str("no-lost-write"),
            Property::Convergence => f.write_str("convergence"),
            Property::SiblingsAtMost(k) => write!(f, "siblings<={k}"),
            Property::NoStaleRead => f.write_str("no-stale-read"),
            Property::NoFalseConflict => f.write_str("no-false-conflict"),
        }
    }
}

impl std::str::FromStr for Property {
    type Err = String;

    fn from_str(text: &str) -> Result<Property, String> {
        match text {
            "no-lost-write" => Ok(Property::NoLostWrite),
            "convergence" => Ok(Property::Convergence),
            "no-stale-read" => Ok(Property::NoStaleRead),
            "no-false-conflict" => Ok(Property::NoFalseConflict),
            _ => match text.strip_prefix("siblings<=").map(str::parse) {
                Some(Ok(k)) => Ok(Property::SiblingsAtMost(k)),
                _ => Err(format!(
                    "unknown property {}: expected no-lost-write, convergence, siblings<=K, \
                     no-stale-read or no-false-conflict",
                    Quoted(text)
                )),
            },
        }
    }
}

/// The properties checked when none are named: the checker's verdicts that
/// are errors (stale reads are information, siblings a choice).
pub const DEFAULT_PROPERTIES: [Property; 3] = [
    Property::NoLostWrite,
    Property::Convergence,
    Property::NoFalseConflict,
];

/// What to explore and how far.
#[derive(Clone, Debug, PartialEq)]
pub struct ExploreOptions {
    /// The most choices on a path.
    pub depth_max: u32,
    /// The most messages a path may drop.
    pub drops_max: u32,
    /// The most menu faults a path may apply.
    pub faults_max: u32,
    /// The faults a choice may apply.
    pub faults: Vec<Fault>,
    /// The most distinct states to visit before stopping.
    pub states_max: usize,
    /// The most memory the search may hold, estimated, before stopping.
    pub memory_max_bytes: u64,
    /// The properties to check.
    pub properties: Vec<Property>,
    /// Prune independent orders with sleep sets.
    pub reduction: bool,
    /// Count two states equal up to a shift of the clock, and up to the
    /// nodes' counters, as one, where the causality mode lets that be
    /// sound ([`Explorer::times`]; the essay's "Times relative to the
    /// clock").
    pub relative_times: bool,
    /// Stop once every property has a counterexample.
    pub stop_when_all_broken: bool,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            depth_max: 60,
            drops_max: 0,
            faults_max: 0,
            faults: Vec::new(),
            states_max: STATES_MAX_DEFAULT,
            memory_max_bytes: MEMORY_MAX_DEFAULT_BYTES,
            properties: DEFAULT_PROPERTIES.to_vec(),
            reduction: true,
            relative_times: true,
            stop_when_all_broken: true,
        }
    }
}

/// A property broken, with the shortest run that breaks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The property.
    pub property: Property,
    /// What the checker said, one finding per line.
    pub findings: Vec<String>,
    /// The choices from the start to the breaking state.
    pub choices: Vec<Choice>,
    /// The scenario steered by those choices: open it to watch the run.
    pub scenario: Scenario,
    /// The node the last choice concerns, for the diagram's highlight.
    pub node: Option<crate::NodeId>,
}

impl Violation {
    /// The counterexample's run at its last choice, with its whole trace
    /// (what its text diagram draws).
    pub fn replay(&self) -> Cluster {
        steered_after(&self.scenario, &self.choices, SimOptions::default())
            .expect("a counterexample's choices replay")
    }

    /// The counterexample as a playground session, at the tick of its last
    /// choice: opened, it shows the state that breaks the property, and
    /// whatever the user does next runs on from there
    /// (`sim/choice.rs`, "After the script").
    pub fn session(&self) -> Session {
        let mut session = Session::new(self.scenario.clone());
        session.time_ticks = self.replay().sim().now();
        session
    }
}

/// `scenario`'s cluster after taking `choices` one by one, still steered
/// (a scripted run would be handed over to the queue after its last
/// choice); `None` when a choice is not possible.
fn steered_after(scenario: &Scenario, choices: &[Choice], options: SimOptions) -> Option<Cluster> {
    let mut scenario = scenario.clone();
    scenario.schedule.as_mut()?.choices = Vec::new();
    let mut cluster = Cluster::new(&scenario, options).ok()?;
    for choice in choices {
        cluster.sim_mut().choose(*choice).ok()?;
    }
    Some(cluster)
}

/// Why a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ended {
    /// Every state within the depth, drop and fault bounds was visited.
    Complete,
    /// Every property has a counterexample; the rest was not searched.
    AllBroken,
    /// The visited set reached `states_max`: the counts are so far.
    StatesBound,
    /// The search's memory reached `memory_max_bytes`: the counts are so far.
    MemoryBound,
}

impl Ended {
    /// Whether the search stopped at a bound before the space was covered.
    pub fn is_bound(self) -> bool {
        matches!(self, Ended::StatesBound | Ended::MemoryBound)
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ended::Complete => "complete: every state within the bounds was visited",
            Ended::AllBroken => "every property broken: the rest was not searched",
            Ended::StatesBound => "bound reached: the most distinct states (states_max)",
            Ended::MemoryBound => "bound reached: the most memory (memory_max_bytes)",
        })
    }
}

/// Counts over a search, so far or at its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Transitions taken (states generated, repeats included).
    pub states_explored: u64,
    /// Distinct states visited.
    pub distinct_states: u64,
    /// Settled states checked with the checker.
    pub settled_states: u64,
    /// The deepest state reached, in choices.
    pub depth_reached: u32,
    /// States in the frontier, waiting.
    pub frontier: u64,
    /// Whether some state at `depth_max` could go on.
    pub depth_bound_hit: bool,
    /// The memory the search holds, estimated: each waiting simulator by
    /// [`Simulator::fingerprint_and_size`], the visited set and the tree
    /// by their entries.
    pub memory_bytes: u64,
}

/// A 128-bit fingerprint is already uniform: its low word is the hash.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u128(&mut self, value: u128) {
        self.0 = value as u64;
    }
}

/// One transition out of a state, named by what it does.
#[derive(Clone, Copy, Debug)]
struct Transition {
    choice: Choice,
    /// What it does: kind and event (path-independent).
    key: u128,
    /// The event it concerns (a message's fingerprint, for deliveries and drops).
    event: u128,
    scope: Scope,
    is_drop: bool,
    is_fault: bool,
}

/// Whether `a` and `b` commute from any state where both are enabled.
fn independent(a: &Transition, b: &Transition) -> bool {
    match (a.scope, b.scope) {
        (Scope::Global, _) | (_, Scope::Global) => false,
        _ if a.event == b.event => false,
        (Scope::Process(p), Scope::Process(q)) => p != q,
        (Scope::Wire, _) | (_, Scope::Wire) => true,
    }
}

/// A state waiting in the frontier.
struct Item {
    sim: Simulator<Member>,
    /// Its node in the path tree.
    node: u32,
    depth: u32,
    drops: u32,
    faults: u32,
    /// Transitions not to take from here.
    sleep: Vec<Transition>,
    /// When explored again for what it slept on: only these.
    only: Option<Vec<u128>>,
    /// Its share of [`Progress::memory_bytes`].
    bytes: u64,
}

/// What the visited set keeps of a state.
struct Seen {
    /// The sleep set it was explored with (keys), sorted.
    sleep: Vec<u128>,
}

/// A breadth-first search over a steered scenario's choices.
pub struct Explorer {
    scenario: Scenario,
    options: ExploreOptions,
    /// How states' fingerprints take times.
    times: Times,
    frontier: VecDeque<Item>,
    visited: HashMap<u128, Seen, BuildHasherDefault<Identity>>,
    /// The path tree: each state's parent and the choice that led to it.
    tree: Vec<(u32, Choice)>,
    violations: Vec<Violation>,
    progress: Progress,
    ended: Option<Ended>,
}

/// Why exploration cannot start.
#[derive(Clone, Debug, PartialEq)]
pub enum ExploreError {
    /// The scenario is not valid.
    Scenario(ScenarioError),
    /// An option is out of range.
    Option {
        /// Which option.
        name: &'static str,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ExploreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExploreError::Scenario(e) => write!(f, "{e}"),
            ExploreError::Option { name, reason } => write!(f, "{name}: {reason}"),
        }
    }
}

impl std::error::Error for ExploreError {}

const NO_PARENT: u32 = u32::MAX;

impl Explorer {
    /// A search over `scenario` (its own schedule, if any, is replaced by
    /// the options' fault menu).
    pub fn new(scenario: &Scenario, options: ExploreOptions) -> Result<Explorer, ExploreError> {
        let option = |name, reason: String| Err(ExploreError::Option { name, reason });
        if options.states_max == 0 || options.states_max > STATES_MAX_LIMIT {
            return option(
                "states_max",
                format!("{}; it is 1 to {STATES_MAX_LIMIT}", options.states_max),
            );
        }
        if options.memory_max_bytes == 0 || options.memory_max_bytes > MEMORY_MAX_LIMIT_BYTES {
            return option(
                "memory_max_bytes",
                format!(
                    "{}; it is 1 to {MEMORY_MAX_LIMIT_BYTES}",
                    options.memory_max_bytes
                ),
            );
        }
        if options.depth_max > DEPTH_MAX_LIMIT {
            return option(
                "depth_max",
                format!("{}; the limit is {DEPTH_MAX_LIMIT}", options.depth_max),
            );
        }
        if options.properties.is_empty() {
            return option("properties", "name at least one property".into());
        }
        let mut scenario = scenario.clone();
        scenario.schedule = Some(Schedule {
            faults: options.faults.clone(),
            choices: Vec::new(),
        });
        // A steered run goes where its choices lead, not to a time.
        scenario.run_until = None;
        scenario.validate().map_err(ExploreError::Scenario)?;
        let sim_options = SimOptions {
            trace: TraceMode::Off,
            // The checker reads the operations, never the messages.
            history: true,
            history_messages: false,
            ..SimOptions::default()
        };
        let cluster = Cluster::new(&scenario, sim_options).map_err(ExploreError::Scenario)?;
        let sim = cluster.into_sim();
        let times = Explorer::times(&scenario, &options);
        let mut explorer = Explorer {
            scenario,
            options,
            times,
            frontier: VecDeque::new(),
            visited: HashMap::default(),
            tree: Vec::new(),
            violations: Vec::new(),
            progress: Progress::default(),
            ended: None,
        };
        explorer.visit(sim, NO_PARENT, Choice::Next, 0, 0, 0, Vec::new());
        Ok(explorer)
    }

    /// Expand at most `expansions` states; returns whether the search is over.
    pub fn run(&mut self, expansions: u64) -> bool {
        for _ in 0..expansions {
            if self.ended.is_some() {
                return true;
            }
            let Some(item) = self.frontier.pop_front() else {
                self.ended = Some(Ended::Complete);
                return true;
            };
            self.progress.memory_bytes = self.progress.memory_bytes.saturating_sub(item.bytes);
            self.expand(item);
        }
        self.progress.frontier = self.frontier.len() as u64;
        if self.ended.is_none() && self.frontier.is_empty() {
            self.ended = Some(Ended::Complete);
        }
        self.ended.is_some()
    }

    /// Search to the end.
    pub fn run_to_end(&mut self) {
        while !self.run(1 << 16) {}
    }

    /// Counts so far.
    pub fn progress(&self) -> Progress {
        Progress {
            frontier: self.frontier.len() as u64,
            ..self.progress
        }
    }

    /// Why the search ended, once it has.
    pub fn ended(&self) -> Option<Ended> {
        self.ended
    }

    /// The properties broken so far, each with its shortest counterexample,
    /// in the order of the options.
    pub fn violations(&self) -> Vec<&Violation> {
        let mut found: Vec<&Violation> = self.violations.iter().collect();
        crate::handwritten::sort::stable_by_key(&mut found, |v| {
            self.options
                .properties
                .iter()
                .position(|p| *p == v.property)
        });
        found
    }

    /// The properties checked.
    pub fn properties(&self) -> &[Property] {
        &self.options.properties
    }

    /// The properties not broken so far, in the order of the options, split
    /// in two: those that hold (over the whole bounded space, or over the
    /// states searched when the search ended at a bound), and those checked
    /// at settled states when no state settled, which were checked at none
    /// and so neither hold nor break.
    pub fn unbroken(&self) -> (Vec<Property>, Vec<Property>) {
        let nothing_settled = self.progress.settled_states == 0;
        self.options
            .properties
            .iter()
            .copied()
            .filter(|p| !self.violations.iter().any(|v| v.property == *p))
            .partition(|p| !(nothing_settled && p.needs_settled_state()))
    }

    /// The scenario explored, with its fault menu as its schedule.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// How a search over `scenario` with `options` takes the times of its
    /// states: relative to the clock when the options ask for it and the
    /// causality mode stores no time (LWW stamps its writes, and client-id
    /// vectors their entries, with the clock), and then the operations'
    /// times only when a property reads them (stale reads compare them).
    pub fn times(scenario: &Scenario, options: &ExploreOptions) -> Times {
        let stores_times = matches!(
            scenario.cluster.mode,
            CausalityMode::Lww | CausalityMode::ClientVv
        );
        if !options.relative_times || stores_times {
            return Times::Absolute;
        }
        Times::Relative {
            history: options.properties.contains(&Property::NoStaleRead),
        }
    }

    /// The transitions out of `sim` within the bounds, one per distinct effect.
    fn transitions(&self, sim: &Simulator<Member>, drops: u32, faults: u32) -> Vec<Transition> {
        let mut transitions: Vec<Transition> = Vec::new();
        for enabled in sim.enabled() {
            let Enabled {
                choice,
                scope,
                is_drop,
                is_fault,
                is_spent,
                ..
            } = enabled;
            if is_spent
                || (is_drop && drops >= self.options.drops_max)
                || (is_fault && faults >= self.options.faults_max)
            {
                continue;
            }
            let event = sim.choice_fingerprint(choice, self.times);
            let key = Fingerprint::of(&(event, is_drop));
            if transitions.iter().any(|t| t.key == key) {
                continue;
            }
            transitions.push(Transition {
                choice,
                key,
                event,
                scope,
                is_drop,
                is_fault,
            });
        }
        transitions
    }

    fn expand(&mut self, item: Item) {
        if item.depth >= self.options.depth_max {
            if !self
                .transitions(&item.sim, item.drops, item.faults)
                .is_empty()
            {
                self.progress.depth_bound_hit = true;
            }
            return;
        }
        let transitions = self.transitions(&item.sim, item.drops, item.faults);
        // Transitions explored before this one from the same state (in
        // this pass or, for a state explored again, the first pass).
        let mut done: Vec<Transition> = item.sleep;
        if let Some(only) = &item.only {
            let earlier: Vec<Transition> = transitions
                .iter()
                .filter(|t| !only.contains(&t.key) && !done.iter().any(|d| d.key == t.key))
                .copied()
                .collect();
            done.extend(earlier);
        }
        // The last transition taken gets the state itself rather than a
        // copy. Which one it is is known now: transitions are named by
        // distinct keys, so those this pass adds to `done` skip no other.
        let last = transitions
            .iter()
            .rposition(|t| !done.iter().any(|d| d.key == t.key));
        let mut parent = Some(item.sim);
        for (index, t) in transitions.iter().enumerate() {
            if self.ended.is_some() {
                return;
            }
            if done.iter().any(|d| d.key == t.key) {
                continue;
            }
            let next = if Some(index) == last {
                parent.take()
            } else {
                parent.clone()
            };
            let mut sim = next.expect("the state is kept until its last transition");
            sim.choose(t.choice)
                .expect("an enabled choice can be taken");
            self.progress.states_explored += 1;
            let sleep: Vec<Transition> = if self.options.reduction {
                done.iter().filter(|d| independent(d, t)).copied().collect()
            } else {
                Vec::new()
            };
            self.visit(
                sim,
                item.node,
                t.choice,
                item.depth + 1,
                item.drops + u32::from(t.is_drop),
                item.faults + u32::from(t.is_fault),
                sleep,
            );
            if self.options.reduction {
                done.push(*t);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        sim: Simulator<Member>,
        parent: u32,
        choice: Choice,
        depth: u32,
        drops: u32,
        faults: u32,
        sleep: Vec<Transition>,
    ) {
        let (fingerprint, sim_bytes) = sim.fingerprint_and_size_with(self.times);
        let mut key = Fingerprint::default();
        key.wide(fingerprint);
        key.word(u64::from(drops));
        key.word(u64::from(faults));
        let key = key.value();
        let mut sleep_keys: Vec<u128> = sleep.iter().map(|t| t.key).collect();
        crate::handwritten::sort::stable(&mut sleep_keys);
        let only = match self.visited.entry(key) {
            MapEntry::Occupied(mut seen) => {
                // Explored before with a sleep set no larger: nothing new.
                let stored = &seen.get().sleep;
                let woken: Vec<u128> = stored
                    .iter()
                    .filter(|k| sleep_keys.binary_search(k).is_err())
                    .copied()
                    .collect();
                if woken.is_empty() {
                    return;
                }
                let kept: Vec<u128> = stored
                    .iter()
                    .filter(|k| sleep_keys.binary_search(k).is_ok())
                    .copied()
                    .collect();
                seen.get_mut().sleep = kept;
                Some(woken)
            }
            MapEntry::Vacant(vacant) => {
                if self.progress.distinct_states >= self.options.states_max as u64 {
                    self.ended = Some(Ended::StatesBound);
                    return;
                }
                let bytes = VISITED_ENTRY_BYTES + 16 * sleep_keys.len() as u64;
                self.progress.memory_bytes += bytes;
                vacant.insert(Seen { sleep: sleep_keys });
                None
            }
        };
        // The state waits in the frontier: its simulator, its sleep set
        // and its node in the tree.
        let bytes = sim_bytes
            + sim_bytes / ALLOCATOR_SHARE_DIVISOR
            + (sleep.len() * std::mem::size_of::<Transition>()) as u64
            + std::mem::size_of::<(u32, Choice)>() as u64;
        if self
            .progress
            .memory_bytes
            .saturating_add(bytes)
            .saturating_add(self.frontier_growth_bytes())
            > self.options.memory_max_bytes
        {
            self.ended = Some(Ended::MemoryBound);
            return;
        }
        self.progress.memory_bytes += bytes;
        // A state explored again gets a node of its own too: its path is
        // as valid as the first, which stays the shortest.
        self.tree.push((parent, choice));
        let node = (self.tree.len() - 1) as u32;
        if only.is_none() {
            self.progress.distinct_states += 1;
            self.progress.depth_reached = self.progress.depth_reached.max(depth);
            self.check(&sim, node);
        }
        self.frontier.push_back(Item {
            sim,
            node,
            depth,
            drops,
            faults,
            sleep,
            only,
            bytes: bytes - std::mem::size_of::<(u32, Choice)>() as u64,
        });
    }

    /// What the frontier's buffer holds beyond its waiting states, or will
    /// once the next state joins: a full deque doubles, and an item is a
    /// whole simulator's inline part, so its spare room is no rounding
    /// error (it is what the estimate missed most as searches grew).
    fn frontier_growth_bytes(&self) -> u64 {
        let (len, capacity) = (self.frontier.len(), self.frontier.capacity());
        let spare = if len == capacity {
            capacity.max(4)
        } else {
            capacity - len
        };
        (spare * std::mem::size_of::<Item>()) as u64
    }

    /// Check the properties not yet broken at a newly visited state.
    fn check(&mut self, sim: &Simulator<Member>, node: u32) {
        let open: Vec<Property> = self
            .options
            .properties
            .iter()
            .copied()
            .filter(|p| !self.violations.iter().any(|v| v.property == *p))
            .collect();
        if open.is_empty() {
            return;
        }
        let settled = sim.is_settled();
        let report = if settled && open.iter().any(|p| p.checked_at_settled_states()) {
            self.progress.settled_states += 1;
            Some(check_run(&self.scenario.cluster, sim))
        } else {
            None
        };
        for property in open {
            let findings: Vec<String> = match (property, &report) {
                (Property::SiblingsAtMost(k), _) => nodes_of(sim)
                    .flat_map(|(id, node, _)| {
                        node.store()
                            .iter()
                            .filter(move |(_, _, clock)| clock.sibling_count() > k)
                            .map(move |(_, key, clock)| {
                                format!("{id} holds {} siblings of {key}", clock.sibling_count())
                            })
                    })
                    .collect(),
                // In full where the state settled, and else (or when that
                // found nothing) in its per-state form.
                (Property::NoLostWrite, r) => {
                    match r.as_ref().filter(|r| !r.lost_writes.is_empty()) {
                        Some(r) => r.lost_writes.iter().map(|f| f.to_string()).collect(),
                        None => vanished_run(sim).iter().map(|f| f.to_string()).collect(),
                    }
                }
                (_, None) => continue,
                (Property::Convergence, Some(r)) => {
                    r.non_converged.iter().map(|f| f.to_string()).collect()
                }
                (Property::NoStaleRead, Some(r)) => {
                    r.stale_reads.iter().map(|f| f.to_string()).collect()
                }
                (Property::NoFalseConflict, Some(r)) => {
                    r.false_conflicts.iter().map(|f| f.to_string()).collect()
                }
            };
            if findings.is_empty() {
                continue;
            }
            let choices = self.path(node);
            let mut scenario = self.scenario.clone();
            if let Some(schedule) = scenario.schedule.as_mut() {
                schedule.choices = choices.clone();
            }
            let last = self.tree[node as usize].1;
            let node_of_last = self
                .tree
                .get(node as usize)
                .and_then(|(parent, _)| self.replay_to(*parent))
                .and_then(|before| before.choice_node(last));
            self.violations.push(Violation {
                property,
                findings,
                choices,
                scenario,
                node: node_of_last,
            });
        }
        if self.options.stop_when_all_broken
            && self.violations.len() == self.options.properties.len()
        {
            self.ended = Some(Ended::AllBroken);
        }
    }

    /// The choices from the start to tree node `node`.
    fn path(&self, mut node: u32) -> Vec<Choice> {
        let mut choices = Vec::new();
        while node != NO_PARENT {
            let (parent, choice) = self.tree[node as usize];
            if parent == NO_PARENT {
                break;
            }
            choices.push(choice);
            node = parent;
        }
        choices.reverse();
        choices
    }

    /// The simulator at tree node `node`, rebuilt by taking its path.
    fn replay_to(&self, node: u32) -> Option<Simulator<Member>> {
        if node == NO_PARENT {
            return None;
        }
        steered_after(&self.scenario, &self.path(node), SimOptions::default())
            .map(Cluster::into_sim)
    }
}

#[cfg(test)]
mod tests;

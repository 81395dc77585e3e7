//! Session guarantees: what one client, in its own session, may count on.
//!
//! Terry et al. ("Session Guarantees for Weakly Consistent Replicated Data",
//! 1994) name four promises a client can ask of a weakly consistent store,
//! each about the operations of one session (here: one client):
//!
//! - **Read your writes**: a read sees every write the session made before it.
//! - **Monotonic reads**: a read sees every write an earlier read of the
//!   session saw.
//! - **Monotonic writes**: a write follows every earlier write of the session.
//! - **Writes follow reads**: a write follows every write an earlier read of
//!   the session saw.
//!
//! Dynamo promises none of them: it is the application's business to carry
//! contexts, and sloppy quorums, R = 1 or W = 1 break them. Strict quorums
//! (R + W > N, no sloppy quorum) keep read your writes: a successful read
//! meets at least one replica that took the write.
//!
//! ## What "sees" means with siblings and contexts
//!
//! A Dynamo get returns a set of siblings, not one value, so "the read saw
//! write `p`" needs a definition. Here: **a get sees put `p` when one of the
//! values it returned is `p`'s, or was written by a put that causally
//! follows `p`**. A put *follows* another when it covers it (the checker's
//! covering relation: it carried the context of a get that returned the
//! other's value, or, under client-id version vectors, its client's own
//! counter past it), or covers a put that follows it: the transitive
//! closure. A read that returns `p` beside a newer sibling still sees `p`;
//! a read that returns only a value written blind over `p` (last-writer-wins,
//! or a lost write) does not.
//!
//! "Before" is the session's real-time order: an operation precedes another
//! when it completed before the other was invoked. Only acknowledged puts
//! and successful gets count: a failed put was never promised, and a failed
//! get showed nothing.
//!
//! Each guarantee is checked per key, because Dynamo orders writes per key
//! only: the store never relates a write of one key to a write of another,
//! so no read could show a cross-key violation.
//!
//! ## The four checks
//!
//! For each key and each client, over the client's operations on the key in
//! invocation order:
//!
//! - a successful get must see every acknowledged put of the client that
//!   completed before the get was invoked (read your writes);
//! - it must see every put whose value an earlier successful get of the
//!   client returned (monotonic reads);
//! - an acknowledged put must follow every acknowledged put of the client
//!   that completed before it was invoked (monotonic writes);
//! - and every put whose value an earlier successful get of the client
//!   returned (writes follow reads).
//!
//! The write guarantees are properties of the put itself: once its context
//! leaves an earlier write out, every replica keeps the two as siblings (or,
//! under last-writer-wins, may drop the earlier one), whoever reads them.
//! They judge the puts that carry the session's context (`last-get`, or an
//! explicit one): a **blind put** (`context: none`) asks to follow nothing,
//! so two blind puts of one client are siblings by the application's
//! choice, not a broken promise. A blind put still counts as the client's
//! own write for read your writes and monotonic writes after it.
//!
//! Each violation names the client, the key, the operation where the
//! guarantee broke (`at`: the get, or the later put), the write it missed
//! or does not follow (`missed`) and, for the two guarantees about reads,
//! the earlier get that saw that write (`via`).
//!
//! ## How
//!
//! Per key, the puts' causal pasts are bit sets over the key's puts, built
//! in one pass in history order (a put can only cover puts invoked before
//! it). A get's view is the union of its values' writers' pasts. A sweep
//! over each client's operations keeps two growing sets, its acknowledged
//! puts and the writers its gets returned so far, and compares each
//! operation against them: linear in the operations, times the key's puts
//! over 64.
//!
//! CAVEATS:
//!
//! - Writes are told apart by key and value, like the rest of the checker:
//!   a workload that writes one value twice to one key sees both writes
//!   whenever it sees the value.
//! - An explicit context covers what a get returned only when it is that
//!   client's last get's context of the key, unchanged; a put with any
//!   other hand-edited context is reported as not following writes its
//!   context may in fact carry.
//! - The pasts take (puts of the key)² / 8 bytes while a key is checked:
//!   12.5 MB for a key with 10,000 puts, the most a scenario's timeline can
//!   hold.
//! - Sessions are clients: two clients of one user are two sessions.

use std::fmt;

use serde::Serialize;

use super::Facts;
use crate::ids::{Addr, OpId};
use crate::node::{ClientOp, OpOutcome};
use crate::sim::history::OpRecord;

/// One of the four session guarantees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guarantee {
    /// A read sees the session's earlier writes.
    ReadYourWrites,
    /// A read sees what the session's earlier reads saw.
    MonotonicReads,
    /// A write follows the session's earlier writes.
    MonotonicWrites,
    /// A write follows what the session's earlier reads saw.
    WritesFollowReads,
}

impl Guarantee {
    /// All four, in Terry et al.'s order.
    pub const ALL: [Guarantee; 4] = [
        Guarantee::ReadYourWrites,
        Guarantee::MonotonicReads,
        Guarantee::MonotonicWrites,
        Guarantee::WritesFollowReads,
    ];

    /// The guarantee's name in kebab case, for counts, JSON and test ids.
    pub fn name(self) -> &'static str {
        match self {
            Guarantee::ReadYourWrites => "read-your-writes",
            Guarantee::MonotonicReads => "monotonic-reads",
            Guarantee::MonotonicWrites => "monotonic-writes",
            Guarantee::WritesFollowReads => "writes-follow-reads",
        }
    }
}

impl fmt::Display for Guarantee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Guarantee::ReadYourWrites => "read your writes",
            Guarantee::MonotonicReads => "monotonic reads",
            Guarantee::MonotonicWrites => "monotonic writes",
            Guarantee::WritesFollowReads => "writes follow reads",
        })
    }
}

/// A session guarantee one client's operation broke.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionViolation {
    /// Which guarantee.
    pub guarantee: Guarantee,
    /// The client whose session it is.
    pub client: Addr,
    /// The key.
    pub key: String,
    /// Where it broke: the get (read guarantees) or the later put (write
    /// guarantees).
    pub at: OpId,
    /// The write `at` does not see, or does not follow.
    pub missed: OpId,
    /// The client's earlier get that saw `missed` (monotonic reads, writes
    /// follow reads).
    pub via: Option<OpId>,
}

impl fmt::Display for SessionViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SessionViolation {
            guarantee,
            client,
            key,
            at,
            missed,
            via,
        } = self;
        write!(f, "{guarantee}: {client}'s ")?;
        match (guarantee, via) {
            (Guarantee::ReadYourWrites, _) => write!(
                f,
                "get {at} of {key} does not see {missed}, its own put acknowledged before the get began"
            ),
            (Guarantee::MonotonicReads, Some(via)) => write!(
                f,
                "get {at} of {key} does not see {missed}, which its earlier get {via} saw"
            ),
            (Guarantee::MonotonicWrites, _) => write!(
                f,
                "put {at} of {key} does not follow {missed}, its own earlier put: the two are siblings to every reader"
            ),
            (Guarantee::WritesFollowReads, Some(via)) => write!(
                f,
                "put {at} of {key} does not follow {missed}, which its earlier get {via} saw"
            ),
            (_, None) => write!(f, "{at} of {key} missed {missed}"),
        }
    }
}

/// A set of a key's puts, by their index among the key's puts.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)])
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn union_with(&mut self, other: &[u64]) {
        self.0.iter_mut().zip(other).for_each(|(a, b)| *a |= b);
    }
    /// The members of `self` that `other` lacks, in order.
    fn minus<'a>(&'a self, other: &'a [u64]) -> impl Iterator<Item = usize> + 'a {
        self.0
            .iter()
            .zip(other)
            .enumerate()
            .flat_map(|(word, (a, b))| {
                let mut left = a & !b;
                std::iter::from_fn(move || {
                    (left != 0).then(|| {
                        let bit = left.trailing_zeros() as usize;
                        left &= left - 1;
                        word * 64 + bit
                    })
                })
            })
    }
}

/// The causal pasts of one key's puts: row `i` holds put `i` and every put
/// it follows.
struct Pasts {
    words: usize,
    rows: Vec<u64>,
}

impl Pasts {
    /// `puts` are the key's puts (indices into `facts.puts`, ascending).
    fn new(facts: &Facts, puts: &[usize]) -> Pasts {
        let words = puts.len().div_ceil(64);
        let mut rows = vec![0u64; words * puts.len()];
        // (newer, older) local pairs: newer covers older.
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (older, &p) in puts.iter().enumerate() {
            for q in &facts.covered_by[p] {
                if let Ok(newer) = puts.binary_search(q) {
                    // A put covers only puts invoked before it; a later
                    // writer of the same value is not in its past.
                    if newer > older {
                        edges.push((newer, older));
                    }
                }
            }
        }
        crate::handwritten::sort::stable_by(&mut edges, |a, b| a.cmp(b));
        let mut next = 0;
        for i in 0..puts.len() {
            rows[i * words + i / 64] |= 1 << (i % 64);
            while let Some(&(_, older)) = edges.get(next).filter(|(newer, _)| *newer == i) {
                let (done, row) = rows.split_at_mut(i * words);
                row[..words]
                    .iter_mut()
                    .zip(&done[older * words..(older + 1) * words])
                    .for_each(|(a, b)| *a |= b);
                next += 1;
            }
        }
        Pasts { words, rows }
    }

    fn row(&self, i: usize) -> &[u64] {
        &self.rows[i * self.words..(i + 1) * self.words]
    }
}

/// One operation of a client on a key, as the sweep meets it.
#[derive(Clone, Copy)]
enum Step {
    /// A successful get: its index in `facts.gets`.
    Get(usize),
    /// An acknowledged put: its index among the key's puts.
    Put(usize),
}

/// Check the four session guarantees over `facts` (built from `ops`).
pub(super) fn check(ops: &[OpRecord<ClientOp, OpOutcome>], facts: &Facts) -> Vec<SessionViolation> {
    let client_of = |op: OpId| -> Option<Addr> {
        let at = ops.binary_search_by_key(&op, |r| r.id).ok()?;
        Some(ops[at].by)
    };
    // Successful gets by key, in history order within a key.
    let mut gets_by_key: Vec<(&str, usize)> = facts
        .gets
        .iter()
        .enumerate()
        .map(|(i, g)| (g.1, i))
        .collect();
    crate::handwritten::sort::stable_by(&mut gets_by_key, |a, b| a.0.cmp(b.0));
    let mut keys: Vec<&str> = gets_by_key.iter().map(|(k, _)| *k).collect();
    keys.extend(facts.by_key.iter().map(|(k, _)| *k));
    crate::handwritten::sort::stable(&mut keys);
    keys.dedup();

    let mut violations = Vec::new();
    for key in keys {
        let puts: Vec<usize> = facts.puts_of(key).collect();
        let first = gets_by_key.partition_point(|(k, _)| *k < key);
        let gets: Vec<usize> = gets_by_key[first..]
            .iter()
            .take_while(|(k, _)| *k == key)
            .map(|&(_, i)| i)
            .collect();
        let pasts = Pasts::new(facts, &puts);
        // Each client's gets and acknowledged puts of the key.
        let mut steps: Vec<(Addr, OpId, Step)> = Vec::new();
        for &g in &gets {
            if let Some(client) = client_of(facts.gets[g].0) {
                steps.push((client, facts.gets[g].0, Step::Get(g)));
            }
        }
        for (i, &p) in puts.iter().enumerate() {
            let put = &facts.puts[p];
            if let (Some(client), Some(_)) = (client_of(put.op), put.acked_at) {
                steps.push((client, put.op, Step::Put(i)));
            }
        }
        crate::handwritten::sort::stable_by(&mut steps, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for session in steps.chunk_by(|a, b| a.0 == b.0) {
            check_session(facts, key, &puts, &pasts, session, &mut violations);
        }
    }
    crate::handwritten::sort::stable_by(&mut violations, |a, b| {
        (a.at, a.guarantee, a.missed).cmp(&(b.at, b.guarantee, b.missed))
    });
    violations
}

/// Sweep one client's operations on `key` (in invocation order).
fn check_session(
    facts: &Facts,
    key: &str,
    puts: &[usize],
    pasts: &Pasts,
    session: &[(Addr, OpId, Step)],
    violations: &mut Vec<SessionViolation>,
) {
    let client = session[0].0;
    // The client's acknowledged puts by acknowledgement time, and its gets
    // by completion time: each joins the sets below once it completed
    // before the operation under check was invoked.
    let mut acked: Vec<(u64, usize)> = Vec::new();
    let mut answered: Vec<(u64, usize)> = Vec::new();
    for &(_, _, step) in session {
        match step {
            Step::Put(i) => {
                let at = facts.puts[puts[i]]
                    .acked_at
                    .expect("only acknowledged puts");
                acked.push((at, i));
            }
            Step::Get(g) => answered.push((facts.gets[g].4, g)),
        }
    }
    crate::handwritten::sort::stable_by(&mut acked, |a, b| a.0.cmp(&b.0));
    crate::handwritten::sort::stable_by(&mut answered, |a, b| a.0.cmp(&b.0));
    let (mut next_put, mut next_get) = (0, 0);
    // The client's own writes so far, and the writes its gets returned so
    // far with the first get that returned each.
    let mut own = Bits::new(puts.len());
    let mut read = Bits::new(puts.len());
    let mut read_by: Vec<Option<OpId>> = vec![None; puts.len()];
    let local = |p: usize| puts.binary_search(&p).ok();
    for &(_, op, step) in session {
        let invoked_at = match step {
            Step::Get(g) => facts.gets[g].3,
            Step::Put(i) => facts.puts[puts[i]].invoked_at,
        };
        while let Some(&(_, i)) = acked.get(next_put).filter(|(at, _)| *at < invoked_at) {
            own.insert(i);
            next_put += 1;
        }
        while let Some(&(_, g)) = answered.get(next_get).filter(|(at, _)| *at < invoked_at) {
            let (get, _, values, _, _) = facts.gets[g];
            for value in values {
                for i in facts.writers(key, value).iter().filter_map(|&p| local(p)) {
                    if !read.contains(i) {
                        read.insert(i);
                        read_by[i] = Some(get);
                    }
                }
            }
            next_get += 1;
        }
        let mut report = |guarantee, missed: usize, via| {
            violations.push(SessionViolation {
                guarantee,
                client,
                key: key.to_string(),
                at: op,
                missed: facts.puts[puts[missed]].op,
                via,
            })
        };
        match step {
            Step::Get(g) => {
                let mut seen = Bits::new(puts.len());
                for value in facts.gets[g].2 {
                    for i in facts.writers(key, value).iter().filter_map(|&p| local(p)) {
                        seen.union_with(pasts.row(i));
                    }
                }
                for missed in own.minus(&seen.0) {
                    report(Guarantee::ReadYourWrites, missed, None);
                }
                for missed in read.minus(&seen.0) {
                    report(Guarantee::MonotonicReads, missed, read_by[missed]);
                }
            }
            // A blind put asks to follow nothing: the application chose
            // siblings, and neither write guarantee is the store's to keep.
            Step::Put(i) if facts.puts[puts[i]].blind => {}
            Step::Put(i) => {
                let past = pasts.row(i);
                for missed in own.minus(past) {
                    report(Guarantee::MonotonicWrites, missed, None);
                }
                for missed in read.minus(past) {
                    report(Guarantee::WritesFollowReads, missed, read_by[missed]);
                }
            }
        }
    }
}

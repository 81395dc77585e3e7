//! # The causality kernel
//!
//! A key's value lives on several replicas, and clients write it without
//! locking. A client *gets* the key, receives the value(s) and an opaque
//! *context*, and later *puts* a new value, handing the context back. With
//! that context the replica coordinating the put (the *coordinator*) must
//! decide three things:
//!
//! 1. which stored versions the new write replaces (those the client saw);
//! 2. which survive as *siblings* (those written concurrently, which the
//!    client never saw and so cannot have meant to overwrite);
//! 3. what context the next get hands back.
//!
//! Replicas then exchange their states (replication, read repair, hinted
//! handoff, anti-entropy) and must *sync* them: keep every version the other
//! side has not superseded, and converge whatever the order of exchanges.
//!
//! ## Version vectors and dots
//!
//! A [`VersionVector`] maps an id to a counter: `{a:2, b:1}` means "the first
//! two events of `a` and the first event of `b`". A [`Dot`] `(a,2)` names the
//! one event number 2 of `a`, and nothing before it. Vectors are compared
//! pointwise: one *descends* another when it is at least as large everywhere,
//! *dominates* it when also larger somewhere, and two are *concurrent* when
//! neither descends the other.
//!
//! The trouble is *whose* events a vector counts. Counting clients (client-id
//! vectors) is exact but the vector grows one entry per client that ever
//! wrote. Counting servers keeps it small, but two clients writing at the
//! same server with the same context get the same vector, so the server
//! either confuses the two writes ([`CausalityMode::ServerVvSeparate`]) or
//! lumps every sibling under one vector and can no longer tell which of them a
//! later client saw ([`CausalityMode::ServerVvMerged`]).
//!
//! ## Dotted version vectors (DVV)
//!
//! Almeida, Baquero, Gonçalves, Preguiça and Fonte ("Scalable and Accurate
//! Causality Tracking for Eventually Consistent Stores", DAIS 2014) keep the
//! server ids and separate the write's own event from what it had seen: a
//! version is `((i,n), v)`, a dot `(i,n)` minted by replica `i` plus the
//! client's context `v`. Its history is `{(i,n)} ∪ v`, and `x < y` exactly
//! when `y`'s context contains `x`'s dot. A replica keeps a set of such
//! versions ([`DvvSiblings`]) and needs four operations:
//!
//! - `sync(S1, S2)`: the versions of either side not in the past of a version
//!   of the other side;
//! - `join(S)`: the vector covering every version: the context of a get;
//! - `discard(S, u)`: drop the versions whose dot the context `u` has seen;
//! - `event(u, S, r)`: the new version's clock, `((r, max(u(r), S(r)) + 1), u)`.
//!
//! A put is `discard(S, u) ∪ {(event(u, S, r), value)}`, then replicated with
//! `sync`. Because dots are unique, two concurrent writes at one server get
//! distinct dots and neither is lost; because the context is kept per
//! version, a write that saw `v1` but not `v2` replaces exactly `v1`.
//!
//! ## DVVSet: the compact form
//!
//! [`DvvSet`] is the form Riak ships (`dvvset.erl`). All the versions share
//! one vector, and the dots become implicit: a replica's entry `(i, n,
//! [vk, ..., v1])` lists its live values newest first, so the value at
//! position `k` has the dot `(i, n - k)`. A context `u` covers the values of
//! entry `i` at positions `k` with `n - k <= u(i)`, which is why a put simply
//! cuts each entry's list to its first `n - u(i)` values. There is one entry
//! per replica that ever coordinated a write, whatever the number of clients.
//! Values without a dot (made by `reconcile`) sit in an *anonymous list* and
//! are superseded only by a clock strictly newer than the whole set.
//!
//! ### A worked Get/Put
//!
//! Replica `a` starts empty. Mary puts `v1` with no context, then Peter gets:
//!
//! ```text
//! put(ctx {}, v1) at a      {[{a,1,[v1]}],[]}        get -> [v1], ctx {a:1}
//! ```
//!
//! Mary, who never read, puts `v2` with no context. Nothing is discarded
//! (the empty context covers no dot) and `v2` gets the dot `(a,2)`:
//!
//! ```text
//! put(ctx {}, v2) at a      {[{a,2,[v2,v1]}],[]}     values v2 (a,2), v1 (a,1)
//! ```
//!
//! Peter now puts `v3` with the context `{a:1}` he read. It covers the dot
//! `(a,1)`, so `v1` goes; `(a,2)` is not covered, so `v2` stays a sibling:
//!
//! ```text
//! put(ctx {a:1}, v3) at a   {[{a,3,[v3,v2]}],[]}     get -> [v3, v2], ctx {a:3}
//! ```
//!
//! A client that puts with `{a:3}` replaces both. The same steps are the
//! `sync_update` test, and with `(ctx, v)` made by [`DvvSet::with_context`]
//! each put is `update/3`; [`DvvSet::put`] does it in place.
//!
//! ## The modes
//!
//! [`KeyClock`] runs the same scenario under each [`CausalityMode`] so the
//! playground can show what goes wrong: LWW keeps the write with the greatest
//! `(timestamp, replica, client)` and silently drops concurrent ones;
//! client-id vectors are exact but have one entry per client; server-id
//! vectors with a vector per sibling lose a write when two hit one server
//! concurrently; one merged server-id vector per key turns every stale write
//! into a new sibling (101 siblings where DVVSet keeps 2); DVVSet is exact
//! with one entry per replica.
//!
//! ## Pruning client-id vectors
//!
//! Client-id vectors are exact, but grow one entry per client that ever
//! wrote. Dynamo (section 4.4) bounds its vector clocks the blunt way: each
//! `(id, counter)` entry carries the time its id last updated the item, and
//! when a clock has more entries than a threshold (10 in the paper) the
//! oldest is removed. Riak does the same in `vclock:prune/3`, sorting
//! entries by `{Timestamp, Node}`. [`KeyClock::put_pruning`] does it for
//! [`CausalityMode::ClientVv`] at the coordinator: the new write's entry is
//! stamped with the write's time, the others keep the stamps the client's
//! context carried ([`Context::stamps`], merged as `vclock:merge/1` does),
//! and [`VersionVector::prune_oldest`] drops the oldest entries beyond the
//! threshold, ties to the smaller client, never the writer's own entry.
//!
//! Pruning only forgets: a truncated vector is `<=` the exact one. What it
//! forgets is what makes a write descend the versions it read, so the put
//! that should replace them keeps them as siblings. With threshold 2:
//!
//! ```text
//! c2 read v1, wrote v2          [{c1:1@1, c2:1@21}=v2]
//! c3 read v2, writes v3         {c1:1, c2:1, c3:1} has 3 entries; c1's, stamped 1, goes
//!                               [{c1:1@1, c2:1@21}=v2, {c2:1@21, c3:1@41}=v3]
//! ```
//!
//! `v3` does not descend `v2`, so both stay: a *false conflict*, causally
//! ordered writes kept as concurrent, which the checker reports
//! ([`crate::checker`]). A later reader writes over both and prunes again,
//! so the false conflicts pile up while clients outnumber the threshold.
//! No write is lost: a version is superseded only by a vector that holds its
//! own entry, which pruning never removes from the write that made it, and
//! which only a client that saw the write can carry.
//!
//! ## From `dvvset.erl` to Rust
//!
//! | Erlang             | Rust                                    |
//! |--------------------|-----------------------------------------|
//! | `new/1`            | [`DvvSet::new`]                         |
//! | `new_list/1`       | [`DvvSet::new_list`]                    |
//! | `new/2`            | [`DvvSet::with_context`]                |
//! | `new_list/2`       | [`DvvSet::list_with_context`]           |
//! | `sync/1`           | [`DvvSet::sync_list`]                   |
//! | `sync/2` (private) | [`DvvSet::sync`] (in place)             |
//! | `join/1`           | [`DvvSet::join`], [`DvvSet::join_into`] |
//! | `update/2`         | [`DvvSet::update`]                      |
//! | `update/3`         | [`DvvSet::update_against`]; in place: [`DvvSet::put`] |
//! | `event/3` (private)| [`DvvSet::event`]                       |
//! | `size/1`           | [`DvvSet::size`]                        |
//! | `ids/1`            | [`DvvSet::ids`]                         |
//! | `values/1`         | [`DvvSet::values`]                      |
//! | `equal/2`          | [`DvvSet::equal`]                       |
//! | `less/2`           | [`DvvSet::less`]                        |
//! | `map/2`            | [`DvvSet::map`]                         |
//! | `last/2`           | [`DvvSet::last`]                        |
//! | `lww/2`            | [`DvvSet::lww`]                         |
//! | `reconcile/2`      | [`DvvSet::reconcile`]                   |
//!
//! Erlang's `{Entries, Anonymous}` tuple is also the text form:
//! `{[{a,4,[5,2]},{b,1,[]}],[10]}` parses into a `DvvSet` and prints back.
//!
//! ## CAVEATS
//!
//! - `sync/2` keeps "all unique anonymous values" through an Erlang set,
//!   whose order is unspecified. Here they are deduplicated keeping first
//!   occurrences, `self`'s before `other`'s: deterministic, but `a.sync(b)`
//!   and `b.sync(a)` may list concurrent anonymous values in different orders.
//! - `update/2` and `update/3` require a client clock with exactly one
//!   anonymous value, as the reference's pattern match does; anything else is
//!   a caller bug and panics with a message. `last` returns `None` and `lww`
//!   returns the clock unchanged where the reference would crash on a clock
//!   without values.
//! - `less` compares counters only and `equal` ignores the values themselves
//!   (only their number per entry) and the anonymous list, exactly like the
//!   reference. [`KeyClock::equal`] additionally compares the values.
//! - In the paper kernel, `event` takes `max(u(r), join(S)(r)) + 1` rather
//!   than the largest dot of `r` in `S`: once every version dotted by `r` has
//!   been superseded, `r`'s last counter survives only in other versions'
//!   contexts, and reusing it would mint a dot that is already "seen".
//! - The comparison modes are teaching models, not production algorithms:
//!   client-id vectors let a client's own successive writes supersede each
//!   other (clients are sequential), and the server-id modes follow the
//!   reference README's descriptions.
//! - Under client-id vectors the client is the actor and owns its counter.
//!   A coordinator cannot derive it: a replica that missed the client's last
//!   writes would reissue a counter already used, and the new write would be
//!   discarded as already seen. So the client ([`crate::node::Client`])
//!   counts its puts to each key and its context carries its own entry;
//!   [`KeyClock::put`] numbers the write `max(ctx entry, stored entry) + 1`,
//!   which is then exactly the put's ordinal. A context without the entry
//!   (a hand-built one) falls back to the stored entry.
//! - Text forms cannot carry ids or values whose own text contains an
//!   unbalanced bracket or a top-level `,` or `:`.
//! - Pruning stamps are simulator ticks of the coordinator, never skewed,
//!   where Dynamo's are wall-clock times of servers. A context's text form
//!   leaves its stamps out, so a context written by hand is undated and
//!   pruning takes its entries for the oldest (tick 0). Riak also keeps
//!   young clocks whole (`young_vclock`) and prunes old ones below the
//!   threshold (`old_vclock`); here the threshold alone decides.

mod dvv;
mod dvvset;
mod modes;
pub(crate) mod text;
mod vv;

pub use self::dvv::{Dvv, DvvSiblings, Version};
pub use self::dvvset::{DvvSet, Entry};
pub use self::modes::{CausalityMode, Context, KeyClock, LwwVersion, VvSibling, Write};
pub use self::text::ParseError;
pub use self::vv::{Dot, VersionVector};
pub use crate::ids::{Actor, ClientId};

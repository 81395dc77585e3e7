//! # Guided tutorials
//!
//! A tutorial walks a learner through one idea of Dynamo-style replication,
//! one small step at a time, in the spirit of "The Secret Lives of Data". It
//! is data, not UI: a scenario (the documented JSON format, compiled in from
//! `scenarios/`), and a list of [`Step`]s, each with a title, a few sentences
//! of narration that say exactly what to look at, the virtual time the
//! scenario runs to, and what to highlight.
//!
//! ## Next and Back
//!
//! The model is deterministic, so a step is nothing but a time. "Next" runs
//! the cluster on to the next step's `until_ticks`; "Back" rebuilds it from
//! the scenario and replays to the previous step's time, which gives exactly
//! the state the learner saw there, message for message. [`Tutorial::session`]
//! returns the share-link [`Session`] for a step, so the UI has one replay
//! path for links and for tutorials, and a tutorial step can be shared as a
//! link like any other state.
//!
//! ## Comparing mechanisms
//!
//! Several tutorials show an anomaly of one causality mechanism. Their
//! [`Tutorial::compare_mode`] names the mechanism that avoids it (DVVSet), and
//! [`Tutorial::scenario_in`] builds the same scenario in that mode, so the UI
//! can run both side by side at the same step.
//!
//! ## Kernel-level steps
//!
//! The DVVSet tutorial also explains the kernel's operations one by one. Its
//! steps carry a [`KernelStep`]: the operation and the clocks after it, in the
//! paper's form ([`DvvSiblings`]) and the compact form ([`DvvSet`]), computed
//! by calling the kernel ([`kernel_steps`]), never written by hand. The
//! scenario performs the same operations on a cluster, and the tests check
//! that the cluster ends with the kernel's clock.
//!
//! ## Every claim is tested
//!
//! `crates/core/tests/tutorials.rs` runs each tutorial's scenario and asserts
//! what its narration says: the siblings, the lost write, the 101 siblings
//! against 2, the clocks D1 to D5, the hint, the repair, the convergence.
//!
//! ## CAVEATS
//!
//! - Narration names operations by their order of invocation (`op5` is the
//!   sixth client operation), as the trace does. Editing a scenario's
//!   timeline renumbers them, and the tests then fail until the narration
//!   follows.
//! - A step is a time, not an event: a step shows the state after every
//!   event due at or before `until_ticks`.
//! - The tutorial scenarios under `scenarios/tutorials/` are not in the
//!   built-in list that `wildling list` shows; tutorials reach them through
//!   [`tutorials`].

use serde::Serialize;

use crate::causality::{CausalityMode, DvvSet, DvvSiblings, VersionVector};
use crate::ids::NodeId;
use crate::ids::{OpId, Time};
use crate::scenario::{Scenario, ScenarioError};
use crate::share::Session;

/// One guided tutorial: a scenario and the steps that narrate it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tutorial {
    /// A stable id, for URLs and the embed API (`siblings`, `lww`, ...).
    pub id: &'static str,
    /// The title shown above the tutorial.
    pub title: &'static str,
    /// One sentence: the idea the tutorial teaches.
    pub summary: &'static str,
    /// The scenario, as JSON in the scenario format.
    pub scenario: &'static str,
    /// The mechanism to run the same scenario in beside this one, where the
    /// tutorial shows an anomaly that this mechanism avoids.
    pub compare_mode: Option<CausalityMode>,
    /// The steps, in order; their times never decrease.
    pub steps: Vec<Step>,
}

/// One step of a tutorial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// A short title.
    pub title: &'static str,
    /// What happens and what to look at, in plain text.
    pub narration: String,
    /// Run the scenario up to this time (inclusive); Back replays to the
    /// previous step's time.
    pub until_ticks: Time,
    /// What to highlight.
    pub focus: Option<Focus>,
    /// The kernel operation this step explains, if it explains one.
    pub kernel: Option<KernelStep>,
}

/// What a step highlights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Focus {
    /// A key: its clock on every replica.
    Key(&'static str),
    /// A node.
    Node(NodeId),
    /// A client operation, by its id in the history.
    Op(OpId),
}

/// One operation of the DVV kernel and the clocks it produced, in text form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KernelStep {
    /// The operation, such as `event({n1:1}, S, n1)`.
    pub operation: String,
    /// What the operation returned: a clock, a vector or a set of versions.
    pub result: String,
    /// The replica's versions after the step, in the paper's form.
    pub dvv: String,
    /// The same state as a DVVSet.
    pub dvvset: String,
}

impl Tutorial {
    /// The tutorial's scenario, parsed and validated.
    pub fn parse_scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(self.scenario)
    }

    /// The tutorial's scenario with another causality mode, for a side-by-side
    /// run (usually in [`Tutorial::compare_mode`]).
    pub fn scenario_in(&self, mode: CausalityMode) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.parse_scenario()?;
        scenario.cluster.mode = mode;
        Ok(scenario)
    }

    /// The session at step `step` (its scenario replayed to the step's time,
    /// with the step's key selected), or `None` past the last step.
    pub fn session(&self, step: usize) -> Option<Result<Session, ScenarioError>> {
        let step = self.steps.get(step)?;
        Some(self.parse_scenario().map(|scenario| Session {
            time_ticks: step.until_ticks,
            selected_key: match step.focus {
                Some(Focus::Key(key)) => Some(key.to_string()),
                _ => None,
            },
            ..Session::new(scenario)
        }))
    }
}

/// Every tutorial, in teaching order.
pub fn tutorials() -> Vec<Tutorial> {
    vec![
        siblings(),
        client_vv(),
        server_vv_lost_update(),
        sibling_explosion(),
        dvvset_steps(),
        dynamo_figure_3(),
        hinted_handoff(),
        read_repair(),
        anti_entropy(),
        lww(),
    ]
}

/// The tutorial called `id`.
pub fn tutorial(id: &str) -> Option<Tutorial> {
    tutorials().into_iter().find(|t| t.id == id)
}

/// A step without kernel detail.
fn step(title: &'static str, until_ticks: Time, focus: Option<Focus>, narration: &str) -> Step {
    Step {
        title,
        narration: narration.to_string(),
        until_ticks,
        focus,
        kernel: None,
    }
}

fn op(id: u64) -> Option<Focus> {
    Some(Focus::Op(OpId(id)))
}

fn node(id: u16) -> Option<Focus> {
    Some(Focus::Node(NodeId(id)))
}

fn key(key: &'static str) -> Option<Focus> {
    Some(Focus::Key(key))
}

fn siblings() -> Tutorial {
    Tutorial {
        id: "siblings",
        title: "Concurrent writes become siblings",
        summary: "Two writes that did not see each other are both kept, as siblings; a write that saw both replaces them.",
        scenario: include_str!("../../../scenarios/partition-siblings.json"),
        compare_mode: None,
        steps: vec![
            step("One value", 9, key("cart"), "Client c1 puts milk into the key cart through n1. n1 coordinates the write and copies it to n2 and n3. Look at cart on each node: every replica holds the one value milk."),
            step("Both clients read", 21, op(2), "c1 reads cart through n1 and c2 through n3. Both get milk and the context {n1:1}: a summary of what they have seen. They will hand it back when they write."),
            step("A partition", 29, node(3), "The network splits: n3 can no longer talk to n1 and n2. Look at n3: it is alone on its side."),
            step("Two writes, neither sees the other", 40, key("cart"), "c1 writes eggs through n1 and c2 writes bread through n3, both with the context {n1:1}. Each write replaces milk, which its writer saw, but neither writer saw the other's value. Both writes are acknowledged."),
            step("The partition heals", 85, key("cart"), "The network is whole again, but nothing has moved yet: n1 and n2 hold eggs, n3 holds bread."),
            step("A read finds siblings", 101, op(5), "c1 reads cart from all three replicas. The coordinator merges their clocks and returns both values, eggs and bread, as siblings, with the context {n1:2, n3:1}, which covers both. Nothing was thrown away."),
            step("A write resolves them", 130, op(6), "c1 writes eggs+bread with that context. The context covers both siblings, so the new value replaces both."),
            step("One value again", 170, op(7), "c2 reads cart through n3 and gets the single value eggs+bread. A put with the read's context is how a client resolves siblings."),
        ],
    }
}

fn client_vv() -> Tutorial {
    Tutorial {
        id: "client-vv",
        title: "Client-id version vectors grow with clients",
        summary: "Counting writes per client is exact, but the vector gets one entry for every client that ever wrote.",
        scenario: include_str!("../../../scenarios/tutorials/client-vv.json"),
        compare_mode: Some(CausalityMode::DvvSet),
        steps: vec![
            step("An entry for the client", 10, key("cart"), "c1 puts milk through n1. The key's version vector is {c1:1}: its entries count each client's writes, not each server's."),
            step("A second client", 40, key("cart"), "c2 reads cart, gets the context {c1:1}, and writes eggs through n2. The new vector is {c1:1, c2:1}: one more entry, because one more client wrote."),
            step("And more clients", 97, key("cart"), "c3 and c4 do the same through n3 and n1. Look at the vector: four entries now, one per client, whichever node coordinated."),
            step("Two clients read the same value", 112, key("cart"), "c5 and c6 both read butter, with the same context of four entries."),
            step("Concurrent writes are kept apart", 140, key("cart"), "c5 writes jam and c6 writes tea, both through n2, at the same time. Their vectors differ in c5 and c6, so neither covers the other: both are kept as siblings. Client ids are exact."),
            step("The cost", 165, op(11), "c1 reads [jam, tea] with a context of six entries, one for each client that ever wrote. A store with a million clients carries a million entries per key. Run the same scenario with DVVSet: the same siblings, and never more than three entries, one per node."),
        ],
    }
}

fn server_vv_lost_update() -> Tutorial {
    Tutorial {
        id: "server-vv-lost-update",
        title: "Server-id version vectors lose an update",
        summary: "When each sibling keeps its own server-id vector, two writes at one server can get the same vector, and a later write silently deletes one of them.",
        scenario: include_str!("../../../scenarios/tutorials/server-vv-lost-update.json"),
        compare_mode: Some(CausalityMode::DvvSet),
        steps: vec![
            step("A write at n1", 10, key("cart"), "c1 puts milk through n1. n1 counts its own writes, so milk's vector is {n1:1}."),
            step("c1 reads", 25, op(1), "c1 reads milk with the context {n1:1}."),
            step("A blind write at the same node", 40, key("cart"), "c2 puts eggs through n1 without reading first. n1 can only advance its own entry of c2's empty context, so eggs also gets {n1:1}. Look at cart on n1: two siblings with the same vector."),
            step("The update that deletes", 55, key("cart"), "c1 puts bread with its context {n1:1}. n1 gives bread {n1:2}, which dominates both {n1:1} siblings, so both are replaced. But c1 never saw eggs."),
            step("eggs is gone", 75, op(4), "c2 reads cart and gets only bread. c2's write of eggs was acknowledged and is now gone: the checker reports it as a lost write. Under DVVSet, eggs has its own dot (n1,2), which c1's context does not cover, and it survives as a sibling of bread."),
        ],
    }
}

fn sibling_explosion() -> Tutorial {
    Tutorial {
        id: "sibling-explosion",
        title: "Merged server-id vectors: false conflicts and sibling explosion",
        summary: "With one server-id vector per key, a write with a stale context cannot say which values it saw, so every such write adds a sibling: 101 of them, where DVVSet keeps 2.",
        scenario: include_str!("../../../scenarios/tutorials/sibling-explosion.json"),
        compare_mode: Some(CausalityMode::DvvSet),
        steps: vec![
            step("Write, then read back", 24, key("cart"), "c1 writes v1 through n1 and reads it back. The key has one vector for all its values, {n1:1}, and that is c1's context."),
            step("A blind write", 35, key("cart"), "c2 writes v2 without reading. The key's vector becomes {n1:2}, and its values are v1 and v2."),
            step("One write stale", 54, key("cart"), "c1 writes v3 with its context {n1:1}. It does not descend the key's {n1:2}, so n1 cannot tell which values c1 saw, and keeps all three. But c1 did see v1: keeping v1 beside v3 is a false conflict."),
            step("Again and again", 500, key("cart"), "c1 keeps reading and writing while c2 keeps writing blind. Every one of c1's contexts is one write behind, so every write adds a sibling. Count the values on n1."),
            step("101 siblings", 2130, key("cart"), "After 101 writes cart holds 101 siblings, and the checker lists the false conflicts. Run the same scenario with DVVSet: each value has its own dot, so c1's context replaces exactly what c1 saw, and only 2 siblings remain, v100 and v101."),
        ],
    }
}

/// Replica ids of the DVVSet tutorial.
const N1: NodeId = NodeId(1);
const N2: NodeId = NodeId(2);

/// The DVVSet tutorial's kernel operations, computed by the kernel: the
/// same puts as `scenarios/tutorials/dvvset-steps.json`, on one replica's
/// versions in the paper's form and as a DVVSet, then the sync that brings a
/// stale replica up to date.
pub fn kernel_steps() -> Vec<KernelStep> {
    type Versions = DvvSiblings<NodeId, String>;
    type Set = DvvSet<NodeId, String>;
    let state = |dvv: &Versions, set: &Set| (dvv.to_string(), set.to_string());
    let put =
        |dvv: &mut Versions, set: &mut Set, ctx: &VersionVector<NodeId>, at: NodeId, v: &str| {
            let clock = dvv.event(ctx, at);
            dvv.put(ctx, at, v.to_string());
            set.put(ctx, at, v.to_string());
            clock.to_string()
        };
    let empty = VersionVector::new();
    let (mut n1, mut n1_set) = (Versions::new(), Set::default());
    let mut steps = Vec::new();

    let result = put(&mut n1, &mut n1_set, &empty, N1, "v1");
    let (dvv, dvvset) = state(&n1, &n1_set);
    let stale = (n1.clone(), n1_set.clone());
    steps.push(KernelStep {
        operation: format!("event({empty}, S, {N1}) for v1"),
        result,
        dvv,
        dvvset,
    });

    let seen = n1.join();
    let (dvv, dvvset) = state(&n1, &n1_set);
    steps.push(KernelStep {
        operation: "join(S)".to_string(),
        result: seen.to_string(),
        dvv,
        dvvset,
    });

    let result = put(&mut n1, &mut n1_set, &empty, N1, "v2");
    let (dvv, dvvset) = state(&n1, &n1_set);
    steps.push(KernelStep {
        operation: format!("discard(S, {empty}), event({empty}, S, {N1}) for v2"),
        result,
        dvv,
        dvvset,
    });

    let mut discarded = n1.clone();
    discarded.discard(&seen);
    let result = put(&mut n1, &mut n1_set, &seen, N1, "v3");
    let (dvv, dvvset) = state(&n1, &n1_set);
    steps.push(KernelStep {
        operation: format!("discard(S, {seen}), event({seen}, S, {N1}) for v3"),
        result: format!("{discarded}, then {result}"),
        dvv,
        dvvset,
    });

    // n2 holds what n1 replicated to it, and a client with the old context
    // writes there.
    let (mut n2, mut n2_set) = (n1.clone(), n1_set.clone());
    let result = put(&mut n2, &mut n2_set, &seen, N2, "v4");
    let (dvv, dvvset) = state(&n2, &n2_set);
    steps.push(KernelStep {
        operation: format!("discard(S, {seen}), event({seen}, S, {N2}) for v4"),
        result,
        dvv,
        dvvset,
    });

    // A replica that holds only v1 syncs with n2.
    let (stale, mut stale_set) = stale;
    let synced = stale.sync(&n2);
    stale_set.sync(&n2_set);
    let (dvv, dvvset) = state(&synced, &stale_set);
    steps.push(KernelStep {
        operation: format!("sync({stale}, S)"),
        result: synced.to_string(),
        dvv,
        dvvset,
    });
    steps
}

fn dvvset_steps() -> Tutorial {
    let kernel = kernel_steps();
    let [dot, join, blind, discard, other, sync] = <[KernelStep; 6]>::try_from(kernel)
        .expect("kernel_steps makes one step per operation the tutorial explains");
    let seen = join.result.clone();
    let steps = vec![
        Step {
            title: "A dot",
            narration: format!("c1 puts v1 through n1. n1 names this one write with a dot: the pair (n1, 1), \"the first write n1 coordinated\". The kernel's event gives the version {}: the dot, then the context the client sent, which is empty. As a DVVSet the key reads {}: n1's counter 1 and its live value.", dot.result, dot.dvvset),
            until_ticks: 10,
            focus: Some(Focus::Key("cart")),
            kernel: Some(dot),
        },
        Step {
            title: "join",
            narration: format!("c2 reads cart. join(S) merges every version's dot and context into one vector, {}: that is the context c2 gets back, a summary of everything the read saw.", join.result),
            until_ticks: 25,
            focus: Some(Focus::Op(OpId(1))),
            kernel: Some(join),
        },
        Step {
            title: "event: a new dot",
            narration: format!("c1 puts v2 without reading. The empty context covers no dot, so discard keeps v1, and event mints the next dot of n1: {}. v1 and v2 are siblings, told apart by their dots. The DVVSet keeps them newest first: {}.", blind.result, blind.dvvset),
            until_ticks: 40,
            focus: Some(Focus::Key("cart")),
            kernel: Some(blind),
        },
        Step {
            title: "discard: exactly what was seen",
            narration: format!("c2 puts v3 with the context {seen} it read earlier. First discard drops each version whose dot that context covers, then event makes v3's version: {}. v1 is gone, and v2, which c2 never saw, stays. The key is now {}.", discard.result, discard.dvvset),
            until_ticks: 55,
            focus: Some(Focus::Key("cart")),
            kernel: Some(discard),
        },
        Step {
            title: "A dot from another node",
            narration: format!("Client c3 puts v4 through n2 with an old context. n2 mints its own first dot: {}. n2's clock is {}: one entry per node, whatever the number of clients.", other.result, other.dvvset),
            until_ticks: 70,
            focus: Some(Focus::Node(NodeId(2))),
            kernel: Some(other),
        },
        Step {
            title: "sync",
            narration: format!("Replicas exchange clocks and sync them: sync keeps every version that no version on the other side has seen. Syncing a replica that still held only v1 with n2 gives {}: v1 is dropped, because v3 and v4 both saw its dot. c1 now reads cart from all three nodes, and every replica holds {}.", sync.result, sync.dvvset),
            until_ticks: 90,
            focus: Some(Focus::Op(OpId(5))),
            kernel: Some(sync),
        },
    ];
    Tutorial {
        id: "dvvset",
        title: "DVVSet step by step",
        summary: "What a dot is, and what the kernel's sync, join, discard and event do.",
        scenario: include_str!("../../../scenarios/tutorials/dvvset-steps.json"),
        compare_mode: None,
        steps,
    }
}

fn dynamo_figure_3() -> Tutorial {
    Tutorial {
        id: "dynamo-figure-3",
        title: "The clocks of the Dynamo paper's figure 3",
        summary: "The history D1 to D5 of the Dynamo paper, with its server-id version vectors, and the same history as a DVVSet.",
        scenario: include_str!("../../../scenarios/tutorials/dynamo-figure-3.json"),
        compare_mode: Some(CausalityMode::DvvSet),
        steps: vec![
            step("D1", 10, key("object"), "The paper's servers Sx, Sy and Sz are n1, n2 and n3 here. c1 writes D1 through n1, which counts its first write: D1's clock is [Sx,1], shown as {n1:1}."),
            step("D2", 40, key("object"), "c1 reads D1 and writes D2 through n1 with that context: D2 is [Sx,2], {n1:2}. It descends D1, so D1 is gone from every replica."),
            step("D3 and D4", 70, key("object"), "c1 and c2 both read D2. c1 writes D3 through n2: ([Sx,2],[Sy,1]), {n1:2, n2:1}. At the same time c2 writes D4 through n3: ([Sx,2],[Sz,1]), {n1:2, n3:1}. Neither vector descends the other, so every replica keeps both as siblings."),
            step("A read sees both", 90, op(7), "c1 reads object from all three replicas and gets D3 and D4 with the context {n1:2, n2:1, n3:1}."),
            step("D5", 105, key("object"), "c1 reconciles the two and writes D5 through n1: ([Sx,3],[Sy,1],[Sz,1]), {n1:3, n2:1, n3:1}. It descends both siblings, which are replaced."),
            step("The same history as a DVVSet", 130, op(9), "c2 reads D5. Run the same scenario with DVVSet and the final clock is one entry per node with the same counters, n1 at 3 and n2 and n3 at 1, with D5 the only value. Here no two writes hit one server concurrently, so server-id vectors are exact; the tutorials on lost updates and sibling explosion show when they are not."),
        ],
    }
}

fn hinted_handoff() -> Tutorial {
    Tutorial {
        id: "hinted-handoff",
        title: "Sloppy quorum and hinted handoff",
        summary: "When a replica is down, a write goes to the next healthy node as a hint, and comes home when the replica is back.",
        scenario: include_str!("../../../scenarios/hinted-handoff.json"),
        compare_mode: None,
        steps: vec![
            step("A replica is down", 12, node(2), "n2 has crashed. c1 puts v1 through n1; the key's replicas are n1, n2 and n3. The copy to n2 is dropped, but n1 and n3 make W = 2 and the put succeeds."),
            step("n1 suspects n2", 30, node(1), "n1 kept waiting for n2's answer until the request timed out. Its failure detector now suspects n2: look at n1's view of the cluster."),
            step("A sloppy quorum", 50, node(4), "c1 puts v2. n1 does not wait for n2: it sends the write to n4, the next node on the ring, marked as a hint for n2. Look at n4's hints. n4's acknowledgement counts towards W, so the put succeeds although a replica is down."),
            step("n2 is back", 82, node(2), "n2 restarts and tells the other nodes it is alive."),
            step("Hinted handoff", 90, node(4), "n4 hands the hint to n2, n2 acknowledges it, and n4 deletes it. n2 now holds the write it missed."),
            step("Nothing was lost", 170, op(2), "c1 reads through n2 from all three replicas: both values are there. They are siblings because both puts were blind: neither saw the other."),
        ],
    }
}

fn read_repair() -> Tutorial {
    Tutorial {
        id: "read-repair",
        title: "Read repair",
        summary: "A read that sees a stale replica sends it the merged clock, so reads heal what they see.",
        scenario: include_str!("../../../scenarios/read-repair.json"),
        compare_mode: None,
        steps: vec![
            step("Everyone has v1", 10, key("k"), "c1 puts v1 through n1; all three replicas hold it."),
            step("n3 misses a write", 40, node(3), "A partition cuts n3 off. c1 puts v2; n1 and n2 store it, which is enough for W = 2. n3 still holds only v1."),
            step("Healed, but still stale", 65, node(3), "The partition heals. Healing moves no data: n3 is still stale. Anti-entropy is off in this scenario, to show read repair alone."),
            step("A read repairs", 85, node(3), "c1 reads k from all three replicas. n3 answers with the old clock, so the coordinator n1 sends it the merged clock in a repair message. Look at n3: it now holds v2 too."),
        ],
    }
}

fn anti_entropy() -> Tutorial {
    Tutorial {
        id: "anti-entropy",
        title: "A healed partition and Merkle anti-entropy",
        summary: "Replicas compare Merkle trees of their data and exchange exactly the keys that differ, even when nobody reads them.",
        scenario: include_str!("../../../scenarios/anti-entropy.json"),
        compare_mode: None,
        steps: vec![
            step("Eight keys", 10, None, "c1 writes eight keys, a to h, on all three nodes."),
            step("Two keys change behind a partition", 60, node(3), "n3 is cut off, and c1 writes new values of c and f. n1 and n2 store them; n3 does not."),
            step("Healed, not converged", 95, node(3), "The partition heals, but n3 still has the old c and f, and nobody reads them, so read repair cannot help. The checker would report both keys as not converged."),
            step("Comparing trees", 106, node(1), "Each node builds a Merkle tree of each ring partition: leaves hash keys, branches hash leaves, the root hashes everything. n1 sends its roots; where n3's root differs, the nodes compare branches, and only the differing branch's leaves."),
            step("Exactly two keys move", 120, node(3), "The merkle-sync messages carry exactly c and f, and every replica now holds the same clocks: converged, with no read at all."),
        ],
    }
}

fn lww() -> Tutorial {
    Tutorial {
        id: "lww",
        title: "Last writer wins silently loses a write",
        summary: "Keeping only the write with the latest timestamp throws away concurrent writes, and nobody is told.",
        scenario: include_str!("../../../scenarios/lww-lost-write.json"),
        compare_mode: Some(CausalityMode::DvvSet),
        steps: vec![
            step("Two writes", 4, key("cart"), "c1 puts milk through n1 and c2 puts eggs through n3. Neither read first; neither saw the other. Each clock here is {timestamp, node, client, value}."),
            step("Both acknowledged, one kept", 11, key("cart"), "Both puts are acknowledged. But where the two writes meet, each replica keeps only the one with the later timestamp; the tie goes to the greater node, n3. Look at cart: eggs everywhere, milk nowhere."),
            step("milk is gone", 55, op(2), "c1 reads cart and gets only eggs. Its own acknowledged write vanished, and no error said so: the checker reports a lost write. Run the same scenario with DVVSet, and the read returns both values as siblings."),
        ],
    }
}

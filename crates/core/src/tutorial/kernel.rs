//! The DVVSet tutorial's kernel table, computed by the kernel.
//!
//! The `dvvset` tutorial explains the kernel's operations one by one; each
//! of its steps carries a [`KernelStep`] in its file. [`kernel_steps`]
//! performs the same operations on the kernel itself, and the tests check
//! that the file says exactly what the kernel computes, so the table can
//! never drift from the code it explains.

use serde::{Deserialize, Serialize};

use crate::causality::{DvvSet, DvvSiblings, VersionVector};
use crate::ids::NodeId;

/// One operation of the DVV kernel and the clocks it produced, in text form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

impl KernelStep {
    /// Each text with its field name, for validation.
    pub(crate) fn fields(&self) -> [(&'static str, &str); 4] {
        [
            ("operation", &self.operation),
            ("result", &self.result),
            ("dvv", &self.dvv),
            ("dvvset", &self.dvvset),
        ]
    }
}

/// Replica ids of the DVVSet tutorial.
const N1: NodeId = NodeId(1);
const N2: NodeId = NodeId(2);

/// The DVVSet tutorial's kernel operations, computed by the kernel: the
/// same puts as the scenario of `tutorials/dvvset.json`, on one replica's
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

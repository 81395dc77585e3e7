//! Compare mode: the same scenario under two causality modes, side by side, operation by operation.

use crate::cluster::Cluster;
use crate::ids::{Addr, OpId};
use crate::node::OpOutcome;

/// One operation under two runs of the same scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareRow {
    /// The operation (the same inputs give the same ids in both runs).
    pub op: OpId,
    /// Who performed it.
    pub by: Addr,
    /// What was asked.
    pub input: String,
    /// Its outcome in the left run.
    pub left: String,
    /// Its outcome in the right run.
    pub right: String,
    /// Whether the outcomes differ.
    pub differs: bool,
}

/// The operations of two runs side by side, differing outcomes marked.
pub fn compare(left: &Cluster, right: &Cluster) -> Vec<CompareRow> {
    let outcome = |cluster: &Cluster, i: usize| -> String {
        match cluster.sim().history().ops.get(i) {
            Some(op) => match &op.completed {
                Some((_, OpOutcome::Got { values, .. })) => format!("[{}]", values.join(", ")),
                Some((_, outcome)) => outcome.to_string(),
                None => "pending".into(),
            },
            None => "not invoked".into(),
        }
    };
    let count = left
        .sim()
        .history()
        .ops
        .len()
        .max(right.sim().history().ops.len());
    (0..count)
        .filter_map(|i| {
            let op = left
                .sim()
                .history()
                .ops
                .get(i)
                .or_else(|| right.sim().history().ops.get(i))?;
            let (l, r) = (outcome(left, i), outcome(right, i));
            Some(CompareRow {
                op: op.id,
                by: op.by,
                input: op.input.to_string(),
                differs: l != r,
                left: l,
                right: r,
            })
        })
        .collect()
}

//! The checker panel: the consistency checker's findings, each tied to the operations and keys it is about.

use crate::causality::CausalityMode;
use crate::checker::{CheckReport, Guarantee, SeenAt};
use crate::cluster::Cluster;
use crate::ids::OpId;
use crate::node::ClientOp;

/// What kind of trouble a checker finding reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// An acknowledged write is gone.
    LostWrite,
    /// Causally ordered writes kept as siblings.
    FalseConflict,
    /// A key whose live replicas differ.
    NonConverged,
    /// A session guarantee one client's operation broke.
    Session(Guarantee),
    /// A read that missed an earlier write (information: Dynamo allows it).
    StaleRead,
}

impl FindingKind {
    /// A short name, for headings and test ids.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::LostWrite => "lost-write",
            FindingKind::FalseConflict => "false-conflict",
            FindingKind::NonConverged => "non-converged",
            FindingKind::Session(guarantee) => guarantee.name(),
            FindingKind::StaleRead => "stale-read",
        }
    }
}

/// One finding of the consistency checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// The key involved.
    pub key: String,
    /// The checker's own sentence.
    pub text: String,
    /// The operations involved, to select in the other views.
    pub ops: Vec<OpId>,
    /// For a session guarantee: the operation where it broke and the write
    /// it missed, which the space-time diagram connects when selected.
    pub pair: Option<(OpId, OpId)>,
}

/// The consistency checker's verdict on a run so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckView {
    /// The causality mode of the run checked.
    pub mode: CausalityMode,
    /// Whether the run is quiet (nothing in flight, and nothing scheduled
    /// but retries that cannot get through): the verdict is final.
    /// Otherwise replication may still be under way.
    pub quiet: bool,
    /// Every finding: lost writes, false conflicts, non-converged keys,
    /// session guarantees, and stale reads last.
    pub findings: Vec<Finding>,
}

impl CheckView {
    /// How many findings of `kind`.
    pub fn count(&self, kind: FindingKind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// How many session guarantees were broken, of the four.
    pub fn sessions(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| matches!(f.kind, FindingKind::Session(_)))
            .count()
    }
}

/// The consistency checker's verdict on `cluster` as it stands.
pub fn check(cluster: &Cluster) -> CheckView {
    let report: CheckReport = cluster.check();
    let mut findings = Vec::new();
    findings.extend(report.lost_writes.iter().map(|f| Finding {
        kind: FindingKind::LostWrite,
        key: f.key.clone(),
        text: f.to_string(),
        ops: vec![f.op],
        pair: None,
    }));
    findings.extend(report.false_conflicts.iter().map(|f| Finding {
        kind: FindingKind::FalseConflict,
        key: f.key.clone(),
        text: f.to_string(),
        ops: match f.seen_at {
            SeenAt::Read(read) => vec![f.older, f.newer, read],
            SeenAt::Replica(_) => vec![f.older, f.newer],
        },
        pair: None,
    }));
    findings.extend(report.non_converged.iter().map(|f| Finding {
        kind: FindingKind::NonConverged,
        key: f.key.clone(),
        text: f.to_string(),
        ops: last_put_of(cluster, &f.key).into_iter().collect(),
        pair: None,
    }));
    findings.extend(report.sessions.iter().map(|v| Finding {
        kind: FindingKind::Session(v.guarantee),
        key: v.key.clone(),
        text: v.to_string(),
        ops: [v.at, v.missed].into_iter().chain(v.via).collect(),
        pair: Some((v.at, v.missed)),
    }));
    findings.extend(report.stale_reads.iter().map(|f| Finding {
        kind: FindingKind::StaleRead,
        key: f.key.clone(),
        text: f.to_string(),
        ops: vec![f.read, f.missed],
        pair: None,
    }));
    let sim = cluster.sim();
    CheckView {
        mode: cluster.scenario().cluster.mode,
        quiet: sim.is_quiet(),
        findings,
    }
}

/// The last put of `key`, which a non-converged key's replicas disagree after.
fn last_put_of(cluster: &Cluster, key: &str) -> Option<OpId> {
    cluster.sim().history().ops.iter().rev().find_map(|op| {
        matches!(&op.input, ClientOp::Put { key: k, .. } if **k == *key).then_some(op.id)
    })
}

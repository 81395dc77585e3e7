//! `--data DIR`: each node's store and hints on disk, in one redb file.
//!
//! The seed this project grew from listed "persist vnode data to disk" as
//! not yet done; this is it. The cluster loop turns on change logging in
//! every node ([`wildling_core::node::Node::log_durable_changes`]) and, after each batch of
//! events and before it answers any request, writes the keys that changed
//! in one transaction, so an acknowledged write is on disk before its 204
//! leaves. Starting again with the same directory restores every node
//! (`Node::restore`) before the cluster runs.
//!
//! Tables: `keys` maps (node, partition, key) to the key's clock, `hints`
//! maps a node to all its hints, `meta` holds the cluster's configuration,
//! so that a directory is never opened with a cluster of another shape.
//! Values are the core's serde forms in JSON: readable, and as stable as
//! the scenario format.
//!
//! # CAVEATS
//!
//! A write that fails (a full disk, a broken file) is never acknowledged
//! as if it had been kept: the cluster loop keeps the changes it could not
//! write and tries them again with each batch (merged per node and key, so
//! they stay as small as the stores), and until a write succeeds it
//! answers every operation 503, naming the failure, and takes no new ones.
//!
//! # CAVEATS
//!
//! - A crash fault empties a node that is not `durable` on disk as in
//!   memory; a durable node's data stays, as in the simulator.
//! - The ring and the membership are the scenario's, not kept: no request
//!   changes them (the API has no join or leave), `meta` refuses a
//!   directory of another cluster configuration, and a scenario whose
//!   timeline joins or leaves nodes does so again at the same ticks after a
//!   restart. Faults (partitions, crashes) and the failure detectors'
//!   suspicions are not kept either: a restarted server starts healed, with
//!   every node up; the hints its nodes held are restored and handed off
//!   as the restored nodes find their primaries up.
//! - Everything in flight is lost on a stop (see
//!   `wildling_core::node::durable`); an operation in flight was never
//!   acknowledged.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use wildling_core::node::{DurableChanges, DurableHint, DurableKey, DurableState};
use wildling_core::ring::PartitionId;
use wildling_core::scenario::Scenario;
use wildling_core::NodeId;

const KEYS: TableDefinition<(u16, u32, &str), &[u8]> = TableDefinition::new("keys");
const HINTS: TableDefinition<u16, &[u8]> = TableDefinition::new("hints");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");

/// The file inside the data directory.
pub const DATA_FILE: &str = "wildling.redb";

/// The nodes' data on disk.
pub struct Disk {
    db: Database,
    path: PathBuf,
    fault: WriteFault,
}

/// A switch that makes every write of a [`Disk`] fail, as a full or broken
/// disk would: how the tests check what the server does then
/// ([`crate::ServeOptions::write_fault`]).
#[derive(Clone, Debug, Default)]
pub struct WriteFault(Arc<AtomicBool>);

impl WriteFault {
    /// Make writes fail (`true`) or work again (`false`).
    pub fn set(&self, failing: bool) {
        self.0.store(failing, Ordering::SeqCst);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Two switches are equal when they are the same switch.
impl PartialEq for WriteFault {
    fn eq(&self, other: &WriteFault) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for WriteFault {}

fn failed(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

impl Disk {
    /// Open (or create) the data of `scenario`'s cluster in `dir`. Refused
    /// when the directory holds a cluster of another configuration.
    pub fn open(dir: &Path, scenario: &Scenario, fault: WriteFault) -> Result<Disk, String> {
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        let path = dir.join(DATA_FILE);
        let db = Database::create(&path).map_err(|e| failed(&path, e))?;
        let cluster = serde_json::to_string(&scenario.cluster).expect("a configuration serializes");
        let txn = db.begin_write().map_err(|e| failed(&path, e))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| failed(&path, e))?;
            let stored = meta
                .get("cluster")
                .map_err(|e| failed(&path, e))?
                .map(|v| v.value().to_string());
            match stored {
                Some(stored) if stored != cluster => {
                    return Err(format!(
                        "{} holds the data of another cluster ({stored}); serve the same \
                         scenario, or give a fresh --data directory",
                        dir.display()
                    ))
                }
                Some(_) => {}
                None => {
                    meta.insert("cluster", cluster.as_str())
                        .map_err(|e| failed(&path, e))?;
                }
            }
            txn.open_table(KEYS).map_err(|e| failed(&path, e))?;
            txn.open_table(HINTS).map_err(|e| failed(&path, e))?;
        }
        txn.commit().map_err(|e| failed(&path, e))?;
        Ok(Disk { db, path, fault })
    }

    /// Whether any node has data on disk.
    pub fn is_empty(&self) -> Result<bool, String> {
        let txn = self.db.begin_read().map_err(|e| failed(&self.path, e))?;
        let keys = txn.open_table(KEYS).map_err(|e| failed(&self.path, e))?;
        let hints = txn.open_table(HINTS).map_err(|e| failed(&self.path, e))?;
        Ok(keys.is_empty().map_err(|e| failed(&self.path, e))?
            && hints.is_empty().map_err(|e| failed(&self.path, e))?)
    }

    /// What node `id` had on disk.
    pub fn load(&self, id: NodeId) -> Result<DurableState, String> {
        let path = &self.path;
        let txn = self.db.begin_read().map_err(|e| failed(path, e))?;
        let keys = txn.open_table(KEYS).map_err(|e| failed(path, e))?;
        let mut state = DurableState::default();
        for entry in keys
            .range((id.0, 0, "")..(id.0 + 1, 0, ""))
            .map_err(|e| failed(path, e))?
        {
            let (key, clock) = entry.map_err(|e| failed(path, e))?;
            let (_, partition, key) = key.value();
            let clock = serde_json::from_slice(clock.value())
                .map_err(|e| failed(path, format!("the clock of {key} at n{}: {e}", id.0)))?;
            state.keys.push(DurableKey {
                partition: PartitionId(partition),
                key: key.to_string(),
                clock,
            });
        }
        let hints = txn.open_table(HINTS).map_err(|e| failed(path, e))?;
        if let Some(saved) = hints.get(id.0).map_err(|e| failed(path, e))? {
            let saved: Vec<DurableHint> = serde_json::from_slice(saved.value())
                .map_err(|e| failed(path, format!("the hints of n{}: {e}", id.0)))?;
            state.hints = saved;
        }
        Ok(state)
    }

    /// Write what changed at each node, in one transaction.
    pub fn save(&self, changes: &[(NodeId, DurableChanges)]) -> Result<(), String> {
        let path = &self.path;
        if self.fault.is_set() {
            return Err(failed(
                path,
                "write failed (a fault injected by WriteFault)",
            ));
        }
        let txn = self.db.begin_write().map_err(|e| failed(path, e))?;
        {
            let mut keys = txn.open_table(KEYS).map_err(|e| failed(path, e))?;
            let mut hints = txn.open_table(HINTS).map_err(|e| failed(path, e))?;
            for (id, changed) in changes {
                if changed.cleared {
                    keys.retain_in((id.0, 0, "")..(id.0 + 1, 0, ""), |_, _| false)
                        .map_err(|e| failed(path, e))?;
                }
                for DurableKey {
                    partition,
                    key,
                    clock,
                } in &changed.keys
                {
                    let clock = serde_json::to_vec(clock).expect("a clock serializes");
                    keys.insert((id.0, partition.0, key.as_str()), clock.as_slice())
                        .map_err(|e| failed(path, e))?;
                }
                if let Some(held) = &changed.hints {
                    if held.is_empty() {
                        hints.remove(id.0).map_err(|e| failed(path, e))?;
                    } else {
                        let held = serde_json::to_vec(held).expect("hints serialize");
                        hints
                            .insert(id.0, held.as_slice())
                            .map_err(|e| failed(path, e))?;
                    }
                }
            }
        }
        txn.commit().map_err(|e| failed(path, e))
    }
}

/// `later`'s changes of one node folded into `earlier`'s, as if both had
/// been written in turn: a clear drops what came before it, a key keeps
/// its latest clock, the hints their latest list.
pub fn merge(earlier: &mut DurableChanges, later: DurableChanges) {
    let key_of = |k: &DurableKey| (k.partition, k.key.clone());
    if later.cleared {
        earlier.cleared = true;
        earlier.keys.clear();
    }
    earlier
        .keys
        .retain(|k| later.keys.binary_search_by_key(&key_of(k), key_of).is_err());
    earlier.keys.extend(later.keys);
    earlier.keys.sort_by_key(key_of);
    if later.hints.is_some() {
        earlier.hints = later.hints;
    }
}

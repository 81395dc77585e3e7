//! `--data DIR`: each node's store and hints on disk, in one redb file.
//!
//! The seed this project grew from listed "persist vnode data to disk" as
//! not yet done; this is it. The cluster loop turns on change logging in
//! every node ([`Node::log_durable_changes`]) and, after each batch of
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
//! - A crash fault empties a node that is not `durable` on disk as in
//!   memory; a durable node's data stays, as in the simulator.
//! - The ring, the failure detectors and everything in flight are not kept
//!   (see `wildling_core::node::durable`).
//! - A failed write to disk is reported on stderr and the server goes on:
//!   the writes of that batch are acknowledged without being on disk.

use std::path::{Path, PathBuf};

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
}

fn failed(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

impl Disk {
    /// Open (or create) the data of `scenario`'s cluster in `dir`. Refused
    /// when the directory holds a cluster of another configuration.
    pub fn open(dir: &Path, scenario: &Scenario) -> Result<Disk, String> {
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
        Ok(Disk { db, path })
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

//! A seeded random fault injector.
//!
//! [`random_faults`] turns a seed into a fault schedule over a window of
//! time: partitions into two groups, one-way cuts, crashes (each followed by
//! a restart, inside the window or at its end) and bursts of message loss.
//! At the end of the window everything heals: the network is made whole, the
//! loss stops and every crashed node restarts, so that the checker can look
//! at the cluster after heal and quiescence. Faults are plain
//! [`Fault`] values, as in a scenario's timeline; the injector draws from its
//! own [`SimRng`], so a schedule depends on the seed only.

use serde::{Deserialize, Serialize};

use crate::ids::NodeId;
use crate::ids::Time;
use crate::sim::network::Fault;
use crate::sim::SimRng;

/// What the injector may do, and how much of it. Read from an experiment
/// file, a field left out keeps its default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultOptions {
    /// Faults happen in `0..window_ticks`; everything heals at `window_ticks`.
    pub window_ticks: Time,
    /// At most this many faults per schedule (at least one).
    pub faults_max: u32,
    /// The highest loss probability of a loss burst, per million.
    pub drop_per_million_max: u32,
    /// Whether to partition the nodes into two groups.
    pub partitions: bool,
    /// Whether to cut single links one way.
    pub one_way: bool,
    /// Whether to crash (and later restart) nodes.
    pub crashes: bool,
    /// Whether to lose messages at random.
    pub loss: bool,
}

impl Default for FaultOptions {
    fn default() -> Self {
        FaultOptions {
            window_ticks: 200,
            faults_max: 4,
            drop_per_million_max: 200_000,
            partitions: true,
            one_way: true,
            crashes: true,
            loss: true,
        }
    }
}

/// A fault schedule for a cluster of `nodes` nodes, from `seed`, in time order.
pub fn random_faults(nodes: u16, seed: u64, options: &FaultOptions) -> Vec<(Time, Fault)> {
    let mut rng = SimRng::new(seed ^ 0x6661_756c_7473_2121);
    let window = options.window_ticks.max(1);
    let kinds: Vec<u8> = [
        (options.partitions, 0),
        (options.one_way, 1),
        (options.crashes, 2),
        (options.loss, 3),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, kind)| kind)
    .collect();
    let mut plan: Vec<(Time, Fault)> = Vec::new();
    if kinds.is_empty() || nodes < 2 {
        return plan;
    }
    let node = |rng: &mut SimRng| NodeId(rng.between(1, u64::from(nodes)) as u16);
    let count = rng.between(1, u64::from(options.faults_max.max(1)));
    let mut crashed = Vec::new();
    for _ in 0..count {
        let at = rng.below(window);
        match kinds[rng.below(kinds.len() as u64) as usize] {
            0 => {
                let mut order: Vec<NodeId> = (1..=nodes).map(NodeId).collect();
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.below(i as u64 + 1) as usize);
                }
                let split = rng.between(1, u64::from(nodes) - 1) as usize;
                let (a, b) = order.split_at(split);
                let (mut a, mut b) = (a.to_vec(), b.to_vec());
                crate::handwritten::sort::stable(&mut a);
                crate::handwritten::sort::stable(&mut b);
                plan.push((at, Fault::Partition(vec![a, b])));
            }
            1 => {
                let from = node(&mut rng);
                let mut to = node(&mut rng);
                if to == from {
                    to = NodeId(from.0 % nodes + 1);
                }
                plan.push((at, Fault::OneWay { from, to }));
            }
            2 => {
                let victim = node(&mut rng);
                plan.push((at, Fault::Crash(victim)));
                let back = at.saturating_add(rng.between(1, window));
                if back < window {
                    plan.push((back, Fault::Restart(victim)));
                }
                crashed.push(victim);
            }
            _ => {
                let p = rng.between(1, u64::from(options.drop_per_million_max.max(1)));
                plan.push((at, Fault::SetDrop(p as u32)));
            }
        }
    }
    plan.push((window, Fault::Heal));
    if options.loss {
        plan.push((window, Fault::SetDrop(0)));
    }
    crate::handwritten::sort::stable(&mut crashed);
    crashed.dedup();
    plan.extend(crashed.into_iter().map(|n| (window, Fault::Restart(n))));
    crate::handwritten::sort::stable_by_key(&mut plan, |(at, _)| *at);
    plan
}

#[cfg(test)]
mod tests {
    use super::{random_faults, FaultOptions};
    use crate::sim::network::Fault;

    #[test]
    fn a_schedule_depends_on_the_seed_only_and_ends_healed() {
        let options = FaultOptions::default();
        for seed in 0..200 {
            let plan = random_faults(5, seed, &options);
            assert_eq!(plan, random_faults(5, seed, &options));
            assert!(plan.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
            assert!(plan.contains(&(options.window_ticks, Fault::Heal)));
            for (_, fault) in &plan {
                if let Fault::Crash(node) = fault {
                    let restarted = (options.window_ticks, Fault::Restart(*node));
                    assert!(plan.contains(&restarted), "seed {seed}: {node} stays down");
                }
            }
        }
        assert_ne!(random_faults(5, 1, &options), random_faults(5, 2, &options));
    }
}

//! The simulator benchmark's two cases (`crates/core/benches/steady_load`),
//! the explorer benchmark's two searches (`crates/core/benches/two_puts`)
//! and the explorer's teaching cases (`scenarios/explore/`, with the CLI's
//! options of the README's teaching row), run the same way natively and
//! compiled to WebAssembly, so that their throughputs and times compare. A simulator run builds the cluster untimed, times
//! only `Cluster::run`, and drops the cluster untimed; a search builds its
//! explorer untimed and times `Explorer::run_to_end` to its bound of
//! distinct states; as the criterion benches do.
//!
//! [`measure`] is the one loop: in the browser (`run.mjs`, driven by
//! `./dev wasm-bench`) it times each run with `performance.now()`, natively
//! (`src/main.rs`) with `Instant`. Each case gets [`Runs::BENCH`]: 3 runs
//! to warm up, then 20 timed ones (about 1.5 M deliveries, or 1 M distinct
//! states; a teaching case searches its whole space, or to its first
//! counterexample). `tests/smoke.rs` runs each case once ([`Runs::SMOKE`],
//! every search cut at 2,000 states) in Chromium and natively and holds both to the
//! same work (deliveries; a search's transitions), so `./dev test` keeps the
//! bench working without timing anything.
//!
//! ## CAVEATS
//!
//! - The page's module is not passed through `wasm-opt` (the app's is, at
//!   `-Oz`); the figures are the compiler's code for each profile.
//! - `performance.now()` is coarsened by the browser (to 100 µs or more without
//!   cross-origin isolation); a run takes about 15 ms, so that is under 1%.
//!   A case smaller than `CALL_COUNT_MIN` (the two stale-write teaching
//!   searches) runs several times in one timed call, and its figures are
//!   one run's share of the call; its first run, before the warm-up, only
//!   counts its work.
//! - The searches run on the page's main thread here; the playground runs
//!   them in a Web Worker built with the `web` profile, which is the same
//!   code on another thread.

use wildling_core::causality::CausalityMode;
use wildling_core::cluster::Cluster;
use wildling_core::explore::{ExploreOptions, Explorer, Property};
use wildling_core::scenario::Scenario;
use wildling_core::sim::network::Fault;
use wildling_core::NodeId;

#[path = "../../core/benches/steady_load/mod.rs"]
mod steady_load;

#[path = "../../core/benches/two_puts/mod.rs"]
mod two_puts;

/// How many times each case runs.
#[derive(Clone, Copy, Debug)]
pub struct Runs {
    /// Runs before timing starts (JIT tiers, allocator growth).
    pub warmup: usize,
    /// Timed runs.
    pub timed: usize,
    /// The distinct states every search stops at, or `None` for each
    /// search's own bound.
    pub states: Option<usize>,
}

impl Runs {
    /// The benchmark: enough runs for a stable median at about 15 ms a
    /// simulator run, the searches as large as the native bench's.
    pub const BENCH: Runs = Runs {
        warmup: 3,
        timed: 20,
        states: None,
    };
    /// The test command's smoke run: each case once, small searches.
    pub const SMOKE: Runs = Runs {
        warmup: 0,
        timed: 1,
        states: Some(2_000),
    };
}

/// The app's allocator on the web.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A case: a simulator run or a search.
enum Case {
    /// A steady-load cluster, run to its end.
    Sim(Scenario),
    /// A search, to its own bound of distinct states.
    Explore(Scenario, ExploreOptions),
}

/// What one run of a case did.
struct Done {
    /// The work the rate counts (deliveries, or distinct states).
    count: u64,
    /// The same on every platform, or the run differs: deliveries, or a
    /// search's transitions.
    witness: u64,
    /// Seconds the timed call took.
    seconds: f64,
}

/// The least work one timed call holds: a case smaller than this runs
/// several times in one call. The stale write under LWW stops at its 55th
/// distinct state in about 0.1 ms, which `performance.now()`'s steps of
/// 100 µs or more, and even `Instant` on this machine, could read as 0 s
/// (a rate of infinity, which is not JSON).
const CALL_COUNT_MIN: u64 = 5_000;

/// Runs `case` `repeats` times in one timed call: builds each copy
/// (untimed), runs them to their ends timed by `timed`, which returns the
/// seconds the call took, and drops them (untimed). The figures are one
/// run's: its work, and the call's seconds over `repeats`.
fn run_case(
    case: &Case,
    runs: Runs,
    repeats: u64,
    timed: &mut impl FnMut(&mut dyn FnMut()) -> f64,
) -> Done {
    let copies = 0..repeats;
    match case {
        Case::Sim(scenario) => {
            let mut clusters: Vec<Cluster> = copies
                .map(|_| {
                    Cluster::new(scenario, steady_load::throughput_options())
                        .expect("the bench scenario is valid")
                })
                .collect();
            let seconds = timed(&mut || clusters.iter_mut().for_each(Cluster::run));
            let delivered = clusters[0].sim().stats().delivered;
            Done {
                count: delivered,
                witness: delivered,
                seconds: seconds / repeats as f64,
            }
        }
        Case::Explore(scenario, options) => {
            let mut options = options.clone();
            options.states_max = runs.states.unwrap_or(options.states_max);
            let mut explorers: Vec<Explorer> = copies
                .map(|_| {
                    Explorer::new(scenario, options.clone()).expect("the bench scenario is valid")
                })
                .collect();
            let seconds = timed(&mut || explorers.iter_mut().for_each(Explorer::run_to_end));
            let progress = explorers[0].progress();
            Done {
                count: progress.distinct_states,
                witness: progress.states_explored,
                seconds: seconds / repeats as f64,
            }
        }
    }
}

/// A teaching case's scenario, from `scenarios/explore/`, in `mode`.
fn teaching(json: &str, mode: CausalityMode) -> Scenario {
    let mut scenario = Scenario::from_json(json).expect("the teaching case is valid");
    scenario.cluster.mode = mode;
    scenario
}

/// Every case, named as its criterion bench names it (the teaching cases
/// after their files, mode and property, as the README's teaching row
/// runs them with the CLI).
fn cases() -> Vec<(&'static str, &'static str, Case)> {
    const STALE_WRITE: &str = include_str!("../../../scenarios/explore/stale-write-lww.json");
    const AFTER_A_READ: &str =
        include_str!("../../../scenarios/explore/stale-write-server-vv.json");
    const PARTITION: &str = include_str!("../../../scenarios/explore/partition-siblings.json");
    let no_lost_write = ExploreOptions {
        properties: vec![Property::NoLostWrite],
        ..ExploreOptions::default()
    };
    let mut partition = teaching(PARTITION, CausalityMode::DvvSet);
    partition.cluster.mechanisms.hinted_handoff = false;
    partition.cluster.mechanisms.anti_entropy = false;
    let crash = ExploreOptions {
        faults: vec![Fault::Crash(NodeId(3))],
        faults_max: 1,
        properties: vec![Property::Convergence],
        ..ExploreOptions::default()
    };
    let sims = steady_load::cases()
        .into_iter()
        .map(|(name, scenario)| (name, "deliveries", Case::Sim(scenario)));
    let searches = [
        ("distinct_states_3_nodes_2_clients", true),
        ("distinct_states_3_nodes_2_clients_no_reduction", false),
    ]
    .map(|(name, reduction)| {
        let case = Case::Explore(
            two_puts::scenario(),
            two_puts::options(two_puts::STATES, reduction),
        );
        (name, "distinct states", case)
    });
    let teaching_cases = [
        (
            "teaching_stale_write_lww",
            teaching(STALE_WRITE, CausalityMode::Lww),
            no_lost_write.clone(),
        ),
        (
            "teaching_stale_write_dvvset",
            teaching(STALE_WRITE, CausalityMode::DvvSet),
            no_lost_write.clone(),
        ),
        (
            "teaching_after_a_read_server_vv",
            teaching(AFTER_A_READ, CausalityMode::ServerVvSeparate),
            no_lost_write.clone(),
        ),
        (
            "teaching_after_a_read_dvvset",
            teaching(AFTER_A_READ, CausalityMode::DvvSet),
            no_lost_write,
        ),
        ("teaching_partition_siblings_crash", partition, crash),
    ]
    .map(|(name, scenario, options)| (name, "distinct states", Case::Explore(scenario, options)));
    sims.chain(searches).chain(teaching_cases).collect()
}

/// The figures of one case: its work per run, and its rate in every timed
/// run.
pub struct Figures {
    /// The case's bench name.
    pub name: String,
    /// What the rate counts: "deliveries" or "distinct states".
    pub unit: &'static str,
    /// The work of one run (the same every run: the simulator is
    /// deterministic).
    pub count: u64,
    /// Deliveries, or a search's transitions: equal on every platform.
    pub witness: u64,
    /// Work per second, one per timed run, sorted.
    pub rates: Vec<f64>,
}

impl Figures {
    /// The median rate.
    pub fn median(&self) -> f64 {
        self.rates[self.rates.len() / 2]
    }

    /// The best rate.
    pub fn best(&self) -> f64 {
        self.rates[self.rates.len() - 1]
    }
}

/// Measures every case `runs` times, with `timed` timing one call of the
/// closure it is given and returning its seconds.
pub fn measure(runs: Runs, mut timed: impl FnMut(&mut dyn FnMut()) -> f64) -> Vec<Figures> {
    assert!(runs.timed > 0, "a measure needs at least one timed run");
    cases()
        .into_iter()
        .map(|(name, unit, case)| {
            let mut rates = Vec::with_capacity(runs.timed);
            // One run, untimed in effect, tells how many make a call.
            let probe = run_case(&case, runs, 1, &mut timed);
            let repeats = CALL_COUNT_MIN.div_ceil(probe.count.max(1)).max(1);
            let (mut count, mut witness) = (0, 0);
            for n in 0..runs.warmup + runs.timed {
                let done = run_case(&case, runs, repeats, &mut timed);
                (count, witness) = (done.count, done.witness);
                if n >= runs.warmup {
                    rates.push(done.count as f64 / done.seconds);
                }
            }
            rates.sort_by(f64::total_cmp);
            Figures {
                name: name.to_string(),
                unit,
                count,
                witness,
                rates,
            }
        })
        .collect()
}

/// The figures as JSON lines, one object per case.
pub fn report(figures: &[Figures]) -> String {
    figures
        .iter()
        .map(|f| {
            format!(
                "{{\"case\":\"{}\",\"unit\":\"{}\",\"count\":{},\"witness\":{},\"runs\":{},\"median\":{:.0},\"best\":{:.0},\"seconds\":{:.4}}}\n",
                f.name,
                f.unit,
                f.count,
                f.witness,
                f.rates.len(),
                f.median(),
                f.best(),
                f.count as f64 / f.median()
            )
        })
        .collect()
}

#[cfg(target_arch = "wasm32")]
pub mod web {
    use wasm_bindgen::prelude::wasm_bindgen;

    use super::{Figures, Runs};

    #[wasm_bindgen]
    extern "C" {
        /// `performance.now()`: milliseconds, as precise as the page allows.
        #[wasm_bindgen(js_namespace = performance)]
        fn now() -> f64;
    }

    /// Measures every case `runs` times in the page, timed with
    /// `performance.now()`.
    pub fn measure_in_page_with(runs: Runs) -> Vec<Figures> {
        super::measure(runs, |f| {
            let start = now();
            f();
            (now() - start) / 1000.0
        })
    }

    /// The benchmark in the page ([`Runs::BENCH`]): [`report`](super::report)'s
    /// JSON lines.
    #[wasm_bindgen]
    pub fn measure_in_page() -> String {
        super::report(&measure_in_page_with(Runs::BENCH))
    }
}

//! The simulator benchmark's two cases (`crates/core/benches/steady_load`),
//! run the same way natively and compiled to WebAssembly, so that their
//! throughputs compare: each run builds the cluster untimed, times only
//! `Cluster::run`, and drops the cluster untimed, as the criterion bench
//! does.
//!
//! [`measure`] is the one loop: in the browser (`run.mjs`, driven by
//! `./dev wasm-bench`) it times each run with `performance.now()`, natively
//! (`src/main.rs`) with `Instant`. Each case gets [`Runs::BENCH`]: 3 runs
//! to warm up, then 20 timed ones, about 1.5 M deliveries. `tests/smoke.rs`
//! runs each case once ([`Runs::SMOKE`]) in Chromium and natively and holds
//! both to the same deliveries, so `./dev test` keeps the bench working
//! without timing anything.
//!
//! ## CAVEATS
//!
//! - The page's module is not passed through `wasm-opt` (the app's is, at
//!   `-Oz`); the figures are the compiler's code for each profile.
//! - `performance.now()` is coarsened by the browser (to 100 µs or more without
//!   cross-origin isolation); a run takes about 15 ms, so that is under 1%.

use wildling_core::cluster::Cluster;
use wildling_core::scenario::Scenario;

#[path = "../../core/benches/steady_load/mod.rs"]
mod steady_load;

/// How many times each case runs.
#[derive(Clone, Copy, Debug)]
pub struct Runs {
    /// Runs before timing starts (JIT tiers, allocator growth).
    pub warmup: usize,
    /// Timed runs.
    pub timed: usize,
}

impl Runs {
    /// The benchmark: enough runs for a stable median at about 15 ms a run.
    pub const BENCH: Runs = Runs {
        warmup: 3,
        timed: 20,
    };
    /// The test command's smoke run: each case once.
    pub const SMOKE: Runs = Runs {
        warmup: 0,
        timed: 1,
    };
}

/// The app's allocator on the web.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Runs case `case`: builds its cluster (untimed), runs it to its end
/// timed by `timed`, which returns the seconds the call took, and drops it
/// (untimed). Returns the deliveries and the seconds.
fn run_case(case: &Scenario, timed: &mut impl FnMut(&mut dyn FnMut()) -> f64) -> (u64, f64) {
    let mut cluster =
        Cluster::new(case, steady_load::throughput_options()).expect("the bench scenario is valid");
    let seconds = timed(&mut || cluster.run());
    (cluster.sim().stats().delivered, seconds)
}

/// The figures of one case: deliveries per run, and deliveries per second
/// of every timed run.
pub struct Figures {
    /// The case's bench name.
    pub name: String,
    /// Deliveries of one run (the same every run: the simulator is
    /// deterministic).
    pub deliveries: u64,
    /// Deliveries per second, one per timed run, sorted.
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
    steady_load::cases()
        .into_iter()
        .map(|(name, case)| {
            let mut rates = Vec::with_capacity(runs.timed);
            let mut deliveries = 0;
            for n in 0..runs.warmup + runs.timed {
                let (delivered, seconds) = run_case(&case, &mut timed);
                deliveries = delivered;
                if n >= runs.warmup {
                    rates.push(delivered as f64 / seconds);
                }
            }
            rates.sort_by(f64::total_cmp);
            Figures {
                name: name.to_string(),
                deliveries,
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
                "{{\"case\":\"{}\",\"deliveries\":{},\"runs\":{},\"median\":{:.0},\"best\":{:.0}}}\n",
                f.name,
                f.deliveries,
                f.rates.len(),
                f.median(),
                f.best()
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

//! The test command's check that the simulator benchmark still runs, in
//! Chromium (wasm32) and natively: each case once, timed the way the bench
//! times it, delivering exactly the messages it delivers natively (the
//! simulator is deterministic, so any other count is a platform difference).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wildling_wasm_bench::{Figures, Runs};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// Each case's deliveries in one run, natively (the README's simulator rows).
const DELIVERIES: [(&str, u64); 2] = [
    ("deliveries_5_nodes_steady_put_get", 79_078),
    ("deliveries_5_nodes_steady_put_get_basic_path", 64_010),
];

#[cfg(target_arch = "wasm32")]
fn smoke_run() -> Vec<Figures> {
    wildling_wasm_bench::web::measure_in_page_with(Runs::SMOKE)
}

#[cfg(not(target_arch = "wasm32"))]
fn smoke_run() -> Vec<Figures> {
    wildling_wasm_bench::measure(Runs::SMOKE, |f| {
        let start = std::time::Instant::now();
        f();
        start.elapsed().as_secs_f64()
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn each_case_runs_once_with_the_native_deliveries() {
    let figures = smoke_run();
    let seen: Vec<(&str, u64)> = figures
        .iter()
        .map(|f| (f.name.as_str(), f.deliveries))
        .collect();
    assert_eq!(seen, DELIVERIES);
    for f in &figures {
        assert_eq!(f.rates.len(), 1, "{}: one timed run", f.name);
        assert!(
            f.median().is_finite() && f.median() > 0.0,
            "{}: a rate of {} deliveries/s",
            f.name,
            f.median()
        );
        let line = wildling_wasm_bench::report(std::slice::from_ref(f));
        assert!(
            line.starts_with(&format!(
                "{{\"case\":\"{}\",\"deliveries\":{},\"runs\":1,",
                f.name, f.deliveries
            )),
            "{line}"
        );
    }
}

//! The test command's check that the simulator and explorer benchmarks still
//! run, in Chromium (wasm32) and natively: each case once (the searches to
//! 2,000 distinct states), timed the way the bench times it, delivering
//! exactly the messages, and making exactly the transitions, it does
//! natively (the simulator is deterministic, so any other count is a
//! platform difference).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wildling_wasm_bench::{Figures, Runs};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// Each case's work in one smoke run, natively: its unit, its count, and
/// its witness (the README's simulator rows; a search's transitions, cut at
/// 2,000 distinct states; the stale write under LWW breaks at 55 since
/// no-lost-write is checked at every state (session 10; 401 with the
/// end-state verdict alone), and under DVVSet its whole space is 234 with
/// times relative to the clock, as the README's teaching row). The teaching cases explore with times
/// relative (8656d73), so they count classes of states; the two bench
/// searches keep absolute times, the space of every earlier figure.
const WORK: [(&str, &str, u64, u64); 9] = [
    (
        "deliveries_5_nodes_steady_put_get",
        "deliveries",
        79_078,
        79_078,
    ),
    (
        "deliveries_5_nodes_steady_put_get_basic_path",
        "deliveries",
        64_010,
        64_010,
    ),
    (
        "distinct_states_3_nodes_2_clients",
        "distinct states",
        2_000,
        2_271,
    ),
    (
        "distinct_states_3_nodes_2_clients_no_reduction",
        "distinct states",
        2_000,
        2_388,
    ),
    ("teaching_stale_write_lww", "distinct states", 55, 56),
    ("teaching_stale_write_dvvset", "distinct states", 234, 543),
    (
        "teaching_after_a_read_server_vv",
        "distinct states",
        2_000,
        4_159,
    ),
    (
        "teaching_after_a_read_dvvset",
        "distinct states",
        2_000,
        4_159,
    ),
    (
        "teaching_partition_siblings_crash",
        "distinct states",
        2_000,
        3_887,
    ),
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
fn each_case_runs_once_with_the_native_work() {
    let figures = smoke_run();
    let seen: Vec<(&str, &str, u64, u64)> = figures
        .iter()
        .map(|f| (f.name.as_str(), f.unit, f.count, f.witness))
        .collect();
    assert_eq!(seen, WORK);
    for f in &figures {
        assert_eq!(f.rates.len(), 1, "{}: one timed run", f.name);
        assert!(
            f.median().is_finite() && f.median() > 0.0,
            "{}: a rate of {} {}/s",
            f.name,
            f.median(),
            f.unit
        );
        let line = wildling_wasm_bench::report(std::slice::from_ref(f));
        assert!(
            line.starts_with(&format!(
                "{{\"case\":\"{}\",\"unit\":\"{}\",\"count\":{},\"witness\":{},\"runs\":1,",
                f.name, f.unit, f.count, f.witness
            )),
            "{line}"
        );
    }
}

//! The native side of `./dev wasm-bench`: the same loop as the page's,
//! timed with `Instant`, printed as one JSON object per case.

use std::time::Instant;

fn main() {
    let figures = wildling_wasm_bench::measure(wildling_wasm_bench::Runs::BENCH, |f| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    });
    print!("{}", wildling_wasm_bench::report(&figures));
}

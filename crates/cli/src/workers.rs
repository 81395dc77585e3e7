//! The worker model `sweep` and `experiment` share: numbered runs handed out
//! to threads one at a time, each thread keeping its own sums, with a
//! progress bar on stderr when it is a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Run `work(i, sums)` for every `i` in `0..total` on `jobs` threads; each
/// thread starts from `start()` and adds its runs to it. Returns every
/// thread's sums and the wall time. Runs are numbered from 0, so a number
/// never exceeds `total + jobs` and cannot wrap as a seed near 2^64 would.
pub fn run<S: Send>(
    total: u64,
    jobs: u16,
    unit: &str,
    start: impl Fn() -> S + Sync,
    work: impl Fn(u64, &mut S) + Sync,
) -> (Vec<S>, Duration) {
    let progress = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        progress.set_draw_target(ProgressDrawTarget::hidden());
    }
    progress.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {unit} {{per_sec}} eta {{eta}}"
        ))
        .expect("the template is valid"),
    );
    let next = AtomicU64::new(0);
    let done = Mutex::new(Vec::with_capacity(usize::from(jobs)));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut mine = start();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    work(i, &mut mine);
                    progress.inc(1);
                }
                done.lock()
                    .expect("no worker panics while holding the lock")
                    .push(mine);
            });
        }
    });
    progress.finish_and_clear();
    let elapsed = started.elapsed();
    (done.into_inner().expect("the workers are done"), elapsed)
}

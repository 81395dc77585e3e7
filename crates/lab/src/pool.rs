//! A pool of Web Workers running one experiment in chunks.
//!
//! An experiment is configurations × seeds runs ([`wildling_core::jobs`]'
//! `experiment-chunk`: runs numbered with configurations varying slowest).
//! The page knows the seeds it asked for but not the grid's size, so the
//! first request is an empty chunk (`[0, 0]`) to the first worker: its
//! reply holds one (empty) sum per configuration, which sizes the run.
//! Then every worker gets a chunk of [`chunk_runs`] runs, and another each
//! time it answers, so a faster worker takes more. Each chunk's sums are
//! kept as the worker sent them (JSON, unread: the main thread adds
//! nothing up); when the last chunk is in, one `experiment-report` request
//! hands them all to the first worker, which merges them and draws the
//! charts. A sum does not depend on the split, so neither does any number.
//!
//! [`Run`] is the bookkeeping, pure and tested natively; [`Pool`] holds
//! the [`Worker`] handles (one thread each, started on first use by
//! `worker.rs`) and posts what `Run` says. Cancelling terminates every
//! worker: their pending requests are forgotten, and the next run starts
//! fresh threads.
//!
//! CAVEATS
//! - Each chunk request carries the experiment again (a name, or a few KB
//!   of JSON), which the worker reads and validates again: small beside
//!   the runs.
//! - The pool starts at most [`MAX_WORKERS`] workers, however many cores
//!   the browser reports: each holds its own copy of the worker's wasm.
//! - The report is one request carrying every chunk's sums: at most
//!   `jobs::MAX_REPORT_CHUNKS` chunks (the chunk size grows to stay below).

use serde_json::{json, Value};

use wildling_web::worker::{Answer, Worker};

/// The most workers one pool starts.
pub const MAX_WORKERS: usize = 8;
/// Chunks per worker: enough for an even spread and a smooth progress bar.
const CHUNKS_PER_WORKER: u64 = 16;
/// The most runs in one chunk (a few seconds of work).
const CHUNK_RUNS_MAX: u64 = 5_000;
/// The most chunks a report merges (`wildling_core::jobs::MAX_REPORT_CHUNKS`).
pub const CHUNKS_MAX: u64 = 4_096;

/// Runs per chunk for `total` runs on `workers` workers.
pub fn chunk_runs(total: u64, workers: usize) -> u64 {
    let even = total / (workers.max(1) as u64 * CHUNKS_PER_WORKER);
    even.clamp(1, CHUNK_RUNS_MAX)
        .max(total.div_ceil(CHUNKS_MAX))
}

/// How many workers for `cores` reported cores.
pub fn workers_for(cores: f64) -> usize {
    if cores.is_finite() && cores >= 1.0 {
        (cores as usize).min(MAX_WORKERS)
    } else {
        2
    }
}

/// What the pool asks of a worker next.
#[derive(Clone, Debug, PartialEq)]
pub enum Ask {
    /// Worker `i` runs `[first, end)`.
    Chunk(usize, [u64; 2]),
    /// The first worker merges and draws every chunk's sums.
    Report(Vec<Value>),
}

/// One experiment's progress through the pool (pure bookkeeping).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The workers.
    pub workers: usize,
    /// Seeds per configuration.
    pub seeds: u64,
    /// Every run, once the first reply sized the grid.
    pub total: Option<u64>,
    /// The runs answered.
    pub done: u64,
    next: u64,
    chunk: u64,
    /// Each chunk's sums, as the workers sent them.
    sums: Vec<Value>,
}

impl Run {
    /// A run of `seeds` seeds per configuration on `workers` workers; the
    /// first ask is the sizing chunk.
    pub fn new(workers: usize, seeds: u64) -> (Run, Ask) {
        let run = Run {
            workers: workers.max(1),
            seeds,
            total: None,
            done: 0,
            next: 0,
            chunk: 1,
            sums: Vec::new(),
        };
        (run, Ask::Chunk(0, [0, 0]))
    }

    fn take(&mut self, worker: usize) -> Option<Ask> {
        let total = self.total?;
        (self.next < total).then(|| {
            let end = (self.next + self.chunk).min(total);
            let range = [self.next, end];
            self.next = end;
            Ask::Chunk(worker, range)
        })
    }

    /// Worker `worker` answered chunk `range` with `body` (`{"chunk":
    /// {...}}`): what to ask next. An error in words when the reply is
    /// not a chunk.
    pub fn answered(
        &mut self,
        worker: usize,
        range: [u64; 2],
        body: &Value,
    ) -> Result<Vec<Ask>, String> {
        let sums = body
            .get("chunk")
            .and_then(|c| c.get("sums"))
            .filter(|s| s.is_array())
            .ok_or("the worker answered a chunk with something else")?;
        if self.total.is_none() {
            let configurations = sums.as_array().map_or(0, Vec::len) as u64;
            let total = configurations.saturating_mul(self.seeds);
            self.total = Some(total);
            self.chunk = chunk_runs(total, self.workers);
            let asks: Vec<Ask> = (0..self.workers).filter_map(|w| self.take(w)).collect();
            return Ok(if asks.is_empty() {
                vec![Ask::Report(Vec::new())]
            } else {
                asks
            });
        }
        self.done += range[1] - range[0];
        self.sums.push(sums.clone());
        if let Some(ask) = self.take(worker) {
            return Ok(vec![ask]);
        }
        Ok(if Some(self.done) == self.total {
            vec![Ask::Report(std::mem::take(&mut self.sums))]
        } else {
            Vec::new()
        })
    }

    /// The share of runs answered, 0 to 1.
    pub fn fraction(&self) -> f64 {
        match self.total {
            Some(total) if total > 0 => self.done as f64 / total as f64,
            _ => 0.0,
        }
    }

    /// Seconds left at the pace so far, after `elapsed_s` seconds.
    pub fn eta_s(&self, elapsed_s: f64) -> Option<f64> {
        let f = self.fraction();
        (f > 0.0 && f < 1.0).then(|| elapsed_s * (1.0 - f) / f)
    }
}

/// What the pool tells the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum PoolMsg {
    /// Worker `worker` answered chunk `range` (for run `generation`).
    Chunk {
        /// The run this belongs to.
        generation: u64,
        /// The worker.
        worker: usize,
        /// The runs asked.
        range: [u64; 2],
        /// The reply.
        answer: Answer,
    },
    /// The report's reply (for run `generation`).
    Report {
        /// The run this belongs to.
        generation: u64,
        /// The reply.
        answer: Answer,
    },
}

/// The workers and the experiment they run.
pub struct Pool {
    workers: Vec<Worker>,
    /// The experiment as the jobs name it (a built-in over seeds).
    pub experiment: Value,
    generation: u64,
}

impl Pool {
    /// `n` worker handles (no thread starts before the first ask).
    pub fn new(n: usize) -> Pool {
        Pool {
            workers: (0..n.clamp(1, MAX_WORKERS))
                .map(|_| Worker::new())
                .collect(),
            experiment: Value::Null,
            generation: 0,
        }
    }

    /// How many workers.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// Start `experiment` over `seeds` seeds; replies come to `on`.
    pub fn start(
        &mut self,
        experiment: Value,
        seeds: u64,
        on: &yew::Callback<PoolMsg>,
    ) -> (Run, u64) {
        self.cancel();
        self.experiment = experiment;
        let (run, first) = Run::new(self.size(), seeds);
        self.post(first, on);
        (run, self.generation)
    }

    /// Post `ask`; its answer comes to `on`.
    pub fn post(&self, ask: Ask, on: &yew::Callback<PoolMsg>) {
        let generation = self.generation;
        let on = on.clone();
        match ask {
            Ask::Chunk(worker, range) => {
                let job =
                    json!({"experiment-chunk": {"experiment": self.experiment, "runs": range}});
                self.workers[worker].ask(&job, move |answer| {
                    on.emit(PoolMsg::Chunk {
                        generation,
                        worker,
                        range,
                        answer,
                    })
                });
            }
            Ask::Report(sums) => {
                let job =
                    json!({"experiment-report": {"experiment": self.experiment, "sums": sums}});
                self.workers[0].ask(&job, move |answer| {
                    on.emit(PoolMsg::Report { generation, answer })
                });
            }
        }
    }

    /// Whether `generation` is the current run's.
    pub fn current(&self, generation: u64) -> bool {
        generation == self.generation
    }

    /// Ask the first worker for the scenario seed `seed` of configuration
    /// `configuration` ran; `done` hears the reply.
    pub fn open_seed(&self, configuration: usize, seed: u64, done: impl FnMut(Answer) + 'static) {
        let job = json!({"experiment-seed": {
            "experiment": self.experiment, "configuration": configuration, "seed": seed}});
        self.workers[0].ask(&job, done);
    }

    /// Stop the run: terminate every worker (the next ask restarts them).
    pub fn cancel(&mut self) {
        self.generation += 1;
        for w in &self.workers {
            w.cancel();
        }
    }

    /// After a report: stop every worker but the first (kept for seeds).
    pub fn rest(&self) {
        for w in &self.workers[1..] {
            w.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(configurations: usize) -> Value {
        json!({"chunk": {"runs": [0, 0], "sums": vec![json!({"runs": 0}); configurations]}})
    }

    #[test]
    fn the_first_reply_sizes_the_run_and_every_worker_gets_a_chunk() {
        let (mut run, first) = Run::new(2, 1000);
        assert_eq!(first, Ask::Chunk(0, [0, 0]));
        assert_eq!(run.fraction(), 0.0);
        let asks = run.answered(0, [0, 0], &chunk(1)).expect("a chunk");
        assert_eq!(run.total, Some(1000));
        assert_eq!(asks, vec![Ask::Chunk(0, [0, 31]), Ask::Chunk(1, [31, 62])]);
        // Each answer feeds its worker until the runs are handed out, and
        // the last answer asks for the report with every chunk's sums.
        let mut pending: Vec<(usize, [u64; 2])> = vec![(0, [0, 31]), (1, [31, 62])];
        let mut report = None;
        let mut answers = 0;
        while let Some((w, range)) = pending.pop() {
            answers += 1;
            for ask in run.answered(w, range, &chunk(1)).expect("a chunk") {
                match ask {
                    Ask::Chunk(w, r) => pending.insert(0, (w, r)),
                    Ask::Report(sums) => report = Some(sums),
                }
            }
            if report.is_none() {
                let eta = run.eta_s(2.0).expect("under way");
                assert!(eta >= 0.0);
            }
        }
        assert_eq!(run.done, 1000);
        assert_eq!(run.fraction(), 1.0);
        assert_eq!(report.map(|r| r.len()), Some(answers));
        assert_eq!(answers, 1000usize.div_ceil(31));
    }

    #[test]
    fn chunks_stay_within_the_reports_bound() {
        assert_eq!(chunk_runs(10, 4), 1);
        assert_eq!(chunk_runs(1_000, 2), 31);
        assert_eq!(chunk_runs(10_000_000, 1), CHUNK_RUNS_MAX);
        assert!(10_000_000u64.div_ceil(chunk_runs(10_000_000, 8)) <= CHUNKS_MAX);
        assert_eq!(workers_for(f64::NAN), 2);
        assert_eq!(workers_for(0.0), 2);
        assert_eq!(workers_for(4.0), 4);
        assert_eq!(workers_for(64.0), MAX_WORKERS);
        assert_eq!(CHUNKS_MAX, wildling_core::jobs::MAX_REPORT_CHUNKS as u64);
    }

    #[test]
    fn a_reply_that_is_not_a_chunk_is_an_error() {
        let (mut run, _) = Run::new(1, 5);
        assert!(run.answered(0, [0, 0], &json!({"scenario": {}})).is_err());
        // An empty grid reports at once.
        let (mut run, _) = Run::new(1, 5);
        assert_eq!(
            run.answered(0, [0, 0], &chunk(0)).expect("a chunk"),
            vec![Ask::Report(Vec::new())]
        );
    }
}

//! # wildling-server: `wildling serve`
//!
//! The simulated Dynamo cluster of a scenario, behind a Riak-style HTTP
//! API, so that curl, httpie or any HTTP client can read and write through
//! the same nodes the playground shows, and watch the same causality at
//! work: a PUT without a context makes a sibling, a GET answers 300 with
//! every sibling and the context that covers them, and a PUT with that
//! context resolves them.
//!
//! # Design
//!
//! The core stays what it is: pure, deterministic, one thread, no clock.
//! This crate is its I/O shell, in two halves joined by a bounded channel:
//!
//! - [`api`]: axum handlers on tokio. Each validates its request with the
//!   scenario format's own checks, so that a bad request reads like a bad
//!   scenario file, and turns it into a [`engine::Request`].
//! - [`engine`]: the cluster loop, one plain thread that owns the
//!   [`wildling_core::cluster::Cluster`], reads the wall clock, schedules
//!   each request as a client operation at the current virtual time, runs
//!   the simulator, and answers each handler with its operation's outcome.
//! - [`data`]: `--data DIR`, each node's store and hints in redb, written
//!   after each batch of events, before the answers go out.
//! - [`record`]: `--record FILE`, the run as a playground session file that
//!   replays to the same trace hash.
//!
//! A request is a timeline entry added while the cluster runs, exactly as a
//! click in the playground is; the loop keeps them all as a
//! [`wildling_core::share::Session`], the playground's session format.
//!
//! Everything is bounded: the channel ([`ServeOptions::queue_max`]; a full
//! queue answers 503 with `Retry-After`), the operations waiting at once,
//! the bodies ([`wildling_core::scenario::MAX_TEXT_BYTES`] for a value, 413
//! beyond), the `/events` listeners ([`api::LISTENERS_MAX`]), and the
//! memory of a long run (no history; the trace is its hash, and lines are
//! kept only while someone listens).
//!
//! # CAVEATS
//!
//! - One thread runs the cluster: throughput is one core's worth of
//!   simulation, however many cores serve HTTP.
//! - Latency is virtual: with the default `--tick-ms 1` a request takes as
//!   many milliseconds as the ticks its messages travel, plus the loop's
//!   own work; with `--tick-ms 0` it takes only the work.
//! - There is no DELETE (the model has no tombstones): 405 says so.
//! - Requests without `node` go to n1, and without `client` come from c1,
//!   so that a curl session is predictable; a load spread over nodes names
//!   them.

pub mod api;
pub mod client;
pub mod data;
pub mod engine;
pub mod metrics;
pub mod record;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};
use wildling_core::scenario::Scenario;

use crate::engine::{Engine, Report, Request};

/// The scenario `wildling serve` runs when none is given: five nodes,
/// N = 3, R = W = 2, DVVSet, every mechanism on, four clients, nothing
/// scheduled.
pub const DEFAULT_SCENARIO: &str = r#"{
  "version": 1,
  "name": "serve",
  "description": "The cluster `wildling serve` runs by default: five nodes, N=3, R=2, W=2, DVVSet, every mechanism on, four clients.",
  "seed": 1,
  "cluster": { "nodes": 5, "partitions": 16, "n": 3, "r": 2, "w": 2, "mode": "dvvset", "clients": 4 },
  "network": { "latency_ticks_min": 1, "latency_ticks_max": 3 },
  "timeline": []
}"#;

/// The fewest clients a served cluster has, so that `client=2` works on
/// any scenario.
pub const CLIENTS_MIN: u16 = 4;

/// How `wildling serve` runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Wall-clock milliseconds per virtual tick; 0 runs as fast as the
    /// cluster can go.
    pub tick_ms: u64,
    /// The most requests waiting for the cluster loop; more get 503.
    pub queue_max: usize,
    /// Where the nodes' data is kept, if anywhere ([`data`]).
    pub data: Option<PathBuf>,
    /// Where the run is recorded as a session file, if anywhere ([`record`]).
    pub record: Option<PathBuf>,
    /// A switch that makes every write to `data` fail, for the tests
    /// ([`data::WriteFault`]); off unless set.
    pub write_fault: data::WriteFault,
    /// The most events the cluster runs before it stops and refuses every
    /// operation with 503; `u64::MAX` (the default) for no limit
    /// ([`engine`]'s "The budget": a server has no history to bound).
    pub events_max: u64,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 8098)),
            tick_ms: 1,
            queue_max: 4096,
            data: None,
            record: None,
            write_fault: data::WriteFault::default(),
            events_max: u64::MAX,
        }
    }
}

/// Why the server could not start or stopped badly.
#[derive(Debug)]
pub enum ServeError {
    /// The scenario cannot run.
    Scenario(String),
    /// The address cannot be listened on.
    Listen(std::io::Error),
    /// The data directory or the record cannot be used.
    Data(String),
    /// The cluster loop panicked (a bug).
    Engine(String),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Scenario(e) => write!(f, "the scenario cannot run: {e}"),
            ServeError::Listen(e) => write!(f, "cannot listen: {e}"),
            ServeError::Data(e) => f.write_str(e),
            ServeError::Engine(e) => write!(f, "the cluster loop failed: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    http: tokio::task::JoinHandle<std::io::Result<()>>,
    requests: std::sync::mpsc::SyncSender<Request>,
    engine: std::thread::JoinHandle<Option<Report>>,
}

impl Server {
    /// Start serving `scenario` (given at least [`CLIENTS_MIN`] clients).
    pub async fn start(scenario: &Scenario, options: &ServeOptions) -> Result<Server, ServeError> {
        let mut scenario = scenario.clone();
        if scenario.client_count() < CLIENTS_MIN {
            scenario.cluster.clients = CLIENTS_MIN;
        }
        scenario
            .validate()
            .map_err(|e| ServeError::Scenario(e.to_string()))?;
        let listener = TcpListener::bind(options.addr)
            .await
            .map_err(ServeError::Listen)?;
        let addr = listener.local_addr().map_err(ServeError::Listen)?;
        let (events, _) = broadcast::channel(1024);
        let waiting_max = options.queue_max.max(1);
        let disk = match &options.data {
            Some(dir) => Some(
                data::Disk::open(dir, &scenario, options.write_fault.clone())
                    .map_err(ServeError::Data)?,
            ),
            None => None,
        };
        let (requests, queue) = std::sync::mpsc::sync_channel(options.queue_max.max(1));
        // The cluster is not `Send` (it shares clocks through `Rc`): it is
        // built on the thread that runs it, which says whether it could.
        let (built, ready) = std::sync::mpsc::channel();
        let (tick_ms, record, events_max) =
            (options.tick_ms, options.record.clone(), options.events_max);
        let (loop_scenario, loop_events) = (scenario.clone(), events.clone());
        let engine = std::thread::Builder::new()
            .name("cluster".into())
            .spawn(move || {
                let engine = Engine::new(
                    &loop_scenario,
                    tick_ms,
                    waiting_max,
                    events_max,
                    disk,
                    record.as_deref(),
                    loop_events,
                );
                match engine {
                    Ok(engine) => {
                        let _ = built.send(Ok(()));
                        Some(engine.run(queue))
                    }
                    Err(e) => {
                        let _ = built.send(Err(e));
                        None
                    }
                }
            })
            .map_err(|e| ServeError::Engine(e.to_string()))?;
        let ready = tokio::task::spawn_blocking(move || ready.recv())
            .await
            .map_err(|e| ServeError::Engine(e.to_string()))?;
        match ready {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(ServeError::Data(e)),
            Err(_) => return Err(ServeError::Engine("the cluster loop did not start".into())),
        }
        let (stop, stopping) = watch::channel(false);
        let app = api::App {
            requests: requests.clone(),
            config: Arc::new(scenario.cluster.clone()),
            clients: scenario.client_count(),
            metrics: Arc::default(),
            events,
            stopping: stopping.clone(),
        };
        let router = api::router(app);
        let mut shutdown = stopping;
        let http = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = shutdown.wait_for(|stop| *stop).await;
                })
                .await
        });
        Ok(Server {
            addr,
            stop,
            http,
            requests,
            engine,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop gracefully: stop accepting, answer the requests in flight,
    /// end `/events` streams, then stop the cluster loop.
    pub async fn stop(self) -> Result<Report, ServeError> {
        let _ = self.stop.send(true);
        let served = self.http.await;
        let requests = self.requests;
        let engine = self.engine;
        let report = tokio::task::spawn_blocking(move || {
            // The loop may be asleep; the request wakes it.
            let _ = requests.send(Request::Stop);
            engine.join()
        })
        .await
        .map_err(|e| ServeError::Engine(e.to_string()))?
        .map_err(|_| ServeError::Engine("the cluster loop panicked".into()))?
        .ok_or_else(|| ServeError::Engine("the cluster loop never started".into()))?;
        match served {
            Ok(Ok(())) => Ok(report),
            Ok(Err(e)) => Err(ServeError::Listen(e)),
            Err(e) => Err(ServeError::Engine(e.to_string())),
        }
    }
}

//! A load generator for `wildling serve`: keep-alive connections, each a
//! loop of read-modify-write (GET a key, PUT it back with the `last-get`
//! context), spread over the nodes and the clients; then requests per
//! second and latency percentiles.
//!
//! ```text
//! cargo run --release -p wildling-server --example load -- [--connections 64] [--seconds 10] [--keys 10000] [--addr HOST:PORT]
//! ```
//!
//! Without `--addr` it starts a server in this process with `--tick-ms 0`
//! (virtual time as fast as the cluster can go) on the default scenario.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use wildling_core::scenario::Scenario;
use wildling_server::client::Connection;
use wildling_server::{ServeOptions, Server, DEFAULT_SCENARIO};

struct Options {
    connections: usize,
    seconds: u64,
    keys: u64,
    addr: Option<SocketAddr>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        connections: 64,
        seconds: 10,
        keys: 10_000,
        addr: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--connections" => options.connections = value.parse().map_err(|e| bad(&e))?,
            "--seconds" => options.seconds = value.parse().map_err(|e| bad(&e))?,
            "--keys" => options.keys = value.parse().map_err(|e| bad(&e))?,
            "--addr" => options.addr = Some(value.parse().map_err(|e| bad(&e))?),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if options.connections == 0 || options.keys == 0 {
        return Err("--connections and --keys must be at least 1".into());
    }
    Ok(options)
}

/// What one connection did: each request's latency in microseconds, and
/// the answers that were not a success.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    failures: Vec<u16>,
    broken: usize,
}

/// A small deterministic generator (SplitMix64), one per connection.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

async fn connection(addr: SocketAddr, number: usize, keys: u64, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let Ok(mut c) = Connection::open(addr).await else {
        tally.broken += 1;
        return tally;
    };
    let mut seed = number as u64;
    let client = number % 4 + 1;
    let context = [("x-wildling-context", "last-get")];
    while Instant::now() < until {
        let key = next(&mut seed) % keys;
        let node = next(&mut seed) % 5 + 1;
        let get = format!("/keys/k{key}?node={node}&client={client}");
        let put = format!("/keys/k{key}?node={node}&client={client}");
        for (method, target, headers, body) in [
            ("GET", &get, &[][..], &b""[..]),
            ("PUT", &put, &context[..], &b"value"[..]),
        ] {
            let started = Instant::now();
            match c.send(method, target, headers, body).await {
                Ok(r) => {
                    tally
                        .latencies_us
                        .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    if !matches!(r.status, 200 | 204 | 300 | 404) {
                        tally.failures.push(r.status);
                    }
                }
                Err(_) => {
                    tally.broken += 1;
                    return tally;
                }
            }
        }
    }
    tally
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[at]) / 1000.0
}

#[tokio::main]
async fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let server = match options.addr {
        Some(_) => None,
        None => {
            let scenario =
                Scenario::from_json(DEFAULT_SCENARIO).expect("the default scenario is valid");
            let serve = ServeOptions {
                addr: SocketAddr::from(([127, 0, 0, 1], 0)),
                tick_ms: 0,
                ..ServeOptions::default()
            };
            Some(
                Server::start(&scenario, &serve)
                    .await
                    .expect("the server starts"),
            )
        }
    };
    let addr = options
        .addr
        .or(server.as_ref().map(Server::addr))
        .expect("an address");
    let started = Instant::now();
    let until = started + Duration::from_secs(options.seconds);
    let tasks: Vec<_> = (0..options.connections)
        .map(|n| tokio::spawn(connection(addr, n, options.keys, until)))
        .collect();
    let mut latencies = Vec::new();
    let (mut failures, mut broken) = (Vec::new(), 0);
    for task in tasks {
        let tally = task.await.expect("a connection task never panics");
        latencies.extend(tally.latencies_us);
        failures.extend(tally.failures);
        broken += tally.broken;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let failed = failures.len();
    failures.sort_unstable();
    failures.dedup();
    println!(
        "{} requests in {elapsed:.1} s over {} connections: {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} failed answers (statuses {:?}), {} broken connections",
        latencies.len(),
        options.connections,
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
        failed,
        failures,
        broken,
    );
    if let Some(server) = server {
        server.stop().await.expect("the server stops");
    }
}

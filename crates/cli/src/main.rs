//! `wildling`: runs Wildling scenarios headless.
//!
//! `run` prints a scenario's history, final replica states and a summary;
//! `trace` prints a text space-time diagram; `sweep` runs a range of seeds on
//! two threads and tabulates the outcomes; `experiment` runs a grid of
//! configurations over seeds the same way (`experiment.rs`, sharing
//! `workers.rs`) and prints its measurements; `explore` searches every
//! interleaving within bounds for the shortest run that breaks a property
//! (`explore.rs`); `serve` runs one behind an HTTP
//! API (`wildling_server`). A scenario is a JSON file, or the
//! name of a built-in scenario (`wildling list`). Bad input exits with code 2
//! and the reason on stderr.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wildling_core::checker::CheckCounts;
use wildling_core::cluster::{Cluster, RunOptions, Summary};
use wildling_core::drawing;
use wildling_core::explore::{ExploreOptions, Property};
use wildling_core::export::{Format, SHIVIZ_REGEX};
use wildling_core::ids::Addr;
use wildling_core::quoted::{shown, Quoted};
use wildling_core::scenario::{
    builtin_scenario, builtin_scenarios, Scenario, MAX_AT_TICKS, MAX_SCENARIO_BYTES, MAX_TEXT_BYTES,
};
use wildling_core::share::Session;
use wildling_core::sim::faults::FaultOptions;
use wildling_core::sim::trace::{escape_controls, space_time, TraceMode};
use wildling_core::sim::SimOptions;
use wildling_core::ClientId;

// First: its macros serve the modules after it.
#[macro_use]
mod out;

mod experiment;
mod explore;
mod tutorial;
mod workers;

#[derive(Parser)]
#[command(
    name = "wildling",
    version,
    about = "Run Wildling's Dynamo scenarios headless"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (or replay a session file) and print its history, final states and a summary.
    Run {
        /// A scenario file, a session file (the playground's, or `serve --record`'s), or the name of a built-in scenario.
        scenario: String,
        /// Use this seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Add the random fault schedule `sweep --faults random` gives this seed.
        #[arg(long, value_parser = ["none", "random"], default_value = "none")]
        faults: String,
        /// With `--faults random`: faults happen before this tick, then all heals.
        #[arg(long, default_value_t = 200, value_parser = parse_window)]
        fault_window: u64,
    },
    /// Print a scenario's run (or a session's replay) as a text space-time diagram.
    Trace {
        /// A scenario file, a session file, or the name of a built-in scenario.
        scenario: String,
        /// Use this seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Run a scenario under many seeds in parallel and tabulate the outcomes.
    Sweep {
        /// A scenario file, or the name of a built-in scenario.
        scenario: String,
        /// The seeds, `A..B` (B excluded, at most 10,000,000 of them).
        #[arg(long, value_parser = parse_range)]
        seeds: (u64, u64),
        /// Worker threads, 1 to 256.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Add faults to every seed's run: `random` draws a schedule of
        /// partitions, one-way cuts, crashes and loss from the seed.
        #[arg(long, value_parser = ["none", "random"], default_value = "none")]
        faults: String,
        /// With `--faults random`: faults happen before this tick, then all heals.
        #[arg(long, default_value_t = 200, value_parser = parse_window)]
        fault_window: u64,
    },
    /// Run a scenario's cluster behind an HTTP API (docs/http-api.md) until Ctrl-C.
    Serve {
        /// A scenario file, or the name of a built-in scenario (default: five
        /// nodes, N=3, R=2, W=2, DVVSet, four clients, nothing scheduled).
        scenario: Option<String>,
        /// Where to listen; loopback unless told otherwise.
        #[arg(long, default_value = "127.0.0.1:8098")]
        addr: std::net::SocketAddr,
        /// Wall-clock milliseconds per virtual tick; 0 runs as fast as the cluster can go.
        #[arg(long, default_value_t = 1)]
        tick_ms: u64,
        /// The most requests waiting for the cluster; more are answered 503.
        #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        queue_max: u64,
        /// Keep each node's store and hints in this directory (redb), across restarts.
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        /// Write the run as a session file that `wildling run` and the playground replay.
        #[arg(long)]
        record: Option<std::path::PathBuf>,
    },
    /// Run a scenario and print its history in a format other tools read:
    /// `edn` (Jepsen), `porcupine` (JSON) or `shiviz` (a log; the regular
    /// expression to paste into ShiViz goes to stderr); or a drawing as the
    /// playground draws it: `svg-diagram` (the space-time diagram of the
    /// whole run) or `svg-ring` (the ring at the end, with `--key` placed).
    Export {
        /// A scenario file, or the name of a built-in scenario.
        scenario: String,
        /// The format.
        #[arg(long, value_parser = ["edn", "porcupine", "shiviz", "svg-diagram", "svg-ring"])]
        format: String,
        /// With `svg-ring`: the key to place on the ring (default: the
        /// first key the timeline puts or gets).
        #[arg(long)]
        key: Option<String>,
        /// Use this seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Add the random fault schedule `sweep --faults random` gives this seed.
        #[arg(long, value_parser = ["none", "random"], default_value = "none")]
        faults: String,
        /// With `--faults random`: faults happen before this tick, then all heals.
        #[arg(long, default_value_t = 200, value_parser = parse_window)]
        fault_window: u64,
    },
    /// Run an experiment: a grid of configurations × a range of seeds,
    /// measured (latency, versions per get, t-visibility, availability).
    /// Built in: versions-per-read, staleness, latency, availability.
    Experiment {
        /// An experiment file, or the name of a built-in experiment.
        experiment: String,
        /// The seeds, `A..B` (B excluded), instead of the experiment's.
        #[arg(long, value_parser = parse_range)]
        seeds: Option<(u64, u64)>,
        /// Worker threads, 1 to 256.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Print every table cell as a CSV row (table, configuration, column, value).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// Print the outcome (every measurement) and the tables as JSON.
        #[arg(long)]
        json: bool,
        /// Also chart the outcome into this SVG file (staleness and versions reports).
        #[arg(long)]
        svg: Option<std::path::PathBuf>,
    },
    /// Search every interleaving of a scenario's run within bounds, and
    /// print the shortest run that breaks each property. Exit 1 if one
    /// breaks, 0 if all hold over the whole bounded space, 2 on bad input,
    /// 3 with no verdict (a state or memory bound, or no state settled for
    /// a property checked only at settled states; no-lost-write is
    /// checked at every state too, and with no state settled it holds in
    /// that per-state form alone, which its `checked` line says).
    Explore {
        /// A scenario file, or the name of a built-in scenario.
        scenario: String,
        /// The most choices on a path (a delivery, drop, timer, timeline entry or fault each).
        #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=i64::from(wildling_core::explore::DEPTH_MAX_LIMIT)))]
        max_depth: u32,
        /// The most messages between nodes a path may drop.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1000))]
        drops: u32,
        /// The faults a path may apply, e.g. "crash 3, restart 3" or
        /// "partition 1 2 | 3, heal" (or a JSON array); default: the
        /// scenario's `schedule.faults`.
        #[arg(long)]
        faults: Option<String>,
        /// The most faults a path may apply; default: as many as the menu holds.
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=64))]
        max_faults: Option<u32>,
        /// The properties to check, comma-separated: no-lost-write,
        /// convergence, no-false-conflict, no-stale-read, siblings<=K;
        /// default: the first three.
        #[arg(long, value_delimiter = ',', value_parser = parse_property)]
        property: Vec<Property>,
        /// Stop after this many distinct states (at most 20,000,000).
        #[arg(long, default_value_t = wildling_core::explore::STATES_MAX_DEFAULT as u64, value_parser = clap::value_parser!(u64).range(1..=wildling_core::explore::STATES_MAX_LIMIT as u64))]
        max_states: u64,
        /// Stop when the search holds this much memory, in MiB (at most 65,536).
        #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=65_536))]
        max_memory_mib: u64,
        /// Explore every order of independent deliveries (no sleep sets), to compare.
        #[arg(long)]
        no_reduction: bool,
        /// Count states that differ only in when things happened (the clock, timers' and
        /// suspicions' times) or in the nodes' counters as different, to compare.
        #[arg(long)]
        absolute_times: bool,
        /// The directory the counterexamples' session files are written to.
        #[arg(long, default_value = ".")]
        out: std::path::PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the built-in scenarios.
    List,
    /// Check tutorial files, or list the built-in tutorials.
    Tutorial {
        #[command(subcommand)]
        action: TutorialAction,
    },
}

#[derive(Subcommand)]
enum TutorialAction {
    /// Replay each tutorial and check every step's assertions; exit 1 if one fails, 2 on bad input.
    Check {
        /// Tutorial files (the format of docs/tutorial-format.md), or built-in tutorial ids.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// List the built-in tutorials.
    List,
}

fn parse_property(text: &str) -> Result<Property, String> {
    text.trim().parse()
}

/// The most seeds one sweep runs: at about 10,000 seeds a second on two
/// cores, a sweep of this many takes about 15 minutes.
const MAX_SWEEP_SEEDS: u64 = 10_000_000;

/// A seed range `A..B`: B excluded, so the highest seed is 2^64 - 2, and at
/// most [`MAX_SWEEP_SEEDS`] seeds.
fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text.split_once("..").ok_or("expected A..B, e.g. 0..1000")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|e| format!("{}: {e} (a seed is 0 to {})", Quoted(s), u64::MAX))
    };
    let (a, b) = (parse(a)?, parse(b)?);
    if a >= b {
        return Err(format!("{a}..{b} is empty (the end is excluded)"));
    }
    if b - a > MAX_SWEEP_SEEDS {
        return Err(format!(
            "{a}..{b} holds {} seeds; a sweep runs at most {MAX_SWEEP_SEEDS}",
            b - a
        ));
    }
    Ok((a, b))
}

/// A fault window: 1 tick to [`MAX_AT_TICKS`], the latest time a timeline
/// entry may have.
fn parse_window(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(ticks) if (1..=MAX_AT_TICKS).contains(&ticks) => Ok(ticks),
        Ok(ticks) => Err(format!(
            "{ticks} ticks; a fault window is 1 to {MAX_AT_TICKS} ticks"
        )),
        Err(e) => Err(format!("{}: {e}", Quoted(text))),
    }
}

/// The injector's options for `--faults random`, or none.
fn fault_options(faults: &str, window_ticks: u64) -> Option<FaultOptions> {
    (faults == "random").then(|| FaultOptions {
        window_ticks,
        ..FaultOptions::default()
    })
}

/// Bad input: printed on stderr, exit code 2.
struct BadInput(String);

impl BadInput {
    fn exit(self) -> ExitCode {
        eprintln!("wildling: {}", escape_controls(&self.0));
        ExitCode::from(2)
    }
}

fn main() -> ExitCode {
    // Argument parsing errors quote the argument: one with a control
    // character in it is refused before, with the character escaped.
    let arguments = std::env::args_os().skip(1);
    if let Some(bad) = arguments
        .map(|a| a.to_string_lossy().into_owned())
        .find(|a| a.chars().any(char::is_control))
    {
        eprintln!(
            "wildling: the argument {} holds a control character",
            Quoted(&bad)
        );
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Tutorial { action } => {
            return match action {
                TutorialAction::Check { files } => tutorial::check(&files),
                TutorialAction::List => tutorial::list(),
            }
        }
        Command::Run {
            scenario,
            seed,
            json,
            faults,
            fault_window,
        } => {
            let faults = fault_options(&faults, fault_window);
            load_replayable(&scenario).and_then(|s| run(s, seed, json, faults))
        }
        Command::Trace { scenario, seed } => {
            load_replayable(&scenario).and_then(|s| trace(s, seed))
        }
        Command::Export {
            scenario,
            format,
            key,
            seed,
            faults,
            fault_window,
        } => {
            let faults = fault_options(&faults, fault_window);
            load_replayable(&scenario).and_then(|s| export(s, &format, key, seed, faults))
        }
        Command::Sweep {
            scenario,
            seeds,
            jobs,
            faults,
            fault_window,
        } => {
            let faults = fault_options(&faults, fault_window);
            load(&scenario).and_then(|s| sweep(&s, seeds, jobs, faults))
        }
        Command::Serve {
            scenario,
            addr,
            tick_ms,
            queue_max,
            data,
            record,
        } => {
            let options = wildling_server::ServeOptions {
                addr,
                tick_ms,
                queue_max: queue_max as usize,
                data,
                record,
                ..wildling_server::ServeOptions::default()
            };
            match scenario {
                Some(name) => load(&name),
                None => Scenario::from_json(wildling_server::DEFAULT_SCENARIO)
                    .map_err(|e| BadInput(e.to_string())),
            }
            .and_then(|s| serve(&s, &options))
        }
        Command::Experiment {
            experiment: name,
            seeds,
            jobs,
            csv,
            json,
            svg,
        } => experiment::load(&name)
            .and_then(|e| experiment::run(e, seeds, jobs, &experiment::Output { csv, json, svg })),
        Command::Explore {
            scenario,
            max_depth,
            drops,
            faults,
            max_faults,
            property,
            max_states,
            max_memory_mib,
            no_reduction,
            absolute_times,
            out,
            json,
        } => {
            let verdict = load(&scenario).and_then(|s| {
                let menu = match faults {
                    Some(text) => wildling_core::explore::parse_fault_menu(&text)
                        .map_err(|e| BadInput(format!("--faults: {e}")))?,
                    None => s
                        .schedule
                        .as_ref()
                        .map(|x| x.faults.clone())
                        .unwrap_or_default(),
                };
                let options = ExploreOptions {
                    depth_max: max_depth,
                    drops_max: drops,
                    faults_max: max_faults.unwrap_or(menu.len() as u32),
                    faults: menu,
                    states_max: max_states as usize,
                    memory_max_bytes: max_memory_mib << 20,
                    properties: if property.is_empty() {
                        wildling_core::explore::DEFAULT_PROPERTIES.to_vec()
                    } else {
                        property
                    },
                    reduction: !no_reduction,
                    relative_times: !absolute_times,
                    ..ExploreOptions::default()
                };
                explore::explore(&s, options, &out, json)
            });
            return verdict.map_or_else(BadInput::exit, explore::Verdict::exit);
        }
        Command::List => {
            for (name, json) in builtin_scenarios() {
                let description = Scenario::from_json(json)
                    .map(|s| s.description)
                    .unwrap_or_default();
                outln!("{name:<24} {description}");
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(bad) => bad.exit(),
    }
}

/// Serve `scenario` until Ctrl-C, then stop gracefully.
fn serve(scenario: &Scenario, options: &wildling_server::ServeOptions) -> Result<(), BadInput> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BadInput(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let server = wildling_server::Server::start(scenario, options)
            .await
            .map_err(|e| BadInput(e.to_string()))?;
        eprintln!(
            "wildling: serving {} on http://{} ({} ms per tick); Ctrl-C stops",
            scenario.name,
            server.addr(),
            options.tick_ms
        );
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("wildling: cannot wait for Ctrl-C ({e}); stopping");
        }
        eprintln!("wildling: stopping");
        let report = server.stop().await.map_err(|e| BadInput(e.to_string()))?;
        eprintln!(
            "wildling: stopped at tick {}; trace hash {:016x}",
            report.now_ticks, report.trace_hash
        );
        Ok(())
    })
}

/// Read a file (size-capped), or a built-in scenario by name.
fn read(name: &str) -> Result<String, BadInput> {
    match read_capped(name) {
        Ok(text) => Ok(text),
        Err(ReadError::Read(e)) => Err(BadInput(format!("{}: {e}", shown(name)))),
        Err(ReadError::Open(e)) => match builtin_scenario(name) {
            Some(json) => Ok(json.to_string()),
            None => Err(BadInput(format!(
                "{}: {e}, and no built-in scenario has that name",
                shown(name)
            ))),
        },
    }
}

/// Why a file could not be read.
enum ReadError {
    /// It could not be opened (it may be a built-in's name).
    Open(std::io::Error),
    /// It was opened but not read.
    Read(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Open(e) | ReadError::Read(e) => write!(f, "{e}"),
        }
    }
}

/// A file's text, at most one byte past the largest scenario (so that the
/// reader refuses it as too large rather than this reading without end).
fn read_capped(name: &str) -> Result<String, ReadError> {
    let file = std::fs::File::open(name).map_err(ReadError::Open)?;
    let mut text = String::new();
    let limit = MAX_SCENARIO_BYTES as u64 + 1;
    file.take(limit)
        .read_to_string(&mut text)
        .map_err(ReadError::Read)?;
    Ok(text)
}

/// Read a scenario file, or a built-in scenario by name.
fn load(name: &str) -> Result<Scenario, BadInput> {
    Scenario::from_json(&read(name)?).map_err(|e| BadInput(format!("{}: {e}", shown(name))))
}

/// What `run` and `trace` replay: a scenario, or a session file (the
/// playground's, or `wildling serve --record`'s).
enum Replayable {
    Scenario(Box<Scenario>),
    Session(Box<Session>),
}

/// Read a scenario or a session: a session is the JSON object with a
/// `scenario` field.
fn load_replayable(name: &str) -> Result<Replayable, BadInput> {
    let text = read(name)?;
    let is_session =
        serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("scenario").is_some());
    if is_session {
        let session =
            Session::from_json(&text).map_err(|e| BadInput(format!("{}: {e}", shown(name))))?;
        return Ok(Replayable::Session(Box::new(session)));
    }
    Scenario::from_json(&text)
        .map(|s| Replayable::Scenario(Box::new(s)))
        .map_err(|e| BadInput(format!("{}: {e}", shown(name))))
}

/// The run of a scenario (with `seed` and `faults`), or the replay of a
/// session to its position; with the scenario and the seed it ran with.
fn replay(
    loaded: Replayable,
    seed: Option<u64>,
    faults: Option<FaultOptions>,
) -> Result<(Scenario, u64, Cluster), BadInput> {
    match loaded {
        Replayable::Scenario(scenario) => {
            let seed = seed.unwrap_or(scenario.seed);
            let options = RunOptions {
                sim: SimOptions::default(),
                faults,
            };
            let cluster = run_seed(&scenario, seed, &options)?;
            Ok((*scenario, seed, cluster))
        }
        Replayable::Session(session) => {
            if seed.is_some() || faults.is_some() {
                return Err(BadInput(
                    "a session replays exactly what was recorded: drop --seed and --faults".into(),
                ));
            }
            let cluster = session
                .replay(SimOptions::default())
                .map_err(|e| BadInput(e.to_string()))?;
            Ok((session.scenario.clone(), session.scenario.seed, cluster))
        }
    }
}

fn run_seed(scenario: &Scenario, seed: u64, options: &RunOptions) -> Result<Cluster, BadInput> {
    Cluster::run_seed(scenario, seed, options).map_err(|e| BadInput(e.to_string()))
}

fn run(
    loaded: Replayable,
    seed: Option<u64>,
    json: bool,
    faults: Option<FaultOptions>,
) -> Result<(), BadInput> {
    let (scenario, seed, cluster) = replay(loaded, seed, faults)?;
    let scenario = &scenario;
    let summary = cluster.summary(seed);
    let report = cluster.check();
    if json {
        let nodes: Vec<_> = cluster
            .nodes()
            .map(|(id, node, up)| {
                let keys: Vec<_> = node
                    .store()
                    .iter()
                    .map(|(p, key, clock)| {
                        serde_json::json!({
                            "partition": p, "key": key, "clock": clock.to_string(),
                            "values": clock.values(),
                        })
                    })
                    .collect();
                serde_json::json!({ "node": id, "up": up, "keys": keys })
            })
            .collect();
        out::json(&RunJson {
            scenario: &scenario.name,
            seed,
            summary: &summary,
            check: &report,
            history: cluster.sim().history(),
            nodes,
        });
        return Ok(());
    }
    // Keys, values and names come from the scenario: every piece of text
    // that holds one is escaped, so that none can forge a line.
    let config = &scenario.cluster;
    outln!(
        "scenario {} (seed {seed}): {} nodes, Q={}, N={} R={} W={}, mode {}",
        clean(&scenario.name),
        config.nodes,
        config.partitions,
        config.n,
        config.r,
        config.w,
        config.mode
    );
    outln!("\nhistory");
    for op in &cluster.sim().history().ops {
        let (completed, outcome) = match &op.completed {
            Some((at, outcome)) => (at.to_string(), clean(outcome)),
            None => ("-".to_string(), "pending".to_string()),
        };
        outln!(
            "  {:<5} {:<4} {:>6} -> {:>6}  {}  =>  {}",
            op.id.to_string(),
            op.by.to_string(),
            op.invoked_at,
            completed,
            clean(&op.input),
            outcome
        );
    }
    outln!("\nfinal state");
    for (id, node, up) in cluster.nodes() {
        outln!("  {id} {}", if up { "up" } else { "crashed" });
        for (p, key, clock) in node.store().iter() {
            outln!("    {p} {}: {}", clean(key), clean(clock));
        }
    }
    outln!("\nchecker");
    let findings = (report.lost_writes.iter().map(clean))
        .chain(report.false_conflicts.iter().map(clean))
        .chain(report.non_converged.iter().map(clean))
        .chain(report.stale_reads.iter().map(clean));
    for line in findings.chain([report.counts().to_string()]) {
        outln!("  {line}");
    }
    outln!("\nsummary\n  {}", summary_line(&summary));
    if let Some(stopped) = summary.stopped {
        outln!("  {stopped}; {} operations pending", summary.pending);
    }
    Ok(())
}

/// `run --json`: borrowed, so that the history is written as it is read.
#[derive(serde::Serialize)]
struct RunJson<'a, S, C, H> {
    scenario: &'a str,
    seed: u64,
    summary: &'a S,
    check: &'a C,
    history: &'a H,
    nodes: Vec<serde_json::Value>,
}

/// `text` as it prints, with control characters escaped.
fn clean(text: &(impl std::fmt::Display + ?Sized)) -> String {
    escape_controls(&text.to_string()).into_owned()
}

fn summary_line(s: &Summary) -> String {
    format!(
        "ops: {} ok, {} quorum-failed, {} timed out, {} refused, {} pending; messages: {} sent, {} delivered, {} dropped, {} duplicated; max siblings {}; hints {} stored, {} delivered; {} read repairs; anti-entropy {} exchanges, {} tree nodes, {} keys; handoff {} partitions, {} keys; end {} ticks; trace hash {:016x}",
        s.ok,
        s.quorum_failed,
        s.timed_out,
        s.refused,
        s.pending,
        s.stats.sent,
        s.stats.delivered,
        s.stats.dropped,
        s.stats.duplicated,
        s.max_siblings,
        s.mechanisms.hints_stored,
        s.mechanisms.hints_delivered,
        s.mechanisms.repairs,
        s.mechanisms.exchanges,
        s.mechanisms.merkle_tree_nodes,
        s.mechanisms.merkle_keys,
        s.mechanisms.handoffs,
        s.mechanisms.handoff_keys,
        s.end_ticks,
        s.trace_hash
    )
}

fn export(
    loaded: Replayable,
    format: &str,
    key: Option<String>,
    seed: Option<u64>,
    faults: Option<FaultOptions>,
) -> Result<(), BadInput> {
    if key.is_some() && format != "svg-ring" {
        return Err(BadInput(
            "--key places a key on the ring: use it with --format svg-ring".into(),
        ));
    }
    let history = match format {
        "svg-diagram" | "svg-ring" => None,
        _ => Some(Format::parse(format).map_err(BadInput)?),
    };
    let (scenario, _, cluster) = replay(loaded, seed, faults)?;
    let exported = match history {
        Some(format) => wildling_core::export::export(cluster.sim().history(), format),
        None if format == "svg-diagram" => drawing::lamport_export(&cluster),
        None => {
            let key = key.unwrap_or_else(|| scenario.first_key().unwrap_or_default().to_string());
            if key.len() > MAX_TEXT_BYTES {
                return Err(BadInput(format!(
                    "--key: longer than {MAX_TEXT_BYTES} bytes"
                )));
            }
            drawing::ring_export(&cluster, &key, &|a: f64| (a.cos(), a.sin()))
        }
    };
    out!("{}", exported.text);
    if let Some(note) = exported.note {
        eprintln!("wildling: {note}");
    }
    if history == Some(Format::ShiViz) {
        eprintln!("ShiViz regular expression: {SHIVIZ_REGEX}");
    }
    Ok(())
}

/// The space-time diagram's lanes: the clients, then the nodes.
fn lanes(scenario: &Scenario) -> Vec<Addr> {
    let mut lanes: Vec<Addr> = (1..=scenario.client_count())
        .map(|c| Addr::Client(ClientId(c)))
        .collect();
    lanes.extend(scenario.cluster.node_ids().into_iter().map(Addr::Node));
    lanes
}

fn trace(loaded: Replayable, seed: Option<u64>) -> Result<(), BadInput> {
    let (scenario, _, cluster) = replay(loaded, seed, None)?;
    out!(
        "{}",
        space_time(cluster.sim().trace().events(), &lanes(&scenario))
    );
    if let Some(stopped) = cluster.sim().stopped() {
        outln!("{stopped}");
    }
    outln!("trace hash {:016x}", cluster.sim().trace().hash());
    Ok(())
}

fn sweep(
    scenario: &Scenario,
    (first, end): (u64, u64),
    jobs: u16,
    faults: Option<FaultOptions>,
) -> Result<(), BadInput> {
    // Fail on bad input before starting any thread.
    Cluster::new(scenario, SimOptions::default()).map_err(|e| BadInput(e.to_string()))?;
    let total = end - first;
    let options = RunOptions {
        sim: SimOptions {
            trace: TraceMode::HashOnly,
            ..SimOptions::default()
        },
        faults,
    };
    let (parts, elapsed) = workers::run(total, jobs, "seeds", Outcomes::default, |offset, mine| {
        let seed = first + offset;
        let cluster = Cluster::run_seed(scenario, seed, &options)
            .expect("the scenario was validated before the sweep");
        mine.add(&cluster.summary(seed), cluster.check().counts());
    });
    let mut outcomes = Outcomes::default();
    for part in parts {
        outcomes.merge(part);
    }
    outln!("{}", outcomes.table());
    outln!(
        "{total} seeds in {:.2} s on {jobs} threads ({:.0} seeds/s)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// The checker's verdicts, then ok, quorum-failed, timed out, pending, max
/// siblings, and how the run stopped if it did not go quiet.
type Outcome = (CheckCounts, u64, u64, u64, u64, usize, &'static str);

/// Seeds grouped by outcome: the checker's findings, how many operations
/// succeeded, failed their quorum or timed out, and the most siblings left
/// on any replica; each group's size and smallest seed. A sweep keeps only
/// these groups, never a record per seed, so its memory does not grow with
/// the number of seeds.
#[derive(Default)]
struct Outcomes {
    groups: BTreeMap<Outcome, (u64, u64)>,
    total: CheckCounts,
    seeds_losing: u64,
}

impl Outcomes {
    fn add(&mut self, s: &Summary, c: CheckCounts) {
        let key = (
            c,
            s.ok,
            s.quorum_failed,
            s.timed_out,
            s.pending,
            s.max_siblings,
            s.stopped.map_or("-", |stopped| stopped.name()),
        );
        self.count(key, 1, s.seed);
        add_counts(&mut self.total, &c);
        self.seeds_losing += u64::from(c.lost_writes > 0);
    }

    fn count(&mut self, key: Outcome, seeds: u64, example: u64) {
        let entry = self.groups.entry(key).or_insert((0, example));
        entry.0 += seeds;
        entry.1 = entry.1.min(example);
    }

    fn merge(&mut self, other: Outcomes) {
        for (key, (seeds, example)) in other.groups {
            self.count(key, seeds, example);
        }
        add_counts(&mut self.total, &other.total);
        self.seeds_losing += other.seeds_losing;
    }

    /// The groups, then the totals of the checker's findings.
    fn table(&self) -> String {
        let mut out = String::from(
            "  seeds  lost  false-conflicts  non-converged  stale-reads  ryw/mr/mw/wfr  ok  quorum-failed  timed-out  pending  max-siblings          stopped  example-seed\n",
        );
        for ((c, ok, failed, timed_out, pending, siblings, stopped), (count, example)) in
            &self.groups
        {
            let [ryw, mr, mw, wfr] = c.sessions;
            let sessions = format!("{ryw}/{mr}/{mw}/{wfr}");
            let _ = writeln!(
                out,
                "  {count:>5}  {:>4}  {:>15}  {:>13}  {:>11}  {sessions:>13}  {ok:>2}  {failed:>13}  {timed_out:>9}  {pending:>7}  {siblings:>12}  {stopped:>15}  {example:>12}",
                c.lost_writes, c.false_conflicts, c.non_converged, c.stale_reads
            );
        }
        let _ = write!(
            out,
            "checker: {}; {} seeds lost a write",
            self.total, self.seeds_losing
        );
        out
    }
}

/// Add the checker's counts `c` to `total`.
fn add_counts(total: &mut CheckCounts, c: &CheckCounts) {
    total.lost_writes += c.lost_writes;
    total.false_conflicts += c.false_conflicts;
    total.non_converged += c.non_converged;
    total.stale_reads += c.stale_reads;
    for (sum, n) in total.sessions.iter_mut().zip(c.sessions) {
        *sum += n;
    }
}

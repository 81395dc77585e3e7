//! `wildling explore`: the explorer ([`wildling_core::explore`]) on a
//! terminal. It runs the search in slices, draws its progress on stderr
//! when that is a terminal, and prints the counts, then each broken
//! property with its shortest counterexample: the choices, a session file
//! the playground opens (and `wildling run` replays), and a text
//! space-time diagram of the run.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wildling_core::explore::{Ended, ExploreOptions, Explorer, Progress, Property, Violation};
use wildling_core::scenario::Scenario;
use wildling_core::sim::trace::space_time;

use crate::{clean, lanes, BadInput};

/// What `explore` found, as its exit code says.
pub(crate) enum Verdict {
    /// Every property holds over the whole bounded space: 0.
    Holds,
    /// A property is broken: 1.
    Violated,
    /// Nothing broken, but nothing decided either: the search stopped at
    /// its state or memory bound before covering the space, or no state
    /// within the bounds settled, so a property checked only at settled
    /// states was checked at none: 3. (No-lost-write is checked at every
    /// state too, so a depth-bounded space decides it: 0 when it holds.)
    Inconclusive,
}

impl Verdict {
    pub(crate) fn exit(self) -> ExitCode {
        ExitCode::from(match self {
            Verdict::Holds => 0,
            Verdict::Violated => 1,
            Verdict::Inconclusive => 3,
        })
    }
}

/// Expansions between two looks at the clock and the progress bar.
const SLICE_EXPANSIONS: u64 = 4096;

/// Explore `scenario`, print what was found, write the counterexamples.
pub(crate) fn explore(
    scenario: &Scenario,
    options: ExploreOptions,
    out: &Path,
    json: bool,
) -> Result<Verdict, BadInput> {
    let bounds = options.clone();
    let mut explorer = Explorer::new(scenario, options).map_err(|e| BadInput(e.to_string()))?;
    let progress_bar = ProgressBar::new_spinner();
    progress_bar.set_draw_target(if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    progress_bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("the template is valid"),
    );
    let started = Instant::now();
    while !explorer.run(SLICE_EXPANSIONS) {
        let p = explorer.progress();
        progress_bar.set_message(format!(
            "{} distinct states, depth {}, {} waiting, {} MiB",
            p.distinct_states,
            p.depth_reached,
            p.frontier,
            p.memory_bytes >> 20
        ));
        progress_bar.tick();
    }
    progress_bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let ended = explorer.ended().expect("the search ran to its end");
    let progress = explorer.progress();
    let mut written = Vec::new();
    for violation in explorer.violations() {
        written.push(write_session(scenario, violation, out)?);
    }
    let violations = explorer.violations();
    let (holds, unchecked) = explorer.unbroken();
    let report = Report {
        scenario,
        bounds: &bounds,
        ended,
        progress: &progress,
        seconds,
        violations: &violations,
        written: &written,
        holds: &holds,
        unchecked: &unchecked,
    };
    if json {
        report.print_json();
    } else {
        report.print_text();
    }
    Ok(if !violations.is_empty() {
        Verdict::Violated
    } else if ended.is_bound() || !unchecked.is_empty() {
        Verdict::Inconclusive
    } else {
        Verdict::Holds
    })
}

/// A name for files: letters, digits, `-` and `_` kept, anything else `_`.
fn file_name_part(text: &str) -> String {
    let part: String = text
        .chars()
        .take(64)
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    if part.is_empty() {
        "scenario".into()
    } else {
        part
    }
}

/// The file a property's counterexample goes to.
fn session_file(scenario: &Scenario, property: Property, out: &Path) -> PathBuf {
    let property = match property {
        Property::SiblingsAtMost(k) => format!("siblings-at-most-{k}"),
        other => other.to_string(),
    };
    out.join(format!(
        "{}.{}.session.json",
        file_name_part(&scenario.name),
        property
    ))
}

/// Write the counterexample as a session at the time its run ends.
fn write_session(
    scenario: &Scenario,
    violation: &Violation,
    out: &Path,
) -> Result<PathBuf, BadInput> {
    let path = session_file(scenario, violation.property, out);
    std::fs::write(&path, violation.session().to_json())
        .map_err(|e| BadInput(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

fn choices_text(violation: &Violation) -> String {
    violation
        .choices
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a search found, to print.
struct Report<'a> {
    scenario: &'a Scenario,
    bounds: &'a ExploreOptions,
    ended: Ended,
    progress: &'a Progress,
    seconds: f64,
    violations: &'a [&'a Violation],
    /// Each violation's session file.
    written: &'a [PathBuf],
    holds: &'a [Property],
    /// The properties checked at settled states, when no state settled:
    /// neither held nor broken.
    unchecked: &'a [Property],
}

impl Report<'_> {
    fn print_text(&self) {
        let Report {
            scenario,
            bounds,
            ended,
            progress: p,
            seconds,
            violations,
            written,
            holds,
            unchecked,
        } = *self;
        let config = &scenario.cluster;
        outln!(
        "explore {}: {} nodes, N={} R={} W={}, mode {}; depth <= {}, drops <= {}, faults <= {} of {}{}{}",
        clean(&scenario.name),
        config.nodes,
        config.n,
        config.r,
        config.w,
        config.mode,
        bounds.depth_max,
        bounds.drops_max,
        bounds.faults_max,
        bounds.faults.len(),
        if bounds.reduction { "" } else { ", no reduction" },
        if bounds.relative_times { "" } else { ", absolute times" }
    );
        outln!(
        "states explored {}, distinct {}, settled {}, depth reached {}, time {seconds:.2} s ({:.0} distinct states/s)",
        p.states_explored,
        p.distinct_states,
        p.settled_states,
        p.depth_reached,
        p.distinct_states as f64 / seconds.max(1e-9)
    );
        outln!("{ended}");
        if p.depth_bound_hit {
            outln!(
                "some paths reached the depth bound ({}) and were not followed further",
                bounds.depth_max
            );
        }
        for (violation, path) in violations.iter().zip(written) {
            outln!(
                "\nVIOLATED {}: shortest counterexample, {} choices",
                violation.property,
                violation.choices.len()
            );
            for finding in &violation.findings {
                outln!("  {}", clean(finding));
            }
            outln!("  choices: {}", choices_text(violation));
            outln!(
                "  session: {} (open it in the playground, or `wildling run` it)",
                path.display()
            );
            let cluster = violation.replay();
            out!(
                "{}",
                space_time(cluster.sim().trace().events(), &lanes(&violation.scenario))
            );
            if let Some(last) = violation.choices.last() {
                let at = violation
                    .node
                    .map(|n| format!(" at {n}"))
                    .unwrap_or_default();
                outln!("  the last choice, `{last}`{at}, breaks it");
            }
        }
        if !holds.is_empty() {
            let names: Vec<String> = holds.iter().map(ToString::to_string).collect();
            let scope = if ended.is_bound() {
                "in the states searched"
            } else {
                "over the whole bounded space"
            };
            outln!("\nholds {scope}: {}", names.join(", "));
            for checked in holds.iter().filter_map(|h| h.checked(p, ended)) {
                outln!("  {checked}");
            }
        }
        // The checker's verdicts need a settled state: say so when none was.
        if !unchecked.is_empty() {
            let names: Vec<String> = unchecked.iter().map(ToString::to_string).collect();
            outln!(
                "\nno state within the bounds settled, so {} (checked at settled states) \
                 were checked at none",
                names.join(", ")
            );
        }
    }

    fn print_json(&self) {
        let Report {
            scenario,
            bounds,
            ended,
            progress: p,
            seconds,
            violations,
            written,
            holds,
            unchecked,
        } = *self;
        let violated: Vec<_> = violations
            .iter()
            .zip(written)
            .map(|(v, path)| {
                serde_json::json!({
                    "property": v.property.to_string(),
                    "findings": v.findings,
                    "length": v.choices.len(),
                    "choices": v.choices,
                    "node": v.node,
                    "session_file": path.display().to_string(),
                })
            })
            .collect();
        let out = serde_json::json!({
            "scenario": scenario.name,
            "bounds": {
                "max_depth": bounds.depth_max,
                "drops": bounds.drops_max,
                "max_faults": bounds.faults_max,
                "faults": bounds.faults,
                "max_states": bounds.states_max,
                "max_memory_bytes": bounds.memory_max_bytes,
                "reduction": bounds.reduction,
            },
            "ended": ended,
            "progress": p,
            "seconds": seconds,
            "violations": violated,
            "holds": holds.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "checked": holds.iter().filter_map(|h| h.checked(p, ended)).collect::<Vec<_>>(),
            "unchecked": unchecked.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).expect("JSON values serialize")
        );
    }
}

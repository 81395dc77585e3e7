//! Hostile input, end to end: scenario, tutorial and experiment files and
//! arguments an adversary would write, each run through the `wildling`
//! binary under a 1 GiB address-space limit (`ulimit -v`, by bash).
//!
//! Each case asserts its documented exit code (2 for bad input, with a
//! message naming the field; 0 for a valid run, which a limit bounds and
//! which says where it stopped), that nothing panicked, that no control
//! character reaches the terminal raw, and that a message quoting input
//! stays short (the quote is capped at 64 characters). Time is bounded by
//! the run budget the output names, not by a wall clock.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use common::{text, Scratch, WILDLING};

/// The address space a case may use, in KiB: 1 GiB. The run budget keeps
/// any valid scenario under 256 MB resident.
const MEMORY_KIB: u64 = 1 << 20;

/// The longest stderr a refusal prints: its own words and a capped quote.
const STDERR_BYTES_MAX: usize = 1024;

/// A valid three-node scenario with one put; cases change it.
const BASE: &str = r#"{"version":1,"cluster":{"nodes":3,"n":3,"r":2,"w":2,"mode":"dvvset"},"timeline":[{"at":0,"client":1,"put":{"key":"k","value":"v","node":1}}]}"#;

/// A valid tutorial on a built-in scenario; cases change it.
const TUTORIAL: &str = r#"{"tutorial_version":1,"id":"t","title":"T","scenario":"read-repair","steps":[{"title":"s","at":{"ticks":5},"narration":"n","expect":[]}]}"#;

/// A valid experiment; cases change it.
const EXPERIMENT: &str = r#"{"version":1,"name":"e","scenario":"sweep-faults","report":"latency","seeds":{"first":0,"end":2},"grid":{"r":[1]}}"#;

/// `wildling args` under [`MEMORY_KIB`].
fn bounded(args: &[&str]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(WILDLING)
        .args(args)
        .output()
        .expect("bash runs")
}

/// What every case asserts of an output: no panic, and no control
/// character but a newline on either stream.
fn clean(case: &str, out: &Output) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{case}: {stderr}"
    );
    for (stream, shown) in [("stdout", &stdout), ("stderr", &stderr)] {
        let raw = shown.chars().find(|&c| c.is_control() && c != '\n');
        assert_eq!(raw, None, "{case}: a raw control character on {stream}");
    }
}

/// `out` is a refusal: exit code 2, a short message holding `says`.
fn refused(case: &str, out: &Output, says: &str) {
    clean(case, out);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{case}: {stderr}");
    assert!(stderr.contains(says), "{case}: {says:?} not in {stderr}");
    assert!(
        stderr.len() <= STDERR_BYTES_MAX,
        "{case}: {} bytes of stderr: {}",
        stderr.len(),
        &stderr[..STDERR_BYTES_MAX]
    );
}

/// `base` with `from` replaced by `to` (which must be in it).
fn changed(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from}");
    base.replacen(from, to, 1)
}

/// [`BASE`] changed.
fn base_with(from: &str, to: &str) -> String {
    changed(BASE, from, to)
}

/// A string of `bytes` letters.
fn long(bytes: usize) -> String {
    "x".repeat(bytes)
}

#[test]
fn hostile_scenarios_are_refused_naming_the_field() {
    let scratch = Scratch::new("hostile-scenarios");
    let max = u64::MAX.to_string();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "timeout of u64::MAX",
            base_with(
                r#""mode":"dvvset""#,
                &format!(r#""mode":"dvvset","request_timeout_ticks":{max}"#),
            ),
            "cluster.request_timeout_ticks",
        ),
        (
            "latency of u64::MAX",
            base_with(
                r#","timeline""#,
                &format!(
                    r#","network":{{"latency_ticks_min":0,"latency_ticks_max":{max}}},"timeline""#
                ),
            ),
            "network.latency_ticks_max",
        ),
        (
            "at of u64::MAX",
            base_with(r#""at":0"#, &format!(r#""at":{max}"#)),
            "timeline[0].at",
        ),
        (
            "at beyond u64",
            base_with(r#""at":0"#, r#""at":18446744073709551616"#),
            "timeline[0].at",
        ),
        (
            "run_until of u64::MAX",
            base_with(r#""timeline""#, &format!(r#""run_until":{max},"timeline""#)),
            "run_until",
        ),
        (
            "seed beyond u64",
            base_with(r#""timeline""#, r#""seed":18446744073709551616,"timeline""#),
            "seed",
        ),
        (
            "negative node count",
            base_with(r#""nodes":3"#, r#""nodes":-3"#),
            "cluster.nodes",
        ),
        (
            "fractional quorum",
            base_with(r#""r":2"#, r#""r":1.5"#),
            "cluster.r",
        ),
        (
            "NaN is not JSON",
            base_with(r#""w":2"#, r#""w":NaN"#),
            "line 1 column",
        ),
        (
            "wrong version",
            base_with(r#""version":1"#, r#""version":2"#),
            "version",
        ),
        (
            "version beyond u32",
            base_with(r#""version":1"#, r#""version":4294967297"#),
            "version",
        ),
        (
            "a key named twice",
            base_with(r#""nodes":3"#, r#""nodes":3,"nodes":5"#),
            "cluster.nodes",
        ),
        (
            "deep nesting",
            base_with(
                r#""timeline":["#,
                &format!(r#""timeline":{}"#, "[".repeat(100_000)),
            ),
            "recursion limit exceeded",
        ),
        (
            "a 10 MB string",
            base_with(
                r#""value":"v""#,
                &format!(r#""value":"{}""#, long(10 << 20)),
            ),
            "the limit is 1048576",
        ),
        (
            "a 1000-byte value",
            base_with(r#""value":"v""#, &format!(r#""value":"{}""#, long(1000))),
            "timeline[0].put.value",
        ),
        (
            "an escape in an unknown key",
            base_with(r#""nodes":3"#, r#""nodes":3,"\u001b[31mred\u0007":1"#),
            r#"cluster."\u{1b}[31mred\u{7}""#,
        ),
        (
            "a 500 KB unknown key",
            base_with(
                r#""nodes":3"#,
                &format!(r#""nodes":3,"{}":1"#, long(500_000)),
            ),
            "… (500000 bytes)",
        ),
        (
            "a 500 KB unknown mode",
            base_with(
                r#""mode":"dvvset""#,
                &format!(r#""mode":"{}""#, long(500_000)),
            ),
            "cluster.mode",
        ),
        (
            "a 500 KB string where a number goes",
            base_with(r#""nodes":3"#, &format!(r#""nodes":"{}""#, long(500_000))),
            "invalid type: string \"xxxx",
        ),
        (
            "too many timeline entries",
            base_with(
                r#""timeline":["#,
                &format!(
                    r#""timeline":[{}"#,
                    r#"{"at":0,"client":1,"get":{"key":"k","node":1}},"#.repeat(10_001)
                ),
            ),
            "timeline",
        ),
    ];
    for (case, json, says) in &cases {
        let file = scratch.write("scenario.json", json);
        let out = bounded(&["run", &file]);
        refused(case, &out, says);
    }
}

#[test]
fn hostile_arguments_are_refused_naming_the_option() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "every u64 seed",
            &[
                "sweep",
                "quorum-success",
                "--seeds",
                "0..18446744073709551615",
            ],
            "a sweep runs at most 10000000",
        ),
        (
            "a trillion seeds",
            &["sweep", "quorum-success", "--seeds", "0..1000000000000"],
            "--seeds",
        ),
        (
            "a seed beyond u64",
            &[
                "sweep",
                "quorum-success",
                "--seeds",
                "5..18446744073709551616",
            ],
            "a seed is 0 to 18446744073709551615",
        ),
        (
            "an empty range",
            &["sweep", "quorum-success", "--seeds", "7..7"],
            "is empty",
        ),
        (
            "a negative seed",
            &["run", "quorum-success", "--seed", "-1"],
            "'-1'",
        ),
        (
            "no jobs",
            &["sweep", "quorum-success", "--seeds", "0..2", "--jobs", "0"],
            "--jobs",
        ),
        (
            "a fault window of u64::MAX",
            &[
                "run",
                "quorum-success",
                "--faults",
                "random",
                "--fault-window",
                "18446744073709551615",
            ],
            "a fault window is 1 to 1000000000 ticks",
        ),
        (
            "an escape in an argument",
            &["run", "\u{1b}[2Jgone"],
            r#""\u{1b}[2Jgone" holds a control character"#,
        ),
    ];
    for (case, args, says) in cases {
        refused(case, &bounded(args), says);
    }
    // A file name is quoted capped too.
    let name = long(3000);
    let out = bounded(&["run", &name]);
    refused("a 3000-byte file name", &out, "… (3000 bytes)");
}

#[test]
fn seeds_at_the_top_of_u64_run_without_wrapping() {
    let out = bounded(&[
        "sweep",
        "quorum-success",
        "--seeds",
        "18446744073709551610..18446744073709551615",
        "--jobs",
        "2",
    ]);
    clean("the last five seeds", &out);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("5 seeds in"), "{stdout}");
    assert!(stdout.contains("18446744073709551610"), "{stdout}");
}

#[test]
fn hostile_tutorials_and_experiments_are_refused_naming_the_field() {
    let scratch = Scratch::new("hostile-files");
    let tutorial = |from: &str, to: &str| changed(TUTORIAL, from, to);
    let experiment = |from: &str, to: &str| changed(EXPERIMENT, from, to);
    let tutorials = [
        (
            "wrong tutorial version",
            tutorial(r#""tutorial_version":1"#, r#""tutorial_version":7"#),
            "tutorial_version",
        ),
        (
            "a step at u64::MAX",
            tutorial(r#""ticks":5"#, r#""ticks":18446744073709551615"#),
            "steps[0].at",
        ),
        (
            "an escape in the id",
            tutorial(r#""id":"t""#, r#""id":"\u001b]0;owned\u0007""#),
            r#""\u{1b}]0;owned\u{7}" is not an id"#,
        ),
        (
            "a long unknown scenario",
            tutorial(
                r#""scenario":"read-repair""#,
                &format!(r#""scenario":"{}""#, long(200_000)),
            ),
            "… (200000 bytes)",
        ),
        (
            "deep nesting",
            tutorial(
                r#""expect":[]"#,
                &format!(r#""expect":{}"#, "[".repeat(50_000)),
            ),
            "recursion limit exceeded",
        ),
        (
            "a key named twice",
            tutorial(r#""title":"T""#, r#""title":"T","title":"U""#),
            "title",
        ),
    ];
    for (case, json, says) in &tutorials {
        let file = scratch.write("tutorial.json", json);
        refused(case, &bounded(&["tutorial", "check", &file]), says);
    }
    let experiments = [
        (
            "wrong version",
            experiment(r#""version":1"#, r#""version":3"#),
            "version",
        ),
        (
            "seeds to u64::MAX",
            experiment(r#""end":2"#, r#""end":18446744073709551615"#),
            "seeds",
        ),
        (
            "seeds backwards",
            experiment(r#""first":0"#, r#""first":9"#),
            "seeds",
        ),
        (
            "a negative drop rate",
            experiment(r#""r":[1]"#, r#""drop_per_million":[-1]"#),
            "grid.drop_per_million",
        ),
        (
            "a long unknown scenario",
            experiment(
                r#""scenario":"sweep-faults""#,
                &format!(r#""scenario":"{}""#, long(200_000)),
            ),
            "… (200000 bytes)",
        ),
        (
            "an escape in an unknown report",
            experiment(r#""report":"latency""#, r#""report":"\u001b[5mblink""#),
            r#"\u{1b}[5mblink"#,
        ),
    ];
    for (case, json, says) in &experiments {
        let file = scratch.write("experiment.json", json);
        refused(case, &bounded(&["experiment", &file]), says);
    }
}

/// Escapes in keys and values of a valid scenario are escaped in `run`'s
/// text, never sent raw.
#[test]
fn control_characters_in_a_valid_run_are_escaped() {
    let scratch = Scratch::new("hostile-escapes");
    let json = base_with(
        r#""key":"k","value":"v""#,
        r#""key":"k\u001b[31m","value":"line\nop9 c1 forged""#,
    );
    let file = scratch.write("escapes.json", json);
    let out = bounded(&["run", &file]);
    clean("escapes in a key and a value", &out);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains(r"k\u{1b}[31m"), "{stdout}");
    assert!(stdout.contains(r"line\nop9 c1 forged"), "{stdout}");
}

/// 64 nodes with N = 64 under 20% loss never go quiet: the run is bounded
/// by its budget (the documented 5,000,000 events, 1,000,000 messages or
/// 160 MiB, whichever comes first), says so, and fits in [`MEMORY_KIB`],
/// its `--json` too (streamed: written whole, it took 3.8 GB).
#[test]
fn a_run_that_never_goes_quiet_stops_at_its_budget_and_says_so() {
    let scratch = Scratch::new("hostile-budget");
    let json = r#"{"version":1,"cluster":{"nodes":64,"partitions":64,"n":64,"r":1,"w":1,"mode":"dvvset"},
      "network":{"drop_per_million":200000},
      "timeline":[{"at":0,"client":1,"put":{"key":"k","value":"v","node":1}}]}"#;
    let file = scratch.write("lossy-64.json", json);
    let out = bounded(&["run", &file]);
    clean("64 lossy nodes", &out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let documented = [
        "budget of 5000000 events",
        "budget of 1000000 messages kept in the history",
        "budget of 167772160 bytes of history and trace kept",
    ];
    let line = stdout
        .lines()
        .find(|l| l.contains("stopped at tick"))
        .unwrap_or_else(|| panic!("no stop line in {stdout}"));
    assert!(documented.iter().any(|d| line.contains(d)), "{line}");
    assert!(line.ends_with("0 operations pending"), "{line}");
    // The JSON, hundreds of megabytes of it, to /dev/null.
    let json = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB} && exec \"$0\" run \"$1\" --json >/dev/null"
        ))
        .args([WILDLING, &file])
        .output()
        .expect("bash runs");
    clean("64 lossy nodes, --json", &json);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
}

/// `wildling run X | head -1`: the reader closes the pipe after a line;
/// the rest of the output finds it closed, and wildling ends quietly.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let scratch = Scratch::new("hostile-pipe");
    // 3,000 gets print far more than a pipe buffers (64 KiB).
    let entry = r#"{"at":0,"client":1,"get":{"key":"k","node":1}},"#;
    let json = base_with(
        r#""timeline":["#,
        &format!(r#""timeline":[{}"#, entry.repeat(3000)),
    );
    let file = scratch.write("long.json", json);
    for args in [vec!["run", &file], vec!["trace", "lossy-network"]] {
        let mut child = Command::new(WILDLING)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wildling starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut first)
            .expect("a first line");
        // The reader is dropped here: the pipe is closed.
        let out = child.wait_with_output().expect("wildling ends");
        assert!(!first.is_empty(), "{args:?}");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

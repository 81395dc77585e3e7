//! `wildling explore` end to end: the binary on the teaching scenarios in
//! `scenarios/explore/`, its exit codes, and the counterexample's session
//! file replayed by `wildling run`.

mod common;

use std::path::PathBuf;

use common::{text, wildling, Scratch};

fn scenario(name: &str) -> PathBuf {
    common::repo_file(&format!("scenarios/explore/{name}.json"))
}

#[test]
fn a_lost_write_exits_1_with_its_shortest_run_as_a_session_that_replays_it() {
    let out = Scratch::new("explore-lww");
    let file = scenario("stale-write-lww");
    let found = wildling(&["explore", file.to_str().unwrap(), "--out", out.arg()]);
    let stdout = text(&found.stdout);
    assert_eq!(
        found.status.code(),
        Some(1),
        "{stdout}{}",
        text(&found.stderr)
    );
    assert!(
        stdout.contains("complete: every state within the bounds was visited"),
        "{stdout}"
    );
    assert!(
        stdout.contains("VIOLATED no-lost-write: shortest counterexample, 7 choices"),
        "{stdout}"
    );
    assert!(
        stdout.contains("lost write: op0 cart=milk (missing on n1)"),
        "{stdout}"
    );
    // The diagram: c2's put reaches n1 after c1's.
    assert!(stdout.contains("deliver #1 c2->n1"), "{stdout}");
    assert!(stdout.contains("holds over the whole bounded space: convergence, no-false-conflict"));
    let session = out.dir().join("stale-write-lww.no-lost-write.session.json");
    let replayed = wildling(&["run", session.to_str().unwrap()]);
    let run = text(&replayed.stdout);
    assert_eq!(
        replayed.status.code(),
        Some(0),
        "{run}{}",
        text(&replayed.stderr)
    );
    assert!(
        run.contains("lost write: op0 cart=milk (missing on n1)"),
        "{run}"
    );
}

#[test]
fn a_space_that_holds_exits_0_and_json_says_why() {
    let out = Scratch::new("explore-dvvset");
    let file = scenario("stale-write-dvvset");
    let held = wildling(&[
        "explore",
        file.to_str().unwrap(),
        "--json",
        "--out",
        out.arg(),
    ]);
    assert_eq!(held.status.code(), Some(0), "{}", text(&held.stderr));
    let json: serde_json::Value = serde_json::from_slice(&held.stdout).expect("JSON");
    assert_eq!(json["ended"], "complete");
    assert_eq!(json["violations"], serde_json::json!([]));
    assert_eq!(
        json["holds"],
        serde_json::json!(["no-lost-write", "convergence", "no-false-conflict"])
    );
    assert!(
        json["progress"]["settled_states"].as_u64() > Some(0),
        "{json}"
    );
    assert_eq!(
        std::fs::read_dir(out.dir()).expect("readable").count(),
        0,
        "nothing to write"
    );
}

#[test]
fn a_search_stopped_by_its_bound_exits_3_with_its_counts() {
    let out = Scratch::new("explore-bound");
    let file = scenario("stale-write-dvvset");
    let stopped = wildling(&[
        "explore",
        file.to_str().unwrap(),
        "--max-states",
        "10",
        "--property",
        "siblings<=2,no-lost-write",
        "--out",
        out.arg(),
    ]);
    let stdout = text(&stopped.stdout);
    assert_eq!(stopped.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("distinct 10,"), "{stdout}");
    assert!(
        stdout.contains("bound reached: the most distinct states"),
        "{stdout}"
    );
    // Siblings are checked at every state searched; the lost write at
    // none of them, since none settled within 10 states.
    assert!(
        stdout.contains("holds in the states searched: siblings<=2\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("so no-lost-write (checked at settled states) were checked at none"),
        "{stdout}"
    );
}

#[test]
fn a_depth_bound_before_any_state_settles_says_the_checker_checked_none() {
    let out = Scratch::new("explore-unsettled");
    let file = scenario("partition-siblings");
    let bounded = wildling(&[
        "explore",
        file.to_str().unwrap(),
        "--max-depth",
        "6",
        "--out",
        out.arg(),
    ]);
    let stdout = text(&bounded.stdout);
    assert!(stdout.contains("settled 0,"), "{stdout}");
    assert!(
        stdout.contains(
            "no state within the bounds settled, so no-lost-write, convergence, \
             no-false-conflict (checked at settled states) were checked at none"
        ),
        "{stdout}"
    );
    // Checked nowhere is not holding: the run decides nothing, exit 3.
    assert!(!stdout.contains("holds over"), "{stdout}");
    assert_eq!(bounded.status.code(), Some(3), "{stdout}");
    let json = wildling(&[
        "explore",
        file.to_str().unwrap(),
        "--max-depth",
        "6",
        "--json",
        "--out",
        out.arg(),
    ]);
    assert_eq!(json.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(
        json["unchecked"],
        serde_json::json!(["no-lost-write", "convergence", "no-false-conflict"])
    );
    assert_eq!(json["holds"], serde_json::json!([]));
    // Every state that settles is checked: the sentence is not said then.
    let file = scenario("stale-write-dvvset");
    let settled = wildling(&["explore", file.to_str().unwrap(), "--out", out.arg()]);
    let stdout = text(&settled.stdout);
    assert!(!stdout.contains("were checked at none"), "{stdout}");
    assert_eq!(settled.status.code(), Some(0), "{stdout}");
}

#[test]
fn bad_input_exits_2_naming_what_is_wrong() {
    let file = scenario("stale-write-lww");
    let file = file.to_str().unwrap();
    for (args, says) in [
        (vec!["--faults", "crash 9"], "schedule.faults[0]"),
        (vec!["--faults", "explode 1"], "is not a fault"),
        (vec!["--faults", "cut 1"], "takes 2 node numbers"),
        (vec!["--property", "fast"], "unknown property"),
        (vec!["--max-depth", "0"], "--max-depth"),
        (vec!["--max-memory-mib", "100000"], "--max-memory-mib"),
    ] {
        let mut all = vec!["explore", file];
        all.extend(&args);
        let refused = wildling(&all);
        let stderr = text(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

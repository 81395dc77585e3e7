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
    // Found at every state, the loss shows once milk is acknowledged and
    // gone from the one replica: 5 choices (7 with the end-state verdict
    // alone, which waits for the run to settle).
    assert!(
        stdout.contains("VIOLATED no-lost-write: shortest counterexample, 5 choices"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "lost write: op0 cart=milk (gone: no store, hint, request or message holds it, \
             and no put covers it)"
        ),
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
    // Siblings and no-lost-write are checked at every state searched,
    // no-lost-write in full at none, since none settled within 10 states.
    assert!(
        stdout.contains("holds in the states searched: siblings<=2, no-lost-write\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "no acknowledged write left the cluster in 10 states up to depth 3 \
             (the search stopped at a bound); 0 settled states checked in full, \
             so only the first form was checked (a write missing on one replica \
             while another still holds it is judged at settled states only)"
        ),
        "{stdout}"
    );
}

#[test]
fn a_depth_bound_before_any_state_settles_says_the_checker_checked_none_but_no_lost_write_everywhere(
) {
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
            "no state within the bounds settled, so convergence, \
             no-false-conflict (checked at settled states) were checked at none"
        ),
        "{stdout}"
    );
    // Checked nowhere is not holding: the run decides nothing, exit 3.
    // No-lost-write is checked at every state, and held at each.
    assert!(
        stdout.contains(
            "holds over the whole bounded space: no-lost-write\n  \
             no acknowledged write left the cluster in 258 states up to depth 6 \
             (depth bound reached); 0 settled states checked in full, \
             so only the first form was checked (a write missing on one replica \
             while another still holds it is judged at settled states only)"
        ),
        "{stdout}"
    );
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
        serde_json::json!(["convergence", "no-false-conflict"])
    );
    assert_eq!(json["holds"], serde_json::json!(["no-lost-write"]));
    assert_eq!(
        json["checked"],
        serde_json::json!([
            "no acknowledged write left the cluster in 258 states up to depth 6 \
             (depth bound reached); 0 settled states checked in full, \
             so only the first form was checked (a write missing on one replica \
             while another still holds it is judged at settled states only)"
        ])
    );
    // No-lost-write alone is decided over the depth-bounded space: exit 0.
    let decided = wildling(&[
        "explore",
        file.to_str().unwrap(),
        "--max-depth",
        "6",
        "--property",
        "no-lost-write",
        "--out",
        out.arg(),
    ]);
    let stdout = text(&decided.stdout);
    assert!(!stdout.contains("were checked at none"), "{stdout}");
    assert_eq!(decided.status.code(), Some(0), "{stdout}");
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

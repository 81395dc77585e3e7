//! `wildling tutorial check` end to end: every built-in tutorial file
//! passes; a copy with one assertion changed fails naming the step, with
//! exit code 1; a malformed file exits 2 naming the field.

mod common;

use std::path::PathBuf;

use common::{text, wildling, Scratch};

fn tutorial_files() -> Vec<PathBuf> {
    let dir = common::repo_file("tutorials");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tutorials/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_built_in_tutorial_file_passes() {
    let files = tutorial_files();
    assert_eq!(files.len(), 10);
    let names: Vec<&str> = files.iter().map(|p| p.to_str().expect("UTF-8")).collect();
    let mut args = vec!["tutorial", "check"];
    args.extend(&names);
    let out = wildling(&args);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok    ")).count(),
        10,
        "{stdout}"
    );
    // A built-in may also be named by its id.
    assert!(wildling(&["tutorial", "check", "lww"]).status.success());
}

/// The example `dist/tutorial.html` loads into its fourth embed: a file an
/// author wrote, which must keep passing the check it tells authors to run.
#[test]
fn the_example_authors_file_passes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/my-tutorial.json");
    let out = wildling(&["tutorial", "check", path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("ok    "), "{stdout}");
}

#[test]
fn one_changed_assertion_fails_naming_the_step() {
    let original = std::fs::read_to_string(&tutorial_files()[0]).expect("reads");
    let path = tutorial_files()[0].clone();
    assert!(path.ends_with("anti-entropy.json"), "{path:?}");
    // Step 5 claims n3 ends with both values of c; claim one instead.
    let needle = r#"{ "replica": { "node": 3, "key": "c", "values": ["1", "2"] } }"#;
    assert_eq!(original.matches(needle).count(), 1, "the file changed");
    let changed = original.replace(
        needle,
        r#"{ "replica": { "node": 3, "key": "c", "values": ["1"] } }"#,
    );
    let scratch = Scratch::new("tutorial-changed");
    let changed = scratch.write("changed.json", &changed);
    let out = wildling(&["tutorial", "check", "siblings", &changed]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("ok    siblings"), "{stdout}");
    let fail = stdout
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .expect("a FAIL line");
    assert!(
        fail.ends_with("step 5 of 5 (Exactly two keys move), steps[4].expect[0]: n3 c"),
        "{fail}"
    );
    assert!(stdout.contains("expected: values [1]"), "{stdout}");
    assert!(stdout.contains("actual:   values [1, 2]"), "{stdout}");
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    let scratch = Scratch::new("tutorial-bad");
    let bad = scratch.write(
        "bad.json",
        r#"{ "tutorial_version": 1, "id": "bad", "title": "Bad", "scenario": "read-repair",
             "steps": [{ "title": "x", "at": { "ticks": 5 }, "narration": "x",
                         "expect": [{ "replica": { "node": 9, "key": "k", "siblings": 1 } }] }] }"#,
    );
    let out = wildling(&["tutorial", "check", &bad, "siblings"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("steps[0].expect[0].replica.node: n9 is not in the cluster (n1 to n3)"),
        "{stderr}"
    );
    let out = wildling(&["tutorial", "check", "no-such-tutorial"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no built-in tutorial has that id"));
}

#[test]
fn list_names_the_built_in_tutorials() {
    let out = wildling(&["tutorial", "list"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success());
    assert_eq!(stdout.lines().count(), 10, "{stdout}");
    assert!(stdout.starts_with("siblings "), "{stdout}");
}

//! `wildling experiment` end to end: its JSON is the core's outcome for the
//! same seeds whatever the number of threads, its CSV holds every table
//! cell, `--svg` writes a chart, and bad input exits 2 naming the problem.

mod common;

use common::{stdout, text, wildling, Scratch};
use wildling_core::experiment::{Experiment, Seeds};

#[test]
fn the_json_is_the_cores_outcome_on_any_number_of_threads() {
    let expected = Experiment::builtin("staleness")
        .expect("built in")
        .with_seeds(Seeds { first: 3, end: 13 })
        .expect("valid")
        .run();
    let expected = serde_json::to_value(&expected).expect("serializes");
    for jobs in ["1", "3"] {
        let text = stdout(&[
            "experiment",
            "staleness",
            "--seeds",
            "3..13",
            "--jobs",
            jobs,
            "--json",
        ]);
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(json["outcome"], expected, "--jobs {jobs}");
        assert_eq!(json["tables"][0]["rows"].as_array().map(Vec::len), Some(8));
    }
}

#[test]
fn text_csv_and_svg() {
    let text = stdout(&["experiment", "versions-per-read", "--seeds", "0..4"]);
    assert!(text.contains("Versions per successful get"), "{text}");
    assert!(text.contains("clients=32"), "{text}");
    assert!(
        text.contains("16 runs (4 configurations × 4 seeds)"),
        "{text}"
    );
    let csv = stdout(&["experiment", "availability", "--seeds", "0..3", "--csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("table,configuration,column,value"));
    // 10 configurations × 7 columns.
    assert_eq!(lines.count(), 70, "{csv}");
    let scratch = Scratch::new("experiment-svg");
    let svg = scratch.dir().join("staleness.svg");
    stdout(&[
        "experiment",
        "staleness",
        "--seeds",
        "0..5",
        "--svg",
        svg.to_str().expect("UTF-8"),
    ]);
    let drawn = std::fs::read_to_string(&svg).expect("the chart");
    assert!(drawn.starts_with("<svg"), "{drawn}");
    assert!(drawn.contains("nrw=3/2/2 sloppy_quorum=off"));
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    let scratch = Scratch::new("experiment-bad");
    let file = scratch.write(
        "big.json",
        r#"{"version": 1, "name": "big", "scenario": "sweep-faults", "report": "latency",
            "seeds": {"first": 0, "end": 10},
            "grid": {"r": [1,2,3], "w": [1,2,3], "drop_per_million": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29]}}"#,
    );
    let out = wildling(&["experiment", &file]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("270 configurations"), "{err}");
    let out = wildling(&["experiment", "no-such-experiment"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("built in: versions-per-read, staleness"),
        "{err}"
    );
    let out = wildling(&["experiment", "latency", "--seeds", "0..1", "--svg", "x.svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--svg charts the staleness"));
    let out = wildling(&[
        "experiment",
        "staleness",
        "--seeds",
        "0..1",
        "--svg",
        "/nonexistent/x.svg",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

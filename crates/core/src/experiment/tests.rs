//! Tests of experiments: the built-ins read and make the grids they say;
//! bad files are refused naming the field and the size; a run's numbers do
//! not depend on how the runs are split between workers; and the staleness
//! experiment's curves are monotone, at 100% from t = 0 for R + W > N
//! without a sloppy quorum and below it with one.

use super::*;

fn smaller(name: &str, seeds: u64) -> Experiment {
    let e = Experiment::builtin(name).expect("built in");
    e.with_seeds(Seeds {
        first: 0,
        end: seeds,
    })
    .expect("valid")
}

fn error(text: &str) -> String {
    Experiment::from_json(text)
        .expect_err("refused")
        .to_string()
}

#[test]
fn the_builtins_make_their_grids() {
    let sizes: Vec<(&str, usize)> = builtin_experiments()
        .into_iter()
        .map(|(name, _)| {
            let e = Experiment::builtin(name).expect("valid");
            assert_eq!(e.spec.name, name);
            (name, e.configurations.len())
        })
        .collect();
    let names: Vec<&str> = sizes.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, BUILTIN_EXPERIMENT_NAMES);
    assert_eq!(
        sizes,
        [
            ("versions-per-read", 4),
            ("staleness", 8),
            ("latency", 9),
            ("availability", 10)
        ]
    );
    let staleness = Experiment::builtin("staleness").expect("valid");
    let labels: Vec<String> = staleness.configurations.iter().map(|c| c.label()).collect();
    assert_eq!(labels[0], "nrw=3/1/1 sloppy_quorum=off");
    assert_eq!(labels[7], "nrw=3/3/1 sloppy_quorum=on");
    let c = &staleness.configurations[5];
    assert_eq!(
        (
            c.scenario.cluster.n,
            c.scenario.cluster.r,
            c.scenario.cluster.w
        ),
        (3, 2, 2)
    );
    assert!(c.scenario.cluster.mechanisms.sloppy_quorum);
    // The generated workload: 3 clients × 20 rounds × (get + put), drawn
    // anew for each seed.
    assert_eq!(c.scenario_for(0).timeline.len(), 120);
    assert_ne!(c.scenario_for(0), c.scenario_for(1));
    assert_eq!(c.scenario_for(7), c.scenario_for(7));
    let availability = Experiment::builtin("availability").expect("valid");
    assert_eq!(availability.configurations[0].faults, None);
    assert_eq!(
        availability.configurations[9]
            .faults
            .as_ref()
            .map(|f| (f.faults_max, f.crashes, f.loss)),
        Some((8, true, false))
    );
}

#[test]
fn bad_experiments_are_refused_naming_the_field() {
    let base = r#""version": 1, "name": "x", "scenario": "sweep-faults", "report": "latency""#;
    let seeds = r#""seeds": {"first": 0, "end": 10}"#;
    assert!(error(&format!(
        "{{{base}, {seeds}, \"grid\": {{\"r\": [1, 2, 9]}}}}"
    ))
    .contains("configuration r=9"));
    let big = format!(
        "{{{base}, {seeds}, \"grid\": {{\"r\": [1,2,3], \"w\": [1,2,3], \"latency_ticks\": [{}], \"drop_per_million\": [{}]}}}}",
        ["[1, 2]"; 10].join(","),
        ["0"; 10].join(",")
    );
    let message = error(&big);
    assert!(message.contains("900 configurations"), "{message}");
    let axis = format!(
        "{{{base}, {seeds}, \"grid\": {{\"drop_per_million\": [{}]}}}}",
        ["0"; 33].join(",")
    );
    assert!(error(&axis).contains("grid.drop_per_million"));
    let many = format!(
        "{{{base}, \"seeds\": {{\"first\": 0, \"end\": 2000000}}, \"grid\": {{\"r\": [1,2,3], \"w\": [1,2]}}}}"
    );
    let message = error(&many);
    assert!(message.contains("12000000 runs"), "{message}");
    assert!(error(&format!(
        "{{{base}, \"seeds\": {{\"first\": 5, \"end\": 5}}}}"
    ))
    .contains("seeds"));
    assert!(error(&format!("{{{base}, {seeds}, \"grid\": {{\"rr\": [1]}}}}")).contains("grid"));
    assert!(error(&format!(
        "{{{base}, {seeds}, \"grid\": {{\"clients\": [1]}}}}"
    ))
    .contains("needs a workload"));
    assert!(error(&format!(
        "{{{base}, {seeds}, \"grid\": {{\"mode\": [\"nope\"]}}}}"
    ))
    .contains("grid.mode[0]"));
    let message = error(&format!(
        "{{{base}, {seeds}, \"workload\": {{\"clients\": 4, \"keys\": 1, \"rounds\": 1, \"round_ticks\": 3}}}}"
    ));
    assert!(message.contains("workload.round_ticks"), "{message}");
    let message = error(
        r#"{"version": 1, "name": "x", "scenario": {"version": 1, "cluster": {"nodes": 3, "n": 3, "r": 4, "w": 1, "mode": "dvvset"}}, "seeds": {"first": 0, "end": 1}, "report": "latency"}"#,
    );
    assert!(message.contains("scenario.cluster"), "{message}");
    assert!(error(r#"{"version": 1, "name": "x", "scenario": "nope", "seeds": {"first": 0, "end": 1}, "report": "latency"}"#)
        .contains("no built-in scenario"));
}

#[test]
fn splitting_runs_between_workers_changes_nothing() {
    let e = smaller("versions-per-read", 6);
    let whole = e.run();
    // Two workers taking alternate runs, merged in the other order.
    let (mut a, mut b) = (e.empty_sums(), e.empty_sums());
    for i in 0..e.runs() {
        e.measure_run(i, if i % 2 == 0 { &mut a } else { &mut b });
    }
    merge_sums(&mut b, &a);
    assert_eq!(e.outcome(b), whole);
    assert_eq!(whole.configurations[0].measurements.runs, 6);
    // One client never races: every get sees at most one version.
    let one = &whole.configurations[0].measurements.versions_per_get;
    assert_eq!(one.iter().filter(|(v, _)| *v > 1).count(), 0, "{one:?}");
    // Thirty-two clients on sixteen keys do.
    let eight = &whole.configurations[3].measurements.versions_per_get;
    assert!(eight.iter().any(|(v, _)| v > 1), "{eight:?}");
}

#[test]
fn staleness_curves_are_monotone_and_strict_quorums_see_everything() {
    let outcome = smaller("staleness", 60).run();
    for c in &outcome.configurations {
        let curve = c.measurements.t_visibility();
        assert!(!curve.is_empty(), "{}: no put was read", c.label);
        for pair in curve.windows(2) {
            assert!(pair[0].probability <= pair[1].probability, "{}", c.label);
        }
        assert_eq!(curve.last().map(|p| p.probability), Some(1.0));
        let [n, r, w]: [u8; 3] = {
            let nrw = &c.params[0].1;
            let v: Vec<u8> = nrw
                .split('/')
                .map(|x| x.parse().expect("a number"))
                .collect();
            [v[0], v[1], v[2]]
        };
        let sloppy = c.params[1].1 == "on";
        let at_zero = curve[0].probability;
        if r + w > n && !sloppy {
            assert_eq!((curve[0].t, at_zero), (0, 1.0), "{}", c.label);
        } else {
            assert!(at_zero < 1.0, "{}: {at_zero}", c.label);
        }
    }
    let tables = outcome.tables();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].rows.len(), 8);
    assert!(tables
        .iter()
        .all(|t| t.rows.iter().all(|r| r.len() == t.columns.len())));
}

//! Tests of the charts as data: every built-in experiment charts with a
//! table row per point and every point within its axes; the staleness
//! chart's lines are the core's t-visibility curves, monotone, at 100% from
//! t = 0 for R + W > N without a sloppy quorum and below it with one; ticks
//! are nice and cover the data; long lines are thinned to the bound.

use super::*;
use crate::experiment::{Experiment, Seeds};

fn outcome(name: &str, seeds: u64) -> Outcome {
    Experiment::builtin(name)
        .expect("built in")
        .with_seeds(Seeds {
            first: 0,
            end: seeds,
        })
        .expect("valid")
        .run()
}

#[test]
fn every_builtin_charts_with_a_twin_row_per_point() {
    for (name, _) in crate::experiment::builtin_experiments() {
        let o = outcome(name, 3);
        let drawn = charts(&o);
        let expected = if o.report == Report::Latency { 2 } else { 1 };
        assert_eq!(drawn.len(), expected, "{name}");
        for chart in drawn {
            let points: usize = chart.series.iter().map(|s| s.points.len()).sum();
            assert!(points > 0, "{name}: no points");
            let table = chart.table();
            assert_eq!(table.rows.len(), points, "{name}");
            assert_eq!(table.columns.len(), 3);
            assert!(table.rows.iter().all(|r| r.len() == 3 && !r[1].is_empty()));
            for p in chart.series.iter().flat_map(|s| &s.points) {
                assert!(p.configuration < o.configurations.len());
                assert_eq!(p.seed, 0);
                assert!(!p.text.is_empty());
                assert!((chart.y.min..=chart.y.max).contains(&p.y), "{name}: {p:?}");
                assert!((chart.x.min..=chart.x.max).contains(&p.x), "{name}: {p:?}");
            }
            assert!(chart.y.ticks.len() >= 2, "{name}: {:?}", chart.y.ticks);
        }
    }
}

#[test]
fn bars_are_the_tables_numbers() {
    let o = outcome("availability", 20);
    let chart = &charts(&o)[0];
    assert_eq!(chart.kind, ChartKind::Bars);
    assert_eq!(chart.x.ticks.len(), o.configurations.len());
    let all = &chart.series[0];
    assert_eq!(all.label, "all operations");
    let table = &o.tables()[0];
    for (p, row) in all.points.iter().zip(&table.rows) {
        // The table's "ok" column, and the bar's hover text, agree.
        assert!(p.text.starts_with(&row[2]), "{} vs {}", p.text, row[2]);
        assert_eq!(chart.x.ticks[p.x as usize].1, row[0]);
    }
    // No crash at all: every operation ok.
    assert!(
        all.points[0].text.starts_with("100.00%"),
        "{}",
        all.points[0].text
    );
}

#[test]
fn staleness_lines_are_the_core_curves_and_strict_quorums_see_everything() {
    let o = outcome("staleness", 60);
    let chart = &charts(&o)[0];
    assert_eq!(chart.kind, ChartKind::Steps);
    assert_eq!(chart.series.len(), o.configurations.len());
    for (s, c) in chart.series.iter().zip(&o.configurations) {
        let curve = c.measurements.t_visibility();
        assert_eq!(s.points.len(), curve.len());
        for (p, q) in s.points.iter().zip(&curve) {
            assert_eq!(p.x, q.t as f64);
            assert_eq!(p.y, q.probability * 100.0);
        }
        assert!(
            s.points
                .windows(2)
                .all(|w| w[0].y <= w[1].y && w[0].x < w[1].x),
            "{}: not monotone",
            s.label
        );
        assert_eq!(s.points.last().map(|p| p.y), Some(100.0), "{}", s.label);
        let nrw: Vec<u8> = c.params[0]
            .1
            .split('/')
            .map(|x| x.parse().expect("a number"))
            .collect();
        let sloppy = c.params[1].1 == "on";
        let first = &s.points[0];
        if nrw[1] + nrw[2] > nrw[0] && !sloppy {
            assert_eq!((first.x, first.y), (0.0, 100.0), "{}", s.label);
            assert!(
                first.text.starts_with("t = 0 ticks: 100.00%"),
                "{}",
                first.text
            );
        } else {
            assert_eq!(first.x, 0.0, "{}", s.label);
            assert!(first.y < 100.0, "{}: {}", s.label, first.y);
        }
    }
    // Both kinds are on the chart: the axis reaches below 100%.
    assert!(chart.y.min < 100.0 && chart.y.max == 100.0);
}

#[test]
fn the_latency_cdf_rises_to_every_get() {
    let o = outcome("latency", 4);
    let cdf = &charts(&o)[1];
    assert_eq!(cdf.kind, ChartKind::Steps);
    for (s, c) in cdf.series.iter().zip(&o.configurations) {
        let h = &c.measurements.get_latency_ticks.ok;
        assert_eq!(s.points.len(), h.iter().count());
        assert!(s
            .points
            .windows(2)
            .all(|w| w[0].y < w[1].y && w[0].x < w[1].x));
        assert_eq!(s.points.last().map(|p| p.y), Some(100.0));
        // The median bar's value is where the CDF first reaches 50%.
        let p50 = h.percentile(500_000).expect("gets") as f64;
        let reach = s.points.iter().find(|p| p.y >= 50.0).map(|p| p.x);
        assert_eq!(reach, Some(p50), "{}", s.label);
    }
}

#[test]
fn ticks_are_nice_and_cover_the_range() {
    let (min, max, t) = ticks(0.0, 37.0, "");
    assert_eq!((min, max), (0.0, 40.0));
    let values: Vec<f64> = t.iter().map(|x| x.0).collect();
    assert_eq!(values, [0.0, 10.0, 20.0, 30.0, 40.0]);
    let (_, _, t) = ticks(95.0, 100.0, "%");
    assert_eq!(t.first().map(|x| x.1.as_str()), Some("95%"));
    assert_eq!(t.last().map(|x| x.1.as_str()), Some("100%"));
    let (min, max, t) = ticks(3.0, 3.0, "");
    assert!(min <= 3.0 && max >= 4.0, "{min} {max}");
    assert_eq!(t.first().map(|x| x.1.as_str()), Some("3.0"));
    let (_, max, t) = ticks(0.0, 1e12, "");
    assert!(max >= 1e12 && t.len() <= 13);
}

#[test]
fn long_lines_are_thinned_keeping_the_last_point() {
    let points: Vec<usize> = (0..10_000).collect();
    let kept = thin(points);
    assert!(kept.len() <= MAX_LINE_POINTS, "{}", kept.len());
    assert_eq!(kept.first(), Some(&0));
    assert_eq!(kept.last(), Some(&9_999));
    let short: Vec<usize> = (0..10).collect();
    assert_eq!(thin(short.clone()), short);
}

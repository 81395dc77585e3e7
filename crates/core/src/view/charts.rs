//! The charts of an experiment's outcome, as plain data: every number a
//! chart shows (values, axis ranges and tick labels, hover texts, the table
//! twin's cells) is decided here; [`crate::drawing::chart`] only maps values
//! to the drawing's units.
//!
//! Each report draws:
//! - *versions*: a histogram, the share of successful gets that returned
//!   0, 1, 2, 3 or 4+ versions, one bar per configuration in each group;
//! - *staleness*: the t-visibility curve of each configuration
//!   ([`Measurements::t_visibility`], the CDF of the puts' staleness
//!   windows), a step line (each probability holds until the next point);
//! - *latency*: percentile bars (p50, p99 and p99.9 of gets and puts, a
//!   group per configuration), and the CDF of ok gets' latency, one step
//!   line per configuration;
//! - *availability*: the share of operations, of gets and of puts answered
//!   ok, a group per configuration.
//!
//! Every point carries its configuration's index and a seed of that
//! configuration (the experiment's first), so a click can open that seed's
//! run in the playground, and its hover text. The table twin
//! ([`Chart::table`]) lists exactly the points drawn, one row each.
//!
//! CAVEATS
//! - The seed a point opens is its configuration's first seed, not one
//!   chosen for the point's value: the sums keep no seed numbers.
//! - A configuration without samples (no get succeeded, no put was read
//!   after its acknowledgement) has no points; its legend entry says so.
//! - A line keeps at most [`MAX_LINE_POINTS`] points (every k-th and the
//!   last): a curve over a million distinct latencies is not a picture.
//! - Ticks are "nice" steps (1, 2 or 5 × 10^k) over the data's range; a
//!   range of one value is widened to show it.

use crate::experiment::{Outcome, Report, Table};
use crate::measure::Histogram;

/// The most points one line keeps (the drawing and the table twin).
pub const MAX_LINE_POINTS: usize = 400;

/// How a chart draws its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Step lines through the points, one per series.
    Steps,
    /// Groups of bars: one group per x category, one bar per series.
    Bars,
}

/// One axis: its label (with the unit), range and ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartAxis {
    /// `t, ticks after the put's acknowledgement`.
    pub label: String,
    /// The smallest value shown.
    pub min: f64,
    /// The largest value shown.
    pub max: f64,
    /// Where the tick marks go, with their text.
    pub ticks: Vec<(f64, String)>,
}

/// One point (or bar): where it is, what hovering it says, and which run
/// it opens.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPoint {
    /// The x value (a category's index for bars).
    pub x: f64,
    /// The y value.
    pub y: f64,
    /// The hover text and the table twin's value, with units.
    pub text: String,
    /// The configuration's index in grid order.
    pub configuration: usize,
    /// The seed a click opens.
    pub seed: u64,
}

/// One series: a configuration's line, or one measure's bars.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSeries {
    /// The legend's text.
    pub label: String,
    /// The points, in increasing x.
    pub points: Vec<ChartPoint>,
}

/// One chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// What it shows.
    pub title: String,
    /// Lines or bars.
    pub kind: ChartKind,
    /// The horizontal axis (for bars, its ticks name the categories).
    pub x: ChartAxis,
    /// The vertical axis.
    pub y: ChartAxis,
    /// The series, in legend order.
    pub series: Vec<ChartSeries>,
}

impl Chart {
    /// The chart's table twin: one row per point drawn, with the x
    /// category or value, the series and the hover text.
    pub fn table(&self) -> Table {
        let rows = self
            .series
            .iter()
            .flat_map(|s| {
                s.points.iter().map(|p| {
                    let x = match self.kind {
                        ChartKind::Bars => self
                            .x
                            .ticks
                            .get(p.x as usize)
                            .map_or_else(String::new, |t| t.1.clone()),
                        ChartKind::Steps => number(p.x),
                    };
                    vec![s.label.clone(), x, p.text.clone()]
                })
            })
            .collect();
        Table {
            title: self.title.clone(),
            columns: vec![
                "series".to_string(),
                self.x.label.clone(),
                self.y.label.clone(),
            ],
            rows,
        }
    }
}

/// The charts of an experiment's outcome (see the module documentation).
pub fn charts(outcome: &Outcome) -> Vec<Chart> {
    match outcome.report {
        Report::Versions => vec![versions(outcome)],
        Report::Staleness => vec![staleness(outcome)],
        Report::Latency => vec![latency(outcome), latency_cdf(outcome)],
        Report::Availability => vec![availability(outcome)],
    }
}

fn percent(x: f64) -> String {
    format!("{x:.2}%")
}

/// A value as the twin writes it: an integer without decimals.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// "Nice" ticks over `[min, max]`: about five, at 1, 2 or 5 × 10^k; the
/// range returned is the ticks' (it covers `[min, max]`).
fn ticks(min: f64, max: f64, unit: &str) -> (f64, f64, Vec<(f64, String)>) {
    let (min, max) = if max > min {
        (min, max)
    } else {
        (min, min + 1.0)
    };
    let raw = (max - min) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (min / step).floor() * step;
    let last = (max / step).ceil() * step;
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let out = (0..=12)
        .map(|i| first + f64::from(i) * step)
        .take_while(|v| *v <= last + step * 1e-9)
        .map(|v| (v, format!("{v:.decimals$}{unit}")))
        .collect();
    (first, last, out)
}

/// A bar's value: its height, its text and its configuration.
type Bar = Option<(f64, String, usize)>;

/// Bars: `categories` along x, one series per `(label, bars)`.
struct Bars<'a> {
    title: &'a str,
    x_label: &'a str,
    categories: Vec<String>,
    y_label: &'a str,
    y_unit: &'a str,
    series: Vec<(String, Vec<Bar>)>,
    y_max_at_least: f64,
}

fn bars(b: Bars<'_>, seed: u64) -> Chart {
    let y_max = b
        .series
        .iter()
        .flat_map(|(_, values)| values.iter().flatten().map(|v| v.0))
        .fold(b.y_max_at_least, f64::max);
    let (min, max, y_ticks) = ticks(0.0, y_max, b.y_unit);
    let series = b
        .series
        .into_iter()
        .map(|(label, values)| ChartSeries {
            label,
            points: values
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let (y, text, configuration) = v?;
                    Some(ChartPoint {
                        x: i as f64,
                        y,
                        text,
                        configuration,
                        seed,
                    })
                })
                .collect(),
        })
        .collect();
    Chart {
        title: b.title.to_string(),
        kind: ChartKind::Bars,
        x: ChartAxis {
            label: b.x_label.to_string(),
            min: -0.5,
            max: b.categories.len() as f64 - 0.5,
            ticks: b
                .categories
                .into_iter()
                .enumerate()
                .map(|(i, c)| (i as f64, c))
                .collect(),
        },
        y: ChartAxis {
            label: b.y_label.to_string(),
            min,
            max,
            ticks: y_ticks,
        },
        series,
    }
}

fn labels(outcome: &Outcome) -> Vec<String> {
    outcome
        .configurations
        .iter()
        .map(|c| c.label.clone())
        .collect()
}

fn versions(outcome: &Outcome) -> Chart {
    let series = outcome
        .configurations
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let h = &c.measurements.versions_per_get;
            let n = h.count();
            let values = (0..5u64)
                .map(|k| {
                    let count = if k < 4 {
                        h.of(k)
                    } else {
                        h.iter().filter(|(v, _)| *v >= 4).map(|(_, n)| n).sum()
                    };
                    (n > 0).then(|| {
                        let y = share(count, n);
                        (y, format!("{} of {n} gets ({count})", percent(y)), ci)
                    })
                })
                .collect();
            (c.label.clone(), values)
        })
        .collect();
    bars(
        Bars {
            title: "Versions per successful get",
            x_label: "versions returned",
            categories: ["0", "1", "2", "3", "4+"].map(String::from).to_vec(),
            y_label: "share of gets (%)",
            y_unit: "%",
            series,
            y_max_at_least: 1.0,
        },
        outcome.seeds.first,
    )
}

fn latency(outcome: &Outcome) -> Chart {
    let measures: [(&str, bool, u32); 6] = [
        ("get p50", true, 500_000),
        ("get p99", true, 990_000),
        ("get p99.9", true, 999_000),
        ("put p50", false, 500_000),
        ("put p99", false, 990_000),
        ("put p99.9", false, 999_000),
    ];
    let series = measures
        .iter()
        .map(|&(label, get, q)| {
            let values = outcome
                .configurations
                .iter()
                .enumerate()
                .map(|(ci, c)| {
                    let h: &Histogram = if get {
                        &c.measurements.get_latency_ticks.ok
                    } else {
                        &c.measurements.put_latency_ticks.ok
                    };
                    h.percentile(q).map(|v| {
                        (
                            v as f64,
                            format!("{label}: {v} ticks (of {} ok)", h.count()),
                            ci,
                        )
                    })
                })
                .collect();
            (label.to_string(), values)
        })
        .collect();
    bars(
        Bars {
            title: "Latency percentiles of ok operations (nearest rank)",
            x_label: "configuration",
            categories: labels(outcome),
            y_label: "latency (ticks)",
            y_unit: "",
            series,
            y_max_at_least: 1.0,
        },
        outcome.seeds.first,
    )
}

fn availability(outcome: &Outcome) -> Chart {
    let measures: [&str; 3] = ["all operations", "gets", "puts"];
    let series = measures
        .iter()
        .enumerate()
        .map(|(mi, &label)| {
            let values = outcome
                .configurations
                .iter()
                .enumerate()
                .map(|(ci, c)| {
                    let m = &c.measurements;
                    let a = match mi {
                        0 => m.availability(),
                        1 => m.gets,
                        _ => m.puts,
                    };
                    (a.total() > 0).then(|| {
                        let y = share(a.ok, a.total());
                        (y, format!("{} of {} {label} ok", percent(y), a.total()), ci)
                    })
                })
                .collect();
            (label.to_string(), values)
        })
        .collect();
    bars(
        Bars {
            title: "Operations answered ok",
            x_label: "configuration",
            categories: labels(outcome),
            y_label: "answered ok (%)",
            y_unit: "%",
            series,
            y_max_at_least: 100.0,
        },
        outcome.seeds.first,
    )
}

/// At most [`MAX_LINE_POINTS`] of `points`: every k-th, and the last.
fn thin<T>(points: Vec<T>) -> Vec<T> {
    let n = points.len();
    if n <= MAX_LINE_POINTS {
        return points;
    }
    let every = n.div_ceil(MAX_LINE_POINTS - 1);
    points
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i == n - 1)
        .map(|(_, p)| p)
        .collect()
}

/// A configuration's line: `(x, y in %, hover text)` for each point.
type LinePoints<'a> = &'a dyn Fn(&crate::measure::Measurements) -> Vec<(f64, f64, String)>;

/// Step lines, one per configuration, from each configuration's points
/// `(x, y in %, hover text)`; y is drawn from 0, or from just below the
/// lowest point when every point is above 50%.
struct Steps<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    empty: &'a str,
}

fn steps(outcome: &Outcome, s: Steps<'_>, points: LinePoints<'_>) -> Chart {
    let series: Vec<ChartSeries> = outcome
        .configurations
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let points: Vec<ChartPoint> = thin(points(&c.measurements))
                .into_iter()
                .map(|(x, y, text)| ChartPoint {
                    x,
                    y,
                    text,
                    configuration: ci,
                    seed: outcome.seeds.first,
                })
                .collect();
            let label = if points.is_empty() {
                format!("{} ({})", c.label, s.empty)
            } else {
                c.label.clone()
            };
            ChartSeries { label, points }
        })
        .collect();
    let all = || series.iter().flat_map(|s| s.points.iter());
    let x_max = all().map(|p| p.x).fold(1.0, f64::max);
    let y_min = all().map(|p| p.y).fold(100.0, f64::min);
    let (x_min, x_max, x_ticks) = ticks(0.0, x_max, "");
    let low = if y_min > 50.0 {
        y_min.floor() - 1.0
    } else {
        0.0
    };
    let (y_low, y_high, y_ticks) = ticks(low, 100.0, "%");
    Chart {
        title: s.title.to_string(),
        kind: ChartKind::Steps,
        x: ChartAxis {
            label: s.x_label.to_string(),
            min: x_min,
            max: x_max,
            ticks: x_ticks,
        },
        y: ChartAxis {
            label: s.y_label.to_string(),
            min: y_low,
            max: y_high,
            ticks: y_ticks,
        },
        series,
    }
}

fn staleness(outcome: &Outcome) -> Chart {
    steps(
        outcome,
        Steps {
            title: "t-visibility: P(every get invoked t or more ticks after a put's ack sees it)",
            x_label: "t (ticks after the put's acknowledgement)",
            y_label: "puts visible to every later get (%)",
            empty: "no put read after its ack",
        },
        &|m| {
            m.t_visibility()
                .into_iter()
                .map(|p| {
                    let y = p.probability * 100.0;
                    let text = format!(
                        "t = {} ticks: {} ({} of {} puts)",
                        p.t,
                        percent(y),
                        p.visible,
                        p.puts
                    );
                    (p.t as f64, y, text)
                })
                .collect()
        },
    )
}

fn latency_cdf(outcome: &Outcome) -> Chart {
    steps(
        outcome,
        Steps {
            title: "Latency of ok gets: P(latency ≤ t)",
            x_label: "latency (ticks)",
            y_label: "ok gets at or below (%)",
            empty: "no get answered ok",
        },
        &|m| {
            let h = &m.get_latency_ticks.ok;
            let n = h.count();
            let mut within = 0;
            h.iter()
                .map(|(v, c)| {
                    within += c;
                    let y = share(within, n);
                    let text = format!("≤ {v} ticks: {} ({within} of {n} gets)", percent(y));
                    (v as f64, y, text)
                })
                .collect()
        },
    )
}

#[cfg(test)]
mod tests;

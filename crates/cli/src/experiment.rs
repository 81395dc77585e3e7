//! `wildling experiment`: run a built-in experiment or an experiment file
//! (`wildling_core::experiment`) over its grid and seeds on worker threads,
//! and print its tables as text, CSV (`--csv`, one row per cell) or JSON
//! (`--json`, every measurement), and chart it as SVG (`--svg FILE`).

use std::path::Path;

use plotters::prelude::*;
use wildling_core::experiment::{
    builtin_experiments, merge_sums, Experiment, Outcome, Report, Seeds, Table,
};
use wildling_core::measure::Measurements;
use wildling_core::quoted::shown;

use crate::{read_capped, workers, BadInput};

/// How `wildling experiment` prints its outcome.
pub struct Output {
    /// CSV instead of text.
    pub csv: bool,
    /// JSON instead of text.
    pub json: bool,
    /// Also chart the outcome into this SVG file.
    pub svg: Option<std::path::PathBuf>,
}

/// Read a built-in experiment by name, or an experiment file.
pub fn load(name: &str) -> Result<Experiment, BadInput> {
    if let Some(e) = Experiment::builtin(name) {
        return Ok(e);
    }
    let text = read_capped(name).map_err(|e| {
        let names: Vec<&str> = builtin_experiments().into_iter().map(|(n, _)| n).collect();
        BadInput(format!(
            "{}: {e}, and no built-in experiment has that name (built in: {})",
            shown(name),
            names.join(", ")
        ))
    })?;
    Experiment::from_json(&text).map_err(|e| BadInput(format!("{}: {e}", shown(name))))
}

/// Run `experiment` (over `seeds` if given) on `jobs` threads and print it.
pub fn run(
    experiment: Experiment,
    seeds: Option<(u64, u64)>,
    jobs: u16,
    output: &Output,
) -> Result<(), BadInput> {
    let experiment = match seeds {
        Some((first, end)) => experiment
            .with_seeds(Seeds { first, end })
            .map_err(|e| BadInput(format!("--seeds: {e}")))?,
        None => experiment,
    };
    if output.svg.is_some()
        && matches!(
            experiment.spec.report,
            Report::Latency | Report::Availability
        )
    {
        return Err(BadInput(
            "--svg charts the staleness and versions reports; this experiment's tables are its output"
                .to_string(),
        ));
    }
    let total = experiment.runs();
    let (parts, elapsed) = workers::run(
        total,
        jobs,
        "runs",
        || experiment.empty_sums(),
        |i, sums| experiment.measure_run(i, sums),
    );
    let mut sums = experiment.empty_sums();
    for part in &parts {
        merge_sums(&mut sums, part);
    }
    let outcome = experiment.outcome(sums);
    let timing = format!(
        "{total} runs ({} configurations × {} seeds) in {:.2} s on {jobs} threads ({:.0} runs/s)",
        experiment.configurations.len(),
        experiment.spec.seeds.count(),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    let tables = outcome.tables();
    if output.json {
        let json = serde_json::json!({ "outcome": &outcome, "tables": &tables });
        outln!("{json}");
        eprintln!("{timing}");
    } else if output.csv {
        out!("{}", csv_text(&tables)?);
        eprintln!("{timing}");
    } else {
        outln!("{}: {}", outcome.name, experiment.spec.description);
        outln!(
            "seeds {}..{}",
            experiment.spec.seeds.first,
            experiment.spec.seeds.end
        );
        for table in &tables {
            outln!("\n{}", text_table(table));
        }
        outln!("{timing}");
    }
    if let Some(path) = &output.svg {
        chart(&outcome, path)?;
    }
    Ok(())
}

/// A table with aligned columns under its title.
fn text_table(table: &Table) -> String {
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.chars().count()).collect();
    for row in &table.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = format!("{}\n{}", table.title, line(&table.columns));
    for row in &table.rows {
        out.push('\n');
        out.push_str(&line(row));
    }
    out
}

/// Every cell of every table as one CSV row: table, configuration, column, value.
fn csv_text(tables: &[Table]) -> Result<String, BadInput> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| BadInput(format!("cannot write CSV: {e}"));
    w.write_record(["table", "configuration", "column", "value"])
        .map_err(failed)?;
    for table in tables {
        for row in &table.rows {
            for (column, value) in table.columns.iter().zip(row).skip(1) {
                w.write_record([&table.title, &row[0], column, value])
                    .map_err(failed)?;
            }
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| BadInput(format!("cannot write CSV: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of strings is UTF-8"))
}

/// One series of a chart: its label and its points.
type Series = (String, Vec<(f64, f64)>);

/// Chart the outcome as SVG: the t-visibility curves (staleness) or the
/// share of gets by versions returned (versions), one line per configuration.
fn chart(outcome: &Outcome, path: &Path) -> Result<(), BadInput> {
    let (title, x_label, series): (&str, &str, Vec<Series>) = match outcome.report {
        Report::Staleness => (
            "t-visibility: P(every later get sees an acknowledged put)",
            "ticks after the put's acknowledgement",
            lines(outcome, |m| {
                // A step function: each point holds until the next.
                let mut points = Vec::new();
                for p in m.t_visibility() {
                    if let Some(&(_, before)) = points.last() {
                        points.push((p.t as f64, before));
                    }
                    points.push((p.t as f64, p.probability * 100.0));
                }
                points
            }),
        ),
        Report::Versions => (
            "Versions per successful get",
            "versions returned",
            lines(outcome, |m| {
                let v = &m.versions_per_get;
                let n = v.count().max(1) as f64;
                v.iter()
                    .map(|(k, c)| (k as f64, c as f64 * 100.0 / n))
                    .collect()
            }),
        ),
        Report::Latency | Report::Availability => {
            unreachable!("refused before the runs")
        }
    };
    let x_max = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p.0))
        .fold(1.0f64, f64::max);
    // Curves reaching 100% at their last window are drawn on to the end.
    let series: Vec<Series> = series
        .into_iter()
        .map(|(label, mut points)| {
            if outcome.report == Report::Staleness {
                if let Some(&(_, last)) = points.last() {
                    points.push((x_max * 1.05, last));
                }
            }
            (label, points)
        })
        .collect();
    // Curves that all stay high are drawn from just below their lowest point.
    let y_min = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p.1))
        .fold(100.0f64, f64::min);
    let y_low = if y_min > 50.0 {
        (y_min - 1.0).floor()
    } else {
        0.0
    };
    let failed = |e: &dyn std::fmt::Display| BadInput(format!("{}: {e}", path.display()));
    let root = SVGBackend::new(path, (900, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| failed(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{}: {title}", outcome.name), ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..x_max * 1.05, y_low..100.5f64)
        .map_err(|e| failed(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc("percent")
        .draw()
        .map_err(|e| failed(&e))?;
    for (i, (label, points)) in series.into_iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(|e| failed(&e))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| failed(&e))?;
    root.present().map_err(|e| failed(&e))?;
    Ok(())
}

fn lines(outcome: &Outcome, points: impl Fn(&Measurements) -> Vec<(f64, f64)>) -> Vec<Series> {
    outcome
        .configurations
        .iter()
        .map(|c| (c.label.clone(), points(&c.measurements)))
        .collect()
}

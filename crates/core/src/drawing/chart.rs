//! An experiment's chart drawn: axes with their ticks and labels, one step
//! line or one set of bars per series, and a legend, as an
//! [`svg::Element`](super::svg::Element) tree.
//!
//! What is drawn comes from [`crate::view::Chart`] (values, ranges, tick
//! texts, hover texts); this file maps values to the drawing's units and
//! picks colours ([`series_color`]). Every point or bar is a `<g
//! class="point">` holding a `<title>` (the hover text: a browser shows it
//! on hover, and it is the point's accessible name) and its shape, with
//! `data-configuration` and `data-seed` naming the run a click opens, and
//! `tabindex="0"` and `role="button"` so a keyboard reaches it. A step line also gets a dot at
//! each point, the thing hovered. Colours and sizes are attributes, so the
//! tree needs no stylesheet (the page's and a file's look the same).
//!
//! CAVEATS
//! - Colours cycle after [`SERIES_COLORS`]'s eight; the legend's text and
//!   the table twin tell series apart in any case.
//! - Category labels under bars are cut to [`CATEGORY_CHARS`] characters;
//!   the title of each bar and the table twin carry them whole.

use super::svg::Element;
use crate::view::{Chart, ChartKind};

/// The drawing's width in its units.
pub const WIDTH: f64 = 720.0;
const PLOT_HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
/// Below the plot: tick texts and the x axis's label.
const BELOW: f64 = 56.0;
const LEGEND_ROW: f64 = 18.0;
/// The longest category text written under a group of bars.
pub const CATEGORY_CHARS: usize = 24;

/// The series' colours, in legend order; readable on light and dark.
pub const SERIES_COLORS: [&str; 8] = [
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777",
];

/// The colour of series `i`.
pub fn series_color(i: usize) -> &'static str {
    SERIES_COLORS[i % SERIES_COLORS.len()]
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// The drawing's height: the plot, its axis texts, and a legend row for
/// every two series.
pub fn height(chart: &Chart) -> f64 {
    TOP + PLOT_HEIGHT + BELOW + LEGEND_ROW * chart.series.len().div_ceil(2) as f64 + 4.0
}

/// The chart as an `<svg>` (see the module documentation).
pub fn chart(c: &Chart) -> Element {
    let span = |min: f64, max: f64| if max > min { max - min } else { 1.0 };
    let bottom = TOP + PLOT_HEIGHT;
    let px = |x: f64| LEFT + (x - c.x.min) / span(c.x.min, c.x.max) * (WIDTH - LEFT - RIGHT);
    let py = |y: f64| bottom - (y - c.y.min) / span(c.y.min, c.y.max) * PLOT_HEIGHT;
    let height = height(c);
    let text = |x: f64, y: f64, anchor: &str, s: &str| {
        Element::new("text")
            .attr("x", f(x))
            .attr("y", f(y))
            .attr("text-anchor", anchor)
            .attr("font-size", "11")
            .attr("fill", "currentColor")
            .text(s)
    };
    let line = |x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str| {
        Element::new("line")
            .attr("x1", f(x1))
            .attr("y1", f(y1))
            .attr("x2", f(x2))
            .attr("y2", f(y2))
            .attr("stroke", stroke)
    };
    let mut axes = Element::new("g").attr("class", "axes");
    for (v, label) in &c.y.ticks {
        axes = axes
            .child(line(LEFT, py(*v), WIDTH - RIGHT, py(*v), "#d9dce1").attr("stroke-width", "0.6"))
            .child(text(LEFT - 6.0, py(*v) + 4.0, "end", label));
    }
    for (v, label) in &c.x.ticks {
        let label = match c.kind {
            ChartKind::Bars if label.chars().count() > CATEGORY_CHARS => {
                let mut cut: String = label.chars().take(CATEGORY_CHARS - 1).collect();
                cut.push('…');
                cut
            }
            _ => label.clone(),
        };
        axes = axes
            .child(line(px(*v), bottom, px(*v), bottom + 4.0, "currentColor"))
            .child(text(px(*v), bottom + 16.0, "middle", &label));
    }
    let middle_y = (TOP + bottom) / 2.0;
    axes = axes
        .child(line(LEFT, TOP, LEFT, bottom, "currentColor"))
        .child(line(LEFT, bottom, WIDTH - RIGHT, bottom, "currentColor"))
        .child(text(
            (LEFT + WIDTH - RIGHT) / 2.0,
            bottom + 36.0,
            "middle",
            &c.x.label,
        ))
        .child(
            text(14.0, middle_y, "middle", &c.y.label)
                .attr("transform", format!("rotate(-90 14 {})", f(middle_y))),
        );
    let groups = c.x.ticks.len().max(1) as f64;
    let per_group = c.series.len().max(1) as f64;
    let group_width = (WIDTH - LEFT - RIGHT) / groups;
    let bar_width = group_width * 0.8 / per_group;
    let mut plot = Element::new("g").attr("class", "series");
    for (si, s) in c.series.iter().enumerate() {
        let paint = series_color(si);
        let mut g = Element::new("g")
            .attr("class", "line")
            .attr("fill", paint)
            .attr("stroke", paint);
        if c.kind == ChartKind::Steps {
            if let Some(first) = s.points.first() {
                let mut d = format!("M{} {}", f(px(first.x)), f(py(first.y)));
                for p in &s.points[1..] {
                    d.push_str(&format!("H{}V{}", f(px(p.x)), f(py(p.y))));
                }
                d.push_str(&format!("H{}", f(px(c.x.max))));
                g = g.child(
                    Element::new("path")
                        .attr("d", d)
                        .attr("fill", "none")
                        .attr("stroke-width", "2"),
                );
            }
        }
        for p in &s.points {
            let shape = match c.kind {
                ChartKind::Steps => Element::new("circle")
                    .attr("cx", f(px(p.x)))
                    .attr("cy", f(py(p.y)))
                    .attr("r", "4"),
                ChartKind::Bars => {
                    let x = px(p.x) - group_width * 0.4 + si as f64 * bar_width;
                    let base = py(c.y.min.max(0.0));
                    let top = py(p.y);
                    Element::new("rect")
                        .attr("x", f(x))
                        .attr("y", f(top.min(base)))
                        .attr("width", f(bar_width.max(1.0)))
                        .attr("height", f((base - top).abs().max(1.0)))
                        .attr("stroke", "none")
                }
            };
            let hover = format!("{}: {}", s.label, p.text);
            g = g.child(
                Element::new("g")
                    .attr("class", "point")
                    .attr("tabindex", "0")
                    .attr("role", "button")
                    .attr("aria-label", hover.clone())
                    .attr("data-configuration", p.configuration.to_string())
                    .attr("data-seed", p.seed.to_string())
                    .child(Element::new("title").text(hover))
                    .child(shape),
            );
        }
        plot = plot.child(g);
    }
    let mut legend = Element::new("g").attr("class", "legend");
    let legend_top = bottom + BELOW;
    for (si, s) in c.series.iter().enumerate() {
        let x = LEFT + (si % 2) as f64 * (WIDTH - LEFT - RIGHT) / 2.0;
        let y = legend_top + (si / 2) as f64 * LEGEND_ROW;
        legend = legend
            .child(
                Element::new("rect")
                    .attr("x", f(x))
                    .attr("y", f(y))
                    .attr("width", "12")
                    .attr("height", "12")
                    .attr("fill", series_color(si)),
            )
            .child(text(x + 18.0, y + 10.0, "start", &s.label));
    }
    Element::new("svg")
        .attr("viewBox", format!("0 0 {WIDTH} {}", f(height)))
        .attr("role", "group")
        .attr("aria-label", c.title.clone())
        .attr("class", "chart")
        .child(axes)
        .child(plot)
        .child(legend)
}

#[cfg(test)]
mod tests;

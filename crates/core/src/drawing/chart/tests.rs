//! Tests of the charts drawn: each built-in experiment's charts are
//! well-formed SVG (read by `roxmltree` as a file), draw one titled,
//! focusable point per point of the chart with the run it opens, keep every
//! mark within the drawing, use only the names the page's whitelist reads,
//! and carry a user's text escaped.

use roxmltree::Document;

use super::*;
use crate::drawing::document;
use crate::drawing::svg::Node;
use crate::drawing::wire::{ATTRIBUTES, ELEMENTS};
use crate::experiment::{Experiment, Seeds};
use crate::view::{charts, ChartAxis, ChartPoint, ChartSeries};

fn drawn(name: &str, seeds: u64) -> Vec<(Chart, Element)> {
    let outcome = Experiment::builtin(name)
        .expect("built in")
        .with_seeds(Seeds {
            first: 5,
            end: 5 + seeds,
        })
        .expect("valid")
        .run();
    charts(&outcome)
        .into_iter()
        .map(|c| {
            let e = chart(&c);
            (c, e)
        })
        .collect()
}

fn every_element<'e>(e: &'e Element, out: &mut Vec<&'e Element>) {
    out.push(e);
    for child in &e.children {
        if let Node::Element(c) = child {
            every_element(c, out);
        }
    }
}

#[test]
fn every_builtin_draws_a_titled_point_per_point() {
    for (name, _) in crate::experiment::builtin_experiments() {
        for (c, svg) in drawn(name, 3) {
            let text = document(&svg, &c.title, "");
            let doc = Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let points: Vec<_> = doc
                .descendants()
                .filter(|n| n.attribute("class") == Some("point"))
                .collect();
            let expected: usize = c.series.iter().map(|s| s.points.len()).sum();
            assert_eq!(points.len(), expected, "{name}");
            let model: Vec<&ChartPoint> = c.series.iter().flat_map(|s| &s.points).collect();
            for (g, p) in points.iter().zip(&model) {
                assert_eq!(g.attribute("tabindex"), Some("0"));
                assert_eq!(g.attribute("role"), Some("button"));
                assert_eq!(g.attribute("data-seed"), Some("5"));
                assert_eq!(
                    g.attribute("data-configuration"),
                    Some(p.configuration.to_string().as_str())
                );
                let title = g
                    .children()
                    .find(|n| n.has_tag_name("title"))
                    .and_then(|t| t.text())
                    .unwrap_or_else(|| panic!("{name}: a point without a title"));
                assert!(title.ends_with(&p.text), "{title} / {}", p.text);
                assert_eq!(g.attribute("aria-label"), Some(title));
            }
            // Every mark lies within the drawing.
            let height = height(&c);
            for n in doc.descendants() {
                for (x, y) in [("x", "y"), ("cx", "cy"), ("x1", "y1"), ("x2", "y2")] {
                    if let (Some(x), Some(y)) = (n.attribute(x), n.attribute(y)) {
                        let (x, y): (f64, f64) = (x.parse().expect("x"), y.parse().expect("y"));
                        assert!((0.0..=WIDTH).contains(&x), "{name}: x {x}");
                        assert!((0.0..=height).contains(&y), "{name}: y {y}");
                    }
                }
            }
            // The legend names every series.
            for s in &c.series {
                assert!(
                    doc.descendants()
                        .any(|n| n.text() == Some(s.label.as_str())),
                    "{name}: legend lacks {}",
                    s.label
                );
            }
            let mut all = Vec::new();
            every_element(&svg, &mut all);
            for e in all {
                assert!(ELEMENTS.contains(&e.name), "{name}: <{}>", e.name);
                for (a, _) in &e.attrs {
                    assert!(ATTRIBUTES.contains(a), "{name}: {a}");
                }
            }
        }
    }
}

#[test]
fn step_lines_run_through_their_points() {
    for (c, svg) in drawn("staleness", 4) {
        let mut all = Vec::new();
        every_element(&svg, &mut all);
        let paths: Vec<&&Element> = all.iter().filter(|e| e.name == "path").collect();
        let with_points = c.series.iter().filter(|s| !s.points.is_empty()).count();
        assert_eq!(paths.len(), with_points);
        for p in paths {
            let d = p.get("d").expect("d");
            assert!(d.starts_with('M') && d.contains('H'), "{d}");
        }
    }
}

#[test]
fn a_users_text_is_escaped_in_the_file() {
    let hostile = "</text><script>alert(1)</script>&";
    let c = Chart {
        title: hostile.to_string(),
        kind: ChartKind::Bars,
        x: ChartAxis {
            label: hostile.to_string(),
            min: -0.5,
            max: 0.5,
            ticks: vec![(0.0, hostile.to_string())],
        },
        y: ChartAxis {
            label: "y".to_string(),
            min: 0.0,
            max: 1.0,
            ticks: vec![(0.0, "0".to_string()), (1.0, "1".to_string())],
        },
        series: vec![ChartSeries {
            label: hostile.to_string(),
            points: vec![ChartPoint {
                x: 0.0,
                y: 0.5,
                text: hostile.to_string(),
                configuration: 0,
                seed: 1,
            }],
        }],
    };
    let text = document(&chart(&c), hostile, hostile);
    let doc = Document::parse(&text).expect("well-formed");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    assert!(doc.descendants().any(|n| n.text() == Some(hostile)));
    // The category text is cut under its bar, whole in the title.
    let cut = doc
        .descendants()
        .filter_map(|n| n.text())
        .find(|t| t.ends_with('…'))
        .expect("a cut category");
    assert_eq!(cut.chars().count(), CATEGORY_CHARS);
}

//! The drawings as files, read back by a real XML parser (`roxmltree`):
//! they parse, carry every operation of `partition-siblings` (and of a run
//! with hostile keys and values, escaped), stay within their bounds and say
//! so, and style themselves with the page's own rules.

use roxmltree::Document;

use super::lamport::{lamport, Frame, Highlight, Pick};
use super::svg::{escape, Element};
use super::{
    lamport_desc, lamport_document, lamport_export, ring_export, STYLE_RULES, STYLE_THEME,
};
use crate::cluster::Cluster;
use crate::scenario::{builtin_scenario, Scenario};
use crate::sim::SimOptions;
use crate::view;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

fn finished_json(json: &str) -> Cluster {
    let scenario = Scenario::from_json(json).expect("valid");
    let mut cluster = Cluster::new(&scenario, SimOptions::default()).expect("valid");
    cluster.run();
    cluster
}

fn finished(name: &str) -> Cluster {
    finished_json(builtin_scenario(name).expect("a built-in scenario"))
}

const HOSTILE_KEY: &str = "c\"a\\r<t>\n;x&amp;";

/// `partition-siblings` with a key and values no format may take raw.
fn hostile() -> Cluster {
    let json = builtin_scenario("partition-siblings").expect("built in");
    let json = json
        .replace("\"cart\"", r#""c\"a\\r<t>\n;x&amp;""#)
        .replace("\"milk\"", r#""m\"i,l\tk]</desc>""#)
        .replace("\"eggs\"", r#""e\u0007g' <script>x</script>""#);
    finished_json(&json)
}

fn cos_sin(a: f64) -> (f64, f64) {
    (a.cos(), a.sin())
}

/// What XML keeps of `text`: the control characters it cannot carry dropped.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| *c >= ' ' || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

/// The operation ids a diagram file's mark paths of `class` name.
fn ops_in(doc: &Document, class: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "path")) && n.attribute("class") == Some(class))
        .flat_map(|n| {
            n.attribute("data-ops")
                .unwrap_or("")
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn desc<'a>(doc: &'a Document) -> &'a str {
    doc.descendants()
        .find(|n| n.has_tag_name((SVG_NS, "desc")))
        .and_then(|n| n.text())
        .expect("a desc")
}

/// The diagram file of `cluster` parses, is SVG, and carries every
/// operation: a dot where it was invoked, one where it completed, and its
/// label in the text alternative.
fn check_diagram(cluster: &Cluster) {
    let exported = lamport_export(cluster);
    assert_eq!(exported.note, None, "a small run is not cut");
    let doc =
        Document::parse(&exported.text).unwrap_or_else(|e| panic!("XML: {e}\n{}", exported.text));
    let root = doc.root_element();
    assert!(root.has_tag_name((SVG_NS, "svg")), "the root is an svg");
    assert_eq!(root.attribute("class"), Some("lamport-svg"));
    let invoked = ops_in(&doc, "mark invoke");
    let mut completed = ops_in(&doc, "mark done-ok");
    completed.extend(ops_in(&doc, "mark done-bad"));
    let text = desc(&doc);
    let ops = &cluster.sim().history().ops;
    assert!(ops.len() >= 4, "partition-siblings has operations");
    for op in ops {
        let id = op.id.to_string();
        assert_eq!(
            invoked.iter().filter(|o| **o == id).count(),
            1,
            "{id} invoked once"
        );
        let done = completed.iter().filter(|o| **o == id).count();
        assert_eq!(done, usize::from(op.completed.is_some()), "{id} completed");
        let label = xml_text(&format!("{} {}", op.id, op.input));
        assert!(text.contains(&label), "the desc carries {label:?}:\n{text}");
    }
    assert_eq!(
        invoked.len(),
        ops.len(),
        "no mark for an operation that is not there"
    );
    let arrows = doc
        .descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "path")))
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.starts_with("arrow "))
        })
        .map(|n| n.attribute("d").unwrap_or("").matches('L').count())
        .sum::<usize>();
    assert_eq!(
        arrows,
        cluster.sim().history().messages.len(),
        "an arrow per message"
    );
    let style = doc
        .descendants()
        .find(|n| n.has_tag_name((SVG_NS, "style")))
        .and_then(|n| n.text())
        .expect("a stylesheet");
    assert!(style.contains(".mark.done-ok { fill: var(--ok); }"));
}

#[test]
fn the_diagram_of_partition_siblings_parses_and_carries_every_operation() {
    check_diagram(&finished("partition-siblings"));
}

#[test]
fn hostile_names_and_values_are_escaped_in_the_diagram() {
    let cluster = hostile();
    check_diagram(&cluster);
    let text = lamport_export(&cluster).text;
    assert!(!text.contains("<script>"), "markup in a value stays text");
    assert!(
        !text.contains('\u{7}'),
        "a control character XML cannot carry is dropped"
    );
}

#[test]
fn the_ring_parses_and_carries_every_partition_node_and_the_key() {
    for (cluster, key) in [
        (finished("partition-siblings"), "cart"),
        (hostile(), HOSTILE_KEY),
    ] {
        let exported = ring_export(&cluster, key, &cos_sin);
        let doc = Document::parse(&exported.text)
            .unwrap_or_else(|e| panic!("XML: {e}\n{}", exported.text));
        let v = view::ring(&cluster, key);
        let arcs: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("arc")))
            .collect();
        assert_eq!(arcs.len(), v.arcs.len(), "an arc per partition");
        for (node, arc) in arcs.iter().zip(&v.arcs) {
            let title = node.first_element_child().and_then(|t| t.text());
            assert_eq!(
                title,
                Some(format!("{} owned by {}", arc.partition, arc.owner).as_str())
            );
        }
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("data-node").is_some())
            .filter_map(|n| n.text())
            .collect();
        let nodes: Vec<String> = v.nodes.iter().map(ToString::to_string).collect();
        assert_eq!(labels, nodes, "a label per node");
        let name = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("key-name"))
            .and_then(|n| n.text());
        assert_eq!(name, Some(key), "the key, escaped and read back as typed");
        let partition = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("arc key-partition"))
            .count();
        assert_eq!(partition, 1, "the key's partition is marked");
    }
}

#[test]
fn a_huge_run_is_cut_at_the_bounds_and_says_so() {
    let cluster = finished("partition-siblings");
    let now = cluster.sim().now();
    let mut v = view::lamport(&cluster, 0, now, 5);
    assert_eq!(v.arrows.len(), 5, "the view keeps the latest 5 arrows");
    v.marks.truncate(3);
    let note = "diagram cut short at the export's bounds: it draws the last 5 of many messages";
    let frame = Frame {
        from: 0,
        to: now,
        now: now as f64,
    };
    let text = lamport_document(&v, frame, Highlight::None, Some(note));
    let doc = Document::parse(&text).expect("XML");
    assert!(desc(&doc).starts_with(note), "the file says it was cut");
    assert_eq!(desc(&doc), lamport_desc(&v, Some(note)));
    let marks = ops_in(&doc, "mark invoke").len()
        + ops_in(&doc, "mark done-ok").len()
        + ops_in(&doc, "mark done-bad").len();
    assert_eq!(marks, 3);
}

#[test]
fn a_click_picks_the_mark_or_arrow_under_it() {
    let cluster = finished("partition-siblings");
    let now = cluster.sim().now();
    let v = view::lamport(&cluster, 0, now, 1_000);
    let frame = Frame {
        from: 0,
        to: now,
        now: now as f64,
    };
    let d = lamport(&v, frame, Highlight::None);
    let (op, at) = d.marks[0];
    assert_eq!(d.pick(at), Some(Pick::Op(op)));
    let (id, a, b) = d.arrows[d.arrows.len() / 2];
    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    if !d
        .marks
        .iter()
        .any(|(_, q)| (q.0 - mid.0).hypot(q.1 - mid.1) < 5.0)
    {
        assert_eq!(d.pick(mid), Some(Pick::Message(id)));
    }
    assert_eq!(d.pick((-100.0, -100.0)), None);
}

#[test]
fn a_selected_violation_is_drawn_as_its_pair() {
    let cluster = finished("partition-siblings");
    let now = cluster.sim().now();
    let v = view::lamport(&cluster, 0, now, 1_000);
    let ops = &cluster.sim().history().ops;
    let (at, missed) = (ops[ops.len() - 1].id, ops[0].id);
    let frame = Frame {
        from: 0,
        to: now,
        now: now as f64,
    };
    let text = lamport_document(&v, frame, Highlight::Violation { at, missed }, None);
    let doc = Document::parse(&text).expect("XML");
    let pair = doc
        .descendants()
        .find(|n| n.attribute("data-testid") == Some("violation-pair"))
        .expect("the pair");
    assert_eq!(pair.attribute("data-at"), Some(at.to_string().as_str()));
    let rings: Vec<_> = pair
        .children()
        .filter(|n| n.has_tag_name((SVG_NS, "circle")))
        .filter_map(|n| n.attribute("data-op"))
        .collect();
    assert_eq!(rings, [missed.to_string(), at.to_string()]);
}

#[test]
fn the_files_style_is_the_pages() {
    let css = include_str!("../../../../www/style.css");
    let lines: Vec<&str> = css.lines().collect();
    for rule in STYLE_RULES.lines() {
        assert!(lines.contains(&rule), "www/style.css has no line {rule:?}");
    }
    for (name, value) in STYLE_THEME {
        let light = format!("  {name}: light-dark({value}, ");
        let plain = format!("  {name}: {value};");
        assert!(
            lines.iter().any(|l| l.starts_with(&light) || *l == plain),
            "www/style.css's :root sets {name} to {value}"
        );
    }
}

#[test]
fn escaping_leaves_no_markup_and_no_forbidden_character() {
    let mut out = String::new();
    escape("a<b>&\"c'\u{7}\n\u{FFFF}é", &mut out);
    assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;&#10;é");
    let e = Element::new("text").attr("x", "<\"").text("</text>");
    let mut written = String::new();
    e.write(&mut written);
    let doc = Document::parse(&written).expect("XML");
    assert_eq!(doc.root_element().attribute("x"), Some("<\""));
    assert_eq!(doc.root_element().text(), Some("</text>"));
}

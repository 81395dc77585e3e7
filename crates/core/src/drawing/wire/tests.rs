//! Tests of drawings on the wire: a chart goes and comes back equal, and
//! whatever is not a drawing of the whitelisted names and bounds is
//! refused, naming where.

use serde_json::json;

use super::*;
use crate::experiment::{Experiment, Seeds};
use crate::view::charts;

#[test]
fn a_chart_crosses_and_comes_back_equal() {
    let outcome = Experiment::builtin("staleness")
        .expect("built in")
        .with_seeds(Seeds { first: 0, end: 3 })
        .expect("valid")
        .run();
    for c in charts(&outcome) {
        let svg = crate::drawing::chart::chart(&c);
        let text = serde_json::to_string(&to_wire(&svg)).expect("JSON");
        let back: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(from_wire(&back), Ok(svg));
    }
}

fn refused(value: Value) -> WireError {
    match from_wire(&value) {
        Ok(_) => panic!("not refused"),
        Err(e) => e,
    }
}

#[test]
fn what_is_not_a_drawing_is_refused_naming_where() {
    let e =
        refused(json!({"name": "g", "children": [{"name": "script", "children": ["alert(1)"]}]}));
    assert_eq!(e.at, "children[0].name");
    assert!(e.reason.contains("\"script\""), "{e}");
    let e = refused(json!({"name": "svg", "children": [{"name": "foreignObject"}]}));
    assert_eq!(e.at, "children[0].name");
    let e = refused(json!({"name": "g", "attrs": [["class", "x"], ["onclick", "alert(1)"]]}));
    assert_eq!(e.at, "attrs[1]");
    assert!(e.reason.contains("onclick"));
    for bad in ["href", "xlink:href", "style", "onload", "ONCLICK"] {
        let e = refused(json!({"name": "g", "attrs": [[bad, "x"]]}));
        assert_eq!(e.at, "attrs[0]", "{bad}");
    }
    assert_eq!(
        refused(json!({"name": "g", "attrs": [["class"]]})).at,
        "attrs[0]"
    );
    assert_eq!(
        refused(json!({"name": "g", "attrs": [["class", 1]]})).at,
        "attrs[0]"
    );
    assert_eq!(
        refused(json!({"name": "g", "attrs": [["class", "a", "b"]]})).at,
        "attrs[0]"
    );
    assert_eq!(
        refused(json!({"name": "g", "attrs": {"class": "a"}})).at,
        "attrs"
    );
    assert_eq!(
        refused(json!({"name": "g", "children": "text"})).at,
        "children"
    );
    assert_eq!(
        refused(json!({"name": "g", "children": [7]})).at,
        "children[0]"
    );
    assert_eq!(
        refused(json!({"name": "g", "style": "x"})).reason,
        "unknown field \"style\""
    );
    assert_eq!(refused(json!("svg")).at, "");
    assert_eq!(refused(json!({})).at, "name");
    // The bounds: depth and size.
    let mut deep = json!({"name": "g"});
    for _ in 0..WIRE_DEPTH_MAX {
        deep = json!({"name": "g", "children": [deep]});
    }
    assert!(refused(deep).reason.contains("deeper"));
    let wide = json!({"name": "g", "children": vec![json!("x"); WIRE_NODES_MAX]});
    assert!(refused(wide).reason.contains("nodes"));
    // Text is text, whatever it says.
    let ok = from_wire(&json!({"name": "text", "children": ["<script>alert(1)</script>"]}))
        .expect("text is text");
    assert_eq!(
        ok.children,
        vec![crate::drawing::svg::Node::Text(
            "<script>alert(1)</script>".to_string()
        )]
    );
}

//! Browser glue both wasm modules share: the playground (the main bundle)
//! and the Lab (`crates/lab`, loaded on first use). What is here is linked
//! into each module that calls it, and only what it calls (wasm-opt drops
//! the rest), so a helper here costs the main bundle nothing until the app
//! uses it.
//!
//! - [`svg_html`]: the page's nodes for an SVG tree the core drew.
//! - [`event_value`]: the value of the input or select an event came from.
//! - [`worker`]: the page's client of the Web Worker (`crates/worker`).
//! - [`page`]: the page's address, a download, the clipboard and the
//!   embed's iframe snippet.
//! - the global allocator (talc) of both modules.
//!
//! CAVEATS
//! - Both modules link their own copy of what they use: shared source, not
//!   shared code at run time (two wasm modules share no memory).

pub mod page;
pub mod worker;

/// The allocator of both modules (any binary linking this crate): talc,
/// smaller and faster than the standard dlmalloc on WebAssembly (both are
/// compiled for size).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use wildling_core::drawing::svg::Element;
use yew::prelude::*;

/// The page's nodes for any SVG element tree the core drew
/// (`wildling_core::drawing`: the ring, the space-time diagram, a worker's
/// chart): each element as drawn, attributes and text set as data (never
/// parsed as markup), with the click handler `click` gives that element, if
/// any (`click` is asked once per element, so a caller picks by class,
/// `data-*` attribute or name).
pub fn svg_html(e: &Element, click: &dyn Fn(&Element) -> Option<Callback<MouseEvent>>) -> Html {
    use std::rc::Rc;
    use wildling_core::drawing::svg::Node;
    use yew::virtual_dom::{AttributeOrProperty, Attributes, Listeners, VList, VNode, VTag, VText};
    // Built as yew's html! macro builds an element, without `VTag::new`'s
    // check for `<input>` and `<textarea>` (a drawing has neither).
    let attributes = Attributes::IndexMap(Rc::new(
        e.attrs
            .iter()
            .map(|(name, value)| {
                (
                    AttrValue::Static(name),
                    AttributeOrProperty::Attribute(AttrValue::from(value.clone())),
                )
            })
            .collect(),
    ));
    let listeners = match click(e) {
        Some(callback) => Listeners::Pending(Box::new([Some(Rc::new(
            yew::html::onclick::Wrapper::new(callback),
        ))])),
        None => Listeners::None,
    };
    let children = e
        .children
        .iter()
        .map(|child| match child {
            Node::Element(c) => svg_html(c, click),
            Node::Text(t) => VNode::VText(VText::new(t.clone())),
        })
        .collect::<VList>();
    VNode::VTag(Rc::new(VTag::__new_other(
        AttrValue::Static(e.name),
        NodeRef::default(),
        None,
        attributes,
        listeners,
        VNode::VList(Rc::new(children)),
    )))
}

/// Read the value of the input or select that fired `e`.
pub fn event_value(e: &Event) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| t.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()))
        })
        .unwrap_or_default()
}

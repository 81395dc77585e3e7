//! The panels of the playground. Each takes a plain-data view cut from the
//! model (`wildling_core::view`) as `PartialEq` props, and reports what the
//! user did as a [`crate::msg::Msg`]. No panel names `crate::app`
//! (`panels_do_not_import_the_app` below).

pub mod checker;
pub mod clients;
pub mod compare;
pub mod facts;
pub mod faults;
pub mod inspector;
pub mod lamport;
pub mod network;
pub mod ring;
pub mod settings;
pub mod share;
pub mod timebar;
pub mod tutorial;

use std::rc::Rc;

use wildling_core::message::KINDS;
use wildling_core::quoted::Quoted;
use yew::prelude::*;

use crate::msg::Msg;

pub use wildling_core::drawing::colour::{kind_color, node_color};
pub use wildling_core::drawing::path::cross_path;
pub use wildling_web::{event_value, svg_html};

/// A `class` attribute from its parts, the `None` ones left out, and no
/// attribute when every part is `None`, as yew's `classes!` gives: every
/// class list goes through this one function, since `classes!` builds a
/// hashed set (`yew::html::Classes`) at each use, which is its own code in
/// the shipped app.
pub fn class_list(parts: &[Option<&str>]) -> Option<AttrValue> {
    let mut list = String::new();
    for part in parts.iter().flatten() {
        if !list.is_empty() {
            list.push(' ');
        }
        list.push_str(part);
    }
    (!list.is_empty()).then(|| AttrValue::from(list))
}

/// Where a click fell in the coordinates of the SVG (its viewBox is
/// `width` by `height`) that holds the clicked element.
pub fn svg_point(e: &MouseEvent, width: f64, height: f64) -> Option<(f64, f64)> {
    use wasm_bindgen::JsCast;
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let svg = target.closest("svg").ok()??;
    let rect = svg.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    // The default preserveAspectRatio (xMidYMid meet) scales uniformly and centres.
    let scale = (rect.width() / width).min(rect.height() / height);
    let left = rect.left() + (rect.width() - width * scale) / 2.0;
    let top = rect.top() + (rect.height() - height * scale) / 2.0;
    Some((
        (f64::from(e.client_x()) - left) / scale,
        (f64::from(e.client_y()) - top) / scale,
    ))
}

/// The legend of message colours: every kind the core lists.
pub fn kind_legend() -> Html {
    html! {
        <div class="legend small">
            { for KINDS.iter().map(|k| html! { <span class="legend-item"><i style={format!("background:{}", kind_color(k))}></i>{ *k }</span> }) }
            <span class="legend-item dropped-legend">{ "✕ dropped" }</span>
        </div>
    }
}

/// Where node `index` of `count` sits on a circle of `radius` round `(cx, cy)`,
/// starting at the top and going clockwise.
pub fn on_circle(index: usize, count: usize, radius: f64, cx: f64, cy: f64) -> (f64, f64) {
    let angle =
        std::f64::consts::TAU * index as f64 / count.max(1) as f64 - std::f64::consts::FRAC_PI_2;
    let (x, y) = cos_sin(angle);
    (cx + radius * x, cy + radius * y)
}

/// The cosine and sine of `angle`, from the browser's `Math`: Rust's own
/// would add their argument reduction (kilobytes) to the shipped app.
pub fn cos_sin(angle: f64) -> (f64, f64) {
    (js_sys::Math::cos(angle), js_sys::Math::sin(angle))
}

/// A view the App hands a component panel, equal to another only when it is
/// the same allocation: the panel's props check compares a pointer, not the
/// view's contents (each view type's derived `PartialEq`, field by field,
/// is its own code in the shipped app). The App makes a view anew only when
/// it refreshes the panels (`Slow` in `app.rs`), so the panel re-renders on
/// those refreshes and on changes of its other props.
pub struct Shared<T>(pub Rc<T>);

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Constant markup, which the browser parses: the same elements and text
/// as `html!` would build, but each element written in `html!` is its own
/// code in the shipped app, and a constant costs its text only. Only ever
/// for constants of the app, never for text from a user, a file or a link.
pub fn markup(html: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(html))
}

/// A text field's state, starting at `initial` (used on the first render
/// only). Every text field goes through this one hook: each `use_state`
/// closure is its own copy of the hook's code in the shipped app.
#[hook]
pub fn use_text(initial: String) -> UseStateHandle<String> {
    use_state(move || initial)
}

/// The message an inline error's state holds, if any. The forms keep their
/// errors in a [`use_text`] state that starts empty, empty meaning no error
/// (no message is empty): one state type for the fields and the errors,
/// since each state type is its own hook code in the shipped app.
pub fn shown_error(error: &UseStateHandle<String>) -> Option<&str> {
    Some(error.as_str()).filter(|text| !text.is_empty())
}

/// A click handler that sends `make(value)`, the message made anew on each
/// click. Every button goes through this one closure per type of `value`
/// (`()` for a fixed message): keeping a whole `Msg` to clone on each click
/// would link `Msg`'s clone, every variant's payload, into the shipped app.
pub fn click<T: Clone + 'static>(
    on: &Callback<Msg>,
    make: fn(T) -> Msg,
    value: T,
) -> Callback<MouseEvent> {
    on.reform(move |_: MouseEvent| make(value.clone()))
}

/// A callback that stores a text input's value into a state handle as the user types.
pub fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(event_value(&e)))
}

/// A callback that stores a select's value into a state handle.
pub fn bind_select(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| state.set(event_value(&e)))
}

/// Parse a whole number a user typed, naming the field when it is not one
/// and echoing the text [`Quoted`]: escaped, and capped however much was
/// typed or pasted.
pub fn parse_number<T: std::str::FromStr>(label: &str, text: &str) -> Result<T, String> {
    let text = text.trim();
    text.parse()
        .map_err(|_| format!("{label}: {} is not a whole number in range", Quoted(text)))
}

/// A decimal number a user typed (`12.5`, `1e-2`), or `None` for text that
/// is not one. The browser reads it ([`crate::browser::number`]): Rust's
/// float parser would add kilobytes of tables to the shipped app.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let value = crate::browser::number(text);
    (!text.is_empty() && !value.is_nan()).then_some(value)
}

/// Parse an optional per-request quorum ("" means the cluster's).
pub fn parse_optional(label: &str, text: &str) -> Result<Option<u8>, String> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse_number(label, text).map(Some)
    }
}

/// An inline error line, or nothing.
pub fn inline_error(error: Option<&str>, testid: &'static str) -> Html {
    match error {
        Some(text) => {
            html! { <p class="inline-error" role="alert" data-testid={testid}>{ text }</p> }
        }
        None => html! {},
    }
}

/// How a [`text_field`]'s input is typed.
#[derive(Clone, Copy)]
pub struct Input {
    /// Its `type` (`text` when `None`).
    pub kind: Option<&'static str>,
    /// Its `inputmode`.
    pub mode: Option<&'static str>,
    /// Its placeholder.
    pub placeholder: Option<&'static str>,
    /// Its class.
    pub class: Option<&'static str>,
    /// Its `data-testid`.
    pub testid: Option<&'static str>,
}

/// A plain text input: what each [`Input`] changes.
pub const TEXT: Input = Input {
    kind: None,
    mode: None,
    placeholder: None,
    class: None,
    testid: None,
};

/// A labelled text input bound to `state`, in a `<div>` of class `class`
/// (`field`, `field wide`). Every form's fields are this one function: each
/// field written out in `html!` is its own code in the shipped app.
pub fn text_field(
    class: &'static str,
    id: &'static str,
    label: &'static str,
    state: &UseStateHandle<String>,
    input: Input,
) -> Html {
    html! {
        <div {class}><label for={id}>{ label }</label>
            <input {id} type={input.kind.unwrap_or("text")} inputmode={input.mode} placeholder={input.placeholder}
                class={input.class} value={(**state).clone()} oninput={bind(state)} data-testid={input.testid} /></div>
    }
}

/// Options of a node `<select>`, with `selected` chosen.
pub fn node_options(nodes: u16, selected: &str) -> Html {
    (1..=nodes)
        .map(|n| {
            let value = n.to_string();
            html! { <option value={value.clone()} selected={value == selected}>{ format!("n{n}") }</option> }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The lines of `code` (before its tests, outside comments) with the
    /// word `app` or `App`.
    fn app_mentions(code: &str) -> Vec<String> {
        let before_tests = code.split("#[cfg(test)]").next().unwrap_or(code);
        before_tests
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim_start().starts_with("//"))
            .filter(|(_, line)| {
                line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| word == "app" || word == "App")
            })
            .map(|(i, line)| format!("line {}: {}", i + 1, line.trim()))
            .collect()
    }

    /// A class list holds the parts given, in order, and is no attribute
    /// at all when none is given (as yew's `classes!` was).
    #[test]
    fn a_class_list_joins_the_parts_given() {
        let list = super::class_list(&[Some("op"), None, Some("ok"), Some("selected")]);
        assert_eq!(list.as_deref(), Some("op ok selected"));
        assert_eq!(
            super::class_list(&[None, Some("down")]).as_deref(),
            Some("down")
        );
        assert_eq!(super::class_list(&[None, None]), None);
    }

    /// A shared view equals its clones only: equal contents in another
    /// allocation are a new view, which the panel re-renders.
    #[test]
    fn a_shared_view_equals_its_clones_only() {
        let view = super::Shared(std::rc::Rc::new(vec![1, 2]));
        assert!(view == view.clone());
        assert!(view != super::Shared(std::rc::Rc::new(vec![1, 2])));
        assert_eq!(view.len(), 2, "it reads as the view");
    }

    /// A panel reports through `crate::msg` and draws its props: it names
    /// neither the App nor its module, so that the App sits above every
    /// panel and no panel depends on another's handling.
    #[test]
    fn panels_do_not_import_the_app() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![src.join("components.rs"), src.join("msg.rs")];
        let panels = std::fs::read_dir(src.join("components")).expect("src/components");
        files.extend(panels.map(|entry| entry.expect("a readable entry").path()));
        assert!(files.len() > 10, "the panels were not found: {files:?}");
        for file in files {
            let code = std::fs::read_to_string(&file).expect("a readable panel");
            let mentions = app_mentions(&code);
            assert!(
                mentions.is_empty(),
                "{} names the App: {mentions:#?}",
                file.display()
            );
        }
        assert_eq!(
            app_mentions("use crate::{app::Msg, browser};\n// the App"),
            ["line 1: use crate::{app::Msg, browser};"],
            "the check finds a grouped import and skips comments"
        );
    }
}

//! The share toolbar: copy a link to the session, export and import it as a
//! file, download the run's history for other tools (Jepsen, Porcupine,
//! ShiViz), and get an iframe snippet. The App makes every link and snippet;
//! this panel shows them and reads the files the user picks.

use wildling_core::export::Format;
use wildling_core::scenario::MAX_SCENARIO_BYTES;
use wildling_core::share::LINK_WARN_CHARS;
use yew::prelude::*;

use super::{click, markup};
use crate::browser;
use crate::msg::{Drawing, Msg, ShareMsg};

/// What the share toolbar shows, all of it made by the App.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShareView {
    /// The last link made.
    pub link: Option<String>,
    /// Whether the clipboard took it (`None` while unknown).
    pub copied: Option<bool>,
    /// The link is over [`LINK_WARN_CHARS`].
    pub too_long: bool,
    /// The iframe snippet, when asked for.
    pub embed_snippet: Option<String>,
    /// Why the last import failed.
    pub import_error: Option<String>,
}

/// What the share toolbar shows.
pub struct Props<'a> {
    /// What to show.
    pub view: &'a ShareView,
    /// Where user actions go.
    pub on: Callback<Msg>,
}

/// Import a file the user picked or dropped on the page: read it as text
/// (refused over the scenario size cap) and send it as [`ShareMsg::Import`].
pub fn import_file(on: &Callback<Msg>, file: web_sys::File) {
    let on = on.clone();
    browser::read_file(file, MAX_SCENARIO_BYTES, move |r| {
        on.emit(Msg::Share(ShareMsg::Import(r)))
    });
}

/// The share toolbar. A function, not a component: it is small, and a
/// component costs the shipped app its own machinery.
pub fn share_panel(props: &Props) -> Html {
    let on = &props.on;
    let v = &props.view;
    let send = |m: fn() -> ShareMsg| click(on, |m: fn() -> ShareMsg| Msg::Share(m()), m);
    let pick = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let input: Option<web_sys::HtmlInputElement> = e.target_dyn_into();
            let Some(input) = input else { return };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                import_file(&on, file);
            }
            input.set_value("");
        })
    };
    let copied = match v.copied {
        Some(true) => "Copied to the clipboard.",
        Some(false) => "The clipboard is not available here: copy the link from the field.",
        None => "",
    };
    html! {
        <section class="share-bar" aria-label="Share">
            <button onclick={send(|| ShareMsg::CopyLink)} data-testid="copy-link">{ "Copy link" }</button>
            <button onclick={send(|| ShareMsg::Export)} data-testid="export-session">{ "Export session" }</button>
            <span class="export-history" role="group" aria-label="Download the run's history for other tools">
                { markup("<span class=\"muted small\">History:</span>") }
                { for Format::ALL.iter().map(|&(format, name)| html! {
                    <button onclick={click(on, |f| Msg::Share(ShareMsg::ExportHistory(f)), format)}
                        data-testid={format!("export-{name}")}>{ format.title() }</button>
                }) }
            </span>
            <span class="export-history" role="group" aria-label="Download the run's drawings as SVG">
                { markup("<span class=\"muted small\">SVG:</span>") }
                <button onclick={click(on, |()| Msg::Share(ShareMsg::ExportDrawing(Drawing::Diagram)), ())}
                    data-testid="export-svg-diagram">{ "Space-time diagram" }</button>
                <button onclick={click(on, |()| Msg::Share(ShareMsg::ExportDrawing(Drawing::Ring)), ())}
                    data-testid="export-svg-ring">{ "Ring" }</button>
            </span>
            <label class="button file-button">{ "Import…" }
                <input type="file" accept=".json,application/json,text/plain" onchange={pick} data-testid="import-file" />
            </label>
            <button onclick={send(|| ShareMsg::ShowEmbed)} data-testid="embed-button">{ "Embed" }</button>
            <button id="open-lab" onclick={let on = on.clone(); Callback::from(move |_| crate::lab::open(&on))}
                data-testid="open-lab">{ "Experiments" }</button>
            { markup("<span class=\"muted small\">or drop a scenario or session file anywhere</span>") }
            if let Some(link) = &v.link {
                <div class="share-output">
                    <input type="text" readonly=true value={link.clone()} aria-label="Share link" data-testid="share-link"
                        onfocus={Callback::from(|e: FocusEvent| {
                            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                        })} />
                    <span class="small" data-testid="copy-status">{ copied }</span>
                    if v.too_long {
                        <p class="inline-error" role="alert" data-testid="link-warning">
                            { format!("This link is {} characters long, over {LINK_WARN_CHARS}: chat programs and some browsers may cut it. Share the scenario as a file instead: ", link.len()) }
                            <button onclick={send(|| ShareMsg::ExportScenario)} data-testid="export-scenario">{ "Export scenario file" }</button>
                        </p>
                    }
                </div>
            }
            if let Some(snippet) = &v.embed_snippet {
                <textarea class="share-output mono small" readonly=true rows="3" aria-label="Embed snippet"
                    data-testid="embed-snippet" value={snippet.clone()} />
            }
            if let Some(error) = &v.import_error {
                <p class="inline-error" role="alert" data-testid="import-error">{ format!("Import failed: {error}") }</p>
            }
        </section>
    }
}

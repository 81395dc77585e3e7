//! Share links: the browser compresses the session into a link's body
//! (`CompressionStream("deflate-raw")`), the App copies it, and a link that
//! cannot be opened gets a banner. The app ships an inflater but no
//! compressor ([`share::frame_deflated`]); a browser without that stream
//! opens links but cannot make them, and says so.

use wildling_core::share::{self, link_needs_warning};
use yew::prelude::*;

use super::super::App;
use crate::browser;
use crate::components::click;
use crate::msg::{Msg, ShareMsg};

impl App {
    /// Compress the current session (or the open tutorial, whole) into a
    /// link's body in the browser, and
    /// send `made` with it (or [`ShareMsg::LinkFailed`]).
    pub(in crate::app) fn make_link(&self, ctx: &Context<Self>, made: fn(String) -> ShareMsg) {
        let json = self.link_text();
        let scope = ctx.link().clone();
        browser::deflate_raw(json.as_bytes(), move |deflated| {
            scope.send_message(Msg::Share(match deflated {
                Some(deflated) => made(share::frame_deflated(&deflated)),
                None => ShareMsg::LinkFailed,
            }))
        });
    }

    /// The link's body is made: show the whole link and copy it.
    pub(in crate::app) fn link_made(&mut self, ctx: &Context<Self>, body: &str) {
        let link = format!("{}#{body}", browser::page_address());
        self.sharing.view.too_long = link_needs_warning(&link);
        self.sharing.view.copied = None;
        let scope = ctx.link().clone();
        browser::copy_text(&link, move |ok| {
            scope.send_message(Msg::Share(ShareMsg::Copied(ok)))
        });
        self.sharing.view.link = Some(link);
    }

    /// The banner for a link that could not be opened.
    pub(in crate::app) fn link_banner(&self) -> Html {
        let Some(error) = &self.sharing.link_error else {
            return html! {};
        };
        let restore = click(&self.on, |()| Msg::Share(ShareMsg::RestoreAutosave), ());
        let dismiss = click(&self.on, |()| Msg::Share(ShareMsg::DismissLinkError), ());
        let has_autosave = !self.sharing.embed.embed && browser::autosaved().is_some();
        html! {
            <div class="banner error" role="alert" data-testid="link-banner">
                <span>
                    { format!("This link cannot be opened: {error}. A default scenario was loaded instead") }
                    { if has_autosave { "; your autosaved session is kept until you change something here." } else { "." } }
                </span>
                if has_autosave {
                    <button onclick={restore} data-testid="restore-autosave">{ "Restore my autosaved session" }</button>
                }
                <button onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    }
}

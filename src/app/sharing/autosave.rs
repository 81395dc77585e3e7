//! The autosave: the session is written to the browser's storage whenever
//! it rests at a new place, and opened on the next visit. A bad link holds
//! the autosave (it keeps the user's work) until the user changes something.

use wildling_core::share;

use super::super::App;
use super::error_notice;
use crate::browser;

impl App {
    /// Write the session when it rests somewhere new, unless held.
    pub(in crate::app) fn autosave(&mut self) {
        if let Some(held) = self.sharing.autosave_held {
            if held != (self.generation, self.session.user_actions().len()) {
                self.sharing.autosave_held = None;
            }
        }
        if !self.sharing.embed.embed && self.sharing.autosave_held.is_none() && !self.playing {
            let mark = (
                self.session.now(),
                self.session.user_actions().len(),
                self.generation,
                self.key.clone(),
            );
            if self.sharing.saved.as_ref() != Some(&mark) {
                browser::autosave(&self.shared().to_json());
                self.sharing.saved = Some(mark);
            }
        }
    }

    /// Open the autosaved session the bad link did not replace.
    pub(in crate::app) fn restore_autosave(&mut self) {
        let restored = browser::autosaved()
            .ok_or_else(|| "there is no autosaved session".to_string())
            .and_then(|json| share::Session::from_json(&json).map_err(|e| e.to_string()))
            .and_then(|shared| self.open_shared(&shared));
        match restored {
            Ok(()) => {
                self.sharing.link_error = None;
                self.sharing.autosave_held = None;
                browser::set_fragment("");
            }
            Err(e) => self.notice = Some(error_notice(format!("cannot restore: {e}"))),
        }
    }
}

//! Files: export the session or its scenario as JSON, and import a share
//! link, a session or a scenario from a file picked or dropped anywhere.

use wildling_core::drawing;
use wildling_core::export::{self, Format, SHIVIZ_REGEX};
use wildling_core::scenario::{Scenario, MAX_SCENARIO_BYTES};
use wildling_core::share;
use yew::prelude::*;

use super::super::{App, Notice};
use crate::browser;
use crate::components::cos_sin;
use crate::msg::{Drawing, Msg, ShareMsg};

impl App {
    /// Download the session as a file.
    pub(in crate::app) fn export_session(&self) {
        let name = format!("{}.session.json", file_stem(&self.scenario_name));
        browser::download(&name, &self.shared().to_json(), "application/json");
    }

    /// Download only the scenario (with the user's actions) as a file.
    pub(in crate::app) fn export_scenario(&self) {
        let scenario: &Scenario = self.session.scenario();
        let name = format!("{}.json", file_stem(&self.scenario_name));
        browser::download(&name, &scenario.to_json(), "application/json");
    }

    /// Download the run's history as Jepsen EDN, Porcupine JSON or a ShiViz
    /// log; a history cut at the export's bound says so in a notice.
    pub(in crate::app) fn export_history(&mut self, format: Format) {
        let exported = export::export(self.session.cluster().sim().history(), format);
        let name = format!(
            "{}.history.{}",
            file_stem(&self.scenario_name),
            format.extension()
        );
        browser::download(&name, &exported.text, format.media_type());
        self.notice = match (exported.note, format) {
            (Some(note), _) => Some(Notice {
                error: false,
                text: note,
            }),
            (None, Format::ShiViz) => Some(Notice {
                error: false,
                text: format!("ShiViz: paste the log and this regular expression: {SHIVIZ_REGEX}"),
            }),
            (None, _) => None,
        };
    }

    /// Download a drawing as SVG: the whole run's space-time diagram, or
    /// the ring with the inspected key placed, the same file as `wildling
    /// export RUN --format svg-diagram|svg-ring` writes for this run.
    pub(in crate::app) fn export_drawing(&mut self, what: Drawing) {
        let cluster = self.session.cluster();
        let (exported, suffix) = match what {
            Drawing::Diagram => (drawing::lamport_export(cluster), "diagram"),
            Drawing::Ring => (drawing::ring_export(cluster, &self.key, &cos_sin), "ring"),
        };
        let name = format!("{}.{suffix}.svg", file_stem(&self.scenario_name));
        browser::download(&name, &exported.text, drawing::MEDIA_TYPE);
        self.notice = exported.note.map(|text| Notice { error: false, text });
    }

    /// Files dropped anywhere on the page are imported.
    pub(in crate::app) fn on_drop(&self) -> Callback<DragEvent> {
        let on = self.on.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                let on = on.clone();
                browser::read_file(file, MAX_SCENARIO_BYTES, move |r| {
                    on.emit(Msg::Share(ShareMsg::Import(r)))
                });
            }
        })
    }
}

/// Read an imported file: a share link, a session, or a scenario.
pub(super) fn parse_file(text: &str) -> Result<share::Session, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('w') || trimmed.starts_with("#w") {
        return share::decode_session(trimmed).map_err(|e| e.to_string());
    }
    let is_session = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(trimmed)
        .is_ok_and(|fields| fields.contains_key("scenario"));
    if is_session {
        share::Session::from_json(trimmed).map_err(|e| format!("not a valid session: {e}"))
    } else {
        Scenario::from_json(trimmed)
            .map(share::Session::new)
            .map_err(|e| format!("not a valid scenario: {e}"))
    }
}

/// A file name made of the scenario's name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if stem.is_empty() {
        "wildling".into()
    } else {
        stem
    }
}

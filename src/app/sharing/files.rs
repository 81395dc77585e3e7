//! Files: export the session or its scenario as JSON, download the run's
//! history or drawings (written by the Web Worker), and import a share
//! link, a session or a scenario from a file picked or dropped anywhere.
//!
//! The history formats and the SVG files are written by the core's
//! exporters, which live in the worker's wasm (`crates/worker`, the
//! `export` job of `wildling_core::jobs`) rather than in this one: the
//! page posts the session and where it stands, the worker replays it and
//! answers with the file, and the page saves it. The worker is started on
//! the first download.
//!
//! CAVEATS
//! - The first download waits for the worker's wasm to load (a second
//!   download, fetched once), and every download for the session's replay
//!   in the worker: longer runs take longer.
//! - The file is saved when the answer comes, not within the click:
//!   browsers that limit downloads without a recent click may ask first
//!   when the worker is slow.
//! - The session travels as its JSON text, so a session over
//!   `share::MAX_SESSION_BYTES` (1 MiB: a scenario near its own limit plus
//!   the user's actions) is refused by the worker, naming the limit, as
//!   its file's import would be.

use wildling_core::drawing::MEDIA_TYPE as MEDIA_TYPE_SVG;
use wildling_core::export::{Format, SHIVIZ_REGEX};
use wildling_core::scenario::Scenario;
use wildling_core::share;
use yew::prelude::*;

use wildling_web::worker::{object, Answer};

use super::super::{App, Notice};
use super::error_notice;
use crate::browser;
use crate::components::share::import_file;
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
    /// log, written by the Web Worker ([`App::export_run`]).
    pub(in crate::app) fn export_history(&mut self, format: Format) {
        let file = format!(
            "{}.history.{}",
            file_stem(&self.scenario_name),
            format.extension()
        );
        let shiviz = format == Format::ShiViz;
        self.export_run(format.name(), file, format.media_type(), shiviz);
    }

    /// Download a drawing as SVG: the whole run's space-time diagram, or
    /// the ring with the inspected key placed, the same file as `wildling
    /// export RUN --format svg-diagram|svg-ring` writes for this run.
    pub(in crate::app) fn export_drawing(&mut self, what: Drawing) {
        let (format, suffix) = match what {
            Drawing::Diagram => ("svg-diagram", "diagram"),
            Drawing::Ring => ("svg-ring", "ring"),
        };
        let file = format!("{}.{suffix}.svg", file_stem(&self.scenario_name));
        self.export_run(format, file, MEDIA_TYPE_SVG, false);
    }

    /// Ask the Web Worker for the file `format` names (the CLI's
    /// `--format`), of the session replayed to where the page stands: the
    /// exporters live in the worker's wasm, not in this one. The file
    /// downloads as `file` when the answer comes ([`App::exported`]).
    fn export_run(&mut self, format: &str, file: String, media_type: &'static str, shiviz: bool) {
        let job = object(vec![(
            "export",
            object(vec![
                ("session", self.shared().to_json().into()),
                ("position", self.session.position().into()),
                ("format", format.into()),
            ]),
        )]);
        let on = self.on.clone();
        self.sharing.worker.ask(&job, move |answer| {
            on.emit(Msg::Share(ShareMsg::Exported {
                file: file.clone(),
                media_type,
                shiviz,
                answer,
            }))
        });
    }

    /// A download's file came from the worker: save it, and say what was
    /// cut (or, for a ShiViz log, the expression to paste with it); or say
    /// why there is no file.
    pub(in crate::app) fn exported(
        &mut self,
        file: &str,
        media_type: &str,
        shiviz: bool,
        answer: Answer,
    ) {
        let body = match answer {
            Answer::Progress(_) => return,
            Answer::Failed(why) => {
                self.notice = Some(error_notice(format!("{file} could not be made: {why}")));
                return;
            }
            Answer::Done(body) => body,
        };
        let exported = &body["exported"];
        let Some(text) = exported["text"].as_str() else {
            self.notice = Some(error_notice(format!(
                "{file} could not be made: the worker sent no file"
            )));
            return;
        };
        browser::download(file, text, media_type);
        let note = exported["note"].as_str().map(str::to_string).or_else(|| {
            shiviz.then(|| {
                format!("ShiViz: paste the log and this regular expression: {SHIVIZ_REGEX}")
            })
        });
        self.notice = note.map(|text| Notice { error: false, text });
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
                import_file(&on, file);
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
    // Read as a `Value`, as the tutorial check does: a second target type
    // would be a second JSON reader in the shipped app.
    let is_session = serde_json::from_str::<serde_json::Value>(trimmed)
        .is_ok_and(|fields| fields.get("scenario").is_some());
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

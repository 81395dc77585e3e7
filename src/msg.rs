//! The UI's messages: everything a panel can report to the App ([`Msg`],
//! with the share, tutorial and embed features' [`ShareMsg`]), and the
//! [`Selection`] every panel highlights.
//!
//! They sit below the App and the panels: a panel names these and its own
//! props, never `crate::app` (a test in `components.rs` holds every panel
//! to that), and the App is the one place that handles them.

use std::rc::Rc;

use wildling_core::causality::CausalityMode;
use wildling_core::export::Format;
use wildling_core::ids::{MsgId, OpId};
use wildling_core::scenario::{ClusterConfig, TimelineEntry};
use wildling_core::sim::network::Fault;
use wildling_core::tutorial::Tutorial;
use wildling_core::NodeId;
use wildling_web::worker::Answer;
use yew::prelude::*;

/// What the user selected; shown highlighted in every panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A node.
    Node(NodeId),
    /// A message.
    Message(MsgId),
    /// A client operation.
    Op(OpId),
    /// The link between two nodes.
    Link(NodeId, NodeId),
    /// A broken session guarantee: the operation where it broke and the
    /// write it missed, connected on the space-time diagram.
    Violation {
        /// The get, or the later put.
        at: OpId,
        /// The write it does not see or follow.
        missed: OpId,
    },
}

impl Selection {
    /// The operations selected: one, or a violation's two.
    pub fn ops(self) -> Vec<OpId> {
        match self {
            Selection::Op(op) => vec![op],
            Selection::Violation { at, missed } => vec![at, missed],
            _ => Vec::new(),
        }
    }
}

/// Everything the user can do.
#[derive(Clone)]
pub enum Msg {
    /// An animation frame at this timestamp (ms).
    Frame(f64),
    /// Start or stop playing.
    TogglePlay,
    /// Process one event.
    Step,
    /// Ticks of virtual time per second of play.
    Speed(f64),
    /// Go to a position (events processed).
    Seek(u64),
    /// Record a client operation or a fault at the current time.
    Act(TimelineEntry),
    /// Several faults at once (restoring one link re-applies the others).
    ActAll(Vec<Fault>),
    /// New cluster settings and seed.
    Reconfigure(ClusterConfig, u64),
    /// Load a preset or built-in scenario by name.
    Load(String),
    /// A built-in scenario's file, fetched (or why it could not be).
    Fetched(String, Result<String, String>),
    /// Select something everywhere.
    Select(Selection),
    /// Inspect another key.
    InspectKey(String),
    /// Compare with another causality mode, or stop comparing.
    Compare(Option<CausalityMode>),
    /// A key was pressed outside a text field.
    Key(KeyboardEvent),
    /// Hide the notice.
    Dismiss,
    /// The Lab did not load: why, in words (`crate::lab`).
    LabFailed(String),
    /// Share links, files, tutorials and the embed API.
    Share(ShareMsg),
}

/// What the share, tutorial and embed features ask the App to do.
#[derive(Clone)]
pub enum ShareMsg {
    /// Make the link to the current session and copy it.
    CopyLink,
    /// The link to the session (its part after `#`) is made: show and copy it.
    LinkMade(String),
    /// The iframe snippet's link (its part after `#`) is made: show the snippet.
    EmbedLinkMade(String),
    /// The browser could not compress the session into a link.
    LinkFailed,
    /// The clipboard said whether it took the link.
    Copied(bool),
    /// Download the current session as a JSON file.
    Export,
    /// Download only the scenario (with the user's actions) as a JSON file.
    ExportScenario,
    /// Download the run's history in a format other tools read.
    ExportHistory(Format),
    /// Download a drawing of the run as an SVG file.
    ExportDrawing(Drawing),
    /// The Web Worker answered a download's request: the file's text, or
    /// why not.
    Exported {
        /// The file's name.
        file: String,
        /// Its media type.
        media_type: &'static str,
        /// Whether it is a ShiViz log (a notice gives the regular
        /// expression to paste with it).
        shiviz: bool,
        /// The worker's answer (`{"exported": {"text": ..., "note": ...}}`).
        answer: Answer,
    },
    /// Show the iframe snippet.
    ShowEmbed,
    /// A file's text, or why it could not be read.
    Import(Result<String, String>),
    /// Open the autosaved session the bad link did not replace.
    RestoreAutosave,
    /// Hide the link banner.
    DismissLinkError,
    /// Open a tutorial (by id) at its first step, or close it.
    Tutorial(Option<String>),
    /// Go to a step of the open tutorial.
    TutorialStep(usize),
    /// A tutorial read (its files fetched), or why it cannot be opened.
    TutorialRead {
        /// Where it came from.
        from: TutorialFrom,
        /// Whether it is a built-in, opened by id (the embed snippet names
        /// it so rather than carrying it).
        builtin: bool,
        /// The tutorial and the text it was read from, or why not.
        read: Result<(Rc<Tutorial>, Rc<str>), String>,
    },
    /// A message event from the embedding page.
    Message(web_sys::MessageEvent),
    /// The Lab asks for the session shown (`crate::lab::answer`).
    SessionRequested,
}

/// Where a tutorial being read came from: where its errors are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TutorialFrom {
    /// The page's address (`?tutorial=<id>`): a bad one is the link banner.
    Address,
    /// The picker: a notice.
    Picker,
    /// A file imported or dropped: the share toolbar's import error.
    File,
    /// The embedding page's `load` command: a notice and an `error` message.
    Embed,
}

/// A drawing of the run a user can download as SVG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawing {
    /// The space-time diagram.
    Diagram,
    /// The ring.
    Ring,
}

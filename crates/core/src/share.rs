//! Share links: a whole playground session in a URL fragment.
//!
//! A [`Session`] is everything needed to put another browser in exactly the
//! state of this one: the scenario (cluster, network, seed and the timeline of
//! client operations and faults), every operation and fault the user added
//! while it ran, each with the simulator's event count when it was added, and
//! the user's position in virtual time. The model is deterministic, so
//! replaying all of it to that position ([`Session::replay`]) rebuilds the
//! same cluster, message for message; nothing of the simulator's state is
//! stored.
//!
//! A link is the session's compact JSON, compressed with raw deflate, framed
//! with a CRC-32 and written in base64url without padding, behind a version
//! tag:
//!
//! ```text
//! w1.<base64url( crc32_be(b"w1." ++ deflated) ++ deflated )>
//! ```
//!
//! JSON rather than a binary format, because the scenario's serde form is the
//! documented scenario format (`docs/scenario-format.md`), with optional
//! fields that binary formats such as postcard cannot skip; deflate takes
//! back most of what the field names cost. The checksum covers the version tag
//! and the compressed bytes, so a changed, missing or extra character is
//! reported as a corrupted or truncated link before anything is inflated.
//!
//! Decoding goes through a registry of link versions ([`LINK_VERSIONS`]): a
//! link written today keeps opening after the format changes, because its
//! version keeps its decoder; a version this build does not know fails with
//! [`LinkError::UnknownVersion`]. The tests keep a version-1 link as written,
//! and it must keep decoding.
//!
//! Decoding never panics. Each stage bounds the work of the next one: the
//! text is capped at [`MAX_LINK_CHARS`] before base64 is read, the inflater
//! stops at [`MAX_SESSION_BYTES`] (a small link may not inflate into
//! gigabytes), and the session then goes through the same validation as a
//! scenario file, whose errors name the field.
//!
//! CAVEATS
//! - A link holds a timeline, not a state: a link opened by a build whose
//!   simulator behaves differently replays to that build's state. The trace
//!   hashes of the built-in scenarios pin the simulator's behaviour.
//! - The position is a tick: a user who stepped through half of a tick's
//!   events shares the state after the whole tick.
//! - Replaying is as slow as running: a session far into virtual time with a
//!   busy network takes as long to open as it took to reach.
//! - The checksum detects accidents (a truncated paste, a changed
//!   character), not forgery: a crafted link is only as trusted as any
//!   scenario file, and is validated as one.
//! - Links over [`LINK_WARN_CHARS`] may be cut by chat programs and some
//!   browsers; the UI warns and offers a scenario file instead.
//! - Only text that is not JSON, or names a key twice, gives a line and
//!   column: the session is read into a JSON value first, as a scenario
//!   file is, and its fields, scenario and inputs are then taken from that
//!   value, so their errors give the path (`time_ticks`,
//!   `inputs[2].entry.at`) alone. Text that is not JSON gives its line and
//!   column but no field: a value cut short inside `scenario` or `inputs`
//!   says where in the text it broke, not which field holds it (it named
//!   the field until session 10). (The session's own fields were read
//!   straight from the text until session 10, with a position, which kept
//!   serde_json's typed reader and `f64`'s `Display` in the shipped app:
//!   docs/size.md.)

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::handwritten::inflate::{inflate, InflateError};
use crate::ids::Time;
use crate::scenario::{
    read, Scenario, ScenarioError, TimelineEntry, MAX_SCENARIO_BYTES, MAX_TEXT_BYTES,
};
use crate::sim::SimOptions;

/// The link version [`encode_session`] writes.
pub const LINK_VERSION: u32 = 1;
/// The longest link text [`decode_session`] reads, in characters.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// The largest session JSON a link may inflate to, in bytes.
pub const MAX_SESSION_BYTES: usize = MAX_SCENARIO_BYTES;
/// A link longer than this many characters deserves a warning: some programs
/// cut long URLs, and a scenario file is the safer way to share.
pub const LINK_WARN_CHARS: usize = 8000;
/// The deflate level: miniz's best (10); links are written once and opened
/// by strangers, so their size matters more than the time to compress.
const DEFLATE_LEVEL: u8 = 10;
/// Bytes of checksum in front of the compressed bytes.
const CHECKSUM_BYTES: usize = 4;

/// A link version's decoder: it takes the text after `w{version}.`.
pub type LinkDecoder = fn(&str) -> Result<Session, LinkError>;

/// Every link version this build opens, with its decoder. A new format adds a
/// row; the old rows stay, so that old links keep opening.
pub const LINK_VERSIONS: &[(u32, LinkDecoder)] = &[(1, decode_v1)];

/// One user's session in the playground: what to replay, and how far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// The scenario the session started from.
    pub scenario: Scenario,
    /// The client operations and faults the user added while it ran, in the
    /// order they were added ([`Session::record`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<UserInput>,
    /// The user's position in virtual time, in ticks.
    #[serde(default)]
    pub time_ticks: Time,
    /// The key the user was looking at, if any (the UI's choice; the replay
    /// does not depend on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_key: Option<String>,
}

/// A timeline entry the user added to a running cluster, with the moment it
/// was added. The moment is an event count, not a time: the simulator orders
/// events due at the same tick by when they were scheduled, so an entry added
/// live after some of a tick's events ran must be scheduled at that same
/// point on replay, not with the scenario's timeline before the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// How many events the simulator had run when the entry was added.
    pub after_events: u64,
    /// The entry; its `at` is never before the time it was added.
    pub entry: TimelineEntry,
}

/// Why a link cannot be opened. Every variant's message says what is wrong
/// in words a person who pasted the link can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The link text is longer than [`MAX_LINK_CHARS`].
    TooLong {
        /// The text's length, in characters.
        chars: usize,
    },
    /// The text does not start with a version tag such as `w1.`.
    NotALink,
    /// The version tag names a version this build has no decoder for.
    UnknownVersion {
        /// The version named.
        version: u32,
    },
    /// A character that base64url does not use.
    BadBase64 {
        /// The character.
        character: char,
        /// Its position in the encoded part, counted in bytes.
        position: usize,
    },
    /// The checksum does not match the data: the link was changed or cut.
    ChecksumMismatch,
    /// The data passed its checksum but is not a deflate stream.
    Inflate {
        /// What the inflater said.
        reason: String,
    },
    /// The data inflates to more than [`MAX_SESSION_BYTES`].
    TooLarge {
        /// The limit that was reached, in bytes.
        limit_bytes: usize,
    },
    /// The session inside is not valid; the error names the field.
    InvalidSession(ScenarioError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong { chars } => write!(
                f,
                "the link is {chars} characters long; the limit is {MAX_LINK_CHARS}"
            ),
            LinkError::NotALink => {
                write!(
                    f,
                    "not a Wildling link: it should start with \"w{LINK_VERSION}.\""
                )
            }
            LinkError::UnknownVersion { version } => write!(
                f,
                "the link has format version {version}, which this build cannot open \
                 (it opens {})",
                known_versions()
            ),
            LinkError::BadBase64 {
                character,
                position,
            } => write!(
                f,
                "the link is corrupted: {character:?} at position {position} is not a \
                 base64url character"
            ),
            LinkError::ChecksumMismatch => write!(
                f,
                "the link is corrupted or truncated: its checksum does not match"
            ),
            LinkError::Inflate { reason } => {
                write!(f, "the link's data cannot be decompressed: {reason}")
            }
            LinkError::TooLarge { limit_bytes } => write!(
                f,
                "the link's data decompresses to more than {limit_bytes} bytes"
            ),
            LinkError::InvalidSession(e) => write!(f, "the link's session is invalid: {e}"),
        }
    }
}

impl std::error::Error for LinkError {}

fn known_versions() -> String {
    let names: Vec<String> = LINK_VERSIONS.iter().map(|(v, _)| format!("w{v}")).collect();
    names.join(", ")
}

impl Session {
    /// A session at time 0 of `scenario`, with no key selected.
    pub fn new(scenario: Scenario) -> Session {
        Session {
            scenario,
            inputs: Vec::new(),
            time_ticks: 0,
            selected_key: None,
        }
    }

    /// Add `entry` to the running `cluster` and remember it, so that
    /// [`Session::replay`] schedules it at the same point. An entry dated in
    /// the past is dated now, which is when the simulator runs it.
    pub fn record(
        &mut self,
        cluster: &mut Cluster,
        mut entry: TimelineEntry,
    ) -> Result<(), ScenarioError> {
        let now = i64::try_from(cluster.sim().now()).unwrap_or(i64::MAX);
        entry.at = entry.at.max(now);
        cluster.schedule(&entry)?;
        self.inputs.push(UserInput {
            after_events: cluster.sim().stats().events,
            entry,
        });
        Ok(())
    }

    /// The session as compact JSON (what [`Session::from_json`] reads back).
    pub fn to_json(&self) -> String {
        // The reason in words (`Display`): `expect` would link serde_json's
        // `Debug` of its error into the playground for this one panic.
        serde_json::to_string(self).unwrap_or_else(|e| panic!("a session always serializes: {e}"))
    }

    /// Parse and validate a session, checking the scenario exactly as
    /// [`Scenario::from_json`] does. Field names in errors are paths in the
    /// session (`scenario.cluster.r`, `inputs[2].entry.at`).
    pub fn from_json(text: &str) -> Result<Session, ScenarioError> {
        if text.len() > MAX_SESSION_BYTES {
            return Err(ScenarioError::TooLarge { bytes: text.len() });
        }
        let value = read::parse_unique_keys(text)?;
        let fields = read::object(&value, "a session", FIELDS)?;
        let scenario = fields
            .get("scenario")
            .ok_or_else(|| read::missing("scenario"))?;
        let time_ticks: Time = optional(fields, "time_ticks")?;
        let selected_key: Option<String> = optional(fields, "selected_key")?;
        let inputs = match fields.get("inputs") {
            Some(v) => read::array(v, "inputs")?,
            None => &[],
        };
        let scenario = Scenario::from_value(scenario).map_err(|e| within("scenario", e))?;
        let mut inputs_read = Vec::with_capacity(inputs.len());
        let mut after_events = 0;
        for (i, input) in inputs.iter().enumerate() {
            let field = format!("inputs[{i}]");
            let input: UserInput = read::from_value(input).map_err(|e| within(&field, e))?;
            if input.after_events < after_events {
                return Err(ScenarioError::Invalid {
                    field: format!("{field}.after_events"),
                    reason: format!(
                        "{} is before the previous input's {after_events}; inputs are in \
                         the order they were added",
                        input.after_events
                    ),
                });
            }
            after_events = input.after_events;
            input
                .entry
                .action(&scenario.cluster, &format!("{field}.entry"))?;
            inputs_read.push(input);
        }
        if let Some(key) = &selected_key {
            if key.is_empty() || key.len() > MAX_TEXT_BYTES {
                return Err(ScenarioError::Invalid {
                    field: "selected_key".into(),
                    reason: format!("must be 1 to {MAX_TEXT_BYTES} bytes, not {}", key.len()),
                });
            }
        }
        Ok(Session {
            scenario,
            inputs: inputs_read,
            time_ticks,
            selected_key,
        })
    }

    /// The scenario the playground plays for this session: its timeline
    /// followed by the user's inputs, each scheduled with the timeline
    /// before the first event. Inputs added after some events (by a tool
    /// that records mid-tick) are refused, naming the input: the
    /// playground could not rebuild them when scrubbing.
    pub fn played_scenario(&self) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.scenario.clone();
        for (i, input) in self.inputs.iter().enumerate() {
            if input.after_events != 0 {
                return Err(ScenarioError::Invalid {
                    field: format!("inputs[{i}].after_events"),
                    reason: format!(
                        "{} events: the playground opens inputs added before the first event \
                         only",
                        input.after_events
                    ),
                });
            }
            scenario.timeline.push(input.entry.clone());
        }
        Ok(scenario)
    }

    /// Build the session's cluster, run it, adding each of the user's inputs
    /// after as many events as when it was added, and stop at the session's
    /// time: the state the user saw.
    pub fn replay(&self, options: SimOptions) -> Result<Cluster, ScenarioError> {
        let mut cluster = Cluster::new(&self.scenario, options)?;
        for input in &self.inputs {
            let sim = cluster.sim_mut();
            while sim.stats().events < input.after_events && sim.step() {}
            cluster.schedule(&input.entry)?;
        }
        cluster.sim_mut().run_until(self.time_ticks);
        Ok(cluster)
    }
}

/// A session's optional field `name` read as a `T` (its path in errors),
/// or `T`'s default when the session leaves it out.
fn optional<'v, T: Deserialize<'v> + Default>(
    fields: &'v serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<T, ScenarioError> {
    match fields.get(name) {
        Some(value) => read::from_value(value).map_err(|e| within(name, e)),
        None => Ok(T::default()),
    }
}

/// An error of a part of the session (`scenario`, `inputs[2]`) as an error
/// of the session: `cluster.r` becomes `scenario.cluster.r`, and the part
/// itself (`.` or empty) the part's name.
pub(crate) fn within(part: &str, mut error: ScenarioError) -> ScenarioError {
    if let ScenarioError::Json { field, .. } | ScenarioError::Invalid { field, .. } = &mut error {
        *field = match field.as_str() {
            "" | "." => part.to_string(),
            _ => format!("{part}.{field}"),
        };
    }
    error
}

/// The session's field names, in the order serde's messages list them.
const FIELDS: &[&str] = &["scenario", "inputs", "time_ticks", "selected_key"];

/// The link to `session`, in the current format ([`LINK_VERSION`]).
pub fn encode_session(session: &Session) -> String {
    encode_payload(session.to_json().as_bytes())
}

/// Frame any bytes as a current-version link: the session encoder's last
/// stage, public for tools and tests that need a well-framed link to text
/// that is not a valid session.
pub fn encode_payload(json: &[u8]) -> String {
    frame_deflated(&miniz_oxide::deflate::compress_to_vec(json, DEFLATE_LEVEL))
}

/// Frame bytes already compressed as raw deflate as a current-version link:
/// [`encode_payload`] after its compression, for a caller that compresses
/// elsewhere (the web app uses the browser's own deflate, so that it does
/// not ship a compressor). Any raw deflate stream of the session's JSON
/// opens the same; only the link's length depends on the compressor.
pub fn frame_deflated(deflated: &[u8]) -> String {
    let tag = version_tag(LINK_VERSION);
    let mut framed = Vec::with_capacity(CHECKSUM_BYTES + deflated.len());
    framed.extend_from_slice(&checksum(&tag, deflated).to_be_bytes());
    framed.extend_from_slice(deflated);
    format!("{tag}{}", base64url(&framed))
}

/// Open a link: the text of the URL fragment, with or without its `#`.
pub fn decode_session(link: &str) -> Result<Session, LinkError> {
    let (version, body) = split_link(link)?;
    let decode = LINK_VERSIONS
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, decode)| decode)
        .ok_or(LinkError::UnknownVersion { version })?;
    decode(body)
}

/// The text a link carries, unread: a session's JSON, or a tutorial file's
/// (a link made while a tutorial is open carries the whole tutorial). Only
/// version 1 frames text this way.
pub fn decode_text(link: &str) -> Result<String, LinkError> {
    match split_link(link)? {
        (1, body) => text_v1(body),
        (version, _) => Err(LinkError::UnknownVersion { version }),
    }
}

/// A link's version and body, its length checked first.
fn split_link(link: &str) -> Result<(u32, &str), LinkError> {
    if link.len() > MAX_LINK_CHARS {
        let chars = link.chars().count();
        if chars > MAX_LINK_CHARS {
            return Err(LinkError::TooLong { chars });
        }
    }
    let link = link.trim();
    let link = link.strip_prefix('#').unwrap_or(link);
    split_version(link).ok_or(LinkError::NotALink)
}

/// Whether a link is long enough that the UI should warn and offer a file.
pub fn link_needs_warning(link: &str) -> bool {
    link.len() > LINK_WARN_CHARS
}

/// `w{version}.`, the text in front of every link of that version.
fn version_tag(version: u32) -> String {
    format!("w{version}.")
}

/// Split `w{digits}.{body}` into the version and the body; `None` when the
/// text has no such tag (or a version past `u32`, which nobody wrote).
fn split_version(link: &str) -> Option<(u32, &str)> {
    let (tag, body) = link.strip_prefix('w')?.split_once('.')?;
    if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((tag.parse().ok()?, body))
}

/// Version 1: base64url of the CRC-32 (big-endian) and the raw deflate
/// stream of the session's JSON.
fn decode_v1(body: &str) -> Result<Session, LinkError> {
    Session::from_json(&text_v1(body)?).map_err(LinkError::InvalidSession)
}

/// The text a version 1 link's body frames.
fn text_v1(body: &str) -> Result<String, LinkError> {
    let framed = from_base64url(body)?;
    if framed.len() < CHECKSUM_BYTES {
        return Err(LinkError::ChecksumMismatch);
    }
    let (sum, deflated) = framed.split_at(CHECKSUM_BYTES);
    if sum != checksum(&version_tag(1), deflated).to_be_bytes() {
        return Err(LinkError::ChecksumMismatch);
    }
    let json = inflate(deflated, MAX_SESSION_BYTES).map_err(|e| match e {
        InflateError::TooLarge => LinkError::TooLarge {
            limit_bytes: MAX_SESSION_BYTES,
        },
        // In the words of the `miniz_oxide` inflater the links had first.
        InflateError::Invalid => LinkError::Inflate {
            reason: "Invalid input data".into(),
        },
        InflateError::Truncated => LinkError::Inflate {
            reason: "Truncated input stream".into(),
        },
    })?;
    String::from_utf8(json).map_err(|e| {
        LinkError::InvalidSession(ScenarioError::Json {
            field: String::new(),
            reason: format!("not UTF-8: {e}"),
        })
    })
}

/// The base64url alphabet (RFC 4648, section 5).
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in base64url without padding.
fn base64url(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |bits, (i, &b)| bits | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let sextet = (bits >> (18 - 6 * i)) & 63;
            text.push(char::from(BASE64URL[sextet as usize]));
        }
    }
    text
}

/// The bytes that base64url text without padding spells. A character
/// outside the alphabet is named with its byte position; a length no
/// encoding has, or a last character with bits the encoding leaves zero,
/// means the text was cut or changed.
fn from_base64url(text: &str) -> Result<Vec<u8>, LinkError> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut bits, mut count) = (0u32, 0u32);
    for (position, byte) in text.bytes().enumerate() {
        let Some(sextet) = BASE64URL.iter().position(|&c| c == byte) else {
            return Err(LinkError::BadBase64 {
                // Name the character that holds the byte.
                character: text
                    .get(position..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or(char::REPLACEMENT_CHARACTER),
                position,
            });
        };
        bits = bits << 6 | sextet as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    if count >= 6 || bits != 0 {
        return Err(LinkError::ChecksumMismatch);
    }
    Ok(bytes)
}

/// The checksum of a link: CRC-32 of its version tag and compressed bytes.
fn checksum(tag: &str, deflated: &[u8]) -> u32 {
    crc32_update(crc32_update(!0, tag.as_bytes()), deflated) ^ !0
}

/// CRC-32 (IEEE 802.3, reflected polynomial `0xEDB88320`), the checksum of
/// zip, gzip and PNG.
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32_update(!0, bytes) ^ !0
}

/// Feed `bytes` into a running CRC-32 register, a bit at a time: links are
/// short, and a byte-at-a-time table would be a kilobyte of the shipped app
/// that does not compress.
fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    crc
}

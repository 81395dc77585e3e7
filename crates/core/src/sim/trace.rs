//! The trace: every event the simulator processed, in order, with a stable
//! text form and a stable hash over that text.
//!
//! One line per event, `time kind details`, for example
//! `     3 deliver #4 n1->n2 sent@1 put-replica k1 ...`. The line is the contract:
//! golden tests compare it, the hash is FNV-1a (64 bit) over every line and
//! its newline, and the UI shows it. Nothing in a line depends on the
//! platform: integers only, no floats, no addresses, no hash-map order.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use crate::ids::{Addr, Time};

/// How much of the trace the simulator keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceMode {
    /// Keep every line and the running hash (the UI, `wildling trace`, tests).
    #[default]
    Full,
    /// Keep only the running hash (sweeps).
    HashOnly,
    /// Keep nothing; no line is even formatted (benchmarks).
    Off,
}

/// What kind of event a trace line records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceKind {
    /// A message reached its receiver.
    Deliver,
    /// A message was lost.
    Drop,
    /// The network copied a message.
    Duplicate,
    /// A timer fired.
    Timer,
    /// A fault, heal, crash or restart.
    Fault,
    /// A client operation started.
    Invoke,
    /// A client operation ended.
    Complete,
}

/// The lanes an event touches in a space-time diagram: the acting process,
/// and for messages the receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lanes {
    /// The sender, or the process the event happened at.
    pub from: Option<Addr>,
    /// The receiver of a message.
    pub to: Option<Addr>,
}

impl Lanes {
    /// An event that touches no lane (a network-wide fault).
    pub const NONE: Lanes = Lanes {
        from: None,
        to: None,
    };

    /// An event at one process.
    pub fn at(addr: Addr) -> Lanes {
        Lanes {
            from: Some(addr),
            to: None,
        }
    }

    /// A message from one process to another.
    pub fn message(from: Addr, to: Addr) -> Lanes {
        Lanes {
            from: Some(from),
            to: Some(to),
        }
    }
}

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Virtual time of the event.
    pub at: Time,
    /// What kind of event it is.
    pub kind: TraceKind,
    /// The lanes it touches.
    pub lanes: Lanes,
    /// The event's text, without the time.
    pub text: String,
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>6} {}", self.at, self.text)
    }
}

/// FNV-1a, 64 bit: the stable hash of trace text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// Mix `bytes` into the hash.
    pub fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Text written to the hash is hashed as it comes, never kept.
impl fmt::Write for Fnv1a {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

/// The recorded trace and its running hash.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    mode: TraceMode,
    events: Vec<TraceEvent>,
    /// Bytes of every event kept so far, taken ones included.
    kept_bytes: u64,
    hash: Fnv1a,
    line: String,
}

impl Trace {
    /// An empty trace that keeps what `mode` says.
    pub fn new(mode: TraceMode) -> Trace {
        Trace {
            mode,
            ..Trace::default()
        }
    }

    /// Whether events are formatted at all; callers skip work when not.
    pub fn enabled(&self) -> bool {
        self.mode != TraceMode::Off
    }

    /// Record an event at `at` of `kind` touching `lanes`, formatted from `args`.
    pub fn record(&mut self, at: Time, kind: TraceKind, lanes: Lanes, args: fmt::Arguments<'_>) {
        match self.mode {
            TraceMode::Off => return,
            TraceMode::HashOnly => {
                // Hashing cannot fail.
                let _ = write!(self.hash, "{at:>6} ");
                let _ = self.hash.write_fmt(args);
                self.hash.write(b"\n");
                return;
            }
            TraceMode::Full => {}
        }
        self.line.clear();
        // Writing to a String cannot fail.
        let _ = write!(self.line, "{at:>6} ");
        let prefix = self.line.len();
        let _ = self.line.write_fmt(args);
        self.hash.write(self.line.as_bytes());
        self.hash.write(b"\n");
        let text = self.line[prefix..].to_string();
        self.kept_bytes += super::budget::TRACE_EVENT_BYTES + text.len() as u64;
        self.events.push(TraceEvent {
            at,
            kind,
            lanes,
            text,
        });
    }

    /// Bytes of every event kept so far, those taken included: the
    /// trace's part of a run's budget.
    pub fn kept_bytes(&self) -> u64 {
        self.kept_bytes
    }

    /// Every kept event, in order.
    pub fn events(&self) -> &[TraceEvent] {
        &self.events
    }

    /// Hand over the kept events and keep none: a front end that runs for
    /// long (`wildling serve`) streams the lines out instead of keeping them.
    /// The hash still covers every line.
    pub fn take_events(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.events)
    }

    /// Keep from now on what `mode` says. The hash goes on over every line
    /// when switching between `Full` and `HashOnly`; `Off` stops it, so a
    /// run switched off and on again no longer has a trace hash that a
    /// replay reproduces.
    pub fn set_mode(&mut self, mode: TraceMode) {
        self.mode = mode;
    }

    /// What the trace keeps.
    pub fn mode(&self) -> TraceMode {
        self.mode
    }

    /// The FNV-1a hash of every line so far (in `Full` and `HashOnly` modes).
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.events
            .iter()
            .try_for_each(|event| writeln!(f, "{event}"))
    }
}

/// `text` with every control character written as an escape (`\n`,
/// `\u{1b}`), so that keys, values and names from a scenario cannot forge
/// lines or send terminal escape sequences when printed. Text without
/// control characters is returned as it is.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Width of one lane in [`space_time`], in characters.
const LANE_WIDTH: usize = 4;

/// Draw events as a text space-time (Lamport) diagram: one column per lane,
/// time flowing down, one row per event.
///
/// A message is drawn `o--->*` from sender to receiver (`x` when dropped, `+`
/// for a network copy); `@` is a timer, `I` and `C` a client operation's
/// invocation and completion, `X` and `R` a crash and a restart, and a row of
/// `~` a network-wide fault such as a partition or a heal. Control
/// characters in the events' text are escaped ([`escape_controls`]).
pub fn space_time(events: &[TraceEvent], lanes: &[Addr]) -> String {
    let column = |addr: Option<Addr>| {
        addr.and_then(|a| lanes.iter().position(|l| *l == a))
            .map(|i| i * LANE_WIDTH + 1)
    };
    let width = lanes.len() * LANE_WIDTH;
    let mut out = format!("{:>6} ", "time");
    for lane in lanes {
        let _ = write!(out, "{:<LANE_WIDTH$}", lane.to_string());
    }
    out.push('\n');
    let mut row = vec![' '; width];
    for event in events {
        row.iter_mut().for_each(|c| *c = ' ');
        for i in 0..lanes.len() {
            row[i * LANE_WIDTH + 1] = '|';
        }
        let (from, to) = (column(event.lanes.from), column(event.lanes.to));
        match (event.kind, from, to) {
            (TraceKind::Deliver | TraceKind::Drop | TraceKind::Duplicate, Some(a), Some(b)) => {
                let (low, high) = (a.min(b), a.max(b));
                row[low + 1..high].iter_mut().for_each(|c| *c = '-');
                if a < b {
                    row[b - 1] = '>';
                } else if a > b {
                    row[b + 1] = '<';
                }
                row[a] = 'o';
                row[b] = match event.kind {
                    TraceKind::Drop => 'x',
                    TraceKind::Duplicate => '+',
                    _ => '*',
                };
            }
            (TraceKind::Fault, None, _) => row.iter_mut().step_by(2).for_each(|c| *c = '~'),
            (kind, Some(a), _) => {
                row[a] = match kind {
                    TraceKind::Timer => '@',
                    TraceKind::Invoke => 'I',
                    TraceKind::Complete => 'C',
                    TraceKind::Fault if event.text.starts_with("fault crash") => 'X',
                    TraceKind::Fault => 'R',
                    _ => '?',
                }
            }
            _ => {}
        }
        let drawn: String = row.iter().collect();
        let text = escape_controls(&event.text);
        let _ = writeln!(out, "{:>6} {drawn} {text}", event.at);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_controls, Fnv1a, Lanes, Trace, TraceKind, TraceMode};

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        let hash = |text: &str| {
            let mut h = Fnv1a::default();
            h.write(text.as_bytes());
            h.finish()
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn hash_only_mode_hashes_what_full_mode_prints() {
        let mut full = Trace::new(TraceMode::Full);
        let mut hashed = Trace::new(TraceMode::HashOnly);
        for trace in [&mut full, &mut hashed] {
            trace.record(3, TraceKind::Fault, Lanes::NONE, format_args!("fault heal"));
            trace.record(
                1234567,
                TraceKind::Timer,
                Lanes::NONE,
                format_args!("timer n1 x"),
            );
        }
        assert_eq!(full.hash(), hashed.hash());
        assert!(hashed.events().is_empty());
        let mut again = Fnv1a::default();
        again.write(full.to_string().as_bytes());
        assert_eq!(again.finish(), full.hash());
        assert_eq!(full.to_string(), "     3 fault heal\n1234567 timer n1 x\n");
    }

    #[test]
    fn taking_events_and_switching_modes_keep_the_hash_of_every_line() {
        let mut full = Trace::new(TraceMode::Full);
        let mut switched = Trace::new(TraceMode::HashOnly);
        full.record(1, TraceKind::Fault, Lanes::NONE, format_args!("fault heal"));
        switched.record(1, TraceKind::Fault, Lanes::NONE, format_args!("fault heal"));
        switched.set_mode(TraceMode::Full);
        assert_eq!(switched.mode(), TraceMode::Full);
        for trace in [&mut full, &mut switched] {
            trace.record(2, TraceKind::Timer, Lanes::NONE, format_args!("timer n1 x"));
        }
        let taken = switched.take_events();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].to_string(), "     2 timer n1 x");
        assert!(switched.events().is_empty());
        assert_eq!(full.hash(), switched.hash());
        assert_eq!(full.events().len(), 2);
    }

    #[test]
    fn control_characters_are_escaped_and_other_text_kept() {
        assert_eq!(escape_controls("put k=v ü ✓"), "put k=v ü ✓");
        assert_eq!(
            escape_controls("a\nb\r\u{1b}[31mc\u{7f}\u{85}"),
            "a\\nb\\r\\u{1b}[31mc\\u{7f}\\u{85}"
        );
    }

    /// The budget's fixed figure for a trace event is its size on a 64-bit
    /// target (`sim/budget.rs`: the same estimate in wasm32).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_trace_event_counts_its_64_bit_size() {
        assert_eq!(
            super::super::budget::TRACE_EVENT_BYTES,
            std::mem::size_of::<super::TraceEvent>() as u64
        );
    }
}

//! Standard output that a closed pipe ends quietly.
//!
//! `wildling run X | head -1` closes the pipe after one line. Rust ignores
//! SIGPIPE, so the next write fails with `BrokenPipe`, and `println!`
//! turns that into a panic ("failed printing to stdout"). Every line the
//! CLI prints goes through `outln!` and `out!` (below) instead: a write that
//! finds the reader gone ends the process at once with exit code 0, as
//! a tool killed by SIGPIPE would end without a word (the reader asked
//! for no more); any other write error is reported and exits 1.
//!
//! # CAVEATS
//!
//! - The process exits without running destructors: nothing the CLI holds
//!   at a print needs one (files are written and closed before).
//! - Exit code 0, not 141: under `set -o pipefail` a `| head` is not a
//!   failure of the run.

use std::io::Write;

/// Write `text` (formatted) to stdout, ending the process on an error.
pub fn write(text: std::fmt::Arguments<'_>) {
    finish(std::io::stdout().lock().write_fmt(text));
}

/// Write `value` to stdout as pretty JSON and a newline, streamed: a run
/// stopped by its budget has up to a million messages in its history, and
/// its JSON (hundreds of megabytes) is never held whole in memory.
pub fn json(value: &impl serde::Serialize) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    finish(written);
}

/// End the process if a write failed: quietly when the reader is gone.
fn finish(written: std::io::Result<()>) {
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("wildling: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }
}

/// `print!` that ends the process quietly when stdout is closed.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*))
    };
}

/// `println!` that ends the process quietly when stdout is closed.
macro_rules! outln {
    () => {
        $crate::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

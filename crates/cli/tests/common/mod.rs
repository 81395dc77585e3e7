//! What the CLI's end-to-end tests share: running the binary, reading its
//! output, and a scratch directory of a test's own.
//!
//! Each file in `tests/` is its own crate and includes this module with
//! `mod common;`; each uses only some of it, hence the `dead_code` allowance.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `wildling` binary cargo built for these tests.
pub const WILDLING: &str = env!("CARGO_BIN_EXE_wildling");

/// Run `wildling` with `args` and wait for it.
pub fn wildling(args: &[&str]) -> Output {
    Command::new(WILDLING)
        .args(args)
        .output()
        .expect("wildling runs")
}

/// Output bytes as text (lossy: a test prints them, it does not parse them).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The stdout of `wildling args`, which must succeed.
pub fn stdout(args: &[&str]) -> String {
    let out = wildling(args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// A file of the repository, by its path from the root.
pub fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// A directory of this test's own (named for the process and `name`, so
/// tests running in parallel never share one), removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("wildling-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Scratch(dir)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.0
    }

    /// The directory as an argument.
    pub fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 path")
    }

    /// Write `contents` to the file `name` in the directory; its path as an
    /// argument.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("writes");
        path.to_str().expect("a UTF-8 path").to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

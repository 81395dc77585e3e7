//! `wildling tutorial check FILE...`: replay each tutorial and check every
//! step's assertions, so that an author's CI notices when a tutorial stops
//! showing what its prose claims. `wildling tutorial list` names the
//! built-in tutorials, which `check` also takes by id.
//!
//! Every file is checked, then the exit code says the worst: 2 if a file
//! could not be read or is not a valid tutorial (the reason names the
//! field), 1 if an assertion failed (the first failing step of each file,
//! with what it expected and what the cluster showed), 0 if all held.

use std::process::ExitCode;

use wildling_core::sim::trace::escape_controls;
use wildling_core::tutorial::{tutorial, Tutorial, BUILTIN_INDEX};

use super::{read_capped, ReadError};

/// What a file came to.
enum Outcome {
    Passed,
    Failed,
    BadInput,
}

/// Check each of `files` (paths, or built-in tutorial ids); print one
/// verdict per file.
pub fn check(files: &[String]) -> ExitCode {
    let mut worst = Outcome::Passed;
    for name in files {
        let outcome = check_one(name);
        worst = match (worst, outcome) {
            (Outcome::BadInput, _) | (_, Outcome::BadInput) => Outcome::BadInput,
            (Outcome::Failed, _) | (_, Outcome::Failed) => Outcome::Failed,
            _ => Outcome::Passed,
        };
    }
    match worst {
        Outcome::Passed => ExitCode::SUCCESS,
        Outcome::Failed => ExitCode::from(1),
        Outcome::BadInput => ExitCode::from(2),
    }
}

fn check_one(name: &str) -> Outcome {
    let shown = wildling_core::quoted::shown(name);
    let loaded = match read_capped(name) {
        Ok(text) => Tutorial::from_json(&text).map_err(|e| e.to_string()),
        Err(ReadError::Open(e)) => {
            tutorial(name).ok_or_else(|| format!("{e}, and no built-in tutorial has that id"))
        }
        Err(e @ ReadError::Read(_)) => Err(e.to_string()),
    };
    let t = match loaded {
        Ok(t) => t,
        Err(reason) => {
            eprintln!("wildling: {shown}: {}", escape_controls(&reason));
            return Outcome::BadInput;
        }
    };
    match t.check() {
        Ok(assertions) => {
            outln!(
                "ok    {shown}: {} steps, {assertions} assertions hold",
                t.steps.len()
            );
            Outcome::Passed
        }
        Err(failure) => {
            let v = &failure.verdict;
            outln!(
                "FAIL  {shown}: step {} of {} ({}), steps[{}].expect[{}]: {}",
                failure.step + 1,
                t.steps.len(),
                escape_controls(&failure.step_title),
                failure.step,
                failure.assertion,
                escape_controls(&v.subject)
            );
            outln!("      expected: {}", escape_controls(&v.expected));
            outln!("      actual:   {}", escape_controls(&v.actual));
            Outcome::Failed
        }
    }
}

/// Print the built-in tutorials' ids and titles.
pub fn list() -> ExitCode {
    for (id, title) in BUILTIN_INDEX {
        outln!("{id:<24} {title}");
    }
    ExitCode::SUCCESS
}

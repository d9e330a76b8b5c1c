//! When the process started, for the time-to-first-frame measurement.
//!
//! `cli::main` marks the start as its first step. The measured time therefore covers argument
//! parsing, config loading, logging set-up and entering the full screen, but not the process
//! start before `main`. `scripts/bench.py` also times the whole process from outside.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Records the start of the process; later calls keep the first time.
pub fn mark() {
    let _ = STARTED.get_or_init(Instant::now);
}

/// Returns the time since [`mark`] was first called, or zero when it never was.
#[must_use]
pub fn elapsed() -> Duration {
    STARTED.get().map_or(Duration::ZERO, Instant::elapsed)
}

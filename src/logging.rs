//! Logging to a file, never to the screen the browser draws on.
//!
//! The file is `--log-file PATH`, else `STAGE_IMAGES_LOG`, else `stage-images.log` in the
//! platform's state folder. The level comes from `RUST_LOG` (default: this crate at `info`,
//! every library at `warn`, so HTTP internals stay quiet; `--debug` raises this crate to
//! `debug`). The file is capped: at start-up a file over 5 MiB is moved to `.log.1`, replacing
//! the previous one. Writes happen on a background thread. No secret is ever logged: secrets are
//! held in types that print as `[REDACTED]`.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

/// Environment variable naming the log file, like `--log-file`.
pub const LOG_FILE_ENV: &str = "STAGE_IMAGES_LOG";

/// Size above which the log file is rotated at start-up.
pub const MAX_LOG_BYTES: u64 = 5 * 1024 * 1024;

/// How to log this run.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// The log file; `None` picks the default location.
    pub file: Option<PathBuf>,
    /// Log this crate at debug level.
    pub debug: bool,
    /// Also copy log lines to standard error (non-interactive commands with `--debug`).
    pub stderr: bool,
}

/// The background writer's guard. It lives here rather than in [`LogGuard`] so that
/// [`flush`] can reach it from a panic hook that ends the process.
static WORKER: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// Keeps the background writer alive; logs are flushed when it is dropped.
#[derive(Debug)]
pub struct LogGuard {
    /// The file logs go to.
    pub path: PathBuf,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        flush();
    }
}

/// Writes out the queued log lines and stops the background writer. Call it before ending
/// the process with `std::process::exit`, which runs no destructors; lines logged afterwards
/// are lost.
pub fn flush() {
    // `try_lock`, so a panic hook cannot wait on a lock that the panicking thread holds.
    let worker = match WORKER.try_lock() {
        Ok(mut slot) => slot.take(),
        Err(_) => None,
    };
    // Dropping the guard waits (for at most a second) until the writer has written everything.
    drop(worker);
}

/// Returns the log file used when none is given.
#[must_use]
pub fn default_log_file() -> Option<PathBuf> {
    crate::config::location::state_dir().map(|dir| dir.join("stage-images.log"))
}

/// Starts logging. Returns `Ok(None)` when no log file location is known.
pub fn init(options: &LogOptions) -> Result<Option<LogGuard>, String> {
    let Some(path) = options.file.clone().or_else(default_log_file) else {
        return Ok(None);
    };
    let file = open_log_file(&path)
        .map_err(|error| format!("cannot open the log file {}: {error}", path.display()))?;
    let (writer, worker) = tracing_appender::non_blocking(file);
    let default_level = if options.debug {
        "stage_images=debug,warn"
    } else {
        "stage_images=info,warn"
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(true);
    let installed = if options.stderr {
        builder.with_writer(writer.and(std::io::stderr)).try_init()
    } else {
        builder.with_writer(writer).try_init()
    };
    // A subscriber may already be installed (tests); logging then goes there.
    drop(installed);
    if let Ok(mut slot) = WORKER.lock() {
        *slot = Some(worker);
    }
    Ok(Some(LogGuard { path }))
}

fn open_log_file(path: &Path) -> std::io::Result<File> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    if std::fs::metadata(path).is_ok_and(|meta| meta.len() > MAX_LOG_BYTES) {
        let mut rotated = path.as_os_str().to_owned();
        rotated.push(".1");
        std::fs::rename(path, PathBuf::from(rotated))?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_log_is_rotated() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("stage-images.log");
        std::fs::write(&path, vec![b'x'; (MAX_LOG_BYTES + 1) as usize]).expect("write");
        let file = open_log_file(&path).expect("open");
        drop(file);
        assert_eq!(std::fs::metadata(&path).expect("new file").len(), 0);
        let rotated = dir.path().join("stage-images.log.1");
        assert_eq!(
            std::fs::metadata(rotated).expect("rotated").len(),
            MAX_LOG_BYTES + 1
        );
    }

    #[test]
    fn small_log_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested").join("stage-images.log");
        open_log_file(&path).expect("create");
        std::fs::write(&path, b"line\n").expect("write");
        drop(open_log_file(&path).expect("reopen"));
        assert_eq!(std::fs::read(&path).expect("read"), b"line\n");
    }
}

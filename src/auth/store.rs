//! Small per-profile files in the cache folder: IAM tokens (`tokens/`) and resolved project ids
//! (`projects/`).
//!
//! Each file is replaced atomically: the new text goes to a temporary file in the same folder,
//! which is then renamed over the old one, so a reader never sees half a file. Files are
//! created with mode 0600 in folders with mode 0700 (on Unix), because a token file is as good
//! as a password until the token expires.
//!
//! Requests run on the browser's one runtime thread, which also draws the screen, so code on
//! that thread uses the `_async` methods: they do the file work, `fsync` included, on a
//! blocking thread.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// One cached file of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheFile {
    path: PathBuf,
}

impl CacheFile {
    /// Names the file of `profile` in `folder` (such as `tokens`) under `cache_dir`.
    #[must_use]
    pub fn new(cache_dir: &Path, folder: &str, profile: &str) -> Self {
        Self {
            path: cache_dir
                .join(folder)
                .join(format!("{}.json", file_stem(profile))),
        }
    }

    /// Returns the path of the file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file; `None` when it does not exist or cannot be read (logged).
    #[must_use]
    pub fn read(&self) -> Option<String> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot read the cache file; ignoring it");
                None
            }
        }
    }

    /// Replaces the file's content atomically, creating the folder when needed.
    pub fn write(&self, text: &str) -> std::io::Result<()> {
        let folder = self
            .path
            .parent()
            .ok_or_else(|| std::io::Error::other("the cache file has no folder"))?;
        create_private_dir(folder)?;
        // `tempfile` creates the file with O_EXCL and mode 0600.
        let mut temporary = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(folder)?;
        temporary.write_all(text.as_bytes())?;
        temporary.as_file().sync_all()?;
        temporary.persist(&self.path).map_err(|error| error.error)?;
        Ok(())
    }

    /// Reads the file like [`CacheFile::read`], on a blocking thread.
    pub async fn read_async(&self) -> Option<String> {
        let file = self.clone();
        off_thread(move || file.read()).await.unwrap_or_else(|error| {
            tracing::warn!(path = %self.path.display(), %error, "cannot read the cache file; ignoring it");
            None
        })
    }

    /// Replaces the file's content like [`CacheFile::write`], on a blocking thread.
    pub async fn write_async(&self, text: String) -> std::io::Result<()> {
        let file = self.clone();
        off_thread(move || file.write(&text)).await?
    }

    /// Deletes the file like [`CacheFile::remove`], on a blocking thread.
    pub async fn remove_async(&self) {
        let file = self.clone();
        if let Err(error) = off_thread(move || file.remove()).await {
            tracing::warn!(path = %self.path.display(), %error, "cannot delete the cache file");
        }
    }

    /// Deletes the file; a file that is already gone is not an error.
    pub fn remove(&self) {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot delete the cache file");
            }
        }
    }
}

/// Turns a profile name into a file name. ASCII letters, digits, `-` and `_` are kept and every
/// other byte becomes `%XX`, so names like `../x` or `a/b` stay inside the folder.
#[must_use]
pub fn file_stem(profile: &str) -> String {
    let mut stem = String::with_capacity(profile.len());
    for byte in profile.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            stem.push(char::from(byte));
        } else {
            let _ = write!(stem, "%{byte:02X}");
        }
    }
    if stem.is_empty() {
        stem.push_str("%00");
    }
    stem
}

/// Runs `work` on tokio's blocking threads. A panic in `work` continues in the caller; a
/// runtime shutting down before `work` ran is an error.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Ok(value),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Err(std::io::Error::other(error)),
    }
}

fn create_private_dir(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_cannot_leave_the_folder() {
        assert_eq!(file_stem("prod-eu_1"), "prod-eu_1");
        assert_eq!(file_stem("../x"), "%2E%2E%2Fx");
        assert_eq!(file_stem("a b"), "a%20b");
        assert_eq!(file_stem(""), "%00");
    }

    #[test]
    fn write_replaces_and_remove_deletes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = CacheFile::new(dir.path(), "tokens", "dev");
        assert_eq!(file.read(), None);
        file.write("one").expect("write");
        file.write("two").expect("rewrite");
        assert_eq!(file.read().as_deref(), Some("two"));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("tokens"))
            .expect("folder")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers, ["dev.json"]);
        file.remove();
        file.remove();
        assert_eq!(file.read(), None);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let file = CacheFile::new(dir.path(), "tokens", "dev");
        file.write("secret").expect("write");
        let mode = |path: &Path| {
            std::fs::metadata(path)
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(file.path()), 0o600);
        assert_eq!(mode(&dir.path().join("tokens")), 0o700);
    }
}

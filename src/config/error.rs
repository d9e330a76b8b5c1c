//! Configuration errors that point at the file, line and key to fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// A mistake in the config file or in the profile chosen, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file, when the mistake is in one.
    pub file: Option<PathBuf>,
    /// One-based line of the mistake in `file`.
    pub line: Option<usize>,
    /// Dotted path of the key involved (`profiles.dev.endpoint`).
    pub key: Option<String>,
    /// Description of the mistake and the fix, in one or two sentences.
    pub message: String,
}

impl ConfigError {
    /// Creates an error about the config as a whole, not about one key.
    pub fn new(file: Option<&Path>, message: impl Into<String>) -> Self {
        Self {
            file: file.map(Path::to_path_buf),
            line: None,
            key: None,
            message: message.into(),
        }
    }

    /// Creates an error about one key, at a byte offset of the file's text.
    pub fn at(
        file: &Path,
        text: &str,
        offset: Option<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: Some(file.to_path_buf()),
            line: offset.map(|offset| line_of(text, offset)),
            key: Some(key.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", file.display())?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, _) => {}
        }
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// One-based line number of a byte offset.
#[must_use]
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.bytes().take(end).filter(|&byte| byte == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_key() {
        let error = ConfigError::at(
            Path::new("/c.toml"),
            "a = 1\nb = 2\n",
            Some(6),
            "b",
            "is wrong",
        );
        assert_eq!(error.to_string(), "/c.toml:2: `b`: is wrong");
    }

    #[test]
    fn line_of_counts_newlines() {
        assert_eq!(line_of("x\ny\nz", 0), 1);
        assert_eq!(line_of("x\ny\nz", 2), 2);
        assert_eq!(line_of("x\ny\nz", 99), 3);
    }
}

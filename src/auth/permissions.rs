//! Warnings for files that hold secrets but can be read by other users.

use std::path::Path;

/// Returns whether group or others may read `path` (always false where Unix modes do not
/// exist).
#[must_use]
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Formats the warning for a file that contains secrets and others can read, with the fix.
#[must_use]
pub fn warning(path: &Path) -> String {
    format!(
        "{} holds secrets and can be read by other users; run `chmod 600 {}`",
        path.display(),
        shell_quote(&path.display().to_string())
    )
}

/// Quotes a path for a shell command line when it needs quoting.
fn shell_quote(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_owned(), std::borrow::Cow::into_owned)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn group_readable_file_is_flagged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("my credentials");
        std::fs::write(&path, "x").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        assert!(readable_by_others(&path));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(!readable_by_others(&path));
        assert!(
            warning(&path).ends_with(&format!("run `chmod 600 '{}'`", path.display())),
            "{}",
            warning(&path)
        );
    }
}

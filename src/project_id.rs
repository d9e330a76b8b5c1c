//! Project ids: which tenant project, in one region, a request is about.

use std::fmt;

/// A project id: 32 lowercase hexadecimal characters, as the console shows it.
///
/// The id becomes a path segment, so anything that could change the path (`/`, `..`, `?`, `#`,
/// `%`) must never get through; the strict format rules that out.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProjectId(String);

/// Why a project id is invalid.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{value:?} is not a project id; a project id is 32 lowercase hexadecimal characters \
     (console: My Credentials > API Credentials > Projects)"
)]
pub struct ProjectIdError {
    pub value: String,
}

impl ProjectId {
    /// Validates a project id.
    pub fn parse(value: &str) -> Result<Self, ProjectIdError> {
        let valid = value.len() == 32
            && value
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'));
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(ProjectIdError {
                value: value.to_owned(),
            })
        }
    }

    /// Returns the id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProjectId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_id_is_accepted() {
        let id = ProjectId::parse("0123456789abcdef0123456789abcdef").expect("valid");
        assert_eq!(id.as_str(), "0123456789abcdef0123456789abcdef");
    }

    #[test]
    fn path_changing_ids_are_rejected() {
        for value in [
            "",
            "0123456789abcdef0123456789abcde",
            "0123456789ABCDEF0123456789ABCDEF",
            "../../../../v3/other/assembling//",
            "0123456789abcdef0123456789abcd/f",
            "0123456789abcdef0123456789abc%2f",
            "0123456789abcdef0123456789abcde?",
            "0123456789abcdef0123456789abcde#",
        ] {
            assert!(ProjectId::parse(value).is_err(), "{value:?} accepted");
        }
    }
}

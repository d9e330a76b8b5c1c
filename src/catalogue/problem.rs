//! Problems found while decoding: each invalid part of a response, described once for the user.

use std::fmt;

/// Most problems kept in detail; further ones are only counted.
pub(crate) const MAX_PROBLEMS_KEPT: usize = 50;

/// The parts of a response that were skipped, described for the user.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems {
    kept: Vec<Problem>,
    total: usize,
}

impl Problems {
    pub(super) fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.kept.len() < MAX_PROBLEMS_KEPT {
            self.kept.push(problem);
        }
    }

    /// Returns the first problems found, at most 50.
    #[must_use]
    pub fn kept(&self) -> &[Problem] {
        &self.kept
    }

    /// Returns how many problems were found in all.
    #[must_use]
    pub fn total(&self) -> usize {
        self.total
    }

    /// Returns whether the whole response was valid.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Returns one line for a status bar: the first problem and how many more there are.
    #[must_use]
    pub fn summary(&self) -> Option<String> {
        let first = self.kept.first()?;
        Some(match self.total {
            1 => format!("skipped invalid data: {first}"),
            total => format!("skipped invalid data: {first} (and {} more)", total - 1),
        })
    }
}

/// One skipped part of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A language's value was not an array.
    NotAnArray { language: String, found: String },
    /// An item of a version array was not a string.
    NotAString {
        language: String,
        index: usize,
        found: String,
    },
    /// A language name or version was empty, too long or held control characters.
    InvalidName {
        language: Option<String>,
        value: String,
        reason: &'static str,
    },
    /// A version appeared more than once for the same language.
    DuplicateVersion { language: String, version: String },
    /// A language name appeared more than once in the object.
    DuplicateLanguage { language: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnArray { language, found } => {
                write!(
                    f,
                    "{language}: expected an array of versions, found {found}"
                )
            }
            Self::NotAString {
                language,
                index,
                found,
            } => {
                write!(
                    f,
                    "{language}: item {index} is {found}, not a version string"
                )
            }
            Self::InvalidName {
                language: Some(language),
                value,
                reason,
            } => {
                write!(f, "{language}: version {value} {reason}")
            }
            Self::InvalidName {
                language: None,
                value,
                reason,
            } => {
                write!(f, "language name {value} {reason}")
            }
            Self::DuplicateVersion { language, version } => {
                write!(f, "{language}: version {version:?} is listed twice")
            }
            Self::DuplicateLanguage { language } => {
                write!(
                    f,
                    "language {language:?} is listed twice, the first list is kept"
                )
            }
        }
    }
}

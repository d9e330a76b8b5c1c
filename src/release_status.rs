//! Release status of language versions: long-term support and end-of-life dates.
//!
//! The facts come from a dated table bundled in `assets/release-status.toml` and from an
//! optional override file in the config folder, both read by [`file`]. A version matches by
//! language name (with the same aliases as `list`, so `node` is `Nodejs`) and by its leading
//! numbers: `8u181-jdk-alpine` is Java `8`, `16-alpine` is Nodejs `16`, `3.12` is Python `3.12`
//! and `1.21.5` is Go `1.21`. The release line with the longest matching key wins. This module
//! never contacts a network, so the table is only as current as its date.

pub mod file;

use std::collections::BTreeMap;
use std::path::PathBuf;

use time::Date;

use crate::catalogue::canonical_language_name;

/// When a release line stops or stopped being supported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndOfLife {
    /// Supported, as far as the table records.
    No,
    /// No longer supported; the table records no date.
    Ended,
    /// Supported up to and including this day.
    On(Date),
}

/// The facts of one release line, such as Java `17` or Python `3.12`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseStatus {
    /// The release line, written as in the table (`17`, `3.12`).
    pub line: String,
    /// Whether the line is a long-term support release.
    pub lts: bool,
    pub end_of_life: EndOfLife,
}

/// Standing of a release line on a given day, which picks the label's words and style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Supported long-term support line.
    Lts,
    /// Supported line with a known end date.
    Supported,
    /// Past its end of life.
    EndOfLife,
}

impl ReleaseStatus {
    /// Returns whether the line is past its end of life on `today`.
    #[must_use]
    pub fn is_end_of_life(&self, today: Date) -> bool {
        match self.end_of_life {
            EndOfLife::No => false,
            EndOfLife::Ended => true,
            EndOfLife::On(date) => date < today,
        }
    }

    /// Returns the short text shown beside a version on `today` (`LTS`, `LTS until 2027-04-30`,
    /// `until 2026-10-31`, `EOL 2023-09-11`, `EOL`), or `None` when the table records nothing
    /// worth showing.
    #[must_use]
    pub fn label(&self, today: Date) -> Option<(String, Standing)> {
        if self.is_end_of_life(today) {
            let text = match self.end_of_life {
                EndOfLife::On(date) => format!("EOL {date}"),
                EndOfLife::Ended | EndOfLife::No => "EOL".to_owned(),
            };
            return Some((text, Standing::EndOfLife));
        }
        match (self.lts, self.end_of_life) {
            (true, EndOfLife::On(date)) => Some((format!("LTS until {date}"), Standing::Lts)),
            (true, _) => Some(("LTS".to_owned(), Standing::Lts)),
            (false, EndOfLife::On(date)) => Some((format!("until {date}"), Standing::Supported)),
            (false, _) => None,
        }
    }
}

/// The release lines of every language, and where they were read from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseTable {
    /// The date the bundled table's facts were checked.
    pub date: Option<Date>,
    /// The override file that changed the bundled table, when one exists.
    pub override_file: Option<PathBuf>,
    /// Release lines by canonical language name, then by their numbers.
    languages: BTreeMap<String, BTreeMap<Vec<u64>, ReleaseStatus>>,
}

impl ReleaseTable {
    /// Returns whether the table contains no release line at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// Adds a release line, replacing one with the same numbers.
    pub(crate) fn insert(&mut self, language: &str, numbers: Vec<u64>, status: ReleaseStatus) {
        self.languages
            .entry(canonical_language_name(language))
            .or_default()
            .insert(numbers, status);
    }

    /// Returns the status of `version` of `language`, from the longest release line that its
    /// leading numbers start with.
    #[must_use]
    pub fn status(&self, language: &str, version: &str) -> Option<&ReleaseStatus> {
        let lines = self.languages.get(&canonical_language_name(language))?;
        let numbers = leading_numbers(version)?;
        (1..=numbers.len())
            .rev()
            .find_map(|length| lines.get(&numbers[..length]))
    }
}

/// Returns the dot-separated numbers a version starts with: `8u181-jdk-alpine` gives `[8]`,
/// `1.21.5` gives `[1, 21, 5]`, `v18` gives `[18]`. `None` when the version does not start
/// with a number or a number does not fit in 64 bits.
#[must_use]
pub fn leading_numbers(version: &str) -> Option<Vec<u64>> {
    let text = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let mut numbers = Vec::new();
    for part in text.split('.') {
        let digits_end = part
            .bytes()
            .position(|byte| !byte.is_ascii_digit())
            .unwrap_or(part.len());
        if digits_end == 0 {
            break;
        }
        numbers.push(part[..digits_end].parse().ok()?);
        if digits_end < part.len() {
            break;
        }
    }
    (!numbers.is_empty()).then_some(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_numbers_of_real_versions() {
        assert_eq!(leading_numbers("8u181-jdk-alpine"), Some(vec![8]));
        assert_eq!(leading_numbers("17"), Some(vec![17]));
        assert_eq!(leading_numbers("3.12"), Some(vec![3, 12]));
        assert_eq!(leading_numbers("16-alpine"), Some(vec![16]));
        assert_eq!(leading_numbers("1.21.5"), Some(vec![1, 21, 5]));
        assert_eq!(leading_numbers("7-apache"), Some(vec![7]));
        assert_eq!(leading_numbers("3.10.0rc1"), Some(vec![3, 10, 0]));
        assert_eq!(leading_numbers("v18"), Some(vec![18]));
        assert_eq!(leading_numbers("8."), Some(vec![8]));
        assert_eq!(leading_numbers("latest"), None);
        assert_eq!(leading_numbers(""), None);
        assert_eq!(leading_numbers("99999999999999999999999"), None);
    }

    fn day(text: &str) -> Date {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(text, &format).expect("date")
    }

    #[test]
    fn labels_depend_on_the_day() {
        let status = ReleaseStatus {
            line: "22".to_owned(),
            lts: true,
            end_of_life: EndOfLife::On(day("2027-04-30")),
        };
        assert_eq!(
            status.label(day("2026-12-04")),
            Some(("LTS until 2027-04-30".to_owned(), Standing::Lts))
        );
        assert_eq!(
            status.label(day("2027-04-30")),
            Some(("LTS until 2027-04-30".to_owned(), Standing::Lts))
        );
        assert_eq!(
            status.label(day("2027-05-01")),
            Some(("EOL 2027-04-30".to_owned(), Standing::EndOfLife))
        );
        let ended = ReleaseStatus {
            line: "23".to_owned(),
            lts: false,
            end_of_life: EndOfLife::Ended,
        };
        assert_eq!(
            ended.label(day("2026-12-04")),
            Some(("EOL".to_owned(), Standing::EndOfLife))
        );
        let unknown = ReleaseStatus {
            line: "1.25".to_owned(),
            lts: false,
            end_of_life: EndOfLife::No,
        };
        assert_eq!(unknown.label(day("2026-12-04")), None);
    }
}

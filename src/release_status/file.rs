//! Release tables in TOML: the table bundled in the binary and the user's override file.
//!
//! ```toml
//! date = 2026-12-04                  # when the facts were checked (shown in the help)
//! [languages.Java]
//! "17" = { lts = true }
//! [languages.Python]
//! "3.12" = { end_of_life = 2028-10-31 }
//! "2.7" = { end_of_life = true }     # ended, date not recorded
//! ```
//!
//! The override file has the same form. Each of its release lines replaces the bundled line
//! with the same language and numbers, or adds a new one. Mistakes in either file are
//! [`ConfigError`]s naming the file, line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use time::{Date, Month};
use toml::Spanned;
use toml::value::Datetime;

use super::{EndOfLife, ReleaseStatus, ReleaseTable, leading_numbers};
use crate::config::{ConfigError, parse_document};

/// The bundled table's text.
pub const BUNDLED_TABLE: &str = include_str!("../../assets/release-status.toml");

/// Path of the bundled table in the source tree, for error messages.
pub const BUNDLED_TABLE_PATH: &str = "assets/release-status.toml";

/// Name of the override file in the config folder.
pub const OVERRIDE_FILE_NAME: &str = "release-status.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    date: Option<Spanned<Datetime>>,
    #[serde(default)]
    languages: BTreeMap<String, BTreeMap<String, Spanned<RawLine>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    #[serde(default)]
    lts: bool,
    end_of_life: Option<Spanned<toml::Value>>,
}

impl ReleaseTable {
    /// Reads the bundled table.
    pub fn bundled() -> Result<Self, ConfigError> {
        let mut table = Self::default();
        table.date = read_into(&mut table, Path::new(BUNDLED_TABLE_PATH), BUNDLED_TABLE)?;
        Ok(table)
    }

    /// Reads the bundled table and applies the override file at `override_path` when that
    /// file exists.
    pub fn load(override_path: Option<&Path>) -> Result<Self, ConfigError> {
        let mut table = Self::bundled()?;
        let Some(path) = override_path else {
            return Ok(table);
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(table),
            Err(error) => {
                return Err(ConfigError::new(
                    Some(path),
                    format!("cannot read the release status override file: {error}"),
                ));
            }
        };
        read_into(&mut table, path, &text)?;
        table.override_file = Some(path.to_path_buf());
        Ok(table)
    }
}

/// The override file in the platform's config folder.
#[must_use]
pub fn default_override_file() -> Option<PathBuf> {
    crate::config::location::default_config_file()
        .and_then(|config| config.parent().map(|dir| dir.join(OVERRIDE_FILE_NAME)))
}

/// Adds the release lines of one file to `table` and returns the file's `date`.
fn read_into(
    table: &mut ReleaseTable,
    path: &Path,
    text: &str,
) -> Result<Option<Date>, ConfigError> {
    let raw: RawTable = parse_document(path, text)?;
    let date = match &raw.date {
        Some(value) => Some(to_date(value.get_ref()).map_err(|message| {
            ConfigError::at(path, text, Some(value.span().start), "date", message)
        })?),
        None => None,
    };
    for (language, lines) in &raw.languages {
        for (line, entry) in lines {
            let key = format!("languages.{language}.{line}");
            let error_at = |offset: usize, message: String| {
                ConfigError::at(path, text, Some(offset), key.clone(), message)
            };
            let numbers = release_line_numbers(line).ok_or_else(|| {
                error_at(
                    entry.span().start,
                    format!("{line:?} is not a release line; write numbers separated by dots, like \"17\" or \"3.12\""),
                )
            })?;
            let end_of_life = match &entry.get_ref().end_of_life {
                None => EndOfLife::No,
                Some(value) => read_end_of_life(value.get_ref())
                    .map_err(|message| error_at(value.span().start, message))?,
            };
            let status = ReleaseStatus {
                line: line.clone(),
                lts: entry.get_ref().lts,
                end_of_life,
            };
            table.insert(language, numbers, status);
        }
    }
    Ok(date)
}

/// The numbers of a release line key, when the key is nothing but numbers and dots.
fn release_line_numbers(line: &str) -> Option<Vec<u64>> {
    let whole = !line.is_empty()
        && line
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()));
    if whole { leading_numbers(line) } else { None }
}

fn read_end_of_life(value: &toml::Value) -> Result<EndOfLife, String> {
    match value {
        toml::Value::Boolean(true) => Ok(EndOfLife::Ended),
        toml::Value::Boolean(false) => Ok(EndOfLife::No),
        toml::Value::Datetime(datetime) => to_date(datetime).map(EndOfLife::On),
        _ => Err("must be a date like 2027-04-30, or true when the date is not known".to_owned()),
    }
}

fn to_date(datetime: &Datetime) -> Result<Date, String> {
    let expected = format!("{datetime} is not a plain date; write it like 2027-04-30");
    let (Some(date), None) = (datetime.date, datetime.time) else {
        return Err(expected);
    };
    let month = Month::try_from(date.month).map_err(|_| expected.clone())?;
    Date::from_calendar_date(i32::from(date.year), month, date.day).map_err(|_| expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: Month, day: u8) -> Date {
        Date::from_calendar_date(year, month, day).expect("date")
    }

    #[test]
    fn bundled_table_reads() {
        let table = ReleaseTable::bundled().expect("the bundled table is valid");
        assert_eq!(table.date, Some(day(2026, Month::December, 4)));
        assert!(table.override_file.is_none());
        let java_8 = table.status("Java", "8u181-jdk-alpine").expect("Java 8");
        assert!(java_8.lts);
        assert_eq!(java_8.line, "8");
    }

    #[test]
    fn bad_lines_name_file_line_and_key() {
        let text = "[languages.Java]\n\"8x\" = { lts = true }\n";
        let mut table = ReleaseTable::default();
        let error = read_into(&mut table, Path::new("/o.toml"), text).expect_err("bad key");
        assert_eq!(error.line, Some(2));
        assert_eq!(error.key.as_deref(), Some("languages.Java.8x"));
        assert_eq!(
            error.message,
            "\"8x\" is not a release line; write numbers separated by dots, like \"17\" or \"3.12\""
        );

        let text = "[languages.Java]\n\"8\" = { end_of_life = \"soon\" }\n";
        let error = read_into(&mut table, Path::new("/o.toml"), text).expect_err("bad date");
        assert_eq!(error.line, Some(2));
        assert_eq!(
            error.message,
            "must be a date like 2027-04-30, or true when the date is not known"
        );

        let text = "[languages.Java]\n\"8\" = { end_of_life = 2030-12-31T00:00:00 }\n";
        let error = read_into(&mut table, Path::new("/o.toml"), text).expect_err("time");
        assert_eq!(
            error.message,
            "2030-12-31T00:00:00 is not a plain date; write it like 2027-04-30"
        );

        let text = "[languages.Java]\n\"8\" = { lts = true, end_of_lfe = 2030-12-31 }\n";
        let error = read_into(&mut table, Path::new("/o.toml"), text).expect_err("unknown key");
        assert_eq!(
            error.message,
            "unknown key `end_of_lfe`; did you mean `end_of_life`?"
        );
    }
}

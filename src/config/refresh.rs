//! Automatic refresh: the `refresh_interval` key, at the top level and per profile.
//!
//! A profile's own key wins over the top-level one, and `"off"` turns refreshing off for that
//! profile even when the top level sets an interval. Without either key nothing is refreshed
//! automatically.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::error::ConfigError;

/// Shortest interval accepted. Refreshing more often only adds load on the service.
pub const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// Maximum interval accepted: 7 days. A longer one would hardly ever fire in a browser session,
/// and a limit keeps the due time far inside the range that `Instant` and `SystemTime` can
/// represent.
pub const MAX_REFRESH_INTERVAL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// [`MAX_REFRESH_INTERVAL`] as the config file writes it, for the error message.
const MAX_REFRESH_INTERVAL_TEXT: &str = "7d";

/// The refresh interval of each profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefreshSettings {
    /// The top-level `refresh_interval`, for profiles without their own.
    pub default: Option<Duration>,
    /// `profiles.NAME.refresh_interval` where given; `None` means `"off"`.
    pub by_profile: BTreeMap<String, Option<Duration>>,
}

impl RefreshSettings {
    /// Returns the interval that applies to a profile, or `None` when it is not refreshed
    /// automatically.
    #[must_use]
    pub fn interval_for(&self, profile: &str) -> Option<Duration> {
        match self.by_profile.get(profile) {
            Some(own) => *own,
            None => self.default,
        }
    }
}

/// Reads one `refresh_interval` value: `"off"`, or a duration like `"15m"` from
/// [`MIN_REFRESH_INTERVAL`] to [`MAX_REFRESH_INTERVAL`].
pub(super) fn parse_interval(
    file: &Path,
    text: &str,
    value: &Spanned<String>,
    key: &str,
) -> Result<Option<Duration>, ConfigError> {
    let error =
        |message: String| ConfigError::at(file, text, Some(value.span().start), key, message);
    let written = value.get_ref().trim();
    if written.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let interval = humantime::parse_duration(written).map_err(|parse_error| {
        error(format!(
            "{:?} is not a duration ({parse_error}); write it like \"15m\" or \"1h\", or \"off\"",
            value.get_ref()
        ))
    })?;
    if interval < MIN_REFRESH_INTERVAL {
        return Err(error(format!(
            "{:?} is too short; use at least \"{}\", or \"off\"",
            value.get_ref(),
            humantime::format_duration(MIN_REFRESH_INTERVAL)
        )));
    }
    if interval > MAX_REFRESH_INTERVAL {
        return Err(error(format!(
            "{:?} is too long; use at most \"{MAX_REFRESH_INTERVAL_TEXT}\", or \"off\"",
            value.get_ref(),
        )));
    }
    Ok(Some(interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(written: &str) -> Result<Option<Duration>, ConfigError> {
        let text = format!("refresh_interval = {written:?}\n");
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert!(table.contains_key("refresh_interval"));
        let start = text.find('"').expect("quoted value");
        let value = Spanned::new(start..text.len() - 1, written.to_owned());
        parse_interval(Path::new("/c.toml"), &text, &value, "refresh_interval")
    }

    #[test]
    fn durations_and_off_are_read() {
        assert_eq!(parse("15m").expect("valid"), Some(Duration::from_secs(900)));
        assert_eq!(
            parse("1h 30m").expect("valid"),
            Some(Duration::from_secs(5400))
        );
        assert_eq!(parse("off").expect("valid"), None);
        assert_eq!(parse("OFF").expect("valid"), None);
    }

    #[test]
    fn short_interval_is_rejected() {
        let error = parse("5s").expect_err("too short");
        assert_eq!(
            error.to_string(),
            "/c.toml:1: `refresh_interval`: \"5s\" is too short; use at least \"10s\", or \"off\""
        );
    }

    #[test]
    fn long_interval_is_rejected() {
        assert_eq!(
            parse(MAX_REFRESH_INTERVAL_TEXT).expect("valid"),
            Some(MAX_REFRESH_INTERVAL)
        );
        let error = parse("8d").expect_err("too long");
        assert_eq!(
            error.to_string(),
            "/c.toml:1: `refresh_interval`: \"8d\" is too long; use at most \"7d\", or \"off\""
        );
    }

    #[test]
    fn profile_key_wins_over_default() {
        let settings = RefreshSettings {
            default: Some(Duration::from_secs(600)),
            by_profile: BTreeMap::from([
                ("fast".to_owned(), Some(Duration::from_secs(60))),
                ("manual".to_owned(), None),
            ]),
        };
        assert_eq!(settings.interval_for("fast"), Some(Duration::from_secs(60)));
        assert_eq!(settings.interval_for("manual"), None);
        assert_eq!(
            settings.interval_for("other"),
            Some(Duration::from_secs(600))
        );
    }
}

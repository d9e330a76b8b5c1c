//! Times as the status bar shows them: a local clock time and a rough age.

use std::time::{Duration, SystemTime};

use time::{OffsetDateTime, UtcOffset};

/// Formats `at` as local `HH:MM:SS`, with the date in front when it is not the same day as
/// `now`.
#[must_use]
pub fn clock(at: SystemTime, now: SystemTime, offset: UtcOffset) -> String {
    let at = OffsetDateTime::from(at).to_offset(offset);
    let now = OffsetDateTime::from(now).to_offset(offset);
    let time = format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second());
    if at.date() == now.date() {
        time
    } else {
        format!("{} {time}", at.date())
    }
}

/// Says how long ago `at` was, roughly (`just now`, `5 min ago`, `3 h ago`, `2 days ago`).
#[must_use]
pub fn age(at: SystemTime, now: SystemTime) -> String {
    let elapsed = now.duration_since(at).unwrap_or(Duration::ZERO).as_secs();
    match elapsed {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", elapsed / 60),
        3600..86_400 => format!("{} h ago", elapsed / 3600),
        86_400..172_800 => "1 day ago".to_owned(),
        _ => format!("{} days ago", elapsed / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn same_day_shows_time_only() {
        let noon = 1_796_385_600; // 2026-12-04 12:00:00 UTC
        assert_eq!(clock(at(noon), at(noon + 60), UtcOffset::UTC), "12:00:00");
    }

    #[test]
    fn other_day_shows_date() {
        let noon = 1_796_385_600;
        assert_eq!(
            clock(at(noon), at(noon + 86_400), UtcOffset::UTC),
            "2026-12-04 12:00:00"
        );
    }

    #[test]
    fn offset_shifts_clock() {
        let noon = 1_796_385_600;
        let plus_eight = UtcOffset::from_hms(8, 0, 0).expect("valid offset");
        assert_eq!(clock(at(noon), at(noon), plus_eight), "20:00:00");
    }

    #[test]
    fn ages_round_down() {
        let now = at(1_000_000);
        assert_eq!(age(at(1_000_000 - 10), now), "just now");
        assert_eq!(age(at(1_000_000 - 300), now), "5 min ago");
        assert_eq!(age(at(1_000_000 - 3 * 3600 - 100), now), "3 h ago");
        assert_eq!(age(at(1_000_000 - 90_000), now), "1 day ago");
        assert_eq!(age(at(1_000_000 - 3 * 86_400), now), "3 days ago");
        assert_eq!(age(at(1_000_000 + 50), now), "just now");
    }
}

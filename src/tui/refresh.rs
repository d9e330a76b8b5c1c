//! Automatic refresh: when the next fetch of the profile in use is due.
//!
//! After each fetch of the profile in use ends, successful or not, the next one is scheduled
//! one interval later. The event loop sleeps until then through [`App::next_wakeup`], and the
//! tick at that time starts the fetch. Nothing is scheduled offline or for a profile without
//! `refresh_interval`.

use std::time::{Duration, Instant, SystemTime};

use super::state::App;
use super::update::{self, Effect};

/// When the next automatic refresh is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshSchedule {
    pub interval: Duration,
    /// The time the refresh starts, on the loop's clock.
    pub due: Instant,
    /// The same time on the wall clock, for the status bar.
    pub due_at: SystemTime,
}

/// Schedules the next refresh of the profile in use, or clears the schedule when it has no
/// interval or the browser is offline.
///
/// The config limits the interval to 7 days. A longer one whose due time the clocks cannot
/// represent schedules nothing, and a warning is logged.
pub fn schedule(app: &mut App, now: Instant) {
    let interval = app
        .profiles
        .current()
        .and_then(|slot| slot.refresh_interval);
    app.refresh = match interval {
        Some(interval) if !app.offline => due_after(now, interval),
        _ => None,
    };
}

/// Returns the schedule one `interval` after `now`, or `None` when the clocks cannot represent
/// that time.
fn due_after(now: Instant, interval: Duration) -> Option<RefreshSchedule> {
    // The wall clock is read only for display; scheduling uses `now`.
    let due = now.checked_add(interval);
    let due_at = SystemTime::now().checked_add(interval);
    let (Some(due), Some(due_at)) = (due, due_at) else {
        tracing::warn!(
            interval_secs = interval.as_secs(),
            "refresh interval too long for the clock; no automatic refresh scheduled"
        );
        return None;
    };
    Some(RefreshSchedule {
        interval,
        due,
        due_at,
    })
}

/// Starts the refresh when it is due. When a fetch is already running, the schedule is
/// dropped instead, because that fetch schedules the next one when it ends. Keeping a due
/// time in the past would wake the loop again at once, over and over.
pub fn on_tick(app: &mut App, now: Instant) -> Vec<Effect> {
    let due = app.refresh.is_some_and(|schedule| schedule.due <= now);
    if !due {
        return Vec::new();
    }
    app.refresh = None;
    if app.is_loading() {
        return Vec::new();
    }
    tracing::debug!(profile = %app.profile.name, "automatic refresh");
    update::fetch_current(app, now)
}

//! Accepting fetched catalogues: the one of the profile in use, and those of the comparison.
//!
//! A catalogue accepted for the profile in use goes on screen with its changes marked. Every
//! accepted catalogue becomes its profile's last known one and is written to the cache.

use std::sync::Arc;
use std::time::Instant;

use super::state::{App, FetchState, NoticeKind, Origin, Shown};
use super::update::Effect;
use super::{changes, compare, profiles, refresh};
use crate::api::{FetchError, Fetched};

/// Shows a catalogue fetched for the profile in use, marks what changed and caches it.
pub fn accept_fetched(app: &mut App, fetched: Fetched, now: Instant) -> Vec<Effect> {
    app.fetch = FetchState::Idle;
    let count = fetched.catalogue.languages().len();
    let shown = Shown {
        catalogue: Arc::new(fetched.catalogue),
        fetched_at: fetched.fetched_at,
        origin: Origin::Network,
    };
    let changed = changes::record(app, &shown.catalogue);
    let project_id = fetched.project_id.to_string();
    let effects = profiles::remember(app, app.profiles.current_index(), &project_id, &shown)
        .into_iter()
        .collect();
    // A project id resolved from the region becomes known with the first catalogue.
    app.profile.project_id = project_id;
    app.show(shown);
    if let Some(summary) = fetched.problems.summary() {
        app.notify(NoticeKind::Warning, summary, now);
    } else if count == 0 {
        app.notify(
            NoticeKind::Warning,
            "The service lists no languages for this project",
            now,
        );
    } else if let Some(summary) = changed {
        app.notify(
            NoticeKind::Info,
            format!("Changed since the last fetch: {summary}"),
            now,
        );
    }
    effects
}

/// Fills a comparison column. A catalogue of the profile in use also replaces the one on
/// screen, unless a fetch of its own is running.
pub fn on_compared(
    app: &mut App,
    request: u64,
    profile: usize,
    result: Result<Fetched, FetchError>,
    now: Instant,
) -> Vec<Effect> {
    let fetched = match result {
        Ok(fetched) => fetched,
        Err(error) => {
            tracing::warn!(%error, profile, "catalogue fetch for the comparison failed");
            compare::fill_column(app, request, profile, Err(error.to_string()));
            return Vec::new();
        }
    };
    let shown = Shown {
        catalogue: Arc::new(fetched.catalogue.clone()),
        fetched_at: fetched.fetched_at,
        origin: Origin::Network,
    };
    if !compare::fill_column(app, request, profile, Ok(&shown)) {
        return Vec::new();
    }
    if profile == app.profiles.current_index() && !app.is_loading() {
        let effects = accept_fetched(app, fetched, now);
        refresh::schedule(app, now);
        return effects;
    }
    profiles::remember(app, profile, fetched.project_id.as_str(), &shown)
        .into_iter()
        .collect()
}

//! The profiles the browser can switch between, and switching itself.
//!
//! Each profile keeps the last catalogue known for it in this run: the cached one at start,
//! then every fetch applied. Switching shows that catalogue at once and fetches a fresh one in
//! the background. A fetch still running for the old profile cannot show up under the new
//! one: its generation is no longer the one loading (see [`super::update`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::{App, FetchState, NoticeKind, ProfileInfo, Shown};
use super::update::{self, Effect};

/// One profile of the config, as the browser uses it.
#[derive(Clone, Debug, Default)]
pub struct ProfileSlot {
    pub info: ProfileInfo,
    /// Time between automatic refreshes; `None` when off.
    pub refresh_interval: Option<Duration>,
    /// The last catalogue known for this profile: from the cache, then from each fetch.
    pub last: Option<Shown>,
}

impl ProfileSlot {
    /// Creates a profile with nothing known about it yet.
    #[must_use]
    pub fn new(info: ProfileInfo) -> Self {
        Self {
            info,
            refresh_interval: None,
            last: None,
        }
    }
}

/// Every profile, in config order (sorted by name), and which one is in use.
#[derive(Clone, Debug, Default)]
pub struct Profiles {
    slots: Vec<ProfileSlot>,
    current: usize,
}

impl Profiles {
    /// Creates the list with `current` in use. An out-of-range `current` selects the first one.
    #[must_use]
    pub fn new(slots: Vec<ProfileSlot>, current: usize) -> Self {
        let current = if current < slots.len() { current } else { 0 };
        Self { slots, current }
    }

    /// Position of the profile in use.
    #[must_use]
    pub fn current_index(&self) -> usize {
        self.current
    }

    /// Returns the profile in use, if there is any profile.
    #[must_use]
    pub fn current(&self) -> Option<&ProfileSlot> {
        self.slots.get(self.current)
    }

    /// Returns the profile at a position.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<&ProfileSlot> {
        self.slots.get(index)
    }

    /// Returns the profile at a position, for changes.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut ProfileSlot> {
        self.slots.get_mut(index)
    }

    /// Returns every profile, in order.
    #[must_use]
    pub fn slots(&self) -> &[ProfileSlot] {
        &self.slots
    }

    /// Number of profiles.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Returns whether there is no profile (an `App` built for a test).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Switches to the profile at `index`: shows its last known catalogue at once and, unless
/// offline, starts a fetch for it.
pub fn switch_to(app: &mut App, index: usize, now: Instant) -> Vec<Effect> {
    let Some(slot) = app.profiles.get(index).cloned() else {
        return Vec::new();
    };

    if index == app.profiles.current_index() {
        app.notify(
            NoticeKind::Info,
            format!("Already on profile {}", slot.info.name),
            now,
        );
        return Vec::new();
    }

    app.profiles.current = index;
    app.profile = slot.info.clone();
    app.changes = None;
    app.refresh = None;
    // Idle makes any completion still on its way stale; a new fetch below starts a newer
    // generation anyway.
    app.fetch = FetchState::Idle;
    if let Some(last) = slot.last {
        app.show(last);
    } else {
        app.shown = None;
        app.refilter_languages();
        app.refilter_versions();
    }

    tracing::info!(profile = %slot.info.name, region = %slot.info.region, "switched profile");
    app.notify(
        NoticeKind::Info,
        format!(
            "Switched to profile {} ({})",
            slot.info.name, slot.info.region
        ),
        now,
    );
    update::start(app, now)
}

/// Formats the message shown when `--offline` finds no cached catalogue for a profile.
#[must_use]
pub fn offline_without_cache(profile: &str) -> String {
    format!("offline: no cached catalogue for profile {profile}; run without --offline to fetch it")
}

/// Keeps a catalogue fetched for `project_id` as the profile's last known one, and returns the
/// effect that caches it. A project id resolved from the region becomes known here too.
pub fn remember(app: &mut App, index: usize, project_id: &str, shown: &Shown) -> Option<Effect> {
    let slot = app.profiles.get_mut(index)?;
    slot.last = Some(shown.clone());
    project_id.clone_into(&mut slot.info.project_id);
    Some(Effect::StoreCache {
        profile: index,
        project_id: project_id.to_owned(),
        catalogue: Arc::clone(&shown.catalogue),
        fetched_at: shown.fetched_at,
    })
}

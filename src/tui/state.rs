//! Everything the browser shows, as plain data; no I/O and no terminal here.
//!
//! [`App`] is owned by the event loop. [`super::update`] changes it in response to messages and
//! [`super::view`] draws it. Background work never touches it: results come back as messages.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ratatui::layout::Rect;
use time::UtcOffset;

use super::action::KeyMap;
use super::compare::Comparison;
use super::list::{self, ListPane};
use super::picker::Picker;
use super::profiles::{ProfileSlot, Profiles};
use super::refresh::RefreshSchedule;
use super::theme::Theme;
use crate::catalogue::{Catalogue, Changes, Language, VersionOrder};
use crate::release_status::ReleaseTable;

/// How long a transient notice stays in the status bar.
pub const NOTICE_DURATION: Duration = Duration::from_secs(5);

/// Profile details shown in the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    pub region: String,
    pub project_id: String,
    pub endpoint: String,
    /// Label of the authentication method (`token`).
    pub auth: String,
    /// Whether this is the bundled demo catalogue.
    pub demo: bool,
}

/// The pane that keys act on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    #[default]
    Languages,
    Versions,
}

/// Source of the catalogue on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Fetched from the service during this run.
    Network,
    /// Read from the cache, fetched in an earlier run.
    Cache,
}

/// The catalogue on screen and when it was fetched.
#[derive(Debug, Clone)]
pub struct Shown {
    pub catalogue: Arc<Catalogue>,
    pub fetched_at: SystemTime,
    pub origin: Origin,
}

/// The state of the background fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchState {
    /// Nothing in flight and the last fetch (if any) worked.
    Idle,
    /// A fetch is in flight; completions of other generations are stale.
    Loading { generation: u64, since: Instant },
    /// The last fetch failed; the message is one line for the status bar.
    Failed { message: String },
}

/// Severity of a notice, which picks its colour and symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Warning,
    Error,
}

/// A transient message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub kind: NoticeKind,
    pub expires: Instant,
}

/// A popup drawn over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Popup {
    Help,
    /// The profile picker (`p`), state in [`App::picker`].
    Picker,
    /// The comparison of profiles (`c`), state in [`App::compare`].
    Compare,
}

/// Positions and sizes from the last frame drawn, needed to page and to keep scrolling steady.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameInfo {
    pub languages_area: Rect,
    pub versions_area: Rect,
    pub language_offset: usize,
    pub version_offset: usize,
    /// Rows of a list visible at once, for PgUp/PgDn.
    pub page_rows: usize,
    /// Rows of the profile picker, when it is open: row `y` of this area shows the matching
    /// profile at `picker_offset + y - picker_area.y`.
    pub picker_area: Rect,
    pub picker_offset: usize,
    /// Largest useful `App::help_scroll` in the last frame: 0 when the help fits.
    pub help_last_scroll: usize,
}

/// The whole state of the browser.
#[derive(Debug)]
pub struct App {
    pub profile: ProfileInfo,
    pub shown: Option<Shown>,
    pub fetch: FetchState,
    pub focus: Pane,
    pub languages: ListPane,
    pub versions: ListPane,
    pub order: VersionOrder,
    pub popup: Option<Popup>,
    pub notice: Option<Notice>,
    pub keymap: KeyMap,
    pub theme: Theme,
    /// Release status shown beside versions; empty until the event loop sets it.
    pub release_status: Arc<ReleaseTable>,
    /// Offset of local time from UTC, read once at start-up.
    pub utc_offset: UtcOffset,
    pub frame: FrameInfo,
    /// Advances while loading, to animate the spinner.
    pub spinner_step: usize,
    /// First line of the help popup shown, when it is taller than the screen.
    pub help_scroll: usize,
    pub should_quit: bool,
    // Profiles, switching, comparing, changes and refreshing.
    /// Every profile; `profile` is a copy of the one in use.
    pub profiles: Profiles,
    pub picker: Picker,
    pub compare: Option<Comparison>,
    /// Changes of the last fetch against the catalogue shown before it.
    pub changes: Option<Changes>,
    pub refresh: Option<RefreshSchedule>,
    /// Started with `--offline`: nothing is fetched.
    pub offline: bool,
    next_generation: u64,
}

impl App {
    /// Creates a browser for a profile, with nothing loaded yet.
    #[must_use]
    pub fn new(profile: ProfileInfo, theme: Theme, utc_offset: UtcOffset) -> Self {
        let profiles = Profiles::new(vec![ProfileSlot::new(profile)], 0);
        Self::with_profiles(profiles, theme, utc_offset)
    }

    /// Creates a browser for several profiles, showing the last known catalogue of the one in
    /// use.
    #[must_use]
    pub fn with_profiles(profiles: Profiles, theme: Theme, utc_offset: UtcOffset) -> Self {
        let current = profiles.current().cloned().unwrap_or_default();
        let mut app = Self {
            profile: current.info,
            shown: None,
            fetch: FetchState::Idle,
            focus: Pane::Languages,
            languages: ListPane::default(),
            versions: ListPane::default(),
            order: VersionOrder::NewestFirst,
            popup: None,
            notice: None,
            keymap: KeyMap::default(),
            theme,
            release_status: Arc::default(),
            utc_offset,
            frame: FrameInfo::default(),
            spinner_step: 0,
            help_scroll: 0,
            should_quit: false,
            profiles,
            picker: Picker::default(),
            compare: None,
            changes: None,
            refresh: None,
            offline: false,
            next_generation: 1,
        };
        if let Some(last) = current.last {
            app.show(last);
        }
        app
    }

    /// Starts a new fetch generation and returns its number.
    pub fn begin_fetch(&mut self, now: Instant) -> u64 {
        let generation = self.take_generation();
        self.fetch = FetchState::Loading {
            generation,
            since: now,
        };
        generation
    }

    /// Takes the next number of the sequence that fetch generations use, without starting a
    /// fetch, so a number is never given out twice.
    pub fn take_generation(&mut self) -> u64 {
        let generation = self.next_generation;
        self.next_generation += 1;
        generation
    }

    /// Returns whether a fetch is in flight.
    #[must_use]
    pub fn is_loading(&self) -> bool {
        matches!(self.fetch, FetchState::Loading { .. })
    }

    /// Returns the catalogue on screen, if any.
    #[must_use]
    pub fn catalogue(&self) -> Option<&Catalogue> {
        self.shown.as_ref().map(|shown| shown.catalogue.as_ref())
    }

    /// Returns the language selected in the left pane.
    #[must_use]
    pub fn selected_language(&self) -> Option<&Language> {
        let position = self.languages.selected()?;
        self.catalogue()?.languages().get(position)
    }

    /// Returns the version selected in the right pane.
    #[must_use]
    pub fn selected_version(&self) -> Option<&str> {
        let position = self.versions.selected()?;
        self.selected_language()?.version_at(self.order, position)
    }

    /// Returns the pane that keys act on.
    #[must_use]
    pub fn focused_pane(&self) -> &ListPane {
        match self.focus {
            Pane::Languages => &self.languages,
            Pane::Versions => &self.versions,
        }
    }

    /// Returns the pane that keys act on, for changes.
    pub fn focused_pane_mut(&mut self) -> &mut ListPane {
        match self.focus {
            Pane::Languages => &mut self.languages,
            Pane::Versions => &mut self.versions,
        }
    }

    /// Shows a catalogue, keeping the selected language and version where they still exist.
    pub fn show(&mut self, shown: Shown) {
        let language_name = self
            .selected_language()
            .map(|language| language.name().to_owned());
        let version = self.selected_version().map(str::to_owned);
        self.shown = Some(shown);
        self.refilter_languages();
        if let Some(name) = language_name {
            self.select_language_named(&name);
        }
        self.refilter_versions();
        if let Some(version) = version {
            self.select_version_named(&version);
        }
    }

    /// Recomputes the languages matching the filter.
    pub fn refilter_languages(&mut self) {
        let filter = self.languages.filter.to_ascii_lowercase();
        let languages = self
            .shown
            .as_ref()
            .map(|shown| Arc::clone(&shown.catalogue));
        let count = languages
            .as_ref()
            .map_or(0, |catalogue| catalogue.languages().len());
        self.languages.refilter(count, |position| {
            languages
                .as_ref()
                .and_then(|catalogue| catalogue.languages().get(position))
                .is_some_and(|language| list::matches_filter(language.name(), &filter))
        });
    }

    /// Recomputes the versions of the selected language matching the filter.
    pub fn refilter_versions(&mut self) {
        let filter = self.versions.filter.to_ascii_lowercase();
        let positions = self
            .selected_language()
            .map(|language| language.matching_positions(self.order, &filter))
            .unwrap_or_default();
        self.versions.set_rows(positions);
    }

    /// Selects a language by exact name, if it is among the matching rows.
    pub fn select_language_named(&mut self, name: &str) -> bool {
        let position = self.catalogue().and_then(|catalogue| {
            catalogue
                .languages()
                .iter()
                .position(|language| language.name() == name)
        });
        position.is_some_and(|position| self.languages.select_position(position))
    }

    /// Selects a version of the selected language by exact text, if it is among the matching rows.
    pub fn select_version_named(&mut self, version: &str) -> bool {
        let order = self.order;
        let position = self.selected_language().and_then(|language| {
            language
                .versions(order)
                .position(|offered| offered == version)
        });
        position.is_some_and(|position| self.versions.select_position(position))
    }

    /// Shows a transient notice in the status bar.
    pub fn notify(&mut self, kind: NoticeKind, text: impl Into<String>, now: Instant) {
        self.notice = Some(Notice {
            text: text.into(),
            kind,
            expires: now + NOTICE_DURATION,
        });
    }

    /// When the loop must wake up without input: the next spinner step while loading, the
    /// expiry of a notice, or the next automatic refresh. `None` means sleep until something
    /// happens.
    #[must_use]
    pub fn next_wakeup(&self, now: Instant) -> Option<Instant> {
        let spinner = (self.is_loading()
            || self.compare.as_ref().is_some_and(Comparison::is_loading))
        .then(|| now + super::view::SPINNER_INTERVAL);
        let notice = self.notice.as_ref().map(|notice| notice.expires);
        let refresh = self.refresh.map(|schedule| schedule.due);
        [spinner, notice, refresh].into_iter().flatten().min()
    }
}

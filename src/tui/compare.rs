//! The comparison of profiles (`c`): for one language, which versions each profile offers.
//!
//! The profiles compared are those marked in the picker when two or more are marked, else all
//! of them, the one in use first. Each column starts with the profile's last known catalogue.
//! Unless offline, all profiles are fetched at once, and each result fills its column as it
//! arrives. Results of an earlier opening are dropped by their request number.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};
use unicode_width::UnicodeWidthStr;

use super::action::Action;
use super::state::{App, NoticeKind, Popup, ProfileInfo, Shown};
use super::update::Effect;
use crate::catalogue::comparison::{self, Row};
use crate::catalogue::{Catalogue, Language};

/// The fetch state of one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnFetch {
    /// Nothing running: the column shows its last known catalogue, if any.
    Idle,
    Loading,
    /// The fetch failed; the message is one line.
    Failed(String),
}

/// One profile in the comparison.
#[derive(Clone, Debug)]
pub struct Column {
    /// Position in [`App::profiles`].
    pub profile: usize,
    pub info: ProfileInfo,
    pub shown: Option<Shown>,
    pub fetch: ColumnFetch,
}

impl Column {
    /// Returns the compared language in this column's catalogue, if the catalogue lists it.
    #[must_use]
    pub fn language(&self, name: &str) -> Option<&Language> {
        self.shown
            .as_ref()
            .and_then(|shown| shown.catalogue.find_language(name))
    }
}

/// State of the comparison while it is open.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub columns: Vec<Column>,
    /// The language compared, as the first profile listing it spells it.
    pub language: Option<String>,
    /// The union of the columns' versions of `language`, newest first.
    pub rows: Vec<Row>,
    /// Index of the first row on screen.
    pub scroll: usize,
    /// Fetches started by this opening carry this number.
    pub request: u64,
    /// Number of rows that differ. This and `version_width` are counted when the rows are
    /// built, so that drawing a frame does not go through every row.
    differing_rows: usize,
    /// Width of the widest version, in terminal columns.
    version_width: usize,
}

impl Comparison {
    /// Returns whether any column is still being fetched.
    #[must_use]
    pub fn is_loading(&self) -> bool {
        self.columns
            .iter()
            .any(|column| column.fetch == ColumnFetch::Loading)
    }

    /// Returns every language any column lists, sorted by name.
    #[must_use]
    pub fn languages(&self) -> Vec<String> {
        comparison::language_names(&self.catalogues())
    }

    /// Number of rows that differ between the profiles.
    #[must_use]
    pub fn differing_rows(&self) -> usize {
        self.differing_rows
    }

    /// Width of the widest version, in terminal columns.
    #[must_use]
    pub fn version_width(&self) -> usize {
        self.version_width
    }

    /// Recomputes the rows after the language or a column changed.
    pub fn rebuild(&mut self) {
        if self.language.is_none() {
            self.language = self.languages().into_iter().next();
        }
        self.rows = match &self.language {
            Some(name) => comparison::compare_language(&self.catalogues(), name),
            None => Vec::new(),
        };
        self.differing_rows = self.rows.iter().filter(|row| row.differs()).count();
        self.version_width = self
            .rows
            .iter()
            .map(|row| row.version.width())
            .max()
            .unwrap_or(0);
        self.scroll = self.scroll.min(self.rows.len().saturating_sub(1));
    }

    fn catalogues(&self) -> Vec<Option<&Catalogue>> {
        self.columns
            .iter()
            .map(|column| column.shown.as_ref().map(|shown| shown.catalogue.as_ref()))
            .collect()
    }
}

/// Returns the profiles to compare: the marked ones when two or more are marked, else all. The
/// profile in use comes first when it is among them.
fn chosen_profiles(app: &App) -> Vec<usize> {
    let current = app.profiles.current_index();
    let mut chosen: Vec<usize> = if app.picker.marked.len() >= 2 {
        app.picker.marked.iter().copied().collect()
    } else {
        (0..app.profiles.len()).collect()
    };
    if let Some(position) = chosen.iter().position(|&index| index == current) {
        chosen.remove(position);
        chosen.insert(0, current);
    }
    chosen
}

/// Opens the comparison for the selected language and fetches every profile compared.
pub fn open(app: &mut App, now: Instant) -> Vec<Effect> {
    if app.profiles.len() < 2 {
        app.notify(
            NoticeKind::Warning,
            "Comparing needs two or more profiles; add another [profiles.NAME] table to the config",
            now,
        );
        return Vec::new();
    }
    let request = app.take_generation();
    let current = app.profiles.current_index();
    let columns = chosen_profiles(app)
        .into_iter()
        .filter_map(|index| {
            let slot = app.profiles.get(index)?;
            let shown = if index == current {
                app.shown.clone()
            } else {
                slot.last.clone()
            };
            Some(Column {
                profile: index,
                info: slot.info.clone(),
                shown,
                fetch: if app.offline {
                    ColumnFetch::Idle
                } else {
                    ColumnFetch::Loading
                },
            })
        })
        .collect::<Vec<_>>();
    let effects = if app.offline {
        Vec::new()
    } else {
        columns
            .iter()
            .map(|column| Effect::FetchForComparison {
                request,
                profile: column.profile,
            })
            .collect()
    };
    let mut comparison = Comparison {
        columns,
        language: app
            .selected_language()
            .map(|language| language.name().to_owned()),
        rows: Vec::new(),
        scroll: 0,
        request,
        differing_rows: 0,
        version_width: 0,
    };
    comparison.rebuild();
    app.compare = Some(comparison);
    app.popup = Some(Popup::Compare);
    effects
}

/// Applies a finished fetch to its column. Returns whether the comparison still wanted it.
pub fn fill_column(
    app: &mut App,
    request: u64,
    profile: usize,
    result: Result<&Shown, String>,
) -> bool {
    let Some(comparison) = app
        .compare
        .as_mut()
        .filter(|comparison| comparison.request == request)
    else {
        tracing::debug!(
            request,
            profile,
            "dropped the result of a closed comparison"
        );
        return false;
    };
    let Some(column) = comparison
        .columns
        .iter_mut()
        .find(|column| column.profile == profile)
    else {
        return false;
    };
    match result {
        Ok(shown) => {
            column.shown = Some(shown.clone());
            column.fetch = ColumnFetch::Idle;
        }
        Err(message) => column.fetch = ColumnFetch::Failed(message),
    }
    comparison.rebuild();
    true
}

/// Applies a key pressed while the comparison is open.
///
/// Keys act through the key table, so remapped keys work here too: the movement actions
/// scroll, `focus_languages` shows the previous language, `focus_versions` and `switch_pane`
/// the next one, `refresh` fetches again, and `compare` and `quit` close. `Esc` always closes,
/// whatever action the table binds it to.
pub fn on_key(app: &mut App, key: KeyEvent, now: Instant) -> Vec<Effect> {
    let page = app.frame.page_rows.max(1);
    let action = app.keymap.action_for(&key);
    let Some(comparison) = app.compare.as_mut() else {
        app.popup = None;
        return Vec::new();
    };
    if key.code == KeyCode::Esc {
        close(app);
        return Vec::new();
    }
    let last_row = comparison.rows.len().saturating_sub(1);
    match action {
        Some(Action::Compare | Action::Quit) => close(app),
        Some(Action::Up) => comparison.scroll = comparison.scroll.saturating_sub(1),
        Some(Action::Down) => comparison.scroll = (comparison.scroll + 1).min(last_row),
        Some(Action::PageUp) => comparison.scroll = comparison.scroll.saturating_sub(page),
        Some(Action::PageDown) => comparison.scroll = (comparison.scroll + page).min(last_row),
        Some(Action::Top) => comparison.scroll = 0,
        Some(Action::Bottom) => comparison.scroll = last_row,
        Some(Action::FocusLanguages) => step_language(comparison, -1),
        Some(Action::FocusVersions | Action::SwitchPane) => step_language(comparison, 1),
        Some(Action::Refresh) => {
            let language = comparison.language.clone();
            let effects = open(app, now);
            if let Some(reopened) = app.compare.as_mut() {
                reopened.language = language;
                reopened.rebuild();
            }
            return effects;
        }
        Some(
            Action::Filter
            | Action::Copy
            | Action::ToggleOrder
            | Action::SwitchProfile
            | Action::Help,
        )
        | None => {}
    }
    Vec::new()
}

/// Closes the comparison; results still on their way are dropped when they arrive.
pub fn close(app: &mut App) {
    app.popup = None;
    app.compare = None;
}

/// Moves to the previous or next language, wrapping around.
fn step_language(comparison: &mut Comparison, delta: isize) {
    let languages = comparison.languages();
    if languages.is_empty() {
        return;
    }
    let position = comparison
        .language
        .as_ref()
        .and_then(|current| {
            languages
                .iter()
                .position(|name| name.eq_ignore_ascii_case(current))
        })
        .unwrap_or(0);
    let count = languages.len().cast_signed();
    let next = (position.cast_signed() + delta)
        .rem_euclid(count)
        .cast_unsigned();
    comparison.language = languages.get(next).cloned();
    comparison.scroll = 0;
    comparison.rebuild();
}

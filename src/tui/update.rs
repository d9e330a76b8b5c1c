//! How the browser responds to messages: key presses, fetch results, copy results and ticks.
//!
//! After start-up, [`update`] makes every change to [`App`] but one: the event loop's `draw`
//! stores the geometry of each frame drawn in [`App::frame`], which paging and mouse clicks
//! read. [`update`] performs no I/O: work that leaves the process (fetching, copying) is
//! returned as an [`Effect`] for the event loop to start, and its result comes back later as a
//! [`Message`].

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

use super::action::{self, Action};
use super::state::{App, FetchState, NoticeKind, Pane, Popup};
use super::{accept, compare, picker, profiles, refresh};
use crate::api::{FetchError, Fetched, RetryNotice};
use crate::catalogue::Catalogue;
use crate::clipboard::{CopyOutcome, CopyReport};

/// Something that happened, for [`update`] to apply.
#[derive(Debug)]
pub enum Message {
    /// A key event from the terminal.
    Key(KeyEvent),
    /// A mouse event from the terminal (only sent while mouse capture is on).
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// The terminal was resized; only a redraw is needed.
    Resize,
    /// Time passed: advance the spinner, expire notices.
    Tick(Instant),
    /// A fetch finished.
    Fetched {
        generation: u64,
        result: Box<Result<Fetched, FetchError>>,
    },
    /// A fetch failed and will be retried after a wait.
    Retrying {
        generation: u64,
        notice: RetryNotice,
    },
    /// A fetch for the comparison finished.
    ComparisonFetched {
        request: u64,
        profile: usize,
        result: Box<Result<Fetched, FetchError>>,
    },
    /// A copy to the clipboard finished.
    Copied(CopyReport),
    /// A signal (SIGTERM, SIGHUP, SIGINT) asked the program to stop.
    Terminate,
}

/// Work for the event loop to start on behalf of [`update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Fetch the catalogue of a profile (a position in [`App::profiles`]); the result must
    /// come back with this generation.
    Fetch { generation: u64, profile: usize },
    /// Fetch a profile's catalogue for the comparison; the result comes back as
    /// [`Message::ComparisonFetched`] with this request number.
    FetchForComparison { request: u64, profile: usize },
    /// Write a profile's catalogue, fetched for `project_id`, to the cache.
    StoreCache {
        profile: usize,
        project_id: String,
        catalogue: Arc<Catalogue>,
        fetched_at: SystemTime,
    },
    /// Put this text on the clipboard.
    Copy(String),
}

/// Applies a message to the state and returns the work it requests.
pub fn update(app: &mut App, message: Message, now: Instant) -> Vec<Effect> {
    match message {
        Message::Key(key) => on_key(app, key, now),
        Message::Mouse(event) => super::mouse::on_mouse(app, event, now),
        Message::Paste(text) => {
            if app.popup == Some(Popup::Picker) {
                picker::on_paste(app, &text);
            } else if app.popup.is_none() && app.focused_pane().editing {
                app.focused_pane_mut().paste(&text);
                refilter_focused(app);
            }
            Vec::new()
        }
        Message::Resize => Vec::new(),
        Message::Tick(at) => {
            on_tick(app, at);
            refresh::on_tick(app, at)
        }
        Message::Fetched { generation, result } => on_fetched(app, generation, *result, now),
        Message::ComparisonFetched {
            request,
            profile,
            result,
        } => accept::on_compared(app, request, profile, *result, now),
        Message::Retrying { generation, notice } => {
            let current = matches!(app.fetch, FetchState::Loading { generation: loading, .. } if loading == generation);
            if current {
                app.notify(NoticeKind::Warning, notice.to_string(), now);
            }
            Vec::new()
        }
        Message::Copied(report) => {
            let (outcome, text) = report.summary();
            let kind = match outcome {
                CopyOutcome::Copied => NoticeKind::Success,
                CopyOutcome::Partly => NoticeKind::Warning,
                CopyOutcome::Failed => NoticeKind::Error,
            };
            app.notify(kind, text, now);
            Vec::new()
        }
        Message::Terminate => {
            app.should_quit = true;
            Vec::new()
        }
    }
}

/// Starts a fetch of the profile in use, when the browser opens and after a profile switch.
/// Offline nothing is fetched, and a profile without a cached catalogue shows why it is empty.
pub fn start(app: &mut App, now: Instant) -> Vec<Effect> {
    if app.offline {
        if app.shown.is_none() {
            app.fetch = FetchState::Failed {
                message: profiles::offline_without_cache(&app.profile.name),
            };
        }
        return Vec::new();
    }
    fetch_current(app, now)
}

/// Starts a new fetch generation for the profile in use and returns the effect that runs it.
pub(super) fn fetch_current(app: &mut App, now: Instant) -> Vec<Effect> {
    vec![Effect::Fetch {
        generation: app.begin_fetch(now),
        profile: app.profiles.current_index(),
    }]
}

fn on_tick(app: &mut App, now: Instant) {
    if app.is_loading()
        || app
            .compare
            .as_ref()
            .is_some_and(compare::Comparison::is_loading)
    {
        app.spinner_step = app.spinner_step.wrapping_add(1);
    }
    if app
        .notice
        .as_ref()
        .is_some_and(|notice| notice.expires <= now)
    {
        app.notice = None;
    }
}

fn on_fetched(
    app: &mut App,
    generation: u64,
    result: Result<Fetched, FetchError>,
    now: Instant,
) -> Vec<Effect> {
    let current = matches!(app.fetch, FetchState::Loading { generation: loading, .. } if loading == generation);
    if !current {
        tracing::debug!(generation, "dropped the result of a stale fetch");
        return Vec::new();
    }
    let mut effects = Vec::new();
    match result {
        Ok(fetched) => effects = accept::accept_fetched(app, fetched, now),
        Err(error) => {
            tracing::warn!(%error, "catalogue fetch failed");
            let mut message = error.to_string();
            if app.shown.is_some() {
                message.push_str("; showing the last catalogue, press r to retry");
            } else {
                message.push_str("; press r to retry");
            }
            app.fetch = FetchState::Failed { message };
        }
    }
    refresh::schedule(app, now);
    effects
}

fn on_key(app: &mut App, key: KeyEvent, now: Instant) -> Vec<Effect> {
    // Some terminals also report releases and repeats; only presses act.
    if key.kind != KeyEventKind::Press {
        return Vec::new();
    }
    if action::is_interrupt(&key) {
        app.should_quit = true;
        return Vec::new();
    }
    match app.popup {
        Some(Popup::Help) => {
            on_popup_key(app, key);
            return Vec::new();
        }
        Some(Popup::Picker) => return picker::on_key(app, key, now),
        Some(Popup::Compare) => return compare::on_key(app, key, now),
        None => {}
    }
    if app.focused_pane().editing && edit_filter(app, key) {
        return Vec::new();
    }
    match app.keymap.action_for(&key) {
        Some(action) => perform(app, action, now),
        None => Vec::new(),
    }
}

fn on_popup_key(app: &mut App, key: KeyEvent) {
    // Any of the keys that open, close or quit closes the popup; the moving keys scroll a help
    // taller than the screen (the view stops at its end); other keys are ignored so a stray
    // key does not act on the hidden panes.
    let action = app.keymap.action_for(&key);
    let page = app.frame.page_rows.max(1);
    match action {
        Some(Action::Help | Action::Quit) => app.popup = None,
        _ if key.code == KeyCode::Enter => app.popup = None,
        Some(Action::Down) => app.help_scroll = app.help_scroll.saturating_add(1),
        Some(Action::Up) => app.help_scroll = app.help_scroll.saturating_sub(1),
        Some(Action::PageDown) => app.help_scroll = app.help_scroll.saturating_add(page),
        Some(Action::PageUp) => app.help_scroll = app.help_scroll.saturating_sub(page),
        Some(Action::Top) => app.help_scroll = 0,
        Some(Action::Bottom) => app.help_scroll = app.frame.help_last_scroll,
        _ => {}
    }
    app.help_scroll = app.help_scroll.min(app.frame.help_last_scroll);
}

/// Applies a key to the filter being edited. Returns false for keys the filter leaves to the
/// key table (navigation).
fn edit_filter(app: &mut App, key: KeyEvent) -> bool {
    let plain = key.modifiers - KeyModifiers::SHIFT == KeyModifiers::NONE;
    match key.code {
        KeyCode::Char(c) if plain => {
            app.focused_pane_mut().filter.push(c);
            refilter_focused(app);
            true
        }
        KeyCode::Backspace => {
            app.focused_pane_mut().filter.pop();
            refilter_focused(app);
            true
        }
        KeyCode::Enter => {
            app.focused_pane_mut().editing = false;
            true
        }
        KeyCode::Esc => {
            clear_filter(app);
            true
        }
        _ => false,
    }
}

fn perform(app: &mut App, action: Action, now: Instant) -> Vec<Effect> {
    let page = isize::try_from(app.frame.page_rows.max(1)).unwrap_or(isize::MAX);
    match action {
        Action::Up => move_selection(app, -1),
        Action::Down => move_selection(app, 1),
        Action::PageUp => move_selection(app, -page),
        Action::PageDown => move_selection(app, page),
        Action::Top => {
            app.focused_pane_mut().first();
            after_move(app, app.focus);
        }
        Action::Bottom => {
            app.focused_pane_mut().last();
            after_move(app, app.focus);
        }
        Action::FocusLanguages => focus(app, Pane::Languages),
        Action::FocusVersions => focus(app, Pane::Versions),
        Action::SwitchPane => {
            let other = match app.focus {
                Pane::Languages => Pane::Versions,
                Pane::Versions => Pane::Languages,
            };
            focus(app, other);
        }
        Action::Filter => app.focused_pane_mut().editing = true,
        Action::Refresh => return refresh(app, now),
        Action::Copy => return copy(app, now),
        Action::ToggleOrder => toggle_order(app, now),
        Action::Help => {
            app.help_scroll = 0;
            app.popup = Some(Popup::Help);
        }
        Action::SwitchProfile => picker::open(app),
        Action::Compare => return compare::open(app, now),
        Action::Quit => {
            let focused = app.focused_pane();
            if focused.editing || !focused.filter.is_empty() {
                clear_filter(app);
            } else {
                app.should_quit = true;
            }
        }
    }
    Vec::new()
}

fn move_selection(app: &mut App, delta: isize) {
    app.focused_pane_mut().move_by(delta);
    after_move(app, app.focus);
}

/// Follows a move of the selection in `pane`: a new language selection shows that language's
/// versions from the top.
pub(super) fn after_move(app: &mut App, pane: Pane) {
    if pane == Pane::Languages {
        app.versions.reset();
        app.refilter_versions();
    }
}

fn focus(app: &mut App, pane: Pane) {
    app.focused_pane_mut().editing = false;
    app.focus = pane;
}

fn refilter_focused(app: &mut App) {
    match app.focus {
        Pane::Languages => {
            let before = app.languages.selected();
            app.refilter_languages();
            if app.languages.selected() != before {
                after_move(app, Pane::Languages);
            }
        }
        Pane::Versions => app.refilter_versions(),
    }
}

fn clear_filter(app: &mut App) {
    let pane = app.focused_pane_mut();
    pane.editing = false;
    pane.filter.clear();
    refilter_focused(app);
}

fn refresh(app: &mut App, now: Instant) -> Vec<Effect> {
    if app.offline {
        app.notify(
            NoticeKind::Info,
            "Offline: nothing is fetched (started with --offline)",
            now,
        );
        return Vec::new();
    }
    if app.is_loading() {
        app.notify(NoticeKind::Info, "A refresh is already running", now);
        return Vec::new();
    }
    fetch_current(app, now)
}

fn copy(app: &mut App, now: Instant) -> Vec<Effect> {
    if let Some(version) = app.selected_version() {
        vec![Effect::Copy(version.to_owned())]
    } else {
        app.notify(
            NoticeKind::Warning,
            "Nothing to copy: no version is selected",
            now,
        );
        Vec::new()
    }
}

fn toggle_order(app: &mut App, now: Instant) {
    let selected = app.selected_version().map(str::to_owned);
    app.order = app.order.toggled();
    app.versions.reset();
    app.refilter_versions();
    if let Some(version) = selected {
        app.select_version_named(&version);
    }
    app.notify(
        NoticeKind::Info,
        format!("Versions sorted: {}", app.order.label()),
        now,
    );
}

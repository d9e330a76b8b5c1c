//! The profile picker (`p`): a filterable list of profiles with region, project and
//! authentication method. Enter switches to the selected profile, Space marks profiles for the
//! comparison (`c`).
//!
//! Typed characters go to the filter, which matches the name, region, project id or
//! authentication method, ignoring ASCII case. The rows are positions in [`App::profiles`].

use std::collections::BTreeSet;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::list::{self, ListPane};
use super::profiles;
use super::state::{App, Popup, ProfileInfo};
use super::update::Effect;

/// State of the picker between key presses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Picker {
    /// The filter text and the matching profiles; `list.filter` is what was typed.
    pub list: ListPane,
    /// Profiles marked with Space for the comparison, as positions in [`App::profiles`].
    pub marked: BTreeSet<usize>,
}

/// Opens the picker with an empty filter and the profile in use selected.
pub fn open(app: &mut App) {
    app.picker.list.filter.clear();
    app.picker.list.editing = true;
    refilter(app);
    app.picker
        .list
        .select_position(app.profiles.current_index());
    app.popup = Some(Popup::Picker);
}

/// Returns whether a profile matches the filter, which must be lowercase.
#[must_use]
pub fn matches(info: &ProfileInfo, lowercase_filter: &str) -> bool {
    [&info.name, &info.region, &info.project_id, &info.auth]
        .iter()
        .any(|field| list::matches_filter(field, lowercase_filter))
}

fn refilter(app: &mut App) {
    let filter = app.picker.list.filter.to_ascii_lowercase();
    let slots = app.profiles.slots();
    app.picker.list.refilter(slots.len(), |position| {
        slots
            .get(position)
            .is_some_and(|slot| matches(&slot.info, &filter))
    });
}

/// Switches to the selected profile and closes the picker.
pub fn choose(app: &mut App, now: Instant) -> Vec<Effect> {
    let Some(index) = app.picker.list.selected() else {
        return Vec::new();
    };
    app.popup = None;
    profiles::switch_to(app, index, now)
}

/// Applies a key pressed while the picker is open.
pub fn on_key(app: &mut App, key: KeyEvent, now: Instant) -> Vec<Effect> {
    let page = isize::try_from(app.frame.page_rows.max(1)).unwrap_or(isize::MAX);
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => return choose(app, now),
        KeyCode::Esc if app.picker.list.filter.is_empty() => app.popup = None,
        KeyCode::Esc => {
            app.picker.list.filter.clear();
            refilter(app);
        }
        KeyCode::Up => app.picker.list.move_by(-1),
        KeyCode::Char('p' | 'k') if ctrl => app.picker.list.move_by(-1),
        KeyCode::Down => app.picker.list.move_by(1),
        KeyCode::Char('n' | 'j') if ctrl => app.picker.list.move_by(1),
        KeyCode::PageUp => app.picker.list.move_by(-page),
        KeyCode::PageDown => app.picker.list.move_by(page),
        KeyCode::Home => app.picker.list.first(),
        KeyCode::End => app.picker.list.last(),
        KeyCode::Char(' ') => toggle_mark(app),
        KeyCode::Backspace => {
            app.picker.list.filter.pop();
            refilter(app);
        }
        KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
            app.picker.list.filter.push(c);
            refilter(app);
        }
        _ => {}
    }
    Vec::new()
}

/// Adds pasted text to the filter.
pub fn on_paste(app: &mut App, text: &str) {
    app.picker.list.paste(text);
    refilter(app);
}

fn toggle_mark(app: &mut App) {
    if let Some(index) = app.picker.list.selected()
        && !app.picker.marked.remove(&index)
    {
        app.picker.marked.insert(index);
    }
}

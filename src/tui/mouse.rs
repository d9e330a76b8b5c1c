//! Mouse input: a click selects the row under the pointer and focuses its pane, the wheel
//! moves the selection of the pane under the pointer. In the profile picker a click on a
//! profile switches to it and the wheel moves the picker's selection.
//!
//! Positions are matched against `app.frame`, the pane areas and scroll offsets of the last
//! frame drawn, so a click acts on the row the user saw. Only left-button presses and wheel
//! steps act; releases, drags and moves are ignored, as key releases are. Like [`super::update`],
//! this module performs no I/O.

use std::time::Instant;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::state::{App, Pane, Popup};
use super::update::{self, Effect};
use super::{compare, picker};

/// Rows the selection moves per wheel step, like the three lines per notch that desktop
/// systems commonly scroll.
pub const WHEEL_ROWS: isize = 3;

/// Applies a mouse event to the state and returns the work it starts (switching profile
/// fetches the new one).
pub fn on_mouse(app: &mut App, event: MouseEvent, now: Instant) -> Vec<Effect> {
    let position = Position::new(event.column, event.row);
    match event.kind {
        MouseEventKind::Down(MouseButton::Left) => return click(app, position, now),
        MouseEventKind::ScrollDown => scroll(app, position, WHEEL_ROWS),
        MouseEventKind::ScrollUp => scroll(app, position, -WHEEL_ROWS),
        _ => {}
    }
    Vec::new()
}

fn click(app: &mut App, position: Position, now: Instant) -> Vec<Effect> {
    // A click on a profile in the picker switches to it. Any other click closes the popup and
    // does nothing else, so it never acts on the panes hidden behind it.
    match app.popup {
        Some(Popup::Picker) => {
            if let Some(index) = picker_row(app, position) {
                app.picker.list.select_index(index);
                return picker::choose(app, now);
            }
            app.popup = None;
            return Vec::new();
        }
        Some(Popup::Compare) => {
            compare::close(app);
            return Vec::new();
        }
        Some(Popup::Help) => {
            app.popup = None;
            return Vec::new();
        }
        None => {}
    }
    let Some((pane, area)) = pane_at(app, position) else {
        return Vec::new();
    };
    app.focused_pane_mut().editing = false;
    app.focus = pane;
    if let Some(index) = row_index(app, pane, area, position.y) {
        select_index(app, pane, index);
    }
    Vec::new()
}

/// Index among the matching profiles of the picker row at `position`, if it shows one.
fn picker_row(app: &App, position: Position) -> Option<usize> {
    let area = app.frame.picker_area;
    if !area.contains(position) {
        return None;
    }
    let index = app.frame.picker_offset + usize::from(position.y - area.y);
    (index < app.picker.list.len()).then_some(index)
}

fn scroll(app: &mut App, position: Position, delta: isize) {
    if app.popup == Some(Popup::Picker) {
        if app.frame.picker_area.contains(position) {
            app.picker.list.move_by(delta);
        }
        return;
    }
    if app.popup.is_some() {
        return;
    }
    let Some((pane, _)) = pane_at(app, position) else {
        return;
    };
    let target = list_of(app, pane).cursor().saturating_add_signed(delta);
    select_index(app, pane, target);
}

/// The pane drawn at `position` in the last frame, with its area (borders included).
fn pane_at(app: &App, position: Position) -> Option<(Pane, Rect)> {
    [
        (Pane::Languages, app.frame.languages_area),
        (Pane::Versions, app.frame.versions_area),
    ]
    .into_iter()
    .find(|(_, area)| area.contains(position))
}

/// Index among the matching rows of the row drawn at screen row `y`, if `y` shows one.
fn row_index(app: &App, pane: Pane, area: Rect, y: u16) -> Option<usize> {
    let first_row = area.y + 1;
    let end_row = (area.y + area.height).saturating_sub(1);
    if y < first_row || y >= end_row {
        return None;
    }
    let offset = match pane {
        Pane::Languages => app.frame.language_offset,
        Pane::Versions => app.frame.version_offset,
    };
    let index = offset + usize::from(y - first_row);
    (index < list_of(app, pane).len()).then_some(index)
}

fn list_of(app: &App, pane: Pane) -> &super::list::ListPane {
    match pane {
        Pane::Languages => &app.languages,
        Pane::Versions => &app.versions,
    }
}

/// Selects a row; a different language shows its versions from the top, as a key move does.
fn select_index(app: &mut App, pane: Pane, index: usize) {
    let before = list_of(app, pane).cursor();
    match pane {
        Pane::Languages => app.languages.select_index(index),
        Pane::Versions => app.versions.select_index(index),
    }
    if list_of(app, pane).cursor() != before {
        update::after_move(app, pane);
    }
}

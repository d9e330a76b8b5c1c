//! Drawing the browser from its state. Rendering reads [`App`] and draws; it performs no I/O
//! and builds only the rows that fit on screen, whatever the catalogue's size.
//!
//! ```text
//! ┌Languages 7───────┐┌Java · 5 versions · newest first─────────┐
//! │▶ Go            6 ││▶ 21                                      │
//! │  Java          5 ││  17                                      │
//! └/ja▏──────────1/7─┘└──────────────────────────────────────────┘
//!  dev · cn-north-4 · 0123…cdef · token · 7 languages, 40 versions · fetched 14:02:11
//!  ? help  / filter  r refresh  y copy  s sort  q quit            (or a notice or error)
//! ```

mod changes;
mod compare;
mod help;
mod panes;
mod picker;
mod status;

use std::time::{Duration, SystemTime};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use time::OffsetDateTime;

use super::state::{App, FrameInfo, Popup};

/// Time between spinner steps while loading.
pub const SPINNER_INTERVAL: Duration = Duration::from_millis(100);

/// Smallest terminal the full layout is drawn in.
pub const MIN_WIDTH: u16 = 30;
pub const MIN_HEIGHT: u16 = 6;

/// Marker in front of the selected row; the selection is visible without colour.
pub const SELECTION_MARKER: &str = "▶ ";

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Returns the spinner character for a step.
#[must_use]
pub fn spinner(step: usize) -> &'static str {
    SPINNER[step % SPINNER.len()]
}

/// Draws the whole screen and returns the geometry used, for the next update.
pub fn render(app: &App, frame: &mut Frame<'_>, now: SystemTime) -> FrameInfo {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let notice = format!("terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT})");
        frame.render_widget(Paragraph::new(Line::from(notice)), area);
        return FrameInfo::default();
    }
    // The panes keep at least three rows; a long error takes the rest of what it needs.
    let status_height = status::height(app, area.width).min(area.height - 3);
    let [main, status_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(status_height)]).areas(area);
    let languages_width = panes::languages_width(app, main.width);
    let [languages_area, versions_area] =
        Layout::horizontal([Constraint::Length(languages_width), Constraint::Min(10)]).areas(main);

    let language_offset = panes::render_languages(app, frame, languages_area);
    let today = OffsetDateTime::from(now).to_offset(app.utc_offset).date();
    let version_offset = panes::render_versions(app, frame, versions_area, today);
    status::render(app, frame, status_area, now);
    let mut picker_area = Rect::default();
    let mut picker_offset = 0;
    let mut help_last_scroll = 0;
    match app.popup {
        Some(Popup::Help) => help_last_scroll = help::render(app, frame, area),
        Some(Popup::Picker) => (picker_area, picker_offset) = picker::render(app, frame, main),
        Some(Popup::Compare) => compare::render(app, frame, main, now),
        None => {}
    }
    FrameInfo {
        languages_area,
        versions_area,
        language_offset,
        version_offset,
        page_rows: usize::from(main.height.saturating_sub(2)).max(1),
        picker_area,
        picker_offset,
        help_last_scroll,
    }
}

/// Returns a rectangle of at most `width` × `height` centred in `area`, clamped to it.
#[must_use]
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

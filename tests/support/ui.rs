//! Driving the browser's state and drawing it on ratatui's `TestBackend`, for tests of what the
//! screen shows and how keys and mouse events change it.

use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use stage_images::api::Fetched;
use stage_images::catalogue;
use stage_images::project_id::ProjectId;
use stage_images::tui::state::{App, ProfileInfo};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Effect, Message};
use stage_images::tui::view;
use time::UtcOffset;

/// 2026-12-04 12:00:00 UTC, the fixed "now" of every render.
pub fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_385_600)
}

/// Returns a browser with `json` loaded by its first fetch.
pub fn loaded(json: &str, theme: Theme) -> App {
    let profile = ProfileInfo {
        name: "dev".into(),
        region: "cn-north-4".into(),
        project_id: "0123456789abcdef0123456789abcdef".into(),
        endpoint: "https://servicestage.cn-north-4.myhuaweicloud.com".into(),
        auth: "token".into(),
        demo: false,
    };
    let mut app = App::new(profile, theme, UtcOffset::UTC);
    update::start(&mut app, Instant::now());
    let fetched = fetched(json, now() - Duration::from_secs(90));
    send(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(fetched)),
        },
    );
    app
}

/// Builds a successful fetch of `json` at `fetched_at`, for the test project.
pub fn fetched(json: &str, fetched_at: SystemTime) -> Fetched {
    let decoded = catalogue::decode(json.as_bytes()).expect("valid catalogue");
    Fetched {
        catalogue: decoded.catalogue,
        problems: decoded.problems,
        request_id: None,
        project_id: ProjectId::parse("0123456789abcdef0123456789abcdef").expect("project id"),
        fetched_at,
        elapsed: Duration::ZERO,
    }
}

/// Applies one message.
pub fn send(app: &mut App, message: Message) -> Vec<Effect> {
    update::update(app, message, Instant::now())
}

/// Presses a key without modifiers.
pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    send(app, Message::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Returns a mouse event at a screen cell.
pub fn mouse(kind: MouseEventKind, column: u16, row: u16) -> Message {
    Message::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

/// Returns a left click at a screen cell.
pub fn click(column: u16, row: u16) -> Message {
    mouse(MouseEventKind::Down(MouseButton::Left), column, row)
}

/// Draws a frame as the event loop does, keeping its geometry in `app.frame`.
pub fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let mut info = app.frame;
    terminal
        .draw(|frame| info = view::render(app, frame, now()))
        .expect("draw");
    app.frame = info;
    terminal.backend().buffer().clone()
}

/// Returns the buffer as text, one line per row, trailing spaces removed.
pub fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut lines = Vec::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        lines.push(line.trim_end().to_owned());
    }
    lines.join("\n")
}

/// Returns the column and row where `needle` first appears on screen.
pub fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let screen = text(buffer);
    screen.lines().enumerate().find_map(|(y, line)| {
        line.find(needle)
            .map(|byte| (line[..byte].chars().count() as u16, y as u16))
    })
}

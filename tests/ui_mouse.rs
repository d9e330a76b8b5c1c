//! Mouse events through the same state machine as keys: a frame is drawn on `TestBackend` to
//! lay out the panes, then clicks and wheel steps land on cells of that frame.

mod support;

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use stage_images::tui::mouse::WHEEL_ROWS;
use stage_images::tui::state::{App, Pane, Popup};
use stage_images::tui::theme::Theme;
use support::ui::{click, draw, find, loaded, mouse, press, send};

const CATALOGUE: &str = r#"{"Go":["1.11","1.22"],"Java":["8u181-jdk-alpine","11","17","21"],"Nodejs":["8","16","16-alpine","18","20","22"],"Python":["3.7","3.12"]}"#;

fn selected(app: &App) -> (Option<String>, Option<String>) {
    (
        app.selected_language()
            .map(|language| language.name().to_owned()),
        app.selected_version().map(str::to_owned),
    )
}

/// The browser drawn at 80×24, ready for clicks.
fn drawn() -> (App, ratatui::buffer::Buffer) {
    let mut app = loaded(CATALOGUE, Theme::monochrome());
    let buffer = draw(&mut app, 80, 24);
    (app, buffer)
}

#[test]
fn click_on_language_selects_it() {
    let (mut app, buffer) = drawn();
    let (x, y) = find(&buffer, "Nodejs").expect("Nodejs row");
    send(&mut app, click(x, y));
    assert_eq!(app.focus, Pane::Languages);
    assert_eq!(
        selected(&app),
        (Some("Nodejs".to_owned()), Some("22".to_owned()))
    );
}

#[test]
fn click_on_version_focuses_versions() {
    let (mut app, _) = drawn();
    press(&mut app, KeyCode::Char('j'));
    let buffer = draw(&mut app, 80, 24);
    let (x, y) = find(&buffer, "8u181-jdk-alpine").expect("version row");
    send(&mut app, click(x + 3, y));
    assert_eq!(app.focus, Pane::Versions);
    assert_eq!(
        selected(&app),
        (Some("Java".to_owned()), Some("8u181-jdk-alpine".to_owned()))
    );
}

#[test]
fn click_on_same_language_keeps_version() {
    let (mut app, _) = drawn();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('j'));
    let buffer = draw(&mut app, 80, 24);
    let (x, y) = find(&buffer, "▶ Java").expect("Java row");
    send(&mut app, click(x + 2, y));
    assert_eq!(app.focus, Pane::Languages);
    assert_eq!(selected(&app).1.as_deref(), Some("17"));
}

#[test]
fn clicks_outside_rows_only_focus() {
    let (mut app, buffer) = drawn();
    // The top border of the versions pane focuses it but selects nothing new.
    let (x, y) = find(&buffer, "Versions").expect("versions title");
    send(&mut app, click(x, y));
    assert_eq!(app.focus, Pane::Versions);
    assert_eq!(
        selected(&app),
        (Some("Go".to_owned()), Some("1.22".to_owned()))
    );
    // An empty row below the last language focuses the languages pane and keeps Go.
    send(&mut app, click(3, 10));
    assert_eq!(app.focus, Pane::Languages);
    assert_eq!(selected(&app).0.as_deref(), Some("Go"));
    // The status bar is not a pane.
    send(&mut app, click(3, 23));
    assert_eq!(app.focus, Pane::Languages);
}

#[test]
fn wheel_moves_the_pane_under_pointer() {
    let (mut app, buffer) = drawn();
    let (x, y) = find(&buffer, "Java").expect("Java row");
    send(&mut app, mouse(MouseEventKind::ScrollDown, x, y));
    assert_eq!(app.focus, Pane::Languages, "the wheel does not move focus");
    assert_eq!(selected(&app).0.as_deref(), Some("Python"));
    send(&mut app, mouse(MouseEventKind::ScrollUp, x, y));
    assert_eq!(selected(&app).0.as_deref(), Some("Go"));

    // Over the versions pane the wheel moves the version, while focus stays left.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let buffer = draw(&mut app, 80, 24);
    let (vx, vy) = find(&buffer, "20").expect("a Nodejs version");
    send(&mut app, mouse(MouseEventKind::ScrollDown, vx, vy));
    assert_eq!(app.focus, Pane::Languages);
    assert_eq!(app.versions.cursor(), 3);
    assert_eq!(WHEEL_ROWS, 3);
    assert_eq!(selected(&app).1.as_deref(), Some("16-alpine"));
}

#[test]
fn wheel_stops_at_the_ends() {
    let (mut app, buffer) = drawn();
    let (x, y) = find(&buffer, "▶ Go").expect("Go row");
    for _ in 0..5 {
        send(&mut app, mouse(MouseEventKind::ScrollUp, x, y));
    }
    assert_eq!(selected(&app).0.as_deref(), Some("Go"));
    for _ in 0..5 {
        send(&mut app, mouse(MouseEventKind::ScrollDown, x, y));
    }
    assert_eq!(selected(&app).0.as_deref(), Some("Python"));
}

#[test]
fn click_uses_the_scroll_offset() {
    let versions: Vec<String> = (0..60).map(|number| format!("\"1.{number}\"")).collect();
    let json = format!(r#"{{"Big":[{}]}}"#, versions.join(","));
    let mut app = loaded(&json, Theme::monochrome());
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    let buffer = draw(&mut app, 60, 12);
    assert!(app.frame.version_offset > 0, "the pane scrolled");
    let (x, y) = find(&buffer, "1.3 ")
        .or_else(|| find(&buffer, "1.3"))
        .expect("a row near the end");
    send(&mut app, click(x, y));
    assert_eq!(app.selected_version(), Some("1.3"));
}

#[test]
fn click_closes_help_without_acting() {
    let (mut app, buffer) = drawn();
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.popup, Some(Popup::Help));
    let (x, y) = find(&buffer, "Nodejs").expect("Nodejs row");
    send(&mut app, click(x, y));
    assert_eq!(app.popup, None);
    assert_eq!(
        selected(&app).0.as_deref(),
        Some("Go"),
        "the click only closed the help"
    );
    send(&mut app, click(x, y));
    assert_eq!(selected(&app).0.as_deref(), Some("Nodejs"));
}

#[test]
fn releases_drags_and_other_buttons_do_nothing() {
    let (mut app, buffer) = drawn();
    let (x, y) = find(&buffer, "Python").expect("Python row");
    for kind in [
        MouseEventKind::Up(MouseButton::Left),
        MouseEventKind::Drag(MouseButton::Left),
        MouseEventKind::Moved,
        MouseEventKind::Down(MouseButton::Right),
        MouseEventKind::Down(MouseButton::Middle),
    ] {
        send(&mut app, mouse(kind, x, y));
        assert_eq!(selected(&app).0.as_deref(), Some("Go"), "{kind:?} acted");
    }
}

#[test]
fn click_ends_filter_editing() {
    let (mut app, _) = drawn();
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.languages.editing);
    let buffer = draw(&mut app, 80, 24);
    let (x, y) = find(&buffer, "Versions").expect("versions title");
    send(&mut app, click(x, y + 1));
    assert!(!app.languages.editing, "the click ended filter editing");
    assert_eq!(app.languages.filter, "n", "the filter stays");
    assert_eq!(app.focus, Pane::Versions);
}

#[test]
fn clicks_before_first_frame_do_nothing() {
    let mut app = loaded(CATALOGUE, Theme::monochrome());
    send(&mut app, click(3, 2));
    send(&mut app, mouse(MouseEventKind::ScrollDown, 3, 2));
    assert_eq!(selected(&app).0.as_deref(), Some("Go"));
}

//! Release status beside versions, the help popup's table date and effective keys, and theme
//! colours, drawn on `TestBackend`.

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use stage_images::release_status::ReleaseTable;
use stage_images::tui::action::{Action, KeyBinding, KeyMap};
use stage_images::tui::theme::Theme;
use support::ui::{draw, find, loaded, press, text};

const CATALOGUE: &str = r#"{"Go":["1.11","1.22"],"Java":["8u181-jdk-alpine","11","17","21","23"],"Nodejs":["16-alpine","22"],"Python":["3.7","3.12"],"Docker":["24.0"]}"#;

fn with_release_status(theme: Theme) -> stage_images::tui::state::App {
    let mut app = loaded(CATALOGUE, theme);
    app.release_status = Arc::new(ReleaseTable::bundled().expect("bundled table"));
    app
}

/// Selects a language by pressing `j` from the top.
fn select_language(app: &mut stage_images::tui::state::App, downs: usize) {
    for _ in 0..downs {
        press(app, KeyCode::Char('j'));
    }
}

#[test]
fn versions_show_release_status() {
    let mut app = with_release_status(Theme::monochrome());
    select_language(&mut app, 2);
    insta::assert_snapshot!(text(&draw(&mut app, 80, 12)));
}

#[test]
fn status_labels_per_language() {
    let mut app = with_release_status(Theme::monochrome());
    let cases = [
        (1, "1.22  EOL 2025-02-11"),
        (2, "23                EOL"),
        (2, "8u181-jdk-alpine  LTS"),
        (3, "22         LTS until 2027-04-30"),
        (3, "16-alpine  EOL 2023-09-11"),
        (4, "3.12  until 2028-10-31"),
        (4, "3.7   EOL 2023-06-27"),
    ];
    for (downs, row) in cases {
        press(&mut app, KeyCode::Char('g'));
        select_language(&mut app, downs);
        let screen = text(&draw(&mut app, 80, 12));
        assert!(screen.contains(row), "missing {row:?}:\n{screen}");
    }
    // Docker is not in the table: its versions carry no label.
    press(&mut app, KeyCode::Char('g'));
    let screen = text(&draw(&mut app, 80, 12));
    let docker_row = screen
        .lines()
        .find(|line| line.contains("24.0"))
        .expect("row");
    assert!(!docker_row.contains("LTS"), "{docker_row}");
    assert!(!docker_row.contains("EOL"), "{docker_row}");
    assert!(!docker_row.contains("until"), "{docker_row}");
}

#[test]
fn narrow_pane_drops_the_label() {
    let mut app = with_release_status(Theme::monochrome());
    select_language(&mut app, 2);
    let screen = text(&draw(&mut app, 38, 12));
    // The labels move left to fit; the longest version keeps its text and loses its label.
    assert!(screen.contains("│  21           LTS│"), "{screen}");
    assert!(screen.contains("│  8u181-jdk-alpine│"), "{screen}");
}

#[test]
fn label_colours_follow_the_theme() {
    let mut app = with_release_status(Theme::dark());
    select_language(&mut app, 3);
    press(&mut app, KeyCode::Tab);
    let buffer = draw(&mut app, 80, 12);
    let (x, y) = find(&buffer, "EOL 2023-09-11").expect("Node 16 label");
    assert_eq!(
        buffer[(x, y)].fg,
        Theme::dark().end_of_life.fg.expect("colour")
    );
    // The selected row keeps the selection colours, so its label is readable on them.
    let (x, y) = find(&buffer, "LTS until").expect("Node 22 label");
    assert_eq!(buffer[(x, y)].bg, Color::Cyan);
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn help_shows_the_table_date_and_override() {
    let mut app = with_release_status(Theme::monochrome());
    let mut table = ReleaseTable::bundled().expect("bundled table");
    table.override_file = Some(PathBuf::from(
        "/home/me/.config/stage-images/release-status.toml",
    ));
    app.release_status = Arc::new(table);
    press(&mut app, KeyCode::Char('?'));
    let screen = text(&draw(&mut app, 100, 30));
    assert!(
        screen.contains("Release status (LTS, EOL): bundled table of 2026-12-04"),
        "{screen}"
    );
    assert!(
        screen.contains("with overrides from /home/me/.config/stage-images/release-status.toml"),
        "{screen}"
    );
}

#[test]
fn help_and_hints_show_remapped_keys() {
    let mut app = loaded(CATALOGUE, Theme::monochrome());
    let mut bindings: Vec<(KeyBinding, Action)> = KeyMap::default()
        .bindings()
        .iter()
        .filter(|(_, action)| !matches!(action, Action::Copy | Action::Help))
        .copied()
        .collect();
    bindings.push((KeyBinding::plain(KeyCode::Char('c')), Action::Copy));
    bindings.push((KeyBinding::plain(KeyCode::F(1)), Action::Help));
    app.keymap = KeyMap::from_bindings(bindings);

    let screen = text(&draw(&mut app, 100, 30));
    let hints = screen.lines().last().expect("hint line");
    assert_eq!(
        hints,
        " F1 help  / filter  r refresh  c copy  s sort  Tab pane  q quit"
    );

    press(&mut app, KeyCode::F(1));
    let screen = text(&draw(&mut app, 100, 30));
    let copy_row = screen
        .lines()
        .find(|line| line.contains("copy the selected version"))
        .expect("copy row");
    assert!(copy_row.contains(" c "), "{copy_row}");
    assert!(!copy_row.contains(" y "), "{copy_row}");
    assert!(
        screen.contains("F1, q, Esc or Enter closes this help"),
        "{screen}"
    );
    assert!(!screen.contains("?, q"), "{screen}");
}

#[test]
fn light_theme_selection_colours() {
    let mut app = loaded(CATALOGUE, Theme::light());
    let buffer = draw(&mut app, 80, 12);
    let (x, y) = find(&buffer, "▶ Docker").expect("selected row");
    let cell = &buffer[(x + 2, y)];
    assert_eq!(cell.fg, Color::White);
    assert_eq!(cell.bg, Color::Blue);
    assert!(cell.modifier.contains(Modifier::BOLD));
}

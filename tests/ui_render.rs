//! What the screen shows, drawn on ratatui's `TestBackend` at fixed sizes.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use stage_images::api::Fetched;
use stage_images::catalogue::{self, Catalogue, Language};
use stage_images::project_id::ProjectId;
use stage_images::tui::state::{App, FetchState, Origin, ProfileInfo, Shown};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Message};
use stage_images::tui::view;
use support::ui::{draw, find, now, text};
use time::UtcOffset;

const EXAMPLE: &str = r#"{"Go":["1.11"],"Java":["8u181-jdk-alpine","11","17"],"Nodejs":["8","16"],"Php":["7-apache"],"Python":["3.7"],"Tomcat":["8-alpine"]}"#;

fn profile() -> ProfileInfo {
    ProfileInfo {
        name: "dev".into(),
        region: "cn-north-4".into(),
        project_id: "0123456789abcdef0123456789abcdef".into(),
        endpoint: "https://servicestage.cn-north-4.myhuaweicloud.com".into(),
        auth: "token".into(),
        demo: false,
    }
}

fn app_with(theme: Theme) -> App {
    App::new(profile(), theme, UtcOffset::UTC)
}

fn loaded_with(json: &str, theme: Theme) -> App {
    let mut app = app_with(theme);
    update::start(&mut app, Instant::now());
    let decoded = catalogue::decode(json.as_bytes()).expect("valid");
    let fetched = Fetched {
        catalogue: decoded.catalogue,
        problems: decoded.problems,
        request_id: None,
        project_id: ProjectId::parse("0123456789abcdef0123456789abcdef").expect("project id"),
        fetched_at: now() - Duration::from_secs(90),
        elapsed: Duration::ZERO,
    };
    update::update(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(fetched)),
        },
        Instant::now(),
    );
    app
}

fn loaded() -> App {
    loaded_with(EXAMPLE, Theme::monochrome())
}

fn press(app: &mut App, keys: &[KeyCode]) {
    for &code in keys {
        update::update(
            app,
            Message::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            Instant::now(),
        );
    }
}

#[test]
fn both_panes_at_80_by_24() {
    let mut app = loaded();
    press(&mut app, &[KeyCode::Char('j')]);
    insta::assert_snapshot!(text(&draw(&mut app, 80, 24)));
}

#[test]
fn selection_is_marked_without_colour() {
    let mut app = loaded();
    press(&mut app, &[KeyCode::Char('j'), KeyCode::Tab]);
    let buffer = draw(&mut app, 80, 24);
    let (x, y) = find(&buffer, "▶ 17").expect("selected version row");
    let cell = &buffer[(x + 2, y)];
    assert!(
        cell.modifier.contains(Modifier::REVERSED),
        "focused selection is reverse video"
    );
    assert_eq!(cell.bg, Color::Reset, "no background colour under NO_COLOR");
    let (lx, ly) = find(&buffer, "▶ Java").expect("selected language row");
    let language_cell = &buffer[(lx + 2, ly)];
    assert!(
        language_cell.modifier.contains(Modifier::BOLD),
        "unfocused selection is bold"
    );
    assert!(!language_cell.modifier.contains(Modifier::REVERSED));
}

#[test]
fn colour_theme_selection_also_has_modifier() {
    let mut app = loaded_with(EXAMPLE, Theme::dark());
    let buffer = draw(&mut app, 80, 24);
    let (x, y) = find(&buffer, "▶ Go").expect("selected row");
    assert!(buffer[(x + 2, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn status_bar_shows_profile_counts_and_time() {
    let mut app = loaded();
    let screen = text(&draw(&mut app, 120, 24));
    let status = screen.lines().nth(22).expect("status line");
    assert_eq!(
        status,
        " dev · cn-north-4 · 0123456789abcdef0123456789abcdef · token · 6 languages, 9 versions · fetched 11:58:30"
    );
}

#[test]
fn narrow_status_bar_shortens_project_id_then_drops_counts() {
    let mut app = loaded();
    let screen = text(&draw(&mut app, 100, 24));
    let status = screen.lines().nth(22).expect("status line");
    assert_eq!(
        status,
        " dev · cn-north-4 · 0123…cdef · token · 6 languages, 9 versions · fetched 11:58:30"
    );
    // The pane titles still show the counts when the status bar has no room for them.
    let screen = text(&draw(&mut app, 80, 24));
    let status = screen.lines().nth(22).expect("status line");
    assert_eq!(
        status,
        " dev · cn-north-4 · 0123…cdef · token · fetched 11:58:30"
    );
    assert!(screen.starts_with("┏ Languages 6 "), "{screen}");
}

#[test]
fn filter_is_shown_under_the_pane() {
    let mut app = loaded();
    press(
        &mut app,
        &[KeyCode::Char('/'), KeyCode::Char('j'), KeyCode::Char('a')],
    );
    insta::assert_snapshot!(text(&draw(&mut app, 60, 12)));
}

#[test]
fn help_popup_lists_every_key() {
    let mut app = loaded();
    press(&mut app, &[KeyCode::Char('?')]);
    let screen = text(&draw(&mut app, 80, 24));
    insta::assert_snapshot!(screen);
    for needle in [
        "↑, k",
        "PgDn",
        "Tab",
        "/",
        "refresh the catalogue",
        "copy the selected version",
        "q, Esc, Ctrl-c",
    ] {
        assert!(screen.contains(needle), "help lacks {needle:?}");
    }
}

#[test]
fn loading_state_shows_spinner_and_endpoint() {
    let mut app = app_with(Theme::monochrome());
    update::start(&mut app, Instant::now());
    insta::assert_snapshot!(text(&draw(&mut app, 80, 10)));
}

#[test]
fn error_without_data_fills_the_pane() {
    let mut app = app_with(Theme::monochrome());
    app.fetch = FetchState::Failed {
        message: "HTTP 401 Unauthorized: the credentials were rejected (wrong or expired); check the profile's \
                  credentials [APIGW.0301: Incorrect IAM authentication information] (request id req-1); press r to retry"
            .into(),
    };
    insta::assert_snapshot!(text(&draw(&mut app, 80, 14)));
}

#[test]
fn error_with_data_keeps_the_panes() {
    let mut app = loaded();
    app.fetch = FetchState::Failed {
        message: "HTTP 503 Service Unavailable: ServiceStage is unavailable right now; retry later"
            .into(),
    };
    let screen = text(&draw(&mut app, 100, 12));
    assert!(screen.contains("▶ Go"), "{screen}");
    let last = screen.lines().last().expect("message line");
    assert_eq!(
        last,
        " ✗ HTTP 503 Service Unavailable: ServiceStage is unavailable right now; retry later"
    );
}

#[test]
fn cached_catalogue_shows_its_age() {
    let mut app = app_with(Theme::monochrome());
    let catalogue = catalogue::decode(EXAMPLE.as_bytes())
        .expect("valid")
        .catalogue;
    app.show(Shown {
        catalogue: Arc::new(catalogue),
        fetched_at: now() - Duration::from_secs(3 * 3600 + 60),
        origin: Origin::Cache,
    });
    let screen = text(&draw(&mut app, 120, 10));
    assert!(screen.contains("· cached 3 h ago"), "{screen}");
}

#[test]
fn tiny_terminal_shows_notice() {
    let mut app = loaded();
    assert_eq!(
        text(&draw(&mut app, 20, 5)).lines().next(),
        Some("terminal too small (")
    );
    assert_eq!(text(&draw(&mut app, 1, 1)), "t");
    press(&mut app, &[KeyCode::Char('?')]);
    assert_eq!(
        text(&draw(&mut app, 10, 2)).lines().next(),
        Some("terminal t")
    );
}

#[test]
fn popup_is_clamped_to_small_screen() {
    let mut app = loaded();
    press(&mut app, &[KeyCode::Char('?')]);
    let screen = text(&draw(&mut app, 40, 10));
    assert!(screen.contains("Help"), "{screen}");
}

#[test]
fn wide_characters_keep_columns_aligned() {
    let json = r#"{"语言":["版本十七","17"],"Go":["1.22"]}"#;
    let mut app = loaded_with(json, Theme::monochrome());
    press(&mut app, &[KeyCode::Char('j')]);
    let buffer = draw(&mut app, 60, 10);
    let screen = text(&buffer);
    insta::assert_snapshot!(screen);
    // Every row is exactly as wide as the screen: wide characters take two cells.
    for line in screen.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 60, "{line}");
    }
}

#[test]
fn large_language_draws_the_window_around_selection() {
    let versions: Vec<String> = (0..100_000).map(|number| format!("1.{number}")).collect();
    let catalogue = Catalogue::new(vec![Language::new("Big", versions)]);
    let mut app = app_with(Theme::monochrome());
    app.show(Shown {
        catalogue: Arc::new(catalogue),
        fetched_at: now(),
        origin: Origin::Network,
    });
    press(&mut app, &[KeyCode::Tab, KeyCode::End]);
    let screen = text(&draw(&mut app, 60, 12));
    assert!(
        screen.contains("▶ 1.0"),
        "the oldest version is last: {screen}"
    );
    assert!(screen.contains("1.7"), "{screen}");
    press(&mut app, &[KeyCode::Home]);
    let screen = text(&draw(&mut app, 60, 12));
    assert!(screen.contains("▶ 1.99999"), "{screen}");
}

/// Wide (CJK) and combining characters in language names and versions.
const WIDE_EXAMPLE: &str =
    r#"{"语言":["版本十七","17","測試-β"],"Go":["1.22","cafe\u0301"],"日本語":["バージョン2"]}"#;

#[test]
fn every_size_with_cjk_and_popup() {
    for (width, height) in [(1, 1), (20, 5), (40, 10), (80, 24), (200, 60)] {
        for popup in [false, true] {
            let mut app = loaded_with(WIDE_EXAMPLE, Theme::monochrome());
            press(&mut app, &[KeyCode::Char('j'), KeyCode::Char('j')]);
            if popup {
                press(&mut app, &[KeyCode::Char('?')]);
            }
            let buffer = draw(&mut app, width, height);
            let screen = text(&buffer);
            let name = format!(
                "sizes_{width}x{height}_{}",
                if popup { "help" } else { "panes" }
            );
            insta::assert_snapshot!(name.clone(), screen);

            // No row is wider than the screen, whatever the characters.
            for line in screen.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= usize::from(width),
                    "{name}: {line:?}"
                );
            }
            let too_small = width < view::MIN_WIDTH || height < view::MIN_HEIGHT;
            if too_small {
                let expected: String = "terminal too small (need 30×6)"
                    .chars()
                    .take(usize::from(width))
                    .collect();
                assert_eq!(screen.lines().next(), Some(expected.as_str()), "{name}");
                continue;
            }
            if popup {
                // The popup's corners are on screen, so it was clamped rather than cut.
                let (left, top) = find(&buffer, "╔").expect("top-left corner");
                let (right, bottom) = find(&buffer, "╝").expect("bottom-right corner");
                assert!(left < right, "{name}");
                assert!(top < bottom, "{name}");
                assert!(right < width, "{name}");
                assert!(bottom < height, "{name}");
            } else {
                assert!(screen.contains("▶ 语言"), "{name}: selection\n{screen}");
                assert!(screen.contains("版本十七"), "{name}: CJK version\n{screen}");
            }
        }
    }
}

#[test]
fn wide_rows_keep_the_border_column() {
    let mut app = loaded_with(WIDE_EXAMPLE, Theme::monochrome());
    press(
        &mut app,
        &[KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Tab],
    );
    let buffer = draw(&mut app, 60, 12);
    // The right border of the versions pane is in the last column on every pane row,
    // whether the row contains wide characters or not.
    for y in 1..9 {
        assert_eq!(buffer[(59, y)].symbol(), "┃", "row {y}:\n{}", text(&buffer));
    }
    let screen = text(&buffer);
    assert!(screen.contains("▶ 17"), "{screen}");
    assert!(screen.contains("  版本十七"), "{screen}");
}

#[test]
fn combining_marks_take_no_column() {
    let mut app = loaded_with(WIDE_EXAMPLE, Theme::monochrome());
    press(&mut app, &[KeyCode::Tab]);
    let buffer = draw(&mut app, 60, 12);
    let screen = text(&buffer);
    assert!(screen.contains("  cafe\u{301}"), "{screen}");
    // The accent joins the `e` cell, so the border stays in the last column.
    let (_, y) = find(&buffer, "cafe").expect("row with the combining mark");
    let symbols: Vec<&str> = (0..60).map(|x| buffer[(x, y)].symbol()).collect();
    let accented = symbols
        .iter()
        .position(|symbol| *symbol == "e\u{301}")
        .expect("a cell holding e and its accent");
    assert_eq!(symbols[accented - 3..accented], ["c", "a", "f"]);
    assert_eq!(symbols[59], "┃");
}

#[test]
fn long_error_wraps_instead_of_being_cut() {
    let mut app = loaded();
    let message = "cannot read the credentials: token_env: environment variable HW_TOKEN_MISSING is \
                   not set; export it or change `token_env`";
    app.fetch = FetchState::Failed {
        message: message.into(),
    };
    let screen = text(&draw(&mut app, 60, 16));
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), 16);
    assert_eq!(
        lines[13],
        " ✗ cannot read the credentials: token_env: environment"
    );
    assert_eq!(
        lines[14],
        "variable HW_TOKEN_MISSING is not set; export it or change"
    );
    assert_eq!(lines[15], "`token_env`");
    assert!(screen.contains("▶ Go"), "the panes stay: {screen}");

    // Key hints never wrap: the pane border is right above the summary line again.
    app.fetch = FetchState::Idle;
    let screen = text(&draw(&mut app, 60, 16));
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[13].starts_with('┗'), "{screen}");
    assert!(lines[15].starts_with(" ? help"), "{screen}");
}

#[test]
fn help_scrolls_on_a_short_screen() {
    let mut app = loaded();
    press(&mut app, &[KeyCode::Char('?')]);
    let screen = text(&draw(&mut app, 80, 12));
    assert!(
        screen.contains("↓ more · ?, q, Esc or Enter closes"),
        "{screen}"
    );
    assert!(screen.contains("move up"), "{screen}");
    assert!(!screen.contains("Keys act only when pressed"), "{screen}");

    press(&mut app, &[KeyCode::Char('G')]);
    let screen = text(&draw(&mut app, 80, 12));
    assert!(
        screen.contains("Keys act only when pressed"),
        "the end is reachable: {screen}"
    );
    assert!(screen.contains("↑ more"), "{screen}");
    assert!(!screen.contains("move up"), "{screen}");

    // Moving past either end stays at the end, and one step up moves one line.
    press(
        &mut app,
        &[KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Char('k')],
    );
    let last = app.frame.help_last_scroll;
    assert_eq!(app.help_scroll, last - 1);
    press(&mut app, &[KeyCode::Char('g'), KeyCode::Char('k')]);
    assert_eq!(app.help_scroll, 0);
    assert!(app.popup.is_some(), "moving keys keep the help open");

    // A help that fits shows no scroll marks.
    let screen = text(&draw(&mut app, 100, 40));
    assert!(!screen.contains("more ·"), "{screen}");
}

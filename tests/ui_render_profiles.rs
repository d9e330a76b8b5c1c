//! What the screen shows for profiles, the cache, changes, comparing and automatic refresh,
//! drawn on ratatui's `TestBackend` at fixed sizes.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, MouseEventKind};
use ratatui::style::Modifier;
use stage_images::catalogue;
use stage_images::tui::profiles::{ProfileSlot, Profiles};
use stage_images::tui::refresh::RefreshSchedule;
use stage_images::tui::state::{App, Origin, Popup, ProfileInfo, Shown};
use stage_images::tui::theme::Theme;
use stage_images::tui::update::{self, Effect, Message};
use support::ui::{draw, now, text};
use time::UtcOffset;

const NORTH: &str = r#"{"Go":["1.22"],"Java":["8","11","17","21"],"Php":["7-apache"]}"#;
const SOUTH: &str = r#"{"Go":["1.22"],"Java":["8","11","17"],"Python":["3.12"]}"#;

fn shown(json: &str, age: Duration, origin: Origin) -> Shown {
    Shown {
        catalogue: Arc::new(catalogue::decode(json.as_bytes()).expect("valid").catalogue),
        fetched_at: now() - age,
        origin,
    }
}

fn info(name: &str, region: &str, project_id: &str) -> ProfileInfo {
    ProfileInfo {
        name: name.into(),
        region: region.into(),
        project_id: project_id.into(),
        endpoint: format!("http://127.0.0.1:9/{name}"),
        auth: "token".into(),
        demo: false,
    }
}

/// `north` in use with a catalogue cached three hours ago, `south` cached one day ago.
fn app() -> App {
    let profiles = Profiles::new(
        vec![
            ProfileSlot {
                info: info("north", "cn-north-4", "0123456789abcdef0123456789abcdef"),
                refresh_interval: None,
                last: Some(shown(
                    NORTH,
                    Duration::from_secs(3 * 3600 + 60),
                    Origin::Cache,
                )),
            },
            ProfileSlot {
                info: info(
                    "south",
                    "ap-southeast-1",
                    "fedcba9876543210fedcba9876543210",
                ),
                refresh_interval: None,
                last: Some(shown(SOUTH, Duration::from_secs(86_400), Origin::Cache)),
            },
        ],
        0,
    );
    App::with_profiles(profiles, Theme::monochrome(), UtcOffset::UTC)
}

fn press(app: &mut App, keys: &[KeyCode]) {
    for &code in keys {
        support::ui::press(app, code);
    }
}

fn status_line(screen: &str) -> &str {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2]
}

#[test]
fn first_frame_shows_cache_age_while_loading() {
    let mut app = app();
    update::start(&mut app, Instant::now());
    let screen = text(&draw(&mut app, 110, 10));
    assert_eq!(
        status_line(&screen),
        " north · cn-north-4 · 0123…cdef · token · 3 languages, 6 versions · cached 3 h ago · ⠋ loading"
    );
    assert!(screen.contains("▶ Go"), "{screen}");
    assert!(screen.contains("Php"), "{screen}");
}

#[test]
fn picker_lists_profiles_and_maps_rows() {
    let mut app = app();
    press(
        &mut app,
        &[KeyCode::Char('p'), KeyCode::Down, KeyCode::Char(' ')],
    );
    let screen = text(&draw(&mut app, 80, 14));
    insta::assert_snapshot!(screen);
    // A click on row y of the picker area means the profile at offset + y - area.y.
    let area = app.frame.picker_area;
    assert!(area.height >= 2, "{area:?}");
    let row = |y: u16| {
        screen
            .lines()
            .nth(usize::from(y))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row(area.y).contains("north"), "{}", row(area.y));
    assert!(row(area.y + 1).contains("▶ ✓ south"), "{}", row(area.y + 1));
    assert_eq!(app.frame.picker_offset, 0);
}

#[test]
fn picker_without_match_says_so() {
    let mut app = app();
    press(
        &mut app,
        &[KeyCode::Char('p'), KeyCode::Char('z'), KeyCode::Char('z')],
    );
    let screen = text(&draw(&mut app, 80, 14));
    assert!(screen.contains("No profile matches"), "{screen}");
    assert!(screen.contains("/zz▏"), "{screen}");
    assert!(screen.contains("0/2"), "{screen}");
}

#[test]
fn comparison_marks_the_differences() {
    let mut app = app();
    app.offline = true;
    press(&mut app, &[KeyCode::Char('j'), KeyCode::Char('c')]);
    let buffer = draw(&mut app, 80, 16);
    let screen = text(&buffer);
    insta::assert_snapshot!(screen);
    let lines: Vec<&str> = screen.lines().collect();
    let differing = lines
        .iter()
        .position(|line| line.contains("≠ 21"))
        .expect("21 differs");
    // The row is marked with a symbol; under NO_COLOR the warning style is bold.
    let x = lines[differing].find('≠').expect("marker") as u16;
    let cell = &buffer[(x, differing as u16)];
    assert!(cell.modifier.contains(Modifier::BOLD));
}

#[test]
fn comparison_hint_shows_remapped_keys() {
    let mut app = app();
    app.offline = true;
    let config = stage_images::config::Config::parse(
        std::path::Path::new("/c.toml"),
        "[keys]\nfocus_languages = \"a\"\nfocus_versions = \"d\"\nup = \"w\"\ndown = \"s\"\n\
         sort = \"o\"\nrefresh = \"F5\"\n\n[profiles.dev]\nregion = \"cn-north-4\"\n\
         project_id = \"0123456789abcdef0123456789abcdef\"\ntoken_env = \"HW_TOKEN\"\n",
    )
    .expect("valid config");
    app.keymap = config.ui.keymap;
    press(&mut app, &[KeyCode::Char('c')]);
    let screen = text(&draw(&mut app, 80, 16));
    let bottom = screen
        .lines()
        .find(|line| line.starts_with('┗'))
        .expect("bottom border of the comparison");
    assert!(
        bottom.starts_with("┗ a/d language  w/s scroll  F5 refresh  Esc close ━"),
        "{bottom}"
    );
}

#[test]
fn new_versions_are_tagged_and_removed_ones_listed() {
    let mut app = app();
    update::start(&mut app, Instant::now());
    let newer = r#"{"Go":["1.22"],"Java":["11","17","21","25"],"Php":["7-apache"]}"#;
    update::update(
        &mut app,
        Message::Fetched {
            generation: 1,
            result: Box::new(Ok(support::ui::fetched(
                newer,
                now() - Duration::from_secs(5),
            ))),
        },
        Instant::now(),
    );
    press(&mut app, &[KeyCode::Char('j'), KeyCode::Tab]);
    let screen = text(&draw(&mut app, 100, 12));
    insta::assert_snapshot!(screen);
    assert!(screen.contains("▶ 25  new"), "{screen}");
    assert!(screen.contains("  removed: 8"), "{screen}");
    assert!(status_line(&screen).ends_with(" · fetched 11:59:55 · +1 new, 1 removed"));
}

#[test]
fn status_shows_offline_and_next_refresh() {
    let mut app = app();
    app.offline = true;
    let screen = text(&draw(&mut app, 120, 8));
    assert!(
        status_line(&screen).ends_with(" · cached 3 h ago · offline"),
        "{screen}"
    );
    app.offline = false;
    app.refresh = Some(RefreshSchedule {
        interval: Duration::from_secs(900),
        due: Instant::now(),
        due_at: now() + Duration::from_secs(600),
    });
    let screen = text(&draw(&mut app, 120, 8));
    assert!(
        status_line(&screen).ends_with(" · cached 3 h ago · next refresh 12:10:00"),
        "{screen}"
    );
    assert!(
        screen
            .lines()
            .last()
            .unwrap_or_default()
            .contains("p profile  c compare"),
        "{screen}"
    );
}

#[test]
fn click_on_a_profile_switches_to_it() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('p')]);
    draw(&mut app, 80, 14);
    let area = app.frame.picker_area;
    let effects = support::ui::send(&mut app, support::ui::click(area.x + 4, area.y + 1));
    assert_eq!(
        effects,
        [Effect::Fetch {
            generation: 1,
            profile: 1
        }]
    );
    assert_eq!(app.popup, None);
    assert_eq!(app.profile.name, "south");
}

#[test]
fn click_outside_the_profiles_closes_the_picker() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('p')]);
    draw(&mut app, 80, 14);
    let area = app.frame.picker_area;
    // Below the last profile row: the hint line.
    let effects = support::ui::send(&mut app, support::ui::click(area.x + 4, area.y + 2));
    assert!(effects.is_empty());
    assert_eq!(app.popup, None);
    assert_eq!(app.profile.name, "north");
}

#[test]
fn wheel_moves_the_picker_selection() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('p')]);
    draw(&mut app, 80, 14);
    let area = app.frame.picker_area;
    support::ui::send(
        &mut app,
        support::ui::mouse(MouseEventKind::ScrollDown, area.x + 4, area.y),
    );
    assert_eq!(app.picker.list.selected(), Some(1));
    assert_eq!(app.popup, Some(Popup::Picker));
}

#[test]
fn click_closes_the_comparison() {
    let mut app = app();
    app.offline = true;
    press(&mut app, &[KeyCode::Char('c')]);
    assert!(app.compare.is_some());
    draw(&mut app, 80, 16);
    support::ui::send(&mut app, support::ui::click(10, 5));
    assert_eq!(app.popup, None);
    assert!(app.compare.is_none(), "closed, not only hidden");
}

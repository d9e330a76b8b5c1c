//! The browser settings of the config file: `mouse`, `[theme]` and `[keys]`, read from fixture
//! files, with the exact error for each mistake and the effect of a key table on the browser.

mod support;

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use stage_images::catalogue::Language;
use stage_images::config::{Config, ConfigError, ConfigOrigin};
use stage_images::tui::action::{Action, KeyBinding, KeyMap};
use stage_images::tui::state::Pane;
use stage_images::tui::theme::Theme;
use support::ui::{draw, loaded, press, send, text};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn load(name: &str) -> Result<Config, ConfigError> {
    Config::load(&fixture(name), ConfigOrigin::Explicit)
}

/// Asserts the fixture fails with this line, key and message, and that the line shown to the
/// user starts with file, line and key.
fn assert_error(name: &str, line: usize, key: &str, message: &str) {
    let error = load(name).expect_err("the fixture is invalid");
    assert_eq!(error.line, Some(line), "{name}: line of {error}");
    assert_eq!(error.key.as_deref(), Some(key), "{name}: key of {error}");
    assert_eq!(error.message, message, "{name}: message");
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:{line}: `{key}`: ", fixture(name).display())),
        "{error}"
    );
}

#[test]
fn full_config_reads_ui_keys() {
    let config = load("full.toml").expect("valid");
    assert!(!config.ui.mouse);
    let theme = &config.ui.theme;
    assert_eq!(
        theme.selection,
        Style::new()
            .fg(Color::White)
            .bg(Color::Magenta)
            .add_modifier(Modifier::BOLD)
    );
    assert_eq!(
        theme.end_of_life,
        Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::ITALIC)
    );
    assert_eq!(theme.status_bar, Style::new().fg(Color::Reset));

    let keymap = &config.ui.keymap;
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('c'))),
        Some(Action::Copy)
    );
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('y'))),
        None,
        "y was replaced"
    );
    assert_eq!(
        keymap.action_for(&key(KeyCode::F(5))),
        Some(Action::Refresh)
    );
    assert_eq!(
        keymap.action_for(&KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        Some(Action::PageDown)
    );
    assert_eq!(
        keymap.action_for(&KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
        None,
        "Ctrl-f was replaced"
    );
    let sort_keys: Vec<&KeyBinding> = keymap.keys_for(Action::ToggleOrder).collect();
    assert_eq!(sort_keys, [&KeyBinding::plain(KeyCode::Char('o'))]);
}

#[test]
fn defaults_without_ui_keys() {
    let config = Config::parse(
        Path::new("/c.toml"),
        &support::profile_toml("dev", "http://127.0.0.1:1", "t"),
    )
    .expect("valid");
    assert!(config.ui.mouse);
    assert_eq!(config.ui.theme, Theme::dark());
    assert_eq!(config.ui.keymap, KeyMap::default());
}

#[test]
fn conflict_in_keys_names_both_actions() {
    assert_error(
        "keys_conflict.toml",
        3,
        "keys.refresh",
        "`c` is also bound to `copy` in [keys]; a key can trigger only one action",
    );
}

#[test]
fn conflict_with_a_default_names_it() {
    assert_error(
        "keys_default_conflict.toml",
        2,
        "keys.down",
        "`k` is bound to `up` by default; also set `up` in [keys] without `k`, or choose another key for `down`",
    );
}

#[test]
fn unknown_action_suggests_one() {
    assert_error(
        "keys_unknown_action.toml",
        7,
        "keys.cpy",
        "unknown action `cpy`; did you mean `copy`?",
    );
}

#[test]
fn invalid_key_shows_the_forms() {
    assert_error(
        "keys_bad_key.toml",
        2,
        "keys.page_down",
        "invalid key \"Ctl-f\": unknown key name \"Ctl-f\"; write keys like \"j\", \"G\", \"/\", \
         \"Ctrl-f\", \"Alt-x\", \"PgDn\", \"Shift-Tab\" or \"F5\"",
    );
}

#[test]
fn invalid_colour_names_the_word() {
    assert_error(
        "theme_bad_colour.toml",
        5,
        "theme.selection",
        "\"white on blu bold\": \"blu\" is not a colour or modifier; write [COLOUR] [on COLOUR] \
         [MODIFIER ...] with colours like red, light-blue, 208 or #ff8800 and modifiers bold, dim, \
         italic, underlined, reversed, crossed_out",
    );
}

#[test]
fn other_key_table_mistakes() {
    let profile = support::profile_toml("dev", "http://127.0.0.1:1", "t");
    let cases = [
        (
            "[keys]\ncopy = 5\n",
            2,
            "keys.copy",
            "must be a key like \"j\" or an array of keys like [\"j\", \"Down\"]",
        ),
        (
            "[keys]\nrefresh = \"Ctrl-c\"\n",
            2,
            "keys.refresh",
            "`Ctrl-c` always quits and cannot be bound to another action; choose another key",
        ),
        (
            "[keys]\nsort = \"Tab\"\n",
            2,
            "keys.sort",
            "`Tab` is bound to `switch_pane` by default; also set `switch_pane` in [keys] without `Tab`, or choose another key for `sort`",
        ),
        (
            "mouse = \"no\"\n",
            1,
            "mouse",
            "wrong type: string \"no\", expected true or false; write it like `mouse = true`",
        ),
        (
            "[theme]\nbase = \"solarized\"\n",
            2,
            "theme.base",
            "unknown theme \"solarized\"; use \"dark\" or \"light\"",
        ),
    ];
    for (text, line, key, message) in cases {
        let error =
            Config::parse(Path::new("/c.toml"), &format!("{text}{profile}")).expect_err(text);
        assert_eq!(error.line, Some(line), "{text}");
        assert_eq!(error.key.as_deref(), Some(key), "{text}");
        assert_eq!(error.message, message, "{text}");
    }
}

#[test]
fn empty_key_list_unbinds_action() {
    let config = Config::parse(
        Path::new("/c.toml"),
        &format!(
            "[keys]\nrefresh = []\n{}",
            support::profile_toml("dev", "http://127.0.0.1:1", "t")
        ),
    )
    .expect("valid");
    let keymap = &config.ui.keymap;
    assert_eq!(keymap.keys_for(Action::Refresh).count(), 0);
    assert_eq!(
        keymap.action_for(&KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        keymap.keys_for(Action::Copy).count(),
        1,
        "other actions keep theirs"
    );
}

#[test]
fn remapped_keys_drive_the_browser() {
    let config = Config::parse(
        Path::new("/c.toml"),
        &format!(
            "[keys]\ndown = [\"n\", \"Down\"]\nup = [\"p\", \"Up\"]\nswitch_profile = \"P\"\nswitch_pane = \"Tab\"\nfocus_versions = \"Right\"\nhelp = \"F1\"\n{}",
            support::profile_toml("dev", "http://127.0.0.1:1", "t")
        ),
    )
    .expect("valid");
    let mut app = loaded(support::DOCUMENTED_EXAMPLE, Theme::monochrome());
    app.keymap = config.ui.keymap;

    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.selected_language().map(Language::name), Some("Java"));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.selected_language().map(Language::name),
        Some("Java"),
        "j no longer moves"
    );
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(app.selected_language().map(Language::name), Some("Go"));
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(
        app.focus,
        Pane::Languages,
        "l no longer focuses the versions"
    );
    // Terminals send Shift-Tab as BackTab with Shift set, as crossterm reports it.
    send(
        &mut app,
        stage_images::tui::update::Message::Key(KeyEvent::new(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
        )),
    );
    assert_eq!(
        app.focus,
        Pane::Languages,
        "Shift-Tab was dropped from switch_pane"
    );

    press(&mut app, KeyCode::Char('?'));
    assert!(app.popup.is_none(), "? no longer opens the help");
    send(
        &mut app,
        stage_images::tui::update::Message::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
    );
    assert!(app.popup.is_some(), "F1 opens the help");
    let screen = text(&draw(&mut app, 100, 30));
    let down_row = screen
        .lines()
        .find(|line| line.contains("move down"))
        .expect("down row");
    assert!(down_row.contains("n, ↓"), "{down_row}");
    let up_row = screen
        .lines()
        .find(|line| line.contains("move up"))
        .expect("up row");
    assert!(up_row.contains("p, ↑"), "{up_row}");
    let focus_row = screen
        .lines()
        .find(|line| line.contains("focus the versions pane"))
        .expect("focus row");
    assert!(focus_row.contains(" → "), "{focus_row}");
    assert!(!focus_row.contains("Enter"), "{focus_row}");
}

#[test]
fn example_lists_the_default_keys() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let example = std::fs::read_to_string(path).expect("read example");
    let keys_section = example
        .split("\n[keys]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [keys] table");
    let uncommented = keys_section
        .lines()
        .filter_map(|line| line.strip_prefix("# "))
        .collect::<Vec<_>>()
        .join("\n");
    let config = Config::parse(Path::new("/keys.toml"), &format!("[keys]\n{uncommented}"))
        .expect("the listed defaults are a valid [keys] table");
    let defaults = KeyMap::default();
    for action in Action::ALL {
        let mut listed: Vec<String> = config
            .ui
            .keymap
            .keys_for(action)
            .map(KeyBinding::label)
            .collect();
        let mut expected: Vec<String> = defaults.keys_for(action).map(KeyBinding::label).collect();
        listed.sort();
        expected.sort();
        assert_eq!(listed, expected, "{}", action.name());
    }
}

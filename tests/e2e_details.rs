//! End to end in tmux: mouse capture and clicks, `mouse = false`, remapped keys, themes with
//! and without `NO_COLOR`, and release status in `list` printed to a terminal.

mod support;

use support::server::{Reply, TestServer};
use support::tmux::Tmux;

fn binary() -> String {
    support::binary().display().to_string()
}

/// Starts the browser in tmux against a loopback server, with `extra` config text before the
/// profile.
fn browser(home: &std::path::Path, server: &TestServer, extra: &str, env: &[(&str, &str)]) -> Tmux {
    let config = support::write_config(
        home,
        &format!(
            "{extra}\n{}",
            support::profile_toml("dev", &server.url(), "t")
        ),
    );
    Tmux::start(
        &format!("{} --config {}", binary(), config.display()),
        100,
        30,
        home,
        env,
    )
}

/// Whether the program in the pane has asked the terminal for mouse events.
fn mouse_captured(tmux: &Tmux) -> bool {
    tmux.command(&["display-message", "-p", "-t", "0", "#{mouse_any_flag}"])
        .trim()
        == "1"
}

/// Clicks the left button at a screen cell (zero-based), as an SGR mouse report, the way a
/// terminal sends it to a program that captures the mouse.
fn click(tmux: &Tmux, column: usize, row: usize) {
    let (x, y) = (column + 1, row + 1);
    tmux.type_text(&format!("\x1b[<0;{x};{y}M"));
    tmux.type_text(&format!("\x1b[<0;{x};{y}m"));
}

/// Zero-based column and row of `needle` on `screen`.
fn cell_of(screen: &str, needle: &str) -> (usize, usize) {
    screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            line.find(needle)
                .map(|byte| (line[..byte].chars().count(), row))
        })
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{screen}"))
}

#[test]
fn click_selects_and_quit_releases_the_mouse() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browser(home.path(), &server, "", &[]);
    let screen = tmux.wait_for("Languages 6");
    assert!(mouse_captured(&tmux), "the browser captures the mouse");

    let (column, row) = cell_of(&screen, "Python");
    click(&tmux, column, row);
    let screen = tmux.wait_for("Versions · Python");
    assert!(screen.contains("▶ Python"), "{screen}");

    let (column, row) = cell_of(&screen, "3.7");
    click(&tmux, column, row);
    let screen = tmux.wait_until(
        |screen| screen.contains("┏ Versions"),
        "the versions pane focused",
    );
    assert!(screen.contains("▶ 3.7"), "{screen}");

    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
    assert!(!mouse_captured(&tmux), "quitting gives the mouse back");
}

#[test]
fn mouse_off_leaves_the_terminal_alone() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browser(home.path(), &server, "mouse = false", &[]);
    tmux.wait_for("Languages 6");
    assert!(!mouse_captured(&tmux), "mouse = false captures nothing");
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn remapped_keys_work_and_show_in_help() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let keys = "[keys]\ndown = [\"n\", \"Down\"]\nup = [\"p\", \"Up\"]\ncopy = \"c\"\nswitch_profile = \"P\"\ncompare = \"C\"\n";
    let tmux = browser(home.path(), &server, keys, &[]);
    tmux.wait_for("Languages 6");
    let screen = tmux.wait_for("c copy");
    assert!(!screen.contains("y copy"), "{screen}");
    tmux.send(&["n", "n"]);
    tmux.wait_for("Versions · Nodejs");
    tmux.send(&["j"]);
    tmux.send(&["?"]);
    let screen = tmux.wait_for("show or hide this help");
    assert!(
        screen.contains("Versions · Nodejs"),
        "j did nothing:\n{screen}"
    );
    let down_row = screen
        .lines()
        .find(|line| line.contains("move down"))
        .expect("down row");
    assert!(down_row.contains("n, ↓"), "{down_row}");
    tmux.send(&["q", "q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn invalid_key_table_stops_before_the_screen() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browser(home.path(), &server, "[keys]\ncopy = \"r\"\n", &[]);
    let screen = tmux.wait_for("[exited 2]");
    assert!(
        screen.contains("`keys.copy`: `r` is bound to `refresh` by default"),
        "{screen}"
    );
    assert!(server.received().is_empty());
}

#[test]
fn no_color_wins_over_the_theme() {
    let server = TestServer::always(Reply::json(200, support::DOCUMENTED_EXAMPLE));
    let theme = "[theme]\nbase = \"light\"\nselection = \"white on red\"\n";

    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browser(home.path(), &server, theme, &[]);
    tmux.wait_for("Languages 6");
    let styled = styled_screen(&tmux);
    let selected = styled
        .lines()
        .find(|line| line.contains("▶ Go"))
        .expect("selected row");
    assert!(
        selected.contains("48;5;1m"),
        "red selection background: {selected:?}"
    );

    let home = tempfile::tempdir().expect("temp dir");
    let tmux = browser(home.path(), &server, theme, &[("NO_COLOR", "1")]);
    tmux.wait_for("Languages 6");
    let styled = styled_screen(&tmux);
    // tmux writes every foreground or background colour as 38;5;N or 48;5;N.
    assert!(
        !styled.contains("38;5;"),
        "a foreground colour under NO_COLOR"
    );
    assert!(
        !styled.contains("48;5;"),
        "a background colour under NO_COLOR"
    );
    let selected = styled
        .lines()
        .find(|line| line.contains("▶ Go"))
        .expect("selected row");
    assert!(
        selected.contains("\x1b[7m") || selected.contains(";7m"),
        "reverse video marks the selection: {selected:?}"
    );
}

/// The screen with its styles as escape sequences.
fn styled_screen(tmux: &Tmux) -> String {
    tmux.command(&["capture-pane", "-p", "-e", "-t", "0"])
}

#[test]
fn list_in_a_terminal_shows_release_status() {
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start(
        &format!("{} --demo list java", binary()),
        100,
        30,
        home.path(),
        &[("STAGE_IMAGES_DEMO_DELAY_MS", "0")],
    );
    let screen = tmux.wait_for("[exited 0]");
    assert!(screen.contains("21                LTS"), "{screen}");
    assert!(screen.contains("8u181-jdk-alpine  LTS"), "{screen}");
}

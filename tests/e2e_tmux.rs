//! End to end in a real terminal: the browser runs in tmux, keys go in, the screen comes out.

mod support;

use std::time::Duration;

use support::server::{Reply, TestServer};
use support::tmux::Tmux;

fn binary() -> String {
    support::binary().display().to_string()
}

/// Returns the rows of the versions pane, trimmed, without empty rows or release status labels.
fn versions_column(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(1)
        .filter_map(|line| line.split(['│', '┃']).nth(3))
        .map(|cell| {
            cell.trim()
                .split("  ")
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|cell| !cell.is_empty())
        .collect()
}

/// Starts the demo browser with a short server delay.
fn demo(home: &std::path::Path, extra: &str) -> Tmux {
    Tmux::start(
        &format!("{} --demo{extra}", binary()),
        100,
        30,
        home,
        &[("STAGE_IMAGES_DEMO_DELAY_MS", "300")],
    )
}

#[test]
fn demo_shows_languages_and_versions() {
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = demo(home.path(), "");
    let screen = tmux.wait_for("Languages 8");
    for language in [
        "Docker", "Dotnet", "Go", "Java", "Nodejs", "Php", "Python", "Tomcat",
    ] {
        assert!(screen.contains(language), "{language} missing:\n{screen}");
    }
    assert!(screen.contains("DEMO DATA"), "{screen}");
    tmux.send(&["j", "j", "j"]);
    let screen = tmux.wait_for("Versions · Java · 5 · newest first");
    assert_eq!(
        versions_column(&screen),
        ["▶ 21", "17", "11", "8u181-jdk-alpine", "8"],
        "{screen}"
    );
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn copy_reports_version_and_reaches_tmux_buffer() {
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = demo(home.path(), "");
    // With set-clipboard on, tmux takes OSC 52 from the program into its paste buffer.
    tmux.command(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.wait_for("Languages 8");
    tmux.send(&["j", "j", "j", "Tab", "j", "y"]);
    tmux.wait_for("Copied 17 to the terminal (OSC 52)");
    let buffer = tmux.command(&["show-buffer"]);
    assert_eq!(buffer, "17");
}

#[test]
fn filter_help_and_sort_work_by_keys() {
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = demo(home.path(), "");
    tmux.wait_for("Languages 8");
    tmux.send(&["/"]);
    tmux.type_text("py");
    let screen = tmux.wait_for("/py▏");
    assert!(screen.contains("▶ Python"), "{screen}");
    assert!(!screen.contains("Tomcat"), "{screen}");
    tmux.send(&["Escape"]);
    tmux.wait_for("Tomcat");
    tmux.send(&["?"]);
    tmux.wait_for("copy the selected version");
    tmux.send(&["Escape"]);
    tmux.wait_until(
        |screen| !screen.contains("copy the selected version"),
        "the help closed",
    );
    tmux.send(&["Tab", "s"]);
    tmux.wait_for("Versions sorted: API order");
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn shift_tab_switches_pane() {
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = demo(home.path(), "");
    // The focused pane has the thick border.
    tmux.wait_for("┏ Languages 8");
    tmux.send(&["BTab"]);
    let screen = tmux.wait_for("┏ Versions");
    assert!(screen.contains("┌ Languages 8"), "{screen}");
    tmux.send(&["BTab"]);
    tmux.wait_for("┏ Languages 8");
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn keys_work_while_a_slow_fetch_runs() {
    let server = TestServer::always(
        Reply::json(200, support::DOCUMENTED_EXAMPLE).delayed(Duration::from_secs(6)),
    );
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("slow", &server.url(), "t"),
    );
    let tmux = Tmux::start(
        &format!("{} --config {}", binary(), config.display()),
        100,
        30,
        home.path(),
        &[],
    );
    tmux.wait_for("Loading the catalogue");
    // The help opens and closes while the request is still in flight.
    tmux.send(&["?"]);
    tmux.wait_for("show or hide this help");
    tmux.send(&["?"]);
    let screen = tmux.wait_until(
        |screen| !screen.contains("show or hide this help"),
        "the help closed",
    );
    assert!(
        screen.contains("loading"),
        "the fetch should still run:\n{screen}"
    );
    assert!(server.received().len() == 1, "one request in flight");
    // Quitting does not wait for the request.
    tmux.send(&["q"]);
    let screen = tmux.wait_for("[exited 0]");
    assert!(
        !screen.contains("Languages 6"),
        "the answer could not have arrived yet:\n{screen}"
    );
}

#[test]
fn catalogue_from_a_server_that_speaks_the_api() {
    let server = TestServer::always(
        Reply::json(200, support::DOCUMENTED_EXAMPLE).header("X-Request-Id", "r1"),
    );
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "e2e-token"),
    );
    let tmux = Tmux::start(
        &format!("{} --config {}", binary(), config.display()),
        130,
        30,
        home.path(),
        &[],
    );
    let screen = tmux.wait_for("Languages 6");
    assert!(
        screen.contains("dev · cn-north-4 · 0123456789abcdef0123456789abcdef · token"),
        "{screen}"
    );
    assert_eq!(
        server.received()[0].header("x-auth-token"),
        Some("e2e-token")
    );
    tmux.send(&["r"]);
    tmux.wait_until(|_| server.received().len() == 2, "a second request after r");
    tmux.send(&["C-c"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn error_is_shown_and_retry_works() {
    let body = r#"{"error_code":"SVCSTG.00100404","error_msg":"project not found"}"#;
    let server = TestServer::start({
        let calls = std::sync::atomic::AtomicUsize::new(0);
        move |_| {
            if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                Reply::json(404, body).header("X-Request-Id", "req-404")
            } else {
                Reply::json(200, support::DOCUMENTED_EXAMPLE)
            }
        }
    });
    let home = tempfile::tempdir().expect("temp dir");
    let config = support::write_config(
        home.path(),
        &support::profile_toml("dev", &server.url(), "t"),
    );
    let tmux = Tmux::start(
        &format!("{} --config {}", binary(), config.display()),
        120,
        30,
        home.path(),
        &[],
    );
    let screen = tmux.wait_for("Could not load the catalogue");
    assert!(
        screen.contains("SVCSTG.00100404: project not found"),
        "{screen}"
    );
    assert!(screen.contains("req-404"), "{screen}");
    tmux.send(&["r"]);
    tmux.wait_for("Languages 6");
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn terminal_is_restored_after_quit() {
    let home = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start(
        &format!(
            "{} --demo; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '",
            binary()
        ),
        100,
        30,
        home.path(),
        &[("STAGE_IMAGES_DEMO_DELAY_MS", "0")],
    );
    tmux.wait_for("Languages 8");
    tmux.send(&["q"]);
    let screen = tmux.wait_for("[exited 0]");
    assert!(
        screen.contains("icanon echo"),
        "the terminal is not in cooked mode:\n{screen}"
    );
    assert!(
        !screen.contains("Languages 8"),
        "the alternate screen was left:\n{screen}"
    );
}

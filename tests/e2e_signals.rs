//! Every way out restores the terminal: signals while a fetch is running, and a panic. Each
//! test runs in tmux and reads `stty -a` in the pane afterwards.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::server::{Reply, TestServer};
use support::tmux::Tmux;

/// Prints whether the pane's terminal is in canonical mode with echo, as `stty` names them.
const STTY_CHECK: &str =
    "stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '";

/// Environment variable that turns the panic helper below on; tests set it in tmux only.
const PANIC_LOG_ENV: &str = "STAGE_IMAGES_TEST_PANIC_LOG";

fn binary() -> String {
    support::binary().display().to_string()
}

/// Starts the browser in tmux with its process id written to `home/pid`, then prints its exit
/// status and the terminal mode once it has ended.
fn browser_with_pid_file(home: &Path, config: &Path) -> Tmux {
    let pid_file = home.join("pid");
    Tmux::start(
        &format!(
            "sh -c 'echo $$ > {}; exec {} --config {}'; echo \"[program exited $?]\"; {STTY_CHECK}",
            pid_file.display(),
            binary(),
            config.display()
        ),
        100,
        30,
        home,
        &[],
    )
}

fn send_signal(signal: &str, pid: &str) {
    let status = Command::new("kill")
        .args([format!("-{signal}").as_str(), pid])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

#[test]
fn signals_while_loading_restore_the_terminal() {
    for signal in ["TERM", "HUP", "INT"] {
        // The response never arrives while the test runs.
        let server = TestServer::always(
            Reply::json(200, support::DOCUMENTED_EXAMPLE).delayed(Duration::from_secs(60)),
        );
        let home = tempfile::tempdir().expect("temp dir");
        let config = support::write_config(
            home.path(),
            &support::profile_toml("slow", &server.url(), "t"),
        );
        let tmux = browser_with_pid_file(home.path(), &config);
        tmux.wait_for("Loading the catalogue");
        let pid = std::fs::read_to_string(home.path().join("pid")).expect("pid file");

        send_signal(signal, pid.trim());

        let screen = tmux.wait_for("[exited ");
        assert!(
            screen.contains("[program exited 0]"),
            "SIG{signal}:\n{screen}"
        );
        assert!(
            screen.contains("icanon echo"),
            "SIG{signal}: the terminal is not in cooked mode:\n{screen}"
        );
        assert!(
            !screen.contains("Loading the catalogue"),
            "SIG{signal}: the alternate screen was not left:\n{screen}"
        );
        assert_eq!(server.received().len(), 1, "SIG{signal}");
    }
}

#[test]
fn panic_restores_terminal_then_reports() {
    let home = tempfile::tempdir().expect("temp dir");
    let log = home.path().join("panic.log");
    let test_binary = std::env::current_exe().expect("test binary path");
    let tmux = Tmux::start(
        &format!(
            "{} --exact panic_helper --ignored --nocapture --test-threads=1; echo \"[program exited $?]\"; {STTY_CHECK}",
            test_binary.display()
        ),
        100,
        30,
        home.path(),
        &[
            (PANIC_LOG_ENV, log.to_str().expect("utf-8 path")),
            ("RUST_BACKTRACE", "0"),
        ],
    );
    let screen = tmux.wait_for("[exited ");
    assert!(screen.contains("[program exited 101]"), "{screen}");
    assert!(
        screen.contains("icanon echo"),
        "the terminal is not in cooked mode:\n{screen}"
    );
    assert!(
        !screen.contains("helper screen"),
        "the alternate screen was not left:\n{screen}"
    );
    // The panic message is printed on the restored screen, then the note about the log.
    let message = screen
        .find("deliberate panic for the terminal test")
        .expect("panic message on screen");
    let note = screen
        .find("stage-images: the terminal was restored after the panic above")
        .expect("note after the panic message");
    assert!(message < note, "{screen}");

    let logged = std::fs::read_to_string(&log).expect("log file");
    assert!(logged.contains("stage-images panicked"), "{logged}");
    assert!(
        logged.contains("deliberate panic for the terminal test"),
        "{logged}"
    );
}

/// Enters full-screen mode and panics, as a bug in the browser would. Only
/// `panic_restores_terminal_then_reports` runs it, inside tmux, with the log path set.
#[test]
#[ignore = "run inside tmux by panic_restores_terminal_then_reports"]
fn panic_helper() {
    let Some(log) = std::env::var_os(PANIC_LOG_ENV) else {
        return;
    };
    let _log = stage_images::logging::init(&stage_images::logging::LogOptions {
        file: Some(log.into()),
        debug: false,
        stderr: false,
    })
    .expect("log file");
    stage_images::tui::terminal::install_panic_hook();
    let mut guard = stage_images::tui::terminal::TerminalGuard::enter(true).expect("full screen");
    guard
        .terminal
        .draw(|frame| {
            frame.render_widget(
                ratatui::widgets::Paragraph::new("helper screen"),
                frame.area(),
            );
        })
        .expect("draw");
    std::thread::sleep(Duration::from_millis(300));
    panic!("deliberate panic for the terminal test");
}

//! End to end in a real terminal: copying with `y` through stand-in clipboard programs that
//! behave like `xclip` and like a slow clipboard, found on a temporary `PATH`.

mod support;

use std::path::{Path, PathBuf};

use support::server::{Reply, TestServer};
use support::tmux::Tmux;
use support::{DOCUMENTED_EXAMPLE, PROJECT_ID};

/// Writes an executable shell script named `name` into `folder`.
fn write_script(folder: &Path, name: &str, body: &str) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).expect("write script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    path
}

/// Starts the browser on one profile for `server`, with `top_keys` before the profile table,
/// and `programs` first on the `PATH`.
fn browse(home: &Path, server: &TestServer, top_keys: &str, programs: &Path) -> Tmux {
    let text = format!(
        "{top_keys}\n[profiles.dev]\nregion = \"cn-north-4\"\nproject_id = \"{PROJECT_ID}\"\nendpoint = \"{}\"\ntoken = \"t\"\n",
        server.url()
    );
    let config = support::write_config(home, &text);
    let path = format!(
        "{}:{}",
        programs.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let copied = home.join("copied.txt");
    let release = home.join("release");
    Tmux::start(
        &format!(
            "{} --config {}",
            support::binary().display(),
            config.display()
        ),
        110,
        30,
        home,
        &[
            ("PATH", &path),
            ("CLIP_OUT", &copied.display().to_string()),
            ("CLIP_RELEASE", &release.display().to_string()),
        ],
    )
}

/// Selects Java 17, the newest version of the second language, and presses `y`.
fn copy_java_17(tmux: &Tmux) {
    tmux.wait_for("fetched");
    tmux.send(&["j", "Tab"]);
    tmux.wait_for("Versions · Java");
    tmux.send(&["y"]);
}

/// Stops the background process a stand-in left running, if it is still there.
fn stop_background(pid_file: &Path) {
    if let Ok(pid) = std::fs::read_to_string(pid_file) {
        let _ = std::process::Command::new("kill").arg(pid.trim()).status();
    }
}

#[test]
fn copy_succeeds_while_xclip_background_keeps_stdout() {
    // Like xclip, the stand-in reads the text, then leaves a background process that owns the
    // selection and keeps the inherited standard output and error open.
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let programs = tempfile::tempdir().expect("temp dir");
    let pid_file = home.path().join("background.pid");

    write_script(
        programs.path(),
        "xclip",
        &format!(
            "cat > \"$CLIP_OUT\"\nsleep 30 &\necho $! > {}\nexit 0\n",
            pid_file.display()
        ),
    );
    let tmux = browse(
        home.path(),
        &server,
        "clipboard_command = \"xclip -selection clipboard\"\nosc52 = false",
        programs.path(),
    );

    copy_java_17(&tmux);
    let screen = tmux.wait_until(
        |screen| screen.contains("Copied 17") || screen.contains("Could not copy"),
        "the copy result",
    );
    stop_background(&pid_file);

    assert!(
        screen.contains("Copied 17 to the system clipboard (xclip)"),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(home.path().join("copied.txt")).expect("copied"),
        "17"
    );
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

#[test]
fn osc52_result_shows_before_slow_clipboard_finishes() {
    // The stand-in holds the copy until the test creates the release file.
    let server = TestServer::always(Reply::json(200, DOCUMENTED_EXAMPLE));
    let home = tempfile::tempdir().expect("temp dir");
    let programs = tempfile::tempdir().expect("temp dir");
    write_script(
        programs.path(),
        "slow-clip",
        "cat > \"$CLIP_OUT\"\nwhile [ ! -e \"$CLIP_RELEASE\" ]; do sleep 0.05; done\n",
    );
    let tmux = browse(
        home.path(),
        &server,
        "clipboard_command = \"slow-clip\"",
        programs.path(),
    );
    copy_java_17(&tmux);
    let screen = tmux.wait_for("Copied 17 to the terminal (OSC 52)");
    let notice = screen
        .lines()
        .find(|line| line.contains("Copied 17"))
        .expect("the notice line");
    // Only the terminal's copy is reported: nothing about the clipboard command yet.
    assert!(
        notice
            .trim_end()
            .ends_with("Copied 17 to the terminal (OSC 52)"),
        "{screen}"
    );

    std::fs::write(home.path().join("release"), "").expect("release the stand-in");
    tmux.wait_for("Copied 17 to the terminal (OSC 52) and system clipboard (slow-clip)");
    assert_eq!(
        std::fs::read_to_string(home.path().join("copied.txt")).expect("copied"),
        "17"
    );
    tmux.send(&["q"]);
    tmux.wait_for("[exited 0]");
}

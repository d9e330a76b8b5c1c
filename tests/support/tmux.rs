//! Driving the browser in a real terminal: tmux on a private socket, keys in, screen out.
//!
//! Every session uses its own tmux server (`-L`), so tests run in parallel and never touch a
//! tmux the developer is using. Waiting polls `capture-pane` until the text appears or a
//! generous deadline passes; the deadline only bounds a failing test, it measures nothing.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Longest a test waits for the screen to show something.
pub const WAIT: Duration = Duration::from_secs(20);

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// A tmux server with one window running a command.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` (run by `sh -c`) in a `width` × `height` window, with `env` set and the
    /// user's folders isolated under `home`. Fails the test when tmux is not installed.
    pub fn start(
        command: &str,
        width: u16,
        height: u16,
        home: &Path,
        env: &[(&str, &str)],
    ) -> Self {
        let version = Command::new("tmux").arg("-V").output();
        assert!(
            version.is_ok_and(|output| output.status.success()),
            "tmux is required for the end-to-end tests; install it (apt-get install -y tmux)"
        );
        let socket = format!(
            "stage-images-test-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let mut exports = vec![
            format!("HOME={}", home.display()),
            format!("XDG_CONFIG_HOME={}", home.join("config").display()),
            format!("XDG_CACHE_HOME={}", home.join("cache").display()),
            format!("XDG_STATE_HOME={}", home.join("state").display()),
            "TERM=xterm-256color".to_owned(),
        ];
        exports.extend(env.iter().map(|(name, value)| format!("{name}={value}")));
        // Unset what the developer's environment could add, then run the command and keep the
        // pane open after it ends so its last screen and exit status can be read.
        let script = format!(
            "unset STAGE_IMAGES_CONFIG STAGE_IMAGES_PROFILE STAGE_IMAGES_LOG RUST_LOG NO_COLOR DISPLAY WAYLAND_DISPLAY \
             HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK HUAWEICLOUD_SDK_SECURITY_TOKEN HUAWEICLOUD_SDK_PROJECT_ID \
             HUAWEICLOUD_SDK_IAM_ENDPOINT HUAWEICLOUD_SDK_CREDENTIALS_FILE; \
             export {}; {command}; echo \"[exited $?]\"; sleep 600",
            exports
                .iter()
                .map(|item| shell_quote(item))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
            ])
            .arg(script)
            .status()
            .expect("start tmux");
        assert!(status.success(), "tmux new-session failed");
        Self { socket }
    }

    fn tmux(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket]);
        command
    }

    /// Sends keys as tmux names them (`j`, `Enter`, `Escape`, `C-c`), one at a time with a short
    /// pause, so that an Esc is never read together with the next key as Alt+key.
    pub fn send(&self, keys: &[&str]) {
        for key in keys {
            let status = self
                .tmux()
                .args(["send-keys", "-t", "0", key])
                .status()
                .expect("send-keys");
            assert!(status.success(), "send-keys {key} failed");
            thread::sleep(Duration::from_millis(60));
        }
    }

    /// Types literal text.
    pub fn type_text(&self, text: &str) {
        let status = self
            .tmux()
            .args(["send-keys", "-t", "0", "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
        thread::sleep(Duration::from_millis(60));
    }

    /// Runs a tmux command against this server (`set-option`, `show-buffer`, …).
    pub fn command(&self, args: &[&str]) -> String {
        let output = self.tmux().args(args).output().expect("tmux command");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The visible screen as text.
    pub fn screen(&self) -> String {
        self.command(&["capture-pane", "-p", "-t", "0"])
    }

    /// Waits until the screen contains `text` and returns the screen; fails with the last
    /// screen when it never does.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(|screen| screen.contains(text), &format!("{text:?}"))
    }

    /// Waits until `check` accepts the screen.
    pub fn wait_until(&self, check: impl Fn(&str) -> bool, what: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "screen never showed {what}; last screen:\n{screen}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Process id of the program running in the pane's shell, the newest child of the shell.
    pub fn pane_pid(&self) -> u32 {
        let text = self.command(&["display-message", "-p", "-t", "0", "#{pane_pid}"]);
        text.trim().parse().expect("pane pid")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // A killed server leaves its socket file behind; remove it so test runs do not pile
        // them up in the tmux folder.
        let socket = self.command(&["display-message", "-p", "#{socket_path}"]);
        let _ = self.tmux().arg("kill-server").status();
        let socket = socket.trim();
        if !socket.is_empty() {
            let _ = std::fs::remove_file(socket);
        }
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

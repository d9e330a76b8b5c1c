//! External commands named in the config (`token_command`, `clipboard_command`, …).
//!
//! A command runs directly, split into words like a shell would (quotes respected), unless its
//! text uses shell syntax (pipes, redirections, `$`, `;`, `&&`, backquotes, globs), in which case
//! it runs through `sh -c`. Every run has a timeout and reads nothing from the terminal.
//!
//! Each command runs in a process group of its own. When it times out, prints too much, or the
//! caller gives up on it, the whole group is killed, so the processes a shell started end with
//! it. Because its group is not in the terminal's foreground, a command that reads from the
//! terminal anyway gets an error or is held by the terminal until the timeout.
//!
//! A command that prints a secret is done when it has exited and closed its standard output. A
//! command that only receives input (a clipboard command) is done as soon as its own process
//! exits: `xclip` and `wl-copy` leave a process behind that keeps the selection and the output
//! pipes they inherited, and it must outlive the run.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process_group};
use secrecy::SecretString;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Child;

/// Maximum time a command may run before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Most bytes read from a command's standard output.
const MAX_OUTPUT_BYTES: usize = 256 * 1024;

/// Bytes kept from the end of a command's standard error, where its last line is.
const STDERR_TAIL_BYTES: usize = 8 * 1024;

/// How long the standard error of a failed input command is still read after the command
/// exited, when a process it left behind keeps the pipe open.
const STDERR_GRACE: Duration = Duration::from_millis(200);

/// A command from the config, ready to run.
#[derive(Clone, PartialEq, Eq)]
pub struct ExternalCommand {
    text: String,
    program: String,
    args: Vec<String>,
    timeout: Duration,
}

impl fmt::Display for ExternalCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for ExternalCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExternalCommand({:?})", self.text)
    }
}

/// Error in a command text from the config.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CommandParseError {
    #[error("the command is empty")]
    Empty,
    #[error("the command has an unterminated quote")]
    UnbalancedQuotes,
}

/// Error of a command that did not deliver its output.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("could not start `{command}`: {reason}")]
    Spawn { command: String, reason: String },
    #[error("`{command}` did not finish within {} s and was stopped", timeout.as_secs())]
    TimedOut { command: String, timeout: Duration },
    #[error("`{command}` failed ({status}){}", stderr_suffix(.stderr.as_deref()))]
    Failed {
        command: String,
        status: String,
        stderr: Option<String>,
    },
    #[error("`{command}` printed more than 256 KiB")]
    TooMuchOutput { command: String },
    #[error("`{command}` printed text that is not valid UTF-8")]
    NotUnicode { command: String },
    #[error("`{command}` failed while reading its output: {reason}")]
    Io { command: String, reason: String },
}

fn stderr_suffix(stderr: Option<&str>) -> String {
    stderr.map(|line| format!(": {line}")).unwrap_or_default()
}

impl ExternalCommand {
    /// Parses a command line from the config.
    pub fn parse(text: &str) -> Result<Self, CommandParseError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CommandParseError::Empty);
        }
        let (program, args) = if needs_shell(trimmed) {
            ("sh".to_owned(), vec!["-c".to_owned(), trimmed.to_owned()])
        } else {
            let mut words = shlex::split(trimmed).ok_or(CommandParseError::UnbalancedQuotes)?;
            if words.is_empty() {
                return Err(CommandParseError::Empty);
            }
            let program = words.remove(0);
            (program, words)
        };
        Ok(Self {
            text: trimmed.to_owned(),
            program,
            args,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Sets how long the command may run.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Returns whether the command runs through `sh -c`.
    #[must_use]
    pub fn uses_shell(&self) -> bool {
        self.program == "sh" && self.args.first().is_some_and(|arg| arg == "-c")
    }

    /// Runs the command and returns its standard output as a secret.
    ///
    /// On failure the error carries the last line of standard error, with any part of the
    /// standard output removed from it, and never the standard output itself.
    pub async fn run_for_secret(&self) -> Result<SecretString, CommandError> {
        let mut child = self.spawn(Stdio::null(), Stdio::piped())?;
        let mut group = ProcessGroup::of(&child);
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(self.io_error(&io::Error::other("the output pipes were not set up")));
        };
        let mut stderr_tail = Vec::new();
        let captured = tokio::time::timeout(
            self.timeout,
            self.capture(&mut child, stdout, stderr, &mut stderr_tail),
        )
        .await;
        // On every early return `group` kills what is left of the command.
        let (status, stdout) = captured.map_err(|_| self.timed_out())??;
        group.release();
        let stdout = String::from_utf8(stdout).map_err(|_| CommandError::NotUnicode {
            command: self.text.clone(),
        })?;
        if !status.success() {
            return Err(self.failed(status, &stderr_tail, &stdout));
        }
        Ok(SecretString::from(stdout))
    }

    /// Runs the command with `input` on its standard input, discarding its output.
    ///
    /// The run ends when the command's own process exits, even while processes it started
    /// keep running with its output pipes open.
    pub async fn run_with_input(&self, input: &str) -> Result<(), CommandError> {
        let mut child = self.spawn(Stdio::piped(), Stdio::null())?;
        let mut group = ProcessGroup::of(&child);
        let Some(stderr) = child.stderr.take() else {
            return Err(self.io_error(&io::Error::other("the error pipe was not set up")));
        };
        if let Some(mut stdin) = child.stdin.take() {
            let bytes = input.as_bytes().to_vec();
            tokio::spawn(async move {
                // A command that exits without reading its input is not an error here, because
                // its exit status shows whether it worked.
                let _ = stdin.write_all(&bytes).await;
            });
        }
        let mut stderr_tail = Vec::new();
        let status = {
            let reading = read_tail(stderr, &mut stderr_tail);
            tokio::pin!(reading);
            let waited = tokio::time::timeout(
                self.timeout,
                wait_while_reading(&mut child, reading.as_mut()),
            )
            .await;
            let (status, stderr_ended) = waited
                .map_err(|_| self.timed_out())?
                .map_err(|error| self.io_error(&error))?;
            if !status.success() && !stderr_ended {
                // The explanation of a failure usually arrives just before the exit.
                let _ = tokio::time::timeout(STDERR_GRACE, reading).await;
            }
            status
        };
        group.release();
        if !status.success() {
            return Err(self.failed(status, &stderr_tail, ""));
        }
        Ok(())
    }

    fn spawn(&self, stdin: Stdio, stdout: Stdio) -> Result<Child, CommandError> {
        let mut command = tokio::process::Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(stdin)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        command.spawn().map_err(|error| CommandError::Spawn {
            command: self.text.clone(),
            reason: spawn_reason(&error),
        })
    }

    /// Reads standard output (up to the cap) and standard error until both end and the
    /// command exits. More output than the cap ends the run at once.
    async fn capture(
        &self,
        child: &mut Child,
        stdout: impl AsyncRead + Unpin,
        stderr: impl AsyncRead + Unpin,
        stderr_tail: &mut Vec<u8>,
    ) -> Result<(ExitStatus, Vec<u8>), CommandError> {
        let output = async {
            let bytes = read_capped(stdout)
                .await
                .map_err(|error| self.io_error(&error))?;
            if bytes.len() > MAX_OUTPUT_BYTES {
                return Err(CommandError::TooMuchOutput {
                    command: self.text.clone(),
                });
            }
            Ok(bytes)
        };
        let errors = async {
            read_tail(stderr, stderr_tail)
                .await
                .map_err(|error| self.io_error(&error))
        };
        let exit = async { child.wait().await.map_err(|error| self.io_error(&error)) };
        let (output, (), status) = tokio::try_join!(output, errors, exit)?;
        Ok((status, output))
    }

    fn timed_out(&self) -> CommandError {
        CommandError::TimedOut {
            command: self.text.clone(),
            timeout: self.timeout,
        }
    }

    fn io_error(&self, error: &io::Error) -> CommandError {
        CommandError::Io {
            command: self.text.clone(),
            reason: error.to_string(),
        }
    }

    fn failed(&self, status: ExitStatus, stderr_tail: &[u8], stdout: &str) -> CommandError {
        let stderr = String::from_utf8_lossy(stderr_tail);
        CommandError::Failed {
            command: self.text.clone(),
            status: describe_status(status),
            stderr: last_line_without(&stderr, stdout),
        }
    }
}

/// The process group of a running command, killed when this value is dropped unless the
/// command finished first.
struct ProcessGroup {
    id: Option<Pid>,
}

impl ProcessGroup {
    /// Returns the group that `child` leads. A command started with `process_group(0)` has a
    /// group id equal to its process id.
    fn of(child: &Child) -> Self {
        let id = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .and_then(Pid::from_raw);
        Self { id }
    }

    /// Leaves the group running: the command finished, and what it started may stay.
    fn release(&mut self) {
        self.id = None;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            // The group is already gone when every process in it has ended.
            let _ = kill_process_group(id, Signal::KILL);
        }
    }
}

/// Reads `pipe` to its end, keeping at most one byte more than [`MAX_OUTPUT_BYTES`], which
/// is enough to tell that the output is too long.
async fn read_capped(pipe: impl AsyncRead + Unpin) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_OUTPUT_BYTES).map_or(u64::MAX, |max| max + 1);
    pipe.take(limit).read_to_end(&mut bytes).await?;
    Ok(bytes)
}

/// Reads `pipe` to its end, keeping its last [`STDERR_TAIL_BYTES`] bytes in `tail`.
async fn read_tail(mut pipe: impl AsyncRead + Unpin, tail: &mut Vec<u8>) -> io::Result<()> {
    let mut chunk = [0_u8; 4096];
    loop {
        let read = pipe.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        tail.extend_from_slice(&chunk[..read]);
        if tail.len() > STDERR_TAIL_BYTES {
            tail.drain(..tail.len() - STDERR_TAIL_BYTES);
        }
    }
}

/// Waits for `child` to exit while `reading` reads its standard error. Returns the exit
/// status and whether standard error has ended.
async fn wait_while_reading(
    child: &mut Child,
    mut reading: Pin<&mut impl Future<Output = io::Result<()>>>,
) -> io::Result<(ExitStatus, bool)> {
    let mut stderr_ended = false;
    loop {
        tokio::select! {
            status = child.wait() => return Ok((status?, stderr_ended)),
            // An unreadable standard error only costs the error message its detail.
            _ = &mut reading, if !stderr_ended => stderr_ended = true,
        }
    }
}

/// Returns whether a command line uses shell syntax that only `sh` understands.
fn needs_shell(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' | '*' | '?' | '~' | '\n'
        )
    })
}

fn spawn_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "program not found on PATH".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

fn describe_status(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_owned(),
    }
}

/// Returns the last non-empty line of `stderr`, shortened, with any text of `stdout` cut out of it.
fn last_line_without(stderr: &str, stdout: &str) -> Option<String> {
    let line = stderr
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    let mut line = line.to_owned();
    for secret_line in stdout.lines().map(str::trim).filter(|text| text.len() >= 4) {
        line = line.replace(secret_line, "[REDACTED]");
    }
    let shortened: String = line.chars().take(200).collect();
    Some(shortened)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn plain_command_is_split_into_words() {
        let command = ExternalCommand::parse("pass show 'hw cloud/token'").expect("valid");
        assert_eq!(command.program, "pass");
        assert_eq!(command.args, ["show", "hw cloud/token"]);
        assert!(!command.uses_shell());
    }

    #[test]
    fn shell_syntax_runs_through_sh() {
        let command = ExternalCommand::parse("cat ~/.token | tr -d x").expect("valid");
        assert!(command.uses_shell());
        assert_eq!(command.args[1], "cat ~/.token | tr -d x");
    }

    #[test]
    fn empty_and_unbalanced_commands_are_rejected() {
        assert_eq!(ExternalCommand::parse("  "), Err(CommandParseError::Empty));
        assert_eq!(
            ExternalCommand::parse("echo 'abc"),
            Err(CommandParseError::UnbalancedQuotes)
        );
    }

    #[tokio::test]
    async fn failing_command_reports_status_and_stderr() {
        let command =
            ExternalCommand::parse("sh -c 'echo no such entry >&2; exit 3'").expect("valid");
        let error = command.run_for_secret().await.expect_err("fails");
        assert_eq!(
            error.to_string(),
            "`sh -c 'echo no such entry >&2; exit 3'` failed (exit status 3): no such entry"
        );
    }

    #[tokio::test]
    async fn stderr_never_repeats_stdout() {
        let command = ExternalCommand::parse(
            "printf 'hunter%s\\n' 2secret; printf 'bad hunter%s\\n' 2secret >&2; exit 1",
        )
        .expect("valid");
        let error = command.run_for_secret().await.expect_err("fails");
        let message = error.to_string();
        assert!(!message.contains("hunter2secret"), "{message}");
        assert!(message.ends_with("bad [REDACTED]"), "{message}");
    }

    #[tokio::test]
    async fn missing_program_is_named() {
        let command = ExternalCommand::parse("stage-images-no-such-program --flag").expect("valid");
        let error = command.run_for_secret().await.expect_err("missing");
        assert_eq!(
            error.to_string(),
            "could not start `stage-images-no-such-program --flag`: program not found on PATH"
        );
    }

    #[tokio::test]
    async fn slow_command_times_out() {
        let command = ExternalCommand::parse("sleep 5")
            .expect("valid")
            .with_timeout(Duration::from_millis(100));
        let error = command.run_for_secret().await.expect_err("slow");
        assert!(matches!(error, CommandError::TimedOut { .. }), "{error}");
    }

    #[tokio::test]
    async fn input_reaches_command() {
        let file = std::env::temp_dir().join(format!("stage-images-input-{}", std::process::id()));
        let text = format!("cat > {}", file.display());
        ExternalCommand::parse(&text)
            .expect("valid")
            .run_with_input("17")
            .await
            .expect("runs");
        assert_eq!(std::fs::read_to_string(&file).expect("written"), "17");
        std::fs::remove_file(file).expect("removed");
    }

    /// Reads the process id a test command wrote to `file`, waiting for the file to appear.
    #[cfg(target_os = "linux")]
    async fn read_pid(file: &std::path::Path) -> u32 {
        for _ in 0..200 {
            if let Some(pid) = std::fs::read_to_string(file)
                .ok()
                .and_then(|text| text.trim().parse().ok())
            {
                return pid;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{} was never written", file.display());
    }

    /// Returns whether process `pid` has ended: it is gone, or a zombie not reaped yet.
    #[cfg(target_os = "linux")]
    fn has_ended(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit_once(')')
                .is_some_and(|(_, fields)| fields.trim_start().starts_with('Z')),
        }
    }

    /// Waits up to five seconds for process `pid` to end; the limit only bounds a failing test.
    #[cfg(target_os = "linux")]
    async fn ends_soon(pid: u32) -> bool {
        for _ in 0..500 {
            if has_ended(pid) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    /// Stops a background process a test command left running.
    #[cfg(target_os = "linux")]
    fn stop(pid: u32) {
        let _ = std::process::Command::new("kill")
            .arg(pid.to_string())
            .status();
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn input_command_ends_when_its_process_exits() {
        // Like xclip and wl-copy, each command leaves a background process that keeps the
        // inherited standard output or standard error open after the command itself exits.
        for redirect in ["", ">/dev/null", "2>/dev/null"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let pid_file = dir.path().join("background.pid");
            let text = format!(
                "cat > {}; sleep 30 {redirect} & echo $! > {}",
                dir.path().join("copied").display(),
                pid_file.display()
            );
            let command = ExternalCommand::parse(&text)
                .expect("valid")
                .with_timeout(Duration::from_secs(5));
            let result = command.run_with_input("17").await;
            let background = read_pid(&pid_file).await;
            stop(background);
            assert!(result.is_ok(), "{redirect:?}: {result:?}");
            assert_eq!(
                std::fs::read_to_string(dir.path().join("copied")).expect("copied"),
                "17"
            );
        }
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn failing_input_command_reports_stderr_despite_background() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pid_file = dir.path().join("background.pid");
        let text = format!(
            "cat >/dev/null; sleep 30 >/dev/null & echo $! > {}; echo \"Error: Can't open display\" >&2; exit 1",
            pid_file.display()
        );
        let command = ExternalCommand::parse(&text)
            .expect("valid")
            .with_timeout(Duration::from_secs(5));
        let error = command.run_with_input("17").await.expect_err("fails");
        stop(read_pid(&pid_file).await);
        assert!(
            matches!(&error, CommandError::Failed { stderr: Some(line), .. } if line == "Error: Can't open display"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn input_command_failure_names_last_stderr_line() {
        let command = ExternalCommand::parse(
            "cat >/dev/null; echo 'xclip: starting' >&2; echo \"Error: Can't open display: :0\" >&2; exit 1",
        )
        .expect("valid");
        let error = command.run_with_input("17").await.expect_err("fails");
        assert!(
            error
                .to_string()
                .ends_with("failed (exit status 1): Error: Can't open display: :0"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn endless_output_is_cut_off() {
        // The timeout is only a bound for a failing test: the output cap must end the run first.
        let command =
            ExternalCommand::parse("while :; do echo 0123456789abcdef0123456789abcdef; done")
                .expect("valid")
                .with_timeout(Duration::from_secs(3));
        let error = command.run_for_secret().await.expect_err("too much");
        assert!(
            matches!(error, CommandError::TooMuchOutput { .. }),
            "{error}"
        );
    }

    /// Returns a shell command that starts `sleep 30`, writes its process id to `pid_file`
    /// and waits for it.
    #[cfg(target_os = "linux")]
    fn shell_waiting_for_child(pid_file: &std::path::Path) -> ExternalCommand {
        let text = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
        ExternalCommand::parse(&text).expect("valid")
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn timeout_stops_the_shell_children_too() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pid_file = dir.path().join("child.pid");
        let command = shell_waiting_for_child(&pid_file).with_timeout(Duration::from_millis(300));
        let error = command.run_for_secret().await.expect_err("slow");
        assert!(matches!(error, CommandError::TimedOut { .. }), "{error}");

        let child = read_pid(&pid_file).await;
        let ended = ends_soon(child).await;
        stop(child);
        assert!(ended, "the shell's child outlived the timeout");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn abandoned_run_stops_the_shell_children() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pid_file = dir.path().join("child.pid");
        let command = shell_waiting_for_child(&pid_file);
        let run = command.run_for_secret();
        let abandoned = tokio::time::timeout(Duration::from_millis(300), run).await;
        assert!(abandoned.is_err(), "the command ended by itself");

        let child = read_pid(&pid_file).await;
        let ended = ends_soon(child).await;
        stop(child);
        assert!(ended, "the shell's child outlived the abandoned run");
    }

    #[tokio::test]
    async fn output_is_returned() {
        let command = ExternalCommand::parse("echo token-value").expect("valid");
        let output = command.run_for_secret().await.expect("runs");
        assert_eq!(output.expose_secret(), "token-value\n");
    }
}

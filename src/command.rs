//! External commands named in the config (`token_command`, `clipboard_command`, …).
//!
//! A command runs directly, split into words like a shell would (quotes respected), unless its
//! text uses shell syntax (pipes, redirections, `$`, `;`, `&&`, backquotes, globs), in which case
//! it runs through `sh -c`. Every run has a timeout, reads nothing from the terminal and is
//! killed if the caller gives up on it.

use std::fmt;
use std::process::Stdio;
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::AsyncWriteExt;

/// Longest a command may run before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Most bytes read from a command's standard output.
const MAX_OUTPUT_BYTES: usize = 256 * 1024;

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

/// Why a command text cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CommandParseError {
    #[error("the command is empty")]
    Empty,
    #[error("the command has an unterminated quote")]
    UnbalancedQuotes,
}

/// Why a command failed to deliver its output.
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

    /// Whether the command runs through `sh -c`.
    #[must_use]
    pub fn uses_shell(&self) -> bool {
        self.program == "sh" && self.args.first().is_some_and(|arg| arg == "-c")
    }

    /// Runs the command and returns its standard output as a secret.
    ///
    /// On failure the error carries the last line of standard error, with any part of the
    /// standard output removed from it, and never the standard output itself.
    pub async fn run_for_secret(&self) -> Result<SecretString, CommandError> {
        let output = self.run(None).await?;
        Ok(SecretString::from(output))
    }

    /// Runs the command with `input` on its standard input, discarding its output.
    pub async fn run_with_input(&self, input: &str) -> Result<(), CommandError> {
        self.run(Some(input)).await.map(drop)
    }

    async fn run(&self, input: Option<&str>) -> Result<String, CommandError> {
        let mut command = tokio::process::Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|error| CommandError::Spawn {
            command: self.text.clone(),
            reason: spawn_reason(&error),
        })?;
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            let bytes = input.as_bytes().to_vec();
            tokio::spawn(async move {
                // A command that exits without reading its input is not an error here: its
                // exit status says whether it worked.
                let _ = stdin.write_all(&bytes).await;
            });
        }
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| CommandError::TimedOut {
                command: self.text.clone(),
                timeout: self.timeout,
            })?
            .map_err(|error| CommandError::Io {
                command: self.text.clone(),
                reason: error.to_string(),
            })?;
        if output.stdout.len() > MAX_OUTPUT_BYTES {
            return Err(CommandError::TooMuchOutput {
                command: self.text.clone(),
            });
        }
        let stdout = String::from_utf8(output.stdout).map_err(|_| CommandError::NotUnicode {
            command: self.text.clone(),
        })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(CommandError::Failed {
                command: self.text.clone(),
                status: describe_status(output.status),
                stderr: last_line_without(&stderr, &stdout),
            });
        }
        Ok(stdout)
    }
}

/// Whether a command line uses shell syntax that only `sh` understands.
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

/// The last non-empty line of `stderr`, shortened, with any text of `stdout` cut out of it.
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

    #[tokio::test]
    async fn output_is_returned() {
        let command = ExternalCommand::parse("echo token-value").expect("valid");
        let output = command.run_for_secret().await.expect("runs");
        assert_eq!(output.expose_secret(), "token-value\n");
    }
}

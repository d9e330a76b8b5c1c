//! Copying a version to the clipboard: through the terminal (OSC 52) and the system clipboard.
//!
//! Both ways are tried, because neither works everywhere: OSC 52 reaches the local clipboard
//! over SSH and inside tmux but some terminals ignore it, and a system clipboard command needs
//! a local display. The [`CopyReport`] tells which way the text went; a way known to have
//! failed is never reported as a success. Whether the terminal honoured OSC 52 cannot be
//! known, so the report says the text was sent to the terminal.

pub mod osc52;
pub mod system;

use std::io::Write;

use crate::command::ExternalCommand;
use crate::config::ClipboardSettings;

pub use osc52::Multiplexer;

/// The ways text is copied in this session.
#[derive(Debug, Clone)]
pub struct Clipboard {
    /// Whether to write OSC 52 to the terminal.
    pub osc52: bool,
    pub multiplexer: Multiplexer,
    /// The system clipboard command, if one is configured or found.
    pub system: Option<ExternalCommand>,
}

impl Clipboard {
    /// Sets up copying from the config and the environment.
    #[must_use]
    pub fn from_settings(settings: &ClipboardSettings) -> Self {
        let system = settings
            .command
            .clone()
            .or_else(|| system::detect(&system::Environment::current(), system::on_path));
        Self {
            osc52: settings.osc52,
            multiplexer: Multiplexer::from_env(),
            system,
        }
    }

    /// Writes the OSC 52 sequence for `text` to the terminal, if enabled.
    pub fn write_osc52(&self, text: &str, terminal: &mut impl Write) -> Option<Result<(), String>> {
        if !self.osc52 {
            return None;
        }
        let sequence = osc52::sequence(text, self.multiplexer);
        Some(
            terminal
                .write_all(sequence.as_bytes())
                .and_then(|()| terminal.flush())
                .map_err(|error| error.to_string()),
        )
    }

    /// Copies `text` with the system clipboard command, if there is one.
    pub async fn copy_system(&self, text: &str) -> Option<(String, Result<(), String>)> {
        let command = self.system.as_ref()?;
        let name = command
            .to_string()
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let result = command
            .run_with_input(text)
            .await
            .map_err(|error| error.to_string());
        Some((name, result))
    }
}

/// Outcome of a copy, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// The copied text.
    pub text: String,
    /// Result of writing OSC 52, or `None` when it is turned off.
    pub osc52: Option<Result<(), String>>,
    /// Name of the system clipboard command and its result, or `None` when there is none.
    pub system: Option<(String, Result<(), String>)>,
}

/// Overall result of a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// Every way tried worked.
    Copied,
    /// One way worked and another failed.
    Partly,
    /// Nothing worked or nothing was available.
    Failed,
}

impl CopyReport {
    /// Returns the outcome and one line describing which way the text went.
    #[must_use]
    pub fn summary(&self) -> (CopyOutcome, String) {
        let shown = shorten(&self.text);
        let mut ways = Vec::new();
        let mut failures = Vec::new();
        match &self.osc52 {
            Some(Ok(())) => ways.push("terminal (OSC 52)".to_owned()),
            Some(Err(error)) => failures.push(format!("OSC 52 failed: {error}")),
            None => {}
        }
        match &self.system {
            Some((name, Ok(()))) => ways.push(format!("system clipboard ({name})")),
            Some((_, Err(error))) => failures.push(error.clone()),
            None => {}
        }
        match (ways.is_empty(), failures.is_empty()) {
            (false, true) => (
                CopyOutcome::Copied,
                format!("Copied {shown} to the {}", ways.join(" and ")),
            ),
            (false, false) => (
                CopyOutcome::Partly,
                format!(
                    "Copied {shown} to the {}; {}",
                    ways.join(" and "),
                    failures.join("; ")
                ),
            ),
            (true, false) => (
                CopyOutcome::Failed,
                format!("Could not copy {shown}: {}", failures.join("; ")),
            ),
            (true, true) => (
                CopyOutcome::Failed,
                format!(
                    "Could not copy {shown}: OSC 52 is off (osc52 = false) and no clipboard command was found; \
                     set clipboard_command"
                ),
            ),
        }
    }
}

fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(LIMIT).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(
        osc52: Option<Result<(), String>>,
        system: Option<(String, Result<(), String>)>,
    ) -> CopyReport {
        CopyReport {
            text: "17".to_owned(),
            osc52,
            system,
        }
    }

    #[test]
    fn both_ways_are_named() {
        let (outcome, text) = report(Some(Ok(())), Some(("xclip".into(), Ok(())))).summary();
        assert_eq!(outcome, CopyOutcome::Copied);
        assert_eq!(
            text,
            "Copied 17 to the terminal (OSC 52) and system clipboard (xclip)"
        );
    }

    #[test]
    fn failed_system_copy_is_not_claimed() {
        let (outcome, text) = report(
            Some(Ok(())),
            Some(("xclip".into(), Err("`xclip` failed (exit status 1)".into()))),
        )
        .summary();
        assert_eq!(outcome, CopyOutcome::Partly);
        assert_eq!(
            text,
            "Copied 17 to the terminal (OSC 52); `xclip` failed (exit status 1)"
        );
        assert!(!text.contains("system clipboard"));
    }

    #[test]
    fn nothing_available_is_a_failure() {
        let (outcome, text) = report(None, None).summary();
        assert_eq!(outcome, CopyOutcome::Failed);
        assert!(text.starts_with("Could not copy 17"), "{text}");
    }

    #[test]
    fn osc52_reaches_the_writer() {
        let clipboard = Clipboard {
            osc52: true,
            multiplexer: Multiplexer::None,
            system: None,
        };
        let mut written = Vec::new();
        assert_eq!(clipboard.write_osc52("21", &mut written), Some(Ok(())));
        assert_eq!(written, b"\x1b]52;c;MjE=\x07");
    }

    #[tokio::test]
    async fn system_command_receives_text() {
        let file = std::env::temp_dir().join(format!("stage-images-clip-{}", std::process::id()));
        let command = ExternalCommand::parse(&format!("cat > {}", file.display())).expect("valid");
        let clipboard = Clipboard {
            osc52: false,
            multiplexer: Multiplexer::None,
            system: Some(command),
        };
        let (name, result) = clipboard
            .copy_system("8u181-jdk-alpine")
            .await
            .expect("configured");
        assert_eq!(name, "cat");
        assert_eq!(result, Ok(()));
        assert_eq!(
            std::fs::read_to_string(&file).expect("written"),
            "8u181-jdk-alpine"
        );
        std::fs::remove_file(file).expect("removed");
    }
}

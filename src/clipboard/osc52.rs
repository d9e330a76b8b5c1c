//! The OSC 52 escape sequence, which asks the terminal itself to set the clipboard.
//!
//! It works over SSH because the sequence travels with the output. Inside tmux or GNU screen
//! the sequence is also sent wrapped in the multiplexer's passthrough form, so it reaches the
//! outer terminal when the multiplexer passes it on (tmux: `allow-passthrough on`); the plain
//! form lets tmux with `set-clipboard on` take it into its own buffer.

use base64::Engine as _;

/// The terminal multiplexer the program runs in, which changes how escapes must be wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
    Screen,
}

impl Multiplexer {
    /// Detects tmux (`TMUX`) or GNU screen (`STY`) from the environment.
    #[must_use]
    pub fn from_env() -> Self {
        if std::env::var_os("TMUX").is_some_and(|value| !value.is_empty()) {
            Self::Tmux
        } else if std::env::var_os("STY").is_some_and(|value| !value.is_empty()) {
            Self::Screen
        } else {
            Self::None
        }
    }
}

/// Builds the bytes that set the clipboard to `text`.
#[must_use]
pub fn sequence(text: &str, multiplexer: Multiplexer) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text);
    let plain = format!("\x1b]52;c;{payload}\x07");
    match multiplexer {
        Multiplexer::None => plain,
        // Escape characters inside a tmux passthrough must be doubled.
        Multiplexer::Tmux => format!(
            "{plain}\x1bPtmux;{}\x1b\\",
            plain.replace('\x1b', "\x1b\x1b")
        ),
        Multiplexer::Screen => format!("{plain}\x1bP{plain}\x1b\\"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_sequence_encodes_base64() {
        assert_eq!(sequence("17", Multiplexer::None), "\x1b]52;c;MTc=\x07");
    }

    #[test]
    fn tmux_sequence_adds_passthrough() {
        assert_eq!(
            sequence("17", Multiplexer::Tmux),
            "\x1b]52;c;MTc=\x07\x1bPtmux;\x1b\x1b]52;c;MTc=\x07\x1b\\"
        );
    }

    #[test]
    fn screen_sequence_adds_dcs() {
        assert_eq!(
            sequence("17", Multiplexer::Screen),
            "\x1b]52;c;MTc=\x07\x1bP\x1b]52;c;MTc=\x07\x1b\\"
        );
    }
}

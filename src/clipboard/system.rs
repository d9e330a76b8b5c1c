//! The system clipboard, reached through the platform's clipboard command.
//!
//! Commands are used rather than a clipboard library because they keep working after the
//! program exits (on X11 a library's selection dies with the process) and need no display
//! connection in the process. The first available of these is used: a configured
//! `clipboard_command`; `pbcopy` on macOS; `clip.exe` under WSL; `wl-copy` under Wayland;
//! `xclip` or `xsel` under X11.

use std::path::Path;

use crate::command::ExternalCommand;

/// Facts of the environment that decide which clipboards are available.
#[expect(
    clippy::struct_excessive_bools,
    reason = "each flag is an independent fact about the environment"
)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    pub macos: bool,
    pub wsl: bool,
    pub wayland: bool,
    pub x11: bool,
}

impl Environment {
    /// Reads the current process environment.
    #[must_use]
    pub fn current() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        Self {
            macos: cfg!(target_os = "macos"),
            wsl: set("WSL_DISTRO_NAME") || set("WSL_INTEROP"),
            wayland: set("WAYLAND_DISPLAY"),
            x11: set("DISPLAY"),
        }
    }
}

/// Picks the clipboard command for an environment; `available` tells whether a program is on
/// the PATH.
#[must_use]
pub fn detect(
    environment: &Environment,
    available: impl Fn(&str) -> bool,
) -> Option<ExternalCommand> {
    let mut candidates: Vec<&str> = Vec::new();
    if environment.macos {
        candidates.push("pbcopy");
    }
    if environment.wsl {
        candidates.push("clip.exe");
    }
    if environment.wayland {
        candidates.push("wl-copy");
    }
    if environment.x11 {
        candidates.extend(["xclip -selection clipboard", "xsel --clipboard --input"]);
    }
    candidates
        .into_iter()
        .find(|command| command.split_whitespace().next().is_some_and(&available))
        .and_then(|command| ExternalCommand::parse(command).ok())
}

/// Returns whether `program` is an executable file in a folder of `PATH`.
#[must_use]
pub fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|folder| is_executable(&folder.join(program)))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picked(environment: &Environment, programs: &[&str]) -> Option<String> {
        detect(environment, |program| programs.contains(&program))
            .map(|command| command.to_string())
    }

    #[test]
    fn wayland_prefers_wl_copy() {
        let environment = Environment {
            wayland: true,
            x11: true,
            ..Environment::default()
        };
        assert_eq!(
            picked(&environment, &["wl-copy", "xclip"]).as_deref(),
            Some("wl-copy")
        );
        assert_eq!(
            picked(&environment, &["xclip"]).as_deref(),
            Some("xclip -selection clipboard")
        );
    }

    #[test]
    fn x11_falls_back_to_xsel() {
        let environment = Environment {
            x11: true,
            ..Environment::default()
        };
        assert_eq!(
            picked(&environment, &["xsel"]).as_deref(),
            Some("xsel --clipboard --input")
        );
    }

    #[test]
    fn wsl_and_macos_use_their_tools() {
        let wsl = Environment {
            wsl: true,
            ..Environment::default()
        };
        assert_eq!(picked(&wsl, &["clip.exe"]).as_deref(), Some("clip.exe"));
        let macos = Environment {
            macos: true,
            ..Environment::default()
        };
        assert_eq!(picked(&macos, &["pbcopy"]).as_deref(), Some("pbcopy"));
    }

    #[test]
    fn ssh_session_without_display_has_none() {
        assert_eq!(picked(&Environment::default(), &["xclip", "wl-copy"]), None);
        let x11 = Environment {
            x11: true,
            ..Environment::default()
        };
        assert_eq!(picked(&x11, &[]), None);
    }

    #[test]
    fn on_path_finds_sh() {
        assert!(on_path("sh"));
        assert!(!on_path("stage-images-surely-not-a-program"));
    }
}

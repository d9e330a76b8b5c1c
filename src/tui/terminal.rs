//! Entering and leaving the terminal's full-screen mode, on every way out.
//!
//! [`TerminalGuard`] restores the terminal when dropped (normal quit, an error returned with
//! `?`), and [`install_panic_hook`] restores it before a panic message is printed. Restoring
//! twice is harmless, and failures while restoring are ignored because there is nothing better
//! to do on the way out.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Whether the terminal is currently in full-screen mode, so restoring happens once.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether mouse capture is on, so restoring turns it off.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// The terminal in full-screen mode; leaving it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl std::fmt::Debug for TerminalGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TerminalGuard")
    }
}

impl TerminalGuard {
    /// Switches to raw mode and the alternate screen, and captures the mouse when `mouse` is
    /// true.
    pub fn enter(mouse: bool) -> io::Result<Self> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut stdout = io::stdout();
        if let Err(error) = execute!(stdout, EnterAlternateScreen, Hide, EnableBracketedPaste) {
            restore();
            return Err(error);
        }
        if mouse {
            MOUSE.store(true, Ordering::SeqCst);
            if let Err(error) = execute!(stdout, EnableMouseCapture) {
                restore();
                return Err(error);
            }
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen and raw mode, if they are active.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut stdout = io::stdout();
        if MOUSE.swap(false, Ordering::SeqCst) {
            let _ = execute!(stdout, DisableMouseCapture);
        }
        let _ = execute!(stdout, DisableBracketedPaste, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
        let _ = stdout.flush();
    }
}

/// Restores the terminal before any panic message is printed, logs the panic, and ends the
/// process: a panic in a background task would otherwise leave a browser that can no longer
/// draw.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let was_active = ACTIVE.load(Ordering::SeqCst);
        restore();
        tracing::error!(panic = %info, "stage-images panicked");
        previous(info);
        if was_active {
            eprintln!(
                "stage-images: the terminal was restored after the panic above; the log file has details"
            );
            crate::logging::flush();
            std::process::exit(101);
        }
    }));
}

//! The terminal browser: languages on the left, versions on the right.
//!
//! Split by role: [`state`] holds what is shown, [`update`] changes it in answer to messages,
//! [`view`] draws it, [`event_loop`] wires terminal events and background work to them, and
//! [`terminal`] enters and restores full-screen mode.

pub mod action;
pub mod clock;
pub mod event_loop;
pub mod list;
pub mod mouse;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use std::sync::Arc;

use time::UtcOffset;

use crate::api::Client;
use crate::clipboard::Clipboard;
use crate::release_status::ReleaseTable;
use action::KeyMap;
use state::ProfileInfo;
use theme::Theme;

/// Everything the browser needs from start-up.
#[derive(Debug)]
pub struct Session {
    pub profile: ProfileInfo,
    pub client: Client,
    pub clipboard: Clipboard,
    pub theme: Theme,
    pub utc_offset: UtcOffset,
    pub keymap: KeyMap,
    /// Whether to capture the mouse; off leaves text selection to the terminal.
    pub mouse: bool,
    pub release_status: Arc<ReleaseTable>,
    /// Quit as soon as the first frame is drawn, to measure start-up.
    pub exit_after_first_frame: bool,
}

/// Opens the browser full-screen and runs it until the user quits.
pub async fn run(session: Session) -> anyhow::Result<()> {
    terminal::install_panic_hook();
    let mut guard = terminal::TerminalGuard::enter(session.mouse)?;
    let result = event_loop::run(&mut guard.terminal, session).await;
    drop(guard);
    result
}

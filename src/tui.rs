//! The terminal browser: languages on the left, versions on the right.
//!
//! Split by role: [`state`] holds what is shown, [`update`] changes it in answer to messages,
//! [`view`] draws it, [`event_loop`] wires terminal events and background work to them, and
//! [`terminal`] enters and restores full-screen mode.

mod accept;
pub mod action;
mod changes;
mod clients;
pub mod clock;
pub mod compare;
pub mod event_loop;
pub mod list;
pub mod mouse;
pub mod picker;
pub mod profiles;
pub mod refresh;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use time::UtcOffset;

use crate::api::Client;
use crate::cache::CatalogueCache;
use crate::clipboard::Clipboard;
use crate::config::Profile;
use crate::release_status::ReleaseTable;
use action::KeyMap;
use state::ProfileInfo;
use theme::Theme;

/// Everything the browser needs from start-up.
#[derive(Debug)]
pub struct Session {
    /// Every profile the picker offers, in config order.
    pub profiles: Vec<SessionProfile>,
    /// Position of the profile in use in `profiles`.
    pub current: usize,
    /// Cache of catalogues, or `None` to cache nothing (the demo).
    pub cache: Option<CatalogueCache>,
    /// Show cached catalogues only and send no request.
    pub offline: bool,
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

/// One profile of the session.
#[derive(Debug)]
pub struct SessionProfile {
    pub profile: Profile,
    pub info: ProfileInfo,
    /// Time between automatic refreshes; `None` when off.
    pub refresh_interval: Option<Duration>,
    /// A client already built for the profile; without one it is built on first use.
    pub client: Option<Client>,
}

/// Opens the browser full-screen and runs it until the user quits.
pub async fn run(session: Session) -> anyhow::Result<()> {
    terminal::install_panic_hook();
    let mut guard = terminal::TerminalGuard::enter(session.mouse)?;
    let result = event_loop::run(&mut guard.terminal, session).await;
    drop(guard);
    result
}

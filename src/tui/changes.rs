//! Changes found by a fetch: the differences between the catalogue on screen and a newer one of
//! the same profile, kept in [`App::changes`] for the versions pane and the status bar.

use super::state::App;
use crate::catalogue::{Catalogue, Changes};

/// Compares a newer catalogue of the profile in use with the one on screen and records the
/// differences. Returns the summary (`+2 new, 1 removed`) when something changed.
///
/// A newer catalogue equal to the one on screen keeps the earlier marks, so they stay until
/// the catalogue changes again or another profile is chosen. Nothing is marked when nothing
/// was on screen, because then there is nothing to compare with.
pub fn record(app: &mut App, newer: &Catalogue) -> Option<String> {
    let older = app.shown.as_ref()?;
    let changes = Changes::between(&older.catalogue, newer);
    let summary = changes.summary()?;
    tracing::info!(
        profile = %app.profile.name,
        added = changes.added_count(),
        removed = changes.removed_count(),
        "catalogue changed since the last fetch"
    );
    app.changes = Some(changes);
    Some(summary)
}

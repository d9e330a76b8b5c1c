//! The browser settings of the config file: `mouse`, the `[theme]` table and the `[keys]`
//! table.
//!
//! Parsing lives in [`theme`] and [`keys`]; this module joins their results into
//! [`UiSettings`]. Every mistake is a [`ConfigError`] naming the file, line and key, like the
//! profile errors. `NO_COLOR` is applied later, when the browser starts, because it wins over
//! any configured theme.

pub mod keys;
pub mod theme;

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;

pub use theme::RawTheme;

use super::error::ConfigError;
use crate::tui::action::KeyMap;
use crate::tui::theme::Theme;

/// Mouse, theme and key settings of the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiSettings {
    /// `mouse`: whether the browser captures the mouse (default true). Off leaves clicks and
    /// drags to the terminal, so text can be selected and copied.
    pub mouse: bool,
    /// The `[theme]` table applied to its base theme, before `NO_COLOR` is considered.
    pub theme: Theme,
    /// The default key table with the `[keys]` table applied.
    pub keymap: KeyMap,
}

impl Default for UiSettings {
    fn default() -> Self {
        Self {
            mouse: true,
            theme: Theme::dark(),
            keymap: KeyMap::default(),
        }
    }
}

/// The raw browser settings of the file, as [`super::raw`] read them.
pub(super) struct RawUi<'a> {
    pub mouse: Option<bool>,
    pub theme: Option<&'a Spanned<RawTheme>>,
    pub keys: Option<&'a BTreeMap<String, Spanned<toml::Value>>>,
}

/// Builds "unknown KIND `name`" with the closest of `names` as a suggestion, or the list of
/// all names when none is within three edits.
fn unknown_name_message(kind: &str, name: &str, names: &[&str]) -> String {
    let closest = names
        .iter()
        .map(|candidate| (strsim::levenshtein(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 3)
        .min();
    match closest {
        Some((_, candidate)) => format!("unknown {kind} `{name}`; did you mean `{candidate}`?"),
        None => format!("unknown {kind} `{name}`; valid: {}", names.join(", ")),
    }
}

/// Validates the browser settings of the config file at `file`, whose text is `text`.
pub(super) fn read(file: &Path, text: &str, raw: &RawUi<'_>) -> Result<UiSettings, ConfigError> {
    let theme = match raw.theme {
        Some(table) => theme::read(file, text, table.get_ref())?,
        None => Theme::dark(),
    };
    let keymap = match raw.keys {
        Some(table) => keys::read(file, text, table)?,
        None => KeyMap::default(),
    };
    Ok(UiSettings {
        mouse: raw.mouse.unwrap_or(true),
        theme,
        keymap,
    })
}

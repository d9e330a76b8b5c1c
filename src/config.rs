//! The config file: profiles in TOML, and the choice of one profile for this run.
//!
//! This module reads and validates the file and picks the profile; it does not talk to any
//! service. Parsing keeps every value's position, so each mistake is reported with the file,
//! line and key (see [`ConfigError`]).

mod credentials;
pub mod error;
pub mod location;
pub mod network;
pub mod profile;
mod raw;
pub mod refresh;
pub mod ui;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::ConfigError;
pub use network::NetworkSettings;
pub use profile::Profile;
pub(crate) use raw::parse_document;
pub use refresh::RefreshSettings;
pub use ui::UiSettings;

use crate::command::ExternalCommand;

/// Environment variable that names the profile, like `--profile`.
pub const PROFILE_ENV: &str = "STAGE_IMAGES_PROFILE";

/// A loaded and validated config file.
#[derive(Debug)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The `default_profile` key.
    pub default_profile: Option<String>,
    /// Profiles by name, sorted.
    pub profiles: BTreeMap<String, Profile>,
    /// How copying to the clipboard works.
    pub clipboard: ClipboardSettings,
    /// Mouse, theme and key bindings of the browser.
    pub ui: UiSettings,
    /// How often each profile is refreshed automatically.
    pub refresh: RefreshSettings,
    /// Things that work but look wrong (an unknown region), for the log and stderr.
    pub warnings: Vec<String>,
}

/// The clipboard keys of the config.
#[derive(Debug, Clone, Default)]
pub struct ClipboardSettings {
    /// `clipboard_command`: a command that receives the copied text on standard input.
    pub command: Option<ExternalCommand>,
    /// `osc52`: whether to also copy through the terminal (default true).
    pub osc52: bool,
}

/// How the config file to read was chosen, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// `--config PATH` or `STAGE_IMAGES_CONFIG`.
    Explicit,
    /// The platform's default location.
    Default,
}

impl Config {
    /// Reads and validates the config file at `path`.
    pub fn load(path: &Path, origin: ConfigOrigin) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(missing_file_error(path, origin));
            }
            Err(error) => {
                return Err(ConfigError::new(
                    Some(path),
                    format!("cannot read the config file: {error}"),
                ));
            }
        };
        let mut config = Self::parse(path, &text)?;
        let holds_secrets = config
            .profiles
            .values()
            .any(|profile| profile.credentials.has_inline_secret());
        if holds_secrets && crate::auth::permissions::readable_by_others(path) {
            config
                .warnings
                .push(crate::auth::permissions::warning(path));
        }
        Ok(config)
    }

    /// Validates config text that was read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let raw = raw::parse(path, text)?;
        let ui = ui::read(
            path,
            text,
            &ui::RawUi {
                mouse: raw.mouse,
                theme: raw.theme.as_ref(),
                keys: raw.keys.as_ref(),
            },
        )?;
        let mut warnings = Vec::new();
        let mut profiles = BTreeMap::new();
        let mut refresh = RefreshSettings::default();
        if let Some(value) = &raw.refresh_interval {
            refresh.default = refresh::parse_interval(path, text, value, "refresh_interval")?;
        }
        for (name, table) in raw.profiles {
            let reader = profile::ProfileReader {
                file: path,
                text,
                name: &name,
            };
            let profile = reader.read(&table)?;
            if let Some(value) = &table.get_ref().refresh_interval {
                let key = format!("profiles.{name}.refresh_interval");
                let interval = refresh::parse_interval(path, text, value, &key)?;
                refresh.by_profile.insert(name.clone(), interval);
            }
            if !profile.region.is_known() {
                let hint = profile
                    .region
                    .closest_known()
                    .map(|known| format!("; did you mean {known:?}?"))
                    .unwrap_or_default();
                warnings.push(format!(
                    "{}: profile {name:?} uses region {:?}, which the official SDKs do not list{hint}",
                    path.display(),
                    profile.region.as_str()
                ));
            }
            profiles.insert(name, profile);
        }
        let default_profile = match raw.default_profile {
            Some(value) if !profiles.contains_key(value.get_ref()) => {
                return Err(ConfigError::at(
                    path,
                    text,
                    Some(value.span().start),
                    "default_profile",
                    unknown_profile_message(value.get_ref(), &profiles),
                ));
            }
            Some(value) => Some(value.into_inner()),
            None => None,
        };
        let clipboard_command = match raw.clipboard_command {
            Some(value) => Some(ExternalCommand::parse(value.get_ref()).map_err(|error| {
                ConfigError::at(
                    path,
                    text,
                    Some(value.span().start),
                    "clipboard_command",
                    error.to_string(),
                )
            })?),
            None => None,
        };
        Ok(Self {
            path: path.to_path_buf(),
            default_profile,
            profiles,
            clipboard: ClipboardSettings {
                command: clipboard_command,
                osc52: raw.osc52.unwrap_or(true),
            },
            ui,
            refresh,
            warnings,
        })
    }

    /// Picks the profile for this run: the one requested (`--profile` or
    /// `STAGE_IMAGES_PROFILE`), else `default_profile`, else the only profile.
    pub fn select(&self, requested: Option<&str>) -> Result<&Profile, ConfigError> {
        if let Some(name) = requested {
            return self.profiles.get(name).ok_or_else(|| {
                ConfigError::new(
                    Some(&self.path),
                    unknown_profile_message(name, &self.profiles),
                )
            });
        }
        if let Some(name) = &self.default_profile
            && let Some(profile) = self.profiles.get(name)
        {
            return Ok(profile);
        }
        let mut all = self.profiles.values();
        match (all.next(), all.next()) {
            (Some(only), None) => Ok(only),
            (None, _) => Err(ConfigError::new(
                Some(&self.path),
                "no profiles defined; add a [profiles.NAME] table (see config.example.toml), \
                 or try `stage-images --demo`",
            )),
            (Some(_), Some(_)) => Err(ConfigError::new(
                Some(&self.path),
                format!(
                    "several profiles ({}) and no default_profile; pass --profile NAME or set default_profile",
                    self.profile_names().join(", ")
                ),
            )),
        }
    }

    /// Returns the names of all profiles, sorted.
    #[must_use]
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }
}

fn missing_file_error(path: &Path, origin: ConfigOrigin) -> ConfigError {
    let message = match origin {
        ConfigOrigin::Explicit => {
            "config file not found; check the path given with --config or STAGE_IMAGES_CONFIG"
        }
        ConfigOrigin::Default => {
            "no config file yet; run `stage-images config init` to write a starter config there \
             (`stage-images config path` shows where every file lives), \
             or try `stage-images --demo`, which needs no account"
        }
    };
    ConfigError::new(Some(path), message)
}

fn unknown_profile_message(name: &str, profiles: &BTreeMap<String, Profile>) -> String {
    let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
    let suggestion = known
        .iter()
        .map(|candidate| (strsim::levenshtein(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, candidate)| format!(" (did you mean {candidate:?}?)"))
        .unwrap_or_default();
    if known.is_empty() {
        format!("unknown profile {name:?}{suggestion}; the file defines no profiles")
    } else {
        format!(
            "unknown profile {name:?}{suggestion}; profiles: {}",
            known.join(", ")
        )
    }
}

//! Locations of the files stage-images keeps, per the platform's conventions (`directories`).
//!
//! On Linux: config in `$XDG_CONFIG_HOME/stage-images/config.toml` (`~/.config/...`), cache in
//! `$XDG_CACHE_HOME/stage-images/`, log in `$XDG_STATE_HOME/stage-images/`. macOS and Windows
//! use their own folders, as `stage-images config path` prints.

use std::path::PathBuf;

use directories::ProjectDirs;

/// Environment variable that names the config file, like `--config`.
pub const CONFIG_ENV: &str = "STAGE_IMAGES_CONFIG";

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "stage-images")
}

/// Returns the config file used when neither `--config` nor `STAGE_IMAGES_CONFIG` names one.
#[must_use]
pub fn default_config_file() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join("config.toml"))
}

/// Returns the folder for cached catalogues and tokens.
#[must_use]
pub fn cache_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.cache_dir().to_path_buf())
}

/// Returns the folder for the log file: the state dir where the platform has one, else the
/// cache dir.
#[must_use]
pub fn state_dir() -> Option<PathBuf> {
    let dirs = project_dirs()?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.cache_dir())
            .to_path_buf(),
    )
}

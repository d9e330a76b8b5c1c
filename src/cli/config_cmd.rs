//! `stage-images config init` and `stage-images config path`: the config file on first run.
//!
//! `init` writes a commented starter config to the config file of this run (`--config`,
//! `STAGE_IMAGES_CONFIG` or the default location) and never replaces an existing file. `path`
//! prints where the config file, the cache folder and the log file are. Neither reads the
//! config, so both work before it exists.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use clap::Subcommand;

use super::output::write_stdout;
use super::{Args, Failure, config_file};
use crate::cache::CatalogueCache;
use crate::logging;

/// The starter config that `config init` writes.
pub const STARTER_CONFIG: &str = include_str!("../../assets/starter-config.toml");

/// Subcommands of `config`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented starter config file; an existing file is never replaced
    Init,
    /// Print where the config file, the cache folder and the log file are
    Path,
}

/// Runs a `config` subcommand.
pub fn run(command: &ConfigCommand, args: &Args) -> Result<(), Failure> {
    match command {
        ConfigCommand::Init => init(args),
        ConfigCommand::Path => path(args),
    }
}

fn init(args: &Args) -> Result<(), Failure> {
    let (path, _) = config_file(args.config.clone())?;
    match write_new(&path, STARTER_CONFIG) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(Failure::Usage(format!(
                "{} already exists and is left as it is; edit it, or move it away and run \
                 `stage-images config init` again",
                path.display()
            )));
        }
        Err(error) => {
            return Err(Failure::Runtime(format!(
                "cannot write the config file {}: {error}",
                path.display()
            )));
        }
    }
    tracing::info!(path = %path.display(), "starter config written");
    write_stdout(&format!(
        "Wrote a starter config to {}\n\
         Uncomment the [profiles.dev] table in it, set region, project_id and token_env for \
         your project, then run `stage-images`.\n",
        path.display()
    ))
}

/// Creates `path` with `text`, failing when it exists. The file is private to the user on
/// Unix, because it may later contain a token.
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn path(args: &Args) -> Result<(), Failure> {
    let unknown = "(unknown: the home folder is not set)".to_owned();
    let config = config_file(args.config.clone())
        .map_or_else(|_| unknown.clone(), |(path, _)| path.display().to_string());
    let cache = CatalogueCache::default_location().map_or_else(
        || unknown.clone(),
        |cache| cache.dir().display().to_string(),
    );
    let log = args
        .log_file
        .clone()
        .or_else(logging::default_log_file)
        .map_or(unknown, |path| path.display().to_string());
    write_stdout(&format!(
        "config  {config}\ncache   {cache}\nlog     {log}\n"
    ))
}

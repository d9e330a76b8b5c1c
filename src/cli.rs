//! The command line: arguments, choosing the profile, and running the browser or a command.
//!
//! Everything that can fail before the screen opens (arguments, config, profile) fails here,
//! with a plain message on standard error and exit code 2. Exit codes: 0 success, 1 request or
//! service error, 2 usage or configuration error.

mod browse;
mod changes;
mod choose;
mod completions;
mod config_cmd;
mod diff;
mod has;
mod list;
mod obtain;
mod output;
pub mod profiles;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Parser, Subcommand};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::api::FetchError;
use crate::auth::sdk::SdkLookup;
use crate::cache::CatalogueCache;
use crate::config::location::{self, CONFIG_ENV};
use crate::config::{Config, ConfigError, ConfigOrigin, PROFILE_ENV};
use crate::logging::{self, LOG_FILE_ENV, LogOptions};
use crate::release_status::ReleaseTable;
use crate::release_status::file::default_override_file;

/// Browse the build base images Huawei Cloud `ServiceStage` offers.
///
/// Without a command, opens the terminal browser: languages on the left, versions on the
/// right. `stage-images --demo` shows a bundled sample catalogue and needs no account.
#[derive(Debug, Parser)]
#[command(name = "stage-images", version, about, long_about = LONG_ABOUT, after_help = EXIT_CODES)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is one command-line flag, as clap maps them"
)]
pub struct Args {
    /// Config file to read [default: config.toml in the platform's config folder, as
    /// `stage-images config path` prints]
    #[arg(long, short = 'c', global = true, env = CONFIG_ENV, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Profile to use [default: `default_profile`, else the only profile]
    #[arg(long, short = 'p', global = true, env = PROFILE_ENV, value_name = "NAME")]
    pub profile: Option<String>,

    /// Browse the bundled demo catalogue, served on 127.0.0.1; needs no account or config
    #[arg(long, global = true)]
    pub demo: bool,

    /// Log file [default: stage-images.log in the platform's state folder]
    #[arg(long, global = true, env = LOG_FILE_ENV, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Log at debug level; commands other than the browser also log to standard error
    #[arg(long, global = true)]
    pub debug: bool,

    /// Quit right after the browser draws its first frame (start-up benchmarks; see BENCHMARKS.md)
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,

    /// Use the cached catalogues only and send no request
    #[arg(long, global = true, conflicts_with = "demo")]
    pub offline: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The description `--help` prints. The doc comment above says the same, but rustdoc wants
/// code spans that `--help` would print literally.
const LONG_ABOUT: &str = "Browse the build base images Huawei Cloud ServiceStage offers.\n\n\
    Without a command, opens the terminal browser: languages on the left, versions on the right. \
    `stage-images --demo` shows a bundled sample catalogue and needs no account.";

const EXIT_CODES: &str =
    "Exit codes: 0 success, 1 request or service error, 2 usage or configuration error.";

/// Commands that print and exit instead of opening the browser.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every language with its versions, or the versions of one language
    List(ListArgs),
    /// Exit with 0 when a language offers a version and 1 when it does not, for CI checks
    Has(HasArgs),
    /// Print shell completions: `eval "$(stage-images completions bash)"`
    Completions(CompletionsArgs),
    /// Print the manual page in roff (`stage-images man > stage-images.1`), or write it and one
    /// page per command to a folder
    Man(ManArgs),
    /// Print every profile with its region, endpoint, project id and authentication method
    Profiles(ProfilesArgs),
    /// Compare the catalogues of two or more profiles, language by language
    Diff(diff::DiffArgs),
    /// Write a starter config file, or print where stage-images keeps its files
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
}

/// Arguments of `profiles`.
#[derive(Debug, ClapArgs)]
pub struct ProfilesArgs {
    /// Print a JSON array of objects, one per profile
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `list`.
#[derive(Debug, ClapArgs)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is one command-line flag, as clap maps them"
)]
pub struct ListArgs {
    /// Language to list, case-insensitive (`java`, `node`, `golang`)
    pub language: Option<String>,

    /// Print a JSON object mapping language names to version arrays
    #[arg(long)]
    pub json: bool,

    /// Keep the order the service returned instead of newest first
    #[arg(long)]
    pub api_order: bool,

    /// Print one `language<TAB>version` line per version, for grep, cut and awk
    #[arg(long, conflicts_with = "json")]
    pub plain: bool,

    /// Add the release status (LTS, end of life) to every format. Text printed to a terminal
    /// shows it without this flag, but JSON and --plain only with it
    #[arg(long)]
    pub release_status: bool,

    /// Print the versions added and removed since the last fetch, instead of the catalogue
    #[arg(long, conflicts_with = "plain")]
    pub changes: bool,
}

/// Arguments of `has`.
#[derive(Debug, ClapArgs)]
pub struct HasArgs {
    /// Language, case-insensitive (`java`, `node`, `golang`)
    pub language: String,

    /// Version exactly as the service lists it (`21`, `8u181-jdk-alpine`)
    pub version: String,

    /// Print nothing, so that only the exit code reports the result
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `man`.
#[derive(Debug, ClapArgs)]
pub struct ManArgs {
    /// Write stage-images.1 and a page per command (stage-images-list.1, …) into this folder,
    /// which must exist, instead of printing the main page
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Arguments of `completions`.
#[derive(Debug, ClapArgs)]
pub struct CompletionsArgs {
    /// Shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Why a run failed, which decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    Runtime(String),
    /// `has` found no such version and has already printed why.
    #[error("the version is not offered")]
    NotOffered,
    /// A failure of one of several profiles (`diff`).
    #[error("profile {profile}: {source}")]
    InProfile {
        profile: String,
        source: Box<Failure>,
    },
}

impl Failure {
    /// The process exit code for this failure.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) | Self::Usage(_) => 2,
            Self::Fetch(error) if error.is_configuration() => 2,
            Self::Fetch(_) | Self::Runtime(_) | Self::NotOffered => 1,
            Self::InProfile { source, .. } => source.exit_code(),
        }
    }
}

/// Entry point of the binary.
#[must_use]
pub fn main() -> ExitCode {
    crate::startup::mark();
    // Read the local time offset while the process has one thread; later it may be refused.
    let utc_offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let args = Args::parse();
    match run(args, utc_offset) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::NotOffered) => ExitCode::from(Failure::NotOffered.exit_code()),
        Err(failure) => {
            eprintln!("stage-images: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

fn run(args: Args, utc_offset: UtcOffset) -> Result<(), Failure> {
    // Generated documents need no config, log or network, so that shells can load
    // completions at start-up quickly and without side effects.
    match &args.command {
        Some(Command::Completions(completions_args)) => {
            return completions::print_completions(completions_args.shell);
        }
        Some(Command::Man(man_args)) => return completions::man_pages(man_args.out_dir.as_deref()),
        _ => {}
    }
    let interactive = args.command.is_none();
    let log_options = LogOptions {
        file: args.log_file.clone(),
        debug: args.debug,
        stderr: args.debug && !interactive,
    };
    let _log_guard = match logging::init(&log_options) {
        Ok(guard) => guard,
        Err(message) => {
            eprintln!("stage-images: warning: {message}; continuing without a log file");
            None
        }
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), command = ?args.command, "stage-images started");
    // The outcome is logged here, while the log writer still runs: it stops with `_log_guard`.
    let result = run_logged(args, utc_offset, interactive);
    match &result {
        Ok(()) | Err(Failure::NotOffered) => tracing::info!("stage-images finished"),
        Err(failure) => tracing::error!(%failure, "stage-images failed"),
    }
    result
}

fn run_logged(args: Args, utc_offset: UtcOffset, interactive: bool) -> Result<(), Failure> {
    if interactive && !std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "standard output is not a terminal; use `stage-images list` for scripts".to_owned(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Runtime(format!("cannot start the async runtime: {error}")))?;
    runtime.block_on(run_async(args, utc_offset))
}

async fn run_async(args: Args, utc_offset: UtcOffset) -> Result<(), Failure> {
    match &args.command {
        Some(Command::Config(command)) => return config_cmd::run(command, &args),
        Some(Command::Profiles(profiles_args)) => {
            let config = load_config(args.config.clone())?;
            print_warnings(&config.warnings);
            let cache_dir = location::cache_dir();
            return profiles::run(
                &config,
                profiles_args,
                &SdkLookup::from_process(),
                cache_dir.as_deref(),
            );
        }
        Some(Command::Diff(diff_args)) => {
            if args.demo {
                return Err(Failure::Usage(
                    "diff compares profiles of the config file; it cannot be used with --demo"
                        .to_owned(),
                ));
            }
            let config = load_config(args.config.clone())?;
            print_warnings(&config.warnings);
            let cache = CatalogueCache::default_location();
            return diff::run(&config, diff_args, cache.as_ref(), args.offline).await;
        }
        _ => {}
    }
    let chosen = choose::choose_profiles(&args).await?;
    let profile = chosen.current();
    tracing::info!(
        profile = %profile.name,
        region = %profile.region,
        endpoint = %profile.endpoint,
        auth = %profile.credentials.method(),
        offline = args.offline,
        "profile selected"
    );

    match &args.command {
        Some(Command::List(list_args)) => {
            let release_status = load_release_status()?;
            let context = list::ListContext {
                cache: chosen.cache.as_ref(),
                offline: args.offline,
                release_status: &release_status,
                today: today(utc_offset),
            };
            list::run(profile, list_args, &context).await
        }
        Some(Command::Has(has_args)) => {
            has::run(profile, chosen.cache.as_ref(), args.offline, has_args).await
        }
        Some(
            Command::Completions(_)
            | Command::Man(_)
            | Command::Profiles(_)
            | Command::Diff(_)
            | Command::Config(_),
        ) => Ok(()),
        None => {
            let release_status = load_release_status()?;
            browse::run(chosen, release_status, &args, utc_offset).await
        }
    }
}

/// Reads the bundled release status table and the user's override file.
fn load_release_status() -> Result<ReleaseTable, Failure> {
    let table = ReleaseTable::load(default_override_file().as_deref())?;
    if let Some(path) = &table.override_file {
        tracing::info!(path = %path.display(), "release status override file read");
    }
    Ok(table)
}

/// Today's date in local time.
fn today(utc_offset: UtcOffset) -> Date {
    OffsetDateTime::now_utc().to_offset(utc_offset).date()
}

fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        tracing::warn!("{warning}");
        eprintln!("stage-images: warning: {warning}");
    }
}

fn load_config(explicit: Option<PathBuf>) -> Result<Config, Failure> {
    let (path, origin) = config_file(explicit)?;
    Ok(Config::load(&path, origin)?)
}

/// Returns the config file of this run: `--config` or `STAGE_IMAGES_CONFIG`, else the default
/// one.
fn config_file(explicit: Option<PathBuf>) -> Result<(PathBuf, ConfigOrigin), Failure> {
    if let Some(path) = explicit {
        return Ok((path, ConfigOrigin::Explicit));
    }
    let path = location::default_config_file().ok_or_else(|| {
        Failure::Usage(
            "cannot find the home folder for the default config file; pass --config PATH"
                .to_owned(),
        )
    })?;
    Ok((path, ConfigOrigin::Default))
}

//! Choosing the profiles of a run: every profile of the config (only the demo's with
//! `--demo`), the one in use, and the settings that come with them.

use super::{Args, Failure, load_config, print_warnings};
use crate::auth::sdk::SdkLookup;
use crate::cache::CatalogueCache;
use crate::config::{ClipboardSettings, ConfigError, Profile, RefreshSettings, UiSettings};
use crate::demo::DemoServer;

/// The profiles of this run and the settings that come with them.
#[derive(Debug)]
pub struct Chosen {
    /// Every profile of the config, sorted by name; only the demo profile with `--demo`.
    pub profiles: Vec<Profile>,
    /// Position of the profile in use in `profiles`, always a valid one.
    pub current: usize,
    pub clipboard: ClipboardSettings,
    /// Mouse, theme and keys; the defaults for the demo, which reads no config.
    pub ui: UiSettings,
    pub refresh: RefreshSettings,
    /// Cache of catalogues, or `None` for the demo.
    pub cache: Option<CatalogueCache>,
    /// Keeps the demo server running for the whole run.
    pub demo_server: Option<DemoServer>,
}

impl Chosen {
    /// Returns the profile in use.
    #[must_use]
    pub fn current(&self) -> &Profile {
        &self.profiles[self.current]
    }
}

/// Loads the profiles of this run and picks the one in use: `--profile`, else
/// `STAGE_IMAGES_PROFILE`, else `default_profile`, else the only profile.
///
/// A profile without credential keys takes them from the official SDKs' places. For the
/// profile in use, finding none is an error. For the others it is only logged, because they
/// may never be used in this run.
pub async fn choose_profiles(args: &Args) -> Result<Chosen, Failure> {
    if args.demo {
        if let Some(name) = &args.profile {
            // The profile may come from STAGE_IMAGES_PROFILE, so this is no usage error.
            eprintln!(
                "stage-images: warning: --demo uses its own profile; profile {name:?} (from --profile \
                 or STAGE_IMAGES_PROFILE) is ignored"
            );
        }
        let server = DemoServer::start(DemoServer::delay_from_env())
            .await
            .map_err(|error| {
                Failure::Runtime(format!(
                    "cannot start the demo server on 127.0.0.1: {error}"
                ))
            })?;
        return Ok(Chosen {
            profiles: vec![server.profile()],
            current: 0,
            clipboard: ClipboardSettings {
                command: None,
                osc52: true,
            },
            ui: UiSettings::default(),
            refresh: RefreshSettings::default(),
            cache: None,
            demo_server: Some(server),
        });
    }
    let config = load_config(args.config.clone())?;
    print_warnings(&config.warnings);
    let name = config.select(args.profile.as_deref())?.name.clone();
    let mut profiles: Vec<Profile> = config.profiles.into_values().collect();
    let current = profiles
        .iter()
        .position(|profile| profile.name == name)
        .ok_or_else(|| Failure::Runtime(format!("profile {name:?} vanished after selection")))?;

    let lookup = SdkLookup::from_process();
    for (index, profile) in profiles.iter_mut().enumerate() {
        match profile.resolve_sdk_fallback(&lookup) {
            Ok(warnings) if index == current => print_warnings(&warnings),
            Ok(warnings) => {
                for warning in warnings {
                    tracing::warn!(profile = %profile.name, "{warning}");
                }
            }
            Err(error) if index == current => {
                return Err(ConfigError::new(None, error.to_string()).into());
            }
            Err(error) => {
                tracing::warn!(profile = %profile.name, %error, "no credentials found for the profile");
            }
        }
    }
    Ok(Chosen {
        profiles,
        current,
        clipboard: config.clipboard,
        ui: config.ui,
        refresh: config.refresh,
        cache: CatalogueCache::default_location(),
        demo_server: None,
    })
}

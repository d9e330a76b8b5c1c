//! Getting a profile's catalogue for a command: fetched from the service and then cached, or
//! read from the cache alone with `--offline`.

use std::time::SystemTime;

use super::Failure;
use crate::api::Client;
use crate::cache::{CacheKey, CachedCatalogue, CatalogueCache};
use crate::catalogue::Catalogue;
use crate::catalogue::decode::Problems;
use crate::config::Profile;

/// A catalogue for a command, with the cached one it replaced.
#[derive(Debug)]
pub struct Obtained {
    pub catalogue: Catalogue,
    pub fetched_at: SystemTime,
    /// Whether the catalogue was read from the cache instead of fetched.
    pub from_cache: bool,
    /// Whether this fetch was written to the cache (never for the demo or offline).
    pub stored: bool,
    /// The catalogue cached before this fetch, when there was a usable one.
    pub previous: Option<CachedCatalogue>,
    /// What the decoder skipped in the service's response.
    pub problems: Problems,
}

impl Obtained {
    /// Prints to standard error how old a catalogue read from the cache is, so output read
    /// offline is never taken for fresh.
    pub fn report_age(&self, profile: &str) {
        if self.from_cache {
            let age = crate::tui::clock::age(self.fetched_at, SystemTime::now());
            eprintln!("stage-images: profile {profile}: catalogue cached {age} (offline)");
        }
    }

    /// Reports each part of the response the decoder skipped once on standard error, after
    /// `context` (such as `profile dev: `), and then how many more there were.
    pub fn report_problems(&self, context: &str) {
        for problem in self.problems.kept() {
            eprintln!("stage-images: warning: {context}skipped invalid data: {problem}");
        }
        let unlisted = self.problems.total() - self.problems.kept().len();
        if unlisted > 0 {
            eprintln!("stage-images: warning: {context}skipped {unlisted} more invalid items");
        }
    }
}

/// Fetches the catalogue of `profile` and caches it, or with `offline` reads the cached one.
///
/// A cache that cannot be written only gives a warning on standard error: the command still
/// has its catalogue.
pub async fn obtain(
    profile: &Profile,
    cache: Option<&CatalogueCache>,
    offline: bool,
) -> Result<Obtained, Failure> {
    let key = CacheKey::of(profile);
    if offline {
        return read_cached(profile, cache, &key);
    }
    let previous = cache.and_then(|cache| cache.load_or_warn(&key));
    // The client fails to build only for reasons in the user's setup (no CA certificates).
    let client = Client::new(profile).map_err(|error| Failure::Usage(error.to_string()))?;
    let fetched = client.fetch_catalogue().await?;
    let mut stored = false;
    if let Some(cache) = cache {
        match cache.store(
            &key,
            fetched.project_id.as_str(),
            &fetched.catalogue,
            fetched.fetched_at,
        ) {
            Ok(_) => stored = true,
            Err(error) => {
                tracing::warn!(profile = %profile.name, %error, "catalogue not cached");
                eprintln!("stage-images: warning: {error}");
            }
        }
    }
    Ok(Obtained {
        catalogue: fetched.catalogue,
        fetched_at: fetched.fetched_at,
        from_cache: false,
        stored,
        previous,
        problems: fetched.problems,
    })
}

fn read_cached(
    profile: &Profile,
    cache: Option<&CatalogueCache>,
    key: &CacheKey,
) -> Result<Obtained, Failure> {
    let Some(cache) = cache else {
        return Err(Failure::Runtime(
            "--offline needs the cache folder, but the home folder is unknown".to_owned(),
        ));
    };
    let cached = cache
        .load(key)
        .map_err(|error| Failure::Runtime(error.to_string()))?
        .ok_or_else(|| {
            Failure::Runtime(format!(
                "no cached catalogue for profile {}; run once without --offline to fetch it",
                profile.name
            ))
        })?;
    tracing::info!(profile = %profile.name, "catalogue read from the cache (offline)");
    Ok(Obtained {
        catalogue: cached.catalogue,
        fetched_at: cached.fetched_at,
        from_cache: true,
        stored: false,
        previous: None,
        problems: Problems::default(),
    })
}

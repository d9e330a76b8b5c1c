//! The catalogue cache: the last catalogue fetched for each profile, one JSON file per profile.
//!
//! Files live in the `catalogues/` folder of the platform's cache folder
//! ([`crate::config::location::cache_dir`]), one per profile, named like the token and project
//! id caches beside them ([`crate::auth::store::file_stem`]). Each contains the catalogue with
//! versions in the order the service returned them, the time it was fetched, and the profile,
//! endpoint, region and project it belongs to. It never contains credentials. A file is written
//! to a temporary file in the same folder and then renamed over the old one
//! ([`CacheFile::write`]), so a crash or a second instance leaves either the old file or the new
//! one, never a torn mix.
//!
//! A file that cannot be read or decoded is ignored with a logged warning; the cache only saves
//! time, so its failures are never fatal.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::store::CacheFile;
use crate::catalogue::{self, Catalogue, VersionOrder};
use crate::config::Profile;

/// Folder of the catalogue files inside the cache folder.
pub const CATALOGUE_FOLDER: &str = "catalogues";

/// Version of the file layout; a file with another version is ignored.
pub const FORMAT: u32 = 1;

/// Maximum size of a cache file read, in bytes. It is twice the default cap on response
/// bodies, so a file written by this program fits.
// NOTE: a profile whose `max_body_size` is raised above 8 MiB may write a file too large to
// read back; it is then reported as corrupt and the catalogue is fetched again.
pub const MAX_FILE_BYTES: u64 = 2 * crate::config::network::DEFAULT_MAX_BODY_BYTES;

/// Identity of a cached catalogue, as the profile is configured now. A file that belongs to
/// another endpoint, region or configured project (the config changed since) is not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    pub profile: String,
    pub endpoint: String,
    pub region: String,
    /// The configured project id; `None` when it is resolved from the region, which then
    /// accepts the project id the file names.
    pub project_id: Option<String>,
}

impl CacheKey {
    /// Returns the key of a profile as configured now.
    #[must_use]
    pub fn of(profile: &Profile) -> Self {
        Self {
            profile: profile.name.clone(),
            endpoint: profile.endpoint.to_string(),
            region: profile.region.to_string(),
            project_id: profile.project_id.as_ref().map(ToString::to_string),
        }
    }

    /// Returns whether a file written for `written` may be used for this key.
    fn accepts(&self, written: &CacheKey, project_id: &str) -> bool {
        self.profile == written.profile
            && self.endpoint == written.endpoint
            && self.region == written.region
            && self
                .project_id
                .as_deref()
                .is_none_or(|configured| configured == project_id)
    }
}

/// A catalogue read from the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedCatalogue {
    /// The key the file was written with.
    pub key: CacheKey,
    /// The project the catalogue belongs to, configured or resolved from the region.
    pub project_id: String,
    pub fetched_at: SystemTime,
    pub catalogue: Catalogue,
}

/// Error reading or writing a cache file.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot read the cache file {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("the cache file {} is corrupt ({reason}); it is ignored and replaced after the next fetch", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot write the cache file {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// The file layout, format 1.
#[derive(Serialize, Deserialize)]
struct FileLayout {
    format: u32,
    profile: String,
    endpoint: String,
    region: String,
    /// The project the catalogue belongs to, configured or resolved from the region.
    project_id: String,
    /// Whether `project_id` is configured (true) or was resolved from the region (false).
    project_id_configured: bool,
    /// RFC 3339 time in UTC.
    fetched_at: String,
    /// Language names mapped to versions, in the shape of the service's response.
    catalogue: serde_json::Map<String, serde_json::Value>,
}

/// The cache folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueCache {
    dir: PathBuf,
}

impl CatalogueCache {
    /// Creates a cache in `dir`. The folder itself is created on the first write.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Returns the cache in the platform's cache folder, when the home folder is known.
    #[must_use]
    pub fn default_location() -> Option<Self> {
        crate::config::location::cache_dir().map(Self::new)
    }

    /// Returns the cache folder.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the file of one profile.
    #[must_use]
    pub fn file_for(&self, profile: &str) -> CacheFile {
        CacheFile::new(&self.dir, CATALOGUE_FOLDER, profile)
    }

    /// Returns the path of the file of one profile.
    #[must_use]
    pub fn path_for(&self, profile: &str) -> PathBuf {
        self.file_for(profile).path().to_path_buf()
    }

    /// Reads the cached catalogue of a profile. Returns `Ok(None)` when there is none, or when
    /// the file belongs to another endpoint or project than `key` names.
    pub fn load(&self, key: &CacheKey) -> Result<Option<CachedCatalogue>, CacheError> {
        let path = self.path_for(&key.profile);
        let bytes = match read_limited(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) if error.kind() == io::ErrorKind::FileTooLarge => {
                return Err(CacheError::Corrupt {
                    path,
                    reason: format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
                });
            }
            Err(source) => return Err(CacheError::Read { path, source }),
        };
        let entry = parse(&bytes).map_err(|reason| CacheError::Corrupt {
            path: path.clone(),
            reason,
        })?;
        if !key.accepts(&entry.key, &entry.project_id) {
            tracing::info!(
                path = %path.display(),
                cached_endpoint = %entry.key.endpoint,
                cached_region = %entry.key.region,
                cached_project_id = %entry.project_id,
                "cached catalogue belongs to another endpoint, region or project; not used"
            );
            return Ok(None);
        }
        Ok(Some(entry))
    }

    /// Like [`Self::load`], but logs a warning and returns `None` when the file cannot be used.
    #[must_use]
    pub fn load_or_warn(&self, key: &CacheKey) -> Option<CachedCatalogue> {
        match self.load(key) {
            Ok(entry) => entry,
            Err(error) => {
                tracing::warn!(profile = %key.profile, %error, "cached catalogue ignored");
                None
            }
        }
    }

    /// Writes the catalogue of a profile, fetched for `project_id`, replacing the old file
    /// atomically. Returns the path written.
    pub fn store(
        &self,
        key: &CacheKey,
        project_id: &str,
        catalogue: &Catalogue,
        fetched_at: SystemTime,
    ) -> Result<PathBuf, CacheError> {
        let file = self.file_for(&key.profile);
        let path = file.path().to_path_buf();
        let write_error = |source| CacheError::Write {
            path: path.clone(),
            source,
        };
        let text = serialize(key, project_id, catalogue, fetched_at).map_err(write_error)?;
        file.write(&text).map_err(write_error)?;
        tracing::debug!(path = %path.display(), "catalogue cached");
        Ok(path)
    }
}

fn read_limited(path: &Path) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io::Error::from(io::ErrorKind::FileTooLarge));
    }
    Ok(bytes)
}

fn serialize(
    key: &CacheKey,
    project_id: &str,
    catalogue: &Catalogue,
    fetched_at: SystemTime,
) -> io::Result<String> {
    let fetched_at = OffsetDateTime::from(fetched_at)
        .format(&Rfc3339)
        .map_err(io::Error::other)?;
    let catalogue = catalogue
        .languages()
        .iter()
        .map(|language| {
            let versions = language
                .versions(VersionOrder::Api)
                .map(serde_json::Value::from)
                .collect();
            (
                language.name().to_owned(),
                serde_json::Value::Array(versions),
            )
        })
        .collect();
    let file = FileLayout {
        format: FORMAT,
        profile: key.profile.clone(),
        endpoint: key.endpoint.clone(),
        region: key.region.clone(),
        project_id: project_id.to_owned(),
        project_id_configured: key.project_id.is_some(),
        fetched_at,
        catalogue,
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text)
}

fn parse(bytes: &[u8]) -> Result<CachedCatalogue, String> {
    let file: FileLayout =
        serde_json::from_slice(bytes).map_err(|error| format!("invalid JSON: {error}"))?;
    if file.format != FORMAT {
        return Err(format!(
            "format {} is not the supported format {FORMAT}",
            file.format
        ));
    }
    let fetched_at = OffsetDateTime::parse(&file.fetched_at, &Rfc3339)
        .map_err(|error| format!("invalid fetched_at {:?}: {error}", file.fetched_at))?;
    // The catalogue goes through the same checks as a response from the service, so a file
    // edited by hand cannot put control characters on screen.
    let body = serde_json::to_vec(&file.catalogue).map_err(|error| error.to_string())?;
    let decoded = catalogue::decode(&body).map_err(|error| error.to_string())?;
    if let Some(summary) = decoded.problems.summary() {
        return Err(summary);
    }
    Ok(CachedCatalogue {
        key: CacheKey {
            profile: file.profile,
            endpoint: file.endpoint,
            region: file.region,
            project_id: file.project_id_configured.then(|| file.project_id.clone()),
        },
        project_id: file.project_id,
        fetched_at: SystemTime::from(fetched_at),
        catalogue: decoded.catalogue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_format_is_rejected() {
        let text = br#"{"format":2,"profile":"p","endpoint":"e","region":"r","project_id":"i","project_id_configured":true,"fetched_at":"2026-01-01T00:00:00Z","catalogue":{}}"#;
        assert_eq!(
            parse(text).expect_err("format 2"),
            "format 2 is not the supported format 1"
        );
    }

    #[test]
    fn invalid_versions_make_the_file_corrupt() {
        let text = br#"{"format":1,"profile":"p","endpoint":"e","region":"r","project_id":"i","project_id_configured":true,"fetched_at":"2026-01-01T00:00:00Z","catalogue":{"Java":["17",21]}}"#;
        assert_eq!(
            parse(text).expect_err("number version"),
            "skipped invalid data: Java: item 1 is the number 21, not a version string"
        );
    }
}

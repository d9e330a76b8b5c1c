//! The project id of a profile: configured, or resolved from the region through IAM.
//!
//! A profile without `project_id` sends `GET {iam}/v3/projects?name={region}` once, with the
//! profile's own credentials, and stores the id in `projects/{profile}.json` in the cache
//! folder, so later runs skip the request. The cached id is used only for the same region and
//! IAM endpoint, and is dropped when the catalogue request answers 404.

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::{Client, FetchError, iam};
use crate::auth::store::CacheFile;
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use crate::region::Region;

/// Cache subfolder of resolved project ids.
pub const PROJECT_FOLDER: &str = "projects";

/// Source of the project id.
#[derive(Debug)]
pub struct ProjectResolver {
    source: Source,
    resolved: std::sync::Mutex<Option<ProjectId>>,
    /// Held while a lookup runs, so concurrent fetches send one lookup, not several.
    lookup: Mutex<()>,
}

#[derive(Debug)]
enum Source {
    Configured,
    Region {
        region: Region,
        iam_endpoint: Endpoint,
        cache: Option<CacheFile>,
    },
}

/// The content of a project cache file.
#[derive(Debug, Serialize, Deserialize)]
struct CachedProject {
    region: String,
    iam_endpoint: String,
    project_id: String,
}

impl ProjectResolver {
    /// Creates a resolver for a project id given in the profile.
    #[must_use]
    pub fn known(project_id: ProjectId) -> Self {
        Self {
            source: Source::Configured,
            resolved: std::sync::Mutex::new(Some(project_id)),
            lookup: Mutex::new(()),
        }
    }

    /// Creates a resolver that looks the id up from `region` through `iam_endpoint`, and
    /// caches it in `cache`.
    ///
    /// It reads the cache file at once, on the calling thread, so the browser builds clients
    /// before its loop starts or on a blocking thread.
    #[must_use]
    pub fn from_region(region: Region, iam_endpoint: Endpoint, cache: Option<CacheFile>) -> Self {
        let resolver = Self {
            source: Source::Region {
                region,
                iam_endpoint,
                cache,
            },
            resolved: std::sync::Mutex::new(None),
            lookup: Mutex::new(()),
        };
        let cached = resolver.read_cache();
        resolver.set(cached);
        resolver
    }

    /// Returns the project id if it is configured or already resolved, without a request.
    #[must_use]
    pub fn known_now(&self) -> Option<ProjectId> {
        self.resolved
            .lock()
            .map_or(None, |resolved| resolved.clone())
    }

    /// Returns the project id, looking it up through IAM when it is not known yet.
    pub async fn project_id(&self, client: &Client) -> Result<ProjectId, FetchError> {
        if let Some(id) = self.known_now() {
            return Ok(id);
        }
        let Source::Region {
            region,
            iam_endpoint,
            cache,
        } = &self.source
        else {
            unreachable!("a configured project id is always known");
        };
        let _running = self.lookup.lock().await;
        // Another fetch may have finished the lookup while this one waited.
        if let Some(id) = self.known_now() {
            return Ok(id);
        }
        let found = iam::list_projects(client, iam_endpoint, region).await?;
        let id = choose(found, region, iam_endpoint)?;
        tracing::info!(region = %region, project_id = %id, "resolved the project id from the region");
        if let Some(cache) = cache {
            let entry = CachedProject {
                region: region.to_string(),
                iam_endpoint: iam_endpoint.to_string(),
                project_id: id.to_string(),
            };
            let written = match serde_json::to_string(&entry) {
                Ok(text) => cache.write_async(text).await,
                Err(error) => Err(std::io::Error::other(error)),
            };
            if let Err(error) = written {
                tracing::warn!(path = %cache.path().display(), %error, "cannot cache the project id");
            }
        }
        self.set(Some(id.clone()));
        Ok(id)
    }

    /// Forgets a resolved project id and its cache file; a configured one stays.
    pub async fn forget_resolved(&self) {
        if let Source::Region { cache, .. } = &self.source {
            self.set(None);
            if let Some(cache) = cache {
                cache.remove_async().await;
            }
        }
    }

    fn set(&self, id: Option<ProjectId>) {
        if let Ok(mut resolved) = self.resolved.lock() {
            *resolved = id;
        }
    }

    fn read_cache(&self) -> Option<ProjectId> {
        let Source::Region {
            region,
            iam_endpoint,
            cache: Some(cache),
        } = &self.source
        else {
            return None;
        };
        let entry: CachedProject = serde_json::from_str(&cache.read()?)
            .inspect_err(|error| {
                tracing::warn!(path = %cache.path().display(), %error, "ignoring an unreadable project cache file");
            })
            .ok()?;
        if entry.region != region.as_str() || entry.iam_endpoint != iam_endpoint.to_string() {
            return None;
        }
        let id = ProjectId::parse(&entry.project_id).ok()?;
        tracing::debug!(project_id = %id, "project id read from the cache");
        Some(id)
    }
}

/// Reads the cached project id of a profile, for listings; no request is sent.
#[must_use]
pub fn cached_project_id(
    cache_dir: &std::path::Path,
    profile: &str,
    region: &Region,
    iam_endpoint: &Endpoint,
) -> Option<ProjectId> {
    ProjectResolver::from_region(
        region.clone(),
        iam_endpoint.clone(),
        Some(CacheFile::new(cache_dir, PROJECT_FOLDER, profile)),
    )
    .known_now()
}

/// Picks the one project IAM listed, or returns the error for none or several.
fn choose(
    found: Vec<iam::ListedProject>,
    region: &Region,
    iam_endpoint: &Endpoint,
) -> Result<ProjectId, FetchError> {
    // The name filter is applied by IAM; checking it here too guards against a server that
    // ignores it and lists every project.
    let matching: Vec<iam::ListedProject> = found
        .into_iter()
        .filter(|project| {
            project
                .name
                .as_deref()
                .is_none_or(|name| name == region.as_str())
        })
        .collect();
    match matching.as_slice() {
        [] => Err(FetchError::NoProject {
            region: region.to_string(),
            endpoint: iam_endpoint.to_string(),
        }),
        [only] => ProjectId::parse(&only.id).map_err(|error| FetchError::IamAnswer {
            endpoint: iam_endpoint.to_string(),
            reason: format!("the project id is invalid: {error}"),
            request_id: None,
        }),
        several => Err(FetchError::SeveralProjects {
            region: region.to_string(),
            endpoint: iam_endpoint.to_string(),
            ids: several.iter().map(|project| project.id.clone()).collect(),
        }),
    }
}

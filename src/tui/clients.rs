//! The API client of each profile, built on first use.
//!
//! Building a client loads the system's certificate store, which takes long enough to notice
//! when a config has many profiles. So only the profile in use gets its client before the
//! browser opens. The others get theirs when first fetched, on a blocking thread, so the screen
//! keeps drawing meanwhile.

use std::sync::{Arc, OnceLock};

use crate::api::{Client, FetchError, Fetched, RetryNotice};
use crate::config::Profile;

/// A profile's client, built at most once and shared by every fetch of that profile.
#[derive(Clone, Debug)]
pub struct LazyClient {
    profile: Arc<Profile>,
    /// The client, or why it could not be built.
    client: Arc<OnceLock<Result<Client, String>>>,
}

impl LazyClient {
    /// Creates the client of `profile`, using `built` when the caller already has one.
    #[must_use]
    pub fn new(profile: Profile, built: Option<Client>) -> Self {
        let client = OnceLock::new();
        if let Some(built) = built {
            // The lock is new, so this cannot fail.
            let _ = client.set(Ok(built));
        }
        Self {
            profile: Arc::new(profile),
            client: Arc::new(client),
        }
    }

    /// Returns the profile this client sends requests for.
    #[must_use]
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Fetches the profile's catalogue, building the client first when needed.
    pub async fn fetch_catalogue(&self) -> Result<Fetched, FetchError> {
        self.client().await?.fetch_catalogue().await
    }

    /// Fetches the profile's catalogue like [`LazyClient::fetch_catalogue`], passing each
    /// retry notice to `on_retry`.
    pub async fn fetch_catalogue_reporting(
        &self,
        on_retry: &mut (dyn FnMut(&RetryNotice) + Send),
    ) -> Result<Fetched, FetchError> {
        self.client()
            .await?
            .fetch_catalogue_reporting(on_retry)
            .await
    }

    async fn client(&self) -> Result<Client, FetchError> {
        let built = if let Some(built) = self.client.get() {
            built.clone()
        } else {
            let this = self.clone();
            tokio::task::spawn_blocking(move || {
                this.client
                    .get_or_init(|| Client::new(&this.profile).map_err(|error| error.to_string()))
                    .clone()
            })
            .await
            .map_err(|error| format!("building the HTTP client failed: {error}"))
            .and_then(|built| built)
        };
        built.map_err(|reason| FetchError::Other {
            endpoint: self.profile.endpoint.to_string(),
            reason,
        })
    }
}

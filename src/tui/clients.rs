//! The API client of each profile, built on first use.
//!
//! Building a client loads the system's certificate store, which takes long enough to notice
//! when a config has many profiles. So only the profile in use gets its client before the
//! browser opens. The others get theirs when first fetched, on a blocking thread, so the screen
//! keeps drawing meanwhile.

use std::sync::{Arc, OnceLock};

use crate::api::{Client, ClientBuildError, FetchError, Fetched, RetryNotice};
use crate::config::Profile;

/// A profile's client, built at most once and shared by every fetch of that profile.
#[derive(Clone, Debug)]
pub struct LazyClient {
    profile: Arc<Profile>,
    /// The client, or why it could not be built.
    client: Arc<OnceLock<Result<Client, Arc<ClientBuildError>>>>,
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

    /// Returns the client, building it on a blocking thread the first time. A failure to
    /// build it is kept and returned to every later fetch, except when the building thread
    /// itself stopped.
    async fn client(&self) -> Result<Client, FetchError> {
        let built = if let Some(built) = self.client.get() {
            built.clone()
        } else {
            let this = self.clone();
            let building = tokio::task::spawn_blocking(move || {
                this.client
                    .get_or_init(|| Client::new(&this.profile).map_err(Arc::new))
                    .clone()
            });
            building.await.unwrap_or_else(|error| {
                Err(Arc::new(ClientBuildError::Interrupted(error.to_string())))
            })
        };
        built.map_err(|source| FetchError::Setup {
            profile: self.profile.name.clone(),
            source,
        })
    }
}

//! Authentication: the credentials a profile holds and how they are attached to a request.
//!
//! This module decides what goes into the `X-Auth-Token` header (or later a signature); the
//! API client calls [`Authenticator::authorize`] on each request just before sending it, and
//! only for requests to the profile's own endpoint.

pub mod signer;

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};
use tokio::sync::Mutex;

use crate::secret::{ExposeSecret, SecretError, SecretSource, SecretString};

/// Header carrying an IAM token.
pub const AUTH_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-auth-token");

/// The credentials of a profile.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token`.
    Token(SecretSource),
}

/// The kind of credentials, for status lines and listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    Token,
}

impl AuthMethod {
    /// Short label shown in the status bar (`token`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Token => "token",
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Credentials {
    /// Which kind of credentials these are.
    #[must_use]
    pub fn method(&self) -> AuthMethod {
        match self {
            Self::Token(_) => AuthMethod::Token,
        }
    }

    /// Says where the secret comes from (`token from env HW_TOKEN`), never what it is.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Token(source) => format!("token from {}", source.describe()),
        }
    }
}

/// Why a request could not be authorized.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the token holds characters that cannot be sent in an HTTP header")]
    InvalidTokenCharacters,
}

/// Attaches a profile's credentials to requests.
///
/// Secrets are read on first use, not at start-up, so a slow `token_command` never delays the
/// first frame, and kept in memory until [`Authenticator::forget`] drops them (after a 401).
pub struct Authenticator {
    credentials: Credentials,
    token: Mutex<Option<SecretString>>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    #[must_use]
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            token: Mutex::new(None),
        }
    }

    /// The credentials this authenticator applies.
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Adds the authentication headers to a request about to be sent.
    pub async fn authorize(&self, request: &mut reqwest::Request) -> Result<(), AuthError> {
        match &self.credentials {
            Credentials::Token(source) => {
                let token = self.cached_token(source, "token").await?;
                let mut value = HeaderValue::from_str(token.expose_secret().trim())
                    .map_err(|_| AuthError::InvalidTokenCharacters)?;
                value.set_sensitive(true);
                request.headers_mut().insert(AUTH_TOKEN_HEADER, value);
            }
        }
        Ok(())
    }

    /// Drops secrets kept in memory, so the next request reads them again.
    pub async fn forget(&self) {
        *self.token.lock().await = None;
    }

    async fn cached_token(
        &self,
        source: &SecretSource,
        key: &str,
    ) -> Result<SecretString, AuthError> {
        let mut slot = self.token.lock().await;
        if let Some(token) = slot.as_ref() {
            return Ok(token.clone());
        }
        let key = match source {
            SecretSource::Inline(_) => key.to_owned(),
            SecretSource::Env(_) => format!("{key}_env"),
            SecretSource::Command(_) => format!("{key}_command"),
        };
        let token = source.resolve(&key).await?;
        *slot = Some(token.clone());
        Ok(token)
    }
}

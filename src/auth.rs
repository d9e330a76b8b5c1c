//! Authentication: the credentials a profile contains and how they are attached to a request.
//!
//! Three kinds, one module each: an IAM token sent as `X-Auth-Token`, an access key pair that
//! signs each request ([`access_key`], [`signer`]), and an IAM user whose password is exchanged
//! for a token ([`password`]). A profile without credential keys takes an access key pair from
//! the official SDKs' environment variables or credentials file ([`sdk`]).
//!
//! The API client calls [`Authenticator::authorize`] on each request just before sending it,
//! and only for requests to the profile's own `ServiceStage` or IAM endpoint.

pub mod access_key;
pub mod password;
pub mod permissions;
pub mod sdk;
pub mod signer;
pub mod store;

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};
use time::OffsetDateTime;
use tokio::sync::Mutex;

pub use access_key::AccessKey;
pub use password::PasswordLogin;

use crate::api::FetchError;
use crate::secret::{ExposeSecret, SecretError, SecretSource, SecretString};
use access_key::Keys;
use password::LoginSession;

/// Header carrying an IAM token.
pub const AUTH_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-auth-token");

/// The credentials of a profile.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token`.
    Token(SecretSource),
    /// An access key pair that signs each request.
    AccessKey(AccessKey),
    /// An IAM user who logs in with a password.
    Password(PasswordLogin),
    /// The profile has no credential keys: an access key pair is taken from the official SDKs'
    /// environment variables or credentials file when the profile is used (see
    /// [`crate::config::Profile::resolve_sdk_fallback`]).
    SdkFallback,
}

/// The kind of credentials, for status lines and listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    Token,
    AccessKey,
    Password,
}

impl AuthMethod {
    /// Short label shown in the status bar (`token`, `AK/SK`, `IAM user`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::AccessKey => "AK/SK",
            Self::Password => "IAM user",
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Credentials {
    /// Returns the kind of these credentials. The SDKs' places only contain access key pairs.
    #[must_use]
    pub fn method(&self) -> AuthMethod {
        match self {
            Self::Token(_) => AuthMethod::Token,
            Self::AccessKey(_) | Self::SdkFallback => AuthMethod::AccessKey,
            Self::Password(_) => AuthMethod::Password,
        }
    }

    /// Says where the secrets come from (`token from env HW_TOKEN`), never what they are.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Token(source) => format!("token from {}", source.describe()),
            Self::AccessKey(keys) => keys.describe(),
            Self::Password(login) => login.describe(),
            Self::SdkFallback => format!(
                "AK/SK from {} and {}, else ~/.huaweicloud/credentials",
                sdk::AK_ENV,
                sdk::SK_ENV
            ),
        }
    }

    /// Returns whether a secret is written in the config file itself (`token = "..."`).
    #[must_use]
    pub fn has_inline_secret(&self) -> bool {
        let inline = |source: &SecretSource| matches!(source, SecretSource::Inline(_));
        match self {
            Self::Token(source) => inline(source),
            Self::AccessKey(keys) => {
                keys.origin == access_key::KeyOrigin::Profile
                    && (inline(&keys.access_key)
                        || inline(&keys.secret_key)
                        || keys.security_token.as_ref().is_some_and(inline))
            }
            Self::Password(login) => inline(&login.password),
            Self::SdkFallback => false,
        }
    }
}

/// Returns the config key a secret source came from: `token`, `token_env` or `token_command`.
#[must_use]
pub fn config_key(base: &str, source: &SecretSource) -> String {
    match source {
        SecretSource::Inline(_) => base.to_owned(),
        SecretSource::Env(_) => format!("{base}_env"),
        SecretSource::Command(_) => format!("{base}_command"),
    }
}

/// Error of a request that could not be authorized.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the {what} holds characters that cannot be sent in an HTTP header")]
    InvalidCharacters { what: &'static str },
    /// A client was built for password credentials without the IAM endpoint to log in at.
    #[error(
        "IAM password login needs the profile's IAM endpoint; build the client from the profile"
    )]
    NoLoginSession,
    /// A client was built for a profile whose SDK fallback was not resolved.
    #[error("the profile's credentials were not looked up; build the client from the profile")]
    FallbackNotResolved,
}

/// Outcome of [`Authenticator::authorize`], which decides whether a 401 is worth a retry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Authorized {
    /// An IAM token from memory or the cache file was attached, so a 401 may mean it expired
    /// early and a new login may help.
    renewable_token: bool,
}

impl Authorized {
    /// Returns whether logging in again may fix a 401 response.
    #[must_use]
    pub fn may_renew(self) -> bool {
        self.renewable_token
    }
}

/// Attaches a profile's credentials to requests.
///
/// Secrets are read on first use, not at start-up, so a slow `*_command` never delays the
/// first frame, and kept in memory until [`Authenticator::forget`] drops them (after a 401).
pub struct Authenticator {
    credentials: Credentials,
    login: Option<LoginSession>,
    token: Mutex<Option<password::SessionToken>>,
    keys: Mutex<Option<Keys>>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Creates an authenticator for token or access key credentials.
    #[must_use]
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            login: None,
            token: Mutex::new(None),
            keys: Mutex::new(None),
        }
    }

    /// Creates an authenticator that can log in with a password through `session`.
    #[must_use]
    pub fn with_login(credentials: Credentials, session: LoginSession) -> Self {
        Self {
            login: Some(session),
            ..Self::new(credentials)
        }
    }

    /// Returns the credentials this authenticator applies.
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Adds the authentication headers to a request about to be sent.
    ///
    /// For access keys this signs the request, so every other header must be set before.
    pub async fn authorize(
        &self,
        request: &mut reqwest::Request,
    ) -> Result<Authorized, FetchError> {
        match &self.credentials {
            Credentials::Token(source) => {
                let token = self.plain_token(source).await?;
                insert_token(request, &token)?;
                Ok(Authorized::default())
            }
            Credentials::AccessKey(access_key) => {
                let keys = self.keys(access_key).await?;
                access_key::sign_request(request, &keys, OffsetDateTime::now_utc())?;
                Ok(Authorized::default())
            }
            Credentials::Password(login) => {
                let session = self.login.as_ref().ok_or(AuthError::NoLoginSession)?;
                let now = OffsetDateTime::now_utc();
                let mut slot = self.token.lock().await;
                let token = match slot.take().filter(|token| token.is_usable(now)) {
                    Some(mut kept) => {
                        kept.fresh = false;
                        kept
                    }
                    None => session.token(login, now).await?,
                };
                insert_token(request, &token.token)?;
                let authorized = Authorized {
                    renewable_token: !token.fresh,
                };
                *slot = Some(token);
                Ok(authorized)
            }
            Credentials::SdkFallback => Err(AuthError::FallbackNotResolved.into()),
        }
    }

    /// Drops secrets kept in memory, and the cached IAM token, so the next request reads or
    /// obtains them again.
    pub async fn forget(&self) {
        *self.token.lock().await = None;
        *self.keys.lock().await = None;
        if let Some(session) = &self.login {
            session.drop_cached().await;
        }
    }

    async fn plain_token(&self, source: &SecretSource) -> Result<SecretString, AuthError> {
        let mut slot = self.token.lock().await;
        if let Some(kept) = slot.as_ref() {
            return Ok(kept.token.clone());
        }
        let token = source.resolve(&config_key("token", source)).await?;
        *slot = Some(password::SessionToken {
            token: token.clone(),
            expires_at: None,
            fresh: false,
        });
        Ok(token)
    }

    async fn keys(&self, access_key: &AccessKey) -> Result<Keys, AuthError> {
        let mut slot = self.keys.lock().await;
        if let Some(keys) = slot.as_ref() {
            return Ok(keys.clone());
        }
        let keys = access_key.resolve().await?;
        *slot = Some(keys.clone());
        Ok(keys)
    }
}

fn insert_token(request: &mut reqwest::Request, token: &SecretString) -> Result<(), AuthError> {
    let mut value = HeaderValue::from_str(token.expose_secret().trim())
        .map_err(|_| AuthError::InvalidCharacters { what: "token" })?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTH_TOKEN_HEADER, value);
    Ok(())
}

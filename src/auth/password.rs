//! IAM password login: a user name, an account (domain) name and a password, exchanged for a
//! token scoped to the region's project.
//!
//! The token is kept in memory and in `tokens/{profile}.json` in the cache folder (mode 0600),
//! so later runs reuse it without logging in. A cached token is used only for the same user,
//! account, IAM endpoint and scope, and only until five minutes before it expires. The
//! password itself is never cached.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::config_key;
use super::store::CacheFile;
use crate::api::FetchError;
use crate::api::iam::{self, PasswordIdentity};
use crate::config::NetworkSettings;
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use crate::secret::{ExposeSecret, SecretSource, SecretString};

/// Cache subfolder of IAM tokens.
pub const TOKEN_FOLDER: &str = "tokens";

/// A token is renewed when less than this is left before it expires, so that it does not
/// expire between being read and being used.
pub const RENEW_BEFORE_EXPIRY: Duration = Duration::minutes(5);

/// The login settings of a profile.
#[derive(Debug, Clone)]
pub struct PasswordLogin {
    /// `iam_user`: the IAM user name.
    pub user: String,
    /// `iam_domain`: the account (domain) name the user belongs to.
    pub domain: String,
    pub password: SecretSource,
}

impl PasswordLogin {
    /// Says who logs in and where the password comes from, never what it is.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "IAM user {} in account {}, password from {}",
            self.user,
            self.domain,
            self.password.describe()
        )
    }
}

/// Project the token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginScope {
    /// The project named after the region (`cn-north-4`).
    ProjectName(String),
    /// A configured project id.
    ProjectId(ProjectId),
}

impl LoginScope {
    fn cache_text(&self) -> String {
        match self {
            Self::ProjectName(name) => format!("name:{name}"),
            Self::ProjectId(id) => format!("id:{id}"),
        }
    }
}

/// Settings of a login besides the user's: where to send it and where to keep the token.
#[derive(Debug, Clone)]
pub struct LoginSession {
    pub http: reqwest::Client,
    pub iam_endpoint: Endpoint,
    pub scope: LoginScope,
    /// The token cache file; `None` keeps the token in memory only.
    pub cache: Option<CacheFile>,
    pub network: NetworkSettings,
}

/// A token and when it stops working.
#[derive(Debug, Clone)]
pub struct SessionToken {
    pub token: SecretString,
    pub expires_at: Option<OffsetDateTime>,
    /// Whether a login for this very request produced it.
    pub fresh: bool,
}

impl SessionToken {
    /// Returns whether the token can still be used at `now`.
    #[must_use]
    pub fn is_usable(&self, now: OffsetDateTime) -> bool {
        self.expires_at
            .is_none_or(|expires_at| expires_at - RENEW_BEFORE_EXPIRY > now)
    }
}

/// The content of a token cache file. It contains the token, so it implements no `Debug`.
#[derive(Serialize, Deserialize)]
struct CachedToken {
    token: String,
    expires_at: String,
    iam_endpoint: String,
    user: String,
    domain: String,
    scope: String,
}

impl LoginSession {
    /// Returns a token for `login`: from the cache file when a usable one is there, else by
    /// logging in (and caching the new token).
    pub async fn token(
        &self,
        login: &PasswordLogin,
        now: OffsetDateTime,
    ) -> Result<SessionToken, FetchError> {
        if let Some(cached) = self.read_cache(login, now).await {
            tracing::info!(iam_endpoint = %self.iam_endpoint, user = %login.user, "reusing the cached IAM token");
            return Ok(cached);
        }
        let password = login
            .password
            .resolve(&config_key("iam_password", &login.password))
            .await
            .map_err(|error| FetchError::Credentials(error.into()))?;
        let identity = PasswordIdentity {
            user: &login.user,
            domain: &login.domain,
            password: &password,
        };
        let issued = iam::request_token(
            &self.http,
            &self.iam_endpoint,
            &identity,
            &self.scope,
            self.network,
        )
        .await?;
        tracing::info!(iam_endpoint = %self.iam_endpoint, user = %login.user, expires_at = ?issued.expires_at, "logged in to IAM");
        if let Some(expires_at) = issued.expires_at {
            self.write_cache(login, &issued.token, expires_at).await;
        }
        Ok(SessionToken {
            token: issued.token,
            expires_at: issued.expires_at,
            fresh: true,
        })
    }

    /// Deletes the cached token, after the service rejected it.
    pub async fn drop_cached(&self) {
        if let Some(cache) = &self.cache {
            cache.remove_async().await;
        }
    }

    async fn read_cache(&self, login: &PasswordLogin, now: OffsetDateTime) -> Option<SessionToken> {
        let cache = self.cache.as_ref()?;
        let entry: CachedToken = serde_json::from_str(&cache.read_async().await?)
            .inspect_err(|error| {
                tracing::warn!(path = %cache.path().display(), %error, "ignoring an unreadable token cache file");
            })
            .ok()?;
        let same_login = entry.iam_endpoint == self.iam_endpoint.to_string()
            && entry.user == login.user
            && entry.domain == login.domain
            && entry.scope == self.scope.cache_text();
        if !same_login {
            tracing::debug!(path = %cache.path().display(), "the cached token belongs to another login");
            return None;
        }
        let expires_at = OffsetDateTime::parse(&entry.expires_at, &Rfc3339).ok()?;
        let token = SessionToken {
            token: SecretString::from(entry.token),
            expires_at: Some(expires_at),
            fresh: false,
        };
        if !token.is_usable(now) {
            tracing::info!(%expires_at, "the cached IAM token expires soon; logging in again");
            return None;
        }
        Some(token)
    }

    async fn write_cache(
        &self,
        login: &PasswordLogin,
        token: &SecretString,
        expires_at: OffsetDateTime,
    ) {
        let Some(cache) = &self.cache else {
            return;
        };
        let Ok(expires_text) = expires_at.format(&Rfc3339) else {
            return;
        };
        let entry = CachedToken {
            token: token.expose_secret().to_owned(),
            expires_at: expires_text,
            iam_endpoint: self.iam_endpoint.to_string(),
            user: login.user.clone(),
            domain: login.domain.clone(),
            scope: self.scope.cache_text(),
        };
        let written = match serde_json::to_string(&entry) {
            Ok(text) => cache.write_async(text).await,
            Err(error) => Err(std::io::Error::other(error)),
        };
        if let Err(error) = written {
            tracing::warn!(path = %cache.path().display(), %error, "cannot cache the IAM token; the next run logs in again");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn token_is_renewed_shortly_before_expiry() {
        let token = |expires_at| SessionToken {
            token: SecretString::from("t".to_owned()),
            expires_at,
            fresh: false,
        };
        let now = datetime!(2026-12-04 12:00 UTC);
        assert!(token(Some(datetime!(2026-12-04 12:06 UTC))).is_usable(now));
        assert!(!token(Some(datetime!(2026-12-04 12:05 UTC))).is_usable(now));
        assert!(!token(Some(datetime!(2026-12-04 11:00 UTC))).is_usable(now));
        assert!(token(None).is_usable(now));
    }

    #[test]
    fn describe_names_user_and_source() {
        let login = PasswordLogin {
            user: "alice".to_owned(),
            domain: "acme".to_owned(),
            password: SecretSource::Env("HW_PASSWORD".to_owned()),
        };
        assert_eq!(
            login.describe(),
            "IAM user alice in account acme, password from env HW_PASSWORD"
        );
    }
}

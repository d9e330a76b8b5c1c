//! AK/SK credentials: where the keys come from, and signing a request with them.
//!
//! The keys are read when the first request needs them and kept in memory by the
//! [`super::Authenticator`]. Temporary keys from STS come with a security token, which is sent
//! as `X-Security-Token` and signed like any other header.

use std::path::PathBuf;

use reqwest::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};
use time::OffsetDateTime;

use super::AuthError;
use super::signer::{self, RequestParts, SigningKey};
use crate::secret::{ExposeSecret, SecretError, SecretSource, SecretString};

/// Header carrying the security token of temporary AK/SK credentials.
pub const SECURITY_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-security-token");

/// Header carrying the signing time.
const DATE_HEADER: HeaderName = HeaderName::from_static("x-sdk-date");

/// An access key pair as configured, optionally temporary.
#[derive(Debug, Clone)]
pub struct AccessKey {
    pub access_key: SecretSource,
    pub secret_key: SecretSource,
    /// The security token of temporary credentials.
    pub security_token: Option<SecretSource>,
    /// Place the keys were found in, for messages.
    pub origin: KeyOrigin,
}

/// Place an access key pair was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The profile's own keys (`access_key_env`, `secret_key_command`, …).
    Profile,
    /// The official SDKs' environment variables (`HUAWEICLOUD_SDK_AK`, …).
    SdkEnvironment,
    /// The official SDKs' credentials file.
    SdkFile(PathBuf),
}

/// The keys, read and ready to sign with.
#[derive(Debug, Clone)]
pub struct Keys {
    pub access_key: SecretString,
    pub secret_key: SecretString,
    pub security_token: Option<SecretString>,
}

impl AccessKey {
    /// Reads the keys from their sources now.
    pub async fn resolve(&self) -> Result<Keys, SecretError> {
        let access_key = self
            .access_key
            .resolve(&self.key_name("access_key", &self.access_key))
            .await?;
        let secret_key = self
            .secret_key
            .resolve(&self.key_name("secret_key", &self.secret_key))
            .await?;
        let security_token = match &self.security_token {
            Some(source) => Some(
                source
                    .resolve(&self.key_name("security_token", source))
                    .await?,
            ),
            None => None,
        };
        Ok(Keys {
            access_key,
            secret_key,
            security_token,
        })
    }

    /// Says where the keys come from, never what they are.
    #[must_use]
    pub fn describe(&self) -> String {
        let temporary = if self.security_token.is_some() {
            " with a security token"
        } else {
            ""
        };
        match &self.origin {
            KeyOrigin::Profile => format!(
                "AK/SK{temporary}: access key from {}, secret key from {}",
                self.access_key.describe(),
                self.secret_key.describe()
            ),
            KeyOrigin::SdkEnvironment => {
                format!("AK/SK{temporary} from the HUAWEICLOUD_SDK_* environment variables")
            }
            KeyOrigin::SdkFile(path) => format!("AK/SK{temporary} from {}", path.display()),
        }
    }

    /// Returns the name used in error messages: the config key for profile keys
    /// (`secret_key_env`), the environment variable for the SDK's.
    fn key_name(&self, base: &str, source: &SecretSource) -> String {
        match (&self.origin, source) {
            (KeyOrigin::Profile, _) => super::config_key(base, source),
            (_, SecretSource::Env(variable)) => variable.clone(),
            (KeyOrigin::SdkFile(path), _) => format!("{} ({base})", path.display()),
            (KeyOrigin::SdkEnvironment, _) => base.to_owned(),
        }
    }
}

/// Signs `request` in place: adds `X-Security-Token` (for temporary keys), `Host`,
/// `X-Sdk-Date` and `Authorization`, and rewrites the query in canonical order.
///
/// Call it last, after every other header is set, because only the headers present now are
/// signed.
pub fn sign_request(
    request: &mut reqwest::Request,
    keys: &Keys,
    now: OffsetDateTime,
) -> Result<(), AuthError> {
    if let Some(token) = &keys.security_token {
        request.headers_mut().insert(
            SECURITY_TOKEN_HEADER,
            sensitive(token.expose_secret(), "security token")?,
        );
    }
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .unwrap_or_default()
        .to_vec();
    let method = request.method().as_str().to_owned();
    let url = request.url().clone();
    let signed = signer::sign(
        &RequestParts {
            method: &method,
            url: &url,
            headers,
            body: &body,
        },
        now,
        SigningKey {
            access_key: keys.access_key.expose_secret().trim(),
            secret_key: &keys.secret_key,
        },
    );

    if url.query().is_some() {
        let query = (!signed.canonical_query.is_empty()).then_some(signed.canonical_query.as_str());
        request.url_mut().set_query(query);
    }
    let headers = request.headers_mut();
    let host = HeaderValue::from_str(&signed.host).map_err(|_| AuthError::InvalidCharacters {
        what: "endpoint host",
    })?;
    headers.insert(HOST, host);
    headers.insert(
        DATE_HEADER,
        HeaderValue::from_str(&signed.date)
            .map_err(|_| AuthError::InvalidCharacters { what: "date" })?,
    );
    headers.insert(
        AUTHORIZATION,
        sensitive(&signed.authorization, "access key")?,
    );
    Ok(())
}

fn sensitive(text: &str, what: &'static str) -> Result<HeaderValue, AuthError> {
    let mut value =
        HeaderValue::from_str(text.trim()).map_err(|_| AuthError::InvalidCharacters { what })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn keys(security_token: Option<&str>) -> Keys {
        Keys {
            access_key: SecretString::from("AKTEST".to_owned()),
            secret_key: SecretString::from("SKTEST".to_owned()),
            security_token: security_token.map(|token| SecretString::from(token.to_owned())),
        }
    }

    #[test]
    fn signed_request_carries_every_header() {
        let url =
            reqwest::Url::parse("http://127.0.0.1:9/v3/projects?name=cn-north-4&a=1").expect("url");
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        sign_request(
            &mut request,
            &keys(Some("sts-token")),
            datetime!(2026-12-04 12:00 UTC),
        )
        .expect("signs");
        let headers = request.headers();
        assert_eq!(headers["host"], "127.0.0.1:9");
        assert_eq!(headers["x-sdk-date"], "20261204T120000Z");
        assert_eq!(headers["x-security-token"], "sts-token");
        let authorization = headers["authorization"].to_str().expect("ascii");
        assert!(
            authorization.starts_with(
                "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=host;x-sdk-date;x-security-token, Signature="
            ),
            "{authorization}"
        );
        assert!(headers["authorization"].is_sensitive());
        assert_eq!(request.url().query(), Some("a=1&name=cn-north-4"));
    }

    #[test]
    fn key_names_follow_the_origin() {
        let profile = AccessKey {
            access_key: SecretSource::Env("MY_AK".to_owned()),
            secret_key: SecretSource::Inline(SecretString::from("x".to_owned())),
            security_token: None,
            origin: KeyOrigin::Profile,
        };
        assert_eq!(
            profile.key_name("access_key", &profile.access_key),
            "access_key_env"
        );
        assert_eq!(
            profile.key_name("secret_key", &profile.secret_key),
            "secret_key"
        );
        assert_eq!(
            profile.describe(),
            "AK/SK: access key from env MY_AK, secret key from config file"
        );
    }
}

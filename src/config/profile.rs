//! Validated profiles: one project in one region, with its credentials and network settings.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::error::ConfigError;
use super::raw::RawProfile;
use crate::auth::Credentials;
use crate::command::ExternalCommand;
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use crate::region::Region;
use crate::secret::{SecretSource, SecretString};

/// Default time allowed to open a connection, as in the official SDKs.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed for a whole request, the official SDKs' read timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A profile ready to use.
pub struct Profile {
    /// The name in `[profiles.NAME]`.
    pub name: String,
    pub region: Region,
    pub project_id: ProjectId,
    /// `ServiceStage` endpoint: the `endpoint` key, else derived from the region.
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    pub network: NetworkSettings,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("network", &self.network)
            .finish()
    }
}

/// Time limits for requests of one profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkSettings {
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Reads one profile table, checking every value.
pub(super) struct ProfileReader<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub name: &'a str,
}

impl ProfileReader<'_> {
    fn key(&self, key: &str) -> String {
        format!("profiles.{}.{key}", self.name)
    }

    fn error_at<T>(
        &self,
        value: &Spanned<T>,
        key: &str,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::at(
            self.file,
            self.text,
            Some(value.span().start),
            self.key(key),
            message,
        )
    }

    fn missing(&self, table: &Spanned<RawProfile>, key: &str, message: &str) -> ConfigError {
        ConfigError::at(
            self.file,
            self.text,
            Some(table.span().start),
            self.key(key),
            message.to_owned(),
        )
    }

    pub fn read(&self, table: &Spanned<RawProfile>) -> Result<Profile, ConfigError> {
        let raw = table.get_ref();
        let region = match &raw.region {
            Some(value) => Region::parse(value.get_ref())
                .map_err(|error| self.error_at(value, "region", error.to_string()))?,
            None => {
                return Err(self.missing(
                    table,
                    "region",
                    "missing; add `region = \"cn-north-4\"` (the region id of the project)",
                ));
            }
        };
        let project_id = match &raw.project_id {
            Some(value) => ProjectId::parse(value.get_ref())
                .map_err(|error| self.error_at(value, "project_id", error.to_string()))?,
            None => {
                return Err(self.missing(
                    table,
                    "project_id",
                    "missing; add `project_id = \"...\"` with the 32-character id of the project in this region",
                ));
            }
        };
        let endpoint = match &raw.endpoint {
            Some(value) => Endpoint::parse(value.get_ref())
                .map_err(|error| self.error_at(value, "endpoint", error.to_string()))?,
            None => region.servicestage_endpoint(),
        };
        let credentials = self.credentials(table)?;
        let network = NetworkSettings {
            connect_timeout: self.duration(
                raw.connect_timeout.as_ref(),
                "connect_timeout",
                DEFAULT_CONNECT_TIMEOUT,
            )?,
            timeout: self.duration(raw.timeout.as_ref(), "timeout", DEFAULT_TIMEOUT)?,
        };
        Ok(Profile {
            name: self.name.to_owned(),
            region,
            project_id,
            endpoint,
            credentials,
            network,
        })
    }

    fn credentials(&self, table: &Spanned<RawProfile>) -> Result<Credentials, ConfigError> {
        let raw = table.get_ref();
        let token_keys = [
            ("token", &raw.token),
            ("token_env", &raw.token_env),
            ("token_command", &raw.token_command),
        ];
        let present: Vec<(&str, &Spanned<String>)> = token_keys
            .iter()
            .filter_map(|(key, value)| value.as_ref().map(|value| (*key, value)))
            .collect();
        match present.as_slice() {
            [] => Err(self.missing(
                table,
                "token_env",
                "no credentials; add `token_env = \"HW_TOKEN\"` (or `token` / `token_command`)",
            )),
            [(key, value)] => self.token_source(key, value).map(Credentials::Token),
            [(first, _), (second, value), ..] => Err(self.error_at(
                value,
                second,
                format!("two credential sources in one profile (`{first}` and `{second}`); keep one of them"),
            )),
        }
    }

    fn token_source(
        &self,
        key: &str,
        value: &Spanned<String>,
    ) -> Result<SecretSource, ConfigError> {
        let text = value.get_ref();
        match key {
            "token" => {
                if text.trim().is_empty() {
                    return Err(self.error_at(
                        value,
                        key,
                        "is empty; paste the token or use `token_env`",
                    ));
                }
                Ok(SecretSource::Inline(SecretString::from(
                    text.trim().to_owned(),
                )))
            }
            "token_env" => {
                if !is_env_name(text) {
                    return Err(self.error_at(
                        value,
                        key,
                        format!("{text:?} is not an environment variable name; use letters, digits and _ like \"HW_TOKEN\""),
                    ));
                }
                Ok(SecretSource::Env(text.clone()))
            }
            _ => ExternalCommand::parse(text)
                .map(SecretSource::Command)
                .map_err(|error| self.error_at(value, key, format!("{error}: {text:?}"))),
        }
    }

    fn duration(
        &self,
        value: Option<&Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        let Some(value) = value else {
            return Ok(default);
        };
        let duration = humantime::parse_duration(value.get_ref().trim()).map_err(|error| {
            self.error_at(
                value,
                key,
                format!(
                    "{:?} is not a duration ({error}); write it like \"30s\" or \"2m\"",
                    value.get_ref()
                ),
            )
        })?;
        if duration.is_zero() {
            return Err(self.error_at(value, key, "must be longer than zero"));
        }
        Ok(duration)
    }
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

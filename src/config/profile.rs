//! Validated profiles: one project in one region, with its credentials and network settings.

use std::fmt;
use std::path::Path;

use toml::Spanned;

use super::error::ConfigError;
use super::network::{CaBundle, NetworkSettings};
use super::raw::RawProfile;
use crate::auth::Credentials;
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use crate::region::Region;

/// A profile ready to use.
#[derive(Clone)]
pub struct Profile {
    /// The name in `[profiles.NAME]`.
    pub name: String,
    pub region: Region,
    /// The `project_id` key; `None` resolves it from the region through IAM.
    pub project_id: Option<ProjectId>,
    /// `ServiceStage` endpoint: the `endpoint` key, else derived from the region.
    pub endpoint: Endpoint,
    /// The `iam_endpoint` key; see [`Profile::effective_iam_endpoint`] for the one used.
    pub iam_endpoint: Option<Endpoint>,
    pub credentials: Credentials,
    pub network: NetworkSettings,
    /// The `ca_bundle` key: CA certificates trusted besides the system's.
    pub ca_bundle: Option<CaBundle>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("endpoint", &self.endpoint)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("credentials", &self.credentials)
            .field("network", &self.network)
            .field("ca_bundle", &self.ca_bundle)
            .finish()
    }
}

/// Reads one profile table, checking every value.
pub(super) struct ProfileReader<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub name: &'a str,
}

impl ProfileReader<'_> {
    pub(super) fn key(&self, key: &str) -> String {
        format!("profiles.{}.{key}", self.name)
    }

    pub(super) fn error_at<T>(
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

    pub(super) fn missing(
        &self,
        table: &Spanned<RawProfile>,
        key: &str,
        message: &str,
    ) -> ConfigError {
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
            Some(value) => Some(
                ProjectId::parse(value.get_ref())
                    .map_err(|error| self.error_at(value, "project_id", error.to_string()))?,
            ),
            None => None,
        };
        let endpoint = match &raw.endpoint {
            Some(value) => Endpoint::parse(value.get_ref())
                .map_err(|error| self.error_at(value, "endpoint", error.to_string()))?,
            None => region.servicestage_endpoint(),
        };
        let iam_endpoint = match &raw.iam_endpoint {
            Some(value) => Some(
                Endpoint::parse(value.get_ref())
                    .map_err(|error| self.error_at(value, "iam_endpoint", error.to_string()))?,
            ),
            None => None,
        };
        let credentials = self.credentials(table)?;
        let network = self.network(raw)?;
        let ca_bundle = self.ca_bundle(raw)?;
        Ok(Profile {
            name: self.name.to_owned(),
            region,
            project_id,
            endpoint,
            iam_endpoint,
            credentials,
            network,
            ca_bundle,
        })
    }
}

pub(super) fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

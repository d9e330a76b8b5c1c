//! The credential keys of a profile: which kind (token, AK/SK, IAM user), and where each secret
//! is read from.
//!
//! Each secret has three keys, of which a profile uses one: `NAME` (the value itself),
//! `NAME_env` (an environment variable) or `NAME_command` (a command that prints it). A profile
//! has one kind of credentials, so keys of two kinds, or two keys for one secret, are an error.
//! A profile with no credential keys at all uses the official SDKs' conventions, looked up by
//! [`Profile::resolve_sdk_fallback`] when the profile is used.

use toml::Spanned;

use super::error::ConfigError;
use super::profile::{Profile, ProfileReader, is_env_name};
use super::raw::RawProfile;
use crate::auth::access_key::{AccessKey, KeyOrigin};
use crate::auth::sdk::{SdkError, SdkLookup};
use crate::auth::{Credentials, PasswordLogin};
use crate::command::ExternalCommand;
use crate::endpoint::Endpoint;
use crate::secret::{SecretSource, SecretString};

/// A key present in the profile, with its value.
type Present<'a> = (&'static str, &'a Spanned<String>);

/// The keys of one secret (`token`, `token_env`, `token_command`) that are present.
struct Slot<'a> {
    base: &'static str,
    present: Vec<Present<'a>>,
}

impl<'a> Slot<'a> {
    fn new(base: &'static str, keys: [(&'static str, &'a Option<Spanned<String>>); 3]) -> Self {
        Self {
            base,
            present: keys
                .into_iter()
                .filter_map(|(key, value)| value.as_ref().map(|value| (key, value)))
                .collect(),
        }
    }
}

/// Every credential key of a profile, grouped by secret.
struct Slots<'a> {
    token: Slot<'a>,
    access_key: Slot<'a>,
    secret_key: Slot<'a>,
    security_token: Slot<'a>,
    password: Slot<'a>,
    user: Vec<Present<'a>>,
    domain: Vec<Present<'a>>,
}

impl<'a> Slots<'a> {
    fn new(raw: &'a RawProfile) -> Self {
        Self {
            token: Slot::new(
                "token",
                [
                    ("token", &raw.token),
                    ("token_env", &raw.token_env),
                    ("token_command", &raw.token_command),
                ],
            ),
            access_key: Slot::new(
                "access_key",
                [
                    ("access_key", &raw.access_key),
                    ("access_key_env", &raw.access_key_env),
                    ("access_key_command", &raw.access_key_command),
                ],
            ),
            secret_key: Slot::new(
                "secret_key",
                [
                    ("secret_key", &raw.secret_key),
                    ("secret_key_env", &raw.secret_key_env),
                    ("secret_key_command", &raw.secret_key_command),
                ],
            ),
            security_token: Slot::new(
                "security_token",
                [
                    ("security_token", &raw.security_token),
                    ("security_token_env", &raw.security_token_env),
                    ("security_token_command", &raw.security_token_command),
                ],
            ),
            password: Slot::new(
                "iam_password",
                [
                    ("iam_password", &raw.iam_password),
                    ("iam_password_env", &raw.iam_password_env),
                    ("iam_password_command", &raw.iam_password_command),
                ],
            ),
            user: raw
                .iam_user
                .iter()
                .map(|value| ("iam_user", value))
                .collect(),
            domain: raw
                .iam_domain
                .iter()
                .map(|value| ("iam_domain", value))
                .collect(),
        }
    }

    /// Returns the first key of each kind present (token, AK/SK, IAM user).
    fn kinds(&self) -> Vec<Present<'a>> {
        [
            first(self.token.present.iter()),
            first(
                self.access_key
                    .present
                    .iter()
                    .chain(&self.secret_key.present)
                    .chain(&self.security_token.present),
            ),
            first(
                self.user
                    .iter()
                    .chain(&self.domain)
                    .chain(&self.password.present),
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl ProfileReader<'_> {
    /// Reads the credential keys of a profile.
    pub(super) fn credentials(
        &self,
        table: &Spanned<RawProfile>,
    ) -> Result<Credentials, ConfigError> {
        let slots = Slots::new(table.get_ref());
        for slot in [
            &slots.token,
            &slots.access_key,
            &slots.secret_key,
            &slots.security_token,
            &slots.password,
        ] {
            self.reject_second(&slot.present)?;
        }
        self.reject_second(&slots.kinds())?;

        if let Some((key, value)) = slots.token.present.first() {
            return self
                .secret_source(key, "token", value)
                .map(Credentials::Token);
        }
        let has_keys = [&slots.access_key, &slots.secret_key, &slots.security_token]
            .iter()
            .any(|slot| !slot.present.is_empty());
        if has_keys {
            return self.access_key(table, &slots).map(Credentials::AccessKey);
        }
        let has_user = !slots.user.is_empty()
            || !slots.domain.is_empty()
            || !slots.password.present.is_empty();
        if has_user {
            return self
                .password_login(table, &slots)
                .map(Credentials::Password);
        }
        Ok(Credentials::SdkFallback)
    }

    fn access_key(
        &self,
        table: &Spanned<RawProfile>,
        slots: &Slots<'_>,
    ) -> Result<AccessKey, ConfigError> {
        let access_key = self.required(table, &slots.access_key, "the access key (AK)")?;
        let secret_key = self.required(table, &slots.secret_key, "the secret key (SK)")?;
        let security_token = match slots.security_token.present.first() {
            Some((key, value)) => Some(self.secret_source(key, "security_token", value)?),
            None => None,
        };
        Ok(AccessKey {
            access_key,
            secret_key,
            security_token,
            origin: KeyOrigin::Profile,
        })
    }

    fn password_login(
        &self,
        table: &Spanned<RawProfile>,
        slots: &Slots<'_>,
    ) -> Result<PasswordLogin, ConfigError> {
        Ok(PasswordLogin {
            user: self.name_value(
                table,
                slots.user.first().map(|(_, value)| *value),
                "iam_user",
                "the IAM user name",
            )?,
            domain: self.name_value(
                table,
                slots.domain.first().map(|(_, value)| *value),
                "iam_domain",
                "the account (domain) name of the IAM user",
            )?,
            password: self.required(table, &slots.password, "the IAM user's password")?,
        })
    }

    /// Rejects a second entry of `present`, naming the first and pointing at the second.
    fn reject_second(&self, present: &[Present<'_>]) -> Result<(), ConfigError> {
        let mut sorted = present.to_vec();
        sorted.sort_by_key(|(_, value)| value.span().start);
        match sorted.as_slice() {
            [(first, _), (second, value), ..] => Err(self.error_at(
                value,
                second,
                format!("two credential sources in one profile (`{first}` and `{second}`); keep one of them"),
            )),
            _ => Ok(()),
        }
    }

    /// Reads the one source of a secret the credentials need.
    fn required(
        &self,
        table: &Spanned<RawProfile>,
        slot: &Slot<'_>,
        what: &str,
    ) -> Result<SecretSource, ConfigError> {
        if let Some((key, value)) = slot.present.first() {
            return self.secret_source(key, slot.base, value);
        }
        let base = slot.base;
        Err(self.missing(
            table,
            &format!("{base}_env"),
            &format!("missing; these credentials need {what}: add `{base}_env = \"...\"` (or `{base}` / `{base}_command`)"),
        ))
    }

    /// Reads a plain value the credentials need, such as the IAM user name.
    fn name_value(
        &self,
        table: &Spanned<RawProfile>,
        value: Option<&Spanned<String>>,
        key: &str,
        what: &str,
    ) -> Result<String, ConfigError> {
        match value {
            Some(value) if value.get_ref().trim().is_empty() => {
                Err(self.error_at(value, key, format!("is empty; give {what}")))
            }
            Some(value) => Ok(value.get_ref().trim().to_owned()),
            None => Err(self.missing(
                table,
                key,
                &format!("missing; IAM password login needs {what}: add `{key} = \"...\"`"),
            )),
        }
    }

    /// Reads one secret's source from its key (`token`, `token_env` or `token_command`).
    fn secret_source(
        &self,
        key: &str,
        base: &str,
        value: &Spanned<String>,
    ) -> Result<SecretSource, ConfigError> {
        let text = value.get_ref();
        if key == base {
            if text.trim().is_empty() {
                return Err(self.error_at(
                    value,
                    key,
                    format!("is empty; paste the value or use `{base}_env`"),
                ));
            }
            return Ok(SecretSource::Inline(SecretString::from(
                text.trim().to_owned(),
            )));
        }
        if key.ends_with("_env") {
            if !is_env_name(text) {
                return Err(self.error_at(
                    value,
                    key,
                    format!("{text:?} is not an environment variable name; use letters, digits and _ like \"HW_TOKEN\""),
                ));
            }
            return Ok(SecretSource::Env(text.clone()));
        }
        ExternalCommand::parse(text)
            .map(SecretSource::Command)
            .map_err(|error| self.error_at(value, key, format!("{error}: {text:?}")))
    }
}

fn first<'a, 'b>(mut present: impl Iterator<Item = &'b Present<'a>>) -> Option<Present<'a>>
where
    'a: 'b,
{
    present.next().copied()
}

impl Profile {
    /// Returns the IAM endpoint requests go to: the `iam_endpoint` key, else the one the SDK
    /// fallback found, else the one derived from the region.
    #[must_use]
    pub fn effective_iam_endpoint(&self) -> Endpoint {
        self.iam_endpoint
            .clone()
            .unwrap_or_else(|| self.region.iam_endpoint())
    }

    /// For a profile without credential keys, takes an access key pair (and the project id and
    /// IAM endpoint, when given) from the official SDKs' environment variables or credentials
    /// file. Keys in the profile always win. Returns warnings for the user; other profiles are
    /// left as they are.
    pub fn resolve_sdk_fallback(&mut self, lookup: &SdkLookup) -> Result<Vec<String>, SdkError> {
        if !matches!(self.credentials, Credentials::SdkFallback) {
            return Ok(Vec::new());
        }
        let found = lookup.discover(&self.name)?;
        tracing::info!(profile = %self.name, credentials = %found.access_key.describe(), "using the official SDKs' credentials");
        self.credentials = Credentials::AccessKey(found.access_key);
        if self.project_id.is_none() {
            self.project_id = found.project_id;
        }
        if self.iam_endpoint.is_none() {
            self.iam_endpoint = found.iam_endpoint;
        }
        Ok(found.warnings)
    }
}

//! Credentials where the official Huawei Cloud SDKs look for them, for profiles that name none.
//!
//! The order is the SDKs' own: the `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK` environment
//! variables (with `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID` and
//! `HUAWEICLOUD_SDK_IAM_ENDPOINT`), then the `[basic]` section of the INI file
//! `~/.huaweicloud/credentials`, or of the file `HUAWEICLOUD_SDK_CREDENTIALS_FILE` names. Each
//! place is used whole: keys from the environment are never mixed with the file's.
//!
//! Unlike the SDKs, stage-images never falls back to a cloud metadata service: it only contacts
//! hosts the user configured.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::access_key::{AccessKey, KeyOrigin};
use crate::endpoint::Endpoint;
use crate::project_id::ProjectId;
use crate::secret::{ExposeSecret, SecretSource, SecretString};

pub const AK_ENV: &str = "HUAWEICLOUD_SDK_AK";
pub const SK_ENV: &str = "HUAWEICLOUD_SDK_SK";
pub const SECURITY_TOKEN_ENV: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
pub const PROJECT_ID_ENV: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
pub const IAM_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
pub const CREDENTIALS_FILE_ENV: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// Section of the credentials file that contains the keys of regional services.
const FILE_SECTION: &str = "basic";

/// Inputs of the lookup: the SDKs' environment variables and the home folder.
#[derive(Debug, Clone, Default)]
pub struct SdkLookup {
    /// The variables by name. The values include the secret key and the security token, so
    /// all of them are kept as secrets, and `Debug` shows only the names.
    variables: BTreeMap<String, SecretString>,
    home: Option<PathBuf>,
}

/// Credentials found in the SDKs' places.
#[derive(Debug, Clone)]
pub struct SdkCredentials {
    pub access_key: AccessKey,
    pub project_id: Option<ProjectId>,
    pub iam_endpoint: Option<Endpoint>,
    /// Things that work but deserve attention (a credentials file others can read).
    pub warnings: Vec<String>,
}

/// Failure to find usable credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdkError {
    #[error(
        "profile {profile:?} has no credentials: it has no credential keys, {AK_ENV} and {SK_ENV} are not set, and {}; \
         add `token_env`, `access_key_env` and `secret_key_env`, or `iam_user`, `iam_domain` and `iam_password_env` to the profile",
        describe_file(.file.as_deref())
    )]
    NotFound {
        profile: String,
        /// The credentials file looked for, when the home folder is known.
        file: Option<PathBuf>,
    },
    #[error(
        "{set} is set but {missing} is not; export both, or neither to use the credentials file"
    )]
    HalfPair {
        set: &'static str,
        missing: &'static str,
    },
    #[error("{variable} is invalid: {reason}")]
    InvalidVariable {
        variable: &'static str,
        reason: String,
    },
    #[error("{CREDENTIALS_FILE_ENV} names {}, which does not exist", .path.display())]
    NamedFileMissing { path: PathBuf },
    #[error("cannot read the credentials file {}: {reason}", .path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}:{line}: {reason}", .path.display())]
    InvalidFile {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{}: the [{FILE_SECTION}] section has no `{key}`; add `{key} = ...` to it", .path.display())]
    MissingFileKey { path: PathBuf, key: &'static str },
}

fn describe_file(file: Option<&Path>) -> String {
    match file {
        Some(path) => format!("{} does not exist", path.display()),
        None => "the home folder is unknown, so ~/.huaweicloud/credentials was not read".to_owned(),
    }
}

impl SdkLookup {
    /// Reads the SDKs' variables from this process's environment and the home folder.
    #[must_use]
    pub fn from_process() -> Self {
        let variables = [
            AK_ENV,
            SK_ENV,
            SECURITY_TOKEN_ENV,
            PROJECT_ID_ENV,
            IAM_ENDPOINT_ENV,
            CREDENTIALS_FILE_ENV,
        ]
        .into_iter()
        .filter_map(|name| {
            let value = std::env::var(name).ok()?;
            Some((name.to_owned(), SecretString::from(value)))
        })
        .collect();
        let home = directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf());
        Self { variables, home }
    }

    /// Creates a lookup over the given variables and home folder (for tests).
    #[must_use]
    pub fn new<I, K, V>(variables: I, home: Option<PathBuf>) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            variables: variables
                .into_iter()
                .map(|(name, value)| (name.into(), SecretString::from(value.into())))
                .collect(),
            home,
        }
    }

    fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .get(name)
            .map(|value| value.expose_secret().trim())
            .filter(|value| !value.is_empty())
    }

    /// Returns the credentials file: the one the variable names, else the default location.
    fn credentials_file(&self) -> Option<(PathBuf, bool)> {
        if let Some(named) = self.variable(CREDENTIALS_FILE_ENV) {
            return Some((PathBuf::from(named), true));
        }
        self.home
            .as_ref()
            .map(|home| (home.join(".huaweicloud").join("credentials"), false))
    }

    /// Finds credentials for `profile` (named in the error when there are none).
    pub fn discover(&self, profile: &str) -> Result<SdkCredentials, SdkError> {
        match (self.variable(AK_ENV), self.variable(SK_ENV)) {
            (Some(_), Some(_)) => return self.read_environment(),
            (Some(_), None) => {
                return Err(SdkError::HalfPair {
                    set: AK_ENV,
                    missing: SK_ENV,
                });
            }
            (None, Some(_)) => {
                return Err(SdkError::HalfPair {
                    set: SK_ENV,
                    missing: AK_ENV,
                });
            }
            (None, None) => {}
        }
        let Some((path, named)) = self.credentials_file() else {
            return Err(SdkError::NotFound {
                profile: profile.to_owned(),
                file: None,
            });
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => from_file(&path, &text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if named {
                    Err(SdkError::NamedFileMissing { path })
                } else {
                    Err(SdkError::NotFound {
                        profile: profile.to_owned(),
                        file: Some(path),
                    })
                }
            }
            Err(error) => Err(SdkError::Unreadable {
                path,
                reason: error.to_string(),
            }),
        }
    }

    fn read_environment(&self) -> Result<SdkCredentials, SdkError> {
        let project_id = self
            .variable(PROJECT_ID_ENV)
            .map(|value| {
                ProjectId::parse(value).map_err(|error| SdkError::InvalidVariable {
                    variable: PROJECT_ID_ENV,
                    reason: error.to_string(),
                })
            })
            .transpose()?;
        let iam_endpoint = self
            .variable(IAM_ENDPOINT_ENV)
            .map(|value| {
                Endpoint::parse(value).map_err(|error| SdkError::InvalidVariable {
                    variable: IAM_ENDPOINT_ENV,
                    reason: error.to_string(),
                })
            })
            .transpose()?;
        let security_token = self
            .variable(SECURITY_TOKEN_ENV)
            .map(|_| SecretSource::Env(SECURITY_TOKEN_ENV.to_owned()));
        Ok(SdkCredentials {
            access_key: AccessKey {
                access_key: SecretSource::Env(AK_ENV.to_owned()),
                secret_key: SecretSource::Env(SK_ENV.to_owned()),
                security_token,
                origin: KeyOrigin::SdkEnvironment,
            },
            project_id,
            iam_endpoint,
            warnings: Vec::new(),
        })
    }
}

/// Reads the `[basic]` section of a credentials file.
fn from_file(path: &Path, text: &str) -> Result<SdkCredentials, SdkError> {
    let section = read_ini_section(path, text, FILE_SECTION)?;
    let value = |key: &str| {
        section
            .get(key)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let invalid = |key: &str, reason: String| SdkError::InvalidFile {
        path: path.to_path_buf(),
        line: section.get(key).map_or(0, |(line, _)| *line),
        reason: format!("`{key}`: {reason}"),
    };
    let secret = |key: &'static str| {
        value(key)
            .map(|text| SecretSource::Inline(SecretString::from(text.to_owned())))
            .ok_or_else(|| SdkError::MissingFileKey {
                path: path.to_path_buf(),
                key,
            })
    };
    let access_key = secret("ak")?;
    let secret_key = secret("sk")?;
    let security_token = value("security_token")
        .map(|text| SecretSource::Inline(SecretString::from(text.to_owned())));
    let project_id = value("project_id")
        .map(|text| {
            ProjectId::parse(text).map_err(|error| invalid("project_id", error.to_string()))
        })
        .transpose()?;
    let iam_endpoint = value("iam_endpoint")
        .map(|text| {
            Endpoint::parse(text).map_err(|error| invalid("iam_endpoint", error.to_string()))
        })
        .transpose()?;
    let warnings = super::permissions::readable_by_others(path)
        .then(|| super::permissions::warning(path))
        .into_iter()
        .collect();
    Ok(SdkCredentials {
        access_key: AccessKey {
            access_key,
            secret_key,
            security_token,
            origin: KeyOrigin::SdkFile(path.to_path_buf()),
        },
        project_id,
        iam_endpoint,
        warnings,
    })
}

/// Reads the keys of one section of an INI file, with their one-based line numbers.
///
/// Lines are `[section]`, `key = value` (or `key: value`), blank, or comments starting with `#`
/// or `;`. Keys are case-insensitive; values are trimmed and may not continue on the next line.
fn read_ini_section(
    path: &Path,
    text: &str,
    wanted: &str,
) -> Result<BTreeMap<String, (usize, String)>, SdkError> {
    let mut section: Option<String> = None;
    let mut keys = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            let name = name
                .strip_suffix(']')
                .ok_or_else(|| SdkError::InvalidFile {
                    path: path.to_path_buf(),
                    line: number,
                    reason: "a section header must end with `]`".to_owned(),
                })?;
            section = Some(name.trim().to_ascii_lowercase());
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            return Err(SdkError::InvalidFile {
                path: path.to_path_buf(),
                line: number,
                reason: "expected `key = value`".to_owned(),
            });
        };
        if section.as_deref() == Some(wanted) {
            keys.insert(
                key.trim().to_ascii_lowercase(),
                (number, value.trim().to_owned()),
            );
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_section_is_read_with_lines() {
        let text = "# comment\n[global]\nak = G\n\n[Basic]\nAK = B1\nsk: S1 \n; note\n";
        let keys = read_ini_section(Path::new("/c"), text, "basic").expect("valid");
        assert_eq!(keys["ak"], (6, "B1".to_owned()));
        assert_eq!(keys["sk"], (7, "S1".to_owned()));
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn broken_ini_line_is_named() {
        let error = read_ini_section(Path::new("/c"), "[basic]\nak\n", "basic").expect_err("bad");
        assert_eq!(error.to_string(), "/c:2: expected `key = value`");
    }

    #[test]
    fn half_a_key_pair_is_an_error() {
        let lookup = SdkLookup::new([(AK_ENV, "ak")], None);
        let error = lookup.discover("dev").expect_err("no SK");
        assert_eq!(
            error.to_string(),
            "HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not; export both, or neither to use the credentials file"
        );
    }

    #[test]
    fn debug_output_hides_secret_variables() {
        let lookup = SdkLookup::new(
            [
                (AK_ENV, "AKIDEXAMPLE4242"),
                (SK_ENV, "sk-value-that-must-stay-hidden"),
                (SECURITY_TOKEN_ENV, "sts-value-that-must-stay-hidden"),
            ],
            None,
        );
        let printed = format!("{lookup:?}");
        assert!(!printed.contains("sk-value"), "{printed}");
        assert!(!printed.contains("sts-value"), "{printed}");
        assert!(printed.contains(SK_ENV), "{printed}");
        assert!(lookup.discover("dev").is_ok());
    }

    #[test]
    fn nothing_found_says_where_it_looked() {
        let lookup = SdkLookup::new(Vec::<(String, String)>::new(), Some(PathBuf::from("/h")));
        let error = lookup.discover("dev").expect_err("nothing");
        assert_eq!(
            error.to_string(),
            "profile \"dev\" has no credentials: it has no credential keys, HUAWEICLOUD_SDK_AK and \
             HUAWEICLOUD_SDK_SK are not set, and /h/.huaweicloud/credentials does not exist; add \
             `token_env`, `access_key_env` and `secret_key_env`, or `iam_user`, `iam_domain` and \
             `iam_password_env` to the profile"
        );
    }
}

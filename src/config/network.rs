//! The network keys of a profile: time limits, retries, the response size cap and extra CA
//! certificates.
//!
//! This module reads and checks the values, and the API client applies them. Proxies are not
//! set here, because they come from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as
//! for curl.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use toml::Spanned;

use super::error::ConfigError;
use super::profile::ProfileReader;
use super::raw::RawProfile;

/// Default time allowed to open a connection, as in the official SDKs.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed for a whole request, the official SDKs' read timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default number of retries after a failed attempt that may succeed when repeated.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Most retries a profile may ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// Default time after the first attempt during which retries may start.
pub const DEFAULT_MAX_RETRY_TIME: Duration = Duration::from_secs(30);
/// Default cap on the size of a response. A catalogue is a few KiB, so this only stops runaways.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;
/// Minimum `max_body_size` accepted, so that an error response still fits.
pub const MIN_BODY_BYTES: u64 = 1024;
/// Maximum size of a `ca_bundle` file. The bundle of a whole system is under 1 MiB, and the
/// cap keeps a wrong path such as a device file from being read without end.
pub const MAX_CA_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;
/// Maximum `max_body_size` accepted, because the response is kept in memory.
pub const MAX_BODY_BYTES_LIMIT: u64 = 1024 * 1024 * 1024;

/// Network settings of one profile. The `ca_bundle` key is read here too, but kept apart in
/// [`super::Profile::ca_bundle`] so that these settings stay `Copy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkSettings {
    /// Time to open a connection (`connect_timeout`).
    pub connect_timeout: Duration,
    /// Time for one whole request, response body included (`timeout`).
    pub timeout: Duration,
    /// Retries after a connection error, HTTP 429 or 5xx (`max_retries`); 0 turns them off.
    pub max_retries: u32,
    /// No retry starts later than this after the first attempt started (`max_retry_time`).
    pub max_retry_time: Duration,
    /// Maximum response size read, in bytes (`max_body_size`).
    pub max_body_bytes: u64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            max_retry_time: DEFAULT_MAX_RETRY_TIME,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// CA certificates read from a PEM file, trusted in addition to the system's roots.
#[derive(Clone, PartialEq, Eq)]
pub struct CaBundle {
    /// The file, as resolved from the config (absolute when the config gave a relative path).
    pub path: PathBuf,
    /// The certificates in DER form, in file order; never empty.
    pub certificates: Arc<[CertificateDer<'static>]>,
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CaBundle({}, {} certificates)",
            self.path.display(),
            self.certificates.len()
        )
    }
}

/// Error reading a CA bundle file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CaBundleError {
    #[error("cannot read {path}: {reason}; give the path of a PEM file with the CA certificates")]
    Unreadable { path: String, reason: String },
    #[error("{path} is not a regular file; give the path of a PEM file with the CA certificates")]
    NotAFile { path: String },
    #[error("{path} is larger than 16 MiB, which no CA bundle is; check the path")]
    TooLarge { path: String },
    #[error("{path} is not a valid PEM file ({reason}); export the CA certificates in PEM format")]
    InvalidPem { path: String, reason: String },
    #[error(
        "{path} holds no certificate (no `BEGIN CERTIFICATE` block); export the CA certificates in PEM format"
    )]
    NoCertificate { path: String },
}

impl CaBundle {
    /// Reads the certificates of a PEM file.
    pub fn read(path: &Path) -> Result<Self, CaBundleError> {
        let path_text = path.display().to_string();
        let unreadable = |error: std::io::Error| CaBundleError::Unreadable {
            path: path_text.clone(),
            reason: error.to_string(),
        };
        let metadata = std::fs::metadata(path).map_err(unreadable)?;
        if !metadata.is_file() {
            return Err(CaBundleError::NotAFile { path: path_text });
        }
        if metadata.len() > MAX_CA_BUNDLE_BYTES {
            return Err(CaBundleError::TooLarge { path: path_text });
        }
        let bytes = std::fs::read(path).map_err(unreadable)?;
        let certificates = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| CaBundleError::InvalidPem {
                path: path_text.clone(),
                reason: error.to_string(),
            })?;
        if certificates.is_empty() {
            return Err(CaBundleError::NoCertificate { path: path_text });
        }
        Ok(Self {
            path: path.to_path_buf(),
            certificates: certificates.into(),
        })
    }
}

impl ProfileReader<'_> {
    /// Reads the network keys of a profile, with the defaults for those left out.
    pub(super) fn network(&self, raw: &RawProfile) -> Result<NetworkSettings, ConfigError> {
        let defaults = NetworkSettings::default();
        let max_retries = match &raw.max_retries {
            Some(value) => self.retry_count(value)?,
            None => defaults.max_retries,
        };
        let max_body_bytes = match &raw.max_body_size {
            Some(value) => self.body_size(value)?,
            None => defaults.max_body_bytes,
        };
        Ok(NetworkSettings {
            connect_timeout: self.duration(
                raw.connect_timeout.as_ref(),
                "connect_timeout",
                defaults.connect_timeout,
            )?,
            timeout: self.duration(raw.timeout.as_ref(), "timeout", defaults.timeout)?,
            max_retries,
            max_retry_time: self.duration(
                raw.max_retry_time.as_ref(),
                "max_retry_time",
                defaults.max_retry_time,
            )?,
            max_body_bytes,
        })
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

    fn retry_count(&self, value: &Spanned<i64>) -> Result<u32, ConfigError> {
        u32::try_from(*value.get_ref())
            .ok()
            .filter(|count| *count <= MAX_RETRIES_LIMIT)
            .ok_or_else(|| {
                self.error_at(
                    value,
                    "max_retries",
                    format!(
                        "{} is out of range; use 0 (no retries) to {MAX_RETRIES_LIMIT}",
                        value.get_ref()
                    ),
                )
            })
    }

    fn body_size(&self, value: &Spanned<String>) -> Result<u64, ConfigError> {
        let bytes = parse_size(value.get_ref()).ok_or_else(|| {
            self.error_at(
                value,
                "max_body_size",
                format!(
                    "{:?} is not a size; write it like \"8MiB\", \"512KiB\" or \"1048576\" (bytes)",
                    value.get_ref()
                ),
            )
        })?;
        if !(MIN_BODY_BYTES..=MAX_BODY_BYTES_LIMIT).contains(&bytes) {
            return Err(self.error_at(
                value,
                "max_body_size",
                format!("{:?} is out of range; use 1KiB to 1GiB", value.get_ref()),
            ));
        }
        Ok(bytes)
    }

    /// Reads the certificates the `ca_bundle` key names, if it is set.
    pub(super) fn ca_bundle(&self, raw: &RawProfile) -> Result<Option<CaBundle>, ConfigError> {
        let Some(value) = &raw.ca_bundle else {
            return Ok(None);
        };
        let path = resolve_path(self.file, value.get_ref().trim());
        CaBundle::read(&path)
            .map(Some)
            .map_err(|error| self.error_at(value, "ca_bundle", error.to_string()))
    }
}

/// Resolves a path from the config: `~/` is the home folder, and a relative path is relative
/// to the config file's folder, so the file means the same wherever the program starts.
fn resolve_path(config_file: &Path, text: &str) -> PathBuf {
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf())
    {
        return home.join(rest);
    }
    let path = Path::new(text);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    config_file
        .parent()
        .map_or_else(|| path.to_path_buf(), |folder| folder.join(path))
}

/// Parses a size in bytes: a whole number with an optional unit `B`, `KiB`, `MiB` or `GiB`.
#[must_use]
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let multiplier: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1024,
        "MiB" => 1024 * 1024,
        "GiB" => 1024 * 1024 * 1024,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(multiplier)
}

/// Formats a size in bytes the way `max_body_size` is written (`8 MiB`, `1536 KiB`, `100 B`).
#[must_use]
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [
        (1024 * 1024 * 1024, "GiB"),
        (1024 * 1024, "MiB"),
        (1024, "KiB"),
    ];
    UNITS
        .iter()
        .find(|(size, _)| bytes >= *size && bytes.is_multiple_of(*size))
        .map_or_else(
            || format!("{bytes} B"),
            |(size, unit)| format!("{} {unit}", bytes / size),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("8MiB"), Some(8 * 1024 * 1024));
        assert_eq!(parse_size(" 512 KiB "), Some(512 * 1024));
        assert_eq!(parse_size("1GiB"), Some(1024 * 1024 * 1024));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("4096B"), Some(4096));
    }

    #[test]
    fn sizes_reject_other_forms() {
        for text in [
            "",
            "MiB",
            "8 MB",
            "8mib",
            "-1",
            "1.5MiB",
            "99999999999999999999GiB",
        ] {
            assert_eq!(parse_size(text), None, "{text:?}");
        }
    }

    #[test]
    fn sizes_format_in_the_largest_whole_unit() {
        assert_eq!(format_size(8 * 1024 * 1024), "8 MiB");
        assert_eq!(format_size(1536 * 1024), "1536 KiB");
        assert_eq!(format_size(100), "100 B");
        assert_eq!(format_size(2 * 1024 * 1024 * 1024), "2 GiB");
    }

    #[test]
    fn relative_paths_follow_the_config_file() {
        assert_eq!(
            resolve_path(Path::new("/etc/stage/config.toml"), "ca.pem"),
            PathBuf::from("/etc/stage/ca.pem")
        );
        assert_eq!(
            resolve_path(Path::new("/etc/stage/config.toml"), "/opt/ca.pem"),
            PathBuf::from("/opt/ca.pem")
        );
    }

    #[test]
    fn bundle_without_certificate_is_rejected() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").expect("write");
        assert_eq!(
            CaBundle::read(&path),
            Err(CaBundleError::NoCertificate {
                path: path.display().to_string()
            })
        );
    }

    #[test]
    fn device_or_folder_is_not_a_bundle() {
        for path in ["/dev/zero", "/"] {
            assert_eq!(
                CaBundle::read(Path::new(path)),
                Err(CaBundleError::NotAFile {
                    path: path.to_owned()
                })
            );
        }
    }

    #[test]
    fn missing_bundle_names_the_path() {
        let error = CaBundle::read(Path::new("/nonexistent/ca.pem")).expect_err("missing");
        assert_eq!(
            error.to_string(),
            "cannot read /nonexistent/ca.pem: No such file or directory (os error 2); \
             give the path of a PEM file with the CA certificates"
        );
    }
}

//! The config file as written: TOML tables with the position of every value.
//!
//! These types only mirror the file; [`super::profile`] turns them into validated profiles.
//! They implement no `Debug` because they hold secrets as plain text until validation wraps
//! them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::ConfigError;

/// Keys that hold secrets: their values are never repeated in an error.
const SECRET_KEYS: &[&str] = &[
    "token",
    "access_key",
    "secret_key",
    "security_token",
    "iam_password",
];

/// The whole file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub default_profile: Option<Spanned<String>>,
    pub clipboard_command: Option<Spanned<String>>,
    pub osc52: Option<bool>,
    pub mouse: Option<bool>,
    pub theme: Option<Spanned<super::ui::RawTheme>>,
    pub keys: Option<BTreeMap<String, Spanned<toml::Value>>>,
    pub refresh_interval: Option<Spanned<String>>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Spanned<RawProfile>>,
}

/// One `[profiles.NAME]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub region: Option<Spanned<String>>,
    pub project_id: Option<Spanned<String>>,
    pub endpoint: Option<Spanned<String>>,
    pub token: Option<Spanned<String>>,
    pub token_env: Option<Spanned<String>>,
    pub token_command: Option<Spanned<String>>,
    // AK/SK and IAM password credentials, read by `super::credentials`.
    pub iam_endpoint: Option<Spanned<String>>,
    pub access_key: Option<Spanned<String>>,
    pub access_key_env: Option<Spanned<String>>,
    pub access_key_command: Option<Spanned<String>>,
    pub secret_key: Option<Spanned<String>>,
    pub secret_key_env: Option<Spanned<String>>,
    pub secret_key_command: Option<Spanned<String>>,
    pub security_token: Option<Spanned<String>>,
    pub security_token_env: Option<Spanned<String>>,
    pub security_token_command: Option<Spanned<String>>,
    pub iam_user: Option<Spanned<String>>,
    pub iam_domain: Option<Spanned<String>>,
    pub iam_password: Option<Spanned<String>>,
    pub iam_password_env: Option<Spanned<String>>,
    pub iam_password_command: Option<Spanned<String>>,
    pub connect_timeout: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    pub refresh_interval: Option<Spanned<String>>,
    pub max_retries: Option<Spanned<i64>>,
    pub max_retry_time: Option<Spanned<String>>,
    pub max_body_size: Option<Spanned<String>>,
    pub ca_bundle: Option<Spanned<String>>,
}

/// Parses the config file's text, turning every TOML or type error into a [`ConfigError`] that
/// names the line and the key.
pub fn parse(path: &Path, text: &str) -> Result<RawConfig, ConfigError> {
    parse_document(path, text)
}

/// Parses any TOML file the program reads into `T`, with the same file, line and key in every
/// error as for the config file.
pub fn parse_document<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, ConfigError> {
    let document = DeTable::parse(text).map_err(|error| {
        let offset = error.span().map(|span| span.start);
        ConfigError {
            file: Some(path.to_path_buf()),
            line: offset.map(|offset| super::error::line_of(text, offset)),
            key: None,
            message: format!("invalid TOML: {}", error.message()),
        }
    })?;
    toml::from_str::<T>(text).map_err(|error| {
        let offset = error.span().map(|span| span.start);
        let key = offset.and_then(|offset| key_at(document.get_ref(), offset, ""));
        let message = describe(error.message(), key.as_deref());
        ConfigError::at(
            path,
            text,
            offset,
            key.unwrap_or_else(|| "(top level)".to_owned()),
            message,
        )
    })
}

/// Rewrites a deserializer message for people: suggestions for unknown keys, and no echo of
/// a secret's value.
fn describe(message: &str, key: Option<&str>) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let mut parts = rest.split('`');
        let unknown = parts.next().unwrap_or_default();
        let expected: Vec<&str> = parts.skip(1).step_by(2).collect();
        let suggestion = expected
            .iter()
            .map(|candidate| (strsim::levenshtein(unknown, candidate), *candidate))
            .filter(|(distance, candidate)| *distance <= 3.max(candidate.len() / 3))
            .min();
        return match suggestion {
            Some((_, candidate)) => format!("unknown key `{unknown}`; did you mean `{candidate}`?"),
            None => format!(
                "unknown key `{unknown}`; valid keys here: {}",
                expected.join(", ")
            ),
        };
    }
    let leaf = key
        .and_then(|key| key.rsplit('.').next())
        .unwrap_or_default();
    if SECRET_KEYS.contains(&leaf) {
        return "must be a string".to_owned();
    }
    match message.strip_prefix("invalid type: ") {
        Some(detail) => {
            let detail = detail
                .replace("expected i64", "expected a whole number")
                .replace("expected u64", "expected a whole number")
                .replace("expected a boolean", "expected true or false");
            match example_for(leaf) {
                Some(example) => {
                    format!("wrong type: {detail}; write it like `{leaf} = {example}`")
                }
                None => format!("wrong type: {detail}"),
            }
        }
        None => message.to_owned(),
    }
}

/// A valid value for a key, to show in a wrong-type error.
fn example_for(key: &str) -> Option<&'static str> {
    Some(match key {
        "default_profile" => "\"dev\"",
        "region" => "\"cn-north-4\"",
        "project_id" => "\"0123456789abcdef0123456789abcdef\"",
        "endpoint" => "\"https://servicestage.cn-north-4.myhuaweicloud.com\"",
        "iam_endpoint" => "\"https://iam.cn-north-4.myhuaweicloud.com\"",
        "connect_timeout" | "timeout" | "max_retry_time" => "\"30s\"",
        "refresh_interval" => "\"15m\"",
        "max_retries" => "3",
        "max_body_size" => "\"8MiB\"",
        "osc52" | "mouse" => "true",
        "ca_bundle" => "\"~/corporate-ca.pem\"",
        "clipboard_command" | "token_command" => "\"wl-copy\"",
        "token_env" => "\"HW_TOKEN\"",
        "access_key_env" => "\"HW_ACCESS_KEY\"",
        "secret_key_env" => "\"HW_SECRET_KEY\"",
        "security_token_env" => "\"HW_SECURITY_TOKEN\"",
        "iam_password_env" => "\"HW_PASSWORD\"",
        "iam_user" => "\"alice\"",
        "iam_domain" => "\"acme\"",
        _ => return None,
    })
}

/// Finds the dotted path of the innermost key whose key or value covers `offset`.
fn key_at(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        let key_span = key.span();
        let value_span = value.span();
        let covers = key_span.contains(&offset)
            || value_span.contains(&offset)
            || value_span.start == offset;
        if !covers {
            if let DeValue::Table(inner) = value.get_ref() {
                // `[profiles.dev]` headers give the parent table a span that may not cover the
                // keys inside it, so look inside tables regardless.
                if let Some(found) = key_at(inner, offset, &path) {
                    return Some(found);
                }
            }
            continue;
        }
        if let DeValue::Table(inner) = value.get_ref() {
            return key_at(inner, offset, &path).or(Some(path));
        }
        return Some(path);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> ConfigError {
        match parse(Path::new("/cfg.toml"), text) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn syntax_error_names_line() {
        let error = error_of("default_profile = \"dev\"\n[profiles.dev\nregion = 1\n");
        assert_eq!(error.line, Some(2));
        assert!(
            error.message.starts_with("invalid TOML: "),
            "{}",
            error.message
        );
    }

    #[test]
    fn unknown_key_suggests_the_close_one() {
        let error = error_of("[profiles.dev]\nregion = \"cn-north-4\"\ntokn_env = \"X\"\n");
        assert_eq!(error.line, Some(3));
        assert_eq!(error.key.as_deref(), Some("profiles.dev.tokn_env"));
        assert_eq!(
            error.message,
            "unknown key `tokn_env`; did you mean `token_env`?"
        );
    }

    #[test]
    fn unknown_top_level_key_is_named() {
        let error = error_of("defalt_profile = \"dev\"\n");
        assert_eq!(error.line, Some(1));
        assert_eq!(
            error.message,
            "unknown key `defalt_profile`; did you mean `default_profile`?"
        );
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let error = error_of("[profiles.dev]\nregion = 4\n");
        assert_eq!(error.line, Some(2));
        assert_eq!(error.key.as_deref(), Some("profiles.dev.region"));
        assert_eq!(
            error.message,
            "wrong type: integer `4`, expected a string; write it like `region = \"cn-north-4\"`"
        );
    }

    #[test]
    fn secret_values_are_not_echoed() {
        let error = error_of("[profiles.dev]\ntoken = 987654321\n");
        assert_eq!(error.key.as_deref(), Some("profiles.dev.token"));
        assert_eq!(error.message, "must be a string");
        assert!(!error.to_string().contains("987654321"));
    }

    #[test]
    fn inline_table_profile_is_read() {
        let raw = parse(
            Path::new("/cfg.toml"),
            "profiles.dev = { region = \"cn-north-4\" }\n",
        )
        .expect("valid");
        assert!(raw.profiles.contains_key("dev"));
    }
}

//! Secret values (tokens, keys, passwords) and the places they are read from.
//!
//! Secrets are held in [`SecretString`], whose `Debug` prints `[REDACTED]` and which has no
//! `Display`, so a secret cannot reach a log line, an error message or a panic by accident.
//! Reading the value needs an explicit [`ExposeSecret::expose_secret`] call at the point of use.

use std::fmt;

pub use secrecy::{ExposeSecret, SecretString};

use crate::command::{CommandError, ExternalCommand};

/// Source of a secret, as configured in a profile.
#[derive(Clone)]
pub enum SecretSource {
    /// Written in the config file itself.
    Inline(SecretString),
    /// Read from an environment variable when a request needs it.
    Env(String),
    /// Printed on standard output by a command; surrounding white space is trimmed.
    Command(ExternalCommand),
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Error of a secret that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{key}: environment variable {variable} is not set; export it or change `{key}`")]
    EnvMissing { key: String, variable: String },
    #[error("{key}: environment variable {variable} is empty; export a value or change `{key}`")]
    EnvEmpty { key: String, variable: String },
    #[error("{key}: environment variable {variable} does not hold valid UTF-8")]
    EnvNotUnicode { key: String, variable: String },
    #[error("{key}: {source}")]
    Command {
        key: String,
        #[source]
        source: CommandError,
    },
    #[error("{key}: the command `{command}` printed nothing on standard output")]
    CommandEmpty { key: String, command: String },
}

impl SecretSource {
    /// Reads the secret now. `key` is the config key it came from, for error messages.
    pub async fn resolve(&self, key: &str) -> Result<SecretString, SecretError> {
        match self {
            Self::Inline(secret) => Ok(secret.clone()),
            Self::Env(variable) => read_env(key, variable),
            Self::Command(command) => {
                let output =
                    command
                        .run_for_secret()
                        .await
                        .map_err(|source| SecretError::Command {
                            key: key.to_owned(),
                            source,
                        })?;
                let trimmed = output.expose_secret().trim();
                if trimmed.is_empty() {
                    return Err(SecretError::CommandEmpty {
                        key: key.to_owned(),
                        command: command.to_string(),
                    });
                }
                Ok(SecretString::from(trimmed.to_owned()))
            }
        }
    }

    /// Says where the secret comes from, never what it is (`env HW_TOKEN`).
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Inline(_) => "config file".to_owned(),
            Self::Env(variable) => format!("env {variable}"),
            Self::Command(command) => format!("command `{command}`"),
        }
    }
}

fn read_env(key: &str, variable: &str) -> Result<SecretString, SecretError> {
    match std::env::var(variable) {
        Ok(value) if value.trim().is_empty() => Err(SecretError::EnvEmpty {
            key: key.to_owned(),
            variable: variable.to_owned(),
        }),
        Ok(value) => Ok(SecretString::from(value.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Err(SecretError::EnvMissing {
            key: key.to_owned(),
            variable: variable.to_owned(),
        }),
        Err(std::env::VarError::NotUnicode(_)) => Err(SecretError::EnvNotUnicode {
            key: key.to_owned(),
            variable: variable.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_inline_secret() {
        let source = SecretSource::Inline(SecretString::from("canary-value".to_owned()));
        let shown = format!("{source:?} {}", source.describe());
        assert!(!shown.contains("canary-value"), "{shown}");
        assert_eq!(source.describe(), "config file");
    }

    #[tokio::test]
    async fn missing_env_names_variable_and_key() {
        let source = SecretSource::Env("STAGE_IMAGES_TEST_SURELY_UNSET_VARIABLE".to_owned());
        let error = source.resolve("token_env").await.expect_err("unset");
        assert_eq!(
            error.to_string(),
            "token_env: environment variable STAGE_IMAGES_TEST_SURELY_UNSET_VARIABLE is not set; \
             export it or change `token_env`"
        );
    }

    #[tokio::test]
    async fn command_output_is_trimmed() {
        let command = ExternalCommand::parse("printf '  abc \\n'").expect("valid");
        let secret = SecretSource::Command(command)
            .resolve("token_command")
            .await
            .expect("runs");
        assert_eq!(secret.expose_secret(), "abc");
    }

    #[tokio::test]
    async fn command_with_empty_output_fails() {
        let command = ExternalCommand::parse("true").expect("valid");
        let error = SecretSource::Command(command)
            .resolve("token_command")
            .await
            .expect_err("empty");
        assert_eq!(
            error.to_string(),
            "token_command: the command `true` printed nothing on standard output"
        );
    }
}

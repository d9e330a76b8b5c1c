//! `stage-images profiles`: every profile of the config file with its region, endpoint,
//! project id and authentication method, for people and scripts. It sends no request and
//! prints no secret: credentials are described by where they come from.

use std::path::Path;

use unicode_width::UnicodeWidthStr;

use super::output::write_stdout;
use super::{Failure, ProfilesArgs};
use crate::api::project::cached_project_id;
use crate::auth::sdk::SdkLookup;
use crate::config::{Config, Profile};

/// Shown for a profile whose project id is looked up from the region.
pub const RESOLVED_FROM_REGION: &str = "resolved from region";

/// One profile as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub name: String,
    pub default: bool,
    pub region: String,
    pub endpoint: String,
    pub iam_endpoint: String,
    /// The configured or cached project id; `None` until it is resolved from the region.
    pub project_id: Option<String>,
    /// Source of the project id: `config`, `sdk` (the SDKs' environment variables or
    /// credentials file), `cache`, or `region` (not resolved yet).
    pub project_id_source: &'static str,
    /// `token`, `AK/SK` or `IAM user`.
    pub auth: String,
    /// Source of the secrets, never their values.
    pub credentials: String,
}

/// Prints the profiles of `config`.
pub fn run(
    config: &Config,
    args: &ProfilesArgs,
    lookup: &SdkLookup,
    cache_dir: Option<&Path>,
) -> Result<(), Failure> {
    // The mark goes to the profile used when none is named: `default_profile`, else the only
    // one.
    let used_by_default = config
        .select(None)
        .ok()
        .map(|profile| profile.name.as_str());
    let rows: Vec<Row> = config
        .profiles
        .values()
        .map(|profile| {
            let default = used_by_default == Some(profile.name.as_str());
            row(profile.clone(), default, lookup, cache_dir)
        })
        .collect();
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&rows).map_err(|error| {
            Failure::Runtime(format!("cannot write the profiles as JSON: {error}"))
        })?;
        text.push('\n');
        text
    } else {
        table(&rows)
    };
    write_stdout(&text)
}

/// Describes one profile, looking up its SDK credentials and cached project id.
#[must_use]
pub fn row(
    mut profile: Profile,
    default: bool,
    lookup: &SdkLookup,
    cache_dir: Option<&Path>,
) -> Row {
    let configured_project = profile.project_id.is_some();
    let fallback = profile.resolve_sdk_fallback(lookup);
    let credentials = match &fallback {
        Ok(_) => profile.credentials.describe(),
        // The full explanation is long; `list` with this profile prints it.
        Err(_) => "none found: no credential keys, SDK env vars or credentials file".to_owned(),
    };
    let iam_endpoint = profile.effective_iam_endpoint();
    let (project_id, project_id_source) = match &profile.project_id {
        Some(id) if configured_project => (Some(id.to_string()), "config"),
        Some(id) => (Some(id.to_string()), "sdk"),
        None => match cache_dir
            .and_then(|dir| cached_project_id(dir, &profile.name, &profile.region, &iam_endpoint))
        {
            Some(id) => (Some(id.to_string()), "cache"),
            None => (None, "region"),
        },
    };
    Row {
        name: profile.name.clone(),
        default,
        region: profile.region.to_string(),
        endpoint: profile.endpoint.to_string(),
        iam_endpoint: iam_endpoint.to_string(),
        project_id,
        project_id_source,
        auth: profile.credentials.method().label().to_owned(),
        credentials,
    }
}

/// Aligned columns with a header; the default profile is marked with `*`.
fn table(rows: &[Row]) -> String {
    let header = [
        "PROFILE",
        "REGION",
        "ENDPOINT",
        "PROJECT ID",
        "AUTH",
        "CREDENTIALS",
    ];
    let mut lines: Vec<[String; 6]> = vec![header.map(str::to_owned)];
    for row in rows {
        let name = if row.default {
            format!("{} *", row.name)
        } else {
            row.name.clone()
        };
        let project = match (&row.project_id, row.project_id_source) {
            (Some(id), "cache") => format!("{id} ({RESOLVED_FROM_REGION})"),
            (Some(id), _) => id.clone(),
            (None, _) => RESOLVED_FROM_REGION.to_owned(),
        };
        lines.push([
            name,
            row.region.clone(),
            row.endpoint.clone(),
            project,
            row.auth.clone(),
            row.credentials.clone(),
        ]);
    }
    let mut widths = [0_usize; 6];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.width());
        }
    }
    let mut text = String::new();
    for line in &lines {
        let mut out = String::new();
        for (index, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if index + 1 < line.len() {
                out.push_str(&" ".repeat(widths[index] - cell.width() + 2));
            }
        }
        text.push_str(out.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_and_marks_default() {
        let row = |name: &str, default, project_id: Option<&str>, source| Row {
            name: name.to_owned(),
            default,
            region: "cn-north-4".to_owned(),
            endpoint: "https://s".to_owned(),
            iam_endpoint: "https://i".to_owned(),
            project_id: project_id.map(str::to_owned),
            project_id_source: source,
            auth: "token".to_owned(),
            credentials: "token from env T".to_owned(),
        };
        let text = table(&[
            row("dev", true, Some("p1"), "config"),
            row("intl", false, None, "region"),
            row("sg", false, Some("p2"), "cache"),
        ]);
        assert_eq!(
            text,
            "PROFILE  REGION      ENDPOINT   PROJECT ID                 AUTH   CREDENTIALS\n\
             dev *    cn-north-4  https://s  p1                         token  token from env T\n\
             intl     cn-north-4  https://s  resolved from region       token  token from env T\n\
             sg       cn-north-4  https://s  p2 (resolved from region)  token  token from env T\n"
        );
    }
}

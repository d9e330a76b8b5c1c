//! `stage-images list --changes`: the versions added and removed since the last fetch, as text
//! or JSON.
//!
//! The last fetch is the one in the cache before this command ran. This command's fetch then
//! replaces it, so running it twice in a row reports no changes the second time.

use std::fmt::Write as _;
use std::time::SystemTime;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::list::find;
use super::obtain::Obtained;
use super::{Failure, ListArgs};
use crate::catalogue::changes::LanguageChanges;
use crate::catalogue::{Changes, VersionOrder, version};
use crate::tui::clock;

/// Formats the changes report for `profile`, restricted to the language of `args` when one is
/// given.
pub fn report(
    profile: &str,
    obtained: &Obtained,
    args: &ListArgs,
    order: VersionOrder,
) -> Result<String, Failure> {
    let Some(previous) = &obtained.previous else {
        return Ok(if args.json {
            json(profile, None, &Changes::default(), order)
        } else {
            format!(
                "No earlier fetch of profile {profile} is cached, so there is nothing to compare \
                 with{}.\n",
                if obtained.stored {
                    "; this fetch is cached for the next time"
                } else {
                    ""
                }
            )
        });
    };
    let mut changes = Changes::between(&previous.catalogue, &obtained.catalogue);
    if let Some(query) = &args.language {
        // A language that was removed is only in the older catalogue.
        let name = find(&obtained.catalogue, query)
            .or_else(|error| find(&previous.catalogue, query).map_err(|_| error))?
            .name()
            .to_owned();
        changes = changes.only(&name);
    }
    if args.json {
        return Ok(json(profile, Some(previous.fetched_at), &changes, order));
    }
    let age = clock::age(previous.fetched_at, SystemTime::now());
    let mut text = match changes.summary() {
        Some(summary) => format!("{summary} since the fetch {age} (profile {profile})\n"),
        None => format!("No changes since the fetch {age} (profile {profile})\n"),
    };
    let width = changes
        .languages()
        .iter()
        .map(|language| language.language.chars().count())
        .max()
        .unwrap_or(0);
    for language in changes.languages() {
        for (sign, versions) in [("+", &language.added), ("-", &language.removed)] {
            for version in ordered(versions, order) {
                let _ = writeln!(text, "{sign} {:<width$}  {version}", language.language);
            }
        }
    }
    Ok(text)
}

/// Versions in the order asked for; the changes keep them in the order the service returned.
fn ordered(versions: &[String], order: VersionOrder) -> Vec<&str> {
    let mut sorted: Vec<&str> = versions.iter().map(String::as_str).collect();
    if order == VersionOrder::NewestFirst {
        sorted.sort_by(|a, b| version::compare_newest_first(a, b));
    }
    sorted
}

/// `{"profile", "since", "added": {language: [versions]}, "removed": {…}}`; `since` is the
/// RFC 3339 time of the earlier fetch, or null when none was cached.
fn json(
    profile: &str,
    since: Option<SystemTime>,
    changes: &Changes,
    order: VersionOrder,
) -> String {
    let since = since.and_then(|at| OffsetDateTime::from(at).format(&Rfc3339).ok());
    let side = |pick: fn(&LanguageChanges) -> &Vec<String>| {
        changes
            .languages()
            .iter()
            .filter(|language| !pick(language).is_empty())
            .map(|language| {
                let versions = ordered(pick(language), order);
                (language.language.clone(), serde_json::json!(versions))
            })
            .collect::<serde_json::Map<_, _>>()
    };
    let value = serde_json::json!({
        "profile": profile,
        "since": since,
        "added": side(|language| &language.added),
        "removed": side(|language| &language.removed),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

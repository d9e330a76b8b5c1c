//! `stage-images diff A B [C…]`: which versions each profile offers, for every language, as a
//! table or JSON. The profiles are fetched at the same time; with `--offline` their cached
//! catalogues are compared instead.
//!
//! ```text
//!   language  version   dev  prod
//!   Go        1.22      yes  yes
//! * Java      21        yes  no
//! * Php       7-apache  yes  -
//! 2 of 3 versions differ (* marks them; "-" means the profile does not list the language)
//! ```

use clap::Args as ClapArgs;
use futures_util::future::join_all;
use unicode_width::UnicodeWidthStr;

use super::Failure;
use super::obtain::{Obtained, obtain};
use super::output::write_stdout;
use crate::cache::CatalogueCache;
use crate::catalogue::Catalogue;
use crate::catalogue::comparison::{self, Offer, Row};
use crate::config::{Config, Profile};

/// Arguments of `diff`.
#[derive(Debug, ClapArgs)]
pub struct DiffArgs {
    /// Profiles to compare, two or more
    #[arg(required = true, num_args = 2.., value_name = "PROFILE")]
    pub profiles: Vec<String>,

    /// Print a JSON object instead of a table
    #[arg(long)]
    pub json: bool,

    /// Print only the versions that not every profile offers
    #[arg(long)]
    pub only_differences: bool,
}

/// The comparison of one language.
struct LanguageRows {
    name: String,
    rows: Vec<Row>,
}

/// Fetches the profiles named in `args` at the same time and prints their comparison.
pub async fn run(
    config: &Config,
    args: &DiffArgs,
    cache: Option<&CatalogueCache>,
    offline: bool,
) -> Result<(), Failure> {
    let profiles = select(config, &args.profiles)?;
    let results = join_all(
        profiles
            .iter()
            .map(|profile| obtain(profile, cache, offline)),
    )
    .await;

    let mut obtained: Vec<Obtained> = Vec::new();
    let mut failure = None;
    for (profile, result) in profiles.iter().zip(results) {
        match result {
            Ok(catalogue) => {
                catalogue.report_age(&profile.name);
                catalogue.report_problems(&format!("profile {}: ", profile.name));
                obtained.push(catalogue);
            }
            Err(error) => {
                let error = Failure::InProfile {
                    profile: profile.name.clone(),
                    source: Box::new(error),
                };
                // The first failure decides the exit code; the others are only reported.
                if failure.is_none() {
                    failure = Some(error);
                } else {
                    eprintln!("stage-images: {error}");
                }
            }
        }
    }
    if let Some(error) = failure {
        return Err(error);
    }

    let names: Vec<&str> = profiles
        .iter()
        .map(|profile| profile.name.as_str())
        .collect();
    let catalogues: Vec<&Catalogue> = obtained.iter().map(|item| &item.catalogue).collect();
    let languages = compare(&catalogues, args.only_differences);
    let text = if args.json {
        json(&names, &catalogues, &languages)
    } else {
        table(&names, &languages)
    };
    write_stdout(&text)
}

/// Looks up the profiles named, in the order given. An unknown or repeated name is an error.
fn select<'a>(config: &'a Config, names: &[String]) -> Result<Vec<&'a Profile>, Failure> {
    let mut profiles: Vec<&Profile> = Vec::new();
    for name in names {
        let profile = config.select(Some(name))?;
        if profiles.iter().any(|chosen| chosen.name == profile.name) {
            return Err(Failure::Usage(format!(
                "profile {name:?} is named twice; name each profile once"
            )));
        }
        profiles.push(profile);
    }
    Ok(profiles)
}

fn compare(catalogues: &[&Catalogue], only_differences: bool) -> Vec<LanguageRows> {
    let catalogues: Vec<Option<&Catalogue>> = catalogues.iter().copied().map(Some).collect();
    comparison::language_names(&catalogues)
        .into_iter()
        .map(|name| {
            let mut rows = comparison::compare_language(&catalogues, &name);
            if only_differences {
                rows.retain(Row::differs);
            }
            LanguageRows { name, rows }
        })
        .filter(|language| !language.rows.is_empty() || !only_differences)
        .collect()
}

fn offer_word(offer: Offer) -> &'static str {
    match offer {
        Offer::Yes => "yes",
        Offer::No => "no",
        Offer::NoLanguage | Offer::Unknown => "-",
    }
}

fn table(names: &[&str], languages: &[LanguageRows]) -> String {
    let language_width = languages
        .iter()
        .map(|language| language.name.width())
        .chain(["language".width()])
        .max()
        .unwrap_or(0);
    let version_width = languages
        .iter()
        .flat_map(|language| &language.rows)
        .map(|row| row.version.width())
        .chain(["version".width()])
        .max()
        .unwrap_or(0);
    let pad = |text: &str, width: usize| {
        format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
    };

    let mut lines = Vec::new();
    let mut header = format!(
        "  {}  {}",
        pad("language", language_width),
        pad("version", version_width)
    );
    for name in names {
        header.push_str("  ");
        header.push_str(name);
    }
    lines.push(header);

    let mut total = 0;
    let mut differing = 0;
    for language in languages {
        if language.rows.is_empty() {
            lines.push(format!("  {}  (no versions)", language.name));
        }
        for row in &language.rows {
            total += 1;
            let marker = if row.differs() {
                differing += 1;
                "*"
            } else {
                " "
            };
            let mut line = format!(
                "{marker} {}  {}",
                pad(&language.name, language_width),
                pad(&row.version, version_width)
            );
            for (name, offer) in names.iter().zip(&row.offers) {
                line.push_str("  ");
                line.push_str(&pad(offer_word(*offer), name.width()));
            }
            lines.push(line.trim_end().to_owned());
        }
    }

    lines.push(if differing == 0 {
        format!("The profiles offer the same {total} versions")
    } else {
        format!(
            "{differing} of {total} versions differ (* marks them; \"-\" means the profile does not list the language)"
        )
    });
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// `{"profiles": [names], "languages": {name: {"listed_by": [names], "versions": [{"version",
/// "offered_by", "differs"}]}}}`, versions newest first.
fn json(names: &[&str], catalogues: &[&Catalogue], languages: &[LanguageRows]) -> String {
    let object: serde_json::Map<String, serde_json::Value> = languages
        .iter()
        .map(|language| {
            let listed_by: Vec<&str> = names
                .iter()
                .zip(catalogues)
                .filter(|(_, catalogue)| catalogue.find_language(&language.name).is_some())
                .map(|(name, _)| *name)
                .collect();
            let versions: Vec<serde_json::Value> = language
                .rows
                .iter()
                .map(|row| {
                    let offered_by: Vec<&str> = names
                        .iter()
                        .zip(&row.offers)
                        .filter(|(_, offer)| **offer == Offer::Yes)
                        .map(|(name, _)| *name)
                        .collect();
                    serde_json::json!({
                        "version": row.version,
                        "offered_by": offered_by,
                        "differs": row.differs(),
                    })
                })
                .collect();
            (
                language.name.clone(),
                serde_json::json!({ "listed_by": listed_by, "versions": versions }),
            )
        })
        .collect();
    let value = serde_json::json!({ "profiles": names, "languages": object });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

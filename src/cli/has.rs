//! `stage-images has LANGUAGE VERSION`: whether the build service offers a version, as an exit
//! code for CI checks before a build.
//!
//! Exit 0 when offered, 1 when not (also when the language is missing), 2 for usage and config
//! errors. A failed request also exits with 1, as every command does, and its message on
//! standard error distinguishes it from a version that is not offered.

use super::list::available_languages;
use super::obtain::obtain;
use super::output::write_stdout;
use super::{Failure, HasArgs};
use crate::cache::CatalogueCache;
use crate::catalogue::VersionOrder;
use crate::config::Profile;

/// Fetches the catalogue, or with `offline` reads the cached one, and reports whether it
/// offers the version.
pub async fn run(
    profile: &Profile,
    cache: Option<&CatalogueCache>,
    offline: bool,
    args: &HasArgs,
) -> Result<(), Failure> {
    let obtained = obtain(profile, cache, offline).await?;
    obtained.report_age(&profile.name);
    let catalogue = &obtained.catalogue;
    let version = args.version.trim();

    let Some(language) = catalogue.find_language(&args.language) else {
        // A typo and a language the service lacks both exit with 1; the hint tells them apart.
        let wanted = args.language.to_lowercase();
        let hint = catalogue
            .languages()
            .iter()
            .map(|language| {
                let name = language.name();
                (strsim::levenshtein(&wanted, &name.to_lowercase()), name)
            })
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, name)| format!(" (did you mean {name:?}?)"))
            .unwrap_or_default();
        return not_offered(
            args,
            &format!(
                "language {:?} is not offered{hint}; languages: {}",
                args.language,
                available_languages(catalogue)
            ),
        );
    };
    if language.offers(version) {
        tracing::info!(language = language.name(), version, "version is offered");
        if args.quiet {
            return Ok(());
        }
        return write_stdout(&format!("{} {version} is offered\n", language.name()));
    }
    let offered: Vec<&str> = language.versions(VersionOrder::NewestFirst).collect();
    let versions = if offered.is_empty() {
        "the service lists none".to_owned()
    } else {
        offered.join(", ")
    };
    not_offered(
        args,
        &format!(
            "{} {version} is not offered; versions: {versions}",
            language.name()
        ),
    )
}

fn not_offered(args: &HasArgs, message: &str) -> Result<(), Failure> {
    tracing::info!(message, "version is not offered");
    if !args.quiet {
        eprintln!("stage-images: {message}");
    }
    Err(Failure::NotOffered)
}

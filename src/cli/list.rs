//! `stage-images list`: the catalogue as text, `--plain` lines or JSON, for people and scripts.
//!
//! Release status (LTS, end of life) is added to text printed to a terminal, and to every format
//! with `--release-status`. Without the flag, output to a pipe and `--plain` and `--json` keep
//! their stable shapes, so scripts see only what the service returned.

mod status;

use std::io::IsTerminal;

use time::Date;

use super::obtain::obtain;
use super::output::write_stdout;
use super::{Failure, ListArgs, changes};
use crate::cache::CatalogueCache;
use crate::catalogue::{Catalogue, Language, VersionOrder};
use crate::config::Profile;
use crate::release_status::ReleaseTable;
use status::Annotator;

/// Inputs of `list` besides its arguments.
#[derive(Debug)]
pub struct ListContext<'a> {
    pub cache: Option<&'a CatalogueCache>,
    /// Read the cached catalogue instead of fetching.
    pub offline: bool,
    pub release_status: &'a ReleaseTable,
    /// Today's local date, for the release status.
    pub today: Date,
}

/// Fetches the catalogue, or with `offline` reads the cached one, and prints what `args`
/// requests, with release status as of `today`.
pub async fn run(
    profile: &Profile,
    args: &ListArgs,
    context: &ListContext<'_>,
) -> Result<(), Failure> {
    if args.changes && context.offline {
        return Err(Failure::Usage(
            "--changes compares a new fetch with the cached catalogue, so it cannot be used with --offline"
                .to_owned(),
        ));
    }
    let obtained = obtain(profile, context.cache, context.offline).await?;
    obtained.report_age(&profile.name);
    obtained.report_problems("");
    let order = if args.api_order {
        VersionOrder::Api
    } else {
        VersionOrder::NewestFirst
    };
    if args.changes {
        let text = changes::report(&profile.name, &obtained, args, order)?;
        return write_stdout(&text);
    }
    let catalogue = &obtained.catalogue;
    let languages: Vec<&Language> = match &args.language {
        Some(query) => vec![find(catalogue, query)?],
        None => catalogue.languages().iter().collect(),
    };

    let for_people = !args.json && !args.plain && std::io::stdout().is_terminal();
    let annotator = (args.release_status || for_people).then_some(Annotator {
        table: context.release_status,
        today: context.today,
    });
    let text = if args.json {
        status::json(&languages, order, annotator)
    } else if args.plain {
        plain(&languages, order, annotator)
    } else if args.language.is_some() {
        one_per_line(languages[0], order, annotator)
    } else {
        table(&languages, order, annotator)
    };
    write_stdout(&text)
}

/// Finds a language by the name a person typed; the error lists the available ones.
pub(super) fn find<'a>(catalogue: &'a Catalogue, query: &str) -> Result<&'a Language, Failure> {
    catalogue.find_language(query).ok_or_else(|| {
        Failure::Usage(format!(
            "unknown language {query:?}; available: {}",
            available_languages(catalogue)
        ))
    })
}

/// Names the languages of a catalogue (`Go, Java`), for a message about a language it lacks.
pub(super) fn available_languages(catalogue: &Catalogue) -> String {
    if catalogue.is_empty() {
        return "none (the service lists no languages for this project)".to_owned();
    }
    let names: Vec<&str> = catalogue.languages().iter().map(Language::name).collect();
    names.join(", ")
}

/// One version per line, for `list LANGUAGE`; the release status follows in a second column.
fn one_per_line(
    language: &Language,
    order: VersionOrder,
    annotator: Option<Annotator<'_>>,
) -> String {
    let width = language
        .versions(order)
        .map(|version| version.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for version in language.versions(order) {
        let label = annotator
            .and_then(|annotator| annotator.label(language.name(), version))
            .unwrap_or_default();
        let line = format!("{version:<width$}  {label}");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// Each language with its versions on one line, names aligned; `(LTS)` or `(EOL)` follows a
/// version when release status is shown.
fn table(languages: &[&Language], order: VersionOrder, annotator: Option<Annotator<'_>>) -> String {
    let width = languages
        .iter()
        .map(|language| language.name().chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for language in languages {
        let versions: Vec<String> = language
            .versions(order)
            .map(|version| {
                match annotator
                    .and_then(|annotator| annotator.short_label(language.name(), version))
                {
                    Some(mark) => format!("{version} ({mark})"),
                    None => version.to_owned(),
                }
            })
            .collect();
        let line = format!("{:<width$}  {}", language.name(), versions.join("  "));
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// `language<TAB>version` lines, with the release status as a third field when shown (empty
/// when the table has no entry for the version).
fn plain(languages: &[&Language], order: VersionOrder, annotator: Option<Annotator<'_>>) -> String {
    let mut text = String::new();
    for language in languages {
        for version in language.versions(order) {
            text.push_str(language.name());
            text.push('\t');
            text.push_str(version);
            if let Some(annotator) = annotator {
                text.push('\t');
                text.push_str(
                    &annotator
                        .label(language.name(), version)
                        .unwrap_or_default(),
                );
            }
            text.push('\n');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Catalogue {
        crate::catalogue::decode(br#"{"Java":["8u181-jdk-alpine","11","17"],"Go":["1.11"]}"#)
            .expect("valid")
            .catalogue
    }

    #[test]
    fn table_aligns_names() {
        let catalogue = sample();
        let languages: Vec<&Language> = catalogue.languages().iter().collect();
        assert_eq!(
            table(&languages, VersionOrder::NewestFirst, None),
            "Go    1.11\nJava  17  11  8u181-jdk-alpine\n"
        );
    }

    fn annotator(table: &ReleaseTable) -> Annotator<'_> {
        Annotator {
            table,
            today: time::macros::date!(2026 - 12 - 04),
        }
    }

    #[test]
    fn table_marks_lts_and_end_of_life() {
        let catalogue = sample();
        let languages: Vec<&Language> = catalogue.languages().iter().collect();
        let release_status = ReleaseTable::bundled().expect("bundled table");
        assert_eq!(
            table(
                &languages,
                VersionOrder::NewestFirst,
                Some(annotator(&release_status))
            ),
            "Go    1.11 (EOL)\nJava  17 (LTS)  11 (LTS)  8u181-jdk-alpine (LTS)\n"
        );
    }

    #[test]
    fn one_per_line_adds_a_status_column() {
        let catalogue = sample();
        let java = catalogue.find_language("java").expect("Java");
        let release_status = ReleaseTable::bundled().expect("bundled table");
        assert_eq!(
            one_per_line(
                java,
                VersionOrder::NewestFirst,
                Some(annotator(&release_status))
            ),
            "17                LTS\n11                LTS\n8u181-jdk-alpine  LTS\n"
        );
        assert_eq!(
            one_per_line(java, VersionOrder::NewestFirst, None),
            "17\n11\n8u181-jdk-alpine\n"
        );
    }

    #[test]
    fn plain_lines_have_tabs() {
        let catalogue = sample();
        let languages: Vec<&Language> = catalogue.languages().iter().collect();
        assert_eq!(
            plain(&languages, VersionOrder::NewestFirst, None),
            "Go\t1.11\nJava\t17\nJava\t11\nJava\t8u181-jdk-alpine\n"
        );
        let release_status = ReleaseTable::bundled().expect("bundled table");
        assert_eq!(
            plain(
                &languages[..1],
                VersionOrder::NewestFirst,
                Some(annotator(&release_status))
            ),
            "Go\t1.11\tEOL 2019-09-03\n"
        );
    }

    #[test]
    fn json_keeps_api_shape() {
        let catalogue = sample();
        let languages: Vec<&Language> = catalogue.languages().iter().collect();
        let parsed: serde_json::Value =
            serde_json::from_str(&status::json(&languages, VersionOrder::Api, None)).expect("json");
        assert_eq!(
            parsed,
            serde_json::json!({"Go": ["1.11"], "Java": ["8u181-jdk-alpine", "11", "17"]})
        );
    }

    #[test]
    fn unknown_language_in_empty_catalogue() {
        let error = find(&Catalogue::default(), "java").expect_err("unknown");
        assert_eq!(
            error.to_string(),
            "unknown language \"java\"; available: none (the service lists no languages for this \
             project)"
        );
    }

    #[test]
    fn unknown_language_lists_available() {
        let error = find(&sample(), "cobol").expect_err("unknown");
        assert_eq!(
            error.to_string(),
            "unknown language \"cobol\"; available: Go, Java"
        );
        assert_eq!(error.exit_code(), 2);
    }
}

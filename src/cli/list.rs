//! `stage-images list`: the catalogue as text or JSON, for people and scripts.

use std::io::{self, Write};

use super::{Failure, ListArgs};
use crate::api::Client;
use crate::catalogue::{Catalogue, Language, VersionOrder};

/// Fetches the catalogue and prints what `args` asks for.
pub async fn run(client: &Client, args: &ListArgs) -> Result<(), Failure> {
    let fetched = client.fetch_catalogue().await?;
    if let Some(summary) = fetched.problems.summary() {
        eprintln!("stage-images: warning: {summary}");
    }
    let order = if args.api_order {
        VersionOrder::Api
    } else {
        VersionOrder::NewestFirst
    };
    let catalogue = &fetched.catalogue;
    let languages: Vec<&Language> = match &args.language {
        Some(query) => vec![find(catalogue, query)?],
        None => catalogue.languages().iter().collect(),
    };
    let text = if args.json {
        json(&languages, order)
    } else if args.language.is_some() {
        one_per_line(languages[0], order)
    } else {
        table(&languages, order)
    };
    write_stdout(&text)
}

fn find<'a>(catalogue: &'a Catalogue, query: &str) -> Result<&'a Language, Failure> {
    catalogue.find_language(query).ok_or_else(|| {
        let names: Vec<&str> = catalogue.languages().iter().map(Language::name).collect();
        if names.is_empty() {
            Failure::Usage(format!(
                "unknown language {query:?}: the service lists no languages for this project"
            ))
        } else {
            Failure::Usage(format!(
                "unknown language {query:?}; available: {}",
                names.join(", ")
            ))
        }
    })
}

/// One version per line, for `list LANGUAGE`.
fn one_per_line(language: &Language, order: VersionOrder) -> String {
    let mut text = String::new();
    for version in language.versions(order) {
        text.push_str(version);
        text.push('\n');
    }
    text
}

/// Each language with its versions on one line, names aligned.
fn table(languages: &[&Language], order: VersionOrder) -> String {
    let width = languages
        .iter()
        .map(|language| language.name().chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for language in languages {
        let versions: Vec<&str> = language.versions(order).collect();
        let line = format!("{:<width$}  {}", language.name(), versions.join("  "));
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A JSON object mapping language names to version arrays, like the API's answer.
fn json(languages: &[&Language], order: VersionOrder) -> String {
    let object: serde_json::Map<String, serde_json::Value> = languages
        .iter()
        .map(|language| {
            let versions = language
                .versions(order)
                .map(serde_json::Value::from)
                .collect();
            (
                language.name().to_owned(),
                serde_json::Value::Array(versions),
            )
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&serde_json::Value::Object(object)).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes to standard output; a closed pipe (`| head`) ends the output quietly.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::Runtime(format!(
            "cannot write to standard output: {error}"
        ))),
    }
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
            table(&languages, VersionOrder::NewestFirst),
            "Go    1.11\nJava  17  11  8u181-jdk-alpine\n"
        );
    }

    #[test]
    fn json_keeps_api_shape() {
        let catalogue = sample();
        let languages: Vec<&Language> = catalogue.languages().iter().collect();
        let parsed: serde_json::Value =
            serde_json::from_str(&json(&languages, VersionOrder::Api)).expect("json");
        assert_eq!(
            parsed,
            serde_json::json!({"Go": ["1.11"], "Java": ["8u181-jdk-alpine", "11", "17"]})
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

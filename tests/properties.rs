//! Property tests: catalogue decoding, version order and config parsing never panic, whatever
//! the input, and keep their promises on generated cases.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use stage_images::catalogue::comparison::{Offer, compare_language};
use stage_images::catalogue::version::compare;
use stage_images::catalogue::{Catalogue, Language, VersionOrder, decode};
use stage_images::config::Config;

/// Generates any JSON value, nested a few levels, with the strings a catalogue meets and
/// the ones it should not (empty, control characters, very long, CJK).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |number| number.is_finite())
            .prop_map(Value::from),
        version_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(version_text(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn version_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,2}(-[a-z]{1,8})?",
        "[A-Za-z]{1,10}",
        "[0-9a-zA-Z.\\-u]{0,20}",
        "\\PC{0,12}",
        ".{0,12}",
        "[版本语言]{1,6}[0-9]{0,2}",
        Just(String::new()),
        Just("9".repeat(300)),
    ]
}

/// Generates catalogues in the documented shape: distinct valid names and versions.
fn valid_catalogue() -> impl Strategy<Value = BTreeMap<String, Vec<String>>> {
    prop::collection::btree_map(
        "[A-Z][a-z]{1,8}",
        prop::collection::hash_set("[0-9]{1,2}(\\.[0-9]{1,2})?(-[a-z]{1,6})?", 0..10)
            .prop_map(|versions| versions.into_iter().collect::<Vec<_>>()),
        0..8,
    )
}

fn is_valid_name(text: &str) -> bool {
    !text.trim().is_empty() && text.len() <= 256 && !text.chars().any(char::is_control)
}

proptest! {
    #[test]
    fn decode_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&body);
    }

    #[test]
    fn decode_never_panics_on_text(body in ".{0,256}") {
        let _ = decode(body.as_bytes());
    }

    #[test]
    fn decode_keeps_only_valid_distinct_items(value in json_value()) {
        let body = serde_json::to_vec(&value).expect("serialize");
        let result = decode(&body);
        prop_assert_eq!(result.is_ok(), value.is_object());
        let Ok(decoded) = result else { return Ok(()) };
        let mut names = HashSet::new();
        for language in decoded.catalogue.languages() {
            prop_assert!(is_valid_name(language.name()), "{:?}", language.name());
            prop_assert!(names.insert(language.name().to_owned()), "{:?} twice", language.name());
            let versions: Vec<&str> = language.versions(VersionOrder::Api).collect();
            let distinct: HashSet<&str> = versions.iter().copied().collect();
            prop_assert_eq!(distinct.len(), versions.len());
            for version in versions {
                prop_assert!(is_valid_name(version), "{:?}", version);
            }
        }
        prop_assert!(decoded.problems.kept().len() <= decoded.problems.total());
    }

    #[test]
    fn valid_catalogue_decodes_without_problems(catalogue in valid_catalogue()) {
        let body = serde_json::to_vec(&catalogue).expect("serialize");
        let decoded = decode(&body).expect("a valid catalogue");
        prop_assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
        prop_assert_eq!(decoded.catalogue.languages().len(), catalogue.len());
        for (name, versions) in &catalogue {
            let language = decoded.catalogue.find_language(name).expect("language kept");
            let api: Vec<&str> = language.versions(VersionOrder::Api).collect();
            prop_assert_eq!(&api, versions);
            let newest: Vec<&str> = language.versions(VersionOrder::NewestFirst).collect();
            for pair in newest.windows(2) {
                prop_assert_ne!(compare(pair[0], pair[1]), Ordering::Less);
            }
        }
    }

    #[test]
    fn version_order_is_antisymmetric(left in version_text(), right in version_text()) {
        prop_assert_eq!(compare(&left, &right), compare(&right, &left).reverse());
        prop_assert_eq!(compare(&left, &right) == Ordering::Equal, left == right);
    }

    #[test]
    fn version_order_is_transitive(
        a in version_text(),
        b in version_text(),
        c in version_text(),
    ) {
        let mut sorted = [a, b, c];
        sorted.sort_by(|left, right| compare(left, right));
        prop_assert_ne!(compare(&sorted[0], &sorted[1]), Ordering::Greater);
        prop_assert_ne!(compare(&sorted[1], &sorted[2]), Ordering::Greater);
        prop_assert_ne!(compare(&sorted[0], &sorted[2]), Ordering::Greater);
    }

    #[test]
    fn sorted_versions_agree_pairwise(mut versions in prop::collection::vec(version_text(), 0..24)) {
        versions.sort_by(|left, right| compare(left, right));
        for (index, earlier) in versions.iter().enumerate() {
            for later in &versions[index + 1..] {
                prop_assert_ne!(compare(earlier, later), Ordering::Greater, "{:?} > {:?}", earlier, later);
            }
        }
    }

    #[test]
    fn comparison_rows_match_a_direct_count(
        columns in prop::collection::vec(
            prop::option::of(prop::option::of(prop::collection::vec(version_text(), 0..16))),
            1..5,
        ),
    ) {
        // Each column: no catalogue, a catalogue without the language, or its versions.
        let catalogues: Vec<Option<Catalogue>> = columns
            .iter()
            .map(|column| {
                column.as_ref().map(|versions| {
                    let languages = versions
                        .iter()
                        .map(|versions| Language::new("Java", versions.clone()))
                        .collect();
                    Catalogue::new(languages)
                })
            })
            .collect();
        let compared: Vec<Option<&Catalogue>> = catalogues.iter().map(Option::as_ref).collect();
        let rows = compare_language(&compared, "Java");

        let mut expected: Vec<&str> = columns
            .iter()
            .flatten()
            .flatten()
            .flatten()
            .map(String::as_str)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        expected.sort_by(|left, right| compare(right, left));
        let versions: Vec<&str> = rows.iter().map(|row| row.version.as_str()).collect();
        prop_assert_eq!(&versions, &expected);
        for row in &rows {
            for (column, offer) in columns.iter().zip(&row.offers) {
                let wanted = match column {
                    None => Offer::Unknown,
                    Some(None) => Offer::NoLanguage,
                    Some(Some(versions)) if versions.contains(&row.version) => Offer::Yes,
                    Some(Some(_)) => Offer::No,
                };
                prop_assert_eq!(*offer, wanted, "version {:?}", &row.version);
            }
        }
    }

    #[test]
    fn config_parse_never_panics(text in "\\PC{0,400}") {
        let _ = Config::parse(Path::new("/nonexistent/config.toml"), &text);
    }

    #[test]
    fn config_errors_point_into_the_file(text in config_text()) {
        let lines = text.lines().count().max(1);
        if let Err(error) = Config::parse(Path::new("/nonexistent/config.toml"), &text) {
            prop_assert_eq!(error.file.as_deref(), Some(Path::new("/nonexistent/config.toml")));
            if let Some(line) = error.line {
                prop_assert!((1..=lines + 1).contains(&line), "line {} of {}", line, lines);
            }
            if let Some(key) = &error.key {
                prop_assert!(!key.is_empty());
            }
            prop_assert!(!error.message.is_empty());
        }
    }
}

/// Generates config text from real keys with values of every type, valid or not.
fn config_text() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "region",
        "project_id",
        "endpoint",
        "token",
        "token_env",
        "token_command",
        "connect_timeout",
        "timeout",
        "max_retries",
        "max_retry_time",
        "max_body_size",
        "ca_bundle",
        "tokn_env",
    ]);
    let value = prop_oneof![
        Just("\"cn-north-4\"".to_owned()),
        Just("\"0123456789abcdef0123456789abcdef\"".to_owned()),
        Just("\"http://127.0.0.1:8080\"".to_owned()),
        Just("\"HW_TOKEN\"".to_owned()),
        Just("\"30s\"".to_owned()),
        Just("\"8MiB\"".to_owned()),
        // Relative names only: a bundle path is read, and these never exist.
        Just("\"missing-ca.pem\"".to_owned()),
        any::<i64>().prop_map(|number| number.to_string()),
        any::<bool>().prop_map(|flag| flag.to_string()),
        "\"[a-z0-9 ./:-]{0,20}\"",
        Just("[1, 2]".to_owned()),
        Just("{ a = 1 }".to_owned()),
        Just("\"".to_owned()),
    ];
    let entry = (key, value).prop_map(|(key, value)| format!("{key} = {value}"));
    let profile = ("[a-z]{1,6}", prop::collection::vec(entry, 0..10))
        .prop_map(|(name, entries)| format!("[profiles.{name}]\n{}\n", entries.join("\n")));
    let top = prop_oneof![
        Just(String::new()),
        Just("default_profile = \"dev\"\n".to_owned()),
        Just("osc52 = 3\n".to_owned()),
        Just("defalt_profile = \"dev\"\n".to_owned()),
    ];
    (top, prop::collection::vec(profile, 0..3))
        .prop_map(|(top, profiles)| format!("{top}{}", profiles.concat()))
}

#[test]
fn deep_nesting_neither_crashes_nor_hides() {
    let depth = 100_000;
    let unclosed = format!(r#"{{"Java":{}"#, "[".repeat(depth));
    let error = decode(unclosed.as_bytes()).expect_err("unclosed");
    assert!(
        error
            .to_string()
            .starts_with("the response is not valid JSON (EOF while parsing"),
        "{error}"
    );

    let closed = format!(
        r#"{{"Java":["17",{}{}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let decoded = decode(closed.as_bytes()).expect("an object");
    let java = decoded.catalogue.find_language("Java").expect("Java kept");
    assert_eq!(java.versions(VersionOrder::Api).collect::<Vec<_>>(), ["17"]);
    assert_eq!(
        decoded.problems.summary().as_deref(),
        Some("skipped invalid data: Java: item 1 is a nested array, not a version string")
    );
}

//! Decoding the service's JSON response into a [`Catalogue`], keeping every valid part.
//!
//! The documented response is an object mapping language names to arrays of version strings.
//! Real responses may deviate: a value that is not an array, versions that are numbers or null,
//! nested arrays, duplicates, empty names, names with control characters, absurdly long strings.
//! Each deviation skips only the offending item and is recorded once as a [`Problem`]; only a
//! response that is not a JSON object at all is a [`DecodeError`].

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::language::finish_all;
use super::{Catalogue, LanguageBuilder};

pub use super::problem::{Problem, Problems};

/// Maximum length of a language name or version string, in bytes.
pub const MAX_NAME_BYTES: usize = 256;

/// A catalogue decoded from a response, with what had to be skipped.
#[derive(Debug, Default)]
pub struct Decoded {
    pub catalogue: Catalogue,
    pub problems: Problems,
}

/// Error of a response that cannot be read as a catalogue at all.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the response is not valid JSON ({0})")]
    Syntax(String),
    #[error("the response is {found}, not a JSON object mapping language names to versions")]
    NotAnObject { found: &'static str },
}

/// Decodes a catalogue response, skipping and reporting invalid parts.
pub fn decode(body: &[u8]) -> Result<Decoded, DecodeError> {
    let top_level = Cell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result = de::Deserializer::deserialize_any(
        &mut deserializer,
        CatalogueVisitor {
            top_level: &top_level,
        },
    );
    let decoded = result.map_err(|error| match top_level.get() {
        Some(found) => DecodeError::NotAnObject { found },
        None => DecodeError::Syntax(error.to_string()),
    })?;
    deserializer
        .end()
        .map_err(|error| DecodeError::Syntax(error.to_string()))?;
    Ok(decoded)
}

/// Reads the top-level object; records what it found instead when that is not an object.
struct CatalogueVisitor<'a> {
    top_level: &'a Cell<Option<&'static str>>,
}

impl CatalogueVisitor<'_> {
    fn not_an_object<E: de::Error>(&self, found: &'static str) -> E {
        self.top_level.set(Some(found));
        E::custom(found)
    }
}

impl<'de> Visitor<'de> for CatalogueVisitor<'_> {
    type Value = Decoded;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object mapping language names to arrays of versions")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut problems = Problems::default();
        let mut pending = Vec::new();
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            let valid_name = match name_problem(&name) {
                Some(reason) => {
                    problems.push(Problem::InvalidName {
                        language: None,
                        value: preview(&name),
                        reason,
                    });
                    false
                }
                None => true,
            };
            if valid_name && !names.insert(name.clone()) {
                problems.push(Problem::DuplicateLanguage {
                    language: name.clone(),
                });
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            // An invalid name is quoted and escaped in messages about its versions.
            let label = if valid_name {
                name.clone()
            } else {
                preview(&name)
            };
            let builder = map.next_value_seed(VersionsSeed {
                language: &label,
                problems: &mut problems,
            })?;
            if valid_name {
                pending.push((name, builder));
            }
        }
        let mut languages = Vec::with_capacity(pending.len());
        for (language, duplicates) in finish_all(pending) {
            for version in duplicates {
                problems.push(Problem::DuplicateVersion {
                    language: language.name().to_owned(),
                    version,
                });
            }
            languages.push(language);
        }
        Ok(Decoded {
            catalogue: Catalogue::new(languages),
            problems,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Decoded, A::Error> {
        Err(self.not_an_object("a JSON array"))
    }

    fn visit_str<E: de::Error>(self, _value: &str) -> Result<Decoded, E> {
        Err(self.not_an_object("a JSON string"))
    }

    fn visit_bool<E: de::Error>(self, _value: bool) -> Result<Decoded, E> {
        Err(self.not_an_object("a JSON boolean"))
    }

    fn visit_i64<E: de::Error>(self, _value: i64) -> Result<Decoded, E> {
        Err(self.not_an_object("a JSON number"))
    }

    fn visit_u64<E: de::Error>(self, _value: u64) -> Result<Decoded, E> {
        Err(self.not_an_object("a JSON number"))
    }

    fn visit_f64<E: de::Error>(self, _value: f64) -> Result<Decoded, E> {
        Err(self.not_an_object("a JSON number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Decoded, E> {
        Err(self.not_an_object("JSON null"))
    }
}

/// Reads one language's value, collecting valid, distinct version strings.
struct VersionsSeed<'a> {
    language: &'a str,
    problems: &'a mut Problems,
}

impl<'de> DeserializeSeed<'de> for VersionsSeed<'_> {
    type Value = LanguageBuilder;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<LanguageBuilder, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for VersionsSeed<'_> {
    type Value = LanguageBuilder;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of version strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LanguageBuilder, A::Error> {
        let mut builder = LanguageBuilder::default();
        let mut index = 0;
        while let Some(item) = seq.next_element_seed(ItemSeed {
            builder: &mut builder,
        })? {
            match item {
                Item::Added => {}
                Item::Invalid { value, reason } => self.problems.push(Problem::InvalidName {
                    language: Some(self.language.to_owned()),
                    value,
                    reason,
                }),
                Item::Other(found) => self.problems.push(Problem::NotAString {
                    language: self.language.to_owned(),
                    index,
                    found,
                }),
            }
            index += 1;
        }
        Ok(builder)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LanguageBuilder, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.not_an_array("an object".to_owned()))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<LanguageBuilder, E> {
        Ok(self.not_an_array(format!("the string {}", preview(value))))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<LanguageBuilder, E> {
        Ok(self.not_an_array(format!("the boolean {value}")))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<LanguageBuilder, E> {
        Ok(self.not_an_array(format!("the number {value}")))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<LanguageBuilder, E> {
        Ok(self.not_an_array(format!("the number {value}")))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<LanguageBuilder, E> {
        Ok(self.not_an_array(format!("the number {value}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<LanguageBuilder, E> {
        Ok(self.not_an_array("null".to_owned()))
    }
}

impl VersionsSeed<'_> {
    fn not_an_array(self, found: String) -> LanguageBuilder {
        self.problems.push(Problem::NotAnArray {
            language: self.language.to_owned(),
            found,
        });
        LanguageBuilder::default()
    }
}

/// Outcome of reading one element of a version array.
enum Item {
    /// A valid version, added to the language.
    Added,
    /// A string that cannot be shown as a version.
    Invalid { value: String, reason: &'static str },
    /// Something other than a string, described.
    Other(String),
}

/// Reads one element of a version array straight into the language being built.
struct ItemSeed<'a> {
    builder: &'a mut LanguageBuilder,
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = Item;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Item, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a version string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Item, E> {
        if let Some(reason) = name_problem(value) {
            return Ok(Item::Invalid {
                value: preview(value),
                reason,
            });
        }
        self.builder.push(value);
        Ok(Item::Added)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Item, E> {
        Ok(Item::Other(format!("the boolean {value}")))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Item, E> {
        Ok(Item::Other(format!("the number {value}")))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Item, E> {
        Ok(Item::Other(format!("the number {value}")))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Item, E> {
        Ok(Item::Other(format!("the number {value}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Item, E> {
        Ok(Item::Other("null".to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Item::Other("a nested array".to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Item::Other("an object".to_owned()))
    }
}

/// Says why a language name or version cannot be shown, if it cannot.
fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("is empty")
    } else if name.len() > MAX_NAME_BYTES {
        Some("is longer than 256 bytes")
    } else if name.chars().any(char::is_control) {
        Some("contains control characters")
    } else {
        None
    }
}

/// Quotes a value for a message, shortened to 40 characters and with control characters escaped.
fn preview(value: &str) -> String {
    const LIMIT: usize = 40;
    let mut shown: String = value.chars().take(LIMIT).collect();
    if value.chars().nth(LIMIT).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Language;
    use crate::catalogue::VersionOrder;
    use crate::catalogue::problem::MAX_PROBLEMS_KEPT;

    fn versions_of(decoded: &Decoded, language: &str) -> Vec<String> {
        decoded
            .catalogue
            .find_language(language)
            .map(|found| {
                found
                    .versions(VersionOrder::Api)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn documented_example_decodes() {
        let body = br#"{"Go":["1.11"],"Java":["8u181-jdk-alpine","11","17"],"Nodejs":["8","16"],"Php":["7-apache"],"Python":["3.7"],"Tomcat":["8-alpine"]}"#;
        let decoded = decode(body).expect("valid example");
        assert!(decoded.problems.is_empty());
        assert_eq!(decoded.catalogue.languages().len(), 6);
        assert_eq!(decoded.catalogue.version_count(), 9);
        assert_eq!(
            versions_of(&decoded, "Java"),
            ["8u181-jdk-alpine", "11", "17"]
        );
    }

    #[test]
    fn numbers_and_nulls_are_skipped_and_reported() {
        let decoded = decode(br#"{"Java":["17", 21, null, ["x"], "11"]}"#).expect("object");
        assert_eq!(versions_of(&decoded, "Java"), ["17", "11"]);
        assert_eq!(decoded.problems.total(), 3);
        assert_eq!(
            decoded.problems.kept()[0].to_string(),
            "Java: item 1 is the number 21, not a version string"
        );
        assert_eq!(
            decoded.problems.kept()[1].to_string(),
            "Java: item 2 is null, not a version string"
        );
        assert_eq!(
            decoded.problems.kept()[2].to_string(),
            "Java: item 3 is a nested array, not a version string"
        );
    }

    #[test]
    fn value_that_is_not_an_array_is_reported() {
        let decoded = decode(br#"{"Go":"1.21","Java":["17"]}"#).expect("object");
        assert_eq!(versions_of(&decoded, "Java"), ["17"]);
        assert_eq!(decoded.catalogue.languages().len(), 2);
        assert_eq!(
            decoded.problems.kept()[0].to_string(),
            r#"Go: expected an array of versions, found the string "1.21""#
        );
    }

    #[test]
    fn duplicates_are_dropped_once() {
        let decoded = decode(br#"{"Java":["17","17","11"]}"#).expect("object");
        assert_eq!(versions_of(&decoded, "Java"), ["17", "11"]);
        assert_eq!(decoded.problems.total(), 1);
    }

    #[test]
    fn duplicate_language_keeps_first() {
        let decoded = decode(br#"{"Java":["17"],"Java":["21"]}"#).expect("object");
        assert_eq!(versions_of(&decoded, "Java"), ["17"]);
        assert_eq!(
            decoded.problems.kept()[0],
            Problem::DuplicateLanguage {
                language: "Java".to_owned()
            }
        );
    }

    #[test]
    fn empty_and_control_names_are_rejected() {
        let decoded = decode(b"{\"\":[\"1\"],\"Go\":[\"1.2\\u001b[31m\", \"\"]}").expect("object");
        let names: Vec<&str> = decoded
            .catalogue
            .languages()
            .iter()
            .map(Language::name)
            .collect();
        assert_eq!(names, ["Go"]);
        assert!(versions_of(&decoded, "Go").is_empty());
        assert_eq!(decoded.problems.total(), 3);
    }

    #[test]
    fn overlong_version_is_rejected() {
        let long = "9".repeat(MAX_NAME_BYTES + 1);
        let body = format!(r#"{{"Go":["{long}","1.22"]}}"#);
        let decoded = decode(body.as_bytes()).expect("object");
        assert_eq!(versions_of(&decoded, "Go"), ["1.22"]);
        assert!(
            decoded.problems.kept()[0]
                .to_string()
                .contains("longer than 256 bytes")
        );
    }

    #[test]
    fn empty_object_is_an_empty_catalogue() {
        let decoded = decode(b"{}").expect("object");
        assert!(decoded.catalogue.is_empty());
        assert!(decoded.problems.is_empty());
    }

    #[test]
    fn array_is_not_a_catalogue() {
        let error = decode(br#"["Java"]"#).expect_err("array");
        assert_eq!(
            error.to_string(),
            "the response is a JSON array, not a JSON object mapping language names to versions"
        );
    }

    #[test]
    fn malformed_json_is_a_syntax_error() {
        let error = decode(br#"{"Java": ["17""#).expect_err("truncated");
        assert!(matches!(error, DecodeError::Syntax(_)), "{error}");
        let error = decode(b"<html>502 Bad Gateway</html>").expect_err("html");
        assert!(matches!(error, DecodeError::Syntax(_)), "{error}");
    }

    #[test]
    fn trailing_garbage_is_a_syntax_error() {
        let error = decode(br#"{"Java":["17"]} extra"#).expect_err("trailing");
        assert!(matches!(error, DecodeError::Syntax(_)), "{error}");
    }

    #[test]
    fn problems_are_capped_but_counted() {
        let items: Vec<String> = (0..120).map(|number| number.to_string()).collect();
        let body = format!(r#"{{"Java":[{}]}}"#, items.join(","));
        let decoded = decode(body.as_bytes()).expect("object");
        assert_eq!(decoded.problems.total(), 120);
        assert_eq!(decoded.problems.kept().len(), MAX_PROBLEMS_KEPT);
        assert_eq!(
            decoded.problems.summary().as_deref(),
            Some(
                "skipped invalid data: Java: item 0 is the number 0, not a version string (and 119 more)"
            )
        );
    }
}

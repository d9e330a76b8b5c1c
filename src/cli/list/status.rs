//! Release status in `list` output: labels for text and the JSON form.

use serde_json::{Map, Value, json};
use time::Date;

use crate::catalogue::{Language, VersionOrder};
use crate::release_status::{EndOfLife, ReleaseStatus, ReleaseTable, Standing};

/// Release status lookups as of one day.
#[derive(Clone, Copy, Debug)]
pub struct Annotator<'a> {
    pub table: &'a ReleaseTable,
    pub today: Date,
}

impl Annotator<'_> {
    fn status(&self, language: &str, version: &str) -> Option<&ReleaseStatus> {
        self.table.status(language, version)
    }

    /// The full label (`LTS until 2027-04-30`, `EOL 2023-09-11`), if there is one.
    pub fn label(&self, language: &str, version: &str) -> Option<String> {
        let (text, _) = self.status(language, version)?.label(self.today)?;
        Some(text)
    }

    /// `LTS` or `EOL`, for the one-line-per-language table; a line that is merely supported
    /// gets no mark there.
    pub fn short_label(&self, language: &str, version: &str) -> Option<&'static str> {
        match self.status(language, version)?.label(self.today)?.1 {
            Standing::Lts => Some("LTS"),
            Standing::EndOfLife => Some("EOL"),
            Standing::Supported => None,
        }
    }

    /// The `release_status` field of a version in JSON: `null` when unknown, else the line,
    /// `lts`, `end_of_life` (a date, `true` when ended without a known date, or `null`),
    /// whether it has passed on this day, and the label.
    fn json(&self, language: &str, version: &str) -> Value {
        let Some(status) = self.status(language, version) else {
            return Value::Null;
        };
        let end_of_life = match status.end_of_life {
            EndOfLife::No => Value::Null,
            EndOfLife::Ended => Value::Bool(true),
            EndOfLife::On(date) => Value::String(date.to_string()),
        };
        json!({
            "line": status.line,
            "lts": status.lts,
            "end_of_life": end_of_life,
            "is_end_of_life": status.is_end_of_life(self.today),
            "label": status.label(self.today).map(|(text, _)| text),
        })
    }
}

/// A JSON object mapping language names to version arrays, like the API's response. With an
/// annotator each version becomes `{"version": ..., "release_status": ...}`.
pub fn json(
    languages: &[&Language],
    order: VersionOrder,
    annotator: Option<Annotator<'_>>,
) -> String {
    let object: Map<String, Value> = languages
        .iter()
        .map(|language| {
            let versions = language
                .versions(order)
                .map(|version| match annotator {
                    Some(annotator) => json!({
                        "version": version,
                        "release_status": annotator.json(language.name(), version),
                    }),
                    None => Value::from(version),
                })
                .collect();
            (language.name().to_owned(), Value::Array(versions))
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_with_status_has_objects() {
        let catalogue =
            crate::catalogue::decode(br#"{"Nodejs":["22","16-alpine"],"Docker":["24.0"]}"#)
                .expect("valid")
                .catalogue;
        let languages: Vec<&Language> = catalogue.languages().iter().collect();
        let table = ReleaseTable::bundled().expect("bundled table");
        let annotator = Annotator {
            table: &table,
            today: time::macros::date!(2026 - 12 - 04),
        };
        let parsed: Value = serde_json::from_str(&json(
            &languages,
            VersionOrder::NewestFirst,
            Some(annotator),
        ))
        .expect("json");
        assert_eq!(
            parsed,
            json!({
                "Docker": [{"version": "24.0", "release_status": null}],
                "Nodejs": [
                    {"version": "22", "release_status": {
                        "line": "22", "lts": true, "end_of_life": "2027-04-30",
                        "is_end_of_life": false, "label": "LTS until 2027-04-30"}},
                    {"version": "16-alpine", "release_status": {
                        "line": "16", "lts": true, "end_of_life": "2023-09-11",
                        "is_end_of_life": true, "label": "EOL 2023-09-11"}},
                ]
            })
        );
    }
}

//! Comparing the catalogues of several profiles: for one language, which versions each offers.
//!
//! Languages match by [`Catalogue::find_language`], so `Nodejs` in one region and `nodejs` in
//! another are the same language. Versions match exactly.

use super::{Catalogue, Language, VersionOrder, canonical_language_name, version};

/// Whether one profile offers a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    Yes,
    /// The profile lists the language but not this version.
    No,
    /// The profile does not list the language at all.
    NoLanguage,
    /// Nothing is known about the profile (its catalogue is missing).
    Unknown,
}

/// One version and whether each profile offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub version: String,
    /// One entry per catalogue compared, in the order given.
    pub offers: Vec<Offer>,
}

impl Row {
    /// Whether the profiles whose catalogue is known disagree about this version.
    #[must_use]
    pub fn differs(&self) -> bool {
        let mut known = self
            .offers
            .iter()
            .filter(|offer| **offer != Offer::Unknown)
            .map(|offer| *offer == Offer::Yes);
        match known.next() {
            Some(first) => known.any(|offered| offered != first),
            None => false,
        }
    }
}

/// Returns every language any catalogue lists, sorted by name. Each is spelled as in the first
/// catalogue that lists it.
#[must_use]
pub fn language_names(catalogues: &[Option<&Catalogue>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for catalogue in catalogues.iter().flatten() {
        for language in catalogue.languages() {
            let canonical = canonical_language_name(language.name());
            let known = names
                .iter()
                .any(|name| canonical_language_name(name) == canonical);
            if !known {
                names.push(language.name().to_owned());
            }
        }
    }
    names.sort_by(|a, b| {
        a.to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b))
    });
    names
}

/// Returns the versions of `language` that any catalogue offers, newest first, with what each
/// catalogue offers. A missing catalogue (`None`) gives [`Offer::Unknown`].
#[must_use]
pub fn compare_language(catalogues: &[Option<&Catalogue>], language: &str) -> Vec<Row> {
    let languages: Vec<Option<Option<&Language>>> = catalogues
        .iter()
        .map(|catalogue| catalogue.map(|catalogue| catalogue.find_language(language)))
        .collect();
    let mut versions: Vec<&str> = Vec::new();
    for found in languages.iter().flatten().flatten() {
        for version in found.versions(VersionOrder::Api) {
            if !versions.contains(&version) {
                versions.push(version);
            }
        }
    }
    versions.sort_by(|a, b| version::compare_newest_first(a, b));
    versions
        .into_iter()
        .map(|version| Row {
            version: version.to_owned(),
            offers: languages
                .iter()
                .map(|found| match found {
                    None => Offer::Unknown,
                    Some(None) => Offer::NoLanguage,
                    Some(Some(language)) if language.offers(version) => Offer::Yes,
                    Some(Some(_)) => Offer::No,
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(json: &str) -> Catalogue {
        crate::catalogue::decode(json.as_bytes())
            .expect("valid catalogue")
            .catalogue
    }

    #[test]
    fn rows_cover_every_version_newest_first() {
        let north = catalogue(r#"{"Java":["8","17","21"],"Php":["7-apache"]}"#);
        let south = catalogue(r#"{"Java":["17","8"]}"#);
        let rows = compare_language(&[Some(&north), Some(&south)], "java");
        let versions: Vec<&str> = rows.iter().map(|row| row.version.as_str()).collect();
        assert_eq!(versions, ["21", "17", "8"]);
        assert_eq!(rows[0].offers, [Offer::Yes, Offer::No]);
        assert!(rows[0].differs());
        assert_eq!(rows[1].offers, [Offer::Yes, Offer::Yes]);
        assert!(!rows[1].differs());
    }

    #[test]
    fn missing_language_and_catalogue_are_told_apart() {
        let north = catalogue(r#"{"Php":["7-apache"]}"#);
        let south = catalogue(r#"{"Java":["17"]}"#);
        let rows = compare_language(&[Some(&north), Some(&south), None], "Php");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].offers,
            [Offer::Yes, Offer::NoLanguage, Offer::Unknown]
        );
        assert!(rows[0].differs());
    }

    #[test]
    fn unknown_catalogues_do_not_make_a_difference() {
        let north = catalogue(r#"{"Go":["1.22"]}"#);
        let rows = compare_language(&[Some(&north), None], "Go");
        assert!(!rows[0].differs());
    }

    #[test]
    fn language_names_merge_spellings() {
        let north = catalogue(r#"{"Nodejs":["20"],"Go":["1.22"]}"#);
        let south = catalogue(r#"{"nodejs":["20"],"Python":["3.12"]}"#);
        assert_eq!(
            language_names(&[Some(&north), Some(&south), None]),
            ["Go", "Nodejs", "Python"]
        );
    }
}

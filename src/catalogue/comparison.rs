//! Comparing the catalogues of several profiles: for one language, which versions each offers.
//!
//! Languages match by [`Catalogue::find_language`], so `Nodejs` in one region and `nodejs` in
//! another are the same language. Versions match exactly.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::iter::Peekable;

use super::{Catalogue, Language, VersionOrder, canonical_language_name, sort_by_name, version};

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
    let mut seen: HashSet<String> = HashSet::new();
    let mut names: Vec<String> = Vec::new();
    for catalogue in catalogues.iter().flatten() {
        for language in catalogue.languages() {
            if seen.insert(canonical_language_name(language.name())) {
                names.push(language.name().to_owned());
            }
        }
    }
    sort_by_name(&mut names, String::as_str);
    names
}

/// Returns the versions of `language` that any catalogue offers, newest first, with what each
/// catalogue offers. A missing catalogue (`None`) gives [`Offer::Unknown`].
///
/// Each language already lists its versions newest first, in the order of [`version::compare`],
/// which ties no two different versions. So the rows come from merging those lists in one pass,
/// without hashing or sorting: the newest version at the head of any list is the next row, and
/// the lists that start with it offer it.
#[must_use]
pub fn compare_language(catalogues: &[Option<&Catalogue>], language: &str) -> Vec<Row> {
    let found: Vec<Option<Option<&Language>>> = catalogues
        .iter()
        .map(|catalogue| catalogue.map(|catalogue| catalogue.find_language(language)))
        .collect();
    // What a column shows for a version its list does not start with.
    let absent: Vec<Offer> = found
        .iter()
        .map(|column| match column {
            None => Offer::Unknown,
            Some(None) => Offer::NoLanguage,
            Some(Some(_)) => Offer::No,
        })
        .collect();
    let mut lists: Vec<Option<Peekable<_>>> = found
        .iter()
        .map(|column| {
            column
                .flatten()
                .map(|language| language.versions(VersionOrder::NewestFirst).peekable())
        })
        .collect();

    let mut rows = Vec::new();
    loop {
        // Profiles mostly agree, so the heads are often equal: comparing bytes first skips
        // parsing them.
        let newest = lists
            .iter_mut()
            .flatten()
            .filter_map(|list| list.peek().copied())
            .max_by(|left, right| {
                if left == right {
                    Ordering::Equal
                } else {
                    version::compare(left, right)
                }
            });
        let Some(newest) = newest else {
            break;
        };
        let offers = lists
            .iter_mut()
            .zip(&absent)
            .map(|(list, &absent)| {
                // `next_if_eq` takes the head only when it is this version.
                match list
                    .as_mut()
                    .and_then(|versions| versions.next_if_eq(&newest))
                {
                    Some(_) => Offer::Yes,
                    None => absent,
                }
            })
            .collect();
        rows.push(Row {
            version: newest.to_owned(),
            offers,
        });
    }
    rows
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
    fn rows_merge_versions_each_list_lacks() {
        let north = catalogue(r#"{"Go":["1.9","1.22","1.21-alpine","1.10"]}"#);
        let south = catalogue(r#"{"go":["1.23","1.21-alpine","1.9"]}"#);
        let east = catalogue(r#"{"Java":["17"]}"#);
        let rows = compare_language(&[Some(&north), Some(&south), Some(&east), None], "Go");
        let versions: Vec<&str> = rows.iter().map(|row| row.version.as_str()).collect();
        assert_eq!(versions, ["1.23", "1.22", "1.21-alpine", "1.10", "1.9"]);
        let offers: Vec<&[Offer]> = rows.iter().map(|row| row.offers.as_slice()).collect();
        let (yes, no, none, unknown) = (Offer::Yes, Offer::No, Offer::NoLanguage, Offer::Unknown);
        assert_eq!(offers[0], [no, yes, none, unknown]);
        assert_eq!(offers[1], [yes, no, none, unknown]);
        assert_eq!(offers[2], [yes, yes, none, unknown]);
        assert_eq!(offers[3], [yes, no, none, unknown]);
        assert_eq!(offers[4], [yes, yes, none, unknown]);
    }

    #[test]
    fn no_catalogue_lists_the_language() {
        let north = catalogue(r#"{"Go":["1.22"]}"#);
        assert!(compare_language(&[Some(&north), None], "Java").is_empty());
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

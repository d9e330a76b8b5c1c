//! The catalogue of build base images: language names and the version strings offered for each.
//!
//! This module owns the in-memory model and its orderings. Turning the service's JSON into a
//! [`Catalogue`] lives in [`decode`], version comparison in [`version`]. It knows nothing about
//! HTTP or the terminal.

pub mod decode;
pub mod version;

use std::collections::HashSet;

pub use decode::{DecodeError, Decoded, Problem, decode};

/// The order in which versions of a language are listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VersionOrder {
    /// Natural version order, newest first (`21`, `17`, `11`, `8u181-jdk-alpine`).
    #[default]
    NewestFirst,
    /// The order in which the service returned them.
    Api,
}

impl VersionOrder {
    /// Returns the other order, for the sort toggle.
    #[must_use]
    pub fn toggled(self) -> Self {
        match self {
            Self::NewestFirst => Self::Api,
            Self::Api => Self::NewestFirst,
        }
    }

    /// Short label for status lines and titles.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NewestFirst => "newest first",
            Self::Api => "API order",
        }
    }
}

/// One language and the versions the build service offers for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Language {
    name: String,
    /// Versions in the order the service returned them, without duplicates.
    versions: Vec<String>,
    /// Indices into `versions`, newest first.
    newest_first: Vec<u32>,
}

impl Language {
    /// Builds a language, dropping duplicate versions (the first occurrence stays).
    #[must_use]
    pub fn new(name: impl Into<String>, versions: Vec<String>) -> Self {
        let mut seen = HashSet::with_capacity(versions.len());
        let mut unique = Vec::with_capacity(versions.len());
        for version in versions {
            if seen.insert(version.clone()) {
                unique.push(version);
            }
        }
        Self::from_unique(name.into(), unique)
    }

    /// Builds a language from versions already known to be unique.
    pub(crate) fn from_unique(name: String, versions: Vec<String>) -> Self {
        let mut newest_first: Vec<u32> = (0..versions.len() as u32).collect();
        newest_first.sort_unstable_by(|&a, &b| {
            version::compare_newest_first(&versions[a as usize], &versions[b as usize])
        });
        Self {
            name,
            versions,
            newest_first,
        }
    }

    /// The language name exactly as the service spells it (`Nodejs`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of distinct versions offered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether the service lists no version at all for this language.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// The version at `position` in the given order.
    #[must_use]
    pub fn version_at(&self, order: VersionOrder, position: usize) -> Option<&str> {
        let index = match order {
            VersionOrder::Api => position,
            VersionOrder::NewestFirst => *self.newest_first.get(position)? as usize,
        };
        self.versions.get(index).map(String::as_str)
    }

    /// Iterates over the versions in the given order.
    pub fn versions(&self, order: VersionOrder) -> impl Iterator<Item = &str> + '_ {
        (0..self.versions.len()).filter_map(move |position| self.version_at(order, position))
    }

    /// Whether this exact version string is offered.
    #[must_use]
    pub fn offers(&self, version: &str) -> bool {
        self.versions.iter().any(|offered| offered == version)
    }
}

/// Every language of one project and region, sorted by name (case-insensitive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    languages: Vec<Language>,
}

impl Catalogue {
    /// Builds a catalogue; languages are sorted by name, case-insensitively.
    #[must_use]
    pub fn new(mut languages: Vec<Language>) -> Self {
        languages.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        });
        Self { languages }
    }

    /// The languages, sorted by name.
    #[must_use]
    pub fn languages(&self) -> &[Language] {
        &self.languages
    }

    /// Total number of versions across all languages.
    #[must_use]
    pub fn version_count(&self) -> usize {
        self.languages.iter().map(Language::len).sum()
    }

    /// Whether the service returned no language at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// Finds a language by the name a person would type.
    ///
    /// Matching ignores case and a small set of common aliases (`node` and `nodejs` find
    /// `Nodejs`, `golang` finds `Go`, `php` finds `Php`). An exact name always wins.
    #[must_use]
    pub fn find_language(&self, query: &str) -> Option<&Language> {
        let query = query.trim();
        if let Some(exact) = self
            .languages
            .iter()
            .find(|language| language.name == query)
        {
            return Some(exact);
        }
        let wanted = canonical_language_name(query);
        self.languages
            .iter()
            .find(|language| canonical_language_name(&language.name) == wanted)
    }
}

/// Lowercases a language name and maps well-known aliases to one spelling.
#[must_use]
pub fn canonical_language_name(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let canonical = match lower.as_str() {
        "node" | "node.js" | "nodejs" | "js" | "javascript" => "nodejs",
        "golang" | "go" => "go",
        "py" | "python" | "python3" => "python",
        "jdk" | "java" => "java",
        other => other,
    };
    canonical.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn language_drops_duplicate_versions() {
        let language = Language::new("Java", strings(&["17", "11", "17"]));
        assert_eq!(language.len(), 2);
        assert_eq!(
            language.versions(VersionOrder::Api).collect::<Vec<_>>(),
            ["17", "11"]
        );
    }

    #[test]
    fn language_orders_newest_first() {
        let language = Language::new("Java", strings(&["8u181-jdk-alpine", "11", "17"]));
        let newest: Vec<&str> = language.versions(VersionOrder::NewestFirst).collect();
        assert_eq!(newest, ["17", "11", "8u181-jdk-alpine"]);
        let api: Vec<&str> = language.versions(VersionOrder::Api).collect();
        assert_eq!(api, ["8u181-jdk-alpine", "11", "17"]);
    }

    #[test]
    fn catalogue_sorts_languages_by_name() {
        let catalogue = Catalogue::new(vec![
            Language::new("Python", vec![]),
            Language::new("go", vec![]),
            Language::new("Java", vec![]),
        ]);
        let names: Vec<&str> = catalogue.languages().iter().map(Language::name).collect();
        assert_eq!(names, ["go", "Java", "Python"]);
    }

    #[test]
    fn find_language_accepts_aliases() {
        let catalogue = Catalogue::new(vec![
            Language::new("Go", vec![]),
            Language::new("Nodejs", vec![]),
            Language::new("Java", vec![]),
        ]);
        let name = |query| catalogue.find_language(query).map(Language::name);
        assert_eq!(name("java"), Some("Java"));
        assert_eq!(name("JAVA"), Some("Java"));
        assert_eq!(name("node"), Some("Nodejs"));
        assert_eq!(name("golang"), Some("Go"));
        assert_eq!(name("cobol"), None);
    }

    #[test]
    fn order_toggles_both_ways() {
        assert_eq!(VersionOrder::NewestFirst.toggled(), VersionOrder::Api);
        assert_eq!(VersionOrder::Api.toggled(), VersionOrder::NewestFirst);
    }
}

//! The catalogue of build base images: language names and the version strings offered for each.
//!
//! This module owns the in-memory model and its orderings. Turning the service's JSON into a
//! [`Catalogue`] lives in [`decode`] and version comparison in [`version`]. The differences
//! between two fetches are in [`changes`], and those between profiles in [`comparison`]. It
//! has no code for HTTP or the terminal.

pub mod changes;
pub mod comparison;
pub mod decode;
mod language;
mod problem;
pub mod version;

pub use changes::Changes;
pub use decode::{DecodeError, Decoded, Problem, decode};
pub use language::{Language, LanguageBuilder};

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

/// Every language of one project and region, sorted by name (case-insensitive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    languages: Vec<Language>,
}

impl Catalogue {
    /// Builds a catalogue; languages are sorted by name, case-insensitively.
    #[must_use]
    pub fn new(mut languages: Vec<Language>) -> Self {
        sort_by_name(&mut languages, Language::name);
        Self { languages }
    }

    /// Returns the languages, sorted by name.
    #[must_use]
    pub fn languages(&self) -> &[Language] {
        &self.languages
    }

    /// Total number of versions across all languages.
    #[must_use]
    pub fn version_count(&self) -> usize {
        self.languages.iter().map(Language::len).sum()
    }

    /// Returns whether the service returned no language at all.
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
            .find(|language| language.name() == query)
        {
            return Some(exact);
        }
        let wanted = canonical_language_name(query);
        self.languages
            .iter()
            .find(|language| canonical_language_name(language.name()) == wanted)
    }
}

/// Sorts items by a name, ignoring case, and by the exact name where only case differs, so the
/// order is the same whatever order the items came in. Each name is lowercased once.
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|item| {
        let name = name(item);
        (name.to_lowercase(), name.to_owned())
    });
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

//! Changes between two fetches of one catalogue: versions added and removed per language.
//!
//! Only the set of versions counts. A version listed in another order, or a language listed in
//! another position, is not a change, because the service documents its arrays as unordered.
//! A language that appears or disappears counts all its versions as added or removed.

use std::collections::{HashMap, HashSet};

use super::{Catalogue, Language, VersionOrder, sort_by_name};

/// The changes of one language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanguageChanges {
    /// The language name as the service spells it.
    pub language: String,
    /// Whether the language itself is new, gone, or listed in both catalogues.
    pub presence: Presence,
    /// Versions offered now but not before, in the order the service returned them.
    pub added: Vec<String>,
    /// Versions offered before but not now, in the order the service returned them.
    pub removed: Vec<String>,
}

/// Whether a language is listed in the older catalogue, the newer one, or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Presence {
    #[default]
    Both,
    /// Listed only in the newer catalogue.
    Added,
    /// Listed only in the older catalogue.
    Removed,
}

/// The differences between an older and a newer catalogue, by language name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Languages with at least one change, sorted like [`Catalogue::languages`].
    languages: Vec<LanguageChanges>,
    /// Lookup by exact language name, so that the browser's per-row checks take the same time
    /// whatever the number of languages and versions.
    index: HashMap<String, LanguageIndex>,
}

/// Position of one language's changes, and its added versions as a set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LanguageIndex {
    /// Position in [`Changes::languages`].
    position: usize,
    added: HashSet<String>,
}

impl Changes {
    /// Compares two catalogues. Language names and versions compare exactly, so `Java` and
    /// `java` are different languages.
    #[must_use]
    pub fn between(older: &Catalogue, newer: &Catalogue) -> Self {
        let mut languages = Vec::new();
        for language in newer.languages() {
            let changes = match find_exact(older, language.name()) {
                Some(before) => LanguageChanges {
                    language: language.name().to_owned(),
                    presence: Presence::Both,
                    added: missing_from(language, before),
                    removed: missing_from(before, language),
                },
                None => LanguageChanges {
                    language: language.name().to_owned(),
                    presence: Presence::Added,
                    added: api_order(language),
                    removed: Vec::new(),
                },
            };
            if changes.presence != Presence::Both
                || !changes.added.is_empty()
                || !changes.removed.is_empty()
            {
                languages.push(changes);
            }
        }
        for language in older.languages() {
            if find_exact(newer, language.name()).is_none() {
                languages.push(LanguageChanges {
                    language: language.name().to_owned(),
                    presence: Presence::Removed,
                    added: Vec::new(),
                    removed: api_order(language),
                });
            }
        }
        // Same order as `Catalogue::new`, so a listing reads like the catalogue.
        sort_by_name(&mut languages, |changes| changes.language.as_str());
        Self::from_languages(languages)
    }

    /// Indexes the changes of each language, given in display order.
    fn from_languages(languages: Vec<LanguageChanges>) -> Self {
        let index = languages
            .iter()
            .enumerate()
            .map(|(position, changes)| {
                let entry = LanguageIndex {
                    position,
                    added: changes.added.iter().cloned().collect(),
                };
                (changes.language.clone(), entry)
            })
            .collect();
        Self { languages, index }
    }

    /// Returns the changes of one language only, by exact name.
    #[must_use]
    pub fn only(&self, language: &str) -> Self {
        Self::from_languages(self.for_language(language).cloned().into_iter().collect())
    }

    /// Returns whether both catalogues offer the same versions.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// Returns the languages that changed, sorted by name.
    #[must_use]
    pub fn languages(&self) -> &[LanguageChanges] {
        &self.languages
    }

    /// Returns the changes of one language, by exact name.
    #[must_use]
    pub fn for_language(&self, name: &str) -> Option<&LanguageChanges> {
        let entry = self.index.get(name)?;
        self.languages.get(entry.position)
    }

    /// Returns whether `version` of `language` is new in the newer catalogue.
    #[must_use]
    pub fn is_new(&self, language: &str, version: &str) -> bool {
        self.index
            .get(language)
            .is_some_and(|entry| entry.added.contains(version))
    }

    /// Number of versions added, over all languages.
    #[must_use]
    pub fn added_count(&self) -> usize {
        self.languages
            .iter()
            .map(|changes| changes.added.len())
            .sum()
    }

    /// Number of versions removed, over all languages.
    #[must_use]
    pub fn removed_count(&self) -> usize {
        self.languages
            .iter()
            .map(|changes| changes.removed.len())
            .sum()
    }

    /// Counts for a status line (`+2 new, 1 removed`), or `None` when nothing changed.
    ///
    /// A language that appears or disappears without any version is counted on its own
    /// (`1 language added`), so a change is never summarised as nothing.
    #[must_use]
    pub fn summary(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        let added = self.added_count();
        let removed = self.removed_count();
        if added > 0 {
            parts.push(format!("+{added} new"));
        }
        if removed > 0 {
            parts.push(format!("{removed} removed"));
        }
        let empty_languages = |presence: Presence| {
            self.languages
                .iter()
                .filter(|changes| {
                    changes.presence == presence
                        && changes.added.is_empty()
                        && changes.removed.is_empty()
                })
                .count()
        };
        for (presence, verb) in [(Presence::Added, "added"), (Presence::Removed, "removed")] {
            match empty_languages(presence) {
                0 => {}
                1 => parts.push(format!("1 empty language {verb}")),
                count => parts.push(format!("{count} empty languages {verb}")),
            }
        }
        Some(parts.join(", "))
    }
}

fn find_exact<'a>(catalogue: &'a Catalogue, name: &str) -> Option<&'a Language> {
    catalogue
        .languages()
        .iter()
        .find(|language| language.name() == name)
}

/// Returns the versions of `language` that `other` does not offer, in API order.
fn missing_from(language: &Language, other: &Language) -> Vec<String> {
    let offered: HashSet<&str> = other.versions(VersionOrder::Api).collect();
    language
        .versions(VersionOrder::Api)
        .filter(|version| !offered.contains(version))
        .map(str::to_owned)
        .collect()
}

fn api_order(language: &Language) -> Vec<String> {
    language
        .versions(VersionOrder::Api)
        .map(str::to_owned)
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
    fn reordered_versions_are_no_change() {
        let older = catalogue(r#"{"Java":["8","11","17"],"Go":["1.22"]}"#);
        let newer = catalogue(r#"{"Go":["1.22"],"Java":["17","8","11"]}"#);
        let changes = Changes::between(&older, &newer);
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(changes.summary(), None);
    }

    #[test]
    fn added_and_removed_versions_are_listed() {
        let older = catalogue(r#"{"Java":["8","11","17"],"Go":["1.22"]}"#);
        let newer = catalogue(r#"{"Java":["21","11","17","25"],"Go":["1.22"]}"#);
        let changes = Changes::between(&older, &newer);
        let java = changes.for_language("Java").expect("Java changed");
        assert_eq!(java.presence, Presence::Both);
        assert_eq!(java.added, ["21", "25"]);
        assert_eq!(java.removed, ["8"]);
        assert!(changes.for_language("Go").is_none());
        assert!(changes.is_new("Java", "21"));
        assert!(!changes.is_new("Java", "17"));
        assert_eq!(changes.summary().as_deref(), Some("+2 new, 1 removed"));
    }

    #[test]
    fn new_and_gone_languages_count_all_versions() {
        let older = catalogue(r#"{"Php":["7-apache","8"],"Go":["1.22"]}"#);
        let newer = catalogue(r#"{"Go":["1.22"],"Rust":["1.80"]}"#);
        let changes = Changes::between(&older, &newer);
        let names: Vec<&str> = changes
            .languages()
            .iter()
            .map(|changes| changes.language.as_str())
            .collect();
        assert_eq!(names, ["Php", "Rust"]);
        let php = changes.for_language("Php").expect("Php gone");
        assert_eq!(php.presence, Presence::Removed);
        assert_eq!(php.removed, ["7-apache", "8"]);
        let rust = changes.for_language("Rust").expect("Rust new");
        assert_eq!(rust.presence, Presence::Added);
        assert_eq!(rust.added, ["1.80"]);
        assert_eq!(changes.summary().as_deref(), Some("+1 new, 2 removed"));
    }

    #[test]
    fn only_keeps_one_language_and_its_marks() {
        let older = catalogue(r#"{"Java":["8","11"],"Go":["1.22"]}"#);
        let newer = catalogue(r#"{"Java":["11","21"],"Go":["1.23"]}"#);
        let java = Changes::between(&older, &newer).only("Java");
        assert_eq!(java.languages().len(), 1);
        assert!(java.is_new("Java", "21"));
        assert!(!java.is_new("Java", "11"));
        assert!(!java.is_new("Go", "1.23"));
        assert!(java.for_language("Go").is_none());
        assert_eq!(
            java.for_language("Java")
                .map(|changes| changes.removed.clone()),
            Some(vec!["8".to_owned()])
        );
        assert!(Changes::between(&older, &newer).only("Php").is_empty());
    }

    #[test]
    fn language_names_compare_exactly() {
        let older = catalogue(r#"{"java":["17"]}"#);
        let newer = catalogue(r#"{"Java":["17"]}"#);
        let changes = Changes::between(&older, &newer);
        assert_eq!(changes.added_count(), 1);
        assert_eq!(changes.removed_count(), 1);
    }

    #[test]
    fn empty_language_is_still_a_change() {
        let older = catalogue(r#"{"Go":["1.22"]}"#);
        let newer = catalogue(r#"{"Go":["1.22"],"Cobol":[]}"#);
        let changes = Changes::between(&older, &newer);
        assert!(!changes.is_empty());
        assert_eq!(changes.summary().as_deref(), Some("1 empty language added"));
    }
}

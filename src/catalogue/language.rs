//! One language and its versions, stored compactly and sorted once.
//!
//! A language may list 100,000 versions, so the versions share one text buffer instead of one
//! allocation each, and the newest-first order is computed once when the language is built:
//! each version gets a byte sort key ([`super::version::sort_key`]), most comparisons only look
//! at a 128-bit prefix of it, and duplicates fall out of the sort as neighbours.

use std::fmt;

use super::VersionOrder;
use super::version;

/// One language and the versions the build service offers for it.
#[derive(Clone)]
pub struct Language {
    name: String,
    /// Every version as received, one after another.
    text: String,
    /// `text` with ASCII letters lowercased (same length), searched by the filter.
    lowercase: String,
    /// End offset in `text` of each version as received, duplicates included.
    ends: Vec<u32>,
    /// Indices into `ends` of the distinct versions, in the order the service returned them.
    api_order: Vec<u32>,
    /// Indices into `ends` of the distinct versions, newest first.
    newest_first: Vec<u32>,
}

impl PartialEq for Language {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self
                .versions(VersionOrder::Api)
                .eq(other.versions(VersionOrder::Api))
    }
}

impl Eq for Language {}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Language")
            .field("name", &self.name)
            .field("versions", &self.len())
            .finish_non_exhaustive()
    }
}

impl Language {
    /// Builds a language, dropping duplicate versions (the first occurrence stays).
    #[must_use]
    pub fn new(name: impl Into<String>, versions: Vec<String>) -> Self {
        let mut builder = LanguageBuilder::default();
        for version in versions {
            builder.push(&version);
        }
        builder.finish(name.into()).0
    }

    /// Returns the language name exactly as the service spells it (`Nodejs`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of distinct versions offered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.api_order.len()
    }

    /// Returns whether the service lists no version at all for this language.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.api_order.is_empty()
    }

    /// Returns the version at `position` in the given order.
    #[must_use]
    pub fn version_at(&self, order: VersionOrder, position: usize) -> Option<&str> {
        let index = match order {
            VersionOrder::Api => self.api_order.get(position)?,
            VersionOrder::NewestFirst => self.newest_first.get(position)?,
        };
        Some(self.received(*index as usize))
    }

    /// Iterates over the versions in the given order.
    pub fn versions(&self, order: VersionOrder) -> impl Iterator<Item = &str> + '_ {
        let indices = match order {
            VersionOrder::Api => &self.api_order,
            VersionOrder::NewestFirst => &self.newest_first,
        };
        indices.iter().map(|&index| self.received(index as usize))
    }

    /// Returns whether this exact version string is offered.
    #[must_use]
    pub fn offers(&self, version: &str) -> bool {
        self.versions(VersionOrder::Api)
            .any(|offered| offered == version)
    }

    /// Returns the positions, in `order`, of the versions that contain `filter`, ignoring ASCII
    /// case. `filter` must already be ASCII-lowercased; an empty filter matches every version.
    ///
    /// One substring search runs over all versions' text at once, which keeps filtering 100,000
    /// versions well under a millisecond.
    #[must_use]
    pub fn matching_positions(&self, order: VersionOrder, lowercase_filter: &str) -> Vec<u32> {
        let list = match order {
            VersionOrder::Api => &self.api_order,
            VersionOrder::NewestFirst => &self.newest_first,
        };
        if lowercase_filter.is_empty() {
            return (0..list.len() as u32).collect();
        }
        let needle = lowercase_filter.as_bytes();
        let finder = memchr::memmem::Finder::new(needle);
        let haystack = self.lowercase.as_bytes();
        let mut matched = vec![false; self.ends.len()];
        let mut version = 0;
        let mut from = 0;
        while let Some(found) = finder.find(&haystack[from..]) {
            let start = from + found;
            while self.ends[version] as usize <= start {
                version += 1;
            }
            let end = self.ends[version] as usize;
            // A match that runs into the next version does not count; any later match that
            // starts in this version would run over too, so the search goes on from the next.
            if start + needle.len() <= end {
                matched[version] = true;
            }
            from = end;
        }
        list.iter()
            .enumerate()
            .filter(|(_, index)| matched[**index as usize])
            .map(|(position, _)| position as u32)
            .collect()
    }

    /// Returns the `index`-th version as received.
    fn received(&self, index: usize) -> &str {
        version_in(&self.text, &self.ends, index)
    }
}

/// Returns the `index`-th version of `text`, whose versions end at the offsets `ends`.
fn version_in<'a>(text: &'a str, ends: &[u32], index: usize) -> &'a str {
    let start = if index == 0 {
        0
    } else {
        ends[index - 1] as usize
    };
    &text[start..ends[index] as usize]
}

/// Collects the versions of a language as they are decoded.
#[derive(Debug, Default)]
pub struct LanguageBuilder {
    text: String,
    ends: Vec<u32>,
}

impl LanguageBuilder {
    /// Adds a version in the order the service returned it.
    ///
    /// # Panics
    /// When the versions of one language add up to more than 4 GiB of text, far beyond the
    /// response size limit.
    pub fn push(&mut self, version: &str) {
        self.text.push_str(version);
        let end = u32::try_from(self.text.len())
            .unwrap_or_else(|_| panic!("versions of one language exceed 4 GiB"));
        self.ends.push(end);
    }

    /// Number of versions added so far, duplicates included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Returns whether no version was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Sorts the versions and drops duplicates. Returns the language and the versions that
    /// were listed more than once (each repeat once, in the order received).
    #[must_use]
    pub fn finish(self, name: String) -> (Language, Vec<String>) {
        let Self { text, ends } = self;
        let received = |index: usize| version_in(&text, &ends, index);

        // A 128-bit prefix of each version's sort key; most versions differ within it.
        let mut key = Vec::with_capacity(64);
        let mut entries: Vec<(u128, u32)> = (0..ends.len())
            .map(|index| {
                key.clear();
                version::sort_key(received(index), &mut key);
                (prefix(&key), index as u32)
            })
            .collect();

        // Integer sort on the prefix, then full keys only where prefixes tie.
        entries.sort_unstable();
        let mut start = 0;
        while start < entries.len() {
            let mut end = start + 1;
            while end < entries.len() && entries[end].0 == entries[start].0 {
                end += 1;
            }
            if end - start > 1 {
                sort_tied(&mut entries[start..end], &received);
            }
            start = end;
        }

        // Equal versions have equal prefixes and are neighbours, the first received first:
        // keep that one.
        let mut keep = vec![true; ends.len()];
        let mut repeated = Vec::new();
        for pair in entries.windows(2) {
            let (previous, current) = (pair[0], pair[1]);
            if previous.0 == current.0
                && received(previous.1 as usize) == received(current.1 as usize)
            {
                keep[current.1 as usize] = false;
                repeated.push(current.1);
            }
        }
        repeated.sort_unstable();
        let duplicates = repeated
            .iter()
            .map(|&index| received(index as usize).to_owned())
            .collect();

        let newest_first = entries
            .iter()
            .rev()
            .map(|entry| entry.1)
            .filter(|&index| keep[index as usize])
            .collect();
        let api_order = (0..ends.len() as u32)
            .filter(|&index| keep[index as usize])
            .collect();
        let lowercase = text.to_ascii_lowercase();
        (
            Language {
                name,
                text,
                lowercase,
                ends,
                api_order,
                newest_first,
            },
            duplicates,
        )
    }
}

/// Sorts entries whose key prefixes tie by their full keys, then the text, then the order
/// received.
fn sort_tied<'a>(entries: &mut [(u128, u32)], received: &impl Fn(usize) -> &'a str) {
    let mut keyed: Vec<(Vec<u8>, &str, u32)> = entries
        .iter()
        .map(|&(_, index)| {
            let text = received(index as usize);
            let mut key = Vec::new();
            version::sort_key(text, &mut key);
            (key, text, index)
        })
        .collect();
    keyed.sort_unstable();
    for (entry, (_, _, index)) in entries.iter_mut().zip(keyed) {
        entry.1 = index;
    }
}

/// Total versions above which languages are sorted on several threads.
const PARALLEL_THRESHOLD: usize = 100_000;

/// Sorts every language, on as many threads as there are cores when the catalogue is large.
/// Returns each language with its repeated versions, in the order given.
pub(super) fn finish_all(pending: Vec<(String, LanguageBuilder)>) -> Vec<(Language, Vec<String>)> {
    let total: usize = pending.iter().map(|(_, builder)| builder.len()).sum();
    // Asking for the core count reads cgroup files, so small catalogues never ask.
    let threads = if total < PARALLEL_THRESHOLD {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(pending.len())
    };
    if threads < 2 {
        return pending
            .into_iter()
            .map(|(name, builder)| builder.finish(name))
            .collect();
    }
    // Deal languages out round robin so each thread gets a similar share.
    let mut shares: Vec<Vec<(usize, String, LanguageBuilder)>> =
        (0..threads).map(|_| Vec::new()).collect();
    for (position, (name, builder)) in pending.into_iter().enumerate() {
        shares[position % threads].push((position, name, builder));
    }
    let mut finished: Vec<(usize, (Language, Vec<String>))> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|(position, name, builder)| (position, builder.finish(name)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    finished.sort_unstable_by_key(|(position, _)| *position);
    finished.into_iter().map(|(_, result)| result).collect()
}

/// Returns the first 16 bytes of a key as a big-endian integer, zero-padded.
///
/// Zero padding keeps the integer order equal to the key order: a key never continues with a
/// `0x00` byte where a shorter key ends (after a run comes a run tag, `0x01` or `0x02`).
fn prefix(key: &[u8]) -> u128 {
    let mut bytes = [0_u8; 16];
    let length = key.len().min(16);
    bytes[..length].copy_from_slice(&key[..length]);
    u128::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn duplicates_are_dropped_first_kept() {
        let mut builder = LanguageBuilder::default();
        for version in ["17", "11", "17", "8", "11", "17"] {
            builder.push(version);
        }
        let (language, duplicates) = builder.finish("Java".to_owned());
        assert_eq!(
            language.versions(VersionOrder::Api).collect::<Vec<_>>(),
            ["17", "11", "8"]
        );
        assert_eq!(
            language
                .versions(VersionOrder::NewestFirst)
                .collect::<Vec<_>>(),
            ["17", "11", "8"]
        );
        assert_eq!(duplicates, ["17", "11", "17"]);
    }

    #[test]
    fn order_matches_compare_on_long_shared_prefixes() {
        // Versions alike in their first 16 key bytes fall back to the full comparison.
        let versions = strings(&[
            "1.2.3.4.5.6.7.8.9",
            "1.2.3.4.5.6.7.8.10",
            "1.2.3.4.5.6.7.8",
            "1.2.3.4.5.6.7.8-alpine",
            "1.2.3.4.5.6.7.08",
        ]);
        let language = Language::new("Deep", versions.clone());
        let mut expected = versions;
        expected.sort_by(|a, b| version::compare_newest_first(a, b));
        assert_eq!(
            language
                .versions(VersionOrder::NewestFirst)
                .collect::<Vec<_>>(),
            expected
        );
    }

    #[test]
    fn filter_finds_versions_in_either_order() {
        let language = Language::new("Java", strings(&["8u181-JDK-alpine", "11", "17", "21-jdk"]));
        assert_eq!(
            language.matching_positions(VersionOrder::Api, "jdk"),
            [0, 3]
        );
        assert_eq!(
            language.matching_positions(VersionOrder::NewestFirst, "jdk"),
            [0, 3]
        );
        assert_eq!(
            language.matching_positions(VersionOrder::NewestFirst, "1"),
            [0, 1, 2, 3]
        );
        assert_eq!(
            language.matching_positions(VersionOrder::Api, ""),
            [0, 1, 2, 3]
        );
        assert!(
            language
                .matching_positions(VersionOrder::Api, "zzz")
                .is_empty()
        );
    }

    #[test]
    fn filter_never_matches_across_versions() {
        // The text buffer contains "xaaab": "aa" first appears across the boundary, then inside "aab".
        let language = Language::new("Edge", strings(&["xa", "aab", "b", "ab"]));
        assert_eq!(language.matching_positions(VersionOrder::Api, "aa"), [1]);
        assert_eq!(
            language.matching_positions(VersionOrder::Api, "bab"),
            Vec::<u32>::new()
        );
        assert_eq!(language.matching_positions(VersionOrder::Api, "ab"), [1, 3]);
    }

    #[test]
    fn filter_agrees_with_substring_search() {
        let versions = strings(&[
            "1.21.5",
            "1.21-alpine",
            "Alpine-3",
            "",
            "21",
            "121",
            "12",
            "a1",
        ]);
        let language = Language::new("Mixed", versions);
        for filter in ["1", "21", "alp", "1-a", "3", "a1", "12", "x"] {
            let expected: Vec<u32> = language
                .versions(VersionOrder::NewestFirst)
                .enumerate()
                .filter(|(_, version)| version.to_ascii_lowercase().contains(filter))
                .map(|(position, _)| position as u32)
                .collect();
            assert_eq!(
                language.matching_positions(VersionOrder::NewestFirst, filter),
                expected,
                "{filter}"
            );
        }
    }

    #[test]
    fn empty_language_has_no_versions() {
        let language = Language::new("None", Vec::new());
        assert!(language.is_empty());
        assert_eq!(language.version_at(VersionOrder::NewestFirst, 0), None);
        assert!(!language.offers(""));
    }

    #[test]
    fn equality_ignores_storage() {
        let plain = Language::new("Go", strings(&["1.22", "1.21"]));
        let repeated = Language::new("Go", strings(&["1.22", "1.21", "1.22"]));
        assert_eq!(plain, repeated);
        assert_ne!(plain, Language::new("Go", strings(&["1.21", "1.22"])));
    }
}

//! Catalogues of a chosen size for the benchmarks, generated deterministically.

use std::fmt::Write as _;

/// The catalogue sizes the benchmarks run at: (name, languages, versions per language).
pub const SIZES: [(&str, usize, usize); 3] = [
    ("documented", 6, 2),
    ("100x1000", 100, 1_000),
    ("20x100000", 20, 100_000),
];

/// Builds a catalogue answer with `languages` languages of `versions` versions each, in a
/// scrambled order, with version strings shaped like real ones (`1.21.5`, `17-alpine`,
/// `8u181-jdk-alpine`).
#[must_use]
pub fn catalogue_json(languages: usize, versions: usize) -> String {
    let mut json = String::with_capacity(languages * versions * 16);
    json.push('{');
    for language in 0..languages {
        if language > 0 {
            json.push(',');
        }
        let _ = write!(json, "\"Language{language:03}\":[");
        for index in 0..versions {
            if index > 0 {
                json.push(',');
            }
            // A multiplicative step scrambles the order without repeating an index.
            let scrambled = (index * 7919 + language) % versions.max(1);
            let major = scrambled / 100;
            let minor = scrambled % 100;
            let version = match scrambled % 3 {
                0 => format!("{major}.{minor}.{}", language % 10),
                1 => format!("{major}.{minor}-alpine"),
                _ => format!("{major}u{minor}-jdk-alpine"),
            };
            let _ = write!(json, "\"{version}\"");
        }
        json.push(']');
    }
    json.push('}');
    json
}

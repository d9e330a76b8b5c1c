//! Natural ordering of version strings as `ServiceStage` names them.
//!
//! A version is split into runs of ASCII digits and runs of other characters. Digit runs compare
//! by numeric value (of any length, without parsing into an integer), other runs compare by
//! their ASCII-lowercased bytes, and a digit run ranks above a text run in the same position,
//! so `21` > `17` > `11` > `8u181-jdk-alpine` and `3.12` > `3.9`. When one version is a prefix
//! of the other in run terms, the longer one ranks higher (`3.12.1` > `3.12`, `16-alpine` > `16`).
//! Equal versions under these rules fall back to plain byte order, so the order is total.
//!
//! [`compare`] allocates nothing: it walks both strings once. Sorting many versions uses
//! [`sort_key`] instead, a byte string per version whose plain byte order is the same order, so
//! a sort compares bytes (mostly a 128-bit integer prefix) instead of re-parsing both strings at
//! every comparison.

use std::cmp::Ordering;

/// Key byte that starts a text run; lower than a digit run, so digits rank above text.
const TEXT_RUN: u8 = 0x01;
/// Key byte that starts a digit run.
const DIGIT_RUN: u8 = 0x02;
/// Key byte that ends a text run; lower than any byte of the run itself.
const TEXT_END: u8 = 0x00;
/// Marks a digit run of 255 digits or more, whose length follows as a big-endian `u32`.
const LONG_DIGITS: u8 = 0xFF;

/// Compares two version strings in ascending natural order (oldest first).
#[must_use]
pub fn compare(left: &str, right: &str) -> Ordering {
    let mut left_runs = Runs::new(left);
    let mut right_runs = Runs::new(right);
    loop {
        match (left_runs.next(), right_runs.next()) {
            (None, None) => return left.cmp(right),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(a), Some(b)) => {
                let order = compare_runs(a, b);
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Compares two versions for a newest-first listing.
#[must_use]
pub fn compare_newest_first(left: &str, right: &str) -> Ordering {
    compare(right, left)
}

/// Appends the sort key of `version` to `key`.
///
/// For any two versions, comparing their keys as bytes and then the versions themselves as
/// bytes gives exactly [`compare`]: a digit run is its tag, its length without leading zeros
/// (one byte, or [`LONG_DIGITS`] and four bytes) and its digits; a text run is its tag, its
/// lowercased bytes with `0x00` and `0x01` escaped, and a terminator.
pub fn sort_key(version: &str, key: &mut Vec<u8>) {
    // One pass over the bytes; this runs for every version of a catalogue, so it avoids the
    // run iterator that `compare` uses.
    let bytes = version.as_bytes();
    let mut position = 0;
    while position < bytes.len() {
        let start = position;
        if bytes[position].is_ascii_digit() {
            while position < bytes.len() && bytes[position].is_ascii_digit() {
                position += 1;
            }
            let mut digits = &bytes[start..position];
            while let [b'0', rest @ ..] = digits {
                digits = rest;
            }
            key.push(DIGIT_RUN);
            match u8::try_from(digits.len()) {
                Ok(length) if length < LONG_DIGITS => key.push(length),
                _ => {
                    key.push(LONG_DIGITS);
                    let length = u32::try_from(digits.len()).unwrap_or(u32::MAX);
                    key.extend_from_slice(&length.to_be_bytes());
                }
            }
            key.extend_from_slice(digits);
        } else {
            key.push(TEXT_RUN);
            while position < bytes.len() && !bytes[position].is_ascii_digit() {
                match bytes[position].to_ascii_lowercase() {
                    // Escaped so the terminator stays lower than every byte of a run.
                    0x00 => key.extend_from_slice(&[0x01, 0x01]),
                    0x01 => key.extend_from_slice(&[0x01, 0x02]),
                    other => key.push(other),
                }
                position += 1;
            }
            key.push(TEXT_END);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Run<'a> {
    Digits(&'a str),
    Text(&'a str),
}

fn compare_runs(left: Run<'_>, right: Run<'_>) -> Ordering {
    match (left, right) {
        (Run::Digits(a), Run::Digits(b)) => compare_digits(a, b),
        (Run::Digits(_), Run::Text(_)) => Ordering::Greater,
        (Run::Text(_), Run::Digits(_)) => Ordering::Less,
        (Run::Text(a), Run::Text(b)) => compare_text(a, b),
    }
}

/// Compares two runs of ASCII digits by numeric value.
fn compare_digits(left: &str, right: &str) -> Ordering {
    let left = left.trim_start_matches('0');
    let right = right.trim_start_matches('0');
    left.len().cmp(&right.len()).then_with(|| left.cmp(right))
}

fn compare_text(left: &str, right: &str) -> Ordering {
    let left = left.bytes().map(|byte| byte.to_ascii_lowercase());
    let right = right.bytes().map(|byte| byte.to_ascii_lowercase());
    left.cmp(right)
}

/// Iterator over the digit and text runs of a version string.
struct Runs<'a> {
    rest: &'a str,
}

impl<'a> Runs<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: text }
    }
}

impl<'a> Iterator for Runs<'a> {
    type Item = Run<'a>;

    fn next(&mut self) -> Option<Run<'a>> {
        let first = *self.rest.as_bytes().first()?;
        let is_digit = first.is_ascii_digit();
        let end = self
            .rest
            .bytes()
            .position(|byte| byte.is_ascii_digit() != is_digit)
            .unwrap_or(self.rest.len());
        // Digits are ASCII, so `end` always falls on a character boundary.
        let (run, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(if is_digit {
            Run::Digits(run)
        } else {
            Run::Text(run)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_newest_first(versions: &[&str]) -> Vec<String> {
        let mut sorted: Vec<&str> = versions.to_vec();
        sorted.sort_by(|a, b| compare_newest_first(a, b));
        sorted.into_iter().map(String::from).collect()
    }

    #[test]
    fn java_versions_newest_first() {
        assert_eq!(
            sorted_newest_first(&["8u181-jdk-alpine", "11", "17", "21"]),
            ["21", "17", "11", "8u181-jdk-alpine"]
        );
    }

    #[test]
    fn minor_numbers_compare_numerically() {
        assert_eq!(
            sorted_newest_first(&["3.9", "3.12", "3.10", "2.7", "3.7"]),
            ["3.12", "3.10", "3.9", "3.7", "2.7"]
        );
    }

    #[test]
    fn longer_version_ranks_above_its_prefix() {
        assert_eq!(compare("3.12.1", "3.12"), Ordering::Greater);
        assert_eq!(compare("16-alpine", "16"), Ordering::Greater);
        assert_eq!(compare("8u181-jdk-alpine", "8"), Ordering::Greater);
    }

    #[test]
    fn digits_rank_above_text() {
        assert_eq!(compare("17", "latest"), Ordering::Greater);
        assert_eq!(compare("1.21.5", "1.21-alpine"), Ordering::Greater);
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let big = "99999999999999999999999999999999";
        let bigger = "100000000000000000000000000000000";
        assert_eq!(compare(big, bigger), Ordering::Less);
    }

    #[test]
    fn leading_zeros_fall_back_to_bytes() {
        assert_eq!(compare("08", "8"), "08".cmp("8"));
        assert_ne!(compare("08", "8"), Ordering::Equal);
    }

    #[test]
    fn text_compares_case_insensitively() {
        assert_eq!(compare_text("Alpine", "alpinf"), Ordering::Less);
    }

    #[test]
    fn equal_strings_are_equal() {
        assert_eq!(compare("1.0", "1.0"), Ordering::Equal);
        assert_eq!(compare("", ""), Ordering::Equal);
    }

    #[test]
    fn empty_ranks_lowest() {
        assert_eq!(compare("", "0"), Ordering::Less);
        assert_eq!(compare("", "a"), Ordering::Less);
    }

    fn key_order(left: &str, right: &str) -> Ordering {
        let (mut left_key, mut right_key) = (Vec::new(), Vec::new());
        sort_key(left, &mut left_key);
        sort_key(right, &mut right_key);
        left_key.cmp(&right_key).then_with(|| left.cmp(right))
    }

    #[test]
    fn sort_key_agrees_with_compare() {
        let versions = [
            "",
            "0",
            "00",
            "8",
            "08",
            "8u181-jdk-alpine",
            "11",
            "17",
            "21",
            "3.9",
            "3.12",
            "3.12.1",
            "16",
            "16-alpine",
            "1.21-alpine",
            "1.21.5",
            "latest",
            "Latest",
            "a\u{0}b",
            "a\u{1}b",
            "a",
            "ab",
            "版本2",
            "版本10",
            &"9".repeat(300),
            &"9".repeat(255),
            &"9".repeat(254),
            "1.0rc1",
            "1.0",
            "x-1",
            "x.1",
        ];
        for left in versions {
            for right in versions {
                assert_eq!(
                    key_order(left, right),
                    compare(left, right),
                    "{left:?} vs {right:?}"
                );
            }
        }
    }

    #[test]
    fn non_ascii_text_is_handled() {
        assert_eq!(compare("版本2", "版本10"), Ordering::Less);
    }
}

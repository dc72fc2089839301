//! Artifact IDs such as `ADR-007`, `UC-AP-003`, `NFR-PERF-001` or `REF-018`.
//!
//! The grammar is aiwg-format §1.3: `PREFIX(-CAT)?-NNN` with a closed prefix list, an optional
//! category of two to seven capitals or digits, and one to four digits. IDs are compared by
//! prefix, category and numeric value, so `UC-1` and `UC-001` name the same artifact (aiwg's
//! mention linter ML005 zero-pads them to three digits); the written form is kept for display.

use std::fmt;

use crate::text::TextRange;

/// Prefixes aiwg uses for numbered artifacts (aiwg-format §1.3 `ID` regex).
const PREFIXES: &[&str] = &[
    "ADR", "UC", "REF", "NFR", "RISK", "RSK", "R", "TC", "TM", "US", "REQ", "CR", "WP", "DES", "DEP", "TEST", "EPIC",
    "SPIKE", "INC", "REG", "FR", "BR", "GATE",
];

/// The identity of an ID, used as the index key: `UC-001` and `UC-1` have the same key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct IdKey {
    /// One of the known prefixes; static, since every mention would otherwise allocate it.
    pub(crate) prefix: &'static str,
    pub(crate) category: Option<String>,
    pub(crate) number: u32,
}

impl fmt::Display for IdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.category {
            Some(cat) => write!(f, "{}-{}-{:03}", self.prefix, cat, self.number),
            None => write!(f, "{}-{:03}", self.prefix, self.number),
        }
    }
}

/// An ID as written in a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ArtifactId {
    pub(crate) key: IdKey,
    /// The text exactly as written (`ADR-7`, `ADR-007`).
    pub(crate) text: String,
}

impl fmt::Display for ArtifactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The static spelling of a known ID prefix (`"ADR"`), or `None` for any other word.
pub(crate) fn known_prefix(prefix: &str) -> Option<&'static str> {
    PREFIXES.iter().copied().find(|p| *p == prefix)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses an ID that spans the whole of `text` (e.g. a metadata value `ADR-003`).
pub(crate) fn parse_id(text: &str) -> Option<ArtifactId> {
    let text = text.trim();
    match match_id_at(text.as_bytes(), 0) {
        Some(len) if len == text.len() => build(text),
        _ => None,
    }
}

/// Every ID in `text` that stands on word boundaries, with its byte range. An ID has a `-` right
/// after its prefix, so only the `-`s are visited (one SIMD search), each with the capitals
/// right before it as the candidate prefix: prose has far fewer `-` than bytes, and this runs
/// over every document of a workspace.
pub(crate) fn find_ids(text: &str) -> Vec<(TextRange, ArtifactId)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // No ID starts inside the last one found (`UC-AP-003`'s second `-`).
    let mut resume = 0;
    for dash in memchr::memchr_iter(b'-', bytes) {
        let start = bytes[..dash].iter().rposition(|b| !b.is_ascii_uppercase()).map_or(0, |i| i + 1);
        if start == dash || start < resume || (start > 0 && is_word_byte(bytes[start - 1])) {
            continue;
        }
        if let Some(len) = match_id_at(bytes, start) {
            if let Some(id) = build(&text[start..start + len]) {
                found.push((TextRange::new(start, start + len), id));
            }
            resume = start + len;
        }
    }
    found
}

/// Length of the ID starting at `start`, if one does and it ends on a word boundary.
fn match_id_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_uppercase() {
        i += 1;
    }
    let prefix = std::str::from_utf8(&bytes[start..i]).ok()?;
    if !PREFIXES.contains(&prefix) || bytes.get(i) != Some(&b'-') {
        return None;
    }
    i += 1;
    // Optional category: a capital, then 1..=6 capitals or digits, then '-'.
    if bytes.get(i).is_some_and(u8::is_ascii_uppercase) {
        let cat_start = i;
        i += 1;
        while i < bytes.len() && (bytes[i].is_ascii_uppercase() || bytes[i].is_ascii_digit()) {
            i += 1;
        }
        let cat_len = i - cat_start;
        if !(2..=7).contains(&cat_len) || bytes.get(i) != Some(&b'-') {
            return None;
        }
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let digits = i - digits_start;
    if !(1..=4).contains(&digits) || bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
        return None;
    }
    Some(i - start)
}

fn build(text: &str) -> Option<ArtifactId> {
    let mut parts = text.split('-');
    let prefix = parts.next()?;
    let second = parts.next()?;
    let (category, number) = match parts.next() {
        Some(number) => (Some(second.to_string()), number),
        None => (None, second),
    };
    Some(ArtifactId {
        key: IdKey { prefix: known_prefix(prefix)?, category, number: number.parse().ok()? },
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        find_ids(text).into_iter().map(|(r, id)| format!("{}@{:?}={}", id.text, r, id.key)).collect()
    }

    /// The scan `find_ids` replaced, byte by byte: what it must agree with.
    fn find_ids_bytewise(text: &str) -> Vec<(TextRange, ArtifactId)> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_uppercase() && (i == 0 || !is_word_byte(bytes[i - 1])) {
                if let Some(len) = match_id_at(bytes, i) {
                    if let Some(id) = build(&text[i..i + len]) {
                        found.push((TextRange::new(i, i + len), id));
                    }
                    i += len;
                    continue;
                }
                // Skip the rest of this word.
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        found
    }

    #[test]
    fn the_dash_scan_finds_what_a_bytewise_scan_finds() {
        // Pieces that make and break IDs: prefixes, categories, digits, word bytes, other dashes.
        const PIECES: &[&str] = &[
            "ADR", "UC", "AP", "NFR", "PERF", "REF", "X", "-", "--", "0", "07", "1234", "12345", "a", "_", " ", "é",
            "\n", "`",
        ];
        for text in crate::pieces::texts(PIECES, 12, 20_000, 0x9E37_79B9_7F4A_7C15) {
            assert_eq!(find_ids(&text), find_ids_bytewise(&text), "{text:?}");
        }
    }

    #[test]
    fn finds_plain_category_and_short_ids() {
        assert_eq!(
            ids("see ADR-007, UC-AP-003 and NFR-PERF-001; UC-1."),
            [
                "ADR-007@4..11=ADR-007",
                "UC-AP-003@13..22=UC-AP-003",
                "NFR-PERF-001@27..39=NFR-PERF-001",
                "UC-1@41..45=UC-001"
            ]
        );
    }

    #[test]
    fn ignores_ids_inside_words_and_placeholders() {
        assert_eq!(ids("XADR-001 ADR-XXX ADR-0012345 UC-001a sha-256 ADR-{NNN}"), Vec::<String>::new());
    }

    #[test]
    fn an_id_in_a_file_name_ends_at_the_dash() {
        assert_eq!(ids("ADR-001-database-selection.md"), ["ADR-001@0..7=ADR-001"]);
    }

    #[test]
    fn zero_padding_does_not_change_identity() {
        assert_eq!(parse_id("UC-1").unwrap().key, parse_id("UC-001").unwrap().key);
        assert_eq!(parse_id(" ADR-003 ").unwrap().text, "ADR-003");
        assert!(parse_id("ADR-003 (draft)").is_none());
    }
}

//! Blind indexes: search encrypted fields by exact value without storing the value.
//!
//! A blind index is HMAC-SHA256 of the normalised value, under a key derived from the master
//! key for one purpose (such as `participant.phone`). Store it in its own column next to the
//! ciphertext, index that column, and look up with the index of the searched value.
//!
//! The normaliser is the caller's choice, and it is part of the index: two spellings match
//! only if they normalise to the same text, and changing the normaliser means recomputing
//! every stored index of that purpose. Use [`normalise`] or a function of your own.
//!
//! What it leaks: rows with the same value have the same index (equal values can be counted
//! and linked within one purpose). What it protects: without the key, an index says nothing
//! about the value, even for small spaces such as phone numbers; with the key (a compromised
//! running server), values like phone numbers can be found by trying them all.

use std::fmt;

use crate::crypto::{Key32, hmac_sha256, to_hex};
use crate::keys::KeyRing;

/// Turns a value into the canonical text that is indexed.
pub type Normaliser = fn(&str) -> String;

/// Computes the blind index of one purpose.
pub struct BlindIndex {
    key: Key32,
    purpose: String,
    normalise: Normaliser,
}

/// The index of one value: 32 bytes, stored as a blob or as 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexValue([u8; 32]);

impl IndexValue {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }
}

impl BlindIndex {
    /// An index for `purpose`, named `table.column` by convention. Different purposes give
    /// unrelated indexes, so the same phone in two tables cannot be linked through them.
    pub fn new(ring: &KeyRing, purpose: &str, normalise: Normaliser) -> Self {
        Self {
            key: ring.blind_index_key(purpose),
            purpose: purpose.to_owned(),
            normalise,
        }
    }

    /// The index of `value`, or `None` when it normalises to nothing (store no index then:
    /// an empty value must not match every other empty value).
    pub fn index(&self, value: &str) -> Option<IndexValue> {
        let normalised = zeroize::Zeroizing::new((self.normalise)(value));
        if normalised.is_empty() {
            return None;
        }
        Some(IndexValue(hmac_sha256(&self.key, &[normalised.as_bytes()])))
    }

    pub fn purpose(&self) -> &str {
        &self.purpose
    }
}

impl fmt::Debug for BlindIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlindIndex")
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

/// Normalisers for common fields.
pub mod normalise {
    /// Digits only: `+380 (67) 123-45-67` becomes `380671234567`.
    pub fn phone_digits(value: &str) -> String {
        value.chars().filter(char::is_ascii_digit).collect()
    }

    /// A Ukrainian phone number in international form: digits only, and a national number
    /// written with its leading zero (`067 123 45 67`) gets the country code `38`, so both
    /// ways of writing the same number match. Other numbers keep their digits.
    pub fn ua_phone(value: &str) -> String {
        let digits = phone_digits(value);
        if digits.len() == 10 && digits.starts_with('0') {
            format!("38{digits}")
        } else {
            digits
        }
    }

    /// A person's name: trimmed, inner spaces collapsed to one, lower case, and the
    /// apostrophes used in Ukrainian names (`'`, `’`, `ʼ`, `` ` ``) made one character, so
    /// `  Мар’яна  КОВАЛЬ ` matches `мар'яна коваль`. Unicode normalisation (NFC) is not
    /// applied: text typed on phones and PCs is composed in practice.
    pub fn name(value: &str) -> String {
        let folded: String = value
            .chars()
            .map(|c| match c {
                '\u{2019}' | '\u{02BC}' | '\u{0060}' | '\u{2018}' => '\'',
                other => other,
            })
            .collect();
        folded
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Protection;

    fn new_ring() -> (tempfile::TempDir, KeyRing) {
        let data = tempfile::tempdir().unwrap();
        let ring = KeyRing::create(&data.path().join("keys"), Protection::KeyFile).unwrap();
        (data, ring)
    }

    #[test]
    fn the_same_phone_written_differently_has_the_same_index() {
        let (_data, ring) = new_ring();
        let phones = BlindIndex::new(&ring, "participant.phone", normalise::ua_phone);
        let expected = phones.index("+380671234567");
        assert!(expected.is_some());
        for written in ["+380 (67) 123-45-67", "067 123 45 67", "380671234567"] {
            assert_eq!(phones.index(written), expected, "{written}");
        }
        assert_ne!(phones.index("+380671234568"), expected);
    }

    #[test]
    fn indexes_of_different_purposes_or_installations_cannot_be_linked() {
        let (_data, ring) = new_ring();
        let (_data2, other_ring) = new_ring();
        let participants = BlindIndex::new(&ring, "participant.phone", normalise::ua_phone);
        let staff = BlindIndex::new(&ring, "staff.phone", normalise::ua_phone);
        let elsewhere = BlindIndex::new(&other_ring, "participant.phone", normalise::ua_phone);
        let phone = "+380671234567";
        assert_ne!(participants.index(phone), staff.index(phone));
        assert_ne!(participants.index(phone), elsewhere.index(phone));
    }

    #[test]
    fn the_index_is_stable_across_reopening_and_data_key_rotation() {
        let data = tempfile::tempdir().unwrap();
        let keys = data.path().join("keys");
        let mut ring = KeyRing::create(&keys, Protection::KeyFile).unwrap();
        let before = BlindIndex::new(&ring, "participant.name", normalise::name).index("Оксана");
        ring.add_data_key().unwrap();
        let reopened = KeyRing::open(&keys, None).unwrap();
        assert_eq!(
            BlindIndex::new(&reopened, "participant.name", normalise::name).index("Оксана"),
            before
        );
    }

    #[test]
    fn a_value_that_normalises_to_nothing_has_no_index() {
        let (_data, ring) = new_ring();
        let phones = BlindIndex::new(&ring, "participant.phone", normalise::phone_digits);
        assert_eq!(phones.index("немає"), None);
        assert_eq!(phones.index(""), None);
    }

    #[test]
    fn names_match_regardless_of_case_spacing_and_apostrophe() {
        assert_eq!(normalise::name("  Мар’яна   КОВАЛЬ "), "мар'яна коваль");
        assert_eq!(normalise::name("Марʼяна Коваль"), "мар'яна коваль");
        assert_eq!(normalise::name("Olena\tShevchenko"), "olena shevchenko");
        let (_data, ring) = new_ring();
        let names = BlindIndex::new(&ring, "participant.name", normalise::name);
        assert_eq!(names.index("МАР'ЯНА"), names.index("мар’яна"));
    }

    #[test]
    fn phones_keep_only_digits() {
        assert_eq!(
            normalise::phone_digits("+380 (67) 123-45-67"),
            "380671234567"
        );
        assert_eq!(normalise::ua_phone("0671234567"), "380671234567");
        assert_eq!(normalise::ua_phone("+48 601 234 567"), "48601234567");
    }

    #[test]
    fn an_index_prints_as_hex_and_the_indexer_prints_no_key() {
        let (_data, ring) = new_ring();
        let phones = BlindIndex::new(&ring, "participant.phone", normalise::phone_digits);
        let value = phones.index("123").unwrap();
        assert_eq!(value.to_hex().len(), 64);
        assert_eq!(
            format!("{phones:?}"),
            "BlindIndex { purpose: \"participant.phone\", .. }"
        );
    }
}

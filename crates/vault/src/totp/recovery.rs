//! Recovery codes: ten single-use codes shown once at enrolment, for a lost phone.
//!
//! A code is 12 characters from Crockford's base32 alphabet (no `i`, `l`, `o`, `u`), shown as
//! `xxxx-xxxx-xxxx`: 60 random bits. When typed, case, hyphens and spaces are ignored, and
//! `o`, `i`, `l` are read as `0`, `1`, `1`.
//!
//! Stored as HMAC-SHA256 under a key derived from the server key, not as a password hash: the
//! codes are random with 60 bits of entropy, so a slow hash adds nothing against guessing
//! online (the login is rate-limited), and the key makes a stolen database useless for
//! guessing offline, which a plain SHA-256 would allow at 2^60 work.

use std::fmt;

use crate::crypto::{Key32, ct_eq, from_hex, hmac_sha256, random_array, to_hex};
use crate::keys::ServerKey;
use crate::secret::SecretString;

/// Codes generated per enrolment.
pub const RECOVERY_CODE_COUNT: usize = 10;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const CODE_CHARS: usize = 12;
const GROUP: usize = 4;
const KEY_INFO: &[u8] = b"kolo.recovery-codes.v1";

/// Hashes and checks recovery codes.
pub struct RecoveryCodeHasher {
    key: Key32,
}

/// Codes to show once, and their hashes to store (same order).
pub struct RecoveryCodes {
    pub shown_once: Vec<SecretString>,
    pub to_store: Vec<RecoveryCodeHash>,
}

/// A stored recovery code hash.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecoveryCodeHash([u8; 32]);

impl RecoveryCodeHash {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// Parses 64 hex digits; `None` otherwise.
    pub fn from_hex(text: &str) -> Option<Self> {
        from_hex::<32>(text).map(Self)
    }
}

impl fmt::Debug for RecoveryCodeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecoveryCodeHash({})", self.to_hex())
    }
}

impl RecoveryCodeHasher {
    pub fn new(server_key: &ServerKey) -> Self {
        Self {
            key: server_key.derive(KEY_INFO),
        }
    }

    /// Ten new distinct codes.
    pub fn generate(&self) -> RecoveryCodes {
        let mut canonical: Vec<[u8; CODE_CHARS]> = Vec::with_capacity(RECOVERY_CODE_COUNT);
        while canonical.len() < RECOVERY_CODE_COUNT {
            let code = random_code();
            if !canonical.contains(&code) {
                canonical.push(code);
            }
        }
        let shown_once = canonical
            .iter()
            .map(|code| SecretString::new(display(code)))
            .collect();
        let to_store = canonical
            .iter()
            .map(|code| self.hash_canonical(code))
            .collect();
        RecoveryCodes {
            shown_once,
            to_store,
        }
    }

    /// The hash of a typed code, or `None` when it cannot be a code.
    pub fn hash(&self, typed: &str) -> Option<RecoveryCodeHash> {
        canonicalise(typed).map(|code| self.hash_canonical(&code))
    }

    /// Which of the user's unused codes `typed` is, if any. Every stored hash is compared, so
    /// the time taken does not depend on which one matched. The caller then deletes (or marks
    /// used) that code in the same transaction that logs the user in.
    pub fn find(&self, typed: &str, unused: &[RecoveryCodeHash]) -> Option<usize> {
        let candidate = self.hash(typed)?;
        let mut found = None;
        for (index, stored) in unused.iter().enumerate() {
            if ct_eq(&stored.0, &candidate.0) && found.is_none() {
                found = Some(index);
            }
        }
        found
    }

    fn hash_canonical(&self, code: &[u8; CODE_CHARS]) -> RecoveryCodeHash {
        RecoveryCodeHash(hmac_sha256(&self.key, &[code]))
    }
}

impl fmt::Debug for RecoveryCodeHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCodeHasher([redacted])")
    }
}

fn random_code() -> [u8; CODE_CHARS] {
    // 256 is a multiple of 32, so taking the low five bits of a random byte is unbiased.
    random_array::<CODE_CHARS>().map(|byte| ALPHABET[usize::from(byte & 31)])
}

fn display(code: &[u8; CODE_CHARS]) -> String {
    code.chunks(GROUP)
        .map(|group| group.iter().map(|&b| char::from(b)).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn canonicalise(typed: &str) -> Option<[u8; CODE_CHARS]> {
    let mut out = [0u8; CODE_CHARS];
    let mut len = 0;
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        };
        let byte = u8::try_from(c).ok().filter(|b| ALPHABET.contains(b))?;
        *out.get_mut(len)? = byte;
        len += 1;
    }
    (len == CODE_CHARS).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> RecoveryCodeHasher {
        RecoveryCodeHasher::new(&ServerKey::for_tests(1))
    }

    #[test]
    fn ten_distinct_easy_to_type_codes_are_generated() {
        let codes = hasher().generate();
        assert_eq!(codes.shown_once.len(), RECOVERY_CODE_COUNT);
        assert_eq!(codes.to_store.len(), RECOVERY_CODE_COUNT);
        for code in &codes.shown_once {
            let text = code.expose();
            assert_eq!(text.len(), 14);
            assert_eq!(text.matches('-').count(), 2);
            assert!(
                text.chars()
                    .all(|c| c == '-' || ALPHABET.contains(&(c as u8))),
                "{text}"
            );
            assert!(!text.contains(['i', 'l', 'o', 'u']));
        }
        let mut stored: Vec<_> = codes.to_store.iter().map(|h| h.to_hex()).collect();
        stored.sort();
        stored.dedup();
        assert_eq!(stored.len(), RECOVERY_CODE_COUNT);
    }

    #[test]
    fn each_code_finds_its_own_stored_hash_and_nothing_else_matches() {
        let hasher = hasher();
        let codes = hasher.generate();
        for (index, code) in codes.shown_once.iter().enumerate() {
            assert_eq!(hasher.find(code.expose(), &codes.to_store), Some(index));
        }
        assert_eq!(hasher.find("0000-0000-0000", &codes.to_store), None);
        assert_eq!(hasher.find("", &codes.to_store), None);
    }

    #[test]
    fn a_used_code_no_longer_matches_once_removed() {
        let hasher = hasher();
        let codes = hasher.generate();
        let typed = codes.shown_once[3].expose().to_owned();
        let mut unused = codes.to_store.clone();
        let index = hasher.find(&typed, &unused).unwrap();
        unused.remove(index);
        assert_eq!(hasher.find(&typed, &unused), None);
    }

    #[test]
    fn typing_variations_are_forgiven() {
        let hasher = hasher();
        let stored = [hasher.hash("ab01-cd1e-f0gh").unwrap()];
        for typed in [
            "AB01-CD1E-F0GH",
            "ab01 cd1e f0gh",
            "abo1cdle fOgh",
            "ab0icd1ef0gh",
        ] {
            assert_eq!(hasher.find(typed, &stored), Some(0), "{typed}");
        }
        assert_eq!(hasher.hash("ab01-cd1e-f0g"), None);
        assert_eq!(hasher.hash("ab01-cd1e-f0ghj"), None);
        assert_eq!(hasher.hash("ab01-cd1e-f0gu"), None);
        assert_eq!(
            hasher.hash("аб01-cd1e-f0gh"),
            None,
            "Cyrillic look-alikes are not code characters"
        );
    }

    #[test]
    fn hashes_depend_on_the_server_key() {
        let other = RecoveryCodeHasher::new(&ServerKey::for_tests(2));
        assert_ne!(
            hasher().hash("ab01-cd1e-f0gh"),
            other.hash("ab01-cd1e-f0gh")
        );
    }

    #[test]
    fn stored_hashes_round_trip_through_hex() {
        let hash = hasher().hash("ab01-cd1e-f0gh").unwrap();
        assert_eq!(RecoveryCodeHash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(RecoveryCodeHash::from_bytes(*hash.as_bytes()), hash);
        assert_eq!(RecoveryCodeHash::from_hex("zz"), None);
    }
}

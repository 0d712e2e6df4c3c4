//! Random identifiers and secret tokens.
//!
//! Identifiers that leave the system (in URLs, exports, QR codes) are random,
//! never sequential, so they reveal neither counts nor order.

use sha2::{Digest, Sha256};

/// Fills `buf` from the operating system's random source.
///
/// A machine whose kernel cannot give randomness cannot run Kolo safely at all,
/// so this is the one place that treats the failure as fatal.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random source failed");
}

/// A new random identifier: 128 bits as 26 lower-case base-32 characters.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    base32_lower(&bytes)
}

/// A new secret token with 256 bits of entropy, for cookies and API tokens.
pub fn new_secret_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    base32_lower(&bytes)
}

/// The SHA-256 of a token in hex: what the database keeps instead of the token,
/// so a copy of the database does not hand out live sessions. Tokens carry 256
/// bits of entropy, so an unsalted fast hash is enough.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// RFC 4648 base 32 without padding, lower case: safe in URLs and file names.
pub fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u16::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[usize::from((buffer >> bits) & 0x1f)] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[usize::from((buffer << (5 - bits)) & 0x1f)] as char);
    }
    out
}

/// Compares two byte strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_26_characters_and_differ() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn base32_matches_rfc4648_vectors() {
        assert_eq!(base32_lower(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32_lower(b"f"), "my");
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

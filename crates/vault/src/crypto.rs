//! Small internal building blocks shared by the modules: random bytes, 32-byte keys that wipe
//! themselves, HKDF and HMAC with SHA-256, and XChaCha20-Poly1305 with detached buffers.
//!
//! Nothing here is public: the public modules expose purpose-built types instead, so a caller
//! cannot, for example, use a blind-index key to encrypt.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of every symmetric key in the vault.
pub(crate) const KEY_LEN: usize = 32;
/// XChaCha20-Poly1305 nonce length: long enough to pick at random for every message.
pub(crate) const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub(crate) const TAG_LEN: usize = 16;

/// Fills an array from the operating system's random generator.
pub(crate) fn random_array<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // An operating system that cannot produce random bytes cannot be used to encrypt anything:
    // continuing with a predictable key or nonce would be worse than stopping. On Linux
    // getrandom(2) only fails on kernels older than 3.17, which Kolo does not support.
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

/// A 256-bit symmetric key, wiped on drop and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub(crate) struct Key32([u8; KEY_LEN]);

impl Key32 {
    pub(crate) fn random() -> Self {
        Self(random_array())
    }

    pub(crate) fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// Copies a key out of a slice; `None` when the slice is not exactly 32 bytes.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(array))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Derives an independent subkey for one purpose (HKDF-SHA256, RFC 5869).
    ///
    /// `info` names the purpose; two different `info` strings give unrelated keys, so a key
    /// leaked from one purpose says nothing about another.
    pub(crate) fn derive(&self, salt: &[u8], info: &[u8]) -> Key32 {
        hkdf32(&self.0, salt, info)
    }
}

impl std::fmt::Debug for Key32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key32([redacted])")
    }
}

/// HKDF-SHA256 extract-and-expand to 32 bytes.
pub(crate) fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> Key32 {
    let hkdf = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut out = [0u8; KEY_LEN];
    // 32 bytes is far below HKDF-SHA256's limit of 255 * 32 bytes, so expand cannot fail.
    hkdf.expand(info, &mut out)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    let key = Key32(out);
    out.zeroize();
    key
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &Key32, parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .expect("HMAC accepts a key of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// SHA-256 over the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// Constant-time equality of two byte strings of the same length.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// An XChaCha20-Poly1305 instance bound to one key.
pub(crate) struct Aead(XChaCha20Poly1305);

/// The authentication tag did not match: wrong key, wrong associated data, or altered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AuthenticationFailed;

impl Aead {
    pub(crate) fn new(key: &Key32) -> Self {
        let key = Key::from(*key.as_bytes());
        Self(XChaCha20Poly1305::new(&key))
    }

    /// Encrypts `buffer` in place and returns the tag to store after it.
    pub(crate) fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        associated_data: &[u8],
        buffer: &mut [u8],
    ) -> [u8; TAG_LEN] {
        let nonce = XNonce::from(*nonce);
        // XChaCha20-Poly1305 only refuses messages longer than 256 GiB; callers encrypt field
        // values and 64 KiB backup chunks.
        let tag = self
            .0
            .encrypt_inout_detached(&nonce, associated_data, buffer.into())
            .expect("message length is within XChaCha20-Poly1305 limits");
        tag.into()
    }

    /// Decrypts `buffer` in place after checking `tag`; on failure `buffer` is left unusable.
    pub(crate) fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        associated_data: &[u8],
        buffer: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), AuthenticationFailed> {
        let nonce = XNonce::from(*nonce);
        let tag = Tag::from(*tag);
        self.0
            .decrypt_inout_detached(&nonce, associated_data, buffer.into(), &tag)
            .map_err(|_| AuthenticationFailed)
    }

    /// Encrypts `plaintext`, returning `ciphertext || tag`.
    pub(crate) fn seal(
        &self,
        nonce: &[u8; NONCE_LEN],
        associated_data: &[u8],
        plaintext: &[u8],
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(plaintext.len() + TAG_LEN);
        out.extend_from_slice(plaintext);
        let tag = self.seal_in_place(nonce, associated_data, &mut out);
        out.extend_from_slice(&tag);
        out
    }

    /// Decrypts `ciphertext || tag`.
    pub(crate) fn open(
        &self,
        nonce: &[u8; NONCE_LEN],
        associated_data: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, AuthenticationFailed> {
        let split = sealed
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(AuthenticationFailed)?;
        let (ciphertext, tag) = sealed.split_at(split);
        let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| AuthenticationFailed)?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        self.open_in_place(nonce, associated_data, &mut buffer, &tag)?;
        Ok(buffer)
    }
}

/// Appends `bytes` preceded by its length, so `("ab", "c")` and `("a", "bc")` differ.
pub(crate) fn push_with_length(out: &mut Vec<u8>, bytes: &[u8]) {
    // Table, column and row names are short; a length past u32 is a caller bug, and
    // saturating still keeps the encoding unambiguous for every realistic input.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Lower-case hexadecimal.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Parses hexadecimal (either case) into exactly `N` bytes.
pub(crate) fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (slot, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        *slot = u8::try_from(high * 16 + low).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_open_only_with_the_same_nonce_and_associated_data() {
        let aead = Aead::new(&Key32::random());
        let nonce = random_array();
        let sealed = aead.seal(&nonce, b"ad", b"secret");
        assert_eq!(
            aead.open(&nonce, b"ad", &sealed).map(|p| p.to_vec()),
            Ok(b"secret".to_vec())
        );
        assert_eq!(
            aead.open(&nonce, b"other", &sealed),
            Err(AuthenticationFailed)
        );
        assert_eq!(
            aead.open(&random_array(), b"ad", &sealed),
            Err(AuthenticationFailed)
        );
        assert_eq!(
            aead.open(&nonce, b"ad", &sealed[..TAG_LEN - 1]),
            Err(AuthenticationFailed)
        );
    }

    #[test]
    fn hex_round_trips_and_rejects_bad_input() {
        let bytes = [0x00, 0x7f, 0xff, 0x10];
        assert_eq!(to_hex(&bytes), "007fff10");
        assert_eq!(from_hex::<4>("007FFF10"), Some(bytes));
        assert_eq!(from_hex::<4>("007fff1"), None);
        assert_eq!(from_hex::<4>("007fff1g"), None);
    }

    #[test]
    fn derived_keys_differ_per_purpose() {
        let root = Key32::random();
        assert_ne!(
            root.derive(b"", b"a").as_bytes(),
            root.derive(b"", b"b").as_bytes()
        );
        assert_eq!(
            root.derive(b"", b"a").as_bytes(),
            root.derive(b"", b"a").as_bytes()
        );
    }
}

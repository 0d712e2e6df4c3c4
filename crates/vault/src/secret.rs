//! Types for secret values: they never print, and they are wiped from memory when dropped.
//!
//! A passphrase, a decrypted phone number or a TOTP secret held in a plain `String` ends up in
//! logs (`{:?}` of a struct), panic messages and freed heap memory. These wrappers make the
//! safe behaviour the default: `Debug` and `Display` print `[redacted]`, and the bytes are
//! zeroed on drop. Reading the value is an explicit call to `expose()`.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

const REDACTED: &str = "[redacted]";

/// A UTF-8 secret (passphrase, decrypted name or phone, recovery code).
///
/// Deliberately not `PartialEq`: `==` on secrets is not constant-time, so comparing them is
/// an explicit choice (compare `expose()`, or hashes in constant time).
#[derive(Clone, Default)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps `value`; the `String` is moved, not copied, so no unwiped copy is left behind.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret itself. Call sites of this function are the places to review.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A binary secret (key material, decrypted attachment fragment). Not `PartialEq`, like
/// [`SecretString`].
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps `value` without copying it.
    pub fn new(value: Vec<u8>) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Turns the bytes into a [`SecretString`] if they are UTF-8, wiping them either way.
    pub fn into_secret_string(mut self) -> Option<SecretString> {
        let bytes = std::mem::take(&mut *self.0);
        match String::from_utf8(bytes) {
            Ok(text) => Some(SecretString::new(text)),
            Err(error) => {
                error.into_bytes().zeroize();
                None
            }
        }
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(value: Vec<u8>) -> Self {
        Self::new(value)
    }
}

impl From<Zeroizing<Vec<u8>>> for SecretBytes {
    fn from(value: Zeroizing<Vec<u8>>) -> Self {
        Self(value)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_string_never_prints_its_value() {
        let secret = SecretString::from("+380 67 123 45 67");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(secret.expose(), "+380 67 123 45 67");
    }

    #[test]
    fn secret_bytes_never_print_their_value() {
        let secret = SecretBytes::new(b"narrative".to_vec());
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(secret.expose(), b"narrative");
    }

    #[test]
    fn secret_bytes_become_a_string_only_when_they_are_utf8() {
        let text = SecretBytes::new("Оксана".as_bytes().to_vec()).into_secret_string();
        assert_eq!(
            text.map(|s| s.expose().to_owned()).as_deref(),
            Some("Оксана")
        );
        assert!(
            SecretBytes::new(vec![0xff, 0xfe])
                .into_secret_string()
                .is_none()
        );
    }
}

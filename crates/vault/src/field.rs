//! Field encryption: the one API every domain uses to store personal and special values.
//!
//! Format of an encrypted value (all integers big-endian):
//!
//! ```text
//! version (1 byte, 0x01) | key id (u32) | nonce (24 random bytes) | ciphertext | tag (16 bytes)
//! ```
//!
//! The cipher is XChaCha20-Poly1305 with a key derived by HKDF from the data key named in the
//! header. The associated data binds the value to its place: a domain label, the header, and
//! the table, column and row id, each length-prefixed. Ciphertext copied to another row or
//! column, or with any byte changed, fails to decrypt.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::crypto::{Aead, Key32, NONCE_LEN, TAG_LEN, push_with_length, random_array};
use crate::secret::SecretString;

/// Version byte of the current field format.
const FORMAT_V1: u8 = 0x01;
const HEADER_LEN: usize = 1 + 4;
/// Smallest possible encrypted value: header, nonce and tag around an empty plaintext.
pub const MIN_CIPHERTEXT_LEN: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;
/// Bytes an encrypted value adds to its plaintext.
pub const OVERHEAD: usize = MIN_CIPHERTEXT_LEN;

const FIELD_KEY_INFO: &[u8] = b"kolo.field.v1";
const AD_LABEL: &[u8] = b"kolo.field.v1\0";

/// Identifies a data key. Written as `k1`, `k2`, ...; `k0` is the server key
/// (see [`crate::keys::ServerKey::field_cipher`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub u32);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "k{}", self.0)
    }
}

impl std::str::FromStr for KeyId {
    type Err = InvalidKeyId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text
            .strip_prefix('k')
            .ok_or_else(|| InvalidKeyId(text.to_owned()))?;
        if digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || (digits.len() > 1 && digits.starts_with('0'))
        {
            return Err(InvalidKeyId(text.to_owned()));
        }
        digits
            .parse()
            .map(KeyId)
            .map_err(|_| InvalidKeyId(text.to_owned()))
    }
}

/// Text that is not a key id such as `k2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a key id: key ids look like k1, k2, k3")]
pub struct InvalidKeyId(pub String);

/// Where an encrypted value lives. It is authenticated with the value, so the value decrypts
/// only at this place.
///
/// The row id must be known before encrypting: use ids chosen by the application (UUIDs,
/// or ids allocated before the insert), not ones the database assigns during the insert.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldContext {
    table: String,
    column: String,
    row_id: String,
}

impl FieldContext {
    /// A value in `table.column` of the row `row_id`.
    pub fn new(table: &str, column: &str, row_id: impl fmt::Display) -> Self {
        Self {
            table: table.to_owned(),
            column: column.to_owned(),
            row_id: row_id.to_string(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn column(&self) -> &str {
        &self.column
    }

    pub fn row_id(&self) -> &str {
        &self.row_id
    }
}

impl fmt::Display for FieldContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{} of row {}", self.table, self.column, self.row_id)
    }
}

/// Why an encrypted value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error(
        "the stored value ({len} bytes) is not a Kolo encrypted value: it is empty or looks like \
         plain text (was it written without encryption?)"
    )]
    NotEncrypted { len: usize },
    #[error(
        "the stored value is {len} bytes, shorter than any encrypted value ({MIN_CIPHERTEXT_LEN} \
         bytes): it was cut short"
    )]
    Truncated { len: usize },
    #[error(
        "the stored value has format version {0}, which this version of Kolo cannot read: upgrade Kolo"
    )]
    UnsupportedVersion(u8),
    #[error(
        "the value is encrypted with key {0}, which is not in this key ring: the keys/ directory \
         belongs to another installation, or another process added the key (reload the keys)"
    )]
    UnknownKey(KeyId),
    #[error(
        "the value is encrypted with key {0}, which has been retired and erased: the rotation \
         missed this value; restore it from a backup taken before the key was retired"
    )]
    RetiredKey(KeyId),
    #[error(
        "the value stored in {context} does not authenticate with key {key}: it was copied from \
         another row or column, or altered"
    )]
    AuthenticationFailed { key: KeyId, context: FieldContext },
    #[error("the value stored in {0} decrypts, but is not UTF-8 text")]
    NotText(FieldContext),
}

/// Reads the key id from an encrypted value without decrypting it.
pub fn key_id_of(ciphertext: &[u8]) -> Result<KeyId, FieldError> {
    parse(ciphertext).map(|parsed| parsed.key)
}

/// Encrypts and decrypts field values. Cheap to clone and safe to share between threads.
///
/// Obtained from [`crate::keys::KeyRing::field_cipher`]. It is a snapshot: after a key is
/// added or retired, take a new one from the key ring.
#[derive(Clone)]
pub struct FieldCipher {
    inner: Arc<Inner>,
}

struct Inner {
    active: KeyId,
    usable: BTreeMap<KeyId, Aead>,
    retired: Vec<KeyId>,
}

impl FieldCipher {
    /// Builds a cipher from data keys; each field key is derived from its data key so the
    /// data key itself never touches field values.
    pub(crate) fn new(active: KeyId, usable: Vec<(KeyId, &Key32)>, retired: Vec<KeyId>) -> Self {
        let usable = usable
            .into_iter()
            .map(|(id, data_key)| (id, Aead::new(&data_key.derive(&[], FIELD_KEY_INFO))))
            .collect();
        Self {
            inner: Arc::new(Inner {
                active,
                usable,
                retired,
            }),
        }
    }

    /// The key new values are encrypted with.
    pub fn active_key(&self) -> KeyId {
        self.inner.active
    }

    /// Encrypts `plaintext` for the place `context`, with the active key and a fresh random
    /// nonce: encrypting the same value twice gives different bytes.
    pub fn encrypt(&self, plaintext: &[u8], context: &FieldContext) -> Vec<u8> {
        let key = self.inner.active;
        // The constructor only ever makes a cipher whose active key is usable.
        let aead = self
            .inner
            .usable
            .get(&key)
            .expect("the active key is always usable");
        let nonce: [u8; NONCE_LEN] = random_array();
        let header = header(key);
        let ad = associated_data(&header, context);
        let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
        out.extend_from_slice(&header);
        out.extend_from_slice(&nonce);
        let body_start = out.len();
        out.extend_from_slice(plaintext);
        let tag = aead.seal_in_place(&nonce, &ad, &mut out[body_start..]);
        out.extend_from_slice(&tag);
        out
    }

    /// Encrypts UTF-8 text.
    pub fn encrypt_str(&self, plaintext: &str, context: &FieldContext) -> Vec<u8> {
        self.encrypt(plaintext.as_bytes(), context)
    }

    /// Decrypts a value stored at `context`. The plaintext is wiped when dropped.
    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        context: &FieldContext,
    ) -> Result<Zeroizing<Vec<u8>>, FieldError> {
        let parsed = parse(ciphertext)?;
        let aead = match self.inner.usable.get(&parsed.key) {
            Some(aead) => aead,
            None if self.inner.retired.contains(&parsed.key) => {
                return Err(FieldError::RetiredKey(parsed.key));
            }
            None => return Err(FieldError::UnknownKey(parsed.key)),
        };
        let ad = associated_data(&parsed.header, context);
        let mut plaintext = Zeroizing::new(parsed.body.to_vec());
        aead.open_in_place(&parsed.nonce, &ad, &mut plaintext, &parsed.tag)
            .map_err(|_| FieldError::AuthenticationFailed {
                key: parsed.key,
                context: context.clone(),
            })?;
        Ok(plaintext)
    }

    /// Decrypts a value that was encrypted with [`FieldCipher::encrypt_str`].
    pub fn decrypt_string(
        &self,
        ciphertext: &[u8],
        context: &FieldContext,
    ) -> Result<SecretString, FieldError> {
        let bytes = crate::secret::SecretBytes::from(self.decrypt(ciphertext, context)?);
        bytes
            .into_secret_string()
            .ok_or_else(|| FieldError::NotText(context.clone()))
    }

    /// Whether a stored value should be re-encrypted by a key rotation: it is encrypted with
    /// a key other than the active one, or it is not a readable encrypted value at all (then
    /// [`FieldCipher::reencrypt`] reports what is wrong with it).
    pub fn needs_rotation(&self, ciphertext: &[u8]) -> bool {
        key_id_of(ciphertext).map_or(true, |key| key != self.inner.active)
    }

    /// Decrypts a value and encrypts it again with the active key and a fresh nonce, for the
    /// same place. Values already under the active key are re-encrypted too.
    pub fn reencrypt(
        &self,
        ciphertext: &[u8],
        context: &FieldContext,
    ) -> Result<Vec<u8>, FieldError> {
        let plaintext = self.decrypt(ciphertext, context)?;
        Ok(self.encrypt(&plaintext, context))
    }
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldCipher")
            .field("active", &self.inner.active)
            .field("usable", &self.inner.usable.keys().collect::<Vec<_>>())
            .field("retired", &self.inner.retired)
            .finish()
    }
}

struct Parsed<'a> {
    header: [u8; HEADER_LEN],
    key: KeyId,
    nonce: [u8; NONCE_LEN],
    body: &'a [u8],
    tag: [u8; TAG_LEN],
}

fn parse(ciphertext: &[u8]) -> Result<Parsed<'_>, FieldError> {
    let len = ciphertext.len();
    let version = match ciphertext.first() {
        // Format versions are small numbers; a first byte that is a printable character or
        // part of UTF-8 text means the value was stored as text.
        None => return Err(FieldError::NotEncrypted { len }),
        Some(&byte) if byte >= 0x20 => return Err(FieldError::NotEncrypted { len }),
        Some(&byte) => byte,
    };
    if version != FORMAT_V1 {
        return Err(FieldError::UnsupportedVersion(version));
    }
    let truncated = || FieldError::Truncated { len };
    let (header, rest) = ciphertext
        .split_first_chunk::<HEADER_LEN>()
        .ok_or_else(truncated)?;
    let (nonce, rest) = rest
        .split_first_chunk::<NONCE_LEN>()
        .ok_or_else(truncated)?;
    let (body, tag) = rest.split_last_chunk::<TAG_LEN>().ok_or_else(truncated)?;
    let key = KeyId(u32::from_be_bytes([
        header[1], header[2], header[3], header[4],
    ]));
    Ok(Parsed {
        header: *header,
        key,
        nonce: *nonce,
        body,
        tag: *tag,
    })
}

fn header(key: KeyId) -> [u8; HEADER_LEN] {
    let id = key.0.to_be_bytes();
    [FORMAT_V1, id[0], id[1], id[2], id[3]]
}

fn associated_data(header: &[u8; HEADER_LEN], context: &FieldContext) -> Vec<u8> {
    let parts = [
        context.table.as_bytes(),
        context.column.as_bytes(),
        context.row_id.as_bytes(),
    ];
    let mut ad = Vec::with_capacity(
        AD_LABEL.len() + HEADER_LEN + 12 + parts.iter().map(|p| p.len()).sum::<usize>(),
    );
    ad.extend_from_slice(AD_LABEL);
    ad.extend_from_slice(header);
    for part in parts {
        push_with_length(&mut ad, part);
    }
    ad
}

#[cfg(test)]
mod tests;

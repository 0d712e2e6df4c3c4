//! The binary format shared by every file in the key directory.
//!
//! ```text
//! magic "KOLO-KEY" (8) | version (1, = 1) | kind (1) | body
//! ```
//!
//! Bodies by kind (integers big-endian):
//! - plain key (master without passphrase, server key, backup key):
//!   `key (32) | check (32)`, check = SHA-256(label | header | key). The check catches a
//!   damaged file; it is not a defence against someone who can write the directory.
//! - master key under a passphrase: `Argon2id params (12) | salt (16) | check (32) | nonce (24)
//!   | sealed master key (48)`. The derived key gives, through HKDF, a wrapping key and a check
//!   value: a check mismatch means a wrong passphrase, a check match with a failed seal means
//!   the file was altered. The check adds nothing for an attacker who already has the sealed
//!   key, which lets them test guesses anyway.
//! - data key list: `sealed length (u32) | nonce (24) | sealed list`, sealed with a key derived
//!   from the master key, the header as associated data.

use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::error::KeyError;
use crate::crypto::{
    Aead, KEY_LEN, Key32, NONCE_LEN, TAG_LEN, ct_eq, hkdf32, random_array, sha256,
};
use crate::fsutil::{PRIVATE_FILE_MODE, too_open_mode};
use crate::kdf::{KdfParams, SALT_LEN, derive_key};
use crate::secret::SecretString;

const MAGIC: &[u8; 8] = b"KOLO-KEY";
const VERSION: u8 = 1;
pub(crate) const HEADER_LEN: usize = MAGIC.len() + 2;
/// No key file comes near this; a bigger one is not ours, and is not read into memory.
const MAX_FILE_LEN: u64 = 1 << 20;

const PLAIN_CHECK_LABEL: &[u8] = b"kolo.key-file.check.v1";
const PASSPHRASE_CHECK_INFO: &[u8] = b"kolo.master.passphrase-check.v1";
const PASSPHRASE_WRAP_INFO: &[u8] = b"kolo.master.wrap.v1";

/// What a key file holds, from its kind byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    MasterPlain = 1,
    MasterPassphrase = 2,
    DataKeys = 3,
    Server = 4,
    Backup = 5,
}

impl Kind {
    fn from_byte(byte: u8) -> Option<Kind> {
        [
            Kind::MasterPlain,
            Kind::MasterPassphrase,
            Kind::DataKeys,
            Kind::Server,
            Kind::Backup,
        ]
        .into_iter()
        .find(|kind| *kind as u8 == byte)
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::MasterPlain => "master key",
            Kind::MasterPassphrase => "passphrase-protected master key",
            Kind::DataKeys => "data key list",
            Kind::Server => "server key",
            Kind::Backup => "backup key",
        }
    }
}

/// A key file whose header has been checked.
pub(crate) struct KeyFile {
    pub(crate) path: PathBuf,
    pub(crate) kind: Kind,
    bytes: Zeroizing<Vec<u8>>,
}

impl KeyFile {
    fn header(&self) -> &[u8] {
        &self.bytes[..HEADER_LEN]
    }

    fn body(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..]
    }

    /// The body, when it has exactly `len` bytes.
    fn body_of_len(&self, len: usize) -> Result<&[u8], KeyError> {
        let body = self.body();
        if body.len() < len {
            Err(KeyError::Truncated {
                path: self.path.clone(),
                len: self.bytes.len(),
                expected: HEADER_LEN + len,
            })
        } else if body.len() > len {
            Err(KeyError::Corrupt {
                path: self.path.clone(),
                detail: "unexpected bytes after the key",
            })
        } else {
            Ok(body)
        }
    }
}

/// Reads and checks a key file: present, private, ours, this version, one of `expected`.
pub(crate) fn read_key_file(path: &Path, expected: &[Kind]) -> Result<KeyFile, KeyError> {
    check_private(path, PRIVATE_FILE_MODE)?;
    read_key_file_unchecked(path, expected)
}

/// [`read_key_file`] without the permission check, for key files brought from elsewhere.
pub(crate) fn read_key_file_unchecked(path: &Path, expected: &[Kind]) -> Result<KeyFile, KeyError> {
    let unreadable = |source| KeyError::Unreadable {
        path: path.to_owned(),
        source,
    };
    let file = fs::File::open(path).map_err(|source| match source.kind() {
        ErrorKind::NotFound => KeyError::Missing {
            path: path.to_owned(),
        },
        _ => unreadable(source),
    })?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_FILE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(KeyError::NotAKeyFile {
            path: path.to_owned(),
        });
    }
    if bytes.len() < HEADER_LEN {
        let prefix = &bytes[..bytes.len().min(MAGIC.len())];
        return Err(if MAGIC.starts_with(prefix) {
            KeyError::Truncated {
                path: path.to_owned(),
                len: bytes.len(),
                expected: HEADER_LEN,
            }
        } else {
            KeyError::NotAKeyFile {
                path: path.to_owned(),
            }
        });
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(KeyError::NotAKeyFile {
            path: path.to_owned(),
        });
    }
    let version = bytes[MAGIC.len()];
    if version != VERSION {
        return Err(KeyError::UnsupportedVersion {
            path: path.to_owned(),
            version,
        });
    }
    let kind = Kind::from_byte(bytes[MAGIC.len() + 1]).ok_or_else(|| KeyError::Corrupt {
        path: path.to_owned(),
        detail: "unknown kind of key file",
    })?;
    if !expected.contains(&kind) {
        return Err(KeyError::WrongKind {
            path: path.to_owned(),
            expected: expected.first().map_or("key file", |k| k.describe()),
            found: kind.describe(),
        });
    }
    Ok(KeyFile {
        path: path.to_owned(),
        kind,
        bytes,
    })
}

/// Refuses a file or directory that group or others can access.
pub(crate) fn check_private(path: &Path, fix: u32) -> Result<(), KeyError> {
    match too_open_mode(path) {
        Ok(None) => Ok(()),
        Ok(Some(mode)) => Err(KeyError::PermissionsTooOpen {
            path: path.to_owned(),
            mode,
            fix,
        }),
        Err(source) if source.kind() == ErrorKind::NotFound => Err(KeyError::Missing {
            path: path.to_owned(),
        }),
        Err(source) => Err(KeyError::Unreadable {
            path: path.to_owned(),
            source,
        }),
    }
}

fn header(kind: Kind) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[..MAGIC.len()].copy_from_slice(MAGIC);
    out[MAGIC.len()] = VERSION;
    out[MAGIC.len() + 1] = kind as u8;
    out
}

// ---- plain key files -------------------------------------------------------------------

/// Encodes a key stored as is (protected by file permissions only).
pub(crate) fn encode_plain_key(kind: Kind, key: &Key32) -> Zeroizing<Vec<u8>> {
    let header = header(kind);
    let check = sha256(&[PLAIN_CHECK_LABEL, &header, key.as_bytes()]);
    let mut out = Zeroizing::new(Vec::with_capacity(HEADER_LEN + 2 * KEY_LEN));
    out.extend_from_slice(&header);
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(&check);
    out
}

/// Reads a key stored as is, checking it was not damaged.
pub(crate) fn decode_plain_key(file: &KeyFile) -> Result<Key32, KeyError> {
    let body = file.body_of_len(2 * KEY_LEN)?;
    let (key, check) = body.split_at(KEY_LEN);
    let expected = sha256(&[PLAIN_CHECK_LABEL, file.header(), key]);
    if !ct_eq(check, &expected) {
        return Err(KeyError::Corrupt {
            path: file.path.clone(),
            detail: "the key does not match its check value",
        });
    }
    Key32::from_slice(key).ok_or_else(|| KeyError::Corrupt {
        path: file.path.clone(),
        detail: "bad key length",
    })
}

// ---- master key under a passphrase -----------------------------------------------------

const WRAPPED_BODY_LEN: usize = 12 + SALT_LEN + 32 + NONCE_LEN + KEY_LEN + TAG_LEN;

/// Encodes the master key sealed with a key derived from `passphrase`.
pub(crate) fn encode_wrapped_master(
    master: &Key32,
    passphrase: &SecretString,
    params: KdfParams,
    path: &Path,
) -> Result<Vec<u8>, KeyError> {
    let salt: [u8; SALT_LEN] = random_array();
    let derived = derive_key(passphrase, &salt, params).map_err(|source| KeyError::KdfParams {
        path: path.to_owned(),
        source,
    })?;
    let check = hkdf32(derived.as_bytes(), &[], PASSPHRASE_CHECK_INFO);
    let wrap = hkdf32(derived.as_bytes(), &[], PASSPHRASE_WRAP_INFO);
    let nonce: [u8; NONCE_LEN] = random_array();
    let mut out = Vec::with_capacity(HEADER_LEN + WRAPPED_BODY_LEN);
    out.extend_from_slice(&header(Kind::MasterPassphrase));
    out.extend_from_slice(&params.to_bytes());
    out.extend_from_slice(&salt);
    let associated_data = out.clone();
    out.extend_from_slice(check.as_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&Aead::new(&wrap).seal(&nonce, &associated_data, master.as_bytes()));
    Ok(out)
}

/// A passphrase-protected master key file, parsed but not yet opened.
pub(crate) struct WrappedMaster {
    path: PathBuf,
    associated_data: Vec<u8>,
    params: KdfParams,
    salt: [u8; SALT_LEN],
    check: [u8; 32],
    nonce: [u8; NONCE_LEN],
    sealed: Vec<u8>,
}

impl WrappedMaster {
    pub(crate) fn parse(file: &KeyFile) -> Result<Self, KeyError> {
        let body = file.body_of_len(WRAPPED_BODY_LEN)?;
        let corrupt = || KeyError::Corrupt {
            path: file.path.clone(),
            detail: "malformed passphrase section",
        };
        let (params, rest) = body.split_at(12);
        let (salt, rest) = rest.split_at(SALT_LEN);
        let (check, rest) = rest.split_at(32);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let params = KdfParams::from_bytes(params.try_into().map_err(|_| corrupt())?);
        params.validate().map_err(|source| KeyError::KdfParams {
            path: file.path.clone(),
            source,
        })?;
        let mut associated_data = file.header().to_vec();
        associated_data.extend_from_slice(&params.to_bytes());
        associated_data.extend_from_slice(salt);
        Ok(Self {
            path: file.path.clone(),
            associated_data,
            params,
            salt: salt.try_into().map_err(|_| corrupt())?,
            check: check.try_into().map_err(|_| corrupt())?,
            nonce: nonce.try_into().map_err(|_| corrupt())?,
            sealed: sealed.to_vec(),
        })
    }

    /// Derives the wrapping key from `passphrase` and opens the master key.
    pub(crate) fn unwrap(&self, passphrase: &SecretString) -> Result<Key32, KeyError> {
        let derived = derive_key(passphrase, &self.salt, self.params).map_err(|source| {
            KeyError::KdfParams {
                path: self.path.clone(),
                source,
            }
        })?;
        let check = hkdf32(derived.as_bytes(), &[], PASSPHRASE_CHECK_INFO);
        if !ct_eq(check.as_bytes(), &self.check) {
            return Err(KeyError::WrongPassphrase {
                path: self.path.clone(),
            });
        }
        let wrap = hkdf32(derived.as_bytes(), &[], PASSPHRASE_WRAP_INFO);
        let master = Aead::new(&wrap)
            .open(&self.nonce, &self.associated_data, &self.sealed)
            .map_err(|_| KeyError::Tampered {
                path: self.path.clone(),
            })?;
        Key32::from_slice(&master).ok_or_else(|| KeyError::Tampered {
            path: self.path.clone(),
        })
    }
}

// ---- sealed data key list --------------------------------------------------------------

const DATA_KEYS_INFO: &[u8] = b"kolo.data-keys.v1";

/// Seals `plaintext` (the encoded data key list) under a key derived from the master key.
///
/// Body: `sealed length (u32) | nonce (24) | sealed list`. The length lets a cut file be
/// reported as truncated rather than as altered.
pub(crate) fn encode_data_keys(master: &Key32, plaintext: &[u8]) -> Vec<u8> {
    let header = header(Kind::DataKeys);
    let nonce: [u8; NONCE_LEN] = random_array();
    let kek = master.derive(&[], DATA_KEYS_INFO);
    let sealed = Aead::new(&kek).seal(&nonce, &header, plaintext);
    // The list holds a few dozen keys at most, far below 4 GiB.
    let sealed_len = u32::try_from(sealed.len()).expect("the data key list is small");
    let mut out = Vec::with_capacity(HEADER_LEN + 4 + NONCE_LEN + sealed.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(&sealed_len.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Opens the data key list; a failure means the file was altered or another installation's.
pub(crate) fn decode_data_keys(
    master: &Key32,
    file: &KeyFile,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let body = file.body();
    let truncated = |expected| KeyError::Truncated {
        path: file.path.clone(),
        len: file.bytes.len(),
        expected,
    };
    let Some((len, rest)) = body.split_first_chunk::<4>() else {
        return Err(truncated(HEADER_LEN + 4 + NONCE_LEN + TAG_LEN));
    };
    let sealed_len = u32::from_be_bytes(*len) as usize;
    let expected = HEADER_LEN + 4 + NONCE_LEN + sealed_len;
    if rest.len() < NONCE_LEN + sealed_len {
        return Err(truncated(expected));
    }
    if rest.len() > NONCE_LEN + sealed_len || sealed_len < TAG_LEN {
        return Err(KeyError::Corrupt {
            path: file.path.clone(),
            detail: "the recorded length does not match the file",
        });
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| KeyError::Corrupt {
        path: file.path.clone(),
        detail: "bad nonce",
    })?;
    let kek = master.derive(&[], DATA_KEYS_INFO);
    Aead::new(&kek)
        .open(&nonce, file.header(), sealed)
        .map_err(|_| KeyError::Tampered {
            path: file.path.clone(),
        })
}

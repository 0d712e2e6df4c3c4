//! The backup header: plain text for the reader to know how to derive the key, and
//! authenticated as associated data of every chunk.
//!
//! ```text
//! magic "KOLO-BAK" (8) | version (1, = 1) | mode (1)
//! mode 1 (backup key):  key id length (1) | key id (e.g. "b-3f9a0c12d4e5")
//! mode 2 (passphrase):  Argon2id params (12) | salt (16)
//! file salt (32) | key check (32) | chunk size (u32)
//! ```
//!
//! The file key is HKDF-SHA256(root key, salt = file salt), the root key being the backup key
//! or the Argon2id output. The key check (another HKDF output) tells a wrong passphrase from an
//! altered file.

use std::io::{self, Read};

use super::error::BackupError;
use crate::crypto::{Key32, ct_eq, hkdf32, random_array};
use crate::kdf::{KdfParams, SALT_LEN, derive_key};
use crate::keys::BackupKey;
use crate::secret::SecretString;

const MAGIC: &[u8; 8] = b"KOLO-BAK";
const VERSION: u8 = 1;
const MODE_KEY: u8 = 1;
const MODE_PASSPHRASE: u8 = 2;
const FILE_SALT_LEN: usize = 32;
const CHUNK_KEY_INFO: &[u8] = b"kolo.backup.v1.chunks";
const CHECK_INFO: &[u8] = b"kolo.backup.v1.check";

/// Chunk sizes a reader accepts (plaintext bytes per chunk).
const MIN_CHUNK: u32 = 1024;
const MAX_CHUNK: u32 = 1 << 20;

/// How a backup's key is obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The backup key with this id (`keys/backup.key`).
    BackupKey { id: String },
    /// A passphrase (`KOLO_BACKUP_PASSPHRASE`), stretched with these Argon2id parameters.
    Passphrase { params: KdfParams },
}

/// What the header of a backup tells without any key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub version: u8,
    pub key_source: KeySource,
}

/// The secret that opens a backup.
#[derive(Debug, Clone, Copy)]
pub enum BackupSecret<'a> {
    Key(&'a BackupKey),
    Passphrase(&'a SecretString),
}

pub(crate) struct Header {
    pub(crate) bytes: Vec<u8>,
    pub(crate) info: BackupInfo,
    salt: [u8; SALT_LEN],
    file_salt: [u8; FILE_SALT_LEN],
    check: [u8; 32],
    pub(crate) chunk_size: usize,
}

/// The chunk key, once the secret is accepted.
pub(crate) struct FileKey(pub(crate) Key32);

impl Header {
    /// A fresh header for a backup under `root` (already derived from the secret).
    pub(crate) fn new(
        source: KeySource,
        salt: [u8; SALT_LEN],
        root: &Key32,
        chunk_size: u32,
    ) -> (Header, FileKey) {
        let file_salt: [u8; FILE_SALT_LEN] = random_array();
        let check = hkdf32(root.as_bytes(), &file_salt, CHECK_INFO);
        let mut bytes = Vec::with_capacity(128);
        bytes.extend_from_slice(MAGIC);
        bytes.push(VERSION);
        match &source {
            KeySource::BackupKey { id } => {
                bytes.push(MODE_KEY);
                // Backup key ids are 14 ASCII characters.
                bytes.push(u8::try_from(id.len()).expect("a backup key id is short"));
                bytes.extend_from_slice(id.as_bytes());
            }
            KeySource::Passphrase { params } => {
                bytes.push(MODE_PASSPHRASE);
                bytes.extend_from_slice(&params.to_bytes());
                bytes.extend_from_slice(&salt);
            }
        }
        bytes.extend_from_slice(&file_salt);
        bytes.extend_from_slice(check.as_bytes());
        bytes.extend_from_slice(&chunk_size.to_be_bytes());
        let key = FileKey(hkdf32(root.as_bytes(), &file_salt, CHUNK_KEY_INFO));
        let header = Header {
            bytes,
            info: BackupInfo {
                version: VERSION,
                key_source: source,
            },
            salt,
            file_salt,
            check: *check.as_bytes(),
            chunk_size: chunk_size as usize,
        };
        (header, key)
    }

    /// Reads a header from the start of a backup.
    pub(crate) fn read(source: &mut impl Read) -> Result<Header, BackupError> {
        let mut reader = Recording {
            inner: source,
            bytes: Vec::with_capacity(128),
        };
        let magic: [u8; 8] = reader.array_or_magic_error()?;
        if &magic != MAGIC {
            return Err(BackupError::NotABackup);
        }
        let [version] = reader.array()?;
        if version != VERSION {
            return Err(BackupError::UnsupportedVersion(version));
        }
        let [mode] = reader.array()?;
        let mut salt = [0u8; SALT_LEN];
        let key_source = match mode {
            MODE_KEY => {
                let [len] = reader.array()?;
                let id = reader.vec(usize::from(len))?;
                let id = String::from_utf8(id).map_err(|_| BackupError::HeaderTampered)?;
                KeySource::BackupKey { id }
            }
            MODE_PASSPHRASE => {
                let params = KdfParams::from_bytes(reader.array()?);
                params.validate()?;
                salt = reader.array()?;
                KeySource::Passphrase { params }
            }
            _ => return Err(BackupError::HeaderTampered),
        };
        let file_salt = reader.array()?;
        let check = reader.array()?;
        let chunk_size = u32::from_be_bytes(reader.array()?);
        if !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk_size) {
            return Err(BackupError::HeaderTampered);
        }
        Ok(Header {
            bytes: reader.bytes,
            info: BackupInfo {
                version,
                key_source,
            },
            salt,
            file_salt,
            check,
            chunk_size: chunk_size as usize,
        })
    }

    /// Derives the chunk key from `secret`, refusing the wrong key or passphrase.
    pub(crate) fn open(&self, secret: BackupSecret<'_>) -> Result<FileKey, BackupError> {
        let root = match (&self.info.key_source, secret) {
            (KeySource::BackupKey { id }, BackupSecret::Key(key)) => {
                if key.id() != id {
                    return Err(BackupError::WrongKey {
                        needed: id.clone(),
                        given: key.id().to_owned(),
                    });
                }
                key.key().clone()
            }
            (KeySource::BackupKey { id }, BackupSecret::Passphrase(_)) => {
                return Err(BackupError::NeedsKey { needed: id.clone() });
            }
            (KeySource::Passphrase { .. }, BackupSecret::Key(_)) => {
                return Err(BackupError::NeedsPassphrase);
            }
            (KeySource::Passphrase { params }, BackupSecret::Passphrase(passphrase)) => {
                derive_key(passphrase, &self.salt, *params)?
            }
        };
        let check = hkdf32(root.as_bytes(), &self.file_salt, CHECK_INFO);
        if !ct_eq(check.as_bytes(), &self.check) {
            return Err(match self.info.key_source {
                KeySource::Passphrase { .. } => BackupError::WrongPassphrase,
                // The key id matched, so the key is right and the header changed.
                KeySource::BackupKey { .. } => BackupError::HeaderTampered,
            });
        }
        Ok(FileKey(hkdf32(
            root.as_bytes(),
            &self.file_salt,
            CHUNK_KEY_INFO,
        )))
    }
}

/// Reads exact byte counts and keeps a copy of everything read (the header's bytes).
struct Recording<'a, R> {
    inner: &'a mut R,
    bytes: Vec<u8>,
}

impl<R: Read> Recording<'_, R> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        let mut out = [0u8; N];
        self.fill(&mut out)?;
        Ok(out)
    }

    fn vec(&mut self, len: usize) -> Result<Vec<u8>, BackupError> {
        let mut out = vec![0u8; len];
        self.fill(&mut out)?;
        Ok(out)
    }

    /// The magic: a short file that is a prefix of it is truncated, anything else is foreign.
    fn array_or_magic_error<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        let mut out = [0u8; N];
        let got = read_up_to(self.inner, &mut out)
            .map_err(|e| BackupError::from_io("reading the backup", e))?;
        self.bytes.extend_from_slice(&out[..got]);
        if got < N {
            return Err(if MAGIC.starts_with(&out[..got]) {
                BackupError::Truncated
            } else {
                BackupError::NotABackup
            });
        }
        Ok(out)
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), BackupError> {
        let got = read_up_to(self.inner, out)
            .map_err(|e| BackupError::from_io("reading the backup", e))?;
        self.bytes.extend_from_slice(&out[..got]);
        if got < out.len() {
            Err(BackupError::Truncated)
        } else {
            Ok(())
        }
    }
}

/// Reads until `buf` is full or the source ends; returns how many bytes were read.
pub(crate) fn read_up_to(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

//! What can go wrong with the key directory. Every variant names the file and says what to do.

use std::io;
use std::path::PathBuf;

use crate::field::KeyId;
use crate::kdf::KdfParamsError;

/// An error reading, creating or changing the key directory. Nothing on disk is modified
/// when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "key file {path} is missing. Restore the keys/ directory from your copy of it; Kolo will not \
         create new keys next to existing data, because the data would become unreadable"
    )]
    Missing { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}. Nothing was changed")]
    Unwritable { path: PathBuf, source: io::Error },
    #[error(
        "key file {path} is truncated: it has {len} bytes, a complete one has {expected}. Restore it from your copy"
    )]
    Truncated {
        path: PathBuf,
        len: usize,
        expected: usize,
    },
    #[error("{path} is not a Kolo key file")]
    NotAKeyFile { path: PathBuf },
    #[error(
        "key file {path} has format version {version}, which this version of Kolo cannot read: upgrade Kolo"
    )]
    UnsupportedVersion { path: PathBuf, version: u8 },
    #[error(
        "{path} holds a {found}, but a {expected} belongs there: were key files renamed or swapped?"
    )]
    WrongKind {
        path: PathBuf,
        expected: &'static str,
        found: &'static str,
    },
    #[error("key file {path} is corrupt ({detail}). Restore it from your copy")]
    Corrupt { path: PathBuf, detail: &'static str },
    #[error(
        "key file {path} failed authentication: it was altered, or it belongs to another installation. \
         Restore it from your copy"
    )]
    Tampered { path: PathBuf },
    #[error("wrong passphrase for {path}")]
    WrongPassphrase { path: PathBuf },
    #[error("the keys in {path} are protected by a passphrase: unlock with the passphrase")]
    PassphraseRequired { path: PathBuf },
    #[error(
        "the keys in {path} are not protected by a passphrase, but one was given: start without it"
    )]
    PassphraseNotUsed { path: PathBuf },
    #[error("a passphrase must have at least {min} characters")]
    PassphraseTooShort { min: usize },
    #[error("{path} has Argon2id parameters Kolo refuses to use: {source}")]
    KdfParams {
        path: PathBuf,
        source: KdfParamsError,
    },
    #[error(
        "{path} can be read by other users (mode {mode:o}). Run `chmod {fix:o} {path}` as the owner, \
         and consider the keys exposed if others could log in to this machine"
    )]
    PermissionsTooOpen { path: PathBuf, mode: u32, fix: u32 },
    #[error("{dir} already holds keys: Kolo never creates keys over existing ones")]
    AlreadyInitialised { dir: PathBuf },
    #[error("there is no data key {0} in this key ring")]
    UnknownKey(KeyId),
    #[error("data key {0} is the active key: add a new data key and re-encrypt before retiring it")]
    CannotRetireActive(KeyId),
    #[error("data key {0} is already retired")]
    AlreadyRetired(KeyId),
}

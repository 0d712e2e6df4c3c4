//! What can go wrong writing, verifying or restoring a backup.

use std::io;
use std::path::PathBuf;

use crate::kdf::KdfParamsError;

/// An error about a backup file. Verification and restore return these before writing
/// anything (restore cleans up what it wrote if the file changes under it).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("this is not a Kolo backup file")]
    NotABackup,
    #[error(
        "this backup has format version {0}, which this version of Kolo cannot read: upgrade Kolo"
    )]
    UnsupportedVersion(u8),
    #[error(
        "the backup file is truncated: it ends before its last part (an interrupted copy or a full disk). \
         Use another copy"
    )]
    Truncated,
    #[error(
        "the backup file was altered or damaged near byte {offset}: it cannot be trusted. Use another copy"
    )]
    Tampered { offset: u64 },
    #[error("the backup's header was altered: it cannot be trusted. Use another copy")]
    HeaderTampered,
    #[error("wrong backup passphrase (or the backup's header was altered)")]
    WrongPassphrase,
    #[error("this backup was encrypted with backup key {needed}, but key {given} was given")]
    WrongKey { needed: String, given: String },
    #[error("this backup was encrypted with a passphrase: set KOLO_BACKUP_PASSPHRASE to it")]
    NeedsPassphrase,
    #[error(
        "this backup was encrypted with backup key {needed}, not a passphrase: give that key file"
    )]
    NeedsKey { needed: String },
    #[error(
        "the backup is authentic but malformed ({0}): it was written by a faulty version of Kolo"
    )]
    Malformed(&'static str),
    #[error("the backup entry name {0:?} is not a safe relative path")]
    UnsafeEntryName(String),
    #[error("the backup has two entries that would be written to {0:?}")]
    NameConflict(String),
    #[error("entry {0:?} does not match the hash in the backup's manifest")]
    ManifestMismatch(String),
    #[error("a backup passphrase must have at least {min} characters")]
    PassphraseTooShort { min: usize },
    #[error("the backup's Argon2id parameters are refused: {0}")]
    KdfParams(#[from] KdfParamsError),
    #[error("restore target {0} is not empty: restore only into a new or empty directory")]
    TargetNotEmpty(PathBuf),
    #[error("the backup file changed while it was being restored; everything restored was removed")]
    ChangedDuringRestore,
    #[error("cannot read {name:?} to back it up: {source}")]
    Source { name: String, source: io::Error },
    #[error("a previous error stopped this backup; start a new one")]
    Poisoned,
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
}

impl BackupError {
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        BackupError::Io {
            context: context.into(),
            source,
        }
    }

    /// Recovers an error that travelled through a `Read` or `Write` implementation as an
    /// `io::Error`.
    pub(crate) fn from_io(context: &str, error: io::Error) -> Self {
        if error
            .get_ref()
            .is_some_and(|inner| inner.is::<BackupError>())
        {
            // The check above guarantees both the inner error and its type.
            let inner = error.into_inner().expect("checked above");
            return *inner.downcast::<BackupError>().expect("checked above");
        }
        BackupError::io(context, error)
    }

    /// Wraps this error to pass it through `Read` or `Write`.
    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }
}

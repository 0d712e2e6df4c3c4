//! The key directory (`DATA/keys/`) and envelope encryption.
//!
//! A master key wraps the data keys; data keys encrypt field values (through
//! [`crate::field::FieldCipher`]). The master key is stored as is (file permissions protect
//! it) or sealed by a passphrase (Argon2id), in which case the server starts locked.
//!
//! ```text
//! keys/                 (0700)
//!   master.key          (0600) master key, plain or sealed by the passphrase
//!   data.keys           (0600) data keys k1, k2, ... with their states, sealed by the master key
//!   server.key          (0600) works while locked: audit head MAC, recovery codes, TOTP secrets
//!   backup.key          (0600) encrypts backups made without KOLO_BACKUP_PASSPHRASE
//! ```
//!
//! Every file starts with the magic `KOLO-KEY`, a version and a kind (see `file.rs`). Reading
//! never modifies anything; writing is atomic (temporary file, fsync, rename, fsync).

mod data_keys;
mod error;
mod file;
mod ring;

pub use data_keys::{DataKeyInfo, DataKeyState};
pub use error::KeyError;
pub use ring::{
    BACKUP_KEY_FILE, BackupKey, DATA_KEYS_FILE, KeyDirStatus, KeyRing, LoadedKeys, LockedKeyRing,
    MASTER_FILE, MIN_PASSPHRASE_CHARS, Protection, SERVER_KEY_FILE, ServerKey,
};

#[cfg(test)]
mod tests;

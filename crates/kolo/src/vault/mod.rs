//! The server's keys: loaded (or created on first start) from `DATA/keys/`, and
//! locked until an admin gives the passphrase when the master key is sealed by one.

pub mod rotation;
mod web;

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use vault::keys::{BackupKey, KeyDirStatus, LoadedKeys, LockedKeyRing, Protection, ServerKey};
use vault::{FieldCipher, FieldContext, FieldError, KeyError, KeyRing, SecretString};

pub use web::routes;

/// Where the keys live inside the data directory.
pub fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

/// The audit log's head file, outside the database.
pub fn audit_head_path(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.head")
}

enum Keys {
    /// Passphrase mode before an admin unlocked: nothing encrypted can be read or written.
    Locked(LockedKeyRing),
    Open(KeyRing),
}

/// Why a stored value could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecryptError {
    #[error(transparent)]
    Locked(#[from] VaultLocked),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error(transparent)]
    Field(#[from] FieldError),
}

/// A sealed vault refused an operation that needs the data keys.

#[derive(Debug, thiserror::Error)]
#[error("the server is locked: an administrator must unlock it with the passphrase")]
pub struct VaultLocked;

pub struct Vault {
    data_dir: PathBuf,
    server_key: ServerKey,
    backup_key: BackupKey,

    keys: RwLock<Keys>,
}

impl Vault {
    /// Opens the key directory, creating keys on first start. Missing, damaged or
    /// foreign key files are refused with the file and the problem named, and
    /// nothing on disk is touched.
    pub fn open(data_dir: &Path) -> Result<Vault, KeyError> {
        let dir = keys_dir(data_dir);
        let keys = match KeyRing::status(&dir)? {
            KeyDirStatus::Uninitialised => Keys::Open(KeyRing::create(&dir, Protection::KeyFile)?),
            KeyDirStatus::KeyFile | KeyDirStatus::Passphrase => match KeyRing::load(&dir)? {
                LoadedKeys::Unlocked(ring) => Keys::Open(ring),
                LoadedKeys::Locked(locked) => Keys::Locked(locked),
            },
        };
        let (server_key, backup_key) = match &keys {
            Keys::Open(ring) => (ring.server_key().clone(), ring.backup_key().clone()),
            Keys::Locked(locked) => (locked.server_key().clone(), locked.backup_key().clone()),
        };
        Ok(Vault {
            data_dir: data_dir.to_owned(),
            server_key,
            backup_key,

            keys: RwLock::new(keys),
        })
    }

    /// Opens the vault for a command-line tool: a sealed master key is opened with
    /// `KOLO_VAULT_PASSPHRASE` when set, else left locked.
    pub fn open_for_command(data_dir: &Path) -> Result<Vault, KeyError> {
        let vault = Vault::open(data_dir)?;
        if vault.is_locked()
            && let Ok(passphrase) = std::env::var("KOLO_VAULT_PASSPHRASE")
        {
            vault.unlock(&SecretString::new(passphrase))?;
        }
        Ok(vault)
    }

    pub fn is_locked(&self) -> bool {
        matches!(*self.read(), Keys::Locked(_))
    }

    /// Unlocks a sealed vault. A wrong passphrase changes nothing.
    pub fn unlock(&self, passphrase: &SecretString) -> Result<(), KeyError> {
        let ring = match &*self.read() {
            Keys::Open(_) => return Ok(()),
            Keys::Locked(locked) => locked.unlock(passphrase)?,
        };
        *self.write() = Keys::Open(ring);
        Ok(())
    }

    /// The cipher for personal and special fields.
    pub fn cipher(&self) -> Result<FieldCipher, VaultLocked> {
        match &*self.read() {
            Keys::Open(ring) => Ok(ring.field_cipher()),
            Keys::Locked(_) => Err(VaultLocked),
        }
    }

    /// Decrypts a text field. A value under a key this process has not loaded yet
    /// (a rotation started by `kolo admin rotate-key`) makes it read the keys again.
    pub fn decrypt_string(
        &self,
        value: &[u8],
        context: &FieldContext,
    ) -> Result<SecretString, DecryptError> {
        match self.cipher()?.decrypt_string(value, context) {
            Err(FieldError::UnknownKey(_)) => {
                self.reload()?;
                Ok(self.cipher()?.decrypt_string(value, context)?)
            }
            other => Ok(other?),
        }
    }

    /// Encrypts a text field with the active data key.
    pub fn encrypt_str(&self, value: &str, context: &FieldContext) -> Result<Vec<u8>, VaultLocked> {
        Ok(self.cipher()?.encrypt_str(value, context))
    }

    /// Runs `f` on the open key ring (rotation, blind indexes, protection changes).
    pub fn with_ring<R>(&self, f: impl FnOnce(&mut KeyRing) -> R) -> Result<R, VaultLocked> {
        match &mut *self.write() {
            Keys::Open(ring) => Ok(f(ring)),
            Keys::Locked(_) => Err(VaultLocked),
        }
    }

    /// The key that works while locked: the audit head's MAC, recovery codes, TOTP secrets.
    pub fn server_key(&self) -> &ServerKey {
        &self.server_key
    }

    /// The key that encrypts backups made without a passphrase.
    pub fn backup_key(&self) -> Result<BackupKey, KeyError> {
        Ok(self.backup_key.clone())
    }

    pub fn audit_head_path(&self) -> PathBuf {
        audit_head_path(&self.data_dir)
    }

    /// Reads the data keys again after another process (a `kolo admin` command)
    /// added or retired one.
    pub fn reload(&self) -> Result<(), KeyError> {
        match &mut *self.write() {
            Keys::Open(ring) => ring.reload(),
            Keys::Locked(_) => Ok(()),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Keys> {
        // A panic while holding the lock cannot leave `Keys` half-changed: every
        // write replaces the whole value, so a poisoned lock is still consistent.
        self.keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Keys> {
        self.keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

//! The key ring: the key directory on disk and the keys it yields once opened.

use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::data_keys::{DataKeyInfo, DataKeyList, DataKeyState, RetireRefused};
use super::error::KeyError;
use super::file::{
    Kind, WrappedMaster, check_private, decode_data_keys, decode_plain_key, encode_data_keys,
    encode_plain_key, encode_wrapped_master, read_key_file,
};
use crate::crypto::{Key32, to_hex};
use crate::field::{FieldCipher, KeyId};
use crate::fsutil::{
    PRIVATE_DIR_MODE, create_private_dir, sync_dir, temp_path, write_atomic, write_new_private,
};
use crate::kdf::KdfParams;
use crate::secret::SecretString;

/// The master key, plain or sealed by a passphrase.
pub const MASTER_FILE: &str = "master.key";
/// The data keys, sealed by the master key.
pub const DATA_KEYS_FILE: &str = "data.keys";
/// A key usable before unlock (audit head, recovery codes, TOTP secrets).
pub const SERVER_KEY_FILE: &str = "server.key";
/// The key that encrypts backups made without a passphrase; keep a copy elsewhere.
pub const BACKUP_KEY_FILE: &str = "backup.key";

/// Shortest passphrase accepted when protecting the master key.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

const BLIND_INDEX_INFO: &[u8] = b"kolo.blind-index.v1:";

/// How the master key is kept on disk.
pub enum Protection {
    /// In `master.key` as is, protected by file permissions only: the server starts unattended.
    KeyFile,
    /// Sealed by a key derived from a passphrase with Argon2id: the server starts locked and an
    /// admin unlocks it with the passphrase after every restart.
    Passphrase {
        passphrase: SecretString,
        params: KdfParams,
    },
}

/// What a key directory holds, learnt without any passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDirStatus {
    /// No key directory, or an empty one: first start.
    Uninitialised,
    /// The master key is in a file; the ring opens without a passphrase.
    KeyFile,
    /// The master key is sealed by a passphrase; the server starts locked.
    Passphrase,
}

/// The outcome of loading a key directory at start.
#[derive(Debug)]
pub enum LoadedKeys {
    Unlocked(KeyRing),
    /// Passphrase mode: every file was checked, the master key awaits the passphrase.
    Locked(LockedKeyRing),
}

/// An open key ring: encrypts and decrypts, rotates data keys.
pub struct KeyRing {
    dir: PathBuf,
    master: Key32,
    passphrase_protected: bool,
    data: DataKeyList,
    server: ServerKey,
    backup: BackupKey,
}

impl KeyRing {
    /// Whether `dir` already holds anything. A directory that exists but cannot be listed
    /// counts as initialised, so the caller goes on to [`KeyRing::load`] and gets a clear error
    /// instead of creating keys.
    pub fn is_initialised(dir: &Path) -> bool {
        match fs::read_dir(dir) {
            Ok(mut entries) => entries.next().is_some(),
            Err(error) => error.kind() != ErrorKind::NotFound,
        }
    }

    /// Tells whether `dir` is uninitialised, plain or passphrase-protected, reading only the
    /// master key file's header.
    pub fn status(dir: &Path) -> Result<KeyDirStatus, KeyError> {
        if !Self::is_initialised(dir) {
            return Ok(KeyDirStatus::Uninitialised);
        }
        check_private(dir, PRIVATE_DIR_MODE)?;
        let master = read_key_file(
            &dir.join(MASTER_FILE),
            &[Kind::MasterPlain, Kind::MasterPassphrase],
        )?;
        Ok(match master.kind {
            Kind::MasterPassphrase => KeyDirStatus::Passphrase,
            _ => KeyDirStatus::KeyFile,
        })
    }

    /// Creates the key directory with a fresh master key, data key `k1`, server key and backup
    /// key. All files appear at once (written in a temporary directory, then renamed), so a
    /// crash never leaves half a key directory. Refuses a directory that holds anything.
    pub fn create(dir: &Path, protection: Protection) -> Result<KeyRing, KeyError> {
        if Self::is_initialised(dir) {
            return Err(KeyError::AlreadyInitialised {
                dir: dir.to_owned(),
            });
        }
        if let Protection::Passphrase { passphrase, .. } = &protection
            && passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS
        {
            return Err(KeyError::PassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS,
            });
        }
        let master = Key32::random();
        let data = DataKeyList::first(now_unix());
        let server = ServerKey {
            key: Key32::random(),
        };
        let backup = BackupKey::new(Key32::random());
        let master_bytes = encode_master(&master, &protection, &dir.join(MASTER_FILE))?;
        let files: [(&str, &[u8]); 4] = [
            (MASTER_FILE, &master_bytes),
            (DATA_KEYS_FILE, &encode_data_keys(&master, &data.encode())),
            (
                SERVER_KEY_FILE,
                &encode_plain_key(Kind::Server, &server.key),
            ),
            (
                BACKUP_KEY_FILE,
                &encode_plain_key(Kind::Backup, &backup.key),
            ),
        ];
        write_directory_at_once(dir, &files)?;
        Ok(KeyRing {
            dir: dir.to_owned(),
            master,
            passphrase_protected: matches!(protection, Protection::Passphrase { .. }),
            data,
            server,
            backup,
        })
    }

    /// Loads the key directory at start: checks permissions and every file, and opens the ring
    /// unless the master key needs a passphrase.
    pub fn load(dir: &Path) -> Result<LoadedKeys, KeyError> {
        check_private(dir, PRIVATE_DIR_MODE)?;
        let master_file = read_key_file(
            &dir.join(MASTER_FILE),
            &[Kind::MasterPlain, Kind::MasterPassphrase],
        )?;
        let data_file = read_key_file(&dir.join(DATA_KEYS_FILE), &[Kind::DataKeys])?;
        let server = ServerKey {
            key: decode_plain_key(&read_key_file(&dir.join(SERVER_KEY_FILE), &[Kind::Server])?)?,
        };
        let backup = BackupKey::load_checked(&dir.join(BACKUP_KEY_FILE))?;
        match master_file.kind {
            Kind::MasterPassphrase => {
                let wrapped = WrappedMaster::parse(&master_file)?;
                Ok(LoadedKeys::Locked(LockedKeyRing {
                    dir: dir.to_owned(),
                    wrapped,
                    data_file,
                    server,
                    backup,
                }))
            }
            _ => {
                let master = decode_plain_key(&master_file)?;
                let data = open_data_keys(&master, &data_file)?;
                Ok(LoadedKeys::Unlocked(KeyRing {
                    dir: dir.to_owned(),
                    master,
                    passphrase_protected: false,
                    data,
                    server,
                    backup,
                }))
            }
        }
    }

    /// Loads and opens the ring in one step (for command-line tools): `passphrase` must be
    /// given exactly when the ring is passphrase-protected.
    pub fn open(dir: &Path, passphrase: Option<&SecretString>) -> Result<KeyRing, KeyError> {
        let master_path = dir.join(MASTER_FILE);
        match (Self::load(dir)?, passphrase) {
            (LoadedKeys::Unlocked(_), Some(_)) => {
                Err(KeyError::PassphraseNotUsed { path: master_path })
            }
            (LoadedKeys::Unlocked(ring), None) => Ok(ring),
            (LoadedKeys::Locked(_), None) => {
                Err(KeyError::PassphraseRequired { path: master_path })
            }
            (LoadedKeys::Locked(locked), Some(passphrase)) => locked.unlock(passphrase),
        }
    }

    /// The key directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the master key is sealed by a passphrase (so a restart locks the server).
    pub fn is_passphrase_protected(&self) -> bool {
        self.passphrase_protected
    }

    /// A cipher for field values with the current data keys. Take a new one after
    /// [`KeyRing::add_data_key`], [`KeyRing::retire`] or [`KeyRing::reload`].
    pub fn field_cipher(&self) -> FieldCipher {
        let usable = self
            .data
            .keys()
            .iter()
            .filter_map(|k| Some((k.info.id, k.key.as_ref()?)))
            .collect();
        let retired = self
            .data
            .keys()
            .iter()
            .filter(|k| k.info.state == DataKeyState::Retired)
            .map(|k| k.info.id)
            .collect();
        FieldCipher::new(self.active_key(), usable, retired)
    }

    /// The data key new values are encrypted with.
    pub fn active_key(&self) -> KeyId {
        self.data.active().info.id
    }

    /// Every data key's id, state and creation time.
    pub fn data_keys(&self) -> Vec<DataKeyInfo> {
        self.data.keys().iter().map(|k| k.info.clone()).collect()
    }

    /// Makes a new active data key; the previous one becomes retiring and still decrypts.
    /// Then re-encrypt every value whose [`FieldCipher::needs_rotation`] is true, and retire
    /// the old key.
    pub fn add_data_key(&mut self) -> Result<KeyId, KeyError> {
        let (next, id) = self.data.with_new_key(now_unix());
        self.save_data_keys(next)?;
        Ok(id)
    }

    /// Erases a retiring data key. Only the caller knows that no stored value uses it any
    /// more: check that before (a rotation pass that found nothing to re-encrypt).
    pub fn retire(&mut self, id: KeyId) -> Result<(), KeyError> {
        let next = self
            .data
            .with_retired(id)
            .map_err(|refused| match refused {
                RetireRefused::Unknown => KeyError::UnknownKey(id),
                RetireRefused::Active => KeyError::CannotRetireActive(id),
                RetireRefused::AlreadyRetired => KeyError::AlreadyRetired(id),
            })?;
        self.save_data_keys(next)
    }

    /// Reads `data.keys` again, to see keys another process added or retired.
    pub fn reload(&mut self) -> Result<(), KeyError> {
        let data_file = read_key_file(&self.dir.join(DATA_KEYS_FILE), &[Kind::DataKeys])?;
        self.data = open_data_keys(&self.master, &data_file)?;
        Ok(())
    }

    /// Rewrites `master.key` with another protection (set, change or remove the passphrase).
    /// The master key itself, and so every data key, stays the same.
    pub fn change_protection(&mut self, protection: Protection) -> Result<(), KeyError> {
        if let Protection::Passphrase { passphrase, .. } = &protection
            && passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS
        {
            return Err(KeyError::PassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS,
            });
        }
        let path = self.dir.join(MASTER_FILE);
        let bytes = encode_master(&self.master, &protection, &path)?;
        write_atomic(&path, &bytes).map_err(|source| KeyError::Unwritable { path, source })?;
        self.passphrase_protected = matches!(protection, Protection::Passphrase { .. });
        Ok(())
    }

    /// The key that works before unlock.
    pub fn server_key(&self) -> &ServerKey {
        &self.server
    }

    /// The key for backups made without a passphrase.
    pub fn backup_key(&self) -> &BackupKey {
        &self.backup
    }

    /// The HMAC key of one blind index; see [`crate::blind`].
    pub(crate) fn blind_index_key(&self, purpose: &str) -> Key32 {
        let mut info = BLIND_INDEX_INFO.to_vec();
        info.extend_from_slice(purpose.as_bytes());
        self.master.derive(&[], &info)
    }

    fn save_data_keys(&mut self, next: DataKeyList) -> Result<(), KeyError> {
        let path = self.dir.join(DATA_KEYS_FILE);
        let bytes = encode_data_keys(&self.master, &next.encode());
        write_atomic(&path, &bytes).map_err(|source| KeyError::Unwritable { path, source })?;
        self.data = next;
        Ok(())
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("dir", &self.dir)
            .field("passphrase_protected", &self.passphrase_protected)
            .field("data_keys", &self.data_keys())
            .field("backup_key", &self.backup.id)
            .finish_non_exhaustive()
    }
}

/// A passphrase-protected key ring whose files have been checked, waiting for the passphrase.
pub struct LockedKeyRing {
    dir: PathBuf,
    wrapped: WrappedMaster,
    data_file: super::file::KeyFile,
    server: ServerKey,
    backup: BackupKey,
}

impl LockedKeyRing {
    /// Opens the master key with `passphrase` (an Argon2id derivation, deliberately slow).
    /// A wrong passphrase gives [`KeyError::WrongPassphrase`]; throttle and audit attempts.
    pub fn unlock(&self, passphrase: &SecretString) -> Result<KeyRing, KeyError> {
        let master = self.wrapped.unwrap(passphrase)?;
        let data = open_data_keys(&master, &self.data_file)?;
        Ok(KeyRing {
            dir: self.dir.clone(),
            master,
            passphrase_protected: true,
            data,
            server: self.server.clone(),
            backup: self.backup.clone(),
        })
    }

    /// The server key works while locked (audit head, recovery codes, TOTP secrets).
    pub fn server_key(&self) -> &ServerKey {
        &self.server
    }

    /// The backup key works while locked, but a backup taken while locked still holds only
    /// ciphertext for encrypted fields, which is what a backup should hold anyway.
    pub fn backup_key(&self) -> &BackupKey {
        &self.backup
    }
}

impl fmt::Debug for LockedKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockedKeyRing")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// A key kept outside the passphrase protection, so it works while the server is locked:
/// it authenticates the audit head file, hashes recovery codes and can seal TOTP secrets.
/// Whoever can read the key directory has it.
#[derive(Clone)]
pub struct ServerKey {
    key: Key32,
}

impl ServerKey {
    /// A cipher for values that must be readable before unlock (TOTP secrets of staff who log
    /// in to unlock). Same format as data-key values, with key id `k0`; not rotated.
    pub fn field_cipher(&self) -> FieldCipher {
        FieldCipher::new(KeyId(0), vec![(KeyId(0), &self.key)], Vec::new())
    }

    pub(crate) fn derive(&self, info: &[u8]) -> Key32 {
        self.key.derive(&[], info)
    }

    #[cfg(test)]
    pub(crate) fn for_tests(byte: u8) -> Self {
        Self {
            key: Key32::from_bytes([byte; 32]),
        }
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey([redacted])")
    }
}

/// The key backups are encrypted with when no backup passphrase is set. Its id (`b-` and 12
/// hex digits, derived from the key) is written in each backup's header, so a restore with
/// the wrong key file says which one is needed.
#[derive(Clone)]
pub struct BackupKey {
    key: Key32,
    id: String,
}

impl BackupKey {
    /// Reads a backup key file, for example a copy brought to a new machine for a restore.
    /// Unlike the key directory, the file's permissions are not checked: it may come from a
    /// USB stick. Keep it private anyway.
    pub fn load(path: &Path) -> Result<BackupKey, KeyError> {
        let file = read_backup_key_file(path)?;
        Ok(Self::new(decode_plain_key(&file)?))
    }

    /// Writes this key to `path` (mode 0600, never over an existing file), to store it away
    /// from the server.
    pub fn export(&self, path: &Path) -> Result<(), KeyError> {
        write_new_private(path, &encode_plain_key(Kind::Backup, &self.key)).map_err(|source| {
            KeyError::Unwritable {
                path: path.to_owned(),
                source,
            }
        })
    }

    /// The key's public id, such as `b-3f9a0c12d4e5`.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn new(key: Key32) -> Self {
        let digest = crate::crypto::sha256(&[b"kolo.backup-key.id.v1", key.as_bytes()]);
        let id = format!("b-{}", to_hex(&digest[..6]));
        Self { key, id }
    }

    pub(crate) fn key(&self) -> &Key32 {
        &self.key
    }

    fn load_checked(path: &Path) -> Result<BackupKey, KeyError> {
        Ok(Self::new(decode_plain_key(&read_key_file(
            path,
            &[Kind::Backup],
        )?)?))
    }
}

impl fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn read_backup_key_file(path: &Path) -> Result<super::file::KeyFile, KeyError> {
    match read_key_file(path, &[Kind::Backup]) {
        Err(KeyError::PermissionsTooOpen { .. }) => {
            super::file::read_key_file_unchecked(path, &[Kind::Backup])
        }
        other => other,
    }
}

fn encode_master(
    master: &Key32,
    protection: &Protection,
    path: &Path,
) -> Result<Vec<u8>, KeyError> {
    Ok(match protection {
        Protection::KeyFile => encode_plain_key(Kind::MasterPlain, master).to_vec(),
        Protection::Passphrase { passphrase, params } => {
            encode_wrapped_master(master, passphrase, *params, path)?
        }
    })
}

fn open_data_keys(master: &Key32, file: &super::file::KeyFile) -> Result<DataKeyList, KeyError> {
    let plaintext = decode_data_keys(master, file)?;
    DataKeyList::decode(&plaintext).map_err(|detail| KeyError::Corrupt {
        path: file.path.clone(),
        detail,
    })
}

/// Writes `files` into a new private directory next to `dir`, then renames it to `dir`.
fn write_directory_at_once(dir: &Path, files: &[(&str, &[u8])]) -> Result<(), KeyError> {
    let staging = temp_path(dir);
    let unwritable = |path: &Path, source| KeyError::Unwritable {
        path: path.to_owned(),
        source,
    };
    let result = (|| {
        create_private_dir(&staging).map_err(|e| unwritable(&staging, e))?;
        for (name, bytes) in files {
            let path = staging.join(name);
            write_new_private(&path, bytes).map_err(|e| unwritable(&path, e))?;
        }
        sync_dir(&staging).map_err(|e| unwritable(&staging, e))?;
        // rename(2) replaces an empty directory, and fails on a non-empty one, so keys that
        // appeared since the check above are never overwritten.
        fs::rename(&staging, dir).map_err(|e| unwritable(dir, e))?;
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        sync_dir(parent).map_err(|e| unwritable(parent, e))
    })();
    if result.is_err() {
        // Best effort: the staging directory is private and holds only keys nobody uses yet.
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

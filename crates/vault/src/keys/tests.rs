use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::field::{FieldContext, FieldError, KeyId};
use crate::kdf::TEST_PARAMS;
use crate::secret::SecretString;

const PASSPHRASE: &str = "тиха вода греблі рве";

fn passphrase() -> SecretString {
    SecretString::from(PASSPHRASE)
}

fn protected() -> Protection {
    Protection::Passphrase {
        passphrase: passphrase(),
        params: TEST_PARAMS,
    }
}

fn new_keys_dir() -> (tempfile::TempDir, PathBuf) {
    let data = tempfile::tempdir().unwrap();
    let keys = data.path().join("keys");
    (data, keys)
}

/// Every file's bytes and metadata, to prove a failed call changed nothing.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, fs::Permissions, std::time::SystemTime)> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            (
                name,
                (
                    fs::read(entry.path()).unwrap(),
                    meta.permissions(),
                    meta.modified().unwrap(),
                ),
            )
        })
        .collect()
}

fn place() -> FieldContext {
    FieldContext::new("participant", "phone", "p-1")
}

fn assert_open_fails_without_change(keys: &Path, passphrase: Option<&SecretString>) -> KeyError {
    let before = snapshot(keys);
    let error = KeyRing::open(keys, passphrase).unwrap_err();
    assert_eq!(
        before,
        snapshot(keys),
        "a failed open changed the key directory"
    );
    error
}

#[test]
fn a_new_key_directory_opens_again_and_reads_what_was_written() {
    let (_data, keys) = new_keys_dir();
    assert!(!KeyRing::is_initialised(&keys));
    assert_eq!(KeyRing::status(&keys).unwrap(), KeyDirStatus::Uninitialised);
    let ring = KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let sealed = ring.field_cipher().encrypt_str("+380671234567", &place());
    assert!(KeyRing::is_initialised(&keys));
    assert_eq!(KeyRing::status(&keys).unwrap(), KeyDirStatus::KeyFile);
    let reopened = KeyRing::open(&keys, None).unwrap();
    assert_eq!(
        reopened
            .field_cipher()
            .decrypt_string(&sealed, &place())
            .unwrap()
            .expose(),
        "+380671234567"
    );
    assert_eq!(reopened.active_key(), KeyId(1));
    assert_eq!(reopened.backup_key().id(), ring.backup_key().id());
    assert!(!reopened.is_passphrase_protected());
}

#[cfg(unix)]
#[test]
fn the_key_directory_and_its_files_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    assert_eq!(
        fs::metadata(&keys).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let mut names = Vec::new();
    for entry in fs::read_dir(&keys).unwrap() {
        let entry = entry.unwrap();
        assert_eq!(
            entry.metadata().unwrap().permissions().mode() & 0o777,
            0o600
        );
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    assert_eq!(
        names,
        [
            BACKUP_KEY_FILE,
            DATA_KEYS_FILE,
            MASTER_FILE,
            SERVER_KEY_FILE
        ]
    );
}

#[test]
fn keys_are_never_created_over_existing_ones() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let before = snapshot(&keys);
    assert!(matches!(
        KeyRing::create(&keys, Protection::KeyFile),
        Err(KeyError::AlreadyInitialised { .. })
    ));
    assert_eq!(before, snapshot(&keys));
    let (_data, other) = new_keys_dir();
    fs::create_dir(&other).unwrap();
    fs::write(other.join("notes.txt"), "mine").unwrap();
    assert!(matches!(
        KeyRing::create(&other, Protection::KeyFile),
        Err(KeyError::AlreadyInitialised { .. })
    ));
    assert_eq!(fs::read_to_string(other.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn an_existing_empty_directory_is_filled_with_keys() {
    let (_data, keys) = new_keys_dir();
    fs::create_dir(&keys).unwrap();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    assert!(KeyRing::open(&keys, None).is_ok());
    let leftovers: Vec<_> = fs::read_dir(keys.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("keys")],
        "no staging directory is left behind"
    );
}

#[test]
fn a_passphrase_protected_ring_starts_locked_and_unlocks_with_the_passphrase() {
    let (_data, keys) = new_keys_dir();
    let ring = KeyRing::create(&keys, protected()).unwrap();
    assert!(ring.is_passphrase_protected());
    let sealed = ring.field_cipher().encrypt_str("Оксана", &place());
    assert_eq!(KeyRing::status(&keys).unwrap(), KeyDirStatus::Passphrase);
    let LoadedKeys::Locked(locked) = KeyRing::load(&keys).unwrap() else {
        panic!("a passphrase ring must load locked")
    };
    // The server key works before unlock, for the audit head and the admins' second factor.
    let totp_sealed = locked
        .server_key()
        .field_cipher()
        .encrypt(b"totp", &place());
    let unlocked = locked.unlock(&passphrase()).unwrap();
    assert_eq!(
        unlocked
            .field_cipher()
            .decrypt_string(&sealed, &place())
            .unwrap()
            .expose(),
        "Оксана"
    );
    assert_eq!(
        unlocked
            .server_key()
            .field_cipher()
            .decrypt(&totp_sealed, &place())
            .unwrap()
            .as_slice(),
        b"totp"
    );
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, protected()).unwrap();
    let error = assert_open_fails_without_change(&keys, Some(&"тиха вода греблі рве!".into()));
    assert!(
        matches!(&error, KeyError::WrongPassphrase { path } if path.ends_with(MASTER_FILE)),
        "{error}"
    );
    assert!(error.to_string().contains("wrong passphrase"));
}

#[test]
fn the_passphrase_must_be_given_exactly_when_the_ring_has_one() {
    let (_data, plain) = new_keys_dir();
    KeyRing::create(&plain, Protection::KeyFile).unwrap();
    assert!(matches!(
        KeyRing::open(&plain, Some(&passphrase())),
        Err(KeyError::PassphraseNotUsed { .. })
    ));
    let (_data, locked) = new_keys_dir();
    KeyRing::create(&locked, protected()).unwrap();
    assert!(matches!(
        KeyRing::open(&locked, None),
        Err(KeyError::PassphraseRequired { .. })
    ));
}

#[test]
fn a_short_passphrase_is_refused_before_anything_is_written() {
    let (_data, keys) = new_keys_dir();
    let short = Protection::Passphrase {
        passphrase: "коротко".into(),
        params: TEST_PARAMS,
    };
    assert!(matches!(
        KeyRing::create(&keys, short),
        Err(KeyError::PassphraseTooShort { min: 12 })
    ));
    assert!(!keys.exists());
}

#[test]
fn a_missing_key_file_is_named_and_nothing_is_recreated() {
    for name in [
        MASTER_FILE,
        DATA_KEYS_FILE,
        SERVER_KEY_FILE,
        BACKUP_KEY_FILE,
    ] {
        let (_data, keys) = new_keys_dir();
        KeyRing::create(&keys, Protection::KeyFile).unwrap();
        fs::remove_file(keys.join(name)).unwrap();
        let error = assert_open_fails_without_change(&keys, None);
        assert!(
            matches!(&error, KeyError::Missing { path } if path.ends_with(name)),
            "{name}: {error}"
        );
        assert!(error.to_string().contains(name));
    }
}

#[test]
fn a_truncated_key_file_is_reported_as_truncated() {
    for name in [
        MASTER_FILE,
        DATA_KEYS_FILE,
        SERVER_KEY_FILE,
        BACKUP_KEY_FILE,
    ] {
        for keep in [0, 5, 11, 40] {
            let (_data, keys) = new_keys_dir();
            KeyRing::create(&keys, Protection::KeyFile).unwrap();
            let bytes = fs::read(keys.join(name)).unwrap();
            fs::write(keys.join(name), &bytes[..keep]).unwrap();
            let error = assert_open_fails_without_change(&keys, None);
            assert!(
                matches!(&error, KeyError::Truncated { path, .. } if path.ends_with(name)),
                "{name}/{keep}: {error}"
            );
        }
    }
}

#[test]
fn a_file_that_is_not_a_key_file_is_named() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    fs::write(keys.join(SERVER_KEY_FILE), "-----BEGIN PRIVATE KEY-----\n").unwrap();
    let error = assert_open_fails_without_change(&keys, None);
    assert!(
        matches!(&error, KeyError::NotAKeyFile { path } if path.ends_with(SERVER_KEY_FILE)),
        "{error}"
    );
}

#[test]
fn a_key_file_from_a_newer_version_is_refused_by_version() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let mut bytes = fs::read(keys.join(MASTER_FILE)).unwrap();
    bytes[8] = 2;
    fs::write(keys.join(MASTER_FILE), &bytes).unwrap();
    let error = assert_open_fails_without_change(&keys, None);
    assert!(
        matches!(error, KeyError::UnsupportedVersion { version: 2, .. }),
        "{error}"
    );
}

#[test]
fn swapped_key_files_are_detected_by_their_kind() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let server = fs::read(keys.join(SERVER_KEY_FILE)).unwrap();
    let backup = fs::read(keys.join(BACKUP_KEY_FILE)).unwrap();
    fs::write(keys.join(SERVER_KEY_FILE), backup).unwrap();
    fs::write(keys.join(BACKUP_KEY_FILE), server).unwrap();
    let error = assert_open_fails_without_change(&keys, None);
    assert!(
        matches!(
            &error,
            KeyError::WrongKind {
                expected: "server key",
                found: "backup key",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_damaged_plain_key_is_reported_as_corrupt() {
    for name in [MASTER_FILE, SERVER_KEY_FILE, BACKUP_KEY_FILE] {
        let (_data, keys) = new_keys_dir();
        KeyRing::create(&keys, Protection::KeyFile).unwrap();
        let mut bytes = fs::read(keys.join(name)).unwrap();
        bytes[20] ^= 0x01;
        fs::write(keys.join(name), &bytes).unwrap();
        let error = assert_open_fails_without_change(&keys, None);
        assert!(
            matches!(&error, KeyError::Corrupt { path, .. } if path.ends_with(name)),
            "{name}: {error}"
        );
    }
}

#[test]
fn an_altered_data_key_list_fails_authentication() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let mut bytes = fs::read(keys.join(DATA_KEYS_FILE)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    fs::write(keys.join(DATA_KEYS_FILE), &bytes).unwrap();
    let error = assert_open_fails_without_change(&keys, None);
    assert!(
        matches!(&error, KeyError::Tampered { path } if path.ends_with(DATA_KEYS_FILE)),
        "{error}"
    );
}

#[test]
fn key_files_from_another_installation_do_not_mix() {
    let (_data, ours) = new_keys_dir();
    let (_data2, theirs) = new_keys_dir();
    KeyRing::create(&ours, Protection::KeyFile).unwrap();
    KeyRing::create(&theirs, Protection::KeyFile).unwrap();
    fs::copy(theirs.join(DATA_KEYS_FILE), ours.join(DATA_KEYS_FILE)).unwrap();
    let error = assert_open_fails_without_change(&ours, None);
    assert!(
        matches!(&error, KeyError::Tampered { path } if path.ends_with(DATA_KEYS_FILE)),
        "{error}"
    );
}

#[test]
fn an_altered_sealed_master_key_is_told_apart_from_a_wrong_passphrase() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, protected()).unwrap();
    let original = fs::read(keys.join(MASTER_FILE)).unwrap();
    let mut sealed_changed = original.clone();
    let last = sealed_changed.len() - 1;
    sealed_changed[last] ^= 0x01;
    fs::write(keys.join(MASTER_FILE), &sealed_changed).unwrap();
    let error = assert_open_fails_without_change(&keys, Some(&passphrase()));
    assert!(matches!(error, KeyError::Tampered { .. }), "{error}");
    let mut salt_changed = original;
    salt_changed[10 + 12] ^= 0x01;
    fs::write(keys.join(MASTER_FILE), &salt_changed).unwrap();
    let error = assert_open_fails_without_change(&keys, Some(&passphrase()));
    assert!(matches!(error, KeyError::WrongPassphrase { .. }), "{error}");
}

#[test]
fn absurd_argon2_parameters_in_a_key_file_are_refused_before_deriving() {
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, protected()).unwrap();
    let mut bytes = fs::read(keys.join(MASTER_FILE)).unwrap();
    bytes[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
    fs::write(keys.join(MASTER_FILE), &bytes).unwrap();
    let error = assert_open_fails_without_change(&keys, Some(&passphrase()));
    assert!(matches!(error, KeyError::KdfParams { .. }), "{error}");
}

#[cfg(unix)]
#[test]
fn key_files_readable_by_others_are_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let (_data, keys) = new_keys_dir();
    KeyRing::create(&keys, Protection::KeyFile).unwrap();
    fs::set_permissions(keys.join(MASTER_FILE), fs::Permissions::from_mode(0o644)).unwrap();
    let error = assert_open_fails_without_change(&keys, None);
    assert!(
        matches!(
            &error,
            KeyError::PermissionsTooOpen {
                mode: 0o644,
                fix: 0o600,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("chmod 600"));
    fs::set_permissions(keys.join(MASTER_FILE), fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(&keys, fs::Permissions::from_mode(0o755)).unwrap();
    let error = KeyRing::open(&keys, None).unwrap_err();
    assert!(
        matches!(
            &error,
            KeyError::PermissionsTooOpen {
                mode: 0o755,
                fix: 0o700,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn rotation_adds_an_active_key_and_retiring_erases_the_old_one() {
    let (_data, keys) = new_keys_dir();
    let mut ring = KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let old = ring.field_cipher().encrypt(b"old value", &place());
    assert_eq!(ring.add_data_key().unwrap(), KeyId(2));
    let cipher = ring.field_cipher();
    assert!(cipher.needs_rotation(&old));
    let rotated = cipher.reencrypt(&old, &place()).unwrap();
    let states: Vec<_> = ring
        .data_keys()
        .into_iter()
        .map(|k| (k.id, k.state))
        .collect();
    assert_eq!(
        states,
        [
            (KeyId(1), DataKeyState::Retiring),
            (KeyId(2), DataKeyState::Active)
        ]
    );
    assert!(matches!(
        ring.retire(KeyId(2)),
        Err(KeyError::CannotRetireActive(KeyId(2)))
    ));
    assert!(matches!(
        ring.retire(KeyId(7)),
        Err(KeyError::UnknownKey(KeyId(7)))
    ));
    ring.retire(KeyId(1)).unwrap();
    assert!(matches!(
        ring.retire(KeyId(1)),
        Err(KeyError::AlreadyRetired(KeyId(1)))
    ));

    let reopened = KeyRing::open(&keys, None).unwrap();
    let states: Vec<_> = reopened
        .data_keys()
        .into_iter()
        .map(|k| (k.id, k.state))
        .collect();
    assert_eq!(
        states,
        [
            (KeyId(1), DataKeyState::Retired),
            (KeyId(2), DataKeyState::Active)
        ]
    );
    let cipher = reopened.field_cipher();
    assert_eq!(
        cipher.decrypt(&rotated, &place()).unwrap().as_slice(),
        b"old value"
    );
    assert_eq!(
        cipher.decrypt(&old, &place()),
        Err(FieldError::RetiredKey(KeyId(1)))
    );
    let bytes = fs::read(keys.join(DATA_KEYS_FILE)).unwrap();
    assert!(
        bytes.len() < 10 + 4 + 24 + 4 + 2 * 13 + 32 + 16 + 1,
        "the retired key's material is gone from the file"
    );
}

#[test]
fn a_ring_sees_keys_another_process_added_after_reload() {
    let (_data, keys) = new_keys_dir();
    let mut server = KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let mut command_line = KeyRing::open(&keys, None).unwrap();
    command_line.add_data_key().unwrap();
    let sealed = command_line.field_cipher().encrypt(b"x", &place());
    assert_eq!(
        server.field_cipher().decrypt(&sealed, &place()),
        Err(FieldError::UnknownKey(KeyId(2)))
    );
    server.reload().unwrap();
    assert_eq!(
        server
            .field_cipher()
            .decrypt(&sealed, &place())
            .unwrap()
            .as_slice(),
        b"x"
    );
}

#[test]
fn a_passphrase_can_be_added_later_without_touching_the_data_keys() {
    let (_data, keys) = new_keys_dir();
    let mut ring = KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let sealed = ring.field_cipher().encrypt(b"x", &place());
    let data_keys_before = fs::read(keys.join(DATA_KEYS_FILE)).unwrap();
    ring.change_protection(protected()).unwrap();
    assert_eq!(KeyRing::status(&keys).unwrap(), KeyDirStatus::Passphrase);
    assert_eq!(
        fs::read(keys.join(DATA_KEYS_FILE)).unwrap(),
        data_keys_before
    );
    let reopened = KeyRing::open(&keys, Some(&passphrase())).unwrap();
    assert_eq!(
        reopened
            .field_cipher()
            .decrypt(&sealed, &place())
            .unwrap()
            .as_slice(),
        b"x"
    );
    let mut reopened = reopened;
    reopened.change_protection(Protection::KeyFile).unwrap();
    assert!(KeyRing::open(&keys, None).is_ok());
}

#[test]
fn a_backup_key_exported_elsewhere_loads_with_the_same_id() {
    let (data, keys) = new_keys_dir();
    let ring = KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let copy = data.path().join("usb-backup.key");
    ring.backup_key().export(&copy).unwrap();
    assert!(
        matches!(
            ring.backup_key().export(&copy),
            Err(KeyError::Unwritable { .. })
        ),
        "never overwrites"
    );
    let loaded = BackupKey::load(&copy).unwrap();
    assert_eq!(loaded.id(), ring.backup_key().id());
    assert!(loaded.id().starts_with("b-") && loaded.id().len() == 14);
    assert!(matches!(
        BackupKey::load(&keys.join(SERVER_KEY_FILE)),
        Err(KeyError::WrongKind { .. })
    ));
}

#[test]
fn debug_output_of_keys_shows_no_key_material() {
    let (_data, keys) = new_keys_dir();
    let ring = KeyRing::create(&keys, Protection::KeyFile).unwrap();
    let printed = format!("{ring:?} {:?} {:?}", ring.server_key(), ring.backup_key());
    assert!(printed.contains("KeyRing") && printed.contains("[redacted]"));
    let master = fs::read(keys.join(MASTER_FILE)).unwrap();
    let hex = crate::crypto::to_hex(&master[10..26]);
    assert!(!printed.contains(&hex));
}

#[test]
fn a_failed_first_start_leaves_nothing_behind() {
    let data = tempfile::tempdir().unwrap();
    let keys = data.path().join("missing-parent").join("keys");
    let error = KeyRing::create(&keys, Protection::KeyFile).unwrap_err();
    assert!(matches!(error, KeyError::Unwritable { .. }), "{error}");
    assert_eq!(fs::read_dir(data.path()).unwrap().count(), 0);
}

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::DeflateEncoder;
use proptest::prelude::*;

use super::chunks::ChunkWriter;
use super::header::Header;
use super::records::{ENTRY, write_manifest, write_name};
use super::*;
use crate::crypto::{Key32, random_array};
use crate::kdf::TEST_PARAMS;
use crate::keys::BackupKey;
use crate::secret::SecretString;

const SMALL_CHUNK: u32 = 1024;

fn backup_key(byte: u8) -> BackupKey {
    BackupKey::new(Key32::from_bytes([byte; 32]))
}

fn passphrase() -> SecretString {
    SecretString::from("backup passphrase for tests")
}

/// Bytes that do not compress, so small inputs still span several chunks.
fn noise(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for chunk in out.chunks_mut(32) {
        let random: [u8; 32] = random_array();
        chunk.copy_from_slice(&random[..chunk.len()]);
    }
    out
}

fn demo_entries() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("kolo.sqlite", b"SQLite format 3\0".repeat(500)),
        ("attachments/2f/2f9a.jpg", noise(5000)),
        ("attachments/empty.txt", Vec::new()),
        (
            "звіти/березень.pdf",
            "Звіт: 12 учасниць".as_bytes().to_vec(),
        ),
    ]
}

fn write_with(
    mut writer: BackupWriter<Vec<u8>>,
    entries: &[(&str, Vec<u8>)],
) -> (Vec<u8>, Manifest) {
    for (name, content) in entries {
        writer.add_entry(name, content.as_slice()).unwrap();
    }
    writer.finish().unwrap()
}

/// A backup with small chunks, so truncation and tampering can be tried at every place.
fn small_chunk_backup(key: &BackupKey) -> Vec<u8> {
    let source = KeySource::BackupKey {
        id: key.id().to_owned(),
    };
    let writer = BackupWriter::start(Vec::new(), source, [0; 16], key.key(), SMALL_CHUNK).unwrap();
    write_with(
        writer,
        &[("a.bin", noise(3000)), ("b.txt", b"hello".to_vec())],
    )
    .0
}

fn header_len(bytes: &[u8]) -> usize {
    Header::read(&mut &bytes[..]).unwrap().bytes.len()
}

#[test]
fn a_backup_verifies_and_restores_the_same_files() {
    let key = backup_key(1);
    let entries = demo_entries();
    let (bytes, written) = write_with(BackupWriter::new(Vec::new(), &key).unwrap(), &entries);
    let verified = verify(bytes.as_slice(), BackupSecret::Key(&key)).unwrap();
    assert_eq!(verified, written);
    assert_eq!(
        verified.get("attachments/empty.txt").map(|e| e.size),
        Some(0)
    );
    assert_eq!(
        verified.get("kolo.sqlite").unwrap().sha256_hex(),
        crate::crypto::to_hex(&crate::crypto::sha256(&[&entries[0].1]))
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.kolo");
    fs::write(&file, &bytes).unwrap();
    let target = dir.path().join("restored");
    let restored = restore_into(&file, BackupSecret::Key(&key), &target).unwrap();
    assert_eq!(restored, written);
    for (name, content) in &entries {
        assert_eq!(&fs::read(target.join(name)).unwrap(), content, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn restored_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let key = backup_key(1);
    let (bytes, _) = write_with(
        BackupWriter::new(Vec::new(), &key).unwrap(),
        &demo_entries(),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.kolo");
    fs::write(&file, &bytes).unwrap();
    let target = dir.path().join("restored");
    restore_into(&file, BackupSecret::Key(&key), &target).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&target), 0o700);
    assert_eq!(mode(&target.join("attachments")), 0o700);
    assert_eq!(mode(&target.join("kolo.sqlite")), 0o600);
}

#[test]
fn the_content_is_not_readable_in_the_file() {
    let key = backup_key(1);
    let secret_text = b"Participant Oksana, +380671234567, narrative".to_vec();
    let (bytes, _) = write_with(
        BackupWriter::new(Vec::new(), &key).unwrap(),
        &[("kolo.sqlite", secret_text)],
    );
    for needle in [&b"Oksana"[..], b"380671234567", b"kolo.sqlite"] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
}

#[test]
fn a_passphrase_backup_restores_with_the_passphrase_only() {
    let writer = BackupWriter::with_passphrase(Vec::new(), &passphrase(), TEST_PARAMS).unwrap();
    let (bytes, written) = write_with(writer, &demo_entries());
    assert_eq!(
        inspect(bytes.as_slice()).unwrap().key_source,
        KeySource::Passphrase {
            params: TEST_PARAMS
        }
    );
    assert_eq!(
        verify(bytes.as_slice(), BackupSecret::Passphrase(&passphrase())).unwrap(),
        written
    );
    let wrong = SecretString::from("backup passphrase for test");
    assert!(matches!(
        verify(bytes.as_slice(), BackupSecret::Passphrase(&wrong)),
        Err(BackupError::WrongPassphrase)
    ));
    assert!(matches!(
        verify(bytes.as_slice(), BackupSecret::Key(&backup_key(1))),
        Err(BackupError::NeedsPassphrase)
    ));
}

#[test]
fn a_short_backup_passphrase_is_refused() {
    let short = SecretString::from("short");
    assert!(matches!(
        BackupWriter::with_passphrase(Vec::new(), &short, TEST_PARAMS),
        Err(BackupError::PassphraseTooShort { min: 12 })
    ));
}

#[test]
fn a_key_backup_names_the_key_it_needs() {
    let key = backup_key(1);
    let (bytes, _) = write_with(
        BackupWriter::new(Vec::new(), &key).unwrap(),
        &demo_entries(),
    );
    assert_eq!(
        inspect(bytes.as_slice()).unwrap().key_source,
        KeySource::BackupKey {
            id: key.id().to_owned()
        }
    );
    let other = backup_key(2);
    match verify(bytes.as_slice(), BackupSecret::Key(&other)) {
        Err(BackupError::WrongKey { needed, given }) => {
            assert_eq!((needed.as_str(), given.as_str()), (key.id(), other.id()));
        }
        other => panic!("expected WrongKey, got {other:?}"),
    }
    match verify(bytes.as_slice(), BackupSecret::Passphrase(&passphrase())) {
        Err(BackupError::NeedsKey { needed }) => assert_eq!(needed, key.id()),
        other => panic!("expected NeedsKey, got {other:?}"),
    }
}

#[test]
fn a_backup_cut_anywhere_is_refused_as_truncated() {
    let key = backup_key(3);
    let bytes = small_chunk_backup(&key);
    for cut in 0..bytes.len() {
        let result = verify(&bytes[..cut], BackupSecret::Key(&key));
        assert!(
            matches!(result, Err(BackupError::Truncated)),
            "cut at {cut} of {}: {result:?}",
            bytes.len()
        );
    }
}

#[test]
fn a_backup_missing_its_final_chunk_is_refused_as_truncated() {
    let key = backup_key(3);
    let bytes = small_chunk_backup(&key);
    let chunk = SMALL_CHUNK as usize + 16;
    let body = bytes.len() - header_len(&bytes);
    assert_eq!(body % chunk, 0, "every chunk has the same size");
    assert!(body / chunk >= 3);
    let without_last = &bytes[..bytes.len() - chunk];
    assert!(matches!(
        verify(without_last, BackupSecret::Key(&key)),
        Err(BackupError::Truncated)
    ));
}

/// An output the test can still read after the writer is dropped.
#[derive(Clone, Default)]
struct SharedOutput(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_interrupted_backup_is_refused_as_truncated() {
    let key = backup_key(3);
    let output = SharedOutput::default();
    let source = KeySource::BackupKey {
        id: key.id().to_owned(),
    };
    let mut writer =
        BackupWriter::start(output.clone(), source, [0; 16], key.key(), SMALL_CHUNK).unwrap();
    writer.add_entry("a.bin", noise(5000).as_slice()).unwrap();
    drop(writer);
    let bytes = output.0.borrow().clone();
    assert!(
        bytes.len() > header_len(&bytes) + 2 * (SMALL_CHUNK as usize + 16),
        "full chunks were written"
    );
    assert!(matches!(
        verify(bytes.as_slice(), BackupSecret::Key(&key)),
        Err(BackupError::Truncated)
    ));
}

#[test]
fn a_changed_byte_anywhere_is_refused() {
    let key = backup_key(3);
    let bytes = small_chunk_backup(&key);
    let header = header_len(&bytes);
    for position in 0..bytes.len() {
        let mut altered = bytes.clone();
        altered[position] ^= 0x04;
        let result = verify(altered.as_slice(), BackupSecret::Key(&key));
        if position >= header {
            let chunk_start = header
                + (position - header) / (SMALL_CHUNK as usize + 16) * (SMALL_CHUNK as usize + 16);
            assert!(
                matches!(result, Err(BackupError::Tampered { offset }) if offset == chunk_start as u64),
                "byte {position}: {result:?}"
            );
        } else {
            assert!(
                result.is_err(),
                "header byte {position} changed but the backup verified"
            );
        }
    }
}

#[test]
fn swapped_chunks_are_refused() {
    let key = backup_key(3);
    let bytes = small_chunk_backup(&key);
    let header = header_len(&bytes);
    let chunk = SMALL_CHUNK as usize + 16;
    let mut swapped = bytes[..header].to_vec();
    swapped.extend_from_slice(&bytes[header + chunk..header + 2 * chunk]);
    swapped.extend_from_slice(&bytes[header..header + chunk]);
    swapped.extend_from_slice(&bytes[header + 2 * chunk..]);
    assert!(matches!(
        verify(swapped.as_slice(), BackupSecret::Key(&key)),
        Err(BackupError::Tampered { offset }) if offset == header as u64
    ));
}

#[test]
fn data_appended_after_the_end_is_refused() {
    let key = backup_key(3);
    let bytes = small_chunk_backup(&key);
    let mut appended = bytes.clone();
    appended.push(0);
    assert!(matches!(
        verify(appended.as_slice(), BackupSecret::Key(&key)),
        Err(BackupError::Tampered { .. })
    ));
    let chunk = SMALL_CHUNK as usize + 16;
    let mut repeated = bytes.clone();
    repeated.extend_from_slice(&bytes[bytes.len() - chunk..]);
    assert!(matches!(
        verify(repeated.as_slice(), BackupSecret::Key(&key)),
        Err(BackupError::Tampered { .. })
    ));
}

#[test]
fn a_header_from_another_backup_is_refused() {
    let key = backup_key(3);
    let first = small_chunk_backup(&key);
    let second = small_chunk_backup(&key);
    let header = header_len(&first);
    let mut spliced = second[..header].to_vec();
    spliced.extend_from_slice(&first[header..]);
    assert!(matches!(
        verify(spliced.as_slice(), BackupSecret::Key(&key)),
        Err(BackupError::Tampered { .. })
    ));
}

#[test]
fn files_that_are_not_backups_are_named_so() {
    let key = backup_key(1);
    assert!(matches!(
        verify(&b"SQLite format 3\0 and more"[..], BackupSecret::Key(&key)),
        Err(BackupError::NotABackup)
    ));
    assert!(matches!(
        verify(&b"KOLO-KEY\x01\x05"[..], BackupSecret::Key(&key)),
        Err(BackupError::NotABackup)
    ));
    assert!(matches!(
        verify(&b"KOLO-BAK\x02"[..], BackupSecret::Key(&key)),
        Err(BackupError::UnsupportedVersion(2))
    ));
}

#[test]
fn restore_refuses_a_non_empty_target() {
    let key = backup_key(1);
    let (bytes, _) = write_with(
        BackupWriter::new(Vec::new(), &key).unwrap(),
        &demo_entries(),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.kolo");
    fs::write(&file, &bytes).unwrap();
    let target = dir.path().join("data");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("kolo.sqlite"), "current data").unwrap();
    assert!(matches!(
        restore_into(&file, BackupSecret::Key(&key), &target),
        Err(BackupError::TargetNotEmpty(_))
    ));
    assert_eq!(
        fs::read_to_string(target.join("kolo.sqlite")).unwrap(),
        "current data"
    );
}

#[test]
fn restore_of_a_damaged_backup_writes_nothing() {
    let key = backup_key(1);
    let (mut bytes, _) = write_with(
        BackupWriter::new(Vec::new(), &key).unwrap(),
        &demo_entries(),
    );
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.kolo");
    fs::write(&file, &bytes).unwrap();
    let new_target = dir.path().join("new");
    assert!(matches!(
        restore_into(&file, BackupSecret::Key(&key), &new_target),
        Err(BackupError::Tampered { .. })
    ));
    assert!(!new_target.exists());
    let empty_target = dir.path().join("empty");
    fs::create_dir(&empty_target).unwrap();
    assert!(restore_into(&file, BackupSecret::Key(&key), &empty_target).is_err());
    assert_eq!(fs::read_dir(&empty_target).unwrap().count(), 0);
}

#[test]
fn unsafe_or_repeated_entry_names_are_refused_when_writing() {
    let mut writer = BackupWriter::new(Vec::new(), &backup_key(1)).unwrap();
    for name in ["../etc/passwd", "/etc/passwd", "a/../../b", ""] {
        assert!(
            matches!(
                writer.add_entry(name, &b"x"[..]),
                Err(BackupError::UnsafeEntryName(_))
            ),
            "{name:?}"
        );
    }
    writer.add_entry("a.txt", &b"x"[..]).unwrap();
    assert!(matches!(
        writer.add_entry("a.txt", &b"y"[..]),
        Err(BackupError::NameConflict(_))
    ));
    // Refused names write nothing, so the backup is still good.
    let (bytes, manifest) = writer.finish().unwrap();
    assert_eq!(
        verify(bytes.as_slice(), BackupSecret::Key(&backup_key(1))).unwrap(),
        manifest
    );
}

#[test]
fn an_authentic_backup_with_an_escaping_name_is_still_not_restored() {
    // Someone holding the backup key could craft such a file; the reader checks names too.
    let key = backup_key(1);
    let source = KeySource::BackupKey {
        id: key.id().to_owned(),
    };
    let (header, file_key) = Header::new(source, [0; 16], key.key(), SMALL_CHUNK);
    let mut out = header.bytes.clone();
    let chunks = ChunkWriter::new(
        Vec::new(),
        &file_key,
        header.bytes.clone(),
        header.chunk_size,
    );
    let mut stream = DeflateEncoder::new(chunks, Compression::fast());
    stream.write_all(&[ENTRY]).unwrap();
    write_name(&mut stream, "../../outside.txt").unwrap();
    write_manifest(&mut stream, &Manifest::default()).unwrap();
    out.extend_from_slice(&stream.finish().unwrap().finish().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crafted.kolo");
    fs::write(&file, &out).unwrap();
    let result = restore_into(&file, BackupSecret::Key(&key), &dir.path().join("target"));
    assert!(
        matches!(result, Err(BackupError::UnsafeEntryName(name)) if name == "../../outside.txt")
    );
    assert!(!dir.path().join("outside.txt").exists());
}

struct FailingReader;

impl Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::PermissionDenied, "denied"))
    }
}

#[test]
fn an_unreadable_source_names_the_entry_and_stops_the_backup() {
    let mut writer = BackupWriter::new(Vec::new(), &backup_key(1)).unwrap();
    let error = writer
        .add_entry("attachments/x.jpg", FailingReader)
        .unwrap_err();
    assert!(
        matches!(&error, BackupError::Source { name, .. } if name == "attachments/x.jpg"),
        "{error}"
    );
    assert!(matches!(
        writer.add_entry("b", &b"x"[..]),
        Err(BackupError::Poisoned)
    ));
    assert!(matches!(writer.finish(), Err(BackupError::Poisoned)));
}

/// Produces `remaining` pseudo-random bytes without holding them.
struct Generated {
    remaining: u64,
    state: u64,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.remaining as usize);
        for byte in &mut buf[..n] {
            self.state = self
                .state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *byte = (self.state >> 56) as u8;
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[test]
fn a_large_entry_is_streamed_through_to_the_same_hash() {
    let key = backup_key(1);
    let size = 6 * 1024 * 1024 + 17;
    let mut writer = BackupWriter::new(Vec::new(), &key).unwrap();
    let written = writer
        .add_entry(
            "big.bin",
            Generated {
                remaining: size,
                state: 7,
            },
        )
        .unwrap();
    let (bytes, _) = writer.finish().unwrap();
    let mut expected = sha2::Sha256::default();
    io::copy(
        &mut Generated {
            remaining: size,
            state: 7,
        },
        &mut DigestWriter(&mut expected),
    )
    .unwrap();
    use sha2::Digest;
    assert_eq!(written.sha256, <[u8; 32]>::from(expected.finalize()));
    assert_eq!(
        verify(bytes.as_slice(), BackupSecret::Key(&key))
            .unwrap()
            .entries,
        vec![written]
    );
}

struct DigestWriter<'a>(&'a mut sha2::Sha256);

impl Write for DigestWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        sha2::Digest::update(self.0, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn any_set_of_entries_round_trips_with_any_chunk_size(
        contents in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3000), 0..6),
        chunk_size in 1024u32..5000,
    ) {
        let key = backup_key(9);
        let entries: Vec<(String, Vec<u8>)> =
            contents.into_iter().enumerate().map(|(i, c)| (format!("dir{}/entry{i}", i % 2), c)).collect();
        let source = KeySource::BackupKey { id: key.id().to_owned() };
        let mut writer = BackupWriter::start(Vec::new(), source, [0; 16], key.key(), chunk_size).unwrap();
        for (name, content) in &entries {
            writer.add_entry(name, content.as_slice()).unwrap();
        }
        let (bytes, written) = writer.finish().unwrap();
        prop_assert_eq!(verify(bytes.as_slice(), BackupSecret::Key(&key)).unwrap(), written.clone());
        let sizes: Vec<u64> = entries.iter().map(|(_, c)| c.len() as u64).collect();
        prop_assert_eq!(written.entries.iter().map(|e| e.size).collect::<Vec<_>>(), sizes);
    }
}

//! Verifying and restoring backups. Verification reads the whole file and writes nothing;
//! restore verifies first, then reads the file a second time to extract it.

use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::path::Path;

use flate2::bufread::DeflateDecoder;
use sha2::{Digest, Sha256};

use super::chunks::ChunkReader;
use super::error::BackupError;
use super::header::{BackupInfo, BackupSecret, FileKey, Header};
use super::names::{NameSet, path_under};
use super::records::{
    DATA, END, ENTRY, FINISH, MANIFEST, MAX_BLOCK, Manifest, ManifestEntry, RecordReader,
};
use crate::fsutil::{create_new_private, create_private_dir, sync_dir};

/// Reads a backup's header: how it is encrypted (which backup key, or a passphrase).
pub fn inspect(mut source: impl Read) -> Result<BackupInfo, BackupError> {
    Header::read(&mut source).map(|header| header.info)
}

/// Verifies a whole backup: every chunk authenticates, nothing is missing or added at the
/// end, every entry matches its hash and the manifest. Writes nothing.
pub fn verify(mut source: impl Read, secret: BackupSecret<'_>) -> Result<Manifest, BackupError> {
    let header = Header::read(&mut source)?;
    let key = header.open(secret)?;
    read_archive(source, &header, &key, &mut NoSink)
}

/// [`verify`] for a file.
pub fn verify_file(path: &Path, secret: BackupSecret<'_>) -> Result<Manifest, BackupError> {
    verify(open(path)?, secret)
}

/// Verifies the backup at `path`, then extracts it into `target`, which must not exist (its
/// parent must) or be empty. Files are created with mode 0600, directories 0700. If the file
/// changes between verification and extraction, everything extracted is removed.
pub fn restore_into(
    path: &Path,
    secret: BackupSecret<'_>,
    target: &Path,
) -> Result<Manifest, BackupError> {
    let created_target = prepare_target(target)?;
    let result = verify_then_extract(path, secret, target);
    if result.is_err() {
        clean_target(target, created_target);
    }
    result
}

fn verify_then_extract(
    path: &Path,
    secret: BackupSecret<'_>,
    target: &Path,
) -> Result<Manifest, BackupError> {
    let mut first = open(path)?;
    let header = Header::read(&mut first)?;
    let key = header.open(secret)?;
    let verified = read_archive(first, &header, &key, &mut NoSink)?;

    let mut second = open(path)?;
    let again = Header::read(&mut second).map_err(|_| BackupError::ChangedDuringRestore)?;
    if again.bytes != header.bytes {
        return Err(BackupError::ChangedDuringRestore);
    }
    let mut sink = DirectorySink {
        root: target,
        file: None,
    };
    let extracted =
        read_archive(second, &header, &key, &mut sink).map_err(|error| match error {
            BackupError::Truncated | BackupError::Tampered { .. } | BackupError::HeaderTampered => {
                BackupError::ChangedDuringRestore
            }
            other => other,
        })?;
    if extracted != verified {
        return Err(BackupError::ChangedDuringRestore);
    }
    sync_dir(target).map_err(|e| BackupError::io(format!("writing {}", target.display()), e))?;
    Ok(extracted)
}

fn open(path: &Path) -> Result<BufReader<File>, BackupError> {
    File::open(path)
        .map(|file| BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| BackupError::io(format!("opening {}", path.display()), e))
}

/// Where entry contents go while reading.
trait Sink {
    fn start(&mut self, name: &str) -> Result<(), BackupError>;
    fn data(&mut self, bytes: &[u8]) -> Result<(), BackupError>;
    fn finish(&mut self) -> Result<(), BackupError>;
}

struct NoSink;

impl Sink for NoSink {
    fn start(&mut self, _: &str) -> Result<(), BackupError> {
        Ok(())
    }
    fn data(&mut self, _: &[u8]) -> Result<(), BackupError> {
        Ok(())
    }
    fn finish(&mut self) -> Result<(), BackupError> {
        Ok(())
    }
}

struct DirectorySink<'a> {
    root: &'a Path,
    file: Option<(File, std::path::PathBuf)>,
}

impl Sink for DirectorySink<'_> {
    fn start(&mut self, name: &str) -> Result<(), BackupError> {
        let path = path_under(self.root, name);
        let failed = |e| BackupError::io(format!("writing {}", path.display()), e);
        // Directories are created one level at a time with mode 0700; an existing one is
        // fine (two entries in one directory), anything else at that place fails.
        let mut dir = self.root.to_path_buf();
        let components: Vec<&str> = name.split('/').collect();
        for component in &components[..components.len() - 1] {
            dir.push(component);
            if !dir.is_dir() {
                create_private_dir(&dir).map_err(failed)?;
            }
        }
        let file = create_new_private(&path).map_err(failed)?;
        self.file = Some((file, path));
        Ok(())
    }

    fn data(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        if let Some((file, path)) = &mut self.file {
            file.write_all(bytes)
                .map_err(|e| BackupError::io(format!("writing {}", path.display()), e))?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), BackupError> {
        if let Some((file, path)) = self.file.take() {
            file.sync_all()
                .map_err(|e| BackupError::io(format!("writing {}", path.display()), e))?;
        }
        Ok(())
    }
}

/// Reads everything after the header, checking it all, feeding entry contents to `sink`.
fn read_archive(
    source: impl Read,
    header: &Header,
    key: &FileKey,
    sink: &mut impl Sink,
) -> Result<Manifest, BackupError> {
    let chunks = ChunkReader::new(source, key, header.bytes.clone(), header.chunk_size);
    let mut records = RecordReader {
        inner: DeflateDecoder::new(BufReader::with_capacity(64 * 1024, chunks)),
    };
    let mut names = NameSet::default();
    let mut manifest = Manifest::default();
    let mut block = vec![0u8; MAX_BLOCK];
    loop {
        let [tag] = records.array()?;
        match tag {
            ENTRY => {
                let name = records.name()?;
                names.insert(&name)?;
                sink.start(&name)?;
                let entry = read_entry(&mut records, name, &mut block, sink)?;
                sink.finish()?;
                manifest.entries.push(entry);
            }
            MANIFEST => {
                check_manifest(&mut records, &manifest)?;
                let [end] = records.array()?;
                if end != END {
                    return Err(BackupError::Malformed(
                        "the manifest is not followed by the end",
                    ));
                }
                break;
            }
            _ => return Err(BackupError::Malformed("unknown record")),
        }
    }
    // The compressed stream must end here, and every chunk up to the final one must follow.
    let mut probe = [0u8; 1];
    if records
        .inner
        .read(&mut probe)
        .map_err(|e| BackupError::from_io("reading the backup", e))?
        != 0
    {
        return Err(BackupError::Malformed("data after the end of the archive"));
    }
    let mut rest = records.inner.into_inner();
    let buffered = rest.buffer().len();
    let trailing = rest.get_mut().read_to_end_checked()?;
    if buffered > 0 || trailing > 0 {
        return Err(BackupError::Malformed(
            "data after the end of the compressed stream",
        ));
    }
    Ok(manifest)
}

fn read_entry(
    records: &mut RecordReader<impl Read>,
    name: String,
    block: &mut [u8],
    sink: &mut impl Sink,
) -> Result<ManifestEntry, BackupError> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    loop {
        let [tag] = records.array()?;
        match tag {
            DATA => {
                let len = u32::from_be_bytes(records.array()?) as usize;
                if len == 0 || len > block.len() {
                    return Err(BackupError::Malformed(
                        "a data block's length is out of range",
                    ));
                }
                records.exact(&mut block[..len])?;
                hasher.update(&block[..len]);
                size += len as u64;
                sink.data(&block[..len])?;
            }
            FINISH => {
                let recorded_size = u64::from_be_bytes(records.array()?);
                let recorded_hash: [u8; 32] = records.array()?;
                let hash: [u8; 32] = hasher.finalize().into();
                if recorded_size != size || recorded_hash != hash {
                    return Err(BackupError::ManifestMismatch(name));
                }
                return Ok(ManifestEntry {
                    name,
                    size,
                    sha256: hash,
                });
            }
            _ => return Err(BackupError::Malformed("unknown record inside an entry")),
        }
    }
}

fn check_manifest(
    records: &mut RecordReader<impl Read>,
    seen: &Manifest,
) -> Result<(), BackupError> {
    let count = u32::from_be_bytes(records.array()?) as usize;
    if count != seen.entries.len() {
        return Err(BackupError::Malformed(
            "the manifest does not list the entries",
        ));
    }
    for entry in &seen.entries {
        let name = records.name()?;
        let size = u64::from_be_bytes(records.array()?);
        let sha256: [u8; 32] = records.array()?;
        if name != entry.name || size != entry.size || sha256 != entry.sha256 {
            return Err(BackupError::ManifestMismatch(entry.name.clone()));
        }
    }
    Ok(())
}

/// Creates `target` or checks that it is an empty directory; returns whether it was created.
fn prepare_target(target: &Path) -> Result<bool, BackupError> {
    match fs::read_dir(target) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::TargetNotEmpty(target.to_owned()));
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_private_dir(target)
                .map_err(|e| BackupError::io(format!("creating {}", target.display()), e))?;
            Ok(true)
        }
        Err(e) => Err(BackupError::io(format!("reading {}", target.display()), e)),
    }
}

/// Removes what a failed restore wrote; `target` was empty or absent before.
fn clean_target(target: &Path, created_target: bool) {
    // Best effort: the restore already failed, and its error is what the caller must see.
    if created_target {
        let _ = fs::remove_dir_all(target);
    } else if let Ok(entries) = fs::read_dir(target) {
        for entry in entries.flatten() {
            let path = entry.path();
            let _ = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
        }
    }
}

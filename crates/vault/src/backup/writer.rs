//! Writing a backup as a stream: entries are read in blocks, compressed and encrypted on the
//! way, so memory stays at a few hundred KiB whatever the entries' sizes.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::write::DeflateEncoder;
use sha2::{Digest, Sha256};

use super::chunks::ChunkWriter;
use super::error::BackupError;
use super::header::{Header, KeySource};
use super::names::NameSet;
use super::records::{
    DATA, ENTRY, FINISH, MAX_BLOCK, Manifest, ManifestEntry, write_manifest, write_name,
};
use crate::crypto::random_array;
use crate::kdf::{KdfParams, derive_key};
use crate::keys::{BackupKey, MIN_PASSPHRASE_CHARS};
use crate::secret::SecretString;

/// Plaintext bytes per encrypted chunk.
pub(crate) const CHUNK_SIZE: u32 = 64 * 1024;

/// Deflate level 1 of 9. Measured on 64 MiB (`cargo bench`): level 1 writes text-like data
/// about twice as fast as level 3 for a file 28% instead of 21% of the input, and random data
/// (encrypted fields, photos), which no level compresses, three to four times as fast.
const COMPRESSION_LEVEL: u32 = 1;

/// Writes an encrypted, compressed backup to `out`. Add entries, then call
/// [`BackupWriter::finish`]; a backup that is not finished is refused when read (truncated).
pub struct BackupWriter<W: Write> {
    stream: Option<DeflateEncoder<ChunkWriter<W>>>,
    names: NameSet,
    manifest: Manifest,
    block: Vec<u8>,
}

impl<W: Write> BackupWriter<W> {
    /// A backup encrypted with the backup key (`keys/backup.key`).
    pub fn new(out: W, key: &BackupKey) -> Result<Self, BackupError> {
        Self::start(
            out,
            KeySource::BackupKey {
                id: key.id().to_owned(),
            },
            [0; 16],
            key.key(),
            CHUNK_SIZE,
        )
    }

    /// A backup encrypted with a passphrase (`KOLO_BACKUP_PASSPHRASE`), so it can be restored
    /// without the key files. Use [`KdfParams::RECOMMENDED`] unless testing.
    pub fn with_passphrase(
        out: W,
        passphrase: &SecretString,
        params: KdfParams,
    ) -> Result<Self, BackupError> {
        if passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(BackupError::PassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS,
            });
        }
        let salt = random_array();
        let root = derive_key(passphrase, &salt, params)?;
        Self::start(
            out,
            KeySource::Passphrase { params },
            salt,
            &root,
            CHUNK_SIZE,
        )
    }

    pub(crate) fn start(
        mut out: W,
        source: KeySource,
        salt: [u8; 16],
        root: &crate::crypto::Key32,
        chunk_size: u32,
    ) -> Result<Self, BackupError> {
        let (header, key) = Header::new(source, salt, root, chunk_size);
        out.write_all(&header.bytes)
            .map_err(|e| BackupError::io("writing the backup", e))?;
        let chunks = ChunkWriter::new(out, &key, header.bytes, header.chunk_size);
        Ok(Self {
            stream: Some(DeflateEncoder::new(
                chunks,
                Compression::new(COMPRESSION_LEVEL),
            )),
            names: NameSet::default(),
            manifest: Manifest::default(),
            block: vec![0u8; MAX_BLOCK],
        })
    }

    /// Adds an entry named `name` (a relative path such as `attachments/2f/2f9a.jpg`) with
    /// the content read from `content` until its end. Returns its size and hash.
    pub fn add_entry(
        &mut self,
        name: &str,
        mut content: impl Read,
    ) -> Result<ManifestEntry, BackupError> {
        self.names.insert(name)?;
        let result = self.write_entry(name, &mut content);
        if result.is_err() {
            // Half an entry is in the stream: nothing more can be added to this backup.
            self.stream = None;
        }
        result
    }

    /// Writes the manifest and the final chunk, and returns the output with the manifest.
    pub fn finish(mut self) -> Result<(W, Manifest), BackupError> {
        let mut stream = self.stream.take().ok_or(BackupError::Poisoned)?;
        let written = |e| BackupError::from_io("writing the backup", e);
        write_manifest(&mut stream, &self.manifest).map_err(written)?;
        let chunks = stream.finish().map_err(written)?;
        let out = chunks.finish().map_err(written)?;
        Ok((out, self.manifest))
    }

    fn write_entry(
        &mut self,
        name: &str,
        content: &mut impl Read,
    ) -> Result<ManifestEntry, BackupError> {
        let stream = self.stream.as_mut().ok_or(BackupError::Poisoned)?;
        let written = |e| BackupError::from_io("writing the backup", e);
        stream.write_all(&[ENTRY]).map_err(written)?;
        write_name(stream, name).map_err(written)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            let got = super::header::read_up_to(content, &mut self.block).map_err(|source| {
                BackupError::Source {
                    name: name.to_owned(),
                    source,
                }
            })?;
            if got == 0 {
                break;
            }
            let block = &self.block[..got];
            hasher.update(block);
            size += got as u64;
            stream.write_all(&[DATA]).map_err(written)?;
            // A block is at most 64 KiB.
            stream
                .write_all(&(got as u32).to_be_bytes())
                .map_err(written)?;
            stream.write_all(block).map_err(written)?;
        }
        let entry = ManifestEntry {
            name: name.to_owned(),
            size,
            sha256: hasher.finalize().into(),
        };
        stream.write_all(&[FINISH]).map_err(written)?;
        stream.write_all(&size.to_be_bytes()).map_err(written)?;
        stream.write_all(&entry.sha256).map_err(written)?;
        self.manifest.entries.push(entry.clone());
        Ok(entry)
    }
}

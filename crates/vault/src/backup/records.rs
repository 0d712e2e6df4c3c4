//! The records inside the compressed stream, and the manifest.
//!
//! ```text
//! 'E' | name length (u16) | name          an entry starts
//! 'D' | length (u32, 1..=65536) | bytes   a block of the entry's content
//! 'F' | size (u64) | SHA-256 (32)         the entry ends
//! 'M' | count (u32) | count x (name length (u16) | name | size (u64) | SHA-256 (32))
//! 'Z'                                     the archive ends
//! ```

use std::io::{Read, Write};

use super::error::BackupError;
use crate::crypto::to_hex;

pub(crate) const ENTRY: u8 = b'E';
pub(crate) const DATA: u8 = b'D';
pub(crate) const FINISH: u8 = b'F';
pub(crate) const MANIFEST: u8 = b'M';
pub(crate) const END: u8 = b'Z';

/// Largest data block; entries are streamed in blocks of this size.
pub(crate) const MAX_BLOCK: usize = 64 * 1024;

/// One file in a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub name: String,
    pub size: u64,
    pub sha256: [u8; 32],
}

impl ManifestEntry {
    pub fn sha256_hex(&self) -> String {
        to_hex(&self.sha256)
    }
}

/// Every file in a backup, in order, with its size and SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    pub fn get(&self, name: &str) -> Option<&ManifestEntry> {
        self.entries.iter().find(|entry| entry.name == name)
    }

    /// Total size of the entries, uncompressed.
    pub fn total_size(&self) -> u64 {
        self.entries.iter().map(|entry| entry.size).sum()
    }
}

pub(crate) fn write_name(out: &mut impl Write, name: &str) -> std::io::Result<()> {
    // Names are checked to be at most 1024 bytes before they get here.
    let len = u16::try_from(name.len()).expect("entry names are at most 1024 bytes");
    out.write_all(&len.to_be_bytes())?;
    out.write_all(name.as_bytes())
}

pub(crate) fn write_manifest(out: &mut impl Write, manifest: &Manifest) -> std::io::Result<()> {
    out.write_all(&[MANIFEST])?;
    let count = u32::try_from(manifest.entries.len())
        .map_err(|_| std::io::Error::other("too many entries"))?;
    out.write_all(&count.to_be_bytes())?;
    for entry in &manifest.entries {
        write_name(out, &entry.name)?;
        out.write_all(&entry.size.to_be_bytes())?;
        out.write_all(&entry.sha256)?;
    }
    out.write_all(&[END])
}

/// Reads fixed-size fields from the decompressed stream. An early end of an authenticated
/// stream means the writer was faulty.
pub(crate) struct RecordReader<R: Read> {
    pub(crate) inner: R,
}

impl<R: Read> RecordReader<R> {
    pub(crate) fn exact(&mut self, buf: &mut [u8]) -> Result<(), BackupError> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                BackupError::Malformed("the archive ends inside a record")
            }
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
                BackupError::Malformed("the compressed stream is invalid")
            }
            _ => BackupError::from_io("reading the backup", e),
        })
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        let mut out = [0u8; N];
        self.exact(&mut out)?;
        Ok(out)
    }

    pub(crate) fn name(&mut self) -> Result<String, BackupError> {
        let len = usize::from(u16::from_be_bytes(self.array()?));
        if len > super::names::MAX_NAME_LEN {
            return Err(BackupError::Malformed("an entry name is too long"));
        }
        let mut bytes = vec![0u8; len];
        self.exact(&mut bytes)?;
        String::from_utf8(bytes).map_err(|_| BackupError::Malformed("an entry name is not UTF-8"))
    }
}

//! Chunked encryption of the compressed stream (a STREAM-like construction).
//!
//! Every chunk has the same plaintext size: `data length (u32) | data | zero padding`. Each
//! is sealed with XChaCha20-Poly1305 under the file key, with the nonce
//! `chunk index (u64) | final flag (1 byte) | 15 zero bytes` and the header as associated
//! data. So a chunk cannot be moved (index), the end cannot be cut at a chunk boundary or
//! extended (final flag), and the header cannot be changed (associated data). Non-final
//! chunks are always full; since every chunk has the same size, a file cut inside a chunk is
//! known to be truncated, not merely damaged.

use std::io::{self, Read, Write};

use super::error::BackupError;
use super::header::{FileKey, read_up_to};
use crate::crypto::{Aead, NONCE_LEN, TAG_LEN};

const LEN_PREFIX: usize = 4;

/// Encrypts a byte stream into chunks written to `out`.
pub(crate) struct ChunkWriter<W: Write> {
    out: W,
    aead: Aead,
    associated_data: Vec<u8>,
    chunk: Vec<u8>,
    filled: usize,
    index: u64,
}

impl<W: Write> ChunkWriter<W> {
    pub(crate) fn new(out: W, key: &FileKey, associated_data: Vec<u8>, chunk_size: usize) -> Self {
        Self {
            out,
            aead: Aead::new(&key.0),
            associated_data,
            chunk: vec![0u8; chunk_size],
            filled: 0,
            index: 0,
        }
    }

    /// Seals the final chunk and returns the output.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.seal_chunk(true)?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn capacity(&self) -> usize {
        self.chunk.len() - LEN_PREFIX
    }

    fn seal_chunk(&mut self, last: bool) -> io::Result<()> {
        // Chunk sizes are at most 1 MiB, so the length fits.
        let len = u32::try_from(self.filled).expect("chunk data is under 4 GiB");
        self.chunk[..LEN_PREFIX].copy_from_slice(&len.to_be_bytes());
        let padding_start = LEN_PREFIX + self.filled;
        self.chunk[padding_start..].fill(0);
        let tag = self.aead.seal_in_place(
            &nonce(self.index, last),
            &self.associated_data,
            &mut self.chunk,
        );
        self.out.write_all(&self.chunk)?;
        self.out.write_all(&tag)?;
        self.index += 1;
        self.filled = 0;
        Ok(())
    }
}

impl<W: Write> Write for ChunkWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.filled == self.capacity() {
            self.seal_chunk(false)?;
        }
        let take = data.len().min(self.capacity() - self.filled);
        let start = LEN_PREFIX + self.filled;
        self.chunk[start..start + take].copy_from_slice(&data[..take]);
        self.filled += take;
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Decrypts and authenticates chunks, yielding the stream they carry. Errors come out as
/// `io::Error` wrapping a [`BackupError`] (truncated, tampered).
pub(crate) struct ChunkReader<R: Read> {
    source: R,
    aead: Aead,
    associated_data: Vec<u8>,
    chunk: Vec<u8>,
    /// A copy of the sealed chunk, to retry as the final chunk (a failed decryption may
    /// leave the buffer altered).
    sealed: Vec<u8>,
    /// Where the current chunk's data is within `chunk`.
    position: usize,
    end: usize,
    index: u64,
    finished: bool,
    /// Bytes of the file before the first chunk, for error offsets.
    header_len: u64,
}

impl<R: Read> ChunkReader<R> {
    pub(crate) fn new(
        source: R,
        key: &FileKey,
        associated_data: Vec<u8>,
        chunk_size: usize,
    ) -> Self {
        let header_len = associated_data.len() as u64;
        Self {
            source,
            aead: Aead::new(&key.0),
            associated_data,
            chunk: vec![0u8; chunk_size + TAG_LEN],
            sealed: vec![0u8; chunk_size],
            position: 0,
            end: 0,
            index: 0,
            finished: false,
            header_len,
        }
    }

    /// Reads every remaining chunk; fails unless the final chunk comes and nothing after it.
    pub(crate) fn read_to_end_checked(&mut self) -> Result<u64, BackupError> {
        let mut extra = 0u64;
        let mut sink = [0u8; 4096];
        loop {
            match self.read(&mut sink) {
                Ok(0) => return Ok(extra),
                Ok(n) => extra += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(BackupError::from_io("reading the backup", e)),
            }
        }
    }

    fn next_chunk(&mut self) -> Result<(), BackupError> {
        let offset = self.header_len + self.index * self.chunk.len() as u64;
        let got = read_up_to(&mut self.source, &mut self.chunk)
            .map_err(|e| BackupError::io("reading the backup", e))?;
        if got < self.chunk.len() {
            // Either nothing is left and the final chunk never came, or a chunk is cut short.
            return Err(BackupError::Truncated);
        }
        let body_len = self.chunk.len() - TAG_LEN;
        let tag: [u8; TAG_LEN] = self.chunk[body_len..]
            .try_into()
            .map_err(|_| BackupError::Tampered { offset })?;
        self.sealed.copy_from_slice(&self.chunk[..body_len]);
        let mut last = false;
        let mut opened = self.aead.open_in_place(
            &nonce(self.index, false),
            &self.associated_data,
            &mut self.chunk[..body_len],
            &tag,
        );
        if opened.is_err() {
            // Decryption in place failed and left garbage: start again from the sealed copy.
            self.chunk[..body_len].copy_from_slice(&self.sealed);
            last = true;
            opened = self.aead.open_in_place(
                &nonce(self.index, true),
                &self.associated_data,
                &mut self.chunk[..body_len],
                &tag,
            );
        }
        if opened.is_err() {
            return Err(BackupError::Tampered { offset });
        }
        let len = u32::from_be_bytes([self.chunk[0], self.chunk[1], self.chunk[2], self.chunk[3]])
            as usize;
        let capacity = body_len - LEN_PREFIX;
        if len > capacity || (!last && len != capacity) {
            return Err(BackupError::Malformed("a chunk's length is out of range"));
        }
        self.position = LEN_PREFIX;
        self.end = LEN_PREFIX + len;
        self.index += 1;
        if last {
            self.finished = true;
            let mut probe = [0u8; 1];
            let trailing = read_up_to(&mut self.source, &mut probe)
                .map_err(|e| BackupError::io("reading the backup", e))?;
            if trailing > 0 {
                return Err(BackupError::Tampered {
                    offset: offset + self.chunk.len() as u64,
                });
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for ChunkReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.position == self.end {
            if self.finished {
                return Ok(0);
            }
            self.next_chunk().map_err(BackupError::into_io)?;
        }
        let take = buf.len().min(self.end - self.position);
        buf[..take].copy_from_slice(&self.chunk[self.position..self.position + take]);
        self.position += take;
        Ok(take)
    }
}

fn nonce(index: u64, last: bool) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[..8].copy_from_slice(&index.to_be_bytes());
    nonce[8] = u8::from(last);
    nonce
}

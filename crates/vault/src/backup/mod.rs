//! Encrypted, compressed, streaming backup files.
//!
//! A backup is a header (how the key is derived) followed by fixed-size encrypted chunks
//! (XChaCha20-Poly1305) of a deflate-compressed stream of records: each entry's name and
//! content in blocks, its size and SHA-256, then a manifest of all entries and an end mark.
//! See `header.rs`, `chunks.rs` and `records.rs` for the exact layout.
//!
//! - Truncation: every chunk has the same size and only the last carries the final flag, so a
//!   file cut anywhere is refused as truncated.
//! - Tampering, reordering, appending: every chunk's index and final flag are in its nonce,
//!   the header in its associated data; any change fails authentication.
//! - Wrong secret: a key check in the header tells a wrong passphrase (or wrong backup key,
//!   by its id) from an altered file.
//! - Memory stays bounded: entries are streamed in 64 KiB blocks, never held whole.

mod chunks;
mod error;
mod header;
mod names;
mod reader;
mod records;
mod writer;

pub use error::BackupError;
pub use header::{BackupInfo, BackupSecret, KeySource};
pub use names::MAX_NAME_LEN;
pub use reader::{inspect, restore_into, verify, verify_file};
pub use records::{Manifest, ManifestEntry};
pub use writer::BackupWriter;

#[cfg(test)]
mod tests;

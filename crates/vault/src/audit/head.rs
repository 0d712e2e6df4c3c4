//! The head file (`DATA/audit.head`): the last entry's sequence number and hash, written
//! outside the database after each entry, so deleting the log's tail or rewriting the whole
//! chain is detected.
//!
//! ```text
//! kolo-audit-head 1
//! seq 42
//! hash 3a7b...(64 hex digits)
//! mac 91c0...(64 hex digits)
//! ```
//!
//! The MAC is HMAC-SHA256 under a key derived from the server key, so someone who can edit
//! the database but not read `keys/` cannot write a matching head file. Someone who can write
//! `DATA/` can still put back an older head file together with an older log: keep copies of
//! the head elsewhere (backups, monitoring) if that matters.

use std::fs;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use super::chain::{ChainHash, ChainHead};
use crate::crypto::{ct_eq, from_hex, hmac_sha256, to_hex};
use crate::fsutil::write_atomic;
use crate::keys::ServerKey;

const FIRST_LINE: &str = "kolo-audit-head 1";
const MAC_INFO: &[u8] = b"kolo.audit-head.v1";
const MAX_LEN: u64 = 4096;

/// Problems with the head file.
#[derive(Debug, thiserror::Error)]
pub enum HeadError {
    #[error(
        "the audit head file {path} is missing. If the audit log is empty this is a new \
         installation; otherwise the file was deleted and the log's tail cannot be checked"
    )]
    Missing { path: PathBuf },
    #[error("cannot read the audit head file {path}: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("cannot write the audit head file {path}: {source}")]
    Unwritable { path: PathBuf, source: io::Error },
    #[error("the audit head file {path} is malformed ({detail})")]
    Malformed { path: PathBuf, detail: &'static str },
    #[error(
        "the audit head file {path} was not written by this installation (its MAC does not match): \
         it was edited, or keys/server.key was replaced"
    )]
    Forged { path: PathBuf },
}

/// Writes `head` to `path` atomically (temporary file, fsync, rename), mode 0600.
pub fn write_head(path: &Path, head: &ChainHead, key: &ServerKey) -> Result<(), HeadError> {
    let mac = head_mac(head, key);
    let text = format!(
        "{FIRST_LINE}\nseq {}\nhash {}\nmac {}\n",
        head.seq,
        head.hash.to_hex(),
        to_hex(&mac)
    );
    write_atomic(path, text.as_bytes()).map_err(|source| HeadError::Unwritable {
        path: path.to_owned(),
        source,
    })
}

/// Reads and authenticates the head file.
pub fn read_head(path: &Path, key: &ServerKey) -> Result<ChainHead, HeadError> {
    let unreadable = |source: io::Error| match source.kind() {
        ErrorKind::NotFound => HeadError::Missing {
            path: path.to_owned(),
        },
        _ => HeadError::Unreadable {
            path: path.to_owned(),
            source,
        },
    };
    let size = fs::metadata(path).map_err(unreadable)?.len();
    let malformed = |detail| HeadError::Malformed {
        path: path.to_owned(),
        detail,
    };
    if size > MAX_LEN {
        return Err(malformed("too large"));
    }
    let text = fs::read_to_string(path).map_err(unreadable)?;
    let mut lines = text.lines();
    if lines.next() != Some(FIRST_LINE) {
        return Err(malformed("it does not start with `kolo-audit-head 1`"));
    }
    let mut field = |name: &str| {
        lines.next().and_then(|line| {
            line.strip_prefix(name)?
                .strip_prefix(' ')
                .map(str::to_owned)
        })
    };
    let seq = field("seq")
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| malformed("bad `seq` line"))?;
    let hash = field("hash")
        .and_then(|h| ChainHash::from_hex(&h))
        .ok_or_else(|| malformed("bad `hash` line"))?;
    let mac = field("mac")
        .and_then(|m| from_hex::<32>(&m))
        .ok_or_else(|| malformed("bad `mac` line"))?;
    if lines.any(|line| !line.is_empty()) {
        return Err(malformed("unexpected lines at the end"));
    }
    let head = ChainHead { seq, hash };
    if !ct_eq(&mac, &head_mac(&head, key)) {
        return Err(HeadError::Forged {
            path: path.to_owned(),
        });
    }
    Ok(head)
}

fn head_mac(head: &ChainHead, key: &ServerKey) -> [u8; 32] {
    hmac_sha256(
        &key.derive(MAC_INFO),
        &[&head.seq.to_be_bytes(), head.hash.as_bytes()],
    )
}

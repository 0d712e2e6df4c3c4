//! The hash chain: each entry's hash covers the previous entry's hash and its own canonical
//! bytes, so changing, deleting or reordering entries breaks the chain at that point.

use std::fmt;

use super::entry::{Entry, NewEntry};
use crate::crypto::{from_hex, sha256, to_hex};

const HASH_LABEL: &[u8] = b"kolo.audit.hash.v1\0";

/// A SHA-256 link of the chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash([u8; 32]);

impl ChainHash {
    /// The "previous hash" of the first entry.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        from_hex::<32>(text).map(Self)
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The hash of `entry` following an entry whose hash is `prev`.
pub fn entry_hash(prev: &ChainHash, entry: &Entry) -> ChainHash {
    ChainHash(sha256(&[HASH_LABEL, &prev.0, &entry.canonical_bytes()]))
}

/// The last entry of a chain: its sequence number and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: ChainHash,
}

impl ChainHead {
    /// The head of an empty log.
    pub const EMPTY: ChainHead = ChainHead {
        seq: 0,
        hash: ChainHash::GENESIS,
    };

    /// The stored form of `entry` appended after this head. Insert it, then write its
    /// [`StoredEntry::head`] to the head file. Appends must be serialised (one writer).
    pub fn append(&self, entry: NewEntry) -> StoredEntry {
        let entry = Entry {
            seq: self.seq + 1,
            at_unix_ms: entry.at_unix_ms,
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            address: entry.address.map(String::from),
            details: entry.details,
        };
        let hash = entry_hash(&self.hash, &entry);
        StoredEntry {
            entry,
            prev_hash: self.hash,
            hash,
        }
    }
}

/// An entry with the two hashes stored next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub entry: Entry,
    pub prev_hash: ChainHash,
    pub hash: ChainHash,
}

impl StoredEntry {
    /// The chain head once this entry is the last one.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            seq: self.entry.seq,
            hash: self.hash,
        }
    }
}

/// The first place where the chain cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq}: {reason}")]
pub struct BrokenLink {
    pub seq: u64,
    pub reason: BreakReason,
}

/// Why a link is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakReason {
    #[error("its content does not match its hash (it was edited)")]
    ContentChanged,
    #[error(
        "it records a different hash for entry {previous} than that entry has \
         (entry {previous} was edited and re-hashed, or replaced)"
    )]
    PreviousChanged { previous: u64 },
    #[error(
        "it records a previous entry, but it is the first one (the log's beginning was replaced)"
    )]
    NotTheFirst,
    #[error("entries {first} to {last} are missing (deleted)")]
    Missing { first: u64, last: u64 },
    #[error("it comes after entry {after} (entries were reordered or duplicated)")]
    OutOfOrder { after: u64 },
    #[error(
        "it differs from the head recorded in the head file (the log was rewritten up to here)"
    )]
    DiffersFromHeadFile,
    #[error(
        "the head file records entries up to {recorded}, but the log ends at {last} (its tail was deleted)"
    )]
    TailDeleted { last: u64, recorded: u64 },
}

/// Walks a log from its first entry (sequence 1) and returns its head, or the first broken
/// link. Entries must come in the order they are stored (by sequence number, or by insertion
/// order, which shows reordering too).
pub fn verify_chain(
    entries: impl IntoIterator<Item = StoredEntry>,
) -> Result<ChainHead, BrokenLink> {
    verify_from(ChainHead::EMPTY, entries).map(|v| v.head)
}

/// What a full verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The last entry of the log.
    pub head: ChainHead,
    /// Entries after the one the head file records: normal right after a crash between
    /// inserting an entry and writing the head file, suspicious otherwise, since entries not
    /// covered by the head file could have been added by someone editing the database.
    pub beyond_head_file: u64,
}

/// Walks a log that starts after `start` (use [`ChainHead::EMPTY`] for a complete log, or the
/// checkpoint kept when retention deleted old entries), and compares it with the head file's
/// `recorded` head: a rewritten or truncated log is reported even if it is self-consistent.
pub fn verify_chain_with_head(
    start: ChainHead,
    recorded: ChainHead,
    entries: impl IntoIterator<Item = StoredEntry>,
) -> Result<Verified, BrokenLink> {
    // A head file at or before the starting point has nothing left to vouch for.
    let mut matched_recorded = recorded.seq < start.seq || recorded == start;
    if recorded.seq == start.seq && recorded != start {
        return Err(BrokenLink {
            seq: start.seq,
            reason: BreakReason::DiffersFromHeadFile,
        });
    }
    let mut last = start;
    let mut entries = entries.into_iter().peekable();
    while let Some(stored) = entries.next() {
        last = step(&last, &stored, entries.peek())?;
        if last.seq == recorded.seq {
            if last.hash != recorded.hash {
                return Err(BrokenLink {
                    seq: last.seq,
                    reason: BreakReason::DiffersFromHeadFile,
                });
            }
            matched_recorded = true;
        }
    }
    if !matched_recorded {
        return Err(BrokenLink {
            seq: last.seq + 1,
            reason: BreakReason::TailDeleted {
                last: last.seq,
                recorded: recorded.seq,
            },
        });
    }
    Ok(Verified {
        head: last,
        beyond_head_file: last.seq.saturating_sub(recorded.seq.max(start.seq)),
    })
}

fn verify_from(
    start: ChainHead,
    entries: impl IntoIterator<Item = StoredEntry>,
) -> Result<Verified, BrokenLink> {
    let mut last = start;
    let mut entries = entries.into_iter().peekable();
    while let Some(stored) = entries.next() {
        last = step(&last, &stored, entries.peek())?;
    }
    Ok(Verified {
        head: last,
        beyond_head_file: 0,
    })
}

/// Checks one entry against the head before it and returns the new head. `next` tells a gap
/// (the missing entry never comes) from a swap (it comes right after).
fn step(
    previous: &ChainHead,
    stored: &StoredEntry,
    next: Option<&StoredEntry>,
) -> Result<ChainHead, BrokenLink> {
    let seq = stored.entry.seq;
    let expected = previous.seq + 1;
    if seq < expected {
        return Err(BrokenLink {
            seq,
            reason: BreakReason::OutOfOrder {
                after: previous.seq,
            },
        });
    }
    if seq > expected && next.is_some_and(|n| n.entry.seq < seq) {
        return Err(BrokenLink {
            seq,
            reason: BreakReason::OutOfOrder {
                after: previous.seq,
            },
        });
    }
    if seq > expected {
        return Err(BrokenLink {
            seq: expected,
            reason: BreakReason::Missing {
                first: expected,
                last: seq - 1,
            },
        });
    }
    if stored.prev_hash != previous.hash {
        let reason = match previous.seq {
            0 => BreakReason::NotTheFirst,
            previous => BreakReason::PreviousChanged { previous },
        };
        return Err(BrokenLink { seq, reason });
    }
    if entry_hash(&previous.hash, &stored.entry) != stored.hash {
        return Err(BrokenLink {
            seq,
            reason: BreakReason::ContentChanged,
        });
    }
    Ok(ChainHead {
        seq,
        hash: stored.hash,
    })
}
